//! The editor of a virtual network: region, tags, address space, subnets and manual peerings, with the groups,
//! effective peerings and connected groups the analysis finds for it.

use std::rc::Rc;

use avnm_core::Diagnostic;
use avnm_core::analysis::VnetExplanation;
use avnm_core::connectivity::Origin;
use avnm_core::membership::Source;
use avnm_core::membership::condition::{ConditionTrace, Outcome};
use avnm_core::model::{PeeringState, SubnetRole, Vnet, VnetId};
use avnm_core::scenario::{Edit, FieldValue, edit::template, field};
use serde_json::Value;
use yew::prelude::*;

use super::nic_editor::{
    associate_nsg, design, diagnostics_under, document, first_message, fresh, has, maybe,
    nsg_options, on_click, plural_edits, pointer, raw_text, removals, render_diagnostics,
    render_draft, render_head, render_scope, setter, typing, under,
};
use crate::app::Ctx;
use crate::components::{Check, Field, SelectField};
use crate::platform;
use crate::state::{Action, Selection};
use avnm_core::scenario::field::region;

/// A tag name the editor can write: not empty, not taken (names ignore case), and without the characters of a
/// path.
fn tag_name(text: &str, taken: &[(String, String)], own: Option<&str>) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("give the tag a name".to_owned());
    }
    if let Some(c) = t.chars().find(|c| matches!(c, '.' | '[' | ']')) {
        return Err(format!(
            "a tag name with `{c}` can be written in the Document view only"
        ));
    }
    let clash = taken
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case(t) && own.is_none_or(|o| !o.eq_ignore_ascii_case(k)));
    if clash {
        return Err(format!(
            "`{t}` is already a tag of this virtual network (tag names ignore case)"
        ));
    }
    Ok(t.to_owned())
}

/// The edits of the address prefix of a subnet: one prefix in `addressPrefix`, several in `addressPrefixes`,
/// and the other form removed when the document has it.
fn subnet_prefix_edits(
    subnet: &str,
    value: FieldValue,
    had_one: bool,
    had_many: bool,
) -> Vec<Edit> {
    let props = format!("{subnet}.properties");
    match value {
        FieldValue::Texts(items) if items.len() == 1 => {
            let mut edits: Vec<Edit> = items
                .into_iter()
                .map(|p| Edit::Set {
                    path: format!("{props}.addressPrefix"),
                    value: FieldValue::Text(p),
                })
                .collect();
            if had_many {
                edits.push(Edit::Remove {
                    path: format!("{props}.addressPrefixes"),
                });
            }
            edits
        }
        other => plural_edits(&props, "addressPrefixes", "addressPrefix", other, had_one),
    }
}

/// The edits of a new manual peering, made on both VNets so that it is connected.
fn peering_edits(vnet: &Vnet, remote: &Vnet) -> Vec<Edit> {
    let name = fresh(&format!("{}-to-{}", vnet.name, remote.name), |n| {
        vnet.peerings
            .iter()
            .any(|p| p.id.name().eq_ignore_ascii_case(n))
    });
    let mut edits = vec![Edit::Append {
        path: format!("{}.properties.virtualNetworkPeerings", vnet.path),
        fragment: template::peering(vnet.id.as_str(), remote.id.as_str(), &name),
    }];
    match remote.peerings.iter().find(|p| p.remote == vnet.id) {
        Some(back) if back.state == Some(PeeringState::Connected) => {}
        Some(back) => edits.push(Edit::Set {
            path: format!("{}.properties.peeringState", back.path),
            value: FieldValue::Text("Connected".into()),
        }),
        None => {
            let back = fresh(&format!("{}-to-{}", remote.name, vnet.name), |n| {
                remote
                    .peerings
                    .iter()
                    .any(|p| p.id.name().eq_ignore_ascii_case(n))
            });
            edits.push(Edit::Append {
                path: format!("{}.properties.virtualNetworkPeerings", remote.path),
                fragment: template::peering(remote.id.as_str(), vnet.id.as_str(), &back),
            });
        }
    }
    edits
}

