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
//! Flows that need more than one session on one profile (a browser killed and started again) or the served
//! directory are [`FlowTest`]s in [`FLOW_TESTS`], run after [`TESTS`]: they get a [`Flow`].
//! `AVNM_E2E=<part>,<part>` runs only the flows whose name has one of the parts.
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

mod hostile;
mod scale;

/// An end-to-end test: drives `session` from the page at `base_url`, and says why it failed.
pub type Test = fn(&mut Session, &str) -> Result<(), String>;

/// Every end-to-end test, by name, in the order they run. Add new flows here (see the module docs).
pub const TESTS: &[(&str, Test)] = &[
    ("smoke", smoke),
    (
        "the_first_page_fetches_what_the_budget_counts",
        the_first_page_fetches_what_the_budget_counts,
    ),
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
    (
        "lesson_exercise_turns_to_pass",
        lesson_exercise_turns_to_pass,
    ),
    ("lesson_solution_applies", lesson_solution_applies),
    ("embed_verdict_is_read_only", embed_verdict_is_read_only),
    ("embed_postmessage", embed_postmessage),
    ("why_not_a_member", why_not_a_member),
    ("rename_a_vnet", rename_a_vnet),
    ("delete_a_used_group", delete_a_used_group),
    ("hostile_names_stay_text", hostile_names_stay_text),
    ("tour", tour),
    ("share_a_link", share_a_link),
    (
        "a_share_link_opens_in_a_fresh_profile",
        a_share_link_opens_in_a_fresh_profile,
    ),
    ("a_cut_link_keeps_the_design", a_cut_link_keeps_the_design),
    (
        "huge_files_keep_the_design",
        hostile::huge_files_keep_the_design,
    ),
    (
        "invalid_utf8_names_the_byte",
        hostile::invalid_utf8_names_the_byte,
    ),
    (
        "huge_links_keep_the_design",
        hostile::huge_links_keep_the_design,
    ),
    ("hostile_links_stay_text", hostile::hostile_links_stay_text),
    (
        "older_storage_still_opens",
        hostile::older_storage_still_opens,
    ),
    ("a_full_store_says_so", hostile::a_full_store_says_so),
    (
        "a_large_design_lists_and_draws_what_is_on_screen",
        a_large_design_lists_and_draws_what_is_on_screen,
    ),
    (
        "a_large_designs_edits_keep_their_order",
        scale::a_large_designs_edits_keep_their_order,
    ),
];

/// A flow that needs more than one browser session on its profile, or the served files: see [`Flow`].
pub type FlowTest = fn(&Flow) -> Result<(), String>;

/// The flows that start their own sessions, run after [`TESTS`].
pub const FLOW_TESTS: &[(&str, FlowTest)] = &[
    (
        "autosave_survives_a_killed_browser",
        hostile::autosave_survives_a_killed_browser,
    ),
    (
        "hostile_lesson_stays_text",
        hostile::hostile_lesson_stays_text,
    ),
];

/// What a [`FlowTest`] gets: the page, the served directory, and sessions on one profile that outlives them.
pub struct Flow<'a> {
    browser: &'a Browser,
    driver: &'a ChromeDriver,
    /// The flow's profile (`--user-data-dir`), kept across its sessions and removed after the flow.
    profile: PathBuf,
    /// The page, ending in `/`.
    pub base_url: &'a str,
    /// The directory served at `base_url` (the release bundle).
    pub dist: &'a Path,
}

impl Flow<'_> {
    /// Starts a browser session on the flow's profile.
    pub fn session(&self) -> Result<Session, String> {
        let capabilities = chrome_capabilities(
            self.browser.chromium.as_deref(),
            &chrome_args(&self.profile),
        );
        Ok(Session::new(self.driver, &capabilities)?)
    }

    /// Kills the browser of the flow's profile with SIGKILL, as a crash or a killed tab would end it: no unload,
    /// no shutdown, nothing flushed. Its process id is the one in the profile's `SingletonLock`
    /// (`<host>-<pid>`), which Chromium writes when it starts.
    pub fn kill(&self, session: Session) -> Result<(), String> {
        let lock = self.profile.join("SingletonLock");
        let target =
            fs::read_link(&lock).map_err(|e| format!("cannot read {}: {e}", shown(&lock)))?;
        let pid = target
            .to_string_lossy()
            .rsplit_once('-')
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
            .ok_or_else(|| format!("no process id in {}", target.display()))?;
        // The browser and every process it started (renderers, the storage and network services), at once.
        let mut pids = vec![pid];
        let mut i = 0;
        while let Some(&parent) = pids.get(i) {
            pids.extend(children(parent));
            i += 1;
        }
        let ids: Vec<String> = pids.iter().map(u32::to_string).collect();
        let status = std::process::Command::new("kill")
            .arg("-KILL")
            .args(&ids)
            .status()
            .map_err(|e| format!("cannot run kill: {e}"))?;
        ensure(
            status.success(),
            format!("kill -KILL {ids:?} failed: {status}"),
        )?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while pids.iter().any(|p| alive(*p)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        // The session's browser is gone: chromedriver's answer to ending it does not matter.
        let _ = session.delete();
        Ok(())
    }
}

/// Loads an example from the gallery: clicks its button and waits until its file has been fetched (the button is
/// `aria-busy` meanwhile), so that what the flow does next applies to the example.
fn load_example(session: &mut Session, base_url: &str, name: &str) -> Result<(), String> {
    session.goto(base_url)?;
    let selector = format!("[data-testid=load-{name}]");
    session.click(&session.find(&selector)?)?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let busy = session.execute(
            "const e = document.querySelector(arguments[0]); return e ? e.hasAttribute('aria-busy') : true;",
            &[selector.as_str().into()],
        )?;
        if busy == Value::Bool(false) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the example `{name}` did not load within 10 s"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The files of the page at `base_url` that the browser has fetched so far, relative to it (the page itself is
/// `index.html`), sorted.
fn fetched_files(session: &mut Session, base_url: &str) -> Result<Vec<String>, String> {
    let names = session.execute(
        "return performance.getEntriesByType('resource').map(e => e.name)",
        &[],
    )?;
    let mut files: Vec<String> = names
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|name| name.strip_prefix(base_url))
        .map(|name| name.split(['?', '#']).next().unwrap_or(name).to_owned())
        .collect();
    files.push("index.html".to_owned());
    files.sort();
    files.dedup();
    Ok(files)
}

