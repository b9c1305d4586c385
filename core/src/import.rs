//! Import: what Azure publishes, made into a scenario document, with a report of what was read and why.
//!
//! API Boundary: [`import`] is the one call the playground and `avnm import` make; [`Source`] goes in,
//! [`Imported`] (the document and its [`ReportLine`]s) or an [`ImportError`] comes out.
//!
//! Inputs, in any mix and several files at once (merged, duplicates reported):
//! - ARM GET bodies: single resources, `{"value": [...], "nextLink"}` lists, REST API example files (the 2xx
//!   `responses` bodies, and request bodies that are whole resources or commits), child resources inline or
//!   standalone; ids are spelled as ARM spells them and a missing `type` is read from the id;
//! - Azure CLI output: `az ... list/show` (arrays, the flattened shape without `properties`), `az ... create`
//!   wrappers (`{"newVNet": {...}}`), `az resource list`, `az graph query` (`data`);
//! - ARM deployment templates (array or symbolic `resources`, nested children, `copy`, `condition`, nested
//!   deployments), with parameter values from parameters files among the sources, else the defaults;
//! - scenario documents, whose resources go through the same reading.
//!
//! Every resource is checked alone with the scenario reader, so that one malformed resource is skipped with its
//! reason instead of refusing the whole import.
//! Architecture Invariant: like the rest of the core, import does no IO: the caller reads the files.

mod expr;
mod pieces;
mod reader;
mod resource;
mod template;

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use self::pieces::Pieces;
use self::reader::{Importer, list_key, looks_like_condition, why_nothing};
use crate::scenario::field::escaped;
use crate::scenario::{FormatError, Reading, Scenario};

/// One input: a display name (a file name) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// How the report names it.
    pub name: String,
    /// The JSON text.
    pub text: String,
}

impl Source {
    /// A source named `name`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// What a report line says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReportKind {
    /// A resource, commit or intent put in the document.
    Read,
    /// Something left out, with the reason.
    Skipped,
    /// Something the input did not say and the import supplied (a type from an id, an id's spelling).
    Inferred,
    /// A resource or commit already read from another place; the first one is kept.
    Duplicate,
    /// A template expression that could not be evaluated.
    Unevaluated,
    /// A whole file that gave nothing to import.
    Refused,
}

impl fmt::Display for ReportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReportKind::Read => "read",
            ReportKind::Skipped => "skipped",
            ReportKind::Inferred => "inferred",
            ReportKind::Duplicate => "duplicate",
            ReportKind::Unevaluated => "unevaluated",
            ReportKind::Refused => "refused",
        })
    }
}

/// One thing read, skipped or inferred, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    /// What happened.
    pub kind: ReportKind,
    /// The source's name.
    pub file: String,
    /// The JSON path in that source (`value[2].properties.subnets[0]`), empty for the whole file.
    pub path: String,
    /// Why, in one line.
    pub message: String,
}

impl fmt::Display for ReportLine {
    /// `skipped vnets.json value[2]: ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, message) = (escaped(self.file.chars()), escaped(self.message.chars()));
        if self.path.is_empty() {
            write!(f, "{} {file}: {message}", self.kind)
        } else {
            let path = escaped(self.path.chars());
            write!(f, "{} {file} {path}: {message}", self.kind)
        }
    }
}

/// The result of an import: a scenario document, read as a design, and the report of how it was made.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The design the import made, or its document and why that does not read as a design.
    design: Result<Scenario, (Value, FormatError)>,
    /// One line per thing read, skipped, inferred, duplicated or not evaluated, in input order.
    pub report: Vec<ReportLine>,
}

impl PartialEq for Imported {
    fn eq(&self, other: &Self) -> bool {
        self.to_value() == other.to_value() && self.report == other.report
    }
}

impl Imported {
    /// The scenario document (decisions §1): `resources`, `commits`, `intents` (a copy).
    pub fn to_value(&self) -> Value {
        match &self.design {
            Ok(scenario) => scenario.to_value(),
            Err((document, _)) => document.clone(),
        }
    }

