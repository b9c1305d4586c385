//! Patches: how a step changes the previous step's design, and how a solution changes a step's design.
//!
//! A patch names resources by id, never by position, so that it still applies when the design around it
//! changes: `remove` deletes resources (and their child resources), `upsert` replaces the resource with the
//! same id or adds it, `merge` applies a JSON merge patch (RFC 7386) to an existing resource, and `commits` and
//! `intents` are replaced or appended to as a whole.
//! The operations apply in that order.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use avnm_core::Scenario;

use crate::LessonError;

/// A change to a design.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// Ids of resources to delete; child resources given as resources of their own go with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
    /// Whole resources: each replaces the resource with its id, or is added at the end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upsert: Vec<Value>,
    /// JSON merge patches (RFC 7386), each with the `id` of the resource it changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merge: Vec<Value>,
    /// New commits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commits: Option<ListEdit>,
    /// New intents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intents: Option<ListEdit>,
}

/// A change to the `commits` or `intents` list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ListEdit {
    /// The list becomes these items.
    Replace(Vec<Value>),
    /// These items are added at the end.
    Append(Vec<Value>),
}

impl Patch {
    /// Applies the patch to a design (a learner's current design, or a step's design).
    ///
    /// A resource to remove or merge that is not there, or a design that no longer reads, is an error whose
    /// path is inside the patch (`remove[0]`) or the design (`resources[2].properties.priority`).
    ///
    /// ```
    /// use avnm_core::Scenario;
    /// use avnm_lesson::Patch;
    /// let design = Scenario::parse(r#"{"resources": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/a",
    ///   "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
    ///   "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#).unwrap();
    /// let patch: Patch = serde_json::from_str(r#"{"merge": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/A",
    ///   "tags": {"team": "payments"}}]}"#).unwrap();
    /// let after = patch.apply(&design).unwrap();
    /// assert_eq!(after.model().vnets.values().next().unwrap().tags.get("team"), Some("payments"));
    /// let missing: Patch = serde_json::from_str(r#"{"remove": ["/nowhere"]}"#).unwrap();
    /// assert_eq!(missing.apply(&design).unwrap_err().to_string(), "`remove[0]`: there is no resource `/nowhere` to remove");
    /// ```
    pub fn apply(&self, design: &Scenario) -> Result<Scenario, LessonError> {
        let value: Value = serde_json::from_str(&design.to_json()).unwrap_or_default();
        let mut working = Working::new(value, "")?;
        working.apply(self, "")?;
        working.to_scenario()
    }
}

/// A design being built from a step's design and patches, with where each item was written in the lesson.
#[derive(Clone, Debug)]
pub(crate) struct Working {
    /// The document's keys other than the three lists.
    rest: Map<String, Value>,
    resources: Vec<Item>,
    commits: Vec<Item>,
    intents: Vec<Item>,
}

/// A resource, commit or intent, with the JSON path of the lesson text that last wrote it.
#[derive(Clone, Debug)]
struct Item {
    value: Value,
    origin: String,
}

impl Working {
    /// Starts from a whole design written at `path` (`steps[0].design`, or empty for a standalone design).
    pub(crate) fn new(design: Value, path: &str) -> Result<Self, LessonError> {
        let Value::Object(mut rest) = design else {
            return Err(LessonError::format(
                path,
                "expected a scenario document (an object)",
            ));
        };
        let mut take = |key: &str| -> Result<Vec<Item>, LessonError> {
            let at = join(path, key);
            match rest.remove(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => Ok(items
                    .into_iter()
                    .enumerate()
                    .map(|(i, value)| Item {
                        value,
                        origin: format!("{at}[{i}]"),
                    })
                    .collect()),
                Some(_) => Err(LessonError::format(at, "expected an array")),
            }
        };
        Ok(Working {
            resources: take("resources")?,
            commits: take("commits")?,
            intents: take("intents")?,
            rest,
        })
    }

