//! What `avnm_core::import` makes of every file of the shared `azure-samples` folder (real Azure JSON), against
//! expectations derived by hand from each file in `import/samples.json`, and of the Azure Verified Module
//! templates given the parameter values in `import/parameters/`.
//!
//! The samples are read from `../shared/azure-samples` beside the repository (or from `$AVNM_SHARED/azure-samples`);
//! a missing folder fails the tests with a message saying where they were looked for.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use avnm_core::import::{ReportKind, Source, import};
use avnm_core::{Scenario, Severity};
use serde_json::{Value, json};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn samples() -> PathBuf {
    let shared = std::env::var_os("AVNM_SHARED")
        .map_or_else(|| repository().join("../shared"), PathBuf::from);
    let dir = shared.join("azure-samples");
    assert!(
        dir.is_dir(),
        "the shared azure-samples folder is missing: looked for `{}` (the shared folder beside the repository, or set AVNM_SHARED)",
        dir.display()
    );
    dir
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn expectations() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("import/samples.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Expands the `{S0}`-style abbreviations of the expectations file.
fn expand(text: &str, abbreviations: &serde_json::Map<String, Value>) -> String {
    let mut text = text.to_owned();
    for _ in 0..5 {
        for (short, long) in abbreviations {
            text = text.replace(short, long.as_str().unwrap());
        }
    }
    text
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// Checks one sample; returns what did not hold.
fn check(
    relative: &str,
    text: &str,
    expected: &Value,
    abbreviations: &serde_json::Map<String, Value>,
) -> Vec<String> {
    let mut failures = Vec::new();
    let mut fail = |what: String| failures.push(format!("{relative}: {what}"));
    let result = import(&[Source::new(relative, text)]);
    if let Some(words) = expected.get("refused") {
        match result {
            Ok(imported) => fail(format!(
                "should be refused, imported {} resources",
                imported.to_value()["resources"]
                    .as_array()
                    .map_or(0, Vec::len)
            )),
            Err(e) => {
                let line = e.to_string();
                for word in strings(Some(words)) {
                    if !line.contains(&word) {
                        fail(format!("the refusal `{line}` should contain `{word}`"));
                    }
                }
                if line.contains('\n') {
                    fail("the refusal is more than one line".to_owned());
                }
                let refused = e
                    .report()
                    .iter()
                    .filter(|l| l.kind == ReportKind::Refused)
                    .count();
                if refused != 1 {
                    fail(format!("{refused} refused lines in the report, not 1"));
                }
            }
        }
        return failures;
    }
    let imported = match result {
        Ok(i) => i,
        Err(e) => {
            fail(format!("should import, was refused: {e}"));
            return failures;
        }
    };
    let found: Vec<String> = imported.to_value()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let kind = r["type"].as_str().unwrap_or_default();
            format!(
                "{} {}",
                kind.rsplit('/').next().unwrap_or_default(),
                r["id"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let wanted: Vec<String> = strings(expected.get("resources"))
        .iter()
        .map(|r| expand(r, abbreviations))
        .collect();
    if found != wanted {
        fail(format!(
            "resources\n  found:    {found:?}\n  expected: {wanted:?}"
        ));
    }
    let commits: Vec<Value> = imported.to_value()["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json!({"networkManagerId": c["networkManagerId"], "commitType": c["commitType"],
                   "configurationIds": c["configurationIds"].as_array().map_or(0, Vec::len),
                   "targetLocations": c["targetLocations"]})
        })
        .collect();
    let wanted_commits: Vec<Value> = expected
        .get("commits")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut c| {
            let id = expand(c["networkManagerId"].as_str().unwrap(), abbreviations);
            c["networkManagerId"] = json!(id);
            c
        })
        .collect();
    if commits != wanted_commits {
        fail(format!(
            "commits\n  found:    {commits:?}\n  expected: {wanted_commits:?}"
        ));
    }
    for (kind, key) in [
        (ReportKind::Skipped, "skipped"),
        (ReportKind::Duplicate, "duplicates"),
    ] {
        let found: BTreeSet<String> = imported
            .report
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.path.clone())
            .collect();
        let wanted: BTreeSet<String> = strings(expected.get(key)).into_iter().collect();
        if found != wanted {
            fail(format!(
                "{key} at\n  found:    {found:?}\n  expected: {wanted:?}"
            ));
        }
    }
    if imported
        .report
        .iter()
        .any(|l| l.kind == ReportKind::Refused)
    {
        fail("a refused line in an import that gave a design".to_owned());
    }
    match imported.design() {
        Err(e) => fail(format!("the imported document does not load: {e}")),
        Ok(scenario) => {
            // The design's diagnostics as `avnm diagnostics` lists them (the deployment's too).
            let errors: BTreeSet<String> = avnm_core::analyze(scenario)
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.code.to_string())
                .collect();
            for code in strings(expected.get("errors")) {
                if !errors.contains(&code) {
                    fail(format!(
                        "the design should have a `{code}` error; it has {errors:?}"
                    ));
                }
            }
        }
    }
    failures
}

