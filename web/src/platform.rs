//! The only module that touches the browser: storage, files, the theme, reading form values, the page's address,
//! fetching files, and the `postMessage` API of embeds (`docs/embedding.md`).

use std::cell::RefCell;
use std::rc::Rc;

use gloo::storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
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

/// A node ref for a `<select>` that shows `value` after every render.
///
/// An option's `selected` attribute chooses what a select shows only until the user picks an option; after that
/// the browser shows the user's pick whatever the attributes say, so a select whose value the design holds
/// would go on showing a choice that an undo took back or that was refused. Setting the select's value (the
/// property, as Yew does for inputs) after each render keeps it showing the design.
#[hook]
pub fn use_select_value(value: Option<AttrValue>) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect(move || {
            if let (Some(select), Some(value)) = (node.cast::<HtmlSelectElement>(), value)
                && select.value() != *value
            {
                select.set_value(&value);
            }
        });
    }
    node
}

/// Whether the `<details>` a `toggle` event came from is open now.
pub fn details_open(event: &Event) -> bool {
    event
        .target_dyn_into::<web_sys::HtmlDetailsElement>()
        .is_some_and(|details| details.open())
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

/// Where the element a scroll event came from is scrolled to, and how tall it is on screen, in CSS pixels:
/// `(scrollTop, clientHeight)`. A scroll event does not bubble, so its target is the scrolled element (Yew listens
/// at its root, which is the event's current target).
pub fn scroll_of(event: &Event) -> Option<(f64, f64)> {
    let element = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    Some((
        f64::from(element.scroll_top()),
        f64::from(element.client_height()),
    ))
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

// A module of its own inside `platform`, the one file that touches the browser.
pub mod keep {
    //! Keeping texts in the browser: `localStorage` while it has room, IndexedDB for what it cannot hold.
    //!
    //! `localStorage` is synchronous, so the design of the last session is on screen from the first frame, but an
    //! origin gets about 5 MiB of it (Chromium and Firefox: 5 MiB per origin; `QuotaExceededError` past it).
    //! A text that does not fit goes to IndexedDB, which holds far more (a share of the disk), and its key in
    //! `localStorage` then holds [`IN_INDEXED_DB`], so one synchronous look tells where a text is.

    use gloo::storage::{LocalStorage, Storage};
    use std::future::IntoFuture as _;

    use idb::{Factory, ObjectStoreParams, TransactionMode};
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use wasm_bindgen::JsValue;
    use yew::Callback;

    /// A text of more bytes than this never fits in `localStorage`: its 5 MiB are counted in UTF-16 code units,
    /// and a character of UTF-8 takes at most 3 bytes per code unit.
    const NEVER_LOCAL_BYTES: usize = 15 * 1024 * 1024;

    /// What a `localStorage` key holds when its text is in IndexedDB: not JSON, so never a design.
    const IN_INDEXED_DB: &str = "@indexeddb";

    /// What IndexedDB holds under a key whose text is kept in pieces, followed by how many (not JSON, so never a
    /// design): see [`keep_pieces`].
    const PIECES: &str = "@pieces ";

    /// The key of piece `at` of the text kept under `key`: keys in the order of their pieces.
    fn piece_key(key: &str, at: usize) -> String {
        format!("{key}#{at:06}")
    }

    /// The keys of the pieces of `key` from place `from` on.
    fn pieces_from(key: &str, from: usize) -> Result<idb::KeyRange, idb::Error> {
        idb::KeyRange::bound(
            &JsValue::from_str(&piece_key(key, from)),
            &JsValue::from_str(&format!("{key}#~")),
            None,
            None,
        )
    }

    /// The IndexedDB database and its one object store (key: the `localStorage` key; value: the text).
    const DATABASE: &str = "avnm-playground";
    const STORE: &str = "texts";

    /// Where a text was kept.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Kept {
        /// In `localStorage`.
        Local,
        /// In IndexedDB: `localStorage` had no room for it.
        Indexed,
    }

    /// A text as one synchronous look finds it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Found {
        /// Nothing is kept under the key.
        Missing,
        /// The text, from `localStorage`.
        Text(String),
        /// The text is in IndexedDB: read it with [`fetch`].
        Indexed,
    }

    /// What `localStorage` holds under `key`.
    pub fn look(key: &str) -> Found {
        match LocalStorage::raw().get_item(key) {
            Ok(Some(text)) if text == IN_INDEXED_DB => Found::Indexed,
            Ok(Some(text)) => Found::Text(text),
            _ => Found::Missing,
        }
    }

    /// Reads the text kept under `key`, from `localStorage` or IndexedDB; `done` gets `None` when there is none.
    pub fn fetch(key: &str, done: Callback<Option<String>>) {
        match look(key) {
            Found::Missing => done.emit(None),
            Found::Text(text) => done.emit(Some(text)),
            Found::Indexed => {
                let key = key.to_owned();
                wasm_bindgen_futures::spawn_local(async move {
                    done.emit(indexed_get(&key).await.ok().flatten());
                });
            }
        }
    }

    thread_local! {
        /// How many texts were given to [`keep`] so far, and the count at the last one per key: a text written to
        /// IndexedDB after a later one went to `localStorage` must not point the key back at IndexedDB.
        static WRITES: std::cell::RefCell<(u64, std::collections::HashMap<String, u64>)> =
            std::cell::RefCell::default();
    }

    /// Notes a new text for `key` and returns its number.
    fn write_number(key: &str) -> u64 {
        WRITES.with_borrow_mut(|(count, last)| {
            *count += 1;
            last.insert(key.to_owned(), *count);
            *count
        })
    }

    /// Whether text number `number` is still the last one given for `key`.
    fn is_last_write(key: &str, number: u64) -> bool {
        WRITES.with_borrow(|(_, last)| last.get(key) == Some(&number))
    }

    /// Keeps `text` under `key`: in `localStorage`, else in IndexedDB; `done` says where, or why it could not be kept.
    ///
    /// `done` hears `Ok` only once the text is where the next start reads it (for IndexedDB: the transaction has
    /// completed and `localStorage` points there), so what it writes in `localStorage` is committed with or after
    /// the text. A text overtaken by a later one for the same key before IndexedDB had it is left there unused, and
    /// `done` hears nothing: the later text's `done` tells.
    pub fn keep(key: &str, text: &str, done: Callback<Result<Kept, String>>) {
        let storage = LocalStorage::raw();
        let number = write_number(key);
        let was_indexed = look(key) == Found::Indexed;
        // A text that cannot fit is not handed to `localStorage` (a copy of it as a JavaScript string, refused).
        let local = text.len() <= NEVER_LOCAL_BYTES && storage.set_item(key, text).is_ok();
        if local {
            if was_indexed {
                forget_indexed(key);
            }
            done.emit(Ok(Kept::Local));
        } else {
            let key = key.to_owned();
            let text = text.to_owned();
            wasm_bindgen_futures::spawn_local(async move {
                match indexed_put(&key, &text).await {
                    // A later text is in `localStorage`, or on its way to IndexedDB (whose transactions run
                    // in order, so it lands after this one).
                    Ok(()) if !is_last_write(&key, number) => {}
                    Ok(()) => {
                        // The marker is a few bytes: when even it has no room, the old text stays in
                        // `localStorage`, so it is removed first.
                        let _ = storage.remove_item(&key);
                        let _ = storage.set_item(&key, IN_INDEXED_DB);
                        done.emit(Ok(Kept::Indexed));
                    }
                    Err(e) => done.emit(Err(e)),
                }
            });
        }
    }

    /// Writes `text` under `key` in IndexedDB at once, whatever its size, and forgets why it could not.
    ///
    /// Chromium writes `localStorage` to disk seconds after a change (it batches commits), so a browser killed
    /// right after an edit loses it there; an IndexedDB transaction is on disk once it completes. This is the copy
    /// that survives a crash; `localStorage` stays the copy read on the first frame.
    pub fn journal(key: &str, text: String) {
        let key = key.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = indexed_put(&key, &text).await;
        });
    }

    /// Keeps a large text under `key` in IndexedDB as pieces whose concatenation it is, writing only `anew` (the
    /// pieces by their place: after an edit, those that changed since the last text kept; every piece the first
    /// time), with `journal` (a key and its text) in the same transaction; `done` hears `Ok` once the transaction
    /// has completed and `localStorage` points at IndexedDB, or why it could not be kept.
    ///
    /// A piece is a record of its own (`<key>#000000`, `<key>#000001`…), and `key`'s record says how many there
    /// are ([`PIECES`]), so that an edit of a 130 MB design writes kilobytes, not the design twice. The transaction
    /// writes every record or none: a browser killed while it runs keeps the text before.
    pub fn keep_pieces(
        key: &str,
        count: usize,
        anew: Vec<(usize, std::sync::Arc<str>)>,
        journal: (&str, String),
        done: Callback<Result<(), String>>,
    ) {
        let number = write_number(key);
        let key = key.to_owned();
        let journal = (journal.0.to_owned(), journal.1);
        wasm_bindgen_futures::spawn_local(async move {
            match indexed_put_pieces(&key, count, &anew, &journal).await {
                Ok(()) if !is_last_write(&key, number) => {}
                Ok(()) => {
                    let storage = LocalStorage::raw();
                    let _ = storage.remove_item(&key);
                    let _ = storage.set_item(&key, IN_INDEXED_DB);
                    done.emit(Ok(()));
                }
                Err(e) => done.emit(Err(e)),
            }
        });
    }

    /// Reads the text kept under `key` in IndexedDB (whatever `localStorage` says: what [`journal`] wrote, and a
    /// design the journal knows is there before `localStorage` does); `done` gets `None` when there is none or
    /// IndexedDB fails.
    pub fn fetch_indexed(key: &str, done: Callback<Option<String>>) {
        let key = key.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            done.emit(indexed_get(&key).await.ok().flatten());
        });
    }

    /// Keeps `text` under `key` in `localStorage` only; `false` when it has no room.
    pub fn set_text(key: &str, text: &str) -> bool {
        LocalStorage::raw().set_item(key, text).is_ok()
    }

    /// Removes the text kept under `key`, wherever it is.
    pub fn forget(key: &str) {
        if look(key) == Found::Indexed {
            forget_indexed(key);
        }
        LocalStorage::delete(key);
    }

    /// A small value (an index) kept as JSON in `localStorage`.
    pub fn get<T: DeserializeOwned>(key: &str) -> Option<T> {
        LocalStorage::get(key).ok()
    }

    /// Keeps a small value as JSON in `localStorage`; `false` when there is no room.
    pub fn set<T: Serialize>(key: &str, value: &T) -> bool {
        LocalStorage::set(key, value).is_ok()
    }

    /// Milliseconds since 1970, for "last changed".
    pub fn now() -> f64 {
        js_sys::Date::now()
    }

    /// A date for people: `2026-12-06 14:05` in the browser's time zone.
    pub fn date(millis: f64) -> String {
        let date = js_sys::Date::new(&JsValue::from_f64(millis));
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            date.get_full_year(),
            date.get_month() + 1,
            date.get_date(),
            date.get_hours(),
            date.get_minutes()
        )
    }

    fn forget_indexed(key: &str) {
        let key = key.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = indexed_delete(&key).await;
        });
    }

    /// Opens the database, creating its store the first time.
    async fn open() -> Result<idb::Database, String> {
        let factory = Factory::new().map_err(|e| format!("IndexedDB is not available ({e})"))?;
        let mut request = factory
            .open(DATABASE, Some(1))
            .map_err(|e| format!("IndexedDB cannot be opened ({e})"))?;
        request.on_upgrade_needed(|event| {
            use idb::DatabaseEvent as _;
            if let Ok(database) = event.database()
                && !database.store_names().iter().any(|s| s == STORE)
            {
                let _ = database.create_object_store(STORE, ObjectStoreParams::new());
            }
        });
        request
            .await
            .map_err(|e| format!("IndexedDB cannot be opened ({e})"))
    }

    /// How many bytes of text [`indexed_write`] hands to IndexedDB in one task (about 20 ms of it in Chromium).
    const BATCH_BYTES: usize = 8 * 1024 * 1024;

    async fn indexed_put(key: &str, text: &str) -> Result<(), String> {
        indexed_write(&[(key.to_owned(), text)], None).await
    }

    async fn indexed_put_pieces(
        key: &str,
        count: usize,
        anew: &[(usize, std::sync::Arc<str>)],
        (journal, record): &(String, String),
    ) -> Result<(), String> {
        let manifest = format!("{PIECES}{count}");
        let records: Vec<(String, &str)> = anew
            .iter()
            .map(|(at, piece)| (piece_key(key, *at), &**piece))
            .chain([
                (key.to_owned(), manifest.as_str()),
                (journal.clone(), record.as_str()),
            ])
            .collect();
        let beyond = pieces_from(key, count).map_err(|e| e.to_string())?;
        indexed_write(&records, Some(beyond)).await
    }

    /// Puts each `(key, text)` of `records` and deletes the keys of `beyond`, in one transaction: all or nothing.
    async fn indexed_write(
        records: &[(String, &str)],
        beyond: Option<idb::KeyRange>,
    ) -> Result<(), String> {
        let database = open().await?;
        let refused = |e: idb::Error| format!("IndexedDB refused the design ({e})");
        let transaction = database
            .transaction(&[STORE], TransactionMode::ReadWrite)
            .map_err(refused)?;
        let store = transaction.object_store(STORE).map_err(refused)?;
        // The records are put a batch of about `BATCH_BYTES` at a time, each batch's requests made, and listened
        // to, before the first is awaited (none completes unheard), and the next batch made once they are done: in
        // the task of the last one's success, while the transaction is still active for it (a promise's work runs
        // before the event's end, so the transaction stays open for every batch). Handing a 130 MB design to
        // IndexedDB is then tasks of about 20 ms, not one of 350 ms.
        let mut batch = Vec::new();
        let mut size = 0;
        for (key, text) in records {
            batch.push(
                store
                    .put(&JsValue::from_str(text), Some(&JsValue::from_str(key)))
                    .map_err(refused)?
                    .into_future(),
            );
            size += text.len();
            if size >= BATCH_BYTES {
                for put in batch.drain(..) {
                    put.await.map_err(refused)?;
                }
                size = 0;
            }
        }
        let deleted = match beyond {
            Some(range) => Some(store.delete(range).map_err(refused)?.into_future()),
            None => None,
        };
        for put in batch {
            put.await.map_err(refused)?;
        }
        if let Some(deleted) = deleted {
            deleted.await.map_err(refused)?;
        }
        transaction
            .commit()
            .map_err(refused)?
            .await
            .map_err(refused)?;
        database.close();
        Ok(())
    }

    async fn indexed_get(key: &str) -> Result<Option<String>, String> {
        let database = open().await?;
        let failed = |e: idb::Error| e.to_string();
        let transaction = database
            .transaction(&[STORE], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = transaction.object_store(STORE).map_err(failed)?;
        let value = store
            .get(JsValue::from_str(key))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        let text = value.and_then(|v| v.as_string());
        let count = text
            .as_deref()
            .and_then(|t| t.strip_prefix(PIECES))
            .map(|count| count.parse::<usize>().map_err(|e| format!("{key}: {e}")))
            .transpose()?;
        let Some(count) = count else {
            let _ = transaction.await;
            database.close();
            return Ok(text);
        };
        let pieces = store
            .get_all(
                Some(idb::Query::KeyRange(pieces_from(key, 0).map_err(failed)?)),
                None,
            )
            .map_err(failed)?
            .await
            .map_err(failed)?;
        let _ = transaction.await;
        database.close();
        if pieces.len() != count {
            return Err(format!(
                "{key}: {count} pieces kept, {} found",
                pieces.len()
            ));
        }
        let pieces: Vec<String> = pieces.iter().filter_map(JsValue::as_string).collect();
        if pieces.len() != count {
            return Err(format!("{key}: a piece is not text"));
        }
        Ok(Some(pieces.concat()))
    }

    /// Deletes the text under `key` with its pieces.
    async fn indexed_delete(key: &str) -> Result<(), String> {
        let database = open().await?;
        let failed = |e: idb::Error| e.to_string();
        let transaction = database
            .transaction(&[STORE], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let store = transaction.object_store(STORE).map_err(failed)?;
        let pieces = store
            .delete(pieces_from(key, 0).map_err(failed)?)
            .map_err(failed)?
            .into_future();
        store
            .delete(JsValue::from_str(key))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        pieces.await.map_err(failed)?;
        transaction
            .commit()
            .map_err(failed)?
            .await
            .map_err(failed)?;
        database.close();
        Ok(())
    }
}

/// Drops `garbage` in a task of its own, after the current one: what a large design lets go (a design of the undo
/// history is hundreds of megabytes of small allocations on an enterprise design) is freed without delaying what
/// the current task draws. Natively (tests), at once.
pub fn free_later<T: 'static>(garbage: T) {
    #[cfg(target_arch = "wasm32")]
    gloo::timers::callback::Timeout::new(0, move || drop(garbage)).forget();
    #[cfg(not(target_arch = "wasm32"))]
    drop(garbage);
}

