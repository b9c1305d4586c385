//! `cargo xtask dist`: the servable bundle of the playground in `dist/`.
//!
//! The bundle is the `avnm-web` binary built for `wasm32-unknown-unknown`, its JS glue, the root `index.html` and a
//! copy of `static/`:
//!
//! ```text
//! dist/index.html            copied from the workspace root
//! dist/avnm-web.js           the ES module that start.js imports (generated)
//! dist/start.js               the module loader index.html loads (written here: the CSP allows no inline script)
//! dist/avnm-web_bg.wasm      the app (generated)
//! dist/static/...            copied from static/
//! ```
//!
//! The JS glue comes from the `wasm-bindgen-cli` *library*, run in-process, whose version is pinned to the
//! workspace's `wasm-bindgen` (notes/toolchain.md §2b): nothing is `cargo install`ed and nothing is downloaded but
//! crates.
//! `dist/` is deleted and rebuilt on every run, so it never holds files from an older build.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::cmd::{Cmd, CmdError, workspace_root};
use crate::error::{Error, io, shown};

/// The target that the playground (and avnm-core) build for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The web crate's package and binary name; wasm-bindgen names its outputs after the binary.
const WEB_BIN: &str = "avnm-web";

/// Which cargo profile the wasm is built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `--profile web-release` (release, optimised for size): the bundle that is served and tested end to end.
    Release,
    /// The dev profile: builds faster, about five times larger.
    Debug,
}

impl Profile {
    /// The directory under `target/<triple>/` that cargo writes this profile's artifacts to.
    fn dir(self) -> &'static str {
        match self {
            Self::Release => "web-release",
            Self::Debug => "debug",
        }
    }
}

