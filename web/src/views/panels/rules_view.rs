//! Effective rules of a VNet or NIC, in evaluation order.

use avnm_core::model::{NicId, VnetId};
use avnm_core::security::effective::{EffectiveRules, RuleStage};
use yew::prelude::*;

use crate::app::Ctx;
use crate::platform;
use crate::state::Selection;

fn stage(s: &RuleStage) -> Html {
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

fn render(rules: &EffectiveRules) -> Html {
    html! {
        <>
            <h3>{ "Inbound" }</h3>
            if rules.inbound.is_empty() { <p class="empty">{ "No admin rule or NSG applies inbound: everything is allowed." }</p> }
            { for rules.inbound.iter().map(stage) }
            <h3>{ "Outbound" }</h3>
            if rules.outbound.is_empty() { <p class="empty">{ "No admin rule or NSG applies outbound: everything is allowed." }</p> }
            { for rules.outbound.iter().map(stage) }
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
    let Some(ctx) = ctx else { return html! {} };
    let model = &ctx.analysis.model;
    let onchange = {
        let target = target.clone();
        Callback::from(move |e: Event| target.set(platform::value(&e)))
    };
    let rules = if let Some(id) = target.strip_prefix("nic:") {
        ctx.analysis.effective_nic_rules(&NicId::new(id))
    } else if let Some(id) = target.strip_prefix("vnet:") {
        ctx.analysis.effective_vnet_rules(&VnetId::new(id))
    } else {
        None
    };
    html! {
        <div class="panel rules-panel">
            <label class="field"><span class="label">{ "Rules of" }</span>
                <select {onchange} data-testid="rules-target">
                    <optgroup label="Network interfaces (admin rules and NSGs)">
                    { for model.nics.keys().map(|id| { let v = format!("nic:{id}"); html! { <option value={v.clone()} selected={*target == v}>{ id.name().to_owned() }</option> } }) }
                    </optgroup>
                    <optgroup label="Virtual networks (admin rules)">
                    { for model.vnets.values().map(|vnet| { let v = format!("vnet:{}", vnet.id); html! { <option value={v.clone()} selected={*target == v}>{ vnet.name.clone() }</option> } }) }
                    </optgroup>
                </select>
            </label>
            if let Some(r) = rules { { render(&r) } } else { <p class="empty">{ "Pick a network interface or a virtual network." }</p> }
        </div>
    }
}
