//! The navigator: the design as a tree, by subscription and resource group for the network, by manager for
//! Virtual Network Manager, then deployments, intents and the document.
//!
//! A design of more than [`TREE_LIMIT`] network resources is listed by kind instead (virtual networks, network
//! interfaces, network security groups), each kind collapsed to its count and, when opened, a list that renders
//! only the rows in view; a filter finds resources by name. Network groups past [`TREE_LIMIT`] are listed the same
//! way under their manager.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use avnm_core::model::config::Topology;
use avnm_core::model::ids::scope_of;
use avnm_core::model::{Model, Nic, NicId, Nsg, NsgId, Vnet, VnetId};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::plural;
use crate::components::virtual_list::VirtualList;
use crate::components::{Same, SameItems, kept};
use crate::platform;
use crate::state::{Action, Selection};

/// An entry of the navigator: what it selects, its label and a detail line.
type Entry = (Selection, String, Option<String>);

/// Past this many network resources (VNets, NICs and NSGs), the navigator lists them by kind.
pub const TREE_LIMIT: usize = 300;
/// Height of a navigator row in the long lists, in CSS pixels.
const ROW: u32 = 40;

/// The kinds of network resources, in the order they are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Vnet,
    Nic,
    Nsg,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Vnet, Kind::Nic, Kind::Nsg];

    fn title(self) -> &'static str {
        match self {
            Kind::Vnet => "Virtual networks",
            Kind::Nic => "Network interfaces",
            Kind::Nsg => "NSGs",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Kind::Vnet => "vnets",
            Kind::Nic => "nics",
            Kind::Nsg => "nsgs",
        }
    }
}

/// The network resources of a design, by kind, each with its entry: each kind's made once for its items and kept
/// ([`kept`]), so that [`make_ahead`] makes them before the render that shows them.
fn entries((vnets, nics, nsgs): &Network) -> BTreeMap<Kind, Rc<Vec<Entry>>> {
    BTreeMap::from([
        (
            Kind::Vnet,
            kept("navigator: VNets", &vnets.0, |v| {
                v.values().map(vnet_entry).collect()
            }),
        ),
        (
            Kind::Nic,
            kept("navigator: NICs", &nics.0, |n| {
                n.values().map(nic_entry).collect()
            }),
        ),
        (
            Kind::Nsg,
            kept("navigator: NSGs", &nsgs.0, |n| {
                n.values().map(nsg_entry).collect()
            }),
        ),
    ])
}

/// Whether the navigator lists the network resources of `model` by kind.
fn listed_by_kind(model: &Model) -> bool {
    model.vnets.len() + model.nics.len() + model.nsgs.len() > TREE_LIMIT
}

/// Makes the navigator's entries of `model` ahead of the render that shows them (the import or an edit of a
/// large design, in a task of its own), when it lists them by kind.
pub fn make_ahead(model: &Model) {
    if listed_by_kind(model) {
        platform::timed("navigator: entries", || {
            entries(&(
                SameItems(model.vnets.clone()),
                SameItems(model.nics.clone()),
                SameItems(model.nsgs.clone()),
            ))
        });
    }
}

/// The kinds of items the network list shows, by identity: its entries are made again only when a change wrote
/// one of them (an edit of a rule keeps them).
type Network = (
    SameItems<BTreeMap<VnetId, Vnet>>,
    SameItems<BTreeMap<NicId, Nic>>,
    SameItems<BTreeMap<NsgId, Nsg>>,
);

fn vnet_entry(vnet: &avnm_core::model::Vnet) -> Entry {
    let space = vnet
        .address_space
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    (
        Selection::Vnet(vnet.id.clone()),
        vnet.name.clone(),
        Some(format!("{} · {space}", vnet.location)),
    )
}

fn nsg_entry(nsg: &avnm_core::model::Nsg) -> Entry {
    (
        Selection::Nsg(nsg.id.clone()),
        nsg.id.name().to_owned(),
        Some(format!(
            "NSG · {}",
            plural(nsg.rules.len(), "rule", "rules")
        )),
    )
}

