//! The editor of a network group: description and member type, static members, conditional membership (Azure
//! Policy) in the portal's basic editor and as JSON, a live preview of what a condition selects (and why a VNet
//! it selects is not added), the actual members with the reason for each, and why the other VNets are not members.

use avnm_core::membership::Source;
use avnm_core::membership::why_not::{NonMembership, Reason, WhyNot};
use avnm_core::model::{MemberType, Model, NetworkGroupId, PolicyDefinitionId, ResourceId, VnetId};
use avnm_core::scenario::builder::{
    self, Arity, BasicOperator, BasicRow, Parameter, same_condition as same_json,
};
use avnm_core::scenario::{Change, Target, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::Same;
use crate::components::details::LazyDetails;
use crate::components::editor::{
    choose, diagnostics_under, link, on_click, render_delete, render_diagnostics, render_missing,
    render_vnm_head, set,
};
use crate::components::later::Later;
use crate::components::why_not::{WhyNotList, render_reasons};
use crate::components::{Check, Field, Picker, SelectField, maybe, options, show_all};
use crate::platform;
use crate::state::{Action, Selection};

/// Whether a reason a VNet is not in a group concerns one policy definition (or the manager's scope, which
/// keeps every way in from counting).
fn about(reason: &Reason, definition: &PolicyDefinitionId) -> bool {
    match reason {
        Reason::OutOfScope { .. } => true,
        Reason::NotAssigned { definition: d }
        | Reason::NotEnforced { definition: d, .. }
        | Reason::OutsideAssignment { definition: d, .. }
        | Reason::Excluded { definition: d, .. }
        | Reason::ConditionFalse { definition: d, .. }
        | Reason::ConditionError { definition: d, .. } => d == definition,
        Reason::SubnetGroup | Reason::NoStaticMember { .. } | Reason::NoPolicy => false,
    }
}

/// The condition a new group starts with: its name in the VNet's name.
fn starting_condition(group: &NetworkGroupId) -> String {
    builder::to_policy_if(&[BasicRow::from_text(
        Parameter::Name,
        BasicOperator::Contains,
        group.name(),
    )])
}

/// A row of the basic editor as the user is typing it.
#[derive(Clone, Debug, PartialEq)]
struct Draft {
    /// Index in [`Parameter::ALL`].
    parameter: usize,
    /// The tag name, for the Tags parameter.
    tag: String,
    operator: BasicOperator,
    /// The value field.
    text: String,
}

impl Draft {
    fn new() -> Self {
        Draft {
            parameter: 0,
            tag: String::new(),
            operator: BasicOperator::Contains,
            text: String::new(),
        }
    }

    fn from_row(row: &BasicRow) -> Self {
        let parameter = Parameter::ALL
            .iter()
            .position(|p| p.label() == row.parameter.label())
            .unwrap_or(0);
        let tag = match &row.parameter {
            Parameter::Tag(name) => name.clone(),
            _ => String::new(),
        };
        Draft {
            parameter,
            tag,
            operator: row.operator,
            text: row.text(),
        }
    }

    fn row(&self) -> BasicRow {
        let parameter = match Parameter::ALL.get(self.parameter) {
            Some(Parameter::Tag(_)) => Parameter::Tag(self.tag.trim().to_owned()),
            Some(other) => other.clone(),
            None => Parameter::Name,
        };
        BasicRow::from_text(parameter, self.operator, &self.text)
    }
}

fn drafts_of(rows: Option<&Vec<BasicRow>>) -> Vec<Draft> {
    rows.map(|rows| rows.iter().map(Draft::from_row).collect())
        .unwrap_or_default()
}

/// Properties of [`ConditionEditor`].
#[derive(Properties, PartialEq)]
struct ConditionEditorProps {
    /// The policy definition whose condition is edited.
    definition: PolicyDefinitionId,
    /// The group it adds to.
    group: NetworkGroupId,
    /// Its position among the group's definitions, for test ids.
    index: usize,
}

/// One policy definition's condition: the basic rows and the JSON, kept in step, with a live preview.
#[component]
fn ConditionEditor(props: &ConditionEditorProps) -> Html {
    let ctx = use_context::<Ctx>();
    let all_selected = use_state(|| false);
    let design = ctx.as_ref().map(|c| Same(c.state.scenario.clone()));
    let document_text = use_memo(
        (design, props.definition.clone()),
        |(design, definition)| {
            design
                .as_ref()
                .and_then(|d| d.0.condition_of(definition))
                .unwrap_or_default()
        },
    );
    let text = use_state(|| (*document_text).clone());
    {
        // A change of the design (an undo, the rows, another editor) replaces the JSON unless it says the same.
        let text = text.clone();
        use_effect_with(document_text.clone(), move |current| {
            if !same_json(&text, current) {
                text.set((**current).clone());
            }
        });
    }
    let model = ctx
        .as_ref()
        .map(|c| c.state.scenario.model().clone())
        .unwrap_or_default();
    let design_rows = model
        .policy_definitions
        .get(&props.definition)
        .and_then(|d| builder::from_policy_if(&d.condition));
    let drafts = use_state(|| drafts_of(design_rows.as_ref()));
    {
        let drafts = drafts.clone();
        use_effect_with(design_rows.clone(), move |rows| {
            let mine: Vec<BasicRow> = drafts.iter().map(Draft::row).collect();
            if rows.as_ref() != Some(&mine) {
                drafts.set(drafts_of(rows.as_ref()));
            }
        });
    }
    let Some(ctx) = ctx else { return html! {} };
    let Some(definition) = model.policy_definitions.get(&props.definition) else {
        return html! {};
    };
    let Some(group) = model.groups.get(&props.group) else {
        return html! {};
    };
    let k = props.index;

    // Rows changed: keep them, and apply them when every row is complete.
    let update = {
        let drafts = drafts.clone();
        let text = text.clone();
        let id = props.definition.clone();
        let current = document_text.clone();
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |next: Vec<Draft>| {
            let rows: Vec<BasicRow> = next.iter().map(Draft::row).collect();
            drafts.set(next);
            if rows.iter().all(|r| r.problem().is_none()) {
                let json = builder::to_policy_if(&rows);
                if !same_json(&json, &current) {
                    dispatch.emit(Action::Change(Change::SetDefinitionCondition {
                        definition: id.clone(),
                        condition: json.clone(),
                    }));
                }
                text.set(json);
            }
        })
    };
    let change = |i: usize, f: fn(&mut Draft, String)| {
        let drafts = drafts.clone();
        let update = update.clone();
        Callback::from(move |e: Event| {
            let mut next = (*drafts).clone();
            if let Some(d) = next.get_mut(i) {
                f(d, platform::value(&e));
            }
            update.emit(next);
        })
    };
    let typed = |i: usize, f: fn(&mut Draft, String)| {
        let drafts = drafts.clone();
        let update = update.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*drafts).clone();
            if let Some(d) = next.get_mut(i) {
                f(d, platform::value(&e));
            }
            update.emit(next);
        })
    };
    let rows = drafts.iter().enumerate().map(|(i, draft)| {
        let row = draft.row();
        let problem = row.problem();
        let remove = {
            let drafts = drafts.clone();
            let update = update.clone();
            Callback::from(move |_: MouseEvent| {
                let mut next = (*drafts).clone();
                if i < next.len() {
                    next.remove(i);
                }
                update.emit(next);
            })
        };
        let on_parameter = change(i, |d, v| {
            d.parameter = v.parse().unwrap_or(0);
            let parameter = Parameter::ALL.get(d.parameter).cloned().unwrap_or(Parameter::Name);
            if !d.operator.applies_to(&parameter) {
                d.operator = BasicOperator::Equals;
            }
        });
        let on_operator = change(i, |d, v| {
            d.operator = BasicOperator::ALL.iter().copied().find(|o| o.label() == v).unwrap_or(BasicOperator::Equals);
        });
        let parameter = Parameter::ALL.get(draft.parameter).cloned().unwrap_or(Parameter::Name);
        let id = format!("cond-{k}-{i}");
        html! {
            <li class={classes!("cond-row", problem.is_some().then_some("invalid"))} key={i}>
                <select aria-label="Parameter" onchange={on_parameter} data-testid={format!("{id}-parameter")}>
                    { for Parameter::ALL.iter().enumerate().map(|(j, p)| html! {
                        <option value={j.to_string()} selected={j == draft.parameter}>{ p.label() }</option>
                    }) }
                </select>
                if matches!(parameter, Parameter::Tag(_)) {
                    <input type="text" aria-label="Tag name" placeholder="tag name" value={draft.tag.clone()} spellcheck="false"
                        oninput={typed(i, |d, v| d.tag = v)} data-testid={format!("{id}-tag")} />
                }
                <select aria-label="Operator" onchange={on_operator} data-testid={format!("{id}-operator")}>
                    { for BasicOperator::ALL.iter().filter(|o| o.applies_to(&parameter)).map(|o| html! {
                        <option value={o.label()} selected={*o == draft.operator}>{ o.label() }</option>
                    }) }
                </select>
                if draft.operator.arity() != Arity::None {
                    <input type="text" aria-label={if draft.operator.arity() == Arity::List { "Values, separated by commas" } else { "Value" }}
                        placeholder={if draft.operator.arity() == Arity::List { "value, value…" } else { "value" }}
                        value={draft.text.clone()} spellcheck="false" aria-invalid={problem.is_some().to_string()}
                        oninput={typed(i, |d, v| d.text = v)} data-testid={format!("{id}-value")} />
                }
                <button class="danger small" onclick={remove} aria-label={format!("Remove row {}", i + 1)} data-testid={format!("{id}-remove")}>{ "Remove" }</button>
                if let Some(p) = problem {
                    <span class="error" role="alert" data-testid={format!("{id}-error")}>{ format!("{p}; not applied yet") }</span>
                }
            </li>
        }
    });
    let add_row = {
        let drafts = drafts.clone();
        let update = update.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*drafts).clone();
            next.push(Draft::new());
            update.emit(next);
        })
    };

    // The JSON, applied whenever it reads as a condition.
    let parsed = builder::parse_if(&text);
    let oninput = {
        let text = text.clone();
        let id = props.definition.clone();
        let current = document_text.clone();
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let typed = platform::value(&e);
            if builder::parse_if(&typed).is_ok() && !same_json(&typed, &current) {
                dispatch.emit(Action::Change(Change::SetDefinitionCondition {
                    definition: id.clone(),
                    condition: typed.clone(),
                }));
            }
            text.set(typed);
        })
    };

    // Assignments.
    let assignments: Vec<_> = model
        .policy_assignments
        .values()
        .filter(|a| a.definition == definition.id)
        .collect();
    let assign = model.first_scope(&group.manager).map(|scope| {
        let change = Change::AssignPolicy {
            definition: definition.id.clone(),
            scope: scope.clone(),
        };
        (scope, on_click(&ctx, change))
    });
    let remove_condition = on_click(
        &ctx,
        Change::Remove(ResourceId::new(definition.id.as_str())),
    );

    // On a large design the preview (the condition evaluated for every VNet) comes a task after the editor.
    let preview = if model.vnets.len() > PREVIEW_AT_ONCE {
        let body = {
            let (ctx, model, text) = (ctx.clone(), model.clone(), (*text).clone());
            let (definition, group, all) = (definition.id.clone(), group.id.clone(), all_selected);
            Callback::from(move |()| {
                render_preview(&ctx, &model, &text, &definition, &group, k, &all)
            })
        };
        let placeholder = html! { <p class="muted" data-testid={format!("cond-{k}-preview-later")}>{ "Evaluating the condition on every virtual network…" }</p> };
        html! { <Later key={definition.id.to_string()} {placeholder} {body} /> }
    } else {
        render_preview(
            &ctx,
            &model,
            &text,
            &definition.id,
            &group.id,
            k,
            &all_selected,
        )
    };

    let json_error = parsed.as_ref().err().map(ToString::to_string);
    let expressible = parsed
        .as_ref()
        .ok()
        .and_then(builder::from_policy_if)
        .is_some();
    html! {
        <div class="condition" data-testid={format!("cond-{k}")}>
            <div class="condition-head">
                <h4>{ "Policy " }<code>{ definition.display_name.clone() }</code></h4>
                <button class="danger small" onclick={remove_condition} data-testid={format!("cond-{k}-remove")}
                    title="Removes the policy definition and its assignments; undo brings them back">{ "Remove this condition" }</button>
            </div>
            { render_diagnostics(&diagnostics_under(&ctx.analysis.diagnostics, &definition.path), format!("cond-{k}-diagnostics")) }
            <p class="hint">
                { "Assigned at: " }
                if assignments.is_empty() {
                    <span class="badge warning">{ "not assigned" }</span>{ " a definition selects nothing until it is assigned. " }
                    if let Some((scope, onclick)) = assign.clone() {
                        <button class="small" {onclick} data-testid={format!("cond-{k}-assign")}>{ format!("Assign it at {scope}") }</button>
                    }
                } else {
                    { for assignments.iter().map(|a| html! {
                        <span class="scope-chip">
                            <code>{ a.scope.to_string() }</code>
                            if !a.enforced { { " " }<span class="badge warning" title="enforcementMode DoNotEnforce: VNets are not added">{ "not enforced" }</span> }
                        </span>
                    }) }
                }
            </p>
            <div class="condition-grid">
                <div class="basic">
                    <h5>{ "Basic editor" }</h5>
                    if !expressible && json_error.is_none() {
                        <p class="hint" data-testid={format!("cond-{k}-advanced-only")}>{ "This condition uses constructs the basic editor does not have (such as `not`, `like`, `location` or nested groups): edit it as JSON." }</p>
                    } else {
                        <p class="hint">{ "Every row must hold (all of). The filter on virtual networks comes first, as the portal writes it." }</p>
                        if drafts.is_empty() {
                            <p class="empty" data-testid={format!("cond-{k}-rows-empty")}>{ "No row: the condition selects every virtual network in the assignment's scope. Add a row to narrow it." }</p>
                        }
                        <ul class="cond-rows">{ for rows }</ul>
                        <button class="small" onclick={add_row} data-testid={format!("cond-{k}-add-row")}>{ "Add a row" }</button>
                    }
                </div>
                <div class="advanced">
                    <label class={classes!("field", json_error.is_some().then_some("invalid"))}>
                        <span class="label">{ "Advanced editor: the `if` block as JSON" }</span>
                        <textarea class="cond-json" value={(*text).clone()} {oninput} spellcheck="false" rows="10"
                            aria-invalid={json_error.is_some().to_string()} data-testid={format!("cond-{k}-json")} />
                        if let Some(e) = json_error {
                            <span class="error" role="alert" data-testid={format!("cond-{k}-json-error")}>{ format!("{e}; not applied") }</span>
                        }
                    </label>
                </div>
            </div>
            <h5>{ "Preview: what the condition selects" }</h5>
            { preview }
        </div>
    }
}

