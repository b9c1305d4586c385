//! Browser tests: the real app, mounted in headless Chromium by the wasm-bindgen test runner.
//!
//! The `browser` phase of `cargo xtask test` runs them (`cargo xtask test browser` runs only that phase).
//! It is `cargo test -p avnm-web --target wasm32-unknown-unknown --test '*'` with the xtask as cargo's runner for
//! the target; the command it prints can be pasted into a shell.
//! Each test mounts `App` into a fresh `<div>`, lets Yew render, and asserts through `data-testid`s.
//! Interaction flows on the served bundle belong in the WebDriver end-to-end tests (xtask/src/e2e.rs).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::panic,
    clippy::expect_used,
    reason = "a browser test reports a failed expectation by panicking"
)]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

mod support;
use support::{click, forget_indexed_db, load_example, settle, started, text_of};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a new `<div>` appended to the test page's body, and returns the div.
fn mount_app() -> Element {
    let div = gloo::utils::document()
        .create_element("div")
        .expect("create a div");
    gloo::utils::body()
        .append_child(&div)
        .expect("append the div to the body");
    yew::Renderer::<avnm_web::App>::with_root(div.clone()).render();
    div
}

/// Starts from a clean slate: no design saved by an earlier test.
fn forget_saved_design() {
    if let Ok(Some(storage)) = gloo::utils::window().local_storage() {
        let _ = storage.clear();
    }
    forget_indexed_db();
}

#[wasm_bindgen_test]
async fn app_shows_its_title() {
    let root = mount_app();
    settle().await;
    let title = text_of(&root, "[data-testid=app-title]");
    assert!(
        title.contains("AVNM Playground"),
        "the title reads {title:?}"
    );
}

#[wasm_bindgen_test]
async fn loading_an_example_fills_the_navigator_and_its_intents_pass() {
    forget_saved_design();
    let root = mount_app();
    started(&root).await;
    load_example(&root, "ssh-exception-for-one-team").await;
    let navigator = text_of(&root, "nav");
    assert!(
        navigator.contains("Subscription"),
        "the navigator lists the network: {navigator}"
    );
    click(&root, "[data-testid=tab-intents]");
    settle().await;
    let summary = text_of(&root, "[data-testid=intents] .summary");
    assert!(
        summary.contains("9 passed, 0 failed"),
        "the example's nine intents pass: {summary}"
    );
}

#[wasm_bindgen_test]
async fn undo_restores_the_design_before_a_load() {
    forget_saved_design();
    let root = mount_app();
    started(&root).await;
    let before = text_of(&root, "nav");
    load_example(&root, "regional-vs-global-mesh").await;
    assert_ne!(text_of(&root, "nav"), before, "the new design is shown");
    click(&root, "[data-testid=undo]");
    settle().await;
    assert_eq!(
        text_of(&root, "nav"),
        before,
        "undo brings the first design back"
    );
    click(&root, "[data-testid=redo]");
    settle().await;
    assert_ne!(
        text_of(&root, "nav"),
        before,
        "redo shows the loaded design again"
    );
}

#[wasm_bindgen_test]
async fn the_verdict_panel_answers_for_the_first_intent() {
    forget_saved_design();
    let root = mount_app();
    started(&root).await;
    let decision = text_of(&root, "[data-testid=verdict-decision]");
    assert_eq!(
        decision.trim(),
        "Allowed",
        "the first example's first intent is allowed"
    );
}

/// Sets a textarea's text as typing would: its value, then an `input` event.
#[track_caller]
fn type_text(root: &Element, selector: &str, text: &str) {
    let area = root
        .query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("no element matches `{selector}`"));
    area.dyn_ref::<web_sys::HtmlTextAreaElement>()
        .expect("a textarea")
        .set_value(text);
    fire(&area, "input");
}

/// Dispatches a bubbling event of type `kind` on an element, as the browser does when the user changes it.
fn fire(element: &Element, kind: &str) {
    let event = web_sys::Event::new_with_event_init_dict(kind, &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("an event");
    element.dispatch_event(&event).expect("dispatch the event");
}

#[wasm_bindgen_test]
async fn a_pasted_list_imports_with_its_report_and_loads_as_one_undoable_step() {
    forget_saved_design();
    let root = mount_app();
    started(&root).await;
    let before = text_of(&root, "nav");
    click(&root, "[data-testid=import-open]");
    settle().await;
    // A `{"value": [...]}` list as Azure's REST API returns it, the VNet without `type`.
    type_text(
        &root,
        "[data-testid=import-text]",
        r#"{"value": [{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-pasted",
                      "location": "westeurope",
                      "properties": {"addressSpace": {"addressPrefixes": ["10.42.0.0/16"]}}}],
            "nextLink": null}"#,
    );
    settle().await;
    click(&root, "[data-testid=import-add]");
    settle().await;
    let report = text_of(&root, "[data-testid=import-report]");
    assert!(
        report.contains("pasted.json") && report.contains("value[0].type"),
        "the report names the file and the inferred type's path: {report}"
    );
    click(&root, "[data-testid=import-load]");
    settle().await;
    let navigator = text_of(&root, "nav");
    assert!(
        navigator.contains("vnet-pasted"),
        "the imported VNet is the design: {navigator}"
    );
    click(&root, "[data-testid=import-dialog-close]");
    click(&root, "[data-testid=undo]");
    settle().await;
    assert_eq!(
        text_of(&root, "nav"),
        before,
        "one undo brings the design back"
    );
}

