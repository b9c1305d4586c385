//! The lessons in the overview: each shipped lesson with its title, summary and steps, fetched when the overview
//! is first shown, and a button that opens it in the lesson player.

use std::rc::Rc;

use avnm_lesson::Lesson;
use yew::prelude::*;

use super::lesson_view::{LESSONS, Teach, TeachAction, lesson_url, read_lesson};
use crate::components::markdown::markdown;
use crate::components::rich;
use crate::platform;

/// A lesson as fetched: read, or why not.
type Fetched = (String, Result<Rc<Lesson>, String>);

/// The list of lessons.
#[component]
pub fn LessonsGallery() -> Html {
    let fetched = use_state(Vec::<Fetched>::new);
    {
        let fetched = fetched.clone();
        use_effect_with((), move |()| {
            // Every answer is added to what has arrived so far, whatever the order they arrive in.
            let arrived = Rc::new(std::cell::RefCell::new(Vec::<Fetched>::new()));
            for id in LESSONS {
                let (fetched, arrived) = (fetched.clone(), arrived.clone());
                platform::fetch_text(
                    lesson_url(id),
                    Callback::from(move |text| {
                        let mut all = arrived.borrow_mut();
                        all.push((id.to_owned(), read_lesson(id, text)));
                        all.sort_by_key(|(id, _)| LESSONS.iter().position(|l| l == id));
                        fetched.set(all.clone());
                    }),
                );
            }
        });
    }
    let Some(teach) = use_context::<Teach>() else {
        return html! {};
    };
    html! {
        <>
            <h3>{ "Lessons" }</h3>
            <p class="hint">{ "Step-by-step lessons with exercises graded as you edit, hints, solutions and questions where you predict the verdict before the engine shows it." }</p>
            if fetched.is_empty() { <p class="hint">{ "Loading the lessons…" }</p> }
            <ul class="gallery lessons" data-testid="lessons">
                { for fetched.iter().map(|(id, lesson)| match lesson {
                    Ok(lesson) => {
                        let open = { let lesson = lesson.clone(); teach.act.reform(move |_: MouseEvent| TeachAction::Open(lesson.clone(), 0)) };
                        let exercises: usize = lesson.steps.iter().map(|s| s.exercises.len()).sum();
                        html! {
                            <li class="card lesson-card" key={id.clone()}>
                                <h4>{ lesson.title.clone() }</h4>
                                <div class="summary">{ markdown(&lesson.summary) }</div>
                                <p class="muted">{ format!("{} steps, {exercises} exercises", lesson.steps.len()) }</p>
                                <button class="primary" onclick={open} data-testid={format!("open-lesson-{id}")}>{ "Start" }</button>
                            </li>
                        }
                    }
                    Err(e) => html! { <li class="card" key={id.clone()}><p class="error">{ rich(e) }</p></li> },
                }) }
            </ul>
        </>
    }
}
