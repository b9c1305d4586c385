//! The lessons in the overview: each shipped lesson with its title, summary and size, and a button that fetches it
//! and opens it in the lesson player.
//!
//! The cards come from [`LESSON_CARDS`], which a test keeps equal to the lesson files, so that the first page
//! fetches no lesson: a lesson is fetched when it is started.

use yew::prelude::*;

use super::lesson_view::{Teach, TeachAction};
use crate::components::markdown::markdown;

/// A shipped lesson as its card in the overview shows it.
#[derive(Debug)]
pub struct LessonCard {
    /// The lesson's id: its file is `static/lessons/<id>.json`.
    pub id: &'static str,
    /// The lesson's `title`.
    pub title: &'static str,
    /// The lesson's `summary`, in Markdown.
    pub summary: &'static str,
    /// How many steps it has.
    pub steps: usize,
    /// How many exercises its steps have in all.
    pub exercises: usize,
}

/// The shipped lessons, in the order of the story they tell (`static/lessons/<id>.json`).
pub const LESSON_CARDS: &[LessonCard] = &[
    LessonCard {
        id: "network-groups",
        title: "Network groups: static members and Azure Policy",
        summary: "Put VNets into network groups by hand and by condition, leave some out on purpose, and see a new VNet pick up a deployed configuration without a new commit.",
        steps: 4,
        exercises: 4,
    },
    LessonCard {
        id: "connectivity",
        title: "Hub and spoke, direct connectivity and mesh",
        summary: "Connect team VNets to a hub, let one team's spokes talk directly, reach a second region with a commit, and add a mesh without losing the hub.",
        steps: 3,
        exercises: 4,
    },
    LessonCard {
        id: "security-admin-rules",
        title: "Security admin rules and NSGs: Allow, AlwaysAllow, Deny",
        summary: "Block high-risk ports for the whole organization, give one team an SSH exception that its NSGs still control, and force-allow monitoring past every NSG.",
        steps: 3,
        exercises: 3,
    },
    LessonCard {
        id: "commits-goal-state",
        title: "Commits replace the goal state of a region",
        summary: "See why a second deployment to a region silently undoes the first (the most common Terraform surprise with AVNM), and fix it per region and commit type.",
        steps: 3,
        exercises: 3,
    },
];

/// The list of lessons.
#[component]
pub fn LessonsGallery() -> Html {
    let Some(teach) = use_context::<Teach>() else {
        return html! {};
    };
    html! {
        <>
            <h3>{ "Lessons" }</h3>
            <p class="hint">{ "Step-by-step lessons with exercises graded as you edit, hints, solutions and questions where you predict the verdict before the engine shows it." }</p>
            <ul class="gallery lessons" data-testid="lessons">
                { for LESSON_CARDS.iter().map(|card| {
                    let open = teach.act.reform(move |_: MouseEvent| TeachAction::Fetch(card.id.to_owned(), 0));
                    html! {
                        <li class="card lesson-card" key={card.id}>
                            <h4>{ card.title }</h4>
                            <div class="summary">{ markdown(card.summary) }</div>
                            <p class="muted">{ format!("{} steps, {} exercises", card.steps, card.exercises) }</p>
                            <button class="primary" onclick={open} data-testid={format!("open-lesson-{}", card.id)}>{ "Start" }</button>
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}

#[cfg(test)]
mod tests {
    use avnm_lesson::Lesson;

    use super::LESSON_CARDS;

    /// Each card says what its lesson file says: title, summary, steps and exercises.
    #[test]
    fn the_cards_describe_the_lesson_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons");
        for card in LESSON_CARDS {
            let text = std::fs::read_to_string(dir.join(format!("{}.json", card.id))).unwrap();
            let lesson = Lesson::parse(&text).unwrap();
            assert_eq!(lesson.id, card.id);
            assert_eq!(lesson.title, card.title, "{}", card.id);
            assert_eq!(lesson.summary, card.summary, "{}", card.id);
            assert_eq!(lesson.steps.len(), card.steps, "{}", card.id);
            let exercises: usize = lesson.steps.iter().map(|s| s.exercises.len()).sum();
            assert_eq!(exercises, card.exercises, "{}", card.id);
        }
    }
}
