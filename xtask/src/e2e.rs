//! End-to-end tests: the served release bundle in headless Chromium, driven over WebDriver.
//!
//! The `e2e` phase of `cargo xtask test` builds `dist/` (release), serves it on `127.0.0.1` at a free port, starts
//! chromedriver, and runs every test in [`TESTS`], each in a new browser session with a fresh profile (so no
//! `localStorage` or URL state leaks from one test into the next).
//! It prints one line per test, `e2e <name> ... ok` or `e2e <name> ... FAILED: <reason>`, then a libtest-shaped
//! `test result:` line, which the totals of `cargo xtask test` count.
//! A failing test leaves a screenshot in `target/e2e/<name>-failure.png`; chromedriver's log is
//! `target/e2e/chromedriver.log`.
//!
//! # Adding a test
//!
//! Write a function `fn my_flow(session: &mut Session, base_url: &str) -> Result<(), String>` below [`smoke`] and
//! add `("my_flow", my_flow)` to [`TESTS`].
//! `base_url` is the page, ending in `/` (append `#…` for a URL-hash state).
//! Inside, `?` works on every [`Session`] call; fail with `Err(format!(…))`, or use [`ensure`].
//! Find elements by `data-testid` or `id` (`session.find("[data-testid=rule-table]")?`); `find` and
//! `wait_for_text` poll for up to 10 s, because Yew renders asynchronously, so never sleep to wait for a result (only
//! the screenshot tour pauses, to let the diagram settle before a picture).
//!
//! ```ignore
//! fn add_rule(session: &mut Session, base_url: &str) -> Result<(), String> {
//!     session.goto(base_url)?;
//!     type_into(session, "[data-testid=rule-name]", "deny-ssh")?;
//!     session.click(&session.find("[data-testid=add-rule]")?)?;
//!     session.wait_for_text("[data-testid=rule-table]", "deny-ssh")?;
//!     Ok(())
//! }
//! ```

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::browser::{Browser, QUIET_ARGS};
use crate::cmd::workspace_root;
use crate::dist::target_dir;
use crate::error::{Error, io, shown};
use crate::serve::Background;
use crate::tally::Counts;
use crate::webdriver::{ChromeDriver, Session, chrome_capabilities};

/// An end-to-end test: drives `session` from the page at `base_url`, and says why it failed.
pub type Test = fn(&mut Session, &str) -> Result<(), String>;

/// Every end-to-end test, by name, in the order they run. Add new flows here (see the module docs).
pub const TESTS: &[(&str, Test)] = &[
    ("smoke", smoke),
    ("edit_rule_changes_verdict", edit_rule_changes_verdict),
    ("commits_change_the_diagram", commits_change_the_diagram),
    ("bad_json_keeps_the_design", bad_json_keeps_the_design),
    ("add_a_vnet", add_a_vnet),
    ("describe_a_subscription", describe_a_subscription),
    (
        "import_az_output_and_a_template",
        import_az_output_and_a_template,
    ),
    (
        "export_guardrails_in_every_format",
        export_guardrails_in_every_format,
    ),
    ("tour", tour),
];

/// Loads an example from the gallery.
fn load_example(session: &mut Session, base_url: &str, name: &str) -> Result<(), String> {
    session.goto(base_url)?;
    session.click(&session.find(&format!("[data-testid=load-{name}]"))?)?;
    Ok(())
}

/// Replaces the text of an input as one input event (typing key by key into a field with a `datalist` lets
/// headless Chromium's suggestion popup take the keys).
fn type_into(session: &mut Session, selector: &str, text: &str) -> Result<(), String> {
    session.find(selector)?;
    let script = "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                  e.dispatchEvent(new InputEvent('input', { bubbles: true }));";
    session.execute(script, &[selector.into(), text.into()])?;
    Ok(())
}

/// How many elements match a selector.
fn count(session: &mut Session, selector: &str) -> Result<u64, String> {
    let script = format!("return document.querySelectorAll('{selector}').length");
    Ok(session.execute(&script, &[])?.as_u64().unwrap_or(0))
}

