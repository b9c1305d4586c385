//! Import: Azure JSON pasted, chosen or dropped on the page, read by `avnm_core::import` into one design, with
//! the report of what was read, skipped, inferred and not evaluated, file by file and path by path.
//!
//! The dialog reads its sources as they are added and shows the report before anything is loaded; "Load" puts the
//! design in the playground as one undoable step (`Action::LoadRead`: the design is read once, when imported).
//! A refused import loads nothing and says why in one line.
//! The header's file input (`data-testid=import`) loads at once what imports, and opens the dialog on its report;
//! it reads a large design a slice of resources at a time, saying how far it is on a progress bar.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use avnm_core::Scenario;
use avnm_core::import::{
    ImportError, Imported, Parsing, Prepared, Preparing, ReportKind, ReportLine, Source, import,
    parsing,
};
use avnm_core::scenario::{Reading, Validating};
use yew::prelude::*;

use super::render_dialog;
use crate::app::{Ahead, Ctx};
use crate::components::rich;
use crate::components::virtual_list::VirtualList;
use crate::state::{Action, ReadDesign};
use crate::{analysing, platform};

/// Past this many lines, the report is a list that renders only the rows in view ([`VirtualList`]).
const TABLE_LINES: usize = 60;
/// Height of a row of a long report, in CSS pixels.
const REPORT_ROW: u32 = 26;

/// What the dialog holds: the sources and what their import gives.
#[derive(Clone, Default)]
struct Sources {
    /// The texts to import, in the order they were added.
    list: Vec<Source>,
    /// Files that could not be read, with why.
    unreadable: Vec<(String, String)>,
    /// The import of `list`, when it has something (its report; the design it made is in `design`).
    outcome: Option<Rc<Result<Imported, ImportError>>>,
    /// The design the import made, read once (taken out of the import, not copied), or why it cannot be read.
    design: Option<Result<Rc<Scenario>, String>>,
    /// What was loaded last, said after loading.
    loaded: Option<String>,
}

impl PartialEq for Sources {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
            && self.unreadable == other.unreadable
            && self.loaded == other.loaded
            && match (&self.outcome, &other.outcome) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl Sources {
    /// The sources with files added (a file already there by name is replaced), imported again.
    fn with(&self, files: platform::ReadFiles) -> Sources {
        self.adding(files).imported()
    }

    /// The sources with files added (a file already there by name is replaced), not imported yet.
    fn adding(&self, files: platform::ReadFiles) -> Sources {
        let mut next = Sources {
            loaded: None,
            ..self.clone()
        };
        for (name, read) in files {
            next.list.retain(|s| s.name != name);
            next.unreadable.retain(|(n, _)| *n != name);
            match read {
                Ok(text) => next.list.push(Source::new(name, text)),
                Err(why) => next.unreadable.push((name, why)),
            }
        }
        next
    }

    /// The sources without one, imported again.
    fn without(&self, name: &str) -> Sources {
        let mut next = Sources {
            loaded: None,
            ..self.clone()
        };
        next.list.retain(|s| s.name != name);
        next.unreadable.retain(|(n, _)| n != name);
        next.imported()
    }

    fn imported(mut self) -> Sources {
        if self.list.is_empty() {
            self.outcome = None;
            self.design = None;
            return self;
        }
        let outcome = platform::timed("import", || import(&self.list));
        self.with_import(outcome)
    }

    /// The sources with the outcome of their import.
    fn with_import(mut self, mut outcome: Result<Imported, ImportError>) -> Sources {
        self.design = outcome.as_mut().ok().map(|imported| {
            imported
                .take_scenario()
                .map(Rc::new)
                .map_err(|e| e.to_string())
        });
        self.outcome = Some(Rc::new(outcome));
        self
    }

    /// Whether the sources import into a design, so that "Load" can load it.
    fn loadable(&self) -> bool {
        matches!(self.design, Some(Ok(_)))
    }

    /// The design of a successful import and the action that loads it, named after its sources.
    fn load(&self) -> Option<(Rc<Scenario>, Action)> {
        let Some(Ok(design)) = &self.design else {
            return None;
        };
        let action = Action::LoadRead {
            design: ReadDesign(design.clone()),
            source: self.names(),
        };
        Some((design.clone(), action))
    }

    /// `a.json`, `a.json and b.json`, `3 sources`.
    fn names(&self) -> String {
        match self.list.as_slice() {
            [one] => format!("`{}`", one.name),
            [a, b] => format!("`{}` and `{}`", a.name, b.name),
            more => format!("{} sources", more.len()),
        }
    }
}

/// A name for pasted text that no source has yet: `pasted.json`, `pasted-2.json`...
fn pasted_name(list: &[Source]) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                "pasted.json".to_owned()
            } else {
                format!("pasted-{n}.json")
            }
        })
        .find(|name| !list.iter().any(|s| s.name == *name))
        .unwrap_or_default()
}

