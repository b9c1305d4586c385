//! # avnm-fuzz
//!
//! The bodies of the coverage-guided fuzz targets (issue 9, item 2): each takes the bytes libFuzzer gives and
//! runs them through a part of the project as the playground and `avnm` do, returning `Err` with what went
//! wrong when an invariant breaks; a panic is a failure too.
//!
//! The targets, in [`TARGETS`]:
//! - `scenario`: the bytes as a scenario document: loading, validation, analysis, a few verdicts, intents,
//!   explanations, and the document written back and read again;
//! - `change`: the bytes choose a shipped example and decode a sequence of [`Change`]s; a refused change says
//!   why in one line, a rename renamed back gives the document before, the design after the changes is stored
//!   and read back unchanged, and undoing every step gives the example;
//! - `link`: the bytes as a share link for [`avnm_link::decode`]; a link that opens is written again and opens
//!   to the same design and view;
//! - `import`: the bytes, split at NUL bytes into up to four files, for [`avnm_core::import::import`]; what it
//!   imports is a design that loads and analyses;
//! - `condition`: the bytes as the JSON `if` block of a policy definition that adds VNets to a network group.
//!
//! In every target an error or diagnostic message is one line.
//! The binaries in `fuzz_targets/` call these through libFuzzer (`cargo xtask fuzz`); `tests/regressions.rs`
//! replays every file of `regressions/<target>/` through them in a plain `cargo test`.

use std::collections::BTreeSet;
use std::net::IpAddr;

use arbitrary::Unstructured;
use avnm_core::import::{Source, import, parse, parsing};
use avnm_core::model::{ConfigType, Direction, Model, Protocol, ResourceId};
use avnm_core::scenario::FieldValue;
use avnm_core::scenario::change::{Change, NewResource, Target};
use avnm_core::{Flow, Scenario, analyze};
use serde_json::{Value, json};

/// A target: its name (its binary and regression folder) and its body.
pub type Body = fn(&[u8]) -> Result<(), String>;

/// Every target, by name.
pub const TARGETS: &[(&str, Body)] = &[
    ("scenario", scenario),
    ("change", change),
    ("link", link),
    ("import", import_files),
    ("condition", condition),
];

/// The shipped examples that the `change` target edits, by file name.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "deployment-goal-state.json",
        include_str!("../../static/examples/deployment-goal-state.json"),
    ),
    (
        "direct-connectivity-production.json",
        include_str!("../../static/examples/direct-connectivity-production.json"),
    ),
    (
        "force-allow-monitoring.json",
        include_str!("../../static/examples/force-allow-monitoring.json"),
    ),
    (
        "hub-spoke-expressroute-multi-region.json",
        include_str!("../../static/examples/hub-spoke-expressroute-multi-region.json"),
    ),
    (
        "hub-spoke-guardrails.json",
        include_str!("../../static/examples/hub-spoke-guardrails.json"),
    ),
    (
        "regional-vs-global-mesh.json",
        include_str!("../../static/examples/regional-vs-global-mesh.json"),
    ),
    (
        "ssh-exception-for-one-team.json",
        include_str!("../../static/examples/ssh-exception-for-one-team.json"),
    ),
];

/// At most this many changes are decoded from one input.
const MAX_CHANGES: usize = 6;

/// At most this many files are made from one `import` input.
const MAX_FILES: usize = 4;

fn one_line(text: &str, what: &str) -> Result<(), String> {
    if text.is_empty() || text.contains('\n') {
        return Err(format!("{what} is not one line: {text:?}"));
    }
    Ok(())
}

/// Loads a document as the playground does, analyses it and asks the analysis a few questions; reads its model
/// as `avnm` does (without its tree), which must give the same model, diagnostics or error.
pub fn scenario(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let parsed = Scenario::parse(&text);
    let streamed = Scenario::read_model(&text);
    match (&parsed, &streamed) {
        (Err(a), Err(b)) if a == b => {}
        (Ok(scenario), Ok((model, diagnostics)))
            if **scenario.model() == *model && scenario.diagnostics() == diagnostics.as_slice() => {
        }
        _ => {
            return Err(format!(
                "the model read without the tree differs from the parsed design's: {:?} against {:?}",
                streamed.as_ref().map(|_| ()),
                parsed.as_ref().map(|_| ())
            ));
        }
    }
    match parsed {
        Err(e) => one_line(&e.to_string(), "a format error"),
        Ok(scenario) => {
            exercise(&scenario, true)?;
            let stored = scenario.to_json();
            let again = Scenario::parse(&stored)
                .map_err(|e| format!("a loaded document written back does not load: {e}"))?;
            if again.to_value() != scenario.to_value() {
                return Err("a loaded document written back and read again differs".to_owned());
            }
            Ok(())
        }
    }
}

