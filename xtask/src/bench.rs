//! `cargo xtask bench`: the engine's stages natively and as wasm, and the playground page, on the generated tiers.
//!
//! One run measures three things, each printed as it is done:
//! - **the stages** ([`STAGES`]): natively by `avnm-stages` (crate `gen/`, built in release, run as its own
//!   process: it generates each tier, runs every stage a few times and prints the median of each as one JSON
//!   line), and as wasm in headless Chromium by [`wasm`] (the same stages, the same generated text, the
//!   `web-release` profile the playground ships with, timed with `performance.now()`); one table per tier with
//!   both times, their ratio, and the geometric mean of the ratios ([`geometric_mean`]);
//! - **the page** ([`page`]): the served release bundle driven over WebDriver, importing each tier's file,
//!   editing, and opening every result panel, with the longest main-thread task of each (`longtask` entries);
//! - **the transfer size** of what the first page requests, gzipped.
//!
//! `--no-browser` keeps to the native stages, `--no-page` leaves out the page. Nothing here asserts a duration:
//! the figures are printed for the README, not checked.

mod page;
mod wasm;

use std::fmt::Write as _;
use std::time::Duration;

use crate::browser::ensure_browser;
use crate::cmd::Cmd;
use crate::dist::{Profile, WasmOpt, dist, ensure_wasm_target, target_dir};
use crate::error::{Error, io, shown};
use crate::webdriver::ChromeDriver;

/// The stages in the order the table lists them (the names `avnm-stages` prints).
pub const STAGES: [&str; 9] = [
    "parse",
    "parse: JSON tree only",
    "change: rule access",
    "membership",
    "goal state",
    "topology",
    "security index",
    "10,000 traced verdicts",
    "matrix",
];

/// The stages left out of the geometric mean and of a run's total: the part of `parse` timed on its own, and a
/// change, which is a copy of the document and a parse again (the mean is of the stages issue 8 lists).
pub const NOT_IN_THE_MEAN: [&str; 2] = ["parse: JSON tree only", "change: rule access"];

/// Stages faster than this natively are left out of the geometric mean: the browser's `performance.now()` is
/// coarsened to 0.1 ms, so their ratio would be noise.
pub const MIN_NATIVE_MS: f64 = 1.0;

/// The wasm/native geometric mean issue 8 aims at.
pub const TARGET_RATIO: f64 = 1.6;

/// The tiers `--tiers` accepts, smallest first.
pub const TIERS: [&str; 3] = ["t1", "t2", "t3"];

/// What `cargo xtask bench` was asked for.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// The tiers to measure, in [`TIERS`] order (tier 3, 50,000 VNets and 340 MB of JSON, takes minutes and a
    /// few GB of memory).
    pub tiers: Vec<String>,
    /// Runs of each stage; the median is printed.
    pub runs: usize,
    /// Time the native stages with the thread's CPU clock instead of the wall clock (a busy machine inflates
    /// wall times); the wasm stages have only the wall clock.
    pub cpu: bool,
    /// Run the stages as wasm in headless Chromium.
    pub wasm: bool,
    /// The cargo profile of the wasm stages: `web-release` (as the playground ships: optimised for size but for the
    /// engine and serde_json) unless told otherwise, to see what the profile costs.
    pub wasm_profile: String,
    /// Measure the playground page (and its transfer size).
    pub page: bool,
    /// How long one step in the browser may take (a wasm run of the stages, an import, a panel) before it is
    /// given up as "did not finish".
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tiers: vec!["t1".to_owned(), "t2".to_owned()],
            runs: 3,
            cpu: false,
            wasm: true,
            wasm_profile: "web-release".to_owned(),
            page: true,
            timeout: Duration::from_secs(120),
        }
    }
}

/// One measured stage of one tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `t1`, `t2` or `t3`.
    pub tier: String,
    /// The tier's VNets.
    pub vnets: u64,
    /// The size of the tier's document in bytes.
    pub bytes: u64,
    /// One of [`STAGES`].
    pub stage: String,
    /// Median native time, milliseconds.
    pub native_ms: f64,
    /// Median time of the same stage as wasm in headless Chromium, milliseconds, when it was measured.
    pub wasm_ms: Option<f64>,
}

