//! Links written by earlier versions still open. The link format has had one version, `v1.` (since the link crate
//! was written); `tests/data/v1-hub-spoke-guardrails.txt` pins it: a link written by hand from the format's
//! description (compact JSON `{"view":…,"design":…}`, raw deflate, base64url without padding) with Python's zlib,
//! not by this crate, holding the hub-and-spoke example and a view. A change to the format that stops it opening
//! fails here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test reports a failed expectation by panicking"
)]

use std::path::PathBuf;

use avnm_core::model::{NetworkGroupId, Protocol};
use avnm_link::{Item, Panel, Query, View, decode};
use serde_json::Value;

fn workspace_file(path: &str) -> String {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&file).expect("the fixture is there")
}

#[test]
fn a_v1_link_written_by_another_tool_opens_with_its_design_and_view() {
    let link = workspace_file("link/tests/data/v1-hub-spoke-guardrails.txt");
    let decoded = decode(link.trim()).expect("the v1 link opens");
    let example: Value =
        serde_json::from_str(&workspace_file("static/examples/hub-spoke-guardrails.json")).unwrap();
    let document: Value = serde_json::from_str(&decoded.document).unwrap();
    assert_eq!(document, example, "the design is the example, key for key");
    assert_eq!(decoded.scenario.model().vnets.len(), 5);
    assert_eq!(
        decoded.view,
        View {
            selected: Some(Item::Group(NetworkGroupId::new(
                "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-network/providers/Microsoft.Network/networkManagers/nm-contoso/networkGroups/ng-production"
            ))),
            panel: Some(Panel::Membership),
            query: Query {
                from: "10.100.0.4".parse().ok(),
                to: "10.11.0.4".parse().ok(),
                protocol: Some(Protocol::Tcp),
                port: Some(22),
                source_port: None,
            },
            mode: None,
        }
    );
}
