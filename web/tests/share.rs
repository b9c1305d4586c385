//! Browser tests of share links and saved designs: the real app in headless Chromium (see `browser.rs`).
//!
//! A page load is a new `App` mounted after the address was set with `history.replaceState` (which, like a
//! link opened in a new tab, fires no `hashchange`): the app reads the link on start, as it does in a fresh tab.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::panic,
    clippy::expect_used,
    reason = "a browser test reports a failed expectation by panicking"
)]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, EventInit, HtmlInputElement};

mod support;
use support::{click, find, forget_indexed_db, load_example, settle, started, text_of, until};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a new `<div>` appended to the test page's body, lets it render, and returns the div.
async fn mount_app() -> Element {
    let div = gloo::utils::document()
        .create_element("div")
        .expect("create a div");
    gloo::utils::body()
        .append_child(&div)
        .expect("append the div to the body");
    yew::Renderer::<avnm_web::App>::with_root(div.clone()).render();
    settle().await;
    div
}

/// A fresh profile: nothing saved, no fragment.
fn fresh() {
    if let Ok(Some(storage)) = gloo::utils::window().local_storage() {
        let _ = storage.clear();
    }
    forget_indexed_db();
    set_address("");
}

/// The page address with `fragment` (without `#`, empty for none), set without a `hashchange`.
fn set_address(fragment: &str) {
    let location = gloo::utils::window().location();
    let page = location.pathname().expect("a path") + &location.search().expect("a query");
    let url = if fragment.is_empty() {
        page
    } else {
        format!("{page}#{fragment}")
    };
    gloo::utils::window()
        .history()
        .expect("history")
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .expect("replaceState");
}

#[track_caller]
fn value_of(root: &Element, selector: &str) -> String {
    find(root, selector)
        .dyn_into::<HtmlInputElement>()
        .expect("an input")
        .value()
}

/// Types `text` into an input as one `input` event.
#[track_caller]
fn type_into(root: &Element, selector: &str, text: &str) {
    let input = find(root, selector)
        .dyn_into::<HtmlInputElement>()
        .expect("an input");
    input.set_value(text);
    input_event(&input);
}

/// Tells `target` its value changed, as typing does: one `input` event that bubbles.
#[track_caller]
fn input_event(target: &web_sys::EventTarget) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("input", &init).expect("an event");
    target.dispatch_event(&event).expect("dispatch");
}

