//! Saved designs: several named designs kept in the browser, the one on screen autosaved, each with the last
//! steps of its undo history so that undo survives a reload.
//!
//! The index (names, sizes, dates) is small JSON in `localStorage`; each design's text and history are kept by
//! [`platform::keep`], in `localStorage` while it has room and in IndexedDB beyond.
//! The design on screen is always one of the saved designs: [`Library::current`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use avnm_core::Scenario;
use avnm_core::scenario::{About, Texts};
use serde::{Deserialize, Serialize};
use yew::Callback;

use crate::platform::{
    self,
    keep::{self, Found},
};
use crate::state::History;

/// Where the index of saved designs is kept.
const INDEX: &str = "avnm-playground.designs";

/// The single design kept by earlier versions of the playground, taken into the index on first start.
const LEGACY: &str = "avnm-playground.design";

/// Where the last autosave is also written, in IndexedDB at once: `<id>` U+001E `<changed>` U+001E `<design>`.
const JOURNAL: &str = "avnm-playground.journal";

/// How many steps of undo and redo are kept for a reload.
const HISTORY_KEPT: usize = 20;

/// At most this much history text is kept per design: the newest steps of a large design are kept, not all 20.
const HISTORY_BYTES: usize = 2 * 1024 * 1024;

/// Separates the documents of a stored history: U+001E (record separator) appears in no JSON text unescaped
/// (RFC 8259 §7: control characters in strings are escaped, and it is not whitespace).
const RECORD: char = '\u{1e}';

/// A saved design, as the index lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// Its key among saved designs.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// Whether the user chose the name; otherwise it follows the design's title.
    #[serde(default)]
    pub named: bool,
    /// When its text as kept last changed, in milliseconds since 1970 (0 until it is first kept).
    ///
    /// Raised only once the text is kept ([`Library::kept`]), after it in the same `localStorage` commit or a
    /// later one: an index that says a design changed at `t` always comes with its text as of `t`, so a journal
    /// record newer than `changed` is a change the browser had not kept when it was killed.
    #[serde(default)]
    pub changed: f64,
    /// Its size in bytes of JSON text.
    #[serde(default)]
    pub size: usize,
}

/// The index of saved designs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Library {
    /// The saved designs, in the order they were made.
    pub designs: Vec<Saved>,
    /// The design on screen.
    pub current: Option<u32>,
}

/// The name of a design that has no title.
const UNTITLED: &str = "Untitled design";

/// The name a design's title suggests.
fn name_of(title: Option<&str>) -> String {
    title
        .filter(|t| !t.trim().is_empty())
        .map_or_else(|| UNTITLED.to_owned(), str::to_owned)
}

/// The name the title of the design `text` suggests.
fn title_of(text: &str) -> String {
    name_of(About::of(text).title.as_deref())
}

/// The title of a design.
fn title(scenario: &Scenario) -> Option<&str> {
    scenario.member("title").and_then(|t| t.as_str())
}

impl Library {
    /// The saved design `id`.
    pub fn get(&self, id: u32) -> Option<&Saved> {
        self.designs.iter().find(|d| d.id == id)
    }

    fn get_mut(&mut self, id: u32) -> Option<&mut Saved> {
        self.designs.iter_mut().find(|d| d.id == id)
    }

    /// `name`, or `name (2)`, `name (3)`… so that no other saved design has it.
    pub fn unique_name(&self, name: &str, except: Option<u32>) -> String {
        let taken = |candidate: &str| {
            self.designs
                .iter()
                .any(|d| Some(d.id) != except && d.name == candidate)
        };
        if !taken(name) {
            return name.to_owned();
        }
        (2..)
            .map(|n| format!("{name} ({n})"))
            .find(|candidate| !taken(candidate))
            .unwrap_or_else(|| name.to_owned())
    }

    /// Adds a design named after `text`'s title (or `name` when given, as chosen by the user) and returns its id.
    pub fn add(&mut self, text: &str, name: Option<&str>, now: f64) -> u32 {
        let base = name.map_or_else(|| title_of(text), str::to_owned);
        self.add_named(&base, text.len(), now)
    }

