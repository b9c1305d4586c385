//! The scenario document (decisions §1): the whole state of a design, as one JSON document.
//!
//! API Boundary: the document format is shared by the playground, share links, files, the `avnm` command
//! and the tests; it does not change.
//! A [`Scenario`] keeps the document itself, so that keys the engine does not read (titles, teaching notes,
//! properties of other resource types) survive a load and a save, next to the typed [`Model`] read from it
//! and the diagnostics of its values.

pub mod builder;
pub mod change;
pub(crate) mod document;
pub mod edit;
pub mod field;
pub mod format;
pub mod place;
pub mod validate;

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

pub use crate::path::{Path, PathError, Segment};
pub use change::{Change, ChangeError, NewResource, Target, deploy_everything};
pub use document::{RESOURCES_PER_PIECE, Texts};
pub use edit::{Edit, EditError, FieldValue, apply, apply_all};
pub use field::FieldError;
pub use format::FormatError;
pub use place::Place;

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use document::Document;

/// A design: the document, its typed model and the problems found in it.
#[derive(Clone, Debug)]
pub struct Scenario {
    document: Document,
    model: Arc<Model>,
    /// The diagnostics of reading the document (its first `read`, in document order), then those of validating
    /// the model.
    diagnostics: Vec<Diagnostic>,
    read: usize,
    /// What each check of the validation read and found.
    found: validate::Found,
}

