//! Network group membership: static members and Azure Policy members, with the reason for each.
//!
//! `members(G) = static(G) ∪ policy(G)` (spec §2.5).
//! A member outside its manager's scope stays in the group, "to represent your intent", but receives no
//! configuration (spec §1.2); [`Member::in_scope`] says which.
//! Sources: <https://learn.microsoft.com/azure/virtual-network-manager/concept-network-groups>,
//! <https://learn.microsoft.com/azure/virtual-network-manager/concept-azure-policy-integration>.

pub mod condition;
mod index;
pub mod scope;
pub mod why_not;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use self::condition::{ConditionTrace, Outcome, Subject};
use self::index::ConditionIndex;
use self::scope::Hierarchy;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    MemberType, Model, NetworkGroup, NetworkGroupId, PolicyAssignment, PolicyAssignmentId,
    PolicyDefinition, PolicyDefinitionId, ResourceId, StaticMemberId, SubscriptionId, Vnet, VnetId,
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
    Resolving::new(model).finish()
}

/// [`resolve`] a few steps at a time ([`Resolving::step`]), for a page that resolves a large design's membership
/// between its frames: each policy definition's candidates, each enforced assignment's members, each group's list
/// is a step. It gives what [`resolve`] gives.
///
/// ```
/// use avnm_core::{Scenario, membership::{Resolving, resolve}};
/// let scenario = Scenario::parse(include_str!("../../static/examples/hub-spoke-guardrails.json")).unwrap();
/// let mut resolving = Resolving::new(scenario.model());
/// assert!(!resolving.step(1));
/// assert_eq!(resolving.progress().0, 1);
/// while !resolving.step(1) {}
/// let (done, total) = resolving.progress();
/// assert_eq!(done, total);
/// assert_eq!(resolving.finish(), resolve(scenario.model()));
/// ```
pub struct Resolving<'m> {
    model: &'m Model,
    hierarchy: Hierarchy,
    /// The members found so far, by group, with why.
    found: BTreeMap<NetworkGroupId, BTreeMap<ResourceId, BTreeSet<Source>>>,
    diagnostics: Vec<Diagnostic>,
    policy: Policy<'m>,
    /// How far the steps are.
    stage: Stage,
    /// The groups listed so far, and those left.
    membership: Membership,
    left: std::collections::btree_map::IntoIter<
        NetworkGroupId,
        BTreeMap<ResourceId, BTreeSet<Source>>,
    >,
}

/// How far a [`Resolving`] is: the candidates of the `n`th definition reached next, then the `n`th target's
/// members, then the groups' lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Candidates(usize),
    Targets(usize),
    Groups,
}

impl<'m> Resolving<'m> {
    /// Starts resolving: the static members, and what the policies' steps read (the VNets' facts by subscription,
    /// the subscriptions each enforced assignment reaches).
    pub fn new(model: &'m Model) -> Self {
        let hierarchy = Hierarchy::new(model);
        let mut found: BTreeMap<NetworkGroupId, BTreeMap<ResourceId, BTreeSet<Source>>> = model
            .groups
            .keys()
            .map(|g| (g.clone(), BTreeMap::new()))
            .collect();
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
        let policy = Policy::new(model, &hierarchy);
        Resolving {
            model,
            hierarchy,
            found,
            diagnostics: Vec::new(),
            policy,
            stage: Stage::Candidates(0),
            membership: Membership::default(),
            left: BTreeMap::new().into_iter(),
        }
    }

    /// Takes up to `count` more steps; whether every step is taken.
    pub fn step(&mut self, count: usize) -> bool {
        let mut budget = count;
        loop {
            match self.stage {
                Stage::Candidates(n) if n < self.policy.reached.len() => {
                    if budget == 0 {
                        return false;
                    }
                    self.policy.candidates_of(self.model, n);
                    self.stage = Stage::Candidates(n + 1);
                    budget -= 1;
                }
                Stage::Candidates(_) => self.stage = Stage::Targets(0),
                Stage::Targets(n) if n < self.policy.targets.len() => {
                    if budget == 0 {
                        return false;
                    }
                    self.policy.members_of(
                        n,
                        &self.hierarchy,
                        &mut self.found,
                        &mut self.diagnostics,
                    );
                    self.stage = Stage::Targets(n + 1);
                    budget -= 1;
                }
                Stage::Targets(_) => {
                    self.stage = Stage::Groups;
                    self.membership.diagnostics = std::mem::take(&mut self.diagnostics);
                    self.left = std::mem::take(&mut self.found).into_iter();
                }
                Stage::Groups => {
                    if self.left.len() == 0 {
                        return true;
                    }
                    if budget == 0 {
                        return false;
                    }
                    if let Some((group, members)) = self.left.next() {
                        self.list(group, members);
                    }
                    budget -= 1;
                }
            }
        }
    }

