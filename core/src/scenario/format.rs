//! Reading a scenario document (decisions §1) into the typed [`Model`].
//!
//! API Boundary: the document format is the project's public interface, shared by the playground, share
//! links, the `avnm` command and the tests.
//! Malformed input (not JSON, a wrong JSON type, a missing required field, an unknown enum value) is a
//! [`FormatError`] naming its JSON path.
//! Values that are well-formed JSON but semantically wrong (an invalid prefix, an out-of-range priority, a
//! dangling reference) become diagnostics beside a best-effort model, so that the playground keeps
//! rendering while the user types.

mod again;
mod kinds;
pub(crate) mod node;
pub(crate) mod policy;
pub(crate) mod shape;
mod stream;

use super::document::{self, Document};
use super::field::{escaped, shown};

/// A document that cannot be read, with the JSON path of the problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The text is not JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// A value has the wrong JSON type.
    #[error("`{}`: expected {expected}, found {found}", escaped(path.to_string().chars()))]
    Type {
        /// JSON path of the value.
        path: crate::path::Path,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: &'static str,
    },
    /// A required field is missing.
    #[error("`{}`: missing field `{}`", escaped(path.to_string().chars()), shown(field))]
    Missing {
        /// JSON path of the object that lacks the field.
        path: crate::path::Path,
        /// The missing field.
        field: String,
    },
    /// A value is not one of the accepted values.
    #[error("`{}`: `{}` is not {expected}", escaped(path.to_string().chars()), shown(value))]
    Value {
        /// JSON path of the value.
        path: crate::path::Path,
        /// The value as written.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// The JSON is not a scenario document (no `resources`, `commits` or `intents`); `looks_like` says what it
    /// seems to be instead.
    #[error("not a scenario document: {}", escaped(looks_like.chars()))]
    NotScenario {
        /// What the document looks like, and what to do with it.
        looks_like: String,
    },
}

