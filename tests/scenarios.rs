//! The scenario harness: every `data/**/*.json` file is a design with expectations derived by hand from the
//! specification (memberships, topology, verdicts with the deciding rule, diagnostics), and every example in
//! `static/examples/` is a design whose intents must all pass.
//!
//! File format, on the model of cedar's `JsonTest`:
//! `{"description", "scenario", "expect": [{"flow", "decision", "decidedBy", "assumptions"}], "expectMembership",
//! "expectTopology", "expectDiagnostics", "expectWhyNot"}`.
//! A file fails when an expectation does not hold, when an error-severity diagnostic it does not list is
//! produced, or when an intent of its scenario fails.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};

use avnm_core::model::Protocol;
use avnm_core::{Analysis, Decision, Flow, Scenario, Severity, analyze};
use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn analyse(path: &str, scenario: &Value) -> Analysis {
    let scenario = Scenario::from_document(scenario.clone())
        .unwrap_or_else(|e| panic!("{path}: the scenario does not load: {e}"));
    analyze(&scenario)
}

fn flow(value: &Value) -> Flow {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("flow without `{key}`: {value}"))
    };
    let port = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_u64)
            .map(|p| u16::try_from(p).expect("port"))
    };
    Flow {
        from: text("from").parse().expect("from address"),
        to: text("to").parse().expect("to address"),
        protocol: text("protocol").parse::<Protocol>().expect("protocol"),
        port: port("port"),
        source_port: port("sourcePort"),
    }
}

fn decision(text: &str) -> Decision {
    match text {
        "Allowed" => Decision::Allowed,
        "Denied" => Decision::Denied,
        "Unreachable" => Decision::Unreachable,
        other => panic!("unknown decision `{other}`"),
    }
}

/// Checks one hand-derived scenario file.
#[track_caller]
fn scenario(path: &str) {
    let file = load(path);
    let analysis = analyse(
        path,
        file.get("scenario")
            .unwrap_or_else(|| panic!("{path}: no `scenario`")),
    );
    let mut failures = Vec::new();

    for expected in file
        .get("expect")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let f = flow(&expected["flow"]);
        let verdict = analysis.verdict(&f);
        let want = decision(expected["decision"].as_str().unwrap_or_default());
        let want_rule = expected.get("decidedBy").and_then(Value::as_str).map(lower);
        let got_rule = verdict.decided_by.as_ref().map(|r| lower(&r.to_string()));
        if verdict.verdict != want || got_rule != want_rule {
            failures.push(format!(
                "flow {f}: expected {want:?} by {want_rule:?}, got {:?} by {got_rule:?}\n{verdict}",
                verdict.verdict
            ));
        }
        // Every listed text is in one of the verdict's assumptions.
        let wanted: Vec<&str> = expected
            .get("assumptions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if !wanted.is_empty()
            && !verdict
                .assumptions
                .iter()
                .any(|a| wanted.iter().all(|w| a.text.contains(w)))
        {
            failures.push(format!(
                "flow {f}: expected an assumption saying {wanted:?}\n{verdict}"
            ));
        }
    }

    if let Some(groups) = file.get("expectMembership").and_then(Value::as_object) {
        for (group, members) in groups {
            let want: BTreeSet<String> = members
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(lower)
                .collect();
            let got: BTreeSet<String> = analysis
                .membership
                .groups
                .iter()
                .find(|(id, _)| id.as_str().eq_ignore_ascii_case(group))
                .map(|(_, members)| members.iter().map(|m| lower(m.id.as_str())).collect())
                .unwrap_or_default();
            if want != got {
                failures.push(format!(
                    "members of {group}: expected {want:?}, got {got:?}"
                ));
            }
        }
    }

    if let Some(topology) = file.get("expectTopology") {
        let pair = |vnets: &[String]| {
            let mut v: Vec<String> = vnets.iter().map(|s| lower(s)).collect();
            v.sort();
            v
        };
        let want_peerings: BTreeSet<(Vec<String>, String)> = topology["peerings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let vnets: Vec<String> = p["vnets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                (
                    pair(&vnets),
                    lower(p["origin"].as_str().unwrap_or_default()),
                )
            })
            .collect();
        let got_peerings: BTreeSet<(Vec<String>, String)> = analysis
            .topology
            .peerings
            .iter()
            .map(|p| {
                let origin = match &p.origin {
                    avnm_core::connectivity::Origin::Existing => "existing".to_owned(),
                    avnm_core::connectivity::Origin::Configuration(c) => lower(c.as_str()),
                };
                (
                    pair(&[p.vnets[0].to_string(), p.vnets[1].to_string()]),
                    origin,
                )
            })
            .collect();
        if want_peerings != got_peerings {
            failures.push(format!(
                "peerings: expected {want_peerings:#?}\ngot {got_peerings:#?}"
            ));
        }
        let mut want_groups: Vec<(Vec<String>, String)> = topology["connectedGroups"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| {
                let vnets: Vec<String> = g["vnets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                (
                    pair(&vnets),
                    lower(g["configurationId"].as_str().unwrap_or_default()),
                )
            })
            .collect();
        let mut got_groups: Vec<(Vec<String>, String)> = analysis
            .topology
            .connected_groups
            .iter()
            .map(|g| {
                (
                    pair(&g.vnets.iter().map(ToString::to_string).collect::<Vec<_>>()),
                    lower(g.configuration_id.as_str()),
                )
            })
            .collect();
        want_groups.sort();
        got_groups.sort();
        if want_groups != got_groups {
            failures.push(format!(
                "connected groups: expected {want_groups:#?}\ngot {got_groups:#?}"
            ));
        }
    }

    let listed: Vec<&Value> = file
        .get("expectDiagnostics")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    for want in &listed {
        let severity = want["severity"].as_str().unwrap_or_default();
        let code = want["code"].as_str().unwrap_or_default();
        let path = want.get("path").and_then(Value::as_str);
        let found = analysis.diagnostics.iter().any(|d| {
            serde_json::to_value(d.severity)
                .ok()
                .as_ref()
                .and_then(Value::as_str)
                == Some(severity)
                && d.code.to_string() == code
                && path.is_none_or(|p| d.path.starts_with(&avnm_core::scenario::Path::from(p)))
        });
        if !found {
            failures.push(format!(
                "expected diagnostic {severity} `{code}` at {path:?}, got:\n{}",
                diagnostics(&analysis)
            ));
        }
    }
    for d in analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        let expected = listed
            .iter()
            .any(|w| w["severity"] == "error" && w["code"].as_str() == Some(&d.code.to_string()));
        if !expected {
            failures.push(format!("unexpected {d}"));
        }
    }

    why_not(&file, &analysis, &mut failures);
    intents(&analysis, &mut failures);
    assert!(
        failures.is_empty(),
        "{path}: {}\n\n{}",
        file["description"].as_str().unwrap_or_default(),
        failures.join("\n\n")
    );
}

