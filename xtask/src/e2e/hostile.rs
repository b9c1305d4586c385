//! Hostile input in the browser (issue 9, items 4 and 6): huge and broken files, invalid UTF-8, huge and corrupt
//! links, HTML and script in links and lessons, a browser killed after an edit, a full store, and storage written
//! by older versions of the playground. Each flow checks what a user sees and that the design on screen stays.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use super::{
    Flow, artifact, count, ensure, load_example, own_origin_only, read_json, text_of, type_into,
};
use crate::cmd::workspace_root;
use crate::webdriver::Session;

/// A file written for a flow under `target/e2e/`, removed when dropped (on every path out of the flow).
pub(super) struct Scratch(PathBuf);

impl Scratch {
    pub(super) fn write(name: &str, bytes: &[u8]) -> Result<Scratch, String> {
        let path = artifact(name);
        fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(Scratch(path))
    }

    /// The absolute path, as a file input takes it.
    fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// What shows the design on screen: the navigator and the editor's text.
fn design_shown(session: &mut Session) -> Result<(String, String), String> {
    Ok((text_of(session, "nav")?, text_of(session, "main")?))
}

/// Fails unless the navigator and editor show what they showed before.
fn unchanged(session: &mut Session, before: &(String, String), what: &str) -> Result<(), String> {
    let now = design_shown(session)?;
    ensure(
        now.0 == before.0,
        format!("after {what} the navigator changed: {:?}", now.0),
    )?;
    ensure(
        now.1 == before.1,
        format!("after {what} the editor changed"),
    )
}

/// Polls for up to `seconds` until an element matching `selector` has a text containing every one of `needles`;
/// returns the text. For what takes longer than [`Session::find`]'s 10 s (reading tens of megabytes).
pub(super) fn wait_long(
    session: &mut Session,
    selector: &str,
    needles: &[&str],
    seconds: u64,
) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let text = session.execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText).join('\\n')",
            &[selector.into()],
        )?;
        let last = text.as_str().unwrap_or_default().to_owned();
        if !last.is_empty() && needles.iter().all(|n| last.contains(n)) {
            return Ok(last);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "after {seconds} s `{selector}` shows {last:?}, not all of {needles:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Opens the import dialog and chooses `file` in its file input.
fn choose_in_dialog(session: &mut Session, file: &Scratch) -> Result<(), String> {
    if session.try_find("[data-testid=import-dialog]")?.is_none() {
        session.click(&session.find("[data-testid=import-open]")?)?;
    }
    let input = session.find("[data-testid=import-files]")?;
    session.send_keys(&input, &file.path())?;
    Ok(())
}

/// Chooses `file` in the header's file input, which loads at once what imports (the "open" path).
pub(super) fn open_at_once(session: &mut Session, file: &Scratch) -> Result<(), String> {
    let input = session.find("[data-testid=import]")?;
    session.send_keys(&input, &file.path())?;
    Ok(())
}

/// Clears the import dialog's sources and closes it.
fn close_dialog(session: &mut Session) -> Result<(), String> {
    let clear = "const b = Array.from(document.querySelectorAll('[data-testid=import-dialog] button'))\
                 .find(b => b.innerText.trim() === 'Clear'); if (b && !b.disabled) b.click();";
    session.execute(clear, &[])?;
    session.click(&session.find("[data-testid=import-dialog-close]")?)?;
    Ok(())
}

/// Drops a file made in the page (`bytes` as base64) on the page, as a user drags one from the desktop.
fn drop_file(session: &mut Session, name: &str, script_bytes: &str) -> Result<(), String> {
    let script = format!(
        "const bytes = {script_bytes}; const file = new File([bytes], arguments[0]); \
         const data = new DataTransfer(); data.items.add(file); \
         document.body.dispatchEvent(new DragEvent('dragover', {{dataTransfer: data, bubbles: true, cancelable: true}})); \
         document.body.dispatchEvent(new DragEvent('drop', {{dataTransfer: data, bubbles: true, cancelable: true}}));"
    );
    session.execute(&script, &[name.into()])?;
    Ok(())
}

/// 50 MB files given to the import dialog, the header's file input and a drop: JSON that is valid but not a
/// design, JSON cut short, and a file over the 256 MiB the playground reads. Each says what it is in the dialog,
/// within a minute, and the design on screen stays.
pub fn huge_files_keep_the_design(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.wait_for_text("nav", "vnet-hub")?;
    let before = design_shown(session)?;

    // A log export: a JSON array of 50 MB of records, none of them a resource.
    let mut records = Vec::with_capacity(50_000_100);
    records.extend_from_slice(b"[");
    let mut n = 0u64;
    while records.len() < 50_000_000 {
        writeln!(
            records,
            "{{\"time\": \"2026-12-06T10:00:00Z\", \"level\": \"info\", \"message\": \"request {n} served\"}},"
        )
        .map_err(|e| e.to_string())?;
        n += 1;
    }
    records.pop();
    records.pop();
    records.extend_from_slice(b"]\n");
    let log = Scratch::write("huge-log.json", &records)?;
    drop(records);
    let started = Instant::now();
    choose_in_dialog(session, &log)?;
    let said = wait_long(
        session,
        "[data-testid=import-error]",
        &[
            "nothing to import",
            "huge-log.json gave no resource",
            "your design is unchanged",
        ],
        90,
    )?;
    eprintln!(
        "xtask: e2e: a 50 MB JSON array of log records: {:.1} s, the dialog says {:?}",
        started.elapsed().as_secs_f64(),
        said.chars().take(300).collect::<String>()
    );
    session.screenshot(&artifact("huge-log.png"))?;
    close_dialog(session)?;
    unchanged(session, &before, "a 50 MB file that is not a design")?;

    // A design cut short at 50 MB: a list of VNets that never ends.
    let mut cut = Vec::with_capacity(50_000_100);
    cut.extend_from_slice(b"{\"resources\": [\n");
    let mut i = 0u64;
    while cut.len() < 50_000_000 {
        writeln!(
            cut,
            "{{\"id\": \"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v{i}\", \"location\": \"westeurope\"}},"
        )
        .map_err(|e| e.to_string())?;
        i += 1;
    }
    let lines = cut.iter().filter(|b| **b == b'\n').count() + 1;
    let broken = Scratch::write("huge-cut.json", &cut)?;
    drop(cut);
    let started = Instant::now();
    watch_progress(session)?;
    open_at_once(session, &broken)?;
    let said = wait_long(
        session,
        "[data-testid=import-error]",
        &[
            "huge-cut.json is not JSON",
            &format!("line {lines}"),
            "your design is unchanged",
        ],
        90,
    )?;
    eprintln!(
        "xtask: e2e: a 50 MB design cut short, opened at once: {:.1} s, the dialog says {:?}",
        started.elapsed().as_secs_f64(),
        said.chars().take(300).collect::<String>()
    );
    session.screenshot(&artifact("huge-cut.png"))?;
    // Its import said each step before it ran, and stopped at the import: nothing to analyse.
    progress_said(
        session,
        &[
            Said::Text("Reading the files… (step 1 of 4)"),
            Said::Text("Importing huge-cut.json (50.0 MB)… (step 2 of 4)"),
        ],
    )?;
    close_dialog(session)?;
    unchanged(session, &before, "a 50 MB file cut short")?;

    // The same kind of file dropped on the page, made in the page (50 MB of a list that never ends).
    let started = Instant::now();
    drop_file(
        session,
        "dropped-cut.json",
        "'{\"resources\": [' + '{\"name\": \"v\"},'.repeat(3500000)",
    )?;
    wait_long(
        session,
        "[data-testid=import-error]",
        &["dropped-cut.json is not JSON", "your design is unchanged"],
        90,
    )?;
    eprintln!(
        "xtask: e2e: a 50 MB list cut short, dropped: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    close_dialog(session)?;
    unchanged(session, &before, "a dropped 50 MB file")?;

    // Over the limit: a sparse file of 300 MB is refused by its size before it is read.
    let huge = sparse("huge-300mb.json", 300_000_000)?;
    choose_in_dialog(session, &huge)?;
    wait_long(
        session,
        "[data-testid=import-unreadable]",
        &["huge-300mb.json", "300.0 MB", "256 MiB"],
        20,
    )?;
    session.wait_for_text("[data-testid=import-error]", "your design is unchanged")?;
    session.screenshot(&artifact("huge-300mb.png"))?;
    close_dialog(session)?;
    unchanged(session, &before, "a 300 MB file")?;

    // Two files of 150 MB, each within the limit, chosen together (imported together, as one design): over it
    // together, both refused before they are read.
    let pair = [
        sparse("half-a.json", 150_000_000)?,
        sparse("half-b.json", 150_000_000)?,
    ];
    if session.try_find("[data-testid=import-dialog]")?.is_none() {
        session.click(&session.find("[data-testid=import-open]")?)?;
    }
    let input = session.find("[data-testid=import-files]")?;
    session.send_keys(&input, &format!("{}\n{}", pair[0].path(), pair[1].path()))?;
    for name in ["half-a.json", "half-b.json"] {
        wait_long(
            session,
            "[data-testid=import-unreadable]",
            &[name, "2 files chosen together are 300.0 MB", "256 MiB"],
            20,
        )?;
    }
    session.wait_for_text("[data-testid=import-error]", "your design is unchanged")?;
    close_dialog(session)?;
    unchanged(session, &before, "two 150 MB files")?;
    Ok(())
}

/// A sparse file of `bytes` zero bytes, refused by its size before it is read.
fn sparse(name: &str, bytes: u64) -> Result<Scratch, String> {
    let file = Scratch::write(name, b"")?;
    fs::OpenOptions::new()
        .write(true)
        .open(&file.0)
        .and_then(|f| f.set_len(bytes))
        .map_err(|e| format!("cannot size {}: {e}", file.0.display()))?;
    Ok(file)
}

/// What the import says of `file` whose Latin-1 byte `é` (0xE9) is at `offset`, on `line`: each is in its message.
fn latin1_named(file: &str, offset: usize, line: usize) -> [String; 4] {
    [
        file.to_owned(),
        format!("offset {offset}"),
        "0xe9".to_owned(),
        format!("line {line}"),
    ]
}

/// A JSON file in Latin-1 (not UTF-8) chosen in the dialog, opened from the header and dropped: the message names
/// the file and the offset and line of the first byte that is not UTF-8; the design stays. Then designs of 6 MB
/// opened from the header and dropped: each imported in steps, said on the progress bar, and loaded.
pub fn invalid_utf8_names_the_byte(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.wait_for_text("nav", "vnet-hub")?;
    let before = design_shown(session)?;
    // `é` in Latin-1 is the one byte 0xE9, which UTF-8 never has alone.
    let bytes = b"{\n  \"title\": \"caf\xe9\",\n  \"resources\": []\n}\n";
    let offset = bytes
        .iter()
        .position(|b| *b == 0xe9)
        .ok_or("the file has its Latin-1 byte")?;
    let file = Scratch::write("latin1.json", bytes)?;
    let expected = latin1_named("latin1.json", offset, 2);
    let needles: Vec<&str> = expected.iter().map(String::as_str).collect();

    choose_in_dialog(session, &file)?;
    wait_long(session, "[data-testid=import-unreadable]", &needles, 10)?;
    session.wait_for_text("[data-testid=import-error]", "your design is unchanged")?;
    session.screenshot(&artifact("invalid-utf8.png"))?;
    close_dialog(session)?;
    unchanged(session, &before, "a Latin-1 file in the dialog")?;

    open_at_once(session, &file)?;
    wait_long(session, "[data-testid=import-unreadable]", &needles, 10)?;
    close_dialog(session)?;
    unchanged(session, &before, "a Latin-1 file opened at once")?;

    let list: Vec<String> = bytes.iter().map(u8::to_string).collect();
    drop_file(
        session,
        "latin1.json",
        &format!("new Uint8Array([{}])", list.join(",")),
    )?;
    wait_long(session, "[data-testid=import-unreadable]", &needles, 10)?;
    close_dialog(session)?;
    unchanged(session, &before, "a dropped Latin-1 file")?;

    // The browser decodes a file a megabyte at a time: a Latin-1 byte past the first megabyte is still named, by
    // its offset and line.
    let mut late = big_design(1_500_000).into_bytes();
    let offset = late
        .windows(14)
        .rposition(|w| w == b"vnet-big-last\"")
        .map(|at| at + 9)
        .ok_or("the design names its last VNet")?;
    if let Some(byte) = late.get_mut(offset) {
        *byte = 0xe9;
    }
    let file = Scratch::write("late-latin1.json", &late)?;
    let expected = latin1_named("late-latin1.json", offset, 1);
    let needles: Vec<&str> = expected.iter().map(String::as_str).collect();
    open_at_once(session, &file)?;
    wait_long(session, "[data-testid=import-unreadable]", &needles, 30)?;
    close_dialog(session)?;
    unchanged(session, &before, "a Latin-1 byte past the first megabyte")?;

    // Characters of two and four bytes that the megabyte boundaries cut read whole, and a design written in
    // UTF-16 (with its byte order mark, as Windows tools write it) reads too.
    let text = design_of(2_500_000, "vnet-\u{fc}\u{1f600}", "\u{fc}\u{1f600}");
    let cut = text
        .as_bytes()
        .get(1 << 20)
        .is_some_and(|b| b & 0xc0 == 0x80);
    if !cut {
        return Err("the first megabyte should end inside a character".to_owned());
    }
    let file = Scratch::write("multibyte.json", text.as_bytes())?;
    open_at_once(session, &file)?;
    wait_long(session, "[data-testid=import-status]", &["Loaded"], 30)?;
    close_dialog(session)?;
    find_in_navigator(session, "vnet-\u{fc}\u{1f600}-last", "multibyte")?;
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(
            design_of(1_000, "vnet-utf16", "x")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let file = Scratch::write("utf16.json", &utf16)?;
    open_at_once(session, &file)?;
    wait_long(session, "[data-testid=import-status]", &["Loaded"], 30)?;
    close_dialog(session)?;
    session.wait_for_text("nav", "vnet-utf16-last")?;

    // A design that imports, opened at once: its four steps, the design's reading from its first resource on,
    // then the design. Past 4 MiB, the import is given its memory ahead (`import_view::Room`), written while the
    // browser reads the file.
    let text = big_design(6_000_000);
    let resources = resources_in(&text);
    let design = Scratch::write("big-design.json", text.as_bytes())?;
    watch_progress(session)?;
    open_at_once(session, &design)?;
    wait_long(session, "[data-testid=import-status]", &["Loaded"], 30)?;
    progress_said(
        session,
        &[
            Said::Text("Reading the files… (step 1 of 4)"),
            Said::Text("Importing big-design.json (6.0 MB)… (step 2 of 4)"),
            Said::Reading(resources),
            Said::Checking,
            Said::Text("Analysing the design… (step 4 of 4)"),
        ],
    )?;
    close_dialog(session)?;
    find_in_navigator(session, "vnet-big-last", "imported")?;

    // The same size dropped on the page: imported alone in steps and loaded, as the header's Import does (it was
    // joined to the dialog's sources and imported with them at once).
    let text = design_of(6_000_000, "vnet-dropped", "y");
    let resources = resources_in(&text);
    let literal = serde_json::to_string(&text).map_err(|e| e.to_string())?;
    watch_progress(session)?;
    drop_file(session, "dropped-design.json", &literal)?;
    wait_long(session, "[data-testid=import-status]", &["Loaded"], 30)?;
    progress_said(
        session,
        &[
            Said::Text("Importing dropped-design.json (6.0 MB)… (step 2 of 4)"),
            Said::Reading(resources),
            Said::Checking,
            Said::Text("Analysing the design… (step 4 of 4)"),
        ],
    )?;
    close_dialog(session)?;
    // The navigator's filter still holds the design before's last VNet.
    type_into(session, "[data-testid=nav-filter]", "vnet-dropped-last")?;
    wait_long(session, "nav", &["vnet-dropped-last"], 30)?;
    Ok(())
}

/// Notes every text the header's import progress shows from now on (and when it goes), in `window.avnmProgress`,
/// and every value of its bar in `window.avnmBar`.
fn watch_progress(session: &mut Session) -> Result<(), String> {
    session.execute(
        "window.avnmProgress = []; const seen = window.avnmProgress;\
         window.avnmBar = []; const bar = window.avnmBar;\
         new MutationObserver(() => {\
           const e = document.querySelector('[data-testid=import-progress]');\
           const text = e ? e.textContent.trim() : null;\
           if (seen[seen.length - 1] !== text) seen.push(text);\
           const p = e ? e.querySelector('progress') : null;\
           const value = p ? Number(p.getAttribute('value')) : null;\
           if (value !== null && bar[bar.length - 1] !== value) bar.push(value);\
         }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});",
        &[],
    )?;
    Ok(())
}

/// What the import's progress says at one of its steps.
#[derive(Debug)]
enum Said<'a> {
    /// This text.
    Text(&'a str),
    /// The design's reading, of this many resources: "0 of N" first, then as many texts as the reading took
    /// slices, each further than the one before.
    Reading(usize),
    /// The design's validation, a check at a time: "k of N checks", each further than the one before, all below
    /// the same N.
    Checking,
}

/// Whether the import progress showed `steps` in this order, then went away, its bar never going back.
fn progress_said(session: &mut Session, steps: &[Said<'_>]) -> Result<(), String> {
    let seen = session.execute("return window.avnmProgress", &[])?;
    let texts: Vec<Option<&str>> = seen
        .as_array()
        .map(|list| list.iter().map(Value::as_str).collect())
        .unwrap_or_default();
    let wrong = || format!("the import's progress showed {seen}, expected {steps:?} then nothing");
    let mut at = texts.iter();
    for step in steps {
        match step {
            Said::Text(text) => {
                if at.next() != Some(&Some(*text)) {
                    return Err(wrong());
                }
            }
            Said::Reading(total) => {
                let read = |text: Option<&str>| -> Option<usize> {
                    let rest = text?.strip_prefix("Reading the design… ")?;
                    let (read, of) = rest.split_once(" of ")?;
                    (of == format!("{total} resources (step 3 of 4)"))
                        .then(|| read.parse().ok())
                        .flatten()
                };
                let mut last = None;
                while let Some(n) = at.clone().next().and_then(|t| read(*t)) {
                    if (last.is_none() && n != 0) || last.is_some_and(|l| n <= l) || n >= *total {
                        return Err(wrong());
                    }
                    last = Some(n);
                    at.next();
                }
                if last.is_none() {
                    return Err(wrong());
                }
            }
            Said::Checking => {
                let checked = |text: Option<&str>| -> Option<(usize, usize)> {
                    let rest = text?.strip_prefix("Checking the design… ")?;
                    let (done, of) = rest.split_once(" of ")?;
                    let total = of.strip_suffix(" checks (step 3 of 4)")?;
                    Some((done.parse().ok()?, total.parse().ok()?))
                };
                let mut last: Option<(usize, usize)> = None;
                while let Some((n, total)) = at.clone().next().and_then(|t| checked(*t)) {
                    let further = last.is_none_or(|(l, was)| n > l && total == was);
                    if !further || n == 0 || n >= total {
                        return Err(wrong());
                    }
                    last = Some((n, total));
                    at.next();
                }
                if last.is_none() {
                    return Err(wrong());
                }
            }
        }
    }
    if at.next() != Some(&None) || at.next().is_some() {
        return Err(wrong());
    }
    // The bar only moves on, from one step to the next and within each.
    let bar = session.execute("return window.avnmBar", &[])?;
    let values: Vec<f64> = bar
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if values.is_empty() || values.windows(2).any(|w| matches!(w, [a, b] if b < a)) {
        return Err(format!(
            "the import's progress bar went back or showed nothing: {bar}"
        ));
    }
    Ok(())
}

/// The `#v1.` fragment of a payload (`{"view":…,"design":…}` as JSON text), written as the link format says:
/// raw deflate, then base64url without padding.
fn fragment_of(payload: &[u8]) -> Result<String, String> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(payload).map_err(|e| e.to_string())?;
    let packed = encoder.finish().map_err(|e| e.to_string())?;
    Ok(format!(
        "v1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    ))
}

/// Sets the page's fragment as a link pasted into the address bar of the open page (a `hashchange`).
fn set_hash(session: &mut Session, fragment: &str) -> Result<(), String> {
    session.execute("location.hash = arguments[0];", &[fragment.into()])?;
    Ok(())
}

/// Waits for the notice to say that a link was refused with `why`, and dismisses nothing: each link's notice
/// replaces the last.
fn refused(session: &mut Session, why: &str) -> Result<String, String> {
    wait_long(
        session,
        "[data-testid=notice]",
        &["the link was not opened, your design is unchanged", why],
        10,
    )
}

/// Million-character links, opened on start and on `hashchange`: all `A`s, random link characters, a valid link
/// with a million characters that are not link characters after it, and a link that inflates to 100 MB. Each is
/// refused with a notice within seconds and the design stays.
pub fn huge_links_keep_the_design(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.wait_for_text("nav", "vnet-hub")?;
    let before = design_shown(session)?;
    let million = 1_000_000;

    // On start: the page opens with the link in its address.
    let zeros = format!("v1.{}", "A".repeat(million));
    let started = Instant::now();
    session.goto(&format!("{base_url}#{zeros}"))?;
    let said = refused(session, "")?;
    eprintln!(
        "xtask: e2e: `#v1.` + a million `A`s on start: {:.1} s, {said:?}",
        started.elapsed().as_secs_f64()
    );
    unchanged(session, &before, "a million-character link on start")?;
    session.screenshot(&artifact("huge-link.png"))?;

    // On hashchange: random link characters (a deterministic sequence).
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let random: String = (0..million)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(alphabet.get((state % 64) as usize).copied().unwrap_or(b'A'))
        })
        .collect();
    let started = Instant::now();
    set_hash(session, &format!("v1.{random}"))?;
    let said = refused(session, "")?;
    eprintln!(
        "xtask: e2e: `#v1.` + a million random link characters on hashchange: {:.1} s, {said:?}",
        started.elapsed().as_secs_f64()
    );
    unchanged(session, &before, "a million random link characters")?;

    // A valid link of the design, then a million characters a link never has.
    let design = read_json("static/examples/deployment-goal-state.json")?;
    let valid = fragment_of(json!({"view": {}, "design": design}).to_string().as_bytes())?;
    let garbage = format!("{valid}{}", "!".repeat(million));
    set_hash(session, &garbage)?;
    let said = refused(session, "is not a link character")?;
    eprintln!("xtask: e2e: a valid link + a million `!`: {said:?}");
    unchanged(session, &before, "a valid link followed by garbage")?;

    // A link of 100 KB that inflates to 100 MB (a design with a 100 MB description).
    let mut bomb = Vec::with_capacity(100_000_100);
    bomb.extend_from_slice(b"{\"view\":{},\"design\":{\"resources\":[],\"description\":\"");
    bomb.resize(100_000_000, b'a');
    bomb.extend_from_slice(b"\"}}");
    let fragment = fragment_of(&bomb)?;
    drop(bomb);
    let started = Instant::now();
    set_hash(session, &fragment)?;
    let said = refused(session, "64 MiB")?;
    eprintln!(
        "xtask: e2e: a {}-character link inflating to 100 MB: {:.1} s, {said:?}",
        fragment.len(),
        started.elapsed().as_secs_f64()
    );
    unchanged(session, &before, "a link that inflates to 100 MB")?;
    Ok(())
}

/// Whether anything from a hostile text reached the page: elements it would inject, and scripts it would run.
fn nothing_injected(session: &mut Session, what: &str) -> Result<(), String> {
    let injected = count(
        session,
        "img[src=x], iframe, svg[onload], [onerror], [onload], [onmouseover], a[href^=javascript], u, marquee",
    )?;
    ensure(
        injected == 0,
        format!("{injected} elements were injected from {what}"),
    )?;
    let pwned = session.execute("return String(window.pwned)", &[])?;
    ensure(
        pwned.as_str() == Some("undefined"),
        format!("a script from {what} ran: window.pwned is {pwned}"),
    )
}

/// A design with HTML and script in its title, names and tags.
fn hostile_design() -> Value {
    let rg = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
    json!({
        "title": "<script>window.pwned=1</script>",
        "description": "<img src=x onerror=window.pwned=2>",
        "resources": [{
            "id": format!("{rg}/virtualNetworks/vnet-<u>x</u>"), "name": "vnet-<u>x</u>",
            "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
            "tags": {"<svg onload=window.pwned=3>": "<iframe src=javascript:window.pwned=4>"},
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}
        }]
    })
}

/// Links whose view and design carry HTML and script (`<script>`, `onerror=`, `javascript:`), opened on start
/// and on `hashchange`: the design opens with those strings as text, nothing runs, nothing is injected.
pub fn hostile_links_stay_text(session: &mut Session, base_url: &str) -> Result<(), String> {
    let rg = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
    let view = json!({
        "selected": {"kind": "vnet", "id": format!("{rg}/virtualNetworks/vnet-<u>x</u>")},
        "panel": "<img src=x onerror=window.pwned=5>",
        "query": {"from": "<script>window.pwned=6</script>", "to": "10.0.0.5\" onfocus=\"window.pwned=7",
                  "protocol": "<b>Tcp</b>", "port": "javascript:window.pwned=8"},
        "mode": "<iframe src=javascript:window.pwned=9>",
        "<script>": "<script>window.pwned=10</script>"
    });
    let link = fragment_of(
        json!({"view": view, "design": hostile_design()})
            .to_string()
            .as_bytes(),
    )?;
    session.goto(&format!("{base_url}#{link}"))?;
    session.wait_for_text("nav", "vnet-<u>x</u>")?;
    session.wait_for_text("main", "vnet-<u>x</u>")?;
    nothing_injected(session, "a link's design and view, opened on start")?;
    session.screenshot(&artifact("hostile-link.png"))?;
    // The design is kept under its title, markup and all, shown as text in the list of saved designs.
    session.click(&session.find("[data-testid=my-designs]")?)?;
    session.wait_for_text(
        "[data-testid=designs-dialog]",
        "<script>window.pwned=1</script>",
    )?;
    nothing_injected(session, "the saved designs' names")?;
    session.screenshot(&artifact("hostile-link-designs.png"))?;

    // On hashchange, a link whose view selects a VNet by an id that is all markup, over the example.
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.wait_for_text("nav", "vnet-hub")?;
    let markup = json!({"view": {"selected": {"kind": "vnet", "id": "<img src=x onerror=window.pwned=11>"},
                                 "panel": "diagnostics"},
                        "design": hostile_design()});
    set_hash(session, &fragment_of(markup.to_string().as_bytes())?)?;
    session.wait_for_text("nav", "vnet-<u>x</u>")?;
    for tab in [
        "intents",
        "membership",
        "topology",
        "rules",
        "matrix",
        "diagnostics",
    ] {
        if let Some(tab) = session.try_find(&format!("[data-testid=tab-{tab}]"))? {
            session.click(&tab)?;
        }
    }
    nothing_injected(session, "a link opened on hashchange")?;
    // A fragment that is markup, not a link: the page ignores it.
    set_hash(session, "<img src=x onerror=window.pwned=12>")?;
    set_hash(session, "v1.<script>window.pwned=13</script>")?;
    refused(session, "is not a link character")?;
    nothing_injected(session, "a fragment of markup")?;
    Ok(())
}

/// A copy of a `tests/data/storage/` fixture: what an older version of the playground wrote into `localStorage`.
fn storage_fixture(name: &str) -> Result<String, String> {
    let path = workspace_root().join("web/tests/data/storage").join(name);
    fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Empties the page's storage (`localStorage` and IndexedDB), writes `items` into `localStorage` as they are, and
/// reloads the page.
fn start_with_storage(
    session: &mut Session,
    base_url: &str,
    items: &[(&str, String)],
) -> Result<(), String> {
    session.goto(base_url)?;
    session.find("[data-testid=app-title]")?;
    let pairs: Vec<Value> = items.iter().map(|(k, v)| json!([k, v])).collect();
    // Older versions kept nothing in IndexedDB: its database (with this version's autosave journal) goes too.
    session.execute(
        "localStorage.clear(); indexedDB.deleteDatabase('avnm-playground');\
         for (const [k, v] of arguments[0]) localStorage.setItem(k, v);",
        &[Value::Array(pairs)],
    )?;
    session.goto(base_url)?;
    session.find("[data-testid=app-title]")?;
    Ok(())
}

/// What older versions of the playground kept in `localStorage` still opens (fixtures in `web/tests/data/storage/`):
/// the single design of the first playground (`avnm-playground.design`, a JSON string of the document), and the
/// index of saved designs with a design and its undo history as the current version writes them.
pub fn older_storage_still_opens(session: &mut Session, base_url: &str) -> Result<(), String> {
    // The first playground (commits 8317a62 to 66795a8) kept one design, the example it started with, edited:
    // `vnet-legacy-kept` added.
    let legacy = storage_fixture("v0-avnm-playground.design.txt")?;
    start_with_storage(
        session,
        base_url,
        &[("avnm-playground.design", legacy.trim_end().to_owned())],
    )?;
    session.wait_for_text("nav", "vnet-legacy-kept")?;
    session.wait_for_text("nav", "vnet-hub")?;
    session.screenshot(&artifact("older-storage-v0.png"))?;
    let moved = session.execute(
        "return [localStorage.getItem('avnm-playground.design'), JSON.parse(localStorage.getItem('avnm-playground.designs')).designs.length]",
        &[],
    )?;
    ensure(
        moved == json!([null, 1]),
        format!("the older design moves into the index of saved designs: {moved}"),
    )?;

    // The index of saved designs (66795a8 onwards): two designs, the second on screen with two undo steps and
    // one redo step kept.
    start_with_storage(
        session,
        base_url,
        &[
            (
                "avnm-playground.designs",
                storage_fixture("v1-avnm-playground.designs.json")?
                    .trim_end()
                    .to_owned(),
            ),
            (
                "avnm-playground.design.1",
                storage_fixture("v1-avnm-playground.design.1.json")?,
            ),
            (
                "avnm-playground.design.2",
                storage_fixture("v1-avnm-playground.design.2.json")?,
            ),
            (
                "avnm-playground.history.2",
                storage_fixture("v1-avnm-playground.history.2.txt")?,
            ),
        ],
    )?;
    session.wait_for_text("nav", "vnet-step-2")?;
    session.click(&session.find("[data-testid=undo]")?)?;
    session.wait_for_text("nav", "vnet-step-1")?;
    session.click(&session.find("[data-testid=undo]")?)?;
    session.wait_for_text("nav", "vnet-step-0")?;
    session.click(&session.find("[data-testid=redo]")?)?;
    session.click(&session.find("[data-testid=redo]")?)?;
    session.click(&session.find("[data-testid=redo]")?)?;
    session.wait_for_text("nav", "vnet-step-3")?;
    session.click(&session.find("[data-testid=my-designs]")?)?;
    session.wait_for_text("[data-testid=designs-dialog]", "Kept by an older version")?;
    session.wait_for_text("[data-testid=designs-dialog]", "Steps")?;
    session.screenshot(&artifact("older-storage-v1.png"))?;
    Ok(())
}

/// A store with no room (`localStorage` refuses texts over 5,000 characters, IndexedDB refuses to open): an edit
/// of the design says, in the notice, that the design could not be kept and to export it.
pub fn a_full_store_says_so(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.wait_for_text("nav", "vnet-hub")?;
    session.execute(
        "const set = Storage.prototype.setItem;\
         Storage.prototype.setItem = function (k, v) {\
           if (String(v).length > 5000) throw new DOMException('the quota has been exceeded', 'QuotaExceededError');\
           return set.call(this, k, v);\
         };\
         IDBFactory.prototype.open = function () { throw new DOMException('no room left', 'QuotaExceededError'); };",
        &[],
    )?;
    type_into(session, "[data-testid=add-name]", "vnet-not-kept")?;
    session.click(&session.find("[data-testid=add-submit]")?)?;
    session.wait_for_text("nav", "vnet-not-kept")?;
    let said = wait_long(
        session,
        "[data-testid=notice]",
        &["could not be kept in this browser", "export it"],
        10,
    )?;
    eprintln!("xtask: e2e: a full store: {said:?}");
    session.screenshot(&artifact("full-store.png"))?;
    Ok(())
}

/// Edits a design, then kills the browser with SIGKILL (no unload, no clean exit) as soon as the page has written
/// the edit, and starts a new one on the same profile: the design with its edit is there, again after a reload.
/// Then the same with a design too large for `localStorage` (20 MB: kept in IndexedDB in pieces, handed to it in
/// three batches of one transaction, `web/src/platform.rs`'s `BATCH_BYTES` being 8 MiB).
///
/// Chromium writes `localStorage` to disk seconds after a change, so the page also writes each autosave to
/// IndexedDB at once (its journal, `web/src/library.rs`); the kill comes once the journal holds the edit.
pub fn autosave_survives_a_killed_browser(flow: &Flow) -> Result<(), String> {
    let base_url = flow.base_url;
    let mut first = flow.session()?;
    load_example(&mut first, base_url, "hub-spoke-guardrails")?;
    type_into(&mut first, "[data-testid=add-name]", "vnet-survivor")?;
    first.click(&first.find("[data-testid=add-submit]")?)?;
    first.wait_for_text("nav", "vnet-survivor")?;
    journal_holds(&mut first, "vnet-survivor")?;
    own_origin_only(&first, base_url)?;
    flow.kill(first)?;

    let mut second = flow.session()?;
    second
        .goto(base_url)
        .map_err(|e| format!("first restart: {e}"))?;
    let kept = wait_long(&mut second, "nav", &["vnet-survivor"], 10);
    if kept.is_err() {
        second.screenshot(&artifact("killed-browser-failure.png"))?;
    }
    kept?;
    let notice = text_of(&mut second, "body")?;
    eprintln!(
        "xtask: e2e: after SIGKILL the edit is there{}",
        if notice.contains("were recovered") {
            ", recovered from the journal (localStorage had not written it)"
        } else {
            ", from localStorage"
        }
    );
    second.screenshot(&artifact("killed-browser.png"))?;
    second
        .goto(base_url)
        .map_err(|e| format!("first reload: {e}"))?;
    second.wait_for_text("nav", "vnet-survivor")?;

    // A design of 20 MB: past `localStorage`'s 5 MiB, kept in IndexedDB, its pieces handed over in batches.
    let big = big_design(20_000_000);
    let last = "vnet-big-last";
    second.click(&second.find("[data-testid='nav-Document (JSON)']")?)?;
    type_into(&mut second, "[data-testid=json-editor]", &big)?;
    second.click(&second.find("[data-testid=json-apply]")?)?;
    find_in_navigator(&mut second, last, "applied")?;
    journal_holds(&mut second, last)?;
    own_origin_only(&second, base_url)?;
    // Killed at once: `localStorage` may have written the index but not yet the pointer to IndexedDB (the text is
    // written there after the journal); the index says the design changed only once its text is kept.
    flow.kill(second)?;

    let mut third = flow.session()?;
    third
        .goto(base_url)
        .map_err(|e| format!("second restart: {e}"))?;
    find_in_navigator(&mut third, last, "restarted")?;
    third.screenshot(&artifact("killed-browser-big.png"))?;
    // Kept in IndexedDB, it survives a reload too.
    third
        .goto(base_url)
        .map_err(|e| format!("second reload: {e}"))?;
    find_in_navigator(&mut third, last, "reloaded")?;
    own_origin_only(&third, base_url)?;
    third.delete()?;
    Ok(())
}

/// Finds a VNet of a design too large to list whole (the navigator groups thousands of VNets by kind, with a
/// filter), as a user would: waits up to 30 s for the filter, types the name, and waits for the VNet.
fn find_in_navigator(session: &mut Session, name: &str, when: &str) -> Result<(), String> {
    let found = wait_long(session, "nav", &["Virtual networks"], 30)
        .and_then(|_| type_into(session, "[data-testid=nav-filter]", name))
        .and_then(|()| wait_long(session, "nav", &[name], 30));
    if found.is_err() {
        session.screenshot(&artifact(&format!("killed-browser-{when}-failure.png")))?;
    }
    found.map(drop).map_err(|e| format!("{when}: {e}"))
}

/// Polls for up to 30 s until the page's journal in IndexedDB holds `needle` (read with the page's own
/// IndexedDB, as the next start reads it): in its record, or, for a design kept in pieces (the record then ends in
/// `@pieces`), in the design's pieces written in the same transaction.
fn journal_holds(session: &mut Session, needle: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        session.execute(
            "const needle = arguments[0]; window.journalHolds = undefined;\
             const open = indexedDB.open('avnm-playground');\
             open.onsuccess = () => { try {\
               const store = open.result.transaction('texts').objectStore('texts');\
               const get = store.get('avnm-playground.journal');\
               get.onsuccess = () => {\
                 const [id, , text] = String(get.result || '').split('\\u001e');\
                 if (text !== '@pieces') { window.journalHolds = String(text).includes(needle); open.result.close(); return; }\
                 const key = 'avnm-playground.design.' + id;\
                 const pieces = store.getAll(IDBKeyRange.bound(key + '#000000', key + '#~'));\
                 pieces.onsuccess = () => { window.journalHolds = pieces.result.join('').includes(needle); open.result.close(); };\
               };\
             } catch (e) { window.journalHolds = false; } };",
            &[needle.into()],
        )?;
        std::thread::sleep(Duration::from_millis(200));
        if session.execute("return window.journalHolds === true", &[])? == Value::Bool(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("after 30 s the journal does not hold `{needle}`"));
        }
    }
}

/// A design of about `bytes` bytes of JSON text: VNets `vnet-big-<n>`, the last `vnet-big-last`.
fn big_design(bytes: usize) -> String {
    design_of(bytes, "vnet-big", "x")
}

/// A design of about `bytes` bytes of JSON text: VNets `<stem>-<n>`, each with a note of 200 times `note`, the
/// last `<stem>-last`.
/// How many resources a scenario document's text lists (none when it is not one).
fn resources_in(text: &str) -> usize {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|d| d.get("resources")?.as_array().map(Vec::len))
        .unwrap_or_default()
}

