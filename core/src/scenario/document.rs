//! The document a design keeps, with its resources shared, one by one, between the designs that changes make
//! from each other.
//!
//! A change of one field of a 10,000-VNet design writes inside one resource; copying the whole document for it
//! (130 MB of JSON as a tree) took longer than the rest of the change. A [`Document`] holds each element of
//! `resources` behind its own reference count: a design made by a change shares every resource the change did not
//! write in with the design before it (an undo step costs the resources it wrote), and freeing a design frees
//! only what it does not share.
//!
//! It reads and writes as the JSON document it is: [`Document::to_value`] makes that tree, and it serializes to the
//! same text, key for key.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::path::{Path, Segment};

/// The key of the resources that are shared.
pub(crate) const RESOURCES: &str = "resources";

/// A scenario document.
///
/// INVARIANT: a `resources` member that is a list is always kept apart, in `resources` (a [`Document`] is made
/// only by [`Document::new`], and a change's draft makes its result with it when it wrote in the document as a
/// whole or outside a kept list).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Document {
    /// Every member but `resources` when it is a list, which `resources` holds; else the whole document.
    rest: Value,
    resources: Option<Vec<Arc<Value>>>,
}

impl Document {
    /// Keeps a parsed JSON document; its `resources` member, when it is a list, is split into shared resources.
    pub(crate) fn new(mut value: Value) -> Self {
        let resources = match &mut value {
            Value::Object(map) if matches!(map.get(RESOURCES), Some(Value::Array(_))) => {
                match map.remove(RESOURCES) {
                    Some(Value::Array(items)) => Some(items.into_iter().map(Arc::new).collect()),
                    _ => None,
                }
            }
            _ => None,
        };
        Document {
            rest: value,
            resources,
        }
    }

    /// The document without the resources it shares: every member but `resources` (the whole document when its
    /// `resources` is not a list).
    pub(crate) fn rest(&self) -> &Value {
        &self.rest
    }

    /// The elements of `resources` when it is a list kept apart (`None` when the document has no such list).
    pub(crate) fn shared(&self) -> Option<&[Arc<Value>]> {
        self.resources.as_deref()
    }

    /// The elements of `resources` (none when it is missing or not a list).
    pub(crate) fn resources(&self) -> impl ExactSizeIterator<Item = &Value> {
        self.resources
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|item| &**item)
    }

    /// A member of the document other than a shared `resources` list.
    pub(crate) fn member(&self, key: &str) -> Option<&Value> {
        self.rest.get(key)
    }

    /// The value at a path.
    pub(crate) fn find(&self, path: &Path) -> Option<&Value> {
        let segments = path.segments();
        match (&self.resources, segments.as_slice()) {
            (Some(items), [Segment::Key(key), Segment::Index(i), rest @ ..])
                if key == RESOURCES =>
            {
                walk(items.get(*i)?, rest)
            }
            (Some(_), [Segment::Key(key)]) if key == RESOURCES => None,
            _ => walk(&self.rest, &segments),
        }
    }

    /// The document as one JSON tree (a copy of every resource).
    pub(crate) fn to_value(&self) -> Value {
        let mut value = self.rest.clone();
        if let (Some(items), Value::Object(map)) = (&self.resources, &mut value) {
            let items = items.iter().map(|item| Value::clone(item)).collect();
            map.insert(RESOURCES.to_owned(), Value::Array(items));
        }
        value
    }

    /// The document as one JSON tree, taking this one apart: resources no other design shares are moved, the
    /// others copied.
    pub(crate) fn into_value(self) -> Value {
        let mut value = self.rest;
        if let (Some(items), Value::Object(map)) = (self.resources, &mut value) {
            let items = items
                .into_iter()
                .map(|item| Arc::try_unwrap(item).unwrap_or_else(|shared| Value::clone(&shared)))
                .collect();
            map.insert(RESOURCES.to_owned(), Value::Array(items));
        }
        value
    }

    /// The parts to write in: every member but shared resources, and the shared resources.
    pub(crate) fn parts_mut(&mut self) -> (&mut Value, Option<&mut Vec<Arc<Value>>>) {
        (&mut self.rest, self.resources.as_mut())
    }

    /// Starts a list of shared resources in a document that has no `resources` member; `false` when it has one
    /// that is not a list.
    pub(crate) fn start_resources(&mut self) -> bool {
        if self.resources.is_some() {
            return true;
        }
        match &mut self.rest {
            Value::Object(map) if !map.contains_key(RESOURCES) => {
                self.resources = Some(Vec::new());
                true
            }
            Value::Null => {
                self.rest = Value::Object(Map::new());
                self.resources = Some(Vec::new());
                true
            }
            _ => false,
        }
    }
}

