//! The `avnm` commands of decisions §4, run as a user runs them, on the hub-and-spoke example whose answers
//! are derived by hand in the shared specification (`spec/examples/README.md`).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../static/examples/hub-spoke-guardrails.json"
);
const SUB: &str = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001";

fn vnet(name: &str) -> String {
    format!("{SUB}/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/{name}")
}

fn manager(child: &str) -> String {
    format!(
        "{SUB}/resourceGroups/rg-network/providers/Microsoft.Network/networkManagers/nm-contoso/{child}"
    )
}

fn avnm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avnm"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("avnm runs")
}

fn avnm_stdin(args: &[&str], input: &str) -> Output {
    avnm_piped(args, input, false)
}

/// `avnm` given `input` on standard input; with `reader_gone`, its output's reader closes before it writes
/// (`avnm ... | head`).
fn avnm_piped(args: &[&str], input: &str, reader_gone: bool) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_avnm"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("avnm runs");
    if reader_gone {
        drop(child.stdout.take());
    }
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    child.wait_with_output().expect("avnm ends")
}

#[track_caller]
fn json(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object on standard output")
}

/// A bad input: exit 2, nothing on standard output, one line on standard error that contains `needle`.
#[track_caller]
fn rejected(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "`{needle}` in {stderr}");
}

#[test]
fn membership_lists_every_group_with_its_members() {
    let out = json(&avnm(&["membership", EXAMPLE]));
    let expected = serde_json::json!({
        manager("networkGroups/ng-production"): [vnet("vnet-prod-1"), vnet("vnet-prod-2")],
        manager("networkGroups/ng-test"): [vnet("vnet-test-1"), vnet("vnet-test-2")],
    });
    assert_eq!(out, expected);
}

#[test]
fn topology_has_four_hub_peerings_and_one_connected_group() {
    let out = json(&avnm(&["topology", EXAMPLE]));
    let config = manager("connectivityConfigurations/cc-hub-and-spoke");
    let peerings = out["peerings"].as_array().expect("peerings");
    assert_eq!(peerings.len(), 4);
    for spoke in ["vnet-prod-1", "vnet-prod-2", "vnet-test-1", "vnet-test-2"] {
        assert!(
            peerings.iter().any(|p| p["vnets"]
                == serde_json::json!([vnet("vnet-hub"), vnet(spoke)])
                && p["origin"] == config),
            "hub - {spoke} in {peerings:?}"
        );
    }
    let groups = out["connectedGroups"].as_array().expect("connected groups");
    assert_eq!(groups.len(), 1);
    assert_eq!(
        groups[0]["vnets"],
        serde_json::json!([vnet("vnet-hub"), vnet("vnet-prod-1"), vnet("vnet-prod-2")])
    );
    assert_eq!(groups[0]["configurationId"], config);
}

#[test]
fn verdicts_name_the_deciding_rule() {
    let verdict = |from: &str, to: &str, port: &str| {
        json(&avnm(&[
            "verdict",
            EXAMPLE,
            "--from",
            from,
            "--to",
            to,
            "--protocol",
            "tcp",
            "--port",
            port,
        ]))
    };
    let rule = |collection: &str, name: &str| {
        manager(&format!(
            "securityAdminConfigurations/sac-guardrails/ruleCollections/{collection}/rules/{name}"
        ))
    };
    let v = verdict("10.1.0.4", "10.2.0.4", "443");
    assert_eq!(
        (v["verdict"].as_str(), &v["decidedBy"]),
        (Some("Allowed"), &Value::Null)
    );
    assert!(v["trace"].as_array().is_some_and(|t| !t.is_empty()));
    let v = verdict("10.11.0.4", "10.12.0.4", "443");
    assert_eq!(
        (v["verdict"].as_str(), &v["decidedBy"]),
        (Some("Unreachable"), &Value::Null)
    );
    let v = verdict("10.100.0.4", "10.1.0.4", "22");
    assert_eq!(v["verdict"], "Allowed");
    assert_eq!(
        v["decidedBy"],
        rule("rc-production-exception", "allow-ssh-from-hub")
    );
    let v = verdict("10.100.0.4", "10.11.0.4", "22");
    assert_eq!(v["verdict"], "Denied");
    assert_eq!(v["decidedBy"], rule("rc-organization", "deny-ssh"));
}