/// Runs `work` and records how long it took as a User Timing measure named `name` (`performance.measure`), which
/// the browser's profiler shows and `cargo xtask bench` reads for each action of its page table. Natively (the
/// tests) it only runs `work`.
pub fn timed<T>(name: &str, work: impl FnOnce() -> T) -> T {
    #[cfg(target_arch = "wasm32")]
    {
        let performance = web_sys::window().and_then(|w| w.performance());
        let start = format!("{name}:start");
        if let Some(p) = &performance {
            let _ = p.mark(&start);
        }
        let out = work();
        if let Some(p) = &performance {
            let _ = p.measure_with_start_mark(name, &start);
        }
        out
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = name;
        work()
    }
}

/// Marks the start of `name`, a wait or a work of several tasks that [`measured`] ends: the two make a User Timing
/// measure, as [`timed`] does for one call.
pub fn measuring(name: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(&format!("{name}:start"));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}

/// Ends the measure `name` that [`measuring`] started.
pub fn measured(name: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, &format!("{name}:start"));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
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

// Import and export: several files, drops on the page, downloads of any type, PNG pictures, the clipboard.

/// What reading files gives: each file's name and its text, or why it could not be read.
pub type ReadFiles = Vec<(String, Result<String, String>)>;

/// The largest file read, 256 MiB: twice the benchmark's T2 design (10,000 VNets, 200,000 NSG rules: 130 MB of
/// JSON), which the page imports within wasm's 4 GiB. A larger file is refused before it is read, with its size,
/// so the page never holds more than it can analyse.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Files being read; dropping it cancels the reading.
///
/// Once every file is read the readers let go of what they read (a browser's file reader keeps its result, the
/// whole file, for as long as it lives: 130 MB of T2 held for nothing until the next import).
pub struct Readings(
    #[allow(dead_code, reason = "kept alive until every read completes")]
    Rc<RefCell<Vec<gloo::file::callbacks::FileReader>>>,
);

