//! The only module that touches the browser: storage, files, the theme, the page's address, and reading form
//! values.

pub mod keep;

use gloo::storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

const THEME: &str = "avnm-playground.theme";

/// The theme chosen by the user, else the system's.
pub fn theme() -> &'static str {
    match LocalStorage::get::<String>(THEME).ok().as_deref() {
        Some("dark") => "dark",
        Some("light") => "light",
        _ => {
            let dark = gloo::utils::window()
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten()
                .is_some_and(|m| m.matches());
            if dark { "dark" } else { "light" }
        }
    }
}

/// Applies a theme to the page and remembers it.
pub fn set_theme(theme: &str) {
    let _ = LocalStorage::set(THEME, theme);
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// Offers a text file for download.
pub fn download(name: &str, text: &str) {
    let blob = gloo::file::Blob::new_with_options(text, Some("application/json"));
    let url = gloo::file::ObjectUrl::from(blob);
    let document = gloo::utils::document();
    if let Ok(anchor) = document.create_element("a")
        && let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
}

/// A file being read; dropping it cancels the reading.
pub struct Reading(
    #[allow(dead_code, reason = "kept alive until the read completes")]
    gloo::file::callbacks::FileReader,
);

/// Reads the first file chosen in a file input; the [`Reading`] must be kept alive until `done` runs.
pub fn read_file(
    event: &Event,
    done: Callback<(String, Result<String, String>)>,
) -> Option<Reading> {
    let input = event.target()?.dyn_into::<HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    input.set_value("");
    let file = gloo::file::File::from(file);
    let name = file.name();
    Some(Reading(gloo::file::callbacks::read_as_text(
        &file,
        move |result| {
            done.emit((name, result.map_err(|e| e.to_string())));
        },
    )))
}

/// The value of the input, textarea or select that an event came from.
pub fn value(event: &Event) -> String {
    let Some(target) = event.target() else {
        return String::new();
    };
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        return input.value();
    }
    if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        return area.value();
    }
    if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
        return select.value();
    }
    String::new()
}

/// Whether the checkbox an event came from is checked.
pub fn checked(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

/// The page's address without its fragment: what a share link starts with.
pub fn page_url() -> String {
    let href = gloo::utils::window().location().href().unwrap_or_default();
    href.split_once('#')
        .map_or(href.as_str(), |(page, _)| page)
        .to_owned()
}

/// The page's fragment without `#`, when it has one.
pub fn fragment() -> Option<String> {
    let hash = gloo::utils::window().location().hash().ok()?;
    let fragment = hash.strip_prefix('#').unwrap_or(&hash);
    (!fragment.is_empty()).then(|| fragment.to_owned())
}

/// Removes the fragment from the address bar without reloading or adding a history entry.
pub fn clear_fragment() {
    let url = page_url();
    if let Ok(history) = gloo::utils::window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Calls `changed` when the page's fragment changes (a link pasted into the address bar of an open page); the
/// listening stops when the returned value is dropped.
pub fn on_fragment_change(changed: Callback<()>) -> gloo::events::EventListener {
    gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
        changed.emit(());
    })
}

/// Copies `text` to the clipboard; `done` says whether the browser allowed it.
pub fn copy(text: &str, done: Callback<bool>) {
    let navigator = gloo::utils::window().navigator();
    // `navigator.clipboard` is missing outside secure contexts (a page served over plain HTTP to another host).
    let present = js_sys::Reflect::get(&navigator, &wasm_bindgen::JsValue::from_str("clipboard"))
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !present {
        done.emit(false);
        return;
    }
    let promise = navigator.clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done.emit(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// Selects the text of the input an event came from (a click into a read-only link field).
pub fn select_all(event: &Event) {
    if let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    {
        input.select();
    }
}
