//! Traffic verdicts: security admin rules, NSGs and the path between them, each with its trace
//! (spec §4, §5, §8; decisions §2).
//!
//! The source side is evaluated outbound (admin rules of the source VNet, then the NIC NSG, then the subnet
//! NSG), then the path (same VNet, an effective peering or a shared connected group), then the destination
//! side inbound (admin rules, subnet NSG, NIC NSG); the first stage that stops the flow decides.
//! Sources: <https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins>,
//! <https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works>.

pub mod admin;
#[cfg(test)]
mod differential;
pub mod effective;
pub mod matrix;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod reference;
mod rules;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use self::admin::AdminRuleSet;
use self::rules::{Env, FlowAsgs, Stop};
use crate::addressing::PrefixIndex;
use crate::connectivity::{Topology, is_dropped};
use crate::deployment::GoalState;
use crate::membership::Membership;
use crate::model::{
    Access, Decision, Direction, IntentPolicyMode, IpConfiguration, Model, NetworkGroupId, Nic,
    NicId, Subnet, Vnet, VnetId,
};
use crate::verdict::{
    Assumption, DEFAULT_SOURCE_PORT, Flow, RuleRef, Stage, Step, StepResult, Trace, Verdict,
};

/// What the security engine precomputes once per analysis.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// The admin rules of each VNet that has any.
    pub admin: BTreeMap<VnetId, Arc<AdminRuleSet>>,
    vnets: PrefixIndex<VnetId>,
    nics: BTreeMap<IpAddr, Vec<(NicId, usize)>>,
    group_prefixes: BTreeMap<NetworkGroupId, Vec<ipnet::IpNet>>,
}

impl Index {
    /// How many parts [`Index::build`] builds the index in.
    pub(crate) const PARTS: usize = 3;

    /// Precomputes admin rule sets and address lookups.
    pub fn new(model: &Model, membership: &Membership, goal: &GoalState) -> Self {
        let mut index = Index::default();
        for part in 0..Index::PARTS {
            index.build(part, model, membership, goal);
        }
        index
    }

    /// Takes one part of the index (as [`Index::build`] numbers them) from another index, of a design whose
    /// inputs to that part are the same.
    pub(crate) fn keep(&mut self, part: usize, from: &Index) {
        match part {
            0 => self.admin.clone_from(&from.admin),
            1 => {
                self.vnets = from.vnets.clone();
                self.nics.clone_from(&from.nics);
            }
            _ => self.group_prefixes.clone_from(&from.group_prefixes),
        }
    }

    /// Builds one part of the index (`0` to [`Index::PARTS`], each once, in any order): the admin rule sets, the
    /// lookups of VNets and NICs by address, the prefixes of each group's members.
    pub(crate) fn build(
        &mut self,
        part: usize,
        model: &Model,
        membership: &Membership,
        goal: &GoalState,
    ) {
        match part {
            0 => self.admin = admin::rule_sets(model, membership, goal),
            1 => {
                for vnet in model.vnets.values() {
                    for prefix in &vnet.address_space {
                        self.vnets.insert(*prefix, vnet.id.clone());
                    }
                }
                for nic in model.nics.values() {
                    for (i, config) in nic.ip_configurations.iter().enumerate() {
                        if let Some(ip) = config.address {
                            self.nics.entry(ip).or_default().push((nic.id.clone(), i));
                        }
                    }
                }
            }
            _ => {
                for (group, members) in &membership.groups {
                    let mut prefixes = Vec::new();
                    for member in members {
                        if let Some(vnet) = model.vnets.get(&VnetId::new(member.id.as_str())) {
                            prefixes.extend(vnet.address_space.iter().copied());
                        } else if let Some(subnet) =
                            model.subnet(&crate::model::SubnetId::new(member.id.as_str()))
                        {
                            prefixes.extend(subnet.prefixes.iter().copied());
                        }
                    }
                    self.group_prefixes.insert(group.clone(), prefixes);
                }
            }
        }
    }

