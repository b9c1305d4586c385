//! The deployments: the commits in order, each editable, and the goal state they leave per region and type,
//! with rejected commits and the configurations edited since they were committed ("redeploy needed").
//!
//! Every change here commits "now": it records the current content of the commit's configurations, so the
//! redeploy badge compares with what the user last committed.

use std::collections::BTreeSet;
use std::sync::Arc;

use avnm_core::Severity;
use avnm_core::model::{Commit, ConfigType, ConfigurationId, Model};
use avnm_core::scenario::change::commit_everything;
use avnm_core::scenario::{Change, deploy_everything};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{link, on_click};
use crate::components::{CheckField, SelectField, options};
use crate::state::{Action, Selection};

/// The regions to offer: those of the virtual networks and those already named by commits.
fn regions(model: &Model) -> Vec<String> {
    let mut all: BTreeSet<String> = model
        .vnets
        .values()
        .map(|v| v.location.to_string())
        .collect();
    all.extend(
        model
            .commits
            .iter()
            .flat_map(|c| c.regions.iter().map(ToString::to_string)),
    );
    all.into_iter().collect()
}

/// One commit: its manager and type, its configurations and regions as checkboxes, and why it is rejected.
fn render_commit(
    ctx: &Ctx,
    model: &Arc<Model>,
    commit: &Commit,
    i: usize,
    all_regions: &[String],
) -> Html {
    let region_names: Vec<String> = commit.regions.iter().map(ToString::to_string).collect();
    let available = model.configurations_of(&commit.manager, commit.commit_type);
    let mut shown: Vec<ConfigurationId> = available.clone();
    shown.extend(
        commit
            .configurations
            .iter()
            .filter(|c| !available.contains(c))
            .cloned(),
    );
    let config_boxes = shown.iter().map(|config| {
        let checked = commit.configurations.contains(config);
        let on_change = {
            let current = commit.configurations.clone();
            let config = config.clone();
            let regions = region_names.clone();
            ctx.dispatch.reform(move |on: bool| {
                let mut configurations: Vec<ConfigurationId> = current.iter().filter(|c| **c != config).cloned().collect();
                if on {
                    configurations.push(config.clone());
                }
                Action::Change(Change::SetCommit { index: i, configurations, regions: regions.clone() })
            })
        };
        let missing = !available.contains(config);
        let label = if missing { format!("{} (not a {} configuration of this manager)", config.name(), commit.commit_type.name()) } else { config.name().to_owned() };
        html! { <CheckField key={config.to_string()} {label} {checked} {on_change} testid={format!("commit-{i}-config-{}", config.name())} /> }
    });
    let region_boxes = all_regions.iter().map(|region| {
        let checked = region_names.iter().any(|r| r == region);
        let on_change = {
            let region = region.clone();
            let configurations = commit.configurations.clone();
            let current = region_names.clone();
            ctx.dispatch.reform(move |on: bool| {
                let mut regions: Vec<String> = current.iter().filter(|r| **r != region).cloned().collect();
                if on {
                    regions.push(region.clone());
                }
                Action::Change(Change::SetCommit { index: i, configurations: configurations.clone(), regions })
            })
        };
        html! { <CheckField key={region.clone()} label={region.clone()} {checked} {on_change} testid={format!("commit-{i}-region-{region}")} /> }
    });
    let remove = on_click(ctx, Change::RemoveCommit(i));
    let rejected: Vec<_> = ctx
        .analysis
        .goal_state
        .diagnostics
        .iter()
        .filter(|d| d.path == commit.path && d.severity == Severity::Error)
        .collect();
    let notes: Vec<_> = ctx
        .analysis
        .goal_state
        .diagnostics
        .iter()
        .filter(|d| d.path == commit.path && d.severity != Severity::Error)
        .collect();
    let manager = if model.managers.contains_key(&commit.manager) {
        link(
            ctx,
            Selection::Manager(commit.manager.clone()),
            commit.manager.name().to_owned(),
            format!("commit-{i}-manager"),
        )
    } else {
        html! { <code>{ commit.manager.name().to_owned() }</code> }
    };
    html! {
        <li key={commit.path.to_string()} class={classes!("commit", (!rejected.is_empty()).then_some("rejected"))} data-testid={format!("commit-{i}")}>
            <div class="commit-head">
                <span class="commit-number">{ format!("#{}", i + 1) }</span>
                { manager }
                <span class="badge type">{ commit.commit_type.name() }</span>
                if !rejected.is_empty() { <span class="badge error">{ "rejected" }</span> }
                if commit.snapshots.is_empty() && !commit.configurations.is_empty() {
                    <span class="muted" title="This commit does not record the content it deployed, so edits since cannot be detected">{ "content not recorded" }</span>
                }
                <button class="danger small" onclick={remove} aria-label={format!("Remove commit {}", i + 1)} data-testid={format!("commit-{i}-remove")}>{ "Remove" }</button>
            </div>
            { for rejected.iter().chain(notes.iter()).map(|d| html! {
                <p class={if d.severity == Severity::Error { "error" } else { "note" }} data-testid={format!("commit-{i}-diagnostic")}>{ d.message.clone() }</p>
            }) }
            <div class="commit-body">
                <fieldset>
                    <legend>{ "Configurations" }</legend>
                    if shown.is_empty() {
                        <p class="empty">{ format!("The manager has no {} configuration.", commit.commit_type.name()) }</p>
                    }
                    { for config_boxes }
                    if commit.configurations.is_empty() {
                        <p class="hint">{ "None checked: this commit removes the type from its regions." }</p>
                    }
                </fieldset>
                <fieldset>
                    <legend>{ "Regions" }</legend>
                    if all_regions.is_empty() { <p class="empty">{ "No region: the design has no virtual network." }</p> }
                    { for region_boxes }
                </fieldset>
            </div>
        </li>
    }
}

