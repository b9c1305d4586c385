//! The fields of a design that a form edits, named by the resource they belong to, and where and how the
//! document writes each of them.
//!
//! A [`Target`] is a field as a person thinks of it ("the address space of `vnet-hub`", "the source ports of NSG
//! rule `allow-web`"); [`locate`] turns it into the [`Path`] of the document and the [`Shape`] the document gives
//! it there (one prefix in `addressPrefix` or several in `addressPrefixes`, booleans as the strings `"True"`
//! and `"False"` in connectivity configurations...), so that no front end knows Azure's JSON.

use serde_json::Value;

use super::{ChangeError, missing};
use crate::model::{
    AdminRuleId, ConfigurationId, Model, NetworkGroupId, NetworkManagerId, NicId, NsgRuleId,
    ResourceId, SubnetId, VnetId,
};
use crate::path::Path;

/// A field of a rule: an NSG rule or a security admin rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleField {
    /// `priority`.
    Priority,
    /// `direction`: `Inbound` or `Outbound`.
    Direction,
    /// `access`: `Allow` or `Deny` (and `AlwaysAllow` for admin rules).
    Access,
    /// `protocol`.
    Protocol,
    /// The source addresses.
    Sources,
    /// The source ports.
    SourcePorts,
    /// The destination addresses.
    Destinations,
    /// The destination ports.
    DestinationPorts,
    /// `description`.
    Description,
}

/// A setting of a connectivity configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectivityField {
    /// `connectivityTopology`: `HubAndSpoke` or `Mesh`.
    Topology,
    /// The hub: the id of a virtual network, or empty for none.
    Hub,
    /// `isGlobal` (global mesh).
    Global,
    /// `deleteExistingPeering`.
    DeleteExistingPeering,
    /// `connectivityCapabilities.connectedGroupAddressOverlap`: `Allowed` or `Disallowed`.
    AddressOverlap,
    /// `description`.
    Description,
}

/// A setting of one item of a connectivity configuration's `appliesToGroups`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppliesField {
    /// `networkGroupId`.
    Group,
    /// `groupConnectivity`: direct connectivity among the spokes.
    DirectlyConnected,
    /// `isGlobal`.
    Global,
    /// `useHubGateway`.
    UseHubGateway,
}

/// A setting of a security admin configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecurityAdminField {
    /// `applyOnNetworkIntentPolicyBasedServices`: `None`, `All` or `AllowRulesOnly`.
    IntentPolicyServices,
    /// `networkGroupAddressSpaceAggregationOption`: `None` or `Manual`.
    AddressSpaceAggregation,
    /// `description`.
    Description,
}

/// A field of an intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntentField {
    /// `name`.
    Name,
    /// `from`: an IP address.
    From,
    /// `to`: an IP address.
    To,
    /// `protocol`.
    Protocol,
    /// `port`.
    Port,
    /// `expect`: `Allowed`, `Denied` or `Unreachable`.
    Expect,
}

/// A field that a form edits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The `title` of the design.
    Title,
    /// The `location` of a resource (a VNet, NSG, NIC, network manager or resource group).
    Location(ResourceId),
    /// The `displayName` of a subscription or management group.
    DisplayName(ResourceId),
    /// The value of a tag of a resource.
    Tag {
        /// The resource.
        resource: ResourceId,
        /// The tag's name.
        name: String,
    },
    /// A VNet's address space.
    AddressSpace(VnetId),
    /// A subnet's prefixes.
    SubnetPrefixes(SubnetId),
    /// The NSG of a subnet: its id, or empty for none.
    SubnetNsg(SubnetId),
    /// The NSG of a network interface: its id, or empty for none.
    NicNsg(NicId),
    /// The private IP address of an IP configuration of a NIC.
    IpAddress {
        /// The NIC.
        nic: NicId,
        /// The IP configuration, in document order.
        index: usize,
    },
    /// The subnet of an IP configuration of a NIC.
    IpSubnet {
        /// The NIC.
        nic: NicId,
        /// The IP configuration, in document order.
        index: usize,
    },
    /// A field of an NSG rule.
    NsgRule {
        /// The rule.
        rule: NsgRuleId,
        /// The field.
        field: RuleField,
    },
    /// A field of a security admin rule.
    AdminRule {
        /// The rule.
        rule: AdminRuleId,
        /// The field.
        field: RuleField,
    },
    /// The configuration types a network manager may deploy (`networkManagerScopeAccesses`).
    ManagerFeatures(NetworkManagerId),
    /// A network group's `description`.
    GroupDescription(NetworkGroupId),
    /// A network group's `memberType`: `VirtualNetwork` or `Subnet`.
    MemberType(NetworkGroupId),
    /// A setting of a connectivity configuration.
    Connectivity {
        /// The configuration.
        config: ConfigurationId,
        /// The setting.
        field: ConnectivityField,
    },
    /// A setting of an item of a connectivity configuration's `appliesToGroups`.
    AppliesTo {
        /// The configuration.
        config: ConfigurationId,
        /// The item, in document order.
        index: usize,
        /// The setting.
        field: AppliesField,
    },
    /// A setting of a security admin configuration.
    SecurityAdmin {
        /// The configuration.
        config: ConfigurationId,
        /// The setting.
        field: SecurityAdminField,
    },
    /// A field of an intent.
    Intent {
        /// The intent, in document order.
        index: usize,
        /// The field.
        field: IntentField,
    },
}

