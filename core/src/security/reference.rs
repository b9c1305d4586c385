//! A deliberately naive reference evaluator for the differential tests (decisions §2, §3; spec §4.4, §4.5,
//! §5, §8).
//!
//! It is written from the verdict contract, not from the engine, and reads nothing of the engine's security
//! module: every address is found by scanning all VNets, subnets and network interfaces; the admin rules of a
//! side are gathered by brute force over every manager, deployed configuration and rule collection, sorted
//! (higher scope first, then priority, then Deny before AlwaysAllow before Allow, then rule id) and the first
//! match decides; each NSG is its rules plus the six defaults, first match by priority (application security
//! groups match the NIC at that end of the flow).
//! Membership (static members and Azure Policy conditions, with parameters) and the topology (manual
//! peerings, hub-and-spoke, meshes, direct connectivity, deleteExistingPeering, overlaps) are its own too, in
//! `reference::membership` and `reference::topology`; only the goal state of the commits is the engine's,
//! tested on its own by hand-derived scenario files.
//! Among VNets with overlapping address spaces, the destination is the one the source routes to (its own
//! space, then a peering, then a shared connected group, spec §3.5), then the one with a subnet holding the
//! address, then with a NIC holding it, then the first in document order (decisions §2).
//! Speed does not matter here; being obviously right does.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

mod membership;
mod topology;

use self::membership::Members;
use self::topology::Links;
use crate::deployment::GoalState;
use crate::model::{
    Access, AddressItem, AdminRule, AsgId, ConfigType, ConfigurationId, Decision, Direction,
    IntentPolicyMode, ManagementGroupId, Model, NetworkGroupId, NetworkManager, Nic, NsgAccess,
    NsgId, NsgRule, PortRange, Protocol, ServiceTag, Subnet, SubnetRole, SubscriptionId, Vnet,
    VnetId, default_rules,
};
use crate::verdict::{DEFAULT_SOURCE_PORT, Flow, RuleRef};

/// Where an address is (decisions §2, endpoints).
#[derive(Clone, Copy)]
enum Place<'m> {
    /// In a subnet, maybe on a network interface of that subnet.
    Endpoint(Spot<'m>),
    /// In a VNet's address space but in no subnet: no endpoint.
    NoSubnet(&'m Vnet),
    /// In no modelled VNet.
    External,
}

impl<'m> Place<'m> {
    /// The application security groups of the NIC at this place, if any.
    fn asgs(&self) -> &'m [AsgId] {
        match self {
            Place::Endpoint(spot) => spot.asgs,
            Place::NoSubnet(_) | Place::External => &[],
        }
    }
}

#[derive(Clone, Copy)]
struct Spot<'m> {
    vnet: &'m Vnet,
    subnet: &'m Subnet,
    nic: Option<&'m Nic>,
    /// The application security groups of the NIC's IP configuration with the address.
    asgs: &'m [AsgId],
}

/// The five fields of an admin or NSG rule that a flow is matched against.
struct Fields<'r> {
    protocol: Protocol,
    sources: &'r [AddressItem],
    source_asgs: &'r [AsgId],
    destinations: &'r [AddressItem],
    destination_asgs: &'r [AsgId],
    source_ports: &'r [PortRange],
    destination_ports: &'r [PortRange],
}

impl<'r> Fields<'r> {
    fn admin(r: &'r AdminRule) -> Self {
        Fields {
            protocol: r.protocol,
            sources: &r.sources,
            source_asgs: &[],
            destinations: &r.destinations,
            destination_asgs: &[],
            source_ports: &r.source_ports,
            destination_ports: &r.destination_ports,
        }
    }

    fn nsg(r: &'r NsgRule) -> Self {
        Fields {
            protocol: r.protocol,
            sources: &r.sources,
            source_asgs: &r.source_asgs,
            destinations: &r.destinations,
            destination_asgs: &r.destination_asgs,
            source_ports: &r.source_ports,
            destination_ports: &r.destination_ports,
        }
    }
}

/// What one side (source outbound or destination inbound) concluded.
enum Side {
    /// A rule of this side denied the flow.
    Denied(RuleRef),
    /// The flow passed this side; the last rule that matched with an allowing effect, if any.
    Passed(Option<RuleRef>),
}

