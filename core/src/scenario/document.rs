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

/// How many resources make one piece of [`Scenario::to_json_pieces`](crate::Scenario::to_json_pieces): a piece of
/// a large design is tens to hundreds of kilobytes of text, and an edit of one resource writes one piece anew.
pub const RESOURCES_PER_PIECE: usize = 64;

/// The JSON text of the resources of the designs written last, each kept while a design shares its resource, so
/// that writing a design made by a change from the last one writes anew only the resources the change wrote in
/// (see [`Scenario::to_json_pieces`](crate::Scenario::to_json_pieces)), and the pieces written last, so that a piece
/// of the same resources' texts is the same piece.
#[derive(Debug, Default)]
pub struct Texts {
    /// By the address of a shared resource: the resource (to tell it from another later made at the same
    /// address) and its text as an element of `resources` is written.
    texts: HashMap<usize, (Weak<Value>, Arc<str>)>,
    /// The pieces written last, each with the texts of the resources it holds (none for the first and the last).
    pieces: Vec<(Vec<Arc<str>>, Arc<str>)>,
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

    /// Forgets every text and piece.
    fn clear(&mut self) {
        self.texts.clear();
        self.pieces.clear();
    }

    /// The piece written last at `at` when it holds the same texts as `resources`, else `text` made anew.
    fn piece(&self, at: usize, resources: &[Arc<str>], text: impl FnOnce() -> String) -> Arc<str> {
        match self.pieces.get(at) {
            Some((was, piece))
                if was.len() == resources.len()
                    && was.iter().zip(resources).all(|(a, b)| Arc::ptr_eq(a, b)) =>
            {
                piece.clone()
            }
            _ => Arc::from(text()),
        }
    }

    /// Whether the text of a shared resource is held.
    fn holds(&self, item: &Arc<Value>) -> bool {
        self.texts
            .get(&(Arc::as_ptr(item) as usize))
            .is_some_and(|(was, _)| was.upgrade().is_some_and(|w| Arc::ptr_eq(&w, item)))
    }

    /// Writes the `n`th piece of resources, `chunk`, whose texts are held, so that [`Document::to_json_pieces`]
    /// finds it written (a page writes a design it has just loaded a slice at a time).
    fn write_piece(&mut self, n: usize, chunk: &[Arc<Value>]) {
        let resources: Vec<Arc<str>> = chunk
            .iter()
            .filter_map(|item| self.texts.get(&(Arc::as_ptr(item) as usize)))
            .map(|(_, text)| text.clone())
            .collect();
        let piece = self.piece(n + 1, &resources, || piece_text(n, &resources));
        if self.pieces.len() <= n + 1 {
            self.pieces
                .resize_with(n + 2, || (Vec::new(), Arc::from("")));
        }
        if let Some(slot) = self.pieces.get_mut(n + 1) {
            *slot = (resources, piece);
        }
    }

    /// The piece written last at `at` when its text is `text`, else `text`.
    fn same(&self, at: usize, text: String) -> Arc<str> {
        match self.pieces.get(at) {
            Some((_, piece)) if **piece == *text => piece.clone(),
            _ => Arc::from(text),
        }
    }
}

