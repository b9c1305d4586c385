//! The root component: one reducer for the state, the analysis derived from the design, and the layout.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use avnm_core::analysis::analyze_after;
use avnm_core::{Analysis, Scenario, analyze};
use yew::prelude::*;

use avnm_link::Query;

use crate::components::Same;
use crate::edits::{self, Edits};
use crate::embed::{self, use_message_api};
use crate::page::Page;
use crate::state::{Action, AppState, History, Opened, Restored, Selection, Started, Tab};
use crate::views::lesson_view::{Teach, use_teach};
use crate::views::{
    EditorView, EmbedFrame, HeaderView, LessonView, NavigatorView, NoticeView, ResultsView, gallery,
};
use crate::{library, platform, share};

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
    /// An analysis made before its design is loaded.
    pub ahead: Ahead,
    /// Whether an edit of a large design is being made (the header says so).
    pub updating: edits::Status,
}

/// An analysis made before its design is loaded: the header's import analyses a large design in tasks of its own
/// (its membership, then the rest) before it loads it, and the page's analysis takes this one when its design is
/// the one loaded (the same `Rc`) instead of analysing it again in the task that loads it.
#[derive(Clone, Default)]
pub struct Ahead(Rc<RefCell<Option<Analysed>>>);

/// A design and its analysis.
type Analysed = (Rc<Scenario>, Rc<Analysis>);

impl Ahead {
    /// Keeps the analysis of `design` for when it is loaded (in place of any other kept).
    pub fn keep(&self, design: Rc<Scenario>, analysis: Rc<Analysis>) {
        *self.0.borrow_mut() = Some((design, analysis));
    }

    /// The analysis kept for `design`, if it is the design kept; whatever was kept is let go.
    fn take_for(&self, design: &Rc<Scenario>) -> Option<Rc<Analysis>> {
        let (kept, analysis) = self.0.borrow_mut().take()?;
        Rc::ptr_eq(&kept, design).then_some(analysis)
    }
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && Rc::ptr_eq(&self.analysis, &other.analysis)
    }
}

/// How many intents the design has and how many fail, computed once per analysis (each is a traced verdict),
/// not at every render of the frame.
#[hook]
pub fn use_intent_counts(ctx: Option<&Ctx>) -> (usize, usize) {
    let counts = use_memo(ctx.map(|c| Same(c.analysis.clone())), |a| {
        a.as_ref().map_or((0, 0), |a| {
            let results = platform::timed("intents: check", || a.0.check());
            (results.len(), results.iter().filter(|r| !r.passed).count())
        })
    });
    *counts
}

/// How the playground starts.
struct Boot {
    /// The first state.
    state: AppState,
    /// What is still to be read after the first frame.
    then: Then,
    /// The index of saved designs before anything is autosaved, to compare with the journal (not for a design
    /// opened from a link).
    recover: Option<library::Library>,
}

/// What start-up reads after the first frame.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Then {
    /// Nothing: the design came from a link.
    Nothing,
    /// The undo history of the saved design on screen.
    History(u32),
    /// The saved design on screen and its history, kept in IndexedDB.
    Design(u32),
    /// The first example, fetched: nothing is saved yet (a new visitor).
    Example,
}

/// The design to start with: a share link in the address, else the design on screen last time, else the first
/// example. A link that cannot be opened leaves the saved design on screen with a notice saying why.
fn boot() -> Boot {
    let mut notice = None;
    if let Some(fragment) = platform::fragment().filter(|f| share::is_link(f)) {
        match open_link(&fragment) {
            Ok((opened, kept)) => {
                let mut state = AppState::new(Scenario::default()).reduce(Action::Open(opened));
                if let Some(message) = kept {
                    state = state.reduce(Action::Notify(message));
                }
                return Boot {
                    state,
                    then: Then::Nothing,
                    recover: None,
                };
            }
            Err(message) => notice = Some(message),
        }
    }
    let current = library::load().current;
    let (design, then) = match library::start() {
        library::Start::Text(text) => (
            Scenario::parse(&text).ok(),
            current.map_or(Then::Nothing, Then::History),
        ),
        library::Start::Indexed(id) => (Some(Scenario::default()), Then::Design(id)),
        library::Start::Nothing => (None, Then::Nothing),
    };
    // With nothing to show, the first example is fetched after the first frame.
    let (design, then) = match design {
        Some(design) => (design, then),
        None => (Scenario::default(), Then::Example),
    };
    let mut state = AppState::new(design);
    if let Some(message) = notice {
        state = state.reduce(Action::Notify(message));
    }
    Boot {
        state,
        then,
        recover: Some(library::load()),
    }
}

