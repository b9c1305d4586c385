//! The resource hierarchy that scopes and policy conditions read: management groups and their children,
//! subscriptions (display name, tags) and resource groups (region, tags).

use std::collections::BTreeSet;

use avnm_core::model::ids::scope_of;
use avnm_core::model::{ResourceId, SubscriptionId};
use avnm_core::scenario::{Change, NewResource, Target, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{on_click, set, text_of};
use crate::components::{Check, Field, TagTable};
use crate::platform;
use crate::state::Action;

/// The hierarchy editor.
#[component]
pub fn HierarchyEditor() -> Html {
    let new_group = use_state(String::new);
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model().clone();
    let dispatch = ctx.dispatch.clone();

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
    let subscriptions = mentioned.iter().map(|sub| {
        let guid = sub.name().to_owned();
        match model.subscriptions.get(sub) {
            Some(described) => {
                let set_name = set(&ctx, Target::DisplayName(ResourceId::new(sub.as_str())));
                html! {
                    <li class="card">
                        <h4><code>{ sub.to_string() }</code></h4>
                        <div class="grid">
                            <Field label="Display name" value={described.display_name.clone().unwrap_or_default()} check={field::text as Check} on_change={set_name} testid={format!("subscription-{guid}-name")} />
                        </div>
                        <TagTable resource={ResourceId::new(sub.as_str())} prefix={format!("subscription-{guid}-")} />
                    </li>
                }
            }
            None => {
                let describe = on_click(&ctx, Change::Add(NewResource::Subscription(sub.clone())));
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
            let group = mg.id.clone();
            dispatch.reform(move |e: Event| {
                Action::Change(Change::AddChild { group: group.clone(), child: ResourceId::new(platform::value(&e)) })
            })
        };
        html! {
            <li class="card" data-testid={format!("mg-{}", mg.id.name())}>
                <h4>{ mg.id.name().to_owned() }</h4>
                <ul class="children">
                { for children.iter().map(|child| {
                    let remove = on_click(&ctx, Change::RemoveChild { group: mg.id.clone(), child: ResourceId::new(child) });
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
        let location = Target::Location(ResourceId::new(rg.id.as_str()));
        let shown = text_of(&ctx, &location, || rg.location.as_ref().map(ToString::to_string).unwrap_or_default());
        let set_location = set(&ctx, location);
        html! {
            <li class="card">
                <h4><code>{ rg.id.to_string() }</code></h4>
                <div class="grid">
                    <Field label="Region" value={shown} check={field::region as Check} on_change={set_location} />
                </div>
                <TagTable resource={ResourceId::new(rg.id.as_str())} prefix={format!("rg-{}-", rg.id.name())} />
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
                dispatch.emit(Action::Change(Change::Add(NewResource::ManagementGroup {
                    name: new_group.trim().to_owned(),
                })));
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
