//! The difference between two designs, resource by resource: what "show a solution" displays.
//!
//! Resources are matched by id (case-insensitively), never by position; a changed resource carries the JSON
//! Patch (RFC 6902) operations that turn the old resource into the new one.
//! `commits` and `intents` are compared as whole lists.

use avnm_core::Scenario;
use serde::Serialize;
use serde_json::Value;

/// What happened to a resource (or to the `commits` or `intents` list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ChangeKind {
    /// Only in the new design.
    Added,
    /// Only in the old design.
    Removed,
    /// In both, with different content.
    Changed,
}

/// One changed resource, or the `commits` or `intents` list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The resource id, or `commits` or `intents`.
    pub id: String,
    /// The value before, if any.
    pub before: Option<Value>,
    /// The value after, if any.
    pub after: Option<Value>,
    /// For a change, the JSON Patch operations from `before` to `after` (paths are JSON pointers).
    pub operations: json_patch::Patch,
}

/// The changes from one design to another: resources in the new design's order, then removed resources, then
/// `commits` and `intents`.
///
/// ```
/// use avnm_core::Scenario;
/// use avnm_lesson::{diff, ChangeKind};
/// let a = Scenario::parse(r#"{"resources": [{"id": "/a", "type": "x", "properties": {"n": 1}}]}"#).unwrap();
/// let b = Scenario::parse(r#"{"resources": [{"id": "/A", "type": "x", "properties": {"n": 2}}]}"#).unwrap();
/// let changes = diff(&a, &b);
/// assert_eq!(changes.len(), 1);
/// assert_eq!(changes[0].kind, ChangeKind::Changed);
/// assert_eq!(serde_json::to_string(&changes[0].operations).unwrap(),
///            r#"[{"op":"replace","path":"/id","value":"/A"},{"op":"replace","path":"/properties/n","value":2}]"#);
/// ```
pub fn diff(before: &Scenario, after: &Scenario) -> Vec<Change> {
    let before = document(before);
    let after = document(after);
    let old = list(&before, "resources");
    let new = list(&after, "resources");
    let mut changes = Vec::new();
    for resource in new {
        let id = resource_id(resource);
        match old.iter().find(|r| same_id(r, id)) {
            None => changes.push(change(ChangeKind::Added, id, None, Some(resource))),
            Some(previous) if previous != resource => changes.push(change(
                ChangeKind::Changed,
                id,
                Some(previous),
                Some(resource),
            )),
            Some(_) => {}
        }
    }
    for resource in old {
        let id = resource_id(resource);
        if !new.iter().any(|r| same_id(r, id)) {
            changes.push(change(ChangeKind::Removed, id, Some(resource), None));
        }
    }
    for key in ["commits", "intents"] {
        let (a, b) = (list(&before, key), list(&after, key));
        if a != b {
            let (a, b) = (Value::Array(a.to_vec()), Value::Array(b.to_vec()));
            changes.push(change(ChangeKind::Changed, key, Some(&a), Some(&b)));
        }
    }
    changes
}

fn change(kind: ChangeKind, id: &str, before: Option<&Value>, after: Option<&Value>) -> Change {
    let operations = match (before, after) {
        (Some(a), Some(b)) => json_patch::diff(a, b),
        _ => json_patch::Patch::default(),
    };
    Change {
        kind,
        id: id.to_owned(),
        before: before.cloned(),
        after: after.cloned(),
        operations,
    }
}

fn document(design: &Scenario) -> Value {
    serde_json::from_str(&design.to_json()).unwrap_or_default()
}

fn list<'a>(document: &'a Value, key: &str) -> &'a [Value] {
    document
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn resource_id(resource: &Value) -> &str {
    resource
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn same_id(resource: &Value, id: &str) -> bool {
    resource_id(resource).eq_ignore_ascii_case(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_removed_changed_and_lists() {
        let a = Scenario::parse(
            r#"{"resources": [{"id": "/a", "type": "t"}, {"id": "/b", "type": "t", "tags": {"x": "1"}}],
                "commits": [], "intents": []}"#,
        )
        .unwrap();
        let b = Scenario::parse(
            r#"{"resources": [{"id": "/b", "type": "t", "tags": {"x": "2"}}, {"id": "/c", "type": "t"}],
                "commits": [], "intents": [{"name": "n", "from": "10.0.0.1", "to": "10.0.0.2", "protocol": "Icmp", "expect": "Allowed"}]}"#,
        )
        .unwrap();
        let changes: Vec<(ChangeKind, String)> =
            diff(&a, &b).into_iter().map(|c| (c.kind, c.id)).collect();
        assert_eq!(
            changes,
            [
                (ChangeKind::Changed, "/b".to_owned()),
                (ChangeKind::Added, "/c".to_owned()),
                (ChangeKind::Removed, "/a".to_owned()),
                (ChangeKind::Changed, "intents".to_owned()),
            ]
        );
        assert!(diff(&a, &a).is_empty());
    }
}
