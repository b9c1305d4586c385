//! Tests of the import: one per input shape, with expectations read from the inputs written here.

use super::*;
use serde_json::json;

const RG: &str = "/subscriptions/s/resourceGroups/rg/providers";

#[track_caller]
fn check(sources: &[(&str, Value)]) -> (Imported, Scenario) {
    let sources: Vec<Source> = sources
        .iter()
        .map(|(name, v)| Source::new(*name, v.to_string()))
        .collect();
    let imported = match import(&sources) {
        Ok(i) => i,
        Err(e) => panic!("should import: {e}\n{:#?}", e.report()),
    };
    let scenario = match imported.scenario() {
        Ok(s) => s,
        Err(e) => panic!("the imported document should load: {e}"),
    };
    // The page's import, which reads the design a few resources at a time, gives the same design and report.
    let stepped = stepped(&sources).expect("imports in steps");
    assert_eq!(stepped, imported);
    let read = |i: &Imported| {
        i.design()
            .ok()
            .map(|d| (d.model().clone(), d.diagnostics().to_vec()))
    };
    assert_eq!(read(&stepped), read(&imported));
    // The import reads each resource on its own only when the whole design does not read: doing it always
    // gives the same document and report (what the shortcut must keep).
    let parse = || parsed(&sources);
    let (document, report) = run(parse(), true).expect("imports when checked");
    assert_eq!(imported.to_value(), document);
    assert_eq!(imported.report, report);
    // A scenario document's resources are taken out of its tree: reading them from the tree as every other
    // source is read gives the same document and report.
    let copying = Importer {
        check_each: true,
        copy_sources: true,
        ..Importer::default()
    };
    let (document, report) = run_with(parse(), copying).expect("imports");
    assert_eq!(imported.to_value(), document);
    assert_eq!(imported.report, report);
    (imported, scenario)
}

/// The import as the page runs it for a large design: its sources parsed one piece at a time, its first pass one
/// resource at a time, then the design read one resource at a time and validated one check at a time, and
/// [`import`] when that reading fails.
fn stepped(sources: &[Source]) -> Result<Imported, ImportError> {
    let mut pieces = parsing(sources.to_vec());
    while !pieces.step(1) {}
    let (given_back, parsed) = pieces.finish();
    assert_eq!(given_back, sources, "the sources given back");
    assert_eq!(parsed, parse(sources), "parsed a piece at a time");
    let mut preparing = parsed.preparing();
    while !preparing.step(1) {}
    let mut prepared = preparing.finish()?;
    let Ok(mut reading) = prepared.reading() else {
        return import(sources);
    };
    loop {
        match reading.step(1) {
            Ok(true) => break,
            Ok(false) => {}
            Err(_) => return import(sources),
        }
    }
    match reading.validating() {
        Ok(mut validating) => {
            while !validating.step() {}
            Ok(prepared.imported(validating.finish()))
        }
        Err(_) => import(sources),
    }
}

fn lines(imported: &Imported, kind: ReportKind) -> Vec<String> {
    imported
        .report
        .iter()
        .filter(|l| l.kind == kind)
        .map(|l| format!("{} {}", l.file, l.path))
        .collect()
}

fn vnet(name: &str, prefix: &str) -> Value {
    json!({"id": format!("{RG}/Microsoft.Network/virtualNetworks/{name}"), "name": name,
           "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
           "properties": {"addressSpace": {"addressPrefixes": [prefix]}}})
}

#[test]
fn lists_and_single_resources_merge_and_duplicates_are_reported() {
    let list = json!({"value": [vnet("a", "10.0.0.0/16"), vnet("b", "10.1.0.0/16")],
                      "nextLink": "https://management.azure.com/next"});
    let changed = vnet("b", "10.9.0.0/16");
    let (imported, scenario) = check(&[("list.json", list), ("b.json", changed)]);
    assert_eq!(scenario.model().vnets.len(), 2);
    let b = scenario
        .model()
        .vnets
        .values()
        .find(|v| v.name == "b")
        .unwrap();
    assert_eq!(
        b.address_space,
        ["10.1.0.0/16".parse::<ipnet::IpNet>().unwrap()],
        "the first one read is kept"
    );
    assert_eq!(
        lines(&imported, ReportKind::Read),
        ["list.json value[0]", "list.json value[1]"]
    );
    assert_eq!(lines(&imported, ReportKind::Duplicate), ["b.json "]);
    let duplicate = imported
        .report
        .iter()
        .find(|l| l.kind == ReportKind::Duplicate)
        .unwrap();
    assert!(duplicate.message.ends_with(
        "was already read from `list.json` at `value[1]`; the two differ and the first is kept"
    ));
    assert_eq!(
        lines(&imported, ReportKind::Skipped),
        ["list.json nextLink"]
    );
}

