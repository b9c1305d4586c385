//! Edits of a design: the playground's every change is an [`Edit`] applied by [`apply`] to the document,
//! which is then read again, so an edit is tested natively and the front end holds no domain rules.
//!
//! An edit that would make the document unreadable is refused with an error, and the design it was applied
//! to is left as it was: nothing is lost.

use serde_json::{Map, Value, json};

use super::{FormatError, Path, Scenario, Segment};

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
    pub(crate) fn to_json(&self) -> Value {
        match self {
            FieldValue::Text(s) => Value::String(s.clone()),
            FieldValue::Integer(i) => json!(i),
            FieldValue::Flag(b) => Value::Bool(*b),
            FieldValue::Texts(items) => {
                Value::Array(items.iter().cloned().map(Value::String).collect())
            }
        }
    }
}

/// A piece of document made by one of the [`template`] functions, ready to insert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment(Value);

impl Fragment {
    pub(crate) fn into_value(self) -> Value {
        self.0
    }

    pub(crate) fn from_value(value: Value) -> Self {
        Fragment(value)
    }
}

/// A change to a design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Sets the field at a JSON path (`resources[3].properties.priority`), creating objects on the way.
    Set {
        /// Where.
        path: Path,
        /// The new value.
        value: FieldValue,
    },
    /// Removes the array element or object member at a JSON path.
    Remove {
        /// Where.
        path: Path,
    },
    /// Appends a fragment to the array at a JSON path (`resources`, `commits`, a VNet's `subnets`...),
    /// creating the array if needed.
    Append {
        /// The array.
        path: Path,
        /// What to append.
        fragment: Fragment,
    },
    /// Sets the value at a JSON path to a fragment (an object or an array, such as a policy condition or a
    /// rule's `sources`), creating objects on the way.
    SetFragment {
        /// Where.
        path: Path,
        /// The new value.
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
    Path(Path),
    /// The edited document could not be read.
    #[error(transparent)]
    Format(#[from] FormatError),
}

/// The value at a path, creating objects for missing keys when `create` is set.
pub(crate) fn locate<'v>(
    root: &'v mut Value,
    path: &[Segment],
    create: bool,
) -> Option<&'v mut Value> {
    let mut at = root;
    for segment in path {
        at = match segment {
            Segment::Key(key) => {
                if create && at.is_null() {
                    *at = Value::Object(Map::new());
                }
                let map = at.as_object_mut()?;
                if create {
                    map.entry(key.clone()).or_insert(Value::Null)
                } else {
                    map.get_mut(key)?
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
    if let Edit::Replace(text) = edit {
        return Ok(Scenario::parse(text)?);
    }
    let mut document = scenario.to_value();
    write(&mut document, edit)?;
    Ok(Scenario::from_document(document)?)
}

/// Applies several edits as one: all of them, or none when one is refused.
pub fn apply_all(scenario: &Scenario, edits: &[Edit]) -> Result<Scenario, EditError> {
    let mut document = scenario.to_value();
    for edit in edits {
        if let Edit::Replace(text) = edit {
            document = serde_json::from_str(text).map_err(FormatError::from)?;
        } else {
            write(&mut document, edit)?;
        }
    }
    Ok(Scenario::from_document(document)?)
}

/// Writes one edit into a document.
fn write(document: &mut Value, edit: &Edit) -> Result<(), EditError> {
    let refused = |path: &Path| EditError::Path(path.clone());
    match edit {
        Edit::Replace(text) => {
            *document = serde_json::from_str(text).map_err(FormatError::from)?;
        }
        Edit::Set { path, value } => {
            let slot = locate(document, &path.segments(), true).ok_or_else(|| refused(path))?;
            *slot = value.to_json();
        }
        Edit::SetFragment { path, fragment } => {
            let slot = locate(document, &path.segments(), true).ok_or_else(|| refused(path))?;
            *slot = fragment.0.clone();
        }
        Edit::Remove { path } => {
            let (parent, last) = path.split_last().ok_or_else(|| refused(path))?;
            let parent =
                locate(document, &parent.segments(), false).ok_or_else(|| refused(path))?;
            let removed = match last {
                Segment::Key(key) => parent
                    .as_object_mut()
                    .and_then(|m| m.remove(&key))
                    .is_some(),
                Segment::Index(i) => match parent.as_array_mut() {
                    Some(items) if i < items.len() => {
                        items.remove(i);
                        true
                    }
                    _ => false,
                },
            };
            if !removed {
                return Err(refused(path));
            }
        }
        Edit::Append { path, fragment } => {
            let slot = locate(document, &path.segments(), true).ok_or_else(|| refused(path))?;
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            slot.as_array_mut()
                .ok_or_else(|| refused(path))?
                .push(fragment.0.clone());
        }
    }
    Ok(())
}

/// Fragments for new resources and items, with Azure's defaults, so the front end never writes JSON itself.
pub mod template {
    use serde_json::json;

    use super::Fragment;

    fn rg_id(subscription: &str, resource_group: &str) -> String {
        format!("/subscriptions/{subscription}/resourceGroups/{resource_group}")
    }

    /// A virtual network with one address prefix and one subnet covering its first /24 (or the whole prefix).
    pub fn vnet(
        subscription: &str,
        resource_group: &str,
        name: &str,
        location: &str,
        prefix: &str,
        subnet: &str,
    ) -> Fragment {
        let id = format!(
            "{}/providers/Microsoft.Network/virtualNetworks/{name}",
            rg_id(subscription, resource_group)
        );
        Fragment(json!({
            "id": id, "name": name, "type": "Microsoft.Network/virtualNetworks", "location": location, "tags": {},
            "properties": {
                "addressSpace": {"addressPrefixes": [prefix]},
                "subnets": [{"name": "default", "id": format!("{id}/subnets/default"), "properties": {"addressPrefix": subnet}}],
                "virtualNetworkPeerings": []
            }
        }))
    }

    /// The first `10.N.0.0/16` that overlaps no virtual network of the design, for a new VNet.
    ///
    /// One pass over the design's prefixes (a 10,000-VNet design's new VNet form rendered in 17 ms when each of
    /// the 256 candidates was compared with every prefix).
    ///
    /// ```
    /// use avnm_core::Scenario;
    /// use avnm_core::scenario::edit::template::free_vnet_prefix;
    /// let vnet = |n: u32, prefixes: &str| format!(
    ///     r#"{{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v{n}",
    ///     "type": "Microsoft.Network/virtualNetworks", "location": "westus",
    ///     "properties": {{"addressSpace": {{"addressPrefixes": [{prefixes}]}}}}}}"#);
    /// let design = |vnets: &[String]| {
    ///     let text = format!(r#"{{"resources": [{}]}}"#, vnets.join(","));
    ///     Scenario::parse(&text).unwrap()
    /// };
    /// assert_eq!(free_vnet_prefix(design(&[]).model()), "10.0.0.0/16");
    /// // 10.0/16 and 10.1.4/24 taken, 10.2/15 covers 10.2 and 10.3; an IPv6 prefix and 192.168/16 take none.
    /// let taken = design(&[
    ///     vnet(1, r#""10.0.0.0/16", "fd00::/48""#),
    ///     vnet(2, r#""10.1.4.0/24""#),
    ///     vnet(3, r#""10.2.0.0/15", "192.168.0.0/16""#),
    /// ]);
    /// assert_eq!(free_vnet_prefix(taken.model()), "10.4.0.0/16");
    /// // A prefix around the whole of 10/8 leaves none: the first is given all the same.
    /// assert_eq!(free_vnet_prefix(design(&[vnet(1, r#""8.0.0.0/6""#)]).model()), "10.0.0.0/16");
    /// ```
    pub fn free_vnet_prefix(model: &crate::model::Model) -> String {
        let ten = ipnet::Ipv4Net::new(std::net::Ipv4Addr::new(10, 0, 0, 0), 8).ok();
        // The /16s of 10/8 that a prefix overlaps, by their second byte.
        let mut taken = [false; 256];
        for prefix in model.vnets.values().flat_map(|v| &v.address_space) {
            let (ipnet::IpNet::V4(prefix), Some(ten)) = (prefix, ten) else {
                continue;
            };
            let seconds = if prefix.contains(&ten) {
                0..=255
            } else if ten.contains(prefix) {
                let ([_, first, ..], [_, last, ..]) =
                    (prefix.network().octets(), prefix.broadcast().octets());
                first..=last
            } else {
                continue;
            };
            for second in seconds {
                if let Some(taken) = taken.get_mut(usize::from(second)) {
                    *taken = true;
                }
            }
        }
        let free = taken.iter().position(|taken| !taken).unwrap_or(0);
        format!("10.{free}.0.0/16")
    }

    /// The first /24 of a prefix (or the prefix itself when it is smaller), for a new VNet's first subnet.
    ///
    /// ```
    /// use avnm_core::scenario::edit::template::first_subnet;
    /// assert_eq!(first_subnet("10.7.0.0/16"), "10.7.0.0/24");
    /// assert_eq!(first_subnet("10.7.0.0/26"), "10.7.0.0/26");
    /// ```
    pub fn first_subnet(prefix: &str) -> String {
        match prefix.trim().parse::<ipnet::IpNet>() {
            Ok(ipnet::IpNet::V4(net)) if net.prefix_len() < 24 => format!("{}/24", net.network()),
            Ok(ipnet::IpNet::V6(net)) if net.prefix_len() < 64 => format!("{}/64", net.network()),
            Ok(net) => net.trunc().to_string(),
            Err(_) => prefix.to_owned(),
        }
    }

    /// A subscription resource, so that policy conditions can read its display name and tags.
    pub fn subscription(guid: &str, display_name: &str) -> Fragment {
        Fragment(json!({
            "id": format!("/subscriptions/{guid}"), "name": guid, "type": "Microsoft.Resources/subscriptions",
            "properties": {"displayName": display_name}, "tags": {}
        }))
    }

    /// A management group with no children yet.
    pub fn management_group(name: &str) -> Fragment {
        Fragment(json!({
            "id": format!("/providers/Microsoft.Management/managementGroups/{name}"), "name": name,
            "type": "Microsoft.Management/managementGroups", "properties": {"displayName": name, "children": []}
        }))
    }

    /// A child of a management group: a subscription or another management group, by id.
    pub fn management_group_child(id: &str) -> Fragment {
        let kind = if id.to_ascii_lowercase().contains("/managementgroups/") {
            "Microsoft.Management/managementGroups"
        } else {
            "Microsoft.Resources/subscriptions"
        };
        Fragment(json!({"id": id, "type": kind}))
    }

    /// A subnet to append to a VNet's `properties.subnets`.
    pub fn subnet(vnet_id: &str, name: &str, prefix: &str) -> Fragment {
        Fragment(
            json!({"name": name, "id": format!("{vnet_id}/subnets/{name}"), "properties": {"addressPrefix": prefix}}),
        )
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
    pub fn nsg_rule(
        nsg_id: &str,
        name: &str,
        priority: u32,
        direction: &str,
        access: &str,
    ) -> Fragment {
        Fragment(json!({
            "name": name, "id": format!("{nsg_id}/securityRules/{name}"),
            "properties": {
                "priority": priority, "direction": direction, "access": access, "protocol": "Tcp",
                "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"
            }
        }))
    }

    /// A network interface with one static IP in a subnet.
    pub fn nic(
        subscription: &str,
        resource_group: &str,
        name: &str,
        location: &str,
        subnet_id: &str,
        address: &str,
    ) -> Fragment {
        Fragment(json!({
            "id": format!("{}/providers/Microsoft.Network/networkInterfaces/{name}", rg_id(subscription, resource_group)),
            "name": name, "type": "Microsoft.Network/networkInterfaces", "location": location,
            "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {
                "privateIPAddress": address, "privateIPAllocationMethod": "Static", "subnet": {"id": subnet_id}}}]}
        }))
    }

    /// A prefix for a new subnet of a VNet: the first /24 of its address space that overlaps none of its
    /// subnets, else the first such smaller block down to /29 (/64 for IPv6; a smaller address space is
    /// offered whole); `None` when the address space is full.
    pub fn free_subnet_prefix(vnet: &crate::model::Vnet) -> Option<String> {
        let taken: Vec<&ipnet::IpNet> = vnet.subnets.iter().flat_map(|s| &s.prefixes).collect();
        for space in &vnet.address_space {
            let (usual, smallest) = match space {
                ipnet::IpNet::V4(_) => (24, 29),
                ipnet::IpNet::V6(_) => (64, 64),
            };
            let first = space.prefix_len().max(usual);
            for length in first..=smallest.max(first) {
                let Ok(blocks) = space.subnets(length) else {
                    continue;
                };
                let mut blocks = blocks.take(1 << 16);
                if let Some(free) =
                    blocks.find(|b| !taken.iter().any(|t| t.contains(b) || b.contains(*t)))
                {
                    return Some(free.to_string());
                }
            }
        }
        None
    }

    /// The priority for a new NSG rule of a direction: 100 above the highest rule of that direction (100 for
    /// the first), else the first free one above the highest, else the first free one from 100; `None` when
    /// all of 100-4096 are taken.
    pub fn next_nsg_priority(
        nsg: &crate::model::Nsg,
        direction: crate::model::Direction,
    ) -> Option<u32> {
        let used: std::collections::BTreeSet<u32> = nsg
            .rules
            .iter()
            .filter(|r| r.direction == direction)
            .map(|r| r.priority)
            .collect();
        let top = used.last().copied().unwrap_or(0);
        std::iter::once(top.saturating_add(100))
            .chain(top.saturating_add(1)..=4096)
            .chain(100..=4096)
            .find(|p| (100..=4096).contains(p) && !used.contains(p))
    }

    /// A network manager scoped to one subscription, with both features.
    pub fn network_manager(
        subscription: &str,
        resource_group: &str,
        name: &str,
        location: &str,
    ) -> Fragment {
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
    pub fn connectivity(
        manager_id: &str,
        name: &str,
        hub: Option<&str>,
        group_id: &str,
    ) -> Fragment {
        let (topology, hubs) = match hub {
            Some(h) => (
                "HubAndSpoke",
                json!([{"resourceId": h, "resourceType": "Microsoft.Network/virtualNetworks"}]),
            ),
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
    pub fn admin_rule(
        collection_id: &str,
        name: &str,
        priority: u32,
        direction: &str,
        access: &str,
        protocol: &str,
        ports: &[&str],
    ) -> Fragment {
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
    pub fn commit(
        manager_id: &str,
        commit_type: &str,
        configurations: &[String],
        regions: &[String],
    ) -> Fragment {
        Fragment(json!({
            "networkManagerId": manager_id, "commitType": commit_type,
            "configurationIds": configurations, "targetLocations": regions
        }))
    }

    /// An intent.
    pub fn intent(
        name: &str,
        from: &str,
        to: &str,
        protocol: &str,
        port: u16,
        expect: &str,
    ) -> Fragment {
        Fragment(
            json!({"name": name, "from": from, "to": to, "protocol": protocol, "port": port, "expect": expect}),
        )
    }

    /// A commit of configurations of one type to regions that records, in `snapshots`, the fingerprint of each
    /// configuration as it is now, so that an edit made later shows as "redeploy needed" (spec §6.2, §12.1).
    pub fn commit_now(
        model: &crate::model::Model,
        manager_id: &str,
        commit_type: &str,
        configurations: &[String],
        regions: &[String],
    ) -> Fragment {
        let Fragment(mut value) = commit(manager_id, commit_type, configurations, regions);
        if let Some(map) = value.as_object_mut() {
            map.insert("snapshots".to_owned(), snapshots(model, configurations).0);
        }
        Fragment(value)
    }

    /// The `snapshots` object of a commit: the fingerprint of each configuration as it is now
    /// (`deployment::fingerprint`); configurations that are not in the model are left out.
    pub fn snapshots(model: &crate::model::Model, configurations: &[String]) -> Fragment {
        use crate::model::ConfigurationId;
        let map: serde_json::Map<String, serde_json::Value> = configurations
            .iter()
            .filter_map(|c| {
                crate::deployment::fingerprint(model, &ConfigurationId::new(c))
                    .map(|f| (c.clone(), serde_json::Value::String(f)))
            })
            .collect();
        Fragment(serde_json::Value::Object(map))
    }

    /// A name not yet taken: `base`, else `base-2`, `base-3`... Names compare ignoring case, as Azure's do.
    ///
    /// ```
    /// use avnm_core::scenario::edit::template::unique_name;
    /// assert_eq!(unique_name("group", ["hub"]), "group");
    /// assert_eq!(unique_name("group", ["Group", "group-2"]), "group-3");
    /// ```
    pub fn unique_name<'a>(base: &str, taken: impl IntoIterator<Item = &'a str>) -> String {
        let taken: Vec<&str> = taken.into_iter().collect();
        let free = |name: &str| !taken.iter().any(|t| t.eq_ignore_ascii_case(name));
        if free(base) {
            return base.to_owned();
        }
        (2u32..)
            .map(|n| format!("{base}-{n}"))
            .find(|name| free(name))
            .unwrap_or_else(|| base.to_owned())
    }

    /// An item of a rule collection's `appliesToGroups`.
    pub fn group_reference(group_id: &str) -> Fragment {
        Fragment(json!({"networkGroupId": group_id}))
    }

    /// An item of a connectivity configuration's `appliesToGroups`, with Azure's defaults (booleans are the
    /// strings `"True"` and `"False"` in the REST model).
    pub fn connectivity_group(group_id: &str) -> Fragment {
        Fragment(
            json!({"networkGroupId": group_id, "groupConnectivity": "None", "useHubGateway": "False", "isGlobal": "False"}),
        )
    }

    /// The `hubs` of a connectivity configuration: one virtual network, or none.
    pub fn hubs(hub: Option<&str>) -> Fragment {
        match hub {
            Some(h) => Fragment(
                json!([{"resourceId": h, "resourceType": "Microsoft.Network/virtualNetworks"}]),
            ),
            None => Fragment(json!([])),
        }
    }

    /// The `sources` or `destinations` of a security admin rule: `[{addressPrefix, addressPrefixType}]`, the type
    /// of each address inferred by [`address_prefix_type`](crate::scenario::field::address_prefix_type).
    pub fn admin_addresses(addresses: &[String]) -> Fragment {
        let items: Vec<serde_json::Value> = addresses
            .iter()
            .map(
                |a| json!({"addressPrefix": a.trim(), "addressPrefixType": crate::scenario::field::address_prefix_type(a)}),
            )
            .collect();
        Fragment(serde_json::Value::Array(items))
    }

    /// The priority for a new rule of a collection: 100 in an empty collection, else one after the highest in use;
    /// when that is over 4096, the lowest free priority. `None` when all 4096 are used.
    pub fn next_admin_priority(collection: &crate::model::RuleCollection) -> Option<u32> {
        free_admin_priorities(collection, 1).first().copied()
    }

    /// `count` priorities for new rules of a collection, as [`next_admin_priority`] chooses one; fewer when the
    /// collection runs out.
    pub fn free_admin_priorities(
        collection: &crate::model::RuleCollection,
        count: usize,
    ) -> Vec<u32> {
        let used: std::collections::BTreeSet<u32> =
            collection.rules.iter().map(|r| r.priority).collect();
        let start = used.last().map_or(100, |max| max + 1);
        let after: Vec<u32> = (start..=4096).take(count).collect();
        if after.len() == count {
            return after;
        }
        (1..=4096)
            .filter(|p| !used.contains(p))
            .take(count)
            .collect()
    }

    /// A new rule for a collection, at its next free priority: deny inbound SSH from anywhere, a starting point
    /// to edit. `None` when the collection has no free priority.
    pub fn new_admin_rule(collection: &crate::model::RuleCollection) -> Option<Fragment> {
        let priority = next_admin_priority(collection)?;
        let name = unique_name("rule", collection.rules.iter().map(|r| r.id.name()));
        Some(admin_rule(
            collection.id.as_str(),
            &name,
            priority,
            "Inbound",
            "Deny",
            "Tcp",
            &["22"],
        ))
    }

    /// The ports that Microsoft recommends blocking from outside (spec §4.7, "how to block high-risk ports"):
    /// TCP, UDP, and both.
    pub const HIGH_RISK_PORTS: [(&str, &[u16]); 3] = [
        (
            "Tcp",
            &[
                20, 21, 22, 23, 119, 161, 445, 512, 514, 873, 3389, 5800, 5900,
            ],
        ),
        ("Udp", &[69, 11211]),
        ("Tcp+Udp", &[111, 135, 162, 593, 2049]),
    ];

    /// The "Block high-risk ports" preset for a collection: two Deny Inbound rules, one for the TCP ports and one
    /// for the UDP ports of [`HIGH_RISK_PORTS`] (the ports of both protocols in each), at the collection's next
    /// free priorities. Empty when no priority is free.
    pub fn high_risk_ports(collection: &crate::model::RuleCollection) -> Vec<Fragment> {
        let mut names: Vec<String> = collection
            .rules
            .iter()
            .map(|r| r.id.name().to_owned())
            .collect();
        let priorities = free_admin_priorities(collection, 2);
        let mut rules = Vec::new();
        for ((protocol, base), priority) in
            [("Tcp", "deny-high-risk-tcp"), ("Udp", "deny-high-risk-udp")]
                .into_iter()
                .zip(priorities)
        {
            let ports: Vec<String> = HIGH_RISK_PORTS
                .iter()
                .filter(|(p, _)| p.split('+').any(|p| p == protocol))
                .flat_map(|(_, ports)| ports.iter())
                .map(u16::to_string)
                .collect();
            let ports: Vec<&str> = ports.iter().map(String::as_str).collect();
            let name = unique_name(base, names.iter().map(String::as_str));
            rules.push(admin_rule(
                collection.id.as_str(),
                &name,
                priority,
                "Inbound",
                "Deny",
                protocol,
                &ports,
            ));
            names.push(name);
        }
        rules
    }

    /// A policy condition (the `if` block of a rule) from JSON text, checked against Azure Policy's condition
    /// grammar; the error names the line and column, or the JSON path under `if`.
    pub fn condition(if_json: &str) -> Result<Fragment, super::FormatError> {
        let value = crate::scenario::builder::parse_if_value(if_json)?;
        Ok(Fragment(value))
    }

    /// An Azure Policy definition (mode `Microsoft.Network.Data`, effect `addToNetworkGroup`) that adds the virtual
    /// networks meeting a condition to a network group, and its assignment, both at a scope: a subscription
    /// (`/subscriptions/<id>`) or a management group id (spec §2.3).
    pub fn membership_policy(
        scope: &str,
        name: &str,
        group_id: &str,
        condition: &Fragment,
    ) -> [Fragment; 2] {
        let scope = scope.trim_end_matches('/');
        let definition =
            format!("{scope}/providers/Microsoft.Authorization/policyDefinitions/{name}");
        [
            Fragment(json!({
                "id": definition, "name": name, "type": "Microsoft.Authorization/policyDefinitions",
                "properties": {
                    "displayName": name, "policyType": "Custom", "mode": "Microsoft.Network.Data",
                    "policyRule": {
                        "if": condition.0,
                        "then": {"effect": "addToNetworkGroup", "details": {"networkGroupId": group_id}}
                    }
                }
            })),
            policy_assignment(scope, &format!("{name}-assignment"), &definition),
        ]
    }

    /// An assignment of a policy definition at a scope (a management group, subscription or resource group id).
    pub fn policy_assignment(scope: &str, name: &str, definition_id: &str) -> Fragment {
        let scope = scope.trim_end_matches('/');
        Fragment(json!({
            "id": format!("{scope}/providers/Microsoft.Authorization/policyAssignments/{name}"),
            "name": name, "type": "Microsoft.Authorization/policyAssignments",
            "properties": {"policyDefinitionId": definition_id, "scope": scope, "enforcementMode": "Default"}
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VNET: &str =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet";

    fn design() -> Scenario {
        let s = Scenario::parse(r#"{"resources": [], "note": "kept"}"#).unwrap();
        let vnet = template::vnet(
            "s",
            "rg",
            "vnet",
            "westeurope",
            "10.0.0.0/16",
            "10.0.0.0/24",
        );
        apply(
            &s,
            &Edit::Append {
                path: "resources".into(),
                fragment: vnet,
            },
        )
        .unwrap()
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
        let s2 = apply(
            &s,
            &Edit::Set {
                path: "resources[0].properties.addressSpace.addressPrefixes".into(),
                value: FieldValue::Texts(vec!["10.0.0.0/16".into(), "10.9.0.0/16".into()]),
            },
        )
        .unwrap();
        assert_eq!(
            s2.model()
                .vnets
                .values()
                .next()
                .unwrap()
                .address_space
                .len(),
            2
        );
        let s3 = apply(
            &s2,
            &Edit::Remove {
                path: "resources[0].properties.subnets[0]".into(),
            },
        )
        .unwrap();
        assert!(s3.model().vnets.values().next().unwrap().subnets.is_empty());
        assert_eq!(
            s.model().vnets.values().next().unwrap().subnets.len(),
            1,
            "the original is untouched"
        );
    }

    #[test]
    fn refused_edits_leave_the_design_as_it_was() {
        let s = design();
        let bad_type = apply(
            &s,
            &Edit::Set {
                path: "resources[0].type".into(),
                value: FieldValue::Integer(3),
            },
        );
        assert_eq!(
            bad_type.unwrap_err().to_string(),
            "`resources[0].type`: expected a string, found a number"
        );
        assert_eq!(
            apply(
                &s,
                &Edit::Remove {
                    path: "resources[4]".into()
                }
            )
            .unwrap_err(),
            EditError::Path("resources[4]".into())
        );
        assert!(
            Path::parse("resources[x]").is_err(),
            "a malformed path cannot even be written"
        );
        assert!(matches!(
            apply(
                &s,
                &Edit::Set {
                    path: "resources[0].properties.addressSpace.addressPrefixes[7].x".into(),
                    value: FieldValue::Flag(true)
                }
            ),
            Err(EditError::Path(_))
        ));
        assert!(matches!(
            apply(&s, &Edit::Replace("{".into())),
            Err(EditError::Format(FormatError::Json { .. }))
        ));
        assert_eq!(s.model().vnets.len(), 1);
    }

    #[test]
    fn deploy_everything_commits_every_configuration_to_every_region() {
        let text = include_str!("../../../static/examples/hub-spoke-guardrails.json");
        let mut s = Scenario::parse(text).unwrap();
        s = apply(
            &s,
            &Edit::Remove {
                path: Path::root().key("commits"),
            },
        )
        .unwrap();
        assert!(
            crate::analyze(&s).topology.peerings.is_empty(),
            "nothing is deployed without commits"
        );
        for change in crate::scenario::deploy_everything(s.model()) {
            s = s.change(&change).unwrap();
        }
        assert_eq!(s.model().commits.len(), 2);
        assert_eq!(
            crate::analyze(&s).topology.peerings.len(),
            4,
            "the hub and its four spokes"
        );
    }

    #[test]
    fn an_invalid_value_is_a_diagnostic_not_a_refusal() {
        let s = design();
        let s2 = apply(
            &s,
            &Edit::Set {
                path: "resources[0].properties.subnets[0].properties.addressPrefix".into(),
                value: FieldValue::Text("10.0.0.0/33".into()),
            },
        )
        .unwrap();
        assert_eq!(s2.diagnostics().len(), 1);
        assert_eq!(
            s2.diagnostics()[0].path,
            "resources[0].properties.subnets[0].properties.addressPrefix"
        );
    }

    #[test]
    fn new_subnets_and_rules_get_a_free_prefix_and_priority() {
        let s = design();
        let vnet = s.model().vnets.values().next().unwrap();
        assert_eq!(
            template::free_subnet_prefix(vnet).as_deref(),
            Some("10.0.1.0/24")
        );
        let nsg = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n";
        let mut s = apply(
            &s,
            &Edit::Append {
                path: "resources".into(),
                fragment: template::nsg("s", "rg", "n", "westeurope"),
            },
        )
        .unwrap();
        let add = |s: &Scenario, name: &str, priority: u32, direction: &str| {
            let fragment = template::nsg_rule(nsg, name, priority, direction, "Allow");
            apply(
                s,
                &Edit::Append {
                    path: "resources[1].properties.securityRules".into(),
                    fragment,
                },
            )
            .unwrap()
        };
        let next = |s: &Scenario, direction| {
            template::next_nsg_priority(s.model().nsgs.values().next().unwrap(), direction)
        };
        use crate::model::Direction::{Inbound, Outbound};
        assert_eq!(next(&s, Inbound), Some(100));
        s = add(&s, "a", 110, "Inbound");
        s = add(&s, "b", 4000, "Outbound");
        assert_eq!(next(&s, Inbound), Some(210));
        assert_eq!(
            next(&s, Outbound),
            Some(4001),
            "past 4096, the first free one above the highest"
        );
        s = add(&s, "c", 4096, "Outbound");
        assert_eq!(
            next(&s, Outbound),
            Some(100),
            "then the first free one from 100"
        );

        let full = apply(
            &s,
            &Edit::Set {
                path: "resources[0].properties.addressSpace.addressPrefixes".into(),
                value: FieldValue::Texts(vec!["10.0.0.0/24".into()]),
            },
        )
        .unwrap();
        assert_eq!(
            template::free_subnet_prefix(full.model().vnets.values().next().unwrap()),
            None
        );
        let small = apply(
            &full,
            &Edit::Set {
                path: "resources[0].properties.addressSpace.addressPrefixes".into(),
                value: FieldValue::Texts(vec!["10.0.0.0/24".into(), "10.1.0.0/28".into()]),
            },
        )
        .unwrap();
        assert_eq!(
            template::free_subnet_prefix(small.model().vnets.values().next().unwrap()).as_deref(),
            Some("10.1.0.0/28")
        );
        let half = apply(
            &small,
            &Edit::Set {
                path: "resources[0].properties.subnets[0].properties.addressPrefix".into(),
                value: FieldValue::Text("10.0.0.0/25".into()),
            },
        )
        .unwrap();
        assert_eq!(
            template::free_subnet_prefix(half.model().vnets.values().next().unwrap()).as_deref(),
            Some("10.0.0.128/25")
        );
    }

    #[test]
    fn the_high_risk_ports_preset_adds_two_deny_inbound_rules_after_the_others() {
        let s = Scenario::parse(include_str!(
            "../../../static/examples/hub-spoke-guardrails.json"
        ))
        .unwrap();
        let config = s.model().security_admin_configs.values().next().unwrap();
        let collection = config.collections.first().unwrap();
        let highest = collection.rules.iter().map(|r| r.priority).max().unwrap();
        let mut s2 = s.clone();
        for fragment in template::high_risk_ports(collection) {
            s2 = apply(
                &s2,
                &Edit::Append {
                    path: "resources".into(),
                    fragment,
                },
            )
            .unwrap();
        }
        assert_eq!(
            s2.diagnostics(),
            s.diagnostics(),
            "no duplicate priority, nothing dangling"
        );
        let after = s2
            .model()
            .security_admin_configs
            .values()
            .next()
            .unwrap()
            .collections
            .first()
            .unwrap();
        let added: Vec<_> = after
            .rules
            .iter()
            .filter(|r| r.id.name().starts_with("deny-high-risk"))
            .collect();
        let ports = |r: &crate::model::AdminRule| {
            r.destination_ports
                .iter()
                .map(|p| p.start)
                .collect::<Vec<_>>()
        };
        let [tcp, udp] = added.as_slice() else {
            panic!("two rules, not {}", added.len())
        };
        assert_eq!(
            (tcp.protocol, tcp.access, tcp.direction),
            (
                crate::model::Protocol::Tcp,
                crate::model::Access::Deny,
                crate::model::Direction::Inbound
            )
        );
        assert_eq!(
            ports(tcp),
            [
                20, 21, 22, 23, 119, 161, 445, 512, 514, 873, 3389, 5800, 5900, 111, 135, 162, 593,
                2049
            ]
        );
        assert_eq!(udp.protocol, crate::model::Protocol::Udp);
        assert_eq!(ports(udp), [69, 11211, 111, 135, 162, 593, 2049]);
        assert_eq!((tcp.priority, udp.priority), (highest + 1, highest + 2));
        // Applied twice, the names and priorities stay unique.
        let again = template::high_risk_ports(after);
        let text: Vec<String> = again.iter().map(|f| f.0.to_string()).collect();
        assert!(
            text[0].contains("deny-high-risk-tcp-2") && text[1].contains("deny-high-risk-udp-2"),
            "{text:?}"
        );
    }

    #[test]
    fn new_rules_take_the_next_free_priority() {
        let s = Scenario::parse(include_str!(
            "../../../static/examples/hub-spoke-guardrails.json"
        ))
        .unwrap();
        let mut collection = s
            .model()
            .security_admin_configs
            .values()
            .next()
            .unwrap()
            .collections
            .first()
            .unwrap()
            .clone();
        let highest = collection.rules.iter().map(|r| r.priority).max().unwrap();
        assert_eq!(
            template::next_admin_priority(&collection),
            Some(highest + 1)
        );
        let mut full = collection.clone();
        for rule in &mut full.rules {
            rule.priority = 4096;
        }
        assert_eq!(template::next_admin_priority(&full), Some(1));
        collection.rules.clear();
        assert_eq!(template::next_admin_priority(&collection), Some(100));
        assert_eq!(
            template::free_admin_priorities(&collection, 3),
            [100, 101, 102]
        );
    }

    #[test]
    fn admin_addresses_infer_their_type() {
        let items = [
            "*",
            "10.0.0.0/8",
            "10.1.2.3",
            "fd00::/8",
            "Internet",
            "Storage.WestEurope",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkManagers/n/networkGroups/g",
        ];
        let fragment = template::admin_addresses(&items.map(String::from));
        let types: Vec<&str> = fragment
            .0
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["addressPrefixType"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            [
                "IPPrefix",
                "IPPrefix",
                "IPPrefix",
                "IPPrefix",
                "ServiceTag",
                "ServiceTag",
                "NetworkGroup"
            ]
        );
        assert_eq!(
            crate::scenario::field::admin_addresses(""),
            Ok(FieldValue::Texts(vec![]))
        );
        assert!(
            crate::scenario::field::admin_addresses("/subscriptions/s/virtualNetworks/v").is_err()
        );
        assert!(crate::scenario::field::admin_addresses("bad tag!").is_err());
    }
}
