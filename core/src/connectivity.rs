//! The deployed topology: effective peerings and connected groups after the commits (spec §3, §6; decisions §3).
//!
//! Manual peerings count when both sides exist and are connected.
//! Each connectivity configuration in the goal state of a region reaches the in-scope members of its groups
//! located in that region; a link between two regions needs the configuration in both (decisions Q6).
//! Hub-and-spoke peers the hub with every spoke and, for groups with direct connectivity, forms a connected
//! group of the spokes and the hub; a mesh forms one connected group per region, or one when global.
//! Sources: <https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration>,
//! <https://learn.microsoft.com/azure/virtual-network-manager/concept-limitations>.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Serialize, Serializer};

use crate::deployment::GoalState;
use crate::diagnostic::{Code, Diagnostic};
use crate::membership::Membership;
use crate::membership::scope::Hierarchy;
use crate::model::{
    ConfigType, ConfigurationId, ConnectivityConfig, Location, Model, NetworkGroupId,
    OverlapPolicy, PeeringState, SubnetRole, Topology as Shape, Vnet, VnetId,
};

/// Connected groups per VNet before Azure's default limit is exceeded (spec §3.7).
pub const CONNECTED_GROUPS_PER_VNET: usize = 2;
/// VNets per connected group, by default (spec §3.7).
pub const VNETS_PER_CONNECTED_GROUP: usize = 250;
/// Peerings a hub can have through a connectivity configuration (spec §3.7).
pub const SPOKES_PER_HUB: usize = 1000;

/// The effective connectivity of a design.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Topology {
    /// Effective peerings, one per pair of VNets, sorted.
    pub peerings: Vec<Link>,
    /// Connected groups, sorted by configuration and region.
    pub connected_groups: Vec<ConnectedGroup>,
    /// Manual peerings that are not effective, and why.
    pub inactive_peerings: Vec<InactivePeering>,
    /// Problems found while building.
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip)]
    peers: BTreeMap<VnetId, BTreeMap<VnetId, usize>>,
    #[serde(skip)]
    groups_of: BTreeMap<VnetId, Vec<usize>>,
}

/// A peering between two VNets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// The two VNets, sorted.
    pub vnets: [VnetId; 2],
    /// Who made it: an existing manual peering (which AVNM reuses) or a configuration.
    pub origin: Origin,
    /// Every configuration that asks for this peering.
    pub configurations: Vec<ConfigurationId>,
}

/// Where a peering comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A manual peering, made outside the network manager.
    Existing,
    /// A connectivity configuration.
    Configuration(ConfigurationId),
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Origin::Existing => s.serialize_str("Existing"),
            Origin::Configuration(id) => id.serialize(s),
        }
    }
}

/// A connected group: VNets that reach each other directly, without peerings (next hop `ConnectedGroup`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectedGroup {
    /// Members, sorted.
    pub vnets: Vec<VnetId>,
    /// The configuration that made it.
    pub configuration_id: ConfigurationId,
    /// The region of a regional group; `None` for a global one.
    pub region: Option<Location>,
    /// The spoke group of hub-and-spoke direct connectivity.
    pub spoke_group: Option<NetworkGroupId>,
    /// The hub included in a direct-connectivity group.
    pub hub: Option<VnetId>,
    /// Address ranges where members overlap, dropped from the group (decisions Q8).
    pub dropped: Vec<IpNet>,
    /// VNets left out because they overlap a member (`connectedGroupAddressOverlap: Disallowed`).
    pub excluded: Vec<VnetId>,
}

/// A manual peering that carries no traffic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InactivePeering {
    /// The VNets, sorted.
    pub vnets: [VnetId; 2],
    /// Why it is inactive.
    pub reason: String,
}

impl ConnectedGroup {
    /// Whether a VNet is a member (members are sorted).
    pub fn contains(&self, vnet: &VnetId) -> bool {
        self.vnets.binary_search(vnet).is_ok()
    }
}

impl Topology {
    /// Each VNet's peers with the index of their peering in [`Topology::peerings`], in VNet id order.
    pub(crate) fn peer_map(&self) -> &BTreeMap<VnetId, BTreeMap<VnetId, usize>> {
        &self.peers
    }

    /// The indices in [`Topology::connected_groups`] of each VNet's groups, in VNet id order.
    pub(crate) fn group_map(&self) -> &BTreeMap<VnetId, Vec<usize>> {
        &self.groups_of
    }