    /// The design the import made (read once, when imported), or why its document does not read as one.
    pub fn design(&self) -> Result<&Scenario, &FormatError> {
        self.design.as_ref().map_err(|(_, error)| error)
    }

    /// The design as a [`Scenario`] of its own (a copy).
    pub fn scenario(&self) -> Result<Scenario, FormatError> {
        self.design().cloned().map_err(FormatError::clone)
    }

    /// The design, taken out without a copy (for a large design): the import keeps its report, and its design is
    /// empty afterwards.
    pub fn take_scenario(&mut self) -> Result<Scenario, FormatError> {
        match &mut self.design {
            Ok(scenario) => Ok(std::mem::take(scenario)),
            Err((_, error)) => Err(error.clone()),
        }
    }

    /// The document as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        match &self.design {
            Ok(scenario) => scenario.to_json(),
            Err((document, _)) => serde_json::to_string_pretty(document).unwrap_or_default(),
        }
    }
}

/// An import that gave nothing to put in a design.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// No resource, commit or intent could be read from any source.
    #[error("nothing to import: {}", escaped(reason.chars()))]
    Nothing {
        /// Why, one clause per source.
        reason: String,
        /// Everything the import saw.
        report: Vec<ReportLine>,
    },
}

impl ImportError {
    /// The report of what the import saw.
    pub fn report(&self) -> &[ReportLine] {
        match self {
            ImportError::Nothing { report, .. } => report,
        }
    }
}

/// Imports Azure JSON into one scenario document.
///
/// ```
/// use avnm_core::import::{import, Source, ReportKind};
/// let list = r#"{"value": [{"id": "subscriptions/s/resourcegroups/rg/providers/Microsoft.Network/virtualNetworks/v",
///                           "location": "westeurope",
///                           "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}],
///                "nextLink": null}"#;
/// let imported = import(&[Source::new("vnets.json", list)]).unwrap();
/// let scenario = imported.scenario().unwrap();
/// assert_eq!(scenario.model().vnets.len(), 1);
/// assert!(imported.report.iter().any(|l| l.kind == ReportKind::Inferred && l.path == "value[0].type"));
///
/// let error = import(&[Source::new("a.json", "{}")]).unwrap_err();
/// assert_eq!(error.to_string(), "nothing to import: `a.json` is an empty JSON object");
/// ```
pub fn import(sources: &[Source]) -> Result<Imported, ImportError> {
    // Each resource is checked to read on its own only when the whole design does not read: the first pass leaves
    // that out, and the design it makes is read once; a resource that cannot be read makes a second pass, which
    // skips it with its own path in the report. The sources' JSON trees are dropped before the design is read.
    let prepared = prepare(sources)?;
    if let Ok(scenario) = Scenario::from_document(prepared.document) {
        return Ok(Imported {
            design: Ok(scenario),
            report: prepared.report,
        });
    }
    let (document, report) = run(parsed(sources), true)?;
    let design = Scenario::from_document(document.clone()).map_err(|e| (document, e));
    Ok(Imported { design, report })
}

/// Each source's name and its text parsed.
fn parsed(sources: &[Source]) -> Vec<(String, Result<Value, FormatError>)> {
    sources
        .iter()
        .map(|s| {
            let value = serde_json::from_str(&s.text).map_err(FormatError::from);
            (s.name.clone(), value)
        })
        .collect()
}

/// The first pass of [`import`], whose design is not read yet: for a page that reads a large design a few
/// resources at a time between its frames ([`Prepared::reading`]). When that reading ends with a design,
/// [`Prepared::imported`] is what [`import`] gives; when it fails, [`import`] is the import's result (its second
/// pass skips what does not read, with its path in the report).
///
/// ```
/// use avnm_core::import::{import, prepare, Source};
/// let list = r#"{"value": [{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
///                           "location": "westeurope",
///                           "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#;
/// let sources = [Source::new("vnets.json", list)];
/// let mut prepared = prepare(&sources).unwrap();
/// let mut reading = prepared.reading().unwrap();
/// while !reading.step(1).unwrap() {}
/// assert_eq!(prepared.imported(reading.finish().unwrap()), import(&sources).unwrap());
/// ```
///
/// # Errors
/// What [`import`] gives when nothing can be imported.
pub fn prepare(sources: &[Source]) -> Result<Prepared, ImportError> {
    parse(sources).prepare()
}

