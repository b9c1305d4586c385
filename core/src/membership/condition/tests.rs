//! Tests of the policy condition parser and evaluator, with expected results from spec §2.4.

use serde_json::{Value, json};

use super::*;
use crate::model::address::TagName;
use crate::scenario::format::FormatError;
use crate::scenario::format::node::Node;
use crate::scenario::format::policy::parse_condition;

/// Where the `if` block sits in the test documents.
const ROOT: &str = "resources[4].properties.policyRule.if";
const SUBSCRIPTION: &str = "/subscriptions/00000000-0000-0000-0000-0000000000aa";

fn tags(pairs: &[(&str, &str)]) -> Tags {
    Tags(
        pairs
            .iter()
            .map(|(name, value)| (TagName((*name).to_owned()), (*value).to_owned()))
            .collect(),
    )
}

/// A VNet with its subscription and resource group, owning what a [`Subject`] borrows.
struct Vnet {
    id: String,
    name: String,
    location: Location,
    kind: Option<String>,
    tags: Tags,
    subscription_name: Option<String>,
    subscription_tags: Option<Tags>,
    resource_group_id: String,
    resource_group_location: Option<Location>,
    resource_group_tags: Option<Tags>,
}

impl Vnet {
    /// A VNet in resource group `avnm-netrg` of a subscription that the document describes.
    fn new(name: &str, location: &str, vnet_tags: &[(&str, &str)]) -> Self {
        let resource_group_id = format!("{SUBSCRIPTION}/resourceGroups/avnm-netrg");
        Vnet {
            id: format!("{resource_group_id}/providers/Microsoft.Network/virtualNetworks/{name}"),
            name: name.to_owned(),
            location: Location::new(location),
            kind: None,
            tags: tags(vnet_tags),
            subscription_name: Some("Contoso Prod".to_owned()),
            subscription_tags: Some(tags(&[("Tier", "gold")])),
            resource_group_id,
            resource_group_location: Some(Location::new("West Europe")),
            resource_group_tags: Some(tags(&[("owner", "netops")])),
        }
    }

    /// The same VNet, untagged, in a subscription and resource group that the document does not describe.
    fn bare(self) -> Self {
        Vnet {
            tags: Tags::default(),
            subscription_name: None,
            subscription_tags: None,
            resource_group_location: None,
            resource_group_tags: None,
            ..self
        }
    }

    fn subject(&self) -> Subject<'_> {
        Subject {
            id: &self.id,
            name: &self.name,
            resource_type: "Microsoft.Network/virtualNetworks",
            location: &self.location,
            kind: self.kind.as_deref(),
            tags: &self.tags,
            subscription_id: SUBSCRIPTION,
            subscription_name: self.subscription_name.as_deref(),
            subscription_tags: self.subscription_tags.as_ref(),
            resource_group_id: &self.resource_group_id,
            resource_group_name: "avnm-netrg",
            resource_group_location: self.resource_group_location.as_ref(),
            resource_group_tags: self.resource_group_tags.as_ref(),
        }
    }
}

/// The VNet most tests run against.
fn hub() -> Vnet {
    Vnet::new(
        "vnet-hub-01",
        "East US 2",
        &[("Environment", "Production"), ("costCenter", "42")],
    )
}

fn parse(condition: &Value) -> Result<Condition, FormatError> {
    parse_condition(&Node::new(condition, ROOT))
}

/// Parses `condition`, evaluates it against `vnet` and compares with `expected`: `true`, `false` or
/// `error: <message>`; `explain` must agree with `evaluate`.
#[track_caller]
fn check(vnet: &Vnet, condition: &Value, expected: &str) {
    let parsed = parse(condition).unwrap();
    let subject = vnet.subject();
    let outcome = evaluate(&parsed, &subject);
    assert_eq!(
        explain(&parsed, &subject).outcome,
        outcome,
        "explain disagrees with evaluate on {condition}"
    );
    let shown = match outcome {
        Outcome::True => "true".to_owned(),
        Outcome::False => "false".to_owned(),
        Outcome::Error(message) => format!("error: {message}"),
    };
    assert_eq!(shown, expected, "on `{}`: {condition}", vnet.name);
}

#[test]
fn documented_example_selects_by_tag_and_by_name() {
    // Spec §2.4.3, from the AVNM how-to.
    let vnets = [
        Vnet::new(
            "myVNet01-EastUS",
            "eastus",
            &[("environment", "production")],
        ),
        Vnet::new(
            "myVNet01-WestUS",
            "westus",
            &[("environment", "production")],
        ),
        Vnet::new("myVNet02-WestUS", "westus", &[("environment", "test")]),
        Vnet::new("myVNet03-WestUS", "westus", &[("environment", "test")]),
    ];
    let by_tag = json!({"field": "tags['environment']", "equals": "production"});
    let by_name = json!({"allOf": [
        {"field": "Name", "contains": "VNet01"},
        {"field": "Name", "notcontains": "WestUS"},
    ]});
    let expected = [
        ("true", "true"),
        ("true", "false"),
        ("false", "false"),
        ("false", "false"),
    ];
    for (vnet, (tagged, named)) in vnets.iter().zip(expected) {
        check(vnet, &by_tag, tagged);
        check(vnet, &by_name, named);
    }
}

