//! Terraform with the `azurerm` provider: one provider per subscription of the design (an alias for each but
//! the first), the resource groups, every resource with references to the others (`azurerm_x.y.id`), and one
//! `azurerm_network_manager_deployment` per commit and region, in commit order, each waiting for the one
//! before.
//! A deployment is the goal state of one (network manager, region, configuration type): of several commits
//! to the same triple, Terraform keeps the last, and the earlier ones are comments.
//! Argument names follow the provider's documentation (`website/docs/r/network_manager_*.html.markdown`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

mod manager;
mod network;

use super::ExportReport;
use super::literal::{Names, hcl_string, hcl_value};
use super::plan::{Item, Plan, Scope, distinct};

/// The text of the configuration and what it refers to.
struct Writer<'a> {
    plan: &'a Plan,
    out: String,
    names: Names,
    /// Lower-case Azure id to Terraform address (`azurerm_virtual_network.vnet_hub`).
    addresses: BTreeMap<String, String>,
    /// Subscription GUID to provider alias (`None` for the default provider).
    providers: BTreeMap<String, Option<String>>,
    /// Resource group (subscription, lower-case name) to its Terraform address.
    groups: BTreeMap<(String, String), String>,
    report: &'a mut ExportReport,
}

pub(super) fn write(plan: &Plan, report: &mut ExportReport) -> String {
    let mut w = Writer {
        plan,
        out: String::new(),
        names: Names::default(),
        addresses: BTreeMap::new(),
        providers: BTreeMap::new(),
        groups: BTreeMap::new(),
        report,
    };
    w.header();
    w.assign_addresses();
    w.resource_groups();
    for &i in &plan.order {
        if let Some(item) = plan.item(i) {
            w.item(item);
        }
    }
    w.deployments();
    w.out
}