#[test]
fn rest_example_files_give_their_success_bodies_and_commits_their_manager() {
    let manager = format!("{RG}/Microsoft.Network/networkManagers/nm");
    let example = json!({
        "parameters": {"subscriptionId": "s", "resourceGroupName": "rg", "networkManagerName": "nm",
                       "parameters": {"commitType": "Connectivity", "targetLocations": ["westeurope"],
                                      "configurationIds": []}},
        "responses": {"200": {"body": {"commitId": "x", "commitType": "Connectivity",
                                       "targetLocations": ["westeurope"], "configurationIds": []}},
                      "400": {"body": {"error": {"code": "BadRequest"}}}}
    });
    let put = json!({
        "parameters": {"networkManagerName": "nm", "parameters": {"properties": {"networkManagerScopes": {}}}},
        "responses": {"200": {"body": {"id": manager, "type": "Microsoft.Network/networkManagers",
                                       "location": "westeurope",
                                       "properties": {"networkManagerScopes": {"subscriptions": ["/subscriptions/s"]},
                                                      "networkManagerScopeAccesses": ["Connectivity"]}}},
                      "201": {"body": {"id": manager, "type": "Microsoft.Network/networkManagers",
                                       "location": "westeurope",
                                       "properties": {"networkManagerScopes": {"subscriptions": ["/subscriptions/s"]},
                                                      "networkManagerScopeAccesses": ["Connectivity"]}}}}
    });
    let (imported, scenario) = check(&[("commit.json", example), ("put.json", put)]);
    assert_eq!(scenario.model().commits.len(), 1);
    assert_eq!(scenario.model().commits[0].manager.as_str(), manager);
    assert_eq!(scenario.model().managers.len(), 1);
    assert_eq!(
        lines(&imported, ReportKind::Skipped),
        [
            "commit.json responses.400",
            "put.json parameters.parameters"
        ]
    );
    assert_eq!(
        lines(&imported, ReportKind::Duplicate),
        [
            "commit.json parameters.parameters",
            "put.json responses.201.body"
        ]
    );
}

#[test]
fn a_commit_without_its_manager_takes_the_only_one_imported() {
    let manager = json!({"id": format!("{RG}/Microsoft.Network/networkManagers/nm"),
                         "type": "Microsoft.Network/networkManagers", "location": "westeurope",
                         "properties": {"networkManagerScopes": {"subscriptions": ["/subscriptions/s"]}}});
    let commit = json!({"commitType": "SecurityAdmin", "targetLocations": ["westeurope"]});
    let (imported, scenario) = check(&[("commit.json", commit.clone()), ("nm.json", manager)]);
    assert_eq!(scenario.model().commits.len(), 1);
    assert_eq!(
        scenario.model().commits[0].configurations,
        [],
        "no `configurationIds` is an empty list"
    );
    assert_eq!(lines(&imported, ReportKind::Inferred), ["commit.json "]);

    let error = import(&[Source::new("commit.json", commit.to_string())]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "nothing to import: `commit.json` gave no resource: a commit without its network manager (`networkManagerId`), and 0 network managers imported to take it from"
    );
}

#[test]
fn az_cli_shapes_get_their_properties_back() {
    let create = json!({"newVNet": {
        "id": format!("{RG}/Microsoft.Network/virtualNetworks/v"), "name": "v", "location": "eastus",
        "resourceGroup": "rg", "type": "Microsoft.Network/virtualNetworks", "tags": {},
        "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "ddosProtectionPlan": null,
        "subnets": [{"id": format!("{RG}/Microsoft.Network/virtualNetworks/v/subnets/s"), "name": "s",
                     "addressPrefix": "10.0.0.0/24", "resourceGroup": "rg", "networkSecurityGroup": null,
                     "type": "Microsoft.Network/virtualNetworks/subnets"}]}});
    let graph = json!({"count": 1, "data": [{
        "id": format!("{RG}/microsoft.network/networksecuritygroups/n"), "name": "n",
        "type": "microsoft.network/networksecuritygroups", "resourceGroup": "rg", "subscriptionId": "s",
        "location": "eastus", "properties": {"securityRules": [{"name": "ssh", "properties": {
            "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "TCP",
            "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*",
            "destinationPortRange": "22"}}]}}], "skip_token": null, "total_records": 1});
    let (imported, scenario) = check(&[("create.json", create), ("graph.json", graph)]);
    let model = scenario.model();
    let v = model.vnets.values().next().unwrap();
    assert_eq!(v.subnets.len(), 1);
    assert_eq!(v.subnets[0].prefixes.len(), 1);
    assert_eq!(model.nsgs.values().next().unwrap().rules.len(), 1);
    assert_eq!(
        imported.to_value()["resources"][1]["type"],
        json!("Microsoft.Network/networkSecurityGroups"),
        "Resource Graph's lower-case type is spelled as ARM spells it"
    );
    assert_eq!(
        lines(&imported, ReportKind::Inferred),
        [
            "create.json newVNet",
            "create.json newVNet",
            "graph.json data[0].id"
        ]
    );
}