/// The value at the end of a walk from `at`.
fn walk<'v>(mut at: &'v Value, segments: &[Segment]) -> Option<&'v Value> {
    for segment in segments {
        at = match segment {
            Segment::Key(k) => at.as_object()?.get(k)?,
            Segment::Index(i) => at.as_array()?.get(*i)?,
        };
    }
    Some(at)
}

/// The JSON text of the resources of the designs written last, each kept while a design shares its resource, so
/// that writing a design made by a change from the last one writes anew only the resources the change wrote in
/// (see [`Scenario::to_json_with`](crate::Scenario::to_json_with)).
#[derive(Debug, Default)]
pub struct Texts {
    /// By the address of a shared resource: the resource (to tell it from another later made at the same
    /// address) and its text as an element of `resources` is written.
    texts: HashMap<usize, (Weak<Value>, Arc<str>)>,
}

impl Texts {
    /// How many resources' texts are kept.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether no text is kept.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// `value` as pretty-printed JSON, each line after the first indented by `indent` more spaces (as a value nested
/// that deep is written).
fn pretty(value: &Value, indent: &str) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    if text.contains('\n') {
        text.replace('\n', &format!("\n{indent}"))
    } else {
        text
    }
}

impl Document {
    /// The document as pretty-printed JSON, the same text as [`serde_json::to_string_pretty`] of its tree, written
    /// reusing the texts of resources written last time that it shares, and keeping its own for next time (the texts
    /// of resources it does not have are let go).
    pub(crate) fn to_json_with(&self, texts: &mut Texts) -> String {
        let (Some(items), Value::Object(members)) = (&self.resources, &self.rest) else {
            texts.texts.clear();
            return serde_json::to_string_pretty(self).unwrap_or_default();
        };
        let mut kept = HashMap::with_capacity(items.len());
        let mut resources: Vec<Arc<str>> = Vec::with_capacity(items.len());
        for item in items {
            let address = Arc::as_ptr(item) as usize;
            let text = match texts.texts.remove(&address) {
                Some((was, text)) if was.upgrade().is_some_and(|w| Arc::ptr_eq(&w, item)) => text,
                _ => Arc::from(pretty(item, "    ")),
            };
            kept.insert(address, (Arc::downgrade(item), text.clone()));
            resources.push(text);
        }
        texts.texts = kept;
        let list = if resources.is_empty() {
            "[]".to_owned()
        } else {
            lines("[", "    ", "  ]", &resources)
        };
        let entries: Vec<String> = in_order(members)
            .map(|(k, value)| {
                let key = serde_json::to_string(k).unwrap_or_default();
                match value {
                    Some(value) => format!("{key}: {}", pretty(value, "  ")),
                    None => format!("{key}: {list}"),
                }
            })
            .collect();
        lines("{", "  ", "}", &entries)
    }
}

/// `items` one per line, each after `indent`, between `open` and `close` (as the pretty printer writes a list or
/// an object that is not empty).
fn lines(open: &str, indent: &str, close: &str, items: &[impl AsRef<str>]) -> String {
    let length = items
        .iter()
        .map(|item| item.as_ref().len() + indent.len() + 2)
        .sum::<usize>();
    let mut out = String::with_capacity(open.len() + length + close.len() + 1);
    out.push_str(open);
    for (i, item) in items.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(indent);
        out.push_str(item.as_ref());
    }
    out.push('\n');
    out.push_str(close);
    out
}

/// The members of a document whose resources are kept apart, in the order the tree's map keeps its keys, with the
/// resources (`None`) where `resources` falls among them.
fn in_order(members: &Map<String, Value>) -> impl Iterator<Item = (&str, Option<&Value>)> {
    let at = members
        .keys()
        .position(|k| k.as_str() > RESOURCES)
        .unwrap_or(members.len());
    fn member<'m>((k, v): (&'m String, &'m Value)) -> (&'m str, Option<&'m Value>) {
        (k.as_str(), Some(v))
    }
    let before = members.iter().take(at).map(member);
    let after = members.iter().skip(at).map(member);
    before
        .chain(std::iter::once((RESOURCES, None)))
        .chain(after)
}

/// The shared resources as the list they stand for.
struct List<'a>(&'a [Arc<Value>]);

impl Serialize for List<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|item| &**item))
    }
}

