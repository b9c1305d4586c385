//! Differential testing at volume (issue 9): the engine against the naive [`reference`](super::reference) on
//! generated designs, comparing membership, topology and verdicts.
//!
//! One run checks `AVNM_DIFF_CASES` flows (100,000 by default) on designs of the generator of
//! [`proptests`](super::proptests), a hundred flows per design, from the seed `AVNM_DIFF_SEED` (a number, or
//! `time` for a seed from the clock; a fixed seed by default). The seed and the figures are printed.
//! Every design where the two disagree is written as a scenario file in the format of `tests/data` (under
//! `target/differential/`, or `AVNM_DIFF_DIR`), with the reference's answers as expectations, to be checked by
//! hand against the specification; the test fails naming the files.
//! [`coverage`] records what the generated designs reach, so that agreement is not vacuous.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{Value, json};

use super::proptests::{analysis_of, scenarios};
use super::reference::{Reference, outermost};
use crate::Analysis;
use crate::connectivity::Origin;
use crate::model::Decision;
use crate::verdict::{Flow, Stage, StepResult, Verdict};

/// The seed when `AVNM_DIFF_SEED` is not set.
const DEFAULT_SEED: u64 = 0x0a11_d1ff;
/// Flows per run when `AVNM_DIFF_CASES` is not set.
const DEFAULT_CASES: usize = 100_000;
/// Flows per generated design.
const FLOWS_PER_DESIGN: usize = 100;
/// Scenario files written at most per run.
const MAX_FILES: usize = 20;

fn seed() -> u64 {
    let Ok(text) = std::env::var("AVNM_DIFF_SEED") else {
        return DEFAULT_SEED;
    };
    let text = text.trim();
    if text.eq_ignore_ascii_case("time") {
        return std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(DEFAULT_SEED, |d| d.as_secs());
    }
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => text.replace('_', "").parse(),
    };
    parsed.unwrap_or_else(|e| panic!("AVNM_DIFF_SEED `{text}`: {e}"))
}