fn design_of(bytes: usize, stem: &str, note: &str) -> String {
    let rg = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-big/providers/Microsoft.Network";
    let mut resources = Vec::new();
    let mut size = 0;
    let mut n = 0u32;
    while size < bytes {
        let name = format!("{stem}-{n}");
        let vnet = json!({
            "id": format!("{rg}/virtualNetworks/{name}"), "name": name,
            "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
            "tags": {"note": note.repeat(200)},
            "properties": {"addressSpace": {"addressPrefixes": [format!("10.{}.{}.0/24", n / 256 % 256, n % 256)]}}
        });
        size += vnet.to_string().len();
        resources.push(vnet);
        n += 1;
    }
    let last = format!("{stem}-last");
    resources.push(json!({
        "id": format!("{rg}/virtualNetworks/{last}"), "name": last,
        "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
        "properties": {"addressSpace": {"addressPrefixes": ["172.16.0.0/16"]}}
    }));
    json!({"title": "A big design", "resources": resources}).to_string()
}

/// A lesson with HTML and script in its Markdown, served next to the shipped lessons for this flow and opened by
/// its URL (`?lesson=<id>`, the one way the playground opens a lesson file): the markup shows as text, no link
/// goes to `javascript:`, nothing runs. A lesson id that is markup opens nothing.
pub fn hostile_lesson_stays_text(flow: &Flow) -> Result<(), String> {
    let id = "hostile-e2e";
    let lessons = flow.dist.join("static/lessons");
    let path = lessons.join(format!("{id}.json"));
    let mut lesson = read_json("static/lessons/network-groups.json")?;
    let hostile = "# <script>window.pwned=1</script> heading\n\n\
        <img src=x onerror=window.pwned=2>\n\n\
        A [link](javascript:window.pwned=3) and [another](JaVaScRiPt:window.pwned=4) and \
        ![picture](x\" onerror=\"window.pwned=5) and <a href=\"javascript:window.pwned=6\">raw</a>.\n\n\
        <iframe src=\"javascript:window.pwned=7\"></iframe>\n\n\
        `<svg onload=window.pwned=8>` and **<u>bold</u>** and <marquee>moving</marquee>";
    let top = lesson.as_object_mut().ok_or("a lesson is an object")?;
    top.insert("id".to_owned(), json!(id));
    top.insert(
        "title".to_owned(),
        json!("<script>window.pwned=9</script> title"),
    );
    top.insert(
        "summary".to_owned(),
        json!("<img src=x onerror=window.pwned=10>"),
    );
    if let Some(step) = lesson
        .pointer_mut("/steps/0")
        .and_then(Value::as_object_mut)
    {
        step.insert(
            "title".to_owned(),
            json!("<iframe src=javascript:window.pwned=11></iframe>"),
        );
        step.insert("text".to_owned(), json!(hostile));
    }
    if let Some(goal) = lesson.pointer_mut("/steps/0/exercises/0/goal") {
        *goal = json!(hostile);
    }
    if let Some(hints) = lesson.pointer_mut("/steps/0/exercises/0/hints") {
        *hints = json!([hostile]);
    }
    fs::write(&path, lesson.to_string())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    struct Remove(PathBuf);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = fs::remove_file(&self.0);
        }
    }
    let _remove = Remove(path);

    let mut session = flow.session()?;
    session.goto(&format!("{}?lesson={id}", flow.base_url))?;
    session.wait_for_text("[data-testid=lesson-progress]", "Step 1 of")?;
    session.wait_for_text("body", "<script>window.pwned=1</script> heading")?;
    session.wait_for_text("body", "<img src=x onerror=window.pwned=2>")?;
    session.wait_for_text("body", "<svg onload=window.pwned=8>")?;
    session.click(&session.find("[data-testid=exercise-0-hint]")?)?;
    session.wait_for_text("[data-testid=exercise-0-hint-0]", "<marquee>")?;
    nothing_injected(&mut session, "a lesson's Markdown")?;
    let links = session.execute(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))",
        &[],
    )?;
    let scripted: Vec<&str> = links
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|href| {
            let href = href.trim().to_lowercase();
            !(href.starts_with("http:")
                || href.starts_with("https:")
                || href.starts_with('#')
                || href.starts_with('?')
                || !href.contains(':'))
        })
        .collect();
    ensure(
        scripted.is_empty(),
        format!("links other than http(s) or relative: {scripted:?}"),
    )?;
    session.screenshot(&artifact("hostile-lesson.png"))?;

    // A lesson id that is markup is not a lesson id (lowercase letters, digits and dashes): the page opens without a
    // lesson, as for any query it does not understand, and nothing of the id reaches it.
    let markup = "<img src=x onerror=window.pwned=12>";
    let encoded: String = markup
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    session.goto(&format!("{}?lesson={encoded}", flow.base_url))?;
    session.find("[data-testid=app-title]")?;
    session.find("nav")?;
    ensure(
        session.try_find("[data-testid=lesson]")?.is_none(),
        "a markup id opens no lesson",
    )?;
    nothing_injected(&mut session, "a lesson id")?;
    own_origin_only(&session, flow.base_url)?;
    session.delete()?;
    Ok(())
}
