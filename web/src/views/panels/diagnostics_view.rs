//! The engine's diagnostics, each linked to the part of the design it concerns; past [`LIST_LIMIT`] of them, one
//! line each (the whole message in its tooltip) in a list that renders only the rows in view, with a filter.

use avnm_core::Severity;
use avnm_core::model::Model;
use avnm_core::scenario::{Path, Place};
use yew::prelude::*;

use crate::app::Ctx;
use std::rc::Rc;

use crate::components::rich;
use crate::components::virtual_list::VirtualList;
use crate::platform;

/// Past this many diagnostics, they are a list that renders only the rows in view.
const LIST_LIMIT: usize = 50;
/// Height of a row, in CSS pixels.
const ROW: u32 = 30;
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
    let ctx = use_context::<Ctx>();
    let filter = use_state(String::new);
    let Some(ctx) = ctx else {
        return html! {};
    };
    let a = &ctx.analysis;
    if a.diagnostics.is_empty() {
        return html! { <p class="empty ok" data-testid="diagnostics">{ "No problems found: every reference resolves, priorities are valid, and no limit is exceeded." }</p> };
    }
    let mut sorted: Vec<_> = a.diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.severity);
    if sorted.len() > LIST_LIMIT {
        let needle = filter.trim().to_lowercase();
        let mut order: Vec<usize> = (0..a.diagnostics.len()).collect();
        order.sort_by_key(|&i| a.diagnostics.get(i).map(|d| d.severity));
        let kept: Rc<Vec<usize>> = Rc::new(
            order
                .into_iter()
                .filter(|&i| {
                    needle.is_empty()
                        || a.diagnostics.get(i).is_some_and(|d| {
                            d.message.to_lowercase().contains(&needle)
                                || d.code.to_string().contains(&needle)
                                || d.path.to_string().to_lowercase().contains(&needle)
                        })
                })
                .collect(),
        );
        let errors = sorted
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let on_filter = {
            let filter = filter.clone();
            Callback::from(move |e: InputEvent| filter.set(platform::value(&e)))
        };
        let row = {
            let (analysis, kept, dispatch) =
                (ctx.analysis.clone(), kept.clone(), ctx.dispatch.clone());
            Callback::from(move |i: usize| {
                let Some(d) = kept.get(i).and_then(|&k| analysis.diagnostics.get(k)) else {
                    return html! {};
                };
                let go = {
                    let selection = selection_for(&analysis.model, &d.path);
                    dispatch.reform(move |_: MouseEvent| Action::Select(selection.clone()))
                };
                let level = if d.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                html! {
                    <>
                        <span class={classes!("badge", level)}>{ level }</span>
                        <code class="code">{ d.code.to_string() }</code>
                        <span class="message" title={d.message.clone()}>{ rich(&d.message) }</span>
                        if !d.path.is_root() { <button class="link path" onclick={go} title={format!("Show {} in the editor", d.path)}>{ d.path.to_string() }</button> }
                    </>
                }
            })
        };
        return html! {
            <div class="panel" data-testid="diagnostics">
                <div class="list-toolbar">
                    <input type="search" class="filter" placeholder="Filter by message, code or path" value={(*filter).clone()}
                        oninput={on_filter} data-testid="diagnostics-filter" />
                    <span class="muted">{ format!("{errors} errors, {} warnings{}", sorted.len() - errors,
                        if kept.len() < sorted.len() { format!(" · {} shown", kept.len()) } else { String::new() }) }</span>
                </div>
                <VirtualList count={kept.len()} row_height={ROW} height={560} {row} class="diagnostics-list" label="Diagnostics" />
            </div>
        };
    }
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
