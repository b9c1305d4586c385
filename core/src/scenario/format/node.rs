//! A cursor over the JSON document that knows its own path, so that every format error says where it is.
//!
//! The path is written out only when it is asked for (an error, a diagnostic, a model item's origin): reading a
//! document visits every value, and most of them are read without their path being needed.

use std::rc::Rc;

use serde_json::{Map, Value};

use super::FormatError;
use crate::path::Path;

/// How many steps a node keeps before it writes out its path (deep enough for every value the reader visits below
/// a resource: `resources[3].properties.securityRules[0].properties.destinationPortRanges[1]` is 7).
const STEPS: usize = 8;

/// One step from a written path to a node.
#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// A JSON value and its path in the document (`resources[3].properties.priority`).
#[derive(Clone, Debug)]
pub(crate) struct Node<'a> {
    pub(crate) value: &'a Value,
    /// The written path of an ancestor, shared with the nodes made from it.
    base: Rc<Path>,
    /// The steps from `base` to this node: `steps[..len]`.
    steps: [Step<'a>; STEPS],
    len: usize,
}

/// A short name of a JSON value's kind, for error messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Node<'a> {
    /// The node of a whole document or of a value at a known path.
    pub(crate) fn new(value: &'a Value, path: impl Into<Path>) -> Self {
        Node {
            value,
            base: Rc::new(path.into()),
            steps: [Step::Index(0); STEPS],
            len: 0,
        }
    }

    /// The path of this node, written out.
    pub(crate) fn path(&self) -> Path {
        // Exactly the room the steps take: a design keeps a path for each of its items.
        let room = self
            .steps()
            .iter()
            .map(|step| match *step {
                Step::Key(key) => Path::key_len(key),
                Step::Index(index) => Path::index_len(index),
            })
            .sum();
        let mut path = self.base.with_room(room);
        for step in self.steps() {
            match *step {
                Step::Key(key) => path.push_key(key),
                Step::Index(index) => path.push_index(index),
            }
        }
        path
    }

    /// The steps from `base` to this node.
    fn steps(&self) -> &[Step<'a>] {
        self.steps.get(..self.len).unwrap_or_default()
    }

    /// The node of `value`, found one step further than this node.
    /// The element `index` of this node's list, which is `value` (for a list kept apart from its document).
    pub(crate) fn element(&self, index: usize, value: &'a Value) -> Node<'a> {
        self.child(Step::Index(index), value)
    }

    fn child(&self, step: Step<'a>, value: &'a Value) -> Node<'a> {
        let mut child = if self.len == STEPS {
            // No room for another step: write the path out and go on from it.
            Node::new(value, self.path())
        } else {
            Node {
                value,
                ..self.clone()
            }
        };
        if let Some(slot) = child.steps.get_mut(child.len) {
            *slot = step;
            child.len += 1;
        }
        child
    }

    /// The node of `value` as the member `key` of this node (a value the caller found or made for it).
    pub(crate) fn at_key(&self, key: &'a str, value: &'a Value) -> Node<'a> {
        self.child(Step::Key(key), value)
    }

    /// A type error at this node.
    pub(crate) fn expected(&self, expected: &'static str) -> FormatError {
        FormatError::Type {
            path: self.path(),
            expected,
            found: kind(self.value),
        }
    }

    /// A value error at this node: the value has the right JSON type but is not one of the accepted values.
    pub(crate) fn invalid(&self, value: &str, expected: &'static str) -> FormatError {
        FormatError::Value {
            path: self.path(),
            value: value.to_owned(),
            expected,
        }
    }

    /// This node as an object.
    pub(crate) fn object(&self) -> Result<&'a Map<String, Value>, FormatError> {
        self.value
            .as_object()
            .ok_or_else(|| self.expected("an object"))
    }

    /// The member `key` of this object, looked up exactly and then ignoring ASCII case (ARM property names are
    /// case-insensitive). `None` when absent or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<Node<'a>> {
        let map = self.value.as_object()?;
        let (name, value) = map
            .get_key_value(key)
            .or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))?;
        if value.is_null() {
            return None;
        }
        Some(self.child(Step::Key(name), value))
    }

    /// The member `key`, which must be present.
    pub(crate) fn req(&self, key: &str) -> Result<Node<'a>, FormatError> {
        self.get(key).ok_or_else(|| FormatError::Missing {
            path: self.path(),
            field: key.to_owned(),
        })
    }

    /// This node as a string.
    pub(crate) fn str(&self) -> Result<&'a str, FormatError> {
        self.value.as_str().ok_or_else(|| self.expected("a string"))
    }

    /// The string member `key`, which must be present.
    pub(crate) fn req_str(&self, key: &str) -> Result<&'a str, FormatError> {
        self.req(key)?.str()
    }

    /// The string member `key`, if present.
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'a str>, FormatError> {
        self.get(key).map(|n| n.str()).transpose()
    }

    /// This node as an array of nodes.
    pub(crate) fn items(&self) -> Result<Vec<Node<'a>>, FormatError> {
        let array = self
            .value
            .as_array()
            .ok_or_else(|| self.expected("an array"))?;
        Ok(array
            .iter()
            .enumerate()
            .map(|(i, value)| self.child(Step::Index(i), value))
            .collect())
    }

    /// The nodes of the array member `key`, made one at a time (the resources of a large document: a list of
    /// their nodes would be megabytes); an absent member has none.
    pub(crate) fn opt_each(
        &self,
        key: &str,
    ) -> Result<impl Iterator<Item = Node<'a>> + '_, FormatError> {
        let array = match self.get(key) {
            None => None,
            Some(node) => Some((
                node.value
                    .as_array()
                    .ok_or_else(|| node.expected("an array"))?,
                node,
            )),
        };
        Ok(array.into_iter().flat_map(|(items, node)| {
            items
                .iter()
                .enumerate()
                .map(move |(i, value)| node.child(Step::Index(i), value))
        }))
    }

    /// The array member `key`; an absent member is an empty array.
    pub(crate) fn opt_items(&self, key: &str) -> Result<Vec<Node<'a>>, FormatError> {
        self.get(key)
            .map(|n| n.items())
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// The array-of-strings member `key`, each string with its node; an absent member is empty.
    pub(crate) fn opt_strs(&self, key: &str) -> Result<Vec<(&'a str, Node<'a>)>, FormatError> {
        self.opt_items(key)?
            .into_iter()
            .map(|n| Ok((n.str()?, n)))
            .collect()
    }

    /// The integer member `key`, if present.
    pub(crate) fn opt_u32(&self, key: &str) -> Result<Option<i64>, FormatError> {
        let Some(node) = self.get(key) else {
            return Ok(None);
        };
        match node.value {
            Value::Number(n) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| node.expected("an integer")),
            _ => Err(node.expected("an integer")),
        }
    }

    /// A flag member that ARM writes as the string `"True"`/`"False"` (connectivity configurations) or as a
    /// JSON boolean; `None` when absent.
    pub(crate) fn opt_flag(&self, key: &str) -> Result<Option<bool>, FormatError> {
        let Some(node) = self.get(key) else {
            return Ok(None);
        };
        match node.value {
            Value::Bool(b) => Ok(Some(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Value::String(s) => Err(node.invalid(s, "`True` or `False`")),
            _ => Err(node.expected("`True` or `False`")),
        }
    }

    /// The `id` member of an object such as `{"id": "..."}`, or the node itself when it is a string.
    pub(crate) fn reference(&self) -> Result<&'a str, FormatError> {
        match self.value {
            Value::String(s) => Ok(s),
            Value::Object(_) => self.req_str("id"),
            _ => Err(self.expected("an object with an `id`")),
        }
    }

    /// The `id` of the object member `key` (`"networkSecurityGroup": {"id": ...}`), if present.
    pub(crate) fn opt_reference(&self, key: &str) -> Result<Option<(&'a str, Path)>, FormatError> {
        let Some(node) = self.get(key) else {
            return Ok(None);
        };
        let id = node.reference()?;
        Ok(Some((id, node.path())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_says_its_path_at_any_depth() {
        // 20 levels, deeper than the steps a node keeps before writing its path out: `a[0].a[0]...a[0]`.
        let mut value = serde_json::json!(5);
        for _ in 0..10 {
            value = serde_json::json!({"a": [value]});
        }
        let root = Node::new(&value, "resources[2]");
        let mut at = root.clone();
        let mut expected = String::from("resources[2]");
        for _ in 0..10 {
            at = at.req("a").unwrap().items().unwrap().remove(0);
            expected.push_str(".a[0]");
        }
        assert_eq!(at.path().as_str(), expected);
        assert_eq!(
            at.str().unwrap_err().to_string(),
            format!("`{expected}`: expected a string, found a number")
        );
        // Keys that need quotes keep them, through a node made for a value found by the caller.
        let tagged = root.at_key("cost center", &value);
        assert_eq!(tagged.path().as_str(), "resources[2]['cost center']");
    }
}