#[test]
fn every_operator_is_true_and_false() {
    let hub = hub();
    let cases = [
        (json!({"field": "name", "equals": "vnet-hub-01"}), "true"),
        (json!({"field": "name", "equals": "vnet-hub-02"}), "false"),
        (json!({"field": "name", "notEquals": "vnet-spoke"}), "true"),
        (
            json!({"field": "name", "notEquals": "vnet-hub-01"}),
            "false",
        ),
        (json!({"field": "name", "like": "vnet-*-01"}), "true"),
        (json!({"field": "name", "like": "vnet-*-02"}), "false"),
        (json!({"field": "name", "like": "*hub*0*"}), "true"),
        (json!({"field": "name", "like": "*spoke*"}), "false"),
        (json!({"field": "name", "like": "vnet-hub-01"}), "true"),
        (json!({"field": "name", "like": "vnet-hub"}), "false"),
        (json!({"field": "name", "like": "*"}), "true"),
        (json!({"field": "name", "notLike": "spoke*"}), "true"),
        (json!({"field": "name", "notLike": "vnet*"}), "false"),
        (json!({"field": "name", "match": "vnet-hub-##"}), "true"),
        (json!({"field": "name", "match": "????-???-##"}), "true"),
        (json!({"field": "name", "match": "vnet.hub.01"}), "true"),
        (json!({"field": "name", "match": "vnet-hub-#"}), "false"),
        (json!({"field": "name", "match": "vnet-hub-###"}), "false"),
        (json!({"field": "name", "match": "vnet-hub-?1"}), "false"),
        (json!({"field": "name", "notMatch": "vnet-hub-#"}), "true"),
        (json!({"field": "name", "notMatch": "vnet-hub-##"}), "false"),
        (
            json!({"field": "name", "matchInsensitively": "VNET-HUB-##"}),
            "true",
        ),
        (
            json!({"field": "name", "matchInsensitively": "VNET-HUB-#?"}),
            "false",
        ),
        (
            json!({"field": "name", "notMatchInsensitively": "SPOKE"}),
            "true",
        ),
        (
            json!({"field": "name", "notMatchInsensitively": "VNET-HUB-##"}),
            "false",
        ),
        (json!({"field": "name", "contains": "hub"}), "true"),
        (json!({"field": "name", "contains": "spoke"}), "false"),
        (json!({"field": "name", "notContains": "spoke"}), "true"),
        (json!({"field": "name", "notContains": "hub"}), "false"),
        (
            json!({"field": "name", "in": ["vnet-spoke", "vnet-hub-01"]}),
            "true",
        ),
        (
            json!({"field": "name", "in": ["vnet-spoke", "vnet-hub"]}),
            "false",
        ),
        (json!({"field": "name", "in": []}), "false"),
        (json!({"field": "name", "notIn": ["vnet-spoke"]}), "true"),
        (json!({"field": "name", "notIn": ["vnet-hub-01"]}), "false"),
        (
            json!({"field": "tags", "containsKey": "costCenter"}),
            "true",
        ),
        (json!({"field": "tags", "containsKey": "owner"}), "false"),
        (json!({"field": "tags", "notContainsKey": "owner"}), "true"),
        (
            json!({"field": "tags", "notContainsKey": "costCenter"}),
            "false",
        ),
        (json!({"field": "tags['costCenter']", "less": "50"}), "true"),
        (
            json!({"field": "tags['costCenter']", "less": "42"}),
            "false",
        ),
        (
            json!({"field": "tags['costCenter']", "lessOrEquals": "42"}),
            "true",
        ),
        (
            json!({"field": "tags['costCenter']", "lessOrEquals": "41"}),
            "false",
        ),
        (
            json!({"field": "tags['costCenter']", "greater": "41"}),
            "true",
        ),
        (
            json!({"field": "tags['costCenter']", "greater": "42"}),
            "false",
        ),
        (
            json!({"field": "tags['costCenter']", "greaterOrEquals": "42"}),
            "true",
        ),
        (
            json!({"field": "tags['costCenter']", "greaterOrEquals": "43"}),
            "false",
        ),
        (json!({"field": "name", "less": "vnet-i"}), "true"),
        (json!({"field": "name", "greater": "vnet-i"}), "false"),
        (
            json!({"field": "tags['environment']", "exists": true}),
            "true",
        ),
        (
            json!({"field": "tags['environment']", "exists": "false"}),
            "false",
        ),
        (
            json!({"field": "tags['environment']", "exists": "true"}),
            "true",
        ),
        (
            json!({"field": "tags['environment']", "exists": false}),
            "false",
        ),
        (
            json!({"field": "type", "equals": "Microsoft.Network/virtualNetworks"}),
            "true",
        ),
        (
            json!({"field": "fullName", "equals": "vnet-hub-01"}),
            "true",
        ),
        (
            json!({"field": "id", "like": "/subscriptions/*/resourceGroups/avnm-netrg/*/vnet-hub-01"}),
            "true",
        ),
        // The simulator's choices where types differ (module documentation).
        (json!({"field": "tags['costCenter']", "equals": 42}), "true"),
        (
            json!({"field": "tags['costCenter']", "in": [41, 42.0]}),
            "true",
        ),
        (json!({"value": "True", "equals": true}), "true"),
        (json!({"value": 1, "equals": true}), "false"),
        (json!({"value": ["a", "b"], "contains": "B"}), "true"),
    ];
    for (condition, expected) in cases {
        check(&hub, &condition, expected);
    }
}

