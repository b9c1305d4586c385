//! What the browser tests share: waiting for the app, loading an example, forgetting what earlier tests kept,
//! finding and clicking elements.
#![allow(dead_code, reason = "each test file uses a part of it")]

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Lets Yew finish rendering, and the effects it dispatches from.
pub async fn settle() {
    for _ in 0..3 {
        yew::scheduler::flush().await;
    }
}

/// Yields to the browser's event loop (tasks such as `hashchange` and IndexedDB's events) until `done` holds,
/// for up to 5 s.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..250 {
        settle().await;
        if done() {
            return;
        }
        let tick = js_sys::Promise::new(&mut |resolve, _| {
            let _ = gloo::utils::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(tick).await;
    }
    panic!("waited 5 s for {what}");
}

/// Waits until a new visitor's page shows the first example, which it fetches after the first frame.
pub async fn started(root: &Element) {
    until("the first example", || {
        root.query_selector("nav")
            .ok()
            .flatten()
            .and_then(|nav| nav.text_content())
            .is_some_and(|text| text.contains("Subscription"))
    })
    .await;
}

/// Loads an example from the gallery: clicks its button and waits until its file has been fetched (the button is
/// `aria-busy` meanwhile) and the design shown.
pub async fn load_example(root: &Element, name: &str) {
    let selector = format!("[data-testid=load-{name}]");
    click(root, &selector);
    until(&format!("the example `{name}`"), || {
        root.query_selector(&selector)
            .ok()
            .flatten()
            .is_some_and(|button| !button.has_attribute("aria-busy"))
    })
    .await;
    settle().await;
}

/// Deletes the playground's IndexedDB database (designs too large for `localStorage` and the autosave journal), so
/// that no design of an earlier test is recovered from it; the app's next open waits for the deletion.
pub fn forget_indexed_db() {
    let window = gloo::utils::window();
    if let Ok(factory) = js_sys::Reflect::get(&window, &"indexedDB".into())
        && let Ok(delete) = js_sys::Reflect::get(&factory, &"deleteDatabase".into())
        && let Some(delete) = delete.dyn_ref::<js_sys::Function>()
    {
        let _ = delete.call1(&factory, &"avnm-playground".into());
    }
}

#[track_caller]
pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("no element matches `{selector}`"))
}

#[track_caller]
pub fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_ref::<HtmlElement>()
        .expect("an HTML element")
        .click();
}

#[track_caller]
pub fn text_of(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}
