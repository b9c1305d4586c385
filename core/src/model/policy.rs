//! Azure Policy definitions and assignments that add virtual networks to network groups (spec §2.3, §2.4).
//!
//! The `if` block of a definition is parsed once into a [`Condition`] tree; `membership::condition`
//! evaluates it against a virtual network and explains the outcome.
//! Sources: <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-policy-rule>,
//! <https://learn.microsoft.com/azure/virtual-network-manager/how-to-define-network-group-membership-azure-policy>.

use serde::{Deserialize, Serialize};

use super::ids::{NetworkGroupId, PolicyAssignmentId, PolicyDefinitionId, ResourceId};

/// A policy definition with the `addToNetworkGroup` effect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyDefinition {
    /// Resource id of the definition.
    pub id: PolicyDefinitionId,
    /// `properties.displayName`, or the name when absent.
    pub display_name: String,
    /// The `if` block.
    pub condition: Condition,
    /// `properties.parameters`: the parameters `[parameters('name')]` reads, with their `defaultValue`.
    #[serde(default)]
    pub parameters: Vec<PolicyParameter>,
    /// `then.details.networkGroupId`: the group that matching VNets join.
    /// `None` when the effect is not `addToNetworkGroup` or the mode is not `Microsoft.Network.Data`.
    pub network_group: Option<NetworkGroupId>,
    /// JSON path of the resource in the document.
    pub path: crate::path::Path,
}

/// A parameter declared by a policy definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyParameter {
    /// The name, as declared (names compare ignoring case).
    pub name: String,
    /// `defaultValue`: the value when an assignment does not set one.
    pub default: Option<Literal>,
}

/// An assignment of a policy definition to a scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyAssignment {
    /// Resource id of the assignment.
    pub id: PolicyAssignmentId,
    /// `properties.policyDefinitionId`.
    pub definition: PolicyDefinitionId,
    /// `properties.scope`: a management group, subscription or resource group id.
    pub scope: ResourceId,
    /// `properties.notScopes`: scopes excluded from the assignment.
    pub not_scopes: Vec<ResourceId>,
    /// `false` when `enforcementMode` is `DoNotEnforce` (or `Disabled`): VNets are then not added (spec §2.3).
    pub enforced: bool,
    /// `properties.parameters`: the value of each parameter it sets (`{"name": {"value": ...}}`).
    #[serde(default)]
    pub parameters: Vec<(String, Literal)>,
    /// JSON path of the resource in the document.
    pub path: crate::path::Path,
}

/// A policy condition: the `if` block and everything nested in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    /// `{"allOf": [...]}`: true when every item is true (an empty list is true, decisions Q15).
    AllOf(Vec<Condition>),
    /// `{"anyOf": [...]}`: true when some item is true (an empty list is false, decisions Q15).
    AnyOf(Vec<Condition>),
    /// `{"not": ...}`.
    Not(Box<Condition>),
    /// A leaf: an operand, an operator and a value.
    Test(Test),
    /// A construct the simulator does not evaluate (`count`, an unknown operator...); it evaluates as an
    /// error, so the VNet is not a member (spec §2.4.2).
    Unsupported {
        /// What is not supported, for the diagnostic.
        what: String,
        /// JSON path of the construct.
        path: crate::path::Path,
    },
}

/// A leaf condition such as `{"field": "tags['env']", "equals": "prod"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Test {
    /// What is tested: a field of the resource or a `value` expression.
    pub operand: Operand,
    /// The operator.
    pub operator: Operator,
    /// The operator's argument as written.
    pub value: Literal,
    /// JSON path of this condition object in the document.
    pub path: crate::path::Path,
}

/// The left-hand side of a leaf condition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Operand {
    /// `"field": ...`.
    Field(Field),
    /// `"value": ...`.
    Value(ValueExpr),
}

/// A resource field (field names are case-insensitive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// `name`.
    Name,
    /// `id`: the full resource id.
    Id,
    /// `type`: `Microsoft.Network/virtualNetworks`.
    Type,
    /// `location`, normalised.
    Location,
    /// `kind`.
    Kind,
    /// `fullName`: for a top-level resource, its name.
    FullName,
    /// `tags`: the whole tag object (for `containsKey`).
    Tags,
    /// `tags['name']`, `tags.name` or `tags[name]`.
    Tag(String),
    /// A property alias such as `Microsoft.Network/virtualNetworks/addressSpace.addressPrefixes[*]`;
    /// not simulated, evaluated as a missing field with a warning.
    Alias(String),
}

/// A `value` expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ValueExpr {
    /// A literal value (no template function).
    Literal(Literal),
    /// `[subscription().<property>]`.
    Subscription(SubscriptionProperty),
    /// `[resourceGroup().<property>]`.
    ResourceGroup(ResourceGroupProperty),
    /// `[parameters('name')]`: a definition parameter, bound to the assignment's value or the default.
    Parameter(String),
    /// A template expression the simulator does not evaluate; it evaluates as an error.
    Unsupported(String),
}

/// A property of `subscription()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubscriptionProperty {
    /// `displayName`, and `name` (decisions Q16).
    DisplayName,
    /// `id`: `/subscriptions/<guid>`.
    Id,
    /// `subscriptionId`: the guid.
    SubscriptionId,
    /// `tags['name']`.
    Tag(String),
}

/// A property of `resourceGroup()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResourceGroupProperty {
    /// `name`.
    Name,
    /// `id`.
    Id,
    /// `location`.
    Location,
    /// `tags['name']`.
    Tag(String),
}

/// A condition operator (operator names are case-insensitive in documents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(
    missing_docs,
    reason = "each variant is the Azure Policy operator of the same name"
)]
pub enum Operator {
    Equals,
    NotEquals,
    Like,
    NotLike,
    Match,
    NotMatch,
    MatchInsensitively,
    NotMatchInsensitively,
    Contains,
    NotContains,
    In,
    NotIn,
    ContainsKey,
    NotContainsKey,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
    Exists,
}

/// A JSON literal used as an operator argument or a literal `value`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Literal {
    /// A string.
    String(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// An array (for `in` / `notIn`).
    List(Vec<Literal>),
    /// `null`, or an object (not meaningful as an argument).
    Null,
    /// `"[parameters('name')]"` as an operator argument: a definition parameter, bound to the assignment's
    /// value or the default before evaluation; unbound, it evaluates as an error.
    Parameter(String),
}
