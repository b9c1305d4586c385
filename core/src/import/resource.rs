//! One resource as Azure or the Azure CLI prints it, made into a resource of the scenario document.
//!
//! ARM GET bodies are already the document's shape; what changes is the way they are written: ids without a
//! leading `/` or with lower-case segments (`resourcegroups`, `virtualnetworks`) are spelled as ARM spells them,
//! a missing `type` is read from the id, and the Azure CLI's flattened shape (no `properties` object, a
//! `resourceGroup` key, many nulls) gets its `properties` back.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::ReportKind;
use crate::scenario::format::shape::{canonical_segment, type_from_id};

/// A note about one resource, for the import report: its kind, the JSON path below the resource and the message.
pub(crate) type Note = (ReportKind, String, String);

/// Keys that stand beside `properties` in an ARM resource (and those the CLI adds there).
const ENVELOPE: &[&str] = &[
    "id",
    "name",
    "type",
    "location",
    "tags",
    "kind",
    "etag",
    "sku",
    "zones",
    "identity",
    "extendedLocation",
    "systemData",
    "managedBy",
    "plan",
    "apiVersion",
];

/// Keys that the Azure CLI and Resource Graph add beside a resource's own fields.
const CLI_ONLY: &[&str] = &["resourceGroup", "subscriptionId", "tenantId"];

/// Child arrays whose items are resources of their own, flattened by the CLI like their parent.
const CHILDREN: &[&str] = &[
    "subnets",
    "virtualNetworkPeerings",
    "securityRules",
    "defaultSecurityRules",
    "ipConfigurations",
];

/// Makes `value` a resource of the document, with notes of what was inferred; `Err` says why it is not one.
pub(crate) fn normalise(value: Value) -> Result<(Value, Vec<Note>), String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "expected a resource object, found {}",
            kind(&value)
        ));
    };
    let mut notes = Vec::new();
    let mut map = clean(map);
    let Some(Value::String(written)) = map.get_mut("id") else {
        return Err("a resource needs an `id`".to_owned());
    };
    let spelled = normalise_id(written);
    if spelled != written.as_str() {
        let spelled = spelled.into_owned();
        notes.push((
            ReportKind::Inferred,
            "id".to_owned(),
            format!("the id `{written}` is read as `{spelled}`"),
        ));
        *written = spelled;
    }
    let kind = match map.get("type").and_then(Value::as_str) {
        Some(t) => canonical_type(t),
        None => {
            let id = map.get("id").and_then(Value::as_str).unwrap_or_default();
            let Some(t) = type_from_id(id) else {
                return Err(format!("no `type`, and the id `{id}` does not say it"));
            };
            notes.push((
                ReportKind::Inferred,
                "type".to_owned(),
                format!("no `type`: `{t}` from the id"),
            ));
            t
        }
    };
    map.insert("type".to_owned(), Value::String(kind));
    if !map.contains_key("properties") {
        let moved = flatten(&mut map);
        if moved
            .iter()
            .all(|k| ["changedTime", "createdTime", "provisioningState"].contains(&k.as_str()))
        {
            notes.push((
                ReportKind::Skipped,
                String::new(),
                "only the resource's envelope, as `az resource list` prints it: its properties are not in the input (`az network vnet list` and the like print them)".to_owned(),
            ));
        } else {
            notes.push((
                ReportKind::Inferred,
                String::new(),
                format!(
                    "no `properties`: the Azure CLI's flattened shape, {} read as `properties`",
                    list(&moved)
                ),
            ));
        }
    }
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for key in CHILDREN {
            if let Some(Value::Array(items)) = props.get_mut(*key) {
                for item in items.iter_mut() {
                    if let Value::Object(child) = item
                        && !child.contains_key("properties")
                    {
                        flatten(child);
                    }
                }
            }
        }
        references(props, "properties", &mut notes);
    }
    Ok((Value::Object(map), notes))
}

/// Moves the fields that are not envelope keys into `properties`; returns their names.
fn flatten(map: &mut Map<String, Value>) -> Vec<String> {
    let moved: Vec<String> = map
        .keys()
        .filter(|k| !ENVELOPE.iter().any(|e| e.eq_ignore_ascii_case(k)))
        .cloned()
        .collect();
    if moved.is_empty() {
        return moved;
    }
    let mut props = Map::new();
    for key in &moved {
        if let Some(v) = map.remove(key) {
            props.insert(key.clone(), v);
        }
    }
    map.insert("properties".to_owned(), Value::Object(props));
    moved
}