/// The goal state: for each region, type and manager, what is in effect, which commit set it, and what needs a
/// redeploy.
fn render_goal_state(ctx: &Ctx, model: &Model) -> Html {
    let goal = &ctx.analysis.goal_state;
    if goal.regions.is_empty() {
        return html! { <p class="empty" data-testid="goal-empty">{ "Nothing is deployed: configurations have no effect until a commit deploys them. Add a commit, or deploy everything." }</p> };
    }
    let rows = goal.regions.iter().map(|((manager, region, kind), deployed)| {
        let configs = deployed.configurations.iter().map(|c| {
            let selection = match kind {
                ConfigType::SecurityAdmin => Some(Selection::SecurityAdmin(c.clone())),
                ConfigType::Connectivity => Some(Selection::Connectivity(c.clone())),
                _ => None,
            };
            let name = match selection {
                Some(s) if model.config_type(c).is_some() => link(ctx, s, c.name().to_owned(), format!("goal-{region}-{}", c.name())),
                _ => html! { <code>{ c.name().to_owned() }</code> },
            };
            html! {
                <li key={c.to_string()}>
                    { name }
                    if deployed.outdated.contains(c) {
                        { " " }<span class="badge redeploy" data-testid={format!("outdated-{region}-{}", c.name())}
                            title="Edited since this commit: the region still runs the committed content">{ "redeploy needed" }</span>
                    }
                </li>
            }
        });
        let redeploy = (!deployed.outdated.is_empty()).then(|| {
            on_click(ctx, Change::Commit {
                manager: manager.clone(),
                kind: *kind,
                configurations: deployed.configurations.clone(),
                regions: vec![region.to_string()],
            })
        });
        html! {
            <tr key={format!("{manager}|{region}|{kind:?}")} data-testid={format!("goal-{region}-{}", kind.name())}>
                <td>{ region.to_string() }</td>
                <td>{ kind.name() }<br /><span class="muted">{ manager.name().to_owned() }</span></td>
                <td><ul class="vnm-list compact">{ for configs }</ul></td>
                <td>{ format!("#{}", deployed.commit + 1) }</td>
                <td>
                    if let Some(onclick) = redeploy {
                        <button class="small" {onclick} data-testid={format!("redeploy-{region}-{}", kind.name())}
                            title="Commits the same configurations to this region again, with their current content">{ "Redeploy" }</button>
                    }
                </td>
            </tr>
        }
    });
    html! {
        <table class="vnm-table goal" data-testid="goal-state">
            <thead><tr><th>{ "Region" }</th><th>{ "Type, manager" }</th><th>{ "In effect" }</th><th>{ "Set by" }</th><th><span class="visually-hidden">{ "Redeploy" }</span></th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// The deployments editor.
#[component]
pub fn DeploymentsEditor() -> Html {
    let new_manager = use_state(String::new);
    let new_type = use_state(|| "Connectivity".to_owned());
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let all_regions = regions(model);

    let deploy =
        (!deploy_everything(model).is_empty()).then(|| on_click(&ctx, Change::DeployEverything));

    // Adding a commit: a manager and a type, then every configuration of that type (one for security admin) to
    // every region of the design.
    let manager_id = model
        .managers
        .keys()
        .find(|m| m.as_str() == new_manager.as_str())
        .or_else(|| model.managers.keys().next())
        .cloned();
    let manager_options: Vec<(AttrValue, AttrValue)> = model
        .managers
        .keys()
        .map(|m| {
            (
                AttrValue::from(m.to_string()),
                AttrValue::from(m.name().to_owned()),
            )
        })
        .collect();
    let add = manager_id.as_ref().map(|manager| {
        let kind = if new_type.as_str() == "SecurityAdmin" {
            ConfigType::SecurityAdmin
        } else {
            ConfigType::Connectivity
        };
        let change = commit_everything(model, manager, kind).unwrap_or(Change::Commit {
            manager: manager.clone(),
            kind,
            configurations: Vec::new(),
            regions: model.regions(),
        });
        on_click(&ctx, change)
    });
    let pick_manager = Callback::from(move |value: String| new_manager.set(value));
    let pick_type = {
        let new_type = new_type.clone();
        Callback::from(move |value: String| new_type.set(value))
    };

    let outdated = ctx
        .analysis
        .goal_state
        .regions
        .values()
        .filter(|d| !d.outdated.is_empty())
        .count();
    html! {
        <section class="editor-panel vnm-editor" data-testid="deployments-editor">
            <header class="vnm-head">
                <span class="vnm-kind">{ "Design" }</span>
                <h2>{ "Deployments" }</h2>
                <p class="hint">{ "Each commit replaces what its manager has deployed of its type in its regions; commits apply in order. Membership is live, but a configuration's content is the one committed: an edit needs a new commit." }</p>
            </header>
            <div class="vnm-actions">
                if let Some(onclick) = deploy {
                    <button class="primary" {onclick} data-testid="deploy-everything" title="Commits every connectivity configuration and the first security admin configuration of each manager to every region with a virtual network">{ "Deploy everything" }</button>
                } else {
                    <button class="primary" disabled=true data-testid="deploy-everything" title="There is no configuration to deploy, or no virtual network">{ "Deploy everything" }</button>
                }
                if outdated > 0 {
                    <span class="badge redeploy" data-testid="redeploy-summary">{ if outdated == 1 { "1 deployment needs a redeploy".to_owned() } else { format!("{outdated} deployments need a redeploy") } }</span>
                }
            </div>

            <h3>{ "Goal state" }</h3>
            { render_goal_state(&ctx, model) }

            <h3>{ format!("Commits ({})", model.commits.len()) }</h3>
            if model.commits.is_empty() {
                <p class="empty" data-testid="commits-empty">{ "No commit yet. Add one below, or deploy everything in one click." }</p>
            }
            <ol class="commits">{ for model.commits.iter().enumerate().map(|(i, c)| render_commit(&ctx, model, c, i, &all_regions)) }</ol>

            <h3>{ "Add a commit" }</h3>
            if model.managers.is_empty() {
                <p class="empty">{ "There is no network manager to commit from: add one first." }</p>
            } else {
                <div class="vnm-add">
                    <SelectField label="Network manager" value={manager_id.as_ref().map(ToString::to_string).unwrap_or_default()} options={manager_options} on_change={pick_manager} testid="new-commit-manager" />
                    <SelectField label="Type" value={(*new_type).clone()} options={options(&["Connectivity", "SecurityAdmin"])} on_change={pick_type} testid="new-commit-type" />
                    if let Some(onclick) = add {
                        <button {onclick} data-testid="add-commit" title="Commits every configuration of this type (one for security admin) to every region of the design; adjust below">{ "Add the commit" }</button>
                    }
                </div>
            }
        </section>
    }
}
