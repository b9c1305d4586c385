//! Reading a document's text into a model without building its JSON tree.
//!
//! [`read`](super::read) reads a parsed tree, which a design keeps (edits write in it). A reader that only
//! analyses (the `avnm` commands) needs the model alone: building the tree of a 130 MB document and keeping it
//! beside the model takes most of such a command's time and memory. [`read_text`] parses one element of
//! `resources` at a time, reads it and frees it, so the tree of the whole list never exists.
//!
//! It gives what [`read`](super::read) gives for the same text, error for error: whatever it does not read the
//! way the tree reader would (a syntax error, a document that is not an object, a `resources` that is not a list,
//! appears twice or is written in another case, any [`FormatError`]) makes it read the text again as a tree, which gives the tree reader's
//! answer. A valid design is read once; only a document the tree reader refuses is parsed twice.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::node::Node;
use super::{FormatError, Reader, document, read_value, resources_node, shape};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// Reads a document's text into a model and the diagnostics of its values: [`read`](super::read) of the
/// parsed text, without keeping the tree of its resources.
pub(crate) fn read_text(text: &str) -> Result<(Model, Vec<Diagnostic>), FormatError> {
    match streamed(text) {
        Some(read) => Ok(read),
        None => read_value(serde_json::from_str(text)?),
    }
}

/// The model and diagnostics of a document read resource by resource; `None` when the text is not read that
/// way (see the module's documentation).
fn streamed(text: &str) -> Option<(Model, Vec<Diagnostic>)> {
    let mut reader = Reader::default();
    let mut json = serde_json::Deserializer::from_str(text);
    let (rest, apart) = Top {
        reader: &mut reader,
    }
    .deserialize(&mut json)
    .ok()?;
    json.end().ok()?;
    let rest = Value::Object(rest);
    if shape::foreign(&rest, apart).is_some() {
        return None;
    }
    reader.finish(&Node::new(&rest, "")).ok()
}

/// Why a streamed reading stopped; the words are never shown (the text is read again as a tree).
const NOT_STREAMED: &str = "read as a tree";

/// The document: an object whose `resources` list is read element by element. Its value is the other members,
/// and whether `resources` was there.
struct Top<'r> {
    reader: &'r mut Reader,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = (Map<String, Value>, bool);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = (Map<String, Value>, bool);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scenario document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rest = Map::new();
        let mut apart = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == document::RESOURCES {
                // A second `resources` replaces the first in the tree: only the tree reader reads that right.
                if apart {
                    return Err(de::Error::custom(NOT_STREAMED));
                }
                map.next_value_seed(Resources {
                    reader: &mut *self.reader,
                })?;
                apart = true;
            } else if key.eq_ignore_ascii_case(document::RESOURCES) {
                // The reader finds members whatever their case, as Azure does: a `Resources` list is read from
                // the tree.
                return Err(de::Error::custom(NOT_STREAMED));
            } else {
                let value: Value = map.next_value()?;
                rest.insert(key, value);
            }
        }
        Ok((rest, apart))
    }
}

/// The `resources` list, each element read into the model as soon as it is parsed.
struct Resources<'r> {
    reader: &'r mut Reader,
}

impl<'de> DeserializeSeed<'de> for Resources<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Resources<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of resources")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let list = resources_node();
        let mut order = 0;
        while let Some(resource) = seq.next_element::<Value>()? {
            self.reader
                .resource(&list.element(order, &resource), order)
                .map_err(|_| de::Error::custom(NOT_STREAMED))?;
            order += 1;
        }
        Ok(())
    }
}