#[test]
fn match_is_case_sensitive_and_everything_else_is_not() {
    let hub = hub();
    let cases = [
        (json!({"field": "name", "match": "VNET-hub-##"}), "false"),
        (json!({"field": "name", "notMatch": "VNET-hub-##"}), "true"),
        (
            json!({"field": "name", "matchInsensitively": "VNET-hub-##"}),
            "true",
        ),
        (json!({"field": "name", "equals": "VNet-Hub-01"}), "true"),
        (
            json!({"field": "name", "notEquals": "VNET-HUB-01"}),
            "false",
        ),
        (json!({"field": "name", "like": "VNET-*"}), "true"),
        (json!({"field": "name", "contains": "HUB"}), "true"),
        (json!({"field": "name", "in": ["VNET-HUB-01"]}), "true"),
        (json!({"field": "name", "greater": "VNET-I"}), "false"),
        (
            json!({"field": "type", "equals": "microsoft.network/VIRTUALNETWORKS"}),
            "true",
        ),
        // Tag names and values, field names and operator names ignore case too.
        (
            json!({"field": "TAGS['ENVIRONMENT']", "equals": "production"}),
            "true",
        ),
        (
            json!({"field": "tags", "containsKey": "COSTCENTER"}),
            "true",
        ),
        (json!({"FIELD": "NAME", "EQUALS": "vnet-hub-01"}), "true"),
        (json!({"field": "Name", "NotContains": "HUB"}), "false"),
        (
            json!({"ALLOF": [{"field": "name", "equals": "vnet-hub-01"}]}),
            "true",
        ),
    ];
    for (condition, expected) in cases {
        check(&hub, &condition, expected);
    }
}

#[test]
fn locations_compare_normalised() {
    let hub = hub();
    let cases = [
        (json!({"field": "location", "equals": "eastus2"}), "true"),
        (json!({"field": "location", "equals": "East US 2"}), "true"),
        (json!({"field": "location", "equals": "EastUS2"}), "true"),
        (json!({"field": "location", "equals": "East US"}), "false"),
        (json!({"field": "location", "notEquals": "East US"}), "true"),
        (
            json!({"field": "location", "notEquals": "east us 2"}),
            "false",
        ),
        (
            json!({"field": "location", "in": ["West Europe", "East US 2"]}),
            "true",
        ),
        (
            json!({"field": "location", "in": ["West Europe", "East US"]}),
            "false",
        ),
        (
            json!({"field": "location", "notIn": ["east us 2"]}),
            "false",
        ),
        (json!({"field": "location", "like": "East US*"}), "true"),
        (json!({"field": "location", "like": "West *"}), "false"),
        (json!({"field": "location", "notLike": "West *"}), "true"),
        (
            json!({"value": "[resourceGroup().location]", "equals": "West Europe"}),
            "true",
        ),
    ];
    for (condition, expected) in cases {
        check(&hub, &condition, expected);
    }
}