    /// The VNets whose address space contains an address, in document order.
    pub fn vnets_containing<'m>(&self, model: &'m Model, ip: IpAddr) -> Vec<&'m Vnet> {
        let mut found: Vec<&Vnet> = self
            .vnets
            .lookup(ip)
            .iter()
            .filter_map(|id| model.vnets.get(id))
            .collect();
        found.sort_by_key(|v| v.order);
        found.dedup_by(|a, b| a.id == b.id);
        found
    }
}

/// Everything a verdict reads.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    /// The design.
    pub model: &'a Model,
    /// Group membership.
    pub membership: &'a Membership,
    /// Effective topology.
    pub topology: &'a Topology,
    /// Precomputed lookups.
    pub index: &'a Index,
}

/// Where an address is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Place<'m> {
    /// In a subnet of a modelled VNet, maybe on a NIC.
    Endpoint(Endpoint<'m>),
    /// Inside a VNet's address space but in no subnet.
    NoSubnet(&'m Vnet),
    /// In no modelled VNet.
    External,
}

/// An endpoint in a subnet.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Endpoint<'m> {
    pub(crate) vnet: &'m Vnet,
    pub(crate) subnet: &'m Subnet,
    pub(crate) nic: Option<(&'m Nic, &'m IpConfiguration)>,
}

impl<'a> Inputs<'a> {
    /// The endpoint of an address in one VNet.
    fn place_in(&self, vnet: &'a Vnet, ip: IpAddr) -> Place<'a> {
        let Some(subnet) = vnet.subnet_of(ip) else {
            return Place::NoSubnet(vnet);
        };
        let nic = self
            .index
            .nics
            .get(&ip)
            .into_iter()
            .flatten()
            .find_map(|(id, i)| {
                let nic = self.model.nics.get(id)?;
                let config = nic.ip_configurations.get(*i)?;
                (config.subnet.as_ref() == Some(&subnet.id)).then_some((nic, config))
            });
        Place::Endpoint(Endpoint { vnet, subnet, nic })
    }

    /// Resolves an address without context (decisions §2): among VNets with overlapping address spaces, the one
    /// with a subnet holding the address, then the one with a NIC holding it, then the first in document order.
    fn place(&self, ip: IpAddr, notes: &mut Vec<Assumption>) -> Place<'a> {
        let candidates = self.index.vnets_containing(self.model, ip);
        match self.choose(&candidates, ip, |_| 0) {
            Some((place, why)) => {
                if candidates.len() > 1 {
                    notes.push(overlap_note(ip, candidates.len(), &place, &why));
                }
                place
            }
            None => Place::External,
        }
    }

    /// The best candidate for an address: the lowest `route` rank (the routing preference, 0 first), then a
    /// subnet holding the address, then a NIC holding it, then document order; with why it was chosen.
    fn choose(
        &self,
        candidates: &[&'a Vnet],
        ip: IpAddr,
        route: impl Fn(&Vnet) -> u8,
    ) -> Option<(Place<'a>, String)> {
        let rank = |place: &Place<'a>| match place {
            Place::Endpoint(Endpoint { nic: Some(_), .. }) => 0,
            Place::Endpoint(_) => 1,
            Place::NoSubnet(_) | Place::External => 2,
        };
        let ranked: Vec<((u8, u8), Place<'a>)> = candidates
            .iter()
            .map(|v| {
                let place = self.place_in(v, ip);
                ((route(v), rank(&place)), place)
            })
            .collect();
        // `min_by_key` keeps the first of equal elements: document order breaks ties.
        let (best, place) = ranked.iter().min_by_key(|(key, _)| *key).copied()?;
        let ties = ranked.iter().filter(|(key, _)| *key == best).count();
        let same_route = ranked.iter().filter(|(key, _)| key.0 == best.0).count();
        let why = match (best.1, ties > 1) {
            _ if same_route == 1 => String::new(),
            (0, false) => "a network interface holds the address there".to_owned(),
            (1, false) => "it is the one with a subnet holding the address".to_owned(),
            (0, true) => "it comes first in document order among those where a network interface holds the address".to_owned(),
            (1, true) => "it comes first in document order among those with a subnet holding the address".to_owned(),
            _ => "it comes first in document order; none has a subnet holding the address".to_owned(),
        };
        Some((place, why))
    }
}

/// The assumption made when an address is in several VNets.
fn overlap_note(ip: IpAddr, count: usize, place: &Place<'_>, why: &str) -> Assumption {
    let name = match place {
        Place::Endpoint(e) => e.vnet.name.as_str(),
        Place::NoSubnet(v) => v.name.as_str(),
        Place::External => "",
    };
    Assumption::new(
        "§2 endpoints",
        format!(
            "`{ip}` is in {count} VNets with overlapping address spaces; `{name}` is used: {why}"
        ),
    )
}

/// Evaluates a flow and explains the verdict.
pub fn evaluate(inputs: &Inputs<'_>, flow: &Flow) -> Verdict {
    let mut run = Run {
        inputs: *inputs,
        flow: *flow,
        asgs: FlowAsgs::default(),
        trace: Vec::new(),
        notes: Vec::new(),
    };
    let (decision, decided_by) = run.go();
    let mut assumptions = run.notes;
    assumptions.sort();
    assumptions.dedup();
    Verdict {
        verdict: decision,
        decided_by,
        trace: Trace(run.trace),
        assumptions,
    }
}

struct Run<'a> {
    inputs: Inputs<'a>,
    flow: Flow,
    asgs: FlowAsgs<'a>,
    trace: Vec<Step>,
    notes: Vec<Assumption>,
}

