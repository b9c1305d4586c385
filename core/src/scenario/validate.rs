//! Semantic checks of a design: dangling references, priorities, settings Azure rejects, published limits.
//!
//! These are diagnostics beside the model, never errors: the design still analyses.
//! Sources: spec §10 (validation rules), §3.7, §4.7 (limits); decisions Q4, Q10, Q20.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;

/// Security admin rules per manager above which Azure's "100 rules in one level" limit applies (Q20).
pub const ADMIN_RULES_PER_MANAGER: usize = 100;
/// IP prefixes across all admin rules (spec §4.7).
pub const ADMIN_RULE_PREFIXES: usize = 20_000;

/// Checks the references, priorities and settings of a model.
pub fn validate(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    references(model, &mut out);
    priorities(model, &mut out);
    settings(model, &mut out);
    scopes(model, &mut out);
    addresses(model, &mut out);
    unused(model, &mut out);
    out
}

/// Configurations and rule collections that apply to no network group: they reach no virtual network (as after
/// the removal of the only group they applied to).
fn unused(model: &Model, out: &mut Vec<Diagnostic>) {
    for config in model
        .connectivity_configs
        .values()
        .filter(|c| c.groups.is_empty())
    {
        out.push(Diagnostic::warning(
            Code::AppliesToNoGroup,
            &config.path,
            format!(
                "the connectivity configuration `{}` applies to no network group: it connects nothing",
                config.id.name()
            ),
        ));
    }
    for collection in model
        .security_admin_configs
        .values()
        .flat_map(|c| &c.collections)
        .filter(|c| c.groups.is_empty())
    {
        out.push(Diagnostic::warning(
            Code::AppliesToNoGroup,
            &collection.path,
            format!(
                "the rule collection `{}` applies to no network group: its rules reach no virtual network",
                collection.id.name()
            ),
        ));
    }
}

fn dangling(path: &crate::path::Path, what: &str, id: &impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::DanglingReference,
        path,
        format!("the {what} `{id}` is not in the document"),
    )
}