#[test]
fn value_expressions_read_the_subscription_and_resource_group() {
    let hub = hub();
    let cases = [
        (
            json!({"value": "[subscription().displayName]", "equals": "Contoso Prod"}),
            "true",
        ),
        (
            json!({"value": "[subscription().Name]", "equals": "contoso prod"}),
            "true",
        ),
        (
            json!({"value": "[subscription().name]", "equals": "Contoso Dev"}),
            "false",
        ),
        (
            json!({"value": "[subscription().Id]", "equals": SUBSCRIPTION}),
            "true",
        ),
        (
            json!({"value": "[subscription().SubscriptionId]", "equals": "00000000-0000-0000-0000-0000000000AA"}),
            "true",
        ),
        (
            json!({"value": "[subscription().subscriptionId]", "equals": SUBSCRIPTION}),
            "false",
        ),
        (
            json!({"value": "[subscription().tags['tier']]", "equals": "Gold"}),
            "true",
        ),
        (
            json!({"value": "[ Subscription ( ) . Tags [ 'Tier' ] ]", "equals": "gold"}),
            "true",
        ),
        (
            json!({"value": "[subscription().tags.tier]", "equals": "gold"}),
            "true",
        ),
        (
            json!({"value": "[resourceGroup().name]", "like": "*netrg"}),
            "true",
        ),
        (
            json!({"value": "[resourceGroup().Name]", "like": "*prodrg"}),
            "false",
        ),
        (
            json!({"value": "[resourceGroup().id]", "equals": format!("{SUBSCRIPTION}/resourceGroups/avnm-netrg")}),
            "true",
        ),
        (
            json!({"value": "[RESOURCEGROUP().LOCATION]", "equals": "westeurope"}),
            "true",
        ),
        (
            json!({"value": "[resourceGroup().tags['Owner']]", "equals": "netops"}),
            "true",
        ),
        (
            json!({"value": "[resourceGroup().tags.owner]", "notEquals": "netops"}),
            "false",
        ),
        // Literal values, and `[[` escaping a bracket in a value and in an argument.
        (json!({"value": "prod", "equals": "PROD"}), "true"),
        (json!({"value": 5, "greater": 4}), "true"),
        (json!({"value": true, "equals": true}), "true"),
        (
            json!({"value": "[[subscription().id]", "equals": "[[subscription().id]"}),
            "true",
        ),
    ];
    for (condition, expected) in cases {
        check(&hub, &condition, expected);
    }
}

#[test]
fn missing_fields_and_values_follow_q15() {
    const PREFIXES: &str = "Microsoft.Network/virtualNetworks/addressSpace.addressPrefixes[*]";
    // Decisions Q15: positive operators false, negated ones true, `exists: false` true, comparisons false.
    let hub = hub();
    let cases = [
        (json!({"field": "tags['owner']", "equals": "x"}), "false"),
        (json!({"field": "tags['owner']", "notEquals": "x"}), "true"),
        (json!({"field": "tags['owner']", "like": "*"}), "false"),
        (json!({"field": "tags['owner']", "notLike": "*"}), "true"),
        (json!({"field": "tags['owner']", "match": "."}), "false"),
        (json!({"field": "tags['owner']", "notMatch": "."}), "true"),
        (
            json!({"field": "tags['owner']", "matchInsensitively": "."}),
            "false",
        ),
        (
            json!({"field": "tags['owner']", "notMatchInsensitively": "."}),
            "true",
        ),
        (json!({"field": "tags['owner']", "contains": ""}), "false"),
        (json!({"field": "tags['owner']", "notContains": ""}), "true"),
        (json!({"field": "tags['owner']", "in": ["x"]}), "false"),
        (json!({"field": "tags['owner']", "notIn": ["x"]}), "true"),
        (json!({"field": "tags['owner']", "exists": false}), "true"),
        (json!({"field": "tags['owner']", "exists": true}), "false"),
        (json!({"field": "tags['owner']", "less": "zzz"}), "false"),
        (
            json!({"field": "tags['owner']", "lessOrEquals": 10}),
            "false",
        ),
        (json!({"field": "tags['owner']", "greater": ""}), "false"),
        (
            json!({"field": "tags['owner']", "greaterOrEquals": 0}),
            "false",
        ),
        (json!({"field": "kind", "equals": "x"}), "false"),
        (json!({"field": "kind", "exists": "false"}), "true"),
        // A property alias is not simulated: it reads as a missing field.
        (json!({"field": PREFIXES, "equals": "10.0.0.0/16"}), "false"),
        (
            json!({"field": PREFIXES, "notEquals": "10.0.0.0/16"}),
            "true",
        ),
    ];
    for (condition, expected) in cases {
        check(&hub, &condition, expected);
    }
    // Without tags, and without the subscription and resource group in the document.
    let bare = hub.bare();
    let cases = [
        (json!({"field": "tags", "exists": false}), "true"),
        (
            json!({"field": "tags", "containsKey": "environment"}),
            "false",
        ),
        (
            json!({"field": "tags", "notContainsKey": "environment"}),
            "true",
        ),
        (
            json!({"field": "tags['environment']", "equals": "production"}),
            "false",
        ),
        (
            json!({"value": "[subscription().displayName]", "equals": "Contoso Prod"}),
            "false",
        ),
        (
            json!({"value": "[subscription().displayName]", "notEquals": "Contoso Prod"}),
            "true",
        ),
        (
            json!({"value": "[subscription().tags['tier']]", "in": ["gold"]}),
            "false",
        ),
        (
            json!({"value": "[subscription().tags['tier']]", "notIn": ["gold"]}),
            "true",
        ),
        (
            json!({"value": "[resourceGroup().location]", "exists": false}),
            "true",
        ),
        (
            json!({"value": "[resourceGroup().tags['owner']]", "contains": "net"}),
            "false",
        ),
        // The ids and names come from the VNet's id, so they are always there.
        (
            json!({"value": "[subscription().id]", "exists": true}),
            "true",
        ),
        (
            json!({"value": "[resourceGroup().name]", "equals": "avnm-netrg"}),
            "true",
        ),
    ];
    for (condition, expected) in cases {
        check(&bare, &condition, expected);
    }
}