    /// The effective peering between two VNets.
    pub fn link(&self, a: &VnetId, b: &VnetId) -> Option<&Link> {
        self.peers
            .get(a)?
            .get(b)
            .and_then(|&i| self.peerings.get(i))
    }

    /// The VNets peered with a VNet.
    pub fn peers_of(&self, vnet: &VnetId) -> impl Iterator<Item = &VnetId> {
        self.peers.get(vnet).into_iter().flat_map(|m| m.keys())
    }

    /// The connected groups a VNet is in.
    pub fn groups_of(&self, vnet: &VnetId) -> impl Iterator<Item = &ConnectedGroup> {
        self.groups_of
            .get(vnet)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.connected_groups.get(i))
    }

    /// The peerings of a VNet.
    pub fn links_of(&self, vnet: &VnetId) -> impl Iterator<Item = &Link> {
        self.peers
            .get(vnet)
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|&i| self.peerings.get(i))
    }
}

/// Builds the effective topology from the model, the membership and the goal state.
pub fn build(model: &Model, membership: &Membership, goal: &GoalState) -> Topology {
    let hierarchy = Hierarchy::new(model);
    let mut b = Builder {
        model,
        diagnostics: Vec::new(),
        links: BTreeMap::new(),
        groups: Vec::new(),
        delete: Vec::new(),
    };

    // Which regions each connectivity configuration is deployed to.
    let mut deployed: BTreeMap<&ConfigurationId, BTreeSet<&Location>> = BTreeMap::new();
    for ((_, region, kind), d) in &goal.regions {
        if *kind == ConfigType::Connectivity {
            for config in &d.configurations {
                deployed.entry(config).or_default().insert(region);
            }
        }
    }
    for (config_id, regions) in &deployed {
        let Some(config) = model.connectivity_configs.get(*config_id) else {
            continue;
        };
        b.configuration(config, regions, membership, &hierarchy);
    }

    let (manual, inactive) = manual_peerings(model);
    let mut topology = Topology {
        inactive_peerings: inactive,
        ..Topology::default()
    };
    // deleteExistingPeering removes manual peerings that touch the configuration's VNets and that the
    // configuration does not create itself (decisions §3).
    let mut removed: BTreeMap<(VnetId, VnetId), ConfigurationId> = BTreeMap::new();
    for (config, vnets) in &b.delete {
        for pair in &manual {
            if (vnets.contains(&pair.0) || vnets.contains(&pair.1))
                && !b
                    .links
                    .get(pair)
                    .is_some_and(|configs| configs.contains(config))
            {
                removed
                    .entry(pair.clone())
                    .or_insert_with(|| config.clone());
            }
        }
    }
    let mut pairs: BTreeMap<(VnetId, VnetId), Link> = BTreeMap::new();
    for pair in manual {
        if let Some(config) = removed.get(&pair) {
            topology.inactive_peerings.push(InactivePeering {
                vnets: [pair.0.clone(), pair.1.clone()],
                reason: format!(
                    "removed by `{}`, which deletes existing peerings",
                    config.name()
                ),
            });
            continue;
        }
        let configurations = b
            .links
            .get(&pair)
            .map(|c| c.iter().cloned().collect())
            .unwrap_or_default();
        pairs.insert(
            pair.clone(),
            Link {
                vnets: [pair.0, pair.1],
                origin: Origin::Existing,
                configurations,
            },
        );
    }
    for (pair, configs) in std::mem::take(&mut b.links) {
        pairs.entry(pair.clone()).or_insert_with(|| Link {
            vnets: [pair.0, pair.1],
            origin: configs
                .iter()
                .next()
                .map_or(Origin::Existing, |c| Origin::Configuration(c.clone())),
            configurations: configs.into_iter().collect(),
        });
    }
    topology.peerings = pairs.into_values().collect();
    for (i, link) in topology.peerings.iter().enumerate() {
        let [a, b2] = &link.vnets;
        topology
            .peers
            .entry(a.clone())
            .or_default()
            .insert(b2.clone(), i);
        topology
            .peers
            .entry(b2.clone())
            .or_default()
            .insert(a.clone(), i);
    }

    let mut groups = std::mem::take(&mut b.groups);
    groups.sort_by(|x, y| {
        (&x.configuration_id, &x.spoke_group, &x.region).cmp(&(
            &y.configuration_id,
            &y.spoke_group,
            &y.region,
        ))
    });
    for group in &mut groups {
        external_overlaps(model, &topology, group);
    }
    topology.connected_groups = groups;
    for (i, group) in topology.connected_groups.iter().enumerate() {
        for vnet in &group.vnets {
            topology.groups_of.entry(vnet.clone()).or_default().push(i);
        }
    }
    limits(model, &mut topology, &mut b.diagnostics);
    topology.diagnostics = b.diagnostics;
    topology
}