#[test]
fn every_azure_sample_imports_as_derived_by_hand_or_is_refused_with_one_line() {
    let dir = samples();
    let expectations = expectations();
    let abbreviations = expectations["abbreviations"].as_object().unwrap();
    let cases = expectations["samples"].as_object().unwrap();
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for file in &files {
        let relative = file
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        seen.insert(relative.clone());
        let Some(expected) = cases.get(&relative) else {
            failures.push(format!("{relative}: no expectation in import/samples.json"));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        failures.extend(check(&relative, &text, expected, abbreviations));
    }
    for name in cases.keys() {
        if !seen.contains(name) {
            failures.push(format!(
                "{name}: expected in import/samples.json but not in the samples folder"
            ));
        }
    }
    assert!(
        files.len() >= 90,
        "only {} sample files found in `{}`",
        files.len(),
        dir.display()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn import_with_parameters(
    template: &str,
    parameters: &str,
) -> (avnm_core::import::Imported, Scenario) {
    let template_path = samples().join(template);
    let parameters_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("import/parameters")
        .join(parameters);
    let sources = [
        Source::new(template, std::fs::read_to_string(template_path).unwrap()),
        Source::new(
            parameters,
            std::fs::read_to_string(parameters_path).unwrap(),
        ),
    ];
    let imported = import(&sources).unwrap_or_else(|e| panic!("{template}: {e}"));
    let scenario = imported.scenario().unwrap();
    (imported, scenario)
}

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network";

#[test]
fn the_verified_module_connectivity_configuration_imports_with_its_parameters() {
    let (imported, scenario) = import_with_parameters(
        "sources/Azure+bicep-registry-modules/avm/res/network/network-manager/connectivity-configuration/main.json",
        "connectivity-configuration.parameters.json",
    );
    let model = scenario.model();
    assert_eq!(model.connectivity_configs.len(), 1);
    let config = model.connectivity_configs.values().next().unwrap();
    assert_eq!(
        config.id.as_str(),
        format!("{RG}/networkManagers/nm-prod/connectivityConfigurations/hub-and-spoke")
    );
    assert_eq!(config.topology, avnm_core::model::Topology::HubAndSpoke);
    let hubs: Vec<&str> = config.hubs.iter().map(|h| h.as_str()).collect();
    assert_eq!(hubs, [format!("{RG}/virtualNetworks/hub")]);
    assert_eq!(config.groups.len(), 1);
    let group = &config.groups[0];
    assert_eq!(
        group.group.as_str(),
        format!("{RG}/networkManagers/nm-prod/networkGroups/spokes")
    );
    assert!(group.directly_connected);
    assert!(
        group.is_global,
        "`isGlobal: true` in the parameters, through `string(coalesce(tryGet(...)))`"
    );
    assert!(
        !group.use_hub_gateway,
        "no `useHubGateway`: `coalesce` gives `false`"
    );
    assert!(
        config.delete_existing_peering,
        "`string(parameters('deleteExistingPeering'))` for HubAndSpoke"
    );
    assert!(!config.is_global);
    let skipped: Vec<&str> = imported
        .report
        .iter()
        .filter(|l| l.kind == ReportKind::Skipped)
        .map(|l| l.path.as_str())
        .collect();
    assert_eq!(
        skipped,
        ["resources.avmTelemetry", "resources.networkManager"]
    );
}

#[test]
fn the_verified_module_static_member_imports_with_its_parameters() {
    let (_, scenario) = import_with_parameters(
        "sources/Azure+bicep-registry-modules/avm/res/network/network-manager/network-group/static-member/main.json",
        "static-member.parameters.json",
    );
    let members: Vec<(String, String)> = scenario
        .model()
        .static_members
        .values()
        .map(|m| (m.id.as_str().to_owned(), m.resource.as_str().to_owned()))
        .collect();
    assert_eq!(
        members,
        [(
            format!("{RG}/networkManagers/nm-prod/networkGroups/spokes/staticMembers/spoke-a"),
            format!("{RG}/virtualNetworks/spoke-a")
        )]
    );
}

#[test]
fn the_verified_module_admin_rule_imports_with_its_parameters() {
    let (imported, _) = import_with_parameters(
        "sources/Azure+bicep-registry-modules/avm/res/network/network-manager/security-admin-configuration/rule-collection/rule/main.json",
        "rule.parameters.json",
    );
    let document = imported.to_value();
    let resources = document["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1);
    let rule = &resources[0];
    assert_eq!(
        rule["id"],
        json!(format!(
            "{RG}/networkManagers/nm-prod/securityAdminConfigurations/guardrails/ruleCollections/baseline/rules/deny-ssh-from-internet"
        ))
    );
    assert_eq!(rule["kind"], json!("Custom"));
    let props = &rule["properties"];
    assert_eq!(props["access"], json!("Deny"));
    assert_eq!(props["priority"], json!(100));
    assert_eq!(props["destinationPortRanges"], json!(["22"]));
    assert_eq!(
        props["sources"],
        json!([{"addressPrefixType": "ServiceTag", "addressPrefix": "Internet"}])
    );
    assert_eq!(
        props["sourcePortRanges"],
        Value::Null,
        "a nullable parameter without a value"
    );
}

fn import_folder(folder: &str) -> (avnm_core::import::Imported, Scenario) {
    let dir = samples().join(folder);
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let sources: Vec<Source> = files
        .iter()
        .map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            Source::new(name, std::fs::read_to_string(f).unwrap())
        })
        .collect();
    let imported = import(&sources).unwrap_or_else(|e| panic!("{folder}: {e}"));
    let scenario = imported.scenario().unwrap();
    (imported, scenario)
}

/// The four bodies of the CLI's peering test (two VNets, a peering each way, both `Connected`) make one
/// existing peering when imported together.
#[test]
fn the_peering_bodies_imported_together_make_one_peering() {
    let (_, scenario) = import_folder("bodies/azure-cli/test_network_vnet_peering");
    let errors: Vec<String> = scenario
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors, Vec::<String>::new());
    let topology = avnm_core::analyze(&scenario).topology;
    let peerings: Vec<(Vec<String>, String)> = topology
        .peerings
        .iter()
        .map(|p| {
            (
                p.vnets.iter().map(|v| v.name().to_owned()).collect(),
                format!("{:?}", p.origin),
            )
        })
        .collect();
    assert_eq!(
        peerings,
        [(
            vec!["vnet1".to_owned(), "vnet2".to_owned()],
            "Existing".to_owned()
        )]
    );
}

/// The bodies of the CLI's admin rule test make a whole chain: manager, group, static member, security admin
/// configuration, rule collection and rule (read twice: `show` and `list` give the same rule).
#[test]
fn the_admin_rule_bodies_imported_together_make_a_whole_configuration() {
    let (imported, scenario) =
        import_folder("bodies/azure-cli-extensions/test_network_manager_admin_rule_crud");
    let model = scenario.model();
    assert_eq!(model.managers.len(), 1);
    assert_eq!(model.groups.len(), 1);
    assert_eq!(model.static_members.len(), 1);
    let config = model.security_admin_configs.values().next().unwrap();
    assert_eq!(config.collections.len(), 1);
    assert_eq!(config.collections[0].rules.len(), 1);
    let duplicates: Vec<&str> = imported
        .report
        .iter()
        .filter(|l| l.kind == ReportKind::Duplicate)
        .map(|l| l.file.as_str())
        .collect();
    assert_eq!(duplicates, ["myRule.GET.value0.json"]);
    let dangling = scenario
        .diagnostics()
        .iter()
        .filter(|d| d.code.to_string() == "dangling-reference")
        .count();
    assert_eq!(
        dangling, 1,
        "only the static member's VNet is not in these bodies"
    );
}