fn cases() -> usize {
    std::env::var("AVNM_DIFF_CASES")
        .ok()
        .and_then(|c| c.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn out_dir() -> PathBuf {
    std::env::var_os("AVNM_DIFF_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/differential"),
        PathBuf::from,
    )
}

/// The members of every group, lowercase.
fn engine_members(analysis: &Analysis) -> BTreeMap<String, BTreeSet<String>> {
    analysis
        .membership
        .groups
        .iter()
        .map(|(g, members)| {
            (
                g.to_string(),
                members
                    .iter()
                    .map(|m| m.id.as_str().to_ascii_lowercase())
                    .collect(),
            )
        })
        .collect()
}

fn reference_members(reference: &Reference<'_>) -> BTreeMap<String, BTreeSet<String>> {
    reference
        .members()
        .into_iter()
        .map(|(g, m)| (g.to_string(), m.into_iter().map(str::to_owned).collect()))
        .collect()
}

type Peerings = BTreeSet<(String, String, String)>;
type Groups = BTreeSet<(String, Vec<String>, Vec<String>)>;

fn engine_topology(analysis: &Analysis) -> (Peerings, Groups) {
    let peerings = analysis
        .topology
        .peerings
        .iter()
        .map(|p| {
            let origin = match &p.origin {
                Origin::Existing => "Existing".to_owned(),
                Origin::Configuration(c) => c.to_string(),
            };
            (p.vnets[0].to_string(), p.vnets[1].to_string(), origin)
        })
        .collect();
    let groups = analysis
        .topology
        .connected_groups
        .iter()
        .map(|g| {
            (
                g.configuration_id.to_string(),
                g.vnets.iter().map(ToString::to_string).collect(),
                outermost(&g.dropped)
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            )
        })
        .collect();
    (peerings, groups)
}

fn reference_topology(reference: &Reference<'_>) -> (Peerings, Groups) {
    let peerings = reference
        .peerings()
        .iter()
        .map(|((a, b), origin)| {
            let origin = origin
                .as_ref()
                .map_or_else(|| "Existing".to_owned(), ToString::to_string);
            (a.to_string(), b.to_string(), origin)
        })
        .collect();
    let groups = reference
        .connected_groups()
        .into_iter()
        .map(|(c, vnets, dropped)| {
            (
                c.to_string(),
                vnets.iter().map(ToString::to_string).collect(),
                dropped.iter().map(ToString::to_string).collect(),
            )
        })
        .collect();
    (peerings, groups)
}

fn flow_json(flow: &Flow) -> Value {
    let mut out = json!({
        "from": flow.from.to_string(), "to": flow.to.to_string(), "protocol": flow.protocol.to_string(),
    });
    if let Some(port) = flow.port {
        out["port"] = json!(port);
    }
    if let Some(port) = flow.source_port {
        out["sourcePort"] = json!(port);
    }
    out
}

/// The differences of one design, and the scenario file that pins the reference's answers.
struct Difference {
    problems: Vec<String>,
    file: Value,
}

/// Compares one design; `None` when engine and reference agree on everything.
fn compare(
    json_text: &str,
    analysis: &Analysis,
    reference: &Reference<'_>,
    flows: &[Flow],
    context: &str,
) -> Option<Difference> {
    let mut problems = Vec::new();
    let mut file = json!({
        "scenario": serde_json::from_str::<Value>(json_text).unwrap_or(Value::Null),
    });

    let (engine, naive) = (engine_members(analysis), reference_members(reference));
    if engine != naive {
        let mut expect = serde_json::Map::new();
        for (group, members) in &naive {
            if engine.get(group) != Some(members) {
                problems.push(format!(
                    "members of `{group}`: engine {:?}, reference {members:?}",
                    engine.get(group)
                ));
                expect.insert(group.clone(), json!(members));
            }
        }
        file["expectMembership"] = Value::Object(expect);
    }

    let (engine, naive) = (engine_topology(analysis), reference_topology(reference));
    if engine != naive {
        problems.push(format!("topology: engine {engine:?}\nreference {naive:?}"));
        file["expectTopology"] = json!({
            "peerings": naive.0.iter().map(|(a, b, o)| json!({ "vnets": [a, b], "origin": o })).collect::<Vec<_>>(),
            "connectedGroups": naive.1.iter().map(|(c, v, _)| json!({ "vnets": v, "configurationId": c })).collect::<Vec<_>>(),
        });
    }

    let mut expect = Vec::new();
    for flow in flows {
        let got = analysis.verdict(flow);
        let (decision, decided_by) = reference.verdict(flow);
        if got.verdict != decision || got.decided_by != decided_by {
            problems.push(format!(
                "{flow}: engine {:?} by {:?}, reference {decision:?} by {decided_by:?}\n{got}",
                got.verdict,
                got.decided_by.as_ref().map(ToString::to_string)
            ));
            expect.push(json!({
                "flow": flow_json(flow),
                "decision": format!("{decision:?}"),
                "decidedBy": decided_by.as_ref().map(ToString::to_string),
            }));
        }
    }
    if !expect.is_empty() {
        file["expect"] = json!(expect);
    }
    if problems.is_empty() {
        return None;
    }
    file["description"] = json!(format!(
        "Found by the differential run ({context}): the engine and the reference evaluator disagree. The \
         expectations are the reference's: check each by hand against the specification before the file joins \
         tests/data. {}",
        problems
            .first()
            .map(|p| p.lines().next().unwrap_or_default())
            .unwrap_or_default()
    ));
    Some(Difference { problems, file })
}

/// The stage that decided a verdict: the step of the deciding rule, else the step that stopped the flow.
fn deciding_stage(verdict: &Verdict) -> Option<Stage> {
    let steps = &verdict.trace.0;
    match &verdict.decided_by {
        Some(rule) => steps
            .iter()
            .rev()
            .find(|s| s.matched_rule.as_ref() == Some(rule))
            .map(|s| s.stage),
        None => steps
            .iter()
            .rev()
            .find(|s| matches!(s.result, StepResult::Unreachable | StepResult::External))
            .filter(|_| verdict.verdict == Decision::Unreachable)
            .map(|s| s.stage),
    }
}

/// What generated designs reach: outcomes, deciding stages, policy operators and their outcomes, and the
/// situations of the fidelity fixes.
pub(super) mod coverage {
    use std::collections::BTreeSet;

    use super::deciding_stage;
    use crate::Analysis;
    use crate::membership::condition::{ConditionTrace, Outcome};
    use crate::security::proptests::policies::OPERATORS as OPERATOR_NAMES;
    use crate::verdict::Verdict;

    fn leaves<'t>(trace: &'t ConditionTrace, out: &mut Vec<&'t ConditionTrace>) {
        if trace.children.is_empty() {
            out.push(trace);
        }
        for child in &trace.children {
            leaves(child, out);
        }
    }

    /// Records what a design reaches, apart from its verdicts.
    pub(crate) fn design(analysis: &Analysis, seen: &mut BTreeSet<String>) {
        let model = &analysis.model;
        if !analysis.topology.connected_groups.is_empty() {
            seen.insert("a connected group".to_owned());
        }
        if analysis
            .topology
            .connected_groups
            .iter()
            .any(|g| !g.dropped.is_empty())
        {
            seen.insert("a connected group with dropped ranges".to_owned());
        }
        if analysis
            .diagnostics
            .iter()
            .any(|d| d.message.contains("not deployed to the hub's region"))
        {
            seen.insert("a hub whose region is not deployed".to_owned());
        }
        for assignment in model.policy_assignments.values() {
            let Some(definition) = model.policy_definitions.get(&assignment.definition) else {
                continue;
            };
            for vnet in model.vnets.keys() {
                let Some(trace) = crate::membership::explain_condition(
                    model,
                    &definition.id,
                    Some(&assignment.id),
                    vnet,
                ) else {
                    continue;
                };
                if trace.outcome.is_true() && !definition.parameters.is_empty() {
                    seen.insert("a member through a parameterised policy".to_owned());
                }
                let mut found = Vec::new();
                leaves(&trace, &mut found);
                for leaf in found {
                    let Some(operator) = leaf.text.split(' ').nth(1) else {
                        continue;
                    };
                    if !OPERATOR_NAMES.contains(&operator) {
                        continue;
                    }
                    let outcome = match &leaf.outcome {
                        Outcome::True => "true",
                        Outcome::False => "false",
                        Outcome::Error(message) => {
                            if message.contains("cannot compare") {
                                seen.insert("a comparison type mismatch".to_owned());
                            }
                            if message.contains("has no value") {
                                seen.insert("a parameter without a value".to_owned());
                            }
                            "error"
                        }
                    };
                    seen.insert(format!("operator {operator} {outcome}"));
                }
            }
        }
    }

    /// Records what a verdict reaches.
    pub(crate) fn verdict(verdict: &Verdict, seen: &mut BTreeSet<String>) {
        match deciding_stage(verdict) {
            Some(stage) => seen.insert(format!("{:?} at {stage:?}", verdict.verdict)),
            None => seen.insert(format!("{:?} by no rule", verdict.verdict)),
        };
        for assumption in &verdict.assumptions {
            seen.insert(format!("assumption {}", assumption.decision));
            if assumption.text.contains("overlapping address spaces") {
                seen.insert("an address in overlapping VNets".to_owned());
            }
            if assumption.text.contains("spec §3.5") {
                seen.insert("a peering preferred over a connected group".to_owned());
            }
        }
    }

    /// Everything a run must reach.
    pub(crate) fn wanted() -> Vec<String> {
        let mut out: Vec<String> = [
            "a connected group",
            "a connected group with dropped ranges",
            "a hub whose region is not deployed",
            "a member through a parameterised policy",
            "a comparison type mismatch",
            "a parameter without a value",
            "an address in overlapping VNets",
            "a peering preferred over a connected group",
            "Allowed by no rule",
            "Unreachable at SourceEndpoint",
            "Unreachable at Path",
            "Unreachable at DestinationEndpoint",
            "assumption Q1",
            "assumption Q3",
            "assumption Q4",
            "assumption Q5",
            "assumption Q8",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        for stage in [
            "SourceAdminRules",
            "SourceNicNsg",
            "SourceSubnetNsg",
            "DestinationAdminRules",
            "DestinationSubnetNsg",
            "DestinationNicNsg",
        ] {
            out.push(format!("Allowed at {stage}"));
            out.push(format!("Denied at {stage}"));
        }
        for operator in OPERATOR_NAMES {
            out.push(format!("operator {operator} true"));
            out.push(format!("operator {operator} false"));
        }
        out
    }

    /// What of [`wanted`] was not reached.
    pub(crate) fn missing(seen: &BTreeSet<String>) -> Vec<String> {
        wanted().into_iter().filter(|w| !seen.contains(w)).collect()
    }
}

#[test]
fn engine_agrees_with_the_reference_at_volume() {
    let seed = seed();
    let cases = cases();
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    });
    let flows_strategy = proptest::collection::vec(scenarios::flow(), FLOWS_PER_DESIGN);
    let (mut checked, mut designs) = (0usize, 0usize);
    let mut seen = BTreeSet::new();
    let mut written = Vec::new();
    let mut differing = 0usize;
    let dir = out_dir();
    while checked < cases {
        let spec = scenarios::spec()
            .new_tree(&mut runner)
            .expect("a design")
            .current();
        let flows = flows_strategy
            .new_tree(&mut runner)
            .expect("flows")
            .current();
        let built = spec.build();
        let analysis = analysis_of(&built.json);
        let reference = Reference::new(&analysis.model, &analysis.goal_state);
        let flows: Vec<Flow> = flows.iter().map(|f| f.resolve(&built.addresses)).collect();
        coverage::design(&analysis, &mut seen);
        for flow in &flows {
            coverage::verdict(&analysis.verdict(flow), &mut seen);
        }
        let context = format!("seed {seed:#x}, design {designs}");
        if let Some(difference) = compare(&built.json, &analysis, &reference, &flows, &context) {
            differing += 1;
            if written.len() < MAX_FILES {
                std::fs::create_dir_all(&dir).expect("the output directory");
                let path = dir.join(format!("diff-{seed:x}-{designs}.json"));
                let text = serde_json::to_string_pretty(&difference.file).unwrap_or_default();
                std::fs::write(&path, text + "\n").expect("the difference file");
                eprintln!(
                    "differential: {} difference(s) in design {designs}, written to {}\n  {}",
                    difference.problems.len(),
                    path.display(),
                    difference.problems.join("\n  ")
                );
                written.push(path);
            }
        }
        checked += flows.len();
        designs += 1;
    }
    let elapsed = started.elapsed();
    eprintln!(
        "differential: seed {seed:#x} (AVNM_DIFF_SEED repeats it), {checked} flows on {designs} designs, {differing} differing design(s), {:.1} s",
        elapsed.as_secs_f64()
    );
    assert!(
        written.is_empty(),
        "the engine and the reference disagree on {differing} design(s) (seed {seed:#x}); scenario files: {written:?}"
    );
    let missing = coverage::missing(&seen);
    assert!(
        missing.is_empty(),
        "the generated designs never reached: {missing:?} (seed {seed:#x})"
    );
}

