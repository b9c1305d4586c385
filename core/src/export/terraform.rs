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

use super::ExportReport;
use super::literal::{Names, hcl_string, hcl_value};
use super::plan::{Item, Plan, Scope, distinct};
use crate::model::ConfigType;

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
            let _ = writeln!(self.out, "# {}", title.replace(['\n', '\r'], " "));
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
            let Scope::ResourceGroup {
                subscription,
                group,
            } = &item.scope
            else {
                continue;
            };
            let key = (
                subscription.to_ascii_lowercase(),
                group.to_ascii_lowercase(),
            );
            if self.groups.contains_key(&key) {
                continue;
            }
            let location = self
                .plan
                .items
                .iter()
                .find(|x| x.scope == item.scope && x.location.is_some())
                .and_then(|x| x.location.clone())
                .unwrap_or_else(|| fallback.clone());
            let sym = self.names.unique(group, false);
            let _ = write!(
                self.out,
                "\nresource \"azurerm_resource_group\" \"{sym}\" {{\n{}  name     = {}\n  location = {}\n}}\n",
                self.provider_line(&item.scope),
                hcl_string(group),
                hcl_string(&location)
            );
            let address = format!("azurerm_resource_group.{sym}");
            self.addresses.insert(
                format!("/subscriptions/{subscription}/resourceGroups/{group}")
                    .to_ascii_lowercase(),
                address.clone(),
            );
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
        let _ = writeln!(self.out, "\n# {message}");
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

    fn subnet(
        &mut self,
        item: &Item,
        id: &str,
        name: &str,
        vnet_name: &str,
        props: &Map<String, Value>,
        path: &str,
    ) {
        let Some(address) = self.addresses.get(&id.to_ascii_lowercase()).cloned() else {
            return;
        };
        let sym = address.split_once('.').map_or("", |(_, s)| s).to_owned();
        let mut prefixes = strings(props.get("addressPrefixes"));
        if let Some(p) = props.get("addressPrefix").and_then(Value::as_str) {
            prefixes.insert(0, p.to_owned());
        }
        let _ = write!(
            self.out,
            "\nresource \"azurerm_subnet\" \"{sym}\" {{\n{}",
            self.provider_line(&item.scope)
        );
        self.line("name", &hcl_string(name));
        let rg = self.group_name(item);
        self.line("resource_group_name", &rg);
        self.line("virtual_network_name", vnet_name);
        self.line("address_prefixes", &list(&prefixes));
        let delegations = props.get("delegations").and_then(Value::as_array);
        for d in delegations.into_iter().flatten() {
            let dname = d
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("delegation");
            let service = d
                .get("properties")
                .and_then(|p| p.get("serviceName"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let _ = write!(
                self.out,
                "  delegation {{\n    name = {}\n    service_delegation {{\n      name = {}\n    }}\n  }}\n",
                hcl_string(dname),
                hcl_string(service)
            );
        }
        self.close();
        if let Some(nsg) = props
            .get("networkSecurityGroup")
            .and_then(|n| n.get("id"))
            .and_then(Value::as_str)
        {
            let assoc = self.names.unique(&format!("{sym}-nsg"), false);
            let nsg = self.reference(nsg);
            let _ = write!(
                self.out,
                "\nresource \"azurerm_subnet_network_security_group_association\" \"{assoc}\" {{\n{}  subnet_id                 = {address}.id\n  network_security_group_id = {nsg}\n}}\n",
                self.provider_line(&item.scope)
            );
        }
        for key in props.keys() {
            if ![
                "addressPrefix",
                "addressPrefixes",
                "networkSecurityGroup",
                "delegations",
            ]
            .contains(&key.as_str())
            {
                self.note(
                    path,
                    format!("the Terraform export does not write the subnet property `{key}` of `{name}`"),
                );
            }
        }
    }

    fn nsg_rule(&self, p: &Map<String, Value>, pad: &str) -> String {
        let mut out = String::new();
        for (key, arg) in [
            ("priority", "priority"),
            ("direction", "direction"),
            ("access", "access"),
            ("protocol", "protocol"),
            ("description", "description"),
        ] {
            match p.get(key) {
                Some(Value::String(s)) => {
                    let _ = writeln!(out, "{pad}{arg} = {}", hcl_string(s));
                }
                Some(Value::Number(n)) => {
                    let _ = writeln!(out, "{pad}{arg} = {n}");
                }
                _ => {}
            }
        }
        for (one, many, arg_one, arg_many) in [
            (
                "sourcePortRange",
                "sourcePortRanges",
                "source_port_range",
                "source_port_ranges",
            ),
            (
                "destinationPortRange",
                "destinationPortRanges",
                "destination_port_range",
                "destination_port_ranges",
            ),
            (
                "sourceAddressPrefix",
                "sourceAddressPrefixes",
                "source_address_prefix",
                "source_address_prefixes",
            ),
            (
                "destinationAddressPrefix",
                "destinationAddressPrefixes",
                "destination_address_prefix",
                "destination_address_prefixes",
            ),
        ] {
            if let Some(v) = p.get(one).and_then(Value::as_str) {
                let _ = writeln!(out, "{pad}{arg_one} = {}", hcl_string(v));
            }
            let values = strings(p.get(many));
            if !values.is_empty() {
                let _ = writeln!(out, "{pad}{arg_many} = {}", list(&values));
            }
        }
        for (key, arg) in [
            (
                "sourceApplicationSecurityGroups",
                "source_application_security_group_ids",
            ),
            (
                "destinationApplicationSecurityGroups",
                "destination_application_security_group_ids",
            ),
        ] {
            let ids = field_strings(p.get(key), "id");
            if !ids.is_empty() {
                let _ = writeln!(out, "{pad}{arg} = {}", self.references(&ids));
            }
        }
        out
    }

    fn nic(&mut self, item: &Item) {
        let p = &item.properties;
        self.open(item);
        self.common(item);
        let configs = p.get("ipConfigurations").and_then(Value::as_array);
        let mut asgs = Vec::new();
        for config in configs.into_iter().flatten() {
            let props = config.get("properties");
            self.out.push_str("  ip_configuration {\n");
            let name = config
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("ipconfig1");
            let _ = writeln!(
                self.out,
                "    name                          = {}",
                hcl_string(name)
            );
            if let Some(subnet) = props
                .and_then(|p| p.get("subnet"))
                .and_then(|s| s.get("id"))
                .and_then(Value::as_str)
            {
                let _ = writeln!(
                    self.out,
                    "    subnet_id                     = {}",
                    self.reference(subnet)
                );
            }
            let address = props
                .and_then(|p| p.get("privateIPAddress"))
                .and_then(Value::as_str);
            let method = props
                .and_then(|p| p.get("privateIPAllocationMethod"))
                .and_then(Value::as_str)
                .unwrap_or(if address.is_some() {
                    "Static"
                } else {
                    "Dynamic"
                });
            let _ = writeln!(
                self.out,
                "    private_ip_address_allocation = {}",
                hcl_string(method)
            );
            if let Some(a) = address {
                let _ = writeln!(
                    self.out,
                    "    private_ip_address            = {}",
                    hcl_string(a)
                );
            }
            self.out.push_str("  }\n");
            asgs.extend(field_strings(
                props.and_then(|p| p.get("applicationSecurityGroups")),
                "id",
            ));
        }
        self.tags(item);
        self.close();
        let nic = self.address(item).unwrap_or_default();
        let base = nic.split_once('.').map_or("", |(_, s)| s).to_owned();
        if let Some(nsg) = p
            .get("networkSecurityGroup")
            .and_then(|n| n.get("id"))
            .and_then(Value::as_str)
        {
            let assoc = self.names.unique(&format!("{base}-nsg"), false);
            let nsg = self.reference(nsg);
            let _ = write!(
                self.out,
                "\nresource \"azurerm_network_interface_security_group_association\" \"{assoc}\" {{\n{}  network_interface_id      = {nic}.id\n  network_security_group_id = {nsg}\n}}\n",
                self.provider_line(&item.scope)
            );
        }
        for asg in distinct(asgs) {
            let assoc = self.names.unique(&format!("{base}-asg"), false);
            let asg = self.reference(&asg);
            let _ = write!(
                self.out,
                "\nresource \"azurerm_network_interface_application_security_group_association\" \"{assoc}\" {{\n{}  network_interface_id          = {nic}.id\n  application_security_group_id = {asg}\n}}\n",
                self.provider_line(&item.scope)
            );
        }
    }

    fn connectivity(&mut self, item: &Item) {
        let p = &item.properties;
        self.open(item);
        self.line("name", &hcl_string(item.name()));
        self.parent_ref(item, "network_manager_id");
        self.opt_str(
            "connectivity_topology",
            item.prop_str("connectivityTopology"),
        );
        self.opt_str("description", item.prop_str("description"));
        if let Some(b) = flag(p.get("deleteExistingPeering")) {
            self.line("delete_existing_peering_enabled", b);
        }
        if let Some(b) = flag(p.get("isGlobal")) {
            self.line("global_mesh_enabled", b);
        }
        let groups = p.get("appliesToGroups").and_then(Value::as_array);
        for g in groups.into_iter().flatten() {
            self.out.push_str("  applies_to_group {\n");
            let id = g
                .get("networkGroupId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let _ = writeln!(self.out, "    network_group_id   = {}", self.reference(id));
            let connectivity = g
                .get("groupConnectivity")
                .and_then(Value::as_str)
                .unwrap_or("None");
            let _ = writeln!(
                self.out,
                "    group_connectivity = {}",
                hcl_string(connectivity)
            );
            if let Some(b) = flag(g.get("isGlobal")) {
                let _ = writeln!(self.out, "    global_mesh_enabled = {b}");
            }
            if let Some(b) = flag(g.get("useHubGateway")) {
                let _ = writeln!(self.out, "    use_hub_gateway    = {b}");
            }
            self.out.push_str("  }\n");
        }
        let hubs = p
            .get("hubs")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(hub) = hubs.first() {
            let id = hub
                .get("resourceId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let kind = hub
                .get("resourceType")
                .and_then(Value::as_str)
                .unwrap_or("Microsoft.Network/virtualNetworks");
            let _ = write!(
                self.out,
                "  hub {{\n    resource_id   = {}\n    resource_type = {}\n  }}\n",
                self.reference(id),
                hcl_string(kind)
            );
        }
        self.close();
        if hubs.len() > 1 {
            self.note(
                &format!("{}.properties.hubs", item.path),
                format!(
                    "`azurerm_network_manager_connectivity_configuration` takes one hub: only the first of the {} hubs of `{}` is written",
                    hubs.len(),
                    item.name()
                ),
            );
        }
        self.unexpressed(
            item,
            &[
                "connectivityTopology",
                "appliesToGroups",
                "hubs",
                "isGlobal",
                "deleteExistingPeering",
                "description",
            ],
        );
    }

    fn admin_rule(&mut self, item: &Item) {
        let p = &item.properties;
        if item
            .arm_kind
            .as_deref()
            .is_some_and(|k| !k.eq_ignore_ascii_case("Custom"))
        {
            self.note(
                &item.path,
                format!(
                    "`azurerm_network_manager_admin_rule` writes custom rules only: the default rule `{}` is not written",
                    item.name()
                ),
            );
            return;
        }
        self.open(item);
        self.line("name", &hcl_string(item.name()));
        self.parent_ref(item, "admin_rule_collection_id");
        self.opt_str("action", item.prop_str("access"));
        self.opt_str("direction", item.prop_str("direction"));
        if let Some(n) = p.get("priority") {
            self.line("priority", &n.to_string());
        }
        self.opt_str("protocol", item.prop_str("protocol"));
        self.opt_str("description", item.prop_str("description"));
        for (key, arg) in [
            ("sourcePortRanges", "source_port_ranges"),
            ("destinationPortRanges", "destination_port_ranges"),
        ] {
            let values = strings(p.get(key));
            if !values.is_empty() {
                self.line(arg, &list(&values));
            }
        }
        for (key, block) in [("sources", "source"), ("destinations", "destination")] {
            let items = p.get(key).and_then(Value::as_array);
            for a in items.into_iter().flatten() {
                let prefix = a
                    .get("addressPrefix")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let kind = a
                    .get("addressPrefixType")
                    .and_then(Value::as_str)
                    .unwrap_or("IPPrefix");
                let _ = write!(
                    self.out,
                    "  {block} {{\n    address_prefix_type = {}\n    address_prefix      = {}\n  }}\n",
                    hcl_string(kind),
                    hcl_string(prefix)
                );
            }
        }
        self.close();
    }

    fn policy_definition(&mut self, item: &Item) {
        let p = &item.properties;
        self.open(item);
        self.line("name", &hcl_string(item.name()));
        self.line(
            "policy_type",
            &hcl_string(item.prop_str("policyType").unwrap_or("Custom")),
        );
        self.opt_str("mode", item.prop_str("mode"));
        self.line(
            "display_name",
            &hcl_string(item.prop_str("displayName").unwrap_or(item.name())),
        );
        self.opt_str("description", item.prop_str("description"));
        if let Scope::ManagementGroup(m) = &item.scope {
            let id = self.reference(&format!(
                "/providers/Microsoft.Management/managementGroups/{m}"
            ));
            self.line("management_group_id", &id);
        }
        for (key, arg) in [
            ("policyRule", "policy_rule"),
            ("parameters", "parameters"),
            ("metadata", "metadata"),
        ] {
            if let Some(v) = p.get(key) {
                let resolve = |s: &str| {
                    self.addresses
                        .get(&s.to_ascii_lowercase())
                        .map(|a| format!("{a}.id"))
                };
                let text = format!("jsonencode({})", hcl_value(v, 1, &resolve));
                self.line(arg, &text);
            }
        }
        self.close();
    }

    fn policy_assignment(&mut self, item: &Item) {
        let p = &item.properties;
        self.open(item);
        self.line("name", &hcl_string(item.name()));
        match &item.scope {
            Scope::ManagementGroup(m) => {
                let id = self.reference(&format!(
                    "/providers/Microsoft.Management/managementGroups/{m}"
                ));
                self.line("management_group_id", &id);
            }
            Scope::Subscription(s) => self.line(
                "subscription_id",
                &hcl_string(&format!("/subscriptions/{s}")),
            ),
            Scope::ResourceGroup { .. } => {
                let id = item
                    .id
                    .to_ascii_lowercase()
                    .find("/providers/microsoft.authorization/")
                    .and_then(|cut| item.id.get(..cut))
                    .unwrap_or_default()
                    .to_owned();
                let id = self.reference(&id);
                self.line("resource_group_id", &id);
            }
            Scope::Tenant => {}
        }
        let definition = item.prop_str("policyDefinitionId").unwrap_or_default();
        let definition = self.reference(definition);
        self.line("policy_definition_id", &definition);
        self.opt_str("display_name", item.prop_str("displayName"));
        if let Some(mode) = item.prop_str("enforcementMode") {
            let enforce = !mode.eq_ignore_ascii_case("DoNotEnforce");
            self.line("enforce", &enforce.to_string());
        }
        let not_scopes = strings(p.get("notScopes"));
        if !not_scopes.is_empty() {
            self.line("not_scopes", &list(&not_scopes));
        }
        self.close();
    }

    /// Properties that the resource written does not carry: a comment and a report line each.
    fn unexpressed(&mut self, item: &Item, known: &[&str]) {
        let keys: Vec<String> = item
            .properties
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .cloned()
            .collect();
        for key in keys {
            self.note(
                &format!("{}.properties.{key}", item.path),
                format!(
                    "the Terraform export does not write the property `{key}` of `{}`",
                    item.name()
                ),
            );
        }
    }

    /// One deployment per commit and region, in commit order, each waiting for the one before; a commit that a
    /// later one replaces for the same manager, region and type is a comment.
    fn deployments(&mut self) {
        let commits = &self.plan.commits;
        let key =
            |m: &str, r: &str, t: ConfigType| (m.to_ascii_lowercase(), r.to_ascii_lowercase(), t);
        let mut last: BTreeMap<(String, String, ConfigType), usize> = BTreeMap::new();
        for (n, c) in commits.iter().enumerate() {
            for r in &c.regions {
                last.insert(key(&c.manager, r, c.commit_type), n);
            }
        }
        if !commits.is_empty() {
            self.out
                .push_str("\n# Deployments (commits), in commit order.\n");
        }
        let mut previous: Option<String> = None;
        for (n, c) in commits.iter().enumerate() {
            for r in &c.regions {
                let later = last
                    .get(&key(&c.manager, r, c.commit_type))
                    .copied()
                    .unwrap_or(n);
                if later != n {
                    let later_path = commits
                        .get(later)
                        .map(|x| x.path.clone())
                        .unwrap_or_default();
                    self.note(
                        &c.path,
                        format!(
                            "the {} commit to `{r}` is replaced by `{later_path}`: Terraform keeps one deployment per network manager, region and type, the last",
                            c.type_name()
                        ),
                    );
                    continue;
                }
                if c.configurations.is_empty() {
                    self.note(
                        &c.path,
                        format!(
                            "the commit of no {} configuration to `{r}` removes them: in Terraform that is a deployment left out (destroying it removes the configurations)",
                            c.type_name()
                        ),
                    );
                    continue;
                }
                if c.commit_type == ConfigType::SecurityUser {
                    self.note(
                        &c.path,
                        format!("`azurerm_network_manager_deployment` cannot deploy the type `SecurityUser` to `{r}`"),
                    );
                    continue;
                }
                let manager_name = c.manager.rsplit('/').next().unwrap_or_default();
                let sym = self.names.unique(
                    &format!("deploy-{manager_name}-{r}-{}", c.type_name()),
                    false,
                );
                let manager_scope = super::plan::parse_id(&c.manager).map(|(s, _, _)| s);
                let provider = manager_scope
                    .map(|s| self.provider_line(&s))
                    .unwrap_or_default();
                let _ = write!(
                    self.out,
                    "\n# {}\nresource \"azurerm_network_manager_deployment\" \"{sym}\" {{\n{provider}",
                    c.path
                );
                let manager = self.reference(&c.manager);
                self.line("network_manager_id", &manager);
                self.line("location", &hcl_string(r));
                self.line("scope_access", &hcl_string(c.type_name()));
                let configs = self.references(&c.configurations);
                self.line("configuration_ids", &configs);
                let mut waits: Vec<String> = previous.iter().cloned().collect();
                waits.extend(self.children_of(&c.configurations));
                if !waits.is_empty() {
                    self.line("depends_on", &format!("[{}]", waits.join(", ")));
                }
                self.close();
                previous = Some(format!("azurerm_network_manager_deployment.{sym}"));
            }
        }
    }

    /// What a deployment must wait for beyond its configurations: their rule collections and rules, and the
    /// static members and policy assignments that fill the groups.
    fn children_of(&self, configurations: &[String]) -> Vec<String> {
        let prefixes: Vec<String> = configurations
            .iter()
            .map(|c| format!("{}/", c.to_ascii_lowercase()))
            .collect();
        let mut out = Vec::new();
        for &i in &self.plan.order {
            let Some(item) = self.plan.item(i) else {
                continue;
            };
            let lower = item.id.to_ascii_lowercase();
            let kind = item.kind_lower();
            let wanted = prefixes.iter().any(|p| lower.starts_with(p))
                || kind == "microsoft.network/networkmanagers/networkgroups/staticmembers"
                || kind == "microsoft.authorization/policyassignments";
            if wanted && let Some(a) = self.address(item) {
                out.push(a);
            }
        }
        out
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
