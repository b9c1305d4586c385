//! The wasm column of the stage table: `gen/examples/wasm_stages.rs` built for `wasm32-unknown-unknown` with the
//! playground's `web-release` profile, bound by the in-process wasm-bindgen into `target/bench/wasm-stages/` with a
//! two-line page, served on 127.0.0.1 and run in headless Chromium over WebDriver.
//!
//! Each tier gets a fresh browser (a fresh wasm memory): the page generates the tier's design in wasm (the same
//! deterministic generator, so the same text: its length is checked against the native run's), then runs every
//! stage once without counting it (V8 compiles as it runs), then `runs` times, parsing from the text each time,
//! timed with `performance.now()`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::{Options, Row};
use crate::browser::Browser;
use crate::cmd::Cmd;
use crate::dist::{Profile, WASM_TARGET, bindgen, target_dir};
use crate::error::{Error, io, shown};
use crate::serve::Background;
use crate::webdriver::{self, ChromeDriver, Session};

/// The example of `avnm-gen` that holds the wasm entry (and the stem of the files wasm-bindgen writes).
const EXAMPLE: &str = "wasm_stages";

/// The page: one module script, which starts the wasm and hands its `Design` class to WebDriver's scripts.
const INDEX_HTML: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>avnm stages</title>\
<link rel=\"icon\" href=\"data:,\"></head>\n<body><script type=\"module\" src=\"start.js\"></script></body></html>\n";
const START_JS: &str =
    "import init, { Design } from \"./wasm_stages.js\";\nawait init();\nwindow.Design = Design;\n";

/// What the wasm run of one tier gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The length of the design's text generated in wasm.
    pub bytes: u64,
    /// The size of the wasm memory after the runs (it only grows: the peak).
    pub memory_bytes: f64,
    /// The time of every stage together in the first run, which is not counted (V8 compiles as it goes).
    pub first_run_ms: f64,
    /// Each stage's times, one per run.
    pub samples: Vec<(String, Vec<f64>)>,
}

impl Measured {
    /// Adds one run's `[[stage, ms], ...]`.
    fn add(&mut self, run: &Value) -> Result<(), String> {
        let pairs = run
            .as_array()
            .ok_or_else(|| format!("a run gave `{run}`, not a list"))?;
        for pair in pairs {
            let (Some(stage), Some(ms)) = (
                pair.get(0).and_then(Value::as_str),
                pair.get(1).and_then(Value::as_f64),
            ) else {
                return Err(format!("a run gave `{pair}`, not a stage and a time"));
            };
            match self.samples.iter_mut().find(|(s, _)| s == stage) {
                Some((_, list)) => list.push(ms),
                None => self.samples.push((stage.to_owned(), vec![ms])),
            }
        }
        Ok(())
    }

    /// Puts the median of each stage into the rows of `tier`, and says what else there is to say: the wasm
    /// memory the runs took, and a text that is not the native one.
    pub fn merge_into(&self, tier: &str, rows: &mut [Row]) -> Vec<String> {
        let mut notes = Vec::new();
        for (stage, list) in &self.samples {
            if let Some(row) = rows
                .iter_mut()
                .find(|r| r.tier == tier && r.stage == *stage)
            {
                row.wasm_ms = median(list);
            }
        }
        let tier_name = tier.to_uppercase();
        if let Some(row) = rows.iter().find(|r| r.tier == tier)
            && row.bytes != self.bytes
        {
            notes.push(format!(
                "{tier_name}: the design generated in wasm has {} bytes, the native one {}: the generator is not \
                 deterministic across targets, so the two columns timed different texts",
                self.bytes, row.bytes
            ));
        }
        let counted: Vec<f64> = self
            .samples
            .iter()
            .filter(|(stage, _)| !super::NOT_IN_THE_MEAN.contains(&stage.as_str()))
            .filter_map(|(_, list)| median(list))
            .collect();
        notes.push(format!(
            "{tier_name}: wasm: the first run (not counted) took {:.0} ms, the median runs {:.0} ms; wasm memory \
             after the runs: {:.0} MiB of wasm32's 4,096",
            self.first_run_ms,
            counted.iter().sum::<f64>(),
            self.memory_bytes / 1_048_576.0
        ));
        notes
    }
}

