//! The only module that touches the browser: storage, files, the theme, and reading form values.

use std::cell::RefCell;
use std::rc::Rc;

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

// Import and export: several files, drops on the page, downloads of any type, PNG pictures, the clipboard.

/// What reading files gives: each file's name and its text, or why it could not be read.
pub type ReadFiles = Vec<(String, Result<String, String>)>;

/// Files being read; dropping it cancels the reading.
pub struct Readings(
    #[allow(dead_code, reason = "kept alive until every read completes")]
    Vec<gloo::file::callbacks::FileReader>,
);

/// Reads every file of a list and calls `done` once, with the files in the list's order.
fn read_all(list: &web_sys::FileList, done: &Callback<ReadFiles>) -> Option<Readings> {
    let files: Vec<gloo::file::File> = (0..list.length())
        .filter_map(|i| list.get(i))
        .map(gloo::file::File::from)
        .collect();
    if files.is_empty() {
        return None;
    }
    let slots = Rc::new(RefCell::new(vec![None; files.len()]));
    let readers = files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let name = file.name();
            let slots = slots.clone();
            let done = done.clone();
            gloo::file::callbacks::read_as_text(file, move |result| {
                let complete = {
                    let mut slots = slots.borrow_mut();
                    if let Some(slot) = slots.get_mut(i) {
                        *slot = Some((name, result.map_err(|e| e.to_string())));
                    }
                    slots.iter().all(Option::is_some)
                };
                if complete {
                    let read: ReadFiles = slots.borrow_mut().drain(..).flatten().collect();
                    done.emit(read);
                }
            })
        })
        .collect();
    Some(Readings(readers))
}

/// Reads every file chosen in a file input (`multiple`); the [`Readings`] must be kept until `done` runs.
pub fn read_files(event: &Event, done: &Callback<ReadFiles>) -> Option<Readings> {
    let input = event.target()?.dyn_into::<HtmlInputElement>().ok()?;
    let files = input.files()?;
    let readings = read_all(&files, done);
    input.set_value("");
    readings
}

/// Files dropped anywhere on the page, read as they come; dropping it stops listening.
pub struct PageDrop {
    _over: gloo::events::EventListener,
    _drop: gloo::events::EventListener,
    _reading: Rc<RefCell<Option<Readings>>>,
}

/// Lets files be dropped anywhere on the page: `on_files` receives them, read, after each drop.
/// Text dragged from another page (no file) comes as one entry named `dropped text`.
pub fn on_page_drop(on_files: Callback<ReadFiles>) -> PageDrop {
    use gloo::events::{EventListener, EventListenerOptions};
    let document = gloo::utils::document();
    let options = EventListenerOptions::enable_prevent_default();
    // Without this the browser opens the file instead of letting the page have it.
    let over = EventListener::new_with_options(&document, "dragover", options, |event| {
        event.prevent_default();
    });
    let reading = Rc::new(RefCell::new(None));
    let kept = reading.clone();
    let drop = EventListener::new_with_options(&document, "drop", options, move |event| {
        let Some(transfer) = event
            .dyn_ref::<web_sys::DragEvent>()
            .and_then(web_sys::DragEvent::data_transfer)
        else {
            return;
        };
        event.prevent_default();
        match transfer.files().filter(|f| f.length() > 0) {
            Some(files) => *kept.borrow_mut() = read_all(&files, &on_files),
            None => {
                if let Ok(text) = transfer.get_data("text/plain")
                    && !text.trim().is_empty()
                {
                    on_files.emit(vec![("dropped text".to_owned(), Ok(text))]);
                }
            }
        }
    });
    PageDrop {
        _over: over,
        _drop: drop,
        _reading: reading,
    }
}

/// Offers a JSON text file for download.
pub fn download(name: &str, text: &str) {
    download_text(name, text, "application/json");
}

/// Offers a text for download with its media type (`text/plain`, `image/svg+xml`).
pub fn download_text(name: &str, text: &str, media_type: &str) {
    let blob = gloo::file::Blob::new_with_options(text, Some(media_type));
    let url = gloo::file::ObjectUrl::from(blob);
    click_link(name, &url);
}

fn click_link(name: &str, href: &str) {
    let document = gloo::utils::document();
    if let Ok(anchor) = document.create_element("a")
        && let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        anchor.set_href(href);
        anchor.set_download(name);
        anchor.click();
    }
}

/// A picture being drawn; dropping it cancels the drawing.
pub struct Drawing {
    _load: gloo::events::EventListener,
    _error: gloo::events::EventListener,
    _url: gloo::file::ObjectUrl,
}

/// Draws an SVG picture on a canvas, `scale` times its size on a white ground, and offers it as a PNG
/// download named `name`; `done` says whether it worked. The [`Drawing`] must be kept until `done` runs.
pub fn download_png(
    name: &str,
    svg: &str,
    scale: f64,
    done: Callback<Result<(), String>>,
) -> Option<Drawing> {
    use gloo::events::EventListener;
    let image = web_sys::HtmlImageElement::new().ok()?;
    let url = gloo::file::ObjectUrl::from(gloo::file::Blob::new_with_options(
        svg,
        Some("image/svg+xml"),
    ));
    let name = name.to_owned();
    let drawn = image.clone();
    let finished = done.clone();
    let load = EventListener::once(&image, "load", move |_| {
        finished.emit(draw_png(&drawn, scale).map(|data| click_link(&name, &data)));
    });
    let error = EventListener::once(&image, "error", move |_| {
        done.emit(Err("the browser could not read the picture".to_owned()));
    });
    image.set_src(&url);
    Some(Drawing {
        _load: load,
        _error: error,
        _url: url,
    })
}

/// The picture drawn on a canvas, as a `data:image/png` URL.
fn draw_png(image: &web_sys::HtmlImageElement, scale: f64) -> Result<String, String> {
    let (width, height) = (
        f64::from(image.natural_width()),
        f64::from(image.natural_height()),
    );
    if width < 1.0 || height < 1.0 {
        return Err("the picture has no size".to_owned());
    }
    let canvas = gloo::utils::document()
        .create_element("canvas")
        .ok()
        .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or("the browser has no canvas")?;
    // Whole pixels: the canvas' size is an integer.
    let (w, h) = ((width * scale).ceil(), (height * scale).ceil());
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        .ok_or("the browser cannot draw on a canvas")?;
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, w, h);
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            image,
            0.0,
            0.0,
            width * scale,
            height * scale,
        )
        .map_err(|_| "the browser could not draw the picture".to_owned())?;
    canvas
        .to_data_url_with_type("image/png")
        .map_err(|_| "the browser could not write a PNG".to_owned())
}

/// Copies a text to the clipboard; `done` says whether the browser allowed it.
pub fn copy_text(text: &str, done: Callback<Result<(), String>>) {
    let promise = gloo::utils::window()
        .navigator()
        .clipboard()
        .write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        let result = wasm_bindgen_futures::JsFuture::from(promise).await;
        done.emit(
            result
                .map(|_| ())
                .map_err(|_| "the browser did not allow copying to the clipboard".to_owned()),
        );
    });
}