/// A size for people: `840 B`, `12.4 KB`, `3.1 MB`.
pub fn size_text(bytes: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "sizes are far below 2^53")]
    let b = bytes as f64;
    if bytes < 1000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{:.1} KB", b / 1e3)
    } else {
        format!("{:.1} MB", b / 1e6)
    }
}

/// A file's bytes as text: UTF-8 (a byte order mark is dropped), or UTF-16 when its byte order mark says so; else
/// why not, with the offset of the first byte that is not UTF-8.
pub fn text_of(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |bytes: &[u8], unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|pair| {
                unit([
                    pair.first().copied().unwrap_or(0),
                    pair.get(1).copied().unwrap_or(0),
                ])
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "it is not valid UTF-16 text".to_owned())
    };
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            return std::str::from_utf8(rest)
                .map(str::to_owned)
                .map_err(|e| not_utf8(&bytes, e.valid_up_to() + 3));
        }
        [0xFF, 0xFE, rest @ ..] => return utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => return utf16(rest, u16::from_be_bytes),
        _ => {}
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        not_utf8(e.as_bytes(), at)
    })
}

/// How many bytes of a file are made text at a time, between two looks at the clock.
const DECODED_BYTES: u32 = 1 << 20;

/// A file's bytes as [`text_of`] gives them, made text a megabyte at a time in slices of about [`SLICE_MS`] (a
/// 130 MB file was one task of about 110 ms, copying the bytes and checking them at once), then given to `done`:
/// each megabyte, ended before a character's continuation bytes, is copied and checked as UTF-8 on its own. A file
/// that is not UTF-8 there, or whose byte order mark says UTF-16, is given to [`text_of`], which says why with the
/// offset, or reads it.
fn text_in_slices(
    buffer: &js_sys::ArrayBuffer,
    done: impl FnOnce(Result<String, String>) + 'static,
) {
    let bytes = js_sys::Uint8Array::new(buffer);
    let head = bytes.subarray(0, bytes.length().min(3)).to_vec();
    let at = match head.as_slice() {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => return done(text_of(bytes.to_vec())),
        [0xEF, 0xBB, 0xBF] => 3,
        _ => 0,
    };
    let text = String::with_capacity(bytes.length() as usize);
    decode_slice(Decoding {
        bytes,
        text,
        at,
        buffer: Vec::new(),
        done: Box::new(done),
    });
}

