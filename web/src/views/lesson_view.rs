//! The lesson player: a lesson's steps one at a time, each with its text, its design loaded into the editor,
//! exercises graded live on the learner's design, hints one at a time, a solution shown as a diff that can be
//! applied, and "predict, then run" questions.
//!
//! Lessons are files (`static/lessons/<id>.json`) fetched when opened, so the playground's bundle does not grow
//! with every lesson; `avnm_lesson` reads them, grades exercises on the memoised analysis and renders Markdown.

use std::rc::Rc;

use avnm_core::model::Decision;
use avnm_core::scenario::Change;
use avnm_core::{Analysis, analyze};
use avnm_lesson::{ChangeKind, Lesson, answer, diff, grade_analysis};
use yew::prelude::*;

use super::panels::render_verdict;
use crate::app::Ctx;
use crate::components::markdown::markdown;
use crate::components::rich;
use crate::embed::{ExerciseOutcome, Outbound, decision_name};
use crate::page::Page;
use crate::platform;
use crate::state::Action;

/// Where a shipped lesson is fetched from, relative to the page.
pub fn lesson_url(id: &str) -> String {
    format!("static/lessons/{id}.json")
}

/// Reads a fetched lesson.
pub fn read_lesson(id: &str, fetched: Result<String, String>) -> Result<Rc<Lesson>, String> {
    let text = fetched?;
    Lesson::parse(&text)
        .map(Rc::new)
        .map_err(|e| format!("the lesson `{id}` cannot be read: {e}"))
}

/// A lesson open at a step.
#[derive(Clone, Debug)]
pub struct OpenLesson {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// The step shown, 0-based.
    pub step: usize,
}

impl PartialEq for OpenLesson {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lesson, &other.lesson) && self.step == other.step
    }
}

/// What the lesson player is asked to do.
#[derive(Clone, Debug)]
pub enum TeachAction {
    /// Fetch a shipped lesson and open it at a step.
    Fetch(String, usize),
    /// Show a step of a lesson and load its design.
    Open(Rc<Lesson>, usize),
    /// Close the lesson; the design stays.
    Close,
}

/// The lesson context: what is open, and how to change it.
#[derive(Clone, PartialEq)]
pub struct Teach {
    /// The lesson open, if any.
    pub open: Option<OpenLesson>,
    /// Why the lesson asked for could not be opened.
    pub error: Option<AttrValue>,
    /// Opens, steps and closes.
    pub act: Callback<TeachAction>,
    /// For an embedded lesson, the origins told of the exercises' grades.
    pub tell: Option<Rc<Vec<String>>>,
}

/// The lesson state of the app, opening the lesson of the URL (`?lesson=<id>&step=<n>`) once mounted.
#[hook]
pub fn use_teach(page: Rc<Page>, dispatch: Callback<Action>) -> Teach {
    let open = use_state(|| None::<OpenLesson>);
    let error = use_state(|| None::<AttrValue>);
    let act = {
        let (open, error) = (open.clone(), error.clone());
        Callback::from(move |action: TeachAction| match action {
            TeachAction::Fetch(id, step) => {
                let (open, error, dispatch) = (open.clone(), error.clone(), dispatch.clone());
                platform::fetch_text(
                    lesson_url(&id),
                    Callback::from(move |fetched| match read_lesson(&id, fetched) {
                        Ok(lesson) => show(&open, &error, &dispatch, lesson, step),
                        Err(e) => error.set(Some(e.into())),
                    }),
                );
            }
            TeachAction::Open(lesson, step) => show(&open, &error, &dispatch, lesson, step),
            TeachAction::Close => open.set(None),
        })
    };
    {
        let (act, lesson, step) = (act.clone(), page.lesson.clone(), page.step);
        use_effect_with((), move |()| {
            if let Some(id) = lesson {
                act.emit(TeachAction::Fetch(id, step));
            }
        });
    }
    Teach {
        open: (*open).clone(),
        error: (*error).clone(),
        act,
        tell: page.embed.map(|_| Rc::new(crate::embed::origins(&page))),
    }
}

/// Shows a step and loads its design (an undoable load, so the learner's design before it is one undo away).
fn show(
    open: &UseStateHandle<Option<OpenLesson>>,
    error: &UseStateHandle<Option<AttrValue>>,
    dispatch: &Callback<Action>,
    lesson: Rc<Lesson>,
    step: usize,
) {
    let step = step.min(lesson.steps.len().saturating_sub(1));
    if let Some(s) = lesson.steps.get(step) {
        dispatch.emit(Action::Load {
            text: s.design.to_json(),
            source: format!("step {} of the lesson `{}`", step + 1, lesson.id),
        });
    }
    error.set(None);
    open.set(Some(OpenLesson { lesson, step }));
}