/// How the document writes a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One JSON value at the path.
    Plain,
    /// A list written to `plural`, or one item to `singular` when the document already uses that form (an
    /// NSG rule's `sourceAddressPrefix` / `sourceAddressPrefixes`); the other form is removed.
    Either {
        /// The key of the one-item form.
        singular: &'static str,
    },
    /// A boolean written as the string `"True"` / `"False"`, or as `on` / `off` strings.
    Flag {
        /// The text of true.
        on: &'static str,
        /// The text of false.
        off: &'static str,
    },
    /// A reference `{"id": ...}`; an empty value removes the key.
    Reference,
    /// The hubs of a connectivity configuration: `[{"resourceId", "resourceType"}]`.
    Hubs,
    /// Admin rule addresses: `[{"addressPrefix", "addressPrefixType"}]`.
    AdminAddresses,
    /// A list that a form sets one item of (`applyOnNetworkIntentPolicyBasedServices: ["None"]`).
    List,
}

/// The path of the resource with this id, top-level or a child written inline.
pub(crate) fn resource_path(model: &Model, id: &ResourceId) -> Option<Path> {
    let id = id.as_str();
    macro_rules! find {
        ($map:expr, $ty:ty) => {
            if let Some(r) = $map.get(&<$ty>::new(id)) {
                return Some(r.path.clone());
            }
        };
    }
    find!(model.vnets, VnetId);
    find!(model.nics, NicId);
    find!(model.nsgs, crate::model::NsgId);
    find!(model.managers, NetworkManagerId);
    find!(model.groups, NetworkGroupId);
    find!(model.static_members, crate::model::StaticMemberId);
    find!(model.connectivity_configs, ConfigurationId);
    find!(model.security_admin_configs, ConfigurationId);
    find!(model.policy_definitions, crate::model::PolicyDefinitionId);
    find!(model.policy_assignments, crate::model::PolicyAssignmentId);
    find!(model.management_groups, crate::model::ManagementGroupId);
    find!(model.subscriptions, crate::model::SubscriptionId);
    find!(model.resource_groups, crate::model::ResourceGroupId);
    if let Some(s) = model.subnet(&SubnetId::new(id)) {
        return Some(s.path.clone());
    }
    let peering = crate::model::PeeringId::new(id);
    let rule = NsgRuleId::new(id);
    let collection = crate::model::RuleCollectionId::new(id);
    let admin = AdminRuleId::new(id);
    model
        .vnets
        .values()
        .flat_map(|v| &v.peerings)
        .find(|p| p.id == peering)
        .map(|p| p.path.clone())
        .or_else(|| {
            model
                .nsgs
                .values()
                .flat_map(|n| &n.rules)
                .find(|r| r.id == rule)
                .map(|r| r.path.clone())
        })
        .or_else(|| {
            let collections = model
                .security_admin_configs
                .values()
                .flat_map(|c| &c.collections);
            collections
                .clone()
                .find(|c| c.id == collection)
                .map(|c| c.path.clone())
                .or_else(|| {
                    collections
                        .flat_map(|c| &c.rules)
                        .find(|r| r.id == admin)
                        .map(|r| r.path.clone())
                })
        })
}

fn required(model: &Model, id: &ResourceId) -> Result<Path, ChangeError> {
    resource_path(model, id).ok_or_else(|| missing("resource", id))
}

