//! The playground page under load: the served release bundle (`dist/`) in headless Chromium, driven over
//! WebDriver as a user would: import a tier's file, edit, open every result panel.
//!
//! For each of these actions the page reports its **longest main-thread task**: a `PerformanceObserver` for
//! `longtask` entries (tasks of 50 ms or more) is installed in the page by [`HARNESS`] before the first action, and
//! [`measure`] arms it, acts, waits for what the action shows, then lets the page settle ([`SETTLE`]: no DOM
//! change and no busy main thread for [`QUIET_MS`]). It also says when the page last changed or ended a long
//! task after the action ("settled after"): when the result was on screen.
//!
//! A step that takes longer than `--timeout` is given up ("did not finish in N s") and the tier's later steps are
//! not run, since the page is still busy. The first page of the first tier also gives the transfer size: every
//! file the page requested until it was idle, gzipped ([`Transfer`]).
//!
//! The steps rely on the page's `data-testid`s (`import`, `nav-rc-baseline`, `rule-0-access`, `tab-…` and one
//! element of each panel, [`PANELS`]); a page that changes them makes the step fail with the selector it missed.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Options;
use super::wasm::why;
use crate::browser::Browser;
use crate::cmd::Cmd;
use crate::dist::{gzip_len, kib, target_dir};
use crate::error::{Error, io, shown};
use crate::serve::{Background, request_path};
use crate::webdriver::Session;

/// How long the page must stay unchanged, with a free main thread, to count as settled.
const QUIET_MS: u64 = 500;

/// A page that has not changed for this long without showing what an action should show has failed (a page
/// whose `data-testid`s changed, say), rather than being slow.
const GIVE_UP_QUIET_MS: f64 = 10_000.0;

/// What [`measure`] polls while it waits: when the armed condition held (or null), the page's first uncaught
/// error (or null), and how long the page has not changed (ms). A poll that comes a second or more after the
/// one before found the main thread busy, which counts as a change.
const POLL: &str = "const b = window.__bench; const now = performance.now(); \
    if (now - b.lastPoll >= 1000) { b.lastChange = Math.max(b.lastChange, now); } b.lastPoll = now; \
    return [b.done, b.errors[0] === undefined ? null : b.errors[0], now - b.lastChange];";

/// The budget of issue 8 for what the first page transfers, in KiB of gzip.
const TRANSFER_BUDGET_KIB: u64 = 250;

/// Each result panel: its tab's name, and a selector of something the panel shows once it is open (its
/// `data-testid`s; any of a comma-separated list).
pub const PANELS: [(&str, &str); 7] = [
    ("Intents", "[data-testid=intents]"),
    ("Membership", "[data-testid=membership]"),
    (
        "Topology",
        "[data-testid=topology-summary], [data-testid=topology-empty]",
    ),
    ("Rules", "[data-testid=rules-target]"),
    (
        "Matrix",
        "[data-testid=matrix-totals], [data-testid=matrix-too-large], [data-testid=matrix-compute]",
    ),
    ("Diagnostics", "[data-testid=diagnostics]"),
    ("Verdict", "[data-testid=verdict-from]"),
];