    /// Adds a design of `size` bytes named `base` (numbered when taken) and returns its id.
    fn add_named(&mut self, base: &str, size: usize, now: f64) -> u32 {
        let id = self.designs.iter().map(|d| d.id).max().map_or(1, |m| m + 1);
        let name = self.unique_name(base, None);
        self.designs.push(Saved {
            id,
            name,
            named: false,
            changed: now,
            size,
        });
        id
    }

    /// Notes that design `id` now holds a design of `size` bytes whose title suggests the name `title`: its size,
    /// and its name when the user did not choose one (it follows the title). When it changed is noted once the text
    /// is kept: [`Library::kept`].
    pub fn update(&mut self, id: u32, title: &str, size: usize) {
        let follows = self.get(id).is_some_and(|d| !d.named && d.name != title);
        let name = follows.then(|| self.unique_name(title, Some(id)));
        if let Some(saved) = self.get_mut(id) {
            saved.size = size;
            if let Some(name) = name {
                saved.name = name;
            }
        }
    }

    /// Notes that the text design `id` held at `changed` is kept; `false` when that changes nothing (a later
    /// text was kept first, or the design is gone).
    pub fn kept(&mut self, id: u32, changed: f64) -> bool {
        match self.get_mut(id) {
            Some(saved) if saved.changed < changed => {
                saved.changed = changed;
                true
            }
            _ => false,
        }
    }

    /// Renames design `id`; an empty name is refused, a taken one gets a number.
    pub fn rename(&mut self, id: u32, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("a saved design needs a name".to_owned());
        }
        let name = self.unique_name(name, Some(id));
        match self.get_mut(id) {
            Some(saved) => {
                saved.name = name;
                saved.named = true;
                Ok(())
            }
            None => Err("that design is no longer saved".to_owned()),
        }
    }

    /// Removes design `id` from the index (not the one on screen).
    pub fn remove(&mut self, id: u32) -> Result<(), String> {
        if self.current == Some(id) {
            return Err(
                "the design on screen cannot be deleted: open another one first".to_owned(),
            );
        }
        self.designs.retain(|d| d.id != id);
        Ok(())
    }
}

/// The key of a saved design's text.
pub fn design_key(id: u32) -> String {
    format!("avnm-playground.design.{id}")
}

/// The key of a saved design's undo history.
fn history_key(id: u32) -> String {
    format!("avnm-playground.history.{id}")
}

/// The index as it is kept.
pub fn load() -> Library {
    keep::get(INDEX).unwrap_or_default()
}

/// Keeps the index; `false` when the browser has no room for it.
pub fn store(library: &Library) -> bool {
    keep::set(INDEX, library)
}

/// How the playground starts: the design on screen last time, found synchronously when it can be.
#[derive(Debug)]
pub enum Start {
    /// Nothing was saved.
    Nothing,
    /// The current design's text.
    Text(String),
    /// The current design is in IndexedDB: fetch it.
    Indexed(u32),
}

/// The single design of earlier versions: they kept it as a JSON string of the document (gloo's `Storage::set` of a
/// `&str`), so it is read back as one; a text that is not a JSON string is taken as it is.
fn legacy() -> Option<String> {
    match keep::look(LEGACY) {
        Found::Text(raw) => Some(keep::get::<String>(LEGACY).unwrap_or(raw)),
        Found::Missing | Found::Indexed => None,
    }
}

/// The current design as kept; the single design of earlier versions becomes the first saved design.
pub fn start() -> Start {
    let mut library = load();
    if library.designs.is_empty()
        && let Some(text) = legacy()
    {
        let id = library.add(&text, None, keep::now());
        library.current = Some(id);
        if keep::set_text(&design_key(id), &text) && store(&library) {
            keep::forget(LEGACY);
        }
        return Start::Text(text);
    }
    let Some(id) = library.current else {
        return Start::Nothing;
    };
    match keep::look(&design_key(id)) {
        Found::Text(text) => Start::Text(text),
        Found::Indexed => Start::Indexed(id),
        Found::Missing => Start::Nothing,
    }
}