fn step(stage: Stage, result: StepResult, summary: String) -> Step {
    Step {
        stage,
        direction: None,
        evaluated: None,
        applied_to: None,
        rules: Vec::new(),
        matched_rule: None,
        result,
        summary,
    }
}

impl<'a> Run<'a> {
    fn go(&mut self) -> (Decision, Option<RuleRef>) {
        if self.flow.source_port.is_none() && self.flow.protocol.has_ports() {
            self.notes.push(Assumption::new(
                "§2 flows",
                format!(
                    "no source port was given; the ephemeral port {DEFAULT_SOURCE_PORT} is used"
                ),
            ));
        }
        let source = self.inputs.place(self.flow.from, &mut self.notes);
        self.trace.push(endpoint_step(
            Stage::SourceEndpoint,
            self.flow.from,
            &source,
        ));
        let source = match source {
            Place::NoSubnet(_) => return (Decision::Unreachable, None),
            Place::Endpoint(e) => Some(e),
            Place::External => None,
        };
        let destination = match source {
            Some(src) => self.destination_from(src),
            None => self.inputs.place(self.flow.to, &mut self.notes),
        };
        let nic_asgs = |place: Option<&Place<'a>>| match place {
            Some(Place::Endpoint(Endpoint {
                nic: Some((_, config)),
                ..
            })) => config.asgs.as_slice(),
            _ => &[],
        };
        self.asgs = FlowAsgs {
            source: nic_asgs(source.map(Place::Endpoint).as_ref()),
            destination: nic_asgs(Some(&destination)),
        };
        if source.is_none() && matches!(destination, Place::External) {
            self.trace.push(endpoint_step(
                Stage::DestinationEndpoint,
                self.flow.to,
                &destination,
            ));
            return (Decision::Unreachable, None);
        }
        if source.is_none() || matches!(destination, Place::External) {
            self.notes.push(Assumption::new(
                "§2 endpoints",
                "an address in no modelled VNet is external: only the other side is evaluated and a path is assumed",
            ));
        }