#[test]
fn check_passes_the_example_and_fails_a_wrong_intent() {
    let out = json(&avnm(&["check", EXAMPLE]));
    assert_eq!(
        (out["passed"].as_u64(), out["failed"].as_u64()),
        (Some(4), Some(0))
    );

    let mut document: Value =
        serde_json::from_str(&std::fs::read_to_string(EXAMPLE).expect("example")).expect("json");
    document["intents"][3]["expect"] = "Allowed".into();
    let out = avnm_stdin(&["check", "-"], &document.to_string());
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["failed"], 1);
    assert_eq!(report["results"][3]["passed"], false);
    assert_eq!(report["results"][3]["verdict"], "Denied");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    rejected(
        &avnm_stdin(&["membership", "-"], "{\"resources\": [}"),
        "standard input: invalid JSON at line 1, column 16",
    );
    rejected(
        &avnm_stdin(
            &["topology", "-"],
            r#"{"resources": [{"id": "/x", "type": 7}]}"#,
        ),
        "`resources[0].type`: expected a string, found a number",
    );
    rejected(
        &avnm(&["check", "/nonexistent/design.json"]),
        "/nonexistent/design.json",
    );
    rejected(
        &avnm(&[
            "verdict",
            EXAMPLE,
            "--from",
            "10.1.0.4",
            "--to",
            "10.2.0.4",
            "--protocol",
            "gre",
            "--port",
            "1",
        ]),
        "gre",
    );
    rejected(
        &avnm(&[
            "verdict",
            EXAMPLE,
            "--from",
            "10.1.0.4",
            "--to",
            "10.2.0.4",
            "--protocol",
            "tcp",
        ]),
        "--port",
    );
    rejected(
        &avnm(&[
            "verdict",
            EXAMPLE,
            "--from",
            "10.1.0.999",
            "--to",
            "10.2.0.4",
            "--protocol",
            "tcp",
            "--port",
            "1",
        ]),
        "10.1.0.999",
    );
    rejected(
        &avnm(&["explain", EXAMPLE, "--vnet", "vnet-missing"]),
        "vnet-missing",
    );
    rejected(&avnm(&["frobnicate"]), "frobnicate");
}

#[test]
fn protocol_names_are_case_insensitive_and_icmp_needs_no_port() {
    let v = json(&avnm(&[
        "verdict",
        EXAMPLE,
        "--from",
        "10.100.0.4",
        "--to",
        "10.1.0.4",
        "--protocol",
        "ICMP",
    ]));
    assert_eq!(v["verdict"], "Allowed");
}