/// Properties of [`GroupEditor`].
#[derive(Properties, PartialEq)]
pub struct GroupEditorProps {
    /// The resource.
    pub id: NetworkGroupId,
}

/// Past this many VNets, a condition's preview is rendered a task after its editor ([`Later`]).
const PREVIEW_AT_ONCE: usize = 1_000;

/// What a condition selects among the design's VNets, each with whether the group has it and, if not, why.
fn render_preview(
    ctx: &Ctx,
    model: &Model,
    text: &str,
    definition: &PolicyDefinitionId,
    group: &NetworkGroupId,
    k: usize,
    all_selected: &UseStateHandle<bool>,
) -> Html {
    let members = ctx.analysis.membership.members(group);
    let added_by_this = |vnet: &VnetId| {
        members.iter().find(|m| {
            m.id.as_str().eq_ignore_ascii_case(vnet.as_str())
                && m.sources
                    .iter()
                    .any(|s| matches!(s, Source::Policy { definition: d, .. } if d == definition))
        })
    };
    match builder::preview(model, text) {
        Err(_) => html! { <p class="hint">{ "Fix the JSON to see what it selects." }</p> },
        Ok(vnets) if vnets.is_empty() => {
            html! { <p class="empty" data-testid={format!("cond-{k}-preview-empty")}>{ "It selects no virtual network of the design." }</p> }
        }
        Ok(vnets) => {
            let (shown, more) =
                show_all(vnets.len(), all_selected, &format!("cond-{k}-preview-all"));
            let explainer = WhyNot::new(&ctx.analysis.model, &ctx.analysis.membership);
            html! {
            <>
            <ul class="vnm-list preview" data-testid={format!("cond-{k}-preview")}>
            { for vnets.iter().take(shown).map(|v| {
                let note = match added_by_this(v) {
                    Some(m) if m.in_scope => html! { <span class="badge pass">{ "member" }</span> },
                    Some(_) => html! { <span class="badge warning" title="Outside the manager's scope: it stays in the group but receives no configuration">{ "member, out of scope" }</span> },
                    None => match explainer.why_not(v, group) {
                        Some(why) => {
                            let own = NonMembership { group: why.group, reasons: why.reasons.into_iter().filter(|r| about(r, definition)).collect() };
                            html! { <span class="muted" data-testid={format!("cond-{k}-why-not-{}", v.name())}>{ "not added: " }{ render_reasons(&own) }</span> }
                        }
                        None => html! { <span class="muted">{ "not added" }</span> },
                    },
                };
                html! {
                    <li key={v.to_string()}>
                        { link(ctx, Selection::Vnet(v.clone()), v.name().to_owned(), format!("cond-{k}-preview-{}", v.name())) }
                        { " " }{ note }
                    </li>
                }
            }) }
            </ul>
            { more }
            </>
            }
        }
    }
}

