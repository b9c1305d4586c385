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
        "lesson_exercise_turns_to_pass",
        lesson_exercise_turns_to_pass,
    ),
    ("lesson_solution_applies", lesson_solution_applies),
    ("embed_verdict_is_read_only", embed_verdict_is_read_only),
    ("embed_postmessage", embed_postmessage),
    ("why_not_a_member", why_not_a_member),
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
    let capabilities = chrome_capabilities(browser.chromium.as_deref(), &chrome_args(&profile));
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