struct Builder<'a> {
    model: &'a Model,
    diagnostics: Vec<Diagnostic>,
    links: BTreeMap<(VnetId, VnetId), BTreeSet<ConfigurationId>>,
    groups: Vec<ConnectedGroup>,
    delete: Vec<(ConfigurationId, BTreeSet<VnetId>)>,
}

/// A sorted pair.
fn pair(a: &VnetId, b: &VnetId) -> (VnetId, VnetId) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

impl<'a> Builder<'a> {
    /// The in-scope VNet members of a group located in one of the regions.
    fn members(
        &self,
        membership: &Membership,
        group: &NetworkGroupId,
        regions: &BTreeSet<&Location>,
    ) -> Vec<&'a Vnet> {
        let mut out: Vec<&Vnet> = membership
            .members(group)
            .iter()
            .filter(|m| m.in_scope)
            .filter_map(|m| self.model.vnets.get(&VnetId::new(m.id.as_str())))
            .filter(|v| regions.contains(&v.location))
            .collect();
        out.sort_by_key(|v| v.order);
        out
    }

    fn configuration(
        &mut self,
        config: &ConnectivityConfig,
        regions: &BTreeSet<&Location>,
        membership: &Membership,
        hierarchy: &Hierarchy,
    ) {
        let mut touched: BTreeSet<VnetId> = BTreeSet::new();
        match config.topology {
            Shape::Mesh => {
                let mut all: Vec<&Vnet> = Vec::new();
                let mut seen: BTreeSet<&VnetId> = BTreeSet::new();
                for item in &config.groups {
                    for vnet in self.members(membership, &item.group, regions) {
                        if seen.insert(&vnet.id) {
                            all.push(vnet);
                        }
                    }
                }
                all.sort_by_key(|v| v.order);
                touched.extend(all.iter().map(|v| v.id.clone()));
                if config.is_global {
                    self.connected_group(config, None, None, None, all);
                } else {
                    for region in regions {
                        let local: Vec<&Vnet> = all
                            .iter()
                            .copied()
                            .filter(|v| &v.location == *region)
                            .collect();
                        self.connected_group(config, Some((*region).clone()), None, None, local);
                    }
                }
            }
            Shape::HubAndSpoke => {
                let Some(hub) = config.hubs.first().and_then(|h| self.model.vnets.get(h)) else {
                    return;
                };
                let manager = self.model.managers.get(&config.manager);
                if manager
                    .and_then(|m| hierarchy.scope_level(m, &hub.subscription))
                    .is_none()
                {
                    self.diagnostics.push(Diagnostic::error(
                        Code::HubOutOfScope,
                        format!("{}.properties.hubs[0]", config.path),
                        format!(
                            "the hub `{}` is outside the scope of `{}`, so `{}` creates no peering",
                            hub.name,
                            config.manager.name(),
                            config.id.name()
                        ),
                    ));
                    return;
                }
                // Decisions Q6: a link needs the configuration in the regions of both its VNets. Without the hub's
                // region, nothing links to the hub, but spokes of a deployed region still link among themselves
                // (direct connectivity) and lose their manual peerings (deleteExistingPeering).
                let hub_deployed = regions.contains(&hub.location);
                if !hub_deployed {
                    self.diagnostics.push(Diagnostic::warning(
                        Code::InvalidSetting,
                        config.path.clone(),
                        format!(
                            "`{}` is not deployed to the hub's region `{}`, so it connects nothing to the hub (decisions Q6)",
                            config.id.name(),
                            hub.location
                        ),
                    ));
                }
                let hub_in = hub_deployed.then_some(hub);
                let has_gateway = hub.subnets.iter().any(|s| s.role == SubnetRole::Gateway);
                for item in &config.groups {
                    let members = self.members(membership, &item.group, regions);
                    // The hub as a member of a spoke group is in the configuration's groups (deleteExistingPeering,
                    // decisions §3), but it is not its own spoke.
                    touched.extend(members.iter().map(|v| v.id.clone()));
                    let spokes: Vec<&Vnet> =
                        members.into_iter().filter(|v| v.id != hub.id).collect();
                    let gateway_missing = item.use_hub_gateway && !has_gateway;
                    if hub_deployed && gateway_missing && !spokes.is_empty() {
                        self.diagnostics.push(Diagnostic::error(
                            Code::GatewayMissing,
                            item.path.clone(),
                            format!(
                                "`useHubGateway` is set but the hub `{}` has no `GatewaySubnet`, so the peerings of `{}` with the hub fail",
                                hub.name,
                                item.group.name()
                            ),
                        ));
                    }
                    for spoke in spokes.iter().filter(|_| hub_deployed) {
                        if spoke.overlaps(hub) {
                            self.diagnostics.push(Diagnostic::error(
                                Code::AddressOverlap,
                                item.path.clone(),
                                format!("the spoke `{}` overlaps the hub `{}`, so they cannot be peered", spoke.name, hub.name),
                            ));
                        } else if !gateway_missing {
                            self.links
                                .entry(pair(&hub.id, &spoke.id))
                                .or_default()
                                .insert(config.id.clone());
                        }
                    }
                    if item.directly_connected {
                        // The hub comes first: with overlap `Disallowed`, a spoke overlapping it is the one
                        // left out (decisions, overlap addendum).
                        if item.is_global {
                            let mut members: Vec<&Vnet> = hub_in.into_iter().collect();
                            members.extend(spokes.iter().copied());
                            self.connected_group(
                                config,
                                None,
                                Some(&item.group),
                                hub_in.map(|h| &h.id),
                                members,
                            );
                        } else {
                            for region in regions {
                                let local: Vec<&Vnet> = spokes
                                    .iter()
                                    .copied()
                                    .filter(|v| &v.location == *region)
                                    .collect();
                                if local.is_empty() {
                                    continue;
                                }
                                let mut members: Vec<&Vnet> = hub_in.into_iter().collect();
                                members.extend(local);
                                self.connected_group(
                                    config,
                                    Some((*region).clone()),
                                    Some(&item.group),
                                    hub_in.map(|h| &h.id),
                                    members,
                                );
                            }
                        }
                    }
                }
            }
        }
        if config.delete_existing_peering {
            self.delete.push((config.id.clone(), touched));
        }
    }

    /// Adds a connected group, applying the configuration's overlap policy.
    fn connected_group(
        &mut self,
        config: &ConnectivityConfig,
        region: Option<Location>,
        spoke_group: Option<&NetworkGroupId>,
        hub: Option<&VnetId>,
        candidates: Vec<&Vnet>,
    ) {
        let mut members: Vec<&Vnet> = Vec::new();
        let mut excluded = Vec::new();
        let mut taken = Intervals::default();
        let mut seen: BTreeSet<&VnetId> = BTreeSet::new();
        for vnet in candidates {
            if !seen.insert(&vnet.id) {
                continue;
            }
            if config.overlap == OverlapPolicy::Disallowed
                && vnet.address_space.iter().any(|p| taken.overlaps(p))
            {
                self.diagnostics.push(Diagnostic::warning(
                    Code::AddressOverlap,
                    config.path.clone(),
                    format!("`{}` overlaps a member of a connected group of `{}` and is not added to it", vnet.name, config.id.name()),
                ));
                excluded.push(vnet.id.clone());
                continue;
            }
            vnet.address_space.iter().for_each(|p| taken.insert(p));
            members.push(vnet);
        }
        if members.len() < 2 {
            return;
        }
        let dropped = overlapping_ranges(
            members
                .iter()
                .flat_map(|v| v.address_space.iter().map(move |p| (*p, &v.id))),
        );
        if !dropped.is_empty() {
            let list: Vec<String> = dropped.iter().map(|d| format!("`{d}`")).collect();
            self.diagnostics.push(Diagnostic::warning(
                Code::AddressOverlap,
                config.path.clone(),
                format!(
                    "members of a connected group of `{}` overlap; traffic to {} is dropped",
                    config.id.name(),
                    list.join(", ")
                ),
            ));
        }
        let mut vnets: Vec<VnetId> = members.iter().map(|v| v.id.clone()).collect();
        vnets.sort();
        self.groups.push(ConnectedGroup {
            vnets,
            configuration_id: config.id.clone(),
            region,
            spoke_group: spoke_group.cloned(),
            hub: hub.cloned(),
            dropped,
            excluded,
        });
    }
}