/// The time of every stage of one run's `[[stage, ms], ...]` together, but those not in the mean.
fn total_ms(run: &Value) -> f64 {
    run.as_array()
        .into_iter()
        .flatten()
        .filter(|pair| {
            !pair
                .get(0)
                .and_then(Value::as_str)
                .is_some_and(|stage| super::NOT_IN_THE_MEAN.contains(&stage))
        })
        .filter_map(|pair| pair.get(1).and_then(Value::as_f64))
        .sum()
}

/// The median of a list (the upper one of an even count).
fn median(list: &[f64]) -> Option<f64> {
    let mut sorted = list.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}

/// Builds the wasm entry with `profile` (`web-release`, as the playground ships) and writes the page into
/// `target/bench/wasm-stages/`.
pub fn build(profile: &str) -> Result<PathBuf, Error> {
    Cmd::cargo(&[
        "build",
        "-p",
        "avnm-gen",
        "--example",
        EXAMPLE,
        "--target",
        WASM_TARGET,
        "--profile",
        profile,
    ])
    .run()?;
    // Cargo's directory for the `dev` profile is `debug`.
    let dir_name = if profile == "dev" { "debug" } else { profile };
    let wasm = target_dir()
        .join(WASM_TARGET)
        .join(dir_name)
        .join("examples")
        .join(format!("{EXAMPLE}.wasm"));
    let dir = target_dir().join("bench").join("wasm-stages");
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(io(format!("remove {}", shown(&dir))))?;
    }
    fs::create_dir_all(&dir).map_err(io(format!("create {}", shown(&dir))))?;
    // Without its name section, as the playground's bundle is served.
    bindgen(&wasm, &dir, Profile::Release)?;
    for (name, text) in [("index.html", INDEX_HTML), ("start.js", START_JS)] {
        let path = dir.join(name);
        fs::write(&path, text).map_err(io(format!("write {}", shown(&path))))?;
    }
    Ok(dir)
}

/// What the wasm run of a tier gave, or why it gave nothing.
pub type TierOutcome = Result<Measured, String>;

/// Serves `dir` and runs the stages of each tier of `options` in a fresh browser; a tier that fails (out of
/// memory, out of time) says why and the others still run.
pub fn run(
    browser: &Browser,
    driver: &ChromeDriver,
    dir: &Path,
    options: &Options,
) -> Result<Vec<(String, TierOutcome)>, Error> {
    let server = Background::start(dir)?;
    let mut out = Vec::new();
    for tier in &options.tiers {
        eprintln!("xtask: bench: the stages of {tier} as wasm in headless Chromium");
        let outcome = run_tier(browser, driver, server.url(), tier, options);
        out.push((tier.clone(), outcome));
    }
    Ok(out)
}

/// One tier in a fresh browser session.
fn run_tier(
    browser: &Browser,
    driver: &ChromeDriver,
    url: &str,
    tier: &str,
    options: &Options,
) -> Result<Measured, String> {
    let ready = "return typeof window.Design === 'function'";
    let (session, profile) = super::open_session(
        browser,
        driver,
        &format!("wasm-{tier}"),
        (url, ready),
        options.timeout,
    )?;
    let outcome = measure(&session, tier, options);
    let _ = session.delete();
    let _ = fs::remove_dir_all(&profile);
    outcome
}

