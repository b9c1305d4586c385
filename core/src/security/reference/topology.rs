//! The reference's own topology (spec §3.2-§3.5, §3.8; decisions §3, Q6, Q8 and the overlap addendum),
//! written from the specification rather than from `connectivity`.
//!
//! Naive on purpose: regions are found by asking the goal state about every region of the document; every
//! pair of prefixes is compared for overlaps.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::IpNet;

use super::membership::Members;
use super::scope_height;
use crate::deployment::GoalState;
use crate::model::{
    ConfigType, ConfigurationId, ConnectivityConfig, Location, Model, OverlapPolicy, PeeringState,
    SubnetRole, Topology as Shape, Vnet, VnetId,
};

/// A connected group: its members and the ranges dropped in it.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub(crate) configuration: ConfigurationId,
    pub(crate) vnets: BTreeSet<VnetId>,
    pub(crate) dropped: Vec<IpNet>,
}

/// Effective peerings (sorted pairs) and connected groups.
#[derive(Clone, Debug, Default)]
pub(crate) struct Links {
    pub(crate) peerings: BTreeSet<(VnetId, VnetId)>,
    /// Who made each peering: `None` for a manual one (which AVNM reuses), else the smallest configuration id
    /// asking for it (engine convention 2).
    pub(crate) origins: BTreeMap<(VnetId, VnetId), Option<ConfigurationId>>,
    pub(crate) groups: Vec<Group>,
}

fn pair(a: &VnetId, b: &VnetId) -> (VnetId, VnetId) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

fn overlap(a: &Vnet, b: &Vnet) -> bool {
    a.address_space.iter().any(|p| {
        b.address_space
            .iter()
            .any(|q| p.contains(q) || q.contains(p))
    })
}

/// Manual peerings that carry traffic: both directions present, none in a state other than `Connected`
/// (absent counts as connected), disjoint address spaces.
fn manual(model: &Model) -> BTreeSet<(VnetId, VnetId)> {
    let connected = |s: Option<PeeringState>| s.is_none_or(|s| s == PeeringState::Connected);
    let mut out = BTreeSet::new();
    for a in model.vnets.values() {
        for there in &a.peerings {
            let Some(b) = model.vnets.get(&there.remote) else {
                continue;
            };
            let back = b.peerings.iter().filter(|p| p.remote == a.id);
            let mut back_states = back.map(|p| p.state).peekable();
            if back_states.peek().is_none() || !connected(there.state) {
                continue;
            }
            if back_states.all(connected) && !overlap(a, b) && a.id != b.id {
                out.insert(pair(&a.id, &b.id));
            }
        }
    }
    out
}

/// What one configuration contributes.
struct Contribution {
    peerings: BTreeSet<(VnetId, VnetId)>,
    /// Candidate members of connected groups, in the order they are added (overlap `Disallowed`).
    groups: Vec<Vec<VnetId>>,
    /// The VNets whose manual peerings it removes, when it deletes existing peerings.
    deletes: BTreeSet<VnetId>,
}

/// The in-scope VNet members of a group, in document order.
fn vnet_members<'m>(
    model: &'m Model,
    members: &Members,
    group: &crate::model::NetworkGroupId,
) -> Vec<&'m Vnet> {
    let mut out: Vec<&Vnet> = model
        .vnets
        .values()
        .filter(|v| members.receives(&v.id, group))
        .collect();
    out.sort_by_key(|v| v.order);
    out
}

fn contribution(
    model: &Model,
    members: &Members,
    config: &ConnectivityConfig,
    regions: &BTreeSet<Location>,
) -> Contribution {
    let mut c = Contribution {
        peerings: BTreeSet::new(),
        groups: Vec::new(),
        deletes: BTreeSet::new(),
    };
    let deployed = |v: &Vnet| regions.contains(&v.location);
    match config.topology {
        Shape::Mesh => {
            let mut all: Vec<&Vnet> = Vec::new();
            for item in &config.groups {
                for v in vnet_members(model, members, &item.group) {
                    if deployed(v) && !all.iter().any(|x| x.id == v.id) {
                        all.push(v);
                    }
                }
            }
            all.sort_by_key(|v| v.order);
            c.deletes.extend(all.iter().map(|v| v.id.clone()));
            if config.is_global {
                c.groups.push(all.iter().map(|v| v.id.clone()).collect());
            } else {
                for region in regions {
                    c.groups.push(
                        all.iter()
                            .filter(|v| &v.location == region)
                            .map(|v| v.id.clone())
                            .collect(),
                    );
                }
            }
        }
        Shape::HubAndSpoke => {
            // A configuration whose hub is missing or outside the manager's scope does nothing.
            let Some(hub) = config.hubs.first().and_then(|h| model.vnets.get(h)) else {
                return c;
            };
            let in_scope = model
                .managers
                .get(&config.manager)
                .and_then(|m| scope_height(model, m, &hub.subscription))
                .is_some();
            if !in_scope {
                return c;
            }
            // Q6: a link needs both of its regions deployed.
            let hub_deployed = deployed(hub);
            let gateway = hub.subnets.iter().any(|s| s.role == SubnetRole::Gateway);
            for item in &config.groups {
                let members_here: Vec<&Vnet> = vnet_members(model, members, &item.group)
                    .into_iter()
                    .filter(|v| deployed(v))
                    .collect();
                // Decisions §3: every VNet in the configuration's groups, the hub included when it is one.
                c.deletes.extend(members_here.iter().map(|v| v.id.clone()));
                let spokes: Vec<&Vnet> = members_here
                    .into_iter()
                    .filter(|v| v.id != hub.id)
                    .collect();
                for spoke in &spokes {
                    let gateway_ok = gateway || !item.use_hub_gateway;
                    if hub_deployed && gateway_ok && !overlap(hub, spoke) {
                        c.peerings.insert(pair(&hub.id, &spoke.id));
                    }
                }
                if item.directly_connected {
                    // The hub anchors the group and comes first (decisions, overlap addendum).
                    let with_hub = |list: Vec<&Vnet>| -> Vec<VnetId> {
                        hub_deployed
                            .then(|| hub.id.clone())
                            .into_iter()
                            .chain(list.into_iter().map(|v| v.id.clone()))
                            .collect()
                    };
                    if item.is_global {
                        c.groups.push(with_hub(spokes.clone()));
                    } else {
                        for region in regions {
                            let local: Vec<&Vnet> = spokes
                                .iter()
                                .copied()
                                .filter(|v| &v.location == region)
                                .collect();
                            if !local.is_empty() {
                                c.groups.push(with_hub(local));
                            }
                        }
                    }
                }
            }
        }
    }
    if !config.delete_existing_peering {
        c.deletes.clear();
    }
    c
}

