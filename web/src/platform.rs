//! The only module that touches the browser: storage, files, the theme, reading form values, the page's address,
//! fetching files, and the `postMessage` API of embeds (`docs/embedding.md`).

use gloo::storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

const SAVED: &str = "avnm-playground.design";
const THEME: &str = "avnm-playground.theme";

/// The design saved by the last session, if any.
pub fn saved_design() -> Option<String> {
    LocalStorage::get::<String>(SAVED).ok()
}

/// Saves the design so that a reload keeps it.
pub fn save_design(text: &str) {
    let _ = LocalStorage::set(SAVED, text);
}

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

// The page's address, fetching, and messages with the page around an embed.

/// The query of the page's URL as `(key, value)` pairs, in order and decoded.
pub fn query() -> Vec<(String, String)> {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&params.entries()) {
        for entry in entries.flatten() {
            let entry = js_sys::Array::from(&entry);
            if let (Some(key), Some(value)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                pairs.push((key, value));
            }
        }
    }
    pairs
}

/// The fragment of the page's URL, without `#`.
pub fn fragment() -> String {
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    hash.strip_prefix('#').unwrap_or(&hash).to_owned()
}

/// The page's origin (`https://host:port`).
pub fn origin() -> String {
    gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default()
}

/// The page's address without its query and fragment: where the playground is served.
pub fn address() -> String {
    let location = gloo::utils::window().location();
    format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}

/// Fetches a text file (relative to the page); `done` receives its text, or why it could not be read.
pub fn fetch_text(url: String, done: Callback<Result<String, String>>) {
    yew::platform::spawn_local(async move {
        let result = match gloo::net::http::Request::get(&url).send().await {
            Ok(response) if response.ok() => response
                .text()
                .await
                .map_err(|e| format!("`{url}` could not be read: {e}")),
            Ok(response) => Err(format!(
                "`{url}` could not be fetched: the server answered {}",
                response.status()
            )),
            Err(e) => Err(format!("`{url}` could not be fetched: {e}")),
        };
        done.emit(result);
    });
}

/// A message from the page around an embed, from an origin it allows.
#[derive(Clone, Debug, PartialEq)]
pub enum Inbound {
    /// `{type: "avnm:load", design}`: show this design (`design` is the scenario document as an object or as
    /// JSON text).
    Load(String),
    /// `{type: "avnm:get"}`: send the design back.
    Get,
    /// A message of the API that cannot be read, and why.
    Invalid(String),
}

/// The window that sent a message, to answer it.
#[derive(Clone, Debug)]
pub struct Peer {
    window: web_sys::Window,
    origin: String,
}

/// The `message` listener of an embed; dropping it stops listening.
pub struct Listening(
    #[allow(dead_code, reason = "kept alive to keep listening")] gloo::events::EventListener,
);

/// A message as it arrives: its type, and the design of `avnm:load` kept as the JavaScript value it is.
///
/// A plain struct, not a tagged enum: serde buffers the content of a tagged enum, which would lose the value.
#[derive(serde::Deserialize)]
struct RawInbound {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    design: wasm_bindgen::JsValue,
}

/// Reads a message's data: `None` when it is not a message of the API (its `type` does not start with `avnm:`).
fn inbound(data: &wasm_bindgen::JsValue) -> Option<Inbound> {
    let raw = serde_wasm_bindgen::from_value::<RawInbound>(data.clone()).ok()?;
    if !raw.kind.starts_with("avnm:") {
        return None;
    }
    let design = raw.design;
    Some(match raw.kind.as_str() {
        "avnm:get" => Inbound::Get,
        "avnm:load" => match design.as_string() {
            Some(text) => Inbound::Load(text),
            None if design.is_object() => match js_sys::JSON::stringify(&design) {
                Ok(text) => Inbound::Load(String::from(text)),
                Err(_) => Inbound::Invalid("`design` cannot be written as JSON".to_owned()),
            },
            None => Inbound::Invalid(
                "`design` is a scenario document: an object or its JSON text".to_owned(),
            ),
        },
        other => Inbound::Invalid(format!(
            "`{other}` is not a message the playground reads (`avnm:load`, `avnm:get`)"
        )),
    })
}

/// Listens to `message` events; those from an origin that `allows` accepts and of the API reach `on`, with the
/// window to answer. Every other message is ignored.
pub fn listen_messages(
    allows: impl Fn(&str) -> bool + 'static,
    on: Callback<(Inbound, Peer)>,
) -> Listening {
    let window = gloo::utils::window();
    Listening(gloo::events::EventListener::new(
        &window,
        "message",
        move |event| {
            let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                return;
            };
            let origin = event.origin();
            if !allows(&origin) {
                return;
            }
            // A window of another origin is not `instanceof Window` here, but it does answer `postMessage`.
            let Some(window) = event
                .source()
                .map(JsCast::unchecked_into::<web_sys::Window>)
            else {
                return;
            };
            if let Some(message) = inbound(&event.data()) {
                on.emit((message, Peer { window, origin }));
            }
        },
    ))
}

/// A message as a plain object: `message` serialised, and `design` (JSON text) parsed into its `design` key.
fn plain(message: &impl serde::Serialize, design: Option<&str>) -> Option<wasm_bindgen::JsValue> {
    let value = message
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()?;
    if let Some(text) = design {
        let parsed = js_sys::JSON::parse(text).ok()?;
        js_sys::Reflect::set(&value, &"design".into(), &parsed).ok()?;
    }
    Some(value)
}

/// Answers the window that sent a message, at its origin only.
pub fn answer(peer: &Peer, message: &impl serde::Serialize, design: Option<&str>) {
    if let Some(value) = plain(message, design) {
        let _ = peer.window.post_message(&value, &peer.origin);
    }
}

/// Sends a message to the page around the embed, once per allowed origin (a browser delivers it only to a parent
/// of that origin, so a design never reaches a page that was not allowed); nothing when the page is not framed.
pub fn tell_parent(origins: &[String], message: &impl serde::Serialize, design: Option<&str>) {
    let window = gloo::utils::window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if parent == window {
        return;
    }
    let Some(value) = plain(message, design) else {
        return;
    };
    for origin in origins {
        let _ = parent.post_message(&value, origin);
    }
}