/// Opens a share link: its design becomes a new saved design, the one on screen, and the address loses its
/// fragment (the design now lives in the browser's storage). The design that was on screen stays saved under
/// its name. Returns what to open and a notice when the design could not be kept, or why the link was refused.
fn open_link(fragment: &str) -> Result<(Rc<Opened>, Option<String>), String> {
    let link = share::open(fragment)?;
    let kept = library::save_new(&link.document, None, true).err();
    platform::clear_fragment();
    Ok((link.opened, kept))
}

/// Opens a link pasted into the address bar of the open page.
fn listen_for_links(dispatch: UseReducerDispatcher<AppState>) -> impl FnOnce() {
    let listener = platform::on_fragment_change(Callback::from(move |()| {
        let Some(fragment) = platform::fragment().filter(|f| share::is_link(f)) else {
            return;
        };
        match open_link(&fragment) {
            Ok((opened, kept)) => {
                dispatch.dispatch(Action::Open(opened));
                if let Some(message) = kept {
                    dispatch.dispatch(Action::Notify(message));
                }
            }
            Err(message) => dispatch.dispatch(Action::Notify(message)),
        }
    }));
    move || drop(listener)
}

/// Reads what start-up left for after the first frame: the stored undo history, or a design kept in IndexedDB; and,
/// given the index as start-up found it (`recover`), a design the journal holds in a newer state.
/// `ready` is set when it is done: until then nothing is autosaved, so a placeholder never overwrites a design.
fn finish_boot(
    then: Then,
    recover: Option<library::Library>,
    design: Rc<Scenario>,
    dispatch: UseReducerDispatcher<AppState>,
    ready: Rc<Cell<bool>>,
) {
    if let Some(index) = recover {
        // A design in IndexedDB is read after the journal, so that an older copy never replaces a recovered one;
        // otherwise the journal is read beside what start-up does at once.
        let (dispatch, ready) = (dispatch.clone(), ready.clone());
        if let Then::Design(_) = then {
            library::recover(
                index,
                Callback::from(move |found: Option<library::Recovered>| match found {
                    Some(recovered) => open_recovered(recovered, dispatch.clone(), ready.clone()),
                    None => {
                        finish_boot(then, None, design.clone(), dispatch.clone(), ready.clone())
                    }
                }),
            );
            return;
        }
        library::recover(
            index,
            Callback::from(move |found: Option<library::Recovered>| {
                if let Some(recovered) = found {
                    open_recovered(recovered, dispatch.clone(), ready.clone());
                }
            }),
        );
    }
    match then {
        Then::Nothing => ready.set(true),
        Then::History(id) => library::fetch_history(
            id,
            Callback::from(move |history: History| {
                ready.set(true);
                dispatch.dispatch(Action::Restore(Rc::new(Restored {
                    design: design.clone(),
                    history,
                })));
            }),
        ),
        Then::Example => {
            // The empty design shown meanwhile is never saved (see `use_autosave`); a design the user loads
            // before the example arrives is.
            ready.set(true);
            if let Some(first) = gallery::EXAMPLES.first() {
                start_with_example(first.name, None, design, dispatch);
            }
        }
        Then::Design(id) => library::open(
            id,
            Callback::from(move |opened: Result<(Scenario, History), String>| {
                ready.set(true);
                match opened {
                    Ok((scenario, history)) => dispatch.dispatch(Action::Open(Rc::new(Opened {
                        scenario: Rc::new(scenario),
                        history,
                        selection: Selection::Overview,
                        tab: Tab::Verdict,
                        query: Query::default(),
                    }))),
                    Err(message) => dispatch.dispatch(Action::Notify(message)),
                }
            }),
        ),
    }
}

