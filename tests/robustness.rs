//! The engine never panics on any input: every shipped example, mutated at random places into values of
//! every JSON type, either fails to load with a format error or loads and analyses completely.
//! Seeded: `AVNM_FUZZ_SEED` changes the seed (see `fuzz.rs`), the default one is fixed.

use avnm_core::model::Protocol;
use avnm_core::{Flow, Scenario, analyze};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::Value;

/// Every example of `static/examples/`, read when the tests start, so that new examples are mutated too.
fn examples() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/examples");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "json"));
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect()
}

fn seed() -> u64 {
    std::env::var("AVNM_FUZZ_SEED")
        .ok()
        .and_then(|s| {
            let s = s.trim().replace('_', "");
            match s.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => s.parse().ok(),
            }
        })
        .unwrap_or(0x0a11_0b57)
}

#[test]
fn every_example_is_mutated() {
    assert!(examples().len() >= 7, "the examples are found");
}

/// Every path to a value in a document.
fn paths(value: &Value, prefix: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                prefix.push(PathStep::Key(k.clone()));
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                prefix.push(PathStep::Index(i));
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'v>(value: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    let mut v = value;
    for step in path {
        v = match step {
            PathStep::Key(k) => v.get_mut(k.as_str())?,
            PathStep::Index(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        Just(Value::from(-1)),
        Just(Value::from(70000)),
        "[a-zA-Z0-9/.*_-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "10.0.0.0/33",
            "*",
            "Any",
            "VirtualNetwork",
            "::/0",
            "0-65535",
            "True",
            "[subscription().name]",
            "/subscriptions/x"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        Just(Value::Array(vec![])),
        Just(serde_json::json!({})),
        Just(serde_json::json!([{"id": 1}])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 700, failure_persistence: None, rng_seed: RngSeed::Fixed(seed()), ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_never_panic(
        example in 0..examples().len(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), replacement(), any::<bool>()), 1..4),
        flow in (0u8..=255, 0u8..=255, 0u8..=255, 0u16..=65535, prop::sample::select(vec![Protocol::Tcp, Protocol::Udp, Protocol::Icmp, Protocol::Any])),
    ) {
        let mut document: Value = serde_json::from_str(&examples()[example]).expect("example");
        for (index, value, remove) in picks {
            let mut all = Vec::new();
            paths(&document, &mut Vec::new(), &mut all);
            let path = index.get(&all).clone();
            if remove && !path.is_empty() {
                let (last, parent) = path.split_last().expect("non-empty");
                if let Some(parent) = at(&mut document, parent) {
                    match (last, parent) {
                        (PathStep::Key(k), Value::Object(map)) => { map.remove(k); }
                        (PathStep::Index(i), Value::Array(items)) if *i < items.len() => { items.remove(*i); }
                        _ => {}
                    }
                }
            } else if let Some(slot) = at(&mut document, &path) {
                *slot = value;
            }
        }
        if let Ok(scenario) = Scenario::from_document(document) {
            let analysis = analyze(&scenario);
            let _ = analysis.check();
            let _ = analysis.matrix(flow.4, flow.3);
            let (a, b, c, port, protocol) = flow;
            let verdict = analysis.verdict(&Flow::new(format!("10.{a}.{b}.4").parse().expect("ip"), format!("10.{c}.0.4").parse().expect("ip"), protocol, port));
            let _ = verdict.to_string();
            for vnet in analysis.model.vnets.keys() {
                let _ = analysis.explain_vnet(vnet);
                let _ = analysis.effective_vnet_rules(vnet);
            }
        }
    }
}
