//! Running external programs (cargo, rustc, rustup, apt-get) from the workspace root.
//!
//! A [`Cmd`] knows how to print itself, so every failure names the exact command that failed.
//! Children get no standard input, because CI runs the xtask without one, and their output goes straight to the terminal.
//! The one exception is [`Cmd::run_counting`], which passes the output through a pipe so that a [`Tally`] can read it.

use std::borrow::Cow;
use std::env;
use std::ffi::OsString;
use std::fmt;
use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};

use crate::tally::{Counts, Tally};

/// The workspace root: the parent of the xtask crate's directory.
///
/// `cargo run` (and so `cargo xtask`) sets `CARGO_MANIFEST_DIR` for the running binary; it is preferred over the
/// directory recorded at compile time, which goes stale when a checkout is moved or copied along with its `target/`.
pub fn workspace_root() -> PathBuf {
    let mut root = env::var_os("CARGO_MANIFEST_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    // INVARIANT: xtask/ sits directly inside the workspace root, so removing the last component gives the root.
    root.pop();
    root
}

/// An external command with arguments, run from the workspace root.
#[derive(Debug)]
pub struct Cmd {
    /// The short name used in messages (`cargo`, even when `$CARGO` is a full path).
    name: &'static str,
    /// The program actually started.
    program: OsString,
    /// The arguments after the program.
    args: Vec<String>,
    /// Environment variables set for the program only, in the order they were added.
    envs: Vec<(&'static str, String)>,
}

impl Cmd {
    /// A cargo command, using the cargo that runs the xtask (`$CARGO`) or else `cargo` from `PATH`.
    pub fn cargo(args: &[&str]) -> Self {
        Self::with_env_override("cargo", "CARGO", args)
    }

    /// A rustc command, using `$RUSTC` or else `rustc` from `PATH`.
    pub fn rustc(args: &[&str]) -> Self {
        Self::with_env_override("rustc", "RUSTC", args)
    }

    /// A rustup command, using `rustup` from `PATH`.
    pub fn rustup(args: &[&str]) -> Self {
        Self::new("rustup", args)
    }

    /// Any other program, found on `PATH`.
    pub fn new(name: &'static str, args: &[&str]) -> Self {
        Self {
            name,
            program: name.into(),
            args: owned_args(args),
            envs: Vec::new(),
        }
    }

    /// Sets the environment variable `key` for this command only; it is printed before the command.
    pub fn env(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.envs.push((key, value.into()));
        self
    }

    /// A command whose program may be replaced through the environment variable `var`.
    fn with_env_override(name: &'static str, var: &str, args: &[&str]) -> Self {
        let program = env::var_os(var)
            .filter(|program| !program.is_empty())
            .unwrap_or_else(|| name.into());
        Self {
            name,
            program,
            args: owned_args(args),
            envs: Vec::new(),
        }
    }

    /// Runs the command with its output going to the terminal, and fails unless it exits successfully.
    pub fn run(&self) -> Result<(), CmdError> {
        self.announce();
        let status = self
            .command()
            .status()
            .map_err(|error| self.error(Cause::Start(error)))?;
        self.check(status)
    }

    /// Runs the command and returns its exit code, for subcommands that only pass cargo through.
    ///
    /// A code that does not fit the exit code range (or a death by signal) becomes 1.
    pub fn run_passing_code(&self) -> Result<u8, CmdError> {
        self.announce();
        let status = self
            .command()
            .status()
            .map_err(|error| self.error(Cause::Start(error)))?;
        Ok(status
            .code()
            .and_then(|code| u8::try_from(code).ok())
            .unwrap_or(1))
    }

    /// Runs the command and returns its standard output; standard error still goes to the terminal.
    pub fn read(&self) -> Result<String, CmdError> {
        let output = self
            .command()
            .stderr(Stdio::inherit())
            .output()
            .map_err(|error| self.error(Cause::Start(error)))?;
        self.check(output.status)?;
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Runs the command, copying its output unchanged to our standard output while counting `test result:` lines.
    ///
    /// The child's standard output and standard error share one pipe, so their lines keep the order in which they
    /// were written (with two pipes, cargo's `Running …` headers can overtake the previous test binary's output).
    /// Adds the counts of this command's test binaries to `counts`, whether or not the command succeeds.
    /// Fails when the command fails, and also when it exits successfully but reports failed tests.
    pub fn run_counting(&self, counts: &mut Counts) -> Result<(), CmdError> {
        self.announce();
        let (reader, mut child) = self
            .spawn_into_pipe()
            .map_err(|error| self.error(Cause::Start(error)))?;
        let mut tally = Tally::default();
        let copied = copy_and_count(reader, &mut tally);
        let status = child.wait();
        let own = tally.finish();
        *counts += own;
        let status = status.map_err(|error| self.error(Cause::Io(error)))?;
        copied.map_err(|error| self.error(Cause::Io(error)))?;
        self.check(status)?;
        if own.failed > 0 {
            return Err(self.error(Cause::FailedTests(own.failed)));
        }
        Ok(())
    }

    /// Starts the command with its standard output and standard error both writing into one new pipe.
    fn spawn_into_pipe(&self) -> io::Result<(io::PipeReader, Child)> {
        let (reader, writer) = io::pipe()?;
        let mut command = self.command();
        command.stdout(writer.try_clone()?).stderr(writer);
        let child = command.spawn()?;
        // `command` holds our copies of the pipe's write end; dropping it lets the reader see the end of the output.
        drop(command);
        Ok((reader, child))
    }

    /// Prints the command on standard error before it runs, like cargo's own progress lines.
    fn announce(&self) {
        eprintln!("xtask: running `{self}`");
    }

    /// The process to start: the program and arguments, run from the workspace root with no standard input.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .envs(self.envs.iter().map(|(key, value)| (key, value)))
            .current_dir(workspace_root())
            .stdin(Stdio::null());
        command
    }

    /// Succeeds if the command exited successfully.
    fn check(&self, status: ExitStatus) -> Result<(), CmdError> {
        if status.success() {
            Ok(())
        } else {
            Err(self.error(Cause::Exit(status)))
        }
    }

    /// An error naming this command.
    fn error(&self, cause: Cause) -> CmdError {
        CmdError {
            command: self.to_string(),
            cause,
        }
    }
}

impl fmt::Display for Cmd {
    /// Writes the command as one would type it, for example `cargo fmt --all -- --check`,
    /// preceded by its environment variables (`KEY=value cargo test …`) so that it can be pasted into a shell.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in &self.envs {
            write!(f, "{key}={} ", shell_quote(value))?;
        }
        f.write_str(self.name)?;
        for arg in &self.args {
            write!(f, " {}", shell_quote(arg))?;
        }
        Ok(())
    }
}

