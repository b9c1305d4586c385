//! The navigator: the design as a tree, by subscription and resource group for the network, by manager for
//! Virtual Network Manager, then deployments, intents and the document.

use std::collections::BTreeMap;

use avnm_core::model::Model;
use avnm_core::model::config::Topology;
use avnm_core::model::ids::scope_of;
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::plural;
use crate::state::{Action, Selection};

/// An entry of the navigator: what it selects, its label and a detail line.
type Entry = (Selection, String, Option<String>);

fn item(ctx: &Ctx, selection: Selection, label: String, detail: Option<String>, depth: u8) -> Html {
    let selected = ctx.state.selection == selection;
    let onclick = {
        ctx.dispatch
            .reform(move |_: MouseEvent| Action::Select(selection.clone()))
    };
    html! {
        <li>
            <button class={classes!("nav-item", format!("depth-{depth}"), selected.then_some("selected"))}
                aria-current={selected.then_some("true")} {onclick} data-testid={format!("nav-{label}")}>
                <span class="nav-label">{ label }</span>
                if let Some(d) = detail { <span class="nav-detail">{ d }</span> }
            </button>
        </li>
    }
}

/// The heading of a subscription: its display name when the design gives one, else its id's last segment.
fn subscription_label(
    model: &Model,
    subscription: Option<avnm_core::model::SubscriptionId>,
) -> String {
    let Some(id) = subscription else {
        return "(no subscription)".to_owned();
    };
    match model
        .subscriptions
        .get(&id)
        .and_then(|s| s.display_name.as_deref())
    {
        Some(name) => format!("Subscription {name}"),
        None => format!("Subscription {}", id.name()),
    }
}

/// The navigator.
#[component]
pub fn NavigatorView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();

    // Network resources by subscription and resource group.
    let mut tree: BTreeMap<String, BTreeMap<String, Vec<Entry>>> = BTreeMap::new();
    let mut place = |id: &str, entry: Entry| {
        let (sub, rg) = scope_of(id);
        let sub = subscription_label(model, sub);
        let rg = rg.map_or_else(|| "(no resource group)".to_owned(), |r| r.name().to_owned());
        tree.entry(sub)
            .or_default()
            .entry(rg)
            .or_default()
            .push(entry);
    };
    for vnet in model.vnets.values() {
        let space = vnet
            .address_space
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        place(
            vnet.id.as_str(),
            (
                Selection::Vnet(vnet.id.clone()),
                vnet.name.clone(),
                Some(format!("{} · {space}", vnet.location)),
            ),
        );
    }
    for nsg in model.nsgs.values() {
        place(
            nsg.id.as_str(),
            (
                Selection::Nsg(nsg.id.clone()),
                nsg.id.name().to_owned(),
                Some(format!(
                    "NSG · {}",
                    plural(nsg.rules.len(), "rule", "rules")
                )),
            ),
        );
    }
    for nic in model.nics.values() {
        let ip = nic
            .ip_configurations
            .iter()
            .find_map(|c| c.address)
            .map(|a| a.to_string());
        place(
            nic.id.as_str(),
            (
                Selection::Nic(nic.id.clone()),
                nic.id.name().to_owned(),
                ip.map(|a| format!("NIC · {a}")),
            ),
        );
    }

    let network = tree.into_iter().map(|(sub, groups)| {
        html! {
            <li>
                <span class="nav-heading depth-0">{ sub }</span>
                <ul>
                { for groups.into_iter().map(|(rg, items)| html! {
                    <li>
                        <span class="nav-heading depth-1">{ rg }</span>
                        <ul>{ for items.into_iter().map(|(s, label, detail)| item(&ctx, s, label, detail, 2)) }</ul>
                    </li>
                }) }
                </ul>
            </li>
        }
    });

    let managers = model.managers.values().map(|manager| {
        let groups = model.groups.values().filter(|g| g.manager == manager.id).map(|g| {
            let count = ctx.analysis.membership.members(&g.id).len();
            item(&ctx, Selection::Group(g.id.clone()), g.id.name().to_owned(), Some(format!("network group · {}", plural(count, "member", "members"))), 2)
        });
        let connectivity = model.connectivity_configs.values().filter(|c| c.manager == manager.id).map(|c| {
            let topology = match c.topology {
                Topology::HubAndSpoke => "hub and spoke",
                Topology::Mesh => "mesh",
            };
            item(&ctx, Selection::Connectivity(c.id.clone()), c.id.name().to_owned(), Some(format!("connectivity configuration · {topology}")), 2)
        });
        let security = model.security_admin_configs.values().filter(|c| c.manager == manager.id).map(|c| {
            let collections = c.collections.iter().map(|rc| {
                item(&ctx, Selection::RuleCollection(rc.id.clone()), rc.id.name().to_owned(), Some(format!("rule collection · {}", plural(rc.rules.len(), "rule", "rules"))), 3)
            });
            html! {
                <>
                    { item(&ctx, Selection::SecurityAdmin(c.id.clone()), c.id.name().to_owned(), Some("security admin configuration".to_owned()), 2) }
                    { for collections }
                </>
            }
        });
        html! {
            <>
                { item(&ctx, Selection::Manager(manager.id.clone()), manager.id.name().to_owned(), Some("network manager".to_owned()), 1) }
                { for groups }
                { for connectivity }
                { for security }
            </>
        }
    });

    let commits = model.commits.len();
    let intents = ctx.analysis.check();
    let failing = intents.iter().filter(|r| !r.passed).count();
    html! {
        <div class="navigator-tree">
            <h2>{ "Network" }</h2>
            if model.vnets.is_empty() {
                <p class="empty">{ "No virtual networks yet: load an example, import a design, or add one from the overview." }</p>
            }
            <ul>{ for network }</ul>
            <h2>{ "Virtual Network Manager" }</h2>
            if model.managers.is_empty() {
                <p class="empty">{ "No network manager yet." }</p>
            }
            <ul>{ for managers }</ul>
            <h2>{ "Design" }</h2>
            <ul>
                { item(&ctx, Selection::Hierarchy, "Scopes".to_owned(), Some(format!("{}, {}", plural(model.management_groups.len(), "management group", "management groups"), plural(model.subscriptions.len(), "subscription", "subscriptions"))), 1) }
                { item(&ctx, Selection::Deployments, "Deployments".to_owned(), Some(plural(commits, "commit", "commits")), 1) }
                { item(&ctx, Selection::Intents, "Intents".to_owned(), Some(if failing == 0 { format!("{} passing", intents.len()) } else { format!("{failing} failing") }), 1) }
                { item(&ctx, Selection::Document, "Document (JSON)".to_owned(), None, 1) }
            </ul>
        </div>
    }
}