/// Installed in the page once: the `longtask` observer, a DOM observer that notes the last change and when an
/// armed condition (a selector whose text holds a needle) first holds, and the page's uncaught errors.
/// `arm(selector, needle)` starts a measurement and says whether the condition holds already; `report()` gives
/// the tasks (their durations, ms), the errors, when the condition held, when the page settled: its last
/// DOM change or the end of its last long task (which lays out and paints what the DOM changes asked for),
/// whichever is later (ms after arming), and the time the page's own User Timing measures (`platform::timed`:
/// parsing, importing, analysing, autosaving) took since arming, by name. Returns whether the browser gives
/// `longtask` entries.
const HARNESS: &str = r"
if (window.__bench) { return window.__bench.longtask; }
const b = window.__bench = { tasks: [], errors: [], t0: performance.now(), done: null, lastMutation: null,
  lastTask: null, lastChange: performance.now(), condition: null, longtask: false };
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const end = e.startTime + e.duration;
      if (end > b.t0) { b.tasks.push(e.duration); b.lastTask = Math.max(b.lastTask || 0, end); }
      b.lastChange = Math.max(b.lastChange, end);
    }
  }).observe({ type: 'longtask', buffered: true });
  b.longtask = PerformanceObserver.supportedEntryTypes.includes('longtask');
} catch (e) { b.longtask = false; }
window.addEventListener('error', (e) => b.errors.push(String(e.message || e.error)));
window.addEventListener('unhandledrejection', (e) => b.errors.push(String(e.reason)));
const met = () => {
  if (b.condition === null) { return false; }
  const e = document.querySelector(b.condition[0]);
  return e !== null && (e.textContent || '').includes(b.condition[1]);
};
new MutationObserver(() => {
  const now = performance.now();
  b.lastMutation = now;
  b.lastChange = Math.max(b.lastChange, now);
  if (b.done === null && met()) { b.done = now - b.t0; }
}).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
b.arm = (selector, needle) => {
  b.condition = selector === null ? null : [selector, needle];
  const already = met();
  b.tasks = []; b.errors = []; b.done = null; b.lastMutation = null; b.lastTask = null;
  b.t0 = performance.now(); b.lastChange = b.t0; b.lastPoll = b.t0;
  return already;
};
b.report = () => {
  const spent = {};
  for (const e of performance.getEntriesByType('measure')) {
    if (e.startTime >= b.t0) { spent[e.name] = (spent[e.name] || 0) + e.duration; }
  }
  return { tasks: b.tasks, errors: b.errors, done: b.done, spent,
    settled: Math.max(b.lastMutation || b.t0, b.lastTask || b.t0) - b.t0 };
};
return b.longtask;
";

/// Waits (asynchronously) until the page has not changed and its main thread has not been busy for
/// `arguments[0]` ms, or `arguments[1]` ms have passed, and returns the harness's report with `quiet` saying
/// which. A timer that fires late means the main thread was busy, which counts as a change: the `longtask`
/// entry of that task may not have been delivered yet.
const SETTLE: &str = r"
const [quiet, limit] = arguments;
const done = arguments[arguments.length - 1];
const b = window.__bench;
const start = performance.now();
let last = start;
const tick = () => {
  const now = performance.now();
  if (now - last > 100) { b.lastChange = Math.max(b.lastChange, now); }
  last = now;
  if (now - b.lastChange >= quiet || now - start >= limit) {
    const report = b.report();
    report.quiet = now - b.lastChange >= quiet;
    done(report);
  } else {
    setTimeout(tick, 20);
  }
};
setTimeout(tick, 20);
";

/// Sets a select to the other of `Allow` and `Deny`, as a user choosing it does, and returns the new value.
const TOGGLE_ACCESS: &str = r"
const e = document.querySelector(arguments[0]);
const next = e.value === 'Allow' ? 'Deny' : 'Allow';
e.value = next;
e.dispatchEvent(new Event('change', { bubbles: true }));
return next;
";

/// What one measured action gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The action finished and the page settled.
    Done {
        /// The durations of the main-thread tasks of 50 ms or more, ms.
        tasks: Vec<f64>,
        /// When what the action waits for (the import's "Loaded", the edited value, the panel) was first on the
        /// page, ms after the action started.
        shown_ms: Option<f64>,
        /// When the page last changed, ms after the action started.
        settled_ms: f64,
        /// Whether the browser gives `longtask` entries at all (without them, `tasks` is empty for want of them).
        longtask: bool,
        /// The time the page's own measures took during the action, ms, by name, longest first.
        spent: Vec<(String, f64)>,
    },
    /// The action did not finish in this many seconds.
    TimedOut(u64),
    /// The action failed: the page threw, crashed, or did not have what the step looks for.
    Failed(String),
    /// Not run, for this reason (an earlier step of the tier did not finish).
    NotRun(String),
}

/// One row of the page table.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// `T1`, `T2`...
    pub tier: String,
    /// What was done, as the table says it.
    pub action: String,
    /// What it gave.
    pub outcome: Outcome,
}

/// What the first page transferred: each file it requested, with its size raw and gzipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// Path in `dist/`, raw bytes, gzip -9 bytes.
    pub files: Vec<(String, u64, u64)>,
}

