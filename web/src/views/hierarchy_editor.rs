//! The resource hierarchy that scopes and policy conditions read: management groups and their children,
//! subscriptions (display name, tags) and resource groups (region, tags).

use std::collections::BTreeSet;

use avnm_core::model::ids::scope_of;
use avnm_core::model::{SubscriptionId, Tags};
use avnm_core::scenario::edit::template;
use avnm_core::scenario::{Edit, FieldValue, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::{Check, Field};
use crate::platform;
use crate::state::Action;

/// Tags as `key=value` pairs separated by commas.
fn tags_text(tags: &Tags) -> String {
    tags.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks `key=value, key2=value2`.
fn tags_check(text: &str) -> Result<FieldValue, String> {
    let mut out = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !k.contains('.') => {
                out.push(format!("{}={}", k.trim(), v.trim()))
            }
            _ => return Err(format!("`{pair}` is not `name=value` (names without dots)")),
        }
    }
    Ok(FieldValue::Texts(out))
}

/// The edits that replace the tags of the resource at `path` by `pairs`.
fn tag_edits(path: &str, pairs: &[String]) -> Vec<Edit> {
    let mut edits = vec![Edit::SetFragment {
        path: format!("{path}.tags"),
        fragment: template::empty_object(),
    }];
    for pair in pairs {
        if let Some((k, v)) = pair.split_once('=') {
            edits.push(Edit::Set {
                path: format!("{path}.tags.{k}"),
                value: FieldValue::Text(v.to_owned()),
            });
        }
    }
    edits
}

