//! The network manager's configurations, the policies of dynamic membership, and the deployments (commits)
//! in Terraform.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::{Writer, flag, list, strings};
use crate::export::literal::{hcl_string, hcl_value};
use crate::export::plan::{Item, Scope, parse_id};
use crate::model::ConfigType;

impl Writer<'_> {
    pub(super) fn connectivity(&mut self, item: &Item) {
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

    pub(super) fn admin_rule(&mut self, item: &Item) {
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

    pub(super) fn policy_definition(&mut self, item: &Item) {
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

    pub(super) fn policy_assignment(&mut self, item: &Item) {
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
    pub(super) fn unexpressed(&mut self, item: &Item, known: &[&str]) {
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
    pub(super) fn deployments(&mut self) {
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
                let manager_scope = parse_id(&c.manager).map(|(s, _, _)| s);
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
    pub(super) fn children_of(&self, configurations: &[String]) -> Vec<String> {
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