/// How many steps the header's import says it goes through: reading the files, importing them, reading the
/// design, analysing it.
const STEPS: u8 = 4;

/// How many resources (or, while the files' JSON is parsed, pieces of it) are read between two looks at the clock
/// ([`platform::for_a_slice`]).
const RESOURCES_PER_LOOK: usize = 8;

/// What the header's import is doing: its step (1 to [`STEPS`]), what it says, and how much of the step is done
/// (0 to 1).
#[derive(Clone, Debug, PartialEq)]
struct Busy {
    step: u8,
    what: String,
    done: f64,
}

impl Busy {
    fn step(step: u8, what: String) -> Self {
        Busy {
            step,
            what,
            done: 0.0,
        }
    }
}

/// Imports the sources of `next` in tasks of their own and gives `done` the sources with their import: for large
/// sources, memory written ahead for the import ([`Room`]: `room`, written while the files were read, or made
/// now); the sources' JSON parsed a piece at a time
/// (`Parsing`: a document's resources one by one), then the import's first pass and the design it made each read
/// a slice of resources at a time (`Preparing`, `Reading`), the progress
/// said on `busy` (at `step`, the second, until the reading) and painted between tasks, then its validation. What
/// does not read that way is imported at once by `import` (whose second pass skips what does not read, with its
/// path in the report): the same outcome.
fn import_in_steps(
    next: Sources,
    room: Option<Room>,
    busy: UseStateSetter<Option<Busy>>,
    done: Callback<Sources>,
    step: Busy,
) {
    let room = room.unwrap_or_else(|| {
        let bytes = next.list.iter().map(|s| s.text.len()).sum();
        Room::for_import(bytes)
    });
    room_in_slices(next, room, busy, done, step);
}

/// How many bytes of memory an import is given before it starts ([`Room`]), for each byte of its sources: T2's
/// import (129.5 MB) grew the page's wasm memory by 4.7 times its size until its design was read and validated
/// (126 to 712 MiB), and any import holds its sources' JSON tree, several times their text.
const ROOM_PER_BYTE: usize = 4;

/// Sources smaller than this are imported without [`Room`] (a few frames of work in all).
const ROOM_FROM_BYTES: usize = 4 << 20;

/// How many bytes of [`Room`] are written between two looks at the clock.
const ROOM_PIECE: usize = 4 << 20;

/// Memory written once, in order, before a large import starts, and freed for it: the wasm memory grows as the
/// import allocates, and the browser gives each new page of it when it is first written. Written ahead, in order,
/// the pages cost about a third of what they cost when the import's allocations first write them, scattered among
/// its work. T2 (129.5 MB) in headless Chromium: a CPU profile of its import had 888 ms in the allocator, 235 ms
/// of it with the room written ahead; the room (518 MB) takes 205 to 223 ms of User Timing in slices.
struct Room {
    pieces: Vec<Vec<u8>>,
    /// How many bytes are still to be written.
    left: usize,
}

impl Room {
    /// The room for sources of `bytes` bytes: [`ROOM_PER_BYTE`] times that, none below [`ROOM_FROM_BYTES`].
    fn for_import(bytes: usize) -> Self {
        let left = if bytes < ROOM_FROM_BYTES {
            0
        } else {
            bytes.saturating_mul(ROOM_PER_BYTE)
        };
        Room {
            pieces: Vec::new(),
            left,
        }
    }

    /// Writes the next piece; whether the room is all written.
    fn step(&mut self) -> bool {
        let size = self.left.min(ROOM_PIECE);
        if size > 0 {
            // Written, not only allocated: a zeroed allocation may be left unwritten, its pages not given yet.
            let piece = vec![1_u8; size];
            self.pieces.push(std::hint::black_box(piece));
            self.left -= size;
        }
        self.left == 0
    }

    /// How much of the room is written, from 0 to 1.
    fn done(&self) -> f64 {
        let written: usize = self.pieces.iter().map(Vec::len).sum();
        written as f64 / (written + self.left).max(1) as f64
    }
}

/// A [`Room`] written while the browser reads the files it is for (their sizes are known before their bytes): the
/// reading is mostly the browser's, off the page's thread (T2's file, 130 MB: about 200 ms, nearly as long as its
/// room), and the import takes the room out, written or not, when the files are read ([`Loading::import`]). With
/// its progress shown at most every 100 ms ([`platform::progress_due`]), T2's import was on screen 0.1 to 0.35 s
/// sooner in each of 8 pairs of runs (median 0.2 s).
type RoomAhead = Rc<RefCell<Option<Room>>>;

