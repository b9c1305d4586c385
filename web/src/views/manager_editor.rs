//! The editor of a network manager: region, scope and features, its network groups and configurations, and
//! buttons that add a group or a configuration.
//!
//! Also the helpers that the Virtual Network Manager editors share (`group_editor`, `connectivity_editor`,
//! `security_admin_editor`, `deployments_editor`): links to other editors, diagnostics beside a section, choices
//! for selects, and the heading of an editor.

use std::collections::BTreeSet;
use std::rc::Rc;

use avnm_core::model::{ConfigType, ConfigurationId, Model, NetworkManager, NetworkManagerId};
use avnm_core::scenario::{Edit, FieldValue, edit::template};
use avnm_core::{Diagnostic, Scenario};
use serde_json::Value;
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::{Check, CheckField, Field};
use crate::platform;
use crate::state::{Action, Selection};
use avnm_core::scenario::field::region;

// ---------------------------------------------------------------------------------------------------------------
// Shared by the Virtual Network Manager editors.

/// The design compared by identity, so that its document is read again only when it changes.
#[derive(Clone)]
pub(super) struct Design(pub(super) Rc<Scenario>);

impl PartialEq for Design {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The document of the context's design as JSON, read again only when the design changes, so that fields show
/// what the user wrote rather than its normal form (`10.0.0.4`, not `10.0.0.4/32`; `East US`, not `eastus`).
#[hook]
pub(super) fn use_document() -> Rc<Value> {
    let design = use_context::<Ctx>().map(|c| Design(c.state.scenario.clone()));
    use_memo(design, |d| {
        d.as_ref()
            .and_then(|d| serde_json::from_str(&d.0.to_json()).ok())
            .unwrap_or(Value::Null)
    })
}

/// The value at a path of the edits (`resources[3].properties.sources`).
pub(super) fn value_at<'v>(doc: &'v Value, path: &str) -> Option<&'v Value> {
    let mut at = doc;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            at = at.get(key)?;
        }
        for index in pieces {
            at = at.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(at)
}

