//! `cargo xtask`: the build and test automation of AVNM Playground, in the cargo-xtask style.
//!
//! The `.cargo/config.toml` alias `xtask = "run -p xtask --"` makes `cargo xtask <subcommand>` run this binary.
//! `cargo xtask test` is the one test command of the project: the README and `.ci/run` call exactly it.
//! The phases it runs are listed in `phases::PHASES`; the `test result:` line counting lives in [`tally`].
//! `cargo xtask serve` builds the playground ([`dist`]) and serves it ([`serve`]).
//!
//! The xtask links the `wasm-bindgen-cli` library, so it generates the JS glue and runs the wasm-bindgen test runner
//! itself (the hidden subcommand `wasm-test-runner`), at the exact version of the workspace's `wasm-bindgen`.
//! Its first build takes about 1.5 minutes on a fresh machine; nothing but crates is downloaded
//! (notes/toolchain.md).

mod bench;
mod browser;
mod cmd;
mod dist;
mod e2e;
mod error;
mod fuzz;
mod phases;
mod serve;
mod tally;
mod webdriver;

use std::env;
use std::ffi::OsString;
use std::process::ExitCode;

use cmd::Cmd;
use dist::Profile;

/// The text printed by `cargo xtask help`, with no arguments, and after a usage error.
const USAGE: &str = "\
usage: cargo xtask <subcommand>

subcommands:
  serve [--port PORT]  build dist/ (release) and serve it on http://127.0.0.1:PORT/ (default 8080)
  dist [--debug]       build the playground into dist/ (release unless --debug) and print its sizes;
                       the release wasm goes through wasm-opt (binaryen from npm, in target/binaryen)
  test [PHASE...]      run every check of the project, or only the phases named, in this order:
                       fmt, clippy, test (native tests), wasm-build (avnm-core for wasm32),
                       browser (avnm-web's wasm-bindgen tests in headless Chromium),
                       fuzz (each fuzz target for 12 seconds), e2e (WebDriver end-to-end tests
                       on the served release build)
  bench [--tiers t1,t2,t3] [--t3] [--runs N] [--cpu] [--timeout S]
        [--no-browser] [--no-wasm] [--no-page] [--wasm-profile PROFILE]
                       time each stage of the engine (parse, membership, goal state, topology,
                       security index, 10,000 traced verdicts, matrix) on the generated tiers
                       (default T1 and T2; --t3 adds T3) natively in release (median of N runs,
                       default 3; wall clock, or the thread's CPU time with --cpu) and as wasm in
                       headless Chromium (profile web-release, as the playground ships, unless
                       --wasm-profile names another), with their ratio and its geometric mean;
                       then the playground page: the longest main-thread task of importing each
                       tier, an edit and opening each panel, and what the first page transfers
                       (--no-wasm and --no-page leave either out, --no-browser both; a browser
                       step is given up after S seconds, default 120)
  bench criterion [ARGS]
                       run the criterion benchmarks: `cargo bench -p avnm-gen -- ARGS`
  fuzz [TARGET] [--seconds N]
                       build the libFuzzer targets (scenario, change, link, import, condition) with
                       coverage instrumentation in target/fuzz-build and run each for N seconds
                       (default 60); an input that fails is written to fuzz/regressions/TARGET/
  help                 print this text

The browser phases of `test` need chromedriver; as root with apt-get, a missing one is installed with
`apt-get install -y chromium chromium-driver` (XTASK_NO_INSTALL=1 turns that off).
";

/// The port `cargo xtask serve` listens on unless told otherwise.
const DEFAULT_PORT: u16 = 8080;

/// Exit code for a command line that the xtask does not understand.
const USAGE_ERROR: u8 = 2;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    /// Print the usage text and succeed.
    Help,
    /// Run the phases of `cargo xtask test` named here, or all of them if there are none.
    Test(Vec<String>),
    /// Print the benchmark table of the engine's stages.
    Bench(bench::Options),
    /// Run the criterion benchmarks, passing these arguments to the bench harness.
    Criterion(Vec<String>),
    /// Build the fuzz targets and run them.
    Fuzz(fuzz::Options),
    /// Build `dist/` with this profile.
    Dist(Profile),
    /// Build `dist/` (release) and serve it on this port of 127.0.0.1.
    Serve(u16),
    /// Act as the wasm-bindgen test runner (hidden: cargo calls it, with these arguments, for wasm32 tests).
    WasmTestRunner(Vec<String>),
    /// The command line is wrong; the message says why.
    Invalid(String),
}

/// Turns the arguments after the program name into a [`Task`].
fn parse_args(args: impl IntoIterator<Item = String>) -> Task {
    let mut args = args.into_iter();
    let Some(subcommand) = args.next() else {
        return Task::Help;
    };
    match subcommand.as_str() {
        "help" | "--help" | "-h" => Task::Help,
        "bench" => parse_bench(args),
        "fuzz" => parse_fuzz(args),
        "test" => {
            let only: Vec<String> = args.collect();
            match only.iter().find(|name| !phases::is_phase(name)) {
                None => Task::Test(only),
                Some(name) => Task::Invalid(format!(
                    "`{name}` is not a phase of `test` (phases: {})",
                    phases::names()
                )),
            }
        }
        "dist" => match args.next().as_deref() {
            None => Task::Dist(Profile::Release),
            Some("--debug") => match args.next() {
                None => Task::Dist(Profile::Debug),
                Some(extra) => Task::Invalid(format!("unexpected argument `{extra}` to `dist`")),
            },
            Some(extra) => Task::Invalid(format!("unexpected argument `{extra}` to `dist`")),
        },
        "serve" => parse_serve(args),
        "wasm-test-runner" => Task::WasmTestRunner(args.collect()),
        _ => Task::Invalid(format!("unknown subcommand `{subcommand}`")),
    }
}

/// Reads the arguments of `fuzz`: a target name and `--seconds N`, in any order.
fn parse_fuzz(mut args: impl Iterator<Item = String>) -> Task {
    let mut options = fuzz::Options::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => match args.next().map(|n| n.parse::<u64>()) {
                Some(Ok(n)) if n > 0 => options.seconds = n,
                _ => return Task::Invalid("`--seconds` takes a whole number above 0".to_owned()),
            },
            name if options.target.is_none() && fuzz::TARGETS.contains(&name) => {
                options.target = Some(name.to_owned());
            }
            other => {
                return Task::Invalid(format!(
                    "`{other}` is not a fuzz target (targets: {})",
                    fuzz::TARGETS.join(", ")
                ));
            }
        }
    }
    Task::Fuzz(options)
}

