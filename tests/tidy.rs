//! Structural rules of the repository, checked as an ordinary test (rust-analyzer's `tidy`).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The core builds for the browser and the host, with no IO: no web crate, no randomness, no async runtime.
#[test]
fn core_depends_on_no_platform_crate() {
    let manifest = read(&root().join("core/Cargo.toml"));
    let dependencies = manifest
        .split("[dev-dependencies]")
        .next()
        .unwrap_or_default();
    for banned in [
        "yew",
        "web-sys",
        "js-sys",
        "wasm-bindgen",
        "gloo",
        "getrandom",
        "rand",
        "tokio",
    ] {
        let found = dependencies
            .lines()
            .any(|l| l.trim_start().starts_with(banned) && l.contains('='));
        assert!(!found, "core/Cargo.toml must not depend on `{banned}`");
    }
}

/// A toolchain file would make rustup change the machine's toolchain (toolchain notes, pitfall P2).
#[test]
fn no_toolchain_file() {
    for name in ["rust-toolchain", "rust-toolchain.toml"] {
        assert!(!root().join(name).exists(), "{name} must not be committed");
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The core never reads a clock, spawns a thread or touches files.
#[test]
fn core_does_no_io() {
    let mut files = Vec::new();
    sources(&root().join("core/src"), &mut files);
    assert!(!files.is_empty());
    for file in files {
        // Test-only files and the test modules at the bottom of a file may print and read fixtures.
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if ["tests.rs", "proptests.rs", "reference.rs"].contains(&name) {
            continue;
        }
        let whole = read(&file);
        let text = whole.split("#[cfg(test)]").next().unwrap_or_default();
        for banned in [
            "std::fs",
            "std::time",
            "std::thread",
            "std::net::TcpStream",
            "std::process",
            "println!",
            "eprintln!",
            "thread_local!",
            "static mut",
        ] {
            assert!(!text.contains(banned), "{} uses `{banned}`", file.display());
        }
    }
}

/// Every module opens with a paragraph saying what it is for.
#[test]
fn modules_have_docs() {
    let mut files = Vec::new();
    for dir in ["core/src", "cli/src"] {
        sources(&root().join(dir), &mut files);
    }
    for file in files {
        let text = read(&file);
        assert!(
            text.trim_start().starts_with("//!"),
            "{} has no `//!` module doc",
            file.display()
        );
    }
}