impl Serialize for Document {
    /// The JSON text of the document as one tree: `resources` among the other members, in the order of their keys.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (Some(items), Value::Object(members)) = (&self.resources, &self.rest) else {
            return self.rest.serialize(serializer);
        };
        let mut map = serializer.serialize_map(Some(members.len() + 1))?;
        for (key, value) in in_order(members) {
            match value {
                Some(value) => map.serialize_entry(key, value)?,
                None => map.serialize_entry(key, &List(items))?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_reads_writes_and_serializes_as_the_tree_it_was_made_from() {
        let documents = [
            json!({"title": "t", "resources": [{"id": "a", "tags": {"x": "1"}}, {"id": "b"}], "commits": [], "zeta": 1}),
            json!({"resources": []}),
            json!({"intents": []}),
            json!({"resources": {"not": "a list"}}),
            json!([1, 2]),
            json!({"Resources": [{"id": "a"}]}),
        ];
        for value in documents {
            let document = Document::new(value.clone());
            assert_eq!(document.to_value(), value);
            assert_eq!(
                serde_json::to_string_pretty(&document).unwrap(),
                serde_json::to_string_pretty(&value).unwrap()
            );
            assert_eq!(document.clone().into_value(), value);
            let listed = value.get(RESOURCES).and_then(Value::as_array);
            assert_eq!(
                document.resources().collect::<Vec<_>>(),
                listed
                    .map(|l| l.iter().collect::<Vec<_>>())
                    .unwrap_or_default()
            );
        }
        let document = Document::new(documents_first());
        let at = |p: &str| document.find(&Path::parse(p).unwrap()).cloned();
        assert_eq!(at("resources[0].tags.x"), Some(json!("1")));
        assert_eq!(at("resources[1]"), Some(json!({"id": "b"})));
        assert_eq!(at("resources[2]"), None);
        assert_eq!(at("title"), Some(json!("t")));
        assert_eq!(document.member("commits"), Some(&json!([])));
        assert!(document.shared().is_some_and(|s| s.len() == 2));
    }

    #[test]
    fn a_document_written_with_kept_texts_is_its_pretty_text() {
        let documents = [
            json!({"title": "two\nlines \u{e9}", "resources": [{"id": "a", "tags": {}, "p": {"l": [], "n": [1, {"x": null}]}}], "zeta": {"k": [true]}}),
            json!({"resources": []}),
            json!({"resources": [{}], "commits": []}),
            json!({"intents": [{"name": "i"}]}),
            json!({"resources": {"not": "a list"}}),
        ];
        let mut texts = Texts::default();
        for value in documents {
            let document = Document::new(value.clone());
            let whole = serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(document.to_json_with(&mut texts), whole);
            assert_eq!(
                document.to_json_with(&mut texts),
                whole,
                "again, from the kept texts"
            );
        }
        // A copy with one resource written in reuses the text of the other, and writes that one anew.
        let first = Document::new(documents_first());
        first.to_json_with(&mut texts);
        let kept = |texts: &Texts, document: &Document, i: usize| {
            let item = &document.shared().unwrap()[i];
            texts.texts[&(Arc::as_ptr(item) as usize)].1.clone()
        };
        let (a, b) = (kept(&texts, &first, 0), kept(&texts, &first, 1));
        let mut second = first.clone();
        if let (_, Some(items)) = second.parts_mut() {
            Arc::make_mut(&mut items[1])["name"] = json!("b2");
        }
        assert_eq!(
            second.to_json_with(&mut texts),
            serde_json::to_string_pretty(&second.to_value()).unwrap()
        );
        assert!(
            Arc::ptr_eq(&kept(&texts, &second, 0), &a),
            "the shared resource's text is reused"
        );
        assert!(!Arc::ptr_eq(&kept(&texts, &second, 1), &b));
        assert_eq!(texts.len(), 2);
    }

    fn documents_first() -> Value {
        json!({"title": "t", "resources": [{"id": "a", "tags": {"x": "1"}}, {"id": "b"}], "commits": []})
    }

    #[test]
    fn a_copy_shares_every_resource_and_a_resource_can_be_started() {
        let document = Document::new(documents_first());
        let copy = document.clone();
        let (a, b) = (document.shared().unwrap(), copy.shared().unwrap());
        assert!(a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y)));
        let mut empty = Document::new(json!({"intents": []}));
        assert!(empty.start_resources());
        assert_eq!(empty.to_value(), json!({"intents": [], "resources": []}));
        let mut odd = Document::new(json!({"resources": 3}));
        assert!(!odd.start_resources());
    }
}