/// The text at a path as the user wrote it: a string, a number, a list of strings joined with `, `, or a list of
/// objects' `member`s joined with `, ` (a rule's `sources`).
pub(super) fn raw_text(doc: &Value, path: &str, member: &str) -> Option<String> {
    match value_at(doc, path)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().or_else(|| i.get(member).and_then(Value::as_str)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

pub(super) use crate::components::options;

/// A button that shows another editor.
pub(super) fn link(ctx: &Ctx, selection: Selection, label: String, testid: String) -> Html {
    let onclick = ctx
        .dispatch
        .reform(move |_: MouseEvent| Action::Select(selection.clone()));
    html! { <button class="link" {onclick} data-testid={testid}>{ label }</button> }
}

/// Whether `path` is `base` or inside it.
pub(super) fn under(path: &str, base: &str) -> bool {
    path.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// The diagnostics of the analysis at or inside a path.
pub(super) fn diagnostics_at<'d>(ctx: &'d Ctx, base: &str) -> Vec<&'d Diagnostic> {
    ctx.analysis
        .diagnostics
        .iter()
        .filter(|d| !base.is_empty() && under(&d.path, base))
        .collect()
}

/// The message of the first diagnostic exactly at a path, for the field it concerns.
pub(super) fn message_at(ctx: &Ctx, path: &str) -> Option<AttrValue> {
    ctx.analysis
        .diagnostics
        .iter()
        .find(|d| d.path == path)
        .map(|d| AttrValue::from(d.message.clone()))
}

pub(super) use crate::components::render_diagnostics;

/// The heading of an editor: the kind of resource, its name, and a line about it.
pub(super) fn render_head(kind: &str, name: &str, about: Html) -> Html {
    html! {
        <header class="vnm-head">
            <span class="vnm-kind">{ kind.to_owned() }</span>
            <h2>{ name.to_owned() }</h2>
            <p class="hint">{ about }</p>
        </header>
    }
}

/// What an editor shows when its resource is no longer in the design (after an undo, or a JSON edit).
pub(super) fn render_missing(kind: &str, id: &str) -> Html {
    html! {
        <section class="editor-panel vnm-editor">
            <h2>{ kind.to_owned() }</h2>
            <p class="empty">{ format!("`{id}` is not in the design any more. Pick something in the navigator, or undo.") }</p>
        </section>
    }
}

/// A button's callback dispatching the edits as one undoable step, then showing a selection.
pub(super) fn add_and_show(
    ctx: &Ctx,
    edits: Vec<Edit>,
    show: Option<Selection>,
) -> Callback<MouseEvent> {
    let dispatch = ctx.dispatch.clone();
    Callback::from(move |_: MouseEvent| {
        dispatch.emit(Action::Edits(edits.clone()));
        if let Some(selection) = show.clone() {
            dispatch.emit(Action::Select(selection));
        }
    })
}

/// The regions a configuration is deployed to, and whether it was edited since its commit.
pub(super) fn render_deployed(ctx: &Ctx, config: &ConfigurationId, testid: &str) -> Html {
    let goal = &ctx.analysis.goal_state;
    let regions: Vec<String> = goal
        .regions_of(config)
        .into_iter()
        .map(ToString::to_string)
        .collect();
    let deployments = link(
        ctx,
        Selection::Deployments,
        "Deployments".to_owned(),
        format!("{testid}-deployments"),
    );
    if regions.is_empty() {
        return html! {
            <p class="vnm-deployed none" data-testid={testid.to_owned()}>
                { "Not deployed: it has no effect until a commit deploys it to a region. See " }{ deployments }{ "." }
            </p>
        };
    }
    html! {
        <p class="vnm-deployed" data-testid={testid.to_owned()}>
            { format!("Deployed to {}. ", regions.join(", ")) }
            if goal.needs_redeploy(config) {
                <span class="badge redeploy" title="Edited since it was committed: the deployed content is the old one until it is committed again">{ "redeploy needed" }</span>
                { " " }
            }
            { deployments }
        </p>
    }
}

/// The label of a configuration type, as Azure writes it.
pub(super) fn type_name(kind: ConfigType) -> &'static str {
    match kind {
        ConfigType::Connectivity => "Connectivity",
        ConfigType::SecurityAdmin => "SecurityAdmin",
        ConfigType::Routing => "Routing",
        ConfigType::SecurityUser => "SecurityUser",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The manager editor.

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

/// The edit writing a scope list without one entry, or with one more.
fn scope_edit(manager: &NetworkManager, entry: &str, add: bool) -> Edit {
    let is_group = entry.to_ascii_lowercase().contains("/managementgroups/");
    let (key, current): (&str, Vec<String>) = if is_group {
        (
            "managementGroups",
            manager
                .scope_management_groups
                .iter()
                .map(ToString::to_string)
                .collect(),
        )
    } else {
        (
            "subscriptions",
            manager
                .scope_subscriptions
                .iter()
                .map(ToString::to_string)
                .collect(),
        )
    };
    let mut next: Vec<String> = current
        .into_iter()
        .filter(|c| !c.eq_ignore_ascii_case(entry))
        .collect();
    if add {
        next.push(entry.to_owned());
    }
    Edit::Set {
        path: format!("{}.properties.networkManagerScopes.{key}", manager.path),
        value: FieldValue::Texts(next),
    }
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
        let edit = scope_edit(manager, entry, false);
        let remove = ctx.dispatch.reform(move |_: MouseEvent| Action::Edit(edit.clone()));
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
        let manager = manager.clone();
        maybe(&ctx.dispatch, move |chosen: String| {
            (!chosen.is_empty()).then(|| Action::Edit(scope_edit(&manager, &chosen, true)))
        })
    };
    let error = (!draft.is_empty())
        .then(|| template::scope_entry(&draft).err())
        .flatten();
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.set(platform::value(&e)))
    };
    let onsubmit = {
        let draft = draft.clone();
        let manager = manager.clone();
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(FieldValue::Text(entry)) = template::scope_entry(&draft) {
                dispatch.emit(Action::Edit(scope_edit(&manager, &entry, true)));
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

pub(super) use crate::components::maybe;

/// Properties of [`ManagerEditor`].
#[derive(Properties, PartialEq)]
pub struct ManagerEditorProps {
    /// The resource.
    pub id: NetworkManagerId,
}

/// The editor of a network manager.
#[component]
pub fn ManagerEditor(props: &ManagerEditorProps) -> Html {
    let document = use_document();
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let Some(manager) = model.managers.get(&props.id) else {
        return render_missing("Network manager", props.id.as_str());
    };
    let path = manager.path.clone();
    let id = manager.id.to_string();

    let set_location = {
        let path = path.clone();
        ctx.dispatch.reform(move |value: FieldValue| {
            Action::Edit(Edit::Set {
                path: format!("{path}.location"),
                value,
            })
        })
    };
    let features = FEATURES.iter().map(|(kind, label)| {
        let enabled = manager.features.contains(kind);
        let current = manager.features.clone();
        let kind = *kind;
        let path = path.clone();
        let on_change = ctx.dispatch.reform(move |checked: bool| {
            let mut next = current.clone();
            if checked {
                next.insert(kind);
            } else {
                next.remove(&kind);
            }
            let texts = FEATURES.iter().filter(|(k, _)| next.contains(k)).map(|(k, _)| type_name(*k).to_owned()).collect();
            Action::Edit(Edit::Set { path: format!("{path}.properties.networkManagerScopeAccesses"), value: FieldValue::Texts(texts) })
        });
        html! { <CheckField label={*label} checked={enabled} {on_change} testid={format!("feature-{}", type_name(kind))} /> }
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
    let first_group = groups.first().map(|g| g.id.to_string());

    let add_group = {
        let name = template::unique_name(
            "group",
            model
                .groups
                .keys()
                .filter(|g| g.as_str().starts_with(id.as_str()))
                .map(|g| g.name()),
        );
        let group = avnm_core::model::NetworkGroupId::new(format!("{id}/networkGroups/{name}"));
        let edit = Edit::Append {
            path: "resources".into(),
            fragment: template::network_group(&id, &name),
        };
        add_and_show(&ctx, vec![edit], Some(Selection::Group(group)))
    };
    let add_connectivity = first_group.as_ref().map(|group| {
        let name = template::unique_name("connectivity", connectivity.iter().map(|c| c.id.name()));
        let config = ConfigurationId::new(format!("{id}/connectivityConfigurations/{name}"));
        let edit = Edit::Append {
            path: "resources".into(),
            fragment: template::connectivity(&id, &name, None, group),
        };
        add_and_show(&ctx, vec![edit], Some(Selection::Connectivity(config)))
    });
    let add_security = {
        let name = template::unique_name("security-admin", security.iter().map(|c| c.id.name()));
        let config = ConfigurationId::new(format!("{id}/securityAdminConfigurations/{name}"));
        let mut edits = vec![Edit::Append {
            path: "resources".into(),
            fragment: template::security_admin(&id, &name),
        }];
        if let Some(group) = &first_group {
            edits.push(Edit::Append {
                path: "resources".into(),
                fragment: template::rule_collection(config.as_str(), "collection", group),
            });
        }
        add_and_show(&ctx, edits, Some(Selection::SecurityAdmin(config)))
    };

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
            { render_head("Network manager", manager.id.name(), html! { <code>{ id.clone() }</code> }) }
            { render_diagnostics(&diagnostics_at(&ctx, &path), "manager-diagnostics".to_owned()) }
            <div class="grid">
                <Field label="Region" value={raw_text(&document, &format!("{path}.location"), "").unwrap_or_else(|| manager.location.to_string())} check={region as Check} on_change={set_location}
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