/// Builds what is measured, then measures: the native stages, the wasm stages, the page.
pub fn bench(options: &Options) -> Result<(), Error> {
    let browser = if options.wasm || options.page {
        ensure_wasm_target()?;
        Some(ensure_browser()?)
    } else {
        None
    };
    // Everything is built before anything is timed, so no build runs beside a measurement of ours.
    Cmd::cargo(&["build", "--release", "-p", "avnm-gen", "--bins"]).run()?;
    let stages_page = if options.wasm {
        Some(wasm::build(&options.wasm_profile)?)
    } else {
        None
    };
    let dist_dir = if options.page {
        Some(dist(Profile::Release, WasmOpt::Run)?)
    } else {
        None
    };

    let mut rows = native_rows(options)?;
    let mut notes = Vec::new();
    let out = target_dir().join("bench");
    std::fs::create_dir_all(&out).map_err(io(format!("create {}", shown(&out))))?;
    let driver = match &browser {
        Some(browser) => Some(ChromeDriver::start_with_timeout(
            &browser.chromedriver,
            &out.join("chromedriver.log"),
            options.timeout + Duration::from_secs(60),
        )?),
        None => None,
    };
    if let (Some(browser), Some(driver), Some(dir)) = (&browser, &driver, &stages_page) {
        for (tier, outcome) in wasm::run(browser, driver, dir, options)? {
            match outcome {
                Ok(measured) => {
                    notes.extend(measured.merge_into(&tier, &mut rows));
                }
                Err(why) => notes.push(format!("{}: wasm: {why}", tier.to_uppercase())),
            }
        }
    }
    println!("{}", machine_line());
    println!(
        "median of {} runs; native: {} clock; wasm: wall clock (`performance.now()`), {}",
        options.runs,
        if options.cpu {
            "the thread's CPU"
        } else {
            "wall"
        },
        if options.wasm {
            format!("headless Chromium, profile `{}`", options.wasm_profile)
        } else {
            "not measured".to_owned()
        }
    );
    println!();
    print!("{}", table(&rows));
    for note in &notes {
        println!("{note}");
    }

    if let (Some(browser), Some(driver), Some(dir)) = (&browser, &driver, &dist_dir) {
        let report = page::run(browser, driver, dir, options)?;
        println!();
        print!("{}", report.text());
    }
    Ok(())
}

/// How long the first page may take to show what it shows first (`ready`, a script returning `true`).
const PAGE_LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// How many fresh browsers a page is tried in before it is given up.
const PAGE_TRIES: u32 = 3;

/// A browser with a fresh profile `target/bench/profiles/<name>` at `url`, once the script `ready` returns
/// `true` there; its scripts, and its commands waiting for a busy page, may take up to `timeout`.
///
/// The navigation does not wait for the page's load event (page load strategy `none`): a fresh headless
/// Chromium now and then never reports it (the end-to-end tests see it too), so `ready` says when the page is
/// there; a page that does not get ready is tried again in a new browser. The caller deletes the session, then
/// the profile.
fn open_session(
    browser: &crate::browser::Browser,
    driver: &ChromeDriver,
    name: &str,
    (url, ready): (&str, &str),
    timeout: Duration,
) -> Result<(crate::webdriver::Session, std::path::PathBuf), String> {
    let profile = target_dir().join("bench").join("profiles").join(name);
    let mut tries = 0;
    loop {
        tries += 1;
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile)
            .map_err(|e| format!("cannot create {}: {e}", shown(&profile)))?;
        let mut capabilities = crate::webdriver::chrome_capabilities(
            browser.chromium.as_deref(),
            &crate::e2e::chrome_args(&profile),
        );
        if let Some(always) = capabilities
            .pointer_mut("/capabilities/alwaysMatch")
            .and_then(serde_json::Value::as_object_mut)
        {
            always.insert("pageLoadStrategy".to_owned(), "none".into());
        }
        let session =
            crate::webdriver::Session::new(driver, &capabilities).map_err(|e| e.to_string())?;
        let opened = session
            .set_timeouts(timeout, timeout)
            .and_then(|()| session.goto(url))
            .map_err(|e| e.to_string())
            .and_then(|()| wait_until(&session, ready, PAGE_LOAD_TIMEOUT));
        match opened {
            Ok(()) => return Ok((session, profile)),
            Err(e) if tries < PAGE_TRIES => {
                eprintln!(
                    "xtask: bench: the page did not load ({e}); trying again in a new browser"
                );
                let _ = session.delete();
            }
            Err(e) => {
                let _ = session.delete();
                let _ = std::fs::remove_dir_all(&profile);
                return Err(format!(
                    "the page did not load in {PAGE_TRIES} browsers: {e}"
                ));
            }
        }
    }
}