/// Where the document writes a target, and how.
pub(crate) fn locate(model: &Model, target: &Target) -> Result<(Path, Shape), ChangeError> {
    use Shape::{Either, Flag, Plain, Reference};
    let props = |p: &Path| p.key("properties");
    Ok(match target {
        Target::Title => (Path::root().key("title"), Plain),
        Target::Location(id) => (required(model, id)?.key("location"), Plain),
        Target::DisplayName(id) => (props(&required(model, id)?).key("displayName"), Plain),
        Target::Tag { resource, name } => (required(model, resource)?.key("tags").key(name), Plain),
        Target::AddressSpace(vnet) => {
            let v = model
                .vnets
                .get(vnet)
                .ok_or_else(|| missing("virtual network", vnet))?;
            (
                props(&v.path).key("addressSpace").key("addressPrefixes"),
                Plain,
            )
        }
        Target::SubnetPrefixes(subnet) => {
            let s = model
                .subnet(subnet)
                .ok_or_else(|| missing("subnet", subnet))?;
            (
                props(&s.path).key("addressPrefixes"),
                Either {
                    singular: "addressPrefix",
                },
            )
        }
        Target::SubnetNsg(subnet) => {
            let s = model
                .subnet(subnet)
                .ok_or_else(|| missing("subnet", subnet))?;
            (props(&s.path).key("networkSecurityGroup"), Reference)
        }
        Target::NicNsg(nic) => {
            let n = model
                .nics
                .get(nic)
                .ok_or_else(|| missing("network interface", nic))?;
            (props(&n.path).key("networkSecurityGroup"), Reference)
        }
        Target::IpAddress { nic, index } | Target::IpSubnet { nic, index } => {
            let n = model
                .nics
                .get(nic)
                .ok_or_else(|| missing("network interface", nic))?;
            let config = n
                .ip_configurations
                .get(*index)
                .ok_or_else(|| missing("IP configuration", format!("{nic} #{}", index + 1)))?;
            if matches!(target, Target::IpAddress { .. }) {
                (props(&config.path).key("privateIPAddress"), Plain)
            } else {
                (props(&config.path).key("subnet"), Reference)
            }
        }
        Target::NsgRule { rule, field } => {
            let r = model
                .nsgs
                .values()
                .flat_map(|n| &n.rules)
                .find(|r| &r.id == rule)
                .ok_or_else(|| missing("NSG rule", rule))?;
            let at = props(&r.path);
            match field {
                RuleField::Priority => (at.key("priority"), Plain),
                RuleField::Direction => (at.key("direction"), Plain),
                RuleField::Access => (at.key("access"), Plain),
                RuleField::Protocol => (at.key("protocol"), Plain),
                RuleField::Description => (at.key("description"), Plain),
                RuleField::Sources => (
                    at.key("sourceAddressPrefixes"),
                    Either {
                        singular: "sourceAddressPrefix",
                    },
                ),
                RuleField::SourcePorts => (
                    at.key("sourcePortRanges"),
                    Either {
                        singular: "sourcePortRange",
                    },
                ),
                RuleField::Destinations => (
                    at.key("destinationAddressPrefixes"),
                    Either {
                        singular: "destinationAddressPrefix",
                    },
                ),
                RuleField::DestinationPorts => (
                    at.key("destinationPortRanges"),
                    Either {
                        singular: "destinationPortRange",
                    },
                ),
            }
        }
        Target::AdminRule { rule, field } => {
            let r = model
                .admin_rules()
                .find(|r| &r.id == rule)
                .ok_or_else(|| missing("security admin rule", rule))?;
            let at = props(&r.path);
            match field {
                RuleField::Priority => (at.key("priority"), Plain),
                RuleField::Direction => (at.key("direction"), Plain),
                RuleField::Access => (at.key("access"), Plain),
                RuleField::Protocol => (at.key("protocol"), Plain),
                RuleField::Description => (at.key("description"), Plain),
                RuleField::Sources => (at.key("sources"), Shape::AdminAddresses),
                RuleField::Destinations => (at.key("destinations"), Shape::AdminAddresses),
                RuleField::SourcePorts => (at.key("sourcePortRanges"), Plain),
                RuleField::DestinationPorts => (at.key("destinationPortRanges"), Plain),
            }
        }
        Target::ManagerFeatures(manager) => {
            let m = model
                .managers
                .get(manager)
                .ok_or_else(|| missing("network manager", manager))?;
            (props(&m.path).key("networkManagerScopeAccesses"), Plain)
        }
        Target::GroupDescription(group) | Target::MemberType(group) => {
            let g = model
                .groups
                .get(group)
                .ok_or_else(|| missing("network group", group))?;
            let key = if matches!(target, Target::MemberType(_)) {
                "memberType"
            } else {
                "description"
            };
            (props(&g.path).key(key), Plain)
        }
        Target::Connectivity { config, field } => {
            let c = model
                .connectivity_configs
                .get(config)
                .ok_or_else(|| missing("connectivity configuration", config))?;
            let at = props(&c.path);
            match field {
                ConnectivityField::Topology => (at.key("connectivityTopology"), Plain),
                ConnectivityField::Hub => (at.key("hubs"), Shape::Hubs),
                ConnectivityField::Global => (
                    at.key("isGlobal"),
                    Flag {
                        on: "True",
                        off: "False",
                    },
                ),
                ConnectivityField::DeleteExistingPeering => (
                    at.key("deleteExistingPeering"),
                    Flag {
                        on: "True",
                        off: "False",
                    },
                ),
                ConnectivityField::AddressOverlap => (
                    at.key("connectivityCapabilities")
                        .key("connectedGroupAddressOverlap"),
                    Plain,
                ),
                ConnectivityField::Description => (at.key("description"), Plain),
            }
        }
        Target::AppliesTo {
            config,
            index,
            field,
        } => {
            let c = model
                .connectivity_configs
                .get(config)
                .ok_or_else(|| missing("connectivity configuration", config))?;
            let item = c
                .groups
                .get(*index)
                .ok_or_else(|| missing("network group item", format!("{config} #{}", index + 1)))?;
            match field {
                AppliesField::Group => (item.path.key("networkGroupId"), Plain),
                AppliesField::DirectlyConnected => (
                    item.path.key("groupConnectivity"),
                    Flag {
                        on: "DirectlyConnected",
                        off: "None",
                    },
                ),
                AppliesField::Global => (
                    item.path.key("isGlobal"),
                    Flag {
                        on: "True",
                        off: "False",
                    },
                ),
                AppliesField::UseHubGateway => (
                    item.path.key("useHubGateway"),
                    Flag {
                        on: "True",
                        off: "False",
                    },
                ),
            }
        }
        Target::SecurityAdmin { config, field } => {
            let c = model
                .security_admin_configs
                .get(config)
                .ok_or_else(|| missing("security admin configuration", config))?;
            let at = props(&c.path);
            match field {
                SecurityAdminField::IntentPolicyServices => (
                    at.key("applyOnNetworkIntentPolicyBasedServices"),
                    Shape::List,
                ),
                SecurityAdminField::AddressSpaceAggregation => {
                    (at.key("networkGroupAddressSpaceAggregationOption"), Plain)
                }
                SecurityAdminField::Description => (at.key("description"), Plain),
            }
        }
        Target::Intent { index, field } => {
            let intent = model
                .intents
                .get(*index)
                .ok_or_else(|| missing("intent", format!("#{}", index + 1)))?;
            let key = match field {
                IntentField::Name => "name",
                IntentField::From => "from",
                IntentField::To => "to",
                IntentField::Protocol => "protocol",
                IntentField::Port => "port",
                IntentField::Expect => "expect",
            };
            (intent.path.key(key), Plain)
        }
    })
}

/// The text of a JSON value as a form shows it: a string, a number, a boolean, or a list joined with `, `.
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|item| match item {
                    Value::Object(map) => map
                        .get("addressPrefix")
                        .or_else(|| map.get("resourceId"))
                        .or_else(|| map.get("id"))
                        .and_then(text),
                    other => text(other),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Value::Object(map) => map.get("id").and_then(text),
        Value::Null => None,
    }
}

/// The text of a target as the document writes it; `None` when the document does not write it.
pub(crate) fn read<'d>(
    find: impl Fn(&Path) -> Option<&'d Value>,
    path: &Path,
    shape: &Shape,
) -> Option<String> {
    match shape {
        Shape::Either { singular } => {
            let plural = find(path).filter(|v| !v.is_null());
            let one = path
                .split_last()
                .and_then(|(parent, _)| find(&parent.key(singular)).cloned())
                .filter(|v| !v.is_null());
            if plural.is_none() && one.is_none() {
                return None;
            }
            let items: Vec<String> = plural
                .and_then(text)
                .into_iter()
                .chain(one.as_ref().and_then(text))
                .filter(|t| !t.is_empty())
                .collect();
            Some(items.join(", "))
        }
        _ => find(path).and_then(text),
    }
}
