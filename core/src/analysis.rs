//! `analyze`: the one call the playground and `avnm` make, composing every engine.
//!
//! API Boundary: [`Analysis`] is what the front end renders; it is derived from a [`Scenario`] and never
//! stored or edited.

use std::sync::Arc;

use serde::Serialize;

use crate::connectivity::{self, Topology};
use crate::deployment::GoalState;
use crate::diagnostic::{Diagnostic, Severity};
use crate::membership::condition::ConditionTrace;
use crate::membership::{self, Membership};
use crate::model::{
    Decision, Items, Model, NetworkGroupId, NicId, PolicyDefinitionId, Protocol, VnetId,
};
use crate::scenario::Scenario;
use crate::security::admin::{AdminRuleSet, RuleSets};
use crate::security::effective::EffectiveRules;
use crate::security::matrix::Matrix;
use crate::security::{self, Index, Inputs};
use crate::verdict::{Flow, Verdict};

/// Everything computed from a design.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The design analysed.
    pub model: Arc<Model>,
    /// Group membership.
    pub membership: Membership,
    /// What is deployed where.
    pub goal_state: GoalState,
    /// Effective peerings and connected groups.
    pub topology: Topology,
    /// Every diagnostic: the document's, then membership's, deployment's and topology's.
    pub diagnostics: Vec<Diagnostic>,
    index: Index,
}

/// The result of one intent.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntentResult {
    /// The intent's name.
    pub name: String,
    /// The flow.
    pub flow: Flow,
    /// What the intent expects.
    pub expect: Decision,
    /// What the engine found.
    pub verdict: Verdict,
    /// Whether they agree.
    pub passed: bool,
}

/// Why a VNet is connected and protected as it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VnetExplanation {
    /// The VNet.
    pub vnet: VnetId,
    /// Its groups, with the reasons.
    pub groups: Vec<GroupMembership>,
    /// Its effective peerings.
    pub peerings: Vec<connectivity::Link>,
    /// Its connected groups.
    pub connected_groups: Vec<connectivity::ConnectedGroup>,
    /// Its admin rules, in evaluation order.
    pub admin_rules: Option<Arc<AdminRuleSet>>,
    /// The groups of the managers that have it in scope that it is not a member of, and why.
    pub not_member_of: Vec<membership::why_not::NonMembership>,
}

/// One group a VNet belongs to.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMembership {
    /// The group.
    pub group: NetworkGroupId,
    /// Whether its manager has the VNet in scope.
    pub in_scope: bool,
    /// Static members and policy assignments that add it, with the condition trace of each policy.
    pub reasons: Vec<Reason>,
}

/// One reason for a membership.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// The static member or policy source.
    pub source: membership::Source,
    /// For a policy, how its condition evaluated.
    pub condition: Option<ConditionTrace>,
}

/// Analyses a design.
///
/// ```
/// use avnm_core::{Scenario, analyze};
/// let scenario = Scenario::parse(r#"{"resources": []}"#).unwrap();
/// let analysis = analyze(&scenario);
/// assert!(analysis.topology.peerings.is_empty());
/// ```
pub fn analyze(scenario: &Scenario) -> Analysis {
    analyze_model(scenario.model().clone(), scenario.diagnostics())
}

/// Analyses a model, with the diagnostics already found in its document.
pub fn analyze_model(model: Arc<Model>, document_diagnostics: &[Diagnostic]) -> Analysis {
    let membership = membership::resolve(&model);
    analyze_with(model, membership, document_diagnostics)
}

/// [`analyze`] of a design made from the one `previous` analysed (an edit, an undo): the same analysis, which keeps
/// `previous`'s membership when what membership reads is the same in both designs (`same_membership_inputs`).
/// An edit of a rule, a peering, a configuration or a commit leaves membership as it was, and resolving it is
/// most of an analysis of an enterprise design.
///
/// ```
/// use avnm_core::{Scenario, analyze, analysis::analyze_after};
/// let text = r#"{"title": "a", "resources": [], "commits": [], "intents": []}"#;
/// let before = analyze(&Scenario::parse(text).unwrap());
/// let after = Scenario::parse(&text.replace("\"a\"", "\"b\"")).unwrap();
/// assert_eq!(analyze_after(&before, &after).membership, analyze(&after).membership);
/// ```
pub fn analyze_after(previous: &Analysis, scenario: &Scenario) -> Analysis {
    match Analysing::after(previous, scenario) {
        Some(analysing) => analysing.finish(),
        None => {
            let model = scenario.model().clone();
            let membership = membership::resolve(&model);
            analyze_with(model, membership, scenario.diagnostics())
        }
    }
}

