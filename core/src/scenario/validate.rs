//! Semantic checks of a design: dangling references, priorities, settings Azure rejects, published limits.
//!
//! These are diagnostics beside the model, never errors: the design still analyses.
//! Sources: spec §10 (validation rules), §3.7, §4.7 (limits); decisions Q4, Q10, Q20.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::path::Path;

/// Security admin rules per manager above which Azure's "100 rules in one level" limit applies (Q20).
pub const ADMIN_RULES_PER_MANAGER: usize = 100;
/// IP prefixes across all admin rules (spec §4.7).
pub const ADMIN_RULE_PREFIXES: usize = 20_000;

mod reads;

use reads::Reads;
pub(crate) use reads::{Kinds, shared};

/// A check: what it finds in a model, read through [`Reads`].
type Check = fn(&Reads<'_>, &mut Vec<Diagnostic>);

/// Every check, in the order of their diagnostics.
///
/// A check reads as few kinds of items as it can: an edit runs again only the checks that read a kind it wrote
/// (the references, priorities, settings and names are each a check per kind of item they start from, in the
/// order of their diagnostics).
const CHECKS: [Check; 22] = [
    group_references,
    member_references,
    connectivity_references,
    admin_references,
    policy_references,
    vnet_references,
    nic_references,
    admin_priorities,
    nsg_priorities,
    connectivity_settings,
    admin_settings,
    nsg_settings,
    policy_settings,
    scopes,
    addresses,
    unused,
    policy_parameters,
    vnet_names,
    nic_names,
    nsg_names,
    tag_names,
    management_group_cycles,
];

/// What each check of a validation read and found: the kinds of items it read and the number of its diagnostics
/// (which follow each other in the order of the checks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Found(Vec<(Kinds, usize)>);

/// Checks the references, priorities and settings of a model.
pub fn validate(model: &Model) -> Vec<Diagnostic> {
    validate_after(model, None).0
}

/// The diagnostics of a model and what each check read and found. Given the model `before` with its diagnostics
/// and what its checks found, a check that read only kinds of items the two models share (a change did not write
/// them) keeps its diagnostics without running: it would read the same items.
pub(crate) fn validate_after(
    model: &Model,
    before: Option<(&Model, &[Diagnostic], &Found)>,
) -> (Vec<Diagnostic>, Found) {
    let shared = before.map(|(was, ..)| shared(was, model));
    let mut checking = Checking::default();
    let mut at = 0;
    while let Some(i) = checking.next() {
        if let (Some((_, diagnostics, was)), Some(shared)) = (before, shared)
            && let Some(&(kinds, count)) = was.0.get(i)
        {
            let kept = diagnostics.get(at..at + count);
            at += count;
            if let Some(kept) = kept
                && kinds.within(shared)
            {
                checking.out.extend_from_slice(kept);
                checking.found.push((kinds, count));
                continue;
            }
        }
        checking.step(model);
    }
    checking.finish(model)
}

/// A validation a check at a time ([`Checking::step`]), for a page that validates a large design between its
/// frames: [`validate_after`] without a model before.
#[derive(Debug, Default)]
pub(crate) struct Checking {
    out: Vec<Diagnostic>,
    found: Vec<(Kinds, usize)>,
}

impl Checking {
    /// The place of the check to run next, if any is left.
    fn next(&self) -> Option<usize> {
        (self.found.len() < CHECKS.len()).then_some(self.found.len())
    }

    /// Runs the next check on `model` (the same model at every step); whether every check has run.
    pub(crate) fn step(&mut self, model: &Model) -> bool {
        if let Some(check) = CHECKS.get(self.found.len()) {
            let reads = Reads::new(model);
            let start = self.out.len();
            check(&reads, &mut self.out);
            self.found.push((reads.take(), self.out.len() - start));
        }
        self.next().is_none()
    }

    /// How many checks have run, of how many.
    pub(crate) fn progress(&self) -> (usize, usize) {
        (self.found.len(), CHECKS.len())
    }

    /// Runs the checks left: the diagnostics and what each check read and found.
    pub(crate) fn finish(mut self, model: &Model) -> (Vec<Diagnostic>, Found) {
        while !self.step(model) {}
        (self.out, Found(self.found))
    }
}

/// Configurations and rule collections that apply to no network group: they reach no virtual network (as after
/// the removal of the only group they applied to).
fn unused(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for config in model
        .connectivity_configs()
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
        .security_admin_configs()
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

/// Network groups whose manager is not in the document.
fn group_references(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for group in model.groups().values() {
        if !model.managers().contains_key(&group.manager) {
            out.push(dangling(&group.path, "network manager", &group.manager));
        }
    }
}

/// Static members whose group, virtual network or subnet is not in the document.
fn member_references(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for member in model.static_members().values() {
        match model.groups().get(&member.group) {
            None => out.push(dangling(&member.path, "network group", &member.group)),
            Some(group) => {
                let exists = match group.member_type {
                    MemberType::VirtualNetwork => model
                        .vnets()
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
}

/// Connectivity configurations whose manager, hubs or groups are not in the document.
fn connectivity_references(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for config in model.connectivity_configs().values() {
        if !model.managers().contains_key(&config.manager) {
            out.push(dangling(&config.path, "network manager", &config.manager));
        }
        for (i, hub) in config.hubs.iter().enumerate() {
            if !model.vnets().contains_key(hub) {
                out.push(dangling(
                    &config.path.key("properties").key("hubs").index(i),
                    "hub virtual network",
                    hub,
                ));
            }
        }
        for item in &config.groups {
            if !model.groups().contains_key(&item.group) {
                out.push(dangling(&item.path, "network group", &item.group));
            }
        }
    }
}

/// Security admin configurations whose manager, or the groups their collections and rules name, are not in the
/// document.
fn admin_references(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for config in model.security_admin_configs().values() {
        if !model.managers().contains_key(&config.manager) {
            out.push(dangling(&config.path, "network manager", &config.manager));
        }
        for collection in &config.collections {
            for group in &collection.groups {
                if !model.groups().contains_key(group) {
                    out.push(dangling(&collection.path, "network group", group));
                }
            }
            for rule in &collection.rules {
                for item in rule.sources.iter().chain(&rule.destinations) {
                    if let AddressItem::Group(group) = item
                        && !model.groups().contains_key(group)
                    {
                        out.push(dangling(&rule.path, "network group", group));
                    }
                }
            }
        }
    }
}

/// Policy definitions whose network group, and assignments whose definition, are not in the document.
fn policy_references(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for definition in model.policy_definitions().values() {
        if let Some(group) = &definition.network_group
            && !model.groups().contains_key(group)
        {
            out.push(dangling(&definition.path, "network group", group));
        }
    }
    for assignment in model.policy_assignments().values() {
        if !model
            .policy_definitions()
            .contains_key(&assignment.definition)
        {
            out.push(dangling(
                &assignment.path,
                "policy definition",
                &assignment.definition,
            ));
        }
    }
}

/// Subnets whose NSG, and peerings whose remote virtual network, are not in the document.
fn vnet_references(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for vnet in model.vnets().values() {
        for subnet in &vnet.subnets {
            if let Some(nsg) = &subnet.nsg
                && !model.nsgs().contains_key(nsg)
            {
                out.push(dangling(&subnet.path, "network security group", nsg));
            }
        }
        for peering in &vnet.peerings {
            if !model.vnets().contains_key(&peering.remote) {
                out.push(Diagnostic::warning(
                    Code::DanglingReference,
                    peering.path.clone(),
                    format!("the remote virtual network `{}` is not in the document; the peering has no effect", peering.remote),
                ));
            }
        }
    }
}

/// NICs whose NSG or subnet is not in the document, or whose address is outside their subnet.
fn nic_references(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for nic in model.nics().values() {
        if let Some(nsg) = &nic.nsg
            && !model.nsgs().contains_key(nsg)
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

/// Admin rules that share a priority, in a collection (an error) or across collections (ambiguous).
fn admin_priorities(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for config in model.security_admin_configs().values() {
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
}

/// NSG rules of one direction that share a priority.
fn nsg_priorities(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for nsg in model.nsgs().values() {
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

/// Hub-and-spoke configurations without a hub or with several, global groups that are not directly connected,
/// subnet groups in connectivity.
fn connectivity_settings(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for config in model.connectivity_configs().values() {
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
                .groups()
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
}

/// Subnet groups in rule collections, groups as addresses without manual aggregation, service tags not
/// simulated, and the limits of admin rules per manager and of their prefixes.
fn admin_settings(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    let mut prefixes = 0usize;
    let mut per_manager: BTreeMap<&NetworkManagerId, usize> = BTreeMap::new();
    for config in model.security_admin_configs().values() {
        for collection in &config.collections {
            for group in &collection.groups {
                if model
                    .groups()
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
                model.managers().get(manager).map(|m| m.path.clone()).unwrap_or_default(),
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
}

/// NSG rules with service tags that are not simulated.
fn nsg_settings(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for nsg in model.nsgs().values() {
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
}

/// Policy conditions on aliases that are not simulated, and policies of subnet groups.
fn policy_settings(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for definition in model.policy_definitions().values() {
        aliases(&definition.condition, out);
        if let Some(group) = definition
            .network_group
            .as_ref()
            .and_then(|g| model.groups().get(g))
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
fn scopes(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(String, ConfigType), &NetworkManager> = BTreeMap::new();
    for manager in model.managers().values() {
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

fn addresses(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for vnet in model.vnets().values() {
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
            if let Some(remote) = model.vnets().get(&peering.remote)
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

/// Azure refuses a definition whose rule reads an undeclared parameter, and an assignment that sets a
/// parameter the definition does not declare or leaves one without a `defaultValue` unset.
/// Source: <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-parameters>.
fn policy_parameters(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    let declared = |definition: &crate::model::policy::PolicyDefinition, name: &str| {
        definition
            .parameters
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(name))
    };
    for definition in model.policy_definitions().values() {
        let mut used = BTreeSet::new();
        parameters_used(&definition.condition, &mut used);
        for (name, path) in used {
            if !declared(definition, name) {
                out.push(Diagnostic::error(
                    Code::InvalidSetting,
                    path,
                    format!(
                        "the parameter `{name}` is not declared in the definition's `parameters`"
                    ),
                ));
            }
        }
    }
    for assignment in model.policy_assignments().values() {
        let Some(definition) = model.policy_definitions().get(&assignment.definition) else {
            continue;
        };
        for (name, _) in &assignment.parameters {
            if !declared(definition, name) {
                out.push(Diagnostic::error(
                    Code::InvalidSetting,
                    format!("{}.properties.parameters", assignment.path),
                    format!(
                        "the parameter `{name}` is not declared by the policy definition `{}`",
                        definition.id.name()
                    ),
                ));
            }
        }
        for parameter in &definition.parameters {
            let set = assignment
                .parameters
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(&parameter.name));
            if !set && parameter.default.is_none() {
                out.push(Diagnostic::error(
                    Code::InvalidSetting,
                    assignment.path.clone(),
                    format!(
                        "the assignment gives no value for the parameter `{}`, which has no `defaultValue`",
                        parameter.name
                    ),
                ));
            }
        }
    }
}

/// The parameters a condition reads, with the path of the first leaf reading each.
fn parameters_used<'c>(
    condition: &'c crate::model::policy::Condition,
    out: &mut BTreeSet<(&'c str, String)>,
) {
    use crate::model::policy::{Condition, Literal, Operand, ValueExpr};
    match condition {
        Condition::AllOf(items) | Condition::AnyOf(items) => {
            items.iter().for_each(|c| parameters_used(c, out));
        }
        Condition::Not(inner) => parameters_used(inner, out),
        Condition::Test(test) => {
            let argument = match &test.value {
                Literal::Parameter(name) => Some(name.as_str()),
                _ => None,
            };
            let operand = match &test.operand {
                Operand::Value(ValueExpr::Parameter(name)) => Some(name.as_str()),
                _ => None,
            };
            for name in argument.into_iter().chain(operand) {
                if !out.iter().any(|(seen, _)| seen.eq_ignore_ascii_case(name)) {
                    out.insert((name, test.path.to_string()));
                }
            }
        }
        Condition::Unsupported { .. } => {}
    }
}

/// A name as shown in a message: escaped to one line, and cut after 40 characters.
fn shown(name: &str) -> String {
    let mut out: String = name.chars().take(40).flat_map(char::escape_debug).collect();
    if name.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// Why Azure refuses a Microsoft.Network name, if it does: between `min` and `max` characters, letters
/// (a-z, A-Z), digits, `_`, `.` and `-`, starting with a letter or a digit, ending with a letter, a digit or
/// `_` ("Naming rules and restrictions for Azure resources", Microsoft.Network section).
fn name_problem(name: &str, min: usize, max: usize) -> Option<String> {
    // Nearly every name is plain ASCII and fine: said from its bytes without counting characters.
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    let bytes = name.as_bytes();
    if (min..=max).contains(&bytes.len())
        && bytes.iter().all(allowed)
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return None;
    }
    let length = name.chars().count();
    if length < min || length > max {
        let unit = if length == 1 {
            "character"
        } else {
            "characters"
        };
        return Some(format!(
            "is {length} {unit} long; Azure accepts {min} to {max}"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Some(format!(
            "contains `{}`; Azure accepts letters, digits, `_`, `.` and `-`",
            c.escape_debug()
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("must start with a letter or a digit".to_owned());
    }
    if !name.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return Some("must end with a letter, a digit or `_`".to_owned());
    }
    None
}

/// Azure's naming rules for the resources the engine reads, from "Naming rules and restrictions for Azure
/// resources" on Microsoft Learn (<https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules>):
/// Microsoft.Network `virtualNetworks` 2-64 characters; `virtualnetworks / subnets`,
/// `virtualNetworks / virtualNetworkPeerings`, `networkInterfaces`, `networkSecurityGroups` and
/// `networkSecurityGroups / securityRules` 1-80; all of alphanumerics, underscores, periods and hyphens,
/// starting with an alphanumeric and ending with an alphanumeric or an underscore.
/// Microsoft.Resources `tagNames` 1-512 without `<>%&\?/`, and `tagNames / tagValues` up to 256 characters.
///
/// A check per kind of item the names are read from (virtual networks with their subnets and peerings, network
/// interfaces, network security groups with their rules, the virtual networks' tags), in this order: an edit runs
/// again only the checks of the kinds it wrote, and a page that validates a check per task runs each in a task of
/// its own (T2's 200,000 rules made one check of 45 ms in the browser).
fn vnet_names(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for vnet in model.vnets().values() {
        check_name(out, "virtual network", &vnet.name, &vnet.path, 2, 64);
        for subnet in &vnet.subnets {
            check_name(out, "subnet", &subnet.name, &subnet.path, 1, 80);
        }
        for peering in &vnet.peerings {
            check_name(out, "peering", peering.id.name(), &peering.path, 1, 80);
        }
    }
}

/// The names of network interfaces ([`vnet_names`]).
fn nic_names(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for nic in model.nics().values() {
        check_name(out, "network interface", nic.id.name(), &nic.path, 1, 80);
    }
}

/// The names of network security groups and their rules ([`vnet_names`]).
fn nsg_names(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for nsg in model.nsgs().values() {
        check_name(
            out,
            "network security group",
            nsg.id.name(),
            &nsg.path,
            1,
            80,
        );
        for rule in nsg.rules.iter().filter(|r| !r.path.is_root()) {
            check_name(out, "security rule", &rule.name, &rule.path, 1, 80);
        }
    }
}

/// The names and values of the virtual networks' tags ([`vnet_names`]).
fn tag_names(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    for vnet in model.vnets().values() {
        for (name, value) in vnet.tags.iter() {
            let length = name.chars().count();
            if length == 0 || length > 512 || name.contains(['<', '>', '%', '&', '\\', '?', '/']) {
                out.push(Diagnostic::error(
                    Code::InvalidName,
                    format!("{}.tags", vnet.path),
                    format!(
                        "the tag name `{}` is not accepted by Azure: 1 to 512 characters, none of `<>%&\\?/`",
                        shown(name)
                    ),
                ));
            }
            if value.chars().count() > 256 {
                out.push(Diagnostic::error(
                    Code::InvalidName,
                    format!("{}.tags", vnet.path),
                    format!(
                        "the value of the tag `{}` is longer than the 256 characters Azure accepts",
                        shown(name)
                    ),
                ));
            }
        }
    }
}

/// An error at `at`'s name when `name` breaks Azure's rules for a `what` ([`name_problem`]). The path is written
/// only for a name that has a problem: a design has hundreds of thousands of names.
fn check_name(
    out: &mut Vec<Diagnostic>,
    what: &str,
    name: &str,
    at: &Path,
    min: usize,
    max: usize,
) {
    if let Some(problem) = name_problem(name, min, max) {
        out.push(Diagnostic::error(
            Code::InvalidName,
            at.key("name"),
            format!("the {what} name `{}` {problem}", shown(name)),
        ));
    }
}

/// Management groups form a tree: a group that is its own ancestor cannot exist. One error per cycle, at the
/// group of the cycle with the smallest id; the engine cuts the cycle and goes on.
fn management_group_cycles(model: &Reads<'_>, out: &mut Vec<Diagnostic>) {
    let mut parent: BTreeMap<&ManagementGroupId, &ManagementGroupId> = BTreeMap::new();
    for group in model.management_groups().values() {
        for child in &group.child_groups {
            parent.insert(child, &group.id);
        }
    }
    for group in model.management_groups().values() {
        let mut chain = vec![&group.id];
        let mut at = &group.id;
        let mut cycle = false;
        while let Some(up) = parent.get(at) {
            if *up == &group.id {
                cycle = true;
                break;
            }
            if chain.contains(up) {
                break;
            }
            chain.push(*up);
            at = *up;
        }
        if cycle && chain.iter().all(|g| *g >= &group.id) {
            let names: Vec<String> = chain.iter().map(|g| format!("`{}`", g.name())).collect();
            out.push(Diagnostic::error(
                Code::ManagementGroupCycle,
                format!("{}.properties.children", group.path),
                format!(
                    "the management groups {} contain each other in a cycle",
                    names.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::name_problem;

    /// Azure's rules for a subnet's or a rule's name (1 to 80 of letters, digits, `_`, `.`, `-`; starting with a
    /// letter or a digit, ending with one or `_`), at their edges, ASCII or not.
    #[test]
    fn names_azure_refuses_are_told_and_the_others_pass() {
        let long = "a".repeat(80);
        for fine in ["a", "9", "a_", "web-01.prod_", long.as_str()] {
            assert_eq!(name_problem(fine, 1, 80), None, "{fine}");
        }
        let cases = [
            ("", "is 0 characters long; Azure accepts 1 to 80"),
            ("-web", "must start with a letter or a digit"),
            ("_web", "must start with a letter or a digit"),
            ("web.", "must end with a letter, a digit or `_`"),
            (
                "web 01",
                "contains ` `; Azure accepts letters, digits, `_`, `.` and `-`",
            ),
            (
                "café",
                "contains `é`; Azure accepts letters, digits, `_`, `.` and `-`",
            ),
        ];
        for (name, problem) in cases {
            assert_eq!(
                name_problem(name, 1, 80).as_deref(),
                Some(problem),
                "{name}"
            );
        }
        let too_long = "a".repeat(81);
        assert_eq!(
            name_problem(&too_long, 1, 80).as_deref(),
            Some("is 81 characters long; Azure accepts 1 to 80")
        );
        // Characters, not bytes: 80 `é` are 160 bytes and 80 characters, told for what they are, not their length.
        let accented = "é".repeat(80);
        assert_eq!(
            name_problem(&accented, 1, 80).as_deref(),
            Some("contains `é`; Azure accepts letters, digits, `_`, `.` and `-`")
        );
        assert_eq!(
            name_problem("v", 2, 64).as_deref(),
            Some("is 1 character long; Azure accepts 2 to 64")
        );
    }
}
