//! Every change on a small design, checked on the document Azure would hold and on what the engine reads.

use serde_json::{Value, json};

use super::*;
use crate::model::{AdminRuleId, NicId, NsgRuleId, PeeringState};

const SUB: &str = "/subscriptions/s1";
const RG: &str = "/subscriptions/s1/resourceGroups/rg";
const NM: &str =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm";

fn vnet_id(name: &str) -> String {
    format!("{RG}/providers/Microsoft.Network/virtualNetworks/{name}")
}

fn nsg_id() -> String {
    format!("{RG}/providers/Microsoft.Network/networkSecurityGroups/nsg")
}

fn group_id() -> String {
    format!("{NM}/networkGroups/prod")
}

/// Two VNets `a` (with subnet `web`, tags `env` and `team`) and `b`, peered from `a` only (Initiated); an NSG
/// on `a/web`; a NIC in `a/web`; a manager with a group `prod` holding `a` statically and by policy, a hub-and-spoke
/// configuration on `b` applying to `prod`, a security admin configuration with a collection on `prod` and a rule
/// whose source is the group; a commit of both configurations; an intent.
fn design() -> Scenario {
    let (a, b, nsg, group) = (vnet_id("va"), vnet_id("vb"), nsg_id(), group_id());
    let document = json!({
        "title": "fixture",
        "resources": [
            {"id": a, "name": "va", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
             "tags": {"env": "prod", "team": "blue"},
             "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"name": "web", "id": format!("{a}/subnets/web"),
                             "properties": {"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {"id": nsg}}}],
                "virtualNetworkPeerings": [{"name": "a-to-b", "id": format!("{a}/virtualNetworkPeerings/a-to-b"),
                    "properties": {"remoteVirtualNetwork": {"id": b}, "peeringState": "Initiated"}}]}},
            {"id": b, "name": "vb", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
             "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}},
            {"id": nsg, "name": "nsg", "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope",
             "properties": {"securityRules": [{"name": "web", "properties": {"priority": 100, "direction": "Inbound",
                "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*",
                "destinationAddressPrefix": "*", "destinationPortRange": "443"}}]}},
            {"id": format!("{RG}/providers/Microsoft.Network/networkInterfaces/nic"), "name": "nic",
             "type": "Microsoft.Network/networkInterfaces", "location": "westeurope",
             "properties": {"ipConfigurations": [{"name": "ip1", "properties": {"privateIPAddress": "10.0.1.4",
                "subnet": {"id": format!("{a}/subnets/web")}}}]}},
            {"id": NM, "name": "nm", "type": "Microsoft.Network/networkManagers", "location": "westeurope",
             "properties": {"networkManagerScopes": {"subscriptions": [SUB], "managementGroups": []},
                "networkManagerScopeAccesses": ["Connectivity", "SecurityAdmin"]}},
            {"id": group, "name": "prod", "type": "Microsoft.Network/networkManagers/networkGroups", "properties": {}},
            {"id": format!("{group}/staticMembers/a"), "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
             "properties": {"resourceId": a}},
            {"id": format!("{NM}/connectivityConfigurations/hs"), "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
             "properties": {"connectivityTopology": "HubAndSpoke",
                "hubs": [{"resourceId": b, "resourceType": "Microsoft.Network/virtualNetworks"}],
                "appliesToGroups": [{"networkGroupId": group, "groupConnectivity": "None", "isGlobal": "False", "useHubGateway": "False"}]}},
            {"id": format!("{NM}/securityAdminConfigurations/sa"), "type": "Microsoft.Network/networkManagers/securityAdminConfigurations",
             "properties": {"networkGroupAddressSpaceAggregationOption": "Manual"}},
            {"id": format!("{NM}/securityAdminConfigurations/sa/ruleCollections/rc"),
             "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
             "properties": {"appliesToGroups": [{"networkGroupId": group}]}},
            {"id": format!("{NM}/securityAdminConfigurations/sa/ruleCollections/rc/rules/r"), "kind": "Custom",
             "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
             "properties": {"priority": 10, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
                "sources": [{"addressPrefix": group, "addressPrefixType": "NetworkGroup"}, {"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                "destinations": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                "sourcePortRanges": ["0-65535"], "destinationPortRanges": ["22"]}},
            {"id": format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/pd"), "name": "pd",
             "type": "Microsoft.Authorization/policyDefinitions",
             "properties": {"mode": "Microsoft.Network.Data", "policyRule": {
                "if": {"field": "tags['env']", "equals": "prod"},
                "then": {"effect": "addToNetworkGroup", "details": {"networkGroupId": group}}}}},
            {"id": format!("{SUB}/providers/Microsoft.Authorization/policyAssignments/pa"), "name": "pa",
             "type": "Microsoft.Authorization/policyAssignments",
             "properties": {"policyDefinitionId": format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/pd"), "scope": SUB}}
        ],
        "commits": [
            {"networkManagerId": NM, "commitType": "Connectivity", "configurationIds": [format!("{NM}/connectivityConfigurations/hs")], "targetLocations": ["westeurope"]},
            {"networkManagerId": NM, "commitType": "SecurityAdmin", "configurationIds": [format!("{NM}/securityAdminConfigurations/sa")], "targetLocations": ["westeurope"]}
        ],
        "intents": [{"name": "web", "from": "10.1.0.4", "to": "10.0.1.4", "protocol": "Tcp", "port": 443, "expect": "Allowed"}]
    });
    let s = Scenario::from_document(document).unwrap();
    assert!(
        s.diagnostics()
            .iter()
            .all(|d| d.severity != crate::Severity::Error),
        "{:?}",
        s.diagnostics()
    );
    s
}

#[track_caller]
#[expect(
    clippy::needless_pass_by_value,
    reason = "the cases read best with the change written in place"
)]
fn check(s: &Scenario, change: Change) -> Scenario {
    match s.change(&change) {
        Ok(next) => {
            same_as_a_full_read(&next, &change);
            next
        }
        Err(e) => panic!("{change:?} was refused: {e}"),
    }
}

/// A changed design is the design of its document read whole, though only what the change wrote was read again.
#[track_caller]
fn same_as_a_full_read(changed: &Scenario, change: &Change) {
    let whole = Scenario::from_document(changed.to_value()).unwrap();
    assert_eq!(changed.model(), whole.model(), "{change:?}");
    assert_eq!(changed.diagnostics(), whole.diagnostics(), "{change:?}");
}

#[track_caller]
#[expect(
    clippy::needless_pass_by_value,
    reason = "the cases read best with the change written in place"
)]
fn refused(s: &Scenario, change: Change) -> ChangeError {
    match s.change(&change) {
        Ok(_) => panic!("{change:?} should be refused"),
        Err(e) => e,
    }
}

fn doc(s: &Scenario) -> Value {
    serde_json::from_str(&s.to_json()).unwrap()
}

fn at(s: &Scenario, path: &str) -> Option<Value> {
    s.value_at(&Path::parse(path).unwrap()).cloned()
}

fn vnet(name: &str) -> VnetId {
    VnetId::new(vnet_id(name))
}

fn subnet() -> SubnetId {
    SubnetId::new(format!("{}/subnets/web", vnet_id("va")))
}

#[test]
fn a_peering_is_written_on_both_sides_and_connects() {
    let s = design();
    let peered = check(
        &s,
        Change::AddPeering {
            from: vnet("vb"),
            to: vnet("va"),
        },
    );
    let a = &peered.model().vnets[&vnet("va")];
    let b = &peered.model().vnets[&vnet("vb")];
    assert_eq!(
        a.peerings.len(),
        1,
        "a's side existed and is kept, not doubled"
    );
    assert_eq!(
        a.peerings[0].state,
        Some(PeeringState::Connected),
        "its Initiated state is now Connected"
    );
    assert_eq!(b.peerings.len(), 1);
    assert_eq!(b.peerings[0].id.name(), "vb-to-va");
    assert_eq!(b.peerings[0].remote, vnet("va"));
    let analysis = crate::analyze(&peered);
    assert!(
        analysis
            .topology
            .peerings
            .iter()
            .any(|p| p.vnets.contains(&vnet("va")) && p.vnets.contains(&vnet("vb"))),
        "the two VNets are peered"
    );

    let removed = check(
        &peered,
        Change::RemovePeering {
            from: vnet("va"),
            to: vnet("vb"),
        },
    );
    assert!(
        removed
            .model()
            .vnets
            .values()
            .all(|v| v.peerings.is_empty()),
        "gone from both sides"
    );
    assert!(
        s.change(&Change::RemovePeering {
            from: vnet("vb"),
            to: vnet("vb")
        })
        .is_err()
    );
    assert!(
        s.change(&Change::AddPeering {
            from: vnet("va"),
            to: vnet("va")
        })
        .is_err()
    );
}

#[test]
fn subnets_are_added_once_with_valid_prefixes() {
    let s = design();
    let added = check(
        &s,
        Change::AddSubnet {
            vnet: vnet("va"),
            name: "app".into(),
            prefix: "10.0.2.0/24".into(),
        },
    );
    let a = &added.model().vnets[&vnet("va")];
    assert_eq!(a.subnets.len(), 2);
    assert_eq!(
        a.subnets[1].id.as_str(),
        format!("{}/subnets/app", vnet_id("va"))
    );
    assert_eq!(
        refused(
            &s,
            Change::AddSubnet {
                vnet: vnet("va"),
                name: "WEB".into(),
                prefix: "10.0.3.0/24".into()
            }
        ),
        ChangeError::Taken("WEB".into()),
        "subnet names ignore case"
    );
    assert_eq!(
        refused(
            &s,
            Change::AddSubnet {
                vnet: vnet("va"),
                name: "x".into(),
                prefix: "10.0.3.0/33".into()
            }
        ),
        ChangeError::Invalid(FieldError::Prefix("10.0.3.0/33".into()))
    );
}

#[test]
fn one_prefix_is_written_singular_and_several_plural() {
    let s = design();
    let target = Target::SubnetPrefixes(subnet());
    assert_eq!(s.text_of(&target).as_deref(), Some("10.0.1.0/24"));
    let two = check(
        &s,
        Change::Set {
            target: target.clone(),
            value: FieldValue::Texts(vec!["10.0.1.0/24".into(), "10.0.9.0/24".into()]),
        },
    );
    let path = "resources[0].properties.subnets[0].properties";
    assert_eq!(
        at(&two, &format!("{path}.addressPrefixes")),
        Some(json!(["10.0.1.0/24", "10.0.9.0/24"]))
    );
    assert_eq!(
        at(&two, &format!("{path}.addressPrefix")),
        None,
        "one form only"
    );
    assert_eq!(
        two.text_of(&target).as_deref(),
        Some("10.0.1.0/24, 10.0.9.0/24")
    );
    let one = check(
        &two,
        Change::Set {
            target,
            value: FieldValue::Texts(vec!["10.0.7.0/24".into()]),
        },
    );
    assert_eq!(
        at(&one, &format!("{path}.addressPrefix")),
        Some(json!("10.0.7.0/24"))
    );
    assert_eq!(at(&one, &format!("{path}.addressPrefixes")), None);
}

#[test]
fn nsg_associations_are_references_and_empty_removes_them() {
    let s = design();
    let target = Target::SubnetNsg(subnet());
    assert_eq!(s.text_of(&target), Some(nsg_id()));
    let none = check(
        &s,
        Change::Set {
            target,
            value: FieldValue::Text(String::new()),
        },
    );
    assert_eq!(none.model().subnet(&subnet()).unwrap().nsg, None);
    assert_eq!(
        at(
            &none,
            "resources[0].properties.subnets[0].properties.networkSecurityGroup"
        ),
        None
    );
    let nic = NicId::new(format!(
        "{RG}/providers/Microsoft.Network/networkInterfaces/nic"
    ));
    let on_nic = check(
        &s,
        Change::Set {
            target: Target::NicNsg(nic.clone()),
            value: FieldValue::Text(nsg_id()),
        },
    );
    assert_eq!(on_nic.model().nics[&nic].nsg, Some(NsgId::new(nsg_id())));
    assert_eq!(
        at(&on_nic, "resources[3].properties.networkSecurityGroup"),
        Some(json!({"id": nsg_id()}))
    );
}

#[test]
fn tags_are_added_renamed_in_place_and_removed() {
    let s = design();
    let a = ResourceId::new(vnet_id("va"));
    let added = check(
        &s,
        Change::AddTag {
            resource: a.clone(),
            name: "cost center".into(),
        },
    );
    assert_eq!(
        added.tags_of(&a),
        [
            ("cost center".into(), String::new()),
            ("env".into(), "prod".into()),
            ("team".into(), "blue".into())
        ]
    );
    assert_eq!(
        refused(
            &s,
            Change::AddTag {
                resource: a.clone(),
                name: "ENV".into()
            }
        ),
        ChangeError::Taken("ENV".into()),
        "tag names ignore case"
    );
    let renamed = check(
        &s,
        Change::RenameTag {
            resource: a.clone(),
            from: "env".into(),
            to: "stage.name".into(),
        },
    );
    assert_eq!(
        renamed.tags_of(&a),
        [
            ("stage.name".into(), "prod".into()),
            ("team".into(), "blue".into())
        ],
        "the value is kept, and a dot is a character like any other"
    );
    assert!(
        s.change(&Change::RenameTag {
            resource: a.clone(),
            from: "env".into(),
            to: "Team".into()
        })
        .is_err()
    );
    let valued = check(
        &s,
        Change::Set {
            target: Target::Tag {
                resource: a.clone(),
                name: "team".into(),
            },
            value: FieldValue::Text("red".into()),
        },
    );
    assert_eq!(
        valued.model().vnets[&vnet("va")].tags.get("team"),
        Some("red")
    );
    let removed = check(
        &s,
        Change::RemoveTag {
            resource: a.clone(),
            name: "env".into(),
        },
    );
    assert_eq!(removed.tags_of(&a), [("team".into(), "blue".into())]);
    assert!(
        crate::membership::resolve(removed.model())
            .members(&NetworkGroupId::new(group_id()))
            .iter()
            .all(|m| matches!(m.sources.as_slice(), [crate::membership::Source::Static(_)])),
        "without its env tag, `a` is a member by its static member only"
    );
    let set = check(
        &s,
        Change::SetTags {
            resource: a.clone(),
            tags: vec![("k".into(), "v".into())],
        },
    );
    assert_eq!(set.tags_of(&a), [("k".into(), "v".into())]);
    assert!(
        s.change(&Change::AddTag {
            resource: a,
            name: "a/b".into()
        })
        .is_err()
    );
}

#[test]
fn nsg_rules_take_the_next_free_priority_and_either_list_form() {
    let s = design();
    let nsg = NsgId::new(nsg_id());
    let added = check(
        &s,
        Change::AddNsgRule {
            nsg: nsg.clone(),
            direction: Direction::Inbound,
        },
    );
    let rule = added.model().nsgs[&nsg]
        .rules
        .iter()
        .find(|r| r.name != "web")
        .unwrap()
        .clone();
    assert_eq!(
        (rule.priority, rule.name.as_str()),
        (200, "inbound-200"),
        "100 above the highest inbound rule"
    );
    let outbound = check(
        &s,
        Change::AddNsgRule {
            nsg,
            direction: Direction::Outbound,
        },
    );
    assert!(
        outbound
            .model()
            .nsgs
            .values()
            .flat_map(|n| &n.rules)
            .any(|r| r.priority == 100 && r.direction == Direction::Outbound)
    );

    let web = NsgRuleId::new(format!("{}/securityRules/web", nsg_id()));
    let target = Target::NsgRule {
        rule: web.clone(),
        field: RuleField::DestinationPorts,
    };
    assert_eq!(s.text_of(&target).as_deref(), Some("443"));
    let two = check(
        &s,
        Change::Set {
            target,
            value: FieldValue::Texts(vec!["80".into(), "443".into()]),
        },
    );
    let props = "resources[2].properties.securityRules[0].properties";
    assert_eq!(
        at(&two, &format!("{props}.destinationPortRanges")),
        Some(json!(["80", "443"]))
    );
    assert_eq!(at(&two, &format!("{props}.destinationPortRange")), None);
    let priority = check(
        &s,
        Change::Set {
            target: Target::NsgRule {
                rule: web,
                field: RuleField::Priority,
            },
            value: FieldValue::Integer(300),
        },
    );
    assert_eq!(
        at(&priority, &format!("{props}.priority")),
        Some(json!(300))
    );
}

#[test]
fn admin_rule_addresses_get_their_prefix_type() {
    let s = design();
    let rule = AdminRuleId::new(format!(
        "{NM}/securityAdminConfigurations/sa/ruleCollections/rc/rules/r"
    ));
    let target = Target::AdminRule {
        rule,
        field: RuleField::Sources,
    };
    assert_eq!(s.text_of(&target), Some(format!("{}, *", group_id())));
    let set = check(
        &s,
        Change::Set {
            target,
            value: FieldValue::Texts(vec!["10.0.0.0/8".into(), "Internet".into(), group_id()]),
        },
    );
    assert_eq!(
        at(&set, "resources[10].properties.sources"),
        Some(json!([
            {"addressPrefix": "10.0.0.0/8", "addressPrefixType": "IPPrefix"},
            {"addressPrefix": "Internet", "addressPrefixType": "ServiceTag"},
            {"addressPrefix": group_id(), "addressPrefixType": "NetworkGroup"}
        ]))
    );
}

#[test]
fn connectivity_booleans_are_written_as_azure_spells_them() {
    let s = design();
    let config = ConfigurationId::new(format!("{NM}/connectivityConfigurations/hs"));
    let global = check(
        &s,
        Change::Set {
            target: Target::Connectivity {
                config: config.clone(),
                field: ConnectivityField::Global,
            },
            value: FieldValue::Flag(true),
        },
    );
    assert_eq!(
        at(&global, "resources[7].properties.isGlobal"),
        Some(json!("True"))
    );
    let direct = check(
        &s,
        Change::Set {
            target: Target::AppliesTo {
                config: config.clone(),
                index: 0,
                field: AppliesField::DirectlyConnected,
            },
            value: FieldValue::Flag(true),
        },
    );
    assert_eq!(
        at(
            &direct,
            "resources[7].properties.appliesToGroups[0].groupConnectivity"
        ),
        Some(json!("DirectlyConnected"))
    );
    assert!(direct.model().connectivity_configs[&config].groups[0].directly_connected);
    let no_hub = check(
        &s,
        Change::Set {
            target: Target::Connectivity {
                config: config.clone(),
                field: ConnectivityField::Hub,
            },
            value: FieldValue::Text(String::new()),
        },
    );
    assert!(no_hub.model().connectivity_configs[&config].hubs.is_empty());
    assert_eq!(
        s.text_of(&Target::Connectivity {
            config,
            field: ConnectivityField::Hub
        }),
        Some(vnet_id("vb"))
    );
}

#[test]
fn removing_a_vnet_removes_every_reference_to_it() {
    let s = design();
    let removed = check(&s, Change::Remove(ResourceId::new(vnet_id("va"))));
    let m = removed.model();
    assert!(!m.vnets.contains_key(&vnet("va")));
    assert!(m.static_members.is_empty(), "its static member");
    let nic = m.nics.values().next().unwrap();
    assert_eq!(
        nic.ip_configurations[0].subnet, None,
        "the NIC's subnet was in it"
    );
    assert_eq!(m.vnets.len(), 1);
    assert!(
        removed
            .diagnostics()
            .iter()
            .all(|d| d.code != crate::Code::DanglingReference),
        "{:?}",
        removed.diagnostics()
    );
    assert_eq!(s.model().vnets.len(), 2, "the design changed is untouched");

    let hub_gone = check(&s, Change::Remove(ResourceId::new(vnet_id("vb"))));
    let config = hub_gone
        .model()
        .connectivity_configs
        .values()
        .next()
        .unwrap();
    assert!(
        config.hubs.is_empty(),
        "the hub reference goes with the hub"
    );
    assert!(
        hub_gone.model().vnets[&vnet("va")].peerings.is_empty(),
        "so does the peering to it"
    );
}

#[test]
fn removing_a_group_removes_its_members_policies_and_uses() {
    let s = design();
    let removed = check(&s, Change::Remove(ResourceId::new(group_id())));
    let m = removed.model();
    assert!(m.groups.is_empty() && m.static_members.is_empty());
    assert!(
        m.policy_definitions.is_empty(),
        "the policy that adds to it"
    );
    assert!(
        m.policy_assignments.is_empty(),
        "and the assignment of that policy"
    );
    assert!(m.connectivity_configs.values().all(|c| c.groups.is_empty()));
    let collection = &m
        .security_admin_configs
        .values()
        .next()
        .unwrap()
        .collections[0];
    assert!(collection.groups.is_empty());
    let rule = &collection.rules[0];
    assert_eq!(rule.sources.len(), 1, "the rule keeps its other source");
    let unused: Vec<&str> = removed
        .diagnostics()
        .iter()
        .filter(|d| d.code == crate::Code::AppliesToNoGroup)
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        unused,
        ["resources[5]", "resources[7]"],
        "the configuration and the collection (moved up by the two removed resources) reach nothing, and the diagnostics say so"
    );
    assert!(
        removed
            .diagnostics()
            .iter()
            .all(|d| d.code != crate::Code::DanglingReference),
        "{:?}",
        removed.diagnostics()
    );
}

#[test]
fn removing_a_configuration_takes_it_out_of_commits() {
    let s = design();
    let config = format!("{NM}/connectivityConfigurations/hs");
    let removed = check(&s, Change::Remove(ResourceId::new(&config)));
    assert!(removed.model().commits[0].configurations.is_empty());
    assert_eq!(removed.model().commits.len(), 2);
    let manager_gone = check(&s, Change::Remove(ResourceId::new(NM)));
    let m = manager_gone.model();
    assert!(m.managers.is_empty() && m.groups.is_empty() && m.connectivity_configs.is_empty());
    assert!(
        m.security_admin_configs.is_empty() && m.commits.is_empty() && m.static_members.is_empty()
    );
}

#[test]
fn removing_a_subscription_description_keeps_what_is_in_it() {
    let s = check(
        &design(),
        Change::Add(NewResource::Subscription(SubscriptionId::new(SUB))),
    );
    assert_eq!(s.model().subscriptions.len(), 1);
    let removed = check(&s, Change::Remove(ResourceId::new(SUB)));
    assert!(removed.model().subscriptions.is_empty());
    assert_eq!(removed.model().vnets.len(), 2);
    assert_eq!(removed.model().policy_definitions.len(), 1);
}

#[test]
fn renaming_a_vnet_changes_its_id_everywhere() {
    let s = design();
    let renamed = check(
        &s,
        Change::Rename {
            resource: ResourceId::new(vnet_id("va")),
            name: "front".into(),
        },
    );
    let m = renamed.model();
    let front = vnet("front");
    let v = &m.vnets[&front];
    assert_eq!(v.name, "front");
    assert_eq!(
        v.subnets[0].id.as_str(),
        format!("{}/subnets/web", vnet_id("front"))
    );
    assert_eq!(
        v.peerings[0].id.as_str(),
        format!("{}/virtualNetworkPeerings/a-to-b", vnet_id("front"))
    );
    assert_eq!(
        m.static_members.values().next().unwrap().resource.as_str(),
        vnet_id("front")
    );
    let nic = m.nics.values().next().unwrap();
    assert_eq!(
        nic.ip_configurations[0].subnet.as_ref().unwrap().as_str(),
        format!("{}/subnets/web", vnet_id("front"))
    );
    assert!(
        renamed
            .diagnostics()
            .iter()
            .all(|d| d.code != crate::Code::DanglingReference)
    );
    let members = crate::membership::resolve(m);
    assert!(
        members
            .members(&NetworkGroupId::new(group_id()))
            .iter()
            .any(|x| x.id.as_str() == front.as_str())
    );

    assert_eq!(
        refused(
            &s,
            Change::Rename {
                resource: ResourceId::new(vnet_id("va")),
                name: "vb".into()
            }
        ),
        ChangeError::Taken(vnet_id("vb"))
    );
    assert!(
        s.change(&Change::Rename {
            resource: ResourceId::new(vnet_id("va")),
            name: "bad name".into()
        })
        .is_err()
    );

    let group = check(
        &s,
        Change::Rename {
            resource: ResourceId::new(group_id()),
            name: "production".into(),
        },
    );
    let g = NetworkGroupId::new(format!("{NM}/networkGroups/production"));
    assert!(group.model().groups.contains_key(&g));
    assert_eq!(
        group
            .model()
            .connectivity_configs
            .values()
            .next()
            .unwrap()
            .groups[0]
            .group,
        g
    );
    assert_eq!(
        group
            .model()
            .policy_definitions
            .values()
            .next()
            .unwrap()
            .network_group
            .as_ref(),
        Some(&g)
    );
}

#[test]
fn moving_a_vnet_changes_its_subscription_and_resource_group() {
    let s = design();
    let moved = check(
        &s,
        Change::Move {
            resource: ResourceId::new(vnet_id("vb")),
            subscription: "s2".into(),
            resource_group: "net".into(),
        },
    );
    let id = VnetId::new(
        "/subscriptions/s2/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vb",
    );
    let b = &moved.model().vnets[&id];
    assert_eq!(b.subscription.as_str(), "/subscriptions/s2");
    assert_eq!(moved.model().vnets[&vnet("va")].peerings[0].remote, id);
    assert_eq!(
        moved
            .model()
            .connectivity_configs
            .values()
            .next()
            .unwrap()
            .hubs,
        [id]
    );
}

#[test]
fn scopes_features_and_resources_of_a_manager() {
    let s = design();
    let nm = NetworkManagerId::new(NM);
    let mg = "/providers/Microsoft.Management/managementGroups/root";
    let scoped = check(
        &s,
        Change::AddScope {
            manager: nm.clone(),
            scope: mg.into(),
        },
    );
    assert_eq!(
        scoped.model().managers[&nm].scope_management_groups.len(),
        1
    );
    assert!(
        scoped
            .change(&Change::AddScope {
                manager: nm.clone(),
                scope: mg.into()
            })
            .is_err()
    );
    let unscoped = check(
        &scoped,
        Change::RemoveScope {
            manager: nm.clone(),
            scope: SUB.into(),
        },
    );
    assert!(
        unscoped.model().managers[&nm]
            .scope_subscriptions
            .is_empty()
    );
    assert!(
        s.change(&Change::AddScope {
            manager: nm.clone(),
            scope: "s1".into()
        })
        .is_err()
    );

    let grown = check(&s, Change::AddNetworkGroup(nm.clone()));
    assert!(grown.model().groups.keys().any(|g| g.name() == "group"));
    let mesh = check(
        &s,
        Change::AddConnectivityConfiguration {
            manager: nm.clone(),
            group: None,
        },
    );
    let config = mesh
        .model()
        .connectivity_configs
        .values()
        .find(|c| c.id.name() == "connectivity")
        .unwrap();
    assert!(config.groups.is_empty());
    let secured = check(
        &s,
        Change::AddSecurityAdminConfiguration {
            manager: nm.clone(),
            group: Some(NetworkGroupId::new(group_id())),
        },
    );
    let config = secured
        .model()
        .security_admin_configs
        .values()
        .find(|c| c.id.name() == "security-admin")
        .unwrap();
    assert_eq!(config.collections.len(), 1);
    let features = check(
        &s,
        Change::Set {
            target: Target::ManagerFeatures(nm.clone()),
            value: FieldValue::Texts(vec!["Connectivity".into()]),
        },
    );
    assert_eq!(features.model().managers[&nm].features.len(), 1);
}

#[test]
fn admin_rules_and_collections() {
    let s = design();
    let rc = RuleCollectionId::new(format!(
        "{NM}/securityAdminConfigurations/sa/ruleCollections/rc"
    ));
    let added = check(&s, Change::AddAdminRule(rc.clone()));
    let rules = &added
        .model()
        .security_admin_configs
        .values()
        .next()
        .unwrap()
        .collections[0]
        .rules;
    assert_eq!(
        rules.iter().map(|r| r.priority).max(),
        Some(11),
        "one after the highest in use"
    );
    let preset = check(&s, Change::AddHighRiskPortRules(rc.clone()));
    let rules = &preset
        .model()
        .security_admin_configs
        .values()
        .next()
        .unwrap()
        .collections[0]
        .rules;
    assert_eq!(rules.len(), 3);
    let grouped = check(
        &s,
        Change::RemoveCollectionGroup {
            collection: rc.clone(),
            index: 0,
        },
    );
    assert!(
        grouped
            .model()
            .security_admin_configs
            .values()
            .next()
            .unwrap()
            .collections[0]
            .groups
            .is_empty()
    );
    let again = check(
        &grouped,
        Change::AddCollectionGroup {
            collection: rc,
            group: NetworkGroupId::new(group_id()),
        },
    );
    assert_eq!(
        again
            .model()
            .security_admin_configs
            .values()
            .next()
            .unwrap()
            .collections[0]
            .groups
            .len(),
        1
    );
}

#[test]
fn static_members_and_conditions_of_a_group() {
    let s = design();
    let group = NetworkGroupId::new(group_id());
    let member = check(
        &s,
        Change::AddStaticMember {
            group: group.clone(),
            resource: ResourceId::new(vnet_id("vb")),
        },
    );
    assert_eq!(member.model().static_members.len(), 2);
    assert!(
        member
            .change(&Change::AddStaticMember {
                group: group.clone(),
                resource: ResourceId::new(vnet_id("vb"))
            })
            .is_err()
    );
    let condition = r#"{"field": "Name", "equals": "vb"}"#;
    let set = check(
        &s,
        Change::SetCondition {
            group,
            condition: condition.into(),
        },
    );
    assert_eq!(
        set.model().policy_definitions.len(),
        1,
        "the definition that adds to the group is edited"
    );
    let definition = set.model().policy_definitions.keys().next().unwrap();
    let written: Value = serde_json::from_str(&set.condition_of(definition).unwrap()).unwrap();
    assert_eq!(written, serde_json::from_str::<Value>(condition).unwrap());
}

#[test]
fn commits_and_intents() {
    let s = design();
    let nm = NetworkManagerId::new(NM);
    let none = check(
        &s,
        Change::SetCommit {
            index: 0,
            configurations: vec![],
            regions: vec!["westeurope".into()],
        },
    );
    assert!(
        crate::analyze(&none).topology.peerings.is_empty(),
        "the region's connectivity goal state is empty"
    );
    let removed = check(&s, Change::RemoveCommit(1));
    assert_eq!(removed.model().commits.len(), 1);
    let redeployed = check(
        &none,
        Change::Commit {
            manager: nm,
            kind: ConfigType::Connectivity,
            configurations: vec![ConfigurationId::new(format!(
                "{NM}/connectivityConfigurations/hs"
            ))],
            regions: vec!["westeurope".into()],
        },
    );
    assert_eq!(redeployed.model().commits.len(), 3);
    assert_eq!(
        redeployed.model().commits[2].snapshots.len(),
        1,
        "the fingerprint is recorded"
    );
    let everything = check(&s, Change::DeployEverything);
    assert_eq!(everything.model().commits.len(), 4);

    let intent = check(&s, Change::AddIntent);
    assert_eq!(intent.model().intents.len(), 2);
    let named = check(
        &intent,
        Change::Set {
            target: Target::Intent {
                index: 1,
                field: IntentField::Port,
            },
            value: FieldValue::Integer(22),
        },
    );
    assert_eq!(named.model().intents[1].flow.port, Some(22));
    let gone = check(&named, Change::RemoveIntent(0));
    assert_eq!(gone.model().intents[0].name, "new intent");
    assert!(s.change(&Change::RemoveIntent(5)).is_err());
}

#[test]
fn new_resources_are_checked_and_unique() {
    let s = design();
    let new = NewResource::Vnet {
        subscription: "s1".into(),
        resource_group: "rg".into(),
        name: "c".into(),
        location: "westeurope".into(),
        prefix: "10.2.0.0/16".into(),
    };
    let added = check(&s, Change::Add(new.clone()));
    assert_eq!(
        added.model().vnets[&vnet("c")].subnets[0].prefixes[0].to_string(),
        "10.2.0.0/24"
    );
    assert_eq!(
        refused(&added, Change::Add(new)),
        ChangeError::Taken(vnet_id("c"))
    );
    let nic = NewResource::Nic {
        subscription: "s1".into(),
        resource_group: "rg".into(),
        name: "nic2".into(),
        location: "westeurope".into(),
        subnet: subnet(),
        address: "10.0.1.5".into(),
    };
    assert_eq!(check(&s, Change::Add(nic)).model().nics.len(), 2);
    let bad = NewResource::NetworkManager {
        subscription: "s1".into(),
        resource_group: "rg".into(),
        name: "nm2".into(),
        location: "west-europe".into(),
    };
    assert_eq!(
        refused(&s, Change::Add(bad)),
        ChangeError::Invalid(FieldError::Region("west-europe".into()))
    );
    let mg = check(
        &s,
        Change::Add(NewResource::ManagementGroup {
            name: "root".into(),
        }),
    );
    let id = ManagementGroupId::new("/providers/Microsoft.Management/managementGroups/root");
    let child = check(
        &mg,
        Change::AddChild {
            group: id.clone(),
            child: ResourceId::new(SUB),
        },
    );
    assert_eq!(
        child.model().management_groups[&id]
            .child_subscriptions
            .len(),
        1
    );
    let orphan = check(
        &child,
        Change::RemoveChild {
            group: id.clone(),
            child: ResourceId::new(SUB),
        },
    );
    assert!(
        orphan.model().management_groups[&id]
            .child_subscriptions
            .is_empty()
    );
}

#[test]
fn fields_read_as_written_and_refusals_keep_the_design() {
    let s = design();
    assert_eq!(
        s.text_of(&Target::Location(ResourceId::new(vnet_id("va"))))
            .as_deref(),
        Some("westeurope")
    );
    assert_eq!(
        s.text_of(&Target::AddressSpace(vnet("va"))).as_deref(),
        Some("10.0.0.0/16")
    );
    assert_eq!(s.text_of(&Target::Title).as_deref(), Some("fixture"));
    assert_eq!(s.text_of(&Target::AddressSpace(vnet("nowhere"))), None);
    let before = doc(&s);
    let refused = s.change(&Change::Set {
        target: Target::AddressSpace(vnet("nowhere")),
        value: FieldValue::Texts(vec![]),
    });
    assert!(matches!(
        refused,
        Err(ChangeError::Missing {
            what: "virtual network",
            ..
        })
    ));
    assert_eq!(
        s.change(&Change::Set {
            target: Target::Title,
            value: FieldValue::Text("x".into())
        })
        .map(|n| n.text_of(&Target::Title)),
        Ok(Some("x".into()))
    );
    assert_eq!(
        doc(&s),
        before,
        "a change never alters the design it is applied to"
    );
    let unreadable = s.change(&Change::Set {
        target: Target::NsgRule {
            rule: NsgRuleId::new(format!("{}/securityRules/web", nsg_id())),
            field: RuleField::Priority,
        },
        value: FieldValue::Text("high".into()),
    });
    assert!(
        matches!(unreadable, Err(ChangeError::Format(_))),
        "{unreadable:?}"
    );
}

/// VNet `v` with subnet `a` inline and as a resource of its own (the same), subnet `b` inline and as a resource
/// that differs (a warning), subnet `c` and a peering to `w` only as resources; a subnet of a VNet that is not in
/// the document; an NSG with one rule inline and one as a resource; a security admin configuration whose
/// collection and rules are resources, and a rule of a collection that is not in the document; a bad prefix.
fn standalone_children() -> Value {
    let (v, w, nsg) = (vnet_id("v"), vnet_id("w"), nsg_id());
    let sa = format!("{NM}/securityAdminConfigurations/sa");
    let rule = |collection: &str, name: &str, port: &str| {
        json!({"id": format!("{sa}/ruleCollections/{collection}/rules/{name}"), "kind": "Custom",
               "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
               "properties": {"priority": 10, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
                  "sources": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                  "destinations": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                  "destinationPortRanges": [port]}})
    };
    let subnet = |vnet: &str, name: &str, prefix: &str| {
        json!({"id": format!("{vnet}/subnets/{name}"), "name": name,
               "type": "Microsoft.Network/virtualNetworks/subnets", "properties": {"addressPrefix": prefix}})
    };
    json!({"resources": [
        {"id": v, "name": "v", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
         "tags": {"env": "prod"},
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": [{"name": "a", "id": format!("{v}/subnets/a"), "properties": {"addressPrefix": "10.0.1.0/24"}},
                        {"name": "b", "id": format!("{v}/subnets/b"), "properties": {"addressPrefix": "10.0.2.0/24"}}]}},
        subnet(&v, "a", "10.0.1.0/24"),
        subnet(&v, "b", "10.0.3.0/24"),
        {"id": w, "name": "w", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16", "10.1.0.0/33"]}}},
        subnet(&v, "c", "10.0.4.0/24"),
        {"id": format!("{v}/virtualNetworkPeerings/v-to-w"), "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
         "properties": {"remoteVirtualNetwork": {"id": w}, "peeringState": "Connected"}},
        subnet(&vnet_id("gone"), "x", "10.9.0.0/24"),
        {"id": nsg, "name": "nsg", "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope",
         "properties": {"securityRules": [{"name": "web", "properties": {"priority": 100, "direction": "Inbound",
            "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*",
            "destinationAddressPrefix": "*", "destinationPortRange": "443"}}]}},
        {"id": format!("{nsg}/securityRules/ssh"), "type": "Microsoft.Network/networkSecurityGroups/securityRules",
         "properties": {"priority": 200, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
            "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}},
        {"id": NM, "name": "nm", "type": "Microsoft.Network/networkManagers", "location": "westeurope",
         "properties": {"networkManagerScopes": {"subscriptions": [SUB]},
            "networkManagerScopeAccesses": ["Connectivity", "SecurityAdmin"]}},
        {"id": group_id(), "type": "Microsoft.Network/networkManagers/networkGroups", "properties": {}},
        rule("rc", "ssh", "22"),
        {"id": sa, "type": "Microsoft.Network/networkManagers/securityAdminConfigurations", "properties": {}},
        {"id": format!("{sa}/ruleCollections/rc"),
         "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
         "properties": {"appliesToGroups": [{"networkGroupId": group_id()}]}},
        rule("rc", "rdp", "3389"),
        rule("gone", "orphan", "80")
    ], "commits": [], "intents": []})
}

/// Every edit of the examples and of a design with children given as resources of their own: the design after
/// it, read again only where the change wrote, is the design its document gives read whole (model, diagnostics
/// and their order), or the same error; and the partial reading is what most edits take.
#[test]
fn a_change_reads_again_where_it_wrote_and_gives_what_a_full_read_gives() {
    let standalone = standalone_children();
    let mut duplicated = standalone.clone();
    let first = duplicated["resources"][0].clone();
    duplicated["resources"].as_array_mut().unwrap().push(first);
    let designs: Vec<Scenario> = crate::EXAMPLES
        .iter()
        .map(|text| Scenario::parse(text).unwrap())
        .chain([standalone, duplicated].map(|d| Scenario::from_document(d).unwrap()))
        .collect();
    let codes =
        |s: &Scenario| -> Vec<crate::Code> { s.diagnostics().iter().map(|d| d.code).collect() };
    let standalone_codes = codes(&designs[7]);
    for code in [
        crate::Code::DuplicateId,
        crate::Code::DanglingReference,
        crate::Code::InvalidPrefix,
    ] {
        assert!(
            standalone_codes.contains(&code),
            "{code:?} in {standalone_codes:?}"
        );
    }
    let (mut partial, mut whole) = (0, 0);
    for (n, before) in designs.iter().enumerate() {
        for change in crate::tests::edits(before) {
            let mut draft = Draft::new(before.document.clone());
            if write(before.model(), &mut draft, &change).is_err() {
                assert!(before.change(&change).is_err(), "{change:?}");
                continue;
            }
            let (document, touched) = draft.finish();
            let read = before.diagnostics().get(..before.read).unwrap();
            let again = match &touched {
                Touched::Resources(t) => super::super::format::read_again(
                    &before.document,
                    before.model(),
                    read,
                    &document,
                    t,
                ),
                Touched::Everything => None,
            };
            if again.is_some() {
                partial += 1;
            } else {
                whole += 1;
            }
            if n == 8 {
                assert!(
                    again.is_none(),
                    "a design with a duplicate id is read whole: {change:?}"
                );
            }
            match (before.change(&change), Scenario::read(document)) {
                (Ok(changed), Ok(read)) => {
                    assert_eq!(changed.model(), read.model(), "{change:?}");
                    assert_eq!(changed.diagnostics(), read.diagnostics(), "{change:?}");
                }
                (Err(ChangeError::Format(a)), Err(b)) => assert_eq!(a, b, "{change:?}"),
                (a, b) => panic!("{change:?}: {a:?} against {b:?}"),
            }
        }
    }
    assert!(
        partial > 200 && whole > 100,
        "{partial} read again in part, {whole} whole"
    );
}

/// A change of one admin rule copies that rule's resource and the configurations' items, and shares the rest of
/// the document and of the model with the design before it (what lets an undo step of a large design cost little).
#[test]
fn a_change_shares_with_the_design_before_what_it_did_not_write() {
    use std::sync::Arc;
    let s = design();
    let rule = s.model().admin_rules().next().unwrap().id.clone();
    let changed = check(
        &s,
        Change::Set {
            target: Target::AdminRule {
                rule: rule.clone(),
                field: RuleField::Access,
            },
            value: FieldValue::Text("Allow".into()),
        },
    );
    let (before, after) = (
        s.document.shared().unwrap(),
        changed.document.shared().unwrap(),
    );
    let copied: Vec<usize> = (0..before.len())
        .filter(|&i| !Arc::ptr_eq(&before[i], &after[i]))
        .collect();
    let written = s.path_of(&ResourceId::new(rule.as_str())).unwrap();
    assert_eq!(copied, [written.resource_index().unwrap()]);
    let (a, b) = (s.model(), changed.model());
    assert!(Arc::ptr_eq(&a.vnets, &b.vnets) && Arc::ptr_eq(&a.nsgs, &b.nsgs));
    assert!(
        Arc::ptr_eq(&a.groups, &b.groups)
            && Arc::ptr_eq(&a.policy_assignments, &b.policy_assignments)
    );
    assert!(!Arc::ptr_eq(
        &a.security_admin_configs,
        &b.security_admin_configs
    ));
    // Apart from each other: the rule's resource (no subnets, no rules inside) and the one configuration.
    assert_eq!(s.size_apart_from(&changed), 1 + 1 + 1);
    assert_eq!(changed.size_apart_from(&s), 1 + 1 + 1);
    assert_eq!(s.size_apart_from(&s.clone()), 1, "a copy shares everything");
    // A design read again shares nothing: apart, it weighs its whole size (the resources with their subnets and
    // rules would count twice, in the document and in the model).
    let again = Scenario::from_document(s.to_value()).unwrap();
    // `design()`: 13 resources, VNet `va` with one subnet, the NSG with one rule.
    assert_eq!(s.resources().len(), 13);
    assert_eq!(again.size(), 1 + 13 + 1 + 1);
    assert_eq!(again.size_apart_from(&s), 1 + 13 + 1 + 1);
}

/// Writing a design reusing the texts of the resources it shares with the design written before gives the text
/// of writing it whole, edit after edit of every example (the texts kept follow the design).
#[test]
fn a_design_written_reusing_the_texts_of_shared_resources_is_the_same_text() {
    for text in crate::EXAMPLES {
        let mut texts = crate::scenario::Texts::default();
        let mut design = Scenario::parse(text).unwrap();
        assert_eq!(design.to_json_pieces(&mut texts).concat(), design.to_json());
        assert_eq!(texts.len(), design.resources().len());
        for change in crate::tests::edits(&design).into_iter().step_by(7) {
            let Ok(next) = design.change(&change) else {
                continue;
            };
            assert_eq!(
                next.to_json_pieces(&mut texts).concat(),
                next.to_json(),
                "{change:?}"
            );
            assert_eq!(texts.len(), next.resources().len(), "{change:?}");
            design = next;
        }
    }
}
