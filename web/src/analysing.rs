//! A large design analysed in tasks of their own, so that the page never holds its thread for a whole analysis:
//! its membership a few steps at a time (each slice ended after [`platform::for_a_slice`]'s time), then the rest
//! a stage per task (the topology, then each part of the security engine's index). Given the analysis of the
//! design it was changed from, it keeps what the change cannot have moved (`Analysing::after`): its membership
//! when the change did not write what membership reads, and with it the topology and the index's lookups the
//! change left alike.
//!
//! The header's import analyses the design it loads this way ([`crate::views`]' import), and so does an edit of a
//! large design ([`crate::edits`]).

use std::rc::Rc;
use std::sync::Arc;

use avnm_core::analysis::Analysing;
use avnm_core::membership::Resolving;
use avnm_core::{Analysis, Model, Scenario};

use crate::platform;

/// How far an analysis is, from 0 to 1 (the membership takes the first [`MEMBERSHIP_SHARE`] of it), told between
/// its tasks.
pub type Progress = Rc<dyn Fn(f64)>;

/// How many steps of the membership's resolution are taken between two looks at the clock
/// ([`platform::for_a_slice`]).
const STEPS_PER_LOOK: usize = 8;

/// The share of an analysis the membership's resolution is counted as, when it is resolved.
const MEMBERSHIP_SHARE: f64 = 0.8;

/// Analyses `design` in tasks of their own, keeping what it can of `previous` (the analysis of the design it was
/// changed from, if any), telling `progress` how far it is between tasks; then gives the analysis to `done`, in
/// the task of the last stage.
pub fn in_tasks(
    design: Rc<Scenario>,
    previous: Option<&Analysis>,
    progress: Progress,
    done: impl FnOnce(Analysis) + 'static,
) {
    if let Some(analysing) = previous.and_then(|p| {
        platform::timed("analyse: what an edit kept", || {
            Analysing::after(p, &design)
        })
    }) {
        platform::next_task(move || rest(analysing, progress, done));
        return;
    }
    let resolution = platform::timed("analyse: membership", || {
        Resolution::new(design.model().clone(), |model| Resolving::new(model))
    });
    platform::next_task(move || resolve(design, resolution, progress, done));
}

/// One slice of the membership's resolution, and the next in a task of its own; then the rest of the analysis.
fn resolve(
    design: Rc<Scenario>,
    mut resolution: Resolution,
    progress: Progress,
    done: impl FnOnce(Analysis) + 'static,
) {
    let all = platform::timed("analyse: membership", || {
        resolution.with_dependent_mut(|_, resolving| {
            platform::for_a_slice(|| resolving.step(STEPS_PER_LOOK).then_some(()))
        })
    });
    let (resolved, total) = resolution.borrow_dependent().progress();
    progress(MEMBERSHIP_SHARE * resolved as f64 / total.max(1) as f64);
    if all.is_none() {
        platform::next_task(move || resolve(design, resolution, progress, done));
        return;
    }
    let members = resolution.with_dependent_mut(|_, resolving| resolving.finish());
    let analysing = Analysing::new(design.model().clone(), members, design.diagnostics());
    platform::after_paint(move || rest(analysing, progress, done));
}

/// One stage of the rest of the analysis, and the next in a task of its own; then the analysis, to `done`.
fn rest(mut analysing: Analysing, progress: Progress, done: impl FnOnce(Analysis) + 'static) {
    if !platform::timed("analyse: the rest", || analysing.step()) {
        progress(MEMBERSHIP_SHARE);
        platform::next_task(move || rest(analysing, progress, done));
        return;
    }
    done(platform::timed("analyse: the rest", || analysing.finish()));
}

self_cell::self_cell!(
    /// A design's membership being resolved a few steps at a time, beside the model it reads.
    struct Resolution {
        owner: Arc<Model>,
        #[covariant]
        dependent: Resolving,
    }
);
