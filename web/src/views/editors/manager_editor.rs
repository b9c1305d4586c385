//! The editor of a network manager: region, scope and features, its network groups and configurations, and
//! buttons that add a group or a configuration.

use std::collections::BTreeSet;

use avnm_core::model::{ConfigType, Model, NetworkManager, NetworkManagerId, ResourceId};
use avnm_core::scenario::{Change, FieldValue, Target, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{
    diagnostics_under, link, on_click, render_delete, render_diagnostics, render_missing,
    render_vnm_head, set, text_of,
};
use crate::components::{Check, CheckField, Field};
use crate::platform;
use crate::state::{Action, Selection};

/// The features a manager can have, in Azure's order, with their labels.
const FEATURES: [(ConfigType, &str); 4] = [
    (ConfigType::Connectivity, "Connectivity"),
    (ConfigType::SecurityAdmin, "Security admin"),
    (ConfigType::Routing, "Routing (kept, not simulated)"),
    (
        ConfigType::SecurityUser,
        "Security user (kept, not simulated)",
    ),
];

/// The subscriptions and management groups the document knows of, for adding to a scope.
fn known_scopes(model: &Model, manager: &NetworkManager) -> Vec<(AttrValue, AttrValue)> {
    let mut subscriptions: BTreeSet<String> = model
        .subscriptions
        .keys()
        .map(ToString::to_string)
        .collect();
    subscriptions.extend(model.vnets.values().map(|v| v.subscription.to_string()));
    let mut out = vec![(
        AttrValue::from(""),
        AttrValue::from("Add a subscription or management group…"),
    )];
    for s in subscriptions {
        if manager
            .scope_subscriptions
            .iter()
            .any(|x| x.as_str().eq_ignore_ascii_case(&s))
        {
            continue;
        }
        let label = model
            .subscriptions
            .iter()
            .find(|(id, _)| id.as_str().eq_ignore_ascii_case(&s))
            .and_then(|(_, sub)| sub.display_name.clone())
            .map_or_else(
                || format!("subscription {s}"),
                |name| format!("subscription {name} ({s})"),
            );
        out.push((AttrValue::from(s), AttrValue::from(label)));
    }
    for mg in model.management_groups.keys() {
        if !manager.scope_management_groups.contains(mg) {
            out.push((
                AttrValue::from(mg.to_string()),
                AttrValue::from(format!("management group {}", mg.name())),
            ));
        }
    }
    out
}

/// The scope: its subscriptions and management groups, each removable, and a way to add more.
#[component]
fn ScopeEditor(props: &ManagerEditorProps) -> Html {
    let draft = use_state(String::new);
    {
        // The editor is reused when another manager is selected: forget what was typed.
        let draft = draft.clone();
        use_effect_with(props.id.clone(), move |_| draft.set(String::new()));
    }
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let Some(manager) = model.managers.get(&props.id) else {
        return html! {};
    };
    let entries: Vec<String> = manager
        .scope_management_groups
        .iter()
        .map(ToString::to_string)
        .chain(manager.scope_subscriptions.iter().map(ToString::to_string))
        .collect();
    let rows = entries.iter().enumerate().map(|(i, entry)| {
        let remove = on_click(&ctx, Change::RemoveScope { manager: manager.id.clone(), scope: entry.clone() });
        let kind = if entry.to_ascii_lowercase().contains("/managementgroups/") { "management group" } else { "subscription" };
        html! {
            <li key={entry.clone()}>
                <span class="muted">{ kind }</span>{ " " }<code>{ entry.clone() }</code>
                <button class="danger small" onclick={remove} data-testid={format!("scope-{i}-remove")}
                    aria-label={format!("Remove {entry} from the scope")}>{ "Remove" }</button>
            </li>
        }
    });
    let pick = {
        let manager = manager.id.clone();
        crate::components::maybe(&ctx.dispatch, move |chosen: String| {
            (!chosen.is_empty()).then(|| {
                Action::Change(Change::AddScope {
                    manager: manager.clone(),
                    scope: chosen,
                })
            })
        })
    };
    let error = (!draft.is_empty())
        .then(|| field::scope_entry(&draft).err().map(|e| e.to_string()))
        .flatten();
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.set(platform::value(&e)))
    };
    let onsubmit = {
        let draft = draft.clone();
        let manager = manager.id.clone();
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(entry) = field::scope_entry(&draft) {
                dispatch.emit(Action::Change(Change::AddScope {
                    manager: manager.clone(),
                    scope: entry.into_text(),
                }));
                draft.set(String::new());
            }
        })
    };
    html! {
        <>
            if entries.is_empty() {
                <p class="empty" data-testid="scope-empty">{ "No scope: the manager reaches no virtual network. Add a subscription or a management group." }</p>
            }
            <ul class="vnm-list" data-testid="scope-list">{ for rows }</ul>
            <div class="vnm-add">
                <label class="field">
                    <span class="label">{ "Add from the design" }</span>
                    <select onchange={pick.reform(|e: Event| platform::value(&e))} data-testid="scope-add-known">
                        { for known_scopes(model, manager).into_iter().map(|(value, text)| html! {
                            <option value={value.clone()} selected={value.is_empty()}>{ text }</option>
                        }) }
                    </select>
                </label>
                <form class="vnm-inline-form" {onsubmit}>
                    <label class={classes!("field", error.is_some().then_some("invalid"))}>
                        <span class="label">{ "Or type an id" }</span>
                        <input type="text" value={(*draft).clone()} {oninput} data-testid="scope-add-id" spellcheck="false"
                            placeholder="/subscriptions/<id>" aria-invalid={error.is_some().to_string()} />
                        if let Some(e) = error.clone() {
                            <span class="error" role="alert" data-testid="scope-add-id-error">{ e }</span>
                        }
                    </label>
                    <button type="submit" disabled={draft.is_empty() || error.is_some()} data-testid="scope-add">{ "Add" }</button>
                </form>
            </div>
        </>
    }
}