#[test]
fn a_resource_the_reader_refuses_is_skipped_with_its_path_in_the_source() {
    let peering = json!({"id": format!("{RG}/Microsoft.Network/virtualNetworks/a/virtualNetworkPeerings/p"),
                         "properties": {"peeringState": "Connected"}});
    let list = json!([vnet("a", "10.0.0.0/16"), peering]);
    let (imported, scenario) = check(&[("az.json", list)]);
    assert_eq!(scenario.model().vnets.len(), 1);
    let skipped: Vec<&str> = imported
        .report
        .iter()
        .filter(|l| l.kind == ReportKind::Skipped)
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(
        skipped,
        ["cannot be read: `[1].properties`: missing field `remoteVirtualNetwork`"]
    );
}

#[test]
fn what_is_not_simulated_is_skipped_and_a_file_of_nothing_is_refused() {
    let pip = json!({"publicIp": {"id": format!("{RG}/Microsoft.Network/publicIPAddresses/ip"),
                                  "type": "Microsoft.Network/publicIPAddresses", "ipAddress": "1.2.3.4"}});
    let error = import(&[
        Source::new("pip.json", pip.to_string()),
        Source::new("broken.json", "{\"value\": ["),
    ])
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "nothing to import: `pip.json` gave no resource: `Microsoft.Network/publicIPAddresses` `{RG}/Microsoft.Network/publicIPAddresses/ip`: this type is not simulated; `broken.json` is not JSON: invalid JSON at line 1, column 11: EOF while parsing a list"
        )
    );
    let refused: Vec<&str> = error
        .report()
        .iter()
        .filter(|l| l.kind == ReportKind::Refused)
        .map(|l| l.file.as_str())
        .collect();
    assert_eq!(refused, ["pip.json", "broken.json"]);
}

#[test]
fn scenario_documents_keep_their_commits_intents_and_other_keys() {
    let doc = json!({"title": "lesson", "resources": [vnet("a", "10.0.0.0/16")],
                     "commits": [{"networkManagerId": "/nm", "commitType": "Connectivity", "targetLocations": ["westeurope"]},
                                 {"networkManagerId": "/nm", "commitType": "Routes", "targetLocations": []}],
                     "intents": [{"name": "x", "from": "10.0.0.4", "to": "10.0.0.5", "protocol": "Tcp", "port": 22, "expect": "Allowed"}]});
    let (imported, scenario) = check(&[("design.json", doc)]);
    assert_eq!(imported.to_value()["title"], json!("lesson"));
    assert_eq!(scenario.model().commits.len(), 1);
    assert_eq!(scenario.model().intents.len(), 1);
    let skipped: Vec<String> = imported
        .report
        .iter()
        .filter(|l| l.kind == ReportKind::Skipped)
        .map(|l| format!("{}: {}", l.path, l.message))
        .collect();
    assert_eq!(
        skipped,
        [
            "commits[1]: a commit that cannot be read: `commits[1].commitType`: `routes` is not one of `Connectivity`, `SecurityAdmin`, `Routing`, `SecurityUser`"
        ]
    );
}