#[test]
fn explain_says_why_a_vnet_is_a_member_and_what_it_is_linked_to() {
    let out = json(&avnm(&["explain", EXAMPLE, "--vnet", "vnet-prod-1"]));
    let groups = out["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["group"], manager("networkGroups/ng-production"));
    let reason = &groups[0]["reasons"][0];
    assert!(
        reason["source"]["policy"]["assignment"]
            .as_str()
            .is_some_and(|a| a.ends_with("avnm-ng-production-assign-0"))
    );
    assert_eq!(out["peerings"].as_array().map(Vec::len), Some(1));
    assert_eq!(out["connectedGroups"].as_array().map(Vec::len), Some(1));
    let table = avnm(&[
        "explain",
        EXAMPLE,
        "--vnet",
        "vnet-prod-1",
        "--format",
        "table",
    ]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("tags['env']"),
        "the condition that held is shown: {text}"
    );
}

#[test]
fn matrix_and_rules_answer_for_the_example() {
    let m = json(&avnm(&[
        "matrix",
        EXAMPLE,
        "--protocol",
        "Tcp",
        "--port",
        "22",
    ]));
    let vnets: Vec<&str> = m["vnets"]
        .as_array()
        .expect("vnets")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let at = |from: &str, to: &str| {
        let i = vnets.iter().position(|v| v.ends_with(from)).expect("row");
        let j = vnets.iter().position(|v| v.ends_with(to)).expect("column");
        m["cells"][i][j]["verdict"].as_str().map(str::to_owned)
    };
    assert_eq!(at("vnet-hub", "vnet-prod-1").as_deref(), Some("Allowed"));
    assert_eq!(at("vnet-hub", "vnet-test-1").as_deref(), Some("Denied"));
    assert_eq!(
        at("vnet-test-1", "vnet-test-2").as_deref(),
        Some("Unreachable")
    );
    assert_eq!(
        at("vnet-prod-1", "vnet-prod-2").as_deref(),
        Some("Denied"),
        "SSH inbound is denied to every spoke except from the hub"
    );

    let rules = json(&avnm(&["rules", EXAMPLE, "--vnet", "vnet-prod-1"]));
    let inbound = rules["inbound"][0]["rules"]
        .as_array()
        .expect("inbound admin rules");
    let order: Vec<u64> = inbound
        .iter()
        .filter_map(|r| r["priority"].as_u64())
        .collect();
    assert_eq!(order, [50, 100]);
}

/// The example with `vnet-prod-1` (resources[3]) given the address prefix `10.0.0.300/16`, which is no IP prefix.
fn invalid_prefix_document() -> String {
    let mut document: Value =
        serde_json::from_str(&std::fs::read_to_string(EXAMPLE).expect("example")).expect("json");
    assert_eq!(document["resources"][3]["name"], "vnet-prod-1");
    document["resources"][3]["properties"]["addressSpace"]["addressPrefixes"] =
        serde_json::json!(["10.0.0.300/16"]);
    document.to_string()
}

const INVALID_PREFIX_LINE: &str = "error: resources[3].properties.addressSpace.addressPrefixes[0]: `10.0.0.300/16` is not a valid IP prefix";

/// A document with errors stops a pipeline: exit 2, no result, each error one line on standard error, the
/// invalid prefix first (the document's own diagnostics come first, in document order).
#[track_caller]
fn stopped_by_errors(output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "no result on standard output");
    assert_eq!(stderr.lines().next(), Some(INVALID_PREFIX_LINE), "{stderr}");
    assert!(
        stderr.lines().all(|l| l.starts_with("error: resources[3]")),
        "only errors, all about vnet-prod-1: {stderr}"
    );
}

#[test]
fn an_invalid_vnet_prefix_stops_every_command_with_exit_2() {
    let document = invalid_prefix_document();
    stopped_by_errors(&avnm_stdin(&["check", "-"], &document));
    stopped_by_errors(&avnm_stdin(&["membership", "-"], &document));
    stopped_by_errors(&avnm_stdin(&["topology", "-"], &document));
    let flow = [
        "--from",
        "10.1.0.4",
        "--to",
        "10.2.0.4",
        "--protocol",
        "Tcp",
        "--port",
        "443",
    ];
    stopped_by_errors(&avnm_stdin(
        &[&["verdict", "-"], &flow[..]].concat(),
        &document,
    ));
    stopped_by_errors(&avnm_stdin(
        &["matrix", "-", "--protocol", "Tcp"],
        &document,
    ));
    stopped_by_errors(&avnm_stdin(
        &["explain", "-", "--vnet", "vnet-hub"],
        &document,
    ));
    stopped_by_errors(&avnm_stdin(
        &["rules", "-", "--vnet", "vnet-hub"],
        &document,
    ));
    stopped_by_errors(&avnm_stdin(
        &["membership", "-", "--format", "table"],
        &document,
    ));
}

#[test]
fn allow_errors_gives_the_best_effort_result_and_still_lists_the_errors() {
    let document = invalid_prefix_document();
    let listed = |output: &Output| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().next(), Some(INVALID_PREFIX_LINE), "{stderr}");
    };

    // Membership does not depend on address space: the production group still has both VNets.
    let out = avnm_stdin(&["membership", "-", "--allow-errors"], &document);
    listed(&out);
    assert_eq!(
        json(&out)[manager("networkGroups/ng-production")],
        serde_json::json!([vnet("vnet-prod-1"), vnet("vnet-prod-2")])
    );

    // The flag is global: before the command too. Without an address space no VNet holds 10.1.0.4, so it is
    // an external address (decisions §2): only the other side is evaluated, and no rule there stops Tcp/443
    // from it (deny-ssh is port 22) nor Tcp/22 from the hub to it. Every intent passes, exit 0: that is the
    // best-effort answer that without `--allow-errors` would have let a pipeline pass.
    let out = avnm_stdin(&["--allow-errors", "check", "-"], &document);
    listed(&out);
    let report = json(&out);
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(4), Some(0))
    );

    let out = avnm_stdin(
        &[
            "verdict",
            "-",
            "--allow-errors",
            "--from",
            "10.1.0.4",
            "--to",
            "10.2.0.4",
            "--protocol",
            "Tcp",
            "--port",
            "443",
        ],
        &document,
    );
    listed(&out);
    let verdict = json(&out);
    assert_eq!(verdict["verdict"], "Allowed");
    assert!(
        verdict["assumptions"]
            .as_array()
            .expect("assumptions")
            .iter()
            .any(|a| a.to_string().contains("external")),
        "the source is taken as external: {verdict}"
    );
}

