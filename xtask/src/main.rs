//! `cargo xtask`: the build and test automation of AVNM Playground, in the cargo-xtask style.
//!
//! The `.cargo/config.toml` alias `xtask = "run -p xtask --"` makes `cargo xtask <subcommand>` run this binary.
//! `cargo xtask test` is the one test command of the project: the README and `.ci/run` call exactly it.
//! The phases it runs are listed in [`phases::PHASES`]; the `test result:` line counting lives in [`tally`].
//! Only the standard library is used, so the xtask builds in seconds on a fresh machine.

mod cmd;
mod phases;
mod tally;

use std::env;
use std::ffi::OsString;
use std::process::ExitCode;

use cmd::Cmd;

/// The text printed by `cargo xtask help`, with no arguments, and after a usage error.
const USAGE: &str = "\
usage: cargo xtask <subcommand>

subcommands:
  test          run every check of the project: fmt, clippy, native tests, wasm build of avnm-core
  bench [ARGS]  run `cargo bench -p avnm-core -- ARGS`
  help          print this text
";

/// Exit code for a command line that the xtask does not understand.
const USAGE_ERROR: u8 = 2;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    /// Print the usage text and succeed.
    Help,
    /// Run all phases of `cargo xtask test`.
    Test,
    /// Run the core benchmarks, passing these arguments to the bench harness.
    Bench(Vec<String>),
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
        "bench" => Task::Bench(args.collect()),
        "test" => match args.next() {
            None => Task::Test,
            Some(extra) => Task::Invalid(format!("`test` takes no arguments, got `{extra}`")),
        },
        _ => Task::Invalid(format!("unknown subcommand `{subcommand}`")),
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
        Task::Test => phases::run_all(),
        Task::Bench(args) => bench(&args),
        Task::Invalid(message) => {
            eprint!("error: {message}\n\n{USAGE}");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

/// Runs `cargo bench -p avnm-core -- ARGS` and exits the way cargo exited.
fn bench(args: &[String]) -> ExitCode {
    let mut cargo_args = vec!["bench", "-p", "avnm-core", "--"];
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
    use super::{Task, parse_args};

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
    fn test_takes_no_arguments() {
        check(&["test"], &Task::Test);
        check(
            &["test", "--release"],
            &Task::Invalid("`test` takes no arguments, got `--release`".to_owned()),
        );
    }

    #[test]
    fn bench_passes_every_argument_through() {
        check(&["bench"], &Task::Bench(vec![]));
        check(
            &["bench", "membership", "--", "--save-baseline", "main"],
            &Task::Bench(vec![
                "membership".into(),
                "--".into(),
                "--save-baseline".into(),
                "main".into(),
            ]),
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