/// Reads the arguments of `bench`: `criterion ARGS...`, or its options in any order.
fn parse_bench(mut args: impl Iterator<Item = String>) -> Task {
    let mut options = bench::Options::default();
    let mut first = true;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "criterion" if first => return Task::Criterion(args.collect()),
            "--t3" if !options.tiers.iter().any(|t| t == "t3") => {
                options.tiers.push("t3".to_owned())
            }
            "--t3" => {}
            "--cpu" => options.cpu = true,
            "--no-browser" => {
                options.wasm = false;
                options.page = false;
            }
            "--no-page" => options.page = false,
            "--no-wasm" => options.wasm = false,
            "--wasm-profile" => match args.next() {
                Some(profile) => options.wasm_profile = profile,
                None => return Task::Invalid("`--wasm-profile` needs a value".to_owned()),
            },
            "--tiers" => match args.next() {
                Some(list) => match parse_tiers(&list) {
                    Ok(tiers) => options.tiers = tiers,
                    Err(message) => return Task::Invalid(message),
                },
                None => return Task::Invalid("`--tiers` needs a value".to_owned()),
            },
            "--runs" | "--timeout" => {
                let number = match args.next().map(|n| n.parse::<u64>()) {
                    Some(Ok(n)) if n > 0 => n,
                    Some(_) => return Task::Invalid(format!("`{arg}` needs a positive number")),
                    None => return Task::Invalid(format!("`{arg}` needs a value")),
                };
                if arg == "--runs" {
                    options.runs = usize::try_from(number).unwrap_or(usize::MAX);
                } else {
                    options.timeout = std::time::Duration::from_secs(number);
                }
            }
            _ => return Task::Invalid(format!("unexpected argument `{arg}` to `bench`")),
        }
        first = false;
    }
    Task::Bench(options)
}

/// Reads `t1,t2`: tiers of [`bench::TIERS`], each once, put in their order.
fn parse_tiers(list: &str) -> Result<Vec<String>, String> {
    let named: Vec<&str> = list.split(',').map(str::trim).collect();
    if let Some(bad) = named.iter().find(|t| !bench::TIERS.contains(t)) {
        return Err(format!(
            "`{bad}` is not a tier (tiers: {})",
            bench::TIERS.join(", ")
        ));
    }
    Ok(bench::TIERS
        .iter()
        .filter(|t| named.contains(t))
        .map(|t| (*t).to_owned())
        .collect())
}