/// The sources parsed as JSON: the first half of [`prepare`], for a page that runs the two halves in tasks of
/// their own (`parse(sources).prepare()` is `prepare(sources)`).
pub fn parse(sources: &[Source]) -> Parsed {
    Parsed {
        sources: parsed(sources),
    }
}

/// [`parse`] a piece at a time ([`Parsing::step`]), for a page that parses a large file between its frames: the
/// elements of a source's top-level array, and of the arrays among its top-level object's members (a scenario
/// document's `resources`, a list's `value`), are parsed one by one, any other member whole. It gives what
/// [`parse`] gives, error for error (a source that does not read that way is parsed again at once).
///
/// ```
/// use avnm_core::import::{parse, parsing, Source};
/// let sources = vec![Source::new("a.json", r#"{"value": [{"name": "a"}, {"name": "b"}]}"#),
///                    Source::new("b.json", r#"{"value": [1, 2,]}"#)];
/// let mut stepped = parsing(sources.clone());
/// assert!(!stepped.step(1));
/// assert_eq!(stepped.progress(), (24, 59));
/// while !stepped.step(1) {}
/// let (given_back, parsed) = stepped.finish();
/// assert_eq!(given_back, sources);
/// assert_eq!(parsed, parse(&sources));
/// ```
pub fn parsing(sources: Vec<Source>) -> Parsing {
    let total = sources.iter().map(|s| s.text.len()).sum();
    Parsing {
        sources,
        parsed: Vec::new(),
        current: Pieces::new(),
        read: 0,
        total,
    }
}

/// [`parse`] under way ([`parsing`]).
#[derive(Debug)]
pub struct Parsing {
    sources: Vec<Source>,
    /// The sources parsed so far.
    parsed: Vec<(String, Result<Value, FormatError>)>,
    /// The next source's text, as far as it is parsed.
    current: Pieces,
    /// The bytes of the sources before the next one, and of all of them.
    read: usize,
    total: usize,
}

impl Parsing {
    /// Parses up to `count` more pieces of the sources; whether every source is parsed.
    pub fn step(&mut self, count: usize) -> bool {
        for _ in 0..count {
            let Some(source) = self.sources.get(self.parsed.len()) else {
                return true;
            };
            if let Some(value) = self.current.step(&source.text) {
                self.parsed.push((source.name.clone(), value));
                self.read += source.text.len();
                self.current = Pieces::new();
            }
        }
        self.parsed.len() == self.sources.len()
    }

    /// How many bytes of the sources are parsed, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.read + self.current.read(), self.total)
    }

    /// Parses what remains; the sources, given back, and what [`parse`] gives for them.
    pub fn finish(mut self) -> (Vec<Source>, Parsed) {
        while !self.step(usize::MAX) {}
        let parsed = Parsed {
            sources: self.parsed,
        };
        (self.sources, parsed)
    }
}

/// Sources parsed as JSON ([`parse`]), by name.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    sources: Vec<(String, Result<Value, FormatError>)>,
}

impl Parsed {
    /// The second half of [`prepare`]: the scenario document the sources make, and the report.
    ///
    /// # Errors
    /// What [`import`] gives when nothing can be imported.
    pub fn prepare(self) -> Result<Prepared, ImportError> {
        let mut preparing = self.preparing();
        while !preparing.step(usize::MAX) {}
        preparing.finish()
    }

    /// [`Parsed::prepare`] a few resources at a time ([`Preparing::step`]), for a page that imports a large design
    /// between its frames.
    ///
    /// ```
    /// use avnm_core::import::{parse, prepare, Source};
    /// let doc = r#"{"resources": [
    ///   {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a", "location": "westeurope",
    ///    "type": "Microsoft.Network/virtualNetworks", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}},
    ///   {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/b", "location": "westeurope",
    ///    "type": "Microsoft.Network/virtualNetworks", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}}]}"#;
    /// let sources = [Source::new("design.json", doc)];
    /// let mut preparing = parse(&sources).preparing();
    /// assert!(!preparing.step(1));
    /// assert_eq!(preparing.progress(), (1, 2));
    /// while !preparing.step(1) {}
    /// let mut stepped = preparing.finish().unwrap();
    /// let mut at_once = prepare(&sources).unwrap();
    /// assert_eq!(stepped.reading().unwrap().finish().unwrap().to_json(),
    ///            at_once.reading().unwrap().finish().unwrap().to_json());
    /// ```
    pub fn preparing(self) -> Preparing {
        Preparing {
            run: Run::new(self.sources, Importer::default()),
        }
    }
}

