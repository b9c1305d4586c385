//! Why a virtual network is *not* a member of a network group: every way in that failed.
//!
//! A VNet joins a group through a static member that names it, or through an enforced Azure Policy
//! assignment of a definition that targets the group, whose scope contains the VNet, whose `notScopes` do not,
//! and whose condition holds (spec §2.3, §2.5; engine convention 1 of the scenario tests).
//! [`why_not`] walks each of these ways for one VNet and one group and says where each stops: no static
//! member names it, no definition targets the group, a definition is not assigned, an assignment is not
//! enforced or does not reach the VNet, or the condition is false (with the tests that failed, their values
//! and the expected values, from [`condition::explain`]) or cannot be evaluated.
//! It also says when the manager does not have the VNet in scope, which no membership would change.
//! Sources: <https://learn.microsoft.com/azure/virtual-network-manager/concept-network-groups>,
//! <https://learn.microsoft.com/azure/virtual-network-manager/concept-azure-policy-integration>.

use std::fmt;

use serde::{Serialize, Serializer};

use super::condition::{self, ConditionTrace, Outcome};
use super::scope::Hierarchy;
use super::{Membership, subject};
use crate::model::{
    MemberType, Model, NetworkGroup, NetworkGroupId, NetworkManagerId, PolicyAssignmentId,
    PolicyDefinitionId, ResourceId, Vnet, VnetId,
};

/// Why a VNet is not a member of one network group.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NonMembership {
    /// The group.
    pub group: NetworkGroupId,
    /// Every way into the group, and where it stops; in JSON each reason also carries its `message`.
    #[serde(serialize_with = "with_messages")]
    pub reasons: Vec<Reason>,
}

/// Where one way into a group stops.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "reason",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Reason {
    /// The group holds subnets (`memberType: Subnet`), so no VNet can join it.
    SubnetGroup,
    /// The group's manager does not have the VNet's subscription in scope: even as a member, it would
    /// receive no configuration from the group (spec §1.2).
    OutOfScope {
        /// The manager.
        manager: NetworkManagerId,
    },
    /// No static member of the group names the VNet.
    NoStaticMember {
        /// What the group's static members name instead, in id order.
        members: Vec<ResourceId>,
    },
    /// No Azure Policy definition in the document adds VNets to the group.
    NoPolicy,
    /// A definition targets the group but no assignment applies it.
    NotAssigned {
        /// The definition.
        definition: PolicyDefinitionId,
    },
    /// The assignment's `enforcementMode` is `DoNotEnforce` or `Disabled`: it adds no member.
    NotEnforced {
        /// The assignment.
        assignment: PolicyAssignmentId,
        /// Its definition.
        definition: PolicyDefinitionId,
    },
    /// The assignment's scope does not contain the VNet.
    OutsideAssignment {
        /// The assignment.
        assignment: PolicyAssignmentId,
        /// Its definition.
        definition: PolicyDefinitionId,
        /// The assignment's scope.
        scope: ResourceId,
    },
    /// One of the assignment's `notScopes` contains the VNet.
    Excluded {
        /// The assignment.
        assignment: PolicyAssignmentId,
        /// Its definition.
        definition: PolicyDefinitionId,
        /// The `notScopes` entry that contains it.
        not_scope: ResourceId,
    },
    /// The definition's condition is false for the VNet.
    ConditionFalse {
        /// The assignment that evaluated it.
        assignment: PolicyAssignmentId,
        /// The definition.
        definition: PolicyDefinitionId,
        /// The tests that made it false, in document order.
        failed: Vec<FailedTest>,
        /// The whole condition with the outcome of every part.
        condition: ConditionTrace,
    },
    /// The definition's condition cannot be evaluated for the VNet, which keeps it out (spec §2.4.2).
    ConditionError {
        /// The assignment.
        assignment: PolicyAssignmentId,
        /// The definition.
        definition: PolicyDefinitionId,
        /// What cannot be evaluated.
        message: String,
    },
}

