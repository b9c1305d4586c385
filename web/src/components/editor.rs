//! What the editors share: callbacks that apply a typed change, the heading of an editor, read-only values, drafts
//! of the forms that add things, links to other editors, and the diagnostics beside a part of the design.
//!
//! Every change goes through `avnm_core::scenario::Change`: an editor names a resource and a field, never a place
//! in the document.

use avnm_core::Diagnostic;
use avnm_core::model::Model;
use avnm_core::model::ids::scope_of;
use avnm_core::scenario::{Change, FieldValue, Path, Target};
use yew::prelude::*;

use crate::app::Ctx;
use crate::platform;
use crate::state::{Action, Selection};

/// A callback setting a field to the value a check returned.
pub fn set(ctx: &Ctx, target: Target) -> Callback<FieldValue> {
    ctx.dispatch.reform(move |value: FieldValue| {
        Action::Change(Change::Set {
            target: target.clone(),
            value,
        })
    })
}

/// A callback setting a field to a chosen text.
pub fn choose(ctx: &Ctx, target: Target) -> Callback<String> {
    set(ctx, target).reform(FieldValue::Text)
}

/// A callback setting a flag.
pub fn flag(ctx: &Ctx, target: Target) -> Callback<bool> {
    set(ctx, target).reform(FieldValue::Flag)
}

/// A button's callback applying a change.
pub fn on_click(ctx: &Ctx, change: Change) -> Callback<MouseEvent> {
    ctx.dispatch
        .reform(move |_: MouseEvent| Action::Change(change.clone()))
}

/// A button's callback applying a change, then showing something.
pub fn on_click_then(ctx: &Ctx, change: Change, show: Selection) -> Callback<MouseEvent> {
    let dispatch = ctx.dispatch.clone();
    Callback::from(move |_: MouseEvent| {
        dispatch.emit(Action::Change(change.clone()));
        dispatch.emit(Action::Select(show.clone()));
    })
}

/// A button's callback showing something.
pub fn on_select(ctx: &Ctx, selection: Selection) -> Callback<MouseEvent> {
    ctx.dispatch
        .reform(move |_: MouseEvent| Action::Select(selection.clone()))
}

/// A button that shows another editor.
pub fn link(ctx: &Ctx, selection: Selection, label: String, testid: String) -> Html {
    let onclick = on_select(ctx, selection);
    html! { <button class="link" {onclick} data-testid={testid}>{ label }</button> }
}

/// A field as the document writes it, else `fallback`.
pub fn text_of(ctx: &Ctx, target: &Target, fallback: impl FnOnce() -> String) -> String {
    ctx.state.scenario.text_of(target).unwrap_or_else(fallback)
}

/// The diagnostics at or inside a place of the document.
pub fn diagnostics_under<'d>(all: &'d [Diagnostic], base: &Path) -> Vec<&'d Diagnostic> {
    all.iter()
        .filter(|d| !base.is_root() && d.path.starts_with(base))
        .collect()
}

/// The diagnostics at or inside the place of a field.
pub fn diagnostics_of<'d>(ctx: &'d Ctx, target: &Target) -> Vec<&'d Diagnostic> {
    ctx.state
        .scenario
        .target_path(target)
        .map(|p| diagnostics_under(&ctx.analysis.diagnostics, &p))
        .unwrap_or_default()
}

/// The message of the first diagnostic, for the field it concerns.
pub fn first_message(list: &[&Diagnostic]) -> Option<AttrValue> {
    list.first().map(|d| AttrValue::from(d.message.clone()))
}

/// A read-only value with its label.
pub fn render_readonly(label: &str, value: Html, testid: &str) -> Html {
    html! {
        <div class="field readonly">
            <span class="label">{ label.to_owned() }</span>
            <span class="value" data-testid={testid.to_owned()}>{ value }</span>
        </div>
    }
}

/// The subscription (with its display name when the document has one) and resource group of a resource id.
pub fn render_scope(model: &Model, id: &str) -> Html {
    let (subscription, group) = scope_of(id);
    let sub = match &subscription {
        Some(s) => match model
            .subscriptions
            .get(s)
            .and_then(|m| m.display_name.clone())
        {
            Some(display) => html! { <>{ display }{ " " }<code>{ s.name().to_owned() }</code></> },
            None => html! { <code>{ s.name().to_owned() }</code> },
        },
        None => html! { <span class="muted">{ "none in the id" }</span> },
    };
    let rg = match &group {
        Some(g) => html! { <code>{ g.name().to_owned() }</code> },
        None => html! { <span class="muted">{ "none in the id" }</span> },
    };
    html! {
        <>
            { render_readonly("Subscription", sub, "resource-subscription") }
            { render_readonly("Resource group", rg, "resource-group") }
        </>
    }
}

