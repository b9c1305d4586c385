//! The exports (`avnm_core::export`) checked for structure on every example of `static/examples/`, and against
//! expectations derived by hand from `hub-spoke-guardrails.json`.
//!
//! - ARM: valid JSON with the template schema; every resource has a type, an API version and a name with one
//!   segment per level of its type; every `dependsOn` names a resource of the same template; every resource of
//!   the document is deployed at the id it has in the document; the commits are in `metadata.commits`, in order.
//! - Bicep: balanced braces outside strings; every symbolic name used (`x.id`, `parent: x`, `dependsOn`) is
//!   declared in its file; every module file exists.
//!   No Bicep compiler can be had here (it ships on NuGet, which this machine does not reach), so no
//!   `bicep build`.
//! - Terraform: parsed by `hcl-rs` (HCL syntax); every `azurerm_x.y` reference and provider alias is declared;
//!   deployments in commit order, each waiting for the one before.
//!   `terraform validate` needs the provider, which `terraform init` downloads: not done.
//! - az: `bash -n` accepts the script; every line is an `az` command; the commits come last, in order.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};

use avnm_core::Scenario;
use avnm_core::export::{Format, export};
use serde_json::Value;

fn examples() -> Vec<(String, Scenario)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../static/examples");
    let mut out: Vec<(String, Scenario)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, scenario)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 7, "the examples are found");
    out
}

fn guardrails() -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../static/examples/hub-spoke-guardrails.json"
    );
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------------------
// ARM

/// The arguments of an ARM resource-id expression: (type, names), or `None` when it is a plain name.
fn id_expression(text: &str) -> Option<(String, Vec<String>)> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let open = inner.find('(')?;
    let function = &inner[..open];
    let mut args = &inner[open + 1..inner.len() - 1];
    if function == "extensionResourceId" {
        args = args
            .strip_prefix("managementGroup().id, ")
            .expect("a management group scope");
    } else {
        assert!(
            ["resourceId", "subscriptionResourceId", "tenantResourceId"].contains(&function),
            "`{function}` in `{text}`"
        );
    }
    // Quoted arguments with `''` for a quote.
    let mut values = Vec::new();
    let chars: Vec<char> = args.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        assert_eq!(chars[i], '\'', "a quoted argument in `{text}`");
        i += 1;
        let mut value = String::new();
        loop {
            if chars[i] == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    value.push('\'');
                    i += 2;
                    continue;
                }
                i += 1;
                break;
            }
            value.push(chars[i]);
            i += 1;
        }
        values.push(value);
        if i < chars.len() {
            assert_eq!(&args[i..i + 2], ", ", "arguments separated in `{text}`");
            i += 2;
        }
    }
    let mut values = values.into_iter();
    let kind = values.next()?;
    Some((kind, values.collect()))
}

/// One level of an ARM template: checks its resources and their `dependsOn`, and returns the ids deployed.
fn check_template(name: &str, template: &Value, prefix: &str, schema: &str) -> Vec<String> {
    assert_eq!(template["$schema"], schema, "{name}: schema at {prefix}");
    assert_eq!(template["contentVersion"], "1.0.0.0", "{name}");
    let resources = template["resources"].as_array().expect("resources");
    let declared: Vec<(String, Vec<String>)> = resources
        .iter()
        .map(|r| {
            let kind = r["type"].as_str().expect("type").to_owned();
            let names: Vec<String> = r["name"]
                .as_str()
                .expect("name")
                .split('/')
                .map(str::to_owned)
                .collect();
            // Parent and child names are consistent: one name per level of the type.
            assert_eq!(
                names.len(),
                kind.split('/').count() - 1,
                "{name}: `{}` of type `{kind}`",
                r["name"]
            );
            let api = r["apiVersion"].as_str().expect("apiVersion");
            assert!(
                api.len() == 10 && api.chars().filter(|c| *c == '-').count() == 2,
                "{name}: api version `{api}`"
            );
            (kind.to_ascii_lowercase(), names)
        })
        .collect();
    let plain: BTreeSet<&str> = resources
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let mut ids = Vec::new();
    for r in resources {
        for d in r["dependsOn"].as_array().into_iter().flatten() {
            let d = d.as_str().unwrap();
            match id_expression(d) {
                Some((kind, names)) => assert!(
                    declared.contains(&(kind.to_ascii_lowercase(), names)),
                    "{name}: `{d}` is not a resource of the template at {prefix}"
                ),
                None => assert!(
                    plain.contains(d),
                    "{name}: `{d}` is not a resource name at {prefix}"
                ),
            }
        }
        let kind = r["type"].as_str().unwrap();
        if kind == "Microsoft.Resources/deployments" {
            let inner = &r["properties"]["template"];
            assert_eq!(r["properties"]["mode"], "Incremental");
            let (scope, schema) = match (
                r["subscriptionId"].as_str(),
                r["resourceGroup"].as_str(),
                r["scope"].as_str(),
            ) {
                (Some(s), Some(g), None) => (
                    format!("/subscriptions/{s}/resourceGroups/{g}"),
                    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                ),
                (Some(s), None, None) => (
                    format!("/subscriptions/{s}"),
                    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
                ),
                (None, None, Some(m)) => (
                    format!("/providers/{m}"),
                    "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
                ),
                other => panic!("{name}: a nested deployment without a scope: {other:?}"),
            };
            if !scope.contains("/resourceGroups/") {
                assert!(
                    r["location"].is_string(),
                    "{name}: a location for `{scope}`"
                );
            }
            ids.extend(check_template(name, inner, &scope, schema));
        } else {
            let names: Vec<&str> = r["name"].as_str().unwrap().split('/').collect();
            let (namespace, types) = kind.split_once('/').unwrap();
            let mut id = format!("{prefix}/providers/{namespace}");
            for (t, n) in types.split('/').zip(&names) {
                id.push_str(&format!("/{t}/{n}"));
            }
            // A resource group's id has no provider.
            ids.push(id.to_ascii_lowercase().replace(
                "/providers/microsoft.resources/resourcegroups/",
                "/resourcegroups/",
            ));
        }
    }
    ids
}