/// Items a change did not write are shared, not copied: the same map, no need to compare them.
fn same<K: PartialEq, V: PartialEq>(a: &Items<K, V>, b: &Items<K, V>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// Whether two models hold the same of everything [`membership::resolve`] reads: VNets (their names, tags,
/// locations, subscriptions and paths), network groups and their static members, network managers and their
/// scopes, policy definitions and assignments, management groups, subscriptions and resource groups.
///
/// INVARIANT: `membership::resolve` reads no other field of the model (the test
/// `a_reanalysis_equals_an_analysis_after_every_kind_of_edit` checks the result against a full analysis).
fn same_membership_inputs(a: &Model, b: &Model) -> bool {
    std::ptr::eq(a, b)
        || (same(&a.vnets, &b.vnets)
            && same(&a.groups, &b.groups)
            && same(&a.static_members, &b.static_members)
            && same(&a.managers, &b.managers)
            && same(&a.policy_definitions, &b.policy_definitions)
            && same(&a.policy_assignments, &b.policy_assignments)
            && same(&a.management_groups, &b.management_groups)
            && same(&a.subscriptions, &b.subscriptions)
            && same(&a.resource_groups, &b.resource_groups))
}

/// The analysis of a model whose membership is known.
fn analyze_with(
    model: Arc<Model>,
    membership: Membership,
    document_diagnostics: &[Diagnostic],
) -> Analysis {
    Analysing::new(model, membership, document_diagnostics).finish()
}

/// How many VNets' admin rule sets one step of [`Analysing`] makes (T2's 10,000 took a task of 41 to 58 ms in the
/// browser at once).
pub const VNETS_PER_STEP: usize = 2_500;

/// [`analyze`] a stage at a time ([`Analysing::step`]) once the membership is resolved (by
/// [`membership::resolve`], or a step at a time by [`membership::Resolving`]), for a page that analyses a large
/// design between its frames: the topology, then each part of the security engine's index.
///
/// ```
/// use avnm_core::{Scenario, analyze, analysis::Analysing, membership, model::Protocol};
/// let scenario = Scenario::parse(include_str!("../../static/examples/hub-spoke-guardrails.json")).unwrap();
/// let membership = membership::resolve(scenario.model());
/// let mut analysing = Analysing::new(scenario.model().clone(), membership, scenario.diagnostics());
/// assert!(!analysing.step());
/// while !analysing.step() {}
/// let (staged, whole) = (analysing.finish(), analyze(&scenario));
/// assert_eq!(staged.topology, whole.topology);
/// assert_eq!(staged.diagnostics, whole.diagnostics);
/// assert_eq!(staged.matrix(Protocol::Tcp, 443), whole.matrix(Protocol::Tcp, 443));
/// ```
#[derive(Debug)]
pub struct Analysing {
    model: Arc<Model>,
    membership: Membership,
    goal_state: GoalState,
    topology: Option<Topology>,
    index: Index,
    /// Which parts of the index are built.
    built: [bool; Index::PARTS],
    /// The admin rule sets (the index's part 0) being made, [`VNETS_PER_STEP`] VNets a step.
    admin: Option<RuleSets>,
    diagnostics: Vec<Diagnostic>,
}

impl Analysing {
    /// Starts the analysis of a model whose membership is known, with the diagnostics already found in its
    /// document: what is deployed where.
    pub fn new(
        model: Arc<Model>,
        membership: Membership,
        document_diagnostics: &[Diagnostic],
    ) -> Self {
        let goal_state = GoalState::from_commits(&model);
        Analysing {
            model,
            membership,
            goal_state,
            topology: None,
            index: Index::default(),
            built: [false; Index::PARTS],
            admin: None,
            diagnostics: document_diagnostics.to_vec(),
        }
    }

    /// [`analyze_after`] a stage at a time: the analysis of `scenario`, changed from the design `previous` is
    /// the analysis of, keeping its membership and what else of it the change cannot have moved (see
    /// [`Analysing::keep`]); `None` when the change wrote what membership reads (the caller resolves it, then
    /// [`Analysing::new`]).
    ///
    /// ```
    /// use avnm_core::{Scenario, analyze, analysis::{Analysing, analyze_after}};
    /// use avnm_core::scenario::{Change, FieldValue, Target};
    /// let before = Scenario::parse(include_str!("../../static/examples/hub-spoke-guardrails.json")).unwrap();
    /// let previous = analyze(&before);
    /// let retitled = Change::Set { target: Target::Title, value: FieldValue::Text("b".into()) };
    /// let after = before.change(&retitled).unwrap();
    /// let mut analysing = Analysing::after(&previous, &after).expect("a title does not move membership");
    /// while !analysing.step() {}
    /// let (staged, whole) = (analysing.finish(), analyze_after(&previous, &after));
    /// assert_eq!(staged.membership, whole.membership);
    /// assert_eq!(staged.topology, whole.topology);
    /// assert_eq!(staged.diagnostics, whole.diagnostics);
    /// ```
    pub fn after(previous: &Analysis, scenario: &Scenario) -> Option<Self> {
        let model = scenario.model().clone();
        if !same_membership_inputs(&previous.model, &model) {
            return None;
        }
        let mut analysing =
            Analysing::new(model, previous.membership.clone(), scenario.diagnostics());
        analysing.keep(previous);
        Some(analysing)
    }

    /// Takes the next stage: the topology, then a part of the index (the admin rule sets of [`VNETS_PER_STEP`]
    /// VNets at a time); whether every stage is taken.
    pub fn step(&mut self) -> bool {
        if self.topology.is_none() {
            self.topology = Some(connectivity::build(
                &self.model,
                &self.membership,
                &self.goal_state,
            ));
        } else if let Some(part) = self.built.iter().position(|built| !built) {
            let whole = if part == 0 {
                let sets = self.admin.get_or_insert_with(RuleSets::default);
                let all = sets.step(
                    &self.model,
                    &self.membership,
                    &self.goal_state,
                    VNETS_PER_STEP,
                );
                if all {
                    self.index.admin = self.admin.take().map(RuleSets::finish).unwrap_or_default();
                }
                all
            } else {
                self.index
                    .build(part, &self.model, &self.membership, &self.goal_state);
                true
            };
            if let (true, Some(built)) = (whole, self.built.get_mut(part)) {
                *built = true;
            }
        }
        self.topology.is_some() && self.built.iter().all(|built| *built)
    }

    /// Keeps what `previous`, the analysis of a design with the same inputs to membership (an edit that cannot
    /// have moved it; they include the VNets, with their subnets and peerings, and the managers), found from what
    /// this design holds alike: its topology when the connectivity configurations and what is deployed of them
    /// are the same, the index's lookups of VNets and NICs by address when the NICs are the same too, and the
    /// prefixes of each group's members. The admin rule sets are always built again.
    ///
    /// INVARIANT: `connectivity::build` reads only the VNets, the managers, the connectivity configurations, the
    /// membership (whose inputs hold the management groups) and the connectivity entries of the goal state; the
    /// index's parts 1 and 2 read only the VNets, the NICs and the membership (the test
    /// `a_reanalysis_equals_an_analysis_after_every_kind_of_edit` checks the result against a full analysis).
    fn keep(&mut self, previous: &Analysis) {
        let (was, now) = (&*previous.model, &*self.model);
        let connectivity = |goal: &GoalState| {
            goal.regions
                .iter()
                .filter(|((_, _, kind), _)| *kind == crate::model::ConfigType::Connectivity)
                .map(|(key, deployed)| (key.clone(), deployed.clone()))
                .collect::<Vec<_>>()
        };
        if same(&was.connectivity_configs, &now.connectivity_configs)
            && connectivity(&previous.goal_state) == connectivity(&self.goal_state)
        {
            self.topology = Some(previous.topology.clone());
        }
        for (part, alike) in [(1, same(&was.nics, &now.nics)), (2, true)] {
            if let (true, Some(built)) = (alike, self.built.get_mut(part)) {
                self.index.keep(part, &previous.index);
                *built = true;
            }
        }
    }

    /// Takes the stages left and gives the analysis.
    pub fn finish(mut self) -> Analysis {
        while !self.step() {}
        let Analysing {
            model,
            membership,
            goal_state,
            topology,
            index,
            mut diagnostics,
            ..
        } = self;
        let topology = topology.unwrap_or_default();
        diagnostics.extend(membership.diagnostics.iter().cloned());
        diagnostics.extend(goal_state.diagnostics.iter().cloned());
        diagnostics.extend(topology.diagnostics.iter().cloned());
        diagnostics.extend(referenced_group_limits(&model, &membership));
        Analysis {
            model,
            membership,
            goal_state,
            topology,
            diagnostics,
            index,
        }
    }
}

/// Groups used as admin rule addresses may have at most this many members (spec §4.6).
pub const MEMBERS_PER_REFERENCED_GROUP: usize = 100;

/// Spec §4.6: a network group used as a rule's source or destination holds at most 100 resources.
fn referenced_group_limits(model: &Model, membership: &Membership) -> Vec<Diagnostic> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for rule in model.admin_rules() {
        for item in rule.sources.iter().chain(&rule.destinations) {
            let crate::model::AddressItem::Group(group) = item else {
                continue;
            };
            let count = membership.members(group).len();
            if count > MEMBERS_PER_REFERENCED_GROUP && seen.insert(group.clone()) {
                out.push(Diagnostic::warning(
                    crate::diagnostic::Code::LimitExceeded,
                    rule.path.clone(),
                    format!(
                        "`{}` has {count} members; a group used as a rule address may have {MEMBERS_PER_REFERENCED_GROUP}",
                        group.name()
                    ),
                ));
            }
        }
    }
    out
}

