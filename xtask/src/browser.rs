//! Headless Chromium for the `browser` and `e2e` phases: finding (or installing) it, and the flags it runs with.
//!
//! Chromium and chromedriver come from Debian's `chromium` and `chromium-driver` packages, one source package, so
//! their versions always match (notes/toolchain.md §4–5).
//! Nothing here ever downloads a browser build of its own: only `apt-get` installs, and only as root.

use std::env;
use std::path::{Path, PathBuf};

use crate::cmd::{Cmd, workspace_root};
use crate::dist::WASM_TARGET;
use crate::error::Error;

/// The command that installs what the browser phases need, as root.
const INSTALL: &str = "apt-get update && apt-get install -y chromium chromium-driver";

/// Where Debian's `chromium` package puts the browser.
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// Chrome flags for every browser we start: no GPU, and no traffic beyond the pages under test (pitfall P11), since
/// this machine reaches no network but the package registries.
///
/// `web/webdriver.json` repeats them for the wasm-bindgen-test runner; a test below keeps the two equal.
pub const QUIET_ARGS: &[&str] = &[
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The browser found on this machine.
#[derive(Debug, Clone)]
pub struct Browser {
    /// The chromedriver program.
    pub chromedriver: PathBuf,
    /// The Chromium binary to ask chromedriver for, when it is at Debian's place; otherwise chromedriver looks.
    pub chromium: Option<PathBuf>,
}

/// Finds chromedriver (`$CHROMEDRIVER`, else `PATH`), installing Chromium and chromedriver with apt-get if it is
/// missing and we run as root with apt-get and without `XTASK_NO_INSTALL=1`.
/// Otherwise fails with the exact command to run.
pub fn ensure_browser() -> Result<Browser, Error> {
    if let Some(browser) = find_browser() {
        return Ok(browser);
    }
    let no_install = env::var_os("XTASK_NO_INSTALL").is_some_and(|value| value == "1");
    let root = is_root();
    let apt = find_on_path("apt-get").is_some();
    if no_install || !root || !apt {
        let why = if no_install {
            "XTASK_NO_INSTALL=1 is set"
        } else if !apt {
            "apt-get is not available"
        } else {
            "the xtask is not running as root"
        };
        return Err(Error::Browser(missing_message(why, root)));
    }
    eprintln!("xtask: chromedriver is not on PATH; installing Chromium with apt-get");
    Cmd::new("apt-get", &["update"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
    Cmd::new("apt-get", &["install", "-y", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
    find_browser().ok_or_else(|| {
        Error::Browser(
            "chromedriver is still not on PATH after installing `chromium-driver`".to_owned(),
        )
    })
}

/// The error message for a missing chromedriver that we may not install: why, and the command to run.
fn missing_message(why: &str, root: bool) -> String {
    let command = if root {
        INSTALL.to_owned()
    } else {
        format!("sudo {}", INSTALL.replace("&& apt-get", "&& sudo apt-get"))
    };
    format!(
        "chromedriver is not on PATH and {why}, so it was not installed; \
         install Chromium and chromedriver with `{command}` (or set CHROMEDRIVER to a chromedriver program)"
    )
}

/// The browser, if chromedriver can be found without installing anything.
fn find_browser() -> Option<Browser> {
    let chromedriver = env::var_os("CHROMEDRIVER")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .filter(|path| path.is_file())
        .or_else(|| find_on_path("chromedriver"))?;
    let chromium = Some(PathBuf::from(DEBIAN_CHROMIUM)).filter(|path| path.is_file());
    Some(Browser {
        chromedriver,
        chromium,
    })
}

/// The first file named `name` in the directories of `PATH`.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Whether this process runs as root: the owner of `/proc/self` is our user (Linux; elsewhere we say no).
fn is_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// `cargo test -p avnm-web --target wasm32-unknown-unknown`, with this very binary as cargo's runner for the target.
///
/// The hidden subcommand `wasm-test-runner` of this binary is the wasm-bindgen test runner (in-process, same version
/// as the `wasm-bindgen` library); it starts `browser.chromedriver` and runs each test wasm in headless Chromium with
/// the flags of `web/webdriver.json`.
/// Cargo splits the runner on whitespace, so the path of the xtask binary must not contain any.
pub fn wasm_test_command(browser: &Browser, cargo_args: &[&str]) -> Result<Cmd, Error> {
    let exe = env::current_exe().map_err(crate::error::io("find the path of the running xtask"))?;
    let runner = format!("{} wasm-test-runner", exe.display());
    let webdriver_json = workspace_root().join("web").join("webdriver.json");
    Ok(Cmd::cargo(cargo_args)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env("CHROMEDRIVER", path_string(&browser.chromedriver))
        .env("WASM_BINDGEN_TEST_TIMEOUT", "60")
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            path_string(&webdriver_json),
        ))
}

/// A path as text for an environment variable.
fn path_string(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The arguments of the browser phase's cargo command: every integration test file of avnm-web (`web/tests/*.rs`),
/// where its `#[wasm_bindgen_test]`s live.
///
/// Never `--workspace` (pitfall P5), and not the lib's or bin's unit tests either: compiled for wasm32, their plain
/// `#[test]`s are silently skipped, and native-only test code in them (SSR renders) would not even build.
pub const WASM_TEST_ARGS: &[&str] = &[
    "test",
    "-p",
    "avnm-web",
    "--target",
    WASM_TARGET,
    "--test",
    "*",
];

/// Runs `xtask wasm-test-runner ARGS…` as the wasm-bindgen test runner: cargo calls it with the test wasm and the
/// test harness arguments.
///
/// It runs from the workspace root: the runner's server answers what is not its own from the current directory, so
/// the app under test fetches `static/examples/…` and `static/lessons/…` as the served bundle does.
pub fn wasm_test_runner(args: Vec<String>) -> Result<(), Error> {
    let root = workspace_root();
    env::set_current_dir(&root).map_err(crate::error::io(format!(
        "enter the workspace root `{}`",
        root.display()
    )))?;
    let argv = std::iter::once("wasm-bindgen-test-runner".to_owned()).chain(args);
    wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(argv)
        .map_err(|error| Error::Bindgen(format!("{error:#}")))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::{QUIET_ARGS, missing_message};
    use crate::cmd::workspace_root;

    #[test]
    fn webdriver_json_has_the_quiet_args() {
        let path = workspace_root().join("web").join("webdriver.json");
        let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let args: Vec<&str> = json["goog:chromeOptions"]["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|arg| arg.as_str().unwrap())
            .collect();
        assert_eq!(args, QUIET_ARGS);
    }

    #[test]
    fn missing_browser_messages_name_the_command() {
        assert_eq!(
            missing_message("XTASK_NO_INSTALL=1 is set", true),
            "chromedriver is not on PATH and XTASK_NO_INSTALL=1 is set, so it was not installed; install Chromium \
             and chromedriver with `apt-get update && apt-get install -y chromium chromium-driver` \
             (or set CHROMEDRIVER to a chromedriver program)"
        );
        assert!(
            missing_message("the xtask is not running as root", false).contains(
                "`sudo apt-get update && sudo apt-get install -y chromium chromium-driver`"
            )
        );
    }
}
