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

pub use topology_view::make_ahead as make_topology_ahead;
pub use verdict_view::make_ahead as make_verdict_ahead;

pub(crate) use intents_view::IntentsView;
pub(crate) use matrix_view::MatrixView;
pub(crate) use membership_view::MembershipView;
pub(crate) use topology_view::TopologyView;
pub(crate) use verdict_view::VerdictView;