fn references(model: &Model, out: &mut Vec<Diagnostic>) {
    for group in model.groups.values() {
        if !model.managers.contains_key(&group.manager) {
            out.push(dangling(&group.path, "network manager", &group.manager));
        }
    }
    for member in model.static_members.values() {
        match model.groups.get(&member.group) {
            None => out.push(dangling(&member.path, "network group", &member.group)),
            Some(group) => {
                let exists = match group.member_type {
                    MemberType::VirtualNetwork => model
                        .vnets
                        .contains_key(&VnetId::new(member.resource.as_str())),
                    MemberType::Subnet => model
                        .subnet(&SubnetId::new(member.resource.as_str()))
                        .is_some(),
                };
                if !exists {
                    let what = match group.member_type {
                        MemberType::VirtualNetwork => "virtual network",
                        MemberType::Subnet => "subnet",
                    };
                    out.push(dangling(
                        &member.path.key("properties").key("resourceId"),
                        what,
                        &member.resource,
                    ));
                }
            }
        }
    }
    for config in model.connectivity_configs.values() {
        if !model.managers.contains_key(&config.manager) {
            out.push(dangling(&config.path, "network manager", &config.manager));
        }
        for (i, hub) in config.hubs.iter().enumerate() {
            if !model.vnets.contains_key(hub) {
                out.push(dangling(
                    &config.path.key("properties").key("hubs").index(i),
                    "hub virtual network",
                    hub,
                ));
            }
        }
        for item in &config.groups {
            if !model.groups.contains_key(&item.group) {
                out.push(dangling(&item.path, "network group", &item.group));
            }
        }
    }
    for config in model.security_admin_configs.values() {
        if !model.managers.contains_key(&config.manager) {
            out.push(dangling(&config.path, "network manager", &config.manager));
        }
        for collection in &config.collections {
            for group in &collection.groups {
                if !model.groups.contains_key(group) {
                    out.push(dangling(&collection.path, "network group", group));
                }
            }
            for rule in &collection.rules {
                for item in rule.sources.iter().chain(&rule.destinations) {
                    if let AddressItem::Group(group) = item
                        && !model.groups.contains_key(group)
                    {
                        out.push(dangling(&rule.path, "network group", group));
                    }
                }
            }
        }
    }
    for definition in model.policy_definitions.values() {
        if let Some(group) = &definition.network_group
            && !model.groups.contains_key(group)
        {
            out.push(dangling(&definition.path, "network group", group));
        }
    }
    for assignment in model.policy_assignments.values() {
        if !model
            .policy_definitions
            .contains_key(&assignment.definition)
        {
            out.push(dangling(
                &assignment.path,
                "policy definition",
                &assignment.definition,
            ));
        }
    }
    for vnet in model.vnets.values() {
        for subnet in &vnet.subnets {
            if let Some(nsg) = &subnet.nsg
                && !model.nsgs.contains_key(nsg)
            {
                out.push(dangling(&subnet.path, "network security group", nsg));
            }
        }
        for peering in &vnet.peerings {
            if !model.vnets.contains_key(&peering.remote) {
                out.push(Diagnostic::warning(
                    Code::DanglingReference,
                    peering.path.clone(),
                    format!("the remote virtual network `{}` is not in the document; the peering has no effect", peering.remote),
                ));
            }
        }
    }
    for nic in model.nics.values() {
        if let Some(nsg) = &nic.nsg
            && !model.nsgs.contains_key(nsg)
        {
            out.push(dangling(&nic.path, "network security group", nsg));
        }
        for config in &nic.ip_configurations {
            if let (Some(subnet), address) = (&config.subnet, config.address) {
                match model.subnet(subnet) {
                    None => out.push(dangling(&config.path, "subnet", subnet)),
                    Some(s) => {
                        if let Some(ip) = address
                            && !s.prefixes.iter().any(|p| p.contains(&ip))
                        {
                            out.push(Diagnostic::error(
                                Code::InvalidPrefix,
                                config.path.clone(),
                                format!("the address `{ip}` is outside the subnet `{}`", s.name),
                            ));
                        }
                    }
                }
            }
        }
    }
}

fn priorities(model: &Model, out: &mut Vec<Diagnostic>) {
    for config in model.security_admin_configs.values() {
        let mut across: BTreeMap<(Direction, u32), Vec<&AdminRule>> = BTreeMap::new();
        for collection in &config.collections {
            let mut seen: BTreeMap<u32, &AdminRule> = BTreeMap::new();
            for rule in &collection.rules {
                if let Some(first) = seen.insert(rule.priority, rule) {
                    out.push(Diagnostic::error(
                        Code::DuplicatePriority,
                        format!("{}.properties.priority", rule.path),
                        format!(
                            "priority `{}` is already used by `{}` in this rule collection",
                            rule.priority,
                            first.id.name()
                        ),
                    ));
                }
                across
                    .entry((rule.direction, rule.priority))
                    .or_default()
                    .push(rule);
            }
        }
        for ((direction, priority), rules) in across {
            let collections: BTreeSet<&str> = rules
                .iter()
                .map(|r| crate::model::ids::parent_of(r.id.as_str()))
                .collect();
            if collections.len() > 1
                && let (Some(first), Some(second)) = (rules.first(), rules.get(1))
            {
                out.push(Diagnostic::warning(
                        Code::AmbiguousPriority,
                        format!("{}.properties.priority", second.path),
                        format!(
                            "{direction:?} rules `{}` and `{}` of different collections share priority `{priority}`; Deny is evaluated before AlwaysAllow before Allow, then by rule id",
                            first.id, second.id
                        ),
                    ));
            }
        }
    }
    for nsg in model.nsgs.values() {
        let mut seen: BTreeMap<(Direction, u32), &NsgRule> = BTreeMap::new();
        for rule in &nsg.rules {
            if let Some(first) = seen.insert((rule.direction, rule.priority), rule) {
                out.push(Diagnostic::error(
                    Code::DuplicatePriority,
                    format!("{}.properties.priority", rule.path),
                    format!(
                        "{:?} priority `{}` is already used by `{}` in this network security group",
                        rule.direction, rule.priority, first.name
                    ),
                ));
            }
        }
    }
}

