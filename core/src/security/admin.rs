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
    Access, AdminRule, ConfigType, ConfigurationId, IntentPolicyMode, Model, NetworkManagerId,
    RuleCollectionId, VnetId,
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
pub fn rule_sets(
    model: &Model,
    membership: &Membership,
    goal: &GoalState,
) -> BTreeMap<VnetId, Arc<AdminRuleSet>> {
    let hierarchy = Hierarchy::new(model);
    let mut shared: BTreeMap<Vec<(ScopeLevel, ConfigurationId, usize)>, Arc<AdminRuleSet>> =
        BTreeMap::new();
    let mut rules: BTreeMap<(ConfigurationId, usize, usize), Arc<AdminRule>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    // Which rule collections target each group, so that a VNet looks only at the collections of its groups.
    let mut targets: BTreeMap<
        &crate::model::NetworkGroupId,
        Vec<(&crate::model::SecurityAdminConfig, usize)>,
    > = BTreeMap::new();
    for config in model.security_admin_configs.values() {
        for (i, collection) in config.collections.iter().enumerate() {
            for group in &collection.groups {
                targets.entry(group).or_default().push((config, i));
            }
        }
    }
    let mut levels: BTreeMap<
        (&NetworkManagerId, &crate::model::SubscriptionId),
        Option<ScopeLevel>,
    > = BTreeMap::new();
    let mut deployed: BTreeMap<(&NetworkManagerId, &crate::model::Location), Vec<ConfigurationId>> =
        BTreeMap::new();
    for vnet in model.vnets.values() {
        let mut signature: Vec<(ScopeLevel, ConfigurationId, usize)> = Vec::new();
        for group in membership.vnet_groups.get(&vnet.id).into_iter().flatten() {
            for (config, i) in targets.get(group).into_iter().flatten() {
                let level = *levels
                    .entry((&config.manager, &vnet.subscription))
                    .or_insert_with(|| {
                        model
                            .managers
                            .get(&config.manager)
                            .and_then(|m| hierarchy.scope_level(m, &vnet.subscription))
                    });
                let Some(level) = level else { continue };
                let in_region = deployed
                    .entry((&config.manager, &vnet.location))
                    .or_insert_with(|| {
                        goal.deployed(&config.manager, &vnet.location, ConfigType::SecurityAdmin)
                            .to_vec()
                    })
                    .contains(&config.id);
                if in_region {
                    signature.push((level, config.id.clone(), *i));
                }
            }
        }
        signature.sort();
        signature.dedup();
        if signature.is_empty() {
            continue;
        }
        let set = shared.entry(signature.clone()).or_insert_with(|| {
            let mut set = AdminRuleSet::default();
            let mut modes: Vec<(ScopeLevel, &NetworkManagerId, IntentPolicyMode)> = Vec::new();
            for (level, config_id, i) in &signature {
                let Some(config) = model.security_admin_configs.get(config_id) else {
                    continue;
                };
                modes.push((*level, &config.manager, config.intent_policy_mode));
                let Some(collection) = config.collections.get(*i) else {
                    continue;
                };
                for (j, rule) in collection.rules.iter().enumerate() {
                    let rule = rules
                        .entry((config_id.clone(), *i, j))
                        .or_insert_with(|| Arc::new(rule.clone()))
                        .clone();
                    set.rules.push(EffectiveAdminRule {
                        rule,
                        manager: config.manager.clone(),
                        configuration: config_id.clone(),
                        collection: collection.id.clone(),
                        scope_level: *level,
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
            Arc::new(set)
        });
        out.insert(vnet.id.clone(), set.clone());
    }
    out
}