/// Effective manual peerings (both sides present, neither in a state other than `Connected`, no overlap), and
/// the others with the reason.
fn manual_peerings(model: &Model) -> (BTreeSet<(VnetId, VnetId)>, Vec<InactivePeering>) {
    let mut effective = BTreeSet::new();
    let mut inactive = BTreeMap::new();
    for vnet in model.vnets.values() {
        for peering in &vnet.peerings {
            let key = pair(&vnet.id, &peering.remote);
            if effective.contains(&key) || inactive.contains_key(&key) {
                continue;
            }
            let Some(remote) = model.vnets.get(&peering.remote) else {
                continue;
            };
            let back = remote.peerings.iter().find(|p| p.remote == vnet.id);
            let connected =
                |s: Option<PeeringState>| s.is_none_or(|s| s == PeeringState::Connected);
            let reason = match back {
                None => Some(format!(
                    "`{}` has no peering back to `{}`",
                    remote.name, vnet.name
                )),
                Some(back) if !connected(back.state) || !connected(peering.state) => {
                    Some("one side of the peering is not `Connected`".to_owned())
                }
                Some(_) if vnet.overlaps(remote) => Some("the address spaces overlap".to_owned()),
                Some(_) => None,
            };
            match reason {
                None => {
                    effective.insert(key);
                }
                Some(reason) => {
                    inactive.insert(key, reason);
                }
            }
        }
    }
    let inactive = inactive
        .into_iter()
        .map(|((a, b), reason)| InactivePeering {
            vnets: [a, b],
            reason,
        })
        .collect();
    (effective, inactive)
}