#[test]
fn templates_with_nested_children_copy_loops_and_parameters() {
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "prefix": {"type": "string"},
            "count": {"type": "int", "defaultValue": 2},
            "deployNsg": {"type": "bool", "defaultValue": false},
            "location": {"type": "string", "defaultValue": "[resourceGroup().location]"}
        },
        "variables": {"hub": "[concat(parameters('prefix'), '-hub')]"},
        "resources": [
            {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01",
             "name": "[variables('hub')]", "location": "[parameters('location')]",
             "properties": {
                 "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                 "copy": [{"name": "subnets", "count": 2,
                           "input": {"name": "[format('s{0}', copyIndex('subnets'))]",
                                     "properties": {"addressPrefix": "[format('10.0.{0}.0/24', copyIndex('subnets'))]"}}}]},
             "resources": [
                 {"type": "virtualNetworkPeerings", "apiVersion": "2024-05-01", "name": "to-spoke0",
                  "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', variables('hub'))]"],
                  "properties": {"remoteVirtualNetwork": {"id": "[resourceId('Microsoft.Network/virtualNetworks', concat(parameters('prefix'), '-spoke0'))]"},
                                 "peeringState": "Initiated"}}
             ]},
            {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01",
             "name": "[concat(parameters('prefix'), '-spoke', copyIndex())]", "location": "[parameters('location')]",
             "copy": {"name": "spokes", "count": "[parameters('count')]"},
             "properties": {"addressSpace": {"addressPrefixes": ["[format('10.{0}.0.0/16', add(copyIndex(), 1))]"]},
                            "dhcpOptions": {"dnsServers": ["[reference('dns').outputs.ip]"]}}},
            {"condition": "[parameters('deployNsg')]", "type": "Microsoft.Network/networkSecurityGroups",
             "apiVersion": "2024-05-01", "name": "nsg", "properties": {}}
        ]
    });
    let parameters = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"prefix": {"value": "contoso"}, "unused": {"value": 1}}
    });
    let (imported, scenario) = check(&[
        ("main.json", template),
        ("main.parameters.json", parameters),
    ]);
    let model = scenario.model();
    let names: Vec<&str> = model.vnets.values().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["contoso-hub", "contoso-spoke0", "contoso-spoke1"]);
    let hub = model
        .vnets
        .values()
        .find(|v| v.name == "contoso-hub")
        .unwrap();
    assert_eq!(
        hub.id.as_str(),
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/contoso-hub"
    );
    assert_eq!(hub.location.as_str(), "westeurope");
    assert_eq!(hub.subnets.len(), 2);
    assert_eq!(hub.peerings.len(), 1);
    assert_eq!(
        hub.peerings[0].remote.as_str(),
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/contoso-spoke0"
    );
    let spoke1 = model
        .vnets
        .values()
        .find(|v| v.name == "contoso-spoke1")
        .unwrap();
    assert_eq!(
        spoke1.address_space,
        ["10.2.0.0/16".parse::<ipnet::IpNet>().unwrap()]
    );
    assert!(model.nsgs.is_empty(), "the condition is false");
    let report: Vec<String> = imported
        .report
        .iter()
        .filter(|l| l.kind != ReportKind::Read)
        .map(|l| format!("{} {} {}", l.kind, l.file, l.path))
        .collect();
    assert_eq!(
        report,
        [
            "inferred main.json ",
            "skipped main.json parameters",
            "unevaluated main.json resources[1].properties.dhcpOptions.dnsServers[0]",
            "unevaluated main.json resources[1].properties.dhcpOptions.dnsServers[0]",
            "skipped main.json resources[2]",
        ]
    );
}

#[test]
fn a_template_without_the_values_it_needs_is_refused_naming_them() {
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"networkManagerName": {"type": "string"}, "name": {"type": "string"}},
        "resources": [{"type": "Microsoft.Network/networkManagers/networkGroups", "apiVersion": "2024-05-01",
                       "name": "[format('{0}/{1}', parameters('networkManagerName'), parameters('name'))]",
                       "properties": {}}]
    });
    let error = import(&[Source::new("group.json", template.to_string())]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "nothing to import: `group.json` is an ARM template whose resources need values for `name`, `networkManagerName`: give them in a parameters file imported with it"
    );
}

#[test]
fn symbolic_resources_existing_ones_and_lambdas() {
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "languageVersion": "2.0", "contentVersion": "1.0.0.0",
        "parameters": {"groups": {"type": "array", "defaultValue": [{"id": "/g1"}, {"id": "/g2", "isGlobal": true}]},
                       "hubs": {"type": "array", "nullable": true}},
        "resources": {
            "nm": {"existing": true, "type": "Microsoft.Network/networkManagers", "apiVersion": "2024-05-01", "name": "nm"},
            "config": {"type": "Microsoft.Network/networkManagers/connectivityConfigurations", "apiVersion": "2024-05-01",
                       "name": "nm/mesh",
                       "properties": {"connectivityTopology": "Mesh", "hubs": "[parameters('hubs')]",
                                      "appliesToGroups": "[map(parameters('groups'), lambda('g', createObject('networkGroupId', lambdaVariables('g').id, 'isGlobal', string(coalesce(tryGet(lambdaVariables('g'), 'isGlobal'), false())))))]"}}
        }
    });
    let (imported, scenario) = check(&[("config.json", template)]);
    let config = scenario
        .model()
        .connectivity_configs
        .values()
        .next()
        .unwrap();
    let globals: Vec<(&str, bool)> = config
        .groups
        .iter()
        .map(|g| (g.group.as_str(), g.is_global))
        .collect();
    assert_eq!(globals, [("/g1", false), ("/g2", true)]);
    assert_eq!(
        lines(&imported, ReportKind::Skipped),
        ["config.json resources.nm"]
    );
}

