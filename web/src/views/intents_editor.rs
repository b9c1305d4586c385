//! The intents of the design: assertions about traffic, each editable, with pass or fail.

use avnm_core::Decision;
use avnm_core::scenario::{Edit, FieldValue, edit::template, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::{Check, Field, SelectField, options};
use crate::state::Action;

const PROTOCOLS: [&str; 6] = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "Any"];
const DECISIONS: [&str; 3] = ["Allowed", "Denied", "Unreachable"];

/// The intents editor.
#[component]
pub fn IntentsEditor() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let results = ctx.analysis.check();
    let add = ctx.dispatch.reform(|_: MouseEvent| {
        Action::Edit(Edit::Append {
            path: "intents".into(),
            fragment: template::intent("new intent", "10.0.0.4", "10.0.1.4", "Tcp", 443, "Allowed"),
        })
    });
    let rows = ctx.state.scenario.model().intents.iter().zip(results).enumerate().map(|(i, (intent, result))| {
        let path = intent.path.clone();
        let set = |key: &'static str| {
            let path = path.clone();
            ctx.dispatch.reform(move |value: FieldValue| Action::Edit(Edit::Set { path: format!("{path}.{key}"), value }))
        };
        let choose = |key: &'static str| {
            let path = path.clone();
            ctx.dispatch.reform(move |value: String| Action::Edit(Edit::Set { path: format!("{path}.{key}"), value: FieldValue::Text(value) }))
        };
        let remove = {
            let path = path.clone();
            ctx.dispatch.reform(move |_: MouseEvent| Action::Edit(Edit::Remove { path: path.clone() }))
        };
        let status = if result.passed { "pass" } else { "fail" };
        let expect = match intent.expect { Decision::Allowed => "Allowed", Decision::Denied => "Denied", Decision::Unreachable => "Unreachable" };
        html! {
            <li class={classes!("intent", status)} data-testid={format!("intent-{i}")}>
                <div class="intent-head">
                    <span class={classes!("badge", status)}>{ if result.passed { "PASS" } else { "FAIL" } }</span>
                    <Field label="Name" value={intent.name.clone()} check={field::text as Check} on_change={set("name")} testid={format!("intent-{i}-name")} />
                    <button class="danger" onclick={remove} aria-label="Remove this intent">{ "Remove" }</button>
                </div>
                <div class="grid">
                    <Field label="From" value={intent.flow.from.to_string()} check={field::address as Check} on_change={set("from")} />
                    <Field label="To" value={intent.flow.to.to_string()} check={field::address as Check} on_change={set("to")} />
                    <SelectField label="Protocol" value={intent.flow.protocol.to_string()} options={options(&PROTOCOLS)} on_change={choose("protocol")} />
                    <Field label="Port" value={intent.flow.port.map(|p| p.to_string()).unwrap_or_default()} check={field::port as Check} on_change={set("port")} />
                    <SelectField label="Expect" value={expect} options={options(&DECISIONS)} on_change={choose("expect")} />
                </div>
                <p class="hint">{ format!("Engine: {:?}{}", result.verdict.verdict, result.verdict.decided_by.as_ref().map(|r| format!(" by {}", r.to_string().rsplit('/').next().unwrap_or_default())).unwrap_or_default()) }</p>
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