/// `map` without nulls (absent, for ARM) and without the CLI's own keys beside an `id`, at every depth.
fn clean(mut map: Map<String, Value>) -> Map<String, Value> {
    let has_id = map.contains_key("id");
    map.retain(|k, v| {
        let cli_only = has_id && CLI_ONLY.contains(&k.as_str());
        !v.is_null() && !cli_only
    });
    for value in map.values_mut() {
        clean_value(value);
    }
    map
}

fn clean_value(value: &mut Value) {
    match value {
        Value::Object(map) => *map = clean(std::mem::take(map)),
        Value::Array(items) => items.iter_mut().for_each(clean_value),
        _ => {}
    }
}

/// Spells the ids referenced in `value` as ARM spells them, with a note for each one changed.
fn references(map: &mut Map<String, Value>, path: &str, notes: &mut Vec<Note>) {
    references_at(map, &Trail::Root(path), notes);
}

/// Where a value is below the map [`references`] started from, written out only for a note (every value of a
/// resource is visited, and few are ids spelled another way).
enum Trail<'a> {
    Root(&'a str),
    Key(&'a Trail<'a>, &'a str),
    Index(&'a Trail<'a>, usize),
}

impl Trail<'_> {
    /// `path.key` and `path[3]`, as the report writes them.
    fn written(&self) -> String {
        match self {
            Trail::Root(path) => (*path).to_owned(),
            Trail::Key(up, key) => format!("{}.{key}", up.written()),
            Trail::Index(up, i) => format!("{}[{i}]", up.written()),
        }
    }
}

fn references_at(map: &mut Map<String, Value>, at: &Trail<'_>, notes: &mut Vec<Note>) {
    for (key, value) in map.iter_mut() {
        reference(value, &Trail::Key(at, key), notes);
    }
}

fn reference(value: &mut Value, at: &Trail<'_>, notes: &mut Vec<Note>) {
    match value {
        Value::String(s) if looks_like_id(s) => {
            let id = normalise_id(s);
            if id != s.as_str() {
                let id = id.into_owned();
                notes.push((
                    ReportKind::Inferred,
                    at.written(),
                    format!("the id `{s}` is read as `{id}`"),
                ));
                *s = id;
            }
        }
        Value::Object(map) => references_at(map, at, notes),
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                reference(item, &Trail::Index(at, i), notes);
            }
        }
        _ => {}
    }
}

