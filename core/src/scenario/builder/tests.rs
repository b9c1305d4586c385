//! Tests of the conditional-membership builder: rows to JSON and back, the spec's examples, and the edits.

use super::*;
use crate::model::{NetworkGroupId, PolicyDefinitionId};
use crate::scenario::edit::template;
use crate::scenario::{Change, ChangeError, Edit, Scenario, apply};

const SUB: &str = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001";
const NM: &str = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm";

fn vnet(name: &str, location: &str, env: &str) -> String {
    format!(
        r#"{{"id": "{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/{name}", "name": "{name}",
            "type": "Microsoft.Network/virtualNetworks", "location": "{location}", "tags": {{"environment": "{env}"}},
            "properties": {{"addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}}}}}}"#
    )
}

/// The four VNets of the documented example (spec §2.4.3), a manager scoped to their subscription and a group.
fn example(extra: &str) -> Scenario {
    let text = format!(
        r#"{{"resources": [{}, {}, {}, {},
            {{"id": "{NM}", "type": "Microsoft.Network/networkManagers", "location": "eastus",
              "properties": {{"networkManagerScopes": {{"subscriptions": ["{SUB}"]}},
                              "networkManagerScopeAccesses": ["Connectivity"]}}}},
            {{"id": "{NM}/networkGroups/prod", "type": "Microsoft.Network/networkManagers/networkGroups"}}{extra}]}}"#,
        vnet("myVNet01-EastUS", "eastus", "production"),
        vnet("myVNet01-WestUS", "westus", "production"),
        vnet("myVNet02-WestUS", "westus", "test"),
        vnet("myVNet03-WestUS", "westus", "test"),
    );
    Scenario::parse(&text).unwrap()
}

fn group() -> NetworkGroupId {
    NetworkGroupId::new(format!("{NM}/networkGroups/prod"))
}

fn names(ids: &[VnetId]) -> Vec<&str> {
    ids.iter().map(VnetId::name).collect()
}

fn row(parameter: Parameter, operator: BasicOperator, values: &[&str]) -> BasicRow {
    BasicRow {
        parameter,
        operator,
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    }
}

