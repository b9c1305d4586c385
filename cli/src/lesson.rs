//! `avnm lesson check FILE`: validates a lesson as the tests of the shipped lessons do, for lesson authors.
//!
//! It prints `{"lesson", "title", "steps", "exercises", "questions", "valid", "problems": [...]}` (or a table),
//! exits 1 when a problem is an error (warnings never change the exit code) and 2 when the file is not a
//! readable lesson, naming the file and the JSON path.

use std::io::Read;
use std::process::ExitCode;

use avnm_core::Severity;
use avnm_lesson::{Lesson, Problem, validate};
use serde_json::json;

use crate::Format;

#[derive(clap::Subcommand, Debug)]
pub enum LessonCommand {
    /// Validates a lesson: every step's design loads without errors, every exercise fails on its step's
    /// design and passes with its solution, every question's answer is the engine's verdict; exits 1 if not
    Check {
        /// Lesson document, or `-` for standard input
        file: String,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
}

pub fn run(command: LessonCommand) -> ExitCode {
    let LessonCommand::Check { file, format } = command;
    let name = if file == "-" { "standard input" } else { &file };
    let text = if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(&file)
    };
    let lesson = match text {
        Ok(text) => Lesson::parse(&text).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let lesson = match lesson {
        Ok(lesson) => lesson,
        Err(message) => {
            eprintln!("avnm: {name}: {message}");
            return ExitCode::from(2);
        }
    };
    let problems = validate(&lesson);
    let valid = !problems.iter().any(|p| p.severity == Severity::Error);
    let exercises: usize = lesson.steps.iter().map(|s| s.exercises.len()).sum();
    let questions: usize = lesson.steps.iter().map(|s| s.questions.len()).sum();
    match format {
        Format::Json => {
            let out = json!({
                "lesson": lesson.id,
                "title": lesson.title,
                "steps": lesson.steps.len(),
                "exercises": exercises,
                "questions": questions,
                "valid": valid,
                "problems": problems,
            });
            crate::out::println(&serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Table => crate::out::print(&table(&lesson, &problems, valid, exercises, questions)),
    }
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn table(
    lesson: &Lesson,
    problems: &[Problem],
    valid: bool,
    exercises: usize,
    questions: usize,
) -> String {
    let mut out = format!(
        "{} ({}): {} steps, {exercises} exercises, {questions} questions: {}\n",
        lesson.title,
        lesson.id,
        lesson.steps.len(),
        if valid { "valid" } else { "NOT valid" }
    );
    for problem in problems {
        out.push_str(&format!("  {problem}\n"));
    }
    out
}
