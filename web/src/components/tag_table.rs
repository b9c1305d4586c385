//! The tags of a resource: a row per tag with its name (renamed when the field is left) and value, a remove button,
//! and a form to add one. Names are checked by core: Azure's characters, and no two that differ only in case.

use std::rc::Rc;

use avnm_core::model::ResourceId;
use avnm_core::scenario::{Change, FieldValue, Target, field};
use yew::prelude::*;

use super::editor::{on_click, render_draft, set, typing};
use super::{Check, CommitField, Field};
use crate::app::Ctx;
use crate::state::Action;

/// Properties of [`TagTable`].
#[derive(Properties, PartialEq)]
pub struct TagTableProps {
    /// The resource.
    pub resource: ResourceId,
    /// Prefix of the test ids: `tag-0-name` with an empty prefix.
    #[prop_or_default]
    pub prefix: AttrValue,
}

/// The tags of a resource, editable.
#[component]
pub fn TagTable(props: &TagTableProps) -> Html {
    let draft = use_state(|| None::<String>);
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let prefix = props.prefix.clone();
    let tags = Rc::new(ctx.state.scenario.tags_of(&props.resource));
    let rows = tags.iter().enumerate().map(|(i, (name, value))| {
        let check = {
            let (tags, own) = (tags.clone(), name.clone());
            Callback::from(move |text: String| field::tag_name_among(&text, &tags, Some(&own)))
        };
        let rename = {
            let (resource, from) = (props.resource.clone(), name.clone());
            ctx.dispatch.reform(move |to: FieldValue| {
                Action::Change(Change::RenameTag { resource: resource.clone(), from: from.clone(), to: to.into_text() })
            })
        };
        let value_changed = set(&ctx, Target::Tag { resource: props.resource.clone(), name: name.clone() });
        let remove = on_click(&ctx, Change::RemoveTag { resource: props.resource.clone(), name: name.clone() });
        html! {
            <tr key={name.clone()}>
                <td><CommitField label="Name" value={name.clone()} {check} on_commit={rename} testid={format!("{prefix}tag-{i}-name")} /></td>
                <td><Field label="Value" value={value.clone()} check={field::text as Check} on_change={value_changed} testid={format!("{prefix}tag-{i}-value")} /></td>
                <td class="actions"><button class="danger" onclick={remove} data-testid={format!("{prefix}remove-tag-{i}")}
                    aria-label={format!("Remove the tag {name}")}>{ "Remove" }</button></td>
            </tr>
        }
    });
    let text = draft.as_ref().cloned().unwrap_or_default();
    let checked = field::tag_name_among(&text, &tags, None);
    let error = draft
        .is_some()
        .then(|| checked.clone().err())
        .flatten()
        .map(|e| e.to_string());
    let valid = checked.ok().map(FieldValue::into_text);
    let onsubmit = {
        let (dispatch, draft, resource) =
            (ctx.dispatch.clone(), draft.clone(), props.resource.clone());
        let valid = valid.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(name) = &valid {
                dispatch.emit(Action::Change(Change::AddTag {
                    resource: resource.clone(),
                    name: name.clone(),
                }));
                draft.set(None);
            }
        })
    };
    html! {
        <>
            if tags.is_empty() {
                <p class="empty" data-testid={format!("{prefix}tags-empty")}>{ "No tags. Azure Policy conditions of network groups often test tags: add one below, like `env`." }</p>
            } else {
                <table class="editor-table tags" data-testid={format!("{prefix}tags")}>
                    <thead><tr><th>{ "Name" }</th><th>{ "Value" }</th><th><span class="visually-hidden">{ "Actions" }</span></th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
            <form class="add-row" {onsubmit}>
                { render_draft("New tag name", &text, error, typing(&draft), &format!("{prefix}new-tag-name")) }
                <button type="submit" class="primary" disabled={valid.is_none()} data-testid={format!("{prefix}add-tag")}>{ "Add tag" }</button>
            </form>
        </>
    }
}