/// Polls until `count(selector) == expected`, for up to 10 s.
fn wait_for_count(session: &mut Session, selector: &str, expected: u64) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = count(session, selector)?;
        if n == expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{n} elements match `{selector}`, expected {expected}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The hub may not SSH into a test spoke; changing the organization's Deny rule to Allow in the rule collection
/// editor changes the verdict panel's answer on the spot (spec example README: `deny-ssh` decides).
fn edit_rule_changes_verdict(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    type_into(session, "[data-testid=verdict-from]", "10.100.0.4")?;
    type_into(session, "[data-testid=verdict-to]", "10.11.0.4")?;
    type_into(session, "[data-testid=verdict-port]", "22")?;
    session.wait_for_text("[data-testid=verdict-decision]", "Denied")?;
    session.wait_for_text("[data-testid=verdict-rule]", "deny-ssh")?;
    session.click(&session.find("[data-testid=nav-rc-organization]")?)?;
    session.click(&session.find("[data-testid=rule-0-access] option[value=Allow]")?)?;
    session.wait_for_text("[data-testid=verdict-decision]", "Allowed")?;
    session.screenshot(&artifact("edit-rule.png"))?;
    session.click(&session.find("[data-testid=undo]")?)?;
    session.wait_for_text("[data-testid=verdict-decision]", "Denied")?;
    Ok(())
}

/// The diagram draws the four hub peerings; removing the connectivity commit removes them, undo brings them back.
fn commits_change_the_diagram(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.click(&session.find("[data-testid=tab-topology]")?)?;
    wait_for_count(session, "[data-testid=topology-peering]", 4)?;
    wait_for_count(session, "[data-testid=topology-group]", 1)?;
    session.screenshot(&artifact("topology.png"))?;
    session.click(&session.find("[data-testid=nav-Deployments]")?)?;
    session.click(&session.find("[data-testid=commit-0-remove]")?)?;
    wait_for_count(session, "[data-testid=topology-peering]", 0)?;
    session.click(&session.find("[data-testid=undo]")?)?;
    wait_for_count(session, "[data-testid=topology-peering]", 4)?;
    Ok(())
}

/// A document with an error in the JSON editor is refused with its line, and the design stays.
fn bad_json_keeps_the_design(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.click(&session.find("[data-testid='nav-Document (JSON)']")?)?;
    let editor = session.find("[data-testid=json-editor]")?;
    session.send_keys(&editor, "}")?;
    session.wait_for_text("[data-testid=json-error]", "line")?;
    session.click(&session.find("[data-testid=tab-intents]")?)?;
    session.wait_for_text("[data-testid=intents]", "4 passed, 0 failed")?;
    Ok(())
}

/// A new VNet added from the overview appears in the navigator with a free address space and opens in its editor.
fn add_a_vnet(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    type_into(session, "[data-testid=add-name]", "vnet-added")?;
    session.click(&session.find("[data-testid=add-submit]")?)?;
    session.wait_for_text("nav", "vnet-added")?;
    session.wait_for_text("nav", "10.0.0.0/16")?;
    session.wait_for_text("main", "vnet-added")?;
    Ok(())
}

/// The scopes editor describes a subscription the design only mentions, so conditions can read its name.
fn describe_a_subscription(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.click(&session.find("[data-testid=nav-Scopes]")?)?;
    let guid = "aaaaaaaa-0000-0000-0000-000000000001";
    session.click(&session.find(&format!("[data-testid=describe-{guid}]"))?)?;
    session.find(&format!("[data-testid=subscription-{guid}-name]"))?;
    session.screenshot(&artifact("scopes.png"))?;
    Ok(())
}

/// The shared folder of real Azure JSON: `$AVNM_SHARED/azure-samples`, else `shared/azure-samples` beside the
/// repository (as the import tests find it).
fn azure_samples() -> Result<PathBuf, String> {
    let shared = std::env::var_os("AVNM_SHARED")
        .map_or_else(|| workspace_root().join("../shared"), PathBuf::from);
    let dir = shared.join("azure-samples");
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "the shared azure-samples folder is missing: looked for {} (set AVNM_SHARED)",
            shown(&dir)
        ))
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", shown(path)))
}

