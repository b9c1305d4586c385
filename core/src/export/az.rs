//! The `az` CLI script: resource groups, then every resource after what it refers to, then the commits in
//! order as `az network manager post-commit`.
//! Lists of objects use the CLI's shorthand syntax (`"[{network-group-id:ID,group-connectivity:None}]"`);
//! a resource type without its own `az` command group is written with `az resource create`.

use super::one_line;
use std::fmt::Write as _;

use serde_json::{Map, Value};

mod network;

use network::{nic_cmds, nsg_rule_cmd, subnet_cmd};

use super::ExportReport;
use super::literal::shell;
use super::plan::{CommitItem, Item, Plan, Scope, distinct, parse_id};

/// One command with its arguments.
struct Cmd {
    words: Vec<String>,
}

impl Cmd {
    fn new(command: &str) -> Cmd {
        Cmd {
            words: vec![command.to_owned()],
        }
    }

    fn arg(mut self, flag: &str, value: &str) -> Cmd {
        self.words.push(format!("{flag} {}", shell(value)));
        self
    }

    fn word(mut self, word: &str) -> Cmd {
        self.words.push(word.to_owned());
        self
    }

    fn opt(self, flag: &str, value: Option<&str>) -> Cmd {
        match value {
            Some(v) => self.arg(flag, v),
            None => self,
        }
    }

    fn list(mut self, flag: &str, values: &[String]) -> Cmd {
        if !values.is_empty() {
            let words: Vec<String> = values.iter().map(|v| shell(v)).collect();
            self.words.push(format!("{flag} {}", words.join(" ")));
        }
        self
    }

    fn scope(self, item: &Item) -> Cmd {
        match &item.scope {
            Scope::ResourceGroup {
                subscription,
                group,
            } => self
                .arg("--subscription", subscription)
                .arg("--resource-group", group),
            Scope::Subscription(s) => self.arg("--subscription", s),
            _ => self,
        }
    }

    fn render(&self, separator: &str) -> String {
        self.words.join(separator)
    }
}

const CONTINUE: &str = " \\\n    ";

pub(super) fn write(plan: &Plan, report: &mut ExportReport) -> String {
    let mut out = String::from("#!/usr/bin/env bash\n");
    if let Some(title) = &plan.title {
        let _ = writeln!(out, "# {}", one_line(title));
    }
    out.push_str("# Written by `avnm export --format az`: the design's resources, then its commits in order.\n");
    out.push_str("# Needs the Azure CLI with the virtual-network-manager extension (az extension add --name virtual-network-manager).\n");
    out.push_str("set -euo pipefail\n");

    let fallback = plan
        .items
        .iter()
        .find_map(|i| i.location.clone())
        .unwrap_or_else(|| "westeurope".to_owned());
    // The resource groups: those the document describes, and those its resources are in.
    let groups = distinct(plan.order.iter().filter_map(|&i| {
        let item = plan.item(i)?;
        match &item.scope {
            Scope::ResourceGroup {
                subscription,
                group,
            } => Some((
                subscription.clone(),
                group.to_ascii_lowercase(),
                group.clone(),
            )),
            Scope::Subscription(s) if item.kind_lower() == "microsoft.resources/resourcegroups" => {
                Some((
                    s.clone(),
                    item.name().to_ascii_lowercase(),
                    item.name().to_owned(),
                ))
            }
            _ => None,
        }
    }));
    let mut seen = std::collections::BTreeSet::new();
    let groups: Vec<_> = groups
        .into_iter()
        .filter(|(s, lower, _)| seen.insert((s.to_ascii_lowercase(), lower.clone())))
        .collect();
    if !groups.is_empty() {
        out.push_str("\n# Resource groups\n");
    }
    for (subscription, lower, group) in &groups {
        let described = plan
            .find(&format!(
                "/subscriptions/{subscription}/resourceGroups/{group}"
            ))
            .and_then(|g| plan.item(g));
        let location = described
            .and_then(|g| g.location.clone())
            .or_else(|| {
                plan.items
                    .iter()
                    .find(|i| {
                        matches!(&i.scope, Scope::ResourceGroup { subscription: s, group: g }
                            if s == subscription && g.to_ascii_lowercase() == *lower)
                            && i.location.is_some()
                    })
                    .and_then(|i| i.location.clone())
            })
            .unwrap_or_else(|| fallback.clone());
        let cmd = Cmd::new("az group create")
            .arg("--subscription", subscription)
            .arg("--name", group)
            .arg("--location", &location)
            .list(
                "--tags",
                &tag_words(described.and_then(|g| g.tags.as_ref())),
            );
        let _ = writeln!(out, "{}", cmd.render(CONTINUE));
    }

    for &i in &plan.order {
        let Some(item) = plan.item(i) else { continue };
        let cmds = commands(item, report);
        if cmds.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n# {} `{}` ({})",
            item.short_kind(),
            one_line(item.name()),
            item.path
        );
        for cmd in cmds {
            let _ = writeln!(out, "{}", cmd.render(CONTINUE));
        }
    }

    if !plan.commits.is_empty() {
        out.push_str("\n# Commits, in order\n");
    }
    for commit in &plan.commits {
        let _ = writeln!(out, "# {}", commit.path);
        let _ = writeln!(out, "{}", post_commit(commit, CONTINUE));
    }
    out
}

