//! What the engine's tests share: the gallery's examples, and edits of every kind a design offers.

use crate::Scenario;
use crate::model::{Access, Direction, ResourceId};
use crate::scenario::{
    Change, FieldValue, NewResource, Target, change::RuleField, deploy_everything,
};

/// The gallery's examples (`static/examples/`), in the order of their file names, for the tests that run an engine
/// on each.
#[cfg(test)]
pub(crate) const EXAMPLES: [&str; 7] = [
    include_str!("../../static/examples/deployment-goal-state.json"),
    include_str!("../../static/examples/direct-connectivity-production.json"),
    include_str!("../../static/examples/force-allow-monitoring.json"),
    include_str!("../../static/examples/hub-spoke-expressroute-multi-region.json"),
    include_str!("../../static/examples/hub-spoke-guardrails.json"),
    include_str!("../../static/examples/regional-vs-global-mesh.json"),
    include_str!("../../static/examples/ssh-exception-for-one-team.json"),
];

/// Edits of every kind a design offers: each resource removed, renamed, tagged (a tag added, the tags replaced,
/// the first removed) and moved; each admin rule's access turned; a subnet added to each VNet, a rule to each NSG
/// and to each rule collection, the first VNet made a static member of each group; a group, a security admin
/// configuration and a VNet added; each pair of the first VNets peered and each existing peering removed;
/// everything deployed.
pub(crate) fn edits(scenario: &Scenario) -> Vec<Change> {
    let model = scenario.model();
    let mut out = Vec::new();
    let resources: Vec<ResourceId> = scenario
        .to_value()
        .get("resources")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("id")?.as_str().map(ResourceId::new))
        .collect();
    for resource in &resources {
        out.push(Change::Remove(resource.clone()));
        out.push(Change::Rename {
            resource: resource.clone(),
            name: "renamed".into(),
        });
        out.push(Change::AddTag {
            resource: resource.clone(),
            name: "environment".into(),
        });
        out.push(Change::SetTags {
            resource: resource.clone(),
            tags: vec![
                ("env".into(), "prod".into()),
                ("team".into(), "blue".into()),
            ],
        });
        if let Some((name, _)) = scenario.tags_of(resource).into_iter().next() {
            out.push(Change::RemoveTag {
                resource: resource.clone(),
                name,
            });
        }
        out.push(Change::Move {
            resource: resource.clone(),
            subscription: "ffffffff-0000-0000-0000-000000000009".into(),
            resource_group: "rg-moved".into(),
        });
    }
    for rule in model.admin_rules() {
        let other = if rule.access == Access::Deny {
            "Allow"
        } else {
            "Deny"
        };
        out.push(Change::Set {
            target: Target::AdminRule {
                rule: rule.id.clone(),
                field: RuleField::Access,
            },
            value: FieldValue::Text(other.into()),
        });
    }
    for vnet in model.vnets.keys() {
        out.push(Change::AddSubnet {
            vnet: vnet.clone(),
            name: "added".into(),
            prefix: "10.250.0.0/24".into(),
        });
    }
    for nsg in model.nsgs.keys() {
        out.push(Change::AddNsgRule {
            nsg: nsg.clone(),
            direction: Direction::Inbound,
        });
    }
    for config in model.security_admin_configs.values() {
        for collection in &config.collections {
            out.push(Change::AddAdminRule(collection.id.clone()));
        }
    }
    let first_vnet = model.vnets.keys().next();
    for group in model.groups.values() {
        if let Some(vnet) = first_vnet {
            out.push(Change::AddStaticMember {
                group: group.id.clone(),
                resource: ResourceId::new(vnet.as_str()),
            });
        }
    }
    for manager in model.managers.values() {
        out.push(Change::AddNetworkGroup(manager.id.clone()));
        out.push(Change::AddSecurityAdminConfiguration {
            manager: manager.id.clone(),
            group: model.groups.keys().next().cloned(),
        });
        out.push(Change::Add(NewResource::Vnet {
            subscription: "ffffffff-0000-0000-0000-000000000009".into(),
            resource_group: "rg-added".into(),
            name: "added".into(),
            location: manager.location.to_string(),
            prefix: "10.251.0.0/16".into(),
        }));
    }
    let vnets: Vec<_> = model.vnets.keys().take(3).collect();
    for (i, a) in vnets.iter().enumerate() {
        for b in vnets.iter().skip(i + 1) {
            out.push(Change::AddPeering {
                from: (*a).clone(),
                to: (*b).clone(),
            });
        }
    }
    for vnet in model.vnets.values() {
        for peering in &vnet.peerings {
            out.push(Change::RemovePeering {
                from: vnet.id.clone(),
                to: peering.remote.clone(),
            });
        }
    }
    out.extend(deploy_everything(model));
    out
}
