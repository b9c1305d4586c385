//! Changes that follow references: removing a resource with every reference to it, and renaming or moving one,
//! which changes its id wherever the document names it.
//!
//! Azure refers to a resource by its id everywhere (a subnet's `networkSecurityGroup.id`, a peering's
//! `remoteVirtualNetwork.id`, a static member's `resourceId`, a configuration's `appliesToGroups[].networkGroupId`,
//! a commit's `configurationIds`...), and a child's id starts with its parent's, so one walk over the document finds
//! them all: a reference to a resource is a string equal to its id, or to the id of one of its children.

use serde_json::{Map, Value};

use super::{ChangeError, Draft, missing, take, target};
use crate::model::{Model, ResourceId};
use crate::scenario::{Path, Segment};

/// Whether `text` is the id `id` or the id of one of its children, ignoring case as ARM does.
///
/// An id written `=<id>` names only itself: a subscription or resource group of the design describes a scope, and
/// removing that description does not remove what is in the scope.
fn names(text: &str, id: &str) -> bool {
    if let Some(exact) = id.strip_prefix('=') {
        return text.eq_ignore_ascii_case(exact);
    }
    crate::model::ids::within(text, id)
}

/// Whether a string member of an object is a reference to a removed id.
fn member_names(map: &Map<String, Value>, key: &str, ids: &[String]) -> bool {
    map.get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| ids.iter().any(|id| names(s, id)))
}

/// Whether an element of an array refers to one of the ids, so that it goes when they go: the resource itself
/// or a child, a static member of it, a peering to it, a group item, a hub, a management group child, a commit of
/// its manager, a policy that adds to it or an assignment of such a policy.
fn refers(item: &Value, ids: &[String]) -> bool {
    match item {
        Value::String(s) => ids.iter().any(|id| names(s, id)),
        Value::Object(map) => {
            [
                "id",
                "networkGroupId",
                "resourceId",
                "networkManagerId",
                "policyDefinitionId",
            ]
            .iter()
            .any(|key| member_names(map, key, ids))
                || (map
                    .get("addressPrefixType")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("NetworkGroup"))
                    && member_names(map, "addressPrefix", ids))
                || map
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|props| {
                        member_names(props, "resourceId", ids)
                            || member_names(props, "policyDefinitionId", ids)
                            || props
                                .get("remoteVirtualNetwork")
                                .and_then(Value::as_object)
                                .is_some_and(|r| member_names(r, "id", ids))
                            || props
                                .get("policyRule")
                                .and_then(|r| r.get("then"))
                                .and_then(|t| t.get("details"))
                                .and_then(Value::as_object)
                                .is_some_and(|d| member_names(d, "networkGroupId", ids))
                    })
        }
        _ => false,
    }
}

/// Removes, everywhere under `value`, the array elements that refer to the ids, the reference members
/// (`"networkSecurityGroup": {"id": ...}`) and the `snapshots` keys naming them; returns the ids of the removed
/// resources that have an `id`, so that what refers to those goes too.
fn sweep(value: &mut Value, ids: &[String], removed: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            items.retain(|item| {
                let goes = refers(item, ids);
                if goes && let Some(id) = item.get("id").and_then(Value::as_str) {
                    removed.push(id.to_owned());
                }
                !goes
            });
            for item in items {
                sweep(item, ids, removed);
            }
        }
        Value::Object(map) => {
            map.retain(|key, member| {
                let reference = member
                    .as_object()
                    .is_some_and(|m| m.len() <= 2 && member_names(m, "id", ids));
                !(reference || ids.iter().any(|id| key.starts_with('/') && names(key, id)))
            });
            for member in map.values_mut() {
                sweep(member, ids, removed);
            }
        }
        _ => {}
    }
}

/// Removes several places at once, the later array elements first, so that every path still names what it named.
pub(super) fn take_all(document: &mut Draft, paths: &mut [Path]) {
    let key = |p: &Path| -> Vec<usize> {
        p.segments()
            .into_iter()
            .filter_map(|s| match s {
                Segment::Index(i) => Some(i),
                Segment::Key(_) => None,
            })
            .collect()
    };
    paths.sort_by(|a, b| {
        key(b)
            .cmp(&key(a))
            .then(b.as_str().len().cmp(&a.as_str().len()))
    });
    for path in paths.iter() {
        take(document, path);
    }
}