/// A file's bytes being made text ([`text_in_slices`]).
struct Decoding {
    bytes: js_sys::Uint8Array,
    text: String,
    /// The bytes made text so far.
    at: u32,
    /// Where each megabyte is copied to be checked.
    buffer: Vec<u8>,
    done: Box<dyn FnOnce(Result<String, String>)>,
}

/// One slice of [`text_in_slices`], and the next in a task of its own.
fn decode_slice(mut decoding: Decoding) {
    let Decoding {
        bytes,
        text,
        at,
        buffer,
        ..
    } = &mut decoding;
    let decoded = timed("files: made text", || {
        for_a_slice(|| {
            let length = bytes.length();
            if *at >= length {
                return Some(true);
            }
            let mut end = at.saturating_add(DECODED_BYTES).min(length);
            // A megabyte ends before the continuation bytes of a character it would cut (at most three).
            for _ in 0..3 {
                if end < length && bytes.get_index(end) & 0xC0 == 0x80 {
                    end -= 1;
                }
            }
            buffer.resize((end - *at) as usize, 0);
            bytes.subarray(*at, end).copy_to(buffer);
            match std::str::from_utf8(buffer) {
                Ok(piece) => {
                    text.push_str(piece);
                    *at = end;
                    None
                }
                Err(_) => Some(false),
            }
        })
    });
    match decoded {
        None => next_task(move || decode_slice(decoding)),
        Some(true) => (decoding.done)(Ok(decoding.text)),
        Some(false) => (decoding.done)(text_of(decoding.bytes.to_vec())),
    }
}