impl Default for Scenario {
    /// An empty design: no resources, commits or intents.
    fn default() -> Self {
        Scenario {
            document: Document::new(
                serde_json::json!({"resources": [], "commits": [], "intents": []}),
            ),
            model: Arc::default(),
            diagnostics: Vec::new(),
            read: 0,
            found: validate::Found::default(),
        }
    }
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
        let document: Value = serde_json::from_str(text)?;
        Self::from_document(document)
    }

    /// The model and diagnostics [`Scenario::parse`] gives for a text, or its error, read without keeping the
    /// document: for a reader that only analyses the design (the `avnm` commands but `export`). The JSON tree of
    /// the resources is never built as a whole (each resource is parsed, read and freed in turn): on the benchmark's
    /// 10,000-VNet design, `avnm topology` went from 1.05 to 0.85 s and from 885 to 331 MiB at its peak.
    ///
    /// ```
    /// use avnm_core::Scenario;
    /// let text = r#"{"resources": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v",
    ///   "type": "Microsoft.Network/virtualNetworks", "location": "westus",
    ///   "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#;
    /// let (model, diagnostics) = Scenario::read_model(text).unwrap();
    /// let scenario = Scenario::parse(text).unwrap();
    /// assert_eq!(&model, &**scenario.model());
    /// assert_eq!(diagnostics, scenario.diagnostics());
    /// ```
    pub fn read_model(text: &str) -> Result<(Model, Vec<Diagnostic>), FormatError> {
        let (model, mut diagnostics) = format::read_text(text)?;
        diagnostics.extend(validate::validate_after(&model, None).0);
        Ok((model, diagnostics))
    }

    /// Reads a document that is already parsed JSON.
    pub fn from_document(document: Value) -> Result<Self, FormatError> {
        Self::read(Document::new(document))
    }

    /// Starts reading a parsed document a few resources at a time ([`Reading::step`]), for a page that reads a
    /// large design between its frames; the design it ends with ([`Reading::finish`]) is the one
    /// [`Scenario::from_document`] reads at once.
    ///
    /// ```
    /// use avnm_core::Scenario;
    /// let text = r#"{"resources": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v",
    ///   "type": "Microsoft.Network/virtualNetworks", "location": "westus",
    ///   "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#;
    /// let document: serde_json::Value = serde_json::from_str(text).unwrap();
    /// let mut reading = Scenario::reading(document.clone()).unwrap();
    /// assert_eq!(reading.progress(), (0, 1));
    /// while !reading.step(100).unwrap() {}
    /// let (read, at_once) = (reading.finish().unwrap(), Scenario::from_document(document).unwrap());
    /// assert_eq!(read.model(), at_once.model());
    /// assert_eq!(read.to_json(), at_once.to_json());
    /// ```
    ///
    /// # Errors
    /// The document is not a scenario document (a later resource's error comes from [`Reading::step`]).
    pub fn reading(document: Value) -> Result<Reading, FormatError> {
        let document = Document::new(document);
        let partial = format::Partial::start(&document)?;
        Ok(Reading { document, partial })
    }

    fn read(document: Document) -> Result<Self, FormatError> {
        let (model, diagnostics) = format::read(&document)?;
        Ok(Self::validated(document, model, diagnostics, None))
    }

    /// The design of a document that a change wrote only inside the resources `touched` (by index in
    /// `resources`) and in resources it appended: those resources, and the resources read into the same
    /// model item (a VNet's subnets given as resources of their own, an admin rule's configuration...), are
    /// read again and the rest of the model is kept; when that cannot be done (see [`format::read_again`]),
    /// the whole document is read. Either way the result is the one [`Scenario::from_document`] gives.
    fn read_again(
        &self,
        document: Document,
        touched: &BTreeSet<usize>,
    ) -> Result<Self, FormatError> {
        let read = self.diagnostics.get(..self.read).unwrap_or_default();
        match format::read_again(&self.document, &self.model, read, &document, touched) {
            Some(again) => {
                let (model, diagnostics) = again?;
                Ok(Self::validated(document, model, diagnostics, Some(self)))
            }
            None => Self::read(document),
        }
    }

    /// A design of its document, model and reading diagnostics, validated; given the design `before` it was
    /// changed from, the checks that read only what the two share keep what they found.
    fn validated(
        document: Document,
        model: Model,
        diagnostics: Vec<Diagnostic>,
        before: Option<&Scenario>,
    ) -> Self {
        let before = before.map(|b| {
            let found = b.diagnostics.get(b.read..).unwrap_or_default();
            (&*b.model, found, &b.found)
        });
        let validation = validate::validate_after(&model, before);
        Scenario::checked(document, model, diagnostics, validation)
    }

    /// A design of the model read from `document`, with the diagnostics of the reading and of the validation.
    fn checked(
        document: Document,
        model: Model,
        mut diagnostics: Vec<Diagnostic>,
        (found_diagnostics, found): (Vec<Diagnostic>, validate::Found),
    ) -> Self {
        let read = diagnostics.len();
        diagnostics.extend(found_diagnostics);
        Scenario {
            document,
            model: Arc::new(model),
            diagnostics,
            read,
            found,
        }
    }

    /// The typed model the engines read.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// The document as one JSON tree, with every key it was loaded with (a copy: a design keeps its resources
    /// apart, shared with the designs changes make from it).
    pub fn to_value(&self) -> Value {
        self.document.to_value()
    }

    /// A top-level member of the document other than `resources` (`title`, `description`, `commits`...).
    pub fn member(&self, key: &str) -> Option<&Value> {
        self.document.member(key)
    }

    /// The resources of the document, as it writes them.
    pub fn resources(&self) -> impl ExactSizeIterator<Item = &Value> {
        self.document.resources()
    }

    /// The size of the design, in units of about what a resource, a subnet or an NSG rule takes in memory, in the
    /// document and in the model together: its resources, the subnets of its virtual networks and the rules of its
    /// NSGs. An empty design is 1.
    pub fn size(&self) -> usize {
        let subnets: usize = self.model.vnets.values().map(|v| v.subnets.len()).sum();
        let rules: usize = self.model.nsgs.values().map(|n| n.rules.len()).sum();
        1 + self.document.resources().len() + subnets + rules
    }

    /// The size (in the units of [`Scenario::size`]) of what this design holds that `other` does not share: the
    /// resources of its document that are not the same as (shared with) `other`'s, each with the subnets and rules
    /// it writes, and the kinds of model items it has a copy of (a design made by a change from another shares
    /// everything the change did not write). At least 1, at most [`Scenario::size`] (which counts the document
    /// and the model together: a design that shares nothing is its whole size).
    pub fn size_apart_from(&self, other: &Scenario) -> usize {
        fn inside(resource: &Value) -> usize {
            let list = |key| {
                resource
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            };
            list("subnets") + list("securityRules")
        }
        let resources: usize = match (self.document.shared(), other.document.shared()) {
            (Some(mine), Some(theirs)) => mine
                .iter()
                .enumerate()
                .filter(|(i, r)| !theirs.get(*i).is_some_and(|t| Arc::ptr_eq(r, t)))
                .map(|(_, r)| 1 + inside(r))
                .sum(),
            _ => self.document.resources().map(|r| 1 + inside(r)).sum(),
        };
        let (a, b) = (&*self.model, &*other.model);
        let apart = |shared: bool, size: &dyn Fn() -> usize| if shared { 0 } else { size() };
        let model = apart(Arc::ptr_eq(&a.vnets, &b.vnets), &|| {
            a.vnets.values().map(|v| 1 + v.subnets.len()).sum()
        }) + apart(Arc::ptr_eq(&a.nsgs, &b.nsgs), &|| {
            a.nsgs.values().map(|n| 1 + n.rules.len()).sum()
        });
        /// The number of items of a kind, when `a` has its own copy of them.
        fn copied<K, V>(a: &crate::model::Items<K, V>, b: &crate::model::Items<K, V>) -> usize {
            if Arc::ptr_eq(a, b) { 0 } else { a.len() }
        }
        let others = copied(&a.nics, &b.nics)
            + copied(&a.managers, &b.managers)
            + copied(&a.groups, &b.groups)
            + copied(&a.static_members, &b.static_members)
            + copied(&a.connectivity_configs, &b.connectivity_configs)
            + copied(&a.security_admin_configs, &b.security_admin_configs)
            + copied(&a.policy_definitions, &b.policy_definitions)
            + copied(&a.policy_assignments, &b.policy_assignments)
            + copied(&a.management_groups, &b.management_groups)
            + copied(&a.subscriptions, &b.subscriptions)
            + copied(&a.resource_groups, &b.resource_groups);
        (1 + resources + model + others).min(self.size())
    }

    /// The problems found in the document's values and references.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// [`Scenario::to_json`]'s text in pieces whose concatenation it is: the members before the resources, the
    /// resources [`RESOURCES_PER_PIECE`] at a time, the members after them.
    /// It is written reusing the texts of the resources this design shares with the design `texts` was last used
    /// for (a design made from it by changes, or the one it was made from), keeping this design's for next time;
    /// and a piece with the same text as the piece `texts` kept at its place last time is that piece (the same
    /// `Arc`): the playground stores a large design as pieces and, after an edit, writes those that are new.
    pub fn to_json_pieces(&self, texts: &mut Texts) -> Vec<std::sync::Arc<str>> {
        self.document.to_json_pieces(texts)
    }

    /// Writes into `texts` the texts of up to `count` resources that it does not hold yet, from the resource at
    /// index `from` on, and each piece of [`RESOURCES_PER_PIECE`] resources once all their texts are held, so that
    /// [`Scenario::to_json_pieces`] finds them written: a page writes a design it has just loaded (none of whose
    /// resources it has written) a slice at a time. The index to go on from, `None` once every resource has its
    /// text.
    ///
    /// ```
    /// use avnm_core::{Scenario, scenario::Texts};
    /// let scenario = Scenario::parse(r#"{"resources": [{"id": "a", "type": "Microsoft.Resources/tags"},
    ///     {"id": "b", "type": "Microsoft.Resources/tags"}]}"#).unwrap();
    /// let mut texts = Texts::default();
    /// assert_eq!(scenario.write_texts(&mut texts, 0, 1), Some(1));
    /// assert_eq!(texts.len(), 1);
    /// assert_eq!(scenario.write_texts(&mut texts, 1, 1), None);
    /// assert_eq!(scenario.to_json_pieces(&mut texts).concat(), scenario.to_json());
    /// ```
    pub fn write_texts(&self, texts: &mut Texts, from: usize, count: usize) -> Option<usize> {
        self.document.write_texts(texts, from, count)
    }

    /// The document as pretty-printed JSON, with every key it was loaded with.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.document).unwrap_or_default()
    }

    /// [`Scenario::to_json`] when it takes at most `limit` bytes, else `None`, found without writing more than
    /// `limit` bytes (the playground keeps undo steps up to a budget: a large design is not written out whole
    /// only to learn it does not fit).
    ///
    /// ```
    /// let scenario = avnm_core::Scenario::parse(r#"{"title": "Mesh", "resources": []}"#).unwrap();
    /// let whole = scenario.to_json();
    /// assert_eq!(scenario.to_json_within(whole.len()), Some(whole.clone()));
    /// assert_eq!(scenario.to_json_within(whole.len() - 1), None);
    /// ```
    pub fn to_json_within(&self, limit: usize) -> Option<String> {
        /// Takes bytes up to a limit, then refuses.
        struct Capped {
            out: Vec<u8>,
            limit: usize,
        }
        impl std::io::Write for Capped {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                if self.out.len() + bytes.len() > self.limit {
                    return Err(std::io::Error::other("over the limit"));
                }
                self.out.extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut capped = Capped {
            out: Vec::new(),
            limit,
        };
        serde_json::to_writer_pretty(&mut capped, &self.document).ok()?;
        String::from_utf8(capped.out).ok()
    }
}