/// Writes a piece of the room ahead, and the next in a task of its own, until it is written or taken (or dropped:
/// the reading was cancelled).
fn write_ahead(room: Weak<RefCell<Option<Room>>>) {
    let Some(shared) = room.upgrade() else {
        return;
    };
    // A piece per task (a few milliseconds), not a slice: the browser's reading of the files needs the page's
    // thread between its chunks.
    let more = platform::timed("import: room", || {
        shared
            .borrow_mut()
            .as_mut()
            .is_some_and(|room| !room.step())
    });
    drop(shared);
    if more {
        platform::next_task(move || write_ahead(room));
    }
}

/// One slice of [`import_in_steps`]' [`Room`], and the next in a task of its own; then the room is freed and the
/// sources' parse starts.
fn room_in_slices(
    mut next: Sources,
    mut room: Room,
    busy: UseStateSetter<Option<Busy>>,
    done: Callback<Sources>,
    step: Busy,
) {
    let written = platform::timed("import: room", || {
        platform::for_a_slice(|| room.step().then_some(()))
    });
    if written.is_none() {
        show_progress(&busy, "import: room", || Busy {
            done: ROOM_SHARE * room.done(),
            ..step.clone()
        });
        platform::next_task(move || room_in_slices(next, room, busy, done, step));
        return;
    }
    drop(room);
    let pieces = parsing(std::mem::take(&mut next.list));
    parse_in_slices(next, pieces, busy, done, step);
}

/// The share of the import's second step its room takes in the progress bar (the parse takes the rest of its
/// first half).
const ROOM_SHARE: f64 = 0.1;

/// One slice of [`import_in_steps`]' parse (the first half of its second step), and the next in a task of its
/// own; then the first pass.
fn parse_in_slices(
    mut next: Sources,
    mut pieces: Parsing,
    busy: UseStateSetter<Option<Busy>>,
    done: Callback<Sources>,
    step: Busy,
) {
    let all_parsed = platform::timed("import: parse", || {
        platform::for_a_slice(|| pieces.step(RESOURCES_PER_LOOK).then_some(()))
    });
    if all_parsed.is_none() {
        let (read, total) = pieces.progress();
        show_progress(&busy, "import: parse", || Busy {
            done: ROOM_SHARE + (0.5 - ROOM_SHARE) * read as f64 / total.max(1) as f64,
            ..step.clone()
        });
        platform::next_task(move || parse_in_slices(next, pieces, busy, done, step));
        return;
    }
    let (list, parsed) = pieces.finish();
    next.list = list;
    busy.set(Some(Busy {
        done: 0.5,
        ..step.clone()
    }));
    platform::after_paint(move || prepare_in_slices(next, parsed.preparing(), busy, done, step));
}

/// One slice of [`import_in_steps`]' first pass, and the next in a task of its own; then the design's reading.
fn prepare_in_slices(
    next: Sources,
    mut preparing: Preparing,
    busy: UseStateSetter<Option<Busy>>,
    done: Callback<Sources>,
    step: Busy,
) {
    let all_read = platform::timed("import: first pass", || {
        platform::for_a_slice(|| preparing.step(RESOURCES_PER_LOOK).then_some(()))
    });
    if all_read.is_none() {
        let (read, total) = preparing.progress();
        show_progress(&busy, "import: first pass", || Busy {
            done: 0.5 + 0.5 * read as f64 / total.max(1) as f64,
            ..step.clone()
        });
        platform::next_task(move || prepare_in_slices(next, preparing, busy, done, step));
        return;
    }
    // In a task of its own: after a slice of 20 ms, T2's links and report (about 30 ms) made a task of 50.
    platform::next_task(move || prepared_in_a_task(next, preparing, busy, done));
}

/// The end of [`prepare_in_slices`]: the links and the report of the first pass, then the design's reading.
fn prepared_in_a_task(
    next: Sources,
    preparing: Preparing,
    busy: UseStateSetter<Option<Busy>>,
    done: Callback<Sources>,
) {
    let mut prepared = match platform::timed("import: links and report", || preparing.finish()) {
        Ok(prepared) => prepared,
        Err(nothing) => return done.emit(next.with_import(Err(nothing))),
    };
    match prepared.reading() {
        Ok(reading) => {
            busy.set(Some(reading_progress(&reading)));
            platform::after_paint(move || read_in_slices(next, prepared, reading, busy, done));
        }
        Err(_) => done.emit(next.imported()),
    }
}

/// Shows the progress `now` makes on `busy`, when the progress of `work` is due ([`platform::progress_due`]).
fn show_progress(
    busy: &UseStateSetter<Option<Busy>>,
    work: &'static str,
    now: impl FnOnce() -> Busy,
) {
    if platform::progress_due(work) {
        busy.set(Some(now()));
    }
}