/// A CG member peered with a VNet outside the group that overlaps a member makes that range inaccessible in
/// the group (spec §3.5).
fn external_overlaps(model: &Model, topology: &Topology, group: &mut ConnectedGroup) {
    // The members' prefixes, sorted by first address, and the VNets peered with a member from outside.
    let mut inside: Vec<(u128, u128, IpNet)> = Vec::new();
    let mut externals: BTreeSet<&VnetId> = BTreeSet::new();
    for member in &group.vnets {
        if let Some(vnet) = model.vnets.get(member) {
            inside.extend(vnet.address_space.iter().map(|p| {
                let (v6, start, end) = interval(p);
                (
                    start | (u128::from(v6) << 127),
                    end | (u128::from(v6) << 127),
                    *p,
                )
            }));
        }
        externals.extend(topology.peers_of(member).filter(|p| !group.contains(p)));
    }
    inside.sort();
    let mut extra = Vec::new();
    for external in externals.into_iter().filter_map(|e| model.vnets.get(e)) {
        for p in &external.address_space {
            let (v6, start, end) = interval(p);
            let (start, end) = (
                start | (u128::from(v6) << 127),
                end | (u128::from(v6) << 127),
            );
            // CIDR prefixes nest or are disjoint: an overlapping member prefix starts inside `p`, or starts
            // before it and contains it.
            let first = inside.partition_point(|(s, _, _)| *s < start);
            for (_, _, q) in inside.iter().skip(first).take_while(|(s, _, _)| *s <= end) {
                extra.push(if p.contains(q) { *q } else { *p });
            }
            for (_, e, q) in inside.iter().take(first) {
                if *e >= end && q.contains(p) {
                    extra.push(*p);
                }
            }
        }
    }
    if !extra.is_empty() {
        group.dropped.extend(extra);
        group.dropped.sort();
        group.dropped.dedup();
    }
}

/// The ranges where prefixes of different owners overlap: since CIDR prefixes either nest or are disjoint,
/// each overlap is the inner prefix.
fn overlapping_ranges<'v>(prefixes: impl Iterator<Item = (IpNet, &'v VnetId)>) -> Vec<IpNet> {
    let mut items: Vec<(IpNet, &VnetId)> = prefixes.collect();
    items.sort_by(|(a, _), (b, _)| {
        (a.network(), a.prefix_len()).cmp(&(b.network(), b.prefix_len()))
    });
    let mut stack: Vec<(IpNet, &VnetId)> = Vec::new();
    let mut dropped = Vec::new();
    for (net, owner) in items {
        while stack.last().is_some_and(|(top, _)| !top.contains(&net)) {
            stack.pop();
        }
        if let Some((_, top_owner)) = stack.last()
            && *top_owner != owner
        {
            dropped.push(net);
        }
        stack.push((net, owner));
    }
    dropped.sort();
    dropped.dedup();
    // Keep only the outermost dropped ranges.
    let outer: Vec<IpNet> = dropped
        .iter()
        .filter(|d| !dropped.iter().any(|o| o != *d && o.contains(*d)))
        .copied()
        .collect();
    outer
}

/// Disjoint address intervals, for the `Disallowed` overlap check.
#[derive(Default)]
struct Intervals {
    by_start: BTreeMap<(bool, u128), u128>,
}

