//! `cargo xtask fuzz [TARGET] [--seconds N]`: coverage-guided fuzzing with libFuzzer on the stable toolchain.
//!
//! The targets of the `avnm-fuzz` crate (`fuzz/`) are built in their own target directory, `target/fuzz-build`,
//! with the SanitizerCoverage instrumentation that libFuzzer reads, passed as stable `rustc` flags (what
//! cargo-fuzz passes with `--sanitizer none`); `libfuzzer-sys` builds libFuzzer itself from its bundled C++
//! source with the machine's C++ compiler, so nothing is downloaded but crates.
//! Each target then runs for a bounded time on its corpus (`target/fuzz-build/corpus/<target>`, kept between
//! runs) and on seeds written here from the shipped examples, lessons and Azure samples
//! (`target/fuzz-build/seeds/<target>`, written anew each run).
//! An input that crashes, hangs (more than [`TIMEOUT`] seconds) or runs out of memory is written by libFuzzer to
//! `fuzz/regressions/<target>/`, which `cargo test` replays (`fuzz/tests/regressions.rs`).
//! libFuzzer's output goes to `target/fuzz-build/logs/<target>.log`; one summary line per target is printed.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use base64::Engine as _;
use serde_json::Value;

use crate::cmd::{Cmd, workspace_root};
use crate::error::{Error, io, shown};

/// The targets, as `fuzz/Cargo.toml` names their binaries and `avnm_fuzz::TARGETS` their bodies.
pub const TARGETS: &[&str] = &["scenario", "change", "link", "import", "condition"];

/// Seconds per target of the run that `cargo xtask test` makes.
pub const CI_SECONDS: u64 = 12;

/// Seconds per target when `--seconds` is not given.
pub const DEFAULT_SECONDS: u64 = 60;

/// An input that takes longer than this many seconds is a hang.
const TIMEOUT: u64 = 10;

/// An input that makes the process use more than this many MiB is a failure (libFuzzer's `-rss_limit_mb`,
/// which also refuses any single allocation that large).
const RSS_LIMIT_MB: u64 = 2048;

/// The coverage instrumentation libFuzzer needs, as cargo-fuzz passes it to a stable `rustc` with
/// `--sanitizer none`: inline 8-bit counters, the PC table and comparison tracing, and `cfg(fuzzing)`.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing";

/// What `cargo xtask fuzz` is asked to do.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// One target, or every one.
    pub target: Option<String>,
    /// How long each target runs.
    pub seconds: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            target: None,
            seconds: DEFAULT_SECONDS,
        }
    }
}

/// What one bounded run of a target did, from libFuzzer's final statistics.
#[derive(Debug, Default)]
struct Stats {
    executions: u64,
    per_second: u64,
    corpus: usize,
    seconds: f64,
}

/// Builds the targets and runs the chosen ones for `options.seconds` each.
pub fn fuzz(options: &Options) -> Result<(), Error> {
    let targets: Vec<&str> = match &options.target {
        None => TARGETS.to_vec(),
        Some(name) => TARGETS.iter().copied().filter(|t| t == name).collect(),
    };
    if targets.is_empty() {
        return Err(Error::Fuzz(format!(
            "`{}` is not a fuzz target (targets: {})",
            options.target.as_deref().unwrap_or_default(),
            TARGETS.join(", ")
        )));
    }
    let started = Instant::now();
    let bin = build()?;
    let built = started.elapsed().as_secs_f64();
    println!("fuzz: targets built in {built:.1} s");
    let mut failures = Vec::new();
    for target in targets {
        match run(&bin, target, options.seconds) {
            Ok(stats) => println!(
                "fuzz {target}: {} executions in {:.1} s ({}/s), corpus {} inputs",
                stats.executions, stats.seconds, stats.per_second, stats.corpus
            ),
            Err(error) => {
                eprintln!("fuzz {target}: {error}");
                failures.push(target);
            }
        }
    }
    println!(
        "fuzz: {:.1} s in all (build {built:.1} s)",
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Fuzz(format!(
            "fuzz targets failed: {} (the inputs are in `fuzz/regressions/`: fix the defect and keep them)",
            failures.join(", ")
        )))
    }
}

fn build_dir() -> PathBuf {
    workspace_root().join("target/fuzz-build")
}

/// The host triple, from `rustc -vV`: the build names it so that the flags reach the targets only, not build
/// scripts or proc macros.
fn host() -> Result<String, Error> {
    let version = Cmd::rustc(&["-vV"]).read()?;
    version
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(|host| host.trim().to_owned())
        .ok_or_else(|| Error::Fuzz("`rustc -vV` names no host".to_owned()))
}

