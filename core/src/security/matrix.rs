//! The VNet-to-VNet reachability matrix for one protocol and port.
//!
//! Each VNet is represented by one endpoint: its first network interface (by id), or else the first usable
//! address (the network address plus 4, as Azure reserves the first four) of its first subnet.
//!
//! The verdict of a cell is decisions §2 applied to the two endpoints, but it is not computed cell by cell:
//! each side's rule lists are evaluated once against every other VNet at the same time.
//! For the source side of VNet `i`, every field of an outbound rule is fixed except the destination, so a rule
//! matches a *set* of destinations; walking the rules in evaluation order and taking, for each destination,
//! the first rule whose set contains it gives the source-side outcome for the whole row.
//! The destination side is the same with the source varying.
//! A cell then combines its row's outcome, the path between the two VNets and its column's outcome, so the
//! cost grows with the number of rules times the number of VNets, plus a constant per pair.
//! VNets whose address is also inside another VNet resolve by context and take the cell-by-cell path.
//! The property tests compare every cell with [`super::evaluate`].

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use super::rules::{AZURE_LOAD_BALANCER, Env, is_private, ports_match};
use super::{Endpoint, Inputs, Place};
use crate::connectivity::is_dropped;
use crate::model::{
    Access, AddressItem, AsgId, Decision, Direction, IntentPolicyMode, NsgAccess, PortRange,
    Protocol, ServiceTag, Vnet, VnetId, default_rules,
};
use crate::verdict::{DEFAULT_SOURCE_PORT, Flow, RuleRef};

/// Reachability between every pair of VNets.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Matrix {
    /// The protocol evaluated.
    pub protocol: Protocol,
    /// The destination port evaluated.
    pub port: u16,
    /// The VNets, in id order; rows are sources, columns destinations.
    pub vnets: Vec<VnetId>,
    /// The address that stands for each VNet, if it has one.
    pub endpoints: Vec<Option<IpAddr>>,
    /// `cells[i][j]`: traffic from `vnets[i]` to `vnets[j]`.
    pub cells: Vec<Vec<Cell>>,
    /// How many rule-list evaluations were run (each against every VNet at once) and verdicts computed alone.
    pub evaluations: usize,
}

/// One cell of the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// The verdict.
    pub verdict: Decision,
    /// The deciding rule.
    pub decided_by: Option<RuleRef>,
}

/// The address standing for a VNet in the matrix.
pub fn representative(inputs: &Inputs<'_>, vnet: &Vnet) -> Option<IpAddr> {
    let subnet_ids: std::collections::BTreeSet<_> = vnet.subnets.iter().map(|s| &s.id).collect();
    let nic = inputs.model.nics.values().find_map(|nic| {
        nic.ip_configurations
            .iter()
            .find(|c| c.subnet.as_ref().is_some_and(|s| subnet_ids.contains(s)))
            .and_then(|c| c.address)
    });
    nic.or_else(|| {
        vnet.subnets
            .first()
            .and_then(|s| s.prefixes.first())
            .and_then(|p| match p {
                IpNet::V4(n) => u32::from(n.network())
                    .checked_add(4)
                    .map(|a| IpAddr::V4(a.into())),
                IpNet::V6(n) => u128::from(n.network())
                    .checked_add(4)
                    .map(|a| IpAddr::V6(a.into())),
            })
    })
}

/// A set of VNet positions.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }

    fn full(n: usize) -> Self {
        let mut b = Bits::empty(n);
        for i in 0..n {
            b.set(i);
        }
        b
    }

    fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    fn has(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn union(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
    }

    fn intersect(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
    }

    fn remove(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= !b);
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, w)| {
            (0..64)
                .filter(move |b| w & (1 << b) != 0)
                .map(move |b| k * 64 + b)
        })
    }
}

/// What one side decided for one counterpart: a rule index into [`Sides::rules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// A rule denied.
    Deny(u32),
    /// An AlwaysAllow admin rule matched.
    Always(u32),
    /// Nothing denied; the last allowing rule, if any.
    Pass(Option<u32>),
}