/// A test of a policy condition that kept the VNet out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedTest {
    /// JSON path of the test.
    pub path: crate::path::Path,
    /// The test as written: the field, the operator and the expected value (`tags['env'] equals "prod"`).
    pub test: String,
    /// The field's value for the VNet; `None` when it is missing.
    pub actual: Option<String>,
    /// `false` when the test is false; `true` when it holds but a `not` around it needed it false.
    pub held: bool,
}

impl fmt::Display for FailedTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.held {
            "holds, inside a `not`,"
        } else {
            "is false"
        };
        match &self.actual {
            Some(actual) => write!(f, "`{}` {verb} for `{actual}`", self.test),
            None => write!(f, "`{}` {verb}: the value is missing", self.test),
        }
    }
}

/// At most this many static members are named in a message; the JSON lists them all.
const NAMED: usize = 5;

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::SubnetGroup => f.write_str("the group holds subnets, not virtual networks"),
            Reason::OutOfScope { manager } => write!(
                f,
                "network manager `{}` does not have it in scope, so the group's configurations would not reach it",
                manager.name()
            ),
            Reason::NoStaticMember { members } if members.is_empty() => {
                f.write_str("the group has no static member")
            }
            Reason::NoStaticMember { members } => {
                f.write_str("no static member names it; they name ")?;
                for (i, member) in members.iter().take(NAMED).enumerate() {
                    let separator = if i == 0 { "" } else { ", " };
                    write!(f, "{separator}`{}`", member.name())?;
                }
                if members.len() > NAMED {
                    write!(f, " and {} more", members.len() - NAMED)?;
                }
                Ok(())
            }
            Reason::NoPolicy => {
                f.write_str("no Azure Policy definition adds virtual networks to the group")
            }
            Reason::NotAssigned { definition } => {
                write!(f, "policy `{}` is not assigned", definition.name())
            }
            Reason::NotEnforced {
                assignment,
                definition,
            } => write!(
                f,
                "policy `{}`: assignment `{}` is not enforced (`enforcementMode`)",
                definition.name(),
                assignment.name()
            ),
            Reason::OutsideAssignment {
                assignment,
                definition,
                scope,
            } => write!(
                f,
                "policy `{}`: assignment `{}` is scoped to `{}`, which does not contain it",
                definition.name(),
                assignment.name(),
                scope.name()
            ),
            Reason::Excluded {
                assignment,
                definition,
                not_scope,
            } => write!(
                f,
                "policy `{}`: assignment `{}` excludes `{}` (`notScopes`)",
                definition.name(),
                assignment.name(),
                not_scope.name()
            ),
            Reason::ConditionFalse {
                definition, failed, ..
            } => {
                write!(f, "policy `{}`: ", definition.name())?;
                if failed.is_empty() {
                    return f.write_str("its condition is false");
                }
                for (i, test) in failed.iter().enumerate() {
                    let separator = if i == 0 { "" } else { "; " };
                    write!(f, "{separator}{test}")?;
                }
                Ok(())
            }
            Reason::ConditionError {
                definition,
                message,
                ..
            } => write!(
                f,
                "policy `{}`: its condition cannot be evaluated: {message}",
                definition.name()
            ),
        }
    }
}

/// Serialises reasons with their messages: `{"reason": "noPolicy", "message": "no Azure Policy ..."}`.
fn with_messages<S: Serializer>(reasons: &[Reason], serializer: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        reason: &'a Reason,
        message: String,
    }
    serializer.collect_seq(reasons.iter().map(|reason| Shown {
        reason,
        message: reason.to_string(),
    }))
}