/// `expectWhyNot`: `[{"vnet", "group", "reasons": [{"reason", ...fields}] or null for a member}]`.
///
/// The reasons must come in the listed order and number; each listed field must match (ids ignoring case),
/// and fields not listed are not compared.
fn why_not(file: &Value, analysis: &Analysis, failures: &mut Vec<String>) {
    for want in file
        .get("expectWhyNot")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (vnet, group) = (
            want["vnet"].as_str().unwrap(),
            want["group"].as_str().unwrap(),
        );
        let got = avnm_core::membership::why_not::why_not(
            &analysis.model,
            &analysis.membership,
            &avnm_core::model::VnetId::new(vnet),
            &avnm_core::model::NetworkGroupId::new(group),
        );
        // Serialised whole, so that each reason carries its `message`.
        let got = serde_json::to_value(got).unwrap();
        let got = got.get("reasons").cloned().unwrap_or(Value::Null);
        if !within(&want["reasons"], &got) {
            failures.push(format!(
                "why {vnet} is not in {group}: expected {:#}\ngot {got:#}",
                want["reasons"]
            ));
        }
    }
}

/// Whether `got` has everything `want` lists: objects by their listed keys, arrays item by item and of the
/// same length, strings ignoring case.
fn within(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w
            .iter()
            .all(|(key, value)| g.get(key).is_some_and(|other| within(value, other))),
        (Value::Array(w), Value::Array(g)) => {
            w.len() == g.len() && w.iter().zip(g).all(|(a, b)| within(a, b))
        }
        (Value::String(w), Value::String(g)) => w.eq_ignore_ascii_case(g),
        _ => want == got,
    }
}

/// Checks a shipped example: it loads without errors and all its intents pass.
#[track_caller]
fn example(path: &str) {
    let file = load(path);
    let analysis = analyse(path, &file);
    let mut failures = Vec::new();
    for d in analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        failures.push(format!("unexpected {d}"));
    }
    if analysis.model.intents.is_empty() {
        failures.push("an example has intents to show".to_owned());
    }
    intents(&analysis, &mut failures);
    assert!(failures.is_empty(), "{path}:\n{}", failures.join("\n\n"));
}

fn intents(analysis: &Analysis, failures: &mut Vec<String>) {
    for result in analysis.check() {
        if !result.passed {
            failures.push(format!(
                "intent `{}` expected {:?}:\n{}",
                result.name, result.expect, result.verdict
            ));
        }
    }
}

fn diagnostics(analysis: &Analysis) -> String {
    let lines: BTreeMap<String, ()> = analysis
        .diagnostics
        .iter()
        .map(|d| (format!("  {d}"), ()))
        .collect();
    lines.into_keys().collect::<Vec<_>>().join("\n")
}