/// The text of the `n`th piece of resources, of their texts: each on a line of its own, after `,` but for the very
/// first resource.
fn piece_text(n: usize, chunk: &[Arc<str>]) -> String {
    let mut out = String::with_capacity(chunk.iter().map(|r| r.len() + 6).sum());
    for (i, text) in chunk.iter().enumerate() {
        out.push_str(if n == 0 && i == 0 {
            "\n    "
        } else {
            ",\n    "
        });
        out.push_str(text);
    }
    out
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
    /// The document as pretty-printed JSON, the same text as [`serde_json::to_string_pretty`] of its tree, in
    /// pieces, written reusing the texts of resources written last time that it shares, and keeping its own for
    /// next time (the texts of resources it does not have are let go). In order: the members before the resources
    /// with the list's opening, the resources [`RESOURCES_PER_PIECE`] at a time, then the list's end with the
    /// members after it. A
    /// piece that holds the same text as the piece written last at its place is that piece (the same `Arc`): after
    /// a change, the pieces it wrote in are the ones that are not. A document without a list of resources, or with
    /// an empty one, is one piece.
    /// Writes into `texts` the text of each resource from index `from` on that it does not hold yet, up to `count`
    /// of them, for [`Document::to_json_pieces`] to find; the index to go on from, `None` once every resource has
    /// its text.
    pub(crate) fn write_texts(
        &self,
        texts: &mut Texts,
        from: usize,
        count: usize,
    ) -> Option<usize> {
        let items = self.resources.as_deref().unwrap_or_default();
        let mut written = 0;
        let mut at = from;
        while at < items.len() {
            // The piece `at` is in: its texts written, then (once every one is held) the piece itself.
            let n = at / RESOURCES_PER_PIECE;
            let end = ((n + 1) * RESOURCES_PER_PIECE).min(items.len());
            let chunk = items.get(n * RESOURCES_PER_PIECE..end).unwrap_or_default();
            for (i, item) in items.iter().enumerate().take(end).skip(at) {
                if texts.holds(item) {
                    continue;
                }
                if written == count {
                    return Some(i);
                }
                let text = Arc::from(pretty(item, "    "));
                texts
                    .texts
                    .insert(Arc::as_ptr(item) as usize, (Arc::downgrade(item), text));
                written += 1;
            }
            texts.write_piece(n, chunk);
            at = end;
        }
        None
    }

    pub(crate) fn to_json_pieces(&self, texts: &mut Texts) -> Vec<Arc<str>> {
        let (Some(items), Value::Object(members)) = (&self.resources, &self.rest) else {
            texts.clear();
            return vec![Arc::from(
                serde_json::to_string_pretty(self).unwrap_or_default(),
            )];
        };
        if items.is_empty() {
            texts.clear();
            return vec![Arc::from(
                serde_json::to_string_pretty(self).unwrap_or_default(),
            )];
        }
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
        // `{`, then each member on a line of its own after two spaces, `,` between them, and `}` on the last line;
        // the resources' list likewise, one level deeper.
        let mut head = String::from("{");
        let mut tail = String::from("\n  ]");
        let mut after = false;
        for (i, (key, value)) in in_order(members).enumerate() {
            let key = serde_json::to_string(key).unwrap_or_default();
            let out = if after { &mut tail } else { &mut head };
            out.push_str(if i == 0 { "\n  " } else { ",\n  " });
            match value {
                Some(value) => {
                    out.push_str(&key);
                    out.push_str(": ");
                    out.push_str(&pretty(value, "  "));
                }
                None => {
                    out.push_str(&key);
                    out.push_str(": [");
                    after = true;
                }
            }
        }
        tail.push_str("\n}");
        let mut pieces = Vec::with_capacity(resources.len().div_ceil(RESOURCES_PER_PIECE) + 2);
        pieces.push((Vec::new(), texts.same(0, head)));
        for (n, chunk) in resources.chunks(RESOURCES_PER_PIECE).enumerate() {
            let piece = texts.piece(n + 1, chunk, || piece_text(n, chunk));
            pieces.push((chunk.to_vec(), piece));
        }
        pieces.push((Vec::new(), texts.same(pieces.len(), tail)));
        let out = pieces.iter().map(|(_, piece)| piece.clone()).collect();
        texts.pieces = pieces;
        out
    }
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
            assert_eq!(document.to_json_pieces(&mut texts).concat(), whole);
            assert_eq!(
                document.to_json_pieces(&mut texts).concat(),
                whole,
                "again, from the kept texts"
            );
        }
        // A copy with one resource written in reuses the text of the other, and writes that one anew.
        let first = Document::new(documents_first());
        first.to_json_pieces(&mut texts);
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
            second.to_json_pieces(&mut texts).concat(),
            serde_json::to_string_pretty(&second.to_value()).unwrap()
        );
        assert!(
            Arc::ptr_eq(&kept(&texts, &second, 0), &a),
            "the shared resource's text is reused"
        );
        assert!(!Arc::ptr_eq(&kept(&texts, &second, 1), &b));
        assert_eq!(texts.len(), 2);
    }

    /// The pieces make the document's text; after a change of one resource, the one piece that holds it is written
    /// anew and every other is the piece written before.
    #[test]
    fn a_document_in_pieces_is_its_text_and_a_change_writes_one_piece_anew() {
        let resources: Vec<Value> = (0..200)
            .map(|i| json!({"id": format!("r{i}"), "n": i}))
            .collect();
        let value = json!({"commits": [], "resources": resources, "title": "t"});
        let document = Document::new(value.clone());
        let mut texts = Texts::default();
        let pieces = document.to_json_pieces(&mut texts);
        // The head, 200 resources 64 at a time (4 pieces), the tail.
        assert_eq!(pieces.len(), 6);
        assert_eq!(
            pieces.concat(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        let mut changed = document.clone();
        if let (_, Some(items)) = changed.parts_mut() {
            Arc::make_mut(&mut items[130])["n"] = json!("changed");
        }
        let after = changed.to_json_pieces(&mut texts);
        assert_eq!(
            after.concat(),
            serde_json::to_string_pretty(&changed.to_value()).unwrap()
        );
        let anew: Vec<usize> = (0..after.len())
            .filter(|&i| !Arc::ptr_eq(&after[i], &pieces[i]))
            .collect();
        assert_eq!(
            anew,
            [3],
            "resource 130 is in the third piece of resources (128 to 191)"
        );
        // A new title writes the tail anew; an appended resource the last piece of resources (the tail is the same).
        let mut titled = changed.clone();
        titled.parts_mut().0["title"] = json!("u");
        let titled_pieces = titled.to_json_pieces(&mut texts);
        let anew: Vec<usize> = (0..6)
            .filter(|&i| !Arc::ptr_eq(&titled_pieces[i], &after[i]))
            .collect();
        assert_eq!(anew, [5]);
        let mut longer = titled.clone();
        if let (_, Some(items)) = longer.parts_mut() {
            items.push(Arc::new(json!({"id": "r200"})));
        }
        let longer_pieces = longer.to_json_pieces(&mut texts);
        assert_eq!(
            longer_pieces.concat(),
            serde_json::to_string_pretty(&longer.to_value()).unwrap()
        );
        let anew: Vec<usize> = (0..6)
            .filter(|&i| !Arc::ptr_eq(&longer_pieces[i], &titled_pieces[i]))
            .collect();
        assert_eq!(anew, [4]);
        // Documents with no list of resources, or an empty one, are one piece.
        for value in [
            json!({"resources": []}),
            json!({"intents": []}),
            json!({"resources": 3}),
        ] {
            let pieces = Document::new(value.clone()).to_json_pieces(&mut texts);
            assert_eq!(
                pieces.concat(),
                serde_json::to_string_pretty(&value).unwrap()
            );
            assert_eq!(pieces.len(), 1);
        }
    }

    /// Texts written a slice at a time are the texts the pieces are made of, and the pieces are the document's text.
    #[test]
    fn texts_written_a_slice_at_a_time_make_the_pieces() {
        let resources: Vec<Value> = (0..200)
            .map(|i| json!({"id": format!("r{i}"), "n": i}))
            .collect();
        let value = json!({"resources": resources, "title": "t"});
        let document = Document::new(value.clone());
        let mut texts = Texts::default();
        let mut from = Some(0);
        let mut slices = 0;
        while let Some(at) = from {
            from = document.write_texts(&mut texts, at, 7);
            slices += 1;
        }
        assert_eq!(
            slices,
            200_usize.div_ceil(7),
            "the last slice reaches the end"
        );
        assert_eq!(texts.len(), 200);
        assert_eq!(
            document.write_texts(&mut texts, 0, 0),
            None,
            "every text is held"
        );
        // The pieces were written with the texts: the pieces made of them are those.
        let written: Vec<Arc<str>> = texts.pieces.iter().map(|(_, p)| p.clone()).collect();
        let pieces = document.to_json_pieces(&mut texts);
        assert_eq!(pieces.len(), 200_usize.div_ceil(RESOURCES_PER_PIECE) + 2);
        for (at, piece) in pieces.iter().enumerate().skip(1).take(pieces.len() - 2) {
            assert!(
                written.get(at).is_some_and(|w| Arc::ptr_eq(w, piece)),
                "piece {at} was written with the texts"
            );
        }
        // The pieces use the texts written: one of them marked shows in the pieces.
        let fifth = document.shared().unwrap()[5].clone();
        let address = Arc::as_ptr(&fifth) as usize;
        texts
            .texts
            .insert(address, (Arc::downgrade(&fifth), Arc::from("\"marked\"")));
        let pieces = document.to_json_pieces(&mut texts);
        assert!(pieces.concat().contains("\"marked\""));
        // Written anew from a fresh start, they are the document's text.
        let pieces = document.to_json_pieces(&mut Texts::default());
        assert_eq!(
            pieces.concat(),
            serde_json::to_string_pretty(&value).unwrap()
        );
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
