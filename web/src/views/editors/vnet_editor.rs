//! The editor of a virtual network: region, tags, address space, subnets and manual peerings, with the groups,
//! effective peerings and connected groups the analysis finds for it.

use avnm_core::Diagnostic;
use avnm_core::analysis::VnetExplanation;
use avnm_core::connectivity::Origin;
use avnm_core::membership::Source;
use avnm_core::membership::condition::{ConditionTrace, Outcome};
use avnm_core::model::{PeeringState, ResourceId, SubnetRole, Vnet, VnetId};
use avnm_core::scenario::{Change, Target, edit::template, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{
    diagnostics_of, diagnostics_under, first_message, nsg_options, on_click, on_click_then,
    on_select, render_draft, render_head, render_rename, render_scope, set, text_of, typing,
};
use crate::components::{Check, Field, Picker, TagTable, render_diagnostics};
use crate::platform;
use crate::state::{Action, Selection};

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

fn render_subnets(ctx: &Ctx, vnet: &Vnet) -> Html {
    let model = ctx.state.scenario.model();
    if vnet.subnets.is_empty() {
        return html! { <p class="empty" data-testid="subnets-empty">{ "No subnets yet. Add one below: endpoints live in subnets, and NSGs are associated with them." }</p> };
    }
    let rows = vnet.subnets.iter().enumerate().map(|(i, subnet)| {
        let prefixes = Target::SubnetPrefixes(subnet.id.clone());
        let prefix = text_of(ctx, &prefixes, || subnet.prefixes.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
        let on_prefix = set(ctx, prefixes);
        let on_nsg = crate::components::editor::choose(ctx, Target::SubnetNsg(subnet.id.clone()));
        let remove = on_click(ctx, Change::Remove(ResourceId::new(subnet.id.as_str())));
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
                    <td><Picker label={format!("NSG of {}", subnet.name)} value={subnet.nsg.as_ref().map(ToString::to_string).unwrap_or_default()}
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
    let name_text = name.as_ref().cloned().unwrap_or_else(|| {
        template::unique_name("subnet", vnet.subnets.iter().map(|s| s.name.as_str()))
    });
    let prefix_text = prefix
        .as_ref()
        .cloned()
        .or_else(|| suggested.clone())
        .unwrap_or_default();
    let name_error = field::name(&name_text)
        .err()
        .map(|e| e.to_string())
        .or_else(|| {
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
        field::prefix(&prefix_text).err().map(|e| e.to_string())
    };
    let ready = name_error.is_none() && field::prefix(&prefix_text).is_ok();
    let onsubmit = {
        let (dispatch, name, prefix) = (ctx.dispatch.clone(), name.clone(), prefix.clone());
        let change = Change::AddSubnet {
            vnet: vnet.id.clone(),
            name: name_text.trim().to_owned(),
            prefix: prefix_text.trim().to_owned(),
        };
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if ready {
                dispatch.emit(Action::Change(change.clone()));
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
    let select = on_select(ctx, Selection::Vnet(id.clone()));
    html! { <button class="link" onclick={select} data-testid={testid} title={id.to_string()}>{ name }</button> }
}

fn render_peerings(ctx: &Ctx, vnet: &Vnet, chosen: &UseStateHandle<Option<String>>) -> Html {
    let model = ctx.state.scenario.model();
    let rows = vnet.peerings.iter().enumerate().map(|(i, peering)| {
        let back = model.vnets.get(&peering.remote).and_then(|r| r.peerings.iter().find(|p| p.remote == vnet.id));
        let remove = on_click(ctx, Change::RemovePeering { from: vnet.id.clone(), to: peering.remote.clone() });
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
        let (dispatch, change) = (
            ctx.dispatch.clone(),
            pick.map(|remote| Change::AddPeering {
                from: vnet.id.clone(),
                to: remote.id.clone(),
            }),
        );
        let chosen = chosen.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(change) = &change {
                dispatch.emit(Action::Change(change.clone()));
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
        let select = on_select(ctx, Selection::Connectivity(id.clone()));
        html! { <button class="link" onclick={select} data-testid={testid} title={id.to_string()}>{ id.name().to_owned() }</button> }
    };
    let groups = e.groups.iter().enumerate().map(|(i, g)| {
        let select = on_select(ctx, Selection::Group(g.group.clone()));
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
    let new_subnet = use_state(|| None::<String>);
    let new_prefix = use_state(|| None::<String>);
    let new_peer = use_state(|| None::<String>);
    {
        let drafts = [new_subnet.clone(), new_prefix.clone(), new_peer.clone()];
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
    let resource = ResourceId::new(vnet.id.as_str());
    let space_target = Target::AddressSpace(vnet.id.clone());
    let location_target = Target::Location(resource.clone());
    let space_problems = diagnostics_of(&ctx, &space_target);
    let location_problems = diagnostics_of(&ctx, &location_target);
    let mut parts: Vec<&avnm_core::scenario::Path> = vnet.subnets.iter().map(|s| &s.path).collect();
    parts.extend(vnet.peerings.iter().map(|p| &p.path));
    let general: Vec<&Diagnostic> = diagnostics_under(&ctx.analysis.diagnostics, &vnet.path)
        .into_iter()
        .filter(|d| {
            !space_problems.contains(d)
                && !location_problems.contains(d)
                && !parts.iter().any(|p| d.path.starts_with(p))
        })
        .collect();
    let space = text_of(&ctx, &space_target, || {
        vnet.address_space
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    });
    let location = text_of(&ctx, &location_target, || vnet.location.to_string());
    let delete = on_click_then(&ctx, Change::Remove(resource.clone()), Selection::Overview);
    let explanation = ctx.analysis.explain_vnet(&vnet.id);
    html! {
        <section class="editor-panel resource-editor" data-testid="vnet-editor">
            { render_head("Virtual network", &vnet.name, vnet.id.as_str(), delete, "delete-vnet", "VNet") }
            { render_diagnostics(&general, "vnet-diagnostics".into()) }
            <div class="grid">
                { render_rename(&ctx, vnet.id.as_str(), &vnet.name, "vnet-name") }
                <Field label="Region" value={location} check={field::region as Check} on_change={set(&ctx, location_target)}
                    diagnostic={first_message(&location_problems)} testid="vnet-location" hint="Like `westeurope`" />
                { render_scope(model, vnet.id.as_str()) }
            </div>
            <Field label="Address space" value={space} check={field::prefixes as Check}
                on_change={set(&ctx, space_target)}
                diagnostic={first_message(&space_problems)} testid="vnet-address-space" hint="Comma-separated prefixes, like `10.1.0.0/16, 10.2.0.0/16`" />
            if space_problems.len() > 1 { { render_diagnostics(&space_problems, "vnet-address-space-diagnostics".into()) } }

            <h3>{ "Subnets" }</h3>
            { render_subnets(&ctx, vnet) }
            { render_add_subnet(&ctx, vnet, &new_subnet, &new_prefix) }

            <h3>{ "Manual peerings" }</h3>
            { render_peerings(&ctx, vnet, &new_peer) }

            <h3>{ "Tags" }</h3>
            <TagTable resource={resource} />

            <h3>{ "What the network manager makes of it" }</h3>
            if let Some(e) = explanation { { render_explanation(&ctx, &e) } }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

    #[test]
    fn the_editor_shows_a_spoke_of_the_hub_and_spoke_example() {
        let text = include_str!("../../../../static/examples/hub-spoke-guardrails.json");
        let id = VnetId::new(
            "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/vnet-prod-1",
        );
        let html = testing::render(text, html! { <VnetEditor id={id} /> });
        for testid in [
            "vnet-name",
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
}