/// A design of more bytes of text than this is kept in pieces in IndexedDB ([`keep::keep_pieces`]): it would not
/// fit in `localStorage`'s 5 MiB (counted in UTF-16) for long, and after an edit only the pieces it changed are
/// written.
const IN_PIECES_FROM: usize = 1024 * 1024;

/// What the autosave keeps from one design to the next: the texts of the last design's resources and pieces, and
/// the pieces IndexedDB is known to hold.
#[derive(Default)]
pub struct Autosaver {
    texts: Texts,
    /// How many autosaves were made.
    count: u64,
    /// The pieces of the last design whose transaction completed: which saved design, which autosave, its pieces.
    kept: Rc<RefCell<Option<KeptPieces>>>,
}

/// Which saved design, which autosave, and its pieces.
type KeptPieces = (u32, u64, Vec<Arc<str>>);

/// How many resources' texts are written between two looks at the clock ([`platform::for_a_slice`]).
const TEXTS_PER_LOOK: usize = 16;

/// [`autosave`]s `scenario` once the texts of its resources are written, a slice of them at a time in tasks of their
/// own, the first, for a large design (`edits::STAGED_FROM`), after the task that asks (which renders the design;
/// a smaller design's in it, so that it is kept at once): a design just loaded has none written
/// (T2's 41,000 resources took about 700 ms in one task), while after an edit only the resources it wrote in are,
/// in one task. Slices of an older design stop once `generation` has moved on (a newer design is being saved).
pub fn autosave_in_slices(
    scenario: Rc<Scenario>,
    saver: Rc<RefCell<Autosaver>>,
    generation: Rc<Cell<u64>>,
    failed: Callback<String>,
) {
    let mine = generation.get();
    if scenario.size() < crate::edits::STAGED_FROM {
        // At once: a small design is kept before anything else can happen (a reload, a closed tab).
        write_slice(scenario, saver, (mine, generation), failed, 0);
        return;
    }
    // In a task of its own: not in the task that renders the design.
    platform::next_task(move || write_slice(scenario, saver, (mine, generation), failed, 0));
}

fn write_slice(
    scenario: Rc<Scenario>,
    saver: Rc<RefCell<Autosaver>>,
    (mine, generation): (u64, Rc<Cell<u64>>),
    failed: Callback<String>,
    from: usize,
) {
    if generation.get() != mine {
        return;
    }
    let mut at = from;
    let all_written = platform::timed("autosave: write the resources", || {
        platform::for_a_slice(|| {
            match scenario.write_texts(&mut saver.borrow_mut().texts, at, TEXTS_PER_LOOK) {
                None => Some(()),
                Some(next) => {
                    at = next;
                    None
                }
            }
        })
    });
    match all_written {
        Some(()) => autosave(&scenario, &mut saver.borrow_mut(), &failed),
        None => platform::next_task(move || {
            write_slice(scenario, saver, (mine, generation), failed, at);
        }),
    }
}