/// Everything the page part measured.
#[derive(Debug)]
pub struct Report {
    /// The transfer size, or why it is missing.
    pub transfer: Result<Transfer, String>,
    /// The actions of every tier.
    pub measures: Vec<Measure>,
}

/// Writes each tier's design under `target/bench/`, serves `dist`, and measures the page with each tier.
pub fn run(
    browser: &Browser,
    driver: &crate::webdriver::ChromeDriver,
    dist: &Path,
    options: &Options,
) -> Result<Report, Error> {
    let server = Background::start(dist)?;
    let mut report = Report {
        transfer: Err("not measured".to_owned()),
        measures: Vec::new(),
    };
    for (k, tier) in options.tiers.iter().enumerate() {
        let file = write_design(tier)?;
        eprintln!("xtask: bench: the playground page with {tier}");
        let label = tier.to_uppercase();
        let ready = "return document.querySelector('[data-testid=app-title]') !== null";
        let (session, profile) = match super::open_session(
            browser,
            driver,
            &format!("page-{tier}"),
            (server.url(), ready),
            options.timeout,
        ) {
            Ok(opened) => opened,
            Err(why) => {
                report.measures.push(Measure {
                    tier: label,
                    action: "open the page".to_owned(),
                    outcome: Outcome::Failed(why),
                });
                let _ = fs::remove_file(&file);
                continue;
            }
        };
        let mut measures = Vec::new();
        let outcome = tier_flow(
            &session,
            server.url(),
            &file,
            options.timeout,
            &mut measures,
            (k == 0).then_some(&mut report.transfer),
        );
        if let Err(why) = outcome {
            measures.push(Measure {
                tier: label.clone(),
                action: "open the page".to_owned(),
                outcome: Outcome::Failed(why),
            });
        }
        report
            .measures
            .extend(measures.into_iter().map(|m| Measure {
                tier: label.clone(),
                ..m
            }));
        let _ = session.delete();
        let _ = fs::remove_dir_all(&profile);
        // The file is regenerated in a second; T2's is 130 MB.
        let _ = fs::remove_file(&file);
    }
    Ok(report)
}

/// Writes the design of `tier` to `target/bench/<tier>.json` with the native generator.
fn write_design(tier: &str) -> Result<PathBuf, Error> {
    let text = Cmd::cargo(&[
        "run",
        "--release",
        "--quiet",
        "-p",
        "avnm-gen",
        "--bin",
        "avnm-gen",
        "--",
        tier,
    ])
    .read()?;
    let path = target_dir().join("bench").join(format!("{tier}.json"));
    fs::write(&path, text).map_err(io(format!("write {}", shown(&path))))?;
    Ok(path)
}

/// Opens the page and measures import, edit and the panels with one tier, pushing a [`Measure`] per step (the
/// tier is filled in by the caller); the transfer size too, when asked. Fails only when the page does not open.
fn tier_flow(
    session: &Session,
    base_url: &str,
    file: &Path,
    timeout: Duration,
    out: &mut Vec<Measure>,
    transfer: Option<&mut Result<Transfer, String>>,
) -> Result<(), String> {
    if let Some(transfer) = transfer {
        *transfer = first_page(session, base_url);
    }
    let longtask = session
        .execute(HARNESS, &[])
        .map_err(|e| e.to_string())?
        .as_bool()
        .unwrap_or(false);
    if !longtask {
        eprintln!(
            "xtask: bench: this Chromium gives no `longtask` entries; the longest task is not measured"
        );
    }

    let size = fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let mut steps: Vec<(String, Step)> = vec![(
        format!("import the design ({:.1} MB file)", size as f64 / 1e6),
        Step::Import(file.to_owned()),
    )];
    steps.push((
        "edit: an admin rule's access (`rc-baseline`)".to_owned(),
        Step::Edit,
    ));
    // The second edit is the one a user makes from then on: on a large design the undo history, full, lets its
    // oldest design go (freed during the edit).
    steps.push(("edit: the same access back".to_owned(), Step::Edit));
    for (name, selector) in PANELS {
        steps.push((format!("open {name}"), Step::Panel(name, selector)));
    }
    let mut stopped: Option<String> = None;
    for (action, step) in steps {
        if let Some(reason) = &stopped {
            out.push(Measure {
                tier: String::new(),
                action,
                outcome: Outcome::NotRun(reason.clone()),
            });
            continue;
        }
        let outcome = run_step(session, &step, timeout, longtask);
        match &outcome {
            Outcome::TimedOut(_) => stopped = Some("the page was still busy".to_owned()),
            Outcome::Failed(_) if matches!(step, Step::Import(_)) => {
                stopped = Some("the import failed".to_owned());
            }
            Outcome::Failed(why) if why.contains("crashed") => {
                stopped = Some("the page crashed".to_owned());
            }
            _ => {}
        }
        out.push(Measure {
            tier: String::new(),
            action,
            outcome,
        });
    }
    Ok(())
}