/// Reads the arguments of `serve`: nothing, `--port PORT` or `--port=PORT`.
fn parse_serve(mut args: impl Iterator<Item = String>) -> Task {
    let port = match args.next() {
        None => return Task::Serve(DEFAULT_PORT),
        Some(flag) if flag == "--port" => args.next(),
        Some(flag) => match flag.strip_prefix("--port=") {
            Some(port) => Some(port.to_owned()),
            None => return Task::Invalid(format!("unexpected argument `{flag}` to `serve`")),
        },
    };
    if let Some(extra) = args.next() {
        return Task::Invalid(format!("unexpected argument `{extra}` to `serve`"));
    }
    match port {
        None => Task::Invalid("`--port` needs a value".to_owned()),
        Some(port) => match port.parse() {
            Ok(port) => Task::Serve(port),
            Err(_) => Task::Invalid(format!("`{port}` is not a port number")),
        },
    }
}

/// Runs the task named on the command line and returns the process exit code.
fn main() -> ExitCode {
    let args: Result<Vec<String>, OsString> =
        env::args_os().skip(1).map(OsString::into_string).collect();
    let task = match args {
        Ok(args) => parse_args(args),
        Err(arg) => Task::Invalid(format!("argument {arg:?} is not valid UTF-8")),
    };
    match task {
        Task::Help => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Task::Test(only) => phases::run(&only),
        Task::Bench(options) => report(bench::bench(&options)),
        Task::Criterion(args) => criterion(&args),
        Task::Fuzz(options) => report(fuzz::fuzz(&options)),
        Task::Dist(profile) => report(dist::dist(profile, dist::WasmOpt::Run).map(drop)),
        Task::Serve(port) => report(serve::serve(port)),
        Task::WasmTestRunner(args) => report(browser::wasm_test_runner(args)),
        Task::Invalid(message) => {
            eprint!("error: {message}\n\n{USAGE}");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

/// Prints the error of a failed subcommand and turns the outcome into an exit code.
fn report(outcome: Result<(), error::Error>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `cargo bench -p avnm-gen -- ARGS` and exits the way cargo exited.
fn criterion(args: &[String]) -> ExitCode {
    let mut cargo_args = vec!["bench", "-p", "avnm-gen", "--"];
    cargo_args.extend(args.iter().map(String::as_str));
    match Cmd::cargo(&cargo_args).run_passing_code() {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_PORT, Task, bench, fuzz, parse_args};
    use crate::dist::Profile;

    #[track_caller]
    fn check(args: &[&str], expected: &Task) {
        let task = parse_args(args.iter().map(|arg| (*arg).to_owned()));
        assert_eq!(&task, expected, "arguments {args:?}");
    }

    #[test]
    fn no_arguments_print_help() {
        check(&[], &Task::Help);
    }

    #[test]
    fn help_spellings() {
        for spelling in ["help", "--help", "-h"] {
            check(&[spelling], &Task::Help);
        }
    }

    #[test]
    fn test_takes_phase_names() {
        check(&["test"], &Task::Test(vec![]));
        check(
            &["test", "e2e", "browser"],
            &Task::Test(vec!["e2e".into(), "browser".into()]),
        );
        check(
            &["test", "--release"],
            &Task::Invalid(
                "`--release` is not a phase of `test` \
                 (phases: fmt, clippy, test, fuzz, wasm-build, browser, e2e)"
                    .to_owned(),
            ),
        );
    }

    #[test]
    fn bench_takes_tiers_runs_and_what_to_leave_out() {
        check(&["bench"], &Task::Bench(bench::Options::default()));
        let tiers = |list: &[&str]| list.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        check(
            &["bench", "--runs", "5", "--t3", "--cpu", "--no-page"],
            &Task::Bench(bench::Options {
                tiers: tiers(&["t1", "t2", "t3"]),
                runs: 5,
                cpu: true,
                page: false,
                ..bench::Options::default()
            }),
        );
        check(
            &[
                "bench",
                "--tiers",
                "t3,t1",
                "--no-browser",
                "--timeout",
                "30",
            ],
            &Task::Bench(bench::Options {
                tiers: tiers(&["t1", "t3"]),
                wasm: false,
                page: false,
                timeout: std::time::Duration::from_secs(30),
                ..bench::Options::default()
            }),
        );
        check(
            &["bench", "--tiers", "t1", "--t3", "--no-wasm"],
            &Task::Bench(bench::Options {
                tiers: tiers(&["t1", "t3"]),
                wasm: false,
                ..bench::Options::default()
            }),
        );
        check(
            &["bench", "--tiers", "t1,t4"],
            &Task::Invalid("`t4` is not a tier (tiers: t1, t2, t3)".to_owned()),
        );
        check(
            &["bench", "--runs", "0"],
            &Task::Invalid("`--runs` needs a positive number".to_owned()),
        );
        check(
            &["bench", "--timeout"],
            &Task::Invalid("`--timeout` needs a value".to_owned()),
        );
        check(
            &["bench", "t4"],
            &Task::Invalid("unexpected argument `t4` to `bench`".to_owned()),
        );
    }

    #[test]
    fn bench_criterion_passes_every_argument_through() {
        check(&["bench", "criterion"], &Task::Criterion(vec![]));
        check(
            &[
                "bench",
                "criterion",
                "membership",
                "--",
                "--save-baseline",
                "main",
            ],
            &Task::Criterion(vec![
                "membership".into(),
                "--".into(),
                "--save-baseline".into(),
                "main".into(),
            ]),
        );
        check(
            &["bench", "--t3", "criterion"],
            &Task::Invalid("unexpected argument `criterion` to `bench`".to_owned()),
        );
    }

    #[test]
    fn fuzz_takes_a_target_and_seconds() {
        check(&["fuzz"], &Task::Fuzz(fuzz::Options::default()));
        check(
            &["fuzz", "--seconds", "5", "link"],
            &Task::Fuzz(fuzz::Options {
                target: Some("link".to_owned()),
                seconds: 5,
            }),
        );
        assert!(matches!(
            parse_args(["fuzz", "links"].map(str::to_owned)),
            Task::Invalid(_)
        ));
        assert!(matches!(
            parse_args(["fuzz", "--seconds", "0"].map(str::to_owned)),
            Task::Invalid(_)
        ));
        assert!(matches!(
            parse_args(["fuzz", "--seconds"].map(str::to_owned)),
            Task::Invalid(_)
        ));
    }

    #[test]
    fn dist_is_release_unless_debug() {
        check(&["dist"], &Task::Dist(Profile::Release));
        check(&["dist", "--debug"], &Task::Dist(Profile::Debug));
        check(
            &["dist", "--release"],
            &Task::Invalid("unexpected argument `--release` to `dist`".to_owned()),
        );
        check(
            &["dist", "--debug", "x"],
            &Task::Invalid("unexpected argument `x` to `dist`".to_owned()),
        );
    }

    #[test]
    fn serve_takes_a_port() {
        check(&["serve"], &Task::Serve(DEFAULT_PORT));
        check(&["serve", "--port", "9000"], &Task::Serve(9000));
        check(&["serve", "--port=0"], &Task::Serve(0));
        check(
            &["serve", "--port"],
            &Task::Invalid("`--port` needs a value".to_owned()),
        );
        check(
            &["serve", "--port", "99999"],
            &Task::Invalid("`99999` is not a port number".to_owned()),
        );
        check(
            &["serve", "8080"],
            &Task::Invalid("unexpected argument `8080` to `serve`".to_owned()),
        );
        check(
            &["serve", "--port", "1", "--port", "2"],
            &Task::Invalid("unexpected argument `--port` to `serve`".to_owned()),
        );
    }

    #[test]
    fn wasm_test_runner_passes_every_argument_through() {
        check(
            &["wasm-test-runner", "/t/browser-1a2b.wasm", "--nocapture"],
            &Task::WasmTestRunner(vec!["/t/browser-1a2b.wasm".into(), "--nocapture".into()]),
        );
    }

    #[test]
    fn unknown_subcommands_are_usage_errors() {
        check(
            &["tset"],
            &Task::Invalid("unknown subcommand `tset`".to_owned()),
        );
        check(
            &["--test"],
            &Task::Invalid("unknown subcommand `--test`".to_owned()),
        );
        check(&[""], &Task::Invalid("unknown subcommand ``".to_owned()));
    }
}