/// The reference's view of a design: its own membership and topology over the engine's goal state.
pub(crate) struct Reference<'a> {
    model: &'a Model,
    goal: &'a GoalState,
    members: Members,
    links: Links,
}

impl<'a> Reference<'a> {
    /// Resolves membership and topology the naive way.
    pub(crate) fn new(model: &'a Model, goal: &'a GoalState) -> Self {
        let members = membership::members(model);
        let links = topology::links(model, &members, goal);
        Reference {
            model,
            goal,
            members,
            links,
        }
    }

    /// Members of each group: lowercase ids, in scope or not.
    pub(crate) fn members(&self) -> BTreeMap<&NetworkGroupId, BTreeSet<&str>> {
        self.members
            .groups
            .iter()
            .map(|(g, m)| (g, m.keys().map(String::as_str).collect()))
            .collect()
    }

    /// Effective peerings, as sorted pairs, with their origin: `None` for a manual peering, else the
    /// configuration.
    pub(crate) fn peerings(&self) -> &BTreeMap<(VnetId, VnetId), Option<ConfigurationId>> {
        &self.links.origins
    }

    /// Connected groups: configuration, members and dropped ranges (outermost only), sorted.
    pub(crate) fn connected_groups(&self) -> BTreeSet<(ConfigurationId, Vec<VnetId>, Vec<IpNet>)> {
        self.links
            .groups
            .iter()
            .map(|g| {
                (
                    g.configuration.clone(),
                    g.vnets.iter().cloned().collect(),
                    outermost(&g.dropped),
                )
            })
            .collect()
    }

    /// The verdict of a flow and the rule that decided it, as decisions §2 defines them.
    pub(crate) fn verdict(&self, flow: &Flow) -> (Decision, Option<RuleRef>) {
        let mut world = World {
            model: self.model,
            members: &self.members,
            goal: self.goal,
            links: &self.links,
            end_asgs: [&[], &[]],
        };
        world.verdict(flow)
    }
}

/// The verdict of a flow, building the reference's view of the design first.
pub(crate) fn verdict(model: &Model, goal: &GoalState, flow: &Flow) -> (Decision, Option<RuleRef>) {
    Reference::new(model, goal).verdict(flow)
}

/// Everything the reference reads.
struct World<'a> {
    model: &'a Model,
    members: &'a Members,
    goal: &'a GoalState,
    links: &'a Links,
    /// The application security groups of the flow's source and destination NICs.
    end_asgs: [&'a [AsgId]; 2],
}

impl World<'_> {
    fn verdict(&mut self, flow: &Flow) -> (Decision, Option<RuleRef>) {
        let source = self.place(flow.from, None);
        let from_vnet = match source {
            Place::Endpoint(spot) => Some(spot.vnet),
            Place::NoSubnet(_) | Place::External => None,
        };
        let destination = self.place(flow.to, from_vnet);
        self.end_asgs = [source.asgs(), destination.asgs()];
        if matches!(source, Place::NoSubnet(_)) {
            return (Decision::Unreachable, None);
        }
        if matches!((&source, &destination), (Place::External, Place::External)) {
            // Nothing modelled on either side: there is nothing to deliver to.
            return (Decision::Unreachable, None);
        }

        // Source side, outbound.
        let mut source_allow = None;
        if let Place::Endpoint(spot) = source {
            match self.side(spot, Direction::Outbound, flow) {
                Side::Denied(rule) => return (Decision::Denied, Some(rule)),
                Side::Passed(rule) => source_allow = rule,
            }
        }

        // Path, when both ends are in modelled VNets.
        let destination_vnet = match destination {
            Place::Endpoint(spot) => Some(spot.vnet),
            Place::NoSubnet(vnet) => Some(vnet),
            Place::External => None,
        };
        if let (Place::Endpoint(spot), Some(to)) = (source, destination_vnet)
            && !self.path(spot.vnet, to, flow.to)
        {
            return (Decision::Unreachable, None);
        }

        // Destination side, inbound.
        match destination {
            Place::External => (Decision::Allowed, source_allow),
            Place::NoSubnet(_) => (Decision::Unreachable, None),
            Place::Endpoint(spot) => match self.side(spot, Direction::Inbound, flow) {
                Side::Denied(rule) => (Decision::Denied, Some(rule)),
                Side::Passed(rule) => (Decision::Allowed, rule),
            },
        }
    }
}

