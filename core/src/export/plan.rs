//! What every export writes: the document's resources as Azure deploys them, each with its scope, API
//! version, writable properties and the resources of the design it refers to, in an order where everything
//! comes after what it refers to; and the commits, in the document's order.

mod units;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

pub(crate) use units::Unit;

use super::ReportLine;
use crate::model::ConfigType;
use crate::scenario::Scenario;

/// Where a resource is deployed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scope {
    /// The tenant root: management groups and their subscriptions.
    Tenant,
    /// A management group, by name.
    ManagementGroup(String),
    /// A subscription, by its GUID.
    Subscription(String),
    /// A resource group.
    ResourceGroup {
        /// The subscription's GUID.
        subscription: String,
        /// The resource group's name.
        group: String,
    },
}

/// One resource to deploy.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    /// Its Azure id, as the document spells it.
    pub id: String,
    /// The ARM type (`Microsoft.Network/networkManagers/networkGroups`).
    pub kind: String,
    /// The names of the resource and its parents, outermost first (`["nm", "ng"]`).
    pub names: Vec<String>,
    /// Where it is deployed.
    pub scope: Scope,
    /// The API version written for it.
    pub api: &'static str,
    /// `location`.
    pub location: Option<String>,
    /// `tags`, when there are some.
    pub tags: Option<Map<String, Value>>,
    /// The ARM `kind` (`Custom` for admin rules).
    pub arm_kind: Option<String>,
    /// The writable properties.
    pub properties: Map<String, Value>,
    /// The items it refers to (its parent first), by index in [`Plan::items`].
    pub deps: Vec<usize>,
    /// Its parent item, when the parent is in the design.
    pub parent: Option<usize>,
    /// JSON path in the document.
    pub path: String,
}

impl Item {
    /// The ARM type in lower case, for matching.
    pub fn kind_lower(&self) -> String {
        self.kind.to_ascii_lowercase()
    }

    /// The resource's own name.
    pub fn name(&self) -> &str {
        self.names.last().map_or("", String::as_str)
    }

    /// The last segment of the type (`networkGroups`).
    pub fn short_kind(&self) -> &str {
        self.kind.rsplit('/').next().unwrap_or(&self.kind)
    }

    /// A property as a string.
    pub fn prop_str(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }
}

/// A commit of the document.
#[derive(Clone, Debug)]
pub(crate) struct CommitItem {
    /// `networkManagerId`.
    pub manager: String,
    /// `commitType`.
    pub commit_type: ConfigType,
    /// `configurationIds`.
    pub configurations: Vec<String>,
    /// `targetLocations`.
    pub regions: Vec<String>,
    /// JSON path.
    pub path: String,
}

impl CommitItem {
    /// The commit type as Azure spells it.
    pub fn type_name(&self) -> &'static str {
        match self.commit_type {
            ConfigType::Connectivity => "Connectivity",
            ConfigType::SecurityAdmin => "SecurityAdmin",
            ConfigType::Routing => "Routing",
            ConfigType::SecurityUser => "SecurityUser",
        }
    }
}

/// Everything an export writes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Plan {
    /// The resources, in document order.
    pub items: Vec<Item>,
    /// Every index of `items`, each after the items it refers to.
    pub order: Vec<usize>,
    /// The commits, oldest first.
    pub commits: Vec<CommitItem>,
    /// What no format can express, found while planning.
    pub notes: Vec<ReportLine>,
    /// The document's `title`.
    pub title: Option<String>,
    /// The document's `description`.
    pub description: Option<String>,
    /// The subscriptions of the design that have a display name, in document order.
    pub subscription_names: Vec<SubscriptionName>,
    index: BTreeMap<String, usize>,
}

/// A subscription's display name: policy conditions read it (`[subscription().displayName]`), but no template
/// renames a subscription, so each format says what it does with it.
#[derive(Clone, Debug)]
pub(crate) struct SubscriptionName {
    /// The subscription's GUID.
    pub guid: String,
    /// `properties.displayName`.
    pub name: String,
    /// JSON path of the subscription in the document.
    pub path: String,
}

impl SubscriptionName {
    /// The report line of a format that leaves the display name out.
    pub fn left_out(&self) -> ReportLine {
        ReportLine {
            path: self.path.clone(),
            message: format!(
                "the display name `{}` of subscription `{}` is not deployable (subscriptions are created and renamed outside templates); the subscription must exist",
                self.name, self.guid
            ),
        }
    }
}

