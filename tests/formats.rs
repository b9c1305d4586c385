//! Documents written by older versions still open (issue 9 item 6).
//!
//! The scenario document (decisions §1) has no version field and has only grown: no key was ever renamed or
//! removed, and no shipped example or scenario file ever had to be rewritten for a new version of the engine.
//! So there is no older format to convert; the fixtures in `tests/formats/` pin the oldest documents in the
//! repository's history, byte for byte as first committed (`04d0d46`: the first example and the manual peerings
//! scenario), so that a change that stops them opening fails here.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test reports a failed expectation by panicking"
)]

use avnm_core::{Scenario, analyze};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = format!("{}/formats/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// How many resources of a type the document itself holds, counted on its JSON.
fn count_of(document: &Value, kind: &str) -> usize {
    document["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"].as_str() == Some(kind))
        .count()
}

#[test]
fn the_first_example_opens_and_its_intents_pass() {
    let text = fixture("scenario-04d0d46-hub-spoke-guardrails.json");
    let scenario = Scenario::parse(&text).expect("the first example still reads");
    let analysis = analyze(&scenario);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        scenario.model().vnets.len(),
        count_of(&document, "Microsoft.Network/virtualNetworks")
    );
    // The example's README (spec/examples): its four intents hold.
    let results = analysis.check();
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(|r| r.passed), "{results:?}");
    // What was kept is written back: every top-level key of the old document survives a load and a save.
    let saved: Value = serde_json::from_str(&scenario.to_json()).unwrap();
    for key in document.as_object().unwrap().keys() {
        assert!(saved.get(key).is_some(), "`{key}` is kept");
    }
}

#[test]
fn the_first_scenario_file_opens_without_errors() {
    let file: Value =
        serde_json::from_str(&fixture("scenario-04d0d46-manual-peerings.json")).unwrap();
    let document = file["scenario"].clone();
    let scenario =
        Scenario::from_document(document.clone()).expect("the first scenario still reads");
    let analysis = analyze(&scenario);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    assert_eq!(
        scenario.model().vnets.len(),
        count_of(&document, "Microsoft.Network/virtualNetworks")
    );
    assert_eq!(
        scenario.model().nsgs.len(),
        count_of(&document, "Microsoft.Network/networkSecurityGroups")
    );
}