/// The share of the import's third step its checks take in the progress bar, after the design's reading (T2: 119
/// of 1,054 ms), so that the bar never goes back.
const CHECKS_SHARE: f64 = 0.1;

/// The third step, as far as `reading` is.
fn reading_progress(reading: &Reading) -> Busy {
    let (read, total) = reading.progress();
    Busy {
        step: 3,
        what: format!("Reading the design… {read} of {total} resources"),
        done: (1.0 - CHECKS_SHARE) * read as f64 / total.max(1) as f64,
    }
}

/// One slice of [`import_in_steps`]' reading, and the next in a task of its own.
fn read_in_slices(
    next: Sources,
    prepared: Prepared,
    mut reading: Reading,
    busy: UseStateSetter<Option<Busy>>,
    done: Callback<Sources>,
) {
    let all_read = platform::timed("import: read the design", || {
        platform::for_a_slice(|| match reading.step(RESOURCES_PER_LOOK) {
            Ok(false) => None,
            Ok(true) => Some(Ok(())),
            Err(e) => Some(Err(e)),
        })
    });
    match all_read {
        Some(Ok(())) => {
            match platform::timed("import: the rest of the design", || reading.validating()) {
                Ok(validating) => platform::next_task(move || {
                    validate_in_tasks(next, prepared, validating, busy, done);
                }),
                Err(_) => done.emit(next.imported()),
            }
        }
        None => {
            show_progress(&busy, "import: read the design", || {
                reading_progress(&reading)
            });
            platform::next_task(move || read_in_slices(next, prepared, reading, busy, done));
        }
        Some(Err(_)) => done.emit(next.imported()),
    }
}

/// What the header's import loads its design with: the dialog's sources and whether it is open, the playground's
/// dispatcher and its analysis made ahead, and the progress bar.
#[derive(Clone)]
struct Loading {
    sources: UseReducerDispatcher<Sources>,
    open: UseStateSetter<bool>,
    dispatch: Callback<Action>,
    ahead: Ahead,
    busy: UseStateSetter<Option<Busy>>,
}

/// Files of this many bytes or more, chosen in the import dialog or dropped on the page, are imported alone in tasks
/// of their own and loaded, as the header's Import does ([`Loading::import`]): imported with the dialog's other
/// sources at once, T2's file is one call of about 2 s of wasm work (its import's stages, in sum).
const AT_ONCE_BELOW_BYTES: usize = ROOM_FROM_BYTES;

/// How many bytes of text the files read hold (a file that could not be read, none).
fn text_bytes(files: &platform::ReadFiles) -> usize {
    files
        .iter()
        .map(|(_, read)| read.as_ref().map_or(0, String::len))
        .sum()
}

/// Adds files chosen in the dialog or dropped to the sources, imported at once with them (`true`); large ones
/// ([`AT_ONCE_BELOW_BYTES`]) are imported alone in steps and loaded, the dialog opened on their report at the end
/// ([`Loading::import`], `false`).
fn add_files(
    sources: &UseReducerDispatcher<Sources>,
    loading: &Loading,
    files: platform::ReadFiles,
) -> bool {
    if text_bytes(&files) < AT_ONCE_BELOW_BYTES {
        sources.dispatch(Step::Add(files));
        true
    } else {
        loading.clone().import(files, None);
        false
    }
}

impl Loading {
    fn new(
        ctx: &Ctx,
        sources: UseReducerDispatcher<Sources>,
        open: UseStateSetter<bool>,
        busy: UseStateSetter<Option<Busy>>,
    ) -> Self {
        Loading {
            sources,
            open,
            dispatch: ctx.dispatch.clone(),
            ahead: ctx.ahead.clone(),
            busy,
        }
    }

    /// Imports `files` alone in tasks of their own ([`import_in_steps`]), with the room written for them while they
    /// were read if any, saying so on the progress bar, then loads what they import ([`Loading::load`]).
    fn import(self, files: platform::ReadFiles, room: Option<Room>) {
        let size = text_bytes(&files);
        let names = files
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let importing = Busy::step(
            2,
            format!("Importing {names} ({})…", platform::size_text(size as u64)),
        );
        self.busy.set(Some(importing.clone()));
        let progress = self.busy.clone();
        let imported = Callback::from(move |next: Sources| self.clone().load(next));
        platform::after_paint(move || {
            import_in_steps(
                Sources::default().adding(files),
                room,
                progress,
                imported,
                importing,
            );
        });
    }