/// Keys Azure returns but does not take, at any depth.
const READ_ONLY: &[&str] = &[
    "provisioningState",
    "resourceGuid",
    "etag",
    "peeringState",
    "peeringSyncLevel",
    "systemData",
    "defaultSecurityRules",
    "macAddress",
    "virtualMachine",
    "crossTenantScopes",
    "commitTime",
    "remoteVirtualNetworkAddressSpace",
    "remoteAddressSpace",
    "remoteBgpCommunities",
    "remoteVirtualNetworkEncryption",
];

/// Read-only lists of a subnet.
const SUBNET_READ_ONLY: &[&str] = &[
    "ipConfigurations",
    "ipConfigurationProfiles",
    "privateEndpoints",
    "serviceAssociationLinks",
    "resourceNavigationLinks",
    "purpose",
];

impl Plan {
    /// Plans the export of a design.
    pub fn build(scenario: &Scenario) -> Plan {
        let mut plan = Plan {
            title: scenario
                .member("title")
                .and_then(Value::as_str)
                .map(str::to_owned),
            description: scenario
                .member("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            ..Plan::default()
        };
        let resources: Vec<&Value> = scenario.resources().collect();
        let parents = management_group_parents(&resources);
        let mut seen = BTreeSet::new();
        for (i, resource) in resources.iter().enumerate() {
            let path = format!("resources[{i}]");
            let id = resource
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            // As the format reads it: of two resources with one id, the first counts.
            if !seen.insert(id.to_ascii_lowercase()) {
                plan.note(
                    &path,
                    format!("resource id `{id}` is used twice; this one is left out"),
                );
                continue;
            }
            plan.resource(resource, &path, &parents);
        }
        let mut index = BTreeMap::new();
        for (i, item) in plan.items.iter().enumerate() {
            index.entry(item.id.to_ascii_lowercase()).or_insert(i);
        }
        plan.index = index;
        plan.link();
        plan.sort();
        // The commits as the model reads them, with the document's spelling of ids and regions.
        let written = scenario.member("commits").and_then(Value::as_array);
        plan.commits = scenario
            .model()
            .commits
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let own = written.and_then(|w| w.get(n));
                let strings = |key: &str, model: Vec<String>| -> Vec<String> {
                    own.and_then(|o| o.get(key))
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or(model)
                };
                CommitItem {
                    manager: own
                        .and_then(|o| o.get("networkManagerId"))
                        .and_then(Value::as_str)
                        .map_or_else(|| c.manager.to_string(), str::to_owned),
                    commit_type: c.commit_type,
                    configurations: strings(
                        "configurationIds",
                        c.configurations.iter().map(ToString::to_string).collect(),
                    ),
                    regions: strings(
                        "targetLocations",
                        c.regions.iter().map(ToString::to_string).collect(),
                    ),
                    path: c.path.to_string(),
                }
            })
            .collect();
        plan
    }

    /// The item with an id, case-insensitively.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.index.get(&id.to_ascii_lowercase()).copied()
    }

    /// The item that a string names, or a child of which it names (an inline subnet of a VNet, a rule of an
    /// NSG): its index and the rest of the string after the item's id (`/subnets/workload`).
    pub fn lookup<'s>(&self, s: &'s str) -> Option<(usize, &'s str)> {
        if !s.starts_with('/') {
            return None;
        }
        let mut end = s.len();
        loop {
            let head = s.get(..end)?;
            if let Some(i) = self.find(head) {
                return Some((i, s.get(end..).unwrap_or_default()));
            }
            // Drop the last type and name, as long as a resource is left.
            let cut = head.rfind('/')?;
            let cut = head.get(..cut)?.rfind('/')?;
            if !head
                .get(..cut)?
                .to_ascii_lowercase()
                .contains("/providers/")
            {
                return None;
            }
            end = cut;
        }
    }

    /// The item at an index.
    pub fn item(&self, i: usize) -> Option<&Item> {
        self.items.get(i)
    }

    fn note(&mut self, path: &str, message: String) {
        self.notes.push(ReportLine {
            path: path.to_owned(),
            message,
        });
    }

    fn resource(&mut self, resource: &Value, path: &str, parents: &BTreeMap<String, String>) {
        let (Some(id), Some(kind)) = (
            resource.get("id").and_then(Value::as_str),
            resource.get("type").and_then(Value::as_str),
        ) else {
            return;
        };
        let lower = kind.to_ascii_lowercase();
        let properties = resource
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        match lower.as_str() {
            "microsoft.resources/subscriptions" => self.subscription(resource, id, path),
            "microsoft.resources/resourcegroups" => self.resource_group(resource, id, path),
            "microsoft.management/managementgroups" => {
                self.management_group(id, &properties, path, parents);
            }
            _ => {
                let Some(mut item) = self.item_from(resource, id, kind, path) else {
                    return;
                };
                let mut props = properties;
                if lower == "microsoft.network/virtualnetworks" {
                    let peerings = props.remove("virtualNetworkPeerings");
                    clean_children(&mut props, "subnets", SUBNET_READ_ONLY);
                    item.properties = clean_object(props);
                    self.items.push(item);
                    if let Some(Value::Array(peerings)) = peerings {
                        for (j, p) in peerings.iter().enumerate() {
                            self.inline_peering(
                                id,
                                p,
                                &format!("{path}.properties.virtualNetworkPeerings[{j}]"),
                            );
                        }
                    }
                    return;
                }
                match lower.as_str() {
                    "microsoft.network/virtualnetworks/subnets" => {
                        for key in SUBNET_READ_ONLY {
                            props.remove(*key);
                        }
                    }
                    "microsoft.network/networksecuritygroups" => {
                        clean_children(&mut props, "securityRules", &[]);
                    }
                    "microsoft.network/networkinterfaces" => {
                        clean_children(&mut props, "ipConfigurations", &[]);
                    }
                    "microsoft.authorization/policyassignments" => {
                        // Read-only: the assignment's scope is where it is deployed.
                        props.remove("scope");
                    }
                    _ => {}
                }
                item.properties = clean_object(props);
                self.items.push(item);
            }
        }
    }

    /// An item from a resource of the document, or `None` (with a note) when its id or type cannot be written.
    fn item_from(&mut self, resource: &Value, id: &str, kind: &str, path: &str) -> Option<Item> {
        let Some((scope, derived, names)) = parse_id(id) else {
            self.note(
                path,
                format!(
                    "the id `{id}` is not an Azure resource id that a template can deploy; left out"
                ),
            );
            return None;
        };
        let kind = if derived.eq_ignore_ascii_case(kind) {
            kind.to_owned()
        } else {
            derived
        };
        let Some(api) = api_version(&kind) else {
            self.note(
                path,
                format!("resources of type `{kind}` are not written by the export; left out"),
            );
            return None;
        };
        Some(Item {
            id: id.to_owned(),
            kind,
            names,
            scope,
            api,
            location: resource
                .get("location")
                .and_then(Value::as_str)
                .map(str::to_owned),
            tags: resource
                .get("tags")
                .and_then(Value::as_object)
                .filter(|t| !t.is_empty())
                .cloned(),
            arm_kind: resource
                .get("kind")
                .and_then(Value::as_str)
                .map(str::to_owned),
            properties: Map::new(),
            deps: Vec::new(),
            parent: None,
            path: path.to_owned(),
        })
    }

    fn inline_peering(&mut self, vnet: &str, peering: &Value, path: &str) {
        let name = peering
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                peering
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|i| i.rsplit('/').next())
                    .map(str::to_owned)
            });
        let Some(name) = name else {
            self.note(
                path,
                "a peering without a name or id is left out".to_owned(),
            );
            return;
        };
        let id = format!("{vnet}/virtualNetworkPeerings/{name}");
        let resource = serde_json::json!({});
        let Some(mut item) = self.item_from(
            &resource,
            &id,
            "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
            path,
        ) else {
            return;
        };
        item.properties = clean_object(
            peering
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        );
        self.items.push(item);
    }

    fn subscription(&mut self, resource: &Value, id: &str, path: &str) {
        let guid = id.trim_end_matches('/').rsplit('/').next().unwrap_or(id);
        if let Some(name) = resource
            .get("properties")
            .and_then(|p| p.get("displayName"))
            .and_then(Value::as_str)
        {
            self.subscription_names.push(SubscriptionName {
                guid: guid.to_owned(),
                name: name.to_owned(),
                path: path.to_owned(),
            });
        }
        let Some(tags) = resource
            .get("tags")
            .and_then(Value::as_object)
            .filter(|t| !t.is_empty())
        else {
            return;
        };
        let mut properties = Map::new();
        properties.insert("tags".to_owned(), Value::Object(tags.clone()));
        self.items.push(Item {
            id: format!("/subscriptions/{guid}/providers/Microsoft.Resources/tags/default"),
            kind: "Microsoft.Resources/tags".to_owned(),
            names: vec!["default".to_owned()],
            scope: Scope::Subscription(guid.to_owned()),
            api: "2021-04-01",
            location: None,
            tags: None,
            arm_kind: None,
            properties,
            deps: Vec::new(),
            parent: None,
            path: format!("{path}.tags"),
        });
    }

    fn resource_group(&mut self, resource: &Value, id: &str, path: &str) {
        let segments: Vec<&str> = id.trim_matches('/').split('/').collect();
        let [subs, subscription, groups, group] = segments.as_slice() else {
            self.note(
                path,
                format!("the id `{id}` is not a resource group id; left out"),
            );
            return;
        };
        if !subs.eq_ignore_ascii_case("subscriptions")
            || !groups.eq_ignore_ascii_case("resourceGroups")
        {
            self.note(
                path,
                format!("the id `{id}` is not a resource group id; left out"),
            );
            return;
        }
        self.items.push(Item {
            id: id.to_owned(),
            kind: "Microsoft.Resources/resourceGroups".to_owned(),
            names: vec![(*group).to_owned()],
            scope: Scope::Subscription((*subscription).to_owned()),
            api: "2021-04-01",
            location: resource
                .get("location")
                .and_then(Value::as_str)
                .map(str::to_owned),
            tags: resource
                .get("tags")
                .and_then(Value::as_object)
                .filter(|t| !t.is_empty())
                .cloned(),
            arm_kind: None,
            properties: Map::new(),
            deps: Vec::new(),
            parent: None,
            path: path.to_owned(),
        });
    }

    fn management_group(
        &mut self,
        id: &str,
        props: &Map<String, Value>,
        path: &str,
        parents: &BTreeMap<String, String>,
    ) {
        let name = id.trim_end_matches('/').rsplit('/').next().unwrap_or(id);
        let mut properties = Map::new();
        if let Some(display) = props.get("displayName").and_then(Value::as_str) {
            properties.insert("displayName".to_owned(), Value::from(display));
        }
        if let Some(parent) = parents.get(&id.to_ascii_lowercase()) {
            properties.insert(
                "details".to_owned(),
                serde_json::json!({"parent": {"id": parent}}),
            );
        }
        self.items.push(Item {
            id: id.to_owned(),
            kind: "Microsoft.Management/managementGroups".to_owned(),
            names: vec![name.to_owned()],
            scope: Scope::Tenant,
            api: "2023-04-01",
            location: None,
            tags: None,
            arm_kind: None,
            properties,
            deps: Vec::new(),
            parent: None,
            path: path.to_owned(),
        });
        let children = props
            .get("children")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (j, child) in children.iter().enumerate() {
            let Some(child_id) = child.get("id").and_then(Value::as_str) else {
                continue;
            };
            let lower = child_id.to_ascii_lowercase();
            if !lower.starts_with("/subscriptions/") {
                continue;
            }
            let guid = child_id
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(child_id);
            self.items.push(Item {
                id: format!("{id}/subscriptions/{guid}"),
                kind: "Microsoft.Management/managementGroups/subscriptions".to_owned(),
                names: vec![name.to_owned(), guid.to_owned()],
                scope: Scope::Tenant,
                api: "2023-04-01",
                location: None,
                tags: None,
                arm_kind: None,
                properties: Map::new(),
                deps: Vec::new(),
                parent: None,
                path: format!("{path}.properties.children[{j}]"),
            });
        }
    }

    /// Finds each item's parent and the items its properties refer to.
    fn link(&mut self) {
        let mut all = Vec::with_capacity(self.items.len());
        for (i, item) in self.items.iter().enumerate() {
            let mut deps = Vec::new();
            let parent = parent_id(item).and_then(|p| self.find(&p));
            if let Some(p) = parent {
                deps.push(p);
            }
            // A resource in a resource group of the design waits for it.
            if let Scope::ResourceGroup {
                subscription,
                group,
            } = &item.scope
                && let Some(g) = self.find(&format!(
                    "/subscriptions/{subscription}/resourceGroups/{group}"
                ))
            {
                deps.push(g);
            }
            // A resource at a management group's scope waits for the management group.
            if let Scope::ManagementGroup(m) = &item.scope
                && let Some(g) = self.find(&format!(
                    "/providers/Microsoft.Management/managementGroups/{m}"
                ))
            {
                deps.push(g);
            }
            let mut strings = Vec::new();
            item.properties
                .values()
                .for_each(|v| collect_strings(v, &mut strings));
            for s in strings {
                if let Some((j, _)) = self.lookup(s)
                    && j != i
                    && !deps.contains(&j)
                {
                    deps.push(j);
                }
            }
            all.push((parent, deps));
        }
        for (item, (parent, deps)) in self.items.iter_mut().zip(all) {
            item.parent = parent;
            item.deps = deps;
        }
    }

    /// Orders the items so that each comes after what it refers to; a reference that closes a cycle is
    /// dropped, with a note.
    fn sort(&mut self) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let n = self.items.len();
        let mut marks = vec![Mark::New; n];
        let mut order = Vec::with_capacity(n);
        let mut dropped: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if marks.get(root) != Some(&Mark::New) {
                continue;
            }
            // Iterative depth-first search: (item, next dependency to look at).
            let mut stack = vec![(root, 0usize)];
            if let Some(m) = marks.get_mut(root) {
                *m = Mark::Open;
            }
            while let Some(&mut (i, ref mut next)) = stack.last_mut() {
                let dep = self.items.get(i).and_then(|it| it.deps.get(*next)).copied();
                *next += 1;
                match dep {
                    Some(d) => match marks.get(d) {
                        Some(Mark::New) => {
                            if let Some(m) = marks.get_mut(d) {
                                *m = Mark::Open;
                            }
                            stack.push((d, 0));
                        }
                        Some(Mark::Open) => dropped.push((i, d)),
                        _ => {}
                    },
                    None => {
                        if let Some(m) = marks.get_mut(i) {
                            *m = Mark::Done;
                        }
                        order.push(i);
                        stack.pop();
                    }
                }
            }
        }
        for (i, d) in dropped {
            let (Some(a), Some(b)) = (self.items.get(i), self.items.get(d)) else {
                continue;
            };
            let (path, a_id, b_id) = (a.path.clone(), a.id.clone(), b.id.clone());
            if let Some(item) = self.items.get_mut(i) {
                item.deps.retain(|&x| x != d);
            }
            self.note(
                &path,
                format!("`{a_id}` and `{b_id}` refer to each other; `{a_id}` is written without waiting for `{b_id}`"),
            );
        }
        self.order = order;
    }
}