/// Autosaves the design on screen into the current saved design (made when there is none); `failed` hears why
/// it could not be kept. `saver` keeps the text of each resource from one autosave to the next, so that after an
/// edit only the resources it wrote in are written anew, and, for a large design, only the pieces that hold them
/// are stored.
pub fn autosave(scenario: &Scenario, saver: &mut Autosaver, failed: &Callback<String>) {
    let pieces = platform::timed("autosave: write", || {
        scenario.to_json_pieces(&mut saver.texts)
    });
    let size = pieces.iter().map(|p| p.len()).sum::<usize>();
    let title = name_of(title(scenario));
    let mut library = load();
    let now = keep::now();
    let id = match library.current.filter(|id| library.get(*id).is_some()) {
        Some(id) => {
            library.update(id, &title, size);
            id
        }
        None => {
            let id = library.add_named(&title, size, 0.0);
            library.current = Some(id);
            id
        }
    };
    saver.count += 1;
    let count = saver.count;
    if size < IN_PIECES_FROM {
        // Kept whole, its pieces in IndexedDB (if any) are let go: none is known to be held any more.
        *saver.kept.borrow_mut() = Some((id, count, Vec::new()));
        let text = pieces.concat();
        keep::journal(JOURNAL, journal_text(id, now, &text));
        if !store(&library) {
            failed.emit(not_kept("the browser's storage is full"));
            return;
        }
        keep_text(id, &text, now, failed);
        return;
    }
    if !store(&library) {
        failed.emit(not_kept("the browser's storage is full"));
        return;
    }
    // The pieces that differ from those of the last design IndexedDB is known to hold (a superset of what changed
    // since a write still under way: its pieces are the last design's or new).
    let anew: Vec<(usize, Arc<str>)> = {
        let kept = saver.kept.borrow();
        let was = kept
            .as_ref()
            .filter(|(kept_id, _, _)| *kept_id == id)
            .map(|(_, _, pieces)| pieces.as_slice());
        pieces
            .iter()
            .enumerate()
            .filter(|(at, piece)| {
                !was.and_then(|was| was.get(*at))
                    .is_some_and(|w| Arc::ptr_eq(w, piece))
            })
            .map(|(at, piece)| (at, piece.clone()))
            .collect()
    };
    let kept = saver.kept.clone();
    let failed = failed.clone();
    keep::keep_pieces(
        &design_key(id),
        pieces.len(),
        anew,
        (JOURNAL, journal_text(id, now, IN_INDEXED_DB_PIECES)),
        Callback::from(move |done: Result<(), String>| match done {
            Ok(()) => {
                let newer = kept.borrow().as_ref().is_none_or(|(_, c, _)| *c < count);
                if newer {
                    *kept.borrow_mut() = Some((id, count, pieces.clone()));
                }
                let mut library = load();
                if library.kept(id, now) {
                    store(&library);
                }
            }
            Err(e) => failed.emit(not_kept(&e)),
        }),
    );
}

/// The journal's text for a design kept in pieces: the design is in IndexedDB, written in the journal's
/// transaction (not JSON, so never a design).
const IN_INDEXED_DB_PIECES: &str = "@pieces";

/// Keeps the text of design `id` as it was at `now` and notes it in the index; `failed` hears why it could not.
fn keep_text(id: u32, text: &str, now: f64, failed: &Callback<String>) {
    // The index says the design changed only once its text is kept (in `localStorage` at once, in IndexedDB
    // later): a browser killed in between restarts with the older date, and the journal's newer copy is recovered.
    let failed = failed.clone();
    keep::keep(
        &design_key(id),
        text,
        Callback::from(move |kept: Result<keep::Kept, String>| match kept {
            Ok(_) => {
                let mut library = load();
                if library.kept(id, now) {
                    store(&library);
                }
            }
            Err(e) => failed.emit(not_kept(&e)),
        }),
    );
}

/// The journal's record of design `id` as it was at `changed`.
fn journal_text(id: u32, changed: f64, text: &str) -> String {
    format!("{id}{RECORD}{changed}{RECORD}{text}")
}

/// Reads what [`journal_text`] wrote.
fn read_journal(record: &str) -> Option<(u32, f64, &str)> {
    let mut parts = record.splitn(3, RECORD);
    let id = parts.next()?.parse().ok()?;
    let changed = parts.next()?.parse().ok()?;
    Some((id, changed, parts.next()?))
}

/// A design the journal holds in a newer state than `localStorage` does: the browser was killed (or crashed)
/// before it wrote the last autosave to disk.
#[derive(Debug)]
pub struct Recovered {
    /// The design.
    pub scenario: Scenario,
    /// Its saved design, now the current one.
    pub id: u32,
    /// Its name, for the notice.
    pub name: String,
}