/// Removes a resource, its children and every reference to them.
pub(super) fn remove(
    model: &Model,
    document: &mut Draft,
    id: &ResourceId,
) -> Result<(), ChangeError> {
    let path = target::resource_path(model, id).ok_or_else(|| missing("resource", id))?;
    take(document, &path);
    let scope = !id.as_str().to_ascii_lowercase().contains("/providers/");
    let mut ids = vec![if scope {
        format!("={id}")
    } else {
        id.to_string()
    }];
    // Each round removes what refers to the ids so far; policies of a removed group bring their assignments.
    for _ in 0..4 {
        let mut removed = Vec::new();
        sweep(document.whole(), &ids, &mut removed);
        removed.retain(|r| !ids.iter().any(|id| names(r, id)));
        if removed.is_empty() {
            break;
        }
        ids.extend(removed);
    }
    Ok(())
}

/// Replaces, everywhere in the document, the id `from` and the ids of its children by `to`: string values and
/// the keys of `snapshots`.
fn replace_ids(value: &mut Value, from: &str, to: &str) {
    let swap = |s: &str| -> Option<String> {
        names(s, from).then(|| format!("{to}{}", s.get(from.len()..).unwrap_or_default()))
    };
    match value {
        Value::String(s) => {
            if let Some(new) = swap(s) {
                *s = new;
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| replace_ids(item, from, to)),
        Value::Object(map) => {
            let keys: Vec<String> = map
                .keys()
                .filter(|k| k.starts_with('/') && swap(k).is_some())
                .cloned()
                .collect();
            for key in keys {
                if let (Some(member), Some(new)) = (map.remove(&key), swap(&key)) {
                    map.insert(new, member);
                }
            }
            map.values_mut()
                .for_each(|member| replace_ids(member, from, to));
        }
        _ => {}
    }
}

/// Changes the id of a resource to `to` everywhere, refusing an id that another resource has.
fn change_id(
    model: &Model,
    document: &mut Draft,
    id: &ResourceId,
    to: String,
) -> Result<Path, ChangeError> {
    let path = target::resource_path(model, id).ok_or_else(|| missing("resource", id))?;
    let new = ResourceId::new(&to);
    if new != *id && target::resource_path(model, &new).is_some() {
        return Err(ChangeError::Taken(to));
    }
    replace_ids(document.whole(), id.as_str(), &to);
    Ok(path)
}

/// The id a resource gets when renamed: its id with another last segment; `None` for an id without a parent
/// (a subscription).
pub(super) fn renamed_id(id: &ResourceId, name: &str) -> Option<String> {
    let parent = id
        .as_str()
        .get(..id.as_str().len().checked_sub(id.name().len())?)?;
    (parent.len() > 1 && parent.ends_with('/') && parent.starts_with('/'))
        .then(|| format!("{parent}{}", name.trim()))
}

/// The id a resource gets when moved to another subscription and resource group; `None` for an id outside a
/// resource group.
pub(super) fn moved_id(
    id: &ResourceId,
    subscription: &str,
    resource_group: &str,
) -> Option<String> {
    let text = id.as_str();
    let lower = text.to_ascii_lowercase();
    if !lower.starts_with("/subscriptions/") || !lower.contains("/resourcegroups/") {
        return None;
    }
    let tail = text.get(lower.find("/providers/")?..)?;
    Some(format!(
        "/subscriptions/{}/resourceGroups/{}{tail}",
        subscription.trim(),
        resource_group.trim()
    ))
}

/// Renames a resource: the last segment of its id, its `name`, and every reference.
pub(super) fn rename(
    model: &Model,
    document: &mut Draft,
    id: &ResourceId,
    name: &str,
) -> Result<(), ChangeError> {
    let name = crate::scenario::field::name(name)?.into_text();
    let new = renamed_id(id, &name).ok_or_else(|| missing("resource with a parent", id))?;
    let path = change_id(model, document, id, new)?;
    if let Some(Value::Object(resource)) = document.slot(&path.segments(), false) {
        resource.insert("name".to_owned(), Value::String(name));
    }
    Ok(())
}

/// Moves a resource to another subscription and resource group: its id changes everywhere.
pub(super) fn relocate(
    model: &Model,
    document: &mut Draft,
    id: &ResourceId,
    subscription: &str,
    resource_group: &str,
) -> Result<(), ChangeError> {
    for part in [subscription, resource_group] {
        crate::scenario::field::name(part)?;
    }
    let new = moved_id(id, subscription, resource_group)
        .ok_or_else(|| missing("resource in a resource group", id))?;
    change_id(model, document, id, new)?;
    Ok(())
}