/// A report of hundreds of lines is a list that renders the rows in view, the line to look at (a resource the
/// import skipped, last in the input) before the lines read, with the count of each kind above it.
#[wasm_bindgen_test]
async fn a_long_import_report_lists_what_to_look_at_first() {
    forget_saved_design();
    let root = mount_app();
    started(&root).await;
    click(&root, "[data-testid=import-open]");
    settle().await;
    let vnets: Vec<String> = (0..200)
        .map(|k| {
            format!(
                r#"{{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-{k:03}",
                    "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
                    "properties": {{"addressSpace": {{"addressPrefixes": ["10.{}.{}.0/24"]}}}}}}"#,
                k / 256,
                k % 256
            )
        })
        .collect();
    let machine = r#"{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1",
                      "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
                      "properties": {"vmId": "x"}}"#;
    type_text(
        &root,
        "[data-testid=import-text]",
        &format!(r#"{{"value": [{}, {machine}]}}"#, vnets.join(", ")),
    );
    settle().await;
    click(&root, "[data-testid=import-add]");
    settle().await;
    let heading = text_of(&root, ".io-report h3");
    assert!(
        heading.contains("200 read") && heading.contains("1 skipped"),
        "the counts: {heading}"
    );
    let rows = root
        .query_selector_all("[data-testid=import-report] .report-row")
        .expect("the report's rows");
    assert!(
        rows.length() > 0 && rows.length() < 100,
        "{} of 201 lines rendered, not only those in view",
        rows.length()
    );
    let first = text_of(&root, "[data-testid=import-report] .report-row");
    assert!(
        first.contains("skipped") && first.contains("value[200]"),
        "the skipped machine comes first: {first}"
    );
    click(&root, "[data-testid=import-dialog-close]");
    settle().await;
}

/// A NIC whose NSG has 60 inbound and 60 outbound rules: the Rules panel lists the inbound ones at once and the
/// outbound ones in the next task (the line in their place until then), both directions in full, each with
/// Azure's three default rules of its direction (63).
#[wasm_bindgen_test]
async fn a_nic_with_many_rules_lists_both_directions() {
    forget_saved_design();
    let root = mount_app();
    started(&root).await;
    let rg = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
    let rule = |k: usize, direction: &str| {
        format!(
            r#"{{"name": "{direction}-{k:03}", "properties": {{"priority": {}, "direction": "{direction}",
                "access": "Deny", "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*",
                "destinationAddressPrefix": "*", "destinationPortRange": "{}"}}}}"#,
            1000 + k,
            2000 + k
        )
    };
    let rules: Vec<String> = (0..60)
        .map(|k| rule(k, "Inbound"))
        .chain((0..60).map(|k| rule(k, "Outbound")))
        .collect();
    let design = format!(
        r#"{{"resources": [
        {{"id": "{rg}/virtualNetworks/vnet-a", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
          "properties": {{"addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}},
            "subnets": [{{"name": "web", "properties": {{"addressPrefix": "10.0.0.0/24"}}}}]}}}},
        {{"id": "{rg}/networkSecurityGroups/nsg-web", "type": "Microsoft.Network/networkSecurityGroups",
          "location": "westeurope", "properties": {{"securityRules": [{}]}}}},
        {{"id": "{rg}/networkInterfaces/nic-web", "type": "Microsoft.Network/networkInterfaces", "location": "westeurope",
          "properties": {{"networkSecurityGroup": {{"id": "{rg}/networkSecurityGroups/nsg-web"}},
            "ipConfigurations": [{{"name": "ip", "properties": {{"privateIPAddress": "10.0.0.4",
              "subnet": {{"id": "{rg}/virtualNetworks/vnet-a/subnets/web"}}}}}}]}}}}]}}"#,
        rules.join(", ")
    );
    paste_and_load(&root, &design).await;
    click(&root, "[data-testid=tab-rules]");
    settle().await;
    let stages = || {
        root.query_selector_all(".rules-panel .rule-stage h4")
            .map(|list| {
                (0..list.length())
                    .filter_map(|i| list.get(i)?.text_content())
                    .collect::<Vec<String>>()
            })
            .unwrap_or_default()
    };
    assert!(
        stages()
            .first()
            .is_some_and(|h| h.contains("nsg-web") && h.contains("63 rules")),
        "the inbound rules at once: {:?}",
        stages()
    );
    support::until("the outbound rules", || stages().len() == 2).await;
    assert!(
        stages()
            .get(1)
            .is_some_and(|h| h.contains("nsg-web") && h.contains("63 rules")),
        "both directions: {:?}",
        stages()
    );
    assert!(
        root.query_selector("[data-testid=rules-later]")
            .ok()
            .flatten()
            .is_none(),
        "the line in their place is gone"
    );
}