/// Analyses a loaded design and asks what the playground's panels ask (the reachability matrix too when
/// `matrix`).
fn exercise(scenario: &Scenario, matrix: bool) -> Result<(), String> {
    let analysis = analyze(scenario);
    for d in &analysis.diagnostics {
        one_line(&d.message, "a diagnostic")?;
    }
    for result in analysis.check() {
        let _ = format!("{result:?}");
    }
    if matrix {
        let _ = analysis.matrix(Protocol::Tcp, 443);
    }
    let model = &analysis.model;
    let mut addresses: Vec<IpAddr> = Vec::new();
    for vnet in model.vnets.values().take(4) {
        let _ = analysis.explain_vnet(&vnet.id);
        let _ = analysis.effective_vnet_rules(&vnet.id);
        addresses.extend(vnet.address_space.first().map(|p| p.network()));
        addresses.extend(
            vnet.subnets
                .iter()
                .filter_map(|s| s.prefixes.first())
                .map(|p| p.network())
                .take(1),
        );
    }
    for nic in model.nics.keys().take(4) {
        let _ = analysis.effective_nic_rules(nic);
    }
    addresses.push(IpAddr::from([52, 1, 2, 3]));
    for from in addresses.iter().take(4) {
        for to in addresses.iter().take(4) {
            for protocol in [Protocol::Tcp, Protocol::Icmp] {
                let _ = analysis
                    .verdict(&Flow::new(*from, *to, protocol, 22))
                    .to_string();
            }
        }
    }
    for definition in model.policy_definitions.keys().take(4) {
        for vnet in model.vnets.keys().take(4) {
            let _ = analysis.explain_condition(definition, vnet);
        }
    }
    Ok(())
}

