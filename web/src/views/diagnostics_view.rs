//! The engine's diagnostics, each linked to the part of the design it concerns.

use avnm_core::Severity;
use avnm_core::model::Model;
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::rich;
use crate::state::{Action, Selection};

/// The item of the navigator that a JSON path falls in.
pub fn selection_for(model: &Model, path: &str) -> Selection {
    let within = |p: &str| {
        !p.is_empty()
            && (path == p
                || path.starts_with(&format!("{p}."))
                || path.starts_with(&format!("{p}[")))
    };
    if path.starts_with("commits") {
        return Selection::Deployments;
    }
    if path.starts_with("intents") {
        return Selection::Intents;
    }
    for v in model.vnets.values() {
        if within(&v.path) || v.subnets.iter().any(|s| within(&s.path)) {
            return Selection::Vnet(v.id.clone());
        }
    }
    for n in model.nsgs.values() {
        if within(&n.path) || n.rules.iter().any(|r| within(&r.path)) {
            return Selection::Nsg(n.id.clone());
        }
    }
    for n in model.nics.values() {
        if within(&n.path) {
            return Selection::Nic(n.id.clone());
        }
    }
    for c in model.security_admin_configs.values() {
        for rc in &c.collections {
            if within(&rc.path) || rc.rules.iter().any(|r| within(&r.path)) {
                return Selection::RuleCollection(rc.id.clone());
            }
        }
        if within(&c.path) {
            return Selection::SecurityAdmin(c.id.clone());
        }
    }
    for c in model.connectivity_configs.values() {
        if within(&c.path) {
            return Selection::Connectivity(c.id.clone());
        }
    }
    for g in model.groups.values() {
        if within(&g.path) {
            return Selection::Group(g.id.clone());
        }
    }
    for m in model.static_members.values() {
        if within(&m.path) {
            return Selection::Group(m.group.clone());
        }
    }
    for d in model.policy_definitions.values() {
        if within(&d.path)
            && let Some(g) = &d.network_group
        {
            return Selection::Group(g.clone());
        }
    }
    for m in model.managers.values() {
        if within(&m.path) {
            return Selection::Manager(m.id.clone());
        }
    }
    Selection::Document
}

/// The diagnostics panel.
#[component]
pub fn DiagnosticsView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let a = &ctx.analysis;
    if a.diagnostics.is_empty() {
        return html! { <p class="empty ok" data-testid="diagnostics">{ "No problems found: every reference resolves, priorities are valid, and no limit is exceeded." }</p> };
    }
    let mut sorted: Vec<_> = a.diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.severity);
    html! {
        <ul class="panel diagnostics" data-testid="diagnostics">
        { for sorted.into_iter().map(|d| {
            let go = {
                let selection = selection_for(&a.model, &d.path);
                ctx.dispatch.reform(move |_: MouseEvent| Action::Select(selection.clone()))
            };
            let level = if d.severity == Severity::Error { "error" } else { "warning" };
            html! {
                <li class={level}>
                    <span class={classes!("badge", level)}>{ level }</span>
                    <code class="code">{ d.code.to_string() }</code>
                    <span class="message">{ rich(&d.message) }</span>
                    if !d.path.is_empty() { <button class="link path" onclick={go} title="Show in the editor">{ d.path.clone() }</button> }
                </li>
            }
        }) }
        </ul>
    }
}
