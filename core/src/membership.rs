//! Network group membership: static members and Azure Policy members, with the reason for each.
//!
//! `members(G) = static(G) ∪ policy(G)` (spec §2.5).
//! A member outside its manager's scope stays in the group, "to represent your intent", but receives no
//! configuration (spec §1.2); [`Member::in_scope`] says which.
//! Sources: <https://learn.microsoft.com/azure/virtual-network-manager/concept-network-groups>,
//! <https://learn.microsoft.com/azure/virtual-network-manager/concept-azure-policy-integration>.

pub mod condition;
pub mod scope;
pub mod why_not;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use self::condition::{ConditionTrace, Outcome, Subject};
use self::scope::Hierarchy;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    MemberType, Model, NetworkGroupId, PolicyAssignmentId, PolicyDefinitionId, ResourceId,
    StaticMemberId, SubscriptionId, Vnet, VnetId,
};

/// The members of every network group.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    /// Every network group of the model, with its members sorted by id.
    pub groups: BTreeMap<NetworkGroupId, Vec<Member>>,
    /// For each VNet, the groups it is an in-scope member of: the groups whose configurations it receives.
    pub vnet_groups: BTreeMap<VnetId, BTreeSet<NetworkGroupId>>,
    /// Problems found while resolving (out-of-scope members, conditions that cannot be evaluated).
    pub diagnostics: Vec<Diagnostic>,
}

/// A member of a network group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The VNet (or subnet) id.
    pub id: ResourceId,
    /// Whether the group's manager has the member in scope, so that configurations reach it.
    pub in_scope: bool,
    /// Why it is a member: every static member and policy assignment that adds it.
    pub sources: Vec<Source>,
}

/// Why a resource is a member.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// A static member resource names it.
    Static(StaticMemberId),
    /// A policy assignment's definition matched it.
    #[serde(rename_all = "camelCase")]
    Policy {
        /// The assignment.
        assignment: PolicyAssignmentId,
        /// The definition whose condition held.
        definition: PolicyDefinitionId,
    },
}

impl Membership {
    /// The members of a group.
    pub fn members(&self, group: &NetworkGroupId) -> &[Member] {
        self.groups.get(group).map_or(&[], Vec::as_slice)
    }

    /// Whether a VNet is an in-scope member of a group.
    pub fn receives(&self, vnet: &VnetId, group: &NetworkGroupId) -> bool {
        self.vnet_groups
            .get(vnet)
            .is_some_and(|g| g.contains(group))
    }
}

/// Resolves the members of every network group.
pub fn resolve(model: &Model) -> Membership {
    let hierarchy = Hierarchy::new(model);
    let mut found: BTreeMap<NetworkGroupId, BTreeMap<ResourceId, BTreeSet<Source>>> = model
        .groups
        .keys()
        .map(|g| (g.clone(), BTreeMap::new()))
        .collect();
    let mut diagnostics = Vec::new();

    for member in model.static_members.values() {
        let Some(group) = model.groups.get(&member.group) else {
            continue;
        };
        let exists = match group.member_type {
            MemberType::VirtualNetwork => model
                .vnets
                .contains_key(&VnetId::new(member.resource.as_str())),
            MemberType::Subnet => model
                .subnet(&crate::model::SubnetId::new(member.resource.as_str()))
                .is_some(),
        };
        if exists {
            found
                .entry(group.id.clone())
                .or_default()
                .entry(member.resource.clone())
                .or_default()
                .insert(Source::Static(member.id.clone()));
        }
    }

    policy_members(model, &hierarchy, &mut found, &mut diagnostics);

    let mut membership = Membership {
        diagnostics,
        ..Membership::default()
    };
    for (group_id, members) in found {
        let group = model.groups.get(&group_id);
        let manager = group.and_then(|g| model.managers.get(&g.manager));
        let mut list = Vec::with_capacity(members.len());
        for (id, sources) in members {
            let (subscription, _) = crate::model::ids::scope_of(id.as_str());
            let in_scope = match (manager, subscription) {
                (Some(m), Some(s)) => hierarchy.scope_level(m, &s).is_some(),
                _ => false,
            };
            if !in_scope {
                membership.diagnostics.push(Diagnostic::warning(
                    Code::OutOfScopeMember,
                    group.map(|g| g.path.clone()).unwrap_or_default(),
                    format!(
                        "`{}` is a member of `{}` but outside its manager's scope, so it receives no configuration",
                        id.name(),
                        group_id.name()
                    ),
                ));
            }
            if in_scope && group.is_some_and(|g| g.member_type == MemberType::VirtualNetwork) {
                membership
                    .vnet_groups
                    .entry(VnetId::new(id.as_str()))
                    .or_default()
                    .insert(group_id.clone());
            }
            list.push(Member {
                id,
                in_scope,
                sources: sources.into_iter().collect(),
            });
        }
        membership.groups.insert(group_id, list);
    }
    membership
}