/// For each management group that the document lists as a child of another, that parent's id.
fn management_group_parents(resources: &[&Value]) -> BTreeMap<String, String> {
    let mut parents = BTreeMap::new();
    for r in resources {
        let is_group = r
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Management/managementGroups"));
        let Some(id) = r.get("id").and_then(Value::as_str).filter(|_| is_group) else {
            continue;
        };
        let children = r
            .get("properties")
            .and_then(|p| p.get("children"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for child in children {
            if let Some(c) = child.get("id").and_then(Value::as_str)
                && c.to_ascii_lowercase().contains("/managementgroups/")
            {
                parents.insert(c.to_ascii_lowercase(), id.to_owned());
            }
        }
    }
    parents
}

/// The parent's id of a child resource (the id less its last type and name).
fn parent_id(item: &Item) -> Option<String> {
    if item.names.len() < 2 {
        return None;
    }
    let trimmed = item.id.trim_end_matches('/');
    let cut = trimmed.rfind('/')?;
    let rest = trimmed.get(..cut)?;
    let cut = rest.rfind('/')?;
    rest.get(..cut).map(str::to_owned)
}

/// The scope, type and names of a resource id: `/subscriptions/s/resourceGroups/g/providers/NS/t1/n1/t2/n2`,
/// `/subscriptions/s/providers/NS/t/n`, `/providers/Microsoft.Management/managementGroups/m/providers/NS/t/n`
/// and `/providers/Microsoft.Management/managementGroups/m`.
pub(crate) fn parse_id(id: &str) -> Option<(Scope, String, Vec<String>)> {
    let segments: Vec<&str> = id.trim_matches('/').split('/').collect();
    let mut scope = Scope::Tenant;
    let mut rest: &[&str] = &segments;
    if let [first, sub, tail @ ..] = rest
        && first.eq_ignore_ascii_case("subscriptions")
    {
        scope = Scope::Subscription((*sub).to_owned());
        rest = tail;
        if let [rg, group, tail @ ..] = rest
            && rg.eq_ignore_ascii_case("resourceGroups")
        {
            scope = Scope::ResourceGroup {
                subscription: (*sub).to_owned(),
                group: (*group).to_owned(),
            };
            rest = tail;
        }
    }
    let [providers, namespace, tail @ ..] = rest else {
        return None;
    };
    if !providers.eq_ignore_ascii_case("providers") {
        return None;
    }
    let (mut namespace, mut rest) = (*namespace, tail);
    // A resource under a management group: `/providers/Microsoft.Management/managementGroups/m/providers/...`.
    if scope == Scope::Tenant
        && let [groups, name, providers, ns, tail @ ..] = rest
        && namespace.eq_ignore_ascii_case("Microsoft.Management")
        && groups.eq_ignore_ascii_case("managementGroups")
        && providers.eq_ignore_ascii_case("providers")
    {
        scope = Scope::ManagementGroup((*name).to_owned());
        namespace = ns;
        rest = tail;
    }
    if rest.is_empty() || rest.len() % 2 != 0 || rest.iter().any(|s| s.is_empty()) {
        return None;
    }
    let types: Vec<&str> = rest.iter().step_by(2).copied().collect();
    let names: Vec<String> = rest
        .iter()
        .skip(1)
        .step_by(2)
        .map(|s| (*s).to_owned())
        .collect();
    Some((scope, format!("{namespace}/{}", types.join("/")), names))
}

/// The API version written for a type; `None` for types the export does not write.
fn api_version(kind: &str) -> Option<&'static str> {
    let lower = kind.to_ascii_lowercase();
    if lower.starts_with("microsoft.network/") {
        return Some("2024-05-01");
    }
    match lower.as_str() {
        "microsoft.authorization/policydefinitions"
        | "microsoft.authorization/policyassignments" => Some("2023-04-01"),
        "microsoft.management/managementgroups"
        | "microsoft.management/managementgroups/subscriptions" => Some("2023-04-01"),
        "microsoft.resources/resourcegroups" | "microsoft.resources/tags" => Some("2021-04-01"),
        _ => None,
    }
}

/// Drops the read-only keys of a properties object, at any depth.
fn clean_object(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .filter(|(k, _)| !READ_ONLY.contains(&k.as_str()))
        .map(|(k, v)| (k, clean(v)))
        .collect()
}

fn clean(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(clean_object(map)),
        Value::Array(items) => Value::Array(items.into_iter().map(clean).collect()),
        other => other,
    }
}

