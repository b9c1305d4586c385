//! The items grouped by scope into units, deployed together: the nested deployments of an ARM template, the
//! modules of Bicep.

use std::collections::BTreeSet;

use super::{Plan, Scope};
use crate::export::ReportLine;

/// Which resources of a scope a unit holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Resource groups, created first.
    Groups,
    /// Everything else.
    Resources,
    /// VNet peerings, after the VNets of every resource group.
    Peerings,
}

/// The items of one scope, deployed together: a nested deployment of an ARM template, a Bicep module.
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    /// Where its items are deployed.
    pub scope: Scope,
    /// Which of its scope's resources it holds.
    pub phase: Phase,
    /// A deployment name made from the scope (`avnm-rg-network`), unique in the plan.
    pub name: String,
    /// Its items, in plan order.
    pub items: Vec<usize>,
    /// The units it waits for, by index.
    pub deps: Vec<usize>,
}

impl Plan {
    /// The items grouped by scope, in order of first appearance, each unit waiting for the units it refers
    /// to; a reference that closes a cycle between units is dropped, with a note in `notes`.
    pub fn units(&self, notes: &mut Vec<ReportLine>) -> Vec<Unit> {
        let mut units: Vec<Unit> = Vec::new();
        let mut unit_of = vec![0usize; self.items.len()];
        let mut names = BTreeSet::new();
        for &i in &self.order {
            let Some(item) = self.items.get(i) else {
                continue;
            };
            // Resource groups are created before anything else of their subscription (whose policies may
            // name a network group inside them), and peerings after the VNets of every resource group, so
            // that two resource groups whose VNets peer with each other do not wait for each other.
            let phase = match item.kind_lower().as_str() {
                "microsoft.resources/resourcegroups" => Phase::Groups,
                "microsoft.network/virtualnetworks/virtualnetworkpeerings" => Phase::Peerings,
                _ => Phase::Resources,
            };
            let u = match units
                .iter()
                .position(|u| u.scope == item.scope && u.phase == phase)
            {
                Some(u) => u,
                None => {
                    let mut base = match &item.scope {
                        Scope::Tenant => "avnm-tenant".to_owned(),
                        Scope::ManagementGroup(m) => format!("avnm-mg-{m}"),
                        Scope::Subscription(s) => format!("avnm-sub-{s}"),
                        Scope::ResourceGroup { group, .. } => format!("avnm-{group}"),
                    };
                    match phase {
                        Phase::Groups => base.push_str("-groups"),
                        Phase::Peerings => base.push_str("-peerings"),
                        Phase::Resources => {}
                    }
                    let base: String = base
                        .chars()
                        .map(|c| {
                            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                                c
                            } else {
                                '-'
                            }
                        })
                        .take(64 - 3)
                        .collect();
                    let mut name = base.clone();
                    let mut n = 2;
                    while !names.insert(name.to_ascii_lowercase()) {
                        name = format!("{base}-{n}");
                        n += 1;
                    }
                    units.push(Unit {
                        scope: item.scope.clone(),
                        phase,
                        name,
                        items: Vec::new(),
                        deps: Vec::new(),
                    });
                    units.len() - 1
                }
            };
            if let Some(slot) = unit_of.get_mut(i) {
                *slot = u;
            }
            if let Some(unit) = units.get_mut(u) {
                unit.items.push(i);
            }
        }
        // Unit dependencies, added in order; one that would close a cycle is dropped.
        for u in 0..units.len() {
            let items = units.get(u).map(|x| x.items.clone()).unwrap_or_default();
            for i in items {
                let Some(item) = self.items.get(i) else {
                    continue;
                };
                for &d in &item.deps {
                    let v = unit_of.get(d).copied().unwrap_or(u);
                    if v == u || units.get(u).is_some_and(|x| x.deps.contains(&v)) {
                        continue;
                    }
                    if reaches(&units, v, u) {
                        let (a, b) = (
                            units.get(u).map(|x| x.name.clone()).unwrap_or_default(),
                            units.get(v).map(|x| x.name.clone()).unwrap_or_default(),
                        );
                        notes.push(ReportLine {
                            path: item.path.clone(),
                            message: format!(
                                "the deployments `{a}` and `{b}` refer to each other; `{a}` does not wait for `{b}`"
                            ),
                        });
                        continue;
                    }
                    if let Some(unit) = units.get_mut(u) {
                        unit.deps.push(v);
                    }
                }
            }
        }
        units
    }
}

/// Whether unit `from` waits, directly or not, for unit `to`.
fn reaches(units: &[Unit], from: usize, to: usize) -> bool {
    let mut stack = vec![from];
    let mut seen = BTreeSet::new();
    while let Some(u) = stack.pop() {
        if u == to {
            return true;
        }
        if seen.insert(u) {
            stack.extend(units.get(u).map(|x| x.deps.clone()).unwrap_or_default());
        }
    }
    false
}
