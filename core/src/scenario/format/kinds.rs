//! The resource types the reader reads, lowercase (a resource's `type` is compared ignoring case).

/// Virtual networks.
pub(super) const VNET: &str = "microsoft.network/virtualnetworks";
/// Subnets given as resources of their own.
pub(super) const SUBNET: &str = "microsoft.network/virtualnetworks/subnets";
/// Peerings given as resources of their own.
pub(super) const PEERING: &str = "microsoft.network/virtualnetworks/virtualnetworkpeerings";
/// Network interfaces.
pub(super) const NIC: &str = "microsoft.network/networkinterfaces";
/// Network security groups.
pub(super) const NSG: &str = "microsoft.network/networksecuritygroups";
/// NSG rules given as resources of their own.
pub(super) const NSG_RULE: &str = "microsoft.network/networksecuritygroups/securityrules";
/// Network managers.
pub(super) const MANAGER: &str = "microsoft.network/networkmanagers";
/// Network groups.
pub(super) const GROUP: &str = "microsoft.network/networkmanagers/networkgroups";
/// Static members.
pub(super) const STATIC_MEMBER: &str =
    "microsoft.network/networkmanagers/networkgroups/staticmembers";
/// Connectivity configurations.
pub(super) const CONNECTIVITY: &str =
    "microsoft.network/networkmanagers/connectivityconfigurations";
/// Security admin configurations.
pub(super) const ADMIN: &str = "microsoft.network/networkmanagers/securityadminconfigurations";
/// Rule collections.
pub(super) const COLLECTION: &str =
    "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections";
/// Security admin rules.
pub(super) const ADMIN_RULE: &str =
    "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections/rules";
/// Policy definitions.
pub(super) const POLICY_DEFINITION: &str = "microsoft.authorization/policydefinitions";
/// Policy assignments.
pub(super) const POLICY_ASSIGNMENT: &str = "microsoft.authorization/policyassignments";
/// Management groups.
pub(super) const MANAGEMENT_GROUP: &str = "microsoft.management/managementgroups";
/// Subscriptions.
pub(super) const SUBSCRIPTION: &str = "microsoft.resources/subscriptions";
/// Resource groups.
pub(super) const RESOURCE_GROUP: &str = "microsoft.resources/resourcegroups";