/// The VNets of the matrix, their endpoints, and the sets that rule fields resolve to.
struct Sides<'a> {
    inputs: Inputs<'a>,
    vnets: Vec<&'a Vnet>,
    ips: Vec<Option<IpAddr>>,
    endpoints: Vec<Option<Endpoint<'a>>>,
    /// Addresses in sorted order with their positions, for prefix sets.
    sorted: Vec<(IpAddr, usize)>,
    /// Per VNet, the positions in its `VirtualNetwork` tag.
    vnet_tag: Vec<Bits>,
    public: Bits,
    balancer: Bits,
    asgs: BTreeMap<AsgId, Bits>,
    prefix_cache: BTreeMap<IpNet, Bits>,
    rules: Vec<RuleRef>,
    rule_ids: BTreeMap<RuleRef, u32>,
}

impl<'a> Sides<'a> {
    fn n(&self) -> usize {
        self.vnets.len()
    }

    fn rule(&mut self, rule: RuleRef) -> u32 {
        if let Some(i) = self.rule_ids.get(&rule) {
            return *i;
        }
        let i = u32::try_from(self.rules.len()).unwrap_or(u32::MAX);
        self.rules.push(rule.clone());
        self.rule_ids.insert(rule, i);
        i
    }

    fn prefix(&mut self, net: IpNet) -> Bits {
        if let Some(b) = self.prefix_cache.get(&net) {
            return b.clone();
        }
        let mut bits = Bits::empty(self.n());
        let start = self.sorted.partition_point(|(ip, _)| *ip < net.network());
        for (ip, i) in self.sorted.iter().skip(start) {
            if !net.contains(ip) {
                break;
            }
            bits.set(*i);
        }
        self.prefix_cache.insert(net, bits.clone());
        bits
    }

    /// The counterparts an address item matches, when evaluated at VNet `at`.
    fn item(&mut self, item: &AddressItem, at: usize) -> Bits {
        let n = self.n();
        match item {
            AddressItem::Any => Bits::full(n),
            AddressItem::Prefix(net) => self.prefix(*net),
            AddressItem::Tag(ServiceTag::VirtualNetwork) => self
                .vnet_tag
                .get(at)
                .cloned()
                .unwrap_or_else(|| Bits::empty(n)),
            AddressItem::Tag(ServiceTag::Internet) => {
                let mut b = self.public.clone();
                if let Some(tag) = self.vnet_tag.get(at) {
                    b.remove(tag);
                }
                b
            }
            AddressItem::Tag(ServiceTag::AzureLoadBalancer) => self.balancer.clone(),
            AddressItem::Tag(ServiceTag::Other(_)) => Bits::empty(n),
            AddressItem::Group(group) => {
                let mut b = Bits::empty(n);
                let prefixes = self
                    .inputs
                    .index
                    .group_prefixes
                    .get(group)
                    .cloned()
                    .unwrap_or_default();
                for p in prefixes {
                    b.union(&self.prefix(p));
                }
                b
            }
        }
    }

    /// The counterparts a list of items (and application security groups) matches; empty lists match all.
    fn items(&mut self, items: &[AddressItem], asgs: &[AsgId], at: usize) -> Bits {
        if items.is_empty() && asgs.is_empty() {
            return Bits::full(self.n());
        }
        let mut b = Bits::empty(self.n());
        for item in items {
            b.union(&self.item(item, at));
        }
        for asg in asgs {
            if let Some(set) = self.asgs.get(asg) {
                b.union(set);
            }
        }
        b
    }

