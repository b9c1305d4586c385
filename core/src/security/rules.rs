//! Matching one rule against a flow, field by field, at one VNet.
//!
//! Service tags resolve relative to the VNet where the rule applies (spec §5.5; decisions Q9):
//! `VirtualNetwork` is the VNet's own space, its effective peers' and the members of its connected groups;
//! `Internet` is every public address outside that; `AzureLoadBalancer` is 168.63.129.16.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

use super::{Endpoint, Inputs};
use crate::model::{
    AddressItem, AdminRule, AsgId, Direction, Nsg, NsgAccess, NsgRule, PortRange, ServiceTag, Vnet,
    default_rules,
};
use crate::verdict::{DEFAULT_SOURCE_PORT, Flow, RuleEvaluation, RuleRef};

/// What an admin stage concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A Deny rule matched.
    Deny(RuleRef),
    /// An AlwaysAllow rule matched.
    AlwaysAllow(RuleRef),
    /// An Allow rule matched: on to the NSGs.
    Allow(RuleRef),
    /// Nothing decided.
    Continue(Option<RuleRef>),
}

/// The host address of Azure's platform, where health probes come from.
pub const AZURE_LOAD_BALANCER: Ipv4Addr = Ipv4Addr::new(168, 63, 129, 16);

/// The application security groups of the network interfaces at the two ends of a flow.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FlowAsgs<'a> {
    pub(crate) source: &'a [AsgId],
    pub(crate) destination: &'a [AsgId],
}

/// The VNet whose rules are evaluated, with what its service tags need.
pub(crate) struct Env<'a> {
    inputs: Inputs<'a>,
    vnet: &'a Vnet,
}

/// Private ranges that are never `Internet`: RFC 1918 and RFC 6598.
pub(crate) fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            o[0] == 10
                || (o[0] == 172 && (16..32).contains(&o[1]))
                || (o[0] == 192 && o[1] == 168)
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00 || v6.is_loopback(),
    }
}

pub(crate) fn ports_match(ranges: &[PortRange], port: u16) -> bool {
    ranges.is_empty() || ranges.iter().any(|r| r.contains(port))
}

impl<'a> Env<'a> {
    pub(crate) fn new(inputs: Inputs<'a>, vnet: &'a Vnet) -> Self {
        Env { inputs, vnet }
    }

    /// Whether an address is in the `VirtualNetwork` tag of this VNet.
    pub(crate) fn in_virtual_network(&self, ip: IpAddr) -> bool {
        if self.vnet.contains(ip) {
            return true;
        }
        let topology = self.inputs.topology;
        self.inputs
            .index
            .vnets_containing(self.inputs.model, ip)
            .iter()
            .any(|other| {
                topology.link(&self.vnet.id, &other.id).is_some()
                    || topology
                        .groups_of(&self.vnet.id)
                        .any(|g| g.contains(&other.id))
            })
    }

    pub(crate) fn item_matches(&self, item: &AddressItem, ip: IpAddr) -> bool {
        match item {
            AddressItem::Any => true,
            AddressItem::Prefix(net) => net.contains(&ip),
            AddressItem::Tag(ServiceTag::VirtualNetwork) => self.in_virtual_network(ip),
            AddressItem::Tag(ServiceTag::Internet) => {
                !is_private(ip) && !self.in_virtual_network(ip)
            }
            AddressItem::Tag(ServiceTag::AzureLoadBalancer) => {
                ip == IpAddr::V4(AZURE_LOAD_BALANCER)
            }
            AddressItem::Tag(ServiceTag::Other(_)) => false,
            AddressItem::Group(group) => self
                .inputs
                .index
                .group_prefixes
                .get(group)
                .is_some_and(|prefixes| prefixes.iter().any(|p: &IpNet| p.contains(&ip))),
        }
    }

    pub(crate) fn items_match(&self, items: &[AddressItem], ip: IpAddr) -> bool {
        items.is_empty() || items.iter().any(|i| self.item_matches(i, ip))
    }

    /// How an admin rule compares with the flow.
    pub(crate) fn admin(&self, rule: &AdminRule, _at: Endpoint<'a>, flow: &Flow) -> RuleEvaluation {
        let ports = flow.protocol.has_ports();
        RuleEvaluation {
            rule: RuleRef::Admin(rule.id.clone()),
            priority: rule.priority,
            access: rule.access.into(),
            protocol_matched: rule.protocol.matches(flow.protocol),
            source_matched: self.items_match(&rule.sources, flow.from),
            source_port_matched: !ports
                || ports_match(
                    &rule.source_ports,
                    flow.source_port.unwrap_or(DEFAULT_SOURCE_PORT),
                ),
            destination_matched: self.items_match(&rule.destinations, flow.to),
            destination_port_matched: !ports
                || flow
                    .port
                    .is_none_or(|p| ports_match(&rule.destination_ports, p)),
        }
    }

    /// Evaluates one NSG: every rule in priority order up to the first match, recorded into `looked_at`.
    pub(crate) fn nsg(
        &self,
        nsg: &Nsg,
        asgs: &FlowAsgs<'_>,
        direction: Direction,
        flow: &Flow,
        looked_at: &mut Vec<RuleEvaluation>,
    ) -> Option<(RuleRef, NsgAccess)> {
        let defaults = default_rules(&nsg.id);
        let rules = nsg.in_order(&defaults, direction);
        for rule in rules {
            let evaluation = self.nsg_rule(rule, asgs, flow);
            let matched = evaluation.matched();
            looked_at.push(evaluation);
            if matched {
                return Some((RuleRef::Nsg(rule.id.clone()), rule.access));
            }
        }
        None
    }

    fn nsg_rule(&self, rule: &NsgRule, asgs: &FlowAsgs<'_>, flow: &Flow) -> RuleEvaluation {
        let ports = flow.protocol.has_ports();
        // Application security groups match the network interface at that end of the flow.
        let side = |items: &[AddressItem], rule_asgs: &[AsgId], ip: IpAddr, nic_asgs: &[AsgId]| {
            if items.is_empty() && rule_asgs.is_empty() {
                return true;
            }
            items.iter().any(|i| self.item_matches(i, ip))
                || rule_asgs.iter().any(|a| nic_asgs.contains(a))
        };
        RuleEvaluation {
            rule: RuleRef::Nsg(rule.id.clone()),
            priority: rule.priority,
            access: rule.access.into(),
            protocol_matched: rule.protocol.matches(flow.protocol),
            source_matched: side(&rule.sources, &rule.source_asgs, flow.from, asgs.source),
            source_port_matched: !ports
                || ports_match(
                    &rule.source_ports,
                    flow.source_port.unwrap_or(DEFAULT_SOURCE_PORT),
                ),
            destination_matched: side(
                &rule.destinations,
                &rule.destination_asgs,
                flow.to,
                asgs.destination,
            ),
            destination_port_matched: !ports
                || flow
                    .port
                    .is_none_or(|p| ports_match(&rule.destination_ports, p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_not_internet() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["172.32.0.1", "8.8.8.8", "100.128.0.1", "168.63.129.16"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }
}