/// Puts a design recovered from the journal on screen, with its stored history, and says so.
fn open_recovered(
    recovered: library::Recovered,
    dispatch: UseReducerDispatcher<AppState>,
    ready: Rc<Cell<bool>>,
) {
    let library::Recovered { scenario, id, name } = recovered;
    let scenario = Rc::new(scenario);
    library::fetch_history(
        id,
        Callback::from(move |history: History| {
            ready.set(true);
            dispatch.dispatch(Action::Open(Rc::new(Opened {
                scenario: scenario.clone(),
                history,
                selection: Selection::Overview,
                tab: Tab::Verdict,
                query: Query::default(),
            })));
            dispatch.dispatch(Action::Notify(format!(
                "the last changes to `{name}` were recovered: the browser closed before it had kept them"
            )));
        }),
    );
}

/// Fetches the example `name` and shows it in place of `placeholder`, the design start-up showed meanwhile (unless
/// something else replaced it since: a lesson's design, a design loaded by the user); `item` selects the resource an
/// embed's URL names.
pub fn start_with_example(
    name: &str,
    item: Option<String>,
    placeholder: Rc<Scenario>,
    dispatch: UseReducerDispatcher<AppState>,
) {
    let name = name.to_owned();
    gallery::fetch_example(
        &name.clone(),
        Callback::from(move |fetched: Result<String, String>| {
            let read = fetched.and_then(|text| {
                Scenario::parse(&text)
                    .map_err(|e| format!("the example `{name}` cannot be read: {e}"))
            });
            match read {
                Ok(scenario) => {
                    let selection = item
                        .as_deref()
                        .and_then(|item| embed::selection_of(scenario.model(), item))
                        .unwrap_or_default();
                    dispatch.dispatch(Action::Start(Rc::new(Started {
                        placeholder: placeholder.clone(),
                        opened: Opened {
                            scenario: Rc::new(scenario),
                            history: History::default(),
                            selection,
                            tab: Tab::Verdict,
                            query: Query::default(),
                        },
                    })));
                }
                Err(message) => dispatch.dispatch(Action::Notify(message)),
            }
        }),
    );
}

/// Compares histories by identity, so the stored history is written only when it changes.
#[derive(Clone)]
struct Steps(History);

impl PartialEq for Steps {
    fn eq(&self, other: &Self) -> bool {
        self.0.same(&other.0)
    }
}

/// Keeps the design on screen and its history in the browser as they change, once start-up is done.
///
/// The design the page started with is never saved again: it is already saved (the design on screen last time, a
/// link's design), or a placeholder shown until the saved design or the first example arrives.
#[hook]
fn use_autosave(state: &UseReducerHandle<AppState>, ready: &Rc<Cell<bool>>) {
    let notify = {
        let dispatch = state.dispatcher();
        Callback::from(move |message: String| dispatch.dispatch(Action::Notify(message)))
    };
    let first = use_mut_ref(|| state.scenario.clone());
    let saver = use_mut_ref(library::Autosaver::default);
    let generation = use_memo((), |()| Rc::new(Cell::new(0_u64)));
    let saving = ready.clone();
    use_effect_with(Same(state.scenario.clone()), move |d| {
        if saving.get() && !Rc::ptr_eq(&d.0, &first.borrow()) {
            generation.set(generation.get() + 1);
            library::autosave_in_slices(d.0.clone(), saver, (*generation).clone(), notify);
        }
    });
    let saving = ready.clone();
    use_effect_with(Steps(state.history.clone()), move |steps| {
        if saving.get() {
            library::keep_history(&steps.0);
        }
    });
}