impl Analysis {
    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            model: &self.model,
            membership: &self.membership,
            topology: &self.topology,
            index: &self.index,
        }
    }

    /// The verdict for a flow, with its trace.
    pub fn verdict(&self, flow: &Flow) -> Verdict {
        security::evaluate(&self.inputs(), flow)
    }

    /// Checks every intent of the design.
    pub fn check(&self) -> Vec<IntentResult> {
        self.model
            .intents
            .iter()
            .map(|intent| {
                let verdict = self.verdict(&intent.flow);
                IntentResult {
                    name: intent.name.clone(),
                    flow: intent.flow,
                    expect: intent.expect,
                    passed: verdict.verdict == intent.expect,
                    verdict,
                }
            })
            .collect()
    }

    /// The diagnostics that are errors, in order.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The effective admin rules of a VNet.
    pub fn effective_vnet_rules(&self, vnet: &VnetId) -> Option<EffectiveRules> {
        security::effective::for_vnet(&self.inputs(), vnet)
    }

    /// The effective admin and NSG rules of a NIC.
    pub fn effective_nic_rules(&self, nic: &NicId) -> Option<EffectiveRules> {
        security::effective::for_nic(&self.inputs(), nic)
    }

    /// The VNet-to-VNet reachability matrix for a protocol and destination port.
    pub fn matrix(&self, protocol: Protocol, port: u16) -> Matrix {
        security::matrix::build(&self.inputs(), protocol, port)
    }

    /// Why a policy definition's condition does or does not hold for a VNet.
    pub fn explain_condition(
        &self,
        definition: &PolicyDefinitionId,
        vnet: &VnetId,
    ) -> Option<ConditionTrace> {
        membership::explain_condition(&self.model, definition, None, vnet)
    }

    /// Everything about one VNet: its groups and why, its peerings, connected groups and admin rules.
    pub fn explain_vnet(&self, vnet: &VnetId) -> Option<VnetExplanation> {
        self.model.vnets.get(vnet)?;
        let mut groups = Vec::new();
        for (group, members) in &self.membership.groups {
            let Some(member) = members
                .iter()
                .find(|m| m.id.as_str().eq_ignore_ascii_case(vnet.as_str()))
            else {
                continue;
            };
            let reasons = member
                .sources
                .iter()
                .map(|source| Reason {
                    source: source.clone(),
                    condition: match source {
                        membership::Source::Policy {
                            definition,
                            assignment,
                        } => membership::explain_condition(
                            &self.model,
                            definition,
                            Some(assignment),
                            vnet,
                        ),
                        membership::Source::Static(_) => None,
                    },
                })
                .collect();
            groups.push(GroupMembership {
                group: group.clone(),
                in_scope: member.in_scope,
                reasons,
            });
        }
        Some(VnetExplanation {
            vnet: vnet.clone(),
            groups,
            peerings: self.topology.links_of(vnet).cloned().collect(),
            connected_groups: self.topology.groups_of(vnet).cloned().collect(),
            admin_rules: self.index.admin.get(vnet).cloned(),
            not_member_of: membership::why_not::not_member_of(&self.model, &self.membership, vnet),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceId;
    use crate::scenario::{Change, FieldValue, Target, change::RuleField};

    use crate::tests::{EXAMPLES, edits};

    #[test]
    fn a_reanalysis_equals_an_analysis_after_every_kind_of_edit() {
        let (mut reused, mut resolved) = (0, 0);
        for text in EXAMPLES {
            let before = Scenario::parse(text).unwrap();
            let previous = analyze(&before);
            for change in edits(&before) {
                let Ok(after) = before.change(&change) else {
                    continue;
                };
                let again = analyze_after(&previous, &after);
                let fresh = analyze(&after);
                assert_eq!(again.membership, fresh.membership, "{change:?}");
                assert_eq!(again.goal_state, fresh.goal_state, "{change:?}");
                assert_eq!(again.topology, fresh.topology, "{change:?}");
                assert_eq!(again.diagnostics, fresh.diagnostics, "{change:?}");
                // Every verdict reads the index: each VNet to each VNet, and each NIC, on two ports.
                for (protocol, port) in [(Protocol::Tcp, 443), (Protocol::Udp, 53)] {
                    assert_eq!(
                        again.matrix(protocol, port),
                        fresh.matrix(protocol, port),
                        "{change:?}"
                    );
                }
                for nic in after.model().nics.keys() {
                    assert_eq!(
                        again.effective_nic_rules(nic),
                        fresh.effective_nic_rules(nic),
                        "{change:?}"
                    );
                }
                // And the verdicts between the NICs' addresses, before the edit and after it (an address
                // edited away, or new).
                let addresses: Vec<_> = [&previous.model, after.model()]
                    .into_iter()
                    .flat_map(|m| m.nics.values())
                    .flat_map(|n| n.ip_configurations.iter().filter_map(|c| c.address))
                    .collect();
                for (from, to) in addresses
                    .iter()
                    .flat_map(|a| addresses.iter().map(move |b| (*a, *b)))
                {
                    let flow = Flow {
                        from,
                        to,
                        protocol: Protocol::Tcp,
                        port: Some(443),
                        source_port: None,
                    };
                    assert_eq!(again.verdict(&flow), fresh.verdict(&flow), "{change:?}");
                }
                if same_membership_inputs(&previous.model, after.model()) {
                    reused += 1;
                } else {
                    resolved += 1;
                }
            }
        }
        // Both paths are taken: edits that leave membership (an admin rule, a commit) and edits that move it.
        assert!(
            reused > 10 && resolved > 100,
            "{reused} reused, {resolved} resolved"
        );
    }

    #[test]
    fn an_edit_of_a_rule_keeps_membership_and_a_tag_moves_it() {
        let before = Scenario::parse(include_str!(
            "../../static/examples/hub-spoke-guardrails.json"
        ))
        .unwrap();
        let rule = before.model().admin_rules().next().unwrap().id.clone();
        let access = Change::Set {
            target: Target::AdminRule {
                rule,
                field: RuleField::Access,
            },
            value: FieldValue::Text("Allow".into()),
        };
        let after = before.change(&access).unwrap();
        assert!(same_membership_inputs(before.model(), after.model()));
        let vnet = before.model().vnets.keys().next().unwrap().as_str();
        let tagged = before
            .change(&Change::AddTag {
                resource: ResourceId::new(vnet),
                name: "environment".into(),
            })
            .unwrap();
        assert!(!same_membership_inputs(before.model(), tagged.model()));
    }
}
