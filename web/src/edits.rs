//! Edits of a large design made in tasks of their own: a change of a design of [`STAGED_FROM`] or more (in the
//! units of `Scenario::size`), or an undo or a redo from or to one, is applied in a task, and the design it makes
//! analysed in tasks of their own ([`analysing::in_tasks`], keeping what the edit cannot have moved of the
//! analysis before), before the state takes it ([`Action::Changed`], or the undo or redo itself) with its analysis
//! made ahead ([`Ahead`]): no task of the edit holds the page for the change, the analysis and the render together.
//!
//! The actions that come while an edit is being made wait for it, in their order (an undo waits for the edit it
//! would undo); then each is done in turn, an edit of a large design again in tasks of its own. A smaller design's
//! actions are done at once, as they come.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use avnm_core::{Analysis, Scenario};
use yew::{Callback, UseReducerHandle};

use crate::analysing;
use crate::app::Ahead;
use crate::platform;
use crate::state::{Action, AppState, Changed};

/// The size of a design (`Scenario::size`: its resources, subnets and NSG rules) from which its edits are made in
/// tasks of their own. Issue 8's first tier (1,000 VNets, 200 NSGs of 100 rules; about 25,600) is edited at once
/// in well under 50 ms; its second (10,000 VNets, 1,000 NSGs of 200 rules; about 261,000) took a task of 140 to
/// 160 ms for the change and the analysis.
pub const STAGED_FROM: usize = 50_000;

/// Whether an edit of a large design is being made, told to whoever listens (the header's note "Updating…") when
/// it changes, without rendering the page again.
#[derive(Clone, Default)]
pub struct Status(Rc<RefCell<(bool, Option<Callback<bool>>)>>);

impl Status {
    /// Hears, from now on, whether an edit is being made.
    pub fn listen(&self, listener: Callback<bool>) {
        self.0.borrow_mut().1 = Some(listener);
    }

    /// Tells the listener that an edit is (or is no longer) being made, unless it was told so last.
    fn tell(&self, busy: bool) {
        let listener = {
            let mut status = self.0.borrow_mut();
            if std::mem::replace(&mut status.0, busy) == busy {
                return;
            }
            status.1.clone()
        };
        if let Some(listener) = listener {
            listener.emit(busy);
        }
    }
}

/// The actions waiting for an edit being made.
#[derive(Debug, Default)]
pub struct Queue {
    /// Whether an action is being done (an edit in tasks of its own, or those waiting, in turn).
    busy: bool,
    /// The actions that came meanwhile, in their order.
    waiting: VecDeque<Action>,
}

/// The playground's dispatcher: its state, the analysis of the design on screen and the analysis made ahead, and
/// the actions waiting for an edit being made (kept by the page across renders).
#[derive(Clone)]
pub struct Edits {
    /// The state (its handle reads the state as it is now, not as it was rendered).
    pub state: UseReducerHandle<AppState>,
    /// The analysis of the design last shown, or of the design an edit made last.
    pub last: Rc<RefCell<Option<Rc<Analysis>>>>,
    /// Where an edit leaves the analysis it made for the page to take.
    pub ahead: Ahead,
    /// The actions waiting.
    pub queue: Rc<RefCell<Queue>>,
    /// Told when an edit starts being made in tasks of its own, and when the actions waiting are all done.
    pub status: Status,
}

/// An edit of a large design, ready to be made in tasks of its own: the design it applies to, and what it does.
enum Staged {
    /// A change of the design.
    Change(Rc<Scenario>, avnm_core::scenario::Change),
    /// An undo or a redo, to the design it goes to.
    Travel(Rc<Scenario>, Rc<Scenario>, Action),
}

impl Edits {
    /// Does `action`, after those waiting: at once, or, when it edits a large design, in tasks of its own.
    pub fn dispatch(&self, action: Action) {
        let start = {
            let mut queue = self.queue.borrow_mut();
            queue.waiting.push_back(action);
            !std::mem::replace(&mut queue.busy, true)
        };
        if start {
            self.go_on();
        }
    }

    /// Does the actions waiting in turn until one edits a large design, which goes on in tasks of its own.
    fn go_on(&self) {
        loop {
            let next = self.queue.borrow_mut().waiting.pop_front();
            let Some(action) = next else {
                self.queue.borrow_mut().busy = false;
                self.status.tell(false);
                return;
            };
            if let Some(edit) = self.edit(&action) {
                self.status.tell(true);
                let edits = self.clone();
                platform::next_task(move || edits.make(edit));
                return;
            }
            self.state.dispatch(action);
        }
    }

    /// The edit `action` makes of a large design, if it is one (else it is done at once): a change of a large
    /// design, an undo or a redo from or to one.
    fn edit(&self, action: &Action) -> Option<Staged> {
        let design = self.state.scenario.clone();
        let to = match action {
            Action::Change(change) => {
                return (design.size() >= STAGED_FROM)
                    .then(|| Staged::Change(design, change.clone()));
            }
            Action::Undo => self.state.history.undone()?,
            Action::Redo => self.state.history.redone()?,
            _ => return None,
        };
        (design.size().max(to.size()) >= STAGED_FROM)
            .then(|| Staged::Travel(design, to, action.clone()))
    }

    /// Makes `edit`: the change in this task, then the analysis of the design it makes in tasks of their own, and
    /// the action that shows it in a task of its own.
    fn make(self, edit: Staged) {
        let (before, next, action) = match edit {
            Staged::Change(before, change) => {
                let next = platform::timed("change", || before.change(&change)).map(Rc::new);
                let made = next.as_ref().ok().cloned();
                let action = Action::Changed(Rc::new(Changed {
                    before: before.clone(),
                    change,
                    next,
                }));
                (before, made, action)
            }
            Staged::Travel(before, to, action) => (before, Some(to), action),
        };
        let Some(next) = next else {
            // Refused: the state says why, at once.
            return self.done(action);
        };
        let previous = self
            .last
            .borrow()
            .clone()
            .filter(|p| Arc::ptr_eq(&p.model, before.model()));
        let edits = self;
        platform::next_task(move || {
            analysing::in_tasks(
                next.clone(),
                previous.as_deref(),
                Rc::new(|_| ()),
                move |analysis| {
                    let analysis = Rc::new(analysis);
                    edits.ahead.keep(next, analysis.clone());
                    *edits.last.borrow_mut() = Some(analysis.clone());
                    // What the views make at their first render, in tasks of their own before the one that
                    // shows the design.
                    crate::views::make_ahead(&analysis);
                    platform::next_task(move || edits.done(action));
                },
            );
        });
    }

    /// Does the action that shows an edit made, then those that waited for it.
    fn done(&self, action: Action) {
        self.state.dispatch(action);
        self.go_on();
    }
}