/// The title and description a document gives itself (its top-level `title` and `description`), read without
/// reading the rest of it; empty when the text is not a JSON object or has none.
///
/// ```
/// let about = avnm_core::scenario::About::of(r#"{"title": "Hub and spoke", "resources": [1, 2]}"#);
/// assert_eq!(about.title.as_deref(), Some("Hub and spoke"));
/// assert_eq!(about.description, None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct About {
    /// `title`.
    #[serde(default)]
    pub title: Option<String>,
    /// `description`.
    #[serde(default)]
    pub description: Option<String>,
}

impl About {
    /// Reads the title and description of a document.
    pub fn of(text: &str) -> About {
        serde_json::from_str(text).unwrap_or_default()
    }
}

/// A design being read from its document a few resources at a time ([`Scenario::reading`]).
pub struct Reading {
    document: Document,
    partial: format::Partial,
}

impl Reading {
    /// Reads up to `count` more resources; whether every resource is read.
    ///
    /// # Errors
    /// A resource is malformed: the error [`Scenario::from_document`] gives for the document.
    pub fn step(&mut self, count: usize) -> Result<bool, FormatError> {
        self.partial.step(&self.document, count)
    }

    /// How many resources are read, of how many.
    pub fn progress(&self) -> (usize, usize) {
        let total = self.document.shared().map_or(0, <[_]>::len);
        (self.partial.read(), total)
    }