/// `az network manager post-commit` for a commit, its arguments joined by `separator`.
pub(super) fn post_commit(commit: &CommitItem, separator: &str) -> String {
    let mut cmd = Cmd::new("az network manager post-commit");
    if let Some((
        Scope::ResourceGroup {
            subscription,
            group,
        },
        _,
        names,
    )) = parse_id(&commit.manager)
    {
        cmd = cmd
            .arg("--subscription", &subscription)
            .arg("--resource-group", &group)
            .arg(
                "--network-manager-name",
                names.first().map_or("", String::as_str),
            );
    }
    cmd.arg("--commit-type", commit.type_name())
        .list("--target-locations", &commit.regions)
        .list("--configuration-ids", &commit.configurations)
        .render(separator)
}

/// The commands that create one item.
fn commands(item: &Item, report: &mut ExportReport) -> Vec<Cmd> {
    let p = &item.properties;
    let names: Vec<&str> = item.names.iter().map(String::as_str).collect();
    let tags = tag_words(item.tags.as_ref());
    match (item.kind_lower().as_str(), names.as_slice()) {
        ("microsoft.management/managementgroups", [name]) => {
            let parent = p
                .get("details")
                .and_then(|d| d.get("parent"))
                .and_then(|d| d.get("id"))
                .and_then(Value::as_str)
                .map(|id| id.rsplit('/').next().unwrap_or(id));
            vec![
                Cmd::new("az account management-group create")
                    .arg("--name", name)
                    .opt("--display-name", item.prop_str("displayName"))
                    .opt("--parent", parent),
            ]
        }
        // Created with the resource groups, first.
        ("microsoft.resources/resourcegroups", _) => Vec::new(),
        ("microsoft.management/managementgroups/subscriptions", [group, subscription]) => vec![
            Cmd::new("az account management-group subscription add")
                .arg("--name", group)
                .arg("--subscription", subscription),
        ],
        ("microsoft.resources/tags", _) => {
            let Scope::Subscription(s) = &item.scope else {
                return Vec::new();
            };
            let tags = tag_words(p.get("tags").and_then(Value::as_object));
            vec![
                Cmd::new("az tag create")
                    .arg("--resource-id", &format!("/subscriptions/{s}"))
                    .list("--tags", &tags),
            ]
        }
        ("microsoft.network/virtualnetworks", [name]) => {
            let mut cmds = vec![
                Cmd::new("az network vnet create")
                    .scope(item)
                    .arg("--name", name)
                    .opt("--location", item.location.as_deref())
                    .list(
                        "--address-prefixes",
                        &strings(p.get("addressSpace").and_then(|a| a.get("addressPrefixes"))),
                    )
                    .list("--tags", &tags),
            ];
            let subnets = p.get("subnets").and_then(Value::as_array);
            for (j, subnet) in subnets.into_iter().flatten().enumerate() {
                let Some(subnet_name) = subnet.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let props = subnet
                    .get("properties")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                let path = format!("{}.properties.subnets[{j}]", item.path);
                cmds.push(subnet_cmd(item, name, subnet_name, &props, &path, report));
            }
            unexpressed(item, p, &["addressSpace", "subnets"], report);
            cmds
        }
        ("microsoft.network/virtualnetworks/subnets", [vnet, name]) => {
            vec![subnet_cmd(item, vnet, name, p, &item.path, report)]
        }
        ("microsoft.network/virtualnetworks/virtualnetworkpeerings", [vnet, name]) => {
            let remote = p
                .get("remoteVirtualNetwork")
                .and_then(|r| r.get("id"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let mut cmd = Cmd::new("az network vnet peering create")
                .scope(item)
                .arg("--vnet-name", vnet)
                .arg("--name", name)
                .arg("--remote-vnet", remote);
            for (key, flag) in [
                ("allowVirtualNetworkAccess", "--allow-vnet-access"),
                ("allowForwardedTraffic", "--allow-forwarded-traffic"),
                ("allowGatewayTransit", "--allow-gateway-transit"),
                ("useRemoteGateways", "--use-remote-gateways"),
            ] {
                if let Some(b) = p.get(key).and_then(Value::as_bool) {
                    cmd = cmd.arg(flag, if b { "true" } else { "false" });
                }
            }
            vec![cmd]
        }
        ("microsoft.network/networksecuritygroups", [name]) => {
            let mut cmds = vec![
                Cmd::new("az network nsg create")
                    .scope(item)
                    .arg("--name", name)
                    .opt("--location", item.location.as_deref())
                    .list("--tags", &tags),
            ];
            let rules = p.get("securityRules").and_then(Value::as_array);
            for rule in rules.into_iter().flatten() {
                let Some(rule_name) = rule.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let props = rule
                    .get("properties")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                cmds.push(nsg_rule_cmd(item, name, rule_name, &props));
            }
            cmds
        }
        ("microsoft.network/networksecuritygroups/securityrules", [nsg, name]) => {
            vec![nsg_rule_cmd(item, nsg, name, p)]
        }
        ("microsoft.network/networkinterfaces", [name]) => nic_cmds(item, name, p, &tags),
        ("microsoft.network/networkmanagers", [name]) => {
            let scopes = p.get("networkManagerScopes");
            let mut scope_words = Vec::new();
            for (key, word) in [
                ("subscriptions", "subscriptions"),
                ("managementGroups", "management-groups"),
            ] {
                let values = strings(scopes.and_then(|s| s.get(key)));
                if !values.is_empty() {
                    let list: Vec<String> = values.iter().map(|v| shorthand(v)).collect();
                    scope_words.push(format!("{word}=[{}]", list.join(",")));
                }
            }
            vec![
                Cmd::new("az network manager create")
                    .scope(item)
                    .arg("--name", name)
                    .opt("--location", item.location.as_deref())
                    .opt("--description", item.prop_str("description"))
                    .list(
                        "--scope-accesses",
                        &strings(p.get("networkManagerScopeAccesses")),
                    )
                    .list("--network-manager-scopes", &scope_words)
                    .list("--tags", &tags),
            ]
        }
        ("microsoft.network/networkmanagers/networkgroups", [manager, name]) => vec![
            Cmd::new("az network manager group create")
                .scope(item)
                .arg("--network-manager-name", manager)
                .arg("--name", name)
                .opt(
                    "--description",
                    item.prop_str("description").filter(|d| !d.is_empty()),
                )
                .opt("--member-type", item.prop_str("memberType")),
        ],
        (
            "microsoft.network/networkmanagers/networkgroups/staticmembers",
            [manager, group, name],
        ) => {
            vec![
                Cmd::new("az network manager group static-member create")
                    .scope(item)
                    .arg("--network-manager-name", manager)
                    .arg("--network-group-name", group)
                    .arg("--name", name)
                    .opt("--resource-id", item.prop_str("resourceId")),
            ]
        }
        ("microsoft.network/networkmanagers/connectivityconfigurations", [manager, name]) => {
            let groups = objects(
                p.get("appliesToGroups"),
                &[
                    ("networkGroupId", "network-group-id"),
                    ("groupConnectivity", "group-connectivity"),
                    ("isGlobal", "is-global"),
                    ("useHubGateway", "use-hub-gateway"),
                ],
            );
            let hubs = objects(
                p.get("hubs"),
                &[
                    ("resourceId", "resource-id"),
                    ("resourceType", "resource-type"),
                ],
            );
            unexpressed(
                item,
                p,
                &[
                    "connectivityTopology",
                    "appliesToGroups",
                    "hubs",
                    "isGlobal",
                    "deleteExistingPeering",
                    "description",
                ],
                report,
            );
            vec![
                Cmd::new("az network manager connect-config create")
                    .scope(item)
                    .arg("--network-manager-name", manager)
                    .arg("--configuration-name", name)
                    .opt(
                        "--connectivity-topology",
                        item.prop_str("connectivityTopology"),
                    )
                    .opt("--applies-to-groups", groups.as_deref())
                    .opt("--hubs", hubs.as_deref())
                    .opt("--is-global", flag(p.get("isGlobal")))
                    .opt(
                        "--delete-existing-peering",
                        flag(p.get("deleteExistingPeering")),
                    )
                    .opt(
                        "--description",
                        item.prop_str("description").filter(|d| !d.is_empty()),
                    ),
            ]
        }
        ("microsoft.network/networkmanagers/securityadminconfigurations", [manager, name]) => {
            unexpressed(
                item,
                p,
                &["description", "applyOnNetworkIntentPolicyBasedServices"],
                report,
            );
            vec![
                Cmd::new("az network manager security-admin-config create")
                    .scope(item)
                    .arg("--network-manager-name", manager)
                    .arg("--configuration-name", name)
                    .opt(
                        "--description",
                        item.prop_str("description").filter(|d| !d.is_empty()),
                    )
                    .list(
                        "--apply-on-network-intent-policy-based-services",
                        &strings(p.get("applyOnNetworkIntentPolicyBasedServices")),
                    ),
            ]
        }
        (
            "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections",
            [manager, config, name],
        ) => {
            let groups = objects(
                p.get("appliesToGroups"),
                &[("networkGroupId", "network-group-id")],
            );
            vec![
                Cmd::new("az network manager security-admin-config rule-collection create")
                    .scope(item)
                    .arg("--network-manager-name", manager)
                    .arg("--configuration-name", config)
                    .arg("--rule-collection-name", name)
                    .opt("--applies-to-groups", groups.as_deref())
                    .opt(
                        "--description",
                        item.prop_str("description").filter(|d| !d.is_empty()),
                    ),
            ]
        }
        (
            "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections/rules",
            [manager, config, collection, name],
        ) => {
            let addresses = |key: &str| {
                objects(
                    p.get(key),
                    &[
                        ("addressPrefix", "address-prefix"),
                        ("addressPrefixType", "address-prefix-type"),
                    ],
                )
            };
            vec![
                Cmd::new("az network manager security-admin-config rule-collection rule create")
                    .scope(item)
                    .arg("--network-manager-name", manager)
                    .arg("--configuration-name", config)
                    .arg("--rule-collection-name", collection)
                    .arg("--rule-name", name)
                    .arg("--kind", item.arm_kind.as_deref().unwrap_or("Custom"))
                    .opt(
                        "--priority",
                        p.get("priority").map(Value::to_string).as_deref(),
                    )
                    .opt("--access", item.prop_str("access"))
                    .opt("--direction", item.prop_str("direction"))
                    .opt("--protocol", item.prop_str("protocol"))
                    .opt("--sources", addresses("sources").as_deref())
                    .opt("--destinations", addresses("destinations").as_deref())
                    .list("--source-port-ranges", &strings(p.get("sourcePortRanges")))
                    .list(
                        "--dest-port-ranges",
                        &strings(p.get("destinationPortRanges")),
                    )
                    .opt(
                        "--description",
                        item.prop_str("description").filter(|d| !d.is_empty()),
                    ),
            ]
        }
        ("microsoft.authorization/policydefinitions", [name]) => {
            let rule = p
                .get("policyRule")
                .map(Value::to_string)
                .unwrap_or_default();
            let mut cmd = Cmd::new("az policy definition create")
                .arg("--name", name)
                .opt("--display-name", item.prop_str("displayName"))
                .opt("--mode", item.prop_str("mode"))
                .opt("--description", item.prop_str("description"))
                .arg("--rules", &rule);
            if let Some(params) = p.get("parameters") {
                cmd = cmd.arg("--params", &params.to_string());
            }
            vec![match &item.scope {
                Scope::ManagementGroup(m) => cmd.arg("--management-group", m),
                Scope::Subscription(s) => cmd.arg("--subscription", s),
                _ => cmd,
            }]
        }
        ("microsoft.authorization/policyassignments", [name]) => {
            let scope = item
                .id
                .to_ascii_lowercase()
                .find("/providers/microsoft.authorization/")
                .and_then(|cut| item.id.get(..cut))
                .unwrap_or_default()
                .to_owned();
            vec![
                Cmd::new("az policy assignment create")
                    .arg("--name", name)
                    .opt("--display-name", item.prop_str("displayName"))
                    .opt("--policy", item.prop_str("policyDefinitionId"))
                    .arg("--scope", &scope)
                    .opt("--enforcement-mode", item.prop_str("enforcementMode"))
                    .list("--not-scopes", &strings(p.get("notScopes"))),
            ]
        }
        _ => {
            let mut full = Map::new();
            if let Some(l) = &item.location {
                full.insert("location".to_owned(), Value::from(l.as_str()));
            }
            if let Some(tags) = &item.tags {
                full.insert("tags".to_owned(), Value::Object(tags.clone()));
            }
            if let Some(kind) = &item.arm_kind {
                full.insert("kind".to_owned(), Value::from(kind.as_str()));
            }
            full.insert("properties".to_owned(), Value::Object(p.clone()));
            vec![
                Cmd::new("az resource create")
                    .arg("--id", &item.id)
                    .arg("--api-version", item.api)
                    .word("--is-full-object")
                    .arg("--properties", &Value::Object(full).to_string()),
            ]
        }
    }
}

/// Properties that the command written does not carry, each as a report line.
fn unexpressed(item: &Item, p: &Map<String, Value>, known: &[&str], report: &mut ExportReport) {
    for key in p.keys() {
        if !known.contains(&key.as_str()) {
            report.push(
                format!("{}.properties.{key}", item.path),
                format!(
                    "the `az` export does not write the property `{key}` of `{}`",
                    item.name()
                ),
            );
        }
    }
}

/// `--tags` words: `key=value`.
fn tag_words(tags: Option<&Map<String, Value>>) -> Vec<String> {
    tags.into_iter()
        .flatten()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
        .collect()
}

/// The strings of a JSON array (or the string itself).
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

/// A shorthand-syntax list of objects: `[{key:value,...},...]`, with the document's keys renamed.
fn objects(value: Option<&Value>, keys: &[(&str, &str)]) -> Option<String> {
    let items = value?.as_array()?;
    let rendered: Vec<String> = items
        .iter()
        .map(|item| {
            let fields: Vec<String> = keys
                .iter()
                .filter_map(|(key, word)| {
                    let v = item.get(*key)?;
                    let text = match v {
                        Value::String(s) if ["isGlobal", "useHubGateway"].contains(key) => {
                            s.to_ascii_lowercase()
                        }
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    Some(format!("{word}:{}", shorthand(&text)))
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        })
        .collect();
    Some(format!("[{}]", rendered.join(",")))
}

/// A value in the CLI's shorthand syntax: bare when safe, else single-quoted with `/'` for a quote.
fn shorthand(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./*".contains(c));
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "/'"))
    }
}

/// `"True"`, `true` and the like as `true` or `false`.
fn flag(value: Option<&Value>) -> Option<&'static str> {
    match value? {
        Value::Bool(true) => Some("true"),
        Value::Bool(false) => Some("false"),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some("true"),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some("false"),
        _ => None,
    }
}