/// The topology after the commits.
pub(crate) fn links(model: &Model, members: &Members, goal: &GoalState) -> Links {
    let locations: BTreeSet<Location> = model.vnets.values().map(|v| v.location.clone()).collect();
    let mut made: BTreeMap<(VnetId, VnetId), BTreeSet<&ConfigurationId>> = BTreeMap::new();
    let mut deletes: Vec<(&ConfigurationId, BTreeSet<VnetId>)> = Vec::new();
    let mut candidates: Vec<(&ConnectivityConfig, Vec<VnetId>)> = Vec::new();
    for config in model.connectivity_configs.values() {
        let regions: BTreeSet<Location> = locations
            .iter()
            .filter(|r| {
                goal.deployed(&config.manager, r, ConfigType::Connectivity)
                    .contains(&config.id)
            })
            .cloned()
            .collect();
        if regions.is_empty() {
            continue;
        }
        let c = contribution(model, members, config, &regions);
        for p in c.peerings {
            made.entry(p).or_default().insert(&config.id);
        }
        deletes.push((&config.id, c.deletes));
        candidates.extend(c.groups.into_iter().map(|g| (config, g)));
    }

    let mut peerings = BTreeSet::new();
    let mut origins = BTreeMap::new();
    for p in manual(model) {
        let removed = deletes.iter().any(|(config, vnets)| {
            (vnets.contains(&p.0) || vnets.contains(&p.1))
                && !made.get(&p).is_some_and(|c| c.contains(config))
        });
        if !removed {
            origins.insert(p.clone(), None);
            peerings.insert(p);
        }
    }
    for (p, configs) in made {
        origins
            .entry(p.clone())
            .or_insert_with(|| configs.first().map(|c| (*c).clone()));
        peerings.insert(p);
    }

    let mut groups = Vec::new();
    for (config, list) in candidates {
        let mut kept: Vec<&Vnet> = Vec::new();
        for id in list {
            let Some(v) = model.vnets.get(&id) else {
                continue;
            };
            if kept.iter().any(|k| k.id == v.id) {
                continue;
            }
            if config.overlap == OverlapPolicy::Disallowed && kept.iter().any(|k| overlap(k, v)) {
                continue;
            }
            kept.push(v);
        }
        if kept.len() < 2 {
            continue;
        }
        let vnets: BTreeSet<VnetId> = kept.iter().map(|v| v.id.clone()).collect();
        // Q8: the intersection of any two members' prefixes; spec §3.5: and of a member's with a VNet
        // peered with a member from outside the group.
        let mut dropped = Vec::new();
        let mut inner = |p: &IpNet, q: &IpNet| {
            if p.contains(q) {
                dropped.push(*q);
            } else if q.contains(p) {
                dropped.push(*p);
            }
        };
        for (i, a) in kept.iter().enumerate() {
            for b in kept.iter().skip(i + 1) {
                for p in &a.address_space {
                    for q in &b.address_space {
                        inner(p, q);
                    }
                }
            }
        }
        for outside in model.vnets.values().filter(|v| !vnets.contains(&v.id)) {
            let peered = kept
                .iter()
                .any(|m| peerings.contains(&pair(&m.id, &outside.id)));
            if !peered {
                continue;
            }
            for m in &kept {
                for p in &m.address_space {
                    for q in &outside.address_space {
                        inner(p, q);
                    }
                }
            }
        }
        groups.push(Group {
            configuration: config.id.clone(),
            vnets,
            dropped,
        });
    }
    Links {
        peerings,
        origins,
        groups,
    }
}