/// Rows to JSON, JSON parsed, and parsed back to the same rows.
#[track_caller]
fn check(rows: &[BasicRow]) {
    let text = to_policy_if(rows);
    let condition = parse_if(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(from_policy_if(&condition).as_deref(), Some(rows), "{text}");
}

#[test]
fn every_parameter_and_operator_round_trips() {
    let parameters = [
        Parameter::Name,
        Parameter::Id,
        Parameter::Tag("environment".into()),
        Parameter::SubscriptionName,
        Parameter::SubscriptionId,
        Parameter::ResourceGroupName,
    ];
    let mut all = Vec::new();
    for parameter in &parameters {
        for operator in BasicOperator::ALL {
            if !operator.applies_to(parameter) {
                continue;
            }
            let values: &[&str] = match operator.arity() {
                Arity::None => &[],
                Arity::One => &["prod"],
                Arity::List => &["prod", "Prod-2"],
            };
            let r = row(parameter.clone(), operator, values);
            assert_eq!(r.problem(), None);
            check(std::slice::from_ref(&r));
            all.push(r);
        }
    }
    check(&all);
    check(&[]);
}

#[test]
fn single_value_lists_and_special_characters_round_trip() {
    check(&[row(Parameter::Name, BasicOperator::ContainsAllOf, &["a"])]);
    check(&[row(Parameter::Name, BasicOperator::ContainsAnyOf, &["a"])]);
    check(&[row(
        Parameter::Name,
        BasicOperator::NotContainsAnyOf,
        &["a"],
    )]);
    check(&[row(
        Parameter::Name,
        BasicOperator::Equals,
        &["[not an expression]"],
    )]);
    check(&[row(Parameter::Name, BasicOperator::In, &["[x]", "y\"z"])]);
    check(&[row(
        Parameter::Tag("it's".into()),
        BasicOperator::Exists,
        &[],
    )]);
    check(&[row(
        Parameter::Tag("cost center".into()),
        BasicOperator::Equals,
        &["a, b"],
    )]);
}

#[test]
fn the_written_json_follows_the_spec() {
    let rows = [
        row(Parameter::Name, BasicOperator::ContainsAnyOf, &["a", "b"]),
        row(
            Parameter::SubscriptionName,
            BasicOperator::NotContainsAnyOf,
            &["x"],
        ),
        row(Parameter::ResourceGroupName, BasicOperator::In, &["rg"]),
        row(Parameter::Tag("env".into()), BasicOperator::NotExists, &[]),
    ];
    let written: Value = serde_json::from_str(&to_policy_if(&rows)).unwrap();
    assert_eq!(
        written,
        json!({"allOf": [
            {"field": "type", "equals": "Microsoft.Network/virtualNetworks"},
            {"anyOf": [{"field": "Name", "contains": "a"}, {"field": "Name", "contains": "b"}]},
            {"allOf": [{"value": "[subscription().Name]", "notContains": "x"}]},
            {"value": "[resourceGroup().Name]", "in": ["rg"]},
            {"field": "tags['env']", "exists": false}
        ]})
    );
}

#[test]
fn the_documented_examples_select_the_documented_vnets() {
    let s = example("");
    let by_tag = to_policy_if(&[row(
        Parameter::Tag("environment".into()),
        BasicOperator::Equals,
        &["production"],
    )]);
    assert_eq!(
        names(&preview(s.model(), &by_tag).unwrap()),
        ["myVNet01-EastUS", "myVNet01-WestUS"]
    );
    let by_name = to_policy_if(&[
        row(Parameter::Name, BasicOperator::Contains, &["VNet01"]),
        row(Parameter::Name, BasicOperator::NotContains, &["WestUS"]),
    ]);
    assert_eq!(
        names(&preview(s.model(), &by_name).unwrap()),
        ["myVNet01-EastUS"]
    );

    // The doc's own JSON, with its lowercase `notcontains`, reads into the same rows.
    let documented = r#"{"allOf": [{"field": "Name", "contains": "VNet01"}, {"field": "Name", "notcontains": "WestUS"}]}"#;
    assert_eq!(
        names(&preview(s.model(), documented).unwrap()),
        ["myVNet01-EastUS"]
    );
    assert_eq!(
        from_policy_if(&parse_if(documented).unwrap()),
        Some(vec![
            row(Parameter::Name, BasicOperator::Contains, &["VNet01"]),
            row(Parameter::Name, BasicOperator::NotContains, &["WestUS"]),
        ])
    );
}

#[test]
fn conditions_the_rows_cannot_express_are_json_only() {
    for text in [
        r#"{"not": {"field": "Name", "contains": "a"}}"#,
        r#"{"field": "Name", "like": "a*"}"#,
        r#"{"field": "location", "equals": "eastus"}"#,
        r#"{"field": "Name", "equals": 5}"#,
        r#"{"field": "Name", "exists": true}"#,
        r#"{"field": "Name", "in": ["a", 1]}"#,
        r#"{"anyOf": [{"field": "Name", "contains": "a"}, {"field": "Id", "contains": "b"}]}"#,
        r#"{"anyOf": [{"field": "Name", "notContains": "a"}]}"#,
        r#"{"anyOf": []}"#,
        r#"{"allOf": [{"field": "Name", "equals": "a"}, {"anyOf": [{"field": "Name", "equals": "b"}]}]}"#,
        r#"{"value": "[subscription().subscriptionId]", "equals": "x"}"#,
        r#"{"field": "Name", "count": 1}"#,
    ] {
        assert_eq!(from_policy_if(&parse_if(text).unwrap()), None, "{text}");
    }
    // A condition without the type filter, or a single condition, is still rows.
    assert_eq!(
        from_policy_if(&parse_if(r#"[{"field": "Id", "equals": "x"}]"#).unwrap()),
        Some(vec![row(Parameter::Id, BasicOperator::Equals, &["x"])])
    );
}

#[test]
fn rows_say_what_is_missing() {
    let problem =
        |p: Parameter, o: BasicOperator, text: &str| BasicRow::from_text(p, o, text).problem();
    assert_eq!(
        problem(Parameter::Name, BasicOperator::Contains, " "),
        Some("give a value".into())
    );
    assert_eq!(
        problem(Parameter::Name, BasicOperator::In, " , "),
        Some("give one or more values, separated by commas".into())
    );
    assert_eq!(
        problem(Parameter::Tag(" ".into()), BasicOperator::Exists, ""),
        Some("give the name of the tag".into())
    );
    assert_eq!(
        problem(Parameter::Id, BasicOperator::NotExists, ""),
        Some("`Doesn't exist` is only for tags".into())
    );
    assert_eq!(
        BasicRow::from_text(Parameter::Name, BasicOperator::In, "a, b,").values,
        ["a", "b"]
    );
    assert_eq!(
        row(Parameter::Name, BasicOperator::In, &["a", "b"]).text(),
        "a, b"
    );
}

#[test]
fn malformed_json_is_an_error_with_its_place() {
    assert!(matches!(
        parse_if("{"),
        Err(FormatError::Json { line: 1, .. })
    ));
    assert_eq!(
        preview(&Model::default(), r#"{"not": 3}"#)
            .unwrap_err()
            .to_string(),
        "`if.not`: expected a condition object, found a number"
    );
}

#[test]
fn a_new_condition_adds_a_definition_and_its_assignment_at_the_managers_scope() {
    let s = example("");
    let condition = to_policy_if(&[row(
        Parameter::Tag("environment".into()),
        BasicOperator::Equals,
        &["production"],
    )]);
    let s2 = s
        .change(&Change::SetCondition {
            group: group(),
            condition: condition.clone(),
        })
        .unwrap();
    assert_eq!(s2.model().policy_definitions.len(), 1);
    assert_eq!(s2.model().policy_assignments.len(), 1);
    assert!(s2.diagnostics().is_empty(), "{:?}", s2.diagnostics());
    let definition = s2.model().policy_definitions.values().next().unwrap();
    assert_eq!(definition.id.name(), "prod-membership");
    assert_eq!(definition.network_group.as_ref(), Some(&group()));
    let assignment = s2.model().policy_assignments.values().next().unwrap();
    assert_eq!(assignment.scope.as_str(), SUB);
    let members = crate::membership::resolve(s2.model());
    let ids: Vec<&str> = members
        .members(&group())
        .iter()
        .map(|m| m.id.name())
        .collect();
    assert_eq!(ids, ["myVNet01-EastUS", "myVNet01-WestUS"]);
    assert_eq!(
        s2.condition_of(&definition.id).as_deref(),
        Some(condition.as_str())
    );

    // A second call edits that definition in place.
    let by_name = to_policy_if(&[row(Parameter::Name, BasicOperator::Contains, &["02"])]);
    let s3 = s2
        .change(&Change::SetCondition {
            group: group(),
            condition: by_name.clone(),
        })
        .unwrap();
    assert_eq!(
        s3.condition_of(&definition.id).as_deref(),
        Some(by_name.as_str())
    );
    let members = crate::membership::resolve(s3.model());
    let ids: Vec<&str> = members
        .members(&group())
        .iter()
        .map(|m| m.id.name())
        .collect();
    assert_eq!(ids, ["myVNet02-WestUS"]);
    assert_eq!(s3.model().policy_definitions.len(), 1);

    // Removing it removes the assignment too, and the membership.
    let s4 = s3
        .change(&Change::Remove(definition.id.as_str().into()))
        .unwrap();
    assert!(s4.model().policy_definitions.is_empty() && s4.model().policy_assignments.is_empty());
    assert_eq!(s4.model().vnets.len(), 4);
}

#[test]
fn a_management_group_scope_is_used_when_there_is_no_subscription() {
    let s = example("");
    let mut s = apply(
        &s,
        &Edit::Set {
            path: "resources[4].properties.networkManagerScopes.subscriptions".into(),
            value: crate::scenario::FieldValue::Texts(vec![]),
        },
    )
    .unwrap();
    let condition = r#"{"field": "Name", "contains": "01"}"#;
    assert!(matches!(
        s.change(&Change::SetCondition {
            group: group(),
            condition: condition.into()
        }),
        Err(ChangeError::Full(_))
    ));
    s = apply(
        &s,
        &Edit::Set {
            path: "resources[4].properties.networkManagerScopes.managementGroups".into(),
            value: crate::scenario::FieldValue::Texts(vec![
                "/providers/Microsoft.Management/managementGroups/tenant-root".into(),
            ]),
        },
    )
    .unwrap();
    s = s
        .change(&Change::SetCondition {
            group: group(),
            condition: condition.into(),
        })
        .unwrap();
    let definition = s.model().policy_definitions.keys().next().unwrap();
    assert!(definition.as_str().starts_with("/providers/Microsoft.Management/managementGroups/tenant-root/providers/Microsoft.Authorization/policyDefinitions/"));
}

#[test]
fn bad_conditions_and_unknown_targets_are_refused() {
    let s = example("");
    assert!(matches!(
        s.change(&Change::SetCondition {
            group: group(),
            condition: "{".into()
        }),
        Err(ChangeError::Format(_))
    ));
    let missing = NetworkGroupId::new("/x/networkGroups/none");
    assert!(matches!(
        s.change(&Change::SetCondition {
            group: missing,
            condition: "{}".into()
        }),
        Err(ChangeError::Missing {
            what: "network group",
            ..
        })
    ));
    let definition = PolicyDefinitionId::new("/x/policyDefinitions/none");
    assert!(matches!(
        s.change(&Change::SetDefinitionCondition {
            definition: definition.clone(),
            condition: "{}".into()
        }),
        Err(ChangeError::Missing {
            what: "policy definition",
            ..
        })
    ));
    assert!(
        s.change(&Change::Remove(definition.as_str().into()))
            .is_err()
    );
}

#[test]
fn set_fragment_replaces_a_value_and_creates_the_way_to_it() {
    let s = example("");
    let fragment = template::condition(r#"{"field": "Name", "equals": "x"}"#).unwrap();
    let s2 = apply(
        &s,
        &Edit::SetFragment {
            path: "notes.condition".into(),
            fragment: fragment.clone(),
        },
    )
    .unwrap();
    assert!(s2.to_json().contains("\"equals\": \"x\""));
    let refused = apply(
        &s,
        &Edit::SetFragment {
            path: "resources[0].type".into(),
            fragment,
        },
    );
    assert_eq!(
        refused.unwrap_err().to_string(),
        "`resources[0].type`: expected a string, found an object"
    );
    assert_eq!(s.model().vnets.len(), 4, "the design is untouched");
}