fn nic_entry(nic: &avnm_core::model::Nic) -> Entry {
    let ip = nic
        .ip_configurations
        .iter()
        .find_map(|c| c.address)
        .map(|a| a.to_string());
    (
        Selection::Nic(nic.id.clone()),
        nic.id.name().to_owned(),
        ip.map(|a| format!("NIC · {a}")),
    )
}

/// A row of the long network list: a kind with how many of its resources the filter keeps and how many it has,
/// or the resource at a position of its kind.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Row {
    Heading(Kind, usize, usize),
    Item(Kind, usize),
}

/// The rows of the long network list for a filter (lowercase) and the kinds opened; a filter opens every kind.
fn network_rows(
    entries: &BTreeMap<Kind, Rc<Vec<Entry>>>,
    needle: &str,
    open: &BTreeSet<Kind>,
) -> Vec<Row> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let all = entries.get(&kind).map_or(&[][..], |e| e.as_slice());
        let kept: Vec<usize> = all
            .iter()
            .enumerate()
            .filter(|(_, e)| needle.is_empty() || e.1.to_lowercase().contains(needle))
            .map(|(i, _)| i)
            .collect();
        if all.is_empty() || (kept.is_empty() && !needle.is_empty()) {
            continue;
        }
        out.push(Row::Heading(kind, kept.len(), all.len()));
        if open.contains(&kind) || !needle.is_empty() {
            out.extend(kept.into_iter().map(|i| Row::Item(kind, i)));
        }
    }
    out
}

/// The network resources of a large design, by kind, with a filter.
#[component]
fn NetworkList() -> Html {
    let ctx = use_context::<Ctx>();
    let filter = use_state(String::new);
    let open = use_state(BTreeSet::<Kind>::new);
    let network = ctx.as_ref().map(|c| {
        let model = c.state.scenario.model();
        (
            SameItems(model.vnets.clone()),
            SameItems(model.nics.clone()),
            SameItems(model.nsgs.clone()),
        )
    });
    let entries = use_memo(network, |network| {
        network.as_ref().map_or_else(BTreeMap::new, |network| {
            platform::timed("navigator: entries", || entries(network))
        })
    });
    let needle = filter.trim().to_lowercase();
    let rows = use_memo(
        (Same(entries.clone()), needle.clone(), (*open).clone()),
        |(entries, needle, open)| network_rows(&entries.0, needle, open),
    );
    let Some(ctx) = ctx else {
        return html! {};
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| filter.set(platform::value(&e)))
    };
    let row = {
        let rows = rows.clone();
        let filtering = !needle.is_empty();
        Callback::from(move |i: usize| match rows.get(i) {
            Some(Row::Heading(kind, kept, total)) => {
                let is_open = filtering || open.contains(kind);
                let toggle = {
                    let (open, kind) = (open.clone(), *kind);
                    Callback::from(move |_: MouseEvent| {
                        let mut next = (*open).clone();
                        if !next.remove(&kind) {
                            next.insert(kind);
                        }
                        open.set(next);
                    })
                };
                let count = if kept == total {
                    total.to_string()
                } else {
                    format!("{kept} of {total}")
                };
                html! {
                    <button class="nav-kind" onclick={toggle} aria-expanded={is_open.to_string()} disabled={filtering}
                        data-testid={format!("nav-kind-{}", kind.slug())}>
                        <span class="chevron" aria-hidden="true">{ if is_open { "▾" } else { "▸" } }</span>
                        <span class="nav-label">{ kind.title() }</span>
                        <span class="count">{ count }</span>
                    </button>
                }
            }
            Some(Row::Item(kind, k)) => match entries.get(kind).and_then(|e| e.get(*k)) {
                Some((selection, label, detail)) => {
                    button(&ctx, selection.clone(), label.clone(), detail.clone(), 2)
                }
                None => html! {},
            },
            None => html! {},
        })
    };
    html! {
        <div class="nav-network">
            <input type="search" class="filter" placeholder="Filter by name" aria-label="Filter network resources by name"
                value={(*filter).clone()} oninput={on_filter} data-testid="nav-filter" />
            if rows.is_empty() { <p class="empty">{ "Nothing matches the filter." }</p> }
            <VirtualList count={rows.len()} row_height={ROW} height={520} {row} class="nav-list"
                testid="nav-network-list" label="Network resources" />
        </div>
    }
}

