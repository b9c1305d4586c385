//! The scenario document (decisions §1): the whole state of a design, as one JSON document.
//!
//! API Boundary: the document format is shared by the playground, share links, files, the `avnm` command
//! and the tests; it does not change.
//! A [`Scenario`] keeps the document itself, so that keys the engine does not read (titles, teaching notes,
//! properties of other resource types) survive a load and a save, next to the typed [`Model`] read from it
//! and the diagnostics of its values.

pub mod format;
pub mod validate;

use std::sync::Arc;

use serde_json::Value;

pub use format::FormatError;

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// A design: the document, its typed model and the problems found in it.
#[derive(Clone, Debug)]
pub struct Scenario {
    document: Value,
    model: Arc<Model>,
    diagnostics: Vec<Diagnostic>,
}

impl Scenario {
    /// Parses a scenario document.
    ///
    /// Malformed input is an error naming its JSON path; semantic problems are [`Scenario::diagnostics`].
    ///
    /// ```
    /// use avnm_core::Scenario;
    /// let scenario = Scenario::parse(r#"{"resources": [], "commits": [], "intents": []}"#).unwrap();
    /// assert!(scenario.model().vnets.is_empty());
    /// let error = Scenario::parse(r#"{"resources": [{"id": 5}]}"#).unwrap_err();
    /// assert_eq!(error.to_string(), "`resources[0].id`: expected a string, found a number");
    /// ```
    pub fn parse(text: &str) -> Result<Self, FormatError> {
        let document: Value = serde_json::from_str(text).map_err(|e| FormatError::Json {
            line: e.line(),
            column: e.column(),
            message: e
                .to_string()
                .split(" at line")
                .next()
                .unwrap_or_default()
                .to_owned(),
        })?;
        Self::from_document(document)
    }

    /// Reads a document that is already parsed JSON.
    pub fn from_document(document: Value) -> Result<Self, FormatError> {
        let (model, mut diagnostics) = format::read(&document)?;
        diagnostics.extend(validate::validate(&model));
        Ok(Scenario {
            document,
            model: Arc::new(model),
            diagnostics,
        })
    }

    /// The typed model the engines read.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// The problems found in the document's values and references.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The document as pretty-printed JSON, with every key it was loaded with.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.document).unwrap_or_default()
    }
}