impl From<serde_json::Error> for FormatError {
    /// A JSON syntax error, with its line and column and the parser's words without its position suffix.
    fn from(e: serde_json::Error) -> Self {
        let text = e.to_string();
        let message = text.split(" at line").next().unwrap_or_default().to_owned();
        FormatError::Json {
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

impl FormatError {
    /// The JSON path of the problem; `None` for a JSON syntax error.
    pub fn path(&self) -> Option<&crate::path::Path> {
        match self {
            FormatError::Json { .. } | FormatError::NotScenario { .. } => None,
            FormatError::Type { path, .. }
            | FormatError::Missing { path, .. }
            | FormatError::Value { path, .. } => Some(path),
        }
    }
}

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use serde_json::Value;

use self::node::Node;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Flow;
use crate::model::address::{TagName, parse_prefix};
use crate::model::ids::{parent_of, scope_of};
use crate::model::*;
use crate::path::Path;

/// Reads a parsed JSON document into a model and the diagnostics of its values.
pub(crate) fn read(doc: &Document) -> Result<(Model, Vec<Diagnostic>), FormatError> {
    Partial::start(doc)?.finish(doc)
}

/// A reading of a document under way, a few resources at a time ([`read`] is one that reads them all at once).
#[derive(Default)]
pub(crate) struct Partial {
    reader: Reader,
    /// How many elements of the shared `resources` list are read.
    next: usize,
    /// Whether every resource is read.
    done: bool,
}

impl Partial {
    /// Starts reading `doc`: refuses what is not a scenario document.
    pub(crate) fn start(doc: &Document) -> Result<Self, FormatError> {
        if let Some(looks_like) = shape::foreign(doc.rest(), doc.shared().is_some()) {
            return Err(FormatError::NotScenario { looks_like });
        }
        Node::new(doc.rest(), "").object()?;
        Ok(Partial::default())
    }

    /// Reads up to `count` more resources of `doc` (the document it was started with); whether all are read.
    pub(crate) fn step(&mut self, doc: &Document, count: usize) -> Result<bool, FormatError> {
        match doc.shared() {
            Some(resources) => {
                let list = resources_node();
                let end = self.next.saturating_add(count).min(resources.len());
                for (order, resource) in resources.iter().enumerate().take(end).skip(self.next) {
                    self.reader
                        .resource(&list.element(order, resource), order)?;
                }
                self.next = end;
                self.done = end == resources.len();
            }
            // `resources` is not a list kept apart (absent, or written in another case): read at once.
            None if !self.done => {
                let root = Node::new(doc.rest(), "");
                for (order, resource) in root.opt_each("resources")?.enumerate() {
                    self.reader.resource(&resource, order)?;
                }
                self.done = true;
            }
            None => {}
        }
        Ok(self.done)
    }

    /// How many resources are read.
    pub(crate) fn read(&self) -> usize {
        self.next
    }

    /// Reads what remains of `doc` and ends the reading.
    pub(crate) fn finish(
        mut self,
        doc: &Document,
    ) -> Result<(Model, Vec<Diagnostic>), FormatError> {
        self.step(doc, usize::MAX)?;
        self.reader.finish(&Node::new(doc.rest(), ""))
    }
}

pub(crate) use again::read_again;
pub(crate) use stream::read_text;

/// Reads a document given as one JSON tree.
pub(crate) fn read_value(doc: Value) -> Result<(Model, Vec<Diagnostic>), FormatError> {
    read(&Document::new(doc))
}

/// The node of a `resources` list kept apart from its document, whose elements are given one by one.
fn resources_node() -> Node<'static> {
    static LIST: Value = Value::Null;
    Node::new(&LIST, Path::root().key(document::RESOURCES))
}

/// Puts reading diagnostics in the order of the resources they are about (a child attached to its parent is
/// reported after the resources are read), keeping the order of those about one resource.
fn in_document_order(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| d.path.resource_index().unwrap_or(usize::MAX));
}

/// The type a resource is written with, or that its id gives (a child resource as ARM returns it inline has no
/// `type`).
fn written_type(node: &Node<'_>, id: &str) -> Result<String, FormatError> {
    match node.opt_str("type")? {
        Some(kind) => Ok(kind.to_owned()),
        None => shape::type_from_id(id).ok_or_else(|| missing(node, "type")),
    }
}

/// Child resources given as standalone resources, attached to their parents once every resource is read.
#[derive(Default)]
struct Reader {
    model: Model,
    diagnostics: Vec<Diagnostic>,
    seen: BTreeMap<ResourceId, Path>,
    subnets: Vec<Subnet>,
    peerings: Vec<(VnetId, Peering)>,
    nsg_rules: Vec<(NsgId, NsgRule)>,
    collections: Vec<(ConfigurationId, RuleCollection)>,
    admin_rules: Vec<(RuleCollectionId, AdminRule)>,
}

impl Reader {
    fn resource(&mut self, node: &Node<'_>, order: usize) -> Result<(), FormatError> {
        node.object()?;
        let id = node.req_str("id")?;
        let written = written_type(node, id)?;
        let kind = written.to_ascii_lowercase();
        if let Some(first) = self.seen.get(&ResourceId::new(id)) {
            self.diagnostics.push(Diagnostic::error(
                Code::DuplicateId,
                node.path(),
                format!("resource id `{id}` is already used at `{first}`; this one is ignored"),
            ));
            return Ok(());
        }
        self.seen.insert(ResourceId::new(id), node.path());
        let props = node
            .get("properties")
            .unwrap_or_else(|| node.at_key("properties", &Value::Null));
        match kind.as_str() {
            kinds::VNET => self.vnet(node, &props, id, order)?,
            kinds::SUBNET => {
                let subnet = self.subnet(node, id)?;
                self.subnets.push(subnet);
            }
            kinds::PEERING => {
                let peering = read_peering(node, id)?;
                self.peerings.push((VnetId::new(parent_of(id)), peering));
            }
            kinds::NIC => self.nic(&props, id, &node.path())?,
            kinds::NSG => self.nsg(&props, id, &node.path())?,
            kinds::NSG_RULE => {
                let rule = self.nsg_rule(node, id)?;
                self.nsg_rules.push((NsgId::new(parent_of(id)), rule));
            }
            kinds::MANAGER => self.manager(node, &props, id)?,
            kinds::GROUP => self.group(&props, id, &node.path())?,
            kinds::STATIC_MEMBER => {
                let resource = props.req_str("resourceId")?;
                let member = StaticMember {
                    id: StaticMemberId::new(id),
                    group: NetworkGroupId::new(parent_of(id)),
                    resource: ResourceId::new(resource),
                    path: node.path(),
                };
                Arc::make_mut(&mut self.model.static_members).insert(member.id.clone(), member);
            }
            kinds::CONNECTIVITY => {
                self.connectivity(&props, id, &node.path())?;
            }
            kinds::ADMIN => {
                self.security_admin(&props, id, &node.path())?;
            }
            kinds::COLLECTION => {
                let collection = read_collection(&props, id, &node.path())?;
                self.collections
                    .push((ConfigurationId::new(parent_of(id)), collection));
            }
            kinds::ADMIN_RULE => {
                if let Some(rule) = self.admin_rule(node, id)? {
                    self.admin_rules
                        .push((RuleCollectionId::new(parent_of(id)), rule));
                }
            }
            kinds::POLICY_DEFINITION => self.policy_definition(node, &props, id)?,
            kinds::POLICY_ASSIGNMENT => self.policy_assignment(&props, id, &node.path())?,
            kinds::MANAGEMENT_GROUP => self.management_group(&props, id, &node.path())?,
            kinds::SUBSCRIPTION => {
                let display_name = props
                    .opt_str("displayName")?
                    .or(node.opt_str("displayName")?)
                    .map(str::to_owned);
                let sub = Subscription {
                    id: SubscriptionId::new(id),
                    display_name,
                    tags: read_tags(node)?,
                    path: node.path(),
                };
                Arc::make_mut(&mut self.model.subscriptions).insert(sub.id.clone(), sub);
            }
            kinds::RESOURCE_GROUP => {
                let rg = ResourceGroup {
                    id: ResourceGroupId::new(id),
                    location: node.opt_str("location")?.map(Location::new),
                    tags: read_tags(node)?,
                    path: node.path(),
                };
                Arc::make_mut(&mut self.model.resource_groups).insert(rg.id.clone(), rg);
            }
            other if other.starts_with("microsoft.network/networkmanagers/") => {
                self.diagnostics.push(Diagnostic::warning(
                    Code::Unsupported,
                    node.path(),
                    format!("resources of type `{written}` are kept but not simulated"),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    fn vnet(
        &mut self,
        node: &Node<'_>,
        props: &Node<'_>,
        id: &str,
        order: usize,
    ) -> Result<(), FormatError> {
        let (subscription, resource_group) = scope_of(id);
        let (Some(subscription), Some(resource_group)) = (subscription, resource_group) else {
            return Err(node.req("id")?.invalid(
                id,
                "a virtual network id with a subscription and a resource group",
            ));
        };
        let mut address_space = Vec::new();
        if let Some(space) = props.get("addressSpace") {
            for (text, node) in space.opt_strs("addressPrefixes")? {
                self.prefix(text, &node)
                    .into_iter()
                    .for_each(|p| address_space.push(p));
            }
        }
        let items = props.opt_items("subnets")?;
        let mut subnets = Vec::with_capacity(items.len());
        for subnet in items {
            let subnet_id = match subnet.opt_str("id")? {
                Some(sid) => sid.to_owned(),
                None => format!("{id}/subnets/{}", subnet.req_str("name")?),
            };
            subnets.push(self.subnet(&subnet, &subnet_id)?);
        }
        let items = props.opt_items("virtualNetworkPeerings")?;
        let mut peerings = Vec::with_capacity(items.len());
        for peering in items {
            let peering_id = match peering.opt_str("id")? {
                Some(pid) => pid.to_owned(),
                None => format!("{id}/virtualNetworkPeerings/{}", peering.req_str("name")?),
            };
            peerings.push(read_peering(&peering, &peering_id)?);
        }
        let vnet = Vnet {
            id: VnetId::new(id),
            name: node
                .opt_str("name")?
                .map_or_else(|| VnetId::new(id).name().to_owned(), str::to_owned),
            location: Location::new(node.opt_str("location")?.unwrap_or_default()),
            subscription,
            resource_group,
            tags: read_tags(node)?,
            address_space,
            subnets,
            peerings,
            order,
            path: node.path(),
        };
        Arc::make_mut(&mut self.model.vnets).insert(vnet.id.clone(), vnet);
        Ok(())
    }

    fn subnet(&mut self, node: &Node<'_>, id: &str) -> Result<Subnet, FormatError> {
        let props = node.get("properties");
        let mut prefixes = Vec::new();
        let mut nsg = None;
        let mut role = subnet_role(SubnetId::new(id).name());
        let mut intent_policy_service = None;
        if let Some(props) = &props {
            if let Some(prefix) = props.get("addressPrefix") {
                prefixes.extend(self.prefix(prefix.str()?, &prefix));
            }
            for (text, node) in props.opt_strs("addressPrefixes")? {
                prefixes.extend(self.prefix(text, &node));
            }
            nsg = props
                .opt_reference("networkSecurityGroup")?
                .map(|(nsg, _)| NsgId::new(nsg));
            if !props
                .opt_items("applicationGatewayIPConfigurations")?
                .is_empty()
                && role == SubnetRole::Workload
            {
                role = SubnetRole::ApplicationGateway;
            }
            for delegation in props.opt_items("delegations")? {
                let service = delegation
                    .get("properties")
                    .map(|p| p.opt_str("serviceName"))
                    .transpose()?
                    .flatten()
                    .or(delegation.opt_str("serviceName")?);
                if let Some(service) = service
                    && (service.eq_ignore_ascii_case("Microsoft.Sql/managedInstances")
                        || service.eq_ignore_ascii_case("Microsoft.Databricks/workspaces"))
                {
                    intent_policy_service = Some(service.to_owned());
                }
            }
        }
        Ok(Subnet {
            id: SubnetId::new(id),
            name: node
                .opt_str("name")?
                .map_or_else(|| SubnetId::new(id).name().to_owned(), str::to_owned),
            prefixes,
            nsg,
            role,
            intent_policy_service,
            path: node.path(),
        })
    }

    fn nic(&mut self, props: &Node<'_>, id: &str, path: &Path) -> Result<(), FormatError> {
        let configs = props.opt_items("ipConfigurations")?;
        let mut ip_configurations = Vec::with_capacity(configs.len());
        for config in configs {
            let cprops = config.get("properties").unwrap_or_else(|| config.clone());
            let address = match cprops.get("privateIPAddress") {
                Some(a) => {
                    let text = a.str()?;
                    let parsed = text.trim().parse::<IpAddr>().ok();
                    if parsed.is_none() {
                        self.diagnostics.push(Diagnostic::error(
                            Code::InvalidPrefix,
                            a.path(),
                            format!("`{text}` is not an IP address"),
                        ));
                    }
                    parsed
                }
                None => None,
            };
            let subnet = cprops
                .opt_reference("subnet")?
                .map(|(s, _)| SubnetId::new(s));
            let asgs = cprops
                .opt_items("applicationSecurityGroups")?
                .iter()
                .map(|n| n.reference().map(AsgId::new))
                .collect::<Result<_, _>>()?;
            ip_configurations.push(IpConfiguration {
                name: config.opt_str("name")?.map(str::to_owned),
                address,
                subnet,
                asgs,
                path: config.path(),
            });
        }
        let nic = Nic {
            id: NicId::new(id),
            ip_configurations,
            nsg: props
                .opt_reference("networkSecurityGroup")?
                .map(|(n, _)| NsgId::new(n)),
            private_endpoint: props.get("privateEndpoint").is_some(),
            path: path.to_owned(),
        };
        Arc::make_mut(&mut self.model.nics).insert(nic.id.clone(), nic);
        Ok(())
    }

    fn nsg(&mut self, props: &Node<'_>, id: &str, path: &Path) -> Result<(), FormatError> {
        let items = props.opt_items("securityRules")?;
        let mut rules = Vec::with_capacity(items.len());
        for rule in items {
            let rule_id = match rule.opt_str("id")? {
                Some(rid) => rid.to_owned(),
                None => format!("{id}/securityRules/{}", rule.req_str("name")?),
            };
            rules.push(self.nsg_rule(&rule, &rule_id)?);
        }
        let nsg = Nsg {
            id: NsgId::new(id),
            rules,
            path: path.to_owned(),
        };
        Arc::make_mut(&mut self.model.nsgs).insert(nsg.id.clone(), nsg);
        Ok(())
    }

    fn nsg_rule(&mut self, node: &Node<'_>, id: &str) -> Result<NsgRule, FormatError> {
        let props = node.req("properties")?;
        let priority = props
            .opt_u32("priority")?
            .ok_or_else(|| missing(&props, "priority"))?;
        let priority = self.priority(priority, 100, 4096, &props, "NSG rule");
        let direction = read_direction(&props.req("direction")?)?;
        let access_node = props.req("access")?;
        let access = match access_node.str()?.to_ascii_lowercase().as_str() {
            "allow" => NsgAccess::Allow,
            "deny" => NsgAccess::Deny,
            other => return Err(access_node.invalid(other, "`Allow` or `Deny`")),
        };
        let protocol = read_protocol(&props.req("protocol")?)?;
        let sources = self.nsg_addresses(&props, "sourceAddressPrefix", "sourceAddressPrefixes")?;
        let destinations = self.nsg_addresses(
            &props,
            "destinationAddressPrefix",
            "destinationAddressPrefixes",
        )?;
        let source_ports = self.ports(&props, "sourcePortRange", "sourcePortRanges")?;
        let destination_ports =
            self.ports(&props, "destinationPortRange", "destinationPortRanges")?;
        let asgs = |key: &str| -> Result<Vec<AsgId>, FormatError> {
            props
                .opt_items(key)?
                .iter()
                .map(|n| n.reference().map(AsgId::new))
                .collect()
        };
        Ok(NsgRule {
            id: NsgRuleId::new(id),
            name: node
                .opt_str("name")?
                .map_or_else(|| NsgRuleId::new(id).name().to_owned(), str::to_owned),
            priority,
            direction,
            access,
            protocol,
            sources,
            source_asgs: asgs("sourceApplicationSecurityGroups")?,
            source_ports,
            destinations,
            destination_asgs: asgs("destinationApplicationSecurityGroups")?,
            destination_ports,
            default: false,
            path: node.path(),
        })
    }

    fn nsg_addresses(
        &mut self,
        props: &Node<'_>,
        one: &str,
        many: &str,
    ) -> Result<Vec<AddressItem>, FormatError> {
        self.texts(props, (one, many), AddressItem::parse_nsg, |text| {
            (
                Code::InvalidPrefix,
                format!("`{text}` is not an IP address, a prefix or a service tag"),
            )
        })
    }

    fn ports(
        &mut self,
        props: &Node<'_>,
        one: &str,
        many: &str,
    ) -> Result<Vec<PortRange>, FormatError> {
        self.texts(
            props,
            (one, many),
            |text| text.parse::<PortRange>().ok(),
            |text| {
                (
                    Code::InvalidPortRange,
                    format!("`{text}` is not a port, a port range like `1024-65535`, or `*`"),
                )
            },
        )
    }

    /// The texts of the array of strings `many` and of the string `one` (the array's first; either may be absent),
    /// each read by `read`; a text it refuses is a diagnostic, `refused`'s code and message. Exactly as long as the
    /// texts read, and the texts' nodes are made only for a diagnostic's path: a large design has hundreds of
    /// thousands of these lists (four to each NSG rule).
    fn texts<T>(
        &mut self,
        props: &Node<'_>,
        (one, many): (&str, &str),
        read: impl Fn(&str) -> Option<T>,
        refused: impl Fn(&str) -> (Code, String),
    ) -> Result<Vec<T>, FormatError> {
        let list = props.get(many);
        let listed = match &list {
            Some(node) => node
                .value
                .as_array()
                .ok_or_else(|| node.expected("an array"))?
                .as_slice(),
            None => &[],
        };
        // The types first: a value that is not a string refuses the resource before any text is read.
        if let (Some((i, value)), Some(node)) = (
            listed.iter().enumerate().find(|(_, v)| !v.is_string()),
            &list,
        ) {
            return Err(node.element(i, value).expected("a string"));
        }
        let single = match props.get(one) {
            Some(node) => Some((node.str()?, node)),
            None => None,
        };
        let mut items = Vec::with_capacity(listed.len() + usize::from(single.is_some()));
        let texts = listed
            .iter()
            .enumerate()
            .map(|(i, value)| (value.as_str().unwrap_or_default(), Some(i)))
            .chain(single.as_ref().map(|(text, _)| (*text, None)));
        for (text, at) in texts {
            match read(text) {
                Some(item) => items.push(item),
                None => {
                    let node = match (at, &list, &single) {
                        (Some(i), Some(node), _) => listed.get(i).map(|v| node.element(i, v)),
                        (None, _, Some((_, node))) => Some(node.clone()),
                        _ => None,
                    };
                    let (code, message) = refused(text);
                    let path = node.map_or_else(|| props.path(), |n| n.path());
                    self.diagnostics
                        .push(Diagnostic::error(code, path, message));
                }
            }
        }
        Ok(items)
    }

    fn prefix(&mut self, text: &str, node: &Node<'_>) -> Option<ipnet::IpNet> {
        let parsed = parse_prefix(text);
        if parsed.is_none() {
            self.diagnostics.push(Diagnostic::error(
                Code::InvalidPrefix,
                node.path(),
                format!("`{text}` is not a valid IP prefix"),
            ));
        }
        parsed
    }

    fn priority(&mut self, value: i64, low: u32, high: u32, node: &Node<'_>, what: &str) -> u32 {
        let ok = u32::try_from(value)
            .ok()
            .filter(|p| (low..=high).contains(p));
        if ok.is_none() {
            self.diagnostics.push(Diagnostic::error(
                Code::PriorityOutOfRange,
                format!("{}.priority", node.path()),
                format!("{what} priority `{value}` is outside {low}-{high}"),
            ));
        }
        ok.unwrap_or_else(|| u32::try_from(value.clamp(0, i64::from(u32::MAX))).unwrap_or(u32::MAX))
    }

    fn manager(&mut self, node: &Node<'_>, props: &Node<'_>, id: &str) -> Result<(), FormatError> {
        let scopes = props.req("networkManagerScopes")?;
        let mut features = std::collections::BTreeSet::new();
        for feature in props.opt_items("networkManagerScopeAccesses")? {
            features.insert(read_config_type(&feature)?);
        }
        let manager = NetworkManager {
            id: NetworkManagerId::new(id),
            location: Location::new(node.opt_str("location")?.unwrap_or_default()),
            scope_management_groups: scopes
                .opt_strs("managementGroups")?
                .into_iter()
                .map(|(s, _)| ManagementGroupId::new(s))
                .collect(),
            scope_subscriptions: scopes
                .opt_strs("subscriptions")?
                .into_iter()
                .map(|(s, _)| SubscriptionId::new(s))
                .collect(),
            features,
            path: node.path(),
        };
        Arc::make_mut(&mut self.model.managers).insert(manager.id.clone(), manager);
        Ok(())
    }

    fn group(&mut self, props: &Node<'_>, id: &str, path: &Path) -> Result<(), FormatError> {
        let member_type = match props.get("memberType") {
            None => MemberType::VirtualNetwork,
            Some(n) => match n.str()?.to_ascii_lowercase().as_str() {
                "virtualnetwork" => MemberType::VirtualNetwork,
                "subnet" => MemberType::Subnet,
                other => return Err(n.invalid(other, "`VirtualNetwork` or `Subnet`")),
            },
        };
        let group = NetworkGroup {
            id: NetworkGroupId::new(id),
            manager: NetworkManagerId::new(parent_of(id)),
            description: props.opt_str("description")?.unwrap_or_default().to_owned(),
            member_type,
            path: path.to_owned(),
        };
        Arc::make_mut(&mut self.model.groups).insert(group.id.clone(), group);
        Ok(())
    }

    fn connectivity(&mut self, props: &Node<'_>, id: &str, path: &Path) -> Result<(), FormatError> {
        let topology_node = props.req("connectivityTopology")?;
        let topology = match topology_node.str()?.to_ascii_lowercase().as_str() {
            "hubandspoke" => Topology::HubAndSpoke,
            "mesh" => Topology::Mesh,
            other => return Err(topology_node.invalid(other, "`HubAndSpoke` or `Mesh`")),
        };
        let hubs = props
            .opt_items("hubs")?
            .iter()
            .map(|h| h.req_str("resourceId").map(VnetId::new))
            .collect::<Result<_, _>>()?;
        let mut groups = Vec::new();
        for item in props.opt_items("appliesToGroups")? {
            let directly_connected = match item.get("groupConnectivity") {
                None => false,
                Some(n) => match n.str()?.to_ascii_lowercase().as_str() {
                    "none" => false,
                    "directlyconnected" => true,
                    other => return Err(n.invalid(other, "`None` or `DirectlyConnected`")),
                },
            };
            groups.push(ConnectivityGroup {
                group: NetworkGroupId::new(item.req_str("networkGroupId")?),
                directly_connected,
                is_global: item.opt_flag("isGlobal")?.unwrap_or(false),
                use_hub_gateway: item.opt_flag("useHubGateway")?.unwrap_or(false),
                path: item.path(),
            });
        }
        let overlap = match props
            .get("connectivityCapabilities")
            .and_then(|c| c.get("connectedGroupAddressOverlap"))
        {
            None => OverlapPolicy::Allowed,
            Some(n) => match n.str()?.to_ascii_lowercase().as_str() {
                "allowed" => OverlapPolicy::Allowed,
                "disallowed" => OverlapPolicy::Disallowed,
                other => return Err(n.invalid(other, "`Allowed` or `Disallowed`")),
            },
        };
        let config = ConnectivityConfig {
            id: ConfigurationId::new(id),
            manager: NetworkManagerId::new(parent_of(id)),
            topology,
            hubs,
            groups,
            is_global: props.opt_flag("isGlobal")?.unwrap_or(false),
            delete_existing_peering: props.opt_flag("deleteExistingPeering")?.unwrap_or(false),
            overlap,
            path: path.to_owned(),
        };
        Arc::make_mut(&mut self.model.connectivity_configs).insert(config.id.clone(), config);
        Ok(())
    }

    fn security_admin(
        &mut self,
        props: &Node<'_>,
        id: &str,
        path: &Path,
    ) -> Result<(), FormatError> {
        let mut intent_policy_mode = IntentPolicyMode::None;
        for mode in props.opt_items("applyOnNetworkIntentPolicyBasedServices")? {
            intent_policy_mode = match mode.str()?.to_ascii_lowercase().as_str() {
                "none" => intent_policy_mode,
                "allowrulesonly" if intent_policy_mode != IntentPolicyMode::All => {
                    IntentPolicyMode::AllowRulesOnly
                }
                "allowrulesonly" => intent_policy_mode,
                "all" => IntentPolicyMode::All,
                other => return Err(mode.invalid(other, "`None`, `AllowRulesOnly` or `All`")),
            };
        }
        let manual_aggregation = match props.get("networkGroupAddressSpaceAggregationOption") {
            None => false,
            Some(n) => match n.str()?.to_ascii_lowercase().as_str() {
                "none" => false,
                "manual" => true,
                other => return Err(n.invalid(other, "`None` or `Manual`")),
            },
        };
        let config = SecurityAdminConfig {
            id: ConfigurationId::new(id),
            manager: NetworkManagerId::new(parent_of(id)),
            intent_policy_mode,
            manual_aggregation,
            collections: Vec::new(),
            path: path.to_owned(),
        };
        Arc::make_mut(&mut self.model.security_admin_configs).insert(config.id.clone(), config);
        Ok(())
    }

    fn admin_rule(&mut self, node: &Node<'_>, id: &str) -> Result<Option<AdminRule>, FormatError> {
        if let Some(kind) = node.opt_str("kind")?
            && kind.eq_ignore_ascii_case("Default")
        {
            self.diagnostics.push(Diagnostic::warning(
                Code::Unsupported,
                node.path(),
                "default security admin rules (`kind: Default`) are kept but not simulated",
            ));
            return Ok(None);
        }
        let props = node.req("properties")?;
        let priority = props
            .opt_u32("priority")?
            .ok_or_else(|| missing(&props, "priority"))?;
        let priority = self.priority(priority, 1, 4096, &props, "admin rule");
        let access_node = props.req("access")?;
        let access = match access_node.str()?.to_ascii_lowercase().as_str() {
            "allow" => Access::Allow,
            "alwaysallow" => Access::AlwaysAllow,
            "deny" => Access::Deny,
            other => return Err(access_node.invalid(other, "`Allow`, `AlwaysAllow` or `Deny`")),
        };
        if let Some(description) = props.get("description")
            && description.str()?.chars().count() > 140
        {
            self.diagnostics.push(Diagnostic::error(
                Code::InvalidSetting,
                description.path(),
                "an admin rule description has at most 140 characters",
            ));
        }
        let sources = self.admin_addresses(&props, "sources")?;
        let destinations = self.admin_addresses(&props, "destinations")?;
        let source_ports = self.ports(&props, "", "sourcePortRanges")?;
        let destination_ports = self.ports(&props, "", "destinationPortRanges")?;
        Ok(Some(AdminRule {
            id: AdminRuleId::new(id),
            priority,
            access,
            direction: read_direction(&props.req("direction")?)?,
            protocol: read_protocol(&props.req("protocol")?)?,
            sources,
            destinations,
            source_ports,
            destination_ports,
            path: node.path(),
        }))
    }

    fn admin_addresses(
        &mut self,
        props: &Node<'_>,
        key: &str,
    ) -> Result<Vec<AddressItem>, FormatError> {
        let mut items = Vec::new();
        for item in props.opt_items(key)? {
            let prefix_node = item.req("addressPrefix")?;
            let prefix = prefix_node.str()?;
            let kind = item
                .opt_str("addressPrefixType")?
                .unwrap_or("IPPrefix")
                .to_ascii_lowercase();
            match kind.as_str() {
                "ipprefix" => {
                    if prefix.trim() == "*" {
                        items.push(AddressItem::Any);
                    } else if let Some(net) = self.prefix(prefix, &prefix_node) {
                        items.push(AddressItem::Prefix(net));
                    }
                }
                "servicetag" => {
                    let lower = prefix.to_ascii_lowercase();
                    if ["azureplatformdns", "azureplatformimds", "azureplatformlkm"]
                        .contains(&lower.as_str())
                    {
                        self.diagnostics.push(Diagnostic::error(
                            Code::ServiceTagNotAllowed,
                            prefix_node.path(),
                            format!(
                                "security admin rules do not accept the service tag `{prefix}`"
                            ),
                        ));
                    } else {
                        items.push(AddressItem::Tag(ServiceTag::parse(prefix)));
                    }
                }
                "networkgroup" => items.push(AddressItem::Group(NetworkGroupId::new(prefix))),
                other => {
                    let node = item.req("addressPrefixType")?;
                    return Err(node.invalid(other, "`IPPrefix`, `ServiceTag` or `NetworkGroup`"));
                }
            }
        }
        Ok(items)
    }

    fn policy_definition(
        &mut self,
        node: &Node<'_>,
        props: &Node<'_>,
        id: &str,
    ) -> Result<(), FormatError> {
        let Some(rule) = props.get("policyRule") else {
            return Ok(());
        };
        let effect = rule
            .get("then")
            .map(|t| t.opt_str("effect"))
            .transpose()?
            .flatten()
            .unwrap_or_default();
        if !effect.eq_ignore_ascii_case("addToNetworkGroup") {
            return Ok(());
        }
        let mode = props.opt_str("mode")?.unwrap_or_default();
        let network_group = rule
            .get("then")
            .and_then(|t| t.get("details"))
            .map(|d| d.opt_str("networkGroupId"))
            .transpose()?
            .flatten()
            .map(NetworkGroupId::new);
        if !mode.eq_ignore_ascii_case("Microsoft.Network.Data") {
            self.diagnostics.push(Diagnostic::error(
                Code::InvalidSetting,
                format!("{}.mode", props.path()),
                format!("the `addToNetworkGroup` effect needs the mode `Microsoft.Network.Data`, not `{mode}`"),
            ));
        }
        let condition = policy::parse_condition(&rule.req("if")?)?;
        let definition = PolicyDefinition {
            id: PolicyDefinitionId::new(id),
            display_name: props
                .opt_str("displayName")?
                .or(node.opt_str("name")?)
                .map_or_else(
                    || PolicyDefinitionId::new(id).name().to_owned(),
                    str::to_owned,
                ),
            condition,
            parameters: policy::parameter_declarations(props)?,
            network_group: network_group
                .filter(|_| mode.eq_ignore_ascii_case("Microsoft.Network.Data")),
            path: node.path(),
        };
        Arc::make_mut(&mut self.model.policy_definitions).insert(definition.id.clone(), definition);
        Ok(())
    }

    fn policy_assignment(
        &mut self,
        props: &Node<'_>,
        id: &str,
        path: &Path,
    ) -> Result<(), FormatError> {
        let scope = match props.opt_str("scope")? {
            Some(scope) => scope.to_owned(),
            None => {
                let lower = id.to_ascii_lowercase();
                let cut = lower
                    .find("/providers/microsoft.authorization/")
                    .unwrap_or(0);
                id.get(..cut).unwrap_or_default().to_owned()
            }
        };
        let enforced = match props.get("enforcementMode") {
            None => true,
            Some(n) => match n.str()?.to_ascii_lowercase().as_str() {
                "default" | "enabled" => true,
                "donotenforce" | "disabled" => false,
                other => return Err(n.invalid(other, "`Default` or `DoNotEnforce`")),
            },
        };
        let assignment = PolicyAssignment {
            id: PolicyAssignmentId::new(id),
            definition: PolicyDefinitionId::new(props.req_str("policyDefinitionId")?),
            scope: ResourceId::new(scope),
            not_scopes: props
                .opt_strs("notScopes")?
                .into_iter()
                .map(|(s, _)| ResourceId::new(s))
                .collect(),
            enforced,
            parameters: policy::parameter_values(props)?,
            path: path.to_owned(),
        };
        Arc::make_mut(&mut self.model.policy_assignments).insert(assignment.id.clone(), assignment);
        Ok(())
    }

    fn management_group(
        &mut self,
        props: &Node<'_>,
        id: &str,
        path: &Path,
    ) -> Result<(), FormatError> {
        let mut group = ManagementGroup {
            id: ManagementGroupId::new(id),
            child_groups: Vec::new(),
            child_subscriptions: Vec::new(),
            path: path.to_owned(),
        };
        for child in props.opt_items("children")? {
            let child_id = child.reference()?;
            if child_id.to_ascii_lowercase().contains("/managementgroups/") {
                group.child_groups.push(ManagementGroupId::new(child_id));
                // A nested `children` array (as `$expand=children&$recurse=true` returns) describes the child.
                if child.get("children").is_some() {
                    let nested = child.get("properties").unwrap_or_else(|| child.clone());
                    let nested = if nested.get("children").is_some() {
                        nested
                    } else {
                        child.clone()
                    };
                    self.management_group(&nested, child_id, &child.path())?;
                }
            } else {
                group
                    .child_subscriptions
                    .push(SubscriptionId::new(child_id));
            }
        }
        Arc::make_mut(&mut self.model.management_groups)
            .entry(group.id.clone())
            .or_insert(group);
        Ok(())
    }

    /// Ends the reading once every resource is read: attaches the standalone children to their parents, reads
    /// the commits and intents of `root` (the document's members but a `resources` list kept apart), and puts the
    /// diagnostics in document order.
    fn finish(mut self, root: &Node<'_>) -> Result<(Model, Vec<Diagnostic>), FormatError> {
        self.attach_children();
        for commit in root.opt_items("commits")? {
            let commit = read_commit(&commit)?;
            self.model.commits.push(commit);
        }
        for intent in root.opt_items("intents")? {
            let intent = read_intent(&intent)?;
            self.model.intents.push(intent);
        }
        in_document_order(&mut self.diagnostics);
        Ok((self.model, self.diagnostics))
    }

    /// Attaches standalone child resources to their parents.
    fn attach_children(&mut self) {
        for subnet in std::mem::take(&mut self.subnets) {
            let parent = VnetId::new(parent_of(subnet.id.as_str()));
            match Arc::make_mut(&mut self.model.vnets).get_mut(&parent) {
                Some(vnet) => attach(
                    &mut vnet.subnets,
                    subnet,
                    |a, b| a.id == b.id,
                    |a| &a.path,
                    |a, path| Subnet { path, ..a.clone() },
                    "subnet",
                    &mut self.diagnostics,
                ),
                None => self.diagnostics.push(dangling(
                    &subnet.path,
                    "virtual network",
                    parent.as_str(),
                )),
            }
        }
        for (vnet, peering) in std::mem::take(&mut self.peerings) {
            match Arc::make_mut(&mut self.model.vnets).get_mut(&vnet) {
                Some(v) => attach(
                    &mut v.peerings,
                    peering,
                    |a, b| a.id == b.id,
                    |a| &a.path,
                    |a, path| Peering { path, ..a.clone() },
                    "peering",
                    &mut self.diagnostics,
                ),
                None => {
                    self.diagnostics
                        .push(dangling(&peering.path, "virtual network", vnet.as_str()))
                }
            }
        }
        for (nsg, rule) in std::mem::take(&mut self.nsg_rules) {
            match Arc::make_mut(&mut self.model.nsgs).get_mut(&nsg) {
                Some(n) => attach(
                    &mut n.rules,
                    rule,
                    |a, b| a.id == b.id,
                    |a| &a.path,
                    |a, path| NsgRule { path, ..a.clone() },
                    "security rule",
                    &mut self.diagnostics,
                ),
                None => self.diagnostics.push(dangling(
                    &rule.path,
                    "network security group",
                    nsg.as_str(),
                )),
            }
        }
        let mut collections: BTreeMap<RuleCollectionId, (ConfigurationId, RuleCollection)> =
            BTreeMap::new();
        for (config, collection) in std::mem::take(&mut self.collections) {
            collections.insert(collection.id.clone(), (config, collection));
        }
        for (collection, rule) in std::mem::take(&mut self.admin_rules) {
            match collections.get_mut(&collection) {
                Some((_, c)) => c.rules.push(rule),
                None => self.diagnostics.push(dangling(
                    &rule.path,
                    "rule collection",
                    collection.as_str(),
                )),
            }
        }
        for (_, (config, collection)) in collections {
            match Arc::make_mut(&mut self.model.security_admin_configs).get_mut(&config) {
                Some(c) => c.collections.push(collection),
                None => self.diagnostics.push(dangling(
                    &collection.path,
                    "security admin configuration",
                    config.as_str(),
                )),
            }
        }
    }
}

/// Adds a child given as a resource of its own to its parent's list.
/// When the parent also has it inline, the two are one child: kept once when they agree, and when they differ the
/// standalone resource (the child's own GET) replaces the inline copy, with a warning naming both places.
fn attach<T: PartialEq>(
    list: &mut Vec<T>,
    child: T,
    same: impl Fn(&T, &T) -> bool,
    path: impl Fn(&T) -> &Path,
    with_path: impl Fn(&T, Path) -> T,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(inline) = list.iter_mut().find(|c| same(c, &child)) else {
        list.push(child);
        return;
    };
    if with_path(inline, path(&child).clone()) != child {
        diagnostics.push(Diagnostic::warning(
            Code::DuplicateId,
            path(&child).clone(),
            format!(
                "this {what} is also inline at `{}` and the two differ; this resource is used",
                path(inline)
            ),
        ));
        *inline = child;
    }
}

fn dangling(path: &Path, what: &str, id: &str) -> Diagnostic {
    Diagnostic::error(
        Code::DanglingReference,
        path,
        format!("the {what} `{id}` is not in the document"),
    )
}

fn missing(node: &Node<'_>, field: &str) -> FormatError {
    FormatError::Missing {
        path: node.path(),
        field: field.to_owned(),
    }
}

/// The role of a subnet from its reserved name (spec §4.5).
fn subnet_role(name: &str) -> SubnetRole {
    match name.to_ascii_lowercase().as_str() {
        "gatewaysubnet" => SubnetRole::Gateway,
        "azurefirewallsubnet" | "azurefirewallmanagementsubnet" => SubnetRole::Firewall,
        "azurebastionsubnet" => SubnetRole::Bastion,
        "routeserversubnet" => SubnetRole::RouteServer,
        _ => SubnetRole::Workload,
    }
}

fn read_peering(node: &Node<'_>, id: &str) -> Result<Peering, FormatError> {
    let props = node.req("properties")?;
    let (remote, _) = props
        .opt_reference("remoteVirtualNetwork")?
        .ok_or_else(|| missing(&props, "remoteVirtualNetwork"))?;
    let state = match props.get("peeringState") {
        None => None,
        Some(n) => Some(match n.str()?.to_ascii_lowercase().as_str() {
            "connected" => PeeringState::Connected,
            "initiated" => PeeringState::Initiated,
            "disconnected" => PeeringState::Disconnected,
            other => return Err(n.invalid(other, "`Connected`, `Initiated` or `Disconnected`")),
        }),
    };
    Ok(Peering {
        id: PeeringId::new(id),
        remote: VnetId::new(remote),
        state,
        path: node.path(),
    })
}

fn read_collection(props: &Node<'_>, id: &str, path: &Path) -> Result<RuleCollection, FormatError> {
    let groups = props
        .opt_items("appliesToGroups")?
        .iter()
        .map(|g| g.req_str("networkGroupId").map(NetworkGroupId::new))
        .collect::<Result<_, _>>()?;
    Ok(RuleCollection {
        id: RuleCollectionId::new(id),
        groups,
        rules: Vec::new(),
        path: path.to_owned(),
    })
}

fn read_tags(node: &Node<'_>) -> Result<Tags, FormatError> {
    let mut tags = Tags::default();
    if let Some(t) = node.get("tags") {
        for (name, value) in t.object()? {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            tags.0.insert(TagName(name.clone()), text);
        }
    }
    Ok(tags)
}

fn read_direction(node: &Node<'_>) -> Result<Direction, FormatError> {
    match node.str()?.to_ascii_lowercase().as_str() {
        "inbound" => Ok(Direction::Inbound),
        "outbound" => Ok(Direction::Outbound),
        other => Err(node.invalid(other, "`Inbound` or `Outbound`")),
    }
}

fn read_protocol(node: &Node<'_>) -> Result<Protocol, FormatError> {
    let text = node.str()?;
    text.parse()
        .map_err(|()| node.invalid(text, "one of `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`, `Any`, `*`"))
}

fn read_config_type(node: &Node<'_>) -> Result<ConfigType, FormatError> {
    match node.str()?.to_ascii_lowercase().as_str() {
        "connectivity" => Ok(ConfigType::Connectivity),
        "securityadmin" => Ok(ConfigType::SecurityAdmin),
        "routing" => Ok(ConfigType::Routing),
        "securityuser" => Ok(ConfigType::SecurityUser),
        other => Err(node.invalid(
            other,
            "one of `Connectivity`, `SecurityAdmin`, `Routing`, `SecurityUser`",
        )),
    }
}

fn read_commit(node: &Node<'_>) -> Result<Commit, FormatError> {
    node.object()?;
    Ok(Commit {
        manager: NetworkManagerId::new(node.req_str("networkManagerId")?),
        commit_type: read_config_type(&node.req("commitType")?)?,
        configurations: node
            .opt_strs("configurationIds")?
            .into_iter()
            .map(|(s, _)| ConfigurationId::new(s))
            .collect(),
        regions: node
            .req("targetLocations")?
            .items()?
            .iter()
            .map(|n| n.str().map(Location::new))
            .collect::<Result<_, _>>()?,
        snapshots: match node.get("snapshots") {
            None => BTreeMap::new(),
            Some(snapshots) => snapshots
                .object()?
                .iter()
                .map(|(config, fingerprint)| {
                    let value = Node::new(fingerprint, snapshots.path());
                    Ok((ConfigurationId::new(config), value.str()?.to_owned()))
                })
                .collect::<Result<_, FormatError>>()?,
        },
        path: node.path(),
    })
}

/// Reads a flow from an object with `from`, `to`, `protocol`, `port` and `sourcePort`.
pub(crate) fn read_flow(node: &Node<'_>) -> Result<Flow, FormatError> {
    let address = |key: &str| -> Result<IpAddr, FormatError> {
        let n = node.req(key)?;
        let text = n.str()?;
        text.trim()
            .parse()
            .map_err(|_| n.invalid(text, "an IP address"))
    };
    let port = |key: &str| -> Result<Option<u16>, FormatError> {
        let Some(n) = node.get(key) else {
            return Ok(None);
        };
        match n.value {
            Value::Number(p) => p
                .as_u64()
                .and_then(|p| u16::try_from(p).ok())
                .map(Some)
                .ok_or_else(|| n.expected("a port number 0-65535")),
            Value::String(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| n.invalid(s, "a port number 0-65535")),
            _ => Err(n.expected("a port number 0-65535")),
        }
    };
    Ok(Flow {
        from: address("from")?,
        to: address("to")?,
        protocol: read_protocol(&node.req("protocol")?)?,
        port: port("port")?,
        source_port: port("sourcePort")?,
    })
}

fn read_intent(node: &Node<'_>) -> Result<Intent, FormatError> {
    node.object()?;
    let expect_node = node.req("expect")?;
    let expect = read_decision(&expect_node)?;
    Ok(Intent {
        name: node.opt_str("name")?.unwrap_or_default().to_owned(),
        flow: read_flow(node)?,
        expect,
        path: node.path(),
    })
}

/// Reads `Allowed`, `Denied` or `Unreachable`.
pub(crate) fn read_decision(node: &Node<'_>) -> Result<Decision, FormatError> {
    match node.str()?.to_ascii_lowercase().as_str() {
        "allowed" => Ok(Decision::Allowed),
        "denied" => Ok(Decision::Denied),
        "unreachable" => Ok(Decision::Unreachable),
        other => Err(node.invalid(other, "`Allowed`, `Denied` or `Unreachable`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VNET: &str =
        "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v";

    #[track_caller]
    fn check(doc: &Value) -> (Model, Vec<Diagnostic>) {
        match read_value(doc.clone()) {
            Ok(read) => read,
            Err(e) => panic!("should read: {e}"),
        }
    }

    #[test]
    fn a_child_without_type_takes_it_from_its_id() {
        // Azure's peering GET example has no `type`.
        let doc = json!({"resources": [
            {"id": VNET, "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
             "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}},
            {"id": format!("{VNET}/virtualNetworkPeerings/p"), "name": "p",
             "properties": {"remoteVirtualNetwork": {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/w"},
                            "peeringState": "Initiated"}}
        ]});
        let (model, diagnostics) = check(&doc);
        assert_eq!(diagnostics, []);
        let vnet = model.vnets.get(&VnetId::new(VNET)).unwrap();
        assert_eq!(vnet.peerings.len(), 1);
        assert_eq!(vnet.peerings[0].state, Some(PeeringState::Initiated));
    }

    #[test]
    fn a_resource_whose_id_says_no_type_needs_one() {
        let doc = json!({"resources": [{"id": "vnet1"}]});
        assert_eq!(
            read_value(doc).err().map(|e| e.to_string()).as_deref(),
            Some("`resources[0]`: missing field `type`")
        );
    }

    #[test]
    fn inline_and_standalone_children_are_one_child_and_disagreements_are_reported() {
        let subnet = |prefix: &str| json!({"id": format!("{VNET}/subnets/a"), "name": "a", "properties": {"addressPrefix": prefix}});
        let doc = |standalone: Value| {
            json!({"resources": [
                {"id": VNET, "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
                 "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [subnet("10.0.0.0/24")]}},
                standalone
            ]})
        };
        let (model, diagnostics) = check(&doc(subnet("10.0.0.0/24")));
        assert_eq!(diagnostics, [], "the same subnet twice is one subnet");
        assert_eq!(
            model.vnets.get(&VnetId::new(VNET)).unwrap().subnets.len(),
            1
        );

        let (model, diagnostics) = check(&doc(subnet("10.0.1.0/24")));
        let subnets = &model.vnets.get(&VnetId::new(VNET)).unwrap().subnets;
        assert_eq!(subnets.len(), 1);
        assert_eq!(
            subnets[0].prefixes,
            ["10.0.1.0/24".parse::<ipnet::IpNet>().unwrap()]
        );
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::DuplicateId);
        assert_eq!(diagnostics[0].path, "resources[1]");
        assert_eq!(
            diagnostics[0].message,
            "this subnet is also inline at `resources[0].properties.subnets[0]` and the two differ; this resource is used"
        );
    }

    #[test]
    fn spellings_azure_accepts_are_read() {
        let doc = json!({"resources": [
            {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n",
             "type": "microsoft.network/networksecuritygroups",
             "properties": {"securityRules": [{"name": "ssh", "properties": {"priority": 100,
                "direction": "INBOUND", "access": "allow", "protocol": "TCP", "sourceAddressPrefix": "*",
                "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}}]}},
            {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkManagers/m/connectivityConfigurations/c",
             "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
             "properties": {"connectivityTopology": "Mesh", "isGlobal": "True", "deleteExistingPeering": "false",
                            "appliesToGroups": [{"networkGroupId": "/g", "isGlobal": "False", "useHubGateway": "False",
                                                 "groupConnectivity": "None"}]}}
        ]});
        let (model, _) = check(&doc);
        let rule = &model.nsgs.values().next().unwrap().rules[0];
        assert_eq!(rule.protocol, Protocol::Tcp);
        assert_eq!(rule.direction, Direction::Inbound);
        let config = model.connectivity_configs.values().next().unwrap();
        assert!(config.is_global);
        assert!(!config.delete_existing_peering);
    }

    #[test]
    fn a_rules_lists_and_single_values_are_read_and_each_bad_text_is_told_where_it_is() {
        let nsg = |props: Value| {
            json!({"resources": [{
                "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n",
                "type": "Microsoft.Network/networkSecurityGroups",
                "properties": {"securityRules": [{"name": "r", "properties": props}]}}]})
        };
        let rule = |extra: Value| {
            let mut props = json!({"priority": 100, "direction": "Inbound", "access": "Allow",
                                   "protocol": "Tcp"});
            if let (Value::Object(props), Value::Object(extra)) = (&mut props, extra) {
                props.extend(extra);
            }
            nsg(props)
        };
        let at = "resources[0].properties.securityRules[0].properties";
        let (model, diagnostics) = check(&rule(json!({
            "sourceAddressPrefixes": ["10.0.0.0/8", "10.0.0.0/33", "VirtualNetwork"],
            "sourceAddressPrefix": "192.168.0.1",
            "destinationAddressPrefix": "*",
            "sourcePortRanges": ["80", "90-80"], "sourcePortRange": "443",
            "destinationPortRange": "70000"})));
        let read = &model.nsgs.values().next().unwrap().rules[0];
        // The list's texts first, then the single one; the bad ones left out.
        assert_eq!(
            read.sources
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["10.0.0.0/8", "VirtualNetwork", "192.168.0.1/32"]
        );
        assert_eq!(read.destinations.len(), 1);
        assert_eq!(
            read.source_ports
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["80", "443"]
        );
        assert_eq!(read.destination_ports, []);
        let told: Vec<(Code, String)> = diagnostics
            .iter()
            .map(|d| (d.code, d.path.to_string()))
            .collect();
        assert_eq!(
            told,
            [
                (
                    Code::InvalidPrefix,
                    format!("{at}.sourceAddressPrefixes[1]")
                ),
                (Code::InvalidPortRange, format!("{at}.sourcePortRanges[1]")),
                (Code::InvalidPortRange, format!("{at}.destinationPortRange")),
            ]
        );
        assert!(diagnostics[0].message.contains("`10.0.0.0/33`"));

        // A value of another type refuses the document, at its place.
        let wrong = rule(
            json!({"sourceAddressPrefixes": ["10.0.0.0/8", 7], "sourcePortRange": "*",
                                "destinationAddressPrefix": "*", "destinationPortRange": "*"}),
        );
        assert_eq!(
            read_value(wrong).err().map(|e| e.to_string()),
            Some(format!(
                "`{at}.sourceAddressPrefixes[1]`: expected a string, found a number"
            ))
        );
        let wrong = rule(json!({"sourceAddressPrefix": ["*"], "sourcePortRange": "*",
                                "destinationAddressPrefix": "*", "destinationPortRanges": "80"}));
        assert_eq!(
            read_value(wrong).err().map(|e| e.to_string()),
            Some(format!(
                "`{at}.sourceAddressPrefix`: expected a string, found an array"
            ))
        );
    }

    #[test]
    fn json_that_is_not_a_scenario_is_refused_with_what_it_looks_like() {
        let error = read_value(
            json!({"parameters": {"api-version": "1"}, "responses": {"200": {"body": {}}}}),
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "not a scenario document: looks like a REST API example file (`parameters`, `responses`): import it with `avnm import`"
            )
        );
        let error = read_value(json!({})).err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "not a scenario document: it is an empty JSON object; an empty design is written `{\"resources\": []}`"
            )
        );
    }
}
