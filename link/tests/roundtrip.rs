//! Document -> link -> document gives the same design: for every example in `static/examples/`, for designs of
//! the generator, and for random documents and views (issue 7 item 7).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test reports a failed expectation by panicking"
)]

use std::path::PathBuf;

use avnm_core::model::{NetworkGroupId, Protocol, VnetId};
use avnm_core::{Scenario, analyze};
use avnm_gen::{Params, design};
use avnm_link::{Fit, Item, Mode, Panel, Query, View, decode, encode, encode_scenario, url};
use proptest::prelude::*;
use serde_json::Value;

fn examples() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../static/examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Encodes and decodes `document` with `view`, and checks that the same design and view come back: the same
/// JSON value, and a scenario that reads and analyses the same.
#[track_caller]
fn check(name: &str, document: &str, view: &View) -> usize {
    let link = url("https://play.example/", &encode(document, view).unwrap());
    let decoded = decode(&link).unwrap_or_else(|e| panic!("{name}: {e}"));
    let before: Value = serde_json::from_str(document).unwrap();
    let after: Value = serde_json::from_str(&decoded.document).unwrap();
    assert_eq!(before, after, "{name}: the document changed");
    assert_eq!(&decoded.view, view, "{name}: the view changed");

    let original = Scenario::parse(document).unwrap();
    assert_eq!(original.model(), decoded.scenario.model(), "{name}: model");
    assert_eq!(
        original.diagnostics(),
        decoded.scenario.diagnostics(),
        "{name}: diagnostics"
    );
    let (a, b) = (analyze(&original), analyze(&decoded.scenario));
    assert_eq!(a.membership, b.membership, "{name}: membership");
    assert_eq!(a.topology, b.topology, "{name}: topology");
    assert_eq!(a.check(), b.check(), "{name}: intents");
    link.len()
}

/// A view that sets every part, so that every part is carried.
fn full_view(document: &str) -> View {
    let scenario = Scenario::parse(document).unwrap();
    let model = scenario.model();
    View {
        selected: model.vnets.keys().next().cloned().map(Item::Vnet),
        panel: Some(Panel::Verdict),
        query: Query {
            from: "10.1.0.4".parse().ok(),
            to: "10.2.0.4".parse().ok(),
            protocol: Some(Protocol::Tcp),
            port: Some(22),
            source_port: Some(50_000),
        },
        mode: None,
    }
}

#[test]
fn every_example_comes_back_the_same() {
    let files = examples();
    assert!(files.len() >= 7, "{files:?}");
    for file in files {
        let document = std::fs::read_to_string(&file).unwrap();
        let name = file.display().to_string();
        check(&name, &document, &View::default());
        check(&name, &document, &full_view(&document));
        // From the scenario the playground holds: the same design, as `Scenario::to_json` writes it.
        let scenario = Scenario::parse(&document).unwrap();
        let decoded = decode(&encode_scenario(&scenario, &View::default()).unwrap()).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&decoded.document).unwrap(),
            serde_json::from_str::<Value>(&document).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn generated_designs_come_back_the_same() {
    let hundred = Params {
        vnets: 100,
        ..Params::small()
    };
    for params in [Params::small(), hundred] {
        let document = design(&params);
        let view = full_view(&document);
        let length = check(&format!("{params:?}"), &document, &view);
        // Hundreds of kilobytes of JSON: past what chat tools keep, well within what browsers open.
        assert_eq!(Fit::of(length), Fit::Long, "{params:?}: {length}");
    }
}

// --- random documents and views -----------------------------------------------------------------------------

/// Any JSON value: unknown keys survive a load, so a design may carry them anywhere they are allowed.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A design of a few VNets with random names, tags and prefixes, and random unknown keys.
fn document() -> impl Strategy<Value = (String, Vec<String>)> {
    let vnet = (
        "[a-z][a-z0-9-]{0,12}",
        prop::collection::btree_map("[a-zA-Z]{1,6}", any::<String>(), 0..3),
        0u8..=255,
        json_value(),
    );
    (
        prop::collection::vec(vnet, 0..5),
        json_value(),
        any::<bool>(),
    )
        .prop_map(|(vnets, extra, pretty)| {
            let mut names = Vec::new();
            let resources: Vec<Value> = vnets
                .into_iter()
                .enumerate()
                .map(|(i, (name, tags, octet, unknown))| {
                    let name = format!("{name}-{i}");
                    let id = format!(
                        "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/{name}"
                    );
                    names.push(id.clone());
                    serde_json::json!({
                        "id": id,
                        "type": "Microsoft.Network/virtualNetworks",
                        "location": "westeurope",
                        "tags": tags,
                        "x-unknown": unknown,
                        "properties": {
                            "addressSpace": {"addressPrefixes": [format!("10.{octet}.{i}.0/24")]},
                            "subnets": [],
                        },
                    })
                })
                .collect();
            let document = serde_json::json!({
                "resources": resources,
                "commits": [],
                "intents": [],
                "x-extra": extra,
            });
            let text = if pretty {
                serde_json::to_string_pretty(&document).unwrap()
            } else {
                serde_json::to_string(&document).unwrap()
            };
            (text, names)
        })
}

fn view(ids: Vec<String>) -> impl Strategy<Value = View> {
    let id = if ids.is_empty() {
        Just(String::from("/subscriptions/s1/none")).boxed()
    } else {
        prop::sample::select(ids).boxed()
    };
    let item = prop_oneof![
        id.prop_map(|i| Item::Vnet(VnetId::new(i))),
        any::<String>().prop_map(|i| Item::Group(NetworkGroupId::new(i))),
        Just(Item::Deployments),
        Just(Item::Intents),
        Just(Item::Document),
    ];
    let panel = prop::sample::select(vec![
        Panel::Verdict,
        Panel::Intents,
        Panel::Membership,
        Panel::Topology,
        Panel::Rules,
        Panel::Matrix,
        Panel::Diagnostics,
    ]);
    let protocol = prop::sample::select(vec![
        Protocol::Tcp,
        Protocol::Udp,
        Protocol::Icmp,
        Protocol::Esp,
        Protocol::Ah,
        Protocol::Any,
    ]);
    let query = (
        prop::option::of(any::<std::net::IpAddr>()),
        prop::option::of(any::<std::net::IpAddr>()),
        prop::option::of(protocol),
        prop::option::of(any::<u16>()),
        prop::option::of(any::<u16>()),
    )
        .prop_map(|(from, to, protocol, port, source_port)| Query {
            from,
            to,
            protocol,
            port,
            source_port,
        });
    let mode = prop::option::of(prop::sample::select(vec![Mode::Embed, Mode::Lesson]));
    (prop::option::of(item), prop::option::of(panel), query, mode).prop_map(
        |(selected, panel, query, mode)| View {
            selected,
            panel,
            query,
            mode,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_documents_and_views_come_back_the_same(
        (document, view) in document().prop_flat_map(|(text, ids)| (Just(text), view(ids)))
    ) {
        check("random", &document, &view);
    }
}