#[test]
fn subscription_templates_deploy_into_resource_groups_through_nested_deployments() {
    let vnet = |name: &str, prefix: &str| {
        json!({"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": name,
               "location": "[parameters('location')]",
               "properties": {"addressSpace": {"addressPrefixes": [prefix]}}})
    };
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"location": {"type": "string", "defaultValue": "northeurope"}},
        "resources": [
            {"type": "Microsoft.Resources/resourceGroups", "apiVersion": "2022-09-01", "name": "rg-hub",
             "location": "[parameters('location')]"},
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "hub",
             "resourceGroup": "rg-hub",
             "properties": {"mode": "Incremental",
                            "template": {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                                         "contentVersion": "1.0.0.0", "resources": [vnet("hub", "10.0.0.0/16")]}}},
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "spoke",
             "resourceGroup": "rg-spokes", "subscriptionId": "other",
             "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                            "parameters": {"location": {"value": "[concat(parameters('location'), '')]"}},
                            "template": {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                                         "contentVersion": "1.0.0.0",
                                         "parameters": {"location": {"type": "string"}},
                                         "resources": [vnet("spoke", "10.1.0.0/16")]}}}
        ]
    });
    let (_, scenario) = check(&[("main.json", template)]);
    let model = scenario.model();
    let ids: Vec<(&str, &str)> = model
        .vnets
        .values()
        .map(|v| (v.id.as_str(), v.location.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub",
                "northeurope"
            ),
            (
                "/subscriptions/other/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/spoke",
                "northeurope"
            ),
        ]
    );
    let groups: Vec<&str> = model.resource_groups.keys().map(|g| g.as_str()).collect();
    assert_eq!(
        groups,
        ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub"]
    );
}

#[test]
fn az_resource_list_gives_envelopes_only_and_says_so() {
    let list = json!([{"id": format!("{RG}/Microsoft.Network/virtualNetworks/v"), "name": "v",
                       "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
                       "resourceGroup": "rg", "tags": {}, "properties": null, "sku": null,
                       "changedTime": "2024-01-01T00:00:00Z", "createdTime": "2024-01-01T00:00:00Z",
                       "provisioningState": "Succeeded"}]);
    let (imported, scenario) = check(&[("resources.json", list)]);
    assert_eq!(scenario.model().vnets.len(), 1);
    let skipped: Vec<&str> = imported
        .report
        .iter()
        .filter(|l| l.kind == ReportKind::Skipped)
        .map(|l| l.path.as_str())
        .collect();
    assert_eq!(skipped, ["[0]"]);
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let keys = prop::sample::select(vec![
            "id",
            "type",
            "name",
            "properties",
            "value",
            "data",
            "resources",
            "parameters",
            "responses",
            "body",
            "200",
            "$schema",
            "copy",
            "count",
            "input",
            "condition",
            "existing",
            "template",
            "commitType",
            "targetLocations",
            "configurationIds",
            "subnets",
            "securityRules",
            "defaultValue",
            "languageVersion",
            "contentVersion",
            "interactions",
            "status",
            "response_body",
        ]);
        let strings = prop::sample::select(vec![
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
            "subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v/subnets/a",
            "Microsoft.Network/virtualNetworks",
            "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "[concat(parameters('a'), variables('b'))]",
            "[copyIndex()]",
            "[format('{0}/{1}', 'a'",
            "[if(true(), createArray(1), json('{'))]",
            "[[literal]",
            "10.0.0.0/16",
            "",
        ])
        .prop_map(|s| Value::String(s.to_owned()));
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-5i64..2000).prop_map(|n| json!(n)),
            strings,
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Whatever JSON comes in, the import answers (a document that loads, or a refusal that says why).
        #[test]
        fn any_json_imports_or_is_refused_without_panicking(a in json_value(), b in json_value()) {
            let sources = [Source::new("a.json", a.to_string()), Source::new("b.json", b.to_string())];
            prop_assert_eq!(stepped(&sources), import(&sources), "imported in steps as the page does");
            match import(&sources) {
                Ok(imported) => {
                    prop_assert!(imported.scenario().is_ok(), "the imported document should load");
                }
                Err(e) => {
                    prop_assert!(!e.to_string().contains('\n'));
                    prop_assert!(e.report().iter().any(|l| l.kind == ReportKind::Refused));
                }
            }
        }
    }
}

