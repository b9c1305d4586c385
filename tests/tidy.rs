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

/// The text of a Rust file without its test modules (`#[cfg(test)] mod x { ... }`, found by matching braces) and
/// without comment lines, so that a scan reads the whole file and only the code that ships.
fn shipped_code(text: &str) -> String {
    // `#[cfg(test)]`, and `#[cfg(all(test, ...))]` (tests that run only natively, say).
    const TESTS: [&str; 2] = ["#[cfg(test)]", "#[cfg(all(test,"];
    let mut out = String::new();
    let mut rest = text;
    while let Some((at, test)) = TESTS
        .iter()
        .filter_map(|test| rest.find(test).map(|at| (at, test)))
        .min()
    {
        out.push_str(&rest[..at]);
        let after = &rest[at + test.len()..];
        let head_end = after.find(['{', ';']).unwrap_or(after.len());
        if after[..head_end].contains("mod ") && after[head_end..].starts_with('{') {
            let mut depth = 0usize;
            let mut end = after.len();
            for (i, c) in after[head_end..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = head_end + i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &after[end..];
        } else {
            // An attribute on something else, or `mod tests;` in a file of its own (scanned as test-only).
            rest = after;
        }
    }
    out.push_str(rest);
    out.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Files that hold only tests: `tests.rs`, `proptests.rs`, `reference.rs`, `differential.rs`, or anything under a `tests/` folder of
/// a crate (the path is read from the repository root, whose own `tests/` crate is not scanned here).
fn test_only(file: &Path) -> bool {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let inside = file.strip_prefix(root()).unwrap_or(file);
    [
        "tests.rs",
        "proptests.rs",
        "reference.rs",
        "differential.rs",
    ]
    .contains(&name)
        || inside
            .components()
            .skip(1)
            .any(|c| c.as_os_str() == "tests")
}

/// The core never reads a clock, spawns a thread or touches files, anywhere in a file that ships.
#[test]
fn core_does_no_io() {
    let mut files = Vec::new();
    sources(&root().join("core/src"), &mut files);
    assert!(!files.is_empty());
    for file in files.iter().filter(|f| !test_only(f)) {
        let text = shipped_code(&read(file));
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

#[test]
fn test_files_are_told_from_shipped_ones() {
    assert!(!test_only(&root().join("core/src/model.rs")));
    assert!(test_only(&root().join("core/src/scenario/change/tests.rs")));
    assert!(test_only(&root().join("core/src/import/tests/x.rs")));
}

#[test]
fn the_code_scan_skips_test_modules_only() {
    let text = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn t() { println!(\"{}\", 1); }\n}\nfn b() { println!(\"x\"); }\n";
    let code = shipped_code(text);
    assert!(
        code.contains("fn a()") && code.contains("fn b() { println!"),
        "{code}"
    );
    assert!(!code.contains("fn t()"), "{code}");
    assert!(shipped_code("#[cfg(test)]\nmod tests;\nfn c() {}").contains("fn c()"));
    let native = "fn a() {}\n#[cfg(all(test, not(target_arch = \"wasm32\")))]\nmod tests {\n    fn t() { x(\"{\\\"properties\\\": {}}\"); }\n}\nfn b() {}\n";
    let code = shipped_code(native);
    assert!(code.contains("fn a()") && code.contains("fn b()"), "{code}");
    assert!(
        !code.contains("properties"),
        "a test module for native targets only is a test module: {code}"
    );
}

/// The modules of `core` that a file refers to with `crate::...` paths, grouped imports included.
fn core_references(code: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1usize;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 || (depth == 1 && c == ',') {
                    if let Some(name) = item.trim().split("::").next().filter(|n| !n.is_empty()) {
                        out.insert(name.trim_start_matches('{').trim().to_owned());
                    }
                    item.clear();
                    if depth == 0 {
                        break;
                    }
                } else {
                    item.push(c);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The allowed dependencies of each core module, read from ARCHITECTURE.md's "Module dependencies" list:
/// lines `- \`module\` reads \`a\`, \`b\`` or `- \`module\` reads nothing`.
fn documented_dependencies() -> std::collections::BTreeMap<String, Vec<String>> {
    let doc = read(&root().join("ARCHITECTURE.md"));
    let section = doc
        .split("### Module dependencies")
        .nth(1)
        .expect("ARCHITECTURE.md has a `### Module dependencies` section")
        .split("\n#")
        .next()
        .unwrap_or_default();
    section
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- `"))
        .filter_map(|l| l.split_once("` reads "))
        .map(|(module, reads)| {
            let allowed = reads
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect();
            (module.to_owned(), allowed)
        })
        .collect()
}

/// Dependencies between the modules of `core` flow one way, as ARCHITECTURE.md says: each module refers only to
/// the modules its line lists.
#[test]
fn core_modules_depend_as_documented() {
    let allowed = documented_dependencies();
    assert!(
        allowed.contains_key("model") && allowed.contains_key("analysis"),
        "{allowed:?}"
    );
    let dir = root().join("core/src");
    let mut files = Vec::new();
    sources(&dir, &mut files);
    let mut problems = Vec::new();
    for file in files.iter().filter(|f| !test_only(f)) {
        let relative = file.strip_prefix(&dir).unwrap();
        let module = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" {
            continue;
        }
        let Some(may) = allowed.get(&module) else {
            problems.push(format!(
                "ARCHITECTURE.md does not list the module `{module}`"
            ));
            continue;
        };
        for used in core_references(&shipped_code(&read(file))) {
            if used != module && !may.contains(&used) {
                problems.push(format!(
                    "{} (module `{module}`) refers to `{used}`, which its line in ARCHITECTURE.md does not list",
                    relative.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn references_are_found_in_grouped_imports() {
    let found = core_references(
        "use crate::{model::{A, B}, path::Path};\nlet x = crate::verdict::Flow::new();",
    );
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["model", "path", "verdict"]);
}

/// Only `web/src/platform.rs` touches the browser's APIs.
#[test]
fn only_platform_touches_the_browser() {
    let mut files = Vec::new();
    sources(&root().join("web/src"), &mut files);
    assert!(!files.is_empty());
    for file in files.iter().filter(|f| !f.ends_with("platform.rs")) {
        let text = shipped_code(&read(file));
        for banned in ["web_sys", "gloo", "js_sys", "wasm_bindgen"] {
            assert!(
                !text.contains(banned),
                "{} uses `{banned}`: only platform.rs may",
                file.display()
            );
        }
    }
}

/// `avnm` writes its standard output through `out::print` only: `print!` panics when the output's reader has gone.
#[test]
fn avnm_prints_through_out_only() {
    let mut files = Vec::new();
    sources(&root().join("cli/src"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("out.rs")));
    for file in files.iter().filter(|f| !f.ends_with("out.rs")) {
        let text = shipped_code(&read(file));
        for banned in ["print!(", "println!(", "stdout()"] {
            let found = text
                .match_indices(banned)
                .any(|(at, _)| !text[..at].ends_with('e'));
            assert!(
                !found,
                "{} writes with `{banned}`: standard output goes through `out::print`",
                file.display()
            );
        }
    }
}

/// The web crate never touches the document's JSON: no JSON dependency, no raw edits, no paths written by hand.
#[test]
fn web_holds_no_json() {
    let manifest = read(&root().join("web/Cargo.toml"));
    assert!(
        !manifest.contains("serde_json"),
        "web/Cargo.toml must not depend on serde_json"
    );
    let mut files = Vec::new();
    sources(&root().join("web/src"), &mut files);
    for file in &files {
        // Test fixtures may hold documents; the code that ships holds no path.
        let text = shipped_code(&read(file));
        for banned in [
            "serde_json",
            "Edit::",
            "scenario::Edit",
            ".key(\"",
            "Path::parse",
            "\"properties",
            ".properties",
        ] {
            assert!(
                !text.contains(banned),
                "{} contains `{banned}`: change the design through `Change`",
                file.display()
            );
        }
    }
}

/// Every dev-dependency of a crate is used by its tests or benchmarks.
#[test]
fn no_unused_dev_dependencies() {
    for krate in ["core", "web", "cli", "tests", "lesson", "link"] {
        let dir = root().join(krate);
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let mut files = Vec::new();
        sources(&dir, &mut files);
        let code: String = files.iter().map(|f| read(f)).collect();
        for section in manifest
            .split("\n[")
            .filter(|s| s.contains("dev-dependencies]"))
        {
            for line in section.lines().skip(1) {
                let Some(name) = line
                    .split(['=', '.'])
                    .next()
                    .map(str::trim)
                    .filter(|n| !n.is_empty() && !n.starts_with('#'))
                else {
                    continue;
                };
                let name = name.replace('-', "_");
                // A package may name its library differently: `hcl-rs` is `hcl`.
                let library = name.strip_suffix("_rs").unwrap_or(&name);
                let used = [name.as_str(), library].iter().any(|n| {
                    code.contains(&format!("{n}::")) || code.contains(&format!("use {n}"))
                });
                assert!(
                    used,
                    "{krate}/Cargo.toml: the dev-dependency `{name}` is not used"
                );
            }
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

/// The page shell has a Content-Security-Policy that runs no inline script (wasm needs only
/// `wasm-unsafe-eval`) and loads nothing from another origin; its one script is a file of the bundle.
#[test]
fn the_page_allows_no_inline_script_and_no_other_origin() {
    let page = read(&root().join("index.html"));
    let csp = page
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("index.html has a Content-Security-Policy meta element");
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(name))
            .unwrap_or_else(|| panic!("the CSP has no `{name}`: {csp}"))
            .to_owned()
    };
    assert_eq!(directive("default-src"), "default-src 'self'");
    assert_eq!(
        directive("script-src"),
        "script-src 'self' 'wasm-unsafe-eval'"
    );
    assert_eq!(directive("connect-src"), "connect-src 'self'");
    assert!(!csp.contains("http"), "no other origin is allowed: {csp}");
    for script in page.split("<script").skip(1) {
        let (attributes, body) = script.split_once('>').unwrap();
        assert!(
            attributes.contains("src="),
            "a script without src: <script{script}"
        );
        assert!(
            body.trim_start().starts_with("</script>"),
            "an inline script: <script{script}"
        );
    }
}