#[test]
fn empty_lists_and_bare_arrays() {
    let hub = hub();
    let yes = json!({"field": "name", "equals": "vnet-hub-01"});
    let no = json!({"field": "name", "equals": "vnet-spoke"});
    let cases = [
        (json!({"allOf": []}), "true"),
        (json!({"anyOf": []}), "false"),
        (json!({"not": {"allOf": []}}), "false"),
        (json!({"not": {"anyOf": []}}), "true"),
        (json!([]), "true"),
        (json!([yes]), "true"),
        (json!([yes, no]), "false"),
        (json!({"anyOf": [[yes, no], yes]}), "true"),
        (json!({"anyOf": [[yes, no], no]}), "false"),
        (json!({"not": no}), "true"),
        (json!({"anyOf": [no, {"not": {"not": yes}}]}), "true"),
    ];
    for (condition, expected) in cases {
        check(&hub, &condition, expected);
    }
}

#[test]
fn errors_are_outcomes() {
    let hub = hub();
    let count = || json!({"count": {"field": "Microsoft.Network/virtualNetworks/subnets[*]"}, "greater": 0});
    let yes = || json!({"field": "name", "equals": "vnet-hub-01"});
    let no = || json!({"field": "name", "equals": "vnet-spoke"});
    let cases = [
        (
            json!({"field": "tags['environment']", "less": 5}),
            "error: `less` cannot compare `Production` with `5`",
        ),
        (
            json!({"value": 5, "greaterOrEquals": "five"}),
            "error: `greaterOrEquals` cannot compare `5` with `\"five\"`",
        ),
        // A tag value is a string: compared with a number it is a type mismatch even when it reads as one
        // (spec §2.4.2), and so is a number compared with a string.
        (
            json!({"field": "tags['costCenter']", "less": 50}),
            "error: `less` cannot compare `42` with `50`",
        ),
        (
            json!({"value": 5, "less": "10"}),
            "error: `less` cannot compare `5` with `\"10\"`",
        ),
        (
            json!({"field": "name", "greater": true}),
            "error: `greater` expects a string or a number, found `true`",
        ),
        (
            json!({"field": "tags", "equals": "x"}),
            "error: `equals` cannot be applied to an object",
        ),
        (
            json!({"field": "name", "containsKey": "x"}),
            "error: `containsKey` cannot be applied to a string",
        ),
        (
            json!({"field": "name", "in": "vnet-hub-01"}),
            "error: `in` expects an array, found `\"vnet-hub-01\"`",
        ),
        (
            json!({"field": "tags['owner']", "notIn": "x"}),
            "error: `notIn` expects an array, found `\"x\"`",
        ),
        (
            json!({"field": "name", "exists": "maybe"}),
            "error: `exists` expects `true` or `false`, found `\"maybe\"`",
        ),
        (count(), "error: `count` is not supported"),
        (
            json!({"value": "[utcNow()]", "equals": "x"}),
            "error: template expression `[utcNow()]` is not supported",
        ),
        (
            json!({"value": "[subscription().tenantId]", "equals": "x"}),
            "error: template expression `[subscription().tenantId]` is not supported",
        ),
        // A parameter that nothing binds (no assignment value, no default).
        (
            json!({"field": "name", "equals": "[parameters('name')]"}),
            "error: the parameter `name` has no value: the assignment does not set it and the definition gives no `defaultValue`",
        ),
        (
            json!({"value": "[parameters('switch')]", "equals": "on"}),
            "error: the parameter `switch` has no value: the assignment does not set it and the definition gives no `defaultValue`",
        ),
        (
            json!({"field": "name", "in": ["[parameters('name')]"]}),
            "error: template expression `[parameters('name')]` as an operator argument is not supported",
        ),
        (
            json!({"field": "[concat('tags[', 'env', ']')]", "exists": true}),
            "error: template expression `[concat('tags[', 'env', ']')]` as a `field` is not supported",
        ),
        (
            json!({"field": "name", "startsWith": "vnet"}),
            "error: `startsWith` is not supported",
        ),
        (
            json!({"field": "name", "equals": "a", "like": "b"}),
            "error: a condition with several operators (`equals`, `like`) is not supported",
        ),
        (
            json!({"field": "name", "value": "x", "equals": "a"}),
            "error: a condition with both `field` and `value` is not supported",
        ),
        (
            json!({"field": "name"}),
            "error: a condition without an operator is not supported",
        ),
        (json!({}), "error: an empty condition is not supported"),
        (json!({"not": count()}), "error: `count` is not supported"),
        // The first item that decides stops `allOf` / `anyOf`, in document order.
        (
            json!({"allOf": [count(), no()]}),
            "error: `count` is not supported",
        ),
        (json!({"allOf": [no(), count()]}), "false"),
        (
            json!({"allOf": [yes(), count()]}),
            "error: `count` is not supported",
        ),
        (json!({"anyOf": [yes(), count()]}), "true"),
        (
            json!({"anyOf": [no(), count()]}),
            "error: `count` is not supported",
        ),
    ];
    for (condition, expected) in cases {
        check(&hub, &condition, expected);
    }
}