    /// Evaluates the side of VNet `at` in `direction` against every counterpart at once.
    fn side(
        &mut self,
        at: usize,
        direction: Direction,
        protocol: Protocol,
        port: u16,
    ) -> Vec<Outcome> {
        let n = self.n();
        let mut out = vec![Outcome::Pass(None); n];
        let (Some(Some(endpoint)), Some(Some(ip))) =
            (self.endpoints.get(at).copied(), self.ips.get(at).copied())
        else {
            return out;
        };
        let env = Env::new(self.inputs, endpoint.vnet);
        let ports = protocol.has_ports();
        // The flow's ports are the same in every cell: the default source port and the chosen destination port.
        let ports_ok = |source: &[PortRange], destination: &[PortRange]| {
            !ports || (ports_match(source, DEFAULT_SOURCE_PORT) && ports_match(destination, port))
        };
        let mut remaining = Bits::full(n);
        let mut skip_nsgs = Bits::empty(n);

        // Admin rules (spec §4.4, §4.5; decisions Q1, Q4, Q5).
        let admin = self.inputs.index.admin.get(&endpoint.vnet.id).cloned();
        let excluded = endpoint.subnet.role.skips_admin_rules()
            || endpoint.nic.is_some_and(|(nic, _)| nic.private_endpoint);
        if let (Some(set), false) = (admin, excluded) {
            let intent = endpoint
                .vnet
                .subnets
                .iter()
                .any(|s| s.intent_policy_service.is_some());
            let mode = if intent {
                Some(set.intent_policy_mode)
            } else {
                None
            };
            if mode != Some(IntentPolicyMode::None) {
                let only_allow = mode == Some(IntentPolicyMode::AllowRulesOnly);
                let mut ordered: Vec<_> = set
                    .rules
                    .iter()
                    .filter(|r| {
                        r.rule.direction == direction
                            && (!only_allow || r.rule.access == Access::Allow)
                    })
                    .collect();
                ordered.dedup_by(|a, b| a.rule.id == b.rule.id);
                for effective in ordered {
                    let rule = &effective.rule;
                    let (local_items, remote_items) = match direction {
                        Direction::Outbound => (&rule.sources, &rule.destinations),
                        Direction::Inbound => (&rule.destinations, &rule.sources),
                    };
                    let fixed = rule.protocol.matches(protocol)
                        && env.items_match(local_items, ip)
                        && ports_ok(&rule.source_ports, &rule.destination_ports);
                    if !fixed {
                        continue;
                    }
                    let mut hits = self.items(remote_items, &[], at);
                    hits.intersect(&remaining);
                    if hits.is_empty() {
                        continue;
                    }
                    let id = self.rule(RuleRef::Admin(rule.id.clone()));
                    for t in hits.ones().collect::<Vec<_>>() {
                        if let Some(o) = out.get_mut(t) {
                            *o = match rule.access {
                                Access::Deny => Outcome::Deny(id),
                                Access::AlwaysAllow => Outcome::Always(id),
                                Access::Allow => Outcome::Pass(Some(id)),
                            };
                        }
                    }
                    if rule.access == Access::AlwaysAllow {
                        skip_nsgs.union(&hits);
                    }
                    remaining.remove(&hits);
                    if remaining.is_empty() {
                        break;
                    }
                }
            }
        }

        // NSGs in Azure's order: NIC then subnet outbound, subnet then NIC inbound.
        let nic_nsg = endpoint.nic.and_then(|(nic, _)| nic.nsg.clone());
        let subnet_nsg = endpoint.subnet.nsg.clone();
        let order = match direction {
            Direction::Outbound => [nic_nsg, subnet_nsg],
            Direction::Inbound => [subnet_nsg, nic_nsg],
        };
        let local_asgs: Vec<AsgId> = endpoint
            .nic
            .map(|(_, c)| c.asgs.clone())
            .unwrap_or_default();
        for nsg_id in order.into_iter().flatten() {
            let Some(nsg) = self.inputs.model.nsgs.get(&nsg_id) else {
                continue;
            };
            let defaults = default_rules(&nsg.id);
            let rules = nsg.in_order(&defaults, direction);
            // Counterparts still evaluated by this NSG: not denied, not skipped by AlwaysAllow.
            let mut open = Bits::empty(n);
            for (t, o) in out.iter().enumerate() {
                if matches!(o, Outcome::Pass(_)) && !skip_nsgs.has(t) {
                    open.set(t);
                }
            }
            for rule in rules {
                let (local_items, local_rule_asgs, remote_items, remote_asgs) = match direction {
                    Direction::Outbound => (
                        &rule.sources,
                        &rule.source_asgs,
                        &rule.destinations,
                        &rule.destination_asgs,
                    ),
                    Direction::Inbound => (
                        &rule.destinations,
                        &rule.destination_asgs,
                        &rule.sources,
                        &rule.source_asgs,
                    ),
                };
                let local_ok = (local_items.is_empty() && local_rule_asgs.is_empty())
                    || local_items.iter().any(|i| env.item_matches(i, ip))
                    || local_rule_asgs.iter().any(|a| local_asgs.contains(a));
                if !(rule.protocol.matches(protocol)
                    && local_ok
                    && ports_ok(&rule.source_ports, &rule.destination_ports))
                {
                    continue;
                }
                let mut hits = self.items(remote_items, remote_asgs, at);
                hits.intersect(&open);
                if hits.is_empty() {
                    continue;
                }
                let id = self.rule(RuleRef::Nsg(rule.id.clone()));
                for t in hits.ones().collect::<Vec<_>>() {
                    if let Some(o) = out.get_mut(t) {
                        *o = match rule.access {
                            NsgAccess::Deny => Outcome::Deny(id),
                            NsgAccess::Allow => Outcome::Pass(Some(id)),
                        };
                    }
                }
                open.remove(&hits);
                if open.is_empty() {
                    break;
                }
            }
        }
        out
    }
}