/// Why a text is not UTF-8: the offset of its first bad byte, and that byte.
fn not_utf8(bytes: &[u8], at: usize) -> String {
    let byte = bytes
        .get(at.min(bytes.len()))
        .map(|b| format!(" (`0x{b:02x}`)"))
        .unwrap_or_default();
    let line = bytes.iter().take(at).filter(|b| **b == b'\n').count() + 1;
    format!(
        "it is not UTF-8 text: the byte at offset {at}{byte}, on line {line}, is not valid UTF-8"
    )
}

/// The measure of the browser's reading of a file ([`measuring`]), from the request to the file's bytes.
const FILE_READ: &str = "files: read by the browser";

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
    let readers: Rc<RefCell<Vec<gloo::file::callbacks::FileReader>>> = Rc::default();
    let finish = {
        let done = done.clone();
        // Weak: the readers hold this callback, and dropping the `Readings` must still cancel them.
        let readers = Rc::downgrade(&readers);
        move |i: usize, name: String, read: Result<String, String>| {
            let complete = {
                let mut slots = slots.borrow_mut();
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some((name, read));
                }
                slots.iter().all(Option::is_some)
            };
            if complete {
                // Dropped readings are cancelled, also while a file's bytes are still being made text
                // (`text_in_slices`): then nothing is given.
                let Some(readers) = readers.upgrade() else {
                    return;
                };
                let read: ReadFiles = slots.borrow_mut().drain(..).flatten().collect();
                // Freed after this task: a reader is not dropped from inside its own callback.
                free_later(std::mem::take(&mut *readers.borrow_mut()));
                done.emit(read);
            }
        }
    };
    let sizes: Vec<u64> = files.iter().map(|file| file.size()).collect();
    for (i, file) in files.iter().enumerate() {
        let name = file.name();
        if let Some(why) = sizes.get(i).and_then(|size| too_large(*size, &sizes)) {
            finish(i, name, Err(why));
            continue;
        }
        let finish = finish.clone();
        measuring(FILE_READ);
        let reader = gloo::file::callbacks::read_as_array_buffer(file, move |result| {
            measured(FILE_READ);
            match result {
                Ok(buffer) => text_in_slices(&buffer, move |read| finish(i, name, read)),
                Err(e) => finish(i, name, Err(e.to_string())),
            }
        });
        readers.borrow_mut().push(reader);
    }
    Some(Readings(readers))
}