/// The guardrails example with 60 more VNets tagged `env: prod` in its subscription, which `ng-production`'s policy
/// adds: the group's editor lists the first 50 members and the first 50 VNets its condition selects, each with a
/// button that shows them all, and offers 50 VNets to add as static members, narrowed by a filter.
#[wasm_bindgen_test]
async fn a_large_groups_editor_lists_the_first_items_and_finds_the_others() {
    forget_saved_design();
    let root = mount_app();
    started(&root).await;
    let example = include_str!("../../static/examples/hub-spoke-guardrails.json");
    let sub = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-spokes/providers/Microsoft.Network";
    let extra: Vec<String> = (0..60)
        .map(|k| {
            format!(
                r#"{{"id": "{sub}/virtualNetworks/vnet-extra-{k:02}", "type": "Microsoft.Network/virtualNetworks",
                    "location": "westeurope", "tags": {{"env": "prod"}},
                    "properties": {{"addressSpace": {{"addressPrefixes": ["10.{}.0.0/16"]}}}}}}"#,
                150 + k
            )
        })
        .collect();
    let design = example.replacen(
        "\"resources\": [",
        &format!("\"resources\": [{},", extra.join(", ")),
        1,
    );
    // The example's VNets tagged `env: prod` are members too.
    let members = 60 + example.matches("\"env\": \"prod\"").count();
    paste_and_load(&root, &design).await;
    click(&root, "[data-testid=nav-ng-production]");
    settle().await;
    let count = |selector: &str| {
        root.query_selector_all(selector)
            .map(|list| list.length() as usize)
            .unwrap_or(0)
    };
    assert_eq!(
        count("[data-testid=members] > li"),
        50,
        "the first 50 members"
    );
    click(&root, "[data-testid=members-all]");
    settle().await;
    assert_eq!(
        count("[data-testid=members] > li"),
        members,
        "all the members"
    );
    assert_eq!(
        count("[data-testid=cond-0-preview] > li"),
        50,
        "the first 50 selected"
    );
    click(&root, "[data-testid=cond-0-preview-all]");
    settle().await;
    assert_eq!(
        count("[data-testid=cond-0-preview] > li"),
        members,
        "all the selected"
    );

    assert_eq!(
        count("[data-testid=static-add] option"),
        51,
        "the empty choice and 50 VNets"
    );
    let filter = support::find(&root, "[data-testid=static-add-filter]");
    filter
        .dyn_ref::<web_sys::HtmlInputElement>()
        .expect("an input")
        .set_value("EXTRA-59");
    fire(&filter, "input");
    settle().await;
    assert_eq!(
        count("[data-testid=static-add] option"),
        2,
        "the empty choice and vnet-extra-59"
    );
    choose(
        &root,
        "[data-testid=static-add]",
        &format!("{sub}/virtualNetworks/vnet-extra-59"),
    );
    settle().await;
    assert_eq!(
        text_of(&root, "[data-testid=static-0-name]"),
        "vnet-extra-59"
    );
}

/// Pastes a design's text in the import dialog, adds it, loads it and closes the dialog, as a user does.
async fn paste_and_load(root: &Element, design: &str) {
    click(root, "[data-testid=import-open]");
    settle().await;
    type_text(root, "[data-testid=import-text]", design);
    settle().await;
    click(root, "[data-testid=import-add]");
    settle().await;
    click(root, "[data-testid=import-load]");
    settle().await;
    click(root, "[data-testid=import-dialog-close]");
    settle().await;
}

/// Chooses an option of a select as a user does: its value, then a `change` event.
#[track_caller]
fn choose(root: &Element, selector: &str, value: &str) {
    let select = support::find(root, selector);
    select
        .dyn_ref::<web_sys::HtmlSelectElement>()
        .expect("a select")
        .set_value(value);
    fire(&select, "change");
}

/// The value a select shows.
#[track_caller]
fn shown(root: &Element, selector: &str) -> String {
    support::find(root, selector)
        .dyn_ref::<web_sys::HtmlSelectElement>()
        .expect("a select")
        .value()
}

#[wasm_bindgen_test]
async fn a_select_shows_the_design_after_an_undo() {
    forget_saved_design();
    let root = mount_app();
    started(&root).await;
    load_example(&root, "hub-spoke-guardrails").await;
    click(&root, "[data-testid=nav-rc-organization]");
    settle().await;
    // The example's `deny-ssh` rule, the collection's only one.
    let access = "[data-testid=rule-0-access]";
    assert_eq!(shown(&root, access), "Deny");
    // Each option chosen once by the user: from then on the browser ignores the options' `selected` attributes.
    for value in ["Allow", "Deny", "Allow"] {
        choose(&root, access, value);
        settle().await;
        assert_eq!(shown(&root, access), value);
    }
    click(&root, "[data-testid=undo]");
    settle().await;
    assert_eq!(
        shown(&root, access),
        "Deny",
        "after the undo the select shows the rule's access in the design, not the choice undone"
    );
    click(&root, "[data-testid=redo]");
    settle().await;
    assert_eq!(shown(&root, access), "Allow");
}