/// Builds the matrix.
pub fn build(inputs: &Inputs<'_>, protocol: Protocol, port: u16) -> Matrix {
    let model = inputs.model;
    let vnets: Vec<&Vnet> = model.vnets.values().collect();
    let n = vnets.len();
    let position: BTreeMap<&VnetId, usize> =
        vnets.iter().enumerate().map(|(i, v)| (&v.id, i)).collect();
    let ips: Vec<Option<IpAddr>> = vnets.iter().map(|v| representative(inputs, v)).collect();
    let endpoints: Vec<Option<Endpoint<'_>>> = vnets
        .iter()
        .zip(&ips)
        .map(|(v, ip)| match ip.map(|ip| inputs.place_in(v, ip)) {
            Some(Place::Endpoint(e)) => Some(e),
            _ => None,
        })
        .collect();
    // An address inside several VNets resolves by context: such VNets take the cell-by-cell path.
    // So do VNets whose address is in no subnet.
    let ambiguous: Vec<bool> = ips
        .iter()
        .zip(&endpoints)
        .map(|(ip, e)| {
            ip.is_some_and(|ip| e.is_none() || inputs.index.vnets_containing(model, ip).len() != 1)
        })
        .collect();

    let mut vnet_tag = vec![Bits::empty(n); n];
    let mut groups_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (g, group) in inputs.topology.connected_groups.iter().enumerate() {
        for member in &group.vnets {
            if let Some(set) = position.get(member).and_then(|&i| groups_of.get_mut(i)) {
                set.push(g);
            }
        }
    }
    let peers: Vec<Bits> = vnets
        .iter()
        .map(|v| {
            let mut b = Bits::empty(n);
            for peer in inputs.topology.peers_of(&v.id) {
                if let Some(&j) = position.get(peer) {
                    b.set(j);
                }
            }
            b
        })
        .collect();
    for (i, tag) in vnet_tag.iter_mut().enumerate() {
        tag.set(i);
        if let Some(p) = peers.get(i) {
            tag.union(p);
        }
        for &g in groups_of.get(i).into_iter().flatten() {
            for member in inputs
                .topology
                .connected_groups
                .get(g)
                .into_iter()
                .flat_map(|g| &g.vnets)
            {
                if let Some(&j) = position.get(member) {
                    tag.set(j);
                }
            }
        }
    }
    let mut public = Bits::empty(n);
    let mut balancer = Bits::empty(n);
    let mut sorted = Vec::new();
    let mut asgs: BTreeMap<AsgId, Bits> = BTreeMap::new();
    for (i, ip) in ips.iter().enumerate() {
        let Some(ip) = ip else { continue };
        sorted.push((*ip, i));
        if !is_private(*ip) {
            public.set(i);
        }
        if *ip == IpAddr::V4(AZURE_LOAD_BALANCER) {
            balancer.set(i);
        }
        if let Some(Some(Endpoint {
            nic: Some((_, config)),
            ..
        })) = endpoints.get(i)
        {
            for asg in &config.asgs {
                asgs.entry(asg.clone())
                    .or_insert_with(|| Bits::empty(n))
                    .set(i);
            }
        }
    }
    sorted.sort();
    let mut sides = Sides {
        inputs: *inputs,
        vnets: vnets.clone(),
        ips: ips.clone(),
        endpoints,
        sorted,
        vnet_tag,
        public,
        balancer,
        asgs,
        prefix_cache: BTreeMap::new(),
        rules: Vec::new(),
        rule_ids: BTreeMap::new(),
    };
    let mut evaluations = 0;
    let outbound: Vec<Vec<Outcome>> = (0..n)
        .map(|i| sides.side(i, Direction::Outbound, protocol, port))
        .collect();
    let inbound: Vec<Vec<Outcome>> = (0..n)
        .map(|j| sides.side(j, Direction::Inbound, protocol, port))
        .collect();
    evaluations += 2 * n;

    let rule = |i: u32| sides.rules.get(i as usize).cloned();
    let unreachable = Cell {
        verdict: Decision::Unreachable,
        decided_by: None,
    };
    let mut cells = Vec::with_capacity(n);
    for i in 0..n {
        let mut row = Vec::with_capacity(n);
        for j in 0..n {
            let (Some(Some(src)), Some(Some(dst))) = (ips.get(i), ips.get(j)) else {
                row.push(unreachable.clone());
                continue;
            };
            if ambiguous.get(i).copied().unwrap_or(true)
                || ambiguous.get(j).copied().unwrap_or(true)
            {
                let v = super::evaluate(
                    inputs,
                    &Flow {
                        from: *src,
                        to: *dst,
                        protocol,
                        port: Some(port),
                        source_port: None,
                    },
                );
                evaluations += 1;
                row.push(Cell {
                    verdict: v.verdict,
                    decided_by: v.decided_by,
                });
                continue;
            }
            if sides.endpoints.get(i).is_none_or(Option::is_none)
                || sides.endpoints.get(j).is_none_or(Option::is_none)
            {
                row.push(unreachable.clone());
                continue;
            }
            if let Some(Outcome::Deny(r)) = outbound.get(i).and_then(|o| o.get(j)) {
                row.push(Cell {
                    verdict: Decision::Denied,
                    decided_by: rule(*r),
                });
                continue;
            }
            let linked = i == j
                || peers.get(i).is_some_and(|p| p.has(j))
                || groups_of.get(i).into_iter().flatten().any(|g| {
                    groups_of.get(j).is_some_and(|gj| gj.contains(g))
                        && inputs
                            .topology
                            .connected_groups
                            .get(*g)
                            .is_some_and(|group| !is_dropped(group, *dst))
                });
            if !linked {
                row.push(unreachable.clone());
                continue;
            }
            row.push(match inbound.get(j).and_then(|o| o.get(i)) {
                Some(Outcome::Deny(r)) => Cell {
                    verdict: Decision::Denied,
                    decided_by: rule(*r),
                },
                Some(Outcome::Always(r)) => Cell {
                    verdict: Decision::Allowed,
                    decided_by: rule(*r),
                },
                Some(Outcome::Pass(r)) => Cell {
                    verdict: Decision::Allowed,
                    decided_by: r.and_then(rule),
                },
                None => unreachable.clone(),
            });
        }
        cells.push(row);
    }
    Matrix {
        protocol,
        port,
        vnets: vnets.iter().map(|v| v.id.clone()).collect(),
        endpoints: ips,
        cells,
        evaluations,
    }
}