/// Quotes `value` for a POSIX shell when it holds anything but plain word characters.
fn shell_quote(value: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./,:=@%+".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(format!("'{}'", value.replace('\'', r"'\''")))
    }
}

/// Copies `from` to our standard output chunk by chunk, as the bytes arrive, feeding the same bytes to `tally`.
fn copy_and_count(from: impl io::Read, tally: &mut Tally) -> io::Result<()> {
    let mut from = BufReader::new(from);
    let mut to = io::stdout().lock();
    loop {
        let chunk = match from.fill_buf() {
            Ok([]) => return Ok(()),
            Ok(chunk) => chunk,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        to.write_all(chunk)?;
        to.flush()?;
        tally.feed(chunk);
        let len = chunk.len();
        from.consume(len);
    }
}

/// Copies string slices into owned arguments.
fn owned_args(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

/// A command that failed, and how.
#[derive(Debug)]
pub struct CmdError {
    /// The command as printed by [`Cmd`]'s `Display`.
    command: String,
    /// What went wrong.
    cause: Cause,
}

/// How a command failed.
#[derive(Debug)]
enum Cause {
    /// The program could not be started (usually: it is not installed).
    Start(io::Error),
    /// Reading the program's output or waiting for it failed.
    Io(io::Error),
    /// The program exited unsuccessfully.
    Exit(ExitStatus),
    /// The program exited successfully but its test harnesses reported this many failed tests.
    FailedTests(u64),
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let command = &self.command;
        match &self.cause {
            Cause::Start(error) => write!(f, "`{command}` could not be started: {error}"),
            Cause::Io(error) => write!(f, "`{command}` could not be run to completion: {error}"),
            Cause::Exit(status) => write!(f, "`{command}` failed ({status})"),
            Cause::FailedTests(failed) => write!(f, "`{command}` reported {failed} failed tests"),
        }
    }
}

impl std::error::Error for CmdError {}

#[cfg(test)]
mod tests {
    use super::{Cause, Cmd, CmdError};

    #[test]
    fn commands_print_as_typed() {
        let cmd = Cmd::rustup(&["target", "add", "wasm32-unknown-unknown"]);
        assert_eq!(cmd.to_string(), "rustup target add wasm32-unknown-unknown");
    }

    #[test]
    fn environment_variables_print_before_the_command() {
        let cmd = Cmd::new("cargo", &["test", "-p", "avnm-web", "--test", "*"])
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60")
            .env("RUNNER", "/my dir/xtask wasm-test-runner")
            .env("EMPTY", "")
            .env("QUOTE", "it's");
        assert_eq!(
            cmd.to_string(),
            "WASM_BINDGEN_TEST_TIMEOUT=60 RUNNER='/my dir/xtask wasm-test-runner' EMPTY='' QUOTE='it'\\''s' \
             cargo test -p avnm-web --test '*'"
        );
    }

    #[test]
    fn errors_name_the_command() {
        let error = CmdError {
            command: "cargo test --workspace".to_owned(),
            cause: Cause::FailedTests(2),
        };
        assert_eq!(
            error.to_string(),
            "`cargo test --workspace` reported 2 failed tests"
        );
    }

    #[test]
    fn workspace_root_holds_this_crate() {
        assert!(
            super::workspace_root()
                .join("xtask")
                .join("Cargo.toml")
                .is_file()
        );
    }
}