#[test]
fn explain_shows_actual_values_and_the_failing_leaf() {
    let vnet = Vnet::new(
        "myVNet01-WestUS",
        "West US",
        &[("environment", "production")],
    );
    let condition = json!({"allOf": [
        {"field": "Name", "contains": "VNet01"},
        {"field": "Name", "notcontains": "WestUS"},
        {"field": "location", "in": ["westus", "eastus"]},
    ]});
    let leaf = |index: usize, text: &str, actual: &str, outcome: Outcome| ConditionTrace {
        path: format!("{ROOT}.allOf[{index}]").into(),
        text: text.to_owned(),
        actual: Some(actual.to_owned()),
        outcome,
        children: Vec::new(),
    };
    let expected = ConditionTrace {
        path: ROOT.into(),
        text: "allOf".to_owned(),
        actual: None,
        outcome: Outcome::False,
        children: vec![
            leaf(
                0,
                "name contains \"VNet01\"",
                "myVNet01-WestUS",
                Outcome::True,
            ),
            leaf(
                1,
                "name notContains \"WestUS\"",
                "myVNet01-WestUS",
                Outcome::False,
            ),
            leaf(
                2,
                "location in [\"westus\", \"eastus\"]",
                "westus",
                Outcome::True,
            ),
        ],
    };
    assert_eq!(
        explain(&parse(&condition).unwrap(), &vnet.subject()),
        expected
    );

    // A missing value has no actual; `not` and bare arrays get the paths of their objects.
    let hub = hub();
    let condition = json!([{"not": {"field": "tags['owner']", "exists": true}}, {"anyOf": []}]);
    let trace = explain(&parse(&condition).unwrap(), &hub.subject());
    assert_eq!(
        (trace.path.as_str(), trace.text.as_str(), &trace.outcome),
        (ROOT, "allOf", &Outcome::False)
    );
    let not = &trace.children[0];
    assert_eq!(
        (not.path.as_str(), not.text.as_str(), &not.outcome),
        (format!("{ROOT}[0]").as_str(), "not", &Outcome::True)
    );
    let exists = &not.children[0];
    assert_eq!(exists.path, format!("{ROOT}[0].not"));
    assert_eq!(exists.text, "tags['owner'] exists true");
    assert_eq!(
        (exists.actual.as_deref(), &exists.outcome),
        (None, &Outcome::False)
    );
    let any = &trace.children[1];
    assert_eq!(
        (any.path.as_str(), &any.outcome),
        (format!("{ROOT}[1]").as_str(), &Outcome::False)
    );

    // Value expressions show what they read; errors show their message.
    let condition = json!({"anyOf": [
        {"value": "[subscription().name]", "equals": "Contoso Prod"},
        {"field": "tags['''it''s''']", "less": 1},
        {"value": "[subscription().tags['tier']]", "like": "g*"},
    ]});
    let trace = explain(&parse(&condition).unwrap(), &hub.subject());
    let texts: Vec<_> = trace
        .children
        .iter()
        .map(|c| (c.text.as_str(), c.actual.as_deref(), &c.outcome))
        .collect();
    assert_eq!(
        texts,
        [
            (
                "[subscription().displayName] equals \"Contoso Prod\"",
                Some("Contoso Prod"),
                &Outcome::True
            ),
            ("tags['''it''s'''] less 1", None, &Outcome::False),
            (
                "[subscription().tags['tier']] like \"g*\"",
                Some("gold"),
                &Outcome::True
            ),
        ]
    );

    let condition = json!({"not": {"field": "tags", "containsKey": 1}});
    let trace = explain(&parse(&condition).unwrap(), &hub.subject());
    let message = "`containsKey` expects a string, found `1`";
    assert_eq!(trace.outcome, Outcome::Error(message.to_owned()));
    assert_eq!(
        trace.children[0].actual.as_deref(),
        Some("{\"costCenter\": \"42\", \"Environment\": \"Production\"}")
    );
    assert_eq!(
        serde_json::to_value(&trace).unwrap(),
        json!({"path": ROOT, "text": "not", "actual": null, "outcome": {"Error": message}, "children": [{
            "path": format!("{ROOT}.not"), "text": "tags containsKey 1",
            "actual": "{\"costCenter\": \"42\", \"Environment\": \"Production\"}",
            "outcome": {"Error": message}, "children": [],
        }]}),
    );
}

