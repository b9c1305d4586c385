//! The one error type of the xtask's subcommands and phases.
//!
//! Messages follow the project's grammar (lowercase, no final period, values in backticks) and name what to do
//! where there is something to do, such as the exact `apt-get` line when Chromium is missing.

use std::io;
use std::path::Path;

use crate::cmd::CmdError;
use crate::webdriver;

/// Why a subcommand or a phase of `cargo xtask test` failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An external command failed; its message names the command.
    #[error(transparent)]
    Cmd(#[from] CmdError),
    /// A file operation failed.
    #[error("cannot {action}: {source}")]
    Io {
        /// What was being done, for example "copy `static` to `dist/static`".
        action: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The in-process wasm-bindgen (or its test runner) failed.
    #[error("wasm-bindgen failed: {0}")]
    Bindgen(String),
    /// Chromium or chromedriver is missing and could not be installed; the message says how to install it.
    #[error("{0}")]
    Browser(String),
    /// The WebDriver client could not drive the browser outside of a test.
    #[error(transparent)]
    WebDriver(#[from] webdriver::Error),
    /// The static file server could not start.
    #[error("cannot serve on `{addr}`: {reason}")]
    Serve {
        /// The address asked for.
        addr: String,
        /// The reason given by the server.
        reason: String,
    },
    /// The bundle's first page is larger than its budget; the message gives the figures.
    #[error("{0}")]
    Budget(String),
    /// The benchmark runner printed something the table cannot read.
    #[error("{0}")]
    Bench(String),
    /// A fuzz target failed or could not run; the message says which and where its input is.
    #[error("{0}")]
    Fuzz(String),
    /// Some end-to-end tests failed; each was reported on its own line already.
    #[error("{0} end-to-end tests failed")]
    FailedTests(u64),
}

/// Wraps an [`io::Error`] with what was being done, for `map_err`.
pub fn io(action: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
    let action = action.into();
    move |source| Error::Io { action, source }
}

/// Formats a path for a message: relative to the workspace root where possible, in backticks.
pub fn shown(path: &Path) -> String {
    let root = crate::cmd::workspace_root();
    let path = path.strip_prefix(&root).unwrap_or(path);
    format!("`{}`", path.display())
}