/// Runs `work` in a task of its own, as soon as the page is free: the page may paint before it. Tasks run in the
/// order they were asked for.
///
/// The task is a message posted to the page itself ([`Tasks`]), not a zero timeout: the browser makes a timeout
/// nested in five others wait at least 4 ms, so that work in slices ([`for_a_slice`]) spent about a tenth of its
/// time waiting (T2's import about 400 ms), and a hidden page's timeouts wait a second.
pub fn next_task(work: impl FnOnce() + 'static) {
    let posted = TASKS.with(|tasks| match tasks {
        Some(tasks) => {
            tasks.queue.borrow_mut().push_back(Box::new(work));
            tasks
                .port
                .post_message(&wasm_bindgen::JsValue::NULL)
                .is_ok()
        }
        None => {
            let task = Closure::once_into_js(work);
            let _ = gloo::utils::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(task.unchecked_ref(), 0);
            true
        }
    });
    if !posted {
        // The port refused the message: the work waits for the next one posted, or for a timeout now.
        let _ = gloo::utils::window().set_timeout_with_callback_and_timeout_and_arguments_0(
            Closure::once_into_js(run_next_task).unchecked_ref(),
            0,
        );
    }
}

/// The page's queue of [`next_task`]'s work, and the message channel that gives each its task: a message posted
/// on `port` runs the work first in `queue`.
struct Tasks {
    port: web_sys::MessagePort,
    queue: RefCell<std::collections::VecDeque<Box<dyn FnOnce()>>>,
    _listener: gloo::events::EventListener,
}

