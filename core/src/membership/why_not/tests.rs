//! Why-not reasons on a small design whose answers are derived by hand below, one group per way in.
//!
//! Management group `mg-root` holds subscriptions `s1` and `s2`; `s3` is outside it.
//! Manager `nm` (in `s1`) is scoped to `mg-root`.
//! VNets: `v-prod` (s1, env=prod), `v-dev` (s1, env=dev), `v-data` (s2, env=prod), `v-other` (s3, env=prod),
//! all in `westeurope`.

use super::*;
use crate::Scenario;
use crate::analysis::analyze;

const MG: &str = "/providers/Microsoft.Management/managementGroups/mg-root";
const NM: &str =
    "/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/networkManagers/nm";

fn vnet_id(sub: &str, name: &str) -> String {
    format!(
        "/subscriptions/{sub}/resourceGroups/rg-{sub}/providers/Microsoft.Network/virtualNetworks/{name}"
    )
}

fn group_id(name: &str) -> String {
    format!("{NM}/networkGroups/{name}")
}

fn definition_id(name: &str) -> String {
    format!("{MG}/providers/Microsoft.Authorization/policyDefinitions/{name}")
}

fn assignment_id(scope: &str, name: &str) -> String {
    format!("{scope}/providers/Microsoft.Authorization/policyAssignments/{name}")
}

fn vnet(sub: &str, name: &str, env: &str, octet: u8) -> String {
    format!(
        r#"{{"id": "{}", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
            "tags": {{"env": "{env}"}},
            "properties": {{"addressSpace": {{"addressPrefixes": ["10.{octet}.0.0/16"]}}}}}}"#,
        vnet_id(sub, name)
    )
}

fn group(name: &str, member_type: &str) -> String {
    format!(
        r#"{{"id": "{}", "type": "Microsoft.Network/networkManagers/networkGroups",
            "properties": {{"memberType": "{member_type}"}}}}"#,
        group_id(name)
    )
}

fn definition(name: &str, group: &str, condition: &str) -> String {
    format!(
        r#"{{"id": "{}", "type": "Microsoft.Authorization/policyDefinitions",
            "properties": {{"mode": "Microsoft.Network.Data", "policyRule": {{"if": {condition},
              "then": {{"effect": "addToNetworkGroup", "details": {{"networkGroupId": "{}"}}}}}}}}}}"#,
        definition_id(name),
        group_id(group)
    )
}

fn assignment(
    scope: &str,
    name: &str,
    definition: &str,
    mode: &str,
    not_scopes: &[&str],
) -> String {
    format!(
        r#"{{"id": "{}", "type": "Microsoft.Authorization/policyAssignments",
            "properties": {{"policyDefinitionId": "{}", "scope": "{scope}", "enforcementMode": "{mode}",
              "notScopes": {}}}}}"#,
        assignment_id(scope, name),
        definition_id(definition),
        serde_json::to_string(not_scopes).unwrap()
    )
}

fn design() -> String {
    let resources = [
        format!(
            r#"{{"id": "{MG}", "type": "Microsoft.Management/managementGroups",
                "properties": {{"children": [{{"id": "/subscriptions/s1"}}, {{"id": "/subscriptions/s2"}}]}}}}"#
        ),
        format!(
            r#"{{"id": "{NM}", "type": "Microsoft.Network/networkManagers", "location": "westeurope",
                "properties": {{"networkManagerScopes": {{"managementGroups": ["{MG}"]}},
                  "networkManagerScopeAccesses": ["Connectivity"]}}}}"#
        ),
        vnet("s1", "v-prod", "prod", 1),
        vnet("s1", "v-dev", "dev", 2),
        vnet("s2", "v-data", "prod", 3),
        vnet("s3", "v-other", "prod", 4),
        group("ng-static", "VirtualNetwork"),
        format!(
            r#"{{"id": "{}/staticMembers/sm-prod", "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
                "properties": {{"resourceId": "{}"}}}}"#,
            group_id("ng-static"),
            vnet_id("s1", "v-prod")
        ),
        group("ng-none", "VirtualNetwork"),
        group("ng-subnets", "Subnet"),
        group("ng-unassigned", "VirtualNetwork"),
        definition(
            "d-unassigned",
            "ng-unassigned",
            r#"{"field": "type", "equals": "Microsoft.Network/virtualNetworks"}"#,
        ),
        group("ng-policy", "VirtualNetwork"),
        definition(
            "d-prod",
            "ng-policy",
            r#"{"allOf": [{"field": "tags['env']", "equals": "prod"},
                          {"not": {"field": "name", "contains": "data"}}]}"#,
        ),
        assignment(MG, "a-root", "d-prod", "Default", &["/subscriptions/s2"]),
        assignment(MG, "a-dne", "d-prod", "DoNotEnforce", &[]),
        group("ng-negated", "VirtualNetwork"),
        definition(
            "d-neg",
            "ng-negated",
            r#"{"anyOf": [{"field": "tags['team']", "equals": "blue"},
                          {"not": {"field": "location", "equals": "westeurope"}}]}"#,
        ),
        assignment("/subscriptions/s1", "a-neg", "d-neg", "Default", &[]),
        group("ng-error", "VirtualNetwork"),
        definition("d-error", "ng-error", r#"{"field": "name", "in": "v-dev"}"#),
        assignment("/subscriptions/s1", "a-error", "d-error", "Default", &[]),
    ];
    format!(r#"{{"resources": [{}]}}"#, resources.join(",\n"))
}

