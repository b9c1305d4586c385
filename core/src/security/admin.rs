//! Security admin rules that apply to each VNet, in evaluation order (spec §4.4, §1.3; decisions Q1, Q4, Q5).
//!
//! A VNet receives the rules of every rule collection of the security admin configuration that its manager
//! has deployed to the VNet's region, when the VNet is an in-scope member of a group the collection applies
//! to.
//! Rules of a manager with a higher scope come first (Q1), then lower priority numbers, then on a tie Deny
//! before AlwaysAllow before Allow, then rule id (Q4).
//! Source: <https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins>.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::deployment::GoalState;
use crate::membership::Membership;
use crate::membership::scope::{Hierarchy, ScopeLevel};
use crate::model::{
    Access, AdminRule, ConfigType, ConfigurationId, IntentPolicyMode, Location, Model,
    NetworkGroupId, NetworkManagerId, RuleCollectionId, SecurityAdminConfig, SubscriptionId,
    VnetId,
};

/// An admin rule as it applies to a VNet, with where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectiveAdminRule {
    /// The rule.
    pub rule: Arc<AdminRule>,
    /// Its manager.
    pub manager: NetworkManagerId,
    /// Its configuration.
    pub configuration: ConfigurationId,
    /// Its rule collection.
    pub collection: RuleCollectionId,
    /// The level of the manager's scope over the VNet (higher is evaluated first).
    pub scope_level: ScopeLevel,
}

/// The admin rules of one VNet, in evaluation order, both directions.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminRuleSet {
    /// Rules in evaluation order.
    pub rules: Vec<EffectiveAdminRule>,
    /// `applyOnNetworkIntentPolicyBasedServices` of the highest-scope manager with a configuration here.
    pub intent_policy_mode: IntentPolicyMode,
    /// The managers whose configurations apply, highest scope first.
    pub managers: Vec<NetworkManagerId>,
}

/// The order of admin rules of a VNet.
fn order_key(
    r: &EffectiveAdminRule,
) -> (
    std::cmp::Reverse<ScopeLevel>,
    &NetworkManagerId,
    u32,
    u8,
    &crate::model::AdminRuleId,
) {
    let tie = match r.rule.access {
        Access::Deny => 0,
        Access::AlwaysAllow => 1,
        Access::Allow => 2,
    };
    (
        std::cmp::Reverse(r.scope_level),
        &r.manager,
        r.rule.priority,
        tie,
        &r.rule.id,
    )
}

/// Computes the admin rule set of every VNet; VNets with the same collections share one set.
///
/// Configurations are numbered by their place in the model, so a VNet's collections are a list of small
/// numbers (scope level, configuration, collection), compared without reading ids.
pub fn rule_sets(
    model: &Model,
    membership: &Membership,
    goal: &GoalState,
) -> BTreeMap<VnetId, Arc<AdminRuleSet>> {
    let mut sets = RuleSets::default();
    while !sets.step(model, membership, goal, usize::MAX) {}
    sets.finish()
}

/// [`rule_sets`] a few VNets at a time ([`RuleSets::step`], in the order of the membership's VNets), for a page
/// that builds a large design's index between its frames: the same sets, shared alike.
#[derive(Debug, Default)]
pub struct RuleSets {
    /// The last VNet looked at: the next step starts after it.
    after: Option<VnetId>,
    /// One set per list of (scope level, configuration, collection).
    shared: BTreeMap<Vec<(ScopeLevel, usize, usize)>, Arc<AdminRuleSet>>,
    /// Each rule once, shared by every set that holds it.
    rules: BTreeMap<(usize, usize, usize), Arc<AdminRule>>,
    /// Per configuration: its manager's scope level over each subscription met.
    levels: Vec<BTreeMap<SubscriptionId, Option<ScopeLevel>>>,
    /// Per configuration: whether it is deployed to each region met.
    deployed: Vec<BTreeMap<Location, bool>>,
    /// The sets made so far.
    out: BTreeMap<VnetId, Arc<AdminRuleSet>>,
}