/// The tags as the document writes them, in its order.
fn tags(doc: &Value, vnet: &Vnet) -> Vec<(String, String)> {
    let Some(Value::Object(map)) = doc.pointer(&pointer(&format!("{}.tags", vnet.path))) else {
        return Vec::new();
    };
    map.iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

/// Properties of [`TagNameField`].
#[derive(Properties, PartialEq)]
struct TagNameFieldProps {
    /// The tag name.
    name: AttrValue,
    /// Every tag of the VNet.
    taken: Rc<Vec<(String, String)>>,
    /// Called with a valid new name when the user leaves the field or presses Enter.
    on_rename: Callback<String>,
    /// A stable id for tests.
    testid: AttrValue,
}

/// A tag name, validated as the user types and renamed when the field is left, so the rows keep their place.
#[component]
fn TagNameField(props: &TagNameFieldProps) -> Html {
    let text = use_state(|| None::<String>);
    {
        let text = text.clone();
        use_effect_with(props.name.clone(), move |_| text.set(None));
    }
    let shown = text
        .as_ref()
        .cloned()
        .unwrap_or_else(|| props.name.to_string());
    let error = tag_name(&shown, &props.taken, Some(props.name.as_str())).err();
    let onchange = {
        let (taken, name, on_rename) = (
            props.taken.clone(),
            props.name.clone(),
            props.on_rename.clone(),
        );
        Callback::from(move |e: Event| {
            let typed = platform::value(&e);
            if let Ok(new) = tag_name(&typed, &taken, Some(name.as_str()))
                && new != name.as_str()
            {
                on_rename.emit(new);
            }
        })
    };
    html! {
        <label class={classes!("field", error.is_some().then_some("invalid"))}>
            <span class="label">{ "Name" }</span>
            <input type="text" value={shown} oninput={typing(&text)} {onchange} data-testid={props.testid.clone()}
                aria-invalid={error.is_some().to_string()} spellcheck="false" />
            if let Some(e) = error {
                <span class="error" role="alert" data-testid={format!("{}-error", props.testid)}>{ e }</span>
            }
        </label>
    }
}

fn render_tags(
    ctx: &Ctx,
    vnet: &Vnet,
    all: &Rc<Vec<(String, String)>>,
    draft: &UseStateHandle<Option<String>>,
) -> Html {
    let rows = all.iter().enumerate().map(|(i, (key, value))| {
        let path = format!("{}.tags.{key}", vnet.path);
        let rename = {
            let (dispatch, old, value, base) = (ctx.dispatch.clone(), path.clone(), value.clone(), vnet.path.clone());
            Callback::from(move |new: String| {
                dispatch.emit(Action::Edits(vec![
                    Edit::Remove { path: old.clone() },
                    Edit::Set { path: format!("{base}.tags.{new}"), value: FieldValue::Text(value.clone()) },
                ]));
            })
        };
        let remove = on_click(&ctx.dispatch, vec![Action::Edit(Edit::Remove { path: path.clone() })]);
        html! {
            <tr key={key.clone()}>
                <td><TagNameField name={key.clone()} taken={all.clone()} on_rename={rename} testid={format!("tag-{i}-name")} /></td>
                <td><Field label="Value" value={value.clone()} check={field::text as Check} on_change={setter(&ctx.dispatch, path)} testid={format!("tag-{i}-value")} /></td>
                <td class="actions"><button class="danger" onclick={remove} data-testid={format!("remove-tag-{i}")}
                    aria-label={format!("Remove the tag {key}")}>{ "Remove" }</button></td>
            </tr>
        }
    });
    let text = draft.as_ref().cloned().unwrap_or_default();
    let error = if draft.is_some() {
        tag_name(&text, all, None).err()
    } else {
        None
    };
    let valid = tag_name(&text, all, None).ok();
    let onsubmit = {
        let (dispatch, draft, base) = (ctx.dispatch.clone(), draft.clone(), vnet.path.clone());
        let valid = valid.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(name) = &valid {
                dispatch.emit(Action::Edit(Edit::Set {
                    path: format!("{base}.tags.{name}"),
                    value: FieldValue::Text(String::new()),
                }));
                draft.set(None);
            }
        })
    };
    html! {
        <>
            if all.is_empty() {
                <p class="empty" data-testid="tags-empty">{ "No tags. Azure Policy conditions of network groups often test tags: add one below, like `env`." }</p>
            } else {
                <table class="editor-table tags" data-testid="vnet-tags">
                    <thead><tr><th>{ "Name" }</th><th>{ "Value" }</th><th><span class="visually-hidden">{ "Actions" }</span></th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
            <form class="add-row" {onsubmit}>
                { render_draft("New tag name", &text, error, typing(draft), "new-tag-name") }
                <button type="submit" class="primary" disabled={valid.is_none()} data-testid="add-tag">{ "Add tag" }</button>
            </form>
        </>
    }
}