/// The ids the document deploys: its resources (less the descriptive subscriptions), inline peerings.
fn document_ids(scenario: &Scenario) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for r in scenario.to_value()["resources"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let kind = r["type"].as_str().unwrap();
        if kind == "Microsoft.Resources/subscriptions" {
            continue;
        }
        ids.insert(id.to_ascii_lowercase());
        for p in r["properties"]["virtualNetworkPeerings"]
            .as_array()
            .into_iter()
            .flatten()
        {
            ids.insert(
                format!(
                    "{id}/virtualNetworkPeerings/{}",
                    p["name"].as_str().unwrap()
                )
                .to_ascii_lowercase(),
            );
        }
    }
    ids
}

#[track_caller]
fn check_arm(name: &str, scenario: &Scenario) -> Value {
    let exported = export(scenario, Format::Arm);
    let template: Value = serde_json::from_str(&exported.text)
        .unwrap_or_else(|e| panic!("{name}: the ARM export is not JSON: {e}"));
    let tenant = template["$schema"]
        == "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#";
    let schema = if tenant {
        "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#"
    } else {
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
    };
    let deployed: BTreeSet<String> = check_template(name, &template, "", schema)
        .into_iter()
        .collect();
    // Nothing of the document is lost, and nothing is deployed that the document does not have (but the
    // subscriptions' tags, their places under management groups and, in a tenant template, their display
    // names as aliases, which the document gives another way).
    for id in document_ids(scenario) {
        assert!(deployed.contains(&id), "{name}: `{id}` is not deployed");
    }
    let ids = document_ids(scenario);
    let named: BTreeSet<String> = scenario.to_value()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["type"] == "Microsoft.Resources/subscriptions"
                && r["properties"]["displayName"].is_string()
        })
        .map(|r| {
            let guid = r["id"].as_str().unwrap().rsplit('/').next().unwrap();
            format!("/providers/microsoft.subscription/aliases/{guid}").to_ascii_lowercase()
        })
        .collect();
    for id in &deployed {
        assert!(
            ids.contains(id)
                || id.ends_with("/providers/microsoft.resources/tags/default")
                || id.contains("/managementgroups/") && id.contains("/subscriptions/")
                || tenant && named.contains(id),
            "{name}: `{id}` is not in the document"
        );
    }
    // The commits, in order, with their fields.
    let commits = scenario.to_value()["commits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let written = template["metadata"]["commits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(written.len(), commits.len(), "{name}: commits");
    for (w, c) in written.iter().zip(&commits) {
        for key in [
            "networkManagerId",
            "commitType",
            "configurationIds",
            "targetLocations",
        ] {
            assert_eq!(w[key], c[key], "{name}: commit {key}");
        }
        assert!(
            w["command"]
                .as_str()
                .unwrap()
                .starts_with("az network manager post-commit ")
        );
    }
    template
}