/// Properties of [`ManagerEditor`].
#[derive(Properties, PartialEq)]
pub struct ManagerEditorProps {
    /// The resource.
    pub id: NetworkManagerId,
}

/// The editor of a network manager.
#[component]
pub fn ManagerEditor(props: &ManagerEditorProps) -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let Some(manager) = model.managers.get(&props.id) else {
        return render_missing("Network manager", props.id.as_str());
    };
    let id = manager.id.to_string();
    let location = Target::Location(ResourceId::new(&id));
    let features = FEATURES.iter().map(|(kind, label)| {
        let enabled = manager.features.contains(kind);
        let current = manager.features.clone();
        let kind = *kind;
        let set = set(&ctx, Target::ManagerFeatures(manager.id.clone()));
        let on_change = Callback::from(move |checked: bool| {
            let mut next = current.clone();
            if checked {
                next.insert(kind);
            } else {
                next.remove(&kind);
            }
            let texts = FEATURES.iter().filter(|(k, _)| next.contains(k)).map(|(k, _)| k.name().to_owned()).collect();
            set.emit(FieldValue::Texts(texts));
        });
        html! { <CheckField label={*label} checked={enabled} {on_change} testid={format!("feature-{}", kind.name())} /> }
    });

    let groups: Vec<_> = model
        .groups
        .values()
        .filter(|g| g.manager == manager.id)
        .collect();
    let connectivity: Vec<_> = model
        .connectivity_configs
        .values()
        .filter(|c| c.manager == manager.id)
        .collect();
    let security: Vec<_> = model
        .security_admin_configs
        .values()
        .filter(|c| c.manager == manager.id)
        .collect();
    let first_group = groups.first().map(|g| g.id.clone());

    let add_group = on_click(&ctx, Change::AddNetworkGroup(manager.id.clone()));
    let add_connectivity = first_group.as_ref().map(|group| {
        on_click(
            &ctx,
            Change::AddConnectivityConfiguration {
                manager: manager.id.clone(),
                group: Some(group.clone()),
            },
        )
    });
    let add_security = on_click(
        &ctx,
        Change::AddSecurityAdminConfiguration {
            manager: manager.id.clone(),
            group: first_group.clone(),
        },
    );

    let group_items = groups.iter().map(|g| {
        let count = ctx.analysis.membership.members(&g.id).len();
        html! {
            <li key={g.id.to_string()}>
                { link(&ctx, Selection::Group(g.id.clone()), g.id.name().to_owned(), format!("manager-group-{}", g.id.name())) }
                <span class="muted">{ format!(" {count} member{}", if count == 1 { "" } else { "s" }) }</span>
            </li>
        }
    });
    let config_items = connectivity
        .iter()
        .map(|c| (Selection::Connectivity(c.id.clone()), &c.id, format!("connectivity · {:?}", c.topology)))
        .chain(security.iter().map(|c| (Selection::SecurityAdmin(c.id.clone()), &c.id, format!("security admin · {} rule collections", c.collections.len()))))
        .map(|(selection, config, detail)| {
            let regions = ctx.analysis.goal_state.regions_of(config).len();
            html! {
                <li key={config.to_string()}>
                    { link(&ctx, selection, config.name().to_owned(), format!("manager-config-{}", config.name())) }
                    <span class="muted">{ format!(" {detail} · ") }</span>
                    if regions == 0 { <span class="muted">{ "not deployed" }</span> } else { <span class="muted">{ format!("deployed to {regions} region{}", if regions == 1 { "" } else { "s" }) }</span> }
                    if ctx.analysis.goal_state.needs_redeploy(config) { { " " }<span class="badge redeploy">{ "redeploy needed" }</span> }
                </li>
            }
        });

    html! {
        <section class="editor-panel vnm-editor" data-testid="manager-editor">
            { render_vnm_head("Network manager", manager.id.name(), html! { <code>{ id.clone() }</code> }) }
            <div class="vnm-actions">{ render_delete(&ctx, manager.id.as_str(), "network manager", "delete-manager") }</div>
            { render_diagnostics(&diagnostics_under(&ctx.analysis.diagnostics, &manager.path), "manager-diagnostics".to_owned()) }
            <div class="grid">
                <Field label="Region" value={text_of(&ctx, &location, || manager.location.to_string())} check={field::region as Check} on_change={set(&ctx, location.clone())}
                    hint="The manager's own region; it manages virtual networks in every region." testid="manager-location" />
            </div>

            <h3>{ "Scope" }</h3>
            <p class="hint">{ "The subscriptions and management groups whose virtual networks this manager can configure. A management group includes every subscription below it." }</p>
            <ScopeEditor id={props.id.clone()} />

            <h3>{ "Features" }</h3>
            <p class="hint">{ "The configuration types the manager may deploy; a commit of a type it lacks is rejected." }</p>
            <div class="vnm-checks">{ for features }</div>

            <h3>{ "Network groups" }</h3>
            if groups.is_empty() {
                <p class="empty" data-testid="manager-groups-empty">{ "No network group yet. Add one, then give it members: static ones, or a condition on name, tags, subscription or resource group." }</p>
            }
            <ul class="vnm-list">{ for group_items }</ul>
            <button onclick={add_group} data-testid="add-group">{ "Add a network group" }</button>

            <h3>{ "Configurations" }</h3>
            if connectivity.is_empty() && security.is_empty() {
                <p class="empty" data-testid="manager-configs-empty">{ "No configuration yet. A connectivity configuration peers or meshes the groups' VNets; a security admin configuration sets rules above their NSGs." }</p>
            }
            <ul class="vnm-list">{ for config_items }</ul>
            <div class="vnm-actions">
                if let Some(onclick) = add_connectivity {
                    <button {onclick} data-testid="add-connectivity">{ "Add a connectivity configuration" }</button>
                } else {
                    <button disabled=true data-testid="add-connectivity" title="A connectivity configuration applies to network groups: add a group first">{ "Add a connectivity configuration" }</button>
                }
                <button onclick={add_security} data-testid="add-security-admin">{ "Add a security admin configuration" }</button>
            </div>
            if first_group.is_none() {
                <p class="hint">{ "A connectivity configuration needs a network group to apply to: add a group first." }</p>
            }
        </section>
    }
}