/// A step of the flow.
#[derive(Debug)]
enum Step {
    /// The header's file input gets the tier's file: it imports and loads at once, and opens the report.
    Import(PathBuf),
    /// In the editor of the `rc-baseline` admin rule collection (opened first, not measured), the first rule's
    /// access goes from Deny to Allow (or back).
    Edit,
    /// A result panel's tab is clicked.
    Panel(&'static str, &'static str),
}

/// Runs one step: what it needs first (not measured), then the measured action.
fn run_step(session: &Session, step: &Step, timeout: Duration, longtask: bool) -> Outcome {
    let failed = |e: crate::webdriver::Error| Outcome::Failed(why(&e, timeout));
    match step {
        Step::Import(file) => {
            let input = match session.find("[data-testid=import]") {
                Ok(input) => input,
                Err(e) => return failed(e),
            };
            let path = file.to_string_lossy().into_owned();
            let outcome = measure(
                session,
                Some(("[data-testid=import-status]", "Loaded")),
                (timeout, longtask),
                || session.send_keys(&input, &path).map(drop),
            );
            // The report dialog stays open after the import; close it for the next steps.
            if matches!(outcome, Outcome::Done { .. })
                && let Ok(Some(close)) = session.try_find("[data-testid=import-dialog-close]")
            {
                let _ = session.click(&close);
                let _ = settle(session, timeout);
            }
            outcome
        }
        Step::Edit => {
            let open = session
                .find("[data-testid=nav-rc-baseline]")
                .and_then(|nav| session.click(&nav))
                .and_then(|()| session.find("[data-testid=rule-0-access]"));
            if let Err(e) = open {
                return failed(e);
            }
            if let Err(e) = settle(session, timeout) {
                return failed(e);
            }
            measure(session, None, (timeout, longtask), || {
                session
                    .execute(TOGGLE_ACCESS, &["[data-testid=rule-0-access]".into()])
                    .map(drop)
            })
        }
        Step::Panel(name, selector) => {
            let tab = match session.find(&format!("[data-testid=tab-{}]", name.to_lowercase())) {
                Ok(tab) => tab,
                Err(e) => return failed(e),
            };
            measure(session, Some((selector, "")), (timeout, longtask), || {
                session.click(&tab)
            })
        }
    }
}

/// Lets the page settle after something not measured.
fn settle(session: &Session, timeout: Duration) -> Result<Value, crate::webdriver::Error> {
    let limit = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
    session.execute_async(SETTLE, &[QUIET_MS.into(), limit.into()])
}