/// Looks in the journal for a design newer than what `localStorage` held at start-up (`index`, read before
/// anything was autosaved): the journal's design is in the index but changed earlier there, or the index holds
/// no design at all (the browser was killed before it wrote any). Such a design becomes the current saved design
/// again and is passed to `done`.
pub fn recover(index: Library, done: Callback<Option<Recovered>>) {
    keep::fetch_indexed(
        JOURNAL,
        Callback::from(move |record: Option<String>| {
            let record = record.unwrap_or_default();
            let newer = |(id, changed, _): &(u32, f64, &str)| match index.get(*id) {
                Some(saved) => saved.changed < *changed,
                None => index.designs.is_empty(),
            };
            let Some((id, changed, text)) = read_journal(&record).filter(newer) else {
                done.emit(None);
                return;
            };
            if text != IN_INDEXED_DB_PIECES {
                done.emit(recovered(id, changed, text));
                return;
            }
            // Kept in pieces: the design is in IndexedDB as of the journal's record (the same transaction).
            let done = done.clone();
            keep::fetch_indexed(
                &design_key(id),
                Callback::from(move |text: Option<String>| {
                    done.emit(text.and_then(|text| recovered(id, changed, &text)));
                }),
            );
        }),
    );
}

/// Makes `text`, the journal's design `id` as of `changed`, the current saved design again; `None` when it does
/// not read.
fn recovered(id: u32, changed: f64, text: &str) -> Option<Recovered> {
    let scenario = Scenario::parse(text).ok()?;
    let mut library = load();
    let id = match library.get(id) {
        Some(_) => id,
        None => library.add(text, None, changed),
    };
    library.current = Some(id);
    let name = library.get(id).map(|d| d.name.clone()).unwrap_or_default();
    store(&library);
    Some(Recovered { scenario, id, name })
}

/// The message when a design cannot be kept.
fn not_kept(why: &str) -> String {
    format!("your design could not be kept in this browser ({why}): export it to keep a copy")
}

/// Makes a new saved design of `text` (a link's design, a duplicate) and, when `open`, makes it the current one.
/// Returns its id, or why it could not be kept.
pub fn save_new(text: &str, name: Option<&str>, open: bool) -> Result<u32, String> {
    let mut library = load();
    let id = library.add(text, name, keep::now());
    if open {
        library.current = Some(id);
    }
    if !store(&library) {
        return Err(not_kept("the browser's storage is full"));
    }
    keep::keep(&design_key(id), text, Callback::noop());
    Ok(id)
}

/// Keeps the last steps of the history of the current design.
pub fn keep_history(history: &History) {
    let Some(id) = load().current else {
        return;
    };
    let (past, future) = history.recent(HISTORY_KEPT);
    let text = platform::timed("history: write", || history_text(&past, &future));
    keep::keep(&history_key(id), &text, Callback::noop());
}

/// Reads the stored history of design `id` and passes it to `done` (empty when there is none).
pub fn fetch_history(id: u32, done: Callback<History>) {
    keep::fetch(
        &history_key(id),
        Callback::from(move |text: Option<String>| {
            done.emit(text.map_or_else(History::default, |t| read_history(&t)));
        }),
    );
}

/// A history as text: the number of past designs, then every design, most recent first on each side, separated
/// by [`RECORD`]; steps past [`HISTORY_BYTES`] are left out.
fn history_text(past: &[Rc<Scenario>], future: &[Rc<Scenario>]) -> String {
    let mut budget = HISTORY_BYTES;
    let mut take = |designs: &[Rc<Scenario>]| -> Vec<String> {
        let mut texts = Vec::new();
        for design in designs {
            let Some(text) = design.to_json_within(budget) else {
                break;
            };
            budget -= text.len();
            texts.push(text);
        }
        texts
    };
    let past = take(past);
    let future = take(future);
    let mut out = past.len().to_string();
    for text in past.iter().chain(&future) {
        out.push(RECORD);
        out.push_str(text);
    }
    out
}

