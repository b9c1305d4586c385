//! `avnm import`, run as a user runs it: Azure JSON in, a scenario document out, the report on standard error.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const NM: &str =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm";
const VNETS: &str =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks";

fn avnm(args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_avnm"))
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("avnm runs");
    if let Some(text) = input {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().expect("avnm ends")
}

/// A folder of its own for one test's files, under the target directory.
fn folder(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("import")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &std::path::Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.display().to_string()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An `az network vnet list` output: two VNets in the CLI's flattened shape.
fn az_vnet_list() -> Value {
    json!([
        {"id": format!("{VNETS}/hub"), "name": "hub", "location": "westeurope", "resourceGroup": "rg",
         "type": "Microsoft.Network/virtualNetworks", "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
         "subnets": [], "tags": {"role": "hub"}, "ddosProtectionPlan": null},
        {"id": format!("{VNETS}/spoke"), "name": "spoke", "location": "westeurope", "resourceGroup": "rg",
         "type": "Microsoft.Network/virtualNetworks", "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
         "subnets": [], "tags": {}, "ddosProtectionPlan": null}
    ])
}

/// A REST API example file of a network group, with its manager and a static member in a list.
fn rest_example() -> Value {
    json!({
        "parameters": {"subscriptionId": "s", "resourceGroupName": "rg", "networkManagerName": "nm"},
        "responses": {"200": {"body": {"value": [
            {"id": NM, "type": "Microsoft.Network/networkManagers", "location": "westeurope",
             "properties": {"networkManagerScopes": {"subscriptions": ["/subscriptions/s"]},
                            "networkManagerScopeAccesses": ["Connectivity"]}},
            {"id": format!("{NM}/networkGroups/spokes"), "type": "Microsoft.Network/networkManagers/networkGroups",
             "properties": {"memberType": "VirtualNetwork"}},
            {"id": format!("{NM}/networkGroups/spokes/staticMembers/spoke"),
             "properties": {"resourceId": format!("{VNETS}/spoke")}}
        ], "nextLink": null}}}
    })
}

#[test]
fn files_of_several_kinds_make_one_design_that_the_other_commands_read() {
    let dir = folder("merge");
    let vnets = write(&dir, "vnets.json", &az_vnet_list());
    let example = write(&dir, "groups.json", &rest_example());
    let out = dir.join("design.json").display().to_string();
    let output = avnm(&["import", &vnets, &example, "-o", &out], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "the document goes to OUT");
    let report = stderr(&output);
    let reads = report.lines().filter(|l| l.starts_with("read ")).count();
    assert_eq!(
        reads, 5,
        "two VNets, a manager, a group and a static member:\n{report}"
    );
    assert!(report.contains(&format!(
        "inferred {example} responses.200.body.value[2].type: no `type`"
    )));

    let membership = avnm(&["membership", &out], None);
    assert!(membership.status.success(), "{}", stderr(&membership));
    let groups: Value = serde_json::from_slice(&membership.stdout).unwrap();
    assert_eq!(
        groups,
        json!({format!("{NM}/networkGroups/spokes"): [format!("{VNETS}/spoke")]})
    );
}

#[test]
fn standard_input_and_standard_output() {
    let output = avnm(&["import", "-"], Some(&az_vnet_list().to_string()));
    assert!(output.status.success(), "{}", stderr(&output));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = document["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hub", "spoke"]);
    assert_eq!(
        document["resources"][0]["properties"]["addressSpace"],
        json!({"addressPrefixes": ["10.0.0.0/16"]})
    );
    assert!(document["resources"][0].get("resourceGroup").is_none());
    assert!(stderr(&output).contains("inferred standard input [0]: no `properties`"));
}

#[test]
fn duplicates_across_files_are_reported_and_the_first_kept() {
    let dir = folder("duplicates");
    let first = write(&dir, "a.json", &az_vnet_list());
    let mut changed = az_vnet_list();
    changed[0]["addressSpace"]["addressPrefixes"] = json!(["10.9.0.0/16"]);
    let second = write(&dir, "b.json", &changed);
    let output = avnm(&["import", &first, &second], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stderr(&output);
    assert!(report.contains(&format!(
        "duplicate {second} [0]: `{VNETS}/hub` was already read from `{first}` at `[0]`; the two differ and the first is kept"
    )), "{report}");
    assert!(report.contains(&format!(
        "duplicate {second} [1]: `{VNETS}/spoke` was already read from `{first}` at `[1]`; the two are the same"
    )), "{report}");
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["resources"].as_array().unwrap().len(), 2);
    assert_eq!(
        document["resources"][0]["properties"]["addressSpace"]["addressPrefixes"],
        json!(["10.0.0.0/16"])
    );
}

#[test]
fn nothing_to_import_exits_2_with_one_line() {
    let output = avnm(
        &["import", "-"],
        Some(r#"{"field": "Name", "contains": "prod"}"#),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let report = stderr(&output);
    let last = report.lines().last().unwrap();
    assert_eq!(
        last,
        "avnm: nothing to import: `standard input` is a policy rule condition, not a resource: put it in the `if` of a policy definition's `policyRule`"
    );

    let output = avnm(&["import", "no-such-file.json"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("avnm: no-such-file.json: "));
}

#[test]
fn the_design_diagnostics_follow_the_report() {
    // A NIC whose private address is written as a prefix, as one of Azure's REST examples has it.
    let nic = json!({"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic",
                     "type": "Microsoft.Network/networkInterfaces", "location": "westeurope",
                     "properties": {"ipConfigurations": [{"name": "ipconfig1",
                        "properties": {"privateIPAddress": "172.20.2.16/28"}}]}});
    let output = avnm(&["import", "-"], Some(&nic.to_string()));
    assert!(output.status.success());
    assert!(
        stderr(&output).contains("diagnostic error[invalid-prefix] at `resources[0].properties.ipConfigurations[0].properties.privateIPAddress`: `172.20.2.16/28` is not an IP address"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn other_commands_point_json_that_is_not_a_design_to_import() {
    let output = avnm(&["membership", "-"], Some(&rest_example().to_string()));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim_end(),
        "avnm: standard input: not a scenario document: looks like a REST API example file (`parameters`, `responses`): import it with `avnm import`"
    );
}
