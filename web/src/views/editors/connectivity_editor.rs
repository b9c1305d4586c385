//! The editor of a connectivity configuration: topology, hub, the groups it applies to with their settings,
//! global mesh, deletion of existing peerings and address overlap, with what it creates now and where it is
//! deployed. Booleans are the strings `"True"` and `"False"` in the document, as in Azure's REST model.

use avnm_core::connectivity::Origin;
use avnm_core::model::{ConfigurationId, OverlapPolicy, Topology};
use avnm_core::scenario::change::{AppliesField, ConnectivityField};
use avnm_core::scenario::{Change, Target};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{
    choose, diagnostics_under, flag, link, on_click, render_delete, render_deployed,
    render_diagnostics, render_missing, render_vnm_head,
};
use crate::components::{CheckField, Picker, SelectField, maybe, options};
use crate::state::{Action, Selection};

/// Properties of [`ConnectivityEditor`].
#[derive(Properties, PartialEq)]
pub struct ConnectivityEditorProps {
    /// The configuration.
    pub id: ConfigurationId,
}

/// The editor of a connectivity configuration.
#[component]
pub fn ConnectivityEditor(props: &ConnectivityEditorProps) -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let Some(config) = model.connectivity_configs.get(&props.id) else {
        return render_missing("Connectivity configuration", props.id.as_str());
    };
    let setting = |field| Target::Connectivity {
        config: config.id.clone(),
        field,
    };

    let topology = match config.topology {
        Topology::Mesh => "Mesh",
        Topology::HubAndSpoke => "HubAndSpoke",
    };
    let set_topology = choose(&ctx, setting(ConnectivityField::Topology));
    let hub = config.hubs.first();
    let mut hub_options = vec![(AttrValue::from(""), AttrValue::from("(no hub)"))];
    hub_options.extend(model.vnets.values().map(|v| {
        (
            AttrValue::from(v.id.to_string()),
            AttrValue::from(format!("{} ({})", v.name, v.location)),
        )
    }));
    if let Some(h) = hub.filter(|h| !model.vnets.contains_key(*h)) {
        hub_options.push((
            AttrValue::from(h.to_string()),
            AttrValue::from(format!("{} (not in the design)", h.name())),
        ));
    }
    let set_hub = choose(&ctx, setting(ConnectivityField::Hub));
    let overlap = match config.overlap {
        OverlapPolicy::Allowed => "Allowed",
        OverlapPolicy::Disallowed => "Disallowed",
    };
    let set_overlap = choose(&ctx, setting(ConnectivityField::AddressOverlap));

    // The groups it applies to.
    let groups: Vec<_> = model
        .groups
        .values()
        .filter(|g| g.manager == config.manager)
        .collect();
    let hub_and_spoke = config.topology == Topology::HubAndSpoke;
    let rows = config.groups.iter().enumerate().map(|(i, item)| {
        let mut choices: Vec<(AttrValue, AttrValue)> = groups.iter().map(|g| (AttrValue::from(g.id.to_string()), AttrValue::from(g.id.name().to_owned()))).collect();
        if !groups.iter().any(|g| g.id == item.group) {
            choices.push((AttrValue::from(item.group.to_string()), AttrValue::from(format!("{} (not in the design)", item.group.name()))));
        }
        let item_field = |field| Target::AppliesTo { config: config.id.clone(), index: i, field };
        let choose_group = choose(&ctx, item_field(AppliesField::Group));
        let check = |field| flag(&ctx, item_field(field));
        let remove = on_click(&ctx, Change::RemoveAppliesTo { config: config.id.clone(), index: i });
        let members = ctx.analysis.membership.members(&item.group).len();
        let problems = diagnostics_under(&ctx.analysis.diagnostics, &item.path);
        html! {
            <tr key={item.path.to_string()} data-testid={format!("applies-{i}")}>
                <td>
                    <Picker label="Network group" value={item.group.to_string()} options={choices} on_change={choose_group} testid={format!("applies-{i}-group")} />
                    <span class="muted">{ format!("{members} member{} · ", if members == 1 { "" } else { "s" }) }</span>
                    { link(&ctx, Selection::Group(item.group.clone()), "open".to_owned(), format!("applies-{i}-open")) }
                    { render_diagnostics(&problems, format!("applies-{i}-diagnostics")) }
                </td>
                <td><CheckField label="Directly connected" checked={item.directly_connected} on_change={check(AppliesField::DirectlyConnected)} testid={format!("applies-{i}-direct")} /></td>
                <td><CheckField label="Global" checked={item.is_global} on_change={check(AppliesField::Global)} testid={format!("applies-{i}-global")} /></td>
                <td><CheckField label="Use hub gateway" checked={item.use_hub_gateway} on_change={check(AppliesField::UseHubGateway)} testid={format!("applies-{i}-gateway")} /></td>
                <td><button class="danger small" onclick={remove} aria-label={format!("Stop applying to {}", item.group.name())} data-testid={format!("applies-{i}-remove")}>{ "Remove" }</button></td>
            </tr>
        }
    });
    let add_group = {
        let config_id = config.id.clone();
        let unused: Vec<String> = groups
            .iter()
            .filter(|g| !config.groups.iter().any(|c| c.group == g.id))
            .map(|g| g.id.to_string())
            .collect();
        let mut choices = vec![(
            AttrValue::from(""),
            AttrValue::from("Apply to another group…"),
        )];
        choices.extend(unused.iter().map(|g| {
            (
                AttrValue::from(g.clone()),
                AttrValue::from(avnm_core::model::NetworkGroupId::new(g).name().to_owned()),
            )
        }));
        let on_change = maybe(&ctx.dispatch, move |chosen: String| {
            (!chosen.is_empty()).then(|| {
                Action::Change(Change::AddAppliesTo {
                    config: config_id.clone(),
                    group: chosen.as_str().into(),
                })
            })
        });
        (unused.is_empty(), choices, on_change)
    };

    // What it creates now.
    let peerings: Vec<_> = ctx
        .analysis
        .topology
        .peerings
        .iter()
        .filter(|l| {
            l.configurations.contains(&config.id)
                || l.origin == Origin::Configuration(config.id.clone())
        })
        .collect();
    let connected: Vec<_> = ctx
        .analysis
        .topology
        .connected_groups
        .iter()
        .filter(|g| g.configuration_id == config.id)
        .collect();
    let vnet_name = |id: &avnm_core::model::VnetId| {
        model
            .vnets
            .get(id)
            .map_or_else(|| id.name().to_owned(), |v| v.name.clone())
    };

    let manager = link(
        &ctx,
        Selection::Manager(config.manager.clone()),
        config.manager.name().to_owned(),
        "connectivity-manager".to_owned(),
    );
    let (no_more_groups, add_choices, add_on_change) = add_group;
    html! {
        <section class="editor-panel vnm-editor" data-testid="connectivity-editor">
            { render_vnm_head("Connectivity configuration", config.id.name(), html! { <>{ "Of " }{ manager }{ ". A mesh connects every member as a connected group; a hub and spoke peers the hub with every spoke." }</> }) }
            <div class="vnm-actions">{ render_delete(&ctx, config.id.as_str(), "connectivity configuration", "delete-connectivity") }</div>
            { render_deployed(&ctx, &config.id, "connectivity-deployed") }
            { render_diagnostics(&diagnostics_under(&ctx.analysis.diagnostics, &config.path).into_iter().filter(|d| !config.groups.iter().any(|g| d.path.starts_with(&g.path))).collect::<Vec<_>>(), "connectivity-diagnostics".to_owned()) }
            <div class="grid">
                <SelectField label="Topology" value={topology} options={options(&["Mesh", "HubAndSpoke"])} on_change={set_topology} testid="connectivity-topology" />
                if hub_and_spoke || hub.is_some() {
                    <Picker label="Hub" value={hub.map(ToString::to_string).unwrap_or_default()} options={hub_options} on_change={set_hub} testid="connectivity-hub" />
                }
                <SelectField label="Connected group address overlap" value={overlap} options={options(&["Allowed", "Disallowed"])} on_change={set_overlap} testid="connectivity-overlap" />
            </div>
            <div class="vnm-checks">
                <CheckField label={if hub_and_spoke { "Global (no effect on hub and spoke)" } else { "Global mesh: connect members across regions" }} checked={config.is_global} on_change={flag(&ctx, setting(ConnectivityField::Global))} testid="connectivity-global" />
                <CheckField label="Delete existing peerings that this configuration does not create" checked={config.delete_existing_peering} on_change={flag(&ctx, setting(ConnectivityField::DeleteExistingPeering))} testid="connectivity-delete-peerings" />
            </div>

            <h3>{ "Applies to" }</h3>
            if config.groups.is_empty() {
                <p class="empty" data-testid="applies-empty">{ "It applies to no network group, so it connects nothing. Add a group." }</p>
            } else {
                <p class="hint">{ if hub_and_spoke { "Spoke groups: each member is peered with the hub. Directly connected spokes also form a connected group (with the hub) in each region, or across regions when global." } else { "Every member of these groups joins the mesh; per-group settings matter for hub and spoke only." } }</p>
                <table class="vnm-table applies">
                    <thead><tr><th>{ "Group" }</th><th title="groupConnectivity: DirectlyConnected">{ "Direct" }</th><th>{ "Global" }</th><th>{ "Hub gateway" }</th><th><span class="visually-hidden">{ "Remove" }</span></th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
            if no_more_groups {
                <p class="hint">{ if groups.is_empty() { "The manager has no network group to apply to: add one in the manager." } else { "It applies to every group of the manager." } }</p>
            } else {
                <div class="narrow"><Picker label="Add a group" value="" options={add_choices} on_change={add_on_change} testid="applies-add" /></div>
            }

            <h3>{ "What it creates now" }</h3>
            if peerings.is_empty() && connected.is_empty() {
                <p class="empty" data-testid="creates-nothing">{ "Nothing yet: it must be deployed to the members' regions, and its groups must have members in the manager's scope." }</p>
            }
            if !peerings.is_empty() {
                <h4>{ format!("Peerings ({})", peerings.len()) }</h4>
                <ul class="vnm-list" data-testid="creates-peerings">
                { for peerings.iter().map(|l| {
                    let [a, b] = &l.vnets;
                    html! {
                        <li key={format!("{a}|{b}")}>
                            { vnet_name(a) }{ " ↔ " }{ vnet_name(b) }
                            if l.origin == Origin::Existing { <span class="muted">{ " (an existing peering, reused)" }</span> }
                        </li>
                    }
                }) }
                </ul>
            }
            if !connected.is_empty() {
                <h4>{ format!("Connected groups ({})", connected.len()) }</h4>
                <ul class="vnm-list" data-testid="creates-connected-groups">
                { for connected.iter().enumerate().map(|(i, g)| html! {
                    <li key={i}>
                        <span class="muted">{ g.region.as_ref().map_or_else(|| "global: ".to_owned(), |r| format!("{r}: ")) }</span>
                        { g.vnets.iter().map(&vnet_name).collect::<Vec<_>>().join(", ") }
                        if let Some(spoke) = &g.spoke_group { <span class="muted">{ format!(" (spokes of {} with the hub)", spoke.name()) }</span> }
                        if !g.dropped.is_empty() {
                            <div class="note">{ format!("Overlapping ranges dropped: {}", g.dropped.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }</div>
                        }
                        if !g.excluded.is_empty() {
                            <div class="note">{ format!("Left out because they overlap a member: {}", g.excluded.iter().map(&vnet_name).collect::<Vec<_>>().join(", ")) }</div>
                        }
                    </li>
                }) }
                </ul>
            }
        </section>
    }
}