thread_local! {
    /// `None` where the page cannot make a message channel: [`next_task`] then waits on zero timeouts.
    static TASKS: Option<Tasks> = {
        let channel = web_sys::MessageChannel::new().ok();
        channel.map(|channel| {
            let listener =
                gloo::events::EventListener::new(&channel.port1(), "message", |_| run_next_task());
            channel.port1().start();
            Tasks {
                port: channel.port2(),
                queue: RefCell::default(),
                _listener: listener,
            }
        })
    };
}

/// Runs the work first in [`next_task`]'s queue, if any.
fn run_next_task() {
    let work = TASKS.with(|tasks| {
        tasks
            .as_ref()
            .and_then(|t| t.queue.borrow_mut().pop_front())
    });
    if let Some(work) = work {
        work();
    }
}

/// How long a slice of long work on the page's thread lasts, in milliseconds ([`for_a_slice`]): short enough that
/// the page paints between slices without a task of 50 ms.
const SLICE_MS: f64 = 20.0;

/// Runs `step` again and again until it gives its outcome (`Some`) or the slice's time is up ([`SLICE_MS`]; `None`:
/// the caller goes on in another task, [`next_task`]). `step` does a few items of the work each time, so that the
/// clock is read between them.
pub fn for_a_slice<T>(mut step: impl FnMut() -> Option<T>) -> Option<T> {
    let started = clock();
    loop {
        if let Some(outcome) = step() {
            return Some(outcome);
        }
        if clock() - started >= SLICE_MS {
            return None;
        }
    }
}