fn interval(net: &IpNet) -> (bool, u128, u128) {
    match net {
        IpNet::V4(n) => (
            false,
            u128::from(u32::from(n.network())),
            u128::from(u32::from(n.broadcast())),
        ),
        IpNet::V6(n) => (true, u128::from(n.network()), u128::from(n.broadcast())),
    }
}

impl Intervals {
    fn overlaps(&self, net: &IpNet) -> bool {
        let (v6, start, end) = interval(net);
        // Intervals inserted are disjoint, so the one starting last at or before `end` is the only candidate.
        self.by_start
            .range((v6, 0)..=(v6, end))
            .next_back()
            .is_some_and(|(_, e)| *e >= start)
    }

    fn insert(&mut self, net: &IpNet) {
        let (v6, start, end) = interval(net);
        let e = self.by_start.entry((v6, start)).or_insert(end);
        *e = (*e).max(end);
    }
}

/// Published limits: connected groups per VNet, VNets per connected group, peerings per hub.
fn limits(model: &Model, topology: &mut Topology, diagnostics: &mut Vec<Diagnostic>) {
    for (vnet, groups) in &topology.groups_of {
        let configs: BTreeSet<_> = groups
            .iter()
            .filter_map(|&i| topology.connected_groups.get(i))
            .map(|g| (&g.configuration_id, &g.spoke_group))
            .collect();
        if configs.len() > CONNECTED_GROUPS_PER_VNET {
            diagnostics.push(Diagnostic::warning(
                Code::LimitExceeded,
                model.vnets.get(vnet).map(|v| v.path.clone()).unwrap_or_default(),
                format!(
                    "`{}` is in {} connected groups; Azure allows {CONNECTED_GROUPS_PER_VNET} by default (decisions Q7)",
                    vnet.name(),
                    configs.len()
                ),
            ));
        }
    }
    for group in &topology.connected_groups {
        if group.vnets.len() > VNETS_PER_CONNECTED_GROUP {
            diagnostics.push(Diagnostic::warning(
                Code::LimitExceeded,
                model.connectivity_configs.get(&group.configuration_id).map(|c| c.path.clone()).unwrap_or_default(),
                format!(
                    "a connected group of `{}` has {} VNets; Azure allows {VNETS_PER_CONNECTED_GROUP} by default",
                    group.configuration_id.name(),
                    group.vnets.len()
                ),
            ));
        }
    }
    for (vnet, peers) in &topology.peers {
        if peers.len() > SPOKES_PER_HUB {
            diagnostics.push(Diagnostic::warning(
                Code::LimitExceeded,
                model
                    .vnets
                    .get(vnet)
                    .map(|v| v.path.clone())
                    .unwrap_or_default(),
                format!(
                    "`{}` has {} peerings; Azure allows {SPOKES_PER_HUB}",
                    vnet.name(),
                    peers.len()
                ),
            ));
        }
    }
}

/// Whether an address is in a dropped range of a connected group.
pub fn is_dropped(group: &ConnectedGroup, ip: IpAddr) -> bool {
    group.dropped.iter().any(|d| d.contains(&ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlaps_are_the_inner_prefixes_of_different_owners() {
        let a = VnetId::new("a");
        let b = VnetId::new("b");
        let p = |s: &str| s.parse::<IpNet>().unwrap();
        let got = overlapping_ranges(
            [
                (p("10.0.0.0/16"), &a),
                (p("10.1.0.0/16"), &b),
                (p("10.1.2.0/24"), &a),
                (p("10.0.0.0/24"), &a),
            ]
            .into_iter(),
        );
        assert_eq!(got, vec![p("10.1.2.0/24")]);
        let same = overlapping_ranges([(p("10.1.0.0/16"), &a), (p("10.1.0.0/16"), &b)].into_iter());
        assert_eq!(same, vec![p("10.1.0.0/16")]);
    }

    #[test]
    fn disjoint_intervals_detect_overlap_both_ways() {
        let p = |s: &str| s.parse::<IpNet>().unwrap();
        let mut set = Intervals::default();
        set.insert(&p("10.1.0.0/16"));
        set.insert(&p("10.3.0.0/16"));
        assert!(set.overlaps(&p("10.1.5.0/24")));
        assert!(set.overlaps(&p("10.0.0.0/8")));
        assert!(!set.overlaps(&p("10.2.0.0/16")));
        assert!(!set.overlaps(&p("fd00::/8")));
    }
}