    /// Reads what remains (commits, intents, children given as resources of their own), validates the design and
    /// gives it.
    ///
    /// # Errors
    /// What [`Scenario::from_document`] gives for the document.
    pub fn finish(self) -> Result<Scenario, FormatError> {
        Ok(self.validating()?.finish())
    }

    /// Reads what remains (commits, intents, children given as resources of their own) and starts validating the
    /// design a check at a time ([`Validating::step`]).
    ///
    /// ```
    /// use avnm_core::Scenario;
    /// let text = include_str!("../../static/examples/hub-spoke-guardrails.json");
    /// let mut reading = Scenario::reading(serde_json::from_str(text).unwrap()).unwrap();
    /// while !reading.step(1).unwrap() {}
    /// let mut validating = reading.validating().unwrap();
    /// assert!(!validating.step());
    /// assert_eq!(validating.progress().0, 1);
    /// while !validating.step() {}
    /// let (read, at_once) = (validating.finish(), Scenario::parse(text).unwrap());
    /// assert_eq!(read.model(), at_once.model());
    /// assert_eq!(read.diagnostics(), at_once.diagnostics());
    /// ```
    ///
    /// # Errors
    /// What [`Scenario::from_document`] gives for the document.
    pub fn validating(self) -> Result<Validating, FormatError> {
        let (model, diagnostics) = self.partial.finish(&self.document)?;
        Ok(Validating {
            document: self.document,
            model,
            diagnostics,
            checking: validate::Checking::default(),
        })
    }
}