/// The hierarchy editor.
#[component]
pub fn HierarchyEditor() -> Html {
    let new_group = use_state(String::new);
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model().clone();
    let dispatch = ctx.dispatch;

    // Subscriptions the design mentions, described or not.
    let mut mentioned: BTreeSet<SubscriptionId> = model.subscriptions.keys().cloned().collect();
    for id in model
        .vnets
        .keys()
        .map(|v| v.as_str())
        .chain(model.managers.keys().map(|m| m.as_str()))
    {
        if let Some(sub) = scope_of(id).0 {
            mentioned.insert(sub);
        }
    }
    let tags_field = |path: String, tags: &Tags, testid: String| {
        let on_change = dispatch.reform(move |value: FieldValue| match value {
            FieldValue::Texts(pairs) => Action::Edits(tag_edits(&path, &pairs)),
            _ => Action::Dismiss,
        });
        html! { <Field label="Tags" value={tags_text(tags)} check={tags_check as Check} {on_change} {testid} hint="name=value, separated by commas" /> }
    };

    let subscriptions = mentioned.iter().map(|sub| {
        let guid = sub.name().to_owned();
        match model.subscriptions.get(sub) {
            Some(described) => {
                let path = described.path.clone();
                let set_name = {
                    let path = path.clone();
                    dispatch.reform(move |value| Action::Edit(Edit::Set { path: format!("{path}.properties.displayName"), value }))
                };
                html! {
                    <li class="card">
                        <h4><code>{ sub.to_string() }</code></h4>
                        <div class="grid">
                            <Field label="Display name" value={described.display_name.clone().unwrap_or_default()} check={field::text as Check} on_change={set_name} testid={format!("subscription-{guid}-name")} />
                            { tags_field(path, &described.tags, format!("subscription-{guid}-tags")) }
                        </div>
                    </li>
                }
            }
            None => {
                let describe = {
                    let guid = guid.clone();
                    dispatch.reform(move |_: MouseEvent| Action::Edit(Edit::Append { path: "resources".into(), fragment: template::subscription(&guid, &guid) }))
                };
                html! {
                    <li class="card">
                        <h4><code>{ sub.to_string() }</code></h4>
                        <p class="hint">{ "Not described: conditions on its name or tags see nothing." }</p>
                        <button onclick={describe} data-testid={format!("describe-{guid}")}>{ "Describe it" }</button>
                    </li>
                }
            }
        }
    });

    let groups = model.management_groups.values().map(|mg| {
        let path = mg.path.clone();
        let children: Vec<String> = mg
            .child_groups
            .iter()
            .map(ToString::to_string)
            .chain(mg.child_subscriptions.iter().map(ToString::to_string))
            .collect();
        let choices: Vec<String> = model
            .management_groups
            .keys()
            .filter(|g| **g != mg.id)
            .map(ToString::to_string)
            .chain(mentioned.iter().map(ToString::to_string))
            .filter(|c| !children.iter().any(|k| k.eq_ignore_ascii_case(c)))
            .collect();
        let add = {
            let path = path.clone();
            dispatch.reform(move |e: Event| {
                let id = platform::value(&e);
                Action::Edit(Edit::Append { path: format!("{path}.properties.children"), fragment: template::management_group_child(&id) })
            })
        };
        html! {
            <li class="card" data-testid={format!("mg-{}", mg.id.name())}>
                <h4>{ mg.id.name().to_owned() }</h4>
                <ul class="children">
                { for children.iter().enumerate().map(|(i, child)| {
                    let remove = {
                        let path = path.clone();
                        dispatch.reform(move |_: MouseEvent| Action::Edit(Edit::Remove { path: format!("{path}.properties.children[{i}]") }))
                    };
                    html! { <li><code>{ child.clone() }</code>{ " " }<button class="danger small" onclick={remove}>{ "Remove" }</button></li> }
                }) }
                </ul>
                if children.is_empty() { <p class="empty">{ "No child: a manager scoped here reaches nothing." }</p> }
                <label class="field"><span class="label">{ "Add a child" }</span>
                    <select onchange={add} data-testid={format!("mg-{}-add", mg.id.name())}>
                        <option value="" selected=true disabled=true>{ "Choose a subscription or management group…" }</option>
                        { for choices.iter().map(|c| html! { <option value={c.clone()}>{ c.clone() }</option> }) }
                    </select></label>
            </li>
        }
    });

    let resource_groups = model.resource_groups.values().map(|rg| {
        let path = rg.path.clone();
        let set_location = {
            let path = path.clone();
            dispatch.reform(move |value| Action::Edit(Edit::Set { path: format!("{path}.location"), value }))
        };
        html! {
            <li class="card">
                <h4><code>{ rg.id.to_string() }</code></h4>
                <div class="grid">
                    <Field label="Region" value={rg.location.as_ref().map(ToString::to_string).unwrap_or_default()} check={field::text as Check} on_change={set_location} />
                    { tags_field(path, &rg.tags, format!("rg-{}-tags", rg.id.name())) }
                </div>
            </li>
        }
    });

    let oninput = {
        let new_group = new_group.clone();
        Callback::from(move |e: InputEvent| new_group.set(platform::value(&e)))
    };
    let add_group = {
        let new_group = new_group.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if field::name(&new_group).is_ok() {
                dispatch.emit(Action::Edit(Edit::Append {
                    path: "resources".into(),
                    fragment: template::management_group(new_group.trim()),
                }));
                new_group.set(String::new());
            }
        })
    };
    html! {
        <section class="editor-panel" data-testid="hierarchy-editor">
            <h2>{ "Management groups and subscriptions" }</h2>
            <p class="hint">{ "What manager scopes and policy assignments contain, and what conditions on subscription and resource group names and tags read." }</p>
            <h3>{ "Management groups" }</h3>
            if model.management_groups.is_empty() { <p class="empty">{ "No management group: managers and assignments can still be scoped to subscriptions." }</p> }
            <ul class="gallery">{ for groups }</ul>
            <form class="row" onsubmit={add_group}>
                <label class="field"><span class="label">{ "New management group" }</span>
                    <input value={(*new_group).clone()} {oninput} placeholder="mg-landing-zones" data-testid="new-mg" /></label>
                <button type="submit" data-testid="add-mg">{ "Add" }</button>
            </form>
            <h3>{ "Subscriptions" }</h3>
            <ul class="gallery">{ for subscriptions }</ul>
            <h3>{ "Resource groups" }</h3>
            if model.resource_groups.is_empty() { <p class="empty">{ "No resource group is described; conditions on resource group tags see nothing. Add one in the document." }</p> }
            <ul class="gallery">{ for resource_groups }</ul>
        </section>
    }
}