/// The heading of a resource editor: its kind, name and id, and the delete button.
pub fn render_head(
    kind: &str,
    name: &str,
    id: &str,
    delete: Callback<MouseEvent>,
    testid: &str,
    what: &str,
) -> Html {
    html! {
        <header class="resource-head">
            <div class="resource-title">
                <span class="resource-kind">{ kind.to_owned() }</span>
                <h2>{ name.to_owned() }</h2>
                <code class="resource-id" title="The resource id: renaming or moving the resource changes it everywhere it is referenced">{ id.to_owned() }</code>
            </div>
            <button class="danger" onclick={delete} data-testid={testid.to_owned()}
                title="Removes it and every reference to it; undo brings everything back">{ format!("Delete this {what}") }</button>
        </header>
    }
}

/// The name of a resource, renamed when the field is left: its id changes, and every reference follows.
pub fn render_rename(ctx: &Ctx, resource: &str, name: &str, testid: &str) -> Html {
    let resource = avnm_core::model::ResourceId::new(resource);
    let on_commit = ctx.dispatch.reform(move |name: FieldValue| {
        Action::Change(Change::Rename {
            resource: resource.clone(),
            name: name.into_text(),
        })
    });
    let check = Callback::from(|text: String| avnm_core::scenario::field::name(&text));
    html! {
        <super::CommitField label="Name" value={name.to_owned()} {check} {on_commit} testid={testid.to_owned()}
            title="Renaming changes the resource's id, and everything that refers to it follows" />
    }
}

/// A button that removes a resource with every reference to it, then shows the overview.
pub fn render_delete(ctx: &Ctx, resource: &str, what: &str, testid: &str) -> Html {
    let onclick = on_click_then(
        ctx,
        Change::Remove(avnm_core::model::ResourceId::new(resource)),
        Selection::Overview,
    );
    html! {
        <button class="danger" {onclick} data-testid={testid.to_owned()}
            title="Removes it and every reference to it; undo brings everything back">{ format!("Delete this {what}") }</button>
    }
}

/// The heading of a Virtual Network Manager editor: the kind of resource, its name, and a line about it.
pub fn render_vnm_head(kind: &str, name: &str, about: Html) -> Html {
    html! {
        <header class="vnm-head">
            <span class="vnm-kind">{ kind.to_owned() }</span>
            <h2>{ name.to_owned() }</h2>
            <p class="hint">{ about }</p>
        </header>
    }
}

/// What an editor shows when its resource is no longer in the design (after an undo, or a JSON edit).
pub fn render_missing(kind: &str, id: &str) -> Html {
    html! {
        <section class="editor-panel vnm-editor">
            <h2>{ kind.to_owned() }</h2>
            <p class="empty">{ format!("`{id}` is not in the design any more. Pick something in the navigator, or undo.") }</p>
        </section>
    }
}

/// An input of a form that adds something, validated as the user types.
pub fn render_draft(
    label: &str,
    text: &str,
    error: Option<String>,
    oninput: Callback<InputEvent>,
    testid: &str,
) -> Html {
    html! {
        <label class={classes!("field", error.is_some().then_some("invalid"))}>
            <span class="label">{ label.to_owned() }</span>
            <input type="text" value={text.to_owned()} {oninput} data-testid={testid.to_owned()}
                aria-invalid={error.is_some().to_string()} spellcheck="false" />
            if let Some(e) = error {
                <span class="error" role="alert" data-testid={format!("{testid}-error")}>{ e }</span>
            }
        </label>
    }
}

/// A callback storing what the user typed in a draft.
pub fn typing(state: &UseStateHandle<Option<String>>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(Some(platform::value(&e))))
}

/// The NSGs of the design as choices, with "none" first, and the current one even when it is missing.
pub fn nsg_options(
    model: &Model,
    current: Option<&avnm_core::model::NsgId>,
) -> Vec<(AttrValue, AttrValue)> {
    let mut options = vec![(AttrValue::from(""), AttrValue::from("(none)"))];
    options.extend(model.nsgs.keys().map(|id| {
        (
            AttrValue::from(id.to_string()),
            AttrValue::from(id.name().to_owned()),
        )
    }));
    if let Some(id) = current.filter(|id| !model.nsgs.contains_key(*id)) {
        options.push((
            AttrValue::from(id.to_string()),
            AttrValue::from(format!("{} (not in the design)", id.name())),
        ));
    }
    options
}

pub use super::render_diagnostics;

/// The regions a configuration is deployed to, and whether it was edited since its commit.
pub fn render_deployed(
    ctx: &Ctx,
    config: &avnm_core::model::ConfigurationId,
    testid: &str,
) -> Html {
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
