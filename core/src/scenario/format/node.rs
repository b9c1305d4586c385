//! A cursor over the JSON document that knows its own path, so that every format error says where it is.

use serde_json::{Map, Value};

use super::FormatError;
use crate::path::Path;

/// A JSON value and its path in the document (`resources[3].properties.priority`).
#[derive(Clone, Debug)]
pub(crate) struct Node<'a> {
    pub(crate) value: &'a Value,
    pub(crate) path: Path,
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
            path: path.into(),
        }
    }

    /// A type error at this node.
    pub(crate) fn expected(&self, expected: &'static str) -> FormatError {
        FormatError::Type {
            path: self.path.clone(),
            expected,
            found: kind(self.value),
        }
    }

    /// A value error at this node: the value has the right JSON type but is not one of the accepted values.
    pub(crate) fn invalid(&self, value: &str, expected: &'static str) -> FormatError {
        FormatError::Value {
            path: self.path.clone(),
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
        Some(Node {
            value,
            path: join(&self.path, name),
        })
    }

    /// The member `key`, which must be present.
    pub(crate) fn req(&self, key: &str) -> Result<Node<'a>, FormatError> {
        self.get(key).ok_or_else(|| FormatError::Missing {
            path: self.path.clone(),
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
            .map(|(i, value)| Node {
                value,
                path: self.path.index(i),
            })
            .collect())
    }

    /// The array member `key`; an absent member is an empty array.
    pub(crate) fn opt_items(&self, key: &str) -> Result<Vec<Node<'a>>, FormatError> {
        self.get(key)
            .map(|n| n.items())
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// The array-of-strings member `key`; an absent member is empty.
    pub(crate) fn opt_strs(&self, key: &str) -> Result<Vec<(&'a str, Path)>, FormatError> {
        self.opt_items(key)?
            .into_iter()
            .map(|n| Ok((n.str()?, n.path)))
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
        Ok(Some((id, node.path)))
    }
}

/// `path.key`, or `key` at the root.
pub(crate) fn join(path: &Path, key: &str) -> Path {
    path.key(key)
}