/// A design that differs is written as a scenario file that the harness of `tests/data` reads, with the
/// reference's answers.
#[test]
fn a_difference_becomes_a_scenario_file() {
    use super::proptests::doc::{self, Doc};

    let mut d = Doc::default();
    let (a, b) = (doc::vnet_id(0, "a"), doc::vnet_id(0, "b"));
    d.vnet(
        0,
        "a",
        "eastus",
        &["10.1.0.0/16"],
        vec![doc::subnet("s", "10.1.0.0/24", None)],
        vec![doc::peering(&a, &b, "Connected")],
    );
    d.vnet(
        0,
        "b",
        "eastus",
        &["10.2.0.0/16"],
        vec![doc::subnet("s", "10.2.0.0/24", None)],
        vec![doc::peering(&b, &a, "Connected")],
    );
    let json_text = d.to_json();
    let analysis = analysis_of(&json_text);
    let reference = Reference::new(&analysis.model, &analysis.goal_state);
    let flow = Flow::new(
        "10.1.0.4".parse().expect("address"),
        "10.2.0.4".parse().expect("address"),
        crate::model::Protocol::Tcp,
        443,
    );
    assert!(compare(&json_text, &analysis, &reference, &[flow], "test").is_none());

    // An engine that lost the peering: the file pins the peering and the Allowed verdict.
    let mut wrong = analysis.clone();
    wrong.topology = crate::connectivity::Topology::default();
    let file = compare(&json_text, &wrong, &reference, &[flow], "test")
        .expect("a difference")
        .file;
    assert_eq!(
        file["expectTopology"]["peerings"],
        json!([{ "vnets": [a, b], "origin": "Existing" }])
    );
    assert_eq!(
        file["expect"],
        json!([{ "flow": { "from": "10.1.0.4", "to": "10.2.0.4", "protocol": "Tcp", "port": 443 },
                 "decision": "Allowed", "decidedBy": null }])
    );
    let scenario =
        crate::Scenario::from_document(file["scenario"].clone()).expect("the scenario loads");
    assert_eq!(scenario.model().vnets.len(), 2);
}