/// Prefixes without those inside another, sorted and without duplicates.
pub(crate) fn outermost(prefixes: &[IpNet]) -> Vec<IpNet> {
    let mut out: Vec<IpNet> = prefixes
        .iter()
        .filter(|p| !prefixes.iter().any(|o| o != *p && o.contains(*p)))
        .copied()
        .collect();
    out.sort();
    out.dedup();
    out
}

fn in_net(net: &IpNet, ip: IpAddr) -> bool {
    net.contains(&ip)
}

fn vnet_has(vnet: &Vnet, ip: IpAddr) -> bool {
    vnet.address_space.iter().any(|p| in_net(p, ip))
}

/// RFC 1918 and RFC 6598 (and the IPv6 unique local range): never `Internet`.
fn is_private(ip: IpAddr) -> bool {
    let ranges = [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "fc00::/7",
    ];
    ranges
        .iter()
        .filter_map(|r| r.parse::<IpNet>().ok())
        .any(|net| in_net(&net, ip))
}

fn protocol_matches(rule: Protocol, flow: Protocol) -> bool {
    rule == Protocol::Any || rule == flow
}

fn ports_match(ranges: &[PortRange], port: u16) -> bool {
    ranges.is_empty() || ranges.iter().any(|r| r.start <= port && port <= r.end)
}

/// The priority order of admin rule actions on a priority tie (decisions Q4).
fn access_rank(access: Access) -> u8 {
    match access {
        Access::Deny => 0,
        Access::AlwaysAllow => 1,
        Access::Allow => 2,
    }
}

/// How many levels a management group is above a subscription, if it contains it (1 for its parent).
fn depth_above(
    model: &Model,
    group: &ManagementGroupId,
    sub: &SubscriptionId,
    budget: u32,
) -> Option<u32> {
    let node = model.management_groups.get(group)?;
    if node.child_subscriptions.contains(sub) {
        return Some(1);
    }
    if budget == 0 {
        return None;
    }
    node.child_groups
        .iter()
        .filter_map(|child| depth_above(model, child, sub, budget - 1))
        .map(|d| d + 1)
        .max()
}

/// How high a manager's scope is over a subscription (0 for the subscription itself), if it contains it.
fn scope_height(model: &Model, manager: &NetworkManager, sub: &SubscriptionId) -> Option<u32> {
    let mut best = None;
    if manager.scope_subscriptions.contains(sub) {
        best = Some(0);
    }
    for group in &manager.scope_management_groups {
        best = best.max(depth_above(model, group, sub, 32));
    }
    best
}