/// Polls the script `ready` until it returns `true`, for `timeout` at most.
fn wait_until(
    session: &crate::webdriver::Session,
    ready: &str,
    timeout: Duration,
) -> Result<(), String> {
    let start = std::time::Instant::now();
    loop {
        // Before the new document exists, a script may fail or see the blank page: both mean not yet.
        if session.execute(ready, &[]).ok() == Some(serde_json::Value::Bool(true)) {
            return Ok(());
        }
        if start.elapsed() >= timeout {
            return Err(format!(
                "`{ready}` was not true after {} s",
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The machine the figures come from: its cores and how busy it was (Linux's load average), since a busy
/// machine inflates every wall-clock figure.
fn machine_line() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .map_or_else(String::new, |load| {
            format!(", 1-minute load average {load} after the stages")
        });
    format!("machine: {cores} cores{load}")
}

/// Runs `avnm-stages` on the tiers asked for and reads its lines.
fn native_rows(options: &Options) -> Result<Vec<Row>, Error> {
    let runs = options.runs.to_string();
    let mut args = vec![
        "run",
        "--release",
        "--quiet",
        "-p",
        "avnm-gen",
        "--bin",
        "avnm-stages",
        "--",
        "--runs",
        runs.as_str(),
    ];
    args.extend(options.tiers.iter().map(String::as_str));
    if options.cpu {
        args.push("--cpu");
    }
    let output = Cmd::cargo(&args).read()?;
    parse_rows(&output).map_err(Error::Bench)
}

/// Reads the JSON lines of `avnm-stages`.
pub fn parse_rows(output: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("`avnm-stages` printed `{line}`, not JSON: {e}"))?;
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let number = |key: &str| value.get(key).and_then(serde_json::Value::as_f64);
        let (Some(tier), Some(stage), Some(native_ms), Some(vnets), Some(bytes)) = (
            text("tier"),
            text("stage"),
            number("ms"),
            value.get("vnets").and_then(serde_json::Value::as_u64),
            value.get("bytes").and_then(serde_json::Value::as_u64),
        ) else {
            return Err(format!(
                "`avnm-stages` printed `{line}`, which misses a field"
            ));
        };
        rows.push(Row {
            tier,
            vnets,
            bytes,
            stage,
            native_ms,
            wasm_ms: None,
        });
    }
    Ok(rows)
}

/// The geometric mean of wasm/native over the rows that have both figures, leaving out [`NOT_IN_THE_MEAN`] and
/// the stages too fast to time in the browser ([`MIN_NATIVE_MS`]); with the number of ratios it is the mean of.
pub fn geometric_mean<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Option<(f64, usize)> {
    let logs: Vec<f64> = rows
        .into_iter()
        .filter(|r| !NOT_IN_THE_MEAN.contains(&r.stage.as_str()) && r.native_ms >= MIN_NATIVE_MS)
        .filter_map(|r| {
            r.wasm_ms
                .filter(|w| *w > 0.0)
                .map(|w| (w / r.native_ms).ln())
        })
        .collect();
    if logs.is_empty() {
        return None;
    }
    #[expect(clippy::cast_precision_loss, reason = "a handful of stages")]
    let n = logs.len() as f64;
    Some(((logs.iter().sum::<f64>() / n).exp(), logs.len()))
}

/// The line that says the geometric mean of some rows against the target.
fn mean_line(label: &str, mean: Option<(f64, usize)>) -> Option<String> {
    let (mean, n) = mean?;
    let verdict = if mean <= TARGET_RATIO {
        "met"
    } else {
        "missed"
    };
    Some(format!(
        "{label}geometric mean of wasm/native over {n} stages: {mean:.2} (target {TARGET_RATIO} or less: {verdict})"
    ))
}

/// One table per tier: stage, native ms, wasm ms, wasm/native, then the geometric mean of the ratios; `-`
/// where there is no figure, `not run` for a stage that was not run (the matrix of a design too large for one).
/// With more than one tier measured as wasm, a last line gives the mean over all of them.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let mut tiers: Vec<&Row> = Vec::new();
    for row in rows {
        if !tiers.iter().any(|t| t.tier == row.tier) {
            tiers.push(row);
        }
    }
    let mut measured_tiers = 0;
    for first in &tiers {
        let _ = writeln!(
            out,
            "{} ({} VNets, {:.1} MB of JSON)",
            first.tier.to_uppercase(),
            first.vnets,
            first.bytes as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "| {:<22} | {:>10} | {:>10} | {:>11} |",
            "stage", "native ms", "wasm ms", "wasm/native"
        );
        let _ = writeln!(out, "|{:-<24}|{:->12}|{:->12}|{:->13}|", "", "", "", "");
        for stage in STAGES {
            let row = rows
                .iter()
                .find(|r| r.tier == first.tier && r.stage == stage);
            let (native, wasm, ratio) = match row {
                None => ("not run".to_owned(), "-".to_owned(), "-".to_owned()),
                Some(r) => (
                    format!("{:.1}", r.native_ms),
                    r.wasm_ms
                        .map_or_else(|| "-".to_owned(), |w| format!("{w:.1}")),
                    r.wasm_ms
                        .filter(|_| r.native_ms > 0.0)
                        .map_or_else(|| "-".to_owned(), |w| format!("{:.2}", w / r.native_ms)),
                ),
            };
            let _ = writeln!(
                out,
                "| {stage:<22} | {native:>10} | {wasm:>10} | {ratio:>11} |"
            );
        }
        let mean = geometric_mean(rows.iter().filter(|r| r.tier == first.tier));
        if let Some(line) = mean_line("", mean) {
            measured_tiers += 1;
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    if measured_tiers > 1
        && let Some(line) = mean_line("all tiers: ", geometric_mean(rows))
    {
        let _ = writeln!(out, "{line}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tier: &str, stage: &str, native_ms: f64, wasm_ms: Option<f64>) -> Row {
        Row {
            tier: tier.into(),
            vnets: 10_000,
            bytes: 129_500_000,
            stage: stage.into(),
            native_ms,
            wasm_ms,
        }
    }

    #[test]
    fn rows_are_read_from_json_lines() {
        let rows = parse_rows(
            "{\"bytes\":12699490,\"ms\":174.9,\"stage\":\"parse\",\"tier\":\"t1\",\"vnets\":1000}\n\n",
        )
        .unwrap();
        assert_eq!(
            rows,
            [Row {
                tier: "t1".into(),
                vnets: 1000,
                bytes: 12_699_490,
                stage: "parse".into(),
                native_ms: 174.9,
                wasm_ms: None,
            }]
        );
        assert!(parse_rows("cargo says hello").is_err());
        assert!(parse_rows("{\"tier\":\"t1\"}").is_err());
    }

    #[test]
    fn the_table_has_every_stage_and_a_ratio_where_both_figures_exist() {
        let text = table(&[
            row("t2", "parse", 800.0, Some(1200.0)),
            row("t2", "membership", 50.0, None),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "T2 (10000 VNets, 129.5 MB of JSON)");
        assert_eq!(
            lines[3],
            "| parse                  |      800.0 |     1200.0 |        1.50 |"
        );
        assert_eq!(
            lines[4],
            "| parse: JSON tree only  |    not run |          - |           - |"
        );
        assert_eq!(
            lines[5],
            "| change: rule access    |    not run |          - |           - |"
        );
        assert_eq!(
            lines[6],
            "| membership             |       50.0 |          - |           - |"
        );
        assert_eq!(
            lines[11],
            "| matrix                 |    not run |          - |           - |"
        );
        assert_eq!(
            lines[12],
            "geometric mean of wasm/native over 1 stages: 1.50 (target 1.6 or less: met)"
        );
        assert_eq!(lines.len(), 3 + STAGES.len() + 2);
    }

    #[test]
    fn the_mean_is_geometric_and_leaves_out_the_part_of_parse_the_change_and_untimeable_stages() {
        // 2 and 0.5 have a geometric mean of 1 (their arithmetic mean is 1.25).
        let rows = [
            row("t1", "parse", 100.0, Some(200.0)),
            row("t1", "membership", 10.0, Some(5.0)),
            row("t1", "parse: JSON tree only", 10.0, Some(90.0)),
            row("t1", "change: rule access", 10.0, Some(70.0)),
            row("t1", "goal state", 0.01, Some(0.3)),
            row("t1", "topology", 10.0, None),
        ];
        let (mean, n) = geometric_mean(&rows).unwrap();
        assert_eq!(n, 2);
        assert!((mean - 1.0).abs() < 1e-12, "{mean}");
        // 1, 2 and 4: the cube root of 8.
        let rows = [
            row("t1", "parse", 1.0, Some(1.0)),
            row("t1", "membership", 1.0, Some(2.0)),
            row("t2", "topology", 1.0, Some(4.0)),
        ];
        let (mean, n) = geometric_mean(&rows).unwrap();
        assert_eq!(n, 3);
        assert!((mean - 2.0).abs() < 1e-12, "{mean}");
        assert_eq!(geometric_mean(&[row("t1", "parse", 1.0, None)]), None);
    }

    #[test]
    fn two_measured_tiers_get_a_mean_over_both() {
        let text = table(&[
            row("t1", "parse", 100.0, Some(100.0)),
            row("t2", "parse", 100.0, Some(400.0)),
        ]);
        assert!(
            text.contains(
                "geometric mean of wasm/native over 1 stages: 4.00 (target 1.6 or less: missed)"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "all tiers: geometric mean of wasm/native over 2 stages: 2.00 (target 1.6 or less: missed)"
            ),
            "{text}"
        );
    }
}