fn settings(model: &Model, out: &mut Vec<Diagnostic>) {
    for config in model.connectivity_configs.values() {
        if config.topology == Topology::HubAndSpoke {
            if config.hubs.is_empty() {
                out.push(Diagnostic::error(
                    Code::MissingHub,
                    config.path.clone(),
                    format!(
                        "the hub-and-spoke configuration `{}` has no hub",
                        config.id.name()
                    ),
                ));
            } else if config.hubs.len() > 1 {
                out.push(Diagnostic::warning(
                    Code::Unsupported,
                    format!("{}.properties.hubs", config.path),
                    "only the first hub of a configuration is simulated",
                ));
            }
        }
        for item in &config.groups {
            if item.is_global && !item.directly_connected {
                out.push(Diagnostic::error(
                    Code::InvalidSetting,
                    item.path.clone(),
                    "a group can be global only when its connectivity is `DirectlyConnected`",
                ));
            }
            if model
                .groups
                .get(&item.group)
                .is_some_and(|g| g.member_type == MemberType::Subnet)
            {
                out.push(Diagnostic::warning(
                    Code::Unsupported,
                    item.path.clone(),
                    format!(
                        "the subnet group `{}` is not used by connectivity configurations",
                        item.group.name()
                    ),
                ));
            }
        }
    }
    let mut prefixes = 0usize;
    let mut per_manager: BTreeMap<&NetworkManagerId, usize> = BTreeMap::new();
    for config in model.security_admin_configs.values() {
        for collection in &config.collections {
            for group in &collection.groups {
                if model
                    .groups
                    .get(group)
                    .is_some_and(|g| g.member_type == MemberType::Subnet)
                {
                    out.push(Diagnostic::warning(
                        Code::Unsupported,
                        collection.path.clone(),
                        format!("rule collections apply to virtual network groups; the subnet group `{}` is ignored", group.name()),
                    ));
                }
            }
            *per_manager.entry(&config.manager).or_default() += collection.rules.len();
            for rule in &collection.rules {
                for item in rule.sources.iter().chain(&rule.destinations) {
                    match item {
                        AddressItem::Prefix(_) => prefixes += 1,
                        AddressItem::Group(group) if !config.manual_aggregation => {
                            out.push(Diagnostic::error(
                                Code::InvalidSetting,
                                rule.path.clone(),
                                format!(
                                    "the network group `{}` can be a rule address only when the configuration's `networkGroupAddressSpaceAggregationOption` is `Manual`",
                                    group.name()
                                ),
                            ));
                        }
                        AddressItem::Tag(ServiceTag::Other(tag)) => out.push(Diagnostic::warning(
                            Code::Unsupported,
                            rule.path.clone(),
                            format!(
                                "the service tag `{tag}` is not simulated and matches no address"
                            ),
                        )),
                        _ => {}
                    }
                }
            }
        }
    }
    for (manager, count) in per_manager {
        if count > ADMIN_RULES_PER_MANAGER {
            out.push(Diagnostic::warning(
                Code::LimitExceeded,
                model.managers.get(manager).map(|m| m.path.clone()).unwrap_or_default(),
                format!("`{}` has {count} security admin rules; Azure allows {ADMIN_RULES_PER_MANAGER} in one level", manager.name()),
            ));
        }
    }
    if prefixes > ADMIN_RULE_PREFIXES {
        out.push(Diagnostic::warning(
            Code::LimitExceeded,
            "",
            format!("admin rules use {prefixes} IP prefixes; Azure allows {ADMIN_RULE_PREFIXES}"),
        ));
    }
    for nsg in model.nsgs.values() {
        for rule in &nsg.rules {
            for item in rule.sources.iter().chain(&rule.destinations) {
                if let AddressItem::Tag(ServiceTag::Other(tag)) = item {
                    out.push(Diagnostic::warning(
                        Code::Unsupported,
                        rule.path.clone(),
                        format!("the service tag `{tag}` is not simulated and matches no address"),
                    ));
                }
            }
        }
    }
    for definition in model.policy_definitions.values() {
        aliases(&definition.condition, out);
        if let Some(group) = definition
            .network_group
            .as_ref()
            .and_then(|g| model.groups.get(g))
            && group.member_type == MemberType::Subnet
        {
            out.push(Diagnostic::warning(
                Code::Unsupported,
                definition.path.clone(),
                format!(
                    "policy membership of the subnet group `{}` is not simulated (decisions Q11)",
                    group.id.name()
                ),
            ));
        }
    }
}