impl RuleSets {
    /// Makes the sets of up to `count` more VNets of `membership` (the same model, membership and goal state at
    /// every step); whether every VNet has been looked at.
    pub fn step(
        &mut self,
        model: &Model,
        membership: &Membership,
        goal: &GoalState,
        count: usize,
    ) -> bool {
        use std::ops::Bound::{Excluded, Unbounded};
        let hierarchy = Hierarchy::new(model);
        let configs: Vec<&SecurityAdminConfig> = model.security_admin_configs.values().collect();
        // Which rule collections target each group, so that a VNet looks only at the collections of its groups.
        let mut targets: BTreeMap<&NetworkGroupId, Vec<(usize, usize)>> = BTreeMap::new();
        for (c, config) in configs.iter().enumerate() {
            for (i, collection) in config.collections.iter().enumerate() {
                for group in &collection.groups {
                    targets.entry(group).or_default().push((c, i));
                }
            }
        }
        self.levels.resize_with(configs.len(), BTreeMap::new);
        self.deployed.resize_with(configs.len(), BTreeMap::new);
        let vnets = match self.after.clone() {
            Some(after) => membership.vnet_groups.range((Excluded(after), Unbounded)),
            None => membership.vnet_groups.range::<VnetId, _>(..),
        };
        let mut collections: Vec<(usize, usize)> = Vec::new();
        for (looked, (vnet_id, groups)) in vnets.enumerate() {
            if looked == count {
                return false;
            }
            self.after = Some(vnet_id.clone());
            let Some(vnet) = model.vnets.get(vnet_id) else {
                continue;
            };
            collections.clear();
            for group in groups {
                collections.extend(targets.get(group).into_iter().flatten().copied());
            }
            collections.sort_unstable();
            collections.dedup();
            let mut signature: Vec<(ScopeLevel, usize, usize)> = Vec::new();
            for &(c, i) in &collections {
                let Some(config) = configs.get(c) else {
                    continue;
                };
                let level = self.levels.get_mut(c).and_then(|cache| {
                    *cache.entry(vnet.subscription.clone()).or_insert_with(|| {
                        model
                            .managers
                            .get(&config.manager)
                            .and_then(|m| hierarchy.scope_level(m, &vnet.subscription))
                    })
                });
                let Some(level) = level else { continue };
                let in_region = self.deployed.get_mut(c).is_some_and(|cache| {
                    *cache.entry(vnet.location.clone()).or_insert_with(|| {
                        goal.deployed(&config.manager, &vnet.location, ConfigType::SecurityAdmin)
                            .contains(&config.id)
                    })
                });
                if in_region {
                    signature.push((level, c, i));
                }
            }
            if signature.is_empty() {
                continue;
            }
            signature.sort_unstable();
            let rules = &mut self.rules;
            let set = self
                .shared
                .entry(signature)
                .or_insert_with_key(|signature| Arc::new(rule_set(&configs, signature, rules)));
            self.out.insert(vnet.id.clone(), set.clone());
        }
        true
    }

    /// The sets made: every VNet's once [`RuleSets::step`] said so.
    pub fn finish(self) -> BTreeMap<VnetId, Arc<AdminRuleSet>> {
        self.out
    }
}

/// The rules of a list of (scope level, configuration, collection), in evaluation order.
fn rule_set(
    configs: &[&SecurityAdminConfig],
    signature: &[(ScopeLevel, usize, usize)],
    rules: &mut BTreeMap<(usize, usize, usize), Arc<AdminRule>>,
) -> AdminRuleSet {
    let mut set = AdminRuleSet::default();
    let mut modes: Vec<(ScopeLevel, &NetworkManagerId, IntentPolicyMode)> = Vec::new();
    for &(level, c, i) in signature {
        let Some(config) = configs.get(c) else {
            continue;
        };
        modes.push((level, &config.manager, config.intent_policy_mode));
        let Some(collection) = config.collections.get(i) else {
            continue;
        };
        for (j, rule) in collection.rules.iter().enumerate() {
            let rule = rules
                .entry((c, i, j))
                .or_insert_with(|| Arc::new(rule.clone()))
                .clone();
            set.rules.push(EffectiveAdminRule {
                rule,
                manager: config.manager.clone(),
                configuration: config.id.clone(),
                collection: collection.id.clone(),
                scope_level: level,
            });
        }
    }
    set.rules.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    modes.sort_by(|a, b| (std::cmp::Reverse(a.0), a.1).cmp(&(std::cmp::Reverse(b.0), b.1)));
    set.intent_policy_mode = modes.first().map_or(IntentPolicyMode::None, |m| m.2);
    for (_, manager, _) in modes {
        if !set.managers.contains(manager) {
            set.managers.push(manager.clone());
        }
    }
    set
}