#[test]
fn parser_reads_fields_values_and_paths() {
    let field = |text: &str| match parse(&json!({"field": text, "exists": true})).unwrap() {
        Condition::Test(Test {
            operand: Operand::Field(field),
            ..
        }) => field,
        other => panic!("not a field test: {other:?}"),
    };
    assert_eq!(field("Name"), Field::Name);
    assert_eq!(field("ID"), Field::Id);
    assert_eq!(field("Type"), Field::Type);
    assert_eq!(field("location"), Field::Location);
    assert_eq!(field("kind"), Field::Kind);
    assert_eq!(field("fullname"), Field::FullName);
    assert_eq!(field("Tags"), Field::Tags);
    assert_eq!(
        field("tags['environment']"),
        Field::Tag("environment".into())
    );
    assert_eq!(field("tags['''it''s''']"), Field::Tag("'it's'".into()));
    assert_eq!(field("tags.environment"), Field::Tag("environment".into()));
    assert_eq!(field("Tags[environment]"), Field::Tag("environment".into()));
    assert_eq!(field("[[x]"), Field::Alias("[x]".into()));
    let alias = "Microsoft.Network/virtualNetworks/addressSpace.addressPrefixes[*]";
    assert_eq!(field(alias), Field::Alias(alias.into()));

    let value = |text: Value| match parse(&json!({"value": text, "exists": true})).unwrap() {
        Condition::Test(Test {
            operand: Operand::Value(value),
            ..
        }) => value,
        other => panic!("not a value test: {other:?}"),
    };
    use {ResourceGroupProperty as Rg, SubscriptionProperty as Sub, ValueExpr as V};
    assert_eq!(
        value(json!("[subscription().displayName]")),
        V::Subscription(Sub::DisplayName)
    );
    assert_eq!(
        value(json!("[subscription().Name]")),
        V::Subscription(Sub::DisplayName)
    );
    assert_eq!(
        value(json!("[subscription().id]")),
        V::Subscription(Sub::Id)
    );
    assert_eq!(
        value(json!("[ subscription( ).subscriptionID ]")),
        V::Subscription(Sub::SubscriptionId)
    );
    assert_eq!(
        value(json!("[subscription().tags['a b']]")),
        V::Subscription(Sub::Tag("a b".into()))
    );
    assert_eq!(
        value(json!("[subscription().tags.env]")),
        V::Subscription(Sub::Tag("env".into()))
    );
    assert_eq!(
        value(json!("[resourceGroup().name]")),
        V::ResourceGroup(Rg::Name)
    );
    assert_eq!(
        value(json!("[resourcegroup().ID]")),
        V::ResourceGroup(Rg::Id)
    );
    assert_eq!(
        value(json!("[resourceGroup().location]")),
        V::ResourceGroup(Rg::Location)
    );
    assert_eq!(
        value(json!("[resourceGroup().tags['it''s']]")),
        V::ResourceGroup(Rg::Tag("it's".into()))
    );
    assert_eq!(
        value(json!("[resourceGroup().tags]")),
        V::Unsupported("[resourceGroup().tags]".into())
    );
    assert_eq!(
        value(json!("[subscription().id.x]")),
        V::Unsupported("[subscription().id.x]".into())
    );
    assert_eq!(
        value(json!("[[resourceGroup().name]")),
        V::Literal(Literal::String("[resourceGroup().name]".into()))
    );
    assert_eq!(
        value(json!("plain")),
        V::Literal(Literal::String("plain".into()))
    );
    assert_eq!(
        value(json!([1, "a"])),
        V::Literal(Literal::List(vec![
            Literal::Number(1.0),
            Literal::String("a".into())
        ]))
    );

    let condition = json!({"anyOf": [{"not": {"field": "name", "LIKE": "a*"}}, [{"field": "tags", "in": [true, null, {}]}]]});
    let expected = Condition::AnyOf(vec![
        Condition::Not(Box::new(Condition::Test(Test {
            operand: Operand::Field(Field::Name),
            operator: Operator::Like,
            value: Literal::String("a*".into()),
            path: format!("{ROOT}.anyOf[0].not").into(),
        }))),
        Condition::AllOf(vec![Condition::Test(Test {
            operand: Operand::Field(Field::Tags),
            operator: Operator::In,
            value: Literal::List(vec![Literal::Bool(true), Literal::Null, Literal::Null]),
            path: format!("{ROOT}.anyOf[1][0]").into(),
        })]),
    ]);
    assert_eq!(parse(&condition).unwrap(), expected);
    let count = json!({"allOf": [{"count": {"field": "x[*]"}, "less": 1}]});
    assert_eq!(
        parse(&count).unwrap(),
        Condition::AllOf(vec![Condition::Unsupported {
            what: "`count`".into(),
            path: format!("{ROOT}.allOf[0]").into()
        }]),
    );
}

