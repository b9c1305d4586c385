//! `avnm link encode` and `avnm link decode`, and the "not a member of" part of `avnm explain`, run as a user
//! runs them.

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

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn example(name: &str) -> String {
    root()
        .join("static/examples")
        .join(name)
        .display()
        .to_string()
}

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
    if let Some(input) = input {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().expect("avnm ends")
}

#[track_caller]
fn ok(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A refused input: exit 2, nothing on standard output, one line on standard error that contains `needle`.
#[track_caller]
fn rejected(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "`{needle}` in {stderr}");
}

fn encode(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["link", "encode", file];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(&avnm(&args, None))).unwrap()
}

#[test]
fn every_example_round_trips_through_the_command() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("static/examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let path = file.display().to_string();
        let encoded = encode(&path, &["--base", "https://play.example/avnm/"]);
        let link = encoded["link"].as_str().unwrap();
        assert!(link.starts_with("https://play.example/avnm/#v1."), "{link}");
        assert_eq!(encoded["length"], link.len());
        assert_eq!(encoded["fit"], "fine", "{path}: {}", link.len());
        assert_eq!(encoded["warning"], Value::Null);

        let decoded: Value =
            serde_json::from_str(&ok(&avnm(&["link", "decode", link], None))).unwrap();
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(decoded, original, "{path}");

        // The decoded design answers as the original does.
        let dir = std::env::temp_dir().join(format!("avnm-share-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join(file.file_name().unwrap());
        let written: Value = serde_json::from_str(&ok(&avnm(
            &["link", "decode", link, "-o", out.to_str().unwrap()],
            None,
        )))
        .unwrap();
        assert_eq!(written["view"], serde_json::json!({}));
        for command in ["membership", "topology", "check"] {
            assert_eq!(
                ok(&avnm(&[command, &path], None)),
                ok(&avnm(&[command, out.to_str().unwrap()], None)),
                "{path}: {command}"
            );
        }
        std::fs::remove_file(&out).unwrap();
    }
}

#[test]
fn the_view_travels_with_the_link_and_links_read_from_standard_input() {
    let view = r#"{"selected":{"kind":"group","id":"/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-network/providers/Microsoft.Network/networkManagers/nm-contoso/networkGroups/ng-test"},"panel":"verdict","query":{"from":"10.11.0.4","to":"10.12.0.4","protocol":"Tcp","port":22},"mode":"embed"}"#;
    let design = std::fs::read_to_string(example("hub-spoke-guardrails.json")).unwrap();
    // The design from standard input, and no base: the link is the fragment.
    let encoded: Value = serde_json::from_str(&ok(&avnm(
        &["link", "encode", "-", "--view", view],
        Some(&design),
    )))
    .unwrap();
    let link = encoded["link"].as_str().unwrap();
    assert!(link.starts_with("#v1."), "{link}");

    let dir = std::env::temp_dir().join(format!("avnm-share-view-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("design.json");
    let written: Value = serde_json::from_str(&ok(&avnm(
        &["link", "decode", "-", "-o", out.to_str().unwrap()],
        Some(&format!("https://play.example/{link}\n")),
    )))
    .unwrap();
    let want: Value = serde_json::from_str(view).unwrap();
    assert_eq!(written["view"], want);
    let back: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(&design).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_table_shows_the_link_and_its_length() {
    let out = ok(&avnm(
        &[
            "link",
            "encode",
            &example("hub-spoke-guardrails.json"),
            "--format",
            "table",
        ],
        None,
    ));
    let mut lines = out.lines();
    let link = lines.next().unwrap();
    assert!(link.starts_with("#v1."));
    assert_eq!(
        lines.next().unwrap(),
        format!("{} characters (fine)", link.len())
    );
}

#[test]
fn bad_links_and_views_are_one_line_and_exit_2() {
    let link = encode(&example("hub-spoke-guardrails.json"), &[])["link"]
        .as_str()
        .unwrap()
        .to_owned();
    rejected(
        &avnm(
            &["link", "decode", link.get(..link.len() / 2).unwrap()],
            None,
        ),
        "link: the link is cut short: its data ends early",
    );
    rejected(
        &avnm(&["link", "decode", &link.replacen("#v1.", "#v3.", 1)], None),
        "link: this link was made by a newer version of AVNM Playground (link format `v3`",
    );
    rejected(
        &avnm(
            &[
                "link",
                "decode",
                &format!("{}*{}", &link[..20], &link[20..]),
            ],
            None,
        ),
        // The 21st character of `#v1.…` is the 20th of the fragment.
        "link: the link is damaged: `*` at character 20 is not a link character",
    );
    rejected(
        &avnm(&["link", "decode", "https://play.example/avnm/"], None),
        "link: this is not an AVNM Playground link",
    );
    rejected(
        &avnm(&["link", "encode", "-"], Some(r#"{"resources": {}}"#)),
        "standard input: the link does not hold a design: `resources`: expected an array",
    );
    rejected(
        &avnm(
            &[
                "link",
                "encode",
                &example("hub-spoke-guardrails.json"),
                "--view",
                r#"{"panel":"verdicts"}"#,
            ],
            None,
        ),
        "`--view`: view key `panel` is unknown or its value is not valid",
    );
    rejected(
        &avnm(&["link", "encode", "no-such-file.json"], None),
        "no-such-file.json",
    );
}

#[test]
fn explain_says_why_a_vnet_is_not_in_a_group() {
    // hub-spoke-guardrails: ng-production takes VNets tagged env=prod through policy avnm-ng-production,
    // assigned at the subscription; ng-test has two static members, vnet-test-1 and vnet-test-2, and no
    // policy. vnet-test-1 is tagged env=test.
    let out: Value = serde_json::from_str(&ok(&avnm(
        &[
            "explain",
            &example("hub-spoke-guardrails.json"),
            "--vnet",
            "vnet-test-1",
        ],
        None,
    )))
    .unwrap();
    let not_member = out["notMemberOf"].as_array().unwrap();
    assert_eq!(not_member.len(), 1, "{not_member:#?}");
    assert!(
        not_member[0]["group"]
            .as_str()
            .unwrap()
            .ends_with("/networkGroups/ng-production")
    );
    let reasons = not_member[0]["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 2, "{reasons:#?}");
    assert_eq!(reasons[0]["reason"], "noStaticMember");
    assert_eq!(reasons[0]["message"], "the group has no static member");
    assert_eq!(reasons[1]["reason"], "conditionFalse");
    assert!(
        reasons[1]["assignment"]
            .as_str()
            .unwrap()
            .ends_with("/avnm-ng-production-assign-0")
    );
    assert_eq!(
        reasons[1]["failed"],
        serde_json::json!([{
            "path": reasons[1]["failed"][0]["path"],
            "test": "tags['env'] equals \"prod\"",
            "actual": "test",
            "held": false,
        }])
    );
    assert_eq!(
        reasons[1]["message"],
        "policy `avnm-ng-production`: `tags['env'] equals \"prod\"` is false for `test`"
    );
    // The groups it is a member of are where they were.
    assert!(
        out["groups"][0]["group"]
            .as_str()
            .unwrap()
            .ends_with("/networkGroups/ng-test")
    );

    let table = ok(&avnm(
        &[
            "explain",
            &example("hub-spoke-guardrails.json"),
            "--vnet",
            "vnet-prod-1",
            "--format",
            "table",
        ],
        None,
    ));
    assert!(
        table.contains(
            "not a member of\n  ng-test\n    no static member names it; they name `vnet-test-1`, `vnet-test-2`\n    no Azure Policy definition adds virtual networks to the group\n"
        ),
        "{table}"
    );
}
