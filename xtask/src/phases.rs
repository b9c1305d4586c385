//! The phases of `cargo xtask test`, as data, and the runner that goes through them.
//!
//! Each [`Phase`] is a name and a list of [`Step`]s.
//! The runner stops at the first failing phase, prints one summary line per phase,
//! and ends with the plain line `tests: <passed> passed, <failed> failed` that CI reads.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::browser::{WASM_TEST_ARGS, ensure_browser, wasm_test_command};
use crate::cmd::Cmd;
use crate::dist::{
    Profile, WASM_TARGET, WasmOpt, check_first_page, dist, dist_dir, ensure_wasm_target,
};
use crate::e2e;
use crate::error::Error;
use crate::fuzz;
use crate::tally::Counts;

/// One step of a phase.
#[derive(Debug)]
enum Step {
    /// `cargo <args>`, with its output going straight to the terminal.
    Cargo(&'static [&'static str]),
    /// `cargo <args>` running test binaries: its output is copied unchanged to our standard output
    /// (standard error included, in order) and its `test result:` lines are counted.
    CargoTest(&'static [&'static str]),
    /// Installs the wasm32 target with rustup when the toolchain lacks it.
    EnsureWasmTarget,
    /// Finds chromedriver, installing Chromium with apt-get when it is missing and allowed (see [`ensure_browser`]).
    EnsureBrowser,
    /// `cargo <args>` for the wasm32 target, with this binary as cargo's runner (the in-process wasm-bindgen test
    /// runner in headless Chromium); counted like [`Step::CargoTest`].
    WasmTest(&'static [&'static str]),
    /// `cargo xtask dist` with this profile.
    Dist(Profile, WasmOpt),
    /// Fails when the first page of `dist/` transfers more than its budget of gzip ([`check_first_page`]).
    FirstPageBudget,
    /// Every fuzz target for this many seconds (`cargo xtask fuzz --seconds N`).
    Fuzz(u64),
    /// The WebDriver end-to-end tests of [`e2e::TESTS`] against `dist/`; counted like [`Step::CargoTest`].
    E2e,
}

/// A named group of steps, reported as one line in the summary.
#[derive(Debug)]
struct Phase {
    /// The short name printed in messages and in the summary.
    name: &'static str,
    /// What the phase runs, in order.
    steps: &'static [Step],
}

/// The phases of `cargo xtask test`, in the order they run.
///
/// `browser` and `e2e` need Chromium and chromedriver; [`ensure_browser`] installs them with apt-get when it may.
/// Never run `--workspace` tests for the wasm target: plain `#[test]`s are silently skipped there (pitfall P5).
const PHASES: &[Phase] = &[
    Phase {
        name: "fmt",
        steps: &[Step::Cargo(&["fmt", "--all", "--", "--check"])],
    },
    Phase {
        name: "clippy",
        steps: &[Step::Cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])],
    },
    Phase {
        name: "test",
        steps: &[Step::CargoTest(&["test", "--workspace", "--no-fail-fast"])],
    },
    Phase {
        name: "fuzz",
        steps: &[Step::Fuzz(fuzz::CI_SECONDS)],
    },
    Phase {
        name: "wasm-build",
        steps: &[
            Step::EnsureWasmTarget,
            Step::Cargo(&["build", "-p", "avnm-core", "--target", WASM_TARGET]),
        ],
    },
    Phase {
        name: "browser",
        steps: &[
            Step::EnsureWasmTarget,
            Step::EnsureBrowser,
            Step::WasmTest(WASM_TEST_ARGS),
        ],
    },
    Phase {
        name: "e2e",
        // Without wasm-opt: it costs 1–2 minutes of CPU and leaves the gzip size the budget checks about the same.
        steps: &[
            Step::EnsureBrowser,
            Step::Dist(Profile::Release, WasmOpt::Skip),
            Step::FirstPageBudget,
            Step::E2e,
        ],
    },
];

/// How a phase ended.
#[derive(Debug)]
enum Outcome {
    /// All steps succeeded.
    Ok(Duration),
    /// A step failed after this long.
    Failed(Duration),
    /// An earlier phase failed, so this one did not run.
    Skipped,
}

/// Whether `name` is the name of a phase.
pub fn is_phase(name: &str) -> bool {
    PHASES.iter().any(|phase| phase.name == name)
}

/// The names of all phases, in order, for messages.
pub fn names() -> String {
    let names: Vec<_> = PHASES.iter().map(|phase| phase.name).collect();
    names.join(", ")
}