#[test]
fn parser_errors_name_the_path() {
    let error = |condition: Value| parse(&condition).unwrap_err();
    let cases = [
        (
            json!({"allOf": {"field": "name", "equals": "x"}}),
            "allOf",
            "expected an array, found an object",
        ),
        (
            json!({"anyOf": "x"}),
            "anyOf",
            "expected an array, found a string",
        ),
        (
            json!({"not": [{"field": "name", "equals": "x"}]}),
            "not",
            "expected a condition object, found an array",
        ),
        (
            json!({"field": 5, "equals": "x"}),
            "field",
            "expected a string, found a number",
        ),
        (
            json!({"allOf": [{"Field": ["name"], "equals": "x"}]}),
            "allOf[0].Field",
            "expected a string, found an array",
        ),
        (
            json!({"allOf": ["name"]}),
            "allOf[0]",
            "expected a condition object or an array of conditions, found a string",
        ),
        (
            json!({"anyOf": [{"not": {"allOf": 3}}]}),
            "anyOf[0].not.allOf",
            "expected an array, found a number",
        ),
    ];
    for (condition, path, message) in cases {
        let err = error(condition);
        assert_eq!(
            err.path().map(|p| p.to_string()),
            Some(format!("{ROOT}.{path}"))
        );
        assert_eq!(err.to_string(), format!("`{ROOT}.{path}`: {message}"));
    }
    assert_eq!(
        error(json!(true)).path().map(|p| p.to_string()).as_deref(),
        Some(ROOT)
    );
}

#[test]
fn parameters_take_the_assignment_value_then_the_default() {
    use crate::model::policy::{PolicyAssignment, PolicyDefinition, PolicyParameter};
    use crate::model::{PolicyAssignmentId, PolicyDefinitionId, ResourceId};

    let hub = hub();
    let condition = json!({"allOf": [
        {"field": "tags['environment']", "equals": "[parameters('env')]"},
        {"value": "[parameters('Switch')]", "equals": "on"},
    ]});
    let definition = |parameters: Vec<PolicyParameter>| PolicyDefinition {
        id: PolicyDefinitionId::new("/providers/Microsoft.Authorization/policyDefinitions/d"),
        display_name: "d".into(),
        condition: parse(&condition).unwrap(),
        parameters,
        network_group: None,
        path: ROOT.into(),
    };
    let declared = |name: &str, default: Option<&str>| PolicyParameter {
        name: name.into(),
        default: default.map(|d| Literal::String(d.into())),
    };
    let assignment = |values: &[(&str, &str)]| PolicyAssignment {
        id: PolicyAssignmentId::new("/providers/Microsoft.Authorization/policyAssignments/a"),
        definition: PolicyDefinitionId::new(
            "/providers/Microsoft.Authorization/policyDefinitions/d",
        ),
        scope: ResourceId::new("/subscriptions/s1"),
        not_scopes: Vec::new(),
        enforced: true,
        parameters: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Literal::String((*v).to_owned())))
            .collect(),
        path: ROOT.into(),
    };
    let outcome = |d: &PolicyDefinition, a: Option<&PolicyAssignment>| {
        let bound = bind(d, a);
        let subject = hub.subject();
        let outcome = evaluate(&bound, &subject);
        assert_eq!(explain(&bound, &subject).outcome, outcome);
        outcome
    };

    // Defaults only: the hub's environment is `Production`, and the switch defaults to `on`.
    let d = definition(vec![
        declared("env", Some("production")),
        declared("switch", Some("on")),
    ]);
    assert_eq!(outcome(&d, None), Outcome::True);
    // The assignment's values win over the defaults; parameter names ignore case.
    assert_eq!(
        outcome(&d, Some(&assignment(&[("ENV", "test")]))),
        Outcome::False
    );
    assert_eq!(
        outcome(&d, Some(&assignment(&[("switch", "off")]))),
        Outcome::False
    );
    // A parameter with neither a value nor a default is an error.
    let d = definition(vec![declared("env", None), declared("switch", Some("on"))]);
    assert_eq!(
        outcome(&d, Some(&assignment(&[]))),
        Outcome::Error("the parameter `env` has no value: the assignment does not set it and the definition gives no `defaultValue`".into())
    );
    assert_eq!(
        outcome(&d, Some(&assignment(&[("env", "PRODUCTION")]))),
        Outcome::True
    );
    // The trace shows the value that was bound.
    let trace = explain(
        &bind(&d, Some(&assignment(&[("env", "Production")]))),
        &hub.subject(),
    );
    assert_eq!(
        trace.children[0].text,
        "tags['environment'] equals \"Production\""
    );
}