#[track_caller]
fn check(vnet: (&str, &str), group: &str, expected: Option<&[Reason]>) {
    let scenario = Scenario::parse(&design()).unwrap();
    let analysis = analyze(&scenario);
    let got = why_not(
        &analysis.model,
        &analysis.membership,
        &VnetId::new(vnet_id(vnet.0, vnet.1)),
        &NetworkGroupId::new(group_id(group)),
    );
    assert_eq!(
        got.as_ref().map(|n| n.reasons.as_slice()),
        expected,
        "{} in {group}",
        vnet.1
    );
}

fn no_static() -> Reason {
    Reason::NoStaticMember { members: vec![] }
}

fn not_enforced() -> Reason {
    Reason::NotEnforced {
        assignment: PolicyAssignmentId::new(assignment_id(MG, "a-dne")),
        definition: PolicyDefinitionId::new(definition_id("d-prod")),
    }
}

#[test]
fn members_have_no_reasons() {
    check(("s1", "v-prod"), "ng-static", None);
    // v-prod: env is prod and its name does not contain `data`, through the enforced a-root.
    check(("s1", "v-prod"), "ng-policy", None);
}

#[test]
fn static_members_that_name_another_vnet() {
    check(
        ("s1", "v-dev"),
        "ng-static",
        Some(&[
            Reason::NoStaticMember {
                members: vec![ResourceId::new(vnet_id("s1", "v-prod"))],
            },
            Reason::NoPolicy,
        ]),
    );
    check(
        ("s1", "v-dev"),
        "ng-none",
        Some(&[no_static(), Reason::NoPolicy]),
    );
}

#[test]
fn a_subnet_group_takes_no_vnet() {
    check(("s1", "v-dev"), "ng-subnets", Some(&[Reason::SubnetGroup]));
}

#[test]
fn a_definition_without_assignment() {
    check(
        ("s1", "v-dev"),
        "ng-unassigned",
        Some(&[
            no_static(),
            Reason::NotAssigned {
                definition: PolicyDefinitionId::new(definition_id("d-unassigned")),
            },
        ]),
    );
}

#[test]
fn the_test_that_failed_with_its_value() {
    // a-dne sorts before a-root. Under a-root, `not (name contains "data")` holds for v-dev, so only the
    // env test fails: it expects `prod` and finds `dev`.
    let scenario = Scenario::parse(&design()).unwrap();
    let analysis = analyze(&scenario);
    let why = why_not(
        &analysis.model,
        &analysis.membership,
        &VnetId::new(vnet_id("s1", "v-dev")),
        &NetworkGroupId::new(group_id("ng-policy")),
    )
    .unwrap();
    assert_eq!(why.reasons.len(), 3, "{:#?}", why.reasons);
    assert_eq!(why.reasons[0], no_static());
    assert_eq!(why.reasons[1], not_enforced());
    let Reason::ConditionFalse {
        assignment,
        definition,
        failed,
        condition,
    } = &why.reasons[2]
    else {
        panic!("{:?}", why.reasons[2]);
    };
    assert_eq!(assignment.as_str(), assignment_id(MG, "a-root"));
    assert_eq!(definition.as_str(), definition_id("d-prod"));
    assert_eq!(condition.outcome, Outcome::False);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].test, r#"tags['env'] equals "prod""#);
    assert_eq!(failed[0].actual.as_deref(), Some("dev"));
    assert!(!failed[0].held);
    assert!(
        failed[0].path.as_str().ends_with("policyRule.if.allOf[0]"),
        "{}",
        failed[0].path
    );
    assert_eq!(
        why.reasons[2].to_string(),
        r#"policy `d-prod`: `tags['env'] equals "prod"` is false for `dev`"#
    );
    assert_eq!(
        why.reasons[1].to_string(),
        "policy `d-prod`: assignment `a-dne` is not enforced (`enforcementMode`)"
    );
}