        // Source side, outbound.
        let mut source_allow: Option<RuleRef> = None;
        if let Some(src) = source {
            let env = Env::new(self.inputs, src.vnet);
            let admin = self.admin_stage(&env, src, Direction::Outbound, Stage::SourceAdminRules);
            match admin {
                Stop::Deny(rule) => return (Decision::Denied, Some(rule)),
                Stop::AlwaysAllow(rule) => {
                    source_allow = Some(rule);
                    self.notes.push(Assumption::new(
                        "Q3",
                        "a source-side AlwaysAllow skips the source's NSGs only; the destination side is still evaluated",
                    ));
                    self.skip(
                        Stage::SourceNicNsg,
                        "skipped: an AlwaysAllow admin rule matched",
                    );
                    self.skip(
                        Stage::SourceSubnetNsg,
                        "skipped: an AlwaysAllow admin rule matched",
                    );
                }
                Stop::Allow(rule) | Stop::Continue(Some(rule)) => {
                    source_allow = Some(rule);
                    if let Some(rule) = self.nsgs(&env, src, Direction::Outbound, &mut source_allow)
                    {
                        return (Decision::Denied, Some(rule));
                    }
                }
                Stop::Continue(None) => {
                    if let Some(rule) = self.nsgs(&env, src, Direction::Outbound, &mut source_allow)
                    {
                        return (Decision::Denied, Some(rule));
                    }
                }
            }
        }

        // Path.
        if let (Some(src), Place::Endpoint(dst)) = (source, &destination)
            && !self.path(src, dst.vnet)
        {
            return (Decision::Unreachable, None);
        }
        if let (Some(src), Place::NoSubnet(vnet)) = (source, &destination)
            && src.vnet.id != vnet.id
            && !self.path(src, vnet)
        {
            return (Decision::Unreachable, None);
        }

        self.trace.push(endpoint_step(
            Stage::DestinationEndpoint,
            self.flow.to,
            &destination,
        ));
        let dst = match destination {
            Place::External => return (Decision::Allowed, source_allow),
            Place::NoSubnet(_) => return (Decision::Unreachable, None),
            Place::Endpoint(e) => e,
        };