/// Whether a string starts as an ARM id does, in any case (read without a lowercase copy: every string of a
/// resource is asked).
fn looks_like_id(s: &str) -> bool {
    let s = s.trim();
    [
        "/subscriptions/",
        "subscriptions/",
        "subscription/",
        "/providers/microsoft.",
    ]
    .iter()
    .any(|prefix| {
        s.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
}

/// An ARM id as ARM spells it: a leading `/`, `subscriptions`, `resourceGroups` (also for the singular
/// `resourceGroup` that some published examples have), `providers`, and the known namespaces and types; names as
/// written.
///
/// ```text
/// assert_eq!(normalise_id("subscriptions/s/resourcegroups/r"), "/subscriptions/s/resourceGroups/r");
/// ```
pub(crate) fn normalise_id(id: &str) -> Cow<'_, str> {
    let trimmed = id.trim();
    let starts = |prefix: &str| {
        trimmed
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if !trimmed.starts_with('/')
        && !starts("subscriptions/")
        && !starts("subscription/")
        && !starts("providers/")
    {
        return Cow::Borrowed(trimmed);
    }
    // Every id of a document is read here (T2 has hundreds of thousands) and nearly all are spelled so already:
    // the spelling is compared with the id a segment at a time, and written out only when they differ.
    let mut rest = Some(id);
    spell_id(trimmed, |segment| {
        rest = rest
            .and_then(|r| r.strip_prefix('/'))
            .and_then(|r| r.strip_prefix(segment));
    });
    if rest == Some("") {
        return Cow::Borrowed(id);
    }
    let mut out = String::with_capacity(trimmed.len() + 1);
    spell_id(trimmed, |segment| {
        out.push('/');
        out.push_str(segment);
    });
    if out.is_empty() {
        out.push('/');
    }
    Cow::Owned(out)
}

/// The segments of an id (`trimmed`, with a `/` before each in the spelling) as ARM spells them, in order.
fn spell_id<'a>(trimmed: &'a str, mut push: impl FnMut(&'a str)) {
    let mut segments = trimmed.split('/').filter(|s| !s.is_empty()).peekable();
    let mut first_is_subscriptions = false;
    // The index of `segment` among the segments.
    let mut i = 0;
    while let Some(segment) = segments.next() {
        if i == 0 {
            first_is_subscriptions = segment.eq_ignore_ascii_case("subscriptions");
        }
        // `subscription/...` (singular) is a typo some published examples have.
        if i == 0 && (first_is_subscriptions || segment.eq_ignore_ascii_case("subscription")) {
            push("subscriptions");
        } else if i == 2
            && first_is_subscriptions
            && (segment.eq_ignore_ascii_case("resourceGroups")
                || segment.eq_ignore_ascii_case("resourceGroup"))
        {
            push("resourceGroups");
        } else if segment.eq_ignore_ascii_case("providers") {
            push("providers");
            if let Some(namespace) = segments.next() {
                push(canonical_segment(namespace));
            }
            i += 2;
            // Type and name pairs until the next `providers` (an extension resource).
            while let Some(t) = segments.next_if(|t| !t.eq_ignore_ascii_case("providers")) {
                push(canonical_segment(t));
                if let Some(n) = segments.next() {
                    push(n);
                }
                i += 2;
            }
            continue;
        } else {
            push(segment);
            i += 1;
            continue;
        }
        if let Some(name) = segments.next() {
            push(name);
        }
        i += 2;
    }
}

/// A type as ARM spells it (`microsoft.network/virtualnetworks` is `Microsoft.Network/virtualNetworks`).
fn canonical_type(kind: &str) -> String {
    kind.split('/')
        .map(canonical_segment)
        .collect::<Vec<_>>()
        .join("/")
}

fn list(keys: &[String]) -> String {
    let shown: Vec<String> = keys.iter().take(3).map(|k| format!("`{k}`")).collect();
    if keys.len() > 3 {
        format!("{} and {} more", shown.join(", "), keys.len() - 3)
    } else {
        shown.join(", ")
    }
}

fn kind(value: &Value) -> &'static str {
    crate::scenario::format::node::kind(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_spelled_as_arm_spells_them() {
        let cases = [
            (
                "subscriptions/s/resourcegroups/r/providers/microsoft.network/virtualnetworks/V1",
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/V1",
            ),
            (
                "/subscriptions/s/resourceGroup/rg1/providers/Microsoft.Network/networkManagers/nm",
                "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Network/networkManagers/nm",
            ),
            (
                "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyDefinitions/d",
                "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyDefinitions/d",
            ),
            ("/subscriptions/s", "/subscriptions/s"),
            (
                "subscription/s/resourceGroups/r/providers/Microsoft.Network/networkManagers/nm",
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkManagers/nm",
            ),
        ];
        for (written, expected) in cases {
            assert_eq!(normalise_id(written), expected);
        }
    }

    /// The reading of ids before they were written into one string, for the property below.
    fn normalise_id_as_before(id: &str) -> String {
        let trimmed = id.trim();
        let lower = trimmed.to_ascii_lowercase();
        if !trimmed.starts_with('/')
            && !lower.starts_with("subscriptions/")
            && !lower.starts_with("subscription/")
            && !lower.starts_with("providers/")
        {
            return trimmed.to_owned();
        }
        let segments: Vec<&str> = id.trim().split('/').filter(|s| !s.is_empty()).collect();
        let mut out: Vec<String> = Vec::with_capacity(segments.len());
        let mut i = 0;
        while let Some(segment) = segments.get(i) {
            let name = segments.get(i + 1);
            // `subscription/...` (singular) is a typo some published examples have.
            if i == 0
                && (segment.eq_ignore_ascii_case("subscriptions")
                    || segment.eq_ignore_ascii_case("subscription"))
            {
                out.push("subscriptions".to_owned());
            } else if i == 2
                && (segment.eq_ignore_ascii_case("resourceGroups")
                    || segment.eq_ignore_ascii_case("resourceGroup"))
                && segments
                    .first()
                    .is_some_and(|s| s.eq_ignore_ascii_case("subscriptions"))
            {
                out.push("resourceGroups".to_owned());
            } else if segment.eq_ignore_ascii_case("providers") {
                out.push("providers".to_owned());
                if let Some(namespace) = name {
                    out.push(canonical_segment(namespace).to_owned());
                }
                i += 2;
                // Type and name pairs until the next `providers` (an extension resource).
                while let Some(t) = segments.get(i) {
                    if t.eq_ignore_ascii_case("providers") {
                        break;
                    }
                    out.push(canonical_segment(t).to_owned());
                    if let Some(n) = segments.get(i + 1) {
                        out.push((*n).to_owned());
                    }
                    i += 2;
                }
                continue;
            } else {
                out.push((*segment).to_owned());
                i += 1;
                continue;
            }
            if let Some(n) = name {
                out.push((*n).to_owned());
            }
            i += 2;
        }
        format!("/{}", out.join("/"))
    }

    proptest::proptest! {
        /// Ids of every shape (keywords in any case, singular typos, empty segments, spaces, other characters)
        /// read as they were before the reading was written into one string.
        #[test]
        fn ids_read_as_before(
            lead in proptest::sample::select(vec!["", "/", " /", "//"]),
            segments in proptest::collection::vec(proptest::sample::select(vec![
                "subscriptions", "SUBSCRIPTIONS", "subscription", "s", "resourceGroups", "resourcegroups",
                "resourceGroup", "rg", "providers", "PROVIDERS", "microsoft.network", "Microsoft.Management",
                "virtualnetworks", "subnets", "managementGroups", "", "é", "x y", " ",
            ]), 0..10),
            trail in proptest::sample::select(vec!["", "/", " "]),
        ) {
            let id = format!("{lead}{}{trail}", segments.join("/"));
            proptest::prop_assert_eq!(normalise_id(&id), normalise_id_as_before(&id), "{:?}", id);
        }
    }

    #[test]
    fn the_cli_shape_gets_its_properties_back() {
        let cli = json!({
            "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v",
            "name": "v", "location": "eastus", "resourceGroup": "r", "type": "Microsoft.Network/virtualNetworks",
            "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "bgpCommunities": null,
            "subnets": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
                         "name": "a", "addressPrefix": "10.0.0.0/24", "resourceGroup": "r", "networkSecurityGroup": null}]
        });
        let (resource, notes) = normalise(cli).unwrap();
        assert_eq!(
            resource,
            json!({
                "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v",
                "name": "v", "location": "eastus", "type": "Microsoft.Network/virtualNetworks",
                "properties": {
                    "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                    "subnets": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
                                 "name": "a", "properties": {"addressPrefix": "10.0.0.0/24"}}]
                }
            })
        );
        assert_eq!(
            notes,
            [(
                ReportKind::Inferred,
                String::new(),
                "no `properties`: the Azure CLI's flattened shape, `addressSpace`, `subnets` read as `properties`"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn a_missing_type_comes_from_the_id_and_references_are_spelled_too() {
        let body = json!({
            "id": "subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/virtualNetworkPeerings/p",
            "properties": {"remoteVirtualNetwork": {"id": "/subscriptions/s/resourcegroups/r/providers/Microsoft.Network/virtualnetworks/w"}}
        });
        let (resource, notes) = normalise(body).unwrap();
        assert_eq!(
            resource["type"],
            json!("Microsoft.Network/virtualNetworks/virtualNetworkPeerings")
        );
        assert_eq!(
            resource["properties"]["remoteVirtualNetwork"]["id"],
            json!(
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/w"
            )
        );
        let paths: Vec<&str> = notes.iter().map(|(_, p, _)| p.as_str()).collect();
        assert_eq!(paths, ["id", "type", "properties.remoteVirtualNetwork.id"]);
    }

    #[test]
    fn what_is_not_a_resource_says_why() {
        assert_eq!(
            normalise(json!({"name": "x"})).err().as_deref(),
            Some("a resource needs an `id`")
        );
        assert_eq!(
            normalise(json!({"id": "vnet1"})).err().as_deref(),
            Some("no `type`, and the id `vnet1` does not say it")
        );
        assert_eq!(
            normalise(json!([1])).err().as_deref(),
            Some("expected a resource object, found an array")
        );
    }
}