#[test]
fn diagnostics_exits_1_on_errors_and_0_on_warnings_only() {
    let out = avnm_stdin(&["diagnostics", "-"], &invalid_prefix_document());
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let first = &report["diagnostics"][0];
    assert_eq!(
        (&first["severity"], &first["code"], &first["path"]),
        (
            &Value::from("error"),
            &Value::from("invalid-prefix"),
            &Value::from("resources[3].properties.addressSpace.addressPrefixes[0]")
        )
    );

    let out = avnm(&["diagnostics", EXAMPLE]);
    assert_eq!(
        json(&out)["diagnostics"],
        serde_json::json!([]),
        "the example is clean"
    );

    // An admin rule naming a service tag that the playground does not simulate is a warning only
    // (engine convention 6): it is listed, and neither `diagnostics` nor any other command fails on it.
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/data/diagnostics/unsupported-service-tag.json"
    );
    let test: Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("data file")).expect("json");
    let document = test["scenario"].to_string();
    let out = avnm_stdin(&["diagnostics", "-"], &document);
    let report = json(&out);
    let severities: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| &d["severity"])
        .collect();
    assert_eq!(severities, [&Value::from("warning")]);
    for command in ["check", "membership", "topology"] {
        let out = avnm_stdin(&[command, "-"], &document);
        json(&out);
        assert!(
            out.stderr.is_empty(),
            "warnings are not printed by `{command}`"
        );
    }
}

/// `avnm export ... | head`: the output's reader goes away before the output is written; the command ends as it
/// would have (exit 0 here), without the panic `print!` gives there. A check that fails still exits 1.
#[test]
fn a_reader_that_goes_away_ends_the_output_not_the_command() {
    let resources: Vec<Value> = (0..1500)
        .map(|i| {
            serde_json::json!({
                "id": vnet(&format!("vnet-{i:04}")), "type": "Microsoft.Network/virtualNetworks",
                "location": "westeurope",
                "properties": {"addressSpace": {"addressPrefixes": [format!("10.{}.{}.0/24", i / 256, i % 256)]}}})
        })
        .collect();
    let doc = serde_json::json!({"resources": resources}).to_string();
    let args = ["export", "--format", "arm", "-"];
    // More than a pipe holds (64 KiB on Linux): the reader's going is met whatever the timing.
    let whole = avnm_stdin(&args, &doc);
    assert_eq!(whole.status.code(), Some(0));
    assert!(whole.stdout.len() > 256 * 1024, "{}", whole.stdout.len());

    let gone = |args: &[&str], input: &str| avnm_piped(args, input, true);
    let cut = gone(&args, &doc);
    let stderr = String::from_utf8_lossy(&cut.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        stderr,
        String::from_utf8_lossy(&whole.stderr),
        "the run's notes, nothing more: the reader wanted no more"
    );
    assert_eq!(cut.status.code(), Some(0));

    // A check that fails (the example's first intent, Allowed, expected Denied), its report's reader gone: exit 1.
    let example = std::fs::read_to_string(EXAMPLE).unwrap();
    let mut failing: Value = serde_json::from_str(&example).unwrap();
    failing["intents"][0]["expect"] = "Denied".into();
    let failing = failing.to_string();
    assert_eq!(avnm_stdin(&["check", "-"], &failing).status.code(), Some(1));
    assert_eq!(gone(&["check", "-"], &failing).status.code(), Some(1));
}
