//! The result panels: verdict, intents, membership, topology, effective rules, reachability matrix and
//! diagnostics, all derived from the analysis of the current design.

mod diagnostics_view;
mod intents_view;
mod matrix_view;
mod membership_view;
mod results_view;
mod rules_view;
mod topology_view;
mod verdict_view;

pub use results_view::{BestEffortNote, ResultsView};
pub use verdict_view::render_verdict;

/// Makes ahead what the panels of a large design make at their first render and keep: the verdict panel's
/// endpoints, and the topology's overview of its analysis.
pub fn make_ahead(analysis: &std::rc::Rc<avnm_core::Analysis>) {
    verdict_view::make_ahead(&analysis.model);
    topology_view::make_ahead(analysis);
}

pub(crate) use intents_view::IntentsView;
pub(crate) use matrix_view::MatrixView;
pub(crate) use membership_view::MembershipView;
pub(crate) use topology_view::TopologyView;
pub(crate) use verdict_view::VerdictView;