fn role_text(role: SubnetRole) -> &'static str {
    match role {
        SubnetRole::Workload => "Workload",
        SubnetRole::Gateway => "Gateway",
        SubnetRole::Firewall => "Firewall",
        SubnetRole::Bastion => "Bastion",
        SubnetRole::RouteServer => "Route Server",
        SubnetRole::ApplicationGateway => "Application Gateway",
    }
}

fn render_subnets(ctx: &Ctx, doc: &Value, vnet: &Vnet) -> Html {
    let model = ctx.state.scenario.model();
    if vnet.subnets.is_empty() {
        return html! { <p class="empty" data-testid="subnets-empty">{ "No subnets yet. Add one below: endpoints live in subnets, and NSGs are associated with them." }</p> };
    }
    let rows = vnet.subnets.iter().enumerate().map(|(i, subnet)| {
        let props = format!("{}.properties", subnet.path);
        let prefix = raw_text(doc, &format!("{props}.addressPrefix"))
            .or_else(|| raw_text(doc, &format!("{props}.addressPrefixes")))
            .unwrap_or_else(|| subnet.prefixes.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
        let on_prefix = {
            let (owner, one, many) = (subnet.path.clone(), has(doc, &format!("{props}.addressPrefix")), has(doc, &format!("{props}.addressPrefixes")));
            ctx.dispatch.reform(move |value: FieldValue| Action::Edits(subnet_prefix_edits(&owner, value, one, many)))
        };
        let on_nsg = {
            let (owner, current) = (subnet.path.clone(), subnet.nsg.clone());
            let had = has(doc, &format!("{props}.networkSecurityGroup"));
            maybe(&ctx.dispatch, move |chosen: String| associate_nsg(&owner, had, current.as_ref(), &chosen))
        };
        let remove = on_click(&ctx.dispatch, vec![Action::Edit(Edit::Remove { path: subnet.path.clone() })]);
        let problems = diagnostics_under(&ctx.analysis.diagnostics, &subnet.path);
        let role = role_text(subnet.role);
        let role_title = if subnet.role.skips_admin_rules() { "Security admin rules do not apply to endpoints in this subnet" } else { "An ordinary subnet" };
        html! {
            <tr key={subnet.id.to_string()} class={classes!((!problems.is_empty()).then_some("has-problem"))}>
                    <td class="subnet-name">
                        <code data-testid={format!("subnet-{i}-name")}>{ subnet.name.clone() }</code>
                        <span class={classes!("role", subnet.role.skips_admin_rules().then_some("special"))} title={role_title}
                            data-testid={format!("subnet-{i}-role")}>{ role }</span>
                        if let Some(service) = &subnet.intent_policy_service {
                            <span class="muted" title="Network intent policies: only Allow admin rules may apply">{ format!("delegated to {service}") }</span>
                        }
                    </td>
                    <td><Field label={format!("Prefix of {}", subnet.name)} value={prefix} check={field::prefixes as Check}
                        on_change={on_prefix} diagnostic={first_message(&problems)} testid={format!("subnet-{i}-prefix")} />
                        if problems.len() > 1 { { render_diagnostics(&problems, format!("subnet-{i}-diagnostics")) } }
                    </td>
                    <td><SelectField label={format!("NSG of {}", subnet.name)} value={subnet.nsg.as_ref().map(ToString::to_string).unwrap_or_default()}
                        options={nsg_options(model, subnet.nsg.as_ref())} on_change={on_nsg} testid={format!("subnet-{i}-nsg")} /></td>
                    <td class="actions"><button class="danger" onclick={remove} data-testid={format!("remove-subnet-{i}")}
                        aria-label={format!("Remove the subnet {}", subnet.name)}>{ "Remove" }</button></td>
            </tr>
        }
    });
    html! {
        <table class="editor-table subnets" data-testid="vnet-subnets">
            <thead><tr><th>{ "Name and role" }</th><th>{ "Prefix" }</th><th>{ "NSG" }</th><th><span class="visually-hidden">{ "Actions" }</span></th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

fn render_add_subnet(
    ctx: &Ctx,
    vnet: &Vnet,
    name: &UseStateHandle<Option<String>>,
    prefix: &UseStateHandle<Option<String>>,
) -> Html {
    let taken = |n: &str| vnet.subnets.iter().any(|s| s.name.eq_ignore_ascii_case(n));
    let suggested = template::free_subnet_prefix(vnet);
    let name_text = name
        .as_ref()
        .cloned()
        .unwrap_or_else(|| fresh("subnet", taken));
    let prefix_text = prefix
        .as_ref()
        .cloned()
        .or_else(|| suggested.clone())
        .unwrap_or_default();
    let name_error = field::name(&name_text).err().or_else(|| {
        taken(name_text.trim()).then(|| {
            format!(
                "`{}` is already a subnet of this virtual network",
                name_text.trim()
            )
        })
    });
    let prefix_error = if prefix_text.is_empty() && prefix.is_none() {
        None
    } else {
        field::prefix(&prefix_text).err()
    };
    let ready = name_error.is_none() && field::prefix(&prefix_text).is_ok();
    let onsubmit = {
        let (dispatch, name, prefix) = (ctx.dispatch.clone(), name.clone(), prefix.clone());
        let (path, id) = (
            format!("{}.properties.subnets", vnet.path),
            vnet.id.to_string(),
        );
        let (n, p) = (name_text.trim().to_owned(), prefix_text.trim().to_owned());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if ready {
                dispatch.emit(Action::Edit(Edit::Append {
                    path: path.clone(),
                    fragment: template::subnet(&id, &n, &p),
                }));
                name.set(None);
                prefix.set(None);
            }
        })
    };
    html! {
        <form class="add-row" {onsubmit} aria-label="Add a subnet">
            { render_draft("New subnet name", &name_text, name_error, typing(name), "new-subnet-name") }
            { render_draft("Prefix", &prefix_text, prefix_error, typing(prefix), "new-subnet-prefix") }
            <button type="submit" class="primary" disabled={!ready} data-testid="add-subnet">{ "Add subnet" }</button>
            if suggested.is_none() {
                <span class="hint">{ "The address space is full: widen it above, or type a prefix." }</span>
            }
        </form>
    }
}

fn state_text(state: Option<PeeringState>) -> &'static str {
    match state {
        Some(PeeringState::Connected) => "Connected",
        Some(PeeringState::Initiated) => "Initiated",
        Some(PeeringState::Disconnected) => "Disconnected",
        None => "not stated",
    }
}