/// Compares by identity.
#[derive(Clone)]
struct Same<T>(Rc<T>);

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The lesson player, shown beside the playground while a lesson is open.
#[component]
pub fn LessonView() -> Html {
    let ctx = use_context::<Ctx>();
    let teach = use_context::<Teach>();
    {
        // An embedded lesson tells the page around it of the grades after every change.
        let grades = match (&ctx, &teach) {
            (
                Some(ctx),
                Some(Teach {
                    open: Some(open),
                    tell: Some(tell),
                    ..
                }),
            ) => Some((Same(ctx.analysis.clone()), open.clone(), tell.clone())),
            _ => None,
        };
        use_effect_with(grades, |grades| {
            if let Some((analysis, open, tell)) = grades {
                platform::tell_parent(tell, &exercises(&analysis.0, open), None);
            }
        });
    }
    let (Some(ctx), Some(teach)) = (ctx, teach) else {
        return html! {};
    };
    let Some(open) = teach.open.clone() else {
        return match &teach.error {
            Some(error) => {
                html! { <aside class="lesson" data-testid="lesson"><p class="error" role="alert" data-testid="lesson-error">{ rich(error) }</p></aside> }
            }
            None if teach.tell.is_some() => {
                html! { <aside class="lesson" data-testid="lesson"><p class="hint">{ "Loading the lesson…" }</p></aside> }
            }
            None => html! {},
        };
    };
    let lesson = &open.lesson;
    let Some(step) = lesson.steps.get(open.step) else {
        return html! {};
    };
    let count = lesson.steps.len();
    let go = |to: usize| {
        let lesson = lesson.clone();
        teach
            .act
            .reform(move |_: MouseEvent| TeachAction::Open(lesson.clone(), to))
    };
    let close = teach.act.reform(|_: MouseEvent| TeachAction::Close);
    let key = format!("{}-{}", lesson.id, open.step);
    html! {
        <aside class="lesson" aria-label="Lesson" data-testid="lesson">
            <div class="lesson-head">
                <h2>{ lesson.title.clone() }</h2>
                if teach.tell.is_none() {
                    <button class="small" onclick={close} title="Close the lesson; your design stays" data-testid="lesson-close">{ "Close" }</button>
                }
            </div>
            <nav class="lesson-steps" aria-label="Steps">
                <button class="small" onclick={go(open.step.saturating_sub(1))} disabled={open.step == 0} data-testid="lesson-prev">{ "← Previous" }</button>
                <span data-testid="lesson-progress">{ format!("Step {} of {count}", open.step + 1) }</span>
                <button class="small" onclick={go(open.step + 1)} disabled={open.step + 1 >= count} data-testid="lesson-next">{ "Next →" }</button>
            </nav>
            <h3 data-testid="lesson-step-title">{ step.title.clone() }</h3>
            <div class="lesson-text" data-testid="lesson-text">{ markdown(&step.text) }</div>
            { for (0..step.exercises.len()).map(|i| html! {
                <ExerciseCard key={format!("{key}-e{i}")} lesson={open.clone()} index={i} />
            }) }
            { for (0..step.questions.len()).map(|i| html! {
                <QuestionCard key={format!("{key}-q{i}")} lesson={open.clone()} index={i} />
            }) }
            <p class="hint">
                <button class="small" onclick={go(open.step)} title="Load this step's design again" data-testid="lesson-restart">{ "Start this step again" }</button>
            </p>
            if ctx.state.history.undoable() > 0 && teach.tell.is_none() {
                <p class="hint">{ "Each step loads its own design; Undo brings back the one before." }</p>
            }
        </aside>
    }
}

