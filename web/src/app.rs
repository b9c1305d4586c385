//! The root component: one reducer for the state, the analysis derived from the design, and the layout.

use std::rc::Rc;

use avnm_core::{Analysis, Scenario, analyze};
use yew::prelude::*;

use crate::platform;
use crate::state::{Action, AppState};
use crate::views::{EditorView, HeaderView, NavigatorView, NoticeView, ResultsView, gallery};

/// What every view reads: the state, the analysis of the current design, and the dispatcher.
///
/// The state is the reducer's own handle, shared, never copied into the context.
#[derive(Clone)]
pub struct Ctx {
    /// The state.
    pub state: UseReducerHandle<AppState>,
    /// The analysis of `state.scenario`.
    pub analysis: Rc<Analysis>,
    /// Changes the state.
    pub dispatch: Callback<Action>,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && Rc::ptr_eq(&self.analysis, &other.analysis)
    }
}

/// The design to start with: the one saved by the last session, else the first example.
fn initial() -> AppState {
    let saved = platform::saved_design().and_then(|text| Scenario::parse(&text).ok());
    let design = saved.or_else(|| {
        gallery::EXAMPLES
            .first()
            .and_then(|e| Scenario::parse(e.text).ok())
    });
    AppState::new(design.unwrap_or_default())
}

/// Compares designs by identity, so the analysis is recomputed only when the design changes.
#[derive(Clone)]
struct Design(Rc<Scenario>);

impl PartialEq for Design {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The playground.
#[component]
pub fn App() -> Html {
    let state = use_reducer(initial);
    let analysis = use_memo(Design(state.scenario.clone()), |d| analyze(&d.0));
    use_effect_with(Design(state.scenario.clone()), |d| {
        platform::save_design(&d.0.to_json())
    });
    use_effect_with((), |()| platform::set_theme(platform::theme()));
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    let ctx = Ctx {
        state,
        analysis,
        dispatch,
    };
    html! {
        <ContextProvider<Ctx> context={ctx}>
            <div class="app">
                <HeaderView />
                <NoticeView />
                <div class="layout">
                    <nav class="navigator" aria-label="Design"><NavigatorView /></nav>
                    <main class="editor"><EditorView /></main>
                    <section class="results" aria-label="Results"><ResultsView /></section>
                </div>
            </div>
        </ContextProvider<Ctx>>
    }
}