    /// Loads the design the sources imported into, analysed ahead in tasks of their own ([`analysing::in_tasks`])
    /// so that the task that loads it does not analyse it too; then opens the dialog on the report. Sources that
    /// import into no design open the dialog on why.
    fn load(self, next: Sources) {
        let Some((design, action)) = next.load() else {
            self.sources.dispatch(Step::Set(next));
            self.open.set(true);
            self.busy.set(None);
            return;
        };
        let analysing = || Busy::step(STEPS, "Analysing the design…".to_owned());
        self.busy.set(Some(analysing()));
        let busy = self.busy.clone();
        let progress = Rc::new(move |done| {
            show_progress(&busy, "analyse", || Busy {
                done,
                ..analysing()
            });
        });
        platform::after_paint(move || {
            analysing::in_tasks(design.clone(), None, progress, move |analysis| {
                let analysis = Rc::new(analysis);
                self.ahead.keep(design, analysis.clone());
                // What the views make at their first render, in tasks of their own before the one that loads it.
                crate::views::make_ahead(&analysis);
                platform::next_task(move || {
                    self.dispatch.emit(action);
                    self.sources.dispatch(Step::Set(Sources {
                        loaded: Some(next.names()),
                        ..next
                    }));
                    self.open.set(true);
                    self.busy.set(None);
                });
            });
        });
    }
}

/// One check of [`import_in_steps`]' validation, and the next in a task of its own; then the import.
fn validate_in_tasks(
    next: Sources,
    prepared: Prepared,
    mut validating: Validating,
    busy: UseStateSetter<Option<Busy>>,
    done: Callback<Sources>,
) {
    if platform::timed("import: validate", || validating.step()) {
        let design = validating.finish();
        done.emit(next.with_import(Ok(prepared.imported(design))));
        return;
    }
    let (checked, checks) = validating.progress();
    show_progress(&busy, "import: validate", || Busy {
        step: 3,
        what: format!("Checking the design… {checked} of {checks} checks"),
        done: 1.0 - CHECKS_SHARE + CHECKS_SHARE * checked as f64 / checks.max(1) as f64,
    });
    platform::next_task(move || validate_in_tasks(next, prepared, validating, busy, done));
}

/// What changes the dialog's sources.
enum Step {
    /// Files or pasted text added.
    Add(platform::ReadFiles),
    /// A source taken out, by name.
    Remove(String),
    /// Everything taken out.
    Clear,
    /// Sources read and imported elsewhere.
    Set(Sources),
    /// The import was loaded into the playground.
    Loaded,
}

impl Reducible for Sources {
    type Action = Step;

    fn reduce(self: Rc<Self>, step: Step) -> Rc<Self> {
        Rc::new(match step {
            Step::Add(files) => self.with(files),
            Step::Remove(name) => self.without(&name),
            Step::Clear => Sources::default(),
            Step::Set(sources) => sources,
            Step::Loaded => Sources {
                loaded: Some(self.names()),
                ..(*self).clone()
            },
        })
    }
}