/// Why a VNet is not a member of a group: `None` when it is one (in scope or not), or when the document has
/// no such VNet or group.
///
/// ```
/// use avnm_core::{Scenario, analyze};
/// use avnm_core::membership::why_not::{Reason, why_not};
/// use avnm_core::model::{NetworkGroupId, VnetId};
/// let nm = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm";
/// let vnet = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";
/// let scenario = Scenario::parse(&format!(r#"{{"resources": [
///   {{"id": "{nm}", "type": "Microsoft.Network/networkManagers", "location": "westeurope",
///     "properties": {{"networkManagerScopes": {{"subscriptions": ["/subscriptions/s1"]}},
///                     "networkManagerScopeAccesses": ["Connectivity"]}}}},
///   {{"id": "{nm}/networkGroups/ng", "type": "Microsoft.Network/networkManagers/networkGroups"}},
///   {{"id": "{vnet}", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
///     "properties": {{"addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}}}}}}]}}"#)).unwrap();
/// let analysis = analyze(&scenario);
/// let group = NetworkGroupId::new(format!("{nm}/networkGroups/ng"));
/// let why = why_not(&analysis.model, &analysis.membership, &VnetId::new(vnet), &group).unwrap();
/// assert_eq!(why.reasons, [Reason::NoStaticMember { members: vec![] }, Reason::NoPolicy]);
/// assert_eq!(why.reasons[1].to_string(), "no Azure Policy definition adds virtual networks to the group");
/// ```
pub fn why_not(
    model: &Model,
    membership: &Membership,
    vnet: &VnetId,
    group: &NetworkGroupId,
) -> Option<NonMembership> {
    WhyNot::new(model, membership).why_not(vnet, group)
}

/// [`why_not`] for many VNets of one analysis, reading the design's management group hierarchy once (a condition's
/// preview of 40 VNets of a 10,000-VNet design read it 40 times, a third of the preview's time).
#[derive(Debug)]
pub struct WhyNot<'a> {
    model: &'a Model,
    membership: &'a Membership,
    hierarchy: Hierarchy,
}

impl<'a> WhyNot<'a> {
    /// The explainer of an analysis' model and membership.
    pub fn new(model: &'a Model, membership: &'a Membership) -> Self {
        WhyNot {
            model,
            membership,
            hierarchy: Hierarchy::new(model),
        }
    }

    /// What [`why_not`] says of `vnet` and `group`.
    pub fn why_not(&self, vnet: &VnetId, group: &NetworkGroupId) -> Option<NonMembership> {
        let vnet = self.model.vnets.get(vnet)?;
        let group = self.model.groups.get(group)?;
        explain(self.model, &self.hierarchy, self.membership, vnet, group)
    }
}

/// The groups a VNet is not a member of, among the groups of the managers that have it in scope, each with
/// its reasons; in group id order.
pub fn not_member_of(model: &Model, membership: &Membership, vnet: &VnetId) -> Vec<NonMembership> {
    let Some(vnet) = model.vnets.get(vnet) else {
        return Vec::new();
    };
    let hierarchy = Hierarchy::new(model);
    model
        .groups
        .values()
        .filter(|group| {
            model
                .managers
                .get(&group.manager)
                .is_some_and(|m| hierarchy.scope_level(m, &vnet.subscription).is_some())
        })
        .filter_map(|group| explain(model, &hierarchy, membership, vnet, group))
        .collect()
}