#[test]
fn arm_exports_are_templates_that_deploy_every_resource_of_every_example() {
    for (name, scenario) in examples() {
        check_arm(&name, &scenario);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Bicep

/// The code of a Bicep file with strings and comments taken out (interpolations kept as code).
fn bicep_code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    // A stack of contexts: true inside a string, false inside code (an interpolation).
    let mut stack: Vec<bool> = vec![false];
    let mut depth: Vec<usize> = vec![0];
    while i < chars.len() {
        let c = chars[i];
        if *stack.last().unwrap() {
            match c {
                '\\' => i += 1,
                '\'' => {
                    stack.pop();
                    depth.pop();
                    out.push('"');
                }
                '$' if chars.get(i + 1) == Some(&'{') => {
                    stack.push(false);
                    depth.push(0);
                    i += 1;
                }
                _ => {}
            }
        } else {
            match c {
                '/' if chars.get(i + 1) == Some(&'/') => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                    out.push('\n');
                }
                '\'' => {
                    stack.push(true);
                    depth.push(0);
                    out.push('"');
                }
                '{' => {
                    *depth.last_mut().unwrap() += 1;
                    out.push(c);
                }
                '}' if stack.len() > 1 && *depth.last().unwrap() == 0 => {
                    // The end of an interpolation.
                    stack.pop();
                    depth.pop();
                    out.push(' ');
                }
                '}' => {
                    *depth.last_mut().unwrap() -= 1;
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        i += 1;
    }
    assert_eq!(stack, [false], "strings are closed");
    out
}

fn balanced(code: &str) -> bool {
    let mut stack = Vec::new();
    for c in code.chars() {
        let open = match c {
            '{' | '[' | '(' => {
                stack.push(c);
                continue;
            }
            '}' => '{',
            ']' => '[',
            ')' => '(',
            _ => continue,
        };
        if stack.pop() != Some(open) {
            return false;
        }
    }
    stack.is_empty()
}

fn words(code: &str) -> Vec<&str> {
    code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The files of a Bicep export, by name.
fn bicep_files(text: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("// file: ") {
            if let Some((n, t)) = current.take() {
                files.insert(n, t);
            }
            current = Some((name.to_owned(), String::new()));
        }
        let (_, t) = current.as_mut().expect("the export opens with a file line");
        t.push_str(line);
        t.push('\n');
    }
    if let Some((n, t)) = current {
        files.insert(n, t);
    }
    files
}

#[track_caller]
fn check_bicep(name: &str, scenario: &Scenario) -> BTreeMap<String, String> {
    let exported = export(scenario, Format::Bicep);
    let files = bicep_files(&exported.text);
    assert!(files.contains_key("main.bicep"), "{name}: main.bicep");
    for (file, text) in &files {
        let code = bicep_code(text);
        assert!(balanced(&code), "{name}: {file}: braces do not balance");
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("targetScope = "))
                .count(),
            1,
            "{name}: {file}: one target scope"
        );
        let mut declared = BTreeSet::new();
        for line in code.lines() {
            for keyword in ["resource ", "module "] {
                if let Some(rest) = line.strip_prefix(keyword) {
                    let sym = rest.split_whitespace().next().unwrap();
                    assert!(
                        declared.insert(sym.to_owned()),
                        "{name}: {file}: `{sym}` declared twice"
                    );
                }
            }
        }
        for line in text.lines() {
            if let Some(path) = line
                .strip_prefix("module ")
                .and_then(|r| r.split('\'').nth(1))
            {
                assert!(
                    files.contains_key(path),
                    "{name}: the module file `{path}` is missing"
                );
            }
        }
        // Every symbol used is declared: `x.id`, `x.name`, `parent: x`, and dependsOn lists.
        for word in words(&code) {
            if let Some((sym, field)) = word.split_once('.')
                && ["id", "name"].contains(&field)
            {
                assert!(
                    declared.contains(sym),
                    "{name}: {file}: `{word}` uses an undeclared `{sym}`"
                );
            }
        }
        let mut in_depends = false;
        for raw in code.lines() {
            let line = raw.trim();
            // `parent:` of a resource (two spaces in), not a property named `parent`.
            if let Some(parent) = raw.strip_prefix("  parent: ") {
                assert!(
                    declared.contains(parent),
                    "{name}: {file}: parent `{parent}`"
                );
            }
            if line == "dependsOn: [" {
                in_depends = true;
            } else if in_depends && line == "]" {
                in_depends = false;
            } else if in_depends {
                assert!(
                    declared.contains(line),
                    "{name}: {file}: dependsOn `{line}`"
                );
            }
        }
    }
    files
}

#[test]
fn bicep_exports_balance_and_declare_every_symbol_they_use() {
    for (name, scenario) in examples() {
        check_bicep(&name, &scenario);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Terraform

/// `resource "type" "name"` blocks of a configuration that HCL parses.
#[track_caller]
fn terraform_resources(name: &str, text: &str) -> Vec<(String, String)> {
    let body = hcl::parse(text)
        .unwrap_or_else(|e| panic!("{name}: the Terraform export does not parse: {e}"));
    body.blocks()
        .filter(|b| b.identifier() == "resource")
        .map(|b| {
            let labels = b.labels();
            (labels[0].as_str().to_owned(), labels[1].as_str().to_owned())
        })
        .collect()
}

/// `azurerm_x.y` references followed by `.id` or `.name`.
fn terraform_references(text: &str) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    for word in words(text) {
        let parts: Vec<&str> = word.split('.').collect();
        if parts.len() == 3
            && parts[0].starts_with("azurerm_")
            && ["id", "name"].contains(&parts[2])
        {
            refs.push((parts[0].to_owned(), parts[1].to_owned()));
        }
    }
    refs
}

#[track_caller]
fn check_terraform(name: &str, scenario: &Scenario) -> String {
    let text = export(scenario, Format::Terraform).text;
    let resources = terraform_resources(name, &text);
    let declared: BTreeSet<&(String, String)> = resources.iter().collect();
    assert_eq!(
        declared.len(),
        resources.len(),
        "{name}: a resource declared twice"
    );
    for r in terraform_references(&text) {
        assert!(
            declared.contains(&r),
            "{name}: `{}.{}` is not declared",
            r.0,
            r.1
        );
    }
    let aliases: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("alias           = "))
        .map(|a| a.trim_matches('"').to_owned())
        .collect();
    for line in text.lines() {
        if let Some(alias) = line.trim().strip_prefix("provider = azurerm.") {
            assert!(aliases.contains(alias), "{name}: provider alias `{alias}`");
        }
        // `depends_on` lists only declared resources.
        if let Some(list) = line.trim().strip_prefix("depends_on = [") {
            for r in list.trim_end_matches(']').split(", ") {
                let (t, n) = r.split_once('.').unwrap();
                assert!(
                    declared.contains(&(t.to_owned(), n.to_owned())),
                    "{name}: depends_on `{r}`"
                );
            }
        }
    }
    // Deployments in commit order, each after the one before.
    let mut last_commit: Option<usize> = None;
    let mut previous: Option<String> = None;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("resource \"azurerm_network_manager_deployment\" \"")
        {
            let sym = rest.trim_end_matches("\" {");
            let commit: usize = lines[i - 1]
                .strip_prefix("# commits[")
                .and_then(|r| r.strip_suffix(']'))
                .expect("a deployment names its commit")
                .parse()
                .unwrap();
            assert!(
                last_commit.is_none_or(|l| l <= commit),
                "{name}: deployments in commit order"
            );
            if let Some(p) = &previous {
                let block: String = lines[i..]
                    .iter()
                    .take_while(|l| **l != "}")
                    .copied()
                    .collect();
                assert!(
                    block.contains(&format!(
                        "depends_on = [azurerm_network_manager_deployment.{p}"
                    )),
                    "{name}: `{sym}` waits for `{p}`"
                );
            }
            last_commit = Some(commit);
            previous = Some(sym.to_owned());
        }
    }
    text
}