/// The header's Import button and file input, and the import dialog.
#[component]
pub fn ImportView() -> Html {
    let open = use_state(|| false);
    let sources = use_reducer(Sources::default);
    let paste = use_state(String::new);
    let reading = use_mut_ref(|| None::<platform::Readings>);
    // The step of the header's import under way, of four, what it does and how far it is.
    let busy = use_state(|| None::<Busy>);
    let ctx = use_context::<Ctx>();
    // Files dropped anywhere on the page join the sources and open the dialog (large ones are loaded at once, and
    // the dialog opened on their report, `add_files`).
    {
        let open = open.setter();
        let sources = sources.dispatcher();
        let loading = ctx
            .as_ref()
            .map(|ctx| Loading::new(ctx, sources.clone(), open.clone(), busy.setter()));
        use_effect_with((), move |()| {
            let listening = platform::on_page_drop(Callback::from(move |files| {
                let added = match &loading {
                    Some(loading) => add_files(&sources, loading, files),
                    None => {
                        sources.dispatch(Step::Add(files));
                        true
                    }
                };
                if added {
                    open.set(true);
                }
            }));
            move || std::mem::drop(listening)
        });
    }
    let Some(ctx) = ctx else { return html! {} };

    let show = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(true))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    // The header's file input: load what imports at once, and show the report. Its four steps (reading the files,
    // importing them, reading the design, analysing it) each say so on a progress bar before they start; the design
    // is read a slice of resources at a time (`import_in_steps`), so the page paints its progress between slices.
    let loading = Loading::new(&ctx, sources.dispatcher(), open.setter(), busy.setter());
    let quick = {
        let loading = loading.clone();
        let reading = reading.clone();
        Callback::from(move |e: Event| {
            let busy = loading.busy.clone();
            let loading = loading.clone();
            let bytes = usize::try_from(platform::chosen_bytes(&e)).unwrap_or(usize::MAX);
            let room: RoomAhead = Rc::new(Some(Room::for_import(bytes)).into());
            let ahead = Rc::downgrade(&room);
            platform::next_task(move || write_ahead(ahead));
            let done = Callback::from(move |files: platform::ReadFiles| {
                let room = room.borrow_mut().take();
                loading.clone().import(files, room);
            });
            busy.set(Some(Busy::step(1, "Reading the files…".to_owned())));
            *reading.borrow_mut() = platform::read_files(&e, &done);
            if reading.borrow().is_none() {
                busy.set(None);
            }
        })
    };
    let chosen = {
        let sources = sources.dispatcher();
        Callback::from(move |e: Event| {
            let sources = sources.clone();
            let loading = loading.clone();
            let done = Callback::from(move |files| {
                add_files(&sources, &loading, files);
            });
            *reading.borrow_mut() = platform::read_files(&e, &done);
        })
    };
    let on_paste = {
        let paste = paste.clone();
        Callback::from(move |e: InputEvent| paste.set(platform::value(&e)))
    };
    let add_paste = {
        let paste = paste.clone();
        let sources = sources.clone();
        Callback::from(move |_: MouseEvent| {
            if paste.trim().is_empty() {
                return;
            }
            let name = pasted_name(&sources.list);
            sources.dispatch(Step::Add(vec![(name, Ok((*paste).clone()))]));
            paste.set(String::new());
        })
    };
    let clear = {
        let sources = sources.dispatcher();
        Callback::from(move |_: MouseEvent| sources.dispatch(Step::Clear))
    };
    let load = {
        let sources = sources.clone();
        let dispatch = ctx.dispatch;
        Callback::from(move |_: MouseEvent| {
            if let Some((_, action)) = sources.load() {
                dispatch.emit(action);
                sources.dispatch(Step::Loaded);
            }
        })
    };
    let remove = {
        let sources = sources.dispatcher();
        Callback::from(move |name: String| sources.dispatch(Step::Remove(name)))
    };

    // Built only while the dialog is open: the sources of a large design are large.
    let body = move || {
        html! {
            <>
                <p class="hint">{ "Paste, choose or drop Azure JSON: scenario documents, ARM GET bodies and " }<code>{ "{\"value\": [...]}" }</code>
                    { " lists, REST API example files, " }<code>{ "az ... -o json" }</code>{ " output, ARM templates with their parameters files. Several files are read together, as one design." }</p>
                <div class="io-sources">
                    <label class="field io-paste"><span class="label">{ "Paste JSON" }</span>
                        <textarea value={(*paste).clone()} oninput={on_paste} rows="6" spellcheck="false"
                            placeholder="az network vnet list -o json, an ARM template..." data-testid="import-text" /></label>
                    <div class="io-actions">
                        <button onclick={add_paste} disabled={paste.trim().is_empty()} data-testid="import-add">{ "Add pasted text" }</button>
                        <label class="button" title="Choose one or more JSON files">
                            { "Choose files…" }
                            <input type="file" multiple=true accept=".json,application/json" onchange={chosen} class="visually-hidden" data-testid="import-files" />
                        </label>
                        <span class="hint">{ "or drop files anywhere on the page" }</span>
                    </div>
                </div>
                { render_sources(&sources, &remove) }
                { render_outcome(&sources) }
                <div class="io-footer">
                    <button onclick={clear} disabled={sources.list.is_empty() && sources.unreadable.is_empty()}>{ "Clear" }</button>
                    <button class="primary" onclick={load} disabled={!sources.loadable() || sources.loaded.is_some()} data-testid="import-load">
                        { "Load into the playground" }
                    </button>
                </div>
            </>
        }
    };
    html! {
        <>
            <button onclick={show} title="Import Azure JSON: paste, choose or drop files" data-testid="import-open">{ "Import" }</button>
            <input type="file" multiple=true accept=".json,application/json" onchange={quick} class="visually-hidden"
                tabindex="-1" aria-label="Import files at once" data-testid="import" />
            if let Some(busy) = &*busy {
                <span class="import-progress" role="status" data-testid="import-progress">
                    <progress max={STEPS.to_string()} value={(f64::from(busy.step - 1) + busy.done).to_string()}
                        aria-label="Import" />
                    { format!(" {} (step {} of {STEPS})", busy.what, busy.step) }
                </span>
            }
            if *open { { render_dialog("Import", "import-dialog", close, body()) } }
        </>
    }
}

