//! Effective rules of a VNet or NIC, in evaluation order.
//!
//! The network interface or VNet is picked from a list narrowed by a filter (a design can have tens of
//! thousands); a stage of more than [`TABLE_LIMIT`] rules is a list that renders only the rows in view.

use std::rc::Rc;

use avnm_core::model::{NicId, VnetId};
use avnm_core::security::effective::{EffectiveRules, RuleStage, RuleView};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::later::Later;
use crate::components::virtual_list::VirtualList;
use crate::platform;
use crate::state::Selection;

/// Past this many rules, a stage is a list that renders only the rows in view.
const TABLE_LIMIT: usize = 40;
/// At most this many targets of each kind are offered in the picker at once; the filter narrows them (a list of
/// more is not read, and each option is built when the panel opens).
const PICKER_LIMIT: usize = 50;
/// Height of a rule row, in CSS pixels.
const ROW: u32 = 24;

/// The last segment of a rule's id: its name.
fn short(id: &str) -> String {
    id.rsplit('/').next().unwrap_or_default().to_owned()
}

fn grid_row(r: &RuleView) -> Html {
    let id = r.id.to_string();
    let sources = r.sources.join(", ");
    let destinations = r.destinations.join(", ");
    html! {
        <div class={classes!("rule-row", r.access.to_string().to_lowercase())}>
            <span>{ r.priority }</span><span title={id.clone()}>{ short(&id) }</span>
            <span>{ r.access.to_string() }</span><span>{ r.protocol.to_string() }</span>
            <span title={sources.clone()}>{ sources }</span><span>{ r.source_ports.join(", ") }</span>
            <span title={destinations.clone()}>{ destinations }</span><span>{ r.destination_ports.join(", ") }</span>
        </div>
    }
}