/// [`Parsed::prepare`] under way ([`Parsed::preparing`]).
pub struct Preparing {
    run: Run,
}

impl Preparing {
    /// Reads up to `count` more resources of the scenario documents among the sources, or elements of the top-level
    /// arrays among them (any other source is read at once when its turn comes); whether every source is read.
    pub fn step(&mut self, count: usize) -> bool {
        self.run.step(count)
    }

    /// How many resources of scenario documents and elements of top-level arrays are read, of how many found so far.
    pub fn progress(&self) -> (usize, usize) {
        (self.run.read, self.run.total)
    }

    /// Reads what remains and gives what [`Parsed::prepare`] gives.
    ///
    /// # Errors
    /// What [`import`] gives when nothing can be imported.
    pub fn finish(mut self) -> Result<Prepared, ImportError> {
        while !self.run.step(usize::MAX) {}
        let (document, report) = self.run.finish()?;
        Ok(Prepared { document, report })
    }
}

impl fmt::Debug for Preparing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (read, total) = self.progress();
        write!(f, "Preparing({read} of {total} resources)")
    }
}

/// The scenario document of an import and its report, before the design is read ([`prepare`]).
#[derive(Clone, Debug)]
pub struct Prepared {
    document: Value,
    report: Vec<ReportLine>,
}

impl Prepared {
    /// Starts reading the design (the document is taken; the report stays for [`Prepared::imported`]).
    ///
    /// # Errors
    /// The document does not read as a design: [`import`] is then the import's result.
    pub fn reading(&mut self) -> Result<Reading, FormatError> {
        Scenario::reading(std::mem::take(&mut self.document))
    }

    /// The import of the design its reading gave: what [`import`] gives for the same sources.
    pub fn imported(self, design: Scenario) -> Imported {
        Imported {
            design: Ok(design),
            report: self.report,
        }
    }
}

/// One pass of [`import`] over the parsed sources: the scenario document and the report, or why nothing could be
/// imported. With `check_each`, every resource is read on its own first and skipped when it cannot be. The
/// resources of a scenario document are taken out of its tree ([`Importer::begin_source`]).
fn run(
    parsed: Vec<(String, Result<Value, FormatError>)>,
    check_each: bool,
) -> Result<(Value, Vec<ReportLine>), ImportError> {
    run_with(
        parsed,
        Importer {
            check_each,
            ..Importer::default()
        },
    )
}

/// [`run`] with an importer set up by the caller.
fn run_with(
    parsed: Vec<(String, Result<Value, FormatError>)>,
    importer: Importer,
) -> Result<(Value, Vec<ReportLine>), ImportError> {
    let mut run = Run::new(parsed, importer);
    while !run.step(usize::MAX) {}
    run.finish()
}

/// The report's line for a source that gave nothing to import, and `why` (`is ...`).
fn refusal(file: &str, why: &str) -> ReportLine {
    ReportLine {
        kind: ReportKind::Refused,
        file: file.to_owned(),
        path: String::new(),
        message: format!("nothing to import: it {why}"),
    }
}

/// A pass of [`import`] under way over the parsed sources, a few resources of a scenario document at a time
/// ([`Run::step`]); any other source is read at once when its turn comes.
struct Run {
    parsed: Vec<(String, Result<Value, FormatError>)>,
    importer: Importer,
    /// The next source to start.
    next: usize,
    /// The source being read a few values at a time.
    current: Option<Current>,
    /// How many resources of scenario documents and elements of top-level arrays are read, of how many met so far.
    read: usize,
    total: usize,
}

