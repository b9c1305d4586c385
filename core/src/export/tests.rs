//! Tests of the exports on small designs written here; the structural checks of every format on every example
//! are in the scenario crate (`tests/export.rs`).

use serde_json::{Value, json};

use super::*;
use crate::analysis::analyze;
use crate::model::Protocol;
use crate::verdict::Flow;

const GUARDRAILS: &str = include_str!("../../../static/examples/hub-spoke-guardrails.json");

fn scenario(document: Value) -> Scenario {
    Scenario::from_document(document).unwrap()
}

/// Exports a design and checks that the report has a line at `path` containing `needle`.
#[track_caller]
fn check(scenario: &Scenario, format: Format, path: &str, needle: &str) -> String {
    let exported = export(scenario, format);
    assert!(
        exported
            .report
            .lines
            .iter()
            .any(|l| l.path == path && l.message.contains(needle)),
        "no report line at `{path}` with `{needle}`: {:#?}",
        exported.report.lines
    );
    exported.text
}

const MG: &str = "/providers/Microsoft.Management/managementGroups/mg-root";

fn management_group_design() -> Value {
    json!({"resources": [
        {"id": MG, "type": "Microsoft.Management/managementGroups",
         "properties": {"displayName": "Root", "children": [
             {"id": "/subscriptions/s1", "type": "/subscriptions"},
             {"id": "/providers/Microsoft.Management/managementGroups/mg-child", "type": "Microsoft.Management/managementGroups"}]}},
        {"id": "/providers/Microsoft.Management/managementGroups/mg-child", "type": "Microsoft.Management/managementGroups",
         "properties": {"children": []}},
        {"id": format!("{MG}/providers/Microsoft.Authorization/policyDefinitions/def"),
         "type": "Microsoft.Authorization/policyDefinitions",
         "properties": {"mode": "Microsoft.Network.Data", "policyRule": {
             "if": {"field": "type", "equals": "Microsoft.Network/virtualNetworks"},
             "then": {"effect": "addToNetworkGroup", "details": {"networkGroupId": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm/networkGroups/g"}}}}},
        {"id": format!("{MG}/providers/Microsoft.Authorization/policyAssignments/asg"),
         "type": "Microsoft.Authorization/policyAssignments",
         "properties": {"policyDefinitionId": format!("{MG}/providers/Microsoft.Authorization/policyDefinitions/def"),
                        "scope": MG}},
        {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm",
         "type": "Microsoft.Network/networkManagers", "location": "westeurope",
         "properties": {"networkManagerScopes": {"managementGroups": [MG]}, "networkManagerScopeAccesses": ["Connectivity"]}},
        {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm/networkGroups/g",
         "type": "Microsoft.Network/networkManagers/networkGroups", "properties": {}}
    ]})
}

#[test]
fn management_groups_make_a_tenant_template_with_a_deployment_at_the_group() {
    let design = scenario(management_group_design());
    let text = check(&design, Format::Arm, "", "tenant deployment template");
    let template: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        template["$schema"],
        "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#"
    );
    let resources = template["resources"].as_array().unwrap();
    let names: Vec<&str> = resources
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    // The management groups and the subscription's place at the top; then the manager's resource group, then
    // the policies at the management group, which name the manager's group.
    assert_eq!(
        names,
        [
            "mg-root",
            "mg-root/s1",
            "mg-child",
            "avnm-rg",
            "avnm-mg-mg-root"
        ]
    );
    assert_eq!(
        resources[2]["properties"]["details"]["parent"]["id"], MG,
        "the child knows its parent"
    );
    let at_group = &resources[4];
    assert_eq!(
        at_group["scope"],
        "Microsoft.Management/managementGroups/mg-root"
    );
    assert_eq!(
        at_group["dependsOn"],
        json!([
            "[tenantResourceId('Microsoft.Management/managementGroups', 'mg-root')]",
            "avnm-rg"
        ])
    );
    let inner = &at_group["properties"]["template"]["resources"];
    assert_eq!(
        inner[1]["dependsOn"],
        json!([
            "[extensionResourceId(managementGroup().id, 'Microsoft.Authorization/policyDefinitions', 'def')]"
        ])
    );
    assert!(
        inner[1]["properties"].get("scope").is_none(),
        "read-only: the assignment is where it is deployed"
    );

    let terraform = export(&design, Format::Terraform).text;
    assert!(terraform.contains("resource \"azurerm_management_group\" \"mg_root\""));
    assert!(terraform.contains("  subscription_ids = [\"/subscriptions/s1\"]\n"));
    assert!(
        terraform.contains("  parent_management_group_id = azurerm_management_group.mg_root.id\n")
    );
    assert!(terraform.contains("resource \"azurerm_management_group_policy_assignment\" \"asg\""));
    assert!(terraform.contains("  management_group_id = azurerm_management_group.mg_root.id\n"));
    assert!(
        terraform.contains("    management_group_ids = [azurerm_management_group.mg_root.id]\n")
    );

    let bicep = check(&design, Format::Bicep, "", "targets the tenant");
    assert!(bicep.contains("targetScope = 'tenant'"));
    assert!(bicep.contains("scope: managementGroup('mg-root')"));
}

#[test]
fn a_tenant_template_names_subscriptions_with_aliases_that_the_import_reads_back() {
    let mut document = management_group_design();
    document["resources"].as_array_mut().unwrap().push(json!(
        {"id": "/subscriptions/s1", "type": "Microsoft.Resources/subscriptions",
         "properties": {"displayName": "Contoso Production"}}
    ));
    let design = scenario(document);
    let text = check(
        &design,
        Format::Arm,
        "resources[6]",
        "the display name `Contoso Production` of subscription `s1` is written as a `Microsoft.Subscription/aliases` resource, which records it but does not rename an existing subscription",
    );
    let template: Value = serde_json::from_str(&text).unwrap();
    let alias = &template["resources"][0];
    assert_eq!(
        alias,
        &json!({"type": "Microsoft.Subscription/aliases", "apiVersion": "2021-10-01", "name": "s1",
                "properties": {"subscriptionId": "s1", "displayName": "Contoso Production"}})
    );
    // Read back, the subscription has its name and the child group its parent.
    let imported = crate::import::import(&[crate::import::Source::new("t.json", text)]).unwrap();
    let back = imported.scenario().unwrap();
    let model = back.model();
    let subscription = model.subscriptions.values().next().unwrap();
    assert_eq!(
        subscription.display_name.as_deref(),
        Some("Contoso Production")
    );
    let root = model
        .management_groups
        .values()
        .find(|g| g.id.as_str() == MG)
        .unwrap();
    let children: Vec<&str> = root.child_groups.iter().map(|g| g.as_str()).collect();
    assert_eq!(
        children,
        ["/providers/Microsoft.Management/managementGroups/mg-child"]
    );
    // Bicep, Terraform and az leave the name out, and say so.
    for format in [Format::Bicep, Format::Terraform, Format::Az] {
        check(
            &design,
            format,
            "resources[6]",
            "the display name `Contoso Production` of subscription `s1` is not deployable",
        );
    }
}

#[test]
fn a_resource_group_template_leaves_subscription_names_out() {
    let design = scenario(json!({"resources": [
        {"id": "/subscriptions/s", "type": "Microsoft.Resources/subscriptions",
         "properties": {"displayName": "Prod"}},
        {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
         "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    ]}));
    let text = check(
        &design,
        Format::Arm,
        "resources[0]",
        "the display name `Prod` of subscription `s` is not deployable",
    );
    assert!(
        !text.contains("Microsoft.Subscription/aliases"),
        "an alias would need a tenant deployment"
    );
}

fn peering(remote: &str) -> Value {
    json!({"name": format!("to-{}", remote.rsplit('/').next().unwrap()),
           "properties": {"remoteVirtualNetwork": {"id": remote}, "allowVirtualNetworkAccess": true}})
}

#[test]
fn peerings_between_resource_groups_come_after_both_and_do_not_make_a_cycle() {
    let a = "/subscriptions/s/resourceGroups/ra/providers/Microsoft.Network/virtualNetworks/a";
    let b = "/subscriptions/s/resourceGroups/rb/providers/Microsoft.Network/virtualNetworks/b";
    let vnet = |id: &str, prefix: &str, remote: &str| {
        json!({"id": id, "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
               "properties": {"addressSpace": {"addressPrefixes": [prefix]},
                              "virtualNetworkPeerings": [peering(remote)]}})
    };
    let design =
        scenario(json!({"resources": [vnet(a, "10.0.0.0/16", b), vnet(b, "10.1.0.0/16", a)]}));
    let exported = export(&design, Format::Arm);
    assert!(
        !exported
            .report
            .lines
            .iter()
            .any(|l| l.message.contains("refer to each other")),
        "{:#?}",
        exported.report.lines
    );
    let template: Value = serde_json::from_str(&exported.text).unwrap();
    let deployments: Vec<(&str, Value)> = template["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["dependsOn"].clone()))
        .collect();
    assert_eq!(
        deployments,
        [
            ("avnm-ra", Value::Null),
            ("avnm-rb", Value::Null),
            ("avnm-ra-peerings", json!(["avnm-ra", "avnm-rb"])),
            ("avnm-rb-peerings", json!(["avnm-rb", "avnm-ra"])),
        ]
    );
    let peering = &template["resources"][2]["properties"]["template"]["resources"][0];
    assert_eq!(
        peering["type"],
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
    );
    assert_eq!(peering["name"], "a/to-b");
    assert_eq!(peering["properties"]["remoteVirtualNetwork"]["id"], b);

    let terraform = export(&design, Format::Terraform).text;
    assert!(terraform.contains("  virtual_network_name = azurerm_virtual_network.a.name\n"));
    assert!(terraform.contains("  remote_virtual_network_id = azurerm_virtual_network.b.id\n"));
    assert!(terraform.contains("  allow_virtual_network_access = true\n"));
}

const NM: &str =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm";

fn commits_design(commits: &Value) -> Value {
    json!({"resources": [
        {"id": NM, "type": "Microsoft.Network/networkManagers", "location": "westeurope",
         "properties": {"networkManagerScopes": {"subscriptions": ["/subscriptions/s"]},
                        "networkManagerScopeAccesses": ["Connectivity", "SecurityAdmin"]}},
        {"id": format!("{NM}/networkGroups/g"), "type": "Microsoft.Network/networkManagers/networkGroups", "properties": {}},
        {"id": format!("{NM}/connectivityConfigurations/c1"), "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
         "properties": {"connectivityTopology": "Mesh", "appliesToGroups": [{"networkGroupId": format!("{NM}/networkGroups/g")}]}},
        {"id": format!("{NM}/connectivityConfigurations/c2"), "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
         "properties": {"connectivityTopology": "Mesh", "appliesToGroups": [{"networkGroupId": format!("{NM}/networkGroups/g")}]}}
    ], "commits": commits})
}

#[test]
fn terraform_keeps_the_last_commit_of_each_region_and_type_and_says_so() {
    let c1 = format!("{NM}/connectivityConfigurations/c1");
    let c2 = format!("{NM}/connectivityConfigurations/c2");
    let design = scenario(commits_design(&json!([
        {"networkManagerId": NM, "commitType": "Connectivity", "configurationIds": [c1], "targetLocations": ["westeurope", "eastus"]},
        {"networkManagerId": NM, "commitType": "Connectivity", "configurationIds": [c2], "targetLocations": ["westeurope"]},
        {"networkManagerId": NM, "commitType": "Connectivity", "configurationIds": [], "targetLocations": ["eastus"]}
    ])));
    let text = check(
        &design,
        Format::Terraform,
        "commits[0]",
        "the Connectivity commit to `westeurope` is replaced by `commits[1]`",
    );
    check(
        &design,
        Format::Terraform,
        "commits[0]",
        "the Connectivity commit to `eastus` is replaced by `commits[2]`",
    );
    check(
        &design,
        Format::Terraform,
        "commits[2]",
        "the commit of no Connectivity configuration to `eastus` removes them",
    );
    assert_eq!(
        text.matches("resource \"azurerm_network_manager_deployment\"")
            .count(),
        1
    );
    assert!(text.contains("# commits[1]\nresource \"azurerm_network_manager_deployment\" \"deploy_nm_westeurope_connectivity\" {\n  network_manager_id = azurerm_network_manager.nm.id\n  location = \"westeurope\"\n  scope_access = \"Connectivity\"\n  configuration_ids = [azurerm_network_manager_connectivity_configuration.c2.id]\n"));
    // Every commit is in the az script, in order; the removal commits no configuration.
    let az = export(&design, Format::Az).text;
    let commits: Vec<&str> = az.split("az network manager post-commit").skip(1).collect();
    assert_eq!(commits.len(), 3);
    assert!(commits[0].contains("--target-locations westeurope eastus"));
    assert!(commits[1].contains("connectivityConfigurations/c2"));
    assert!(!commits[2].contains("--configuration-ids"));
}

#[test]
fn what_no_format_writes_is_reported_at_its_path() {
    let design = scenario(json!({"resources": [
        {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", "type": "Microsoft.Web/sites", "properties": {}},
        {"id": "/subscriptions/s", "type": "Microsoft.Resources/subscriptions",
         "properties": {"displayName": "Prod"}, "tags": {"env": "prod"}},
        {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/gw",
         "type": "Microsoft.Network/virtualNetworkGateways", "location": "westeurope", "properties": {"gatewayType": "ExpressRoute"}}
    ]}));
    for format in [Format::Arm, Format::Bicep, Format::Terraform, Format::Az] {
        check(
            &design,
            format,
            "resources[0]",
            "resources of type `Microsoft.Web/sites` are not written",
        );
        check(&design, format, "resources[1]", "display name `Prod`");
    }
    // The gateway: ARM and az write it as it is; azurerm has no resource for it here.
    let arm = export(&design, Format::Arm).text;
    assert!(arm.contains("\"gatewayType\": \"ExpressRoute\""));
    let az = export(&design, Format::Az).text;
    assert!(az.contains("az resource create \\\n    --id /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/gw \\\n    --api-version 2024-05-01 \\\n    --is-full-object"));
    let terraform = check(
        &design,
        Format::Terraform,
        "resources[2]",
        "`gw` of type `Microsoft.Network/virtualNetworkGateways` is not written",
    );
    assert!(
        terraform.contains("# `gw` of type"),
        "a comment at its place"
    );
    check(
        &design,
        Format::Terraform,
        "resources[1].tags",
        "no resource that tags an existing subscription",
    );
    // ARM tags the subscription with `Microsoft.Resources/tags`.
    assert!(arm.contains("\"type\": \"Microsoft.Resources/tags\""));
}

#[test]
fn read_only_fields_are_left_out() {
    let design = scenario(json!({"resources": [
        {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
         "type": "Microsoft.Network/virtualNetworks", "location": "westeurope", "etag": "W/\"1\"",
         "properties": {"provisioningState": "Succeeded", "resourceGuid": "x",
                        "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                        "subnets": [{"name": "a", "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
                                     "etag": "W/\"2\"",
                                     "properties": {"addressPrefix": "10.0.0.0/24", "provisioningState": "Succeeded",
                                                    "ipConfigurations": [{"id": "/x"}]}}]}}
    ]}));
    let text = export(&design, Format::Arm).text;
    for absent in [
        "provisioningState",
        "resourceGuid",
        "etag",
        "ipConfigurations",
        "/subnets/a",
    ] {
        assert!(!text.contains(absent), "`{absent}` in {text}");
    }
    assert!(text.contains("\"addressPrefix\": \"10.0.0.0/24\""));
}

#[test]
fn the_topology_picture_draws_the_guardrails_hub_and_spokes() {
    let design = Scenario::parse(GUARDRAILS).unwrap();
    let analysis = analyze(&design);
    let svg = topology_svg(&design, &analysis);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.ends_with("</svg>\n"));
    // One region with the 5 VNets; the hub; a peering from the hub to each of the 4 spokes.
    assert_eq!(svg.matches("<g class=\"zone\">").count(), 1);
    assert!(svg.contains(">westeurope · 5 VNets</text>"));
    assert_eq!(svg.matches("<g class=\"node hub\">").count(), 1);
    assert_eq!(svg.matches("<g class=\"node ").count(), 5);
    assert_eq!(svg.matches("<line class=\"peering\"").count(), 4);
    assert_eq!(svg.matches(">vnet-hub</text>").count(), 1);
    assert!(svg.contains(">10.100.0.0/16</text>"));
    // The connected group of the directly connected production spokes: a ring per member.
    let members: usize = analysis
        .topology
        .connected_groups
        .iter()
        .map(|g| g.vnets.len())
        .sum();
    assert_eq!(svg.matches("<circle class=\"ring\"").count(), members);
    // Every element is closed.
    let opened = svg.matches("<g").count() - svg.matches("<g/>").count();
    assert_eq!(opened, svg.matches("</g>").count());
}

#[test]
fn a_verdict_in_markdown_names_the_deciding_rule_and_every_stage() {
    let design = Scenario::parse(GUARDRAILS).unwrap();
    let analysis = analyze(&design);
    // The guardrails example's intent: the hub may not SSH into test (deny-ssh of rc-organization).
    let flow = Flow::new(
        "10.100.0.4".parse().unwrap(),
        "10.11.0.4".parse().unwrap(),
        Protocol::Tcp,
        22,
    );
    let verdict = analysis.verdict(&flow);
    let text = verdict_markdown(&verdict, &flow);
    assert!(text.starts_with(
        "## Denied: 10.100.0.4 -> 10.11.0.4 Tcp/22\n\nDecided by `deny-ssh` (`/subscriptions/"
    ));
    assert!(text.contains("| # | Stage | Direction | Evaluated | Applied to | Result | Summary |"));
    // One row per stage, before the rule tables.
    let stages = text.split("\n### ").next().unwrap();
    let rows = stages
        .lines()
        .filter(|l| l.starts_with("| ") && l.chars().nth(2).is_some_and(|c| c.is_ascii_digit()))
        .count();
    assert_eq!(rows, verdict.trace.0.len());
    assert!(text.contains("| 100 | Deny | **`deny-ssh`** | yes | yes | yes | yes | yes |"));
    assert!(text.contains("| **Denied** |"));
}
