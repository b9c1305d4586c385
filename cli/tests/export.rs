//! `avnm export` and `avnm verdict --format markdown`, run as a user runs them, on the hub-and-spoke example.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::process::{Command, Output, Stdio};

use serde_json::Value;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../static/examples/hub-spoke-guardrails.json"
);

fn avnm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avnm"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("avnm runs")
}

#[track_caller]
fn success(output: &Output) -> (String, String) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout.clone()).unwrap(),
        String::from_utf8(output.stderr.clone()).unwrap(),
    )
}

#[test]
fn export_writes_an_arm_template_and_says_what_arm_cannot_express() {
    let (stdout, stderr) = success(&avnm(&["export", "--format", "arm", EXAMPLE]));
    let template: Value = serde_json::from_str(&stdout).expect("a JSON template");
    assert_eq!(
        template["$schema"],
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
    );
    assert_eq!(template["metadata"]["commits"].as_array().unwrap().len(), 2);
    assert!(
        stderr.contains("note: commits: ARM has no resource for a commit"),
        "{stderr}"
    );
    for line in stderr.lines() {
        assert!(line.starts_with("note: "), "{line}");
    }
}

#[test]
fn export_writes_each_format_to_a_file_with_o() {
    let dir = std::env::temp_dir().join(format!("avnm-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (format, needle) in [
        ("bicep", "module avnmRgNetwork 'avnm-rg-network.bicep' = {"),
        (
            "terraform",
            "resource \"azurerm_network_manager\" \"nm_contoso\" {",
        ),
        ("az", "az network manager post-commit"),
        ("svg", "<svg xmlns=\"http://www.w3.org/2000/svg\""),
    ] {
        let out = dir.join(format!("guardrails.{format}"));
        let (stdout, _) = success(&avnm(&[
            "export",
            "--format",
            format,
            EXAMPLE,
            "-o",
            out.to_str().unwrap(),
        ]));
        assert!(stdout.is_empty(), "{format}: nothing on standard output");
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(needle), "{format}: `{needle}`");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn export_rejects_an_unknown_format_and_an_unwritable_output() {
    let output = avnm(&["export", "--format", "pulumi", EXAMPLE]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("pulumi"), "{stderr}");

    let output = avnm(&[
        "export",
        "--format",
        "arm",
        EXAMPLE,
        "-o",
        "/nonexistent-directory/x.json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/nonexistent-directory/x.json"), "{stderr}");
}

#[test]
fn verdict_in_markdown_for_a_ticket() {
    // The example's intent "the hub may not SSH into test": denied by `deny-ssh`.
    let (stdout, _) = success(&avnm(&[
        "verdict",
        EXAMPLE,
        "--from",
        "10.100.0.4",
        "--to",
        "10.11.0.4",
        "--protocol",
        "tcp",
        "--port",
        "22",
        "--format",
        "markdown",
    ]));
    assert!(
        stdout.starts_with("## Denied: 10.100.0.4 -> 10.11.0.4 Tcp/22\n\nDecided by `deny-ssh`"),
        "{stdout}"
    );
    assert!(stdout.contains("| **Denied** |"));
    // The JSON output is unchanged by the new format.
    let (json, _) = success(&avnm(&[
        "verdict",
        EXAMPLE,
        "--from",
        "10.100.0.4",
        "--to",
        "10.11.0.4",
        "--protocol",
        "tcp",
        "--port",
        "22",
    ]));
    let verdict: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(verdict["verdict"], "Denied");
}