/// The editor of a network group.
#[component]
pub fn GroupEditor(props: &GroupEditorProps) -> Html {
    let all_members = use_state(|| false);
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let Some(group) = model.groups.get(&props.id) else {
        return render_missing("Network group", props.id.as_str());
    };
    let set_description = set(&ctx, Target::GroupDescription(group.id.clone()));
    let set_member_type = choose(&ctx, Target::MemberType(group.id.clone()));
    let member_type = match group.member_type {
        MemberType::VirtualNetwork => "VirtualNetwork",
        MemberType::Subnet => "Subnet",
    };

    // Static members.
    let statics: Vec<_> = model
        .static_members
        .values()
        .filter(|m| m.group == group.id)
        .collect();
    let static_items = statics.iter().enumerate().map(|(i, m)| {
        let exists = model.vnets.contains_key(&VnetId::new(m.resource.as_str()))
            || model.subnet(&avnm_core::model::SubnetId::new(m.resource.as_str())).is_some();
        let remove = on_click(&ctx, Change::Remove(ResourceId::new(m.id.as_str())));
        let shown = if group.member_type == MemberType::Subnet {
            let vnet = avnm_core::model::ids::parent_path(m.resource.as_str());
            format!("{}/{}", VnetId::new(vnet).name(), m.resource.name())
        } else {
            m.resource.name().to_owned()
        };
        html! {
            <li key={m.id.to_string()}>
                <span class="name" data-testid={format!("static-{i}-name")}>{ shown }</span>
                <span class="muted">{ format!(" static member {}", m.id.name()) }</span>
                if !exists { { " " }<span class="badge warning">{ "not in the design" }</span> }
                <button class="danger small" onclick={remove} aria-label={format!("Remove the static member {}", m.id.name())}
                    data-testid={format!("static-{i}-remove")}>{ "Remove" }</button>
            </li>
        }
    });
    let candidates: Vec<(AttrValue, AttrValue)> = match group.member_type {
        MemberType::VirtualNetwork => model
            .vnets
            .values()
            .filter(|v| {
                !statics
                    .iter()
                    .any(|m| m.resource.as_str().eq_ignore_ascii_case(v.id.as_str()))
            })
            .map(|v| {
                (
                    AttrValue::from(v.id.to_string()),
                    AttrValue::from(format!("{} ({})", v.name, v.location)),
                )
            })
            .collect(),
        MemberType::Subnet => model
            .vnets
            .values()
            .flat_map(|v| v.subnets.iter().map(move |s| (v, s)))
            .filter(|(_, s)| {
                !statics
                    .iter()
                    .any(|m| m.resource.as_str().eq_ignore_ascii_case(s.id.as_str()))
            })
            .map(|(v, s)| {
                (
                    AttrValue::from(s.id.to_string()),
                    AttrValue::from(format!("{}/{}", v.name, s.name)),
                )
            })
            .collect(),
    };
    let placeholder = if group.member_type == MemberType::Subnet {
        "Choose a subnet…"
    } else {
        "Choose a virtual network…"
    };
    let none_to_add = candidates.is_empty();
    let add_choices: Vec<(AttrValue, AttrValue)> =
        std::iter::once((AttrValue::from(""), AttrValue::from(placeholder)))
            .chain(candidates)
            .collect();
    let add_static = {
        let group = group.id.clone();
        maybe(&ctx.dispatch, move |chosen: String| {
            (!chosen.is_empty()).then(|| {
                Action::Change(Change::AddStaticMember {
                    group: group.clone(),
                    resource: ResourceId::new(&chosen),
                })
            })
        })
    };

    // Conditions.
    let definitions: Vec<_> = model
        .policy_definitions
        .values()
        .filter(|d| d.network_group.as_ref() == Some(&group.id))
        .collect();
    let add_condition = on_click(
        &ctx,
        Change::SetCondition {
            group: group.id.clone(),
            condition: starting_condition(&group.id),
        },
    );

    // Actual members.
    let members = ctx.analysis.membership.members(&group.id);
    let (shown_members, more_members) = show_all(members.len(), &all_members, "members-all");
    let member_items = members.iter().take(shown_members).map(|m| {
        let vnet = VnetId::new(m.id.as_str());
        let name = if model.vnets.contains_key(&vnet) {
            link(&ctx, Selection::Vnet(vnet.clone()), m.id.name().to_owned(), format!("member-{}", m.id.name()))
        } else {
            html! { <span class="name">{ m.id.name().to_owned() }</span> }
        };
        html! {
            <li class="member" key={m.id.to_string()} data-testid={format!("member-row-{}", m.id.name())}>
                { name }
                if !m.in_scope {
                    { " " }<span class="badge warning" data-testid={format!("member-{}-out-of-scope", m.id.name())}
                        title="Outside the manager's scope: the VNet stays in the group to represent the intent, but receives no configuration">{ "out of scope" }</span>
                }
                <ul class="reasons">
                { for m.sources.iter().map(|s| match s {
                    Source::Static(sm) => html! { <li>{ "static member " }<code>{ sm.name().to_owned() }</code></li> },
                    Source::Policy { assignment, definition } => {
                        // The condition's trace is made when opened: a group of a large design lists dozens of members.
                        let body = {
                            let (analysis, definition, vnet) = (ctx.analysis.clone(), definition.clone(), vnet.clone());
                            Callback::from(move |()| match analysis.explain_condition(&definition, &vnet) {
                                Some(t) => html! { <ul class="conditions">{ crate::components::condition::render_condition(&t) }</ul> },
                                None => html! {},
                            })
                        };
                        let summary = html! { <>{ "policy " }<code>{ definition.name().to_owned() }</code>{ " assigned by " }<code>{ assignment.name().to_owned() }</code></> };
                        html! { <li><LazyDetails {summary} {body} /></li> }
                    }
                }) }
                </ul>
            </li>
        }
    });

    let manager = link(
        &ctx,
        Selection::Manager(group.manager.clone()),
        group.manager.name().to_owned(),
        "group-manager".to_owned(),
    );
    html! {
        <section class="editor-panel vnm-editor" data-testid="group-editor">
            { render_vnm_head("Network group", group.id.name(), html! { <>{ "A group of " }{ manager }{ "; its members receive the configurations that apply to it, in the regions where they are deployed." }</> }) }
            <div class="vnm-actions">{ render_delete(&ctx, group.id.as_str(), "network group", "delete-group") }</div>
            { render_diagnostics(&diagnostics_under(&ctx.analysis.diagnostics, &group.path), "group-diagnostics".to_owned()) }
            <div class="grid">
                <Field label="Description" value={group.description.clone()} check={field::text as Check} on_change={set_description} testid="group-description" />
                <SelectField label="Member type" value={member_type} options={options(&["VirtualNetwork", "Subnet"])} on_change={set_member_type} testid="group-member-type" />
            </div>

            <h3>{ "Static members" }</h3>
            if statics.is_empty() {
                <p class="empty" data-testid="static-empty">{ "No static member. Add a virtual network below, or let a condition add them." }</p>
            }
            <ul class="vnm-list">{ for static_items }</ul>
            if none_to_add {
                <p class="hint">{ if model.vnets.is_empty() { "The design has no virtual network to add." } else { "Every virtual network of the design is already a static member." } }</p>
            } else {
                <div class="narrow">
                    <Picker label="Add a static member" value="" options={add_choices} on_change={add_static} testid="static-add" />
                </div>
            }

            <h3>{ "Conditional membership (Azure Policy)" }</h3>
            if definitions.is_empty() {
                <p class="empty" data-testid="conditions-empty">{ "No condition: only static members belong. Add a condition to let Azure Policy add the virtual networks whose name, tags, subscription or resource group match." }</p>
                <button onclick={add_condition} data-testid="add-condition">{ "Add a condition" }</button>
            }
            { for definitions.iter().enumerate().map(|(i, d)| html! {
                <ConditionEditor key={d.id.to_string()} definition={d.id.clone()} group={group.id.clone()} index={i} />
            }) }

            <h3>{ format!("Members ({})", members.len()) }</h3>
            if members.is_empty() {
                <p class="empty" data-testid="members-empty">{ "No member yet: add a static member, or a condition that some virtual network in the assignment's scope meets." }</p>
            }
            <ul class="vnm-list members" data-testid="members">{ for member_items }</ul>
            { more_members }
            <WhyNotList group={group.id.clone()} testid="group-why-not" />
        </section>
    }
}