    /// Applies a patch written at `path` (`steps[2].patch`).
    pub(crate) fn apply(&mut self, patch: &Patch, path: &str) -> Result<(), LessonError> {
        for (i, id) in patch.remove.iter().enumerate() {
            let child_prefix = format!("{}/", id.to_ascii_lowercase());
            let before = self.resources.len();
            self.resources.retain(|item| {
                let rid = resource_id(&item.value).unwrap_or_default();
                !(rid.eq_ignore_ascii_case(id)
                    || rid.to_ascii_lowercase().starts_with(&child_prefix))
            });
            if self.resources.len() == before {
                return Err(LessonError::patch(
                    format!("{}[{i}]", join(path, "remove")),
                    format!("there is no resource `{id}` to remove"),
                ));
            }
        }
        for (i, resource) in patch.upsert.iter().enumerate() {
            let origin = format!("{}[{i}]", join(path, "upsert"));
            let id = resource_id(resource).ok_or_else(|| {
                LessonError::patch(&origin, "a resource to upsert needs a string `id`")
            })?;
            let item = Item {
                value: resource.clone(),
                origin,
            };
            match self.position(id) {
                Some(slot) => *slot = item,
                None => self.resources.push(item),
            }
        }
        for (i, change) in patch.merge.iter().enumerate() {
            let origin = format!("{}[{i}]", join(path, "merge"));
            let id = resource_id(change).ok_or_else(|| {
                LessonError::patch(
                    &origin,
                    "a merge patch needs the string `id` of its resource",
                )
            })?;
            let Some(slot) = self.position(id) else {
                return Err(LessonError::patch(
                    origin,
                    format!("there is no resource `{id}` to merge into"),
                ));
            };
            json_patch::merge(&mut slot.value, change);
            slot.origin = origin;
        }
        for (key, edit) in [("commits", &patch.commits), ("intents", &patch.intents)] {
            let Some(edit) = edit else { continue };
            let list = if key == "commits" {
                &mut self.commits
            } else {
                &mut self.intents
            };
            let (items, name) = match edit {
                ListEdit::Replace(items) => {
                    list.clear();
                    (items, "replace")
                }
                ListEdit::Append(items) => (items, "append"),
            };
            let at = join(&join(path, key), name);
            list.extend(items.iter().enumerate().map(|(i, value)| Item {
                value: value.clone(),
                origin: format!("{at}[{i}]"),
            }));
        }
        Ok(())
    }

    fn position(&mut self, id: &str) -> Option<&mut Item> {
        self.resources
            .iter_mut()
            .find(|item| resource_id(&item.value).is_some_and(|rid| rid.eq_ignore_ascii_case(id)))
    }

    /// Where a path of the built design was written in the lesson: `resources[3].properties.x` becomes
    /// `steps[1].patch.upsert[0].properties.x`.
    pub(crate) fn origin(&self, design_path: impl std::fmt::Display) -> String {
        let design_path = design_path.to_string();
        for (key, list) in [
            ("resources", &self.resources),
            ("commits", &self.commits),
            ("intents", &self.intents),
        ] {
            let Some(rest) = design_path
                .strip_prefix(key)
                .and_then(|r| r.strip_prefix('['))
            else {
                continue;
            };
            let Some((index, tail)) = rest.split_once(']') else {
                continue;
            };
            if let Some(item) = index.parse::<usize>().ok().and_then(|i| list.get(i)) {
                return format!("{}{tail}", item.origin);
            }
        }
        design_path
    }

    /// The built document.
    fn document(&self) -> Value {
        let mut document = self.rest.clone();
        for (key, list) in [
            ("resources", &self.resources),
            ("commits", &self.commits),
            ("intents", &self.intents),
        ] {
            document.insert(
                key.to_owned(),
                Value::Array(list.iter().map(|item| item.value.clone()).collect()),
            );
        }
        Value::Object(document)
    }

    /// Reads the built design; a malformed design is an error at the lesson path that wrote it.
    pub(crate) fn to_scenario(&self) -> Result<Scenario, LessonError> {
        Scenario::from_document(self.document()).map_err(|e| {
            let design_path = e.path().map(ToString::to_string).unwrap_or_default();
            let text = e.to_string();
            let message = text
                .strip_prefix(&format!("`{design_path}`: "))
                .unwrap_or(&text)
                .to_owned();
            LessonError::Design {
                path: self.origin(&design_path),
                message,
            }
        })
    }
}

/// The `id` of a resource, if it has a string one.
fn resource_id(resource: &Value) -> Option<&str> {
    resource.get("id").and_then(Value::as_str)
}