fn vnet_link(ctx: &Ctx, id: &VnetId, testid: String) -> Html {
    let name = id.name().to_owned();
    if !ctx.state.scenario.model().vnets.contains_key(id) {
        return html! { <code title={id.to_string()} data-testid={testid}>{ format!("{name} (not in the design)") }</code> };
    }
    let select = on_click(
        &ctx.dispatch,
        vec![Action::Select(Selection::Vnet(id.clone()))],
    );
    html! { <button class="link" onclick={select} data-testid={testid} title={id.to_string()}>{ name }</button> }
}

fn render_peerings(ctx: &Ctx, vnet: &Vnet, chosen: &UseStateHandle<Option<String>>) -> Html {
    let model = ctx.state.scenario.model();
    let rows = vnet.peerings.iter().enumerate().map(|(i, peering)| {
        let back = model.vnets.get(&peering.remote).and_then(|r| r.peerings.iter().find(|p| p.remote == vnet.id));
        let mut paths = vec![peering.path.clone()];
        paths.extend(back.map(|b| b.path.clone()));
        let remove = on_click(&ctx.dispatch, vec![Action::Edits(removals(paths))]);
        let problems = diagnostics_under(&ctx.analysis.diagnostics, &peering.path);
        html! {
            <tr key={peering.id.to_string()}>
                <td>{ vnet_link(ctx, &peering.remote, format!("peering-{i}-remote")) }</td>
                <td data-testid={format!("peering-{i}-state")}>{ state_text(peering.state) }</td>
                <td>
                    if back.is_some() { <span class="muted">{ "both sides" }</span> }
                    else { <span class="note">{ "this side only: no traffic until the remote VNet peers back" }</span> }
                    { render_diagnostics(&problems, format!("peering-{i}-diagnostics")) }
                </td>
                <td class="actions"><button class="danger" onclick={remove} data-testid={format!("remove-peering-{i}")}
                    aria-label={format!("Remove the peering with {} on both sides", peering.remote.name())}>{ "Remove" }</button></td>
            </tr>
        }
    });
    let candidates: Vec<&Vnet> = model
        .vnets
        .values()
        .filter(|o| o.id != vnet.id && !vnet.peerings.iter().any(|p| p.remote == o.id))
        .collect();
    let pick = chosen
        .as_ref()
        .and_then(|c| candidates.iter().find(|o| o.id.as_str() == c.as_str()))
        .or_else(|| candidates.first())
        .copied();
    let onsubmit = {
        let (dispatch, edits) = (
            ctx.dispatch.clone(),
            pick.map(|remote| peering_edits(vnet, remote)),
        );
        let chosen = chosen.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(edits) = &edits {
                dispatch.emit(Action::Edits(edits.clone()));
                chosen.set(None);
            }
        })
    };
    let onchange = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| chosen.set(Some(platform::value(&e))))
    };
    let inactive = ctx
        .analysis
        .topology
        .inactive_peerings
        .iter()
        .filter(|p| p.vnets.contains(&vnet.id));
    html! {
        <>
            if vnet.peerings.is_empty() {
                <p class="empty" data-testid="peerings-empty">{ "No manual peerings. Connectivity configurations of a network manager can create peerings; to peer by hand, pick a VNet below." }</p>
            } else {
                <table class="editor-table peerings" data-testid="vnet-peerings">
                    <thead><tr><th>{ "Remote VNet" }</th><th>{ "State" }</th><th>{ "Sides" }</th><th><span class="visually-hidden">{ "Actions" }</span></th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
            <ul class="diagnostic-list">
            { for inactive.map(|p| {
                let [x, y] = &p.vnets;
                html! {
                    <li class="warning"><span class="badge warning">{ "inactive" }</span>
                        <span>{ format!("{} – {}: {}", x.name(), y.name(), p.reason) }</span></li>
                }
            }) }
            </ul>
            if candidates.is_empty() {
                <p class="hint">{ if model.vnets.len() < 2 { "There is no other virtual network to peer with: add one from the overview." } else { "Every other virtual network is already peered from this one." } }</p>
            } else {
                <form class="add-row" {onsubmit} aria-label="Add a peering">
                    <label class="field">
                        <span class="label">{ "Peer with" }</span>
                        <select {onchange} data-testid="new-peering-remote">
                        { for candidates.iter().map(|o| html! {
                            <option value={o.id.to_string()} selected={pick.is_some_and(|p| p.id == o.id)}>{ o.name.clone() }</option>
                        }) }
                        </select>
                    </label>
                    <button type="submit" class="primary" data-testid="add-peering"
                        title="Creates the peering on both VNets, so that it is connected">{ "Add peering (both sides)" }</button>
                </form>
            }
        </>
    }
}