#[test]
fn tenant_templates_place_subscriptions_in_management_groups_and_keep_the_commits_of_their_metadata()
 {
    let sub = "11111111-0000-0000-0000-000000000001";
    let manager = format!(
        "/subscriptions/{sub}/resourceGroups/rg-avnm/providers/Microsoft.Network/networkManagers/nm"
    );
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "metadata": {"_generator": {"name": "avnm export"}, "title": "two spokes",
                     "commits": [{"networkManagerId": manager, "commitType": "Connectivity",
                                  "configurationIds": [], "targetLocations": ["westeurope"], "command": "az ..."}]},
        "resources": [
            {"type": "Microsoft.Management/managementGroups", "apiVersion": "2023-04-01", "name": "mg-top",
             "properties": {"displayName": "Top"}},
            {"type": "Microsoft.Management/managementGroups/subscriptions", "apiVersion": "2023-04-01",
             "name": format!("mg-top/{sub}")},
            {"type": "Microsoft.Subscription/aliases", "apiVersion": "2021-10-01", "name": "prod",
             "properties": {"subscriptionId": sub, "displayName": "Production"}},
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2021-04-01", "name": "sub",
             "subscriptionId": sub, "location": "westeurope",
             "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                            "template": {"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
                                         "contentVersion": "1.0.0.0",
                                         "resources": [{"type": "Microsoft.Resources/tags", "apiVersion": "2021-04-01",
                                                        "name": "default", "properties": {"tags": {"env": "prod"}}}]}}},
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2021-04-01", "name": "mg",
             "scope": "Microsoft.Management/managementGroups/mg-top", "location": "westeurope",
             "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                            "template": {"$schema": "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
                                         "contentVersion": "1.0.0.0",
                                         "resources": [{"type": "Microsoft.Authorization/policyAssignments", "apiVersion": "2023-04-01",
                                                        "name": "assign", "properties": {"policyDefinitionId": "/providers/Microsoft.Management/managementGroups/mg-top/providers/Microsoft.Authorization/policyDefinitions/d"}}]}}},
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2021-04-01", "name": "rg",
             "subscriptionId": sub, "resourceGroup": "rg-avnm",
             "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                            "template": {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                                         "contentVersion": "1.0.0.0",
                                         "resources": [{"type": "Microsoft.Network/networkManagers", "apiVersion": "2024-05-01",
                                                        "name": "nm", "location": "westeurope",
                                                        "properties": {"networkManagerScopes": {"managementGroups": ["/providers/Microsoft.Management/managementGroups/mg-top"]},
                                                                       "networkManagerScopeAccesses": ["Connectivity"]}}]}}}
        ]
    });
    let (imported, scenario) = check(&[("export.json", template)]);
    let model = scenario.model();
    let group = model.management_groups.values().next().unwrap();
    assert_eq!(
        group.id.as_str(),
        "/providers/Microsoft.Management/managementGroups/mg-top"
    );
    let children: Vec<&str> = group
        .child_subscriptions
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(children, [format!("/subscriptions/{sub}")]);
    let subscription = model.subscriptions.values().next().unwrap();
    assert_eq!(subscription.display_name.as_deref(), Some("Production"));
    assert_eq!(subscription.tags.0.values().collect::<Vec<_>>(), ["prod"]);
    let assignment = model.policy_assignments.values().next().unwrap();
    assert_eq!(
        assignment.id.as_str(),
        "/providers/Microsoft.Management/managementGroups/mg-top/providers/Microsoft.Authorization/policyAssignments/assign"
    );
    assert_eq!(model.managers.len(), 1);
    assert_eq!(model.commits.len(), 1);
    assert_eq!(model.commits[0].manager.as_str(), manager);
    assert_eq!(imported.to_value()["title"], json!("two spokes"));
    assert!(imported.to_value().get("_generator").is_none());
    let inferred: Vec<&str> = imported
        .report
        .iter()
        .filter(|l| l.kind == ReportKind::Inferred)
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(
        inferred,
        [
            "an ARM template, read as deployed to the tenant",
            &format!(
                "`Microsoft.Resources/subscriptions` `/subscriptions/{sub}` added to hold its properties"
            ),
        ]
    );
}