fn stage(s: &RuleStage) -> Html {
    if s.rules.len() > TABLE_LIMIT {
        let rules = Rc::new(s.rules.clone());
        let row = Callback::from(move |i: usize| rules.get(i).map(grid_row).unwrap_or_default());
        return html! {
            <section class="rule-stage">
                <h4>{ format!("{} ", s.stage.label()) }<code title={s.evaluated.clone()}>{ short(&s.evaluated) }</code>
                    <span class="muted">{ format!(" · {} rules", s.rules.len()) }</span></h4>
                <div class="rule-grid">
                    <div class="rule-head"><span>{ "Priority" }</span><span>{ "Name" }</span><span>{ "Action" }</span><span>{ "Protocol" }</span><span>{ "Source" }</span><span>{ "Src ports" }</span><span>{ "Destination" }</span><span>{ "Dst ports" }</span></div>
                    <VirtualList count={s.rules.len()} row_height={ROW} height={360} {row} class="rule-list" label="Rules in evaluation order" />
                </div>
            </section>
        };
    }
    html! {
        <section class="rule-stage">
            <h4>{ format!("{} ", s.stage.label()) }<code title={s.evaluated.clone()}>{ s.evaluated.rsplit('/').next().unwrap_or_default().to_owned() }</code></h4>
            <table class="rules">
                <thead><tr><th>{ "Priority" }</th><th>{ "Name" }</th><th>{ "Action" }</th><th>{ "Protocol" }</th><th>{ "Source" }</th><th>{ "Src ports" }</th><th>{ "Destination" }</th><th>{ "Dst ports" }</th></tr></thead>
                <tbody>
                { for s.rules.iter().map(|r| html! {
                    <tr class={r.access.to_string().to_lowercase()}>
                        <td>{ r.priority }</td><td title={r.id.to_string()}>{ r.id.to_string().rsplit('/').next().unwrap_or_default().to_owned() }</td>
                        <td>{ r.access.to_string() }</td><td>{ r.protocol.to_string() }</td>
                        <td>{ r.sources.join(", ") }</td><td>{ r.source_ports.join(", ") }</td>
                        <td>{ r.destinations.join(", ") }</td><td>{ r.destination_ports.join(", ") }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </section>
    }
}

fn render(rules: &EffectiveRules, target: &str) -> Html {
    let outbound = html! {
        <>
            if rules.outbound.is_empty() { <p class="empty">{ "No admin rule or NSG applies outbound: everything is allowed." }</p> }
            { for rules.outbound.iter().map(stage) }
        </>
    };
    let count = |stages: &[RuleStage]| stages.iter().map(|s| s.rules.len()).sum::<usize>();
    let large = count(&rules.inbound) + count(&rules.outbound) > 2 * TABLE_LIMIT;
    html! {
        <>
            <h3>{ "Inbound" }</h3>
            if rules.inbound.is_empty() { <p class="empty">{ "No admin rule or NSG applies inbound: everything is allowed." }</p> }
            { for rules.inbound.iter().map(stage) }
            <h3>{ "Outbound" }</h3>
            if large {
                // The outbound rules a task after the inbound ones: on T2 the panel was one task of 52 to 55 ms,
                // half of it the browser's layout of the rows.
                <Later key={target.to_owned()}
                    placeholder={html! { <p class="muted" data-testid="rules-later">{ "Listing the outbound rules…" }</p> }}
                    body={Callback::from(move |()| outbound.clone())} />
            } else {
                { outbound }
            }
            { for rules.notes.iter().map(|n| html! { <p class="note">{ n.clone() }</p> }) }
        </>
    }
}

/// The effective rules panel.
#[component]
pub fn RulesView() -> Html {
    let ctx = use_context::<Ctx>();
    let initial = ctx.as_ref().and_then(|c| match &c.state.selection {
        Selection::Nic(id) => Some(format!("nic:{id}")),
        Selection::Vnet(id) => Some(format!("vnet:{id}")),
        _ => c
            .analysis
            .model
            .nics
            .keys()
            .next()
            .map(|id| format!("nic:{id}")),
    });
    let target = use_state(|| initial.clone().unwrap_or_default());
    let filter = use_state(String::new);
    let Some(ctx) = ctx else { return html! {} };
    let model = &ctx.analysis.model;
    let onchange = {
        let target = target.clone();
        Callback::from(move |e: Event| target.set(platform::value(&e)))
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| filter.set(platform::value(&e)))
    };
    let rules = if let Some(id) = target.strip_prefix("nic:") {
        ctx.analysis.effective_nic_rules(&NicId::new(id))
    } else if let Some(id) = target.strip_prefix("vnet:") {
        ctx.analysis.effective_vnet_rules(&VnetId::new(id))
    } else {
        None
    };
    // The targets the filter keeps, at most PICKER_LIMIT of each kind, and the current one always.
    let needle = filter.trim().to_lowercase();
    let keep = |name: &str, value: &str| {
        *target == value || needle.is_empty() || name.to_lowercase().contains(&needle)
    };
    let nics: Vec<(String, String)> = model
        .nics
        .keys()
        .map(|id| (format!("nic:{id}"), id.name().to_owned()))
        .filter(|(v, name)| keep(name, v))
        .take(PICKER_LIMIT)
        .collect();
    let vnets: Vec<(String, String)> = model
        .vnets
        .values()
        .map(|vnet| (format!("vnet:{}", vnet.id), vnet.name.clone()))
        .filter(|(v, name)| keep(name, v))
        .take(PICKER_LIMIT)
        .collect();
    let targets = model.nics.len() + model.vnets.len();
    let offered = nics.len() + vnets.len();
    let option = |(v, name): &(String, String)| {
        html! { <option value={v.clone()} selected={*target == *v}>{ name.clone() }</option> }
    };
    html! {
        <div class="panel rules-panel">
            <div class="rule-picker">
                <label class="field"><span class="label">{ "Rules of" }</span>
                    <select {onchange} data-testid="rules-target">
                        <optgroup label="Network interfaces (admin rules and NSGs)">{ for nics.iter().map(option) }</optgroup>
                        <optgroup label="Virtual networks (admin rules)">{ for vnets.iter().map(option) }</optgroup>
                    </select>
                </label>
                if targets > PICKER_LIMIT {
                    <label class="field"><span class="label">{ format!("Find one of {targets}") }</span>
                        <input type="search" class="filter" placeholder="Filter by name" value={(*filter).clone()}
                            oninput={on_filter} data-testid="rules-filter" />
                    </label>
                }
            </div>
            if offered < targets { <p class="muted">{ format!("{offered} of {targets} offered: type in the filter to find the others.") }</p> }
            if let Some(r) = rules { { render(&r, &target) } } else { <p class="empty">{ "Pick a network interface or a virtual network." }</p> }
        </div>
    }
}