impl<'a> World<'a> {
    /// The endpoint of an address in one VNet, scanning its subnets and every network interface.
    fn place_in(&self, vnet: &'a Vnet, ip: IpAddr) -> Place<'a> {
        let Some(subnet) = vnet
            .subnets
            .iter()
            .find(|s| s.prefixes.iter().any(|p| in_net(p, ip)))
        else {
            return Place::NoSubnet(vnet);
        };
        for nic in self.model.nics.values() {
            for config in &nic.ip_configurations {
                if config.address == Some(ip) && config.subnet.as_ref() == Some(&subnet.id) {
                    return Place::Endpoint(Spot {
                        vnet,
                        subnet,
                        nic: Some(nic),
                        asgs: &config.asgs,
                    });
                }
            }
        }
        Place::Endpoint(Spot {
            vnet,
            subnet,
            nic: None,
            asgs: &[],
        })
    }

    /// Finds an address, as seen from the source VNet when there is one: the source's own space; then the
    /// VNets it is peered with (whose route wins over a connected group's, spec §3.5); then those of its
    /// connected groups; then any. Among equals: a subnet holding the address, then a NIC holding it, then
    /// document order (decisions §2).
    fn place(&self, ip: IpAddr, from: Option<&'a Vnet>) -> Place<'a> {
        let mut holding: Vec<&'a Vnet> = self
            .model
            .vnets
            .values()
            .filter(|v| vnet_has(v, ip))
            .collect();
        holding.sort_by_key(|v| v.order);
        if let Some(from) = from {
            if vnet_has(from, ip) {
                return self.place_in(from, ip);
            }
            let peered: Vec<&'a Vnet> = holding
                .iter()
                .copied()
                .filter(|v| self.peered(&from.id, &v.id))
                .collect();
            if !peered.is_empty() {
                return self.best(&peered, ip);
            }
            let grouped: Vec<&'a Vnet> = holding
                .iter()
                .copied()
                .filter(|v| {
                    self.links
                        .groups
                        .iter()
                        .any(|g| g.vnets.contains(&from.id) && g.vnets.contains(&v.id))
                })
                .collect();
            if !grouped.is_empty() {
                return self.best(&grouped, ip);
            }
        }
        self.best(&holding, ip)
    }

    /// Among VNets holding an address, in document order: the first where a NIC holds it, else the first
    /// with a subnet holding it, else the first.
    fn best(&self, vnets: &[&'a Vnet], ip: IpAddr) -> Place<'a> {
        let places: Vec<Place<'a>> = vnets.iter().map(|v| self.place_in(v, ip)).collect();
        let nic = places
            .iter()
            .find(|p| matches!(p, Place::Endpoint(Spot { nic: Some(_), .. })));
        let subnet = places.iter().find(|p| matches!(p, Place::Endpoint(_)));
        nic.or(subnet)
            .or(places.first())
            .copied()
            .unwrap_or(Place::External)
    }

    fn peered(&self, a: &VnetId, b: &VnetId) -> bool {
        let key = if a <= b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        };
        self.links.peerings.contains(&key)
    }

    /// Same VNet, peered, or in a connected group together (for the `VirtualNetwork` tag, decisions Q9).
    fn linked(&self, a: &VnetId, b: &VnetId) -> bool {
        a == b
            || self.peered(a, b)
            || self
                .links
                .groups
                .iter()
                .any(|g| g.vnets.contains(a) && g.vnets.contains(b))
    }

    /// Whether traffic gets from one VNet to another (decisions §2, Q8).
    fn path(&self, from: &Vnet, to: &Vnet, ip: IpAddr) -> bool {
        from.id == to.id
            || self.peered(&from.id, &to.id)
            || self.links.groups.iter().any(|g| {
                g.vnets.contains(&from.id)
                    && g.vnets.contains(&to.id)
                    && !g.dropped.iter().any(|d| in_net(d, ip))
            })
    }

    /// The `VirtualNetwork` tag as seen from a VNet: its own space, its peers' and its connected groups'.
    fn virtual_network(&self, at: &Vnet, ip: IpAddr) -> bool {
        self.model
            .vnets
            .values()
            .filter(|v| vnet_has(v, ip))
            .any(|v| self.linked(&at.id, &v.id))
    }

    fn group_has(&self, group: &NetworkGroupId, ip: IpAddr) -> bool {
        let Some(members) = self.members.groups.get(group) else {
            return false;
        };
        members.keys().any(|id| {
            let id = id.as_str();
            self.model.vnets.values().any(|v| {
                (v.id.as_str().eq_ignore_ascii_case(id) && vnet_has(v, ip))
                    || v.subnets.iter().any(|s| {
                        s.id.as_str().eq_ignore_ascii_case(id)
                            && s.prefixes.iter().any(|p| in_net(p, ip))
                    })
            })
        })
    }

    fn item(&self, at: &Vnet, item: &AddressItem, ip: IpAddr) -> bool {
        match item {
            AddressItem::Any => true,
            AddressItem::Prefix(net) => in_net(net, ip),
            AddressItem::Tag(ServiceTag::VirtualNetwork) => self.virtual_network(at, ip),
            AddressItem::Tag(ServiceTag::Internet) => {
                !is_private(ip) && !self.virtual_network(at, ip)
            }
            AddressItem::Tag(ServiceTag::AzureLoadBalancer) => {
                ip == IpAddr::V4(Ipv4Addr::new(168, 63, 129, 16))
            }
            AddressItem::Tag(ServiceTag::Other(_)) => false,
            AddressItem::Group(group) => self.group_has(group, ip),
        }
    }

    /// One end of a rule (`end` 0 for the source, 1 for the destination): its addresses or its application
    /// security groups, either matching the flow at that end; any when it has neither.
    fn end(
        &self,
        at: &Vnet,
        items: &[AddressItem],
        asgs: &[AsgId],
        ip: IpAddr,
        end: usize,
    ) -> bool {
        (items.is_empty() && asgs.is_empty())
            || items.iter().any(|i| self.item(at, i, ip))
            || asgs.iter().any(|a| self.end_asgs[end].contains(a))
    }

    /// Whether a rule's five fields match the flow; ports only for protocols that have them.
    fn fields(&self, at: &Vnet, rule: &Fields<'_>, flow: &Flow) -> bool {
        let has_ports = matches!(flow.protocol, Protocol::Tcp | Protocol::Udp | Protocol::Any);
        protocol_matches(rule.protocol, flow.protocol)
            && self.end(at, rule.sources, rule.source_asgs, flow.from, 0)
            && self.end(at, rule.destinations, rule.destination_asgs, flow.to, 1)
            && (!has_ports
                || ports_match(
                    rule.source_ports,
                    flow.source_port.unwrap_or(DEFAULT_SOURCE_PORT),
                ))
            && (!has_ports
                || flow
                    .port
                    .is_none_or(|p| ports_match(rule.destination_ports, p)))
    }

    /// The admin rules that apply at an endpoint in one direction, in evaluation order.
    fn admin_rules(&self, spot: Spot<'a>, direction: Direction) -> Vec<&'a AdminRule> {
        let vnet = spot.vnet;
        // (height, manager, intent-policy mode) of each manager whose configuration reaches the VNet.
        let mut managers = Vec::new();
        let mut rules: Vec<(u32, &AdminRule)> = Vec::new();
        for manager in self.model.managers.values() {
            let Some(height) = scope_height(self.model, manager, &vnet.subscription) else {
                continue;
            };
            for config_id in
                self.goal
                    .deployed(&manager.id, &vnet.location, ConfigType::SecurityAdmin)
            {
                let Some(config) = self.model.security_admin_configs.get(config_id) else {
                    continue;
                };
                let mut applies = false;
                for collection in &config.collections {
                    if collection
                        .groups
                        .iter()
                        .any(|g| self.members.receives(&vnet.id, g))
                    {
                        applies = true;
                        rules.extend(collection.rules.iter().map(|r| (height, r)));
                    }
                }
                if applies {
                    managers.push((height, &manager.id, config.intent_policy_mode));
                }
            }
        }

        // Spec §4.5: no admin rules for special subnets and private endpoints.
        if spot.subnet.role != SubnetRole::Workload
            || spot.nic.is_some_and(|nic| nic.private_endpoint)
        {
            return Vec::new();
        }
        // Spec §4.5, §1.3 and decisions Q5: VNets with intent-policy services follow the mode of the
        // highest-scope manager among those whose configuration applies here (on equal heights, which
        // decisions Q10 makes invalid, the first manager by id).
        let intent_service = vnet
            .subnets
            .iter()
            .any(|s| s.intent_policy_service.is_some());
        managers.sort_by(|a, b| (Reverse(a.0), a.1).cmp(&(Reverse(b.0), b.1)));
        let mode = managers.first().map_or(IntentPolicyMode::None, |m| m.2);
        if intent_service && mode == IntentPolicyMode::None {
            return Vec::new();
        }
        let only_allow = intent_service && mode == IntentPolicyMode::AllowRulesOnly;

        let mut applicable: Vec<(u32, &AdminRule)> = rules
            .into_iter()
            .filter(|(_, r)| r.direction == direction)
            .filter(|(_, r)| !only_allow || r.access == Access::Allow)
            .collect();
        // Decisions Q1 and Q4.
        applicable.sort_by(|(ha, a), (hb, b)| {
            (Reverse(*ha), a.priority, access_rank(a.access), &a.id).cmp(&(
                Reverse(*hb),
                b.priority,
                access_rank(b.access),
                &b.id,
            ))
        });
        applicable.into_iter().map(|(_, r)| r).collect()
    }

    /// The first matching rule of an NSG, with its defaults, in one direction.
    fn nsg(
        &self,
        at: &Vnet,
        id: &NsgId,
        direction: Direction,
        flow: &Flow,
    ) -> Option<(RuleRef, NsgAccess)> {
        let nsg = self.model.nsgs.get(id)?;
        let defaults = default_rules(&nsg.id);
        let mut rules: Vec<&NsgRule> = nsg
            .rules
            .iter()
            .chain(&defaults)
            .filter(|r| r.direction == direction)
            .collect();
        rules.sort_by_key(|r| r.priority);
        rules
            .into_iter()
            .find(|r| self.fields(at, &Fields::nsg(r), flow))
            .map(|r| (RuleRef::Nsg(r.id.clone()), r.access))
    }

    /// One side: admin rules, then the NSGs in Azure's order for the direction.
    fn side(&self, spot: Spot<'a>, direction: Direction, flow: &Flow) -> Side {
        let at = spot.vnet;
        let admin = self
            .admin_rules(spot, direction)
            .into_iter()
            .find(|r| self.fields(at, &Fields::admin(r), flow));
        let mut last_allow = None;
        if let Some(rule) = admin {
            let reference = RuleRef::Admin(rule.id.clone());
            match rule.access {
                Access::Deny => return Side::Denied(reference),
                // Decisions Q3: this side's NSGs are skipped.
                Access::AlwaysAllow => return Side::Passed(Some(reference)),
                Access::Allow => last_allow = Some(reference),
            }
        }
        let subnet_nsg = spot.subnet.nsg.as_ref();
        let nic_nsg = spot.nic.and_then(|n| n.nsg.as_ref());
        let order = match direction {
            Direction::Outbound => [nic_nsg, subnet_nsg],
            Direction::Inbound => [subnet_nsg, nic_nsg],
        };
        for id in order.into_iter().flatten() {
            match self.nsg(at, id, direction, flow) {
                Some((rule, NsgAccess::Deny)) => return Side::Denied(rule),
                Some((rule, NsgAccess::Allow)) => last_allow = Some(rule),
                None => {}
            }
        }
        Side::Passed(last_allow)
    }
}

#[cfg(test)]
mod tests {
    //! The reference on its own, against spec §8.1 E1-E4 and a few contract corners, built by hand.

    use serde_json::json;

    use super::*;
    use crate::security::proptests::doc::{self, Doc};
    use crate::{Scenario, analyze};

    #[track_caller]
    fn check(doc: &Doc, flow: (&str, &str, Protocol, u16), decision: Decision, by: Option<&str>) {
        let scenario = Scenario::parse(&doc.to_json()).expect("the fixture parses");
        let a = analyze(&scenario);
        let flow = Flow::new(
            flow.0.parse().unwrap(),
            flow.1.parse().unwrap(),
            flow.2,
            flow.3,
        );
        let got = verdict(&a.model, &a.goal_state, &flow);
        let by = by.map(|id| id.to_ascii_lowercase());
        assert_eq!(
            (got.0, got.1.map(|r| r.to_string().to_ascii_lowercase())),
            (decision, by),
            "{flow}"
        );
    }

    /// One VNet `vm` (10.20.0.0/16, subnet `app` 10.20.1.0/24) with a NIC at 10.20.1.4, in group `all`
    /// (and `app` when asked), with a security admin configuration deployed to its region.
    struct Fixture {
        doc: Doc,
        collection_all: String,
        collection_app: String,
        subnet_nsg: Option<String>,
        nic_nsg: Option<String>,
    }

    fn fixture(
        subnet_nsg: Option<Vec<serde_json::Value>>,
        nic_nsg: Option<Vec<serde_json::Value>>,
    ) -> Fixture {
        let mut d = Doc::default();
        let subnet_nsg = subnet_nsg.map(|rules| d.nsg("nsg-subnet", rules));
        let nic_nsg = nic_nsg.map(|rules| d.nsg("nsg-nic", rules));
        let subnet = doc::subnet("app", "10.20.1.0/24", subnet_nsg.as_deref());
        let vnet = d.vnet(0, "vm", "eastus", &["10.20.0.0/16"], vec![subnet], vec![]);
        d.nic(
            "nic-vm",
            0,
            "10.20.1.4",
            &format!("{vnet}/subnets/app"),
            nic_nsg.as_deref(),
            false,
        );
        let nm = d.manager("nm", &[], &[doc::SUBSCRIPTIONS[0]]);
        let all = d.group(&nm, "all", &[&vnet]);
        let app = d.group(&nm, "app", &[&vnet]);
        let config = d.admin_config(&nm, "sac", "None");
        let collection_all = d.collection(&config, "rc-all", &[&all]);
        let collection_app = d.collection(&config, "rc-app", &[&app]);
        d.commit(&nm, "SecurityAdmin", &[&config], &["eastus"]);
        Fixture {
            doc: d,
            collection_all,
            collection_app,
            subnet_nsg,
            nic_nsg,
        }
    }

    fn tcp_rule(
        d: &mut Doc,
        collection: &str,
        name: &str,
        priority: u32,
        access: &str,
        port: &str,
    ) -> String {
        d.admin_rule(
            collection,
            name,
            json!({
                "priority": priority, "access": access, "direction": "Inbound", "protocol": "Tcp",
                "sources": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                "destinations": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                "sourcePortRanges": [], "destinationPortRanges": [port],
            }),
        )
    }

    const INTERNET: &str = "52.1.2.3";
    const VM: &str = "10.20.1.4";

    #[test]
    fn e1_admin_deny_comes_before_an_nsg_allow() {
        let allow = doc::nsg_rule(
            "allow-rdp",
            100,
            "Inbound",
            "Allow",
            "Tcp",
            &["*"],
            &["*"],
            &["*"],
            &["3389"],
        );
        let mut f = fixture(None, Some(vec![allow]));
        let deny = tcp_rule(
            &mut f.doc,
            &f.collection_all,
            "deny-rdp",
            10,
            "Deny",
            "3389",
        );
        check(
            &f.doc,
            (INTERNET, VM, Protocol::Tcp, 3389),
            Decision::Denied,
            Some(&deny),
        );
        // Another port: no admin rule matches and the NIC NSG's default rule denies from the Internet.
        let nic_nsg = f.nic_nsg.clone().unwrap();
        check(
            &f.doc,
            (INTERNET, VM, Protocol::Tcp, 80),
            Decision::Denied,
            Some(&format!("{nic_nsg}/defaultSecurityRules/DenyAllInBound")),
        );
    }

    #[test]
    fn e2_admin_always_allow_skips_the_nsgs() {
        let deny = doc::nsg_rule(
            "deny-all",
            100,
            "Inbound",
            "Deny",
            "*",
            &["*"],
            &["*"],
            &["*"],
            &["*"],
        );
        let mut f = fixture(None, Some(vec![deny]));
        let always = f.doc.admin_rule(
            &f.collection_all,
            "scanner",
            json!({
                "priority": 5, "access": "AlwaysAllow", "direction": "Inbound", "protocol": "Tcp",
                "sources": [{"addressPrefix": "203.0.113.7", "addressPrefixType": "IPPrefix"}],
                "destinationPortRanges": ["443"],
            }),
        );
        check(
            &f.doc,
            ("203.0.113.7", VM, Protocol::Tcp, 443),
            Decision::Allowed,
            Some(&always),
        );
        let nic_nsg = f.nic_nsg.clone().unwrap();
        check(
            &f.doc,
            ("203.0.113.8", VM, Protocol::Tcp, 443),
            Decision::Denied,
            Some(&format!("{nic_nsg}/securityRules/deny-all")),
        );
    }

    #[test]
    fn e3_admin_allow_hands_over_to_a_denying_nsg() {
        let deny = doc::nsg_rule(
            "deny-ssh",
            100,
            "Inbound",
            "Deny",
            "Tcp",
            &["*"],
            &["*"],
            &["*"],
            &["22"],
        );
        let mut f = fixture(Some(vec![deny]), None);
        tcp_rule(&mut f.doc, &f.collection_all, "deny-ssh", 10, "Deny", "22");
        tcp_rule(&mut f.doc, &f.collection_app, "allow-ssh", 5, "Allow", "22");
        let subnet_nsg = f.subnet_nsg.clone().unwrap();
        check(
            &f.doc,
            ("192.168.100.10", VM, Protocol::Tcp, 22),
            Decision::Denied,
            Some(&format!("{subnet_nsg}/securityRules/deny-ssh")),
        );
    }

    #[test]
    fn e4_admin_allow_without_nsg_is_allowed_by_the_admin_rule() {
        let mut f = fixture(None, None);
        tcp_rule(&mut f.doc, &f.collection_all, "deny-ssh", 10, "Deny", "22");
        let allow = tcp_rule(&mut f.doc, &f.collection_app, "allow-ssh", 5, "Allow", "22");
        check(
            &f.doc,
            ("192.168.100.10", VM, Protocol::Tcp, 22),
            Decision::Allowed,
            Some(&allow),
        );
        // Nothing matches and nothing is associated: allowed, decided by no rule.
        check(
            &f.doc,
            ("192.168.100.10", VM, Protocol::Tcp, 80),
            Decision::Allowed,
            None,
        );
    }

    #[test]
    fn priority_ties_across_collections_prefer_deny_then_always_allow() {
        let mut f = fixture(None, None);
        tcp_rule(&mut f.doc, &f.collection_app, "a-allow", 7, "Allow", "22");
        let deny = tcp_rule(&mut f.doc, &f.collection_all, "z-deny", 7, "Deny", "22");
        check(
            &f.doc,
            (INTERNET, VM, Protocol::Tcp, 22),
            Decision::Denied,
            Some(&deny),
        );
        tcp_rule(
            &mut f.doc,
            &f.collection_app,
            "b-always",
            6,
            "AlwaysAllow",
            "80",
        );
        let allow = tcp_rule(&mut f.doc, &f.collection_all, "a-allow", 6, "Allow", "80");
        let _ = allow;
        check(
            &f.doc,
            (INTERNET, VM, Protocol::Tcp, 80),
            Decision::Allowed,
            Some(&format!("{}/rules/b-always", f.collection_app)),
        );
    }

    #[test]
    fn unknown_and_unrouted_addresses() {
        let f = fixture(None, None);
        // In the VNet's space but in no subnet.
        check(
            &f.doc,
            (INTERNET, "10.20.9.9", Protocol::Tcp, 80),
            Decision::Unreachable,
            None,
        );
        check(
            &f.doc,
            ("10.20.9.9", VM, Protocol::Tcp, 80),
            Decision::Unreachable,
            None,
        );
        // Both external.
        check(
            &f.doc,
            (INTERNET, "8.8.8.8", Protocol::Tcp, 80),
            Decision::Unreachable,
            None,
        );
        // To the Internet with no rule on the source side.
        check(
            &f.doc,
            (VM, INTERNET, Protocol::Tcp, 80),
            Decision::Allowed,
            None,
        );
    }

    #[test]
    fn unpeered_vnets_are_unreachable_and_peered_ones_see_each_other_as_virtual_network() {
        let a = doc::vnet_id(0, "a");
        let b = doc::vnet_id(0, "b");
        for (peered, nsg_on_a) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut d = Doc::default();
            let nsg = d.nsg("nsg", vec![]);
            let (pa, pb) = if peered {
                (
                    vec![doc::peering(&a, &b, "Connected")],
                    vec![doc::peering(&b, &a, "Connected")],
                )
            } else {
                (vec![], vec![])
            };
            let a_nsg = nsg_on_a.then_some(nsg.as_str());
            d.vnet(
                0,
                "a",
                "eastus",
                &["10.1.0.0/16"],
                vec![doc::subnet("s", "10.1.0.0/24", a_nsg)],
                pa,
            );
            d.vnet(
                0,
                "b",
                "eastus",
                &["10.2.0.0/16"],
                vec![doc::subnet("s", "10.2.0.0/24", Some(&nsg))],
                pb,
            );
            let (decision, by) = match (peered, nsg_on_a) {
                (true, _) => (
                    Decision::Allowed,
                    Some(format!("{nsg}/defaultSecurityRules/AllowVnetInBound")),
                ),
                // The source side comes first: b is not in a's VirtualNetwork tag, nor on the Internet.
                (false, true) => (
                    Decision::Denied,
                    Some(format!("{nsg}/defaultSecurityRules/DenyAllOutBound")),
                ),
                (false, false) => (Decision::Unreachable, None),
            };
            check(
                &d,
                ("10.1.0.4", "10.2.0.4", Protocol::Udp, 53),
                decision,
                by.as_deref(),
            );
        }
    }
}