/// Adds the wasm32 target with rustup unless the toolchain's target library directory for it already exists.
///
/// This never writes a `rust-toolchain.toml`: with one, rustup may skip the target or update the toolchain (pitfall P2).
pub fn ensure_wasm_target() -> Result<(), CmdError> {
    let libdir = Cmd::rustc(&["--print", "target-libdir", "--target", WASM_TARGET]).read()?;
    if Path::new(libdir.trim()).is_dir() {
        return Ok(());
    }
    Cmd::rustup(&["target", "add", WASM_TARGET]).run()
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` (relative to the workspace root) or `target/`.
pub fn target_dir() -> PathBuf {
    let root = workspace_root();
    match std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The directory that `dist` fills.
pub fn dist_dir() -> PathBuf {
    workspace_root().join("dist")
}

/// Builds the bundle into `dist/`, prints the sizes of its `.wasm` and `.js` files, and returns the directory.
pub fn dist(profile: Profile) -> Result<PathBuf, Error> {
    ensure_wasm_target()?;
    let mut args = vec![
        "build",
        "-p",
        WEB_BIN,
        "--bin",
        WEB_BIN,
        "--target",
        WASM_TARGET,
    ];
    if profile == Profile::Release {
        args.extend(["--profile", "web-release"]);
    }
    Cmd::cargo(&args).run()?;

    let root = workspace_root();
    let out = dist_dir();
    if out.exists() {
        fs::remove_dir_all(&out).map_err(io(format!("remove {}", shown(&out))))?;
    }
    fs::create_dir_all(&out).map_err(io(format!("create {}", shown(&out))))?;

    let wasm = target_dir()
        .join(WASM_TARGET)
        .join(profile.dir())
        .join(format!("{WEB_BIN}.wasm"));
    bindgen(&wasm, &out)?;

    let index = root.join("index.html");
    fs::copy(&index, out.join("index.html")).map_err(io(format!(
        "copy {} to {}",
        shown(&index),
        shown(&out)
    )))?;
    // The page's Content-Security-Policy allows no inline script: the module loader is a file of the bundle.
    let start = out.join(START);
    fs::write(&start, START_JS).map_err(io(format!("write {}", shown(&start))))?;
    let assets = root.join("static");
    if assets.is_dir() {
        copy_dir(&assets, &out.join("static"))?;
    }

    report_sizes(&out)?;
    Ok(out)
}

/// The module loader that `index.html` loads, written by the build (the repository holds no `.js` file).
const START: &str = "start.js";
const START_JS: &str = "import init from \"./avnm-web.js\";\ninit();\n";

/// Runs wasm-bindgen in-process: `wasm-bindgen --target web --no-typescript --out-dir OUT WASM`.
pub fn bindgen(wasm: &Path, out: &Path) -> Result<(), Error> {
    let args: Vec<OsString> = vec![
        "wasm-bindgen".into(),
        "--target".into(),
        "web".into(),
        "--no-typescript".into(),
        "--out-dir".into(),
        out.into(),
        wasm.into(),
    ];
    eprintln!(
        "xtask: running wasm-bindgen --target web --no-typescript --out-dir {} {} (in-process)",
        shown(out),
        shown(wasm)
    );
    wasm_bindgen_cli::wasm_bindgen::run_cli_with_args(args)
        .map_err(|error| Error::Bindgen(format!("{error:#}")))
}

/// Copies the directory `from` to `to` recursively, creating `to`.
fn copy_dir(from: &Path, to: &Path) -> Result<(), Error> {
    fs::create_dir_all(to).map_err(io(format!("create {}", shown(to))))?;
    let entries = fs::read_dir(from).map_err(io(format!("read {}", shown(from))))?;
    for entry in entries {
        let entry = entry.map_err(io(format!("read {}", shown(from))))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            fs::copy(&source, &target).map_err(io(format!(
                "copy {} to {}",
                shown(&source),
                shown(&target)
            )))?;
        }
    }
    Ok(())
}

/// Prints one size line for each `.wasm` and `.js` file directly in `dir`, in name order.
fn report_sizes(dir: &Path) -> Result<(), Error> {
    let entries = fs::read_dir(dir).map_err(io(format!("read {}", shown(dir))))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(io(format!("read {}", shown(dir))))?.path();
        if path
            .extension()
            .is_some_and(|ext| ext == "wasm" || ext == "js")
        {
            files.push(path);
        }
    }
    files.sort();
    for path in files {
        let bytes = fs::read(&path).map_err(io(format!("read {}", shown(&path))))?;
        let gzipped = gzip_len(&bytes).map_err(io(format!("gzip {}", shown(&path))))?;
        println!("{}", size_line(&shown(&path), bytes.len() as u64, gzipped));
    }
    Ok(())
}

/// The size of `bytes` after `gzip -9`.
pub fn gzip_len(bytes: &[u8]) -> io::Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len() as u64)
}

/// One line of the size report, for example `` `dist/avnm-web_bg.wasm`: 231.4 KiB raw, 83.0 KiB gzip ``.
fn size_line(name: &str, raw: u64, gzipped: u64) -> String {
    format!("{name}: {} raw, {} gzip", kib(raw), kib(gzipped))
}

/// A byte count in KiB with one decimal.
pub fn kib(bytes: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "sizes are far below 2^53")]
    let kib = bytes as f64 / 1024.0;
    format!("{kib:.1} KiB")
}

#[cfg(test)]
mod tests {
    use super::{gzip_len, kib, size_line};

    #[test]
    fn size_lines() {
        assert_eq!(
            size_line("`dist/avnm-web_bg.wasm`", 236_954, 84_992),
            "`dist/avnm-web_bg.wasm`: 231.4 KiB raw, 83.0 KiB gzip"
        );
        assert_eq!(kib(0), "0.0 KiB");
        assert_eq!(kib(1024), "1.0 KiB");
    }

    #[test]
    fn gzip_compresses() {
        let text = "AVNM Playground ".repeat(1000);
        let len = gzip_len(text.as_bytes()).unwrap();
        assert!(len < 200, "16000 repetitive bytes gzip to {len} bytes");
    }

    #[test]
    fn gzip_of_nothing_is_just_the_header_and_trailer() {
        assert_eq!(gzip_len(&[]).unwrap(), 20);
    }
}