#[test]
fn az_network_manager_outputs_in_the_cli_shape() {
    let nm = format!("{RG}/Microsoft.Network/networkManagers/nm");
    let cli = |extra: Value| {
        let mut base = json!({"resourceGroup": "rg", "provisioningState": "Succeeded", "systemData": {"createdBy": "x"}});
        if let (Value::Object(b), Value::Object(e)) = (&mut base, extra) {
            b.extend(e);
        }
        base
    };
    let manager = cli(
        json!({"id": nm, "name": "nm", "location": "westeurope", "type": "Microsoft.Network/networkManagers",
                             "networkManagerScopes": {"managementGroups": [], "subscriptions": ["/subscriptions/s"]},
                             "networkManagerScopeAccesses": ["Connectivity", "SecurityAdmin"]}),
    );
    let groups = json!([cli(
        json!({"id": format!("{nm}/networkGroups/ng"), "name": "ng",
                                    "type": "Microsoft.Network/networkManagers/networkGroups", "memberType": "VirtualNetwork"})
    )]);
    let member = cli(
        json!({"id": format!("{nm}/networkGroups/ng/staticMembers/m"), "name": "m",
                            "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
                            "region": "westeurope", "resourceId": format!("{RG}/Microsoft.Network/virtualNetworks/a")}),
    );
    let config = cli(
        json!({"id": format!("{nm}/connectivityConfigurations/mesh"), "name": "mesh",
                            "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
                            "connectivityTopology": "Mesh", "isGlobal": "False", "deleteExistingPeering": "False",
                            "hubs": [], "appliesToGroups": [{"networkGroupId": format!("{nm}/networkGroups/ng"),
                                                               "groupConnectivity": "DirectlyConnected", "isGlobal": "False",
                                                               "useHubGateway": "False"}]}),
    );
    let admin = cli(
        json!({"id": format!("{nm}/securityAdminConfigurations/sac"), "name": "sac",
                           "type": "Microsoft.Network/networkManagers/securityAdminConfigurations",
                           "applyOnNetworkIntentPolicyBasedServices": ["None"]}),
    );
    let collection = cli(
        json!({"id": format!("{nm}/securityAdminConfigurations/sac/ruleCollections/rc"), "name": "rc",
                                "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
                                "appliesToGroups": [{"networkGroupId": format!("{nm}/networkGroups/ng")}]}),
    );
    let rule = cli(
        json!({"id": format!("{nm}/securityAdminConfigurations/sac/ruleCollections/rc/rules/deny-ssh"),
                          "name": "deny-ssh", "kind": "Custom",
                          "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
                          "access": "Deny", "direction": "Inbound", "priority": 10, "protocol": "TCP",
                          "sources": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                          "destinations": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                          "sourcePortRanges": [], "destinationPortRanges": ["22"], "description": null}),
    );
    let (imported, scenario) = check(&[
        ("manager.json", manager),
        ("groups.json", groups),
        ("member.json", member),
        ("config.json", config),
        ("admin.json", admin),
        ("collection.json", collection),
        ("rule.json", rule),
    ]);
    let model = scenario.model();
    assert_eq!(model.managers.len(), 1);
    assert_eq!(model.groups.len(), 1);
    assert_eq!(model.static_members.len(), 1);
    let mesh = model.connectivity_configs.values().next().unwrap();
    assert!(mesh.groups[0].directly_connected);
    let sac = model.security_admin_configs.values().next().unwrap();
    assert_eq!(sac.collections.len(), 1);
    let deny = &sac.collections[0].rules[0];
    assert_eq!(deny.priority, 10);
    assert_eq!(deny.protocol, crate::model::Protocol::Tcp);
    assert_eq!(deny.destination_ports.len(), 1);
    assert_eq!(
        imported.to_value()["resources"][6]["kind"],
        json!("Custom"),
        "`kind` stays beside `properties`"
    );
    assert_eq!(lines(&imported, ReportKind::Read).len(), 7);
}

#[test]
fn a_parameters_file_alone_is_refused() {
    let parameters = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0", "parameters": {"prefix": {"value": "x"}}});
    let error = import(&[Source::new("p.json", parameters.to_string())]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "nothing to import: `p.json` is an ARM parameters file, and no template was imported with it"
    );
}

#[test]
fn resource_id_without_a_resource_group_is_at_the_deployment_scope() {
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            {"type": "Microsoft.Authorization/policyAssignments", "apiVersion": "2023-04-01", "name": "assign",
             "properties": {"policyDefinitionId": "[resourceId('Microsoft.Authorization/policyDefinitions', 'd')]"}}
        ]
    });
    let (_, scenario) = check(&[("sub.json", template)]);
    let assignment = scenario.model().policy_assignments.values().next().unwrap();
    assert_eq!(
        assignment.definition.as_str(),
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/policyDefinitions/d"
    );
    assert_eq!(
        assignment.id.as_str(),
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/policyAssignments/assign"
    );
}

