//! The root component: one reducer for the state, the analysis derived from the design, and the layout.

use std::rc::Rc;

use avnm_core::{Analysis, Scenario, analyze};
use yew::prelude::*;

use crate::embed::{self, use_message_api};
use crate::page::Page;
use crate::platform;
use crate::state::{Action, AppState};
use crate::views::lesson_view::{Teach, use_teach};
use crate::views::{
    EditorView, EmbedFrame, HeaderView, LessonView, NavigatorView, NoticeView, ResultsView, gallery,
};

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
    let page = use_memo((), |()| Page::from_query(&platform::query()));
    let state = use_reducer({
        let page = page.clone();
        move || embed::initial(&page, &platform::fragment()).unwrap_or_else(initial)
    });
    let analysis = use_memo(Design(state.scenario.clone()), |d| analyze(&d.0));
    let playground = page.embed.is_none();
    use_effect_with(Design(state.scenario.clone()), move |d| {
        // An embed never replaces the design the playground keeps.
        if playground {
            platform::save_design(&d.0.to_json());
        }
    });
    use_effect_with((), |()| platform::set_theme(platform::theme()));
    use_message_api(page.clone(), &state, analysis.clone());
    let teach = use_teach(page.clone(), {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    });
    let dispatch = {
        let state = state.clone();
        let editable = page.editable();
        Callback::from(move |action: Action| {
            if editable || !embed::changes_design(&action) {
                state.dispatch(action);
            }
        })
    };
    let ctx = Ctx {
        state,
        analysis,
        dispatch,
    };
    let lesson = teach.open.is_some() || teach.error.is_some();
    let body = if playground {
        html! {
            <div class="app">
                <HeaderView />
                <NoticeView />
                <div class={classes!("layout", lesson.then_some("with-lesson"))}>
                    if lesson { <LessonView /> }
                    <nav class="navigator" aria-label="Design"><NavigatorView /></nav>
                    <main class="editor"><EditorView /></main>
                    <section class="results" aria-label="Results"><ResultsView /></section>
                </div>
            </div>
        }
    } else {
        html! { <EmbedFrame {page} /> }
    };
    html! {
        <ContextProvider<Ctx> context={ctx}>
            <ContextProvider<Teach> context={teach}>{ body }</ContextProvider<Teach>>
        </ContextProvider<Ctx>>
    }
}
