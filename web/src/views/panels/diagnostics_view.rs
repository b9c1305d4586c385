//! The engine's diagnostics, each linked to the part of the design it concerns.

use avnm_core::Severity;
use avnm_core::model::Model;
use avnm_core::scenario::{Path, Place};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::rich;
use crate::state::{Action, Selection};

/// The item of the navigator that a place of the document falls in.
pub fn selection_for(model: &Model, path: &Path) -> Selection {
    match model.place_of(path) {
        Place::Vnet(id) => Selection::Vnet(id),
        Place::Nsg(id) => Selection::Nsg(id),
        Place::Nic(id) => Selection::Nic(id),
        Place::RuleCollection(id) => Selection::RuleCollection(id),
        Place::SecurityAdmin(id) => Selection::SecurityAdmin(id),
        Place::Connectivity(id) => Selection::Connectivity(id),
        Place::Group(id) => Selection::Group(id),
        Place::Manager(id) => Selection::Manager(id),
        Place::Commits => Selection::Deployments,
        Place::Intents => Selection::Intents,
        Place::Document => Selection::Document,
    }
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
                    if !d.path.is_root() { <button class="link path" onclick={go} title="Show in the editor">{ d.path.to_string() }</button> }
                </li>
            }
        }) }
        </ul>
    }
}