fn render_sources(sources: &Sources, remove: &Callback<String>) -> Html {
    if sources.list.is_empty() && sources.unreadable.is_empty() {
        return html! {};
    }
    html! {
        <ul class="io-source-list" data-testid="import-sources">
            { for sources.list.iter().map(|s| {
                let name = s.name.clone();
                let onclick = remove.reform(move |_: MouseEvent| name.clone());
                html! {
                    <li key={s.name.clone()}>
                        <code>{ s.name.clone() }</code>
                        <span class="hint">{ format!(" {}", platform::size_text(s.text.len() as u64)) }</span>
                        <button class="link" {onclick} aria-label={format!("Remove {}", s.name)}>{ "✕" }</button>
                    </li>
                }
            }) }
            { for sources.unreadable.iter().map(|(name, why)| html! {
                <li key={name.clone()} class="error" data-testid="import-unreadable"><code>{ name.clone() }</code>{ rich(&format!(" could not be read: {why}")) }</li>
            }) }
        </ul>
    }
}

fn render_outcome(sources: &Sources) -> Html {
    let Some(outcome) = &sources.outcome else {
        if sources.unreadable.is_empty() {
            return html! {};
        }
        return html! {
            <p class="error" role="alert" data-testid="import-error">
                { "nothing to import: no file could be read; your design is unchanged" }
            </p>
        };
    };
    let status = match &**outcome {
        Ok(_) => render_summary(sources),
        Err(error) => html! {
            <p class="error" role="alert" data-testid="import-error">
                { rich(&format!("{error}; your design is unchanged")) }
            </p>
        },
    };
    html! {
        <>
            { status }
            { render_report(outcome) }
        </>
    }
}

/// What the design read has, or that it was loaded.
fn render_summary(sources: &Sources) -> Html {
    let Some(design) = &sources.design else {
        return html! {};
    };
    match design {
        Ok(scenario) => {
            let model = scenario.model();
            let counts = [
                (model.vnets.len(), "virtual network", "virtual networks"),
                (
                    model.nsgs.len(),
                    "network security group",
                    "network security groups",
                ),
                (model.managers.len(), "network manager", "network managers"),
                (model.groups.len(), "network group", "network groups"),
                (
                    model.connectivity_configs.len() + model.security_admin_configs.len(),
                    "configuration",
                    "configurations",
                ),
                (model.commits.len(), "commit", "commits"),
                (model.intents.len(), "intent", "intents"),
            ];
            let has: Vec<String> = counts
                .iter()
                .filter(|(n, _, _)| *n > 0)
                .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
                .collect();
            let what = if has.is_empty() {
                "resources the playground keeps but does not simulate".to_owned()
            } else {
                has.join(", ")
            };
            match &sources.loaded {
                Some(names) => html! {
                    <p class="io-status loaded" role="status" data-testid="import-status">
                        { rich(&format!("Loaded from {names}: {what}. Undo brings your previous design back.")) }
                    </p>
                },
                None => html! {
                    <p class="io-status" role="status" data-testid="import-status">{ format!("Ready to load: {what}.") }</p>
                },
            }
        }
        Err(e) => html! {
            <p class="error" role="alert" data-testid="import-error">
                { rich(&format!("the import is not a design the playground can load: {e}; your design is unchanged")) }
            </p>
        },
    }
}

fn kind_class(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::Read => "read",
        ReportKind::Inferred => "inferred",
        ReportKind::Duplicate | ReportKind::Unevaluated | ReportKind::Skipped => "skipped",
        ReportKind::Refused => "refused",
    }
}

/// The lines of an import's report.
fn report_of(outcome: &Result<Imported, ImportError>) -> &[ReportLine] {
    match outcome {
        Ok(imported) => &imported.report,
        Err(error) => error.report(),
    }
}

