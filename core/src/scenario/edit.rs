//! Edits of a design: the playground's every change is an [`Edit`] applied by [`apply`] to the document,
//! which is then read again, so an edit is tested natively and the front end holds no domain rules.
//!
//! An edit that would make the document unreadable is refused with an error, and the design it was applied
//! to is left as it was: nothing is lost.

use serde_json::{Map, Value, json};

use super::{FormatError, Scenario};

/// A value written into the document by an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    /// A string.
    Text(String),
    /// An integer (priorities, ports).
    Integer(i64),
    /// A boolean.
    Flag(bool),
    /// A list of strings (address prefixes, port ranges, regions).
    Texts(Vec<String>),
}

impl FieldValue {
    fn to_json(&self) -> Value {
        match self {
            FieldValue::Text(s) => Value::String(s.clone()),
            FieldValue::Integer(i) => json!(i),
            FieldValue::Flag(b) => Value::Bool(*b),
            FieldValue::Texts(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
        }
    }
}

/// A piece of document made by one of the [`template`] functions, ready to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct Fragment(Value);

/// A change to a design.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Sets the field at a JSON path (`resources[3].properties.priority`), creating objects on the way.
    Set {
        /// Where.
        path: String,
        /// The new value.
        value: FieldValue,
    },
    /// Removes the array element or object member at a JSON path.
    Remove {
        /// Where.
        path: String,
    },
    /// Appends a fragment to the array at a JSON path (`resources`, `commits`, a VNet's `subnets`...),
    /// creating the array if needed.
    Append {
        /// The array.
        path: String,
        /// What to append.
        fragment: Fragment,
    },
    /// Replaces the whole document with JSON text (the JSON editor, an import, an example).
    Replace(String),
}

/// Why an edit was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The path does not lead to a value of the document.
    #[error("`{0}` is not a location in the document")]
    Path(String),
    /// The edited document could not be read.
    #[error(transparent)]
    Format(#[from] FormatError),
}

/// One step of a JSON path.
enum Segment<'p> {
    Key(&'p str),
    Index(usize),
}

fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        while !rest.is_empty() {
            let (index, after) = rest.split_once(']')?;
            out.push(Segment::Index(index.parse().ok()?));
            rest = after.strip_prefix('[').unwrap_or(after);
            if !after.is_empty() && !after.starts_with('[') {
                return None;
            }
        }
    }
    Some(out)
}

