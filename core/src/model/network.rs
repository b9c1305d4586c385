//! Virtual networks, subnets, network interfaces, peerings and network security groups, as the engines see
//! them.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::address::{AddressItem, Direction, Location, PortRange, Protocol, Tags};
use super::ids::{
    AsgId, NicId, NsgId, NsgRuleId, PeeringId, ResourceGroupId, SubnetId, SubscriptionId, VnetId,
};

/// A virtual network (`Microsoft.Network/virtualNetworks`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vnet {
    /// Resource id.
    pub id: VnetId,
    /// Name.
    pub name: String,
    /// Region.
    pub location: Location,
    /// Subscription, from the id.
    pub subscription: SubscriptionId,
    /// Resource group, from the id.
    pub resource_group: ResourceGroupId,
    /// Tags.
    pub tags: Tags,
    /// `addressSpace.addressPrefixes` (invalid prefixes are left out, with a diagnostic).
    pub address_space: Vec<IpNet>,
    /// Subnets, inline or standalone.
    pub subnets: Vec<Subnet>,
    /// Peerings this VNet has created towards others (`virtualNetworkPeerings`).
    pub peerings: Vec<Peering>,
    /// Position of the resource in the document, which stands in for creation order where Azure uses it.
    pub order: usize,
    /// JSON path of the resource.
    pub path: crate::path::Path,
}

impl Vnet {
    /// Whether an address is inside the VNet's address space.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.address_space.iter().any(|p| p.contains(&ip))
    }

    /// Whether two VNets' address spaces overlap.
    pub fn overlaps(&self, other: &Vnet) -> bool {
        self.address_space.iter().any(|a| {
            other
                .address_space
                .iter()
                .any(|b| a.contains(b) || b.contains(a))
        })
    }

    /// The subnet that contains an address, if any.
    pub fn subnet_of(&self, ip: IpAddr) -> Option<&Subnet> {
        self.subnets
            .iter()
            .find(|s| s.prefixes.iter().any(|p| p.contains(&ip)))
    }
}

/// What a subnet hosts, when that changes how admin rules apply (spec §4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubnetRole {
    /// An ordinary subnet.
    Workload,
    /// `GatewaySubnet`: VPN or ExpressRoute gateways; no admin rules.
    Gateway,
    /// `AzureFirewallSubnet` or `AzureFirewallManagementSubnet`; no admin rules.
    Firewall,
    /// `AzureBastionSubnet`; no admin rules.
    Bastion,
    /// `RouteServerSubnet`; no admin rules.
    RouteServer,
    /// A subnet with `applicationGatewayIPConfigurations`; no admin rules.
    ApplicationGateway,
}

impl SubnetRole {
    /// Whether security admin rules skip endpoints in such a subnet.
    pub fn skips_admin_rules(self) -> bool {
        self != SubnetRole::Workload
    }
}

/// A subnet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    /// Resource id.
    pub id: SubnetId,
    /// Name.
    pub name: String,
    /// `addressPrefix` and `addressPrefixes`.
    pub prefixes: Vec<IpNet>,
    /// The associated network security group.
    pub nsg: Option<NsgId>,
    /// What the subnet hosts.
    pub role: SubnetRole,
    /// Delegated to a service that uses network intent policies (SQL Managed Instance, Databricks).
    pub intent_policy_service: Option<String>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// The state of a peering as Azure reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeeringState {
    /// Both sides exist: traffic can flow.
    Connected,
    /// Only this side exists.
    Initiated,
    /// The other side was deleted.
    Disconnected,
}

/// One direction of a manual VNet peering.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peering {
    /// Resource id.
    pub id: PeeringId,
    /// The remote VNet.
    pub remote: VnetId,
    /// `peeringState`; `None` when the document leaves it out.
    pub state: Option<PeeringState>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A network interface.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nic {
    /// Resource id.
    pub id: NicId,
    /// The IP configurations.
    pub ip_configurations: Vec<IpConfiguration>,
    /// The associated network security group.
    pub nsg: Option<NsgId>,
    /// Whether this is the interface of a private endpoint (no admin rules, spec §4.5).
    pub private_endpoint: bool,
    /// JSON path.
    pub path: crate::path::Path,
}