impl Writer<'_> {
    fn header(&mut self) {
        if let Some(title) = &self.plan.title {
            let _ = writeln!(self.out, "# {}", super::one_line(title));
        }
        self.out
            .push_str("# Written by `avnm export --format terraform`.\n\n");
        self.out.push_str("terraform {\n  required_providers {\n    azurerm = {\n      source  = \"hashicorp/azurerm\"\n      version = \"~> 4.0\"\n    }\n  }\n}\n");
        let subscriptions =
            distinct(
                self.plan
                    .order
                    .iter()
                    .filter_map(|&i| match &self.plan.item(i)?.scope {
                        Scope::Subscription(s)
                        | Scope::ResourceGroup {
                            subscription: s, ..
                        } => Some(s.clone()),
                        _ => None,
                    }),
            );
        for (n, s) in subscriptions.iter().enumerate() {
            let alias = (n > 0).then(|| format!("subscription_{}", n + 1));
            self.out.push_str("\nprovider \"azurerm\" {\n");
            if let Some(a) = &alias {
                let _ = writeln!(self.out, "  alias           = {}", hcl_string(a));
            }
            let _ = writeln!(self.out, "  subscription_id = {}", hcl_string(s));
            self.out.push_str("  features {}\n}\n");
            self.providers.insert(s.to_ascii_lowercase(), alias);
        }
        if subscriptions.is_empty() {
            self.out
                .push_str("\nprovider \"azurerm\" {\n  features {}\n}\n");
        }
    }

    /// Gives every item (and every inline subnet) its Terraform address before anything is written, so that
    /// references resolve whatever the order.
    fn assign_addresses(&mut self) {
        for &i in &self.plan.order {
            let Some(item) = self.plan.item(i) else {
                continue;
            };
            let Some(kind) = resource_type(item) else {
                continue;
            };
            let name = self.names.unique(item.name(), false);
            self.addresses
                .insert(item.id.to_ascii_lowercase(), format!("{kind}.{name}"));
            if item.kind_lower() == "microsoft.network/virtualnetworks" {
                for subnet in subnets(item) {
                    let (subnet_name, _) = subnet;
                    let sym = self
                        .names
                        .unique(&format!("{}-{subnet_name}", item.name()), false);
                    self.addresses.insert(
                        format!("{}/subnets/{subnet_name}", item.id).to_ascii_lowercase(),
                        format!("azurerm_subnet.{sym}"),
                    );
                }
            }
        }
    }

    /// The resource groups: those the document describes, and those its resources are in.
    fn resource_groups(&mut self) {
        let fallback = self
            .plan
            .items
            .iter()
            .find_map(|i| i.location.clone())
            .unwrap_or_else(|| "westeurope".to_owned());
        for &i in &self.plan.order {
            let Some(item) = self.plan.item(i) else {
                continue;
            };
            let (subscription, group) = match &item.scope {
                Scope::ResourceGroup {
                    subscription,
                    group,
                } => (subscription.clone(), group.clone()),
                Scope::Subscription(s)
                    if item.kind_lower() == "microsoft.resources/resourcegroups" =>
                {
                    (s.clone(), item.name().to_owned())
                }
                _ => continue,
            };
            let key = (
                subscription.to_ascii_lowercase(),
                group.to_ascii_lowercase(),
            );
            if self.groups.contains_key(&key) {
                continue;
            }
            let id = format!("/subscriptions/{subscription}/resourceGroups/{group}");
            let described = self.plan.find(&id).and_then(|g| self.plan.item(g));
            let scope = Scope::ResourceGroup {
                subscription: subscription.clone(),
                group: group.clone(),
            };
            let location = described
                .and_then(|g| g.location.clone())
                .or_else(|| {
                    self.plan
                        .items
                        .iter()
                        .find(|x| x.scope == scope && x.location.is_some())
                        .and_then(|x| x.location.clone())
                })
                .unwrap_or_else(|| fallback.clone());
            let sym = self.names.unique(&group, false);
            let _ = write!(
                self.out,
                "\nresource \"azurerm_resource_group\" \"{sym}\" {{\n{}  name     = {}\n  location = {}\n",
                self.provider_line(&scope),
                hcl_string(&group),
                hcl_string(&location)
            );
            if let Some(tags) = described.and_then(|g| g.tags.clone()) {
                let v = hcl_value(&Value::Object(tags), 1, &|_| None);
                self.line("tags", &v);
            }
            self.close();
            let address = format!("azurerm_resource_group.{sym}");
            self.addresses
                .insert(id.to_ascii_lowercase(), address.clone());
            self.groups.insert(key, address);
        }
    }

    fn provider_line(&self, scope: &Scope) -> String {
        let sub = match scope {
            Scope::Subscription(s)
            | Scope::ResourceGroup {
                subscription: s, ..
            } => s,
            _ => return String::new(),
        };
        match self.providers.get(&sub.to_ascii_lowercase()) {
            Some(Some(alias)) => format!("  provider = azurerm.{alias}\n"),
            _ => String::new(),
        }
    }

    /// `resource_group_name = azurerm_resource_group.x.name` for an item in a resource group.
    fn group_name(&self, item: &Item) -> String {
        match &item.scope {
            Scope::ResourceGroup {
                subscription,
                group,
            } => self
                .groups
                .get(&(
                    subscription.to_ascii_lowercase(),
                    group.to_ascii_lowercase(),
                ))
                .map_or_else(|| hcl_string(group), |a| format!("{a}.name")),
            _ => "\"\"".to_owned(),
        }
    }

    /// A reference to a resource of the configuration, or the id as a string.
    fn reference(&self, id: &str) -> String {
        if let Some(a) = self.addresses.get(&id.to_ascii_lowercase()) {
            return format!("{a}.id");
        }
        if let Some((i, rest)) = self.plan.lookup(id)
            && let Some(a) = self.plan.item(i).and_then(|item| self.address(item))
        {
            let rest = hcl_string(rest);
            let inner = rest.get(1..rest.len() - 1).unwrap_or_default();
            return format!("\"${{{a}.id}}{inner}\"");
        }
        hcl_string(id)
    }

    fn references(&self, ids: &[String]) -> String {
        let refs: Vec<String> = ids.iter().map(|i| self.reference(i)).collect();
        format!("[{}]", refs.join(", "))
    }

    fn address(&self, item: &Item) -> Option<String> {
        self.addresses.get(&item.id.to_ascii_lowercase()).cloned()
    }

    fn note(&mut self, path: &str, message: String) {
        let _ = writeln!(self.out, "\n# {}", super::one_line(&message));
        self.report.push(path, message);
    }

    /// Opens a resource block: `resource "type" "name" {` and the provider line.
    fn open(&mut self, item: &Item) -> bool {
        let Some(address) = self.address(item) else {
            return false;
        };
        let (kind, name) = address.split_once('.').unwrap_or((&address, ""));
        let _ = write!(
            self.out,
            "\nresource \"{kind}\" \"{name}\" {{\n{}",
            self.provider_line(&item.scope)
        );
        true
    }

    fn line(&mut self, key: &str, value: &str) {
        let _ = writeln!(self.out, "  {key} = {value}");
    }

    fn opt_str(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.line(key, &hcl_string(v));
        }
    }

    fn common(&mut self, item: &Item) {
        self.line("name", &hcl_string(item.name()));
        if let Some(l) = &item.location {
            self.line("location", &hcl_string(l));
        }
        let rg = self.group_name(item);
        self.line("resource_group_name", &rg);
    }

    fn tags(&mut self, item: &Item) {
        if let Some(tags) = &item.tags {
            let v = hcl_value(&Value::Object(tags.clone()), 1, &|_| None);
            self.line("tags", &v);
        }
    }

    fn close(&mut self) {
        self.out.push_str("}\n");
    }

    fn item(&mut self, item: &Item) {
        let p = &item.properties;
        let names: Vec<&str> = item.names.iter().map(String::as_str).collect();
        match (item.kind_lower().as_str(), names.as_slice()) {
            ("microsoft.network/virtualnetworks", [_]) => {
                self.open(item);
                self.common(item);
                let space = strings(p.get("addressSpace").and_then(|a| a.get("addressPrefixes")));
                self.line("address_space", &list(&space));
                self.tags(item);
                self.close();
                self.unexpressed(item, &["addressSpace", "subnets"]);
                let vnet = self.address(item).unwrap_or_default();
                for (j, (name, props)) in subnets(item).into_iter().enumerate() {
                    let id = format!("{}/subnets/{name}", item.id);
                    let path = format!("{}.properties.subnets[{j}]", item.path);
                    self.subnet(item, &id, &name, &format!("{vnet}.name"), &props, &path);
                }
            }
            ("microsoft.network/virtualnetworks/subnets", [vnet, name]) => {
                let vnet_name = item
                    .parent
                    .and_then(|p| self.plan.item(p))
                    .and_then(|v| self.address(v))
                    .map_or_else(|| hcl_string(vnet), |a| format!("{a}.name"));
                let (id, path) = (item.id.clone(), item.path.clone());
                self.subnet(item, &id, name, &vnet_name, p, &path);
            }
            ("microsoft.network/virtualnetworks/virtualnetworkpeerings", [vnet, _]) => {
                let vnet_name = item
                    .parent
                    .and_then(|p| self.plan.item(p))
                    .and_then(|v| self.address(v))
                    .map_or_else(|| hcl_string(vnet), |a| format!("{a}.name"));
                self.open(item);
                self.line("name", &hcl_string(item.name()));
                let rg = self.group_name(item);
                self.line("resource_group_name", &rg);
                self.line("virtual_network_name", &vnet_name);
                let remote = p
                    .get("remoteVirtualNetwork")
                    .and_then(|r| r.get("id"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let remote = self.reference(remote);
                self.line("remote_virtual_network_id", &remote);
                for (key, arg) in [
                    ("allowVirtualNetworkAccess", "allow_virtual_network_access"),
                    ("allowForwardedTraffic", "allow_forwarded_traffic"),
                    ("allowGatewayTransit", "allow_gateway_transit"),
                    ("useRemoteGateways", "use_remote_gateways"),
                ] {
                    if let Some(b) = p.get(key).and_then(Value::as_bool) {
                        self.line(arg, &b.to_string());
                    }
                }
                self.close();
            }
            ("microsoft.network/networksecuritygroups", [_]) => {
                self.open(item);
                self.common(item);
                let rules = p.get("securityRules").and_then(Value::as_array);
                for rule in rules.into_iter().flatten() {
                    let props = rule
                        .get("properties")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    self.out.push_str("  security_rule {\n");
                    let name = rule.get("name").and_then(Value::as_str).unwrap_or_default();
                    let _ = writeln!(self.out, "    name = {}", hcl_string(name));
                    let body = self.nsg_rule(&props, "    ");
                    self.out.push_str(&body);
                    self.out.push_str("  }\n");
                }
                self.tags(item);
                self.close();
            }
            ("microsoft.network/networksecuritygroups/securityrules", [nsg, _]) => {
                let nsg_name = item
                    .parent
                    .and_then(|p| self.plan.item(p))
                    .and_then(|v| self.address(v))
                    .map_or_else(|| hcl_string(nsg), |a| format!("{a}.name"));
                self.open(item);
                self.line("name", &hcl_string(item.name()));
                let rg = self.group_name(item);
                self.line("resource_group_name", &rg);
                self.line("network_security_group_name", &nsg_name);
                let body = self.nsg_rule(p, "  ");
                self.out.push_str(&body);
                self.close();
            }
            ("microsoft.network/networkinterfaces", [_]) => self.nic(item),
            ("microsoft.network/networkmanagers", [_]) => {
                self.open(item);
                self.common(item);
                let scopes = p.get("networkManagerScopes");
                self.out.push_str("  scope {\n");
                let mgs = strings(scopes.and_then(|s| s.get("managementGroups")));
                let subs = strings(scopes.and_then(|s| s.get("subscriptions")));
                if !mgs.is_empty() {
                    let _ = writeln!(
                        self.out,
                        "    management_group_ids = {}",
                        self.references(&mgs)
                    );
                }
                if !subs.is_empty() {
                    let _ = writeln!(self.out, "    subscription_ids = {}", list(&subs));
                }
                self.out.push_str("  }\n");
                let accesses = strings(p.get("networkManagerScopeAccesses"));
                self.line("scope_accesses", &list(&accesses));
                self.opt_str("description", item.prop_str("description"));
                self.tags(item);
                self.close();
            }
            ("microsoft.network/networkmanagers/networkgroups", [_, _]) => {
                self.open(item);
                self.line("name", &hcl_string(item.name()));
                self.parent_ref(item, "network_manager_id");
                self.opt_str("description", item.prop_str("description"));
                self.opt_str("member_type", item.prop_str("memberType"));
                self.close();
            }
            ("microsoft.network/networkmanagers/networkgroups/staticmembers", [_, _, _]) => {
                let target = item.prop_str("resourceId").unwrap_or_default();
                if target.to_ascii_lowercase().contains("/subnets/") {
                    self.note(
                        &item.path,
                        format!(
                            "`azurerm_network_manager_static_member` takes virtual networks only: the subnet member `{}` is not written",
                            item.name()
                        ),
                    );
                    return;
                }
                self.open(item);
                self.line("name", &hcl_string(item.name()));
                self.parent_ref(item, "network_group_id");
                let target = self.reference(target);
                self.line("target_virtual_network_id", &target);
                self.close();
            }
            ("microsoft.network/networkmanagers/connectivityconfigurations", [_, _]) => {
                self.connectivity(item);
            }
            ("microsoft.network/networkmanagers/securityadminconfigurations", [_, _]) => {
                self.open(item);
                self.line("name", &hcl_string(item.name()));
                self.parent_ref(item, "network_manager_id");
                self.opt_str("description", item.prop_str("description"));
                let services = strings(p.get("applyOnNetworkIntentPolicyBasedServices"));
                if !services.is_empty() {
                    self.line(
                        "apply_on_network_intent_policy_based_services",
                        &list(&services),
                    );
                }
                self.close();
                self.unexpressed(
                    item,
                    &["description", "applyOnNetworkIntentPolicyBasedServices"],
                );
            }
            (
                "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections",
                [_, _, _],
            ) => {
                self.open(item);
                self.line("name", &hcl_string(item.name()));
                self.parent_ref(item, "security_admin_configuration_id");
                let groups = field_strings(p.get("appliesToGroups"), "networkGroupId");
                let groups = self.references(&groups);
                self.line("network_group_ids", &groups);
                self.opt_str("description", item.prop_str("description"));
                self.close();
            }
            (
                "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections/rules",
                [_, _, _, _],
            ) => self.admin_rule(item),
            ("microsoft.authorization/policydefinitions", [_]) => self.policy_definition(item),
            ("microsoft.authorization/policyassignments", [_]) => self.policy_assignment(item),
            ("microsoft.management/managementgroups", [_]) => {
                self.open(item);
                self.line("name", &hcl_string(item.name()));
                self.opt_str("display_name", item.prop_str("displayName"));
                let parent = p
                    .get("details")
                    .and_then(|d| d.get("parent"))
                    .and_then(|d| d.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                if let Some(parent) = parent {
                    let parent = self.reference(&parent);
                    self.line("parent_management_group_id", &parent);
                }
                let subs: Vec<String> = self
                    .plan
                    .items
                    .iter()
                    .filter(|x| x.parent == self.plan.find(&item.id) && x.names.len() == 2)
                    .filter(|x| {
                        x.kind_lower() == "microsoft.management/managementgroups/subscriptions"
                    })
                    .filter_map(|x| x.names.get(1).cloned())
                    .collect();
                if !subs.is_empty() {
                    let ids: Vec<String> =
                        subs.iter().map(|s| format!("/subscriptions/{s}")).collect();
                    self.line("subscription_ids", &list(&ids));
                }
                self.close();
            }
            // Written with the resource groups, first.
            ("microsoft.resources/resourcegroups", _) => {}
            // Written as the management group's `subscription_ids`.
            ("microsoft.management/managementgroups/subscriptions", _) => {}
            ("microsoft.resources/tags", _) => {
                self.note(
                    &item.path,
                    format!(
                        "the azurerm provider has no resource that tags an existing subscription: the tags of `{}` are not written",
                        item.id.trim_end_matches("/providers/Microsoft.Resources/tags/default")
                    ),
                );
            }
            _ => {
                self.note(
                    &item.path,
                    format!(
                        "`{}` of type `{}` is not written: the export has no azurerm resource for it",
                        item.name(),
                        item.kind
                    ),
                );
            }
        }
    }

    fn parent_ref(&mut self, item: &Item, key: &str) {
        let parent = item
            .parent
            .and_then(|p| self.plan.item(p))
            .and_then(|p| self.address(p))
            .map_or_else(
                || {
                    let id = item.id.trim_end_matches('/');
                    let cut = id.rfind('/').and_then(|c| id.get(..c)).unwrap_or(id);
                    let cut = cut.rfind('/').and_then(|c| cut.get(..c)).unwrap_or(cut);
                    hcl_string(cut)
                },
                |a| format!("{a}.id"),
            );
        self.line(key, &parent);
    }
}

/// The azurerm resource type an item is written as, when it has one of its own.
fn resource_type(item: &Item) -> Option<&'static str> {
    Some(match item.kind_lower().as_str() {
        "microsoft.network/virtualnetworks" => "azurerm_virtual_network",
        "microsoft.network/virtualnetworks/subnets" => "azurerm_subnet",
        "microsoft.network/virtualnetworks/virtualnetworkpeerings" => {
            "azurerm_virtual_network_peering"
        }
        "microsoft.network/networksecuritygroups" => "azurerm_network_security_group",
        "microsoft.network/networksecuritygroups/securityrules" => "azurerm_network_security_rule",
        "microsoft.network/networkinterfaces" => "azurerm_network_interface",
        "microsoft.network/networkmanagers" => "azurerm_network_manager",
        "microsoft.network/networkmanagers/networkgroups" => {
            "azurerm_network_manager_network_group"
        }
        "microsoft.network/networkmanagers/networkgroups/staticmembers" => {
            "azurerm_network_manager_static_member"
        }
        "microsoft.network/networkmanagers/connectivityconfigurations" => {
            "azurerm_network_manager_connectivity_configuration"
        }
        "microsoft.network/networkmanagers/securityadminconfigurations" => {
            "azurerm_network_manager_security_admin_configuration"
        }
        "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections" => {
            "azurerm_network_manager_admin_rule_collection"
        }
        "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections/rules" => {
            "azurerm_network_manager_admin_rule"
        }
        "microsoft.authorization/policydefinitions" => "azurerm_policy_definition",
        "microsoft.authorization/policyassignments" => match item.scope {
            Scope::ManagementGroup(_) => "azurerm_management_group_policy_assignment",
            Scope::Subscription(_) => "azurerm_subscription_policy_assignment",
            Scope::ResourceGroup { .. } => "azurerm_resource_group_policy_assignment",
            Scope::Tenant => return None,
        },
        "microsoft.management/managementgroups" => "azurerm_management_group",
        _ => return None,
    })
}

/// The inline subnets of a VNet: name and properties.
fn subnets(item: &Item) -> Vec<(String, Map<String, Value>)> {
    item.properties
        .get("subnets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let name = s.get("name").and_then(Value::as_str)?.to_owned();
            let props = s
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            Some((name, props))
        })
        .collect()
}

fn list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| hcl_string(v)).collect();
    format!("[{}]", items.join(", "))
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A string field of each object of an array.
fn field_strings(value: Option<&Value>, key: &str) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get(key).and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn flag(value: Option<&Value>) -> Option<&'static str> {
    match value? {
        Value::Bool(true) => Some("true"),
        Value::Bool(false) => Some("false"),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some("true"),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some("false"),
        _ => None,
    }
}