#[test]
fn the_2021_preview_group_members_become_static_members() {
    let nm = format!("{RG}/Microsoft.Network/networkManagers/nm");
    let group = json!({"id": format!("{nm}/networkGroups/g"), "type": "Microsoft.Network/networkManagers/networkGroups",
                       "properties": {"groupMembers": [{"resourceId": format!("{RG}/Microsoft.Network/virtualnetworks/a")}],
                                      "conditionalMembership": "{\"allOf\": []}"}});
    let (imported, scenario) = check(&[("group.json", group)]);
    let members: Vec<(&str, &str)> = scenario
        .model()
        .static_members
        .values()
        .map(|m| (m.id.as_str(), m.resource.as_str()))
        .collect();
    let id = format!("{nm}/networkGroups/g/staticMembers/a");
    let vnet = format!("{RG}/Microsoft.Network/virtualNetworks/a");
    assert_eq!(members, [(id.as_str(), vnet.as_str())]);
    assert_eq!(
        lines(&imported, ReportKind::Skipped),
        ["group.json properties.conditionalMembership"]
    );
}

#[test]
fn a_top_level_array_is_read_an_element_a_step() {
    // `az network vnet list` prints an array: a large one is read between the page's frames like a document.
    let list = json!([vnet("a", "10.0.0.0/16"), {"time": "2026-12-06T10:00:00Z"}, vnet("b", "10.1.0.0/16")]);
    let sources = [Source::new("vnets.json", list.to_string())];
    let mut preparing = parse(&sources).preparing();
    for read in 1..=2 {
        assert!(!preparing.step(1), "element {read} of 3");
        assert_eq!(preparing.progress(), (read, 3));
    }
    assert!(preparing.step(1));
    assert_eq!(preparing.progress(), (3, 3));
    let imported = import(&sources).unwrap();
    let (document, report) = (imported.to_value(), imported.report.clone());
    let mut prepared = preparing.finish().unwrap();
    assert_eq!(prepared.document, document);
    assert_eq!(prepared.report, report);
    assert_eq!(
        lines(&imported, ReportKind::Read),
        ["vnets.json [0]", "vnets.json [2]"]
    );
    assert_eq!(lines(&imported, ReportKind::Skipped), ["vnets.json [1]"]);
    assert!(prepared.reading().is_ok());
}

#[test]
fn a_top_level_array_that_gives_nothing_says_what_its_elements_look_like() {
    let refused = |list: Value| {
        let sources = [Source::new("list.json", list.to_string())];
        let mut preparing = parse(&sources).preparing();
        while !preparing.step(1) {}
        let stepped = preparing.finish().unwrap_err().to_string();
        assert_eq!(stepped, import(&sources).unwrap_err().to_string());
        stepped
    };
    // Whichever element is a condition, read one at a time (the others dropped once read).
    let conditions = json!([{"time": "2026-12-06T10:00:00Z"}, {"field": "name", "like": "vnet-*"}, {"level": "info"}]);
    assert!(
        refused(conditions)
            .contains("`list.json` is a list of policy rule conditions, not resources"),
        "a condition among other elements"
    );
    let records = json!([{"time": "2026-12-06T10:00:00Z"}, {"level": "info"}]);
    assert!(!refused(records).contains("policy rule conditions"));
    assert!(refused(json!([])).contains("`list.json` is an empty list"));
}

#[test]
fn a_list_is_read_an_element_a_step() {
    // An ARM GET list, as `az rest` prints it: its elements one a step, after the line about its further pages.
    let list = json!({"value": [vnet("a", "10.0.0.0/16"), vnet("b", "10.1.0.0/16")],
                      "nextLink": "https://management.azure.com/next"});
    let sources = [Source::new("list.json", list.to_string())];
    let mut preparing = parse(&sources).preparing();
    assert!(!preparing.step(1));
    assert_eq!(preparing.progress(), (1, 2));
    assert!(preparing.step(1));
    let prepared = preparing.finish().unwrap();
    let imported = import(&sources).unwrap();
    assert_eq!(prepared.report, imported.report);
    assert_eq!(
        imported
            .report
            .iter()
            .map(|l| format!("{} {}", l.kind, l.path))
            .collect::<Vec<_>>(),
        ["skipped nextLink", "read value[0]", "read value[1]"]
    );
}