/// The texts of every element matching `selector`.
fn texts(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

/// The link the Share dialog shows for the app in `root`, and the dialog closed again.
async fn share_link(root: &Element) -> String {
    click(root, "[data-testid=share]");
    settle().await;
    let link = value_of(root, "[data-testid=share-link]");
    let length = text_of(root, "[data-testid=share-length]");
    assert_eq!(
        length.replace(',', ""),
        format!("{} characters", link.chars().count()),
        "the dialog gives the link's length"
    );
    click(root, "[data-testid=share-close]");
    settle().await;
    link
}

/// The hub-and-spoke example with `ng-production` selected, the membership panel in front, and the hub's SSH
/// to a test spoke in the verdict panel.
async fn a_design_and_a_view() -> Element {
    let root = mount_app().await;
    started(&root).await;
    load_example(&root, "hub-spoke-guardrails").await;
    type_into(&root, "[data-testid=verdict-from]", "10.100.0.4");
    type_into(&root, "[data-testid=verdict-to]", "10.11.0.4");
    type_into(&root, "[data-testid=verdict-port]", "22");
    settle().await;
    assert_eq!(
        text_of(&root, "[data-testid=verdict-decision]").trim(),
        "Denied",
        "the organization denies SSH from the hub to a test spoke (deny-ssh)"
    );
    click(&root, "[data-testid=nav-ng-production]");
    click(&root, "[data-testid=tab-membership]");
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn a_share_link_opens_the_same_design_and_view() {
    fresh();
    let first = a_design_and_a_view().await;
    let link = share_link(&first).await;
    let fragment = link.split_once('#').expect("a fragment").1;
    assert!(fragment.starts_with("v1."), "{link}");

    // Another browser: nothing saved, the link in the address.
    fresh();
    set_address(fragment);
    let second = mount_app().await;
    assert_eq!(
        text_of(&second, "nav"),
        text_of(&first, "nav"),
        "the same design"
    );
    assert_eq!(
        text_of(&second, "main"),
        text_of(&first, "main"),
        "the same item selected"
    );
    assert_eq!(
        text_of(&second, "[aria-current=true]"),
        text_of(&first, "[aria-current=true]")
    );
    assert_eq!(
        text_of(&second, "[role=tab][aria-selected=true]").trim(),
        "Membership"
    );
    assert_eq!(
        text_of(&second, "[role=tabpanel]"),
        text_of(&first, "[role=tabpanel]")
    );
    click(&second, "[data-testid=tab-verdict]");
    settle().await;
    assert_eq!(
        value_of(&second, "[data-testid=verdict-from]"),
        "10.100.0.4"
    );
    assert_eq!(value_of(&second, "[data-testid=verdict-to]"), "10.11.0.4");
    assert_eq!(value_of(&second, "[data-testid=verdict-port]"), "22");
    assert_eq!(
        text_of(&second, "[data-testid=verdict-decision]").trim(),
        "Denied"
    );
    assert_eq!(
        gloo::utils::window().location().hash().expect("a hash"),
        "",
        "the fragment is cleared once the design is saved"
    );
    // The link's design is now a saved design of this browser: a reload shows it without the link.
    let reloaded = mount_app().await;
    assert_eq!(text_of(&reloaded, "nav"), text_of(&first, "nav"));
    assert_eq!(second_link_of(&second).await, link, "the same link again");
}

/// The link the second app shares, with its verdict panel back in front as in the first.
async fn second_link_of(root: &Element) -> String {
    click(root, "[data-testid=tab-membership]");
    settle().await;
    share_link(root).await
}

#[wasm_bindgen_test]
async fn damaged_and_cut_links_keep_the_design_and_say_why() {
    fresh();
    let first = a_design_and_a_view().await;
    let link = share_link(&first).await;
    let fragment = link.split_once('#').expect("a fragment").1.to_owned();
    // The design on screen is a different one, saved in this browser.
    let root = mount_app().await;
    load_example(&root, "regional-vs-global-mesh").await;
    let mine = text_of(&root, "nav");

    let cut = &fragment[..fragment.len() / 2];
    let damaged = fragment.replacen("v1.", "v1.*", 1);
    for (bad, says) in [
        (cut.to_owned(), "the link is cut short"),
        (damaged, "the link is damaged"),
        ("v2.AAAA".to_owned(), "made by a newer version"),
    ] {
        set_address(&bad);
        let opened = mount_app().await;
        assert_eq!(text_of(&opened, "nav"), mine, "the design is unchanged");
        let notice = text_of(&opened, "[data-testid=notice]");
        assert!(
            notice.contains("the link was not opened, your design is unchanged")
                && notice.contains(says),
            "{notice}"
        );
    }
    // A bad link pasted into the address bar of the open page.
    set_address("");
    gloo::utils::window()
        .location()
        .set_hash(cut)
        .expect("set the hash");
    // `hashchange` is dispatched as a task.
    until("the notice of the pasted link", || {
        root.query_selector("[data-testid=notice]")
            .ok()
            .flatten()
            .and_then(|n| n.text_content())
            .is_some_and(|t| t.contains("the link is cut short"))
    })
    .await;
    assert_eq!(text_of(&root, "nav"), mine);
    set_address("");
}

#[wasm_bindgen_test]
async fn saved_designs_are_listed_renamed_duplicated_opened_and_deleted() {
    fresh();
    let root = mount_app().await;
    started(&root).await;
    load_example(&root, "regional-vs-global-mesh").await;
    let mesh = text_of(&root, "nav");
    click(&root, "[data-testid=my-designs]");
    settle().await;
    let names = texts(&root, "[data-testid=saved-design] .design-name");
    assert_eq!(names.len(), 1, "the design on screen is saved: {names:?}");
    let title = names.first().cloned().unwrap_or_default();
    assert!(
        !title.is_empty() && title != "Untitled design",
        "named after its title: {title}"
    );

    click(&root, "[data-testid=design-1-duplicate]");
    settle().await;
    assert_eq!(
        texts(&root, "[data-testid=saved-design] .design-name"),
        [format!("{title} (copy)"), title.clone()],
        "newest first"
    );
    click(&root, "[data-testid=design-2-rename]");
    settle().await;
    type_into(&root, "[data-testid=design-2-name-input]", "My mesh");
    settle().await;
    click(&root, "[data-testid=design-2-name-save]");
    settle().await;
    assert_eq!(text_of(&root, "[data-testid=design-2-name]"), "My mesh");

    // Another design on screen, then the copy opened again.
    click(&root, "[data-testid=designs-close]");
    load_example(&root, "hub-spoke-guardrails").await;
    assert_ne!(text_of(&root, "nav"), mesh);
    click(&root, "[data-testid=my-designs]");
    settle().await;
    click(&root, "[data-testid=design-2-open]");
    settle().await;
    assert_eq!(
        text_of(&root, "nav"),
        mesh,
        "the copy holds the mesh design"
    );
    click(&root, "[data-testid=my-designs]");
    settle().await;
    let delete_current = find(&root, "[data-testid=design-2-delete]");
    assert!(
        delete_current.has_attribute("disabled"),
        "the design on screen cannot be deleted"
    );
    click(&root, "[data-testid=design-1-delete]");
    settle().await;
    assert_eq!(
        texts(&root, "[data-testid=saved-design] .design-name"),
        ["My mesh"]
    );
    // A reload shows the same saved designs and the same design.
    let reloaded = mount_app().await;
    assert_eq!(text_of(&reloaded, "nav"), mesh);
    click(&reloaded, "[data-testid=my-designs]");
    settle().await;
    assert_eq!(
        texts(&reloaded, "[data-testid=saved-design] .design-name"),
        ["My mesh"]
    );
}

#[wasm_bindgen_test]
async fn undo_survives_a_reload() {
    fresh();
    let root = mount_app().await;
    started(&root).await;
    let example = text_of(&root, "nav");
    load_example(&root, "regional-vs-global-mesh").await;
    let mesh = text_of(&root, "nav");
    let reloaded = mount_app().await;
    assert_eq!(text_of(&reloaded, "nav"), mesh);
    assert!(
        !find(&reloaded, "[data-testid=undo]").has_attribute("disabled"),
        "the load can be undone after a reload"
    );
    click(&reloaded, "[data-testid=undo]");
    settle().await;
    assert_eq!(text_of(&reloaded, "nav"), example);
    click(&reloaded, "[data-testid=redo]");
    settle().await;
    assert_eq!(text_of(&reloaded, "nav"), mesh);
}

#[wasm_bindgen_test]
async fn a_design_that_local_storage_cannot_hold_is_kept_in_indexed_db() {
    fresh();
    let root = mount_app().await;
    started(&root).await;
    let storage = gloo::utils::window()
        .local_storage()
        .expect("local storage")
        .expect("local storage");
    // Fill localStorage, then free a kilobyte: room for the index, not for a larger design.
    let mut size = 16 * 1024 * 1024;
    let mut fillers = Vec::new();
    while size >= 1024 {
        let key = format!("filler-{}", fillers.len());
        if storage.set_item(&key, &"x".repeat(size)).is_ok() {
            fillers.push(key);
        } else {
            size /= 2;
        }
    }
    for key in fillers.iter().rev().take(1) {
        let _ = storage.remove_item(key);
    }
    load_example(&root, "regional-vs-global-mesh").await;
    let mesh = text_of(&root, "nav");
    until("the design in IndexedDB", || {
        storage
            .get_item("avnm-playground.design.1")
            .ok()
            .flatten()
            .is_some_and(|v| v == "@indexeddb")
    })
    .await;
    assert!(
        root.query_selector("[data-testid=notice]")
            .ok()
            .flatten()
            .is_none(),
        "no notice: the design is kept"
    );
    let reloaded = mount_app().await;
    until("the design read back from IndexedDB", || {
        reloaded
            .query_selector("nav")
            .ok()
            .flatten()
            .and_then(|n| n.text_content())
            .is_some_and(|t| t == mesh)
    })
    .await;
    until("its history read back from IndexedDB", || {
        reloaded
            .query_selector("[data-testid=undo]")
            .ok()
            .flatten()
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    // With no room left at all, even for the index, the user is told.
    let mut size = 1024;
    while size >= 1 {
        let key = format!("filler-{}", fillers.len());
        if storage.set_item(&key, &"x".repeat(size)).is_ok() {
            fillers.push(key);
        } else {
            size /= 2;
        }
    }
    load_example(&reloaded, "hub-spoke-guardrails").await;
    // The autosave writes in tasks after the one that shows the design.
    until("the notice", || {
        reloaded
            .query_selector("[data-testid=notice]")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    let notice = text_of(&reloaded, "[data-testid=notice]");
    assert!(
        notice.contains("your design could not be kept in this browser"),
        "{notice}"
    );
    let _ = storage.clear();
}

/// Sets a text area's text as one `input` event.
#[track_caller]
fn type_into_area(root: &Element, selector: &str, text: &str) {
    let area = find(root, selector)
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .expect("a text area");
    area.set_value(text);
    input_event(&area);
}

/// A design of `vnets` VNets `vnet-big-<n>` of about 400 bytes of JSON each, the last `vnet-big-last`.
fn big_design(vnets: usize) -> String {
    let rg = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-big/providers/Microsoft.Network";
    let vnet = |name: &str, prefix: &str| {
        format!(
            r#"{{"id": "{rg}/virtualNetworks/{name}", "name": "{name}", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope", "tags": {{"note": "{}"}}, "properties": {{"addressSpace": {{"addressPrefixes": ["{prefix}"]}}}}}}"#,
            "x".repeat(150)
        )
    };
    let mut resources: Vec<String> = (0..vnets - 1)
        .map(|n| {
            vnet(
                &format!("vnet-big-{n}"),
                &format!("10.{}.{}.0/24", n / 256 % 256, n % 256),
            )
        })
        .collect();
    resources.push(vnet("vnet-big-last", "172.16.0.0/16"));
    format!(
        r#"{{"title": "A big design", "resources": [{}]}}"#,
        resources.join(", ")
    )
}

/// Counts from now on the records the page asks IndexedDB to put (`window.avnmPuts`).
fn count_puts() {
    let count = js_sys::Function::new_no_args(
        "const store = IDBObjectStore.prototype; window.avnmPuts = 0;\
         if (!store.avnmPut) { store.avnmPut = store.put; }\
         store.put = function (...args) { window.avnmPuts += 1; return this.avnmPut(...args); };",
    );
    count.call0(&JsValue::NULL).expect("count puts");
}

/// How many records the page asked IndexedDB to put since [`count_puts`].
fn puts() -> u32 {
    js_sys::Reflect::get(&gloo::utils::window(), &"avnmPuts".into())
        .ok()
        .and_then(|v| v.as_f64())
        .map_or(0, |n| n as u32)
}

/// When the index says the current design's text was last kept.
fn kept_at() -> String {
    let index = gloo::utils::window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item("avnm-playground.designs").ok().flatten())
        .unwrap_or_default();
    index
        .split("\"changed\":")
        .nth(1)
        .and_then(|rest| rest.split([',', '}']).next())
        .unwrap_or_default()
        .to_owned()
}

/// Waits until the index says the current design's text was kept after `before`.
async fn kept_after(what: &str, before: &str) {
    until(what, || {
        let now = kept_at();
        !now.is_empty() && now != before && now != "0"
    })
    .await;
}

/// Adds a VNet `name` with the overview's form (adding selects the new VNet: the overview is opened first).
async fn add_vnet(root: &Element, name: &str) {
    click(root, "[data-testid=app-title]");
    until("the overview's form to add a resource", || {
        root.query_selector("[data-testid=add-name]")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    type_into(root, "[data-testid=add-name]", name);
    click(root, "[data-testid=add-submit]");
    settle().await;
}

/// A design of 1.2 MB is kept in IndexedDB in pieces; an edit of one VNet writes the piece that holds it (with the
/// record that lists the pieces and the journal), not the 24 pieces of the design; after two edits and a reload,
/// both are there with the design they were made in.
#[wasm_bindgen_test]
async fn a_large_design_is_kept_in_pieces_and_an_edit_writes_what_it_changed() {
    fresh();
    let root = mount_app().await;
    started(&root).await;
    let kept = kept_at();
    click(&root, "[data-testid='nav-Document (JSON)']");
    settle().await;
    // 3,000 VNets of about 400 bytes: 47 pieces of 64 VNets, past the 1 MiB kept whole.
    type_into_area(&root, "[data-testid=json-editor]", &big_design(3_000));
    settle().await;
    click(&root, "[data-testid=json-apply]");
    kept_after("the big design kept", &kept).await;
    let storage = gloo::utils::window()
        .local_storage()
        .expect("local storage")
        .expect("local storage");
    assert_eq!(
        storage
            .get_item("avnm-playground.design.1")
            .ok()
            .flatten()
            .as_deref(),
        Some("@indexeddb")
    );

    count_puts();
    let kept = kept_at();
    add_vnet(&root, "vnet-added").await;
    kept_after("the edit kept", &kept).await;
    // The last piece of resources (which gets the new VNet), the list of pieces, the journal.
    assert_eq!(puts(), 3, "an edit of a design of 47 pieces");

    // A second edit right after the first, before it is kept: what is kept at the end is the design with both.
    let kept = kept_at();
    add_vnet(&root, "vnet-added-too").await;
    add_vnet(&root, "vnet-added-three").await;
    kept_after("the two edits kept", &kept).await;

    let reloaded = mount_app().await;
    for name in [
        "vnet-big-0",
        "vnet-big-last",
        "vnet-added",
        "vnet-added-too",
        "vnet-added-three",
    ] {
        until(
            &format!("the navigator's filter after the reload, for {name}"),
            || {
                reloaded
                    .query_selector("[data-testid=nav-filter]")
                    .ok()
                    .flatten()
                    .is_some()
            },
        )
        .await;
        type_into(&reloaded, "[data-testid=nav-filter]", name);
        until(&format!("{name} after the reload"), || {
            text_of(&reloaded, "nav").contains(name)
        })
        .await;
    }
    assert!(
        reloaded
            .query_selector("[data-testid=notice]")
            .ok()
            .flatten()
            .is_none(),
        "the design reads back without a notice"
    );
}