/// `a` + `b` as a JSON path: `a.b`, or `b` when `a` is empty.
pub(crate) fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VNET: &str =
        "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks";

    fn vnet(name: &str, prefix: &str) -> Value {
        json!({"id": format!("{VNET}/{name}"), "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
               "properties": {"addressSpace": {"addressPrefixes": [prefix]}}})
    }

    fn design() -> Value {
        json!({"resources": [vnet("a", "10.0.0.0/16"), vnet("b", "10.1.0.0/16"),
            {"id": format!("{VNET}/b/subnets/s1"), "type": "Microsoft.Network/virtualNetworks/subnets",
             "properties": {"addressPrefix": "10.1.0.0/24"}}],
            "intents": [{"name": "one", "from": "10.0.0.4", "to": "10.1.0.4", "protocol": "Tcp", "port": 1, "expect": "Allowed"}]})
    }

    #[track_caller]
    fn check(patch: Value) -> Result<Working, LessonError> {
        let patch: Patch = serde_json::from_value(patch).unwrap();
        let mut working = Working::new(design(), "steps[0].design")?;
        working.apply(&patch, "steps[1].patch")?;
        Ok(working)
    }

    fn ids(working: &Working) -> Vec<String> {
        working
            .resources
            .iter()
            .map(|r| {
                resource_id(&r.value)
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn remove_takes_child_resources_along_and_upsert_replaces_in_place() {
        let w = check(json!({"remove": [format!("{VNET}/B")], "upsert": [vnet("a", "10.9.0.0/16"), vnet("c", "10.2.0.0/16")]})).unwrap();
        assert_eq!(ids(&w), ["a", "c"]);
        assert_eq!(
            w.resources[0].value["properties"]["addressSpace"]["addressPrefixes"][0],
            "10.9.0.0/16"
        );
        assert_eq!(
            w.origin("resources[0].properties"),
            "steps[1].patch.upsert[0].properties"
        );
        assert_eq!(w.origin("resources[1]"), "steps[1].patch.upsert[1]");
    }

    #[test]
    fn merge_changes_fields_and_null_deletes_them() {
        let w = check(json!({"merge": [{"id": format!("{VNET}/a"), "tags": {"team": "x"}, "location": null}]})).unwrap();
        let a = &w.resources[0].value;
        assert_eq!(a["tags"]["team"], "x");
        assert!(a.get("location").is_none());
        assert_eq!(
            w.origin("resources[1].type"),
            "steps[0].design.resources[1].type"
        );
    }

    #[test]
    fn lists_are_replaced_or_appended() {
        let intent = json!({"name": "two", "from": "10.0.0.4", "to": "10.1.0.4", "protocol": "Udp", "port": 2, "expect": "Denied"});
        let w = check(json!({"intents": {"append": [intent]}})).unwrap();
        assert_eq!(w.intents.len(), 2);
        assert_eq!(
            w.origin("intents[1].port"),
            "steps[1].patch.intents.append[0].port"
        );
        let w =
            check(json!({"intents": {"replace": []}, "commits": {"replace": [{"x": 1}]}})).unwrap();
        assert!(w.intents.is_empty());
        assert_eq!(w.origin("commits[0]"), "steps[1].patch.commits.replace[0]");
    }

    #[test]
    fn missing_targets_are_errors_with_the_patch_path() {
        let e = check(json!({"remove": [format!("{VNET}/a"), format!("{VNET}/zz")]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("`steps[1].patch.remove[1]`: there is no resource `{VNET}/zz` to remove")
        );
        let e = check(json!({"merge": [{"id": "/x"}]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`steps[1].patch.merge[0]`: there is no resource `/x` to merge into"
        );
        let e = check(json!({"upsert": [{"name": "no id"}]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`steps[1].patch.upsert[0]`: a resource to upsert needs a string `id`"
        );
    }

    #[test]
    fn a_malformed_result_names_the_lesson_path_that_wrote_it() {
        let mut bad = vnet("c", "10.2.0.0/16");
        bad["properties"]["subnets"] = json!([{"name": "x", "properties": {"addressPrefix": 5}}]);
        let w = check(json!({"upsert": [bad]})).unwrap();
        let e = w.to_scenario().unwrap_err();
        assert_eq!(
            e.path(),
            "steps[1].patch.upsert[0].properties.subnets[0].properties.addressPrefix"
        );
        assert!(
            e.to_string().ends_with("expected a string, found a number"),
            "{e}"
        );
    }
}