/// Reads what [`history_text`] wrote; a design that no longer reads ends its side.
fn read_history(text: &str) -> History {
    let mut records = text.split(RECORD);
    let past_count: usize = records.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let designs: Vec<Option<Rc<Scenario>>> = records
        .map(|t| Scenario::parse(t).ok().map(Rc::new))
        .collect();
    let (past, future) = designs.split_at(past_count.min(designs.len()));
    let side = |designs: &[Option<Rc<Scenario>>]| designs.iter().map_while(Clone::clone).collect();
    History::of(side(past), side(future))
}

/// Opens saved design `id`: makes it current and passes its design and history to `done`, or why it could not
/// be read.
pub fn open(id: u32, done: Callback<Result<(Scenario, History), String>>) {
    let name = load()
        .get(id)
        .map_or_else(|| "the design".to_owned(), |d| format!("`{}`", d.name));
    keep::fetch(
        &design_key(id),
        Callback::from(move |text: Option<String>| {
            let Some(text) = text else {
                done.emit(Err(format!("{name} is no longer kept in this browser")));
                return;
            };
            match Scenario::parse(&text) {
                Ok(scenario) => {
                    let mut library = load();
                    library.current = Some(id);
                    store(&library);
                    let done = done.clone();
                    fetch_history(
                        id,
                        Callback::from(move |history| done.emit(Ok((scenario.clone(), history)))),
                    );
                }
                Err(e) => done.emit(Err(format!("{name} does not read as a design: {e}"))),
            }
        }),
    );
}

/// Copies saved design `id` into a new saved design named `<name> (copy)`.
pub fn duplicate(id: u32, done: Callback<Result<u32, String>>) {
    let Some(name) = load().get(id).map(|d| format!("{} (copy)", d.name)) else {
        done.emit(Err("that design is no longer saved".to_owned()));
        return;
    };
    keep::fetch(
        &design_key(id),
        Callback::from(move |text: Option<String>| match text {
            Some(text) => done.emit(save_new(&text, Some(&name), false)),
            None => done.emit(Err(format!("`{name}` is no longer kept in this browser"))),
        }),
    );
}

/// Deletes saved design `id` with its history.
pub fn delete(id: u32) -> Result<(), String> {
    let mut library = load();
    library.remove(id)?;
    store(&library);
    keep::forget(&design_key(id));
    keep::forget(&history_key(id));
    Ok(())
}