/// Runs the phases named in `only` (all of them if it is empty) in their documented order, stopping at the first
/// failure, and prints the summary and the final `tests:` line.
pub fn run(only: &[String]) -> ExitCode {
    let mut counts = Counts::default();
    let mut outcomes = Vec::with_capacity(PHASES.len());
    let mut failed = false;
    let selected = PHASES
        .iter()
        .filter(|phase| only.is_empty() || only.iter().any(|name| name == phase.name));
    for phase in selected {
        if failed {
            outcomes.push((phase.name, Outcome::Skipped));
            continue;
        }
        let start = Instant::now();
        let result = run_phase(phase, &mut counts);
        let elapsed = start.elapsed();
        match result {
            Ok(()) => outcomes.push((phase.name, Outcome::Ok(elapsed))),
            Err(error) => {
                eprintln!("error: phase `{}` failed: {error}", phase.name);
                outcomes.push((phase.name, Outcome::Failed(elapsed)));
                failed = true;
            }
        }
    }
    for (name, outcome) in &outcomes {
        println!("{}", summary_line(name, outcome));
    }
    println!("{}", final_line(counts));
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs the steps of one phase in order, adding the test counts of its test steps to `counts`.
fn run_phase(phase: &Phase, counts: &mut Counts) -> Result<(), Error> {
    for step in phase.steps {
        match step {
            Step::Cargo(args) => Cmd::cargo(args).run()?,
            Step::CargoTest(args) => Cmd::cargo(args).run_counting(counts)?,
            Step::EnsureWasmTarget => ensure_wasm_target()?,
            Step::EnsureBrowser => {
                ensure_browser()?;
            }
            Step::WasmTest(args) => {
                wasm_test_command(&ensure_browser()?, args)?.run_counting(counts)?
            }
            Step::Dist(profile, wasm_opt) => {
                dist(*profile, *wasm_opt)?;
            }
            Step::FirstPageBudget => check_first_page(&dist_dir())?,
            Step::Fuzz(seconds) => fuzz::fuzz(&fuzz::Options {
                target: None,
                seconds: *seconds,
            })?,
            Step::E2e => e2e::run(&ensure_browser()?, &dist_dir(), counts)?,
        }
    }
    Ok(())
}

/// The summary line of one phase, for example `phase clippy: ok in 12.3s`.
fn summary_line(name: &str, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok(elapsed) => format!("phase {name}: ok in {:.1}s", elapsed.as_secs_f64()),
        Outcome::Failed(elapsed) => {
            format!("phase {name}: FAILED in {:.1}s", elapsed.as_secs_f64())
        }
        Outcome::Skipped => format!("phase {name}: skipped"),
    }
}

/// The last line of every run, which CI reads: `tests: <passed> passed, <failed> failed`.
fn final_line(counts: Counts) -> String {
    format!("tests: {} passed, {} failed", counts.passed, counts.failed)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::time::Duration;

    use super::{Outcome, PHASES, Step, final_line, summary_line};
    use crate::tally::Counts;

    #[test]
    fn phases_run_in_the_documented_order() {
        let names: Vec<_> = PHASES.iter().map(|phase| phase.name).collect();
        assert_eq!(
            names,
            [
                "fmt",
                "clippy",
                "test",
                "fuzz",
                "wasm-build",
                "browser",
                "e2e"
            ]
        );
        let unique: BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "phase names must be unique");
    }

    #[test]
    fn only_the_test_phases_count_tests() {
        for phase in PHASES {
            let counts = phase
                .steps
                .iter()
                .any(|step| matches!(step, Step::CargoTest(_) | Step::WasmTest(_) | Step::E2e));
            let expected = matches!(phase.name, "test" | "browser" | "e2e");
            assert_eq!(counts, expected, "phase {}", phase.name);
        }
    }

    #[test]
    fn wasm_tests_never_cover_the_workspace() {
        for step in PHASES.iter().flat_map(|phase| phase.steps) {
            if let Step::WasmTest(args) = step {
                assert!(!args.contains(&"--workspace"), "pitfall P5: {args:?}");
                assert!(args.contains(&"wasm32-unknown-unknown"), "{args:?}");
            }
        }
    }

    #[test]
    fn summary_lines() {
        assert_eq!(
            summary_line("clippy", &Outcome::Ok(Duration::from_millis(12_340))),
            "phase clippy: ok in 12.3s"
        );
        assert_eq!(
            summary_line("test", &Outcome::Failed(Duration::from_millis(50))),
            "phase test: FAILED in 0.1s"
        );
        assert_eq!(
            summary_line("wasm-build", &Outcome::Skipped),
            "phase wasm-build: skipped"
        );
    }

    #[test]
    fn final_line_is_plain() {
        assert_eq!(
            final_line(Counts {
                passed: 120,
                failed: 1
            }),
            "tests: 120 passed, 1 failed"
        );
        assert_eq!(final_line(Counts::default()), "tests: 0 passed, 0 failed");
    }
}