#[test]
fn not_scopes_and_assignment_scopes_leave_vnets_out() {
    // v-data is in s2, which a-root's notScopes exclude.
    check(
        ("s2", "v-data"),
        "ng-policy",
        Some(&[
            no_static(),
            not_enforced(),
            Reason::Excluded {
                assignment: PolicyAssignmentId::new(assignment_id(MG, "a-root")),
                definition: PolicyDefinitionId::new(definition_id("d-prod")),
                not_scope: ResourceId::new("/subscriptions/s2"),
            },
        ]),
    );
    // v-other is in s3, outside mg-root: outside the manager's scope and a-root's.
    check(
        ("s3", "v-other"),
        "ng-policy",
        Some(&[
            Reason::OutOfScope {
                manager: NetworkManagerId::new(NM),
            },
            no_static(),
            not_enforced(),
            Reason::OutsideAssignment {
                assignment: PolicyAssignmentId::new(assignment_id(MG, "a-root")),
                definition: PolicyDefinitionId::new(definition_id("d-prod")),
                scope: ResourceId::new(MG),
            },
        ]),
    );
}

#[test]
fn an_any_of_fails_on_every_item_and_a_not_on_a_test_that_holds() {
    let scenario = Scenario::parse(&design()).unwrap();
    let analysis = analyze(&scenario);
    let why = why_not(
        &analysis.model,
        &analysis.membership,
        &VnetId::new(vnet_id("s1", "v-dev")),
        &NetworkGroupId::new(group_id("ng-negated")),
    )
    .unwrap();
    let Some(Reason::ConditionFalse { failed, .. }) = why.reasons.get(1) else {
        panic!("{:#?}", why.reasons);
    };
    assert_eq!(
        failed,
        &[
            FailedTest {
                path: failed[0].path.clone(),
                test: r#"tags['team'] equals "blue""#.to_owned(),
                actual: None,
                held: false,
            },
            FailedTest {
                path: failed[1].path.clone(),
                test: r#"location equals "westeurope""#.to_owned(),
                actual: Some("westeurope".to_owned()),
                held: true,
            },
        ]
    );
    assert_eq!(
        why.reasons[1].to_string(),
        r#"policy `d-neg`: `tags['team'] equals "blue"` is false: the value is missing; `location equals "westeurope"` holds, inside a `not`, for `westeurope`"#
    );
}

#[test]
fn a_condition_that_cannot_be_evaluated() {
    check(
        ("s1", "v-dev"),
        "ng-error",
        Some(&[
            no_static(),
            Reason::ConditionError {
                assignment: PolicyAssignmentId::new(assignment_id("/subscriptions/s1", "a-error")),
                definition: PolicyDefinitionId::new(definition_id("d-error")),
                message: r#"`in` expects an array, found `"v-dev"`"#.to_owned(),
            },
        ]),
    );
}

#[test]
fn explain_lists_the_groups_of_managers_in_scope() {
    let scenario = Scenario::parse(&design()).unwrap();
    let analysis = analyze(&scenario);
    let names = |vnet: (&str, &str)| -> Vec<String> {
        not_member_of(
            &analysis.model,
            &analysis.membership,
            &VnetId::new(vnet_id(vnet.0, vnet.1)),
        )
        .into_iter()
        .map(|n| n.group.name().to_owned())
        .collect()
    };
    // v-dev is a member of no group.
    assert_eq!(
        names(("s1", "v-dev")),
        [
            "ng-error",
            "ng-negated",
            "ng-none",
            "ng-policy",
            "ng-static",
            "ng-subnets",
            "ng-unassigned"
        ]
    );
    // v-prod is a static member of ng-static and a policy member of ng-policy.
    assert_eq!(
        names(("s1", "v-prod")),
        [
            "ng-error",
            "ng-negated",
            "ng-none",
            "ng-subnets",
            "ng-unassigned"
        ]
    );
    // No manager has s3 in scope.
    assert!(names(("s3", "v-other")).is_empty());
}

#[test]
fn reasons_serialise_with_their_message() {
    let value = serde_json::to_value(NonMembership {
        group: NetworkGroupId::new(group_id("ng-none")),
        reasons: vec![no_static(), Reason::NoPolicy],
    })
    .unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "group": group_id("ng-none"),
            "reasons": [
                {"reason": "noStaticMember", "members": [], "message": "the group has no static member"},
                {"reason": "noPolicy", "message": "no Azure Policy definition adds virtual networks to the group"},
            ],
        })
    );
}