/// The playground.
#[component]
pub fn App() -> Html {
    let page = use_memo((), |()| Page::from_query(&platform::query()));
    let playground = page.embed.is_none();
    let then = use_mut_ref(|| (Then::Nothing, None));
    let state = use_reducer({
        let (page, then) = (page.clone(), then.clone());
        move || {
            // An embed starts from its own design and never touches the designs the playground keeps.
            if let Some(state) = embed::initial(&page, &platform::fragment().unwrap_or_default()) {
                return state;
            }
            let Boot {
                state,
                then: next,
                recover,
            } = boot();
            *then.borrow_mut() = (next, recover);
            state
        }
    });
    let ready = use_memo((), |()| Cell::new(false));
    {
        let design = state.scenario.clone();
        let dispatch = state.dispatcher();
        let (then, recover) = then.borrow().clone();
        let (ready, page) = (ready.clone(), page.clone());
        use_effect_with((), move |()| -> Box<dyn FnOnce()> {
            if playground {
                finish_boot(then, recover, design, dispatch.clone(), ready);
                Box::new(listen_for_links(dispatch))
            } else {
                if let Some(example) = embed::example_of(&page) {
                    start_with_example(example.name, page.item.clone(), design, dispatch);
                }
                Box::new(|| ())
            }
        });
    }
    use_autosave(&state, &ready);
    // The analysis of the design before, for an edit's analysis to keep what the edit cannot have changed.
    let last = use_mut_ref(|| None::<Rc<Analysis>>);
    let ahead = use_memo((), |()| Ahead::default());
    let analysis = {
        let (last, ahead) = (last.clone(), (*ahead).clone());
        use_memo(Same(state.scenario.clone()), move |d| {
            if let Some(ready) = ahead.take_for(&d.0) {
                return ready;
            }
            let previous = last.borrow().clone();
            Rc::new(platform::timed("analyse", || match previous {
                Some(previous) => analyze_after(&previous, &d.0),
                None => analyze(&d.0),
            }))
        })
    };
    let analysis: Rc<Analysis> = (*analysis).clone();
    *last.borrow_mut() = Some(analysis.clone());
    use_effect_with((), |()| platform::set_theme(platform::theme()));
    use_message_api(page.clone(), &state, analysis.clone());
    let teach = use_teach(page.clone(), {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    });
    let queue = use_mut_ref(edits::Queue::default);
    let updating = use_memo((), |()| edits::Status::default());
    let dispatch = {
        let edits = Edits {
            state: state.clone(),
            last,
            ahead: (*ahead).clone(),
            queue,
            status: (*updating).clone(),
        };
        let editable = page.editable();
        Callback::from(move |action: Action| {
            if editable || !embed::changes_design(&action) {
                edits.dispatch(action);
            }
        })
    };
    let ctx = Ctx {
        state,
        analysis,
        dispatch,
        ahead: (*ahead).clone(),
        updating: (*updating).clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn design(title: &str) -> Rc<Scenario> {
        let text = format!(r#"{{"title": "{title}", "resources": []}}"#);
        Rc::new(Scenario::parse(&text).expect("an empty design"))
    }

    #[test]
    fn an_analysis_made_ahead_serves_its_own_design_once() {
        let (a, b) = (design("a"), design("b"));
        let ahead = Ahead::default();
        ahead.keep(a.clone(), Rc::new(analyze(&a)));
        assert!(ahead.take_for(&b).is_none(), "not another design's");
        assert!(
            ahead.take_for(&a).is_none(),
            "let go once another design was loaded"
        );
        ahead.keep(a.clone(), Rc::new(analyze(&a)));
        assert!(ahead.take_for(&a).is_some(), "its own design's");
        assert!(ahead.take_for(&a).is_none(), "taken once");
    }
}
