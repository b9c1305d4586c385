//! The resource hierarchy: which subscriptions sit under which management groups, and what a scope contains.
//!
//! A management group scope includes every subscription below it, transitively (spec §1.2).
//! Source: <https://learn.microsoft.com/azure/virtual-network-manager/concept-network-manager-scope>.

use std::collections::BTreeMap;

use crate::model::{ManagementGroupId, Model, NetworkManager, ResourceGroupId, SubscriptionId};

/// Parent links of management groups and subscriptions.
#[derive(Clone, Debug, Default)]
pub struct Hierarchy {
    subscription_parent: BTreeMap<SubscriptionId, ManagementGroupId>,
    group_parent: BTreeMap<ManagementGroupId, ManagementGroupId>,
}

/// Where a manager's scope reaches a resource: how many levels above its subscription the scope entry is.
/// `0` is the subscription itself, `1` its management group, and so on; a larger level is a higher scope.
pub type ScopeLevel = u32;

impl Hierarchy {
    /// Reads the `children` of the management groups in a model.
    pub fn new(model: &Model) -> Self {
        let mut h = Hierarchy::default();
        for mg in model.management_groups.values() {
            for sub in &mg.child_subscriptions {
                h.subscription_parent.insert(sub.clone(), mg.id.clone());
            }
            for child in &mg.child_groups {
                h.group_parent.insert(child.clone(), mg.id.clone());
            }
        }
        h
    }

    /// The management groups above a subscription, nearest first (cycles are cut).
    pub fn ancestors(&self, subscription: &SubscriptionId) -> Vec<&ManagementGroupId> {
        let mut chain: Vec<&ManagementGroupId> = Vec::new();
        let mut next = self.subscription_parent.get(subscription);
        while let Some(mg) = next {
            if chain.contains(&mg) {
                break;
            }
            chain.push(mg);
            next = self.group_parent.get(mg);
        }
        chain
    }

    /// The level of the manager's scope entry that contains the subscription, or `None` when it is out of scope.
    /// When several entries contain it, the highest counts.
    pub fn scope_level(
        &self,
        manager: &NetworkManager,
        subscription: &SubscriptionId,
    ) -> Option<ScopeLevel> {
        let mut level = None;
        if manager.scope_subscriptions.contains(subscription) {
            level = Some(0);
        }
        for (i, mg) in self.ancestors(subscription).into_iter().enumerate() {
            if manager.scope_management_groups.contains(mg) {
                level = Some(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        level
    }

    /// Whether a scope id (management group, subscription, resource group or resource) contains a resource of
    /// the given subscription and resource group, with the resource's own id.
    pub fn scope_contains(
        &self,
        scope: &str,
        subscription: &SubscriptionId,
        resource_group: &ResourceGroupId,
        resource: &str,
    ) -> bool {
        let scope = scope.trim_end_matches('/');
        if scope.eq_ignore_ascii_case(subscription.as_str())
            || scope.eq_ignore_ascii_case(resource_group.as_str())
            || scope.eq_ignore_ascii_case(resource)
        {
            return true;
        }
        // A child resource (a subnet) is inside its parent's scope.
        if resource.len() > scope.len()
            && resource
                .get(..scope.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(scope))
            && resource.as_bytes().get(scope.len()) == Some(&b'/')
            && scope.to_ascii_lowercase().contains("/providers/")
        {
            return true;
        }
        let lower = scope.to_ascii_lowercase();
        if lower.contains("/managementgroups/") {
            let mg = ManagementGroupId::new(scope);
            return self.ancestors(subscription).contains(&&mg);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ManagementGroup, NetworkManager};

    fn mg(id: &str, groups: &[&str], subs: &[&str]) -> ManagementGroup {
        ManagementGroup {
            id: ManagementGroupId::new(id),
            child_groups: groups.iter().map(ManagementGroupId::new).collect(),
            child_subscriptions: subs.iter().map(SubscriptionId::new).collect(),
            path: crate::path::Path::root(),
        }
    }

    fn model() -> Model {
        let mut m = Model::default();
        let root = "/providers/Microsoft.Management/managementGroups/root";
        let corp = "/providers/Microsoft.Management/managementGroups/corp";
        for g in [
            mg(root, &[corp], &["/subscriptions/s0"]),
            mg(corp, &[], &["/subscriptions/s1"]),
        ] {
            std::sync::Arc::make_mut(&mut m.management_groups).insert(g.id.clone(), g);
        }
        m
    }

    #[track_caller]
    fn check(h: &Hierarchy, mgs: &[&str], subs: &[&str], sub: &str, expected: Option<ScopeLevel>) {
        let manager = NetworkManager {
            id: "/nm".into(),
            location: crate::model::Location::new("westeurope"),
            scope_management_groups: mgs.iter().map(ManagementGroupId::new).collect(),
            scope_subscriptions: subs.iter().map(SubscriptionId::new).collect(),
            features: Default::default(),
            path: crate::path::Path::root(),
        };
        assert_eq!(h.scope_level(&manager, &SubscriptionId::new(sub)), expected);
    }

    #[test]
    fn management_group_scopes_reach_nested_subscriptions() {
        let h = Hierarchy::new(&model());
        let root = "/providers/Microsoft.Management/managementGroups/ROOT";
        check(&h, &[root], &[], "/subscriptions/s1", Some(2));
        check(&h, &[root], &[], "/subscriptions/s0", Some(1));
        check(
            &h,
            &[],
            &["/subscriptions/S1"],
            "/subscriptions/s1",
            Some(0),
        );
        check(
            &h,
            &["/providers/Microsoft.Management/managementGroups/corp"],
            &[],
            "/subscriptions/s0",
            None,
        );
        check(
            &h,
            &[root],
            &["/subscriptions/s1"],
            "/subscriptions/s1",
            Some(2),
        );
    }

    #[test]
    fn scopes_contain_resource_groups_and_children() {
        let h = Hierarchy::new(&model());
        let sub = SubscriptionId::new("/subscriptions/s1");
        let rg = ResourceGroupId::new("/subscriptions/s1/resourceGroups/rg");
        let vnet =
            "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";
        assert!(h.scope_contains("/subscriptions/S1/resourceGroups/RG", &sub, &rg, vnet));
        assert!(h.scope_contains(
            "/providers/Microsoft.Management/managementGroups/root",
            &sub,
            &rg,
            vnet
        ));
        assert!(!h.scope_contains("/subscriptions/s1/resourceGroups/other", &sub, &rg, vnet));
        assert!(h.scope_contains(vnet, &sub, &rg, &format!("{vnet}/subnets/a")));
    }
}