/// The value at a path, creating objects for missing keys when `create` is set.
fn locate<'v>(root: &'v mut Value, path: &[Segment<'_>], create: bool) -> Option<&'v mut Value> {
    let mut at = root;
    for segment in path {
        at = match segment {
            Segment::Key(key) => {
                if create && at.is_null() {
                    *at = Value::Object(Map::new());
                }
                let map = at.as_object_mut()?;
                if create {
                    map.entry((*key).to_owned()).or_insert(Value::Null)
                } else {
                    map.get_mut(*key)?
                }
            }
            Segment::Index(i) => at.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(at)
}

/// Applies an edit, returning the new design; the old one is untouched.
///
/// ```
/// use avnm_core::Scenario;
/// use avnm_core::scenario::edit::{apply, Edit, FieldValue};
/// let s = Scenario::parse(r#"{"resources": [], "intents": []}"#).unwrap();
/// let s = apply(&s, &Edit::Set { path: "title".into(), value: FieldValue::Text("Lesson 1".into()) }).unwrap();
/// assert!(s.to_json().contains("Lesson 1"));
/// let refused = apply(&s, &Edit::Replace("{\"resources\": 3}".into()));
/// assert!(refused.is_err());
/// ```
pub fn apply(scenario: &Scenario, edit: &Edit) -> Result<Scenario, EditError> {
    let mut document = scenario.document.clone();
    match edit {
        Edit::Replace(text) => return Ok(Scenario::parse(text)?),
        Edit::Set { path, value } => {
            let steps = segments(path).ok_or_else(|| EditError::Path(path.clone()))?;
            let slot = locate(&mut document, &steps, true).ok_or_else(|| EditError::Path(path.clone()))?;
            *slot = value.to_json();
        }
        Edit::Remove { path } => {
            let mut steps = segments(path).ok_or_else(|| EditError::Path(path.clone()))?;
            let last = steps.pop().ok_or_else(|| EditError::Path(path.clone()))?;
            let parent = locate(&mut document, &steps, false).ok_or_else(|| EditError::Path(path.clone()))?;
            let removed = match last {
                Segment::Key(key) => parent.as_object_mut().and_then(|m| m.remove(key)).is_some(),
                Segment::Index(i) => match parent.as_array_mut() {
                    Some(items) if i < items.len() => {
                        items.remove(i);
                        true
                    }
                    _ => false,
                },
            };
            if !removed {
                return Err(EditError::Path(path.clone()));
            }
        }
        Edit::Append { path, fragment } => {
            let steps = segments(path).ok_or_else(|| EditError::Path(path.clone()))?;
            let slot = locate(&mut document, &steps, true).ok_or_else(|| EditError::Path(path.clone()))?;
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            slot.as_array_mut().ok_or_else(|| EditError::Path(path.clone()))?.push(fragment.0.clone());
        }
    }
    Ok(Scenario::from_document(document)?)
}

/// The commits of "deploy everything to every region": for each manager, its connectivity configurations
/// and its first security admin configuration, to every region that has a virtual network, for the types the
/// manager has enabled. Appended after the existing commits, they replace the goal state of those regions.
pub fn deploy_everything(model: &crate::model::Model) -> Vec<Edit> {
    use crate::model::ConfigType;
    let regions: std::collections::BTreeSet<String> = model.vnets.values().map(|v| v.location.to_string()).collect();
    let regions: Vec<String> = regions.into_iter().collect();
    let mut edits = Vec::new();
    if regions.is_empty() {
        return edits;
    }
    for manager in model.managers.values() {
        let id = manager.id.to_string();
        if manager.features.contains(&ConfigType::Connectivity) {
            let configs: Vec<String> =
                model.connectivity_configs.values().filter(|c| c.manager == manager.id).map(|c| c.id.to_string()).collect();
            if !configs.is_empty() {
                let fragment = template::commit(&id, "Connectivity", &configs, &regions);
                edits.push(Edit::Append { path: "commits".into(), fragment });
            }
        }
        if manager.features.contains(&ConfigType::SecurityAdmin) {
            let first = model.security_admin_configs.values().find(|c| c.manager == manager.id).map(|c| c.id.to_string());
            if let Some(config) = first {
                let fragment = template::commit(&id, "SecurityAdmin", &[config], &regions);
                edits.push(Edit::Append { path: "commits".into(), fragment });
            }
        }
    }
    edits
}

/// Fragments for new resources and items, with Azure's defaults, so the front end never writes JSON itself.
pub mod template {
    use serde_json::json;

    use super::Fragment;

    fn rg_id(subscription: &str, resource_group: &str) -> String {
        format!("/subscriptions/{subscription}/resourceGroups/{resource_group}")
    }

    /// A virtual network with one address prefix and one subnet covering its first /24 (or the whole prefix).
    pub fn vnet(subscription: &str, resource_group: &str, name: &str, location: &str, prefix: &str, subnet: &str) -> Fragment {
        let id = format!("{}/providers/Microsoft.Network/virtualNetworks/{name}", rg_id(subscription, resource_group));
        Fragment(json!({
            "id": id, "name": name, "type": "Microsoft.Network/virtualNetworks", "location": location, "tags": {},
            "properties": {
                "addressSpace": {"addressPrefixes": [prefix]},
                "subnets": [{"name": "default", "id": format!("{id}/subnets/default"), "properties": {"addressPrefix": subnet}}],
                "virtualNetworkPeerings": []
            }
        }))
    }

    /// A subnet to append to a VNet's `properties.subnets`.
    pub fn subnet(vnet_id: &str, name: &str, prefix: &str) -> Fragment {
        Fragment(json!({"name": name, "id": format!("{vnet_id}/subnets/{name}"), "properties": {"addressPrefix": prefix}}))
    }

    /// A manual peering to append to a VNet's `properties.virtualNetworkPeerings`.
    pub fn peering(vnet_id: &str, remote_id: &str, name: &str) -> Fragment {
        Fragment(json!({
            "name": name, "id": format!("{vnet_id}/virtualNetworkPeerings/{name}"),
            "properties": {"remoteVirtualNetwork": {"id": remote_id}, "peeringState": "Connected", "allowVirtualNetworkAccess": true}
        }))
    }

    /// A network security group with no rules (the six defaults are implicit).
    pub fn nsg(subscription: &str, resource_group: &str, name: &str, location: &str) -> Fragment {
        Fragment(json!({
            "id": format!("{}/providers/Microsoft.Network/networkSecurityGroups/{name}", rg_id(subscription, resource_group)),
            "name": name, "type": "Microsoft.Network/networkSecurityGroups", "location": location,
            "properties": {"securityRules": []}
        }))
    }

    /// An NSG rule to append to `properties.securityRules`.
    pub fn nsg_rule(nsg_id: &str, name: &str, priority: u32, direction: &str, access: &str) -> Fragment {
        Fragment(json!({
            "name": name, "id": format!("{nsg_id}/securityRules/{name}"),
            "properties": {
                "priority": priority, "direction": direction, "access": access, "protocol": "Tcp",
                "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"
            }
        }))
    }

    /// A network interface with one static IP in a subnet.
    pub fn nic(subscription: &str, resource_group: &str, name: &str, location: &str, subnet_id: &str, address: &str) -> Fragment {
        Fragment(json!({
            "id": format!("{}/providers/Microsoft.Network/networkInterfaces/{name}", rg_id(subscription, resource_group)),
            "name": name, "type": "Microsoft.Network/networkInterfaces", "location": location,
            "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {
                "privateIPAddress": address, "privateIPAllocationMethod": "Static", "subnet": {"id": subnet_id}}}]}
        }))
    }

    /// A network manager scoped to one subscription, with both features.
    pub fn network_manager(subscription: &str, resource_group: &str, name: &str, location: &str) -> Fragment {
        Fragment(json!({
            "id": format!("{}/providers/Microsoft.Network/networkManagers/{name}", rg_id(subscription, resource_group)),
            "name": name, "type": "Microsoft.Network/networkManagers", "location": location,
            "properties": {
                "networkManagerScopes": {"managementGroups": [], "subscriptions": [format!("/subscriptions/{subscription}")]},
                "networkManagerScopeAccesses": ["Connectivity", "SecurityAdmin"]
            }
        }))
    }

    /// A network group of virtual networks.
    pub fn network_group(manager_id: &str, name: &str) -> Fragment {
        Fragment(json!({
            "id": format!("{manager_id}/networkGroups/{name}"), "name": name,
            "type": "Microsoft.Network/networkManagers/networkGroups",
            "properties": {"description": "", "memberType": "VirtualNetwork"}
        }))
    }

    /// A static member adding a VNet to a group.
    pub fn static_member(group_id: &str, name: &str, vnet_id: &str) -> Fragment {
        Fragment(json!({
            "id": format!("{group_id}/staticMembers/{name}"), "name": name,
            "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
            "properties": {"resourceId": vnet_id}
        }))
    }

    /// A connectivity configuration: a mesh, or a hub-and-spoke when a hub is given.
    pub fn connectivity(manager_id: &str, name: &str, hub: Option<&str>, group_id: &str) -> Fragment {
        let (topology, hubs) = match hub {
            Some(h) => ("HubAndSpoke", json!([{"resourceId": h, "resourceType": "Microsoft.Network/virtualNetworks"}])),
            None => ("Mesh", json!([])),
        };
        Fragment(json!({
            "id": format!("{manager_id}/connectivityConfigurations/{name}"), "name": name,
            "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
            "properties": {
                "connectivityTopology": topology, "hubs": hubs, "isGlobal": "False", "deleteExistingPeering": "False",
                "appliesToGroups": [{"networkGroupId": group_id, "groupConnectivity": "None", "useHubGateway": "False", "isGlobal": "False"}]
            }
        }))
    }

    /// A security admin configuration.
    pub fn security_admin(manager_id: &str, name: &str) -> Fragment {
        Fragment(json!({
            "id": format!("{manager_id}/securityAdminConfigurations/{name}"), "name": name,
            "type": "Microsoft.Network/networkManagers/securityAdminConfigurations",
            "properties": {"description": "", "applyOnNetworkIntentPolicyBasedServices": ["None"]}
        }))
    }

    /// A rule collection applying to one group.
    pub fn rule_collection(config_id: &str, name: &str, group_id: &str) -> Fragment {
        Fragment(json!({
            "id": format!("{config_id}/ruleCollections/{name}"), "name": name,
            "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
            "properties": {"appliesToGroups": [{"networkGroupId": group_id}]}
        }))
    }

    /// A security admin rule (any source and destination).
    pub fn admin_rule(collection_id: &str, name: &str, priority: u32, direction: &str, access: &str, protocol: &str, ports: &[&str]) -> Fragment {
        Fragment(json!({
            "id": format!("{collection_id}/rules/{name}"), "name": name, "kind": "Custom",
            "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
            "properties": {
                "priority": priority, "direction": direction, "access": access, "protocol": protocol,
                "sources": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                "destinations": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
                "sourcePortRanges": ["0-65535"], "destinationPortRanges": ports
            }
        }))
    }

    /// A commit of configurations of one type to regions.
    pub fn commit(manager_id: &str, commit_type: &str, configurations: &[String], regions: &[String]) -> Fragment {
        Fragment(json!({
            "networkManagerId": manager_id, "commitType": commit_type,
            "configurationIds": configurations, "targetLocations": regions
        }))
    }

    /// An intent.
    pub fn intent(name: &str, from: &str, to: &str, protocol: &str, port: u16, expect: &str) -> Fragment {
        Fragment(json!({"name": name, "from": from, "to": to, "protocol": protocol, "port": port, "expect": expect}))
    }

    /// An Azure Policy definition adding VNets whose tag has a value to a group, with its assignment at a scope.
    pub fn tag_policy(subscription: &str, name: &str, group_id: &str, tag: &str, value: &str) -> [Fragment; 2] {
        let definition = format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/policyDefinitions/{name}");
        [
            Fragment(json!({
                "id": definition, "name": name, "type": "Microsoft.Authorization/policyDefinitions",
                "properties": {
                    "displayName": name, "policyType": "Custom", "mode": "Microsoft.Network.Data",
                    "policyRule": {
                        "if": {"allOf": [
                            {"field": "type", "equals": "Microsoft.Network/virtualNetworks"},
                            {"field": format!("tags['{tag}']"), "equals": value}
                        ]},
                        "then": {"effect": "addToNetworkGroup", "details": {"networkGroupId": group_id}}
                    }
                }
            })),
            Fragment(json!({
                "id": format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/policyAssignments/{name}-assignment"),
                "name": format!("{name}-assignment"), "type": "Microsoft.Authorization/policyAssignments",
                "properties": {"policyDefinitionId": definition, "scope": format!("/subscriptions/{subscription}"), "enforcementMode": "Default"}
            })),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VNET: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";

    fn design() -> Scenario {
        let s = Scenario::parse(r#"{"resources": [], "note": "kept"}"#).unwrap();
        let vnet = template::vnet("s", "rg", "v", "westeurope", "10.0.0.0/16", "10.0.0.0/24");
        apply(&s, &Edit::Append { path: "resources".into(), fragment: vnet }).unwrap()
    }

    #[test]
    fn templates_build_resources_the_engine_reads() {
        let s = design();
        let vnet = s.model().vnets.values().next().unwrap();
        assert_eq!(vnet.id.as_str(), VNET);
        assert_eq!(vnet.subnets.len(), 1);
        assert!(s.diagnostics().is_empty(), "{:?}", s.diagnostics());
        assert!(s.to_json().contains("kept"));
    }

    #[test]
    fn set_and_remove_change_one_field() {
        let s = design();
        let s2 = apply(&s, &Edit::Set {
            path: "resources[0].properties.addressSpace.addressPrefixes".into(),
            value: FieldValue::Texts(vec!["10.0.0.0/16".into(), "10.9.0.0/16".into()]),
        })
        .unwrap();
        assert_eq!(s2.model().vnets.values().next().unwrap().address_space.len(), 2);
        let s3 = apply(&s2, &Edit::Remove { path: "resources[0].properties.subnets[0]".into() }).unwrap();
        assert!(s3.model().vnets.values().next().unwrap().subnets.is_empty());
        assert_eq!(s.model().vnets.values().next().unwrap().subnets.len(), 1, "the original is untouched");
    }

    #[test]
    fn refused_edits_leave_the_design_as_it_was() {
        let s = design();
        let bad_type = apply(&s, &Edit::Set { path: "resources[0].type".into(), value: FieldValue::Integer(3) });
        assert_eq!(bad_type.unwrap_err().to_string(), "`resources[0].type`: expected a string, found a number");
        assert_eq!(
            apply(&s, &Edit::Remove { path: "resources[4]".into() }).unwrap_err(),
            EditError::Path("resources[4]".into())
        );
        assert!(matches!(apply(&s, &Edit::Set { path: "resources[x]".into(), value: FieldValue::Flag(true) }), Err(EditError::Path(_))));
        assert!(matches!(apply(&s, &Edit::Replace("{".into())), Err(EditError::Format(FormatError::Json { .. }))));
        assert_eq!(s.model().vnets.len(), 1);
    }

    #[test]
    fn deploy_everything_commits_every_configuration_to_every_region() {
        let text = include_str!("../../../static/examples/hub-spoke-guardrails.json");
        let mut s = Scenario::parse(text).unwrap();
        s = apply(&s, &Edit::Remove { path: "commits".into() }).unwrap();
        assert!(crate::analyze(&s).topology.peerings.is_empty(), "nothing is deployed without commits");
        for edit in deploy_everything(s.model()) {
            s = apply(&s, &edit).unwrap();
        }
        assert_eq!(s.model().commits.len(), 2);
        assert_eq!(crate::analyze(&s).topology.peerings.len(), 4, "the hub and its four spokes");
    }

    #[test]
    fn an_invalid_value_is_a_diagnostic_not_a_refusal() {
        let s = design();
        let s2 = apply(&s, &Edit::Set {
            path: "resources[0].properties.subnets[0].properties.addressPrefix".into(),
            value: FieldValue::Text("10.0.0.0/33".into()),
        })
        .unwrap();
        assert_eq!(s2.diagnostics().len(), 1);
        assert_eq!(s2.diagnostics()[0].path, "resources[0].properties.subnets[0].properties.addressPrefix");
    }
}