    /// How many steps are taken, of how many.
    pub fn progress(&self) -> (usize, usize) {
        let (definitions, targets) = (self.policy.reached.len(), self.policy.targets.len());
        let groups = self.model.groups.len();
        let done = match self.stage {
            Stage::Candidates(n) => n,
            Stage::Targets(n) => definitions + n,
            Stage::Groups => definitions + targets + groups.saturating_sub(self.left.len()),
        };
        (done, definitions + targets + groups)
    }

    /// Takes the steps left and gives the membership (taken out: a page that keeps the resolution beside the model
    /// it borrows finishes it in place).
    pub fn finish(&mut self) -> Membership {
        while !self.step(usize::MAX) {}
        std::mem::take(&mut self.membership)
    }

    /// Lists a group's members, each with whether its manager has it in scope.
    fn list(&mut self, group_id: NetworkGroupId, members: BTreeMap<ResourceId, BTreeSet<Source>>) {
        let (model, hierarchy) = (self.model, &self.hierarchy);
        let membership = &mut self.membership;
        let group = model.groups.get(&group_id);
        let manager = group.and_then(|g| model.managers.get(&g.manager));
        let mut list = Vec::with_capacity(members.len());
        // Whether the manager has each subscription in scope, found once per subscription.
        let mut reaches: BTreeMap<SubscriptionId, bool> = BTreeMap::new();
        for (id, sources) in members {
            let (subscription, _) = crate::model::ids::scope_of(id.as_str());
            let in_scope = match (manager, subscription) {
                (Some(m), Some(s)) => *reaches
                    .entry(s)
                    .or_insert_with_key(|s| hierarchy.scope_level(m, s).is_some()),
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
}

impl std::fmt::Debug for Resolving<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (done, total) = self.progress();
        write!(f, "Resolving({done} of {total} steps)")
    }
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

/// What the policies' steps of a [`Resolving`] read and keep: the VNets by subscription with their facts, the
/// subscriptions each enforced assignment of a VNet group reaches, and, per definition, its candidates.
///
/// VNets are visited by subscription, then in model order. Two indexes keep the work to what can match:
/// the subscriptions each scope covers, and, per definition, the VNets its condition can hold or fail for
/// (`index`); both only skip VNets whose outcome is known to be `False`.
struct Policy<'m> {
    /// The VNets by subscription (the subscription's place in the list the ranges follow).
    vnets: Vec<(usize, &'m Vnet)>,
    /// The facts of each VNet, read once.
    subjects: Vec<Subject<'m>>,
    /// The VNets of each subscription, a range of `vnets`.
    ranges: Vec<std::ops::Range<usize>>,
    /// Each enforced assignment of a VNet group, with what it reaches: per subscription, 1 when the scope holds
    /// it whole, 2 when the scope is inside it (a resource group, a VNet) and is checked VNet by VNet, 0 when out
    /// of scope.
    targets: Vec<Target<'m>>,
    /// Per definition, the subscriptions that one of its assignments reaches.
    reached: Vec<(&'m PolicyDefinitionId, Vec<bool>)>,
    conditions: ConditionIndex,
    /// Per definition, the VNets of those subscriptions that its condition can hold (or fail) for.
    candidates: BTreeMap<&'m PolicyDefinitionId, Vec<usize>>,
    /// The errors of a definition's condition already said.
    reported: BTreeSet<(PolicyDefinitionId, String)>,
}

/// An enforced assignment, its definition, its group, and what it reaches (in [`Policy::targets`]).
type Target<'m> = (
    &'m PolicyAssignment,
    &'m PolicyDefinition,
    &'m NetworkGroup,
    Vec<u8>,
);

impl<'m> Policy<'m> {
    fn new(model: &'m Model, hierarchy: &Hierarchy) -> Self {
        let mut by_subscription: BTreeMap<&SubscriptionId, Vec<&Vnet>> = BTreeMap::new();
        for vnet in model.vnets.values() {
            by_subscription
                .entry(&vnet.subscription)
                .or_default()
                .push(vnet);
        }
        let mut vnets: Vec<(usize, &Vnet)> = Vec::with_capacity(model.vnets.len());
        let mut subscriptions: Vec<&SubscriptionId> = Vec::with_capacity(by_subscription.len());
        // The scopes that hold a whole subscription: the subscription and the management groups above it.
        let mut whole_scopes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(by_subscription.len());
        for (s, (sub, list)) in by_subscription.iter().enumerate() {
            subscriptions.push(sub);
            ranges.push(vnets.len()..vnets.len() + list.len());
            vnets.extend(list.iter().map(|v| (s, *v)));
            whole_scopes
                .entry(sub.as_str().to_ascii_lowercase())
                .or_default()
                .push(s);
            for mg in hierarchy.ancestors(sub) {
                let covered = whole_scopes
                    .entry(mg.as_str().to_ascii_lowercase())
                    .or_default();
                if covered.last() != Some(&s) {
                    covered.push(s);
                }
            }
        }
        let subjects: Vec<Subject<'_>> = vnets.iter().map(|(_, v)| subject(model, v)).collect();

        let mut targets = Vec::new();
        let mut reached: BTreeMap<&PolicyDefinitionId, Vec<bool>> = BTreeMap::new();
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
            let scope = assignment.scope.as_str();
            let mut reach = vec![0u8; subscriptions.len()];
            let whole = whole_scopes.get(&scope.to_ascii_lowercase());
            for &s in whole.into_iter().flatten() {
                if let Some(r) = reach.get_mut(s) {
                    *r = 1;
                }
            }
            for (s, sub) in subscriptions.iter().enumerate() {
                let sub_id = sub.as_str();
                let inside = scope.len() > sub_id.len()
                    && scope
                        .get(..sub_id.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(sub_id));
                if let Some(r) = reach.get_mut(s)
                    && *r == 0
                    && inside
                {
                    *r = 2;
                }
            }
            if reach.iter().all(|&r| r == 0) {
                continue;
            }
            let union = reached
                .entry(&definition.id)
                .or_insert_with(|| vec![false; subscriptions.len()]);
            for (u, r) in union.iter_mut().zip(&reach) {
                *u |= *r != 0;
            }
            targets.push((assignment, definition, group, reach));
        }
        Policy {
            vnets,
            subjects,
            ranges,
            targets,
            reached: reached.into_iter().collect(),
            conditions: ConditionIndex::default(),
            candidates: BTreeMap::new(),
            reported: BTreeSet::new(),
        }
    }

    /// Finds the candidates of the `n`th definition reached.
    fn candidates_of(&mut self, model: &'m Model, n: usize) {
        let Some((definition, subs)) = self.reached.get(n) else {
            return;
        };
        let within: Vec<usize> = self
            .ranges
            .iter()
            .zip(subs)
            .filter(|(_, reached)| **reached)
            .flat_map(|(range, _)| range.clone())
            .collect();
        // A condition with parameters reads values that differ by assignment: it is not narrowed.
        let condition = model
            .policy_definitions
            .get(*definition)
            .filter(|d| d.parameters.is_empty())
            .map(|d| &d.condition);
        let list = match condition {
            Some(condition) => self
                .conditions
                .candidates(&self.subjects, condition, within),
            None => within,
        };
        self.candidates.insert(definition, list);
    }

    /// Adds the members of the `n`th target (an enforced assignment) to its group in `found`.
    fn members_of(
        &mut self,
        n: usize,
        hierarchy: &Hierarchy,
        found: &mut BTreeMap<NetworkGroupId, BTreeMap<ResourceId, BTreeSet<Source>>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let Some((assignment, definition, group, reach)) = self.targets.get(n) else {
            return;
        };
        let scope = assignment.scope.as_str();
        let condition = condition::bind(definition, Some(assignment));
        let visit = self
            .candidates
            .get(&definition.id)
            .map_or(&[][..], Vec::as_slice);
        // Every group of the model has its entry already (`Resolving::new`).
        let members = found.entry(group.id.clone()).or_default();
        for &i in visit {
            let (Some((s, vnet)), Some(facts)) = (self.vnets.get(i), self.subjects.get(i)) else {
                continue;
            };
            let reach = reach.get(*s).copied().unwrap_or(0);
            if reach == 0 {
                continue;
            }
            let id = vnet.id.as_str();
            if (reach == 2
                && !hierarchy.scope_contains(scope, &vnet.subscription, &vnet.resource_group, id))
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
                    members
                        .entry(ResourceId::new(id))
                        .or_default()
                        .insert(Source::Policy {
                            assignment: assignment.id.clone(),
                            definition: definition.id.clone(),
                        });
                }
                Outcome::False => {}
                Outcome::Error(message) => {
                    if self
                        .reported
                        .insert((definition.id.clone(), message.clone()))
                    {
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