#[test]
fn terraform_exports_parse_and_refer_only_to_declared_resources() {
    for (name, scenario) in examples() {
        check_terraform(&name, &scenario);
    }
}

// ---------------------------------------------------------------------------------------------------------
// az

/// The commands of a script: continuation lines joined, comments and blank lines left out.
fn az_commands(text: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if current.is_empty()
            && (line.starts_with('#') || line.trim().is_empty() || line == "set -euo pipefail")
        {
            continue;
        }
        match line.strip_suffix(" \\") {
            Some(part) => {
                current.push_str(part.trim());
                current.push(' ');
            }
            None => {
                current.push_str(line.trim());
                commands.push(std::mem::take(&mut current));
            }
        }
    }
    commands
}

#[track_caller]
fn bash_accepts(name: &str, script: &str) {
    let mut child = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{name}: bash -n: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[track_caller]
fn check_az(name: &str, scenario: &Scenario) -> Vec<String> {
    let text = export(scenario, Format::Az).text;
    assert!(text.starts_with("#!/usr/bin/env bash\n"), "{name}");
    bash_accepts(name, &text);
    let commands = az_commands(&text);
    for c in &commands {
        assert!(c.starts_with("az "), "{name}: `{c}` is not an az command");
    }
    let commits = scenario.to_value()["commits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let first_commit = commands
        .iter()
        .position(|c| c.starts_with("az network manager post-commit"))
        .unwrap_or(commands.len());
    assert_eq!(
        commands.len() - first_commit,
        commits.len(),
        "{name}: one post-commit per commit, last"
    );
    for (c, commit) in commands[first_commit..].iter().zip(&commits) {
        assert!(c.contains(&format!(
            "--commit-type {}",
            commit["commitType"].as_str().unwrap()
        )));
        // Each configuration committed (that the document has) is created before.
        let ids = document_ids(scenario);
        for id in commit["configurationIds"].as_array().unwrap() {
            if !ids.contains(&id.as_str().unwrap().to_ascii_lowercase()) {
                continue;
            }
            let config = id
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_ascii_lowercase();
            assert!(
                commands[..first_commit].iter().any(|x| x
                    .to_ascii_lowercase()
                    .contains(&format!("--configuration-name {config} "))),
                "{name}: `{config}` is created before its commit"
            );
        }
    }
    commands
}

#[test]
fn az_exports_are_bash_scripts_of_az_commands_with_the_commits_last() {
    for (name, scenario) in examples() {
        check_az(&name, &scenario);
    }
}

// ---------------------------------------------------------------------------------------------------------
// The guardrails example, by hand: 1 network manager `nm-contoso` in `rg-network` with the groups
// `ng-production` (filled by the policy `avnm-ng-production` on the tag env=prod, assigned at the subscription)
// and `ng-test` (static members `sm-vnet-test-1`, `sm-vnet-test-2`); the hub-and-spoke configuration
// `cc-hub-and-spoke` with the hub `vnet-hub`; the security admin configuration `sac-guardrails` with the rule
// collections `rc-organization` (rule `deny-ssh`, priority 100) and `rc-production-exception` (rule
// `allow-ssh-from-hub`, priority 50); 5 VNets and 5 NICs in `rg-spokes`; 2 commits, Connectivity then
// SecurityAdmin, both to westeurope.

const SUB: &str = "aaaaaaaa-0000-0000-0000-000000000001";

#[test]
fn guardrails_arm_has_one_deployment_per_scope_with_the_resources_by_hand() {
    let template = check_arm("guardrails", &guardrails());
    assert_eq!(
        template["$schema"],
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "no management group: a resource-group template"
    );
    let deployments = template["resources"].as_array().unwrap();
    let by_name = |n: &str| {
        deployments
            .iter()
            .find(|d| d["name"] == n)
            .unwrap_or_else(|| panic!("the deployment `{n}`"))
    };
    let inner = |d: &Value| -> Vec<(String, String)> {
        d["properties"]["template"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["type"].as_str().unwrap().to_owned(),
                    r["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(deployments.len(), 3);
    let network = by_name("avnm-rg-network");
    assert_eq!(network["subscriptionId"], SUB);
    assert_eq!(network["resourceGroup"], "rg-network");
    let nm = "Microsoft.Network/networkManagers";
    let expected: Vec<(String, String)> = [
        (nm.to_owned(), "nm-contoso"),
        (format!("{nm}/networkGroups"), "nm-contoso/ng-production"),
        (format!("{nm}/networkGroups"), "nm-contoso/ng-test"),
        (
            format!("{nm}/networkGroups/staticMembers"),
            "nm-contoso/ng-test/sm-vnet-test-1",
        ),
        (
            format!("{nm}/networkGroups/staticMembers"),
            "nm-contoso/ng-test/sm-vnet-test-2",
        ),
        (
            format!("{nm}/connectivityConfigurations"),
            "nm-contoso/cc-hub-and-spoke",
        ),
        (
            format!("{nm}/securityAdminConfigurations"),
            "nm-contoso/sac-guardrails",
        ),
        (
            format!("{nm}/securityAdminConfigurations/ruleCollections"),
            "nm-contoso/sac-guardrails/rc-organization",
        ),
        (
            format!("{nm}/securityAdminConfigurations/ruleCollections/rules"),
            "nm-contoso/sac-guardrails/rc-organization/deny-ssh",
        ),
        (
            format!("{nm}/securityAdminConfigurations/ruleCollections"),
            "nm-contoso/sac-guardrails/rc-production-exception",
        ),
        (
            format!("{nm}/securityAdminConfigurations/ruleCollections/rules"),
            "nm-contoso/sac-guardrails/rc-production-exception/allow-ssh-from-hub",
        ),
    ]
    .into_iter()
    .map(|(t, n)| (t, n.to_owned()))
    .collect();
    let mut got = inner(network);
    got.sort();
    let mut want = expected;
    want.sort();
    assert_eq!(got, want);
    // The static members and the hub refer to VNets of rg-spokes: that deployment comes first.
    assert_eq!(network["dependsOn"], serde_json::json!(["avnm-rg-spokes"]));

    let spokes = by_name("avnm-rg-spokes");
    let spokes_resources = inner(spokes);
    let vnets: Vec<&str> = spokes_resources
        .iter()
        .filter(|(t, _)| t == "Microsoft.Network/virtualNetworks")
        .map(|(_, n)| n.as_str())
        .collect();
    assert_eq!(
        vnets,
        [
            "vnet-hub",
            "vnet-prod-1",
            "vnet-prod-2",
            "vnet-test-1",
            "vnet-test-2"
        ]
    );
    let nics = spokes_resources
        .iter()
        .filter(|(t, _)| t == "Microsoft.Network/networkInterfaces")
        .count();
    assert_eq!(nics, 5);

    let policy = by_name(&format!("avnm-sub-{SUB}"));
    assert_eq!(policy["subscriptionId"], SUB);
    assert!(policy["resourceGroup"].is_null());
    assert_eq!(
        inner(policy),
        [
            (
                "Microsoft.Authorization/policyDefinitions".to_owned(),
                "avnm-ng-production".to_owned()
            ),
            (
                "Microsoft.Authorization/policyAssignments".to_owned(),
                "avnm-ng-production-assign-0".to_owned()
            ),
        ]
    );
    // The policy rule names ng-production: the policies come after the network manager's deployment.
    assert_eq!(policy["dependsOn"], serde_json::json!(["avnm-rg-network"]));

    // The deny rule as the document has it, with its kind.
    let rule = network["properties"]["template"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "nm-contoso/sac-guardrails/rc-organization/deny-ssh")
        .unwrap();
    assert_eq!(rule["kind"], "Custom");
    assert_eq!(rule["properties"]["priority"], 100);
    assert_eq!(
        rule["properties"]["destinationPortRanges"],
        serde_json::json!(["22"])
    );

    let commits = template["metadata"]["commits"].as_array().unwrap();
    let types: Vec<&str> = commits
        .iter()
        .map(|c| c["commitType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["Connectivity", "SecurityAdmin"]);
}

#[test]
fn guardrails_bicep_has_modules_parents_and_existing_vnets_by_hand() {
    let files = check_bicep("guardrails", &guardrails());
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "avnm-rg-network.bicep",
            "avnm-rg-spokes.bicep",
            &format!("avnm-sub-{SUB}.bicep"),
            "main.bicep"
        ]
    );
    let main = &files["main.bicep"];
    assert!(main.contains("targetScope = 'resourceGroup'"));
    assert!(main.contains(&format!("scope: resourceGroup('{SUB}', 'rg-network')")));
    assert!(main.contains(&format!("scope: subscription('{SUB}')")));
    let connectivity = main
        .find("--commit-type Connectivity")
        .expect("the connectivity commit");
    let security = main
        .find("--commit-type SecurityAdmin")
        .expect("the security admin commit");
    assert!(connectivity < security, "commits in order");

    let network = &files["avnm-rg-network.bicep"];
    assert!(network.contains("resource ngTest 'Microsoft.Network/networkManagers/networkGroups@2024-05-01' = {\n  parent: nmContoso\n  name: 'ng-test'"));
    assert!(
        network.contains("resourceId: vnetTest1.id"),
        "a static member refers to its VNet"
    );
    assert!(network.contains(&format!(
        "resource vnetTest1 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {{\n  name: 'vnet-test-1'\n  scope: resourceGroup('{SUB}', 'rg-spokes')\n}}"
    )));
    assert!(network.contains("resourceId: vnetHub.id"), "the hub");
    assert!(network.contains("networkGroupId: ngProduction.id"));
    assert!(network.contains("  parent: rcOrganization\n  name: 'deny-ssh'\n  kind: 'Custom'"));
}

#[test]
fn guardrails_terraform_has_the_resources_by_hand() {
    let text = check_terraform("guardrails", &guardrails());
    let resources = terraform_resources("guardrails", &text);
    let count = |t: &str| resources.iter().filter(|(x, _)| x == t).count();
    for (t, n) in [
        ("azurerm_resource_group", 2),
        ("azurerm_virtual_network", 5),
        ("azurerm_subnet", 5),
        ("azurerm_network_interface", 5),
        ("azurerm_network_manager", 1),
        ("azurerm_network_manager_network_group", 2),
        ("azurerm_network_manager_static_member", 2),
        ("azurerm_network_manager_connectivity_configuration", 1),
        ("azurerm_network_manager_security_admin_configuration", 1),
        ("azurerm_network_manager_admin_rule_collection", 2),
        ("azurerm_network_manager_admin_rule", 2),
        ("azurerm_policy_definition", 1),
        ("azurerm_subscription_policy_assignment", 1),
        ("azurerm_network_manager_deployment", 2),
    ] {
        assert_eq!(count(t), n, "{t}");
    }
    assert_eq!(resources.len(), 32, "nothing else");
    assert!(text.contains("    resource_id   = azurerm_virtual_network.vnet_hub.id\n"));
    assert!(text.contains("target_virtual_network_id = azurerm_virtual_network.vnet_test_1.id"));
    assert!(
        text.contains("policy_definition_id = azurerm_policy_definition.avnm_ng_production.id")
    );
    assert!(
        text.contains(
            "\"networkGroupId\" = azurerm_network_manager_network_group.ng_production.id"
        )
    );
    let connectivity = text.find("scope_access = \"Connectivity\"").unwrap();
    let security = text.find("scope_access = \"SecurityAdmin\"").unwrap();
    assert!(connectivity < security);
}

#[test]
fn guardrails_az_script_has_the_commands_by_hand() {
    let commands = check_az("guardrails", &guardrails());
    let count = |prefix: &str| commands.iter().filter(|c| c.starts_with(prefix)).count();
    for (prefix, n) in [
        ("az group create ", 2),
        ("az network vnet create ", 5),
        ("az network vnet subnet create ", 5),
        ("az network nic create ", 5),
        ("az network manager create ", 1),
        ("az network manager group create ", 2),
        ("az network manager group static-member create ", 2),
        ("az network manager connect-config create ", 1),
        ("az network manager security-admin-config create ", 1),
        (
            "az network manager security-admin-config rule-collection create ",
            2,
        ),
        (
            "az network manager security-admin-config rule-collection rule create ",
            2,
        ),
        ("az policy definition create ", 1),
        ("az policy assignment create ", 1),
        ("az network manager post-commit ", 2),
    ] {
        assert_eq!(count(prefix), n, "{prefix}");
    }
    assert_eq!(commands.len(), 32, "nothing else");
    let connect = commands
        .iter()
        .find(|c| c.starts_with("az network manager connect-config create"))
        .unwrap();
    assert!(connect.contains("--connectivity-topology HubAndSpoke"));
    assert!(connect.contains(&format!(
        "--hubs '[{{resource-id:/subscriptions/{SUB}/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/vnet-hub,resource-type:Microsoft.Network/virtualNetworks}}]'"
    )));
    let rule = commands
        .iter()
        .find(|c| c.contains("--rule-name deny-ssh"))
        .unwrap();
    for part in [
        "--priority 100",
        "--access Deny",
        "--direction Inbound",
        "--protocol Tcp",
        "--dest-port-ranges 22",
    ] {
        assert!(rule.contains(part), "`{part}` in `{rule}`");
    }
    let definition = commands
        .iter()
        .find(|c| c.starts_with("az policy definition create"))
        .unwrap();
    assert!(definition.contains("--mode Microsoft.Network.Data"));
    assert!(definition.contains(&format!("--subscription {SUB}")));
}

// ---------------------------------------------------------------------------------------------------------
// Names and values that need escaping

#[test]
fn quotes_brackets_and_interpolations_survive_every_format() {
    let nasty = r#"O'Neil "${x}" %{y} \ [z]"#;
    let document = serde_json::json!({
        "title": "it's \"quoted\"",
        "resources": [
            {
                "id": "/subscriptions/s/resourceGroups/r'g/providers/Microsoft.Network/virtualNetworks/v'1",
                "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
                "tags": {"owner": nasty},
                "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                               "subnets": [{"name": "a", "properties": {"addressPrefix": "10.0.0.0/24"}}]}
            },
            {
                "id": "/subscriptions/s/resourceGroups/r'g/providers/Microsoft.Network/networkManagers/nm",
                "type": "Microsoft.Network/networkManagers", "location": "westeurope",
                "properties": {"description": "[not an expression]",
                               "networkManagerScopes": {"subscriptions": ["/subscriptions/s"]},
                               "networkManagerScopeAccesses": ["Connectivity"]}
            },
            {
                "id": "/subscriptions/s/resourceGroups/r'g/providers/Microsoft.Network/networkManagers/nm/networkGroups/g",
                "type": "Microsoft.Network/networkManagers/networkGroups",
                "properties": {"description": nasty}
            },
            {
                "id": "/subscriptions/s/resourceGroups/r'g/providers/Microsoft.Network/networkManagers/nm/networkGroups/g/staticMembers/m",
                "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
                "properties": {"resourceId": "/subscriptions/s/resourceGroups/r'g/providers/Microsoft.Network/virtualNetworks/v'1"}
            }
        ]
    });
    let scenario = Scenario::from_document(document).unwrap();

    let template = check_arm("escaping", &scenario);
    let inner = &template["resources"][0]["properties"]["template"]["resources"];
    let vnet = inner
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "v'1")
        .unwrap();
    assert_eq!(
        vnet["tags"]["owner"], nasty,
        "JSON carries the value as it is"
    );
    let manager = inner
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "nm")
        .unwrap();
    assert_eq!(
        manager["properties"]["description"], "[[not an expression]",
        "a string that starts with `[` is escaped"
    );
    let member = inner
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "nm/g/m")
        .unwrap();
    assert!(
        member["dependsOn"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "[resourceId('Microsoft.Network/virtualNetworks', 'v''1')]"),
        "a quote in a name is doubled in an expression: {}",
        member["dependsOn"]
    );

    let files = check_bicep("escaping", &scenario);
    let module = files.values().find(|t| t.contains("resource v1 ")).unwrap();
    assert!(
        module.contains(r#"owner: 'O\'Neil "\${x}" %{y} \\ [z]'"#),
        "{module}"
    );
    assert!(module.contains("name: 'v\\'1'"));

    let terraform = check_terraform("escaping", &scenario);
    assert!(
        terraform.contains(r#""owner" = "O'Neil \"$${x}\" %%{y} \\ [z]""#),
        "{terraform}"
    );
    assert!(terraform.contains(r#"name     = "r'g""#));

    let commands = check_az("escaping", &scenario);
    assert!(
        commands
            .iter()
            .any(|c| c.contains(r#"--tags 'owner=O'\''Neil "${x}" %{y} \ [z]'"#))
    );
    assert!(
        commands
            .iter()
            .any(|c| c.contains(r"--resource-group 'r'\''g'"))
    );
}

/// Every scenario file of `tests/data/`, with its path.
fn scenario_files() -> Vec<(String, Scenario)> {
    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    collect(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data")),
        &mut paths,
    );
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let file: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let scenario = Scenario::from_document(file.get("scenario")?.clone()).ok()?;
            Some((p.display().to_string(), scenario))
        })
        .collect()
}

#[test]
fn every_scenario_file_exports_in_every_format_with_the_same_structure() {
    let files = scenario_files();
    assert!(files.len() > 50, "the scenario files are found");
    for (name, scenario) in files {
        check_arm(&name, &scenario);
        check_bicep(&name, &scenario);
        check_terraform(&name, &scenario);
        check_az(&name, &scenario);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Any document that loads exports without a panic, in a well-formed text.

mod mutated {
    use proptest::prelude::*;

    use super::*;

    fn replacement() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-zA-Z0-9/.*_'\"$%{}\\[\\] -]{0,16}".prop_map(Value::String),
            prop::sample::select(vec![
                "it's",
                "${x}",
                "%{y}",
                "[parameters('x')]",
                "",
                "/",
                "/subscriptions/x",
                "/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/virtualNetworks",
                "/providers/Microsoft.Management/managementGroups/m",
                "line\nbreak",
                "é ü 中",
            ])
            .prop_map(|s| Value::String(s.to_owned())),
            Just(Value::Array(vec![])),
            Just(serde_json::json!({})),
        ]
    }

    /// Every path to a string value in a document.
    fn string_paths(value: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    prefix.push(Value::from(k.as_str()));
                    string_paths(v, prefix, out);
                    prefix.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    prefix.push(Value::from(i));
                    string_paths(v, prefix, out);
                    prefix.pop();
                }
            }
            _ => out.push(prefix.clone()),
        }
    }

    fn at<'v>(value: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
        let mut v = value;
        for step in path {
            v = match step {
                Value::String(k) => v.get_mut(k.as_str())?,
                Value::Number(i) => v.get_mut(usize::try_from(i.as_u64()?).ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn mutated_examples_export_well_formed(
            picks in prop::collection::vec((any::<prop::sample::Index>(), replacement()), 1..4),
        ) {
            let mut document = guardrails().to_value();
            for (index, value) in picks {
                let mut all = Vec::new();
                string_paths(&document, &mut Vec::new(), &mut all);
                let path = index.get(&all).clone();
                if let Some(slot) = at(&mut document, &path) {
                    *slot = value;
                }
            }
            if let Ok(scenario) = Scenario::from_document(document) {
                let template: Value = serde_json::from_str(&export(&scenario, Format::Arm).text).expect("JSON");
                let schema = template["$schema"].as_str().unwrap().to_owned();
                check_template("mutated", &template, "", &schema);
                for text in bicep_files(&export(&scenario, Format::Bicep).text).values() {
                    prop_assert!(balanced(&bicep_code(text)));
                }
                let terraform = export(&scenario, Format::Terraform).text;
                terraform_resources("mutated", &terraform);
                bash_accepts("mutated", &export(&scenario, Format::Az).text);
            }
        }
    }
}