/// An IP configuration of a network interface.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IpConfiguration {
    /// `name`, when the document gives one.
    pub name: Option<String>,
    /// `privateIPAddress`.
    pub address: Option<IpAddr>,
    /// `subnet.id`.
    pub subnet: Option<SubnetId>,
    /// `applicationSecurityGroups[].id`.
    pub asgs: Vec<AsgId>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A network security group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nsg {
    /// Resource id.
    pub id: NsgId,
    /// User rules, in document order; the default rules are implicit (see [`default_rules`]).
    pub rules: Vec<NsgRule>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// NSG rule action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NsgAccess {
    /// Let the traffic through this NSG.
    Allow,
    /// Drop the traffic.
    Deny,
}

/// A rule of a network security group, user-defined or default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NsgRule {
    /// `<nsg>/securityRules/<name>` or `<nsg>/defaultSecurityRules/<name>`.
    pub id: NsgRuleId,
    /// Name.
    pub name: String,
    /// 100-4096 for user rules, 65000-65500 for default rules.
    pub priority: u32,
    /// Direction.
    pub direction: Direction,
    /// Action.
    pub access: NsgAccess,
    /// Protocol.
    pub protocol: Protocol,
    /// Source addresses; with no addresses and no application security groups, any source.
    pub sources: Vec<AddressItem>,
    /// Source application security groups.
    pub source_asgs: Vec<AsgId>,
    /// Source ports.
    pub source_ports: Vec<PortRange>,
    /// Destination addresses.
    pub destinations: Vec<AddressItem>,
    /// Destination application security groups.
    pub destination_asgs: Vec<AsgId>,
    /// Destination ports.
    pub destination_ports: Vec<PortRange>,
    /// Whether this is one of the six default rules.
    pub default: bool,
    /// JSON path; empty for default rules.
    pub path: crate::path::Path,
}

impl Nsg {
    /// The rules of one direction in evaluation order: the user rules and the six defaults (made by
    /// [`default_rules`] and passed in, so that they live as long as the result), by priority.
    pub fn in_order<'a>(
        &'a self,
        defaults: &'a [NsgRule],
        direction: Direction,
    ) -> Vec<&'a NsgRule> {
        let mut rules: Vec<&NsgRule> = self
            .rules
            .iter()
            .chain(defaults)
            .filter(|r| r.direction == direction)
            .collect();
        rules.sort_by_key(|r| r.priority);
        rules
    }
}

/// The six default rules of an NSG (spec §5.2), with Azure's ids.
pub fn default_rules(nsg: &NsgId) -> Vec<NsgRule> {
    use super::address::ServiceTag::{AzureLoadBalancer, Internet, VirtualNetwork};
    use AddressItem::{Any, Tag};
    let rule = |name: &str, priority, direction, source, destination, access| NsgRule {
        id: NsgRuleId::new(format!("{nsg}/defaultSecurityRules/{name}")),
        name: name.to_owned(),
        priority,
        direction,
        access,
        protocol: Protocol::Any,
        sources: vec![source],
        source_asgs: Vec::new(),
        source_ports: vec![PortRange::ANY],
        destinations: vec![destination],
        destination_asgs: Vec::new(),
        destination_ports: vec![PortRange::ANY],
        default: true,
        path: crate::path::Path::root(),
    };
    vec![
        rule(
            "AllowVnetInBound",
            65000,
            Direction::Inbound,
            Tag(VirtualNetwork),
            Tag(VirtualNetwork),
            NsgAccess::Allow,
        ),
        rule(
            "AllowAzureLoadBalancerInBound",
            65001,
            Direction::Inbound,
            Tag(AzureLoadBalancer),
            Any,
            NsgAccess::Allow,
        ),
        rule(
            "DenyAllInBound",
            65500,
            Direction::Inbound,
            Any,
            Any,
            NsgAccess::Deny,
        ),
        rule(
            "AllowVnetOutBound",
            65000,
            Direction::Outbound,
            Tag(VirtualNetwork),
            Tag(VirtualNetwork),
            NsgAccess::Allow,
        ),
        rule(
            "AllowInternetOutBound",
            65001,
            Direction::Outbound,
            Any,
            Tag(Internet),
            NsgAccess::Allow,
        ),
        rule(
            "DenyAllOutBound",
            65500,
            Direction::Outbound,
            Any,
            Any,
            NsgAccess::Deny,
        ),
    ]
}
