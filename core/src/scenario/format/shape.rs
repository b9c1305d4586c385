//! What a JSON document is when it is not a scenario document, and the resource type an id implies.
//!
//! People paste what Azure gives them: a REST API example file, a `{"value": [...]}` list, `az` output, an ARM
//! template.
//! The scenario reader refuses those with one line that names what the document looks like and points to
//! `avnm import`, instead of reading them as an empty design.

use serde_json::{Map, Value};

const IMPORT: &str = "import it with `avnm import`";

/// What a document looks like when it is not a scenario document, `None` when it is one.
///
/// A scenario document is an object with at least one of `resources` (an array), `commits` or `intents`.
/// An object with no keys at all is not one either: decisions §4 says a JSON file without `resources` is not a
/// scenario document, and an empty design is written `{"resources": []}`.
///
/// `rest` is the document, or its members but `resources` when that list is kept `apart`.
pub(crate) fn foreign(rest: &Value, apart: bool) -> Option<String> {
    match rest {
        Value::Object(map) => foreign_object(map, apart),
        Value::Array(items) => foreign_array(items),
        // Other values get the reader's plain type error (``: expected an object).
        _ => None,
    }
}

fn foreign_object(map: &Map<String, Value>, resources_apart: bool) -> Option<String> {
    let has = |key: &str| {
        map.keys().any(|k| k.eq_ignore_ascii_case(key))
            || (resources_apart && key.eq_ignore_ascii_case("resources"))
    };
    let schema = map
        .get("$schema")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if schema.contains("deploymentparameters") {
        return Some(format!(
            "looks like an ARM parameters file (`$schema`, `parameters`): {IMPORT} together with its template"
        ));
    }
    if schema.contains("deploymenttemplate") || (has("contentVersion") && has("resources")) {
        return Some(format!(
            "looks like an ARM deployment template (`$schema`, `contentVersion`): {IMPORT}"
        ));
    }
    let symbolic = match map.get("resources") {
        Some(Value::Object(symbols)) => {
            has("languageVersion") || symbols.values().any(|r| r.get("type").is_some())
        }
        _ => false,
    };
    if symbolic {
        return Some(format!(
            "looks like an ARM template with symbolic resources (`resources` is an object): {IMPORT}"
        ));
    }
    if has("resources") || has("commits") || has("intents") {
        return None;
    }
    if map.is_empty() {
        return Some(
            "it is an empty JSON object; an empty design is written `{\"resources\": []}`"
                .to_owned(),
        );
    }
    if has("responses") && has("parameters") {
        return Some(format!(
            "looks like a REST API example file (`parameters`, `responses`): {IMPORT}"
        ));
    }
    if matches!(map.get("value"), Some(Value::Array(_))) {
        return Some(format!(
            "looks like a list of resources as the REST API returns it (`value`): {IMPORT}"
        ));
    }
    if matches!(map.get("data"), Some(Value::Array(_))) {
        return Some(format!(
            "looks like an `az graph query` result (`data`): {IMPORT}"
        ));
    }
    if matches!(map.get("interactions"), Some(Value::Array(_))) {
        return Some(format!(
            "looks like recorded HTTP interactions (`interactions`): {IMPORT}"
        ));
    }
    if let Some(Value::String(id)) = map.get("id") {
        let kind = map
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| type_from_id(id))
            .unwrap_or_else(|| "resource".to_owned());
        let shape = if map.contains_key("properties") {
            "as a GET returns it"
        } else {
            "as the Azure CLI prints it"
        };
        return Some(format!(
            "looks like a single resource (`{kind}`) {shape}: {IMPORT}"
        ));
    }
    if map.len() == 1
        && let Some(Value::Object(inner)) = map.values().next()
        && inner.contains_key("id")
    {
        let key = map.keys().next().map_or("", String::as_str);
        return Some(format!(
            "looks like the output of an `az ... create` command (`{key}`): {IMPORT}"
        ));
    }
    if has("commitType") {
        return Some(format!(
            "looks like the body of a commit request (`commitType`): {IMPORT}, or add it to `commits`"
        ));
    }
    if has("field") || has("allOf") || has("anyOf") || has("not") {
        return Some(
            "looks like a policy rule condition (`field`, `allOf`, `anyOf`): put it in the `if` of a policy definition's `policyRule`"
                .to_owned(),
        );
    }
    let keys: Vec<String> = map.keys().take(4).map(|k| format!("`{k}`")).collect();
    Some(format!(
        "it has no `resources` (its keys: {}{})",
        keys.join(", "),
        if map.len() > 4 { ", ..." } else { "" }
    ))
}

fn foreign_array(items: &[Value]) -> Option<String> {
    let objects = || items.iter().filter_map(Value::as_object);
    if objects().any(|o| o.contains_key("id")) {
        Some(format!(
            "looks like a list of resources as `az ... list` prints it: {IMPORT}"
        ))
    } else if objects().any(|o| o.contains_key("field") || o.contains_key("allOf")) {
        Some("looks like a list of policy rule conditions: put them in an `allOf` or `anyOf` of a policy definition's `policyRule`".to_owned())
    } else {
        None
    }
}

