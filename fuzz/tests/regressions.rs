//! Every input that a fuzz run found to crash, hang or break an invariant, replayed through its target in a plain
//! `cargo test`: `cargo xtask fuzz` writes each one to `fuzz/regressions/<target>/`, so that every crash found
//! becomes a regression test file once the defect is fixed.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use avnm_fuzz::{EXAMPLES, TARGETS};

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"));
    files.sort();
    files
}

#[test]
fn every_regression_input_passes_its_target() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, body) in TARGETS {
        for file in files(&regressions().join(name)) {
            count += 1;
            let data = std::fs::read(&file).expect("a regression file");
            let started = std::time::Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| body(&data)));
            eprintln!(
                "{name} {}: {:.2} s",
                file.file_name().unwrap_or_default().to_string_lossy(),
                started.elapsed().as_secs_f64()
            );
            let problem = match outcome {
                Ok(Ok(())) => continue,
                Ok(Err(problem)) => problem,
                Err(panic) => format!(
                    "panic: {}",
                    panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default()
                ),
            };
            failures.push(format!("{}: {problem}", file.display()));
        }
    }
    eprintln!("replayed {count} regression inputs");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_regression_folder_is_a_target() {
    let dirs: Vec<String> = std::fs::read_dir(regressions())
        .expect("the regressions folder")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for dir in dirs {
        assert!(
            TARGETS.iter().any(|(name, _)| *name == dir),
            "`regressions/{dir}` names no target: its inputs would never be replayed"
        );
    }
}

#[test]
fn the_change_target_edits_every_shipped_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/examples");
    let mut shipped: Vec<String> = files(&dir)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    shipped.sort();
    let mut embedded: Vec<String> = EXAMPLES.iter().map(|(n, _)| (*n).to_owned()).collect();
    embedded.sort();
    assert_eq!(
        embedded, shipped,
        "fuzz/src/lib.rs EXAMPLES lists every file of static/examples"
    );
}

#[test]
fn the_targets_accept_empty_and_sample_inputs() {
    // Each target's body runs on what a fuzz run starts from; a sample that broke an invariant would make
    // every fuzz run fail at once.
    for (name, body) in TARGETS {
        assert_eq!(body(b""), Ok(()), "{name} on no input");
    }
    for (file, text) in EXAMPLES {
        for (name, body) in TARGETS {
            assert_eq!(body(text.as_bytes()), Ok(()), "{name} on {file}");
        }
    }
}