/// A design read whose validation is under way ([`Reading::validating`]).
pub struct Validating {
    document: Document,
    model: Model,
    diagnostics: Vec<Diagnostic>,
    checking: validate::Checking,
}

impl Validating {
    /// Runs the next check of the validation; whether every check has run.
    pub fn step(&mut self) -> bool {
        self.checking.step(&self.model)
    }

    /// How many checks have run, of how many.
    pub fn progress(&self) -> (usize, usize) {
        self.checking.progress()
    }

    /// Runs the checks left and gives the design.
    pub fn finish(self) -> Scenario {
        let validation = self.checking.finish(&self.model);
        Scenario::checked(self.document, self.model, self.diagnostics, validation)
    }
}

impl std::fmt::Debug for Validating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (done, total) = self.progress();
        write!(f, "Validating({done} of {total} checks)")
    }
}

impl std::fmt::Debug for Reading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (read, total) = self.progress();
        write!(f, "Reading({read} of {total} resources)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[track_caller]
    fn check_error(text: &str, expected: &str) {
        match Scenario::parse(text) {
            Ok(_) => panic!("`{text}` should not load"),
            Err(e) => assert_eq!(e.to_string(), expected),
        }
        match Scenario::read_model(text) {
            Ok(_) => panic!("`{text}` should not be read without its tree either"),
            Err(e) => assert_eq!(e.to_string(), expected, "read without its tree"),
        }
    }

    /// What `avnm` reads (the model without the document's tree) is what the playground parses, model,
    /// diagnostics and error alike.
    #[track_caller]
    fn same_read(text: &str) {
        let streamed = Scenario::read_model(text);
        match Scenario::parse(text) {
            Ok(scenario) => {
                let (model, diagnostics) = streamed.unwrap_or_else(|e| panic!("`{text}`: {e}"));
                assert_eq!(&model, &**scenario.model(), "`{text}`");
                assert_eq!(diagnostics, scenario.diagnostics(), "`{text}`");
            }
            Err(e) => assert_eq!(streamed.err(), Some(e), "`{text}`"),
        }
    }

    #[test]
    fn a_model_read_without_the_tree_is_the_parsed_designs() {
        for example in crate::tests::EXAMPLES {
            same_read(example);
            // Every cut of the text short is a syntax error at the place the parser stops.
            for end in (1..example.len()).step_by(997) {
                if let Some(cut) = example.get(..end) {
                    same_read(cut);
                }
            }
        }
        let vnet = |name: &str| {
            format!(
                r#"{{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/{name}",
                    "type": "Microsoft.Network/virtualNetworks", "location": "westus",
                    "properties": {{"addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}}}}}}"#
            )
        };
        let (a, b) = (vnet("a"), vnet("b"));
        // The members around `resources`, in any order; the same id twice (a diagnostic); a subnet given as a
        // resource of its own, attached to its VNet after every resource is read.
        same_read(&format!(
            r#"{{"title": "t", "resources": [{a}, {b}, {a}], "commits": [], "intents": []}}"#
        ));
        same_read(&format!(
            r#"{{"intents": [], "resources": [{a}], "title": "t"}}"#
        ));
        same_read(&format!(
            r#"{{"resources": [{{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/a/subnets/s",
                "properties": {{"addressPrefix": "10.0.1.0/24"}}}}, {a}]}}"#
        ));
        // Members are found whatever their case.
        same_read(&format!(r#"{{"Resources": [{a}], "Commits": []}}"#));
        same_read(&format!(r#"{{"resources": [{a}], "RESOURCES": [{b}]}}"#));
        // `resources` twice: the tree keeps the last one.
        same_read(&format!(r#"{{"resources": [{a}], "resources": [{b}]}}"#));
        same_read(&format!(r#"{{"resources": [{a}], "resources": {{}}}}"#));
        // A resource the reader refuses, then a syntax error later in the text: the syntax error is the answer.
        same_read(&format!(
            r#"{{"resources": [{a}, {{"id": 5}}, {b}], "commits": [}}"#
        ));
        same_read(&format!(
            r#"{{"resources": [{a}, {{"id": 5}}], "commits": 3}}"#
        ));
        same_read(&format!(r#"{{"resources": [{a}], "commits": [{{}}]}}"#));
        same_read(&format!(r#"{{"resources": [{a}]}} trailing"#));
        // Not scenario documents.
        same_read(&format!(
            r#"{{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0", "resources": [{a}]}}"#
        ));
        same_read(&format!(r#"{{"value": [{a}]}}"#));
        same_read(&format!("[{a}]"));
        same_read("{}");
        same_read("");
    }

    #[test]
    fn malformed_documents_name_the_json_path() {
        check_error("[]", "``: expected an object, found an array");
        check_error(
            r#"{"resources": {}}"#,
            "`resources`: expected an array, found an object",
        );
        check_error(
            r#"{"resources": [{"type": "Microsoft.Network/virtualNetworks"}]}"#,
            "`resources[0]`: missing field `id`",
        );
        check_error(
            r#"{"resources": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n",
                "type": "Microsoft.Network/networkSecurityGroups",
                "properties": {"securityRules": [{"name": "a", "properties": {"priority": "100"}}]}}]}"#,
            "`resources[0].properties.securityRules[0].properties.priority`: expected an integer, found a string",
        );
        check_error(
            r#"{"commits": [{"networkManagerId": "/nm", "commitType": "Routes", "targetLocations": []}]}"#,
            "`commits[0].commitType`: `routes` is not one of `Connectivity`, `SecurityAdmin`, `Routing`, `SecurityUser`",
        );
        check_error(
            r#"{"intents": [{"name": "x", "from": "10.0.0.1", "to": "nowhere", "protocol": "Tcp", "port": 1, "expect": "Allowed"}]}"#,
            "`intents[0].to`: `nowhere` is not an IP address",
        );
        check_error(
            "{\n  \"resources\": [\n}",
            "invalid JSON at line 3, column 1: expected value",
        );
    }

    #[test]
    fn unknown_keys_survive_a_round_trip() {
        let text = r#"{"title": "lesson 1", "resources": [{"id": "/x/y", "type": "Microsoft.Web/sites", "properties": {"a": [1, 2]}}],
                       "viewState": {"zoom": 2}}"#;
        let scenario = Scenario::parse(text).unwrap();
        let again: serde_json::Value = serde_json::from_str(&scenario.to_json()).unwrap();
        let original: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(again, original);
    }

    #[test]
    fn semantic_problems_are_diagnostics_beside_a_model() {
        let text = r#"{"resources": [{
            "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/vnet",
            "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16", "10.1.0.0/33"]},
                           "subnets": [{"name": "a", "properties": {"addressPrefix": "10.0.0.0/24",
                                        "networkSecurityGroup": {"id": "/subscriptions/s/nsg/missing"}}}]}}]}"#;
        let scenario = Scenario::parse(text).unwrap();
        let codes: Vec<(Code, &str)> = scenario
            .diagnostics()
            .iter()
            .map(|d| (d.code, d.path.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                (
                    Code::InvalidPrefix,
                    "resources[0].properties.addressSpace.addressPrefixes[1]"
                ),
                (
                    Code::DanglingReference,
                    "resources[0].properties.subnets[0]"
                ),
            ]
        );
        let vnet = scenario.model().vnets.values().next().unwrap();
        assert_eq!(vnet.address_space.len(), 1, "the valid prefix is kept");
    }
}