/// Canonical spellings of the resource type segments the engine reads, so that inferred types read well.
const SEGMENTS: &[&str] = &[
    "Microsoft.Network",
    "Microsoft.Authorization",
    "Microsoft.Management",
    "Microsoft.Resources",
    "virtualNetworks",
    "subnets",
    "virtualNetworkPeerings",
    "networkInterfaces",
    "networkSecurityGroups",
    "securityRules",
    "defaultSecurityRules",
    "networkManagers",
    "networkGroups",
    "staticMembers",
    "connectivityConfigurations",
    "securityAdminConfigurations",
    "ruleCollections",
    "rules",
    "commits",
    "policyDefinitions",
    "policyAssignments",
    "managementGroups",
    "subscriptions",
    "resourceGroups",
    "publicIPAddresses",
    "applicationSecurityGroups",
    "ipConfigurations",
];

/// The canonical spelling of a known type segment, or the segment as written.
pub(crate) fn canonical_segment(segment: &str) -> &str {
    SEGMENTS
        .iter()
        .find(|s| s.eq_ignore_ascii_case(segment))
        .copied()
        .unwrap_or(segment)
}

/// The resource type an ARM id implies: the namespace after the last `providers`, then every other segment
/// (`.../providers/Microsoft.Network/virtualNetworks/v/subnets/s` is `Microsoft.Network/virtualNetworks/subnets`).
/// Subscriptions and resource groups have no `providers` segment.
///
/// ```text
/// assert_eq!(type_from_id("/subscriptions/s/resourceGroups/r").as_deref(), Some("Microsoft.Resources/resourceGroups"));
/// ```
pub(crate) fn type_from_id(id: &str) -> Option<String> {
    let segments: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
    let providers = segments
        .iter()
        .rposition(|s| s.eq_ignore_ascii_case("providers"));
    let Some(at) = providers else {
        return match segments.as_slice() {
            [s, _] if s.eq_ignore_ascii_case("subscriptions") => {
                Some("Microsoft.Resources/subscriptions".to_owned())
            }
            [s, _, g, _]
                if s.eq_ignore_ascii_case("subscriptions")
                    && g.eq_ignore_ascii_case("resourceGroups") =>
            {
                Some("Microsoft.Resources/resourceGroups".to_owned())
            }
            _ => None,
        };
    };
    let rest = segments.get(at + 1..)?;
    let (namespace, pairs) = rest.split_first()?;
    if pairs.is_empty() || pairs.len() % 2 != 0 {
        return None;
    }
    let mut kind = canonical_segment(namespace).to_owned();
    for pair in pairs.chunks(2) {
        let segment = pair.first()?;
        kind.push('/');
        kind.push_str(canonical_segment(segment));
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[track_caller]
    fn check(doc: &Value, expected: Option<&str>) {
        let found = foreign(doc, false);
        match expected {
            None => assert_eq!(found, None),
            Some(part) => {
                let found = found.unwrap_or_default();
                assert!(found.contains(part), "`{found}` should contain `{part}`");
            }
        }
    }

    #[test]
    fn documents_that_are_not_scenarios_say_what_they_look_like() {
        check(&json!({"resources": []}), None);
        check(&json!({"intents": []}), None);
        check(&json!({}), Some("empty JSON object"));
        check(
            &json!({"parameters": {}, "responses": {"200": {}}}),
            Some("REST API example file (`parameters`, `responses`): import it with `avnm import`"),
        );
        check(
            &json!({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}),
            Some("ARM deployment template"),
        );
        check(
            &json!({"languageVersion": "2.0", "resources": {"a": {}}}),
            Some("symbolic resources"),
        );
        check(&json!({"value": [], "nextLink": null}), Some("(`value`)"));
        check(&json!({"count": 0, "data": []}), Some("az graph query"));
        check(
            &json!({"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v", "properties": {}}),
            Some("single resource (`Microsoft.Network/virtualNetworks`) as a GET returns it"),
        );
        check(
            &json!({"newVNet": {"id": "/x", "addressSpace": {}}}),
            Some("`az ... create` command (`newVNet`)"),
        );
        check(&json!([{"id": "/x"}]), Some("`az ... list`"));
        check(
            &json!({"field": "name", "contains": "x"}),
            Some("policy rule condition"),
        );
        check(&json!("text"), None);
        check(&json!([]), None);
        check(&json!({"a": 1}), Some("no `resources` (its keys: `a`)"));
    }

    #[test]
    fn types_come_from_ids() {
        let cases = [
            (
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/virtualNetworkPeerings/p",
                Some("Microsoft.Network/virtualNetworks/virtualNetworkPeerings"),
            ),
            (
                "subscriptions/s/resourcegroups/r/providers/microsoft.network/virtualnetworks/v/subnets/a",
                Some("Microsoft.Network/virtualNetworks/subnets"),
            ),
            (
                "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyDefinitions/d",
                Some("Microsoft.Authorization/policyDefinitions"),
            ),
            (
                "/subscriptions/s",
                Some("Microsoft.Resources/subscriptions"),
            ),
            (
                "/subscriptions/s/resourceGroups/r",
                Some("Microsoft.Resources/resourceGroups"),
            ),
            (
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks",
                None,
            ),
            ("vnet1", None),
        ];
        for (id, expected) in cases {
            assert_eq!(type_from_id(id).as_deref(), expected, "{id}");
        }
    }
}
