//! Large designs in the browser (issue 8): an edit of a design past the size from which the playground makes its
//! edits in tasks of their own (`web/src/edits.rs`, `STAGED_FROM`: 50,000 resources, subnets and NSG rules).

use serde_json::{Value, json};

use super::hostile::{Scratch, open_at_once, wait_long};
use super::{artifact, count, ensure, read_json, type_into, wait_for_count};
use crate::webdriver::Session;

/// NSGs added to the guardrails example by [`a_large_designs_edits_keep_their_order`], each of
/// [`RULES_PER_NSG`] inbound rules: 50,000 NSG rules, past `STAGED_FROM` with the example's resources.
const NSGS: usize = 25;
/// Rules of each added NSG (distinct priorities from 100: Azure allows 100 to 4096).
const RULES_PER_NSG: usize = 2_000;

/// The guardrails example with [`NSGS`] NSGs of [`RULES_PER_NSG`] rules added, associated with nothing (they
/// decide no verdict of the example's).
fn guardrails_with_nsgs() -> Result<Value, String> {
    let mut design = read_json("static/examples/hub-spoke-guardrails.json")?;
    let rg = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-network";
    let resources = design
        .get_mut("resources")
        .and_then(Value::as_array_mut)
        .ok_or("the example has no resources")?;
    for n in 0..NSGS {
        let id = format!("{rg}/providers/Microsoft.Network/networkSecurityGroups/nsg-bulk-{n:02}");
        let rules: Vec<Value> = (0..RULES_PER_NSG)
            .map(|k| {
                json!({"name": format!("allow-{k:04}"), "properties": {
                    "priority": 100 + k, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                    "sourceAddressPrefix": format!("10.{}.{}.0/24", 200 + k / 256, k % 256),
                    "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "443"}})
            })
            .collect();
        resources.push(json!({"id": id, "name": format!("nsg-bulk-{n:02}"),
            "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope",
            "properties": {"securityRules": rules}}));
    }
    Ok(design)
}

/// The verdict panel asked whether the hub may SSH into a test spoke: `deny-ssh` decides (spec example README).
fn ask_hub_to_test_spoke_ssh(session: &mut Session) -> Result<(), String> {
    type_into(session, "[data-testid=verdict-from]", "10.100.0.4")?;
    type_into(session, "[data-testid=verdict-to]", "10.11.0.4")?;
    type_into(session, "[data-testid=verdict-port]", "22")
}

/// The access the organization's first rule shows in its editor.
fn organization_rule_access(session: &mut Session) -> Result<String, String> {
    session.click(&session.find("[data-testid=nav-rc-organization]")?)?;
    session.find("[data-testid=rule-0-access]")?;
    let access = session.execute(
        "return document.querySelector('[data-testid=rule-0-access]').value",
        &[],
    )?;
    Ok(access.as_str().unwrap_or_default().to_owned())
}

/// On the guardrails example with 50,000 NSG rules added (its edits are made in tasks of their own): turning the
/// organization's Deny rule to Allow and starting a new design in one task (the new design comes while the edit
/// is still being made) keeps their order: the new design is empty, one undo brings back the edited design
/// (Allow: the SSH is Allowed), another the design before the edit (Denied), and redo the edit again. While the
/// edit is being made the header says "Updating…", and no longer once it is done. The page made the edits keeping
/// what the analysis before held (its User Timing names that stage).
pub fn a_large_designs_edits_keep_their_order(
    session: &mut Session,
    base_url: &str,
) -> Result<(), String> {
    let design = guardrails_with_nsgs()?;
    let file = Scratch::write("large-guardrails.json", design.to_string().as_bytes())?;
    session.goto(base_url)?;
    open_at_once(session, &file)?;
    wait_long(session, "nav", &["nsg-bulk-24", "vnet-hub"], 60)?;
    if session.try_find("[data-testid=import-dialog]")?.is_some() {
        session.click(&session.find("[data-testid=import-dialog-close]")?)?;
    }
    ask_hub_to_test_spoke_ssh(session)?;
    session.wait_for_text("[data-testid=verdict-decision]", "Denied")?;
    session.wait_for_text("[data-testid=verdict-rule]", "deny-ssh")?;
    organization_rule_access(session)?;

    // The edit's first task comes before the timeout set after it: the header says so by then.
    let edit_then_new = "const done = arguments[arguments.length - 1]; \
        const access = document.querySelector('[data-testid=rule-0-access]'); \
        access.value = 'Allow'; access.dispatchEvent(new Event('change', {bubbles: true})); \
        Array.from(document.querySelectorAll('header button')).find(b => b.innerText.trim() === 'New').click(); \
        setTimeout(() => done(document.querySelector('[data-testid=updating]') !== null), 0);";
    let said = session.execute_async(edit_then_new, &[])?;
    ensure(
        said == Value::Bool(true),
        format!("while the edit is being made the header says it is updating: {said}"),
    )?;
    wait_for_count(session, "[data-testid=nav-vnet-hub]", 0)?;
    ensure(
        count(session, "[data-testid=notice]")? == 0,
        "the edit was applied to the design it was made on, with no notice",
    )?;

    session.click(&session.find("[data-testid=undo]")?)?;
    wait_long(session, "nav", &["nsg-bulk-24", "vnet-hub"], 30)?;
    let access = organization_rule_access(session)?;
    ensure(
        access == "Allow",
        format!("undoing the new design brings back the edited one, not {access}"),
    )?;
    ask_hub_to_test_spoke_ssh(session)?;
    session.wait_for_text("[data-testid=verdict-decision]", "Allowed")?;
    session.screenshot(&artifact("large-edit.png"))?;

    session.click(&session.find("[data-testid=undo]")?)?;
    session.wait_for_text("[data-testid=verdict-decision]", "Denied")?;
    let access = organization_rule_access(session)?;
    ensure(
        access == "Deny",
        format!("the second undo undoes the edit: {access}"),
    )?;
    session.click(&session.find("[data-testid=redo]")?)?;
    session.wait_for_text("[data-testid=verdict-decision]", "Allowed")?;
    wait_for_count(session, "[data-testid=updating]", 0)?;

    let kept = session.execute(
        "return performance.getEntriesByName('analyse: what an edit kept').length",
        &[],
    )?;
    ensure(
        kept.as_u64().is_some_and(|n| n >= 3),
        format!(
            "the edit, the second undo and the redo were analysed in tasks of their own keeping the analysis \
             before: {kept} times"
        ),
    )
}