        // Destination side, inbound.
        let env = Env::new(self.inputs, dst.vnet);
        let mut destination_allow: Option<RuleRef> = None;
        match self.admin_stage(&env, dst, Direction::Inbound, Stage::DestinationAdminRules) {
            Stop::Deny(rule) => return (Decision::Denied, Some(rule)),
            Stop::AlwaysAllow(rule) => {
                self.skip(
                    Stage::DestinationSubnetNsg,
                    "skipped: an AlwaysAllow admin rule matched",
                );
                self.skip(
                    Stage::DestinationNicNsg,
                    "skipped: an AlwaysAllow admin rule matched",
                );
                return (Decision::Allowed, Some(rule));
            }
            Stop::Allow(rule) | Stop::Continue(Some(rule)) => destination_allow = Some(rule),
            Stop::Continue(None) => {}
        }
        if let Some(rule) = self.nsgs(&env, dst, Direction::Inbound, &mut destination_allow) {
            return (Decision::Denied, Some(rule));
        }
        (Decision::Allowed, destination_allow)
    }

    fn skip(&mut self, stage: Stage, summary: &str) {
        self.trace
            .push(step(stage, StepResult::Skipped, summary.to_owned()));
    }

    /// The destination as seen from the source VNet: its own space first, then the routes of its peerings,
    /// then those of its connected groups (a member's own peering wins over the group for an overlapping range,
    /// spec §3.5), then any VNet holding the address (decisions §2).
    fn destination_from(&mut self, src: Endpoint<'a>) -> Place<'a> {
        let ip = self.flow.to;
        if src.vnet.contains(ip) {
            return self.inputs.place_in(src.vnet, ip);
        }
        let candidates = self.inputs.index.vnets_containing(self.inputs.model, ip);
        let topology = self.inputs.topology;
        let route = |v: &Vnet| {
            if topology.link(&src.vnet.id, &v.id).is_some() {
                0
            } else if topology.groups_of(&src.vnet.id).any(|g| g.contains(&v.id)) {
                1
            } else {
                2
            }
        };
        let Some((place, why)) = self.inputs.choose(&candidates, ip, route) else {
            return Place::External;
        };
        if candidates.len() > 1 {
            let chosen = match place {
                Place::Endpoint(e) => Some(e.vnet),
                Place::NoSubnet(v) => Some(v),
                Place::External => None,
            };
            let routes: Vec<u8> = candidates.iter().map(|v| route(v)).collect();
            let why = match chosen.map(route) {
                Some(0) if routes.contains(&1) => format!(
                    "`{}` is peered with it, and its own peering wins over its connected group for the overlapping range (spec §3.5)",
                    src.vnet.name
                ),
                Some(0) if routes.iter().filter(|r| **r == 0).count() == 1 => {
                    format!("it is the one peered with `{}`", src.vnet.name)
                }
                Some(1) if routes.iter().filter(|r| **r == 1).count() == 1 => {
                    format!(
                        "it is the one in a connected group with `{}`",
                        src.vnet.name
                    )
                }
                _ if why.is_empty() => format!("it is the one routed to from `{}`", src.vnet.name),
                _ => why,
            };
            self.notes
                .push(overlap_note(ip, candidates.len(), &place, &why));
        }
        place
    }

    /// Records the path stage; false when there is none.
    fn path(&mut self, src: Endpoint<'a>, dst: &'a Vnet) -> bool {
        let topology = self.inputs.topology;
        let mut s = step(Stage::Path, StepResult::Found, String::new());
        s.applied_to = Some(src.vnet.id.to_string());
        if src.vnet.id == dst.id {
            s.summary = format!("same virtual network `{}`", dst.name);
            self.trace.push(s);
            return true;
        }
        if let Some(link) = topology.link(&src.vnet.id, &dst.id) {
            s.evaluated = Some(match &link.origin {
                crate::connectivity::Origin::Existing => "Existing".to_owned(),
                crate::connectivity::Origin::Configuration(c) => c.to_string(),
            });
            s.summary = match &link.origin {
                crate::connectivity::Origin::Existing => format!(
                    "manual peering between `{}` and `{}`",
                    src.vnet.name, dst.name
                ),
                crate::connectivity::Origin::Configuration(c) => {
                    format!(
                        "peering between `{}` and `{}` created by `{}`",
                        src.vnet.name,
                        dst.name,
                        c.name()
                    )
                }
            };
            self.trace.push(s);
            return true;
        }
        let shared: Vec<_> = topology
            .groups_of(&src.vnet.id)
            .filter(|g| g.contains(&dst.id))
            .collect();
        if let Some(group) = shared.iter().find(|g| !is_dropped(g, self.flow.to)) {
            s.evaluated = Some(group.configuration_id.to_string());
            s.summary = format!(
                "connected group of `{}` with `{}` and `{}`",
                group.configuration_id.name(),
                src.vnet.name,
                dst.name
            );
            if self.flow_uses_overlap_note(group) {
                s.summary.push_str(
                    " (overlapping ranges of the group are dropped, but not this address)",
                );
            }
            self.trace.push(s);
            return true;
        }
        s.result = StepResult::Unreachable;
        if let Some(group) = shared.first() {
            s.evaluated = Some(group.configuration_id.to_string());
            s.summary = format!(
                "`{}` is in a range dropped from the connected group of `{}`, where address spaces overlap (spec §3.5), so the traffic is dropped",
                self.flow.to,
                group.configuration_id.name()
            );
            self.notes.push(Assumption::new("Q8", "traffic to the intersection of overlapping prefixes in a connected group is dropped"));
        } else {
            s.summary = format!(
                "no peering or connected group links `{}` and `{}`",
                src.vnet.name, dst.name
            );
            if src.vnet.location != dst.location {
                self.notes.push(Assumption::new(
                    "Q6",
                    "a link between VNets of different regions needs its configuration deployed in both regions",
                ));
            }
        }
        self.trace.push(s);
        false
    }

    fn flow_uses_overlap_note(&self, group: &crate::connectivity::ConnectedGroup) -> bool {
        !group.dropped.is_empty()
    }

    /// The admin stage of one side.
    fn admin_stage(
        &mut self,
        env: &Env<'a>,
        at: Endpoint<'a>,
        direction: Direction,
        stage: Stage,
    ) -> Stop {
        let mut s = step(stage, StepResult::NoRuleMatched, String::new());
        s.direction = Some(direction);
        s.applied_to = Some(at.vnet.id.to_string());
        let Some(set) = self.inputs.index.admin.get(&at.vnet.id) else {
            s.result = StepResult::Skipped;
            s.summary = format!(
                "no security admin configuration applies to `{}`",
                at.vnet.name
            );
            self.trace.push(s);
            return Stop::Continue(None);
        };
        s.evaluated = Some(
            set.managers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        );
        if set.managers.len() > 1 {
            self.notes.push(Assumption::new(
                "Q1",
                "rules of the manager with the higher scope are evaluated first, then by priority",
            ));
        }
        if at.subnet.role.skips_admin_rules() {
            s.result = StepResult::Skipped;
            s.summary = format!(
                "security admin rules do not apply to the subnet `{}` ({:?})",
                at.subnet.name, at.subnet.role
            );
            self.trace.push(s);
            return Stop::Continue(None);
        }
        if let Some((nic, _)) = at.nic.filter(|(n, _)| n.private_endpoint) {
            s.result = StepResult::Skipped;
            s.summary = format!(
                "security admin rules do not apply to the private endpoint `{}`",
                nic.id.name()
            );
            self.trace.push(s);
            return Stop::Continue(None);
        }
        let intent_service = at
            .vnet
            .subnets
            .iter()
            .find_map(|sn| sn.intent_policy_service.as_deref());
        let mut only_allow = false;
        if let Some(service) = intent_service {
            match set.intent_policy_mode {
                IntentPolicyMode::None => {
                    s.result = StepResult::Skipped;
                    s.summary = format!(
                        "`{}` hosts `{service}`, which uses network intent policies; admin rules skip it (`applyOnNetworkIntentPolicyBasedServices` is `None`)",
                        at.vnet.name
                    );
                    self.trace.push(s);
                    return Stop::Continue(None);
                }
                IntentPolicyMode::AllowRulesOnly => {
                    only_allow = true;
                    self.notes.push(Assumption::new("Q5", "with `AllowRulesOnly` only `Allow` rules apply; Deny and AlwaysAllow do not"));
                }
                IntentPolicyMode::All => {}
            }
        }
        let mut ordered: Vec<&admin::EffectiveAdminRule> = set
            .rules
            .iter()
            .filter(|r| r.rule.direction == direction)
            .filter(|r| !only_allow || r.rule.access == Access::Allow)
            .collect();
        ordered.dedup_by(|a, b| a.rule.id == b.rule.id);
        for (i, effective) in ordered.iter().enumerate() {
            let evaluation = env.admin(&effective.rule, at, &self.flow);
            let matched = evaluation.matched();
            s.rules.push(evaluation);
            if matched {
                let rule = RuleRef::Admin(effective.rule.id.clone());
                let tie = ordered.get(i + 1).is_some_and(|next| {
                    next.rule.priority == effective.rule.priority
                        && next.manager == effective.manager
                        && next.collection != effective.collection
                }) || i
                    .checked_sub(1)
                    .and_then(|p| ordered.get(p))
                    .is_some_and(|prev| {
                        prev.rule.priority == effective.rule.priority
                            && prev.manager == effective.manager
                            && prev.collection != effective.collection
                    });
                if tie {
                    self.notes.push(Assumption::new("Q4", "rules of different collections share a priority: Deny before AlwaysAllow before Allow, then by rule id"));
                }
                s.matched_rule = Some(rule.clone());
                let name = effective.rule.id.name();
                let (result, stop, verb) = match effective.rule.access {
                    Access::Deny => (StepResult::Denied, Stop::Deny(rule), "denies"),
                    Access::AlwaysAllow => (
                        StepResult::AlwaysAllowed,
                        Stop::AlwaysAllow(rule),
                        "always allows",
                    ),
                    Access::Allow => (
                        StepResult::Allowed,
                        Stop::Allow(rule),
                        "allows, and the NSGs decide next",
                    ),
                };
                s.result = result;
                s.summary = format!(
                    "admin rule `{name}` (priority {}) {verb}",
                    effective.rule.priority
                );
                self.trace.push(s);
                return stop;
            }
        }
        s.summary = format!(
            "no {direction:?} security admin rule of `{}` matches",
            at.vnet.name
        );
        self.trace.push(s);
        Stop::Continue(None)
    }

    /// The NSG stages of one side, in Azure's order; returns the denying rule, if any, and updates the last
    /// allowing rule.
    fn nsgs(
        &mut self,
        env: &Env<'a>,
        at: Endpoint<'a>,
        direction: Direction,
        last_allow: &mut Option<RuleRef>,
    ) -> Option<RuleRef> {
        let nic_nsg = at
            .nic
            .and_then(|(nic, _)| nic.nsg.as_ref().map(|n| (n, nic.id.to_string())));
        let subnet_nsg = at
            .subnet
            .nsg
            .as_ref()
            .map(|n| (n, at.subnet.id.to_string()));
        let order = match direction {
            Direction::Outbound => [
                (Stage::SourceNicNsg, nic_nsg),
                (Stage::SourceSubnetNsg, subnet_nsg),
            ],
            Direction::Inbound => [
                (Stage::DestinationSubnetNsg, subnet_nsg),
                (Stage::DestinationNicNsg, nic_nsg),
            ],
        };
        for (stage, nsg) in order {
            let Some((nsg_id, applied_to)) = nsg else {
                let what = if matches!(stage, Stage::SourceNicNsg | Stage::DestinationNicNsg) {
                    "network interface"
                } else {
                    "subnet"
                };
                self.skip(
                    stage,
                    &format!("no network security group on the {what}: allowed at this level"),
                );
                continue;
            };
            let mut s = step(stage, StepResult::NoRuleMatched, String::new());
            s.direction = Some(direction);
            s.evaluated = Some(nsg_id.to_string());
            s.applied_to = Some(applied_to);
            let Some(nsg) = self.inputs.model.nsgs.get(nsg_id) else {
                s.result = StepResult::Skipped;
                s.summary = format!("the network security group `{nsg_id}` is not in the document");
                self.trace.push(s);
                continue;
            };
            match env.nsg(nsg, &self.asgs, direction, &self.flow, &mut s.rules) {
                Some((rule, access)) => {
                    let name = rule.to_string();
                    let short = name.rsplit('/').next().unwrap_or_default().to_owned();
                    s.matched_rule = Some(rule.clone());
                    if access == crate::model::NsgAccess::Deny {
                        s.result = StepResult::Denied;
                        s.summary = format!("`{}` rule `{short}` denies", nsg.id.name());
                        self.trace.push(s);
                        return Some(rule);
                    }
                    s.result = StepResult::Allowed;
                    s.summary = format!("`{}` rule `{short}` allows", nsg.id.name());
                    *last_allow = Some(rule);
                }
                None => s.summary = format!("no rule of `{}` matches", nsg.id.name()),
            }
            self.trace.push(s);
        }
        None
    }
}

fn endpoint_step(stage: Stage, ip: IpAddr, place: &Place<'_>) -> Step {
    match place {
        Place::Endpoint(e) => {
            let mut s = step(stage, StepResult::Found, String::new());
            s.applied_to = Some(
                e.nic
                    .map_or_else(|| e.subnet.id.to_string(), |(n, _)| n.id.to_string()),
            );
            s.summary = match e.nic {
                Some((nic, _)) => format!(
                    "`{ip}` is `{}` in subnet `{}` of `{}`",
                    nic.id.name(),
                    e.subnet.name,
                    e.vnet.name
                ),
                None => format!(
                    "`{ip}` is in subnet `{}` of `{}` (no network interface holds it)",
                    e.subnet.name, e.vnet.name
                ),
            };
            s
        }
        Place::NoSubnet(vnet) => {
            let mut s = step(
                stage,
                StepResult::Unreachable,
                format!(
                    "`{ip}` is in the address space of `{}` but in no subnet",
                    vnet.name
                ),
            );
            s.applied_to = Some(vnet.id.to_string());
            s
        }
        Place::External => step(
            stage,
            StepResult::External,
            format!("`{ip}` is in no modelled virtual network"),
        ),
    }
}
