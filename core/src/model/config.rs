//! Configurations of a network manager, their commits, and the intents of a document.
//! Spec §3 (connectivity), §4 (security admin), §6 (deployments); decisions §1.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::address::{AddressItem, Direction, Location, PortRange, Protocol};
use super::ids::{
    AdminRuleId, ConfigurationId, NetworkGroupId, NetworkManagerId, RuleCollectionId, VnetId,
};
use super::manager::ConfigType;

/// `connectivityTopology`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Topology {
    /// A hub peered with every spoke.
    HubAndSpoke,
    /// Every member connected to every other, as a connected group.
    Mesh,
}

/// `connectivityCapabilities.connectedGroupAddressOverlap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OverlapPolicy {
    /// Overlapping ranges are dropped from the connected group (the default).
    Allowed,
    /// A VNet that overlaps a member is not added.
    Disallowed,
}

/// A connectivity configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectivityConfig {
    /// Resource id.
    pub id: ConfigurationId,
    /// The manager (parent).
    pub manager: NetworkManagerId,
    /// `connectivityTopology`.
    pub topology: Topology,
    /// `hubs[].resourceId`.
    pub hubs: Vec<VnetId>,
    /// `appliesToGroups`.
    pub groups: Vec<ConnectivityGroup>,
    /// `isGlobal`: global mesh.
    pub is_global: bool,
    /// `deleteExistingPeering`.
    pub delete_existing_peering: bool,
    /// `connectivityCapabilities.connectedGroupAddressOverlap`.
    pub overlap: OverlapPolicy,
    /// JSON path.
    pub path: crate::path::Path,
}

/// An item of a connectivity configuration's `appliesToGroups`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectivityGroup {
    /// `networkGroupId`.
    pub group: NetworkGroupId,
    /// `groupConnectivity` is `DirectlyConnected`.
    pub directly_connected: bool,
    /// `isGlobal`: cross-region direct connectivity.
    pub is_global: bool,
    /// `useHubGateway`.
    pub use_hub_gateway: bool,
    /// JSON path.
    pub path: crate::path::Path,
}

/// `applyOnNetworkIntentPolicyBasedServices` (spec §4.5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntentPolicyMode {
    /// Admin rules skip VNets with such services (the default).
    #[default]
    None,
    /// Only `Allow` rules apply there (decisions Q5).
    AllowRulesOnly,
    /// All rules apply.
    All,
}

/// A security admin configuration with its rule collections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityAdminConfig {
    /// Resource id.
    pub id: ConfigurationId,
    /// The manager (parent).
    pub manager: NetworkManagerId,
    /// `applyOnNetworkIntentPolicyBasedServices`.
    pub intent_policy_mode: IntentPolicyMode,
    /// `networkGroupAddressSpaceAggregationOption` is `Manual`.
    pub manual_aggregation: bool,
    /// Rule collections.
    pub collections: Vec<RuleCollection>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A rule collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleCollection {
    /// Resource id.
    pub id: RuleCollectionId,
    /// `appliesToGroups[].networkGroupId`.
    pub groups: Vec<NetworkGroupId>,
    /// The rules.
    pub rules: Vec<AdminRule>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A security admin rule's action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Access {
    /// Let the traffic on to the NSGs.
    Allow,
    /// Allow it and skip the NSGs.
    AlwaysAllow,
    /// Drop it.
    Deny,
}

/// A security admin rule (`kind: Custom`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminRule {
    /// Resource id.
    pub id: AdminRuleId,
    /// 1-4096, lower first.
    pub priority: u32,
    /// Action.
    pub access: Access,
    /// Direction.
    pub direction: Direction,
    /// Protocol.
    pub protocol: Protocol,
    /// Sources; empty matches any.
    pub sources: Vec<AddressItem>,
    /// Destinations; empty matches any.
    pub destinations: Vec<AddressItem>,
    /// Source ports; empty matches any.
    pub source_ports: Vec<PortRange>,
    /// Destination ports; empty matches any.
    pub destination_ports: Vec<PortRange>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// A commit: the body of the AVNM commit call plus the manager (decisions §1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    /// `networkManagerId`.
    pub manager: NetworkManagerId,
    /// `commitType`.
    pub commit_type: ConfigType,
    /// `configurationIds`; empty removes that type from the regions.
    pub configurations: Vec<ConfigurationId>,
    /// `targetLocations`.
    pub regions: Vec<Location>,
    /// `snapshots`, a key of the playground's own (decisions §1 allows extra keys): for each configuration,
    /// the fingerprint of its content when it was committed (`deployment::fingerprint`), so that an edit made
    /// since can be shown as "redeploy needed" (spec §6.2, §12.1). Empty when the document does not record it.
    pub snapshots: BTreeMap<ConfigurationId, String>,
    /// JSON path.
    pub path: crate::path::Path,
}

/// The expected outcome of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Decision {
    /// The flow reaches its destination.
    Allowed,
    /// A rule drops the flow.
    Denied,
    /// There is no path, or no endpoint.
    Unreachable,
}

impl std::fmt::Display for Decision {
    /// `Allowed`, `Denied` or `Unreachable`, as decisions §2 spells them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Decision::Allowed => "Allowed",
            Decision::Denied => "Denied",
            Decision::Unreachable => "Unreachable",
        })
    }
}

/// An assertion about traffic (decisions §1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    /// `name`.
    pub name: String,
    /// The flow.
    pub flow: super::flow::Flow,
    /// `expect`.
    pub expect: Decision,
    /// JSON path.
    pub path: crate::path::Path,
}
