//! Network managers, their scopes and network groups, and the resource hierarchy that scopes are made of
//! (management groups, subscriptions, resource groups). Spec §1, §2.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::address::{Location, Tags};
use super::ids::{
    ManagementGroupId, NetworkGroupId, NetworkManagerId, ResourceGroupId, ResourceId,
    StaticMemberId, SubscriptionId,
};

/// A configuration type: a feature of a network manager and the type of a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConfigType {
    /// Connectivity configurations.
    Connectivity,
    /// Security admin configurations.
    SecurityAdmin,
    /// Routing configurations (read, not simulated).
    Routing,
    /// Security user configurations (read, not simulated).
    SecurityUser,
}

impl ConfigType {
    /// The name Azure gives the type (`commitType`, `networkManagerScopeAccesses`).
    pub fn name(self) -> &'static str {
        match self {
            ConfigType::Connectivity => "Connectivity",
            ConfigType::SecurityAdmin => "SecurityAdmin",
            ConfigType::Routing => "Routing",
            ConfigType::SecurityUser => "SecurityUser",
        }
    }
}

/// A network manager.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkManager {
    /// Resource id.
    pub id: NetworkManagerId,
    /// Region of the manager resource itself (it manages VNets in every region).
    pub location: Location,
    /// `networkManagerScopes.managementGroups`.
    pub scope_management_groups: Vec<ManagementGroupId>,
    /// `networkManagerScopes.subscriptions`.
    pub scope_subscriptions: Vec<SubscriptionId>,
    /// `networkManagerScopeAccesses`: the configuration types it may deploy.
    pub features: BTreeSet<ConfigType>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// What a network group holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberType {
    /// Virtual networks (the default).
    VirtualNetwork,
    /// Subnets.
    Subnet,
}

/// A network group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkGroup {
    /// Resource id.
    pub id: NetworkGroupId,
    /// The manager it belongs to (its parent).
    pub manager: NetworkManagerId,
    /// `description`.
    pub description: String,
    /// `memberType`.
    pub member_type: MemberType,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A static member of a network group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaticMember {
    /// Resource id.
    pub id: StaticMemberId,
    /// The group (its parent).
    pub group: NetworkGroupId,
    /// `resourceId`: the VNet (or subnet) it adds.
    pub resource: ResourceId,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A management group and its direct children.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManagementGroup {
    /// Resource id (`/providers/Microsoft.Management/managementGroups/<name>`).
    pub id: ManagementGroupId,
    /// Child management groups.
    pub child_groups: Vec<ManagementGroupId>,
    /// Child subscriptions.
    pub child_subscriptions: Vec<SubscriptionId>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A subscription, when the document describes it (display name and tags for policy conditions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    /// Resource id (`/subscriptions/<guid>`).
    pub id: SubscriptionId,
    /// `displayName`.
    pub display_name: Option<String>,
    /// Tags.
    pub tags: Tags,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A resource group, when the document describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceGroup {
    /// Resource id.
    pub id: ResourceGroupId,
    /// Region.
    pub location: Option<Location>,
    /// Tags.
    pub tags: Tags,
    /// JSON path.
    pub path: crate::path::Path,
}