/// A new visitor's first page fetches exactly the files that the size budget of `cargo xtask test` counts
/// (`dist::first_page_files`), and no lesson or other example: those are fetched when opened.
fn the_first_page_fetches_what_the_budget_counts(
    session: &mut Session,
    base_url: &str,
) -> Result<(), String> {
    session.goto(base_url)?;
    session.wait_for_text("nav", "Subscription")?;
    session.wait_for_text("[data-testid=lessons]", "Start")?;
    let fetched = fetched_files(session, base_url)?;
    let mut counted =
        crate::dist::first_page_files(&crate::dist::dist_dir()).map_err(|e| e.to_string())?;
    counted.sort();
    ensure(
        fetched == counted,
        format!(
            "the first page fetched {}, the budget counts {}",
            fetched.join(", "),
            counted.join(", ")
        ),
    )?;
    load_example(session, base_url, "regional-vs-global-mesh")?;
    session.wait_for_text("nav", "webshop")?;
    let after = fetched_files(session, base_url)?;
    ensure(
        after
            .iter()
            .any(|f| f == "static/examples/regional-vs-global-mesh.json"),
        format!("loading an example fetched {}", after.join(", ")),
    )?;
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

/// Replaces the text of a field and leaves it, for fields written when left (a name, a priority).
fn commit_into(session: &mut Session, selector: &str, text: &str) -> Result<(), String> {
    session.find(selector)?;
    let script = "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                  e.dispatchEvent(new InputEvent('input', { bubbles: true })); \
                  e.dispatchEvent(new Event('change', { bubbles: true }));";
    session.execute(script, &[selector.into(), text.into()])?;
    Ok(())
}

/// Chooses an option of a select by its value, as a user does.
fn choose(session: &mut Session, selector: &str, value: &str) -> Result<(), String> {
    session.find(selector)?;
    let script = "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                  e.dispatchEvent(new Event('change', { bubbles: true }));";
    session.execute(script, &[selector.into(), value.into()])?;
    Ok(())
}

/// Polls until the value of the field matching `selector` contains `needle`, for up to 10 s.
fn wait_for_value(session: &mut Session, selector: &str, needle: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let value = session.execute(
            "const e = document.querySelector(arguments[0]); return e ? e.value : null;",
            &[selector.into()],
        )?;
        if value.as_str().is_some_and(|v| v.contains(needle)) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "the value of `{selector}` is {value}, without `{needle}`"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
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

/// The first lesson, opened from the gallery: its exercise (make `vnet-payments-batch-eus2` a member of
/// `ng-payments`) fails on the step's design and passes once the learner adds the static member in the group editor;
/// hints come one at a time, and the "predict, then run" question shows the verdict after the pick.
fn lesson_exercise_turns_to_pass(session: &mut Session, base_url: &str) -> Result<(), String> {
    session.goto(base_url)?;
    session.click(&session.find("[data-testid=open-lesson-network-groups]")?)?;
    session.wait_for_text("[data-testid=lesson-progress]", "Step 1 of 4")?;
    session.wait_for_text("[data-testid=exercise-0-status]", "Not yet")?;
    session.click(&session.find("[data-testid=exercise-0-hint]")?)?;
    session.wait_for_text("[data-testid=exercise-0-hint-0]", "Hint 1")?;
    ensure(
        session
            .try_find("[data-testid=exercise-0-hint-1]")?
            .is_none(),
        "the second hint waits for its own click",
    )?;
    // The step's question: TCP 443 from the payments API VNet to the batch VNet, with nothing deployed yet; the pick
    // is the lesson's answer (checked against the specification by the lesson's own tests), so the player says so.
    let answer = lesson_answer("network-groups", 0, 0)?;
    session.click(&session.find(&format!(
        "[data-testid=question-0-{}]",
        answer.to_lowercase()
    ))?)?;
    session.wait_for_text("[data-testid=question-0-result]", "Right")?;
    session.screenshot(&artifact("lesson-before.png"))?;
    session.click(&session.find("[data-testid=nav-ng-payments]")?)?;
    session.click(&session.find(
        "[data-testid=static-add] option[value$='/virtualNetworks/vnet-payments-batch-eus2']",
    )?)?;
    session.wait_for_text("[data-testid=exercise-0-status]", "Passed")?;
    session.screenshot(&artifact("lesson-after.png"))?;
    Ok(())
}

/// The second lesson at its step 2: "show a solution" lists the changes, "apply it" makes the exercise pass, and
/// undo takes the solution back. (A lesson opened by its URL, `?lesson=…`, is what the lesson embed of
/// `embed_postmessage` does.)
fn lesson_solution_applies(session: &mut Session, base_url: &str) -> Result<(), String> {
    session.goto(base_url)?;
    session.click(&session.find("[data-testid=open-lesson-connectivity]")?)?;
    session.wait_for_text("[data-testid=lesson-progress]", "Step 1 of 3")?;
    session.click(&session.find("[data-testid=lesson-next]")?)?;
    session.wait_for_text("[data-testid=lesson-progress]", "Step 2 of 3")?;
    session.wait_for_text("[data-testid=exercise-0-status]", "Not yet")?;
    session.click(&session.find("[data-testid=exercise-0-solution]")?)?;
    session.find("[data-testid=exercise-0-diff] .diff-item")?;
    session.click(&session.find("[data-testid=exercise-0-apply]")?)?;
    session.wait_for_text("[data-testid=exercise-0-status]", "Passed")?;
    session.click(&session.find("[data-testid=undo]")?)?;
    session.wait_for_text("[data-testid=exercise-0-status]", "Not yet")?;
    session.click(&session.find("[data-testid=lesson-next]")?)?;
    session.wait_for_text("[data-testid=lesson-progress]", "Step 3 of 3")?;
    Ok(())
}

/// The answer a lesson gives to a question, read from the lesson file.
fn lesson_answer(lesson: &str, step: usize, question: usize) -> Result<String, String> {
    let lesson = read_json(&format!("static/lessons/{lesson}.json"))?;
    lesson
        .pointer(&format!("/steps/{step}/questions/{question}/answer"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("the lesson has no question {question} at step {step}"))
}

/// A JSON file of the workspace.
fn read_json(path: &str) -> Result<Value, String> {
    let file = workspace_root().join(path);
    let text =
        fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", shown(&file)))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", shown(&file)))
}

/// The verdict embed of an example shows the verdict for the flow in its URL (the hub may not SSH into a test
/// spoke: `deny-ssh` decides, spec example README), says it is read-only, and links to the playground with the
/// design in a `#v1.` link.
fn embed_verdict_is_read_only(session: &mut Session, base_url: &str) -> Result<(), String> {
    session.goto(&format!(
        "{base_url}?embed=verdict&example=hub-spoke-guardrails&from=10.100.0.4&to=10.11.0.4&port=22"
    ))?;
    session.wait_for_text("[data-testid=verdict-decision]", "Denied")?;
    session.wait_for_text("[data-testid=verdict-rule]", "deny-ssh")?;
    session.find("[data-testid=embed-readonly]")?;
    ensure(
        session.try_find("[data-testid=app-title]")?.is_none(),
        "an embed shows no header",
    )?;
    let link = session.find("[data-testid=open-in-playground]")?;
    let href = session.attribute(&link, "href")?.unwrap_or_default();
    ensure(
        href.starts_with(base_url) && href.contains("#v1."),
        format!("the playground link is `{href}`"),
    )?;
    session.screenshot(&artifact("embed-verdict.png"))?;
    Ok(())
}

/// A course page on another origin (`xtask/fixtures/embed/`) embeds a topology, a lesson and a frame that does not
/// allow it; it loads a design into the topology through `postMessage`, reads it back, is told of the change and of
/// the intents' results, sends the lesson's solved design and is told the exercise passes. The frame that does not
/// allow the page never answers.
fn embed_postmessage(session: &mut Session, base_url: &str) -> Result<(), String> {
    let fixture = Background::start(&workspace_root().join("xtask/fixtures/embed"))
        .map_err(|e| format!("cannot serve the fixture: {e}"))?;
    ensure(
        fixture.url() != base_url,
        "the course page is on another origin",
    )?;
    session.goto(&format!(
        "{}index.html?playground={base_url}",
        fixture.url()
    ))?;
    wait_for_message(session, "topology", "avnm:ready", "true")?;
    wait_for_message(
        session,
        "lesson",
        "avnm:ready",
        "m.lesson === 'network-groups'",
    )?;

    let design = read_json("static/examples/hub-spoke-guardrails.json")?;
    let resources = design
        .get("resources")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    send(
        session,
        "topology",
        &json!({"type": "avnm:load", "design": design}),
    )?;
    wait_for_message(session, "topology", "avnm:loaded", "true")?;
    wait_for_message(
        session,
        "topology",
        "avnm:change",
        &format!("m.design.resources.length === {resources}"),
    )?;
    // The example's four intents pass (spec examples README).
    wait_for_message(
        session,
        "topology",
        "avnm:intents",
        "m.passed === 4 && m.failed === 0 && m.results.length === 4",
    )?;
    send(session, "topology", &json!({"type": "avnm:get"}))?;
    wait_for_message(
        session,
        "topology",
        "avnm:design",
        &format!("m.design.resources.length === {resources} && m.design.intents.length === 4"),
    )?;
    send(
        session,
        "topology",
        &json!({"type": "avnm:load", "design": {"resources": 5}}),
    )?;
    wait_for_message(
        session,
        "topology",
        "avnm:error",
        "m.message.includes('`resources`')",
    )?;

    // The lesson's first exercise fails on the step's design; the page sends the design with the static member that
    // the exercise asks for (the lesson's own solution, added by hand here), and the exercise passes.
    wait_for_message(
        session,
        "lesson",
        "avnm:exercises",
        "m.step === 1 && m.exercises.length === 1 && !m.exercises[0].passed",
    )?;
    let lesson = read_json("static/lessons/network-groups.json")?;
    let mut solved = lesson
        .pointer("/steps/0/design")
        .cloned()
        .ok_or("the lesson's first step has no design")?;
    let member = lesson
        .pointer("/steps/0/exercises/0/solution/upsert/0")
        .cloned()
        .ok_or("the lesson's first exercise has no resource to add")?;
    solved
        .get_mut("resources")
        .and_then(Value::as_array_mut)
        .ok_or("the lesson's first design has no resources")?
        .push(member);
    send(
        session,
        "lesson",
        &json!({"type": "avnm:load", "design": solved}),
    )?;
    wait_for_message(
        session,
        "lesson",
        "avnm:exercises",
        "m.step === 1 && m.exercises[0].passed",
    )?;

    send(session, "untrusted", &json!({"type": "avnm:get"}))?;
    send(session, "topology", &json!({"type": "avnm:get"}))?;
    wait_for_count_of(
        session,
        "m.frame === 'topology' && m.type === 'avnm:design'",
        2,
    )?;
    let untrusted = session.execute(
        "return window.received.filter(m => m.frame === 'untrusted').length",
        &[],
    )?;
    ensure(
        untrusted.as_u64() == Some(0),
        format!("the frame that does not allow the page sent {untrusted} messages"),
    )?;
    session.screenshot(&artifact("embed-page.png"))?;
    // The course page is another origin by design; what follows every flow checks the playground's own page.
    drop(fixture);
    session.goto(base_url)?;
    session.find("[data-testid=app-title]")?;
    Ok(())
}

/// Sends `message` from the course page to one of its frames.
fn send(session: &mut Session, frame: &str, message: &Value) -> Result<(), String> {
    session.execute(
        "window.send(arguments[0], arguments[1])",
        &[frame.into(), message.clone()],
    )?;
    Ok(())
}

/// Polls the course page until a message of `kind` from `frame` for which the JavaScript expression `test` (on
/// `m`) holds has arrived, for up to 10 s.
fn wait_for_message(
    session: &mut Session,
    frame: &str,
    kind: &str,
    test: &str,
) -> Result<(), String> {
    let condition = format!("m.frame === '{frame}' && m.type === '{kind}' && ({test})");
    wait_for_count_of(session, &condition, 1)
        .map_err(|e| format!("no `{kind}` from the {frame} frame with {test}: {e}"))
}

/// Polls until at least `n` received messages satisfy `condition` (a JavaScript expression on `m`).
fn wait_for_count_of(session: &mut Session, condition: &str, n: u64) -> Result<(), String> {
    let script = format!(
        "return (window.received || []).filter(m => {{ try {{ return {condition}; }} catch (e) {{ return false; }} }}).length"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = session.execute(&script, &[])?.as_u64().unwrap_or(0);
        if found >= n {
            return Ok(());
        }
        if Instant::now() > deadline {
            let seen = session.execute(
                "return (window.received || []).map(m => m.frame + ' ' + m.type).join(', ')",
                &[],
            )?;
            return Err(format!(
                "{found} of {n} messages after 10 s; received: {seen}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The membership panel says why the test VNets are not in `ng-production`: its policy's `tags['env']` test is
/// false for their tag `test` (static/examples/hub-spoke-guardrails.json).
fn why_not_a_member(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.click(&session.find("[data-testid=tab-membership]")?)?;
    session.click(&session.find("[data-testid=why-not-ng-production-toggle]")?)?;
    let text = session.wait_for_text(
        "[data-testid=why-not-ng-production-vnet-test-1]",
        "avnm-ng-production",
    )?;
    ensure(
        text.contains("env") && text.contains("test"),
        format!("the reason names the field and the value: {text}"),
    )?;
    session.click(&session.find("[data-testid=nav-ng-production]")?)?;
    session.click(&session.find("[data-testid=group-why-not-toggle]")?)?;
    session.wait_for_text("[data-testid=group-why-not-vnet-hub]", "hub")?;
    session.screenshot(&artifact("why-not.png"))?;
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

/// Renaming a VNet changes its id everywhere: its peering on the other VNet, the static member that names it and
/// the NIC in its subnet follow. The manual peering added first still carries traffic after the rename, so the
/// intent that the two test spokes are isolated fails with Allowed (and only that one); undo brings the old name
/// back.
fn rename_a_vnet(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.click(&session.find("[data-testid=nav-vnet-test-1]")?)?;
    let other = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/vnet-test-2";
    choose(session, "[data-testid=new-peering-remote]", other)?;
    session.click(&session.find("[data-testid=add-peering]")?)?;
    session.wait_for_text("[data-testid=vnet-peerings]", "both sides")?;
    commit_into(session, "[data-testid=vnet-name]", "vnet-lab-1")?;
    session.wait_for_text("nav", "vnet-lab-1")?;
    wait_for_count(session, "[data-testid=nav-vnet-test-1]", 0)?;
    session.wait_for_text("main h2", "vnet-lab-1")?;
    session.wait_for_text("[data-testid=vnet-peerings]", "both sides")?;
    session.click(&session.find("[data-testid=nav-vnet-test-2]")?)?;
    session.wait_for_text("[data-testid=peering-0-remote]", "vnet-lab-1")?;
    session.click(&session.find("[data-testid=nav-ng-test]")?)?;
    session.wait_for_text("[data-testid=static-0-name]", "vnet-lab-1")?;
    session.click(&session.find("[data-testid=nav-nic-test-1]")?)?;
    let subnet = session.find("[data-testid=nic-ipconfig-0-subnet] option:checked")?;
    let shown = session.text(&subnet)?;
    ensure(
        shown == "vnet-lab-1 / workload",
        format!("the NIC's subnet reads `{shown}`"),
    )?;
    session.click(&session.find("[data-testid=tab-intents]")?)?;
    session.wait_for_text("[data-testid=intents]", "3 passed, 1 failed")?;
    session.wait_for_text(
        "[data-testid=intents]",
        "test spokes are isolated from each other — 10.11.0.4 -> 10.12.0.4 Tcp/443: expected Unreachable, got Allowed",
    )?;
    session.screenshot(&artifact("rename-a-vnet.png"))?;
    session.click(&session.find("[data-testid=undo]")?)?;
    session.wait_for_text("nav", "vnet-test-1")?;
    wait_for_count(session, "[data-testid=nav-vnet-lab-1]", 0)?;
    Ok(())
}

/// Deleting a network group that a connectivity configuration and a rule collection use removes the references
/// (and the policy that filled it), the diagnostics say the configuration and the collection now reach nothing, and
/// undo restores all of it.
fn delete_a_used_group(session: &mut Session, base_url: &str) -> Result<(), String> {
    load_example(session, base_url, "hub-spoke-guardrails")?;
    session.click(&session.find("[data-testid=tab-topology]")?)?;
    wait_for_count(session, "[data-testid=topology-peering]", 4)?;
    session.click(&session.find("[data-testid=nav-ng-production]")?)?;
    session.click(&session.find("[data-testid=delete-group]")?)?;
    wait_for_count(session, "[data-testid=nav-ng-production]", 0)?;
    wait_for_count(session, "[data-testid=topology-peering]", 2)?;
    session.click(&session.find("[data-testid=tab-diagnostics]")?)?;
    session.wait_for_text("[data-testid=diagnostics]", "applies-to-no-group")?;
    session.wait_for_text("[data-testid=diagnostics]", "rc-production-exception")?;
    session.click(&session.find("[data-testid=nav-cc-hub-and-spoke]")?)?;
    wait_for_count(session, "[data-testid^=applies-][data-testid$=-group]", 1)?;
    session.screenshot(&artifact("delete-a-used-group.png"))?;
    session.click(&session.find("[data-testid=undo]")?)?;
    session.wait_for_text("nav", "ng-production")?;
    session.click(&session.find("[data-testid=tab-topology]")?)?;
    wait_for_count(session, "[data-testid=topology-peering]", 4)?;
    session.click(&session.find("[data-testid=tab-diagnostics]")?)?;
    session.wait_for_text("[data-testid=diagnostics]", "No problems found")?;
    Ok(())
}

/// A design whose names, tags, title and description hold HTML and script: the navigator, the editors and the panels
/// show them as text, no element is injected and nothing runs.
fn hostile_names_stay_text(session: &mut Session, base_url: &str) -> Result<(), String> {
    const NAME: &str = "<img src=x onerror=window.pwned=1>";
    let rg = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
    let design = serde_json::json!({
        "title": "<script>window.pwned=2</script>",
        "description": "<iframe src=javascript:window.pwned=3>",
        "resources": [{
            "id": format!("{rg}/virtualNetworks/{NAME}"), "name": NAME, "type": "Microsoft.Network/virtualNetworks",
            "location": "westeurope", "tags": {"<b onmouseover=window.pwned=4>": "<svg onload=window.pwned=5>"},
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"name": "<u>s</u>", "properties": {"addressPrefix": "10.0.0.0/24"}}]}
        }],
        "intents": [{"name": "<script>window.pwned=6</script>", "from": "10.0.0.4", "to": "10.0.0.5",
            "protocol": "Tcp", "port": 22, "expect": "Allowed"}]
    });
    session.goto(base_url)?;
    session.click(&session.find("[data-testid='nav-Document (JSON)']")?)?;
    type_into(session, "[data-testid=json-editor]", &design.to_string())?;
    session.click(&session.find("[data-testid=json-apply]")?)?;
    session.wait_for_text("nav", NAME)?;
    let vnet = session.find("nav [data-testid^='nav-<img']")?;
    session.click(&vnet)?;
    session.wait_for_text("main", "<u>s</u>")?;
    for tab in ["intents", "membership", "topology", "diagnostics"] {
        session.click(&session.find(&format!("[data-testid=tab-{tab}]"))?)?;
    }
    session.wait_for_text("[data-testid=diagnostics]", "")?;
    let injected = count(
        session,
        "img[src=x], iframe, svg[onload], b[onmouseover], u",
    )?;
    ensure(
        injected == 0,
        format!("{injected} elements were injected from the design's names"),
    )?;
    let ran = session.execute("return window.pwned === undefined", &[])?;
    ensure(
        ran == serde_json::Value::Bool(true),
        "a script from the design ran",
    )?;
    Ok(())
}

/// Every view of an example, each checked for what it must show before its screenshot is taken
/// (`target/e2e/tour-*.png`, for the review of the playground).
fn tour(session: &mut Session, base_url: &str) -> Result<(), String> {
    session.goto(base_url)?;
    session.wait_for_text("[data-testid=app-title]", "AVNM Playground")?;
    session.find("[data-testid=load-hub-spoke-expressroute-multi-region]")?;
    session.screenshot(&artifact("tour-gallery.png"))?;
    load_example(session, base_url, "hub-spoke-expressroute-multi-region")?;
    for (tab, shows, text) in [
        ("verdict", "[data-testid=verdict-decision]", ""),
        ("membership", "[data-testid=membership]", "ng-payments"),
        ("topology", "[data-testid=topology-summary]", "VNets"),
        ("matrix", "[data-testid=matrix-totals]", "allowed"),
        (
            "diagnostics",
            "[data-testid=diagnostics]",
            "No problems found",
        ),
        ("intents", "[data-testid=intents]", "0 failed"),
        ("rules", "[data-testid=rules-target]", ""),
    ] {
        session.click(&session.find(&format!("[data-testid=tab-{tab}]"))?)?;
        session.wait_for_text(shows, text)?;
        std::thread::sleep(Duration::from_millis(300));
        session.screenshot(&artifact(&format!("tour-{tab}.png")))?;
    }
    for (nav, name, shows) in [
        ("nav-ng-payments", "group", "[data-testid=group-editor]"),
        (
            "nav-cc-hub-weu",
            "connectivity",
            "[data-testid=connectivity-editor]",
        ),
        ("nav-Deployments", "deployments", "[data-testid=goal-state]"),
    ] {
        session.click(&session.find(&format!("[data-testid={nav}]"))?)?;
        session.find(shows)?;
        std::thread::sleep(Duration::from_millis(300));
        session.screenshot(&artifact(&format!("tour-{name}.png")))?;
    }
    load_example(session, base_url, "ssh-exception-for-one-team")?;
    session.click(&session.find("[data-testid^=nav-rc-]")?)?;
    session.find("[data-testid=rule-collection-editor] [data-testid=rules]")?;
    std::thread::sleep(Duration::from_millis(300));
    session.screenshot(&artifact("tour-rules-editor.png"))?;
    session.click(&session.find("[data-testid=theme]")?)?;
    let theme = session.attribute(&session.find("html")?, "data-theme")?;
    ensure(
        theme.is_some(),
        "the theme toggle sets `data-theme` on the page",
    )?;
    std::thread::sleep(Duration::from_millis(300));
    session.screenshot(&artifact("tour-dark.png"))?;
    Ok(())
}

/// Regions of [`large_design`].
const LARGE_REGIONS: [&str; 3] = ["westeurope", "northeurope", "eastus"];
/// VNets per region of [`large_design`]: a hub and 999 spokes.
const LARGE_PER_REGION: usize = 1_000;

/// A design of 3,000 VNets, built here so that every count below follows from its construction: in each region
/// of [`LARGE_REGIONS`] a hub `vnet-<region>-hub` tagged `role: hub` and spokes `vnet-<region>-0001` to
/// `vnet-<region>-0999` tagged `role: spoke`; a network group `ng-spokes-<region>` per region whose policy adds the
/// VNets tagged `role: spoke` in that region (999 members each), and a hub-and-spoke configuration per region over
/// it, all committed.
fn large_design() -> Value {
    let sub = "/subscriptions/00000000-0000-4000-8000-0000000000aa";
    let rg = format!("{sub}/resourceGroups/rg-net");
    let manager = format!("{rg}/providers/Microsoft.Network/networkManagers/nm");
    let mut resources = vec![json!({
        "id": manager, "type": "Microsoft.Network/networkManagers", "location": "westeurope",
        "properties": {"networkManagerScopes": {"managementGroups": [], "subscriptions": [sub]},
                       "networkManagerScopeAccesses": ["Connectivity"]}})];
    let mut configurations = Vec::new();
    for (r, region) in LARGE_REGIONS.iter().enumerate() {
        let vnet = |name: &str| {
            format!("{rg}/providers/Microsoft.Network/virtualNetworks/vnet-{region}-{name}")
        };
        for k in 0..LARGE_PER_REGION {
            let (name, role) = if k == 0 {
                ("hub".to_owned(), "hub")
            } else {
                (format!("{k:04}"), "spoke")
            };
            let prefix = format!("10.{}.{}.0/24", r * 4 + k / 256, k % 256);
            resources.push(json!({
                "id": vnet(&name), "type": "Microsoft.Network/virtualNetworks", "location": region,
                "tags": {"role": role},
                "properties": {"addressSpace": {"addressPrefixes": [prefix]},
                               "subnets": [{"name": "default", "properties": {"addressPrefix": prefix}}]}}));
        }
        let group = format!("{manager}/networkGroups/ng-spokes-{region}");
        let definition =
            format!("{sub}/providers/Microsoft.Authorization/policyDefinitions/spokes-{region}");
        resources.push(
            json!({"id": group, "type": "Microsoft.Network/networkManagers/networkGroups",
                              "properties": {"memberType": "VirtualNetwork"}}),
        );
        resources.push(json!({
            "id": definition, "type": "Microsoft.Authorization/policyDefinitions",
            "properties": {"mode": "Microsoft.Network.Data", "policyRule": {
                "if": {"allOf": [{"field": "tags['role']", "equals": "spoke"}, {"field": "location", "equals": region}]},
                "then": {"effect": "addToNetworkGroup", "details": {"networkGroupId": group}}}}}));
        resources.push(json!({
            "id": format!("{sub}/providers/Microsoft.Authorization/policyAssignments/spokes-{region}"),
            "type": "Microsoft.Authorization/policyAssignments",
            "properties": {"policyDefinitionId": definition, "scope": sub}}));
        let configuration = format!("{manager}/connectivityConfigurations/cc-{region}");
        resources.push(json!({
            "id": configuration, "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
            "properties": {"connectivityTopology": "HubAndSpoke",
                           "hubs": [{"resourceId": vnet("hub"), "resourceType": "Microsoft.Network/virtualNetworks"}],
                           "appliesToGroups": [{"networkGroupId": group, "groupConnectivity": "None"}]}}));
        configurations.push(configuration);
    }
    json!({
        "title": "Three regions of a thousand VNets",
        "resources": resources,
        "commits": [{"networkManagerId": manager, "commitType": "Connectivity",
                     "configurationIds": configurations, "targetLocations": LARGE_REGIONS}],
    })
}

/// Scrolls the element matching `selector` to its end, as a user dragging its scroll bar down does.
fn scroll_to_end(session: &mut Session, selector: &str) -> Result<(), String> {
    session.find(selector)?;
    let script = "const e = document.querySelector(arguments[0]); e.scrollTop = e.scrollHeight; \
                  e.dispatchEvent(new Event('scroll'));";
    session.execute(script, &[selector.into()])?;
    Ok(())
}

/// On a design of 3,000 VNets ([`large_design`]): the membership panel shows each group collapsed to its count,
/// an opened group renders only the members in view and scrolling brings the last ones, and a member says why it
/// is one; the navigator's filter finds a VNet among them; the topology is drawn by region with each hub's spoke
/// count, and a region opens into its VNets.
fn a_large_design_lists_and_draws_what_is_on_screen(
    session: &mut Session,
    base_url: &str,
) -> Result<(), String> {
    session.goto(base_url)?;
    session.click(&session.find("[data-testid='nav-Document (JSON)']")?)?;
    type_into(
        session,
        "[data-testid=json-editor]",
        &large_design().to_string(),
    )?;
    session.click(&session.find("[data-testid=json-apply]")?)?;
    session.wait_for_text("[data-testid=nav-kind-vnets]", "3000")?;

    session.click(&session.find("[data-testid=tab-membership]")?)?;
    let group = "[data-testid=membership-group-ng-spokes-westeurope]";
    session.wait_for_text(group, "999 members")?;
    session.wait_for_text("[data-testid=membership-summary]", "2997 memberships")?;
    ensure(
        count(session, "[data-testid^=membership-member-]")? == 0,
        "with 2,997 memberships the groups start collapsed",
    )?;
    session.click(&session.find("[data-testid=membership-toggle-ng-spokes-westeurope]")?)?;
    let member = |k: usize| {
        format!("[data-testid=membership-member-ng-spokes-westeurope-vnet-westeurope-{k:04}]")
    };
    session.find(&member(1))?;
    let rendered = count(session, "[data-testid^=membership-member-]")?;
    ensure(
        rendered > 0 && rendered < 100,
        format!("{rendered} of 999 members are rendered, not only those in view"),
    )?;
    ensure(
        count(session, &member(999))? == 0,
        "the last member is not rendered before scrolling",
    )?;
    session.screenshot(&artifact("large-membership.png"))?;
    scroll_to_end(session, "[data-testid=membership-list]")?;
    session.click(&session.find(&member(999))?)?;
    session.wait_for_text("[data-testid=membership-detail]", "spokes-westeurope")?;
    session.wait_for_text("[data-testid=membership-detail]", "vnet-westeurope-0999")?;
    // The filter keeps the groups whose members match.
    type_into(
        session,
        "[data-testid=membership-filter]",
        "northeurope-0042",
    )?;
    session.wait_for_text(
        "[data-testid=membership-group-ng-spokes-northeurope]",
        "1 of 999 members",
    )?;
    wait_for_count(session, "[data-testid^=membership-group-]", 1)?;

    type_into(session, "[data-testid=nav-filter]", "eastus-0777")?;
    session.wait_for_text("[data-testid=nav-kind-vnets]", "1 of 3000")?;
    session.click(&session.find("[data-testid=nav-vnet-eastus-0777]")?)?;
    session.wait_for_text("main h2", "vnet-eastus-0777")?;

    session.click(&session.find("[data-testid=tab-topology]")?)?;
    session.wait_for_text("[data-testid=topology-region-westeurope]", "1000 VNets")?;
    session.wait_for_text(
        "[data-testid=topology-hub-vnet-westeurope-hub]",
        "999 spokes",
    )?;
    ensure(
        count(session, "[data-testid^=topology-node-]")? == 0,
        "the overview draws no VNet one by one",
    )?;
    session.screenshot(&artifact("large-topology-overview.png"))?;
    session.click(&session.find("[data-testid=topology-region-northeurope]")?)?;
    session.find("[data-testid=topology-node-vnet-northeurope-0500]")?;
    wait_for_count(session, "[data-testid^=topology-node-]", 1000)?;
    ensure(
        count(session, "[data-testid=topology-node-vnet-westeurope-0500]")? == 0,
        "an opened region draws its own VNets only",
    )?;
    session.click(&session.find("[data-testid=topology-back]")?)?;
    session.find("[data-testid=topology-overview]")?;
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

/// What `share_a_link` leaves for `a_share_link_opens_in_a_fresh_profile`, which runs next in another profile.
const SHARED: &str = "share-link.json";

/// The text of the first element matching `selector`.
fn text_of(session: &mut Session, selector: &str) -> Result<String, String> {
    let element = session.find(selector)?;
    Ok(session.text(&element)?)
}

/// The value of the input matching `selector`.
fn value_of(session: &mut Session, selector: &str) -> Result<String, String> {
    session.find(selector)?;
    let value = session.execute(
        "return document.querySelector(arguments[0]).value",
        &[selector.into()],
    )?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

/// What a share link must bring back: the navigator, the editor, the result panel in front and its content.
fn what_is_shown(session: &mut Session) -> Result<serde_json::Value, String> {
    Ok(serde_json::json!({
        "nav": text_of(session, "nav")?,
        "editor": text_of(session, "main")?,
        "tab": text_of(session, "[role=tab][aria-selected=true]")?,
        "panel": text_of(session, "[role=tabpanel]")?,
    }))
}

/// Builds a view of the hub-and-spoke example (the hub's SSH to a test spoke in the verdict panel, denied by
/// `deny-ssh`; `ng-production` selected; the membership panel in front), opens the Share dialog, takes its
/// screenshot (`share-dialog.png`), and keeps the link and what is shown for the next flow.
fn share_a_link(session: &mut Session, base_url: &str) -> Result<(), String> {
    // A link left by an earlier run must not stand in for this one's.
    let _ = fs::remove_file(artifact(SHARED));
    load_example(session, base_url, "hub-spoke-guardrails")?;
    type_into(session, "[data-testid=verdict-from]", "10.100.0.4")?;
    type_into(session, "[data-testid=verdict-to]", "10.11.0.4")?;
    type_into(session, "[data-testid=verdict-port]", "22")?;
    session.wait_for_text("[data-testid=verdict-decision]", "Denied")?;
    session.click(&session.find("[data-testid=nav-ng-production]")?)?;
    session.click(&session.find("[data-testid=tab-membership]")?)?;
    session.wait_for_text("main", "ng-production")?;
    let shown = what_is_shown(session)?;
    session.click(&session.find("[data-testid=share]")?)?;
    let link = value_of(session, "[data-testid=share-link]")?;
    ensure(
        link.starts_with(base_url) && link.contains("#v1."),
        format!("the link is the page with a `#v1.` fragment: {link}"),
    )?;
    let length = text_of(session, "[data-testid=share-length]")?;
    ensure(
        length.replace(',', "") == format!("{} characters", link.len()),
        format!(
            "the dialog gives the link's length, {}: {length}",
            link.len()
        ),
    )?;
    ensure(
        session.try_find("[data-testid=share-warning]")?.is_none(),
        "a link of a few thousand characters has no warning",
    )?;
    wait_for_value(
        session,
        "[data-testid=share-embed-code]",
        "?embed=topology#v1.",
    )?;
    choose(session, "[data-testid=share-embed-view]", "verdict")?;
    wait_for_value(session, "[data-testid=share-embed-code]", "embed=verdict")?;
    session.screenshot(&artifact("share-dialog.png"))?;
    let kept = serde_json::json!({ "link": link, "shown": shown });
    fs::write(artifact(SHARED), kept.to_string())
        .map_err(|e| format!("cannot keep the link for the next flow: {e}"))?;
    Ok(())
}

/// The link `share_a_link` kept, and what it showed.
fn kept_link() -> Result<(String, serde_json::Value), String> {
    let text = fs::read_to_string(artifact(SHARED))
        .map_err(|e| format!("no link from `share_a_link` ({e})"))?;
    let kept: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("the kept link does not read: {e}"))?;
    let link = kept
        .get("link")
        .and_then(|l| l.as_str())
        .unwrap_or_default()
        .to_owned();
    let shown = kept.get("shown").cloned().unwrap_or_default();
    Ok((link, shown))
}

/// Opens the link of `share_a_link` in this flow's fresh profile: the same design and view, the fragment
/// cleared, and the design kept by the browser across a reload.
fn a_share_link_opens_in_a_fresh_profile(
    session: &mut Session,
    base_url: &str,
) -> Result<(), String> {
    let (link, kept) = kept_link()?;
    let fragment = link.split_once('#').map(|(_, f)| f).unwrap_or_default();
    session.goto(&format!("{base_url}#{fragment}"))?;
    session.wait_for_text("main", "ng-production")?;
    let shown = what_is_shown(session)?;
    for key in ["nav", "editor", "tab", "panel"] {
        let now = shown.get(key);
        let then = kept.get(key);
        ensure(
            now.is_some() && now == then,
            format!("the {key} differs: {now:?} instead of {then:?}"),
        )?;
    }
    session.click(&session.find("[data-testid=tab-verdict]")?)?;
    session.wait_for_text("[data-testid=verdict-decision]", "Denied")?;
    for (field, expected) in [("from", "10.100.0.4"), ("to", "10.11.0.4"), ("port", "22")] {
        let value = value_of(session, &format!("[data-testid=verdict-{field}]"))?;
        ensure(
            value == expected,
            format!("the verdict's {field} is {value}, not {expected}"),
        )?;
    }
    let hash = session.execute("return location.hash", &[])?;
    ensure(
        hash.as_str() == Some(""),
        format!("the fragment is cleared, not {hash}"),
    )?;
    session.goto(base_url)?;
    session.wait_for_text("main", "Try an Azure Virtual Network Manager design")?;
    let nav = text_of(session, "nav")?;
    ensure(
        kept.get("nav").and_then(|n| n.as_str()) == Some(nav.as_str()),
        "after a reload the link's design is still there",
    )?;
    session.click(&session.find("[data-testid=my-designs]")?)?;
    session.wait_for_text(
        "[data-testid=designs-dialog]",
        "Hub and spoke with guardrails",
    )?;
    session.screenshot(&artifact("my-designs.png"))?;
    Ok(())
}

/// A link cut in half in a fresh profile: a notice says so, and the playground shows its usual first design.
fn a_cut_link_keeps_the_design(session: &mut Session, base_url: &str) -> Result<(), String> {
    session.goto(base_url)?;
    // A new visitor's first design is the first example, fetched after the first frame.
    session.wait_for_text("nav", "Subscription")?;
    let first = text_of(session, "nav")?;
    let (link, _) = kept_link()?;
    let fragment = link.split_once('#').map(|(_, f)| f).unwrap_or_default();
    let cut = fragment.get(..fragment.len() / 2).unwrap_or_default();
    session.goto(&format!("{base_url}#{cut}"))?;
    session.wait_for_text("[data-testid=notice]", "the link is cut short")?;
    session.wait_for_text("[data-testid=notice]", "your design is unchanged")?;
    ensure(
        text_of(session, "nav")? == first,
        "the design on screen is unchanged",
    )?;
    session.screenshot(&artifact("cut-link.png"))?;
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

/// The state letter and parent of a process, from `/proc/<pid>/stat` (`pid (name) S ppid ...`).
fn proc_stat(pid: u32) -> Option<(char, u32)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    Some((state, parent))
}

/// Whether a process runs (a zombie waiting to be reaped does not).
fn alive(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|(state, _)| state != 'Z')
}

/// The processes whose parent is `pid`.
fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| proc_stat(*child).is_some_and(|(_, parent)| parent == pid))
        .collect()
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
    // `AVNM_E2E=<part of a name>,<another>` runs only the flows whose name has one of them (while working on them).
    let only = std::env::var("AVNM_E2E").unwrap_or_default();
    let chosen = |name: &str| only.split(',').any(|part| name.contains(part));
    let mut tally = |name: &str, outcome: Result<(), String>| match outcome {
        Ok(()) => {
            own.passed += 1;
            println!("e2e {name} ... ok");
        }
        Err(reason) => {
            own.failed += 1;
            println!("e2e {name} ... FAILED: {reason}");
        }
    };
    for &(name, test) in TESTS.iter().filter(|(name, _)| chosen(name)) {
        tally(name, run_one(browser, &driver, server.url(), name, test));
    }
    for &(name, test) in FLOW_TESTS.iter().filter(|(name, _)| chosen(name)) {
        tally(
            name,
            run_flow(browser, &driver, server.url(), dist, name, test),
        );
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
    let outcome = test(&mut session, base_url).and_then(|()| own_origin_only(&session, base_url));
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

/// Runs a [`FlowTest`] with a fresh profile, removed after it (the flow takes its own screenshots).
fn run_flow(
    browser: &Browser,
    driver: &ChromeDriver,
    base_url: &str,
    dist: &Path,
    name: &str,
    test: FlowTest,
) -> Result<(), String> {
    let profile = artifacts_dir().join("profiles").join(name);
    let _ = fs::remove_dir_all(&profile);
    fs::create_dir_all(&profile)
        .map_err(|error| format!("cannot create {}: {error}", shown(&profile)))?;
    let flow = Flow {
        browser,
        driver,
        profile: profile.clone(),
        base_url,
        dist,
    };
    let outcome = test(&flow);
    let _ = fs::remove_dir_all(&profile);
    outcome
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

/// Every resource the page loaded during a flow came from the page's own origin (or is data the page made): no
/// request leaves for a third party, no telemetry, no font host.
fn own_origin_only(session: &Session, base_url: &str) -> Result<(), String> {
    let script =
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href])";
    let loaded = session.execute(script, &[])?;
    let origin: String = base_url.split('/').take(3).collect::<Vec<_>>().join("/");
    let foreign: Vec<&str> = loaded
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .filter(|url| {
            let own = url.starts_with(&format!("{origin}/")) || *url == origin;
            let made_here = ["data:", "blob:", "about:"]
                .iter()
                .any(|s| url.starts_with(s));
            !(own || made_here)
        })
        .collect();
    ensure(
        foreign.is_empty(),
        format!("the page requested other origins than {origin}: {foreign:?}"),
    )
}

/// The Chromium flags of an end-to-end session: headless, root-friendly, a fixed window and a fresh profile, plus the
/// flags that keep it off the network.
pub fn chrome_args(profile: &Path) -> Vec<String> {
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