/// Pastes a text into the import dialog and adds it as a source.
fn paste_source(session: &mut Session, text: &str) -> Result<(), String> {
    type_into(session, "[data-testid=import-text]", text)?;
    session.click(&session.find("[data-testid=import-add]")?)?;
    Ok(())
}

/// Real Azure JSON pasted into the import dialog becomes a design with a report:
/// - `az network vnet list` output: the list of the VNet that `az network vnet create` printed in Microsoft's
///   executable docs (`bodies/cli-output/executable-docs/newVNet.json`: the list is the `az network vnet show`
///   objects in an array, the CLI's flattened shape without `properties`);
/// - the Azure Verified Module's connectivity configuration template (`languageVersion` 2.0, compiled from Bicep)
///   with the parameters file of the import tests (`tests/import/parameters/`).
///
/// First a text with nothing to import is refused in one line and the design stays.
fn import_az_output_and_a_template(session: &mut Session, base_url: &str) -> Result<(), String> {
    let samples = azure_samples()?;
    let created: Value = serde_json::from_str(&read_text(
        &samples.join("bodies/cli-output/executable-docs/newVNet.json"),
    )?)
    .map_err(|e| format!("newVNet.json: {e}"))?;
    let vnet = created
        .get("newVNet")
        .cloned()
        .ok_or("newVNet.json has no `newVNet`")?;
    let list = json!([vnet]).to_string();
    let template = read_text(&samples.join(
        "sources/Azure+bicep-registry-modules/avm/res/network/network-manager/connectivity-configuration/main.json",
    ))?;
    let parameters = read_text(
        &workspace_root()
            .join("tests/import/parameters/connectivity-configuration.parameters.json"),
    )?;

    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.click(&session.find("[data-testid=import-open]")?)?;
    paste_source(session, "{\"value\": []}")?;
    session.wait_for_text("[data-testid=import-error]", "nothing to import")?;
    session.wait_for_text("[data-testid=import-error]", "your design is unchanged")?;
    let load = session.find("[data-testid=import-load]")?;
    ensure(
        session.attribute(&load, "disabled")?.is_some(),
        "a refused import cannot be loaded",
    )?;
    session.click(&session.find("[aria-label='Remove pasted.json']")?)?;

    paste_source(session, &list)?;
    paste_source(session, &template)?;
    paste_source(session, &parameters)?;
    wait_for_count(session, "[data-testid=import-sources] li", 3)?;
    // The report names each file and the JSON path of each thing read, skipped or inferred.
    let report = "[data-testid=import-report]";
    session.wait_for_text(report, "the Azure CLI's flattened shape")?;
    session.wait_for_text(report, "myVNetb1404f")?;
    session.wait_for_text(report, "resources.avmTelemetry")?;
    session.wait_for_text(report, "an existing resource: the template refers to it")?;
    session.wait_for_text(report, "resources.connectivityConfiguration")?;
    session.wait_for_text(report, "the value of parameter hubs")?;
    session.wait_for_text(
        "[data-testid=import-status]",
        "1 virtual network, 1 configuration",
    )?;
    session.screenshot(&artifact("import-report.png"))?;
    session.click(&session.find("[data-testid=import-load]")?)?;
    session.wait_for_text("[data-testid=import-status]", "Loaded from 3 sources")?;
    session.click(&session.find("[data-testid=import-dialog-close]")?)?;
    session.wait_for_text("nav", "myVNetb1404f")?;
    session.wait_for_text("nav", "10.168.0.0/16")?;
    // The template's configuration refers to a manager, a hub and a group that no source has: the diagnostics
    // say so.
    session.click(&session.find("[data-testid=tab-diagnostics]")?)?;
    session.wait_for_text("[data-testid=diagnostics]", "networkManagers/nm-prod")?;
    session.wait_for_text("[data-testid=diagnostics]", "virtualNetworks/hub")?;
    // One undo brings the example back.
    session.click(&session.find("[data-testid=undo]")?)?;
    session.wait_for_text("nav", "vnet-hub")?;
    Ok(())
}