/// The report: a count per kind, then one row per line. Up to [`TABLE_LINES`] lines, a table in input order, each
/// line whole; past that (a large design has a line per resource read), a list that renders only the rows in view,
/// each on one line with its whole text in its title, the lines to look at (skipped, inferred...) before those
/// read, each in input order.
fn render_report(outcome: &Rc<Result<Imported, ImportError>>) -> Html {
    let report = report_of(outcome);
    let kinds = [
        ReportKind::Read,
        ReportKind::Inferred,
        ReportKind::Skipped,
        ReportKind::Duplicate,
        ReportKind::Unevaluated,
        ReportKind::Refused,
    ];
    let counts: Vec<String> = kinds
        .iter()
        .map(|k| (k, report.iter().filter(|l| l.kind == *k).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let heading = html! { <h3>{ "Report" }<span class="hint">{ format!(" {}", counts.join(", ")) }</span></h3> };
    if report.len() <= TABLE_LINES {
        return html! {
            <div class="io-report">
                { heading }
                <table class="rules" data-testid="import-report">
                    <thead><tr><th>{ "What" }</th><th>{ "File" }</th><th>{ "Path" }</th><th>{ "Why" }</th></tr></thead>
                    <tbody>
                        { for report.iter().map(|line| html! {
                            <tr class={classes!("io-line", kind_class(line.kind))}>
                                <td><span class="tag">{ line.kind.to_string() }</span></td>
                                <td><code>{ line.file.clone() }</code></td>
                                <td>if !line.path.is_empty() { <code>{ line.path.clone() }</code> }</td>
                                <td>{ rich(&line.message) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        };
    }
    let read = |k: &usize| report.get(*k).is_some_and(|l| l.kind == ReportKind::Read);
    let order: Vec<usize> = (0..report.len())
        .filter(|k| !read(k))
        .chain((0..report.len()).filter(read))
        .collect();
    let row = {
        let outcome = outcome.clone();
        Callback::from(move |i: usize| {
            order
                .get(i)
                .and_then(|k| report_of(&outcome).get(*k))
                .map(report_row)
                .unwrap_or_default()
        })
    };
    html! {
        <div class="io-report">
            { heading }
            <div class="report-grid" data-testid="import-report">
                <div class="report-head"><span>{ "What" }</span><span>{ "File" }</span><span>{ "Path" }</span><span>{ "Why" }</span></div>
                <VirtualList count={report.len()} row_height={REPORT_ROW} height={360} {row} class="report-list" label="Report lines" />
            </div>
        </div>
    }
}

/// A line of a long report, on one line.
fn report_row(line: &ReportLine) -> Html {
    html! {
        <div class={classes!("report-row", "io-line", kind_class(line.kind))}>
            <span><span class="tag">{ line.kind.to_string() }</span></span>
            <span title={line.file.clone()}><code>{ line.file.clone() }</code></span>
            <span title={line.path.clone()}><code>{ line.path.clone() }</code></span>
            <span title={line.message.clone()}>{ rich(&line.message) }</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_import_together_and_a_refusal_loads_nothing() {
        let vnet = r#"{"value": [{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
                      "location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#;
        let sources = Sources::default().with(vec![("vnets.json".into(), Ok(vnet.into()))]);
        let Some((_, Action::LoadRead { design, source })) = sources.load() else {
            panic!("a list of one VNet imports")
        };
        assert_eq!(source, "`vnets.json`");
        assert_eq!(design.0.model().vnets.len(), 1);
        // The design was read once, when imported (the import keeps its report), and loading shares it.
        let Some((_, Action::LoadRead { design: again, .. })) = sources.load() else {
            panic!("loads again")
        };
        assert!(Rc::ptr_eq(&design.0, &again.0));
        let Some(Ok(imported)) = sources.outcome.as_deref() else {
            panic!("the import stays")
        };
        assert!(
            imported
                .report
                .iter()
                .any(|line| line.kind == ReportKind::Read),
            "{:?}",
            imported.report
        );

        let refused = Sources::default().with(vec![("empty.json".into(), Ok("{}".into()))]);
        assert!(refused.load().is_none(), "nothing to import loads nothing");
        assert!(matches!(refused.outcome.as_deref(), Some(Err(_))));

        let both = sources.with(vec![("empty.json".into(), Ok("{}".into()))]);
        assert_eq!(both.names(), "`vnets.json` and `empty.json`");
        assert!(both.load().is_some(), "one source that imports is enough");
        assert_eq!(both.without("vnets.json").list.len(), 1);
    }

    #[test]
    fn a_large_import_is_given_room_four_times_its_sources_a_piece_at_a_time() {
        let mut small = Room::for_import(ROOM_FROM_BYTES - 1);
        assert!(small.step(), "a small import starts at once");
        assert!(small.pieces.is_empty());

        let bytes = 3 * ROOM_PIECE + 5;
        let mut room = Room::for_import(bytes);
        assert_eq!(room.done(), 0.0);
        let mut steps = 1;
        while !room.step() {
            steps += 1;
            assert!(room.done() > 0.0 && room.done() < 1.0);
        }
        assert_eq!(room.done(), 1.0);
        let written: usize = room.pieces.iter().map(Vec::len).sum();
        assert_eq!(written, 4 * bytes);
        assert_eq!(steps, (4 * bytes).div_ceil(ROOM_PIECE));
        assert!(
            room.pieces.iter().flatten().all(|b| *b != 0),
            "written, not only zeroed"
        );
        assert!(room.step(), "written once");
    }

    #[test]
    fn pasted_texts_get_names_no_source_has() {
        assert_eq!(pasted_name(&[]), "pasted.json");
        let one = [Source::new("pasted.json", "{}")];
        assert_eq!(pasted_name(&one), "pasted-2.json");
    }
}