/// The leaf conditions of a policy that held, readable (`tags['env'] equals "prod"`).
fn held(trace: &ConditionTrace) -> Vec<String> {
    if trace.children.is_empty() {
        return if matches!(trace.outcome, Outcome::True) {
            vec![trace.text.clone()]
        } else {
            Vec::new()
        };
    }
    trace.children.iter().flat_map(held).collect()
}

fn render_explanation(ctx: &Ctx, e: &VnetExplanation) -> Html {
    let config_link = |id: &avnm_core::model::ConfigurationId, testid: String| {
        let select = on_click(
            &ctx.dispatch,
            vec![Action::Select(Selection::Connectivity(id.clone()))],
        );
        html! { <button class="link" onclick={select} data-testid={testid} title={id.to_string()}>{ id.name().to_owned() }</button> }
    };
    let groups = e.groups.iter().enumerate().map(|(i, g)| {
        let select = on_click(&ctx.dispatch, vec![Action::Select(Selection::Group(g.group.clone()))]);
        html! {
            <li key={g.group.to_string()}>
                <button class="link" onclick={select} data-testid={format!("vnet-group-{i}")} title={g.group.to_string()}>{ g.group.name().to_owned() }</button>
                if !g.in_scope { <span class="badge warning" title="Outside the manager's scope: it receives no configuration">{ "out of scope" }</span> }
                <ul class="reasons">
                { for g.reasons.iter().map(|r| match &r.source {
                    Source::Static(id) => html! { <li>{ "static member " }<code>{ id.name().to_owned() }</code></li> },
                    Source::Policy { assignment, definition } => html! {
                        <li>{ "policy " }<code>{ definition.name().to_owned() }</code>{ " assigned by " }<code>{ assignment.name().to_owned() }</code>
                            if let Some(c) = &r.condition { <span class="muted">{ ": " }<code>{ held(c).join(" and ") }</code></span> }
                        </li>
                    },
                }) }
                </ul>
            </li>
        }
    });
    let peerings = e.peerings.iter().enumerate().map(|(i, link)| {
        let [x, y] = &link.vnets;
        let other = if *x == e.vnet { y } else { x };
        html! {
            <li key={format!("{x}-{y}")}>
                { vnet_link(ctx, other, format!("vnet-effective-peering-{i}")) }
                <span class="muted">{ " · " }</span>
                { match &link.origin {
                    Origin::Existing => html! { <span>{ "manual peering" }</span> },
                    Origin::Configuration(id) => html! { <span>{ "made by " }{ config_link(id, format!("vnet-effective-peering-{i}-origin")) }</span> },
                } }
            </li>
        }
    });
    let connected = e.connected_groups.iter().enumerate().map(|(i, g)| {
        let members: Vec<String> = g.vnets.iter().filter(|v| **v != e.vnet).map(|v| v.name().to_owned()).collect();
        html! {
            <li key={format!("{}-{i}", g.configuration_id)}>
                { config_link(&g.configuration_id, format!("vnet-connected-group-{i}")) }
                <span class="muted">{ format!(" · {}", g.region.as_ref().map_or_else(|| "global".to_owned(), ToString::to_string)) }</span>
                <div class="muted">{ if members.is_empty() { "no other member".to_owned() } else { format!("with {}", members.join(", ")) } }</div>
                if !g.dropped.is_empty() {
                    <div class="note">{ format!("overlapping ranges dropped: {}", g.dropped.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }</div>
                }
            </li>
        }
    });
    html! {
        <div class="explanation" data-testid="vnet-explanation">
            <h4>{ "Network groups" }</h4>
            if e.groups.is_empty() {
                <p class="empty">{ "In no network group: add a static member to a group, or tag it to match a group's policy." }</p>
            } else { <ul class="explain-list" data-testid="vnet-groups">{ for groups }</ul> }
            <h4>{ "Effective peerings" }</h4>
            if e.peerings.is_empty() {
                <p class="empty">{ "None: deploy a connectivity configuration that includes this VNet, or add a manual peering above." }</p>
            } else { <ul class="explain-list" data-testid="vnet-effective-peerings">{ for peerings }</ul> }
            <h4>{ "Connected groups" }</h4>
            if e.connected_groups.is_empty() {
                <p class="empty">{ "None: a mesh, or hub-and-spoke with direct connectivity, makes one when deployed." }</p>
            } else { <ul class="explain-list" data-testid="vnet-connected-groups">{ for connected }</ul> }
        </div>
    }
}

/// Properties of [`VnetEditor`].
#[derive(Properties, PartialEq)]
pub struct VnetEditorProps {
    /// The resource.
    pub id: VnetId,
}

/// The editor of a virtual network.
#[component]
pub fn VnetEditor(props: &VnetEditorProps) -> Html {
    let ctx = use_context::<Ctx>();
    let doc = use_memo(design(ctx.as_ref()), document);
    let new_subnet = use_state(|| None::<String>);
    let new_prefix = use_state(|| None::<String>);
    let new_tag = use_state(|| None::<String>);
    let new_peer = use_state(|| None::<String>);
    {
        let drafts = [
            new_subnet.clone(),
            new_prefix.clone(),
            new_tag.clone(),
            new_peer.clone(),
        ];
        use_effect_with(props.id.clone(), move |_| {
            drafts.iter().for_each(|d| d.set(None))
        });
    }
    let Some(ctx) = ctx else { return html! {} };
    let model = ctx.state.scenario.model();
    let Some(vnet) = model.vnets.get(&props.id) else {
        return html! {
            <section class="editor-panel resource-editor">
                <h2>{ props.id.name().to_owned() }</h2>
                <p class="empty">{ "This virtual network is no longer in the design. Pick another one in the navigator." }</p>
            </section>
        };
    };
    let all = &ctx.analysis.diagnostics;
    let space_path = format!("{}.properties.addressSpace", vnet.path);
    let space_problems = diagnostics_under(all, &space_path);
    let location_path = format!("{}.location", vnet.path);
    let mut children: Vec<&str> = vnet.subnets.iter().map(|s| s.path.as_str()).collect();
    children.extend(vnet.peerings.iter().map(|p| p.path.as_str()));
    let general: Vec<&Diagnostic> = diagnostics_under(all, &vnet.path)
        .into_iter()
        .filter(|d| {
            !under(&d.path, &space_path)
                && !under(&d.path, &location_path)
                && !children.iter().any(|c| under(&d.path, c))
        })
        .collect();
    let space = raw_text(&doc, &format!("{space_path}.addressPrefixes")).unwrap_or_else(|| {
        vnet.address_space
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    });
    let location = raw_text(&doc, &location_path).unwrap_or_else(|| vnet.location.to_string());
    let tag_list = Rc::new(tags(&doc, vnet));
    let delete = {
        let mut paths = vec![vnet.path.clone()];
        paths.extend(
            children
                .iter()
                .filter(|c| !under(c, &vnet.path))
                .map(|c| (*c).to_owned()),
        );
        on_click(
            &ctx.dispatch,
            vec![
                Action::Edits(removals(paths)),
                Action::Select(Selection::Overview),
            ],
        )
    };
    let explanation = ctx.analysis.explain_vnet(&vnet.id);
    html! {
        <section class="editor-panel resource-editor" data-testid="vnet-editor">
            { render_head("Virtual network", &vnet.name, vnet.id.as_str(), delete, "delete-vnet", "VNet") }
            { render_diagnostics(&general, "vnet-diagnostics".into()) }
            <div class="grid">
                <Field label="Region" value={location} check={region as Check} on_change={setter(&ctx.dispatch, location_path.clone())}
                    diagnostic={first_message(&diagnostics_under(all, &location_path))} testid="vnet-location" hint="Like `westeurope`" />
                { render_scope(model, vnet.id.as_str()) }
            </div>
            <Field label="Address space" value={space} check={field::prefixes as Check}
                on_change={setter(&ctx.dispatch, format!("{space_path}.addressPrefixes"))}
                diagnostic={first_message(&space_problems)} testid="vnet-address-space" hint="Comma-separated prefixes, like `10.1.0.0/16, 10.2.0.0/16`" />
            if space_problems.len() > 1 { { render_diagnostics(&space_problems, "vnet-address-space-diagnostics".into()) } }

            <h3>{ "Subnets" }</h3>
            { render_subnets(&ctx, &doc, vnet) }
            { render_add_subnet(&ctx, vnet, &new_subnet, &new_prefix) }

            <h3>{ "Manual peerings" }</h3>
            { render_peerings(&ctx, vnet, &new_peer) }

            <h3>{ "Tags" }</h3>
            { render_tags(&ctx, vnet, &tag_list, &new_tag) }

            <h3>{ "What the network manager makes of it" }</h3>
            if let Some(e) = explanation { { render_explanation(&ctx, &e) } }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::super::nic_editor::testing;
    use super::*;
    use avnm_core::Scenario;
    use avnm_core::scenario::apply;

    const DESIGN: &str = r#"{"resources": [
        {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a", "name": "a",
         "type": "Microsoft.Network/virtualNetworks", "location": "westeurope", "tags": {"env": "prod"},
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": [{"name": "s", "properties": {"addressPrefixes": ["10.0.0.0/24", "10.0.1.0/24"]}}]}},
        {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/b", "name": "b",
         "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}}
    ]}"#;

    fn run(s: &Scenario, edits: &[Edit]) -> Scenario {
        edits.iter().fold(s.clone(), |s, e| apply(&s, e).unwrap())
    }

    #[test]
    fn a_single_subnet_prefix_replaces_the_list() {
        let s = Scenario::parse(DESIGN).unwrap();
        let edits = subnet_prefix_edits(
            "resources[0].properties.subnets[0]",
            FieldValue::Texts(vec!["10.0.4.0/24".into()]),
            false,
            true,
        );
        let s = run(&s, &edits);
        let vnet = s.model().vnets.values().next().unwrap();
        assert_eq!(vnet.subnets[0].prefixes.len(), 1);
        let doc: Value = serde_json::from_str(&s.to_json()).unwrap();
        assert!(!has(
            &doc,
            "resources[0].properties.subnets[0].properties.addressPrefixes"
        ));
        assert_eq!(
            raw_text(
                &doc,
                "resources[0].properties.subnets[0].properties.addressPrefix"
            )
            .as_deref(),
            Some("10.0.4.0/24")
        );
    }

    #[test]
    fn a_peering_is_added_on_both_sides_and_removed_from_both() {
        let s = Scenario::parse(DESIGN).unwrap();
        let (a, b) = {
            let mut v = s.model().vnets.values();
            (v.next().unwrap().clone(), v.next().unwrap().clone())
        };
        let s = run(&s, &peering_edits(&a, &b));
        let analysis = avnm_core::analyze(&s);
        assert_eq!(
            analysis.topology.peerings.len(),
            1,
            "{:?}",
            analysis.topology.inactive_peerings
        );
        let paths: Vec<String> = s
            .model()
            .vnets
            .values()
            .flat_map(|v| v.peerings.iter().map(|p| p.path.clone()))
            .collect();
        let s = run(&s, &removals(paths));
        assert!(s.model().vnets.values().all(|v| v.peerings.is_empty()));
    }

    #[test]
    fn the_editor_shows_a_spoke_of_the_hub_and_spoke_example() {
        let text = include_str!("../../../static/examples/hub-spoke-guardrails.json");
        let id = VnetId::new(
            "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/vnet-prod-1",
        );
        let html = testing::render(text, html! { <VnetEditor id={id} /> });
        for testid in [
            "vnet-location",
            "vnet-address-space",
            "subnet-0-prefix",
            "subnet-0-nsg",
            "remove-subnet-0",
            "add-subnet",
            "tag-0-name",
            "tag-0-value",
            "add-tag",
            "new-peering-remote",
            "add-peering",
            "delete-vnet",
            "vnet-groups",
        ] {
            assert!(
                html.contains(&format!("data-testid=\"{testid}\"")),
                "{testid} in {html}"
            );
        }
        assert!(
            html.contains("value=\"10.1.0.0/16\""),
            "the address space as written"
        );
        assert!(
            html.contains("value=\"10.1.1.0/24\""),
            "a free prefix is suggested for a new subnet"
        );
        assert!(
            html.contains("ng-production"),
            "the group it belongs to, by policy"
        );
        assert!(
            html.contains("cc-hub-and-spoke"),
            "the configuration that peers it with the hub"
        );
        assert!(
            html.contains("peerings-empty"),
            "no manual peering, and it says what to do"
        );
    }

    #[test]
    fn tag_names_are_checked() {
        let taken = vec![("env".to_owned(), "prod".to_owned())];
        assert!(tag_name("Env", &taken, None).is_err());
        assert_eq!(tag_name("Env", &taken, Some("env")), Ok("Env".into()));
        assert!(tag_name("a.b", &taken, None).is_err());
        assert!(tag_name(" ", &taken, None).is_err());
        assert_eq!(fresh("subnet", |n| n == "subnet"), "subnet-2");
    }
}