/// Milliseconds from a fixed origin (`performance.now()`).
fn clock() -> f64 {
    gloo::utils::window()
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Whether progress said between slices of `work` is to be shown now: the first time for that work, then once
/// [`PROGRESS_MS`] have passed since it was last shown. Each change of a progress bar makes the page paint a frame,
/// and a slice of work is a few milliseconds: T2's import was about 150 slices.
pub fn progress_due(work: &'static str) -> bool {
    thread_local! {
        static LAST: std::cell::Cell<(&'static str, f64)> = const { std::cell::Cell::new(("", 0.0)) };
    }
    let now = clock();
    LAST.with(|last| {
        let (was, at) = last.get();
        let due = was != work || now - at >= PROGRESS_MS;
        if due {
            last.set((work, now));
        }
        due
    })
}

/// How often progress said between slices of work is shown ([`progress_due`]), in milliseconds.
const PROGRESS_MS: f64 = 100.0;

/// Runs `work` in a task of its own once the page has painted what it shows now (the next animation frame, then
/// a task; at once in a task when the page is hidden and paints nothing): a long step that follows a message
/// ("Importing…") lets the message be seen first.
pub fn after_paint(work: impl FnOnce() + 'static) {
    let window = gloo::utils::window();
    let task = Closure::once_into_js(work);
    let later = {
        let window = window.clone();
        move || {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(task.unchecked_ref(), 0);
        }
    };
    if gloo::utils::document().hidden() {
        later();
        return;
    }
    let frame = Closure::once_into_js(later);
    if window
        .request_animation_frame(frame.unchecked_ref())
        .is_err()
    {
        // No frames (no rendering): nothing to wait for.
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(frame.unchecked_ref(), 0);
    }
}

/// How many bytes the files chosen in a file input hold, of those [`read_files`] reads (a file [`too_large`] is
/// refused unread): known before they are read, so that work can be done for them meanwhile.
pub fn chosen_bytes(event: &Event) -> u64 {
    let Some(files) = file_input(event).and_then(|input| input.files()) else {
        return 0;
    };
    let sizes: Vec<u64> = (0..files.length())
        .filter_map(|i| files.get(i))
        .map(|file| gloo::file::File::from(file).size())
        .collect();
    sizes
        .iter()
        .filter(|size| too_large(**size, &sizes).is_none())
        .sum()
}

/// Why a file of `size` bytes, chosen with files of `sizes` (itself among them), is not read, if it is not: it is
/// larger than [`MAX_FILE_BYTES`], or the files together are (they are imported together, as one design, and the
/// page imports at most that much within wasm's 4 GiB: T2's 130 MB took 715 MiB).
fn too_large(size: u64, sizes: &[u64]) -> Option<String> {
    let limit = MAX_FILE_BYTES / (1024 * 1024);
    let together: u64 = sizes.iter().sum();
    if size > MAX_FILE_BYTES {
        Some(format!(
            "it is {}, more than the {limit} MiB the playground reads",
            size_text(size)
        ))
    } else if together > MAX_FILE_BYTES {
        Some(format!(
            "the {} files chosen together are {}, more than the {limit} MiB the playground reads at once (they are \
             imported together, as one design); the avnm command line reads larger designs",
            sizes.len(),
            size_text(together)
        ))
    } else {
        None
    }
}

/// The file input an event (`change`) is of.
fn file_input(event: &Event) -> Option<HtmlInputElement> {
    event.target()?.dyn_into::<HtmlInputElement>().ok()
}

/// Reads every file chosen in a file input (`multiple`); the [`Readings`] must be kept until `done` runs.
pub fn read_files(event: &Event, done: &Callback<ReadFiles>) -> Option<Readings> {
    let input = file_input(event)?;
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

#[cfg(test)]
mod tests {
    use super::{size_text, text_of};

    #[test]
    fn a_file_that_is_not_utf8_says_where() {
        assert_eq!(text_of(b"{}".to_vec()), Ok("{}".to_owned()));
        assert_eq!(
            text_of(b"\xef\xbb\xbf{\"a\": 1}".to_vec()),
            Ok("{\"a\": 1}".to_owned()),
            "a byte order mark is dropped"
        );
        // Latin-1 `é` (0xE9) on the second line, after 17 bytes.
        assert_eq!(
            text_of(b"{\n  \"title\": \"caf\xe9\"}".to_vec()),
            Err("it is not UTF-8 text: the byte at offset 17 (`0xe9`), on line 2, is not valid UTF-8".to_owned())
        );
        assert_eq!(
            text_of(b"\xef\xbb\xbf\xff".to_vec()),
            Err("it is not UTF-8 text: the byte at offset 3 (`0xff`), on line 1, is not valid UTF-8".to_owned()),
            "the offset counts the byte order mark"
        );
        // UTF-16 with its byte order mark, as Windows tools write it.
        assert_eq!(text_of(b"\xff\xfe{\0}\0".to_vec()), Ok("{}".to_owned()));
        assert_eq!(text_of(b"\xfe\xff\0{\0}".to_vec()), Ok("{}".to_owned()));
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(840), "840 B");
        assert_eq!(size_text(12_400), "12.4 KB");
        assert_eq!(size_text(3_100_000), "3.1 MB");
        assert_eq!(size_text(70_000_000), "70.0 MB");
    }
}