/// Builds the instrumented targets; returns the directory of the binaries.
fn build() -> Result<PathBuf, Error> {
    let host = host()?;
    let dir = build_dir();
    let target_dir = dir.to_string_lossy().into_owned();
    Cmd::cargo(&[
        "build",
        "-p",
        "avnm-fuzz",
        "--features",
        "libfuzzer",
        "--bins",
        "--profile",
        "fuzz",
        "--target",
        &host,
        "--target-dir",
        &target_dir,
    ])
    .env("RUSTFLAGS", RUSTFLAGS)
    .run()?;
    Ok(dir.join(host).join("fuzz"))
}

/// Runs one target for `seconds`, its log in `target/fuzz-build/logs/<target>.log`.
fn run(bin: &Path, target: &str, seconds: u64) -> Result<Stats, Error> {
    let dir = build_dir();
    let corpus = dir.join("corpus").join(target);
    let seeds = dir.join("seeds").join(target);
    let logs = dir.join("logs");
    let artifacts = workspace_root().join("fuzz/regressions").join(target);
    for d in [&corpus, &logs, &artifacts] {
        fs::create_dir_all(d).map_err(io(format!("create {}", shown(d))))?;
    }
    write_seeds(target, &seeds)?;
    let log_path = logs.join(format!("{target}.log"));
    let log = fs::File::create(&log_path).map_err(io(format!("create {}", shown(&log_path))))?;
    let started = Instant::now();
    let status = Command::new(bin.join(target))
        .arg(&corpus)
        .arg(&seeds)
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={TIMEOUT}"))
        .arg(format!("-rss_limit_mb={RSS_LIMIT_MB}"))
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(io("open the fuzz log"))?)
        .stderr(log)
        .status()
        .map_err(io(format!("run {}", shown(&bin.join(target)))))?;
    let seconds = started.elapsed().as_secs_f64();
    let text = fs::read_to_string(&log_path).unwrap_or_default();
    if !status.success() {
        let written: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split_once("Test unit written to ").map(|(_, p)| p))
            .collect();
        let why: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.contains("panicked at")
                    || l.contains("==ERROR")
                    || l.contains("SUMMARY")
                    || l.contains("ALARM")
            })
            .take(4)
            .collect();
        return Err(Error::Fuzz(format!(
            "failed ({status}) after {seconds:.1} s: {}; input written to {}; log {}",
            why.join(" | "),
            if written.is_empty() {
                "nothing".to_owned()
            } else {
                written.join(", ")
            },
            shown(&log_path)
        )));
    }
    let stat = |name: &str| -> u64 {
        text.lines()
            .filter_map(|l| l.strip_prefix(name))
            .filter_map(|rest| rest.trim().parse().ok())
            .next_back()
            .unwrap_or(0)
    };
    Ok(Stats {
        executions: stat("stat::number_of_executed_units:"),
        per_second: stat("stat::average_exec_per_sec:"),
        corpus: fs::read_dir(&corpus).map(Iterator::count).unwrap_or(0),
        seconds,
    })
}

/// Writes a target's seeds anew: inputs that reach deep into it from the start.
fn write_seeds(target: &str, dir: &Path) -> Result<(), Error> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(io(format!("remove {}", shown(dir))))?;
    }
    fs::create_dir_all(dir).map_err(io(format!("create {}", shown(dir))))?;
    let seeds = seeds(target);
    for (i, seed) in seeds.iter().enumerate() {
        let path = dir.join(format!("seed-{i:03}"));
        fs::write(&path, seed).map_err(io(format!("write {}", shown(&path))))?;
    }
    Ok(())
}

/// The JSON files of a folder and its subfolders, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&fs::read_to_string(path).ok()?).ok()
}

/// Every value under `value` (itself included) for which `keep` is true, outermost first.
fn find_all<'v>(value: &'v Value, keep: &dyn Fn(&Value) -> bool, out: &mut Vec<&'v Value>) {
    if keep(value) {
        out.push(value);
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| find_all(v, keep, out)),
        Value::Object(map) => map.values().for_each(|v| find_all(v, keep, out)),
        _ => {}
    }
}