/// The elements of `value` that [`Run::step`] reads a few at a time, when it is a top-level array or a list (as
/// [`Importer::value`] reads it), with the list's key (`None` for an array).
fn elements(value: &mut Value) -> Option<(Option<&'static str>, &mut Vec<Value>)> {
    match value {
        Value::Array(items) => Some((None, items)),
        Value::Object(map) => {
            let key = list_key(map)?;
            match map.get_mut(key) {
                Some(Value::Array(items)) => Some((Some(key), items)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A source [`Run::step`] reads a few values at a time.
enum Current {
    /// A scenario document: its place among the sources, and its resources not read yet with their indexes.
    Document(usize, std::iter::Enumerate<std::vec::IntoIter<Value>>),
    /// A top-level array (`az ... list` output, a log export) or a list's (`{"value": [...]}`), read as
    /// [`Importer::value`] reads its elements: its place among the sources, the list's key (`None` for a top-level
    /// array), its elements taken out of it, not read yet, with their indexes, and the one element kept for what
    /// [`why_nothing`] says of the array (the others are dropped once read, a few at a time).
    Array(
        usize,
        Option<&'static str>,
        std::iter::Enumerate<std::vec::IntoIter<Value>>,
        Option<Value>,
    ),
}

impl Run {
    /// Starts a pass: the parameters files' values first, for the templates of any source.
    fn new(parsed: Vec<(String, Result<Value, FormatError>)>, mut importer: Importer) -> Self {
        for (name, value) in &parsed {
            if let Ok(Value::Object(map)) = value
                && template::is_parameters(map)
            {
                importer.file.clone_from(name);
                let mut notes = Vec::new();
                let values = template::parameter_values(map, &mut notes);
                importer.notes("", notes);
                importer.parameters.extend(values);
            }
        }
        Run {
            parsed,
            importer,
            next: 0,
            current: None,
            read: 0,
            total: 0,
        }
    }

    /// Reads up to `count` more resources of scenario documents or elements of top-level arrays and lists, and the
    /// other sources met on the way; whether every source is read.
    fn step(&mut self, count: usize) -> bool {
        let mut left = count;
        loop {
            match &mut self.current {
                Some(Current::Document(source, resources)) => {
                    while left > 0 {
                        let Some((i, res)) = resources.next() else {
                            break;
                        };
                        self.importer.document_resource(Cow::Owned(res), i, "");
                        self.read += 1;
                        left -= 1;
                    }
                    if resources.len() > 0 {
                        return false;
                    }
                    let source = *source;
                    self.current = None;
                    if let Some((_, Ok(value))) = self.parsed.get(source) {
                        self.importer.end_source(value);
                    }
                    continue;
                }
                Some(Current::Array(source, key, items, kept)) => {
                    while left > 0 {
                        let Some((i, item)) = items.next() else {
                            break;
                        };
                        self.importer
                            .value(&item, &format!("{}[{i}]", key.unwrap_or_default()), 1);
                        if kept.is_none()
                            || looks_like_condition(&item)
                                && !kept.as_ref().is_some_and(looks_like_condition)
                        {
                            *kept = Some(item);
                        }
                        self.read += 1;
                        left -= 1;
                    }
                    if items.len() > 0 {
                        return false;
                    }
                    let source = self.parsed.get_mut(*source);
                    if let Some((_, left_of_it)) =
                        source.and_then(|(_, v)| v.as_mut().ok()).and_then(elements)
                    {
                        left_of_it.extend(kept.take());
                    }
                    self.current = None;
                    continue;
                }
                None => {}
            }
            let Some((name, value)) = self.parsed.get_mut(self.next) else {
                return true;
            };
            self.importer.file.clone_from(name);
            match value {
                Err(e) => self
                    .importer
                    .line(ReportKind::Refused, "", format!("not JSON: {e}")),
                Ok(Value::Object(map)) if template::is_parameters(map) => {}
                Ok(v) => {
                    // A top-level array or a list: read as `Importer::value` reads it, an element at a time.
                    if let Some((key, items)) = elements(v) {
                        let items = std::mem::take(items);
                        if let Value::Object(list) = v {
                            self.importer.next_link(list, "");
                        }
                        self.total += items.len();
                        self.current = Some(Current::Array(
                            self.next,
                            key,
                            items.into_iter().enumerate(),
                            None,
                        ));
                    } else if let Some(resources) = self.importer.begin_source(v) {
                        self.total += resources.len();
                        self.current = Some(Current::Document(
                            self.next,
                            resources.into_iter().enumerate(),
                        ));
                    }
                }
            }
            self.next += 1;
        }
    }

    /// Ends the pass once every source is read ([`Run::step`] said so): links and commits resolved, the report in
    /// source order with one line for each source that gave nothing, and the scenario document.
    fn finish(self) -> Result<(Value, Vec<ReportLine>), ImportError> {
        let Run {
            parsed,
            mut importer,
            ..
        } = self;
        importer.apply_links();
        importer.pending_commits();
        let any_template = parsed
            .iter()
            .any(|(_, v)| matches!(v, Ok(Value::Object(m)) if template::is_template(m)));
        // A source that gave nothing says why in one line, after its own lines. The lines are put with their source
        // in one pass, and each source's looked at once: a log export gives hundreds of thousands.
        let report = std::mem::take(&mut importer.report);
        let by_source: Vec<Vec<ReportLine>> = match parsed.as_slice() {
            // One source (nearly every large import): its lines as they are, not copied.
            [(name, _)] if report.iter().all(|l| l.file == *name) => vec![report],
            _ => {
                let mut by_source: Vec<Vec<ReportLine>> =
                    parsed.iter().map(|_| Vec::new()).collect();
                for line in report {
                    let source = parsed.iter().position(|(name, _)| *name == line.file);
                    if let Some(mine) = source.and_then(|i| by_source.get_mut(i)) {
                        mine.push(line);
                    }
                }
                by_source
            }
        };
        let mut refusals = Vec::new();
        let mut ordered = Vec::new();
        for ((name, value), mut mine) in parsed.iter().zip(by_source) {
            let (mut gave, mut refused, mut needed) = (false, None, Vec::new());
            for l in &mine {
                match l.kind {
                    ReportKind::Read => gave = true,
                    ReportKind::Refused if refused.is_none() => refused = Some(l.message.clone()),
                    ReportKind::Unevaluated
                        if l.path.starts_with("parameters.")
                            && l.message.contains("none was given") =>
                    {
                        needed.push(format!("`{}`", l.path.trim_start_matches("parameters.")));
                    }
                    _ => {}
                }
            }
            let is_parameters = matches!(value, Ok(Value::Object(m)) if template::is_parameters(m));
            if is_parameters && !any_template {
                let why =
                    "is an ARM parameters file, and no template was imported with it".to_owned();
                mine.push(refusal(name, &why));
                refusals.push(format!("`{name}` {why}"));
            }
            if !gave && !is_parameters {
                let why = match (value, &refused) {
                    (_, Some(refused)) => format!("is {refused}"),
                    (Ok(_), None) if !needed.is_empty() => format!(
                        "is an ARM template whose resources need values for {}: give them in a parameters file imported with it",
                        needed.join(", ")
                    ),
                    (Ok(v), None) => why_nothing(v, &mine),
                    (Err(_), None) => "is not JSON".to_owned(),
                };
                if refused.is_none() {
                    mine.push(refusal(name, &why));
                }
                refusals.push(format!("`{name}` {why}"));
            }
            if ordered.is_empty() {
                ordered = mine;
            } else {
                ordered.append(&mut mine);
            }
        }
        importer.report = ordered;
        let Importer {
            report,
            resources,
            commits,
            intents,
            extras,
            ..
        } = importer;
        if resources.is_empty() && commits.is_empty() && intents.is_empty() {
            let reason = if refusals.is_empty() {
                "no source given".to_owned()
            } else {
                refusals.join("; ")
            };
            return Err(ImportError::Nothing { reason, report });
        }
        let mut document = extras;
        document.insert("resources".to_owned(), Value::Array(resources));
        document.insert("commits".to_owned(), Value::Array(commits));
        document.insert("intents".to_owned(), Value::Array(intents));
        Ok((Value::Object(document), report))
    }
}

#[cfg(test)]
mod tests;