/// The tests whose browser downloads files, into [`downloads`] (set in [`run_one`]).
const DOWNLOADING: &[&str] = &["export_guardrails_in_every_format"];

/// Where a test's browser puts its downloads (set in [`run_one`]).
fn downloads(test: &str) -> PathBuf {
    artifacts_dir()
        .join("profiles")
        .join(test)
        .join("downloads")
}

/// Polls for up to 10 s until a downloaded file is complete and not empty, and returns its bytes.
///
/// Chromium holds a file of a type it deems dangerous (a shell script) as `Unconfirmed <n>.crdownload` until the
/// user keeps it; with `held`, such a file counts as the download.
fn downloaded(test: &str, name: &str, held: bool) -> Result<Vec<u8>, String> {
    let path = downloads(test).join(name);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(bytes) = fs::read(&path)
            && !bytes.is_empty()
        {
            return Ok(bytes);
        }
        if held {
            let unconfirmed = fs::read_dir(downloads(test))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("Unconfirmed "))
                .find_map(|e| fs::read(e.path()).ok().filter(|b| !b.is_empty()));
            if let Some(bytes) = unconfirmed {
                return Ok(bytes);
            }
        }
        if Instant::now() > deadline {
            let there: Vec<String> = fs::read_dir(downloads(test))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            return Err(format!(
                "no download {} with something in it (the folder has {there:?})",
                shown(&path)
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The guardrails example exported in every format: the dialog shows each text with what the format leaves out,
/// and each download is a file under the name its tools expect, with the content of its format (the `az` script
/// as Chromium holds it until the user keeps it, see [`downloaded`]).
fn export_guardrails_in_every_format(session: &mut Session, base_url: &str) -> Result<(), String> {
    const TEST: &str = "export_guardrails_in_every_format";
    ensure(DOWNLOADING.contains(&TEST), "the test may download")?;
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.click(&session.find("[data-testid=export]")?)?;
    for (format, file, shown_text, starts) in [
        ("scenario", "design.json", "\"resources\"", "{"),
        ("arm", "azuredeploy.json", "deploymentTemplate.json#", "{"),
        ("bicep", "main.bicep", "targetScope", "//"),
        ("terraform", "main.tf", "azurerm_network_manager", "#"),
        ("az", "deploy.sh", "az network manager", "#!"),
    ] {
        session.click(&session.find(&format!("[data-testid=export-format-{format}]"))?)?;
        session.wait_for_text("[data-testid=export-text]", shown_text)?;
        session.click(&session.find(&format!("[data-testid='export-download-{file}']"))?)?;
        let bytes = downloaded(TEST, file, file.ends_with(".sh"))?;
        let text = String::from_utf8_lossy(&bytes);
        ensure(
            text.starts_with(starts) && text.contains(shown_text),
            format!(
                "{file} starts {:?}",
                text.chars().take(40).collect::<String>()
            ),
        )?;
    }
    // ARM cannot deploy a commit: the dialog says so.
    session.click(&session.find("[data-testid=export-format-arm]")?)?;
    session.wait_for_text("[data-testid=export-report]", "metadata.commits")?;
    session.click(&session.find("[data-testid=export-format-svg]")?)?;
    session.find("[data-testid=export-picture]")?;
    session.click(&session.find("[data-testid='export-download-topology.svg']")?)?;
    let svg = downloaded(TEST, "topology.svg", false)?;
    ensure(
        String::from_utf8_lossy(&svg).starts_with("<svg"),
        "topology.svg is an SVG picture",
    )?;
    session.click(&session.find("[data-testid=export-format-png]")?)?;
    session.click(&session.find("[data-testid='export-download-topology.png']")?)?;
    session.wait_for_text("[data-testid=export-status]", "downloaded")?;
    let png = downloaded(TEST, "topology.png", false)?;
    ensure(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "topology.png is a PNG picture",
    )?;
    session.screenshot(&artifact("export.png"))?;
    Ok(())
}

/// Screenshots of every view on an example, for the review of the playground (`target/e2e/tour-*.png`).
fn tour(session: &mut Session, base_url: &str) -> Result<(), String> {
    session.goto(base_url)?;
    session.wait_for_text("[data-testid=app-title]", "AVNM Playground")?;
    session.screenshot(&artifact("tour-gallery.png"))?;
    load_example(session, base_url, "hub-spoke-expressroute-multi-region")?;
    for tab in [
        "verdict",
        "membership",
        "topology",
        "matrix",
        "diagnostics",
        "intents",
        "rules",
    ] {
        session.click(&session.find(&format!("[data-testid=tab-{tab}]"))?)?;
        std::thread::sleep(Duration::from_millis(300));
        session.screenshot(&artifact(&format!("tour-{tab}.png")))?;
    }
    for (nav, name) in [
        ("nav-ng-payments", "group"),
        ("nav-cc-hub-weu", "connectivity"),
        ("nav-Deployments", "deployments"),
    ] {
        if let Some(item) = session.try_find(&format!("[data-testid={nav}]"))? {
            session.click(&item)?;
            std::thread::sleep(Duration::from_millis(300));
            session.screenshot(&artifact(&format!("tour-{name}.png")))?;
        }
    }
    load_example(session, base_url, "ssh-exception-for-one-team")?;
    if let Some(item) = session.try_find("[data-testid^=nav-rc-]")? {
        session.click(&item)?;
        std::thread::sleep(Duration::from_millis(300));
        session.screenshot(&artifact("tour-rules-editor.png"))?;
    }
    session.click(&session.find("[data-testid=theme]")?)?;
    std::thread::sleep(Duration::from_millis(300));
    session.screenshot(&artifact("tour-dark.png"))?;
    Ok(())
}

/// The page loads, the app renders its title, and a screenshot of it lands in `target/e2e/smoke.png`.
fn smoke(session: &mut Session, base_url: &str) -> Result<(), String> {
    session.goto(base_url)?;
    session.wait_for_text("[data-testid=app-title], h1", "AVNM Playground")?;
    let lang = session.attribute(&session.find("html")?, "lang")?;
    ensure(
        lang.as_deref() == Some("en"),
        format!("the page shell has lang {lang:?}, not \"en\""),
    )?;
    session.screenshot(&artifact("smoke.png"))?;
    Ok(())
}

/// Fails with `message` unless `condition` holds: `ensure(text == "2", "counter shows 2")?`.
pub fn ensure(condition: bool, message: impl Into<String>) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(message.into())
    }
}

/// Where the tests write screenshots and logs: `target/e2e/`.
fn artifacts_dir() -> PathBuf {
    target_dir().join("e2e")
}

/// The file `name` in `target/e2e/`, for screenshots: `session.screenshot(&artifact("my_flow.png"))?`.
pub fn artifact(name: &str) -> PathBuf {
    artifacts_dir().join(name)
}

/// Serves `dist`, starts chromedriver, runs [`TESTS`], and adds their counts to `counts`.
///
/// chromedriver and the server are stopped on every path out of here, failures included (both stop when dropped).
pub fn run(browser: &Browser, dist: &Path, counts: &mut Counts) -> Result<(), Error> {
    let out = artifacts_dir();
    fs::create_dir_all(&out).map_err(io(format!("create {}", shown(&out))))?;
    let server = Background::start(dist)?;
    let driver = ChromeDriver::start(&browser.chromedriver, &artifact("chromedriver.log"))?;
    eprintln!(
        "xtask: running {} end-to-end tests against {}",
        TESTS.len(),
        server.url()
    );

    let start = Instant::now();
    let mut own = Counts::default();
    for &(name, test) in TESTS {
        match run_one(browser, &driver, server.url(), name, test) {
            Ok(()) => {
                own.passed += 1;
                println!("e2e {name} ... ok");
            }
            Err(reason) => {
                own.failed += 1;
                println!("e2e {name} ... FAILED: {reason}");
            }
        }
    }
    println!("{}", result_line(own, start.elapsed()));
    *counts += own;
    drop(driver);
    drop(server);
    if own.failed > 0 {
        return Err(Error::FailedTests(own.failed));
    }
    Ok(())
}

/// Runs one test in a new session with a fresh profile; on failure, saves `target/e2e/<name>-failure.png`.
fn run_one(
    browser: &Browser,
    driver: &ChromeDriver,
    base_url: &str,
    name: &str,
    test: Test,
) -> Result<(), String> {
    let profile = artifacts_dir().join("profiles").join(name);
    // A leftover profile from an interrupted run is not fresh.
    let _ = fs::remove_dir_all(&profile);
    fs::create_dir_all(&profile)
        .map_err(|error| format!("cannot create {}: {error}", shown(&profile)))?;
    let mut capabilities = chrome_capabilities(browser.chromium.as_deref(), &chrome_args(&profile));
    if DOWNLOADING.contains(&name) {
        allow_downloads(&mut capabilities, &profile.join("downloads"));
    }
    let mut session = Session::new(driver, &capabilities)?;
    let outcome = test(&mut session, base_url);
    if outcome.is_err() {
        let shot = artifact(&format!("{name}-failure.png"));
        if session.screenshot(&shot).is_ok() {
            eprintln!("xtask: e2e {name} failed; screenshot in {}", shown(&shot));
        }
    }
    let deleted = session.delete();
    let _ = fs::remove_dir_all(&profile);
    outcome?;
    Ok(deleted?)
}

/// Lets the session download files into `dir` without asking, several from one page too.
fn allow_downloads(capabilities: &mut Value, dir: &Path) {
    if let Some(options) = capabilities
        .pointer_mut("/capabilities/alwaysMatch/goog:chromeOptions")
        .and_then(Value::as_object_mut)
    {
        options.insert(
            "prefs".to_owned(),
            json!({
                "download.default_directory": dir.to_string_lossy(),
                "download.prompt_for_download": false,
                "profile.default_content_setting_values.automatic_downloads": 1,
            }),
        );
    }
}

/// The Chromium flags of an end-to-end session: headless, root-friendly, a fixed window and a fresh profile, plus the
/// flags that keep it off the network.
fn chrome_args(profile: &Path) -> Vec<String> {
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
    ]
    .iter()
    .chain(QUIET_ARGS)
    .map(|arg| (*arg).to_owned())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// The libtest-shaped summary line of the end-to-end tests.
fn result_line(counts: Counts, elapsed: Duration) -> String {
    let verdict = if counts.failed == 0 { "ok" } else { "FAILED" };
    format!(
        "test result: {verdict}. {} passed; {} failed; 0 ignored; 0 measured; 0 filtered out; finished in {:.2}s",
        counts.passed,
        counts.failed,
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;
    use std::time::Duration;

    use super::{TESTS, chrome_args, ensure, result_line};
    use crate::tally::{Counts, parse_result_line};

    #[test]
    fn result_lines_count_in_the_totals() {
        for counts in [
            Counts {
                passed: 3,
                failed: 0,
            },
            Counts {
                passed: 2,
                failed: 1,
            },
        ] {
            let line = result_line(counts, Duration::from_millis(1234));
            assert_eq!(parse_result_line(&line), Some(counts), "{line}");
        }
        assert_eq!(
            result_line(
                Counts {
                    passed: 1,
                    failed: 0
                },
                Duration::from_millis(1234)
            ),
            "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.23s"
        );
    }

    #[test]
    fn test_names_are_unique_words() {
        let names: BTreeSet<_> = TESTS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names.len(), TESTS.len());
        for name in names {
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "`{name}` is also a file name in target/e2e"
            );
        }
    }

    #[test]
    fn chrome_args_stay_off_the_network_with_a_fresh_profile() {
        let args = chrome_args(Path::new("/tmp/profile"));
        for expected in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--window-size=1400,900",
            "--user-data-dir=/tmp/profile",
        ] {
            assert!(
                args.iter().any(|arg| arg == expected),
                "{expected} in {args:?}"
            );
        }
    }

    #[test]
    fn ensure_says_why() {
        assert_eq!(ensure(true, "unused"), Ok(()));
        assert_eq!(
            ensure(false, "counter shows 2"),
            Err("counter shows 2".to_owned())
        );
    }
}
