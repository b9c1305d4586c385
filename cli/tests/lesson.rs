//! `avnm lesson check`, run as a lesson author runs it, on a shipped lesson and on broken copies of it.

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

const LESSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../static/lessons/security-admin-rules.json"
);

fn check(args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_avnm"))
        .arg("lesson")
        .arg("check")
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

/// The shipped lesson with one change made to its JSON.
fn broken(change: impl FnOnce(&mut Value)) -> String {
    let mut lesson: Value =
        serde_json::from_str(&std::fs::read_to_string(LESSON).unwrap()).unwrap();
    change(&mut lesson);
    lesson.to_string()
}

#[track_caller]
fn unreadable(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "`{needle}` in {stderr}");
}

#[test]
fn a_shipped_lesson_is_valid() {
    let output = check(&[LESSON], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["lesson"], "security-admin-rules");
    assert_eq!(report["valid"], true);
    assert_eq!(report["steps"], 3);
    assert_eq!(report["exercises"], 3);
    assert_eq!(report["questions"], 5);
    assert_eq!(report["problems"], Value::Array(Vec::new()));
    let table = check(&[LESSON, "--format", "table"], None);
    assert!(
        String::from_utf8_lossy(&table.stdout).contains("3 steps, 3 exercises, 5 questions: valid")
    );
}

#[test]
fn a_wrong_answer_is_an_error_with_its_path_and_exit_1() {
    // The organization's Deny drops SSH into retail (spec §4.4, example E1): `Allowed` is wrong.
    let text = broken(|l| l["steps"][0]["questions"][0]["answer"] = "Allowed".into());
    let output = check(&["-"], Some(&text));
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["severity"], "error");
    assert_eq!(problems[0]["path"], "steps[0].questions[0].answer");
    assert_eq!(
        problems[0]["message"],
        "`10.0.10.4 -> 10.4.1.4 Tcp/22` is Denied by `deny-high-risk-tcp`, not Allowed"
    );
}

#[test]
fn an_exercise_without_its_solution_is_an_error() {
    let text = broken(|l| l["steps"][2]["exercises"][0]["solution"] = serde_json::json!({}));
    let output = check(&["-"], Some(&text));
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["steps[2].exercises[0].checks[0]"]);
}

#[test]
fn unreadable_lessons_name_the_json_path_and_exit_2() {
    let future = broken(|l| l["lessonVersion"] = 2.into());
    unreadable(
        &check(&["-"], Some(&future)),
        "standard input: `lessonVersion`: lesson version `2` is not supported; this build reads version 1",
    );
    let bad_patch = broken(|l| {
        l["steps"][1]["patch"]["remove"] = serde_json::json!(["/subscriptions/x/nothing"])
    });
    unreadable(
        &check(&["-"], Some(&bad_patch)),
        "`steps[1].patch.remove[0]`: there is no resource `/subscriptions/x/nothing` to remove",
    );
    let misspelt = broken(|l| l["steps"][0]["exercises"][0]["hint"] = serde_json::json!([]));
    unreadable(
        &check(&["-"], Some(&misspelt)),
        "`steps[0].exercises[0].hint`: unknown field `hint`",
    );
    unreadable(
        &check(&["no-such-lesson.json"], None),
        "no-such-lesson.json: ",
    );
}