/// Inline children (subnets, security rules, IP configurations) are named by `name`: their `id` and `type` are
/// Azure's, and some of their lists are read-only.
fn clean_children(props: &mut Map<String, Value>, key: &str, read_only: &[&str]) {
    let Some(Value::Array(children)) = props.get_mut(key) else {
        return;
    };
    for child in children {
        if let Value::Object(c) = child {
            c.remove("id");
            c.remove("type");
            if let Some(Value::Object(p)) = c.get_mut("properties") {
                for k in read_only {
                    p.remove(*k);
                }
            }
        }
    }
}

fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// Distinct values in order of first appearance.
pub(crate) fn distinct<T: Ord + Clone>(values: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = BTreeSet::new();
    values
        .into_iter()
        .filter(|v| seen.insert(v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(id: &str, expected: Option<(Scope, &str, &[&str])>) {
        let got = parse_id(id);
        let expected = expected.map(|(s, k, n)| {
            (
                s,
                k.to_owned(),
                n.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>(),
            )
        });
        assert_eq!(got, expected, "{id}");
    }

    #[test]
    fn ids_give_scope_type_and_names() {
        check(
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkManagers/nm/networkGroups/ng",
            Some((
                Scope::ResourceGroup {
                    subscription: "s".into(),
                    group: "g".into(),
                },
                "Microsoft.Network/networkManagers/networkGroups",
                &["nm", "ng"],
            )),
        );
        check(
            "/subscriptions/s/providers/Microsoft.Authorization/policyDefinitions/p",
            Some((
                Scope::Subscription("s".into()),
                "Microsoft.Authorization/policyDefinitions",
                &["p"],
            )),
        );
        check(
            "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyAssignments/a",
            Some((
                Scope::ManagementGroup("mg".into()),
                "Microsoft.Authorization/policyAssignments",
                &["a"],
            )),
        );
        check(
            "/providers/Microsoft.Management/managementGroups/mg",
            Some((
                Scope::Tenant,
                "Microsoft.Management/managementGroups",
                &["mg"],
            )),
        );
        check("/subscriptions/s", None);
        check("/x/y", None);
        check(
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks",
            None,
        );
    }
}