/// The scenario documents of the shipped examples and lessons (a lesson step's `design`).
fn designs() -> Vec<Value> {
    let root = workspace_root();
    let mut designs = Vec::new();
    for dir in ["static/examples", "static/lessons"] {
        for file in json_files(&root.join(dir)) {
            if let Some(value) = read_json(&file) {
                let mut found = Vec::new();
                find_all(
                    &value,
                    &|v| v.get("resources").is_some_and(Value::is_array),
                    &mut found,
                );
                designs.extend(found.into_iter().cloned());
            }
        }
    }
    designs
}

/// The shared `azure-samples` folder: `$AVNM_SHARED/azure-samples`, else `../shared/azure-samples` beside the
/// repository (as `tests/import.rs` looks for it).
fn azure_samples() -> PathBuf {
    std::env::var_os("AVNM_SHARED")
        .map_or_else(|| workspace_root().join("../shared"), PathBuf::from)
        .join("azure-samples")
}

/// A `v1.` share link of a design, written as `avnm-link` writes it: the compact JSON envelope, raw deflate,
/// base64url without padding.
fn link_of(design: &Value) -> Option<String> {
    let payload = format!(r#"{{"view":{{}},"design":{design}}}"#);
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(payload.as_bytes()).ok()?;
    let packed = encoder.finish().ok()?;
    Some(format!(
        "v1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    ))
}

/// The seeds of a target.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let designs = designs();
    let samples = azure_samples();
    match target {
        "scenario" => designs.iter().map(|d| d.to_string().into_bytes()).collect(),
        "change" => (0u8..8)
            .map(|example| {
                // A choice of example, then bytes that decode to a few changes.
                let mut bytes = vec![example];
                let mut x: u32 = 0x9e37_79b9 ^ u32::from(example);
                for _ in 0..48 {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    bytes.push(x.to_le_bytes()[0]);
                }
                bytes
            })
            .collect(),
        "link" => designs
            .iter()
            .filter_map(link_of)
            .map(String::into_bytes)
            .collect(),
        "import" => {
            let mut seeds: Vec<Vec<u8>> = json_files(&samples.join("bodies"))
                .into_iter()
                .chain(json_files(&samples.join("pasted")))
                .chain(json_files(
                    &samples.join("sources/Azure+bicep-registry-modules"),
                ))
                .filter_map(|f| fs::read(f).ok())
                .collect();
            // Each Azure Verified Module template with the parameter values the import tests give it, as two
            // files (the target splits its input at NUL bytes).
            let parameters = json_files(&workspace_root().join("tests/import/parameters"));
            let templates = json_files(&samples.join("sources/Azure+bicep-registry-modules"));
            for p in &parameters {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                let stem = name
                    .as_deref()
                    .and_then(|n| n.strip_suffix(".parameters.json"));
                let template = templates
                    .iter()
                    .find(|t| stem.is_some_and(|s| t.parent().is_some_and(|d| d.ends_with(s))));
                if let (Some(t), Ok(p)) = (template, fs::read(p))
                    && let Ok(mut both) = fs::read(t)
                {
                    both.push(0);
                    both.extend(p);
                    seeds.push(both);
                }
            }
            seeds.extend(designs.iter().take(2).map(|d| d.to_string().into_bytes()));
            seeds
        }
        "condition" => {
            let mut found = Vec::new();
            let sources: Vec<Value> = designs
                .into_iter()
                .chain(
                    json_files(&samples.join("bodies"))
                        .iter()
                        .filter_map(|f| read_json(f)),
                )
                .collect();
            for value in &sources {
                let mut rules = Vec::new();
                find_all(
                    value,
                    &|v| v.get("if").is_some() && v.get("then").is_some(),
                    &mut rules,
                );
                found.extend(
                    rules
                        .into_iter()
                        .filter_map(|r| r.get("if"))
                        .map(Value::to_string),
                );
            }
            let mut seeds: Vec<Vec<u8>> = json_files(&samples.join("bodies/docs/azure-docs"))
                .iter()
                .filter(|f| f.to_string_lossy().contains("membership-"))
                .filter_map(|f| fs::read(f).ok())
                .collect();
            found.sort();
            found.dedup();
            seeds.extend(found.into_iter().map(String::into_bytes));
            seeds
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_seeds() {
        for target in TARGETS {
            assert!(!seeds(target).is_empty(), "{target} has seeds");
        }
    }

    #[test]
    fn a_seed_link_has_the_format_of_avnm_link() {
        let link = link_of(&serde_json::json!({ "resources": [] })).unwrap_or_default();
        assert!(link.starts_with("v1."), "{link}");
        assert!(
            link.bytes()
                .skip(3)
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "base64url without padding: {link}"
        );
    }
}
