//! # avnm-lesson
//!
//! Lessons for AVNM Playground: a versioned JSON document (`docs/lessons.md`) of steps, each with a text in
//! Markdown, a design (a whole scenario document) or a patch to the previous step's design, exercises whose
//! goals are checks the engine grades live, and "predict, then run" questions about one flow.
//!
//! [`Lesson::parse`] reads a lesson and builds the design of every step; [`grade`] grades an exercise on any
//! design (the learner's); [`validate`] checks a lesson as its author needs: every exercise fails on its step's
//! design and passes once its solution is applied, every question's answer is the engine's verdict;
//! [`markdown::render`] turns a text into a typed tree that cannot carry markup.
//!
//! ```
//! use avnm_lesson::{Lesson, grade};
//! let lesson = Lesson::parse(include_str!("../../static/lessons/security-admin-rules.json")).unwrap();
//! let step = &lesson.steps[0];
//! let exercise = &step.exercises[0];
//! assert!(!grade(&step.design, exercise).passed);
//! let solved = exercise.solution.apply(&step.design).unwrap();
//! assert!(grade(&solved, exercise).passed);
//! ```
//!
//! This crate reads no files: the front end and the `avnm lesson` command hand it text.

#![warn(missing_docs)]

mod diff;
mod format;
mod grade;
pub mod markdown;
mod patch;
mod validate;

pub use diff::{Change, ChangeKind, diff};
pub use format::{
    Check, Exercise, FlowCheck, LESSON_VERSION, Lesson, MembershipCheck, MembershipExpect,
    Question, Step, TopologyCheck, TopologyExpect,
};
pub use grade::{CheckResult, Grade, answer, grade, grade_analysis};
pub use patch::{ListEdit, Patch};
pub use validate::{Problem, validate};

/// A lesson that cannot be read, with the JSON path of the problem in the lesson document.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LessonError {
    /// The text is not JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// The document is of a lesson format version this build does not read.
    #[error(
        "`lessonVersion`: lesson version `{found}` is not supported; this build reads version {LESSON_VERSION}"
    )]
    Version {
        /// The version as written.
        found: String,
    },
    /// A value of the lesson has the wrong shape.
    #[error("`{path}`: {message}")]
    Format {
        /// JSON path in the lesson.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A patch does not apply to the design before it.
    #[error("`{path}`: {message}")]
    Patch {
        /// JSON path of the operation in the lesson.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A step's design (after its patches) is not a readable scenario document.
    #[error("`{path}`: {message}")]
    Design {
        /// JSON path in the lesson of the value that cannot be read.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl LessonError {
    /// The JSON path of the problem in the lesson, empty for a JSON syntax error.
    pub fn path(&self) -> &str {
        match self {
            LessonError::Json { .. } => "",
            LessonError::Version { .. } => "lessonVersion",
            LessonError::Format { path, .. }
            | LessonError::Patch { path, .. }
            | LessonError::Design { path, .. } => path,
        }
    }

    pub(crate) fn format(path: impl Into<String>, message: impl Into<String>) -> Self {
        LessonError::Format {
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn patch(path: impl Into<String>, message: impl Into<String>) -> Self {
        LessonError::Patch {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl From<serde_json::Error> for LessonError {
    fn from(e: serde_json::Error) -> Self {
        let text = e.to_string();
        let message = text.split(" at line").next().unwrap_or_default().to_owned();
        LessonError::Json {
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}