/// Applies a sequence of changes decoded from the bytes to a shipped example (or an empty design), then undoes
/// them all.
pub fn change(data: &[u8]) -> Result<(), String> {
    let mut u = Unstructured::new(data);
    let which = u.choose_index(EXAMPLES.len() + 1).unwrap_or(0);
    let (name, text) = EXAMPLES
        .get(which)
        .copied()
        .unwrap_or(("an empty design", r#"{"resources": []}"#));
    let original = Scenario::parse(text).map_err(|e| format!("{name} does not load: {e}"))?;
    let mut current = original.clone();
    let mut past: Vec<Scenario> = Vec::new();
    for _ in 0..MAX_CHANGES {
        if u.is_empty() {
            break;
        }
        let Ok(change) = decode_change(&mut u, current.model()) else {
            break;
        };
        match current.change(&change) {
            Err(e) => one_line(&e.to_string(), "a change error")?,
            Ok(next) => {
                if let Change::Rename { resource, .. } = &change
                    && let Some((_, new)) = change.renamed()
                    && let Some(old_name) = resource.as_str().rsplit('/').next()
                {
                    let back = Change::Rename {
                        resource: new,
                        name: old_name.to_owned(),
                    };
                    match next.change(&back) {
                        Ok(back) if back.to_value() == current.to_value() => {}
                        Ok(_) => {
                            return Err(format!(
                                "{change:?} renamed back does not give the document before"
                            ));
                        }
                        Err(e) => return Err(format!("{change:?} cannot be renamed back: {e}")),
                    }
                }
                past.push(current);
                current = next;
            }
        }
    }
    let again = Scenario::parse(&current.to_json())
        .map_err(|e| format!("the design after the changes does not load once stored: {e}"))?;
    if again.to_value() != current.to_value() {
        return Err("the design after the changes differs once stored and read back".to_owned());
    }
    exercise(&current, false)?;
    while let Some(previous) = past.pop() {
        current = previous;
    }
    if current.to_value() != original.to_value() {
        return Err("undoing every change does not give the design before".to_owned());
    }
    Ok(())
}

/// Ids of the design's resources of every kind, and a few that are not in it.
fn ids(model: &Model) -> Vec<String> {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for vnet in model.vnets.values() {
        ids.insert(vnet.id.as_str().to_owned());
        ids.extend(vnet.subnets.iter().map(|s| s.id.as_str().to_owned()));
    }
    ids.extend(model.nics.keys().map(|k| k.as_str().to_owned()));
    ids.extend(model.nsgs.keys().map(|k| k.as_str().to_owned()));
    ids.extend(model.managers.keys().map(|k| k.as_str().to_owned()));
    ids.extend(model.groups.keys().map(|k| k.as_str().to_owned()));
    ids.extend(model.static_members.keys().map(|k| k.as_str().to_owned()));
    ids.extend(
        model
            .connectivity_configs
            .keys()
            .map(|k| k.as_str().to_owned()),
    );
    for config in model.security_admin_configs.values() {
        ids.insert(config.id.as_str().to_owned());
        ids.extend(config.collections.iter().map(|c| c.id.as_str().to_owned()));
    }
    ids.extend(
        model
            .policy_definitions
            .keys()
            .map(|k| k.as_str().to_owned()),
    );
    ids.extend(
        model
            .policy_assignments
            .keys()
            .map(|k| k.as_str().to_owned()),
    );
    ids.extend(
        model
            .management_groups
            .keys()
            .map(|k| k.as_str().to_owned()),
    );
    ids.extend(model.subscriptions.keys().map(|k| k.as_str().to_owned()));
    let mut ids: Vec<String> = ids.into_iter().collect();
    ids.extend(
        [
            "",
            "/",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/none",
            "/providers/Microsoft.Management/managementGroups/none",
        ]
        .map(str::to_owned),
    );
    ids
}

/// A name, region, prefix or tag: one of a few that mean something, or any text.
fn text(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    const WORDS: &[&str] = &[
        "a",
        "hub",
        "westeurope",
        "eastus",
        "10.0.0.0/16",
        "10.0.0.0/24",
        "10.0.0.300/16",
        "fd00::/48",
        "env",
        "prod",
        "",
        "a/b",
        "<b>x</b>",
        "\u{e9}t\u{e9}",
    ];
    if u.ratio(3, 4)? {
        Ok((*u.choose(WORDS)?).to_owned())
    } else {
        let s: String = u.arbitrary()?;
        Ok(s.chars().take(80).collect())
    }
}

fn id_of<T: for<'a> From<&'a str>>(
    u: &mut Unstructured<'_>,
    ids: &[String],
) -> arbitrary::Result<T> {
    Ok(T::from(u.choose(ids)?.as_str()))
}

fn value(u: &mut Unstructured<'_>) -> arbitrary::Result<FieldValue> {
    Ok(match u.choose_index(4)? {
        0 => FieldValue::Text(text(u)?),
        1 => FieldValue::Integer(u.arbitrary()?),
        2 => FieldValue::Flag(u.arbitrary()?),
        _ => {
            let n = u.choose_index(4)?;
            FieldValue::Texts((0..n).map(|_| text(u)).collect::<arbitrary::Result<_>>()?)
        }
    })
}

/// One change, naming resources of the design most of the time.
fn decode_change(u: &mut Unstructured<'_>, model: &Model) -> arbitrary::Result<Change> {
    let ids = ids(model);
    let resource = |u: &mut Unstructured<'_>| -> arbitrary::Result<ResourceId> {
        Ok(ResourceId::new(u.choose(&ids)?))
    };
    Ok(match u.choose_index(30)? {
        0 => Change::Set {
            target: match u.choose_index(6)? {
                0 => Target::Title,
                1 => Target::Location(resource(u)?),
                2 => Target::DisplayName(resource(u)?),
                3 => Target::Tag {
                    resource: resource(u)?,
                    name: text(u)?,
                },
                4 => Target::AddressSpace(id_of(u, &ids)?),
                _ => Target::SubnetPrefixes(id_of(u, &ids)?),
            },
            value: value(u)?,
        },
        1 => Change::AddTag {
            resource: resource(u)?,
            name: text(u)?,
        },
        2 => Change::RenameTag {
            resource: resource(u)?,
            from: text(u)?,
            to: text(u)?,
        },
        3 => Change::RemoveTag {
            resource: resource(u)?,
            name: text(u)?,
        },
        4 => Change::SetTags {
            resource: resource(u)?,
            tags: vec![(text(u)?, text(u)?)],
        },
        5 => Change::Add(match u.choose_index(6)? {
            0 => NewResource::Vnet {
                subscription: text(u)?,
                resource_group: text(u)?,
                name: text(u)?,
                location: text(u)?,
                prefix: text(u)?,
            },
            1 => NewResource::Nsg {
                subscription: text(u)?,
                resource_group: text(u)?,
                name: text(u)?,
                location: text(u)?,
            },
            2 => NewResource::Nic {
                subscription: text(u)?,
                resource_group: text(u)?,
                name: text(u)?,
                location: text(u)?,
                subnet: id_of(u, &ids)?,
                address: text(u)?,
            },
            3 => NewResource::NetworkManager {
                subscription: text(u)?,
                resource_group: text(u)?,
                name: text(u)?,
                location: text(u)?,
            },
            4 => NewResource::ManagementGroup { name: text(u)? },
            _ => NewResource::Subscription(id_of(u, &ids)?),
        }),
        6 | 7 => Change::Remove(resource(u)?),
        8 | 9 => Change::Rename {
            resource: resource(u)?,
            name: text(u)?,
        },
        10 => Change::Move {
            resource: resource(u)?,
            subscription: text(u)?,
            resource_group: text(u)?,
        },
        11 => Change::AddSubnet {
            vnet: id_of(u, &ids)?,
            name: text(u)?,
            prefix: text(u)?,
        },
        12 => Change::AddPeering {
            from: id_of(u, &ids)?,
            to: id_of(u, &ids)?,
        },
        13 => Change::RemovePeering {
            from: id_of(u, &ids)?,
            to: id_of(u, &ids)?,
        },
        14 => Change::AddNsgRule {
            nsg: id_of(u, &ids)?,
            direction: if u.arbitrary()? {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
        },
        15 => Change::AddScope {
            manager: id_of(u, &ids)?,
            scope: u.choose(&ids)?.clone(),
        },
        16 => Change::RemoveScope {
            manager: id_of(u, &ids)?,
            scope: u.choose(&ids)?.clone(),
        },
        17 => Change::AddNetworkGroup(id_of(u, &ids)?),
        18 => Change::AddConnectivityConfiguration {
            manager: id_of(u, &ids)?,
            group: if u.arbitrary()? {
                Some(id_of(u, &ids)?)
            } else {
                None
            },
        },
        19 => Change::AddStaticMember {
            group: id_of(u, &ids)?,
            resource: resource(u)?,
        },
        20 => Change::SetCondition {
            group: id_of(u, &ids)?,
            condition: condition_text(u)?,
        },
        21 => Change::AssignPolicy {
            definition: id_of(u, &ids)?,
            scope: u.choose(&ids)?.clone(),
        },
        22 => Change::AddAppliesTo {
            config: id_of(u, &ids)?,
            group: id_of(u, &ids)?,
        },
        23 => Change::RemoveAppliesTo {
            config: id_of(u, &ids)?,
            index: u.choose_index(4)?,
        },
        24 => Change::AddAdminRule(id_of(u, &ids)?),
        25 => Change::AddChild {
            group: id_of(u, &ids)?,
            child: resource(u)?,
        },
        26 => Change::Commit {
            manager: id_of(u, &ids)?,
            kind: *u.choose(&[
                ConfigType::Connectivity,
                ConfigType::SecurityAdmin,
                ConfigType::Routing,
            ])?,
            configurations: vec![id_of(u, &ids)?],
            regions: vec![text(u)?],
        },
        27 => Change::RemoveCommit(u.choose_index(4)?),
        28 => Change::DeployEverything,
        _ => {
            if u.arbitrary()? {
                Change::AddIntent
            } else {
                Change::RemoveIntent(u.choose_index(4)?)
            }
        }
    })
}

fn condition_text(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    const CONDITIONS: &[&str] = &[
        r#"{"field": "tags['env']", "equals": "prod"}"#,
        r#"{"allOf": [{"field": "name", "contains": "hub"}, {"not": {"field": "location", "in": ["eastus"]}}]}"#,
        r#"{"field": "id", "like": "*spoke*"}"#,
        r#"{"anyOf": []}"#,
        r#"{"field": "tags.env", "exists": "maybe"}"#,
        "[",
        "",
    ];
    if u.ratio(3, 4)? {
        Ok((*u.choose(CONDITIONS)?).to_owned())
    } else {
        u.arbitrary()
    }
}

/// Decodes the bytes as a share link; a link that opens is written again and must open the same.
pub fn link(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let decoded = match avnm_link::decode(&text) {
        Err(e) => return one_line(&e.to_string(), "a link error"),
        Ok(decoded) => decoded,
    };
    let read = Scenario::parse(&decoded.document)
        .map_err(|e| format!("an opened link's document does not load: {e}"))?;
    if read.to_value() != decoded.scenario.to_value() {
        return Err("an opened link's document and design differ".to_owned());
    }
    let again = avnm_link::encode(&decoded.document, &decoded.view)
        .map_err(|e| format!("an opened link cannot be written again: {e}"))?;
    let reopened = avnm_link::decode(&again)
        .map_err(|e| format!("a link written again does not open: {e}"))?;
    if reopened.document != decoded.document || reopened.view != decoded.view {
        return Err("a link written again opens another design or view".to_owned());
    }
    Ok(())
}

/// Imports the bytes, split at NUL bytes into files; they must parse a piece at a time as they parse at once, and
/// what is imported must load and analyse.
pub fn import_files(data: &[u8]) -> Result<(), String> {
    let sources: Vec<Source> = data
        .split(|b| *b == 0)
        .take(MAX_FILES)
        .enumerate()
        .map(|(i, part)| {
            Source::new(
                format!("input-{i}.json"),
                String::from_utf8_lossy(part).into_owned(),
            )
        })
        .collect();
    let mut pieces = parsing(sources.clone());
    while !pieces.step(1) {}
    if pieces.finish().1 != parse(&sources) {
        return Err(
            "the sources parsed a piece at a time differ from the sources parsed at once"
                .to_owned(),
        );
    }
    match import(&sources) {
        Err(e) => {
            one_line(&e.to_string(), "an import error")?;
            for line in e.report() {
                one_line(&line.to_string(), "a report line")?;
            }
            Ok(())
        }
        Ok(imported) => {
            for line in &imported.report {
                one_line(&line.to_string(), "a report line")?;
            }
            let scenario = imported
                .scenario()
                .map_err(|e| format!("an import made a document that does not load: {e}"))?;
            exercise(&scenario, true)
        }
    }
}

/// Makes the bytes (JSON, else a string) the condition of a policy definition that adds VNets to a group, then
/// loads and analyses the design and explains the condition for each VNet.
pub fn condition(data: &[u8]) -> Result<(), String> {
    let condition: Value = serde_json::from_slice(data)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(data).into_owned()));
    let sub = "/subscriptions/00000000-0000-0000-0000-0000000000a0";
    let rg = format!("{sub}/resourceGroups/rg/providers");
    let nm = format!("{rg}/Microsoft.Network/networkManagers/nm");
    let group = format!("{nm}/networkGroups/ng");
    let pd = format!("{sub}/providers/Microsoft.Authorization/policyDefinitions/pd");
    let document = json!({ "resources": [
        { "id": nm, "name": "nm", "type": "Microsoft.Network/networkManagers", "location": "eastus",
          "properties": { "networkManagerScopes": { "subscriptions": [sub] },
                          "networkManagerScopeAccesses": ["Connectivity"] } },
        { "id": group, "name": "ng", "type": "Microsoft.Network/networkManagers/networkGroups",
          "properties": { "memberType": "VirtualNetwork" } },
        { "id": format!("{rg}/Microsoft.Network/virtualNetworks/vnet-prod"), "name": "vnet-prod",
          "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
          "tags": { "env": "prod", "tier": "3", "Cost Center": "a[b]" },
          "properties": { "addressSpace": { "addressPrefixes": ["10.1.0.0/16"] },
                          "subnets": [{ "name": "s", "properties": { "addressPrefix": "10.1.0.0/24" } }] } },
        { "id": format!("{rg}/Microsoft.Network/virtualNetworks/vnet-untagged"), "name": "vnet-untagged",
          "type": "Microsoft.Network/virtualNetworks", "location": "westus",
          "properties": { "addressSpace": { "addressPrefixes": ["10.2.0.0/16"] } } },
        { "id": pd, "name": "pd", "type": "Microsoft.Authorization/policyDefinitions",
          "properties": { "mode": "Microsoft.Network.Data",
                          "parameters": { "p": { "type": "String", "defaultValue": "prod" } },
                          "policyRule": { "if": condition, "then": { "effect": "addToNetworkGroup",
                                                                     "details": { "networkGroupId": group } } } } },
        { "id": format!("{sub}/providers/Microsoft.Authorization/policyAssignments/pa"), "name": "pa",
          "type": "Microsoft.Authorization/policyAssignments",
          "properties": { "policyDefinitionId": pd, "scope": sub } },
    ]});
    match Scenario::from_document(document) {
        Err(e) => one_line(&e.to_string(), "a format error"),
        Ok(scenario) => exercise(&scenario, true),
    }
}
