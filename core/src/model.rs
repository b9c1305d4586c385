//! The typed model of a design: plain validated data, with no behaviour beyond simple queries.
//!
//! A [`Model`] is built from a scenario document by `scenario::format` and read by every engine.
//! Maps are keyed by typed ids in `BTreeMap`s so that iteration, traces and outputs are deterministic.

pub mod address;
pub mod config;
pub mod flow;
pub mod ids;
pub mod manager;
pub mod network;
pub mod policy;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

pub use address::{AddressItem, Direction, Location, PortRange, Protocol, ServiceTag, Tags};
pub use config::{
    Access, AdminRule, Commit, ConnectivityConfig, ConnectivityGroup, Decision, Intent,
    IntentPolicyMode, OverlapPolicy, RuleCollection, SecurityAdminConfig, Topology,
};
pub use flow::Flow;
pub use ids::{
    AdminRuleId, AsgId, ConfigurationId, ManagementGroupId, NetworkGroupId, NetworkManagerId,
    NicId, NsgId, NsgRuleId, PeeringId, PolicyAssignmentId, PolicyDefinitionId, ResourceGroupId,
    ResourceId, RuleCollectionId, StaticMemberId, SubnetId, SubscriptionId, VnetId,
};
pub use manager::{
    ConfigType, ManagementGroup, MemberType, NetworkGroup, NetworkManager, ResourceGroup,
    StaticMember, Subscription,
};
pub use network::{
    IpConfiguration, Nic, Nsg, NsgAccess, NsgRule, Peering, PeeringState, Subnet, SubnetRole, Vnet,
    default_rules,
};
pub use policy::{PolicyAssignment, PolicyDefinition};

/// The items of one kind, by id: shared between the models of designs a change makes from each other until the
/// change writes one of them (`Arc::make_mut`), so that a change copies only the kinds of items it wrote.
pub type Items<K, V> = Arc<BTreeMap<K, V>>;

/// Everything the engines read about a design.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Model {
    /// Virtual networks.
    pub vnets: Items<VnetId, Vnet>,
    /// Network interfaces.
    pub nics: Items<NicId, Nic>,
    /// Network security groups.
    pub nsgs: Items<NsgId, Nsg>,
    /// Network managers.
    pub managers: Items<NetworkManagerId, NetworkManager>,
    /// Network groups of all managers.
    pub groups: Items<NetworkGroupId, NetworkGroup>,
    /// Static members of all groups.
    pub static_members: Items<StaticMemberId, StaticMember>,
    /// Connectivity configurations.
    pub connectivity_configs: Items<ConfigurationId, ConnectivityConfig>,
    /// Security admin configurations with their rule collections and rules.
    pub security_admin_configs: Items<ConfigurationId, SecurityAdminConfig>,
    /// Policy definitions with the `addToNetworkGroup` effect.
    pub policy_definitions: Items<PolicyDefinitionId, PolicyDefinition>,
    /// Policy assignments.
    pub policy_assignments: Items<PolicyAssignmentId, PolicyAssignment>,
    /// Management groups.
    pub management_groups: Items<ManagementGroupId, ManagementGroup>,
    /// Subscriptions described in the document.
    pub subscriptions: Items<SubscriptionId, Subscription>,
    /// Resource groups described in the document.
    pub resource_groups: Items<ResourceGroupId, ResourceGroup>,
    /// The commits, oldest first.
    pub commits: Vec<Commit>,
    /// The intents.
    pub intents: Vec<Intent>,
}

impl Model {
    /// Every security admin rule: configuration by configuration (in id order), then collection by collection and
    /// rule by rule as their configuration lists them.
    pub fn admin_rules(&self) -> impl Iterator<Item = &AdminRule> {
        self.security_admin_configs
            .values()
            .flat_map(|config| &config.collections)
            .flat_map(|collection| &collection.rules)
    }

    /// The configurations of a manager of one type, in id order.
    pub fn configurations_of(
        &self,
        manager: &NetworkManagerId,
        kind: ConfigType,
    ) -> Vec<ConfigurationId> {
        match kind {
            ConfigType::Connectivity => self
                .connectivity_configs
                .values()
                .filter(|c| &c.manager == manager)
                .map(|c| c.id.clone())
                .collect(),
            ConfigType::SecurityAdmin => self
                .security_admin_configs
                .values()
                .filter(|c| &c.manager == manager)
                .map(|c| c.id.clone())
                .collect(),
            ConfigType::Routing | ConfigType::SecurityUser => Vec::new(),
        }
    }

    /// The regions that have a virtual network, sorted.
    pub fn regions(&self) -> Vec<String> {
        let regions: std::collections::BTreeSet<String> = self
            .vnets
            .values()
            .map(|v| v.location.to_string())
            .collect();
        regions.into_iter().collect()
    }

    /// The configuration type of a configuration id, when the configuration exists.
    pub fn config_type(&self, id: &ConfigurationId) -> Option<ConfigType> {
        if self.connectivity_configs.contains_key(id) {
            Some(ConfigType::Connectivity)
        } else if self.security_admin_configs.contains_key(id) {
            Some(ConfigType::SecurityAdmin)
        } else {
            None
        }
    }

    /// The VNet a subnet belongs to.
    pub fn vnet_of_subnet(&self, subnet: &SubnetId) -> Option<&Vnet> {
        let parent = VnetId::new(ids::parent_of(subnet.as_str()));
        self.vnets.get(&parent)
    }

    /// A subnet by id.
    pub fn subnet(&self, subnet: &SubnetId) -> Option<&Subnet> {
        self.vnet_of_subnet(subnet)?
            .subnets
            .iter()
            .find(|s| &s.id == subnet)
    }
}