/// Arms the harness (with the condition that says the action's result is shown, if any), acts, waits for the
/// condition, then for the page to settle, all within `timeout`; `longtask` says whether the page gives
/// `longtask` entries.
fn measure(
    session: &Session,
    condition: Option<(&str, &str)>,
    (timeout, longtask): (Duration, bool),
    act: impl FnOnce() -> Result<(), crate::webdriver::Error>,
) -> Outcome {
    let start = Instant::now();
    // While the page's main thread is busy, chromedriver's commands wait for it and may give up with a timeout
    // of their own before ours: such a command is sent again until our time is up.
    let patiently = |command: &mut dyn FnMut() -> Result<Value, crate::webdriver::Error>| loop {
        match command() {
            Err(e) if is_timeout(&e) && start.elapsed() < timeout => {
                eprintln!("xtask: bench: the page is busy ({e}); asking again");
            }
            other => return other,
        }
    };
    let outcome = (|| {
        let (selector, needle) = condition.map_or((Value::Null, ""), |(s, n)| (s.into(), n));
        let already = session.execute(
            "return window.__bench.arm(arguments[0], arguments[1]);",
            &[selector.clone(), needle.into()],
        )?;
        if already == Value::Bool(true) {
            return Ok(Outcome::Failed(format!(
                "{selector} shows `{needle}` before the action, so its end cannot be told"
            )));
        }
        act()?;
        if condition.is_some() {
            loop {
                let state = patiently(&mut || session.execute(POLL, &[]))?;
                if let Some(error) = state.get(1).and_then(Value::as_str) {
                    return Ok(Outcome::Failed(format!("the page threw `{error}`")));
                }
                if state.get(0).is_some_and(Value::is_number) {
                    break;
                }
                if state.get(2).and_then(Value::as_f64).unwrap_or(0.0) >= GIVE_UP_QUIET_MS {
                    return Ok(Outcome::Failed(format!(
                        "the page stood still for {} s without showing `{needle}` in {selector}",
                        GIVE_UP_QUIET_MS / 1000.0
                    )));
                }
                if start.elapsed() >= timeout {
                    return Ok(Outcome::TimedOut(timeout.as_secs()));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let report = patiently(&mut || {
            let left = timeout
                .saturating_sub(start.elapsed())
                .max(Duration::from_secs(1));
            settle(session, left)
        })?;
        Ok(read_report(&report, timeout, longtask))
    })();
    match outcome {
        Ok(outcome) => outcome,
        Err(e) if is_timeout(&e) => Outcome::TimedOut(timeout.as_secs()),
        Err(e) => Outcome::Failed(why(&e, timeout)),
    }
}

/// Whether a WebDriver command failed for want of time (ours, or chromedriver's waiting for a busy page).
fn is_timeout(error: &crate::webdriver::Error) -> bool {
    let text = error.to_string().to_ascii_lowercase();
    text.contains("timeout") || text.contains("timed out")
}

/// The outcome the harness's report says.
fn read_report(report: &Value, timeout: Duration, longtask: bool) -> Outcome {
    if let Some(error) = report
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|errors| errors.first())
    {
        return Outcome::Failed(format!(
            "the page threw `{}`",
            error.as_str().unwrap_or_default()
        ));
    }
    if report.get("quiet") == Some(&Value::Bool(false)) {
        return Outcome::TimedOut(timeout.as_secs());
    }
    let tasks = report
        .get("tasks")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    let mut spent: Vec<(String, f64)> = report
        .get("spent")
        .and_then(Value::as_object)
        .map(|spent| {
            spent
                .iter()
                .filter_map(|(name, ms)| Some((name.clone(), ms.as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    spent.sort_by(|a, b| b.1.total_cmp(&a.1));
    Outcome::Done {
        tasks,
        shown_ms: report.get("done").and_then(Value::as_f64),
        settled_ms: report.get("settled").and_then(Value::as_f64).unwrap_or(0.0),
        longtask,
        spent,
    }
}

/// Waits until the first page requests nothing more (its resource list unchanged for a second, 15 s at
/// most), then sizes every file it requested.
fn first_page(session: &Session, base_url: &str) -> Result<Transfer, String> {
    let script =
        "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name));";
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut seen = Value::Null;
    let mut still_since = Instant::now();
    loop {
        let now = session.execute(script, &[]).map_err(|e| e.to_string())?;
        if now != seen {
            seen = now;
            still_since = Instant::now();
        } else if still_since.elapsed() >= Duration::from_secs(1) || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let urls: Vec<&str> = seen
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    transfer_of(&urls, base_url, &crate::dist::dist_dir())
}

/// The files of `dist` behind the URLs the page requested (its own origin's; `data:` and the like are no
/// transfer), each once, with their raw and gzip -9 sizes.
pub fn transfer_of(urls: &[&str], base_url: &str, dist: &Path) -> Result<Transfer, String> {
    let origin = base_url.trim_end_matches('/');
    let mut files: Vec<(String, u64, u64)> = Vec::new();
    for url in urls {
        let Some(target) = url.strip_prefix(origin) else {
            continue;
        };
        let target = if target.is_empty() { "/" } else { target };
        let relative = request_path(target).ok_or_else(|| format!("the page requested `{url}`"))?;
        let name = relative.to_string_lossy().replace('\\', "/");
        if files.iter().any(|(n, _, _)| *n == name) {
            continue;
        }
        let path = dist.join(&relative);
        let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", shown(&path)))?;
        let gzip = gzip_len(&bytes).map_err(|e| format!("cannot gzip {}: {e}", shown(&path)))?;
        files.push((name, bytes.len() as u64, gzip));
    }
    Ok(Transfer { files })
}

impl Transfer {
    /// The one line of the report: the total gzip against the budget, and each file.
    pub fn line(&self) -> String {
        let raw: u64 = self.files.iter().map(|f| f.1).sum();
        let gzip: u64 = self.files.iter().map(|f| f.2).sum();
        let verdict = if gzip <= TRANSFER_BUDGET_KIB * 1024 {
            "within"
        } else {
            "over"
        };
        let each: Vec<String> = self
            .files
            .iter()
            .map(|(name, _, gz)| format!("{name} {}", kib(*gz)))
            .collect();
        format!(
            "first page: {} files, {} gzip -9 ({} raw), {verdict} the budget of {TRANSFER_BUDGET_KIB} KiB: {}",
            self.files.len(),
            kib(gzip),
            kib(raw),
            each.join(", ")
        )
    }
}

impl Report {
    /// The page table and the transfer line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Playground page (served release bundle, headless Chromium; longest main-thread task from `longtask` \
             entries, which only tasks of 50 ms or more make; on screen: when what the action waits for was first on \
             the page; settled: the end of the last DOM change or long task)"
        );
        let _ = writeln!(
            out,
            "| tier | {:<48} | {:>16} | {:>13} | {:>16} | {:>16} |",
            "action", "longest task ms", "tasks ≥ 50 ms", "on screen after ms", "settled after ms"
        );
        let _ = writeln!(
            out,
            "|------|{:-<50}|{:->18}|{:->15}|{:->18}|{:->18}|",
            "", "", "", "", ""
        );
        for m in &self.measures {
            let (longest, count, shown, settled) = match &m.outcome {
                Outcome::Done {
                    tasks,
                    shown_ms,
                    settled_ms,
                    longtask,
                    ..
                } => (
                    match tasks.iter().copied().reduce(f64::max) {
                        Some(ms) => format!("{ms:.0}"),
                        None if *longtask => "< 50".to_owned(),
                        None => "n/a".to_owned(),
                    },
                    tasks.len().to_string(),
                    shown_ms.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.0}")),
                    format!("{settled_ms:.0}"),
                ),
                Outcome::TimedOut(s) => (
                    format!("did not finish in {s} s"),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
                Outcome::Failed(why) => (
                    format!("failed: {why}"),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
                Outcome::NotRun(why) => (
                    format!("not run: {why}"),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
            };
            let _ = writeln!(
                out,
                "| {:<4} | {:<48} | {longest:>16} | {count:>13} | {shown:>18} | {settled:>16} |",
                m.tier, m.action
            );
        }
        let spent: Vec<String> = self
            .measures
            .iter()
            .filter_map(|m| match &m.outcome {
                Outcome::Done { spent, .. } if !spent.is_empty() => Some(format!(
                    "- {} {}: {}",
                    m.tier,
                    m.action,
                    spent
                        .iter()
                        .map(|(name, ms)| format!("{name} {ms:.0} ms"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                _ => None,
            })
            .collect();
        if !spent.is_empty() {
            let _ = writeln!(
                out,
                "\nWhere the time went (the page's User Timing measures during each action):\n{}",
                spent.join("\n")
            );
        }
        match &self.transfer {
            Ok(transfer) => {
                let _ = writeln!(out, "\n{}", transfer.line());
            }
            Err(why) => {
                let _ = writeln!(out, "\nfirst page: not measured: {why}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_transfer_is_every_file_of_the_own_origin_once() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-transfer-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("static")).unwrap();
        fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        fs::write(dir.join("app.wasm"), vec![0u8; 10_000]).unwrap();
        fs::write(dir.join("static/style.css"), "body{}").unwrap();
        let base = "http://127.0.0.1:4321/";
        let transfer = transfer_of(
            &[
                "http://127.0.0.1:4321/",
                "http://127.0.0.1:4321/app.wasm",
                "http://127.0.0.1:4321/static/style.css?v=2",
                "http://127.0.0.1:4321/app.wasm",
                "data:,",
            ],
            base,
            &dir,
        )
        .unwrap();
        let names: Vec<&str> = transfer.files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["index.html", "app.wasm", "static/style.css"]);
        // 10,000 zero bytes are 10,000 raw and a few dozen gzipped.
        assert_eq!(transfer.files[1].1, 10_000);
        assert!(transfer.files[1].2 < 100, "{:?}", transfer.files[1]);
        assert!(
            transfer.line().starts_with("first page: 3 files, "),
            "{}",
            transfer.line()
        );
        assert!(transfer.line().contains("within the budget of 250 KiB"));
        assert!(
            transfer_of(&["http://127.0.0.1:4321/missing.js"], base, &dir).is_err(),
            "a file the page requested must be in dist"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_table_says_what_did_not_finish() {
        let report = Report {
            transfer: Err("not measured".to_owned()),
            measures: vec![
                Measure {
                    tier: "T1".into(),
                    action: "open Membership".into(),
                    outcome: Outcome::Done {
                        tasks: vec![120.4, 75.0],
                        shown_ms: Some(95.6),
                        settled_ms: 300.2,
                        longtask: true,
                        spent: vec![("analyse".into(), 80.4), ("autosave: write".into(), 20.0)],
                    },
                },
                Measure {
                    tier: "T1".into(),
                    action: "open Topology".into(),
                    outcome: Outcome::Done {
                        tasks: vec![],
                        shown_ms: None,
                        settled_ms: 20.0,
                        longtask: true,
                        spent: vec![],
                    },
                },
                Measure {
                    tier: "T2".into(),
                    action: "import".into(),
                    outcome: Outcome::TimedOut(120),
                },
                Measure {
                    tier: "T2".into(),
                    action: "edit".into(),
                    outcome: Outcome::NotRun("the page was still busy".into()),
                },
            ],
        };
        let text = report.text();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[3].contains(
                "|              120 |             2 |                 96 |              300 |"
            ),
            "{}",
            lines[3]
        );
        assert!(
            lines[4].contains(
                "|             < 50 |             0 |                  - |               20 |"
            ),
            "{}",
            lines[4]
        );
        assert!(lines[5].contains("did not finish in 120 s"), "{}", lines[5]);
        assert!(
            lines[6].contains("not run: the page was still busy"),
            "{}",
            lines[6]
        );
        assert!(
            text.contains("\n- T1 open Membership: analyse 80 ms, autosave: write 20 ms\n"),
            "{text}"
        );
        assert!(!text.contains("- T1 open Topology"), "{text}");
        assert_eq!(
            lines.last(),
            Some(&"first page: not measured: not measured")
        );
    }

    #[test]
    fn reports_of_the_harness_are_read() {
        let timeout = Duration::from_secs(60);
        let report = json!({"tasks": [51.0, 230.5], "errors": [], "done": 12.0, "settled": 250.0, "quiet": true,
            "spent": {"load: parse": 40.5, "analyse": 120.0}});
        assert_eq!(
            read_report(&report, timeout, true),
            Outcome::Done {
                tasks: vec![51.0, 230.5],
                shown_ms: Some(12.0),
                settled_ms: 250.0,
                longtask: true,
                spent: vec![("analyse".into(), 120.0), ("load: parse".into(), 40.5)],
            }
        );
        let threw = json!({"tasks": [], "errors": ["RuntimeError: unreachable"], "settled": 0, "quiet": true});
        assert_eq!(
            read_report(&threw, timeout, true),
            Outcome::Failed("the page threw `RuntimeError: unreachable`".into())
        );
        let busy = json!({"tasks": [], "errors": [], "settled": 0, "quiet": false});
        assert_eq!(read_report(&busy, timeout, true), Outcome::TimedOut(60));
    }
}