/// The facts a condition is evaluated against, for one VNet.
pub fn subject<'a>(model: &'a Model, vnet: &'a Vnet) -> Subject<'a> {
    let subscription = model.subscriptions.get(&vnet.subscription);
    let resource_group = model.resource_groups.get(&vnet.resource_group);
    Subject {
        id: vnet.id.as_str(),
        name: &vnet.name,
        resource_type: "Microsoft.Network/virtualNetworks",
        location: &vnet.location,
        kind: None,
        tags: &vnet.tags,
        subscription_id: vnet.subscription.as_str(),
        subscription_name: subscription.and_then(|s| s.display_name.as_deref()),
        subscription_tags: subscription.map(|s| &s.tags),
        resource_group_id: vnet.resource_group.as_str(),
        resource_group_name: vnet.resource_group.name(),
        resource_group_location: resource_group.and_then(|r| r.location.as_ref()),
        resource_group_tags: resource_group.map(|r| &r.tags),
    }
}

/// Adds the members of every enforced assignment whose definition targets a VNet group.
fn policy_members(
    model: &Model,
    hierarchy: &Hierarchy,
    found: &mut BTreeMap<NetworkGroupId, BTreeMap<ResourceId, BTreeSet<Source>>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // The facts of each VNet, read once: an assignment at a management group evaluates every VNet below it.
    let mut by_subscription: BTreeMap<&SubscriptionId, Vec<(&Vnet, Subject<'_>)>> = BTreeMap::new();
    for vnet in model.vnets.values() {
        by_subscription
            .entry(&vnet.subscription)
            .or_default()
            .push((vnet, subject(model, vnet)));
    }
    let mut reported: BTreeSet<(PolicyDefinitionId, String)> = BTreeSet::new();
    for assignment in model.policy_assignments.values() {
        if !assignment.enforced {
            continue;
        }
        let Some(definition) = model.policy_definitions.get(&assignment.definition) else {
            continue;
        };
        let Some(group) = definition
            .network_group
            .as_ref()
            .and_then(|g| model.groups.get(g))
        else {
            continue;
        };
        if group.member_type != MemberType::VirtualNetwork {
            continue;
        }
        let condition = condition::bind(definition, Some(assignment));
        let scope = assignment.scope.as_str();
        for (sub, vnets) in &by_subscription {
            let sub_id = sub.as_str();
            // The whole subscription is in scope when the scope is the subscription or a management group above
            // it; a scope inside the subscription (a resource group, a VNet) is checked VNet by VNet.
            let whole = scope.eq_ignore_ascii_case(sub_id)
                || hierarchy
                    .ancestors(sub)
                    .iter()
                    .any(|mg| mg.as_str().eq_ignore_ascii_case(scope));
            let inside = !whole
                && scope.len() > sub_id.len()
                && scope
                    .get(..sub_id.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(sub_id));
            if !whole && !inside {
                continue;
            }
            for (vnet, facts) in vnets {
                let id = vnet.id.as_str();
                if (inside
                    && !hierarchy.scope_contains(
                        scope,
                        &vnet.subscription,
                        &vnet.resource_group,
                        id,
                    ))
                    || assignment.not_scopes.iter().any(|n| {
                        hierarchy.scope_contains(
                            n.as_str(),
                            &vnet.subscription,
                            &vnet.resource_group,
                            id,
                        )
                    })
                {
                    continue;
                }
                match condition::evaluate(&condition, facts) {
                    Outcome::True => {
                        found
                            .entry(group.id.clone())
                            .or_default()
                            .entry(ResourceId::new(id))
                            .or_default()
                            .insert(Source::Policy {
                                assignment: assignment.id.clone(),
                                definition: definition.id.clone(),
                            });
                    }
                    Outcome::False => {}
                    Outcome::Error(message) => {
                        if reported.insert((definition.id.clone(), message.clone())) {
                            diagnostics.push(Diagnostic::warning(
                                Code::PolicyError,
                                definition.path.clone(),
                                format!(
                                    "{message}; VNets for which it fails are not added to `{}`",
                                    group.id.name()
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// Explains why a VNet is or is not matched by a policy definition's condition, with the parameter values of
/// an assignment (without one, the definition's defaults).
pub fn explain_condition(
    model: &Model,
    definition: &PolicyDefinitionId,
    assignment: Option<&PolicyAssignmentId>,
    vnet: &VnetId,
) -> Option<ConditionTrace> {
    let definition = model.policy_definitions.get(definition)?;
    let vnet = model.vnets.get(vnet)?;
    let assignment = assignment.and_then(|a| model.policy_assignments.get(a));
    Some(condition::explain(
        &condition::bind(definition, assignment),
        &subject(model, vnet),
    ))
}