/// Renames saved design `id`.
pub fn rename(id: u32, name: &str) -> Result<(), String> {
    let mut library = load();
    library.rename(id, name)?;
    store(&library);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_title_until_the_user_chooses_one() {
        let mut library = Library::default();
        let a = library.add(r#"{"title": "Hub", "resources": []}"#, None, 1.0);
        let b = library.add(r#"{"title": "Hub", "resources": []}"#, None, 2.0);
        let c = library.add(r#"{"resources": []}"#, None, 3.0);
        let names: Vec<_> = library.designs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Hub", "Hub (2)", "Untitled design"]);
        library.update(c, "Mesh", 30);
        assert_eq!(library.get(c).map(|d| d.name.as_str()), Some("Mesh"));
        library.rename(a, "  Mine ").unwrap();
        library.update(a, "Other", 30);
        assert_eq!(library.get(a).map(|d| d.name.as_str()), Some("Mine"));
        assert_eq!(library.rename(b, "Mine"), Ok(()));
        assert_eq!(library.get(b).map(|d| d.name.as_str()), Some("Mine (2)"));
        assert_eq!(
            library.rename(b, " "),
            Err("a saved design needs a name".to_owned())
        );
    }

    /// The date in the index is the date of the text kept: updating a design does not move it, keeping its text
    /// does, and a text kept late (a large one, in IndexedDB) never moves it back past a later one.
    #[test]
    fn a_design_changes_in_the_index_when_its_text_is_kept() {
        let mut library = Library::default();
        let a = library.add(r#"{"title": "Hub", "resources": []}"#, None, 10.0);
        library.update(a, "Hub", 35);
        assert_eq!(
            library.get(a).map(|d| (d.changed, d.size)),
            Some((10.0, 35))
        );
        assert!(library.kept(a, 20.0));
        assert!(library.kept(a, 30.0));
        assert!(!library.kept(a, 25.0), "an earlier text kept last");
        assert_eq!(library.get(a).map(|d| d.changed), Some(30.0));
        assert!(!library.kept(a + 1, 40.0), "no such design");
    }

    #[test]
    fn the_design_on_screen_is_not_deleted() {
        let mut library = Library::default();
        let a = library.add("{}", None, 0.0);
        let b = library.add("{}", None, 0.0);
        library.current = Some(a);
        assert!(library.remove(a).is_err());
        assert_eq!(library.remove(b), Ok(()));
        assert_eq!(library.designs.len(), 1);
        assert_eq!(
            library.add("{}", None, 0.0),
            a + 1,
            "ids are not reused while the highest is kept"
        );
    }

    /// A design and its history as the current version keeps them (`web/tests/data/storage/`, opened in the browser
    /// with the index of saved designs by the e2e flow `older_storage_still_opens`, since this crate reads JSON only
    /// through the browser): a change to how they are read that loses what browsers already hold fails here.
    #[test]
    fn what_this_version_keeps_reads_back() {
        let design = include_str!("../tests/data/storage/v1-avnm-playground.design.2.json");
        assert!(Scenario::parse(design).is_ok());
        let history = read_history(include_str!(
            "../tests/data/storage/v1-avnm-playground.history.2.txt"
        ));
        assert_eq!((history.undoable(), history.redoable()), (2, 1));
        let (past, future) = history.recent(HISTORY_KEPT);
        let vnets = |d: &[Rc<Scenario>]| {
            d.iter()
                .map(|s| {
                    s.model()
                        .vnets
                        .values()
                        .map(|v| v.name.clone())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(vnets(&past), ["vnet-step-1", "vnet-step-0"]);
        assert_eq!(vnets(&future), ["vnet-step-3"]);
    }

    #[test]
    fn a_journal_record_reads_back() {
        let design = "{\"resources\": []}";
        let record = journal_text(7, 1_765_000_000_123.0, design);
        assert_eq!(
            read_journal(&record),
            Some((7, 1_765_000_000_123.0, design))
        );
        assert_eq!(read_journal("7"), None);
        assert_eq!(read_journal("x\u{1e}1\u{1e}{}"), None);
    }

    /// The newest steps are kept up to [`HISTORY_BYTES`]: a step that does not fit in what is left ends its side.
    #[test]
    fn a_history_keeps_the_newest_steps_that_fit() {
        let design = |title: &str, description: usize| {
            Rc::new(
                Scenario::parse(&format!(
                    r#"{{"title": "{title}", "description": "{}", "resources": []}}"#,
                    "x".repeat(description)
                ))
                .unwrap(),
            )
        };
        let past = [
            design("p1", 10),
            design("p2", HISTORY_BYTES / 2),
            design("p3", HISTORY_BYTES / 2),
        ];
        let future = [design("f1", HISTORY_BYTES), design("f2", 10)];
        let history = read_history(&history_text(&past, &future));
        assert_eq!((history.undoable(), history.redoable()), (2, 0));
    }

    #[test]
    fn a_history_reads_back_as_it_was_written() {
        let design = |title: &str| {
            Rc::new(
                Scenario::parse(&format!(r#"{{"title": "{title}", "resources": []}}"#)).unwrap(),
            )
        };
        let past = [design("p1"), design("p2")];
        let future = [design("f1")];
        let history = read_history(&history_text(&past, &future));
        assert_eq!((history.undoable(), history.redoable()), (2, 1));
        let (p, f) = history.recent(10);
        let titles = |d: &[Rc<Scenario>]| {
            d.iter()
                .map(|s| About::of(&s.to_json()).title.unwrap_or_default())
                .collect::<Vec<_>>()
        };
        assert_eq!(titles(&p), ["p1", "p2"]);
        assert_eq!(titles(&f), ["f1"]);
        assert_eq!(read_history("").undoable(), 0);
        assert_eq!(read_history("garbage").undoable(), 0);
    }
}