/// Generates the design and runs the stages.
fn measure(session: &Session, tier: &str, options: &Options) -> Result<Measured, String> {
    let failed = |e: webdriver::Error| why(&e, options.timeout);
    let bytes = session
        .execute(
            "window.design = new Design(arguments[0]); return window.design.bytes();",
            &[tier.into()],
        )
        .map_err(failed)?
        .as_u64()
        .ok_or("the design's length is not a number")?;
    let mut measured = Measured {
        bytes,
        memory_bytes: 0.0,
        first_run_ms: 0.0,
        samples: Vec::new(),
    };
    // The first run is not counted: V8 first compiles wasm with its baseline compiler and optimises hot
    // functions while they run, so a first run times the compilers as much as the code.
    let first = session
        .execute("return window.design.run();", &[])
        .map_err(failed)?;
    let first: Value = serde_json::from_str(first.as_str().unwrap_or_default())
        .map_err(|e| format!("a run gave `{first}`, not JSON: {e}"))?;
    measured.first_run_ms = total_ms(&first);
    for _ in 0..options.runs {
        let text = session
            .execute("return window.design.run();", &[])
            .map_err(failed)?;
        let run: Value = serde_json::from_str(text.as_str().unwrap_or_default())
            .map_err(|e| format!("a run gave `{text}`, not JSON: {e}"))?;
        measured.add(&run)?;
    }
    measured.memory_bytes = session
        .execute("return Design.memoryBytes();", &[])
        .map_err(failed)?
        .as_f64()
        .unwrap_or(f64::NAN);
    Ok(measured)
}

/// What a failed WebDriver command means here: out of time, out of memory, or what the browser said.
pub fn why(error: &webdriver::Error, timeout: Duration) -> String {
    let text = error.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("timeout") || lower.contains("timed out") {
        format!("did not finish in {} s", timeout.as_secs())
    } else if lower.contains("crash") {
        format!("the page crashed (out of memory?): {text}")
    } else if lower.contains("unreachable") || lower.contains("out of memory") {
        format!("the wasm stopped (out of wasm32's 4 GiB of memory?): {text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn runs_add_up_and_the_median_goes_into_the_rows() {
        let mut measured = Measured {
            bytes: 12,
            memory_bytes: 64.0 * 1_048_576.0,
            first_run_ms: 90.0,
            samples: Vec::new(),
        };
        measured
            .add(&json!([["parse", 30.0], ["membership", 2.0]]))
            .unwrap();
        measured
            .add(&json!([["parse", 10.0], ["membership", 4.0]]))
            .unwrap();
        measured
            .add(&json!([["parse", 20.0], ["membership", 3.0]]))
            .unwrap();
        assert!(measured.add(&json!([["parse"]])).is_err());
        assert!(measured.add(&json!({"parse": 1})).is_err());
        let row = |stage: &str| Row {
            tier: "t1".into(),
            vnets: 1000,
            bytes: 12,
            stage: stage.into(),
            native_ms: 1.0,
            wasm_ms: None,
        };
        let mut rows = vec![row("parse"), row("membership"), row("matrix")];
        let notes = measured.merge_into("t1", &mut rows);
        assert_eq!(rows[0].wasm_ms, Some(20.0));
        assert_eq!(rows[1].wasm_ms, Some(3.0));
        assert_eq!(rows[2].wasm_ms, None);
        assert_eq!(
            notes,
            [
                "T1: wasm: the first run (not counted) took 90 ms, the median runs 23 ms; wasm memory after the \
              runs: 64 MiB of wasm32's 4,096"
            ]
        );
        assert_eq!(
            total_ms(&json!([
                ["parse", 30.0],
                ["parse: JSON tree only", 20.0],
                ["matrix", 2.5]
            ])),
            32.5
        );

        rows[0].bytes = 13;
        let notes = measured.merge_into("t1", &mut rows);
        assert!(
            notes[0].contains("12 bytes, the native one 13"),
            "{notes:?}"
        );
    }

    #[test]
    fn failures_say_what_they_mean() {
        let error = |message: &str| webdriver::Error::Protocol {
            command: "POST /session/1/execute/sync".into(),
            error: "javascript error".into(),
            message: message.into(),
        };
        let timeout = Duration::from_secs(120);
        assert_eq!(
            why(&error("script timeout"), timeout),
            "did not finish in 120 s"
        );
        assert!(why(&error("RuntimeError: unreachable"), timeout).starts_with("the wasm stopped"));
        assert!(why(&error("tab crashed"), timeout).starts_with("the page crashed"));
        assert!(
            why(&error("TypeError: x is undefined"), timeout)
                .ends_with("TypeError: x is undefined")
        );
    }
}