/// The reasons for one VNet and one group, or `None` when the VNet is a member.
fn explain(
    model: &Model,
    hierarchy: &Hierarchy,
    membership: &Membership,
    vnet: &Vnet,
    group: &NetworkGroup,
) -> Option<NonMembership> {
    let id = vnet.id.as_str();
    if membership
        .members(&group.id)
        .iter()
        .any(|m| m.id.as_str().eq_ignore_ascii_case(id))
    {
        return None;
    }
    let done = |reasons| {
        Some(NonMembership {
            group: group.id.clone(),
            reasons,
        })
    };
    if group.member_type == MemberType::Subnet {
        return done(vec![Reason::SubnetGroup]);
    }
    let mut reasons = Vec::new();
    let in_scope = model
        .managers
        .get(&group.manager)
        .is_some_and(|m| hierarchy.scope_level(m, &vnet.subscription).is_some());
    if !in_scope {
        reasons.push(Reason::OutOfScope {
            manager: group.manager.clone(),
        });
    }

    let mut members: Vec<ResourceId> = model
        .static_members
        .values()
        .filter(|m| m.group == group.id)
        .map(|m| m.resource.clone())
        .collect();
    members.sort();
    reasons.push(Reason::NoStaticMember { members });

    let mut targeted = false;
    for definition in model
        .policy_definitions
        .values()
        .filter(|d| d.network_group.as_ref() == Some(&group.id))
    {
        targeted = true;
        let mut assigned = false;
        for assignment in model
            .policy_assignments
            .values()
            .filter(|a| a.definition == definition.id)
        {
            assigned = true;
            let (assignment, definition_id) = (assignment, &definition.id);
            let contains = |scope: &str| {
                hierarchy.scope_contains(scope, &vnet.subscription, &vnet.resource_group, id)
            };
            let reason = if !assignment.enforced {
                Reason::NotEnforced {
                    assignment: assignment.id.clone(),
                    definition: definition_id.clone(),
                }
            } else if !contains(assignment.scope.as_str()) {
                Reason::OutsideAssignment {
                    assignment: assignment.id.clone(),
                    definition: definition_id.clone(),
                    scope: assignment.scope.clone(),
                }
            } else if let Some(not_scope) =
                assignment.not_scopes.iter().find(|n| contains(n.as_str()))
            {
                Reason::Excluded {
                    assignment: assignment.id.clone(),
                    definition: definition_id.clone(),
                    not_scope: not_scope.clone(),
                }
            } else {
                let trace = condition::explain(&definition.condition, &subject(model, vnet));
                match &trace.outcome {
                    // The VNet would be a member; the membership given says otherwise, so it is not from
                    // this model. Nothing stops this way in.
                    Outcome::True => continue,
                    Outcome::Error(message) => Reason::ConditionError {
                        assignment: assignment.id.clone(),
                        definition: definition_id.clone(),
                        message: message.clone(),
                    },
                    Outcome::False => {
                        let mut failed = Vec::new();
                        culprits(&trace, true, &mut failed);
                        Reason::ConditionFalse {
                            assignment: assignment.id.clone(),
                            definition: definition_id.clone(),
                            failed,
                            condition: trace,
                        }
                    }
                }
            };
            reasons.push(reason);
        }
        if !assigned {
            reasons.push(Reason::NotAssigned {
                definition: definition.id.clone(),
            });
        }
    }
    if !targeted {
        reasons.push(Reason::NoPolicy);
    }
    done(reasons)
}

/// The tests that keep `node` from being `want`: for a condition that should hold, the false tests that
/// decide it (every false item of an `allOf`, every item of an `anyOf`); through a `not`, the tests that
/// should not hold.
fn culprits(node: &ConditionTrace, want: bool, out: &mut Vec<FailedTest>) {
    let wanted = Outcome::from(want);
    match node.text.as_str() {
        "allOf" | "anyOf" => {
            let all = node.text == "allOf";
            // An `allOf` that should hold fails on each false item; an `anyOf` that should hold fails on
            // all of them; and the other way round when it should not hold.
            let every = all != want;
            for child in &node.children {
                if every || child.outcome != wanted {
                    culprits(child, want, out);
                }
            }
        }
        "not" if node.children.len() == 1 => {
            for child in &node.children {
                culprits(child, !want, out);
            }
        }
        _ => {
            if node.outcome != wanted && !matches!(node.outcome, Outcome::Error(_)) {
                out.push(FailedTest {
                    path: node.path.clone(),
                    test: node.text.clone(),
                    actual: node.actual.clone(),
                    held: !want,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
