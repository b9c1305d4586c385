//! The intents of the design: assertions about traffic, each editable, with pass or fail.

use avnm_core::Decision;
use avnm_core::scenario::change::IntentField;
use avnm_core::scenario::{Change, Target, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{choose as chooser, on_click, set as setter};
use crate::components::{Check, Field, SelectField, options};

const PROTOCOLS: [&str; 6] = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "Any"];
const DECISIONS: [&str; 3] = ["Allowed", "Denied", "Unreachable"];

/// The intents editor.
#[component]
pub fn IntentsEditor() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let results = ctx.analysis.check();
    let add = on_click(&ctx, Change::AddIntent);
    let rows = ctx.state.scenario.model().intents.iter().zip(results).enumerate().map(|(i, (intent, result))| {
        let set = |field| setter(&ctx, Target::Intent { index: i, field });
        let choose = |field| chooser(&ctx, Target::Intent { index: i, field });
        let remove = on_click(&ctx, Change::RemoveIntent(i));
        let status = if result.passed { "pass" } else { "fail" };
        let expect = match intent.expect { Decision::Allowed => "Allowed", Decision::Denied => "Denied", Decision::Unreachable => "Unreachable" };
        html! {
            <li class={classes!("intent", status)} data-testid={format!("intent-{i}")}>
                <div class="intent-head">
                    <span class={classes!("badge", status)}>{ if result.passed { "PASS" } else { "FAIL" } }</span>
                    <Field label="Name" value={intent.name.clone()} check={field::text as Check} on_change={set(IntentField::Name)} testid={format!("intent-{i}-name")} />
                    <button class="danger" onclick={remove} aria-label="Remove this intent">{ "Remove" }</button>
                </div>
                <div class="grid">
                    <Field label="From" value={intent.flow.from.to_string()} check={field::address as Check} on_change={set(IntentField::From)} />
                    <Field label="To" value={intent.flow.to.to_string()} check={field::address as Check} on_change={set(IntentField::To)} />
                    <SelectField label="Protocol" value={intent.flow.protocol.to_string()} options={options(&PROTOCOLS)} on_change={choose(IntentField::Protocol)} />
                    <Field label="Port" value={intent.flow.port.map(|p| p.to_string()).unwrap_or_default()} check={field::port as Check} on_change={set(IntentField::Port)} />
                    <SelectField label="Expect" value={expect} options={options(&DECISIONS)} on_change={choose(IntentField::Expect)} />
                </div>
                <p class="hint">{ format!("Engine: {}{}", result.verdict.verdict, result.verdict.decided_by.as_ref().map(|r| format!(" by {}", r.to_string().rsplit('/').next().unwrap_or_default())).unwrap_or_default()) }</p>
            </li>
        }
    });
    html! {
        <section class="editor-panel">
            <h2>{ "Intents" }</h2>
            <p class="hint">{ "What traffic should do. Each intent is checked on every edit, here and by `avnm check` in a pipeline." }</p>
            if ctx.state.scenario.model().intents.is_empty() {
                <p class="empty">{ "No intents yet. Add one to pin down what this design must allow or deny." }</p>
            }
            <ul class="intents">{ for rows }</ul>
            <button class="primary" onclick={add} data-testid="add-intent">{ "Add an intent" }</button>
        </section>
    }
}