/// Decisions Q10: two managers that list the same scope entry and share a feature.
fn scopes(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(String, ConfigType), &NetworkManager> = BTreeMap::new();
    for manager in model.managers.values() {
        let entries = manager
            .scope_subscriptions
            .iter()
            .map(|s| s.as_str().to_ascii_lowercase())
            .chain(
                manager
                    .scope_management_groups
                    .iter()
                    .map(|m| m.as_str().to_ascii_lowercase()),
            );
        for entry in entries {
            for feature in &manager.features {
                if let Some(first) = seen.insert((entry.clone(), *feature), manager)
                    && first.id != manager.id
                {
                    out.push(Diagnostic::error(
                            Code::ScopeConflict,
                            manager.path.clone(),
                            format!(
                                "`{}` and `{}` both list the scope `{entry}` with the feature `{feature:?}`",
                                first.id.name(),
                                manager.id.name()
                            ),
                        ));
                }
            }
        }
    }
}

fn addresses(model: &Model, out: &mut Vec<Diagnostic>) {
    for vnet in model.vnets.values() {
        for subnet in &vnet.subnets {
            for prefix in &subnet.prefixes {
                if !vnet
                    .address_space
                    .iter()
                    .any(|space| space.contains(prefix))
                {
                    out.push(Diagnostic::error(
                        Code::InvalidPrefix,
                        subnet.path.clone(),
                        format!(
                            "the subnet prefix `{prefix}` is outside the address space of `{}`",
                            vnet.name
                        ),
                    ));
                }
            }
        }
        for peering in &vnet.peerings {
            if let Some(remote) = model.vnets.get(&peering.remote)
                && vnet.id < remote.id
                && vnet.overlaps(remote)
            {
                out.push(Diagnostic::error(
                    Code::AddressOverlap,
                    peering.path.clone(),
                    format!(
                        "`{}` and `{}` overlap, so they cannot be peered",
                        vnet.name, remote.name
                    ),
                ));
            }
        }
    }
}

/// Property aliases are not simulated: they evaluate as missing fields, which the user should know.
fn aliases(condition: &crate::model::policy::Condition, out: &mut Vec<Diagnostic>) {
    use crate::model::policy::{Condition, Field, Operand};
    match condition {
        Condition::AllOf(items) | Condition::AnyOf(items) => {
            items.iter().for_each(|c| aliases(c, out))
        }
        Condition::Not(inner) => aliases(inner, out),
        Condition::Test(test) => {
            if let Operand::Field(Field::Alias(alias)) = &test.operand {
                out.push(Diagnostic::warning(
                    Code::Unsupported,
                    test.path.clone(),
                    format!("the field `{alias}` is not simulated and evaluates as missing"),
                ));
            }
        }
        Condition::Unsupported { .. } => {}
    }
}