/// The `avnm:exercises` message for the open step.
fn exercises(analysis: &Analysis, open: &OpenLesson) -> Outbound {
    let step = open.lesson.steps.get(open.step);
    Outbound::Exercises {
        lesson: open.lesson.id.clone(),
        step: open.step + 1,
        exercises: step
            .map(|s| {
                s.exercises
                    .iter()
                    .map(|e| {
                        let grade = grade_analysis(analysis, e);
                        ExerciseOutcome {
                            passed: grade.passed,
                            checks: grade.checks.into_iter().map(|c| c.why).collect(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Properties of an exercise or a question: the open step, and which one.
#[derive(Properties, PartialEq)]
struct ItemProps {
    lesson: OpenLesson,
    index: usize,
}

/// An exercise: its goal, its checks graded live, hints one at a time, and the solution as a diff.
#[component]
fn ExerciseCard(props: &ItemProps) -> Html {
    let hints = use_state(|| 0_usize);
    let solution = use_state(|| false);
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let Some(exercise) = props
        .lesson
        .lesson
        .steps
        .get(props.lesson.step)
        .and_then(|s| s.exercises.get(props.index))
    else {
        return html! {};
    };
    let i = props.index;
    let grade = grade_analysis(&ctx.analysis, exercise);
    let status = if grade.passed { "pass" } else { "fail" };
    let more_hint = {
        let hints = hints.clone();
        Callback::from(move |_: MouseEvent| hints.set(*hints + 1))
    };
    let toggle = {
        let solution = solution.clone();
        Callback::from(move |_: MouseEvent| solution.set(!*solution))
    };
    let shown_solution = (*solution).then(|| {
        match exercise.solution.apply(&ctx.state.scenario) {
            Err(e) => html! {
                <p class="error" role="alert">{ "The solution does not apply to your design: " }{ rich(&e.to_string()) }{ ". Start the step again to apply it." }</p>
            },
            Ok(solved) => {
                let changes = diff(&ctx.state.scenario, &solved);
                let apply = ctx.dispatch.reform(move |_: MouseEvent| {
                    Action::Change(Change::Replace(solved.to_json()))
                });
                html! {
                    <div class="solution" data-testid={format!("exercise-{i}-diff")}>
                        if changes.is_empty() {
                            <p class="hint">{ "Your design already holds every change of the solution." }</p>
                        } else {
                            <ul class="diff">{ for changes.iter().map(render_change) }</ul>
                            <button class="primary small" onclick={apply} data-testid={format!("exercise-{i}-apply")}>{ "Apply it" }</button>
                        }
                    </div>
                }
            }
        }
    });
    html! {
        <section class={classes!("exercise", status)} data-testid={format!("exercise-{i}")}>
            <h4>
                { format!("Exercise {} ", i + 1) }
                <span class={classes!("badge", status)} data-testid={format!("exercise-{i}-status")}>
                    { if grade.passed { "Passed" } else { "Not yet" } }
                </span>
            </h4>
            <div class="goal">{ markdown(&exercise.goal) }</div>
            <ul class="checks">
                { for grade.checks.iter().map(|c| html! {
                    <li class={if c.passed { "pass" } else { "fail" }}>
                        <span aria-hidden="true">{ if c.passed { "✓ " } else { "✗ " } }</span>{ rich(&c.why) }
                    </li>
                }) }
            </ul>
            { for exercise.hints.iter().take(*hints).enumerate().map(|(h, hint)| html! {
                <div class="lesson-hint" data-testid={format!("exercise-{i}-hint-{h}")}>
                    <strong>{ format!("Hint {}: ", h + 1) }</strong>{ markdown(hint) }
                </div>
            }) }
            <div class="exercise-actions">
                if *hints < exercise.hints.len() {
                    <button class="small" onclick={more_hint} data-testid={format!("exercise-{i}-hint")}>
                        { format!("Show a hint ({} of {})", *hints + 1, exercise.hints.len()) }
                    </button>
                }
                <button class="small" onclick={toggle} aria-expanded={solution.to_string()} data-testid={format!("exercise-{i}-solution")}>
                    { if *solution { "Hide the solution" } else { "Show a solution" } }
                </button>
            </div>
            { for shown_solution }
        </section>
    }
}

/// One resource of a solution's diff: added, removed, or changed with its JSON Patch operations.
fn render_change(change: &avnm_lesson::Change) -> Html {
    let name = change
        .id
        .rsplit('/')
        .next()
        .unwrap_or(&change.id)
        .to_owned();
    let (class, label) = match change.kind {
        ChangeKind::Added => ("added", "add"),
        ChangeKind::Removed => ("removed", "remove"),
        ChangeKind::Changed => ("changed", "change"),
    };
    let body = match change.kind {
        ChangeKind::Added => change
            .after
            .as_ref()
            .map(|v| html! { <pre class="added">{ format!("{v:#}") }</pre> }),
        ChangeKind::Removed => None,
        ChangeKind::Changed => Some(html! {
            <ul class="operations">{ for change.operations.iter().map(|op| html! { <li><code>{ op.to_string() }</code></li> }) }</ul>
        }),
    };
    html! {
        <li class={classes!("diff-item", class)}>
            <span class={classes!("badge", class)}>{ label }</span>{ " " }<code title={change.id.clone()}>{ name }</code>
            { for body }
        </li>
    }
}

/// A "predict, then run" question: the learner picks a verdict, then sees the engine's with its trace.
#[component]
fn QuestionCard(props: &ItemProps) -> Html {
    let picked = use_state(|| None::<Decision>);
    let step_analysis = use_memo(props.lesson.clone(), |open| {
        open.lesson.steps.get(open.step).map(|s| analyze(&s.design))
    });
    let Some(question) = props
        .lesson
        .lesson
        .steps
        .get(props.lesson.step)
        .and_then(|s| s.questions.get(props.index))
    else {
        return html! {};
    };
    let i = props.index;
    let choices = [Decision::Allowed, Decision::Denied, Decision::Unreachable];
    let result = picked.and_then(|pick| {
        let analysis = (*step_analysis).as_ref()?;
        let verdict = answer(analysis, question);
        let right = verdict.verdict == pick;
        Some(html! {
            <div class={classes!("answer", if right { "pass" } else { "fail" })} data-testid={format!("question-{i}-result")}>
                <p>
                    <strong>{ if right { "Right: " } else { "Not quite: " } }</strong>
                    { format!("you said {}, the engine says {}.", decision_name(pick), decision_name(verdict.verdict)) }
                </p>
                <div class="explanation">{ markdown(&question.explanation) }</div>
                { render_verdict(&verdict) }
            </div>
        })
    });
    html! {
        <section class="question" data-testid={format!("question-{i}")}>
            <h4>{ "Predict, then run" }</h4>
            <div class="prompt">{ markdown(&question.prompt) }</div>
            <p class="hint">{ format!("On this step's design: {}", question.flow.flow()) }</p>
            <div class="choices" role="group" aria-label="Your prediction">
                { for choices.iter().map(|d| {
                    let d = *d;
                    let onclick = { let picked = picked.clone(); Callback::from(move |_: MouseEvent| picked.set(Some(d))) };
                    let name = decision_name(d);
                    html! {
                        <button class={classes!("small", (*picked == Some(d)).then_some("primary"))} {onclick} disabled={picked.is_some()}
                            data-testid={format!("question-{i}-{}", name.to_lowercase())}>{ name }</button>
                    }
                }) }
            </div>
            { for result }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_shipped_lesson() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|name| name.strip_suffix(".json").map(ToOwned::to_owned))
            .collect();
        files.sort();
        let mut listed: Vec<String> = super::super::lessons_gallery::LESSON_CARDS
            .iter()
            .map(|card| card.id.to_owned())
            .collect();
        listed.sort();
        assert_eq!(files, listed);
    }

    #[test]
    fn a_lesson_that_cannot_be_read_says_which() {
        assert_eq!(
            read_lesson(
                "x",
                Err("`static/lessons/x.json` could not be fetched: the server answered 404".into())
            )
            .unwrap_err(),
            "`static/lessons/x.json` could not be fetched: the server answered 404"
        );
        assert_eq!(
            read_lesson("x", Ok("{\"resources\": []}".into())).unwrap_err(),
            "the lesson `x` cannot be read: ``: missing field `lessonVersion`: this is not a lesson document"
        );
    }

    #[test]
    fn the_first_exercise_of_network_groups_is_graded_for_the_page() {
        let text = include_str!("../../../static/lessons/network-groups.json");
        let lesson = Rc::new(Lesson::parse(text).unwrap());
        let open = OpenLesson {
            lesson: lesson.clone(),
            step: 0,
        };
        let before = analyze(&lesson.steps[0].design);
        let Outbound::Exercises {
            step, exercises: e, ..
        } = exercises(&before, &open)
        else {
            panic!("not exercises")
        };
        assert_eq!(step, 1);
        assert!(!e[0].passed, "the batch VNet is not a static member yet");
        let solved = lesson.steps[0].exercises[0]
            .solution
            .apply(&lesson.steps[0].design)
            .unwrap();
        let Outbound::Exercises { exercises: e, .. } = exercises(&analyze(&solved), &open) else {
            panic!("not exercises")
        };
        assert!(e[0].passed);
    }
}
