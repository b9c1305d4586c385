//! The complete example of `docs/lessons.md` is a sound lesson.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use avnm_lesson::{Lesson, grade, validate};

#[test]
fn the_documented_example_is_a_sound_lesson() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/lessons.md"))
        .unwrap();
    let section = doc
        .split("## A complete example")
        .nth(1)
        .expect("the example section");
    let json = section
        .split("```json\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("a json block");
    let lesson = Lesson::parse(json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lesson.steps.len(), 2);
    let problems = validate(&lesson);
    assert!(problems.is_empty(), "{problems:#?}");
    let step = &lesson.steps[1];
    let exercise = &step.exercises[0];
    assert!(!grade(&step.design, exercise).passed);
    assert!(grade(&exercise.solution.apply(&step.design).unwrap(), exercise).passed);
}