fn item(ctx: &Ctx, selection: Selection, label: String, detail: Option<String>, depth: u8) -> Html {
    html! { <li>{ button(ctx, selection, label, detail, depth) }</li> }
}

fn button(
    ctx: &Ctx,
    selection: Selection,
    label: String,
    detail: Option<String>,
    depth: u8,
) -> Html {
    let selected = ctx.state.selection == selection;
    let onclick = {
        ctx.dispatch
            .reform(move |_: MouseEvent| Action::Select(selection.clone()))
    };
    html! {
        <button class={classes!("nav-item", format!("depth-{depth}"), selected.then_some("selected"))}
            aria-current={selected.then_some("true")} {onclick} data-testid={format!("nav-{label}")} title={label.clone()}>
            <span class="nav-label">{ label }</span>
            if let Some(d) = detail { <span class="nav-detail">{ d }</span> }
        </button>
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
    let ctx = use_context::<Ctx>();
    let (intents, failing) = crate::app::use_intent_counts(ctx.as_ref());
    let Some(ctx) = ctx else {
        return html! {};
    };
    let model = ctx.state.scenario.model();

    let large = listed_by_kind(model);
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
    if !large {
        for vnet in model.vnets.values() {
            place(vnet.id.as_str(), vnet_entry(vnet));
        }
        for nsg in model.nsgs.values() {
            place(nsg.id.as_str(), nsg_entry(nsg));
        }
        for nic in model.nics.values() {
            place(nic.id.as_str(), nic_entry(nic));
        }
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
        let ids: Vec<_> = model.groups.values().filter(|g| g.manager == manager.id).map(|g| g.id.clone()).collect();
        let group_item = {
            let ctx = ctx.clone();
            move |id: &avnm_core::model::NetworkGroupId| {
                let count = ctx.analysis.membership.members(id).len();
                button(&ctx, Selection::Group(id.clone()), id.name().to_owned(), Some(format!("network group · {}", plural(count, "member", "members"))), 2)
            }
        };
        let groups = if ids.len() > TREE_LIMIT {
            let ids = Rc::new(ids);
            let row = {
                let ids = ids.clone();
                Callback::from(move |i: usize| ids.get(i).map(&group_item).unwrap_or_default())
            };
            html! {
                <li>
                    <span class="nav-heading depth-1">{ format!("Network groups · {}", ids.len()) }</span>
                    <VirtualList count={ids.len()} row_height={ROW} height={400} {row} class="nav-list" label="Network groups" testid="nav-groups-list" />
                </li>
            }
        } else {
            html! { <>{ for ids.iter().map(|id| html! { <li>{ group_item(id) }</li> }) }</> }
        };
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
                { groups }
                { for connectivity }
                { for security }
            </>
        }
    });

    let commits = model.commits.len();
    html! {
        <div class="navigator-tree">
            <h2>{ "Network" }</h2>
            if model.vnets.is_empty() {
                <p class="empty">{ "No virtual networks yet: load an example, import a design, or add one from the overview." }</p>
            }
            if large { <NetworkList /> } else { <ul>{ for network }</ul> }
            <h2>{ "Virtual Network Manager" }</h2>
            if model.managers.is_empty() {
                <p class="empty">{ "No network manager yet." }</p>
            }
            <ul>{ for managers }</ul>
            <h2>{ "Design" }</h2>
            <ul>
                { item(&ctx, Selection::Hierarchy, "Scopes".to_owned(), Some(format!("{}, {}", plural(model.management_groups.len(), "management group", "management groups"), plural(model.subscriptions.len(), "subscription", "subscriptions"))), 1) }
                { item(&ctx, Selection::Deployments, "Deployments".to_owned(), Some(plural(commits, "commit", "commits")), 1) }
                { item(&ctx, Selection::Intents, "Intents".to_owned(), Some(if failing == 0 { format!("{intents} passing") } else { format!("{failing} failing") }), 1) }
                { item(&ctx, Selection::Document, "Document (JSON)".to_owned(), None, 1) }
            </ul>
        </div>
    }
}
