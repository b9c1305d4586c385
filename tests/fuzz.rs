//! Structured fuzzing (issue 9, item 2): generated documents of every shape the format knows, and policy
//! conditions of every operator and nesting, go through loading, validation and the whole analysis as the
//! playground and `avnm` run it.
//!
//! Nothing may panic; a document is either refused with a one-line format error, or it loads and every
//! diagnostic is one line. Each target runs `AVNM_FUZZ_CASES` generated inputs (2,000 by default) from the
//! seed `AVNM_FUZZ_SEED` (a fixed one by default), printed with the time taken. A failing input is written to
//! `target/fuzz/` (or `AVNM_FUZZ_DIR`) and named in the failure, to become a regression file.
//! Limits that say what they are: conditions nested deeper than the format's limit, management groups in a
//! cycle, a 50 MB document.
//! Share links (the examples' links cut, flipped, re-versioned, declaring more data than they hold, a million
//! characters long) and imports (the Azure samples with values swapped, removed and retyped; templates whose
//! expressions are generated, nested, cyclic or exponential) are fuzzed the same way.
//! The generator is proptest's (structured, seeded); the coverage-guided fuzzing (libFuzzer) is `fuzz/`, run by
//! `cargo xtask fuzz`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use avnm_core::import::{Source, import};
use avnm_core::model::Protocol;
use avnm_core::{Flow, Scenario, analyze};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{Map, Value, json};

const DEFAULT_SEED: u64 = 0x0a11_f022;
const DEFAULT_CASES: usize = 2_000;

fn seed() -> u64 {
    std::env::var("AVNM_FUZZ_SEED")
        .ok()
        .map(|s| {
            let s = s.trim().replace('_', "");
            match s.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => s.parse(),
            }
            .unwrap_or_else(|e| panic!("AVNM_FUZZ_SEED `{s}`: {e}"))
        })
        .unwrap_or(DEFAULT_SEED)
}

fn cases() -> usize {
    std::env::var("AVNM_FUZZ_CASES")
        .ok()
        .and_then(|c| c.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn out_dir() -> PathBuf {
    std::env::var_os("AVNM_FUZZ_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz"),
        PathBuf::from,
    )
}

fn one_line(text: &str, what: &str) -> Result<(), String> {
    if text.is_empty() || text.contains('\n') {
        return Err(format!("{what} is not one line: {text:?}"));
    }
    Ok(())
}

/// Loads and analyses a document as the playground and `avnm` do, asks every question of the analysis, and
/// checks that errors and diagnostics are one line each.
///
/// Returns whether the document loaded, and how many VNets it has.
fn exercise(document: Value) -> Result<Option<usize>, String> {
    let scenario = match Scenario::from_document(document) {
        Err(e) => return one_line(&e.to_string(), "a format error").map(|()| None),
        Ok(scenario) => scenario,
    };
    let analysis = analyze(&scenario);
    for d in &analysis.diagnostics {
        one_line(&d.message, "a diagnostic")?;
    }
    let _ = analysis.check();
    let _ = analysis.matrix(Protocol::Tcp, 443);
    let mut addresses = Vec::new();
    for vnet in analysis.model.vnets.values() {
        let _ = analysis.explain_vnet(&vnet.id);
        let _ = analysis.effective_vnet_rules(&vnet.id);
        for subnet in &vnet.subnets {
            for prefix in &subnet.prefixes {
                addresses.push(prefix.network());
            }
        }
        for prefix in &vnet.address_space {
            addresses.push(prefix.network());
        }
    }
    for nic in analysis.model.nics.keys() {
        let _ = analysis.effective_nic_rules(nic);
    }
    addresses.push("52.1.2.3".parse().expect("an address"));
    for from in addresses.iter().take(6) {
        for to in addresses.iter().take(6) {
            for protocol in [Protocol::Tcp, Protocol::Icmp] {
                let _ = analysis
                    .verdict(&Flow::new(*from, *to, protocol, 22))
                    .to_string();
            }
        }
    }
    for definition in analysis.model.policy_definitions.keys() {
        for vnet in analysis.model.vnets.keys() {
            let _ = analysis.explain_condition(definition, vnet);
        }
    }
    let _ = scenario.to_json();
    Ok(Some(analysis.model.vnets.len()))
}

/// Runs a target: every generated input through [`exercise`], panics caught; failing inputs are written out.
fn run(target: &str, strategy: impl Strategy<Value = Value>) {
    run_checked(target, strategy, cases(), exercise);
}

/// Runs `cases` generated inputs through `check` (which says whether the input loaded, and how many VNets it
/// has), panics caught; failing inputs are written out.
fn run_checked(
    target: &str,
    strategy: impl Strategy<Value = Value>,
    cases: usize,
    check: impl Fn(Value) -> Result<Option<usize>, String>,
) {
    let seed = seed();
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    });
    let mut failures = Vec::new();
    let (mut loaded, mut with_vnets) = (0usize, 0usize);
    for case in 0..cases {
        let input = strategy.new_tree(&mut runner).expect("an input").current();
        let outcome = catch_unwind(AssertUnwindSafe(|| check(input.clone())));
        let problem = match outcome {
            Ok(Ok(vnets)) => {
                loaded += usize::from(vnets.is_some());
                with_vnets += usize::from(vnets.is_some_and(|n| n > 0));
                continue;
            }
            Ok(Err(problem)) => problem,
            Err(panic) => format!(
                "panic: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default()
            ),
        };
        let dir = out_dir();
        std::fs::create_dir_all(&dir).expect("the output directory");
        let path = dir.join(format!("{target}-{seed:x}-{case}.json"));
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&input).unwrap_or_default(),
        )
        .expect("the failing input");
        failures.push(format!("{problem}: {}", path.display()));
        if failures.len() >= 10 {
            break;
        }
    }
    eprintln!(
        "fuzz {target}: seed {seed:#x} (AVNM_FUZZ_SEED repeats it), {cases} inputs ({loaded} loaded, {with_vnets} with VNets), {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{target}: {failures:#?}");
}

// --- generators ---------------------------------------------------------------------------------------------

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-0000000000a0";

fn id(kind: &str, name: &str) -> String {
    format!("{SUB}/resourceGroups/rg/providers/{kind}/{name}")
}

/// Ids that resources of generated documents have and refer to.
fn ids() -> Vec<String> {
    let nm = id("Microsoft.Network/networkManagers", "nm");
    vec![
        SUB.to_owned(),
        format!("{SUB}/resourceGroups/rg"),
        id("Microsoft.Network/virtualNetworks", "a"),
        id("Microsoft.Network/virtualNetworks", "b"),
        id("Microsoft.Network/virtualNetworks", "a") + "/subnets/s",
        id("Microsoft.Network/networkSecurityGroups", "nsg"),
        id("Microsoft.Network/networkInterfaces", "nic"),
        nm.clone(),
        format!("{nm}/networkGroups/ng"),
        format!("{nm}/connectivityConfigurations/cc"),
        format!("{nm}/securityAdminConfigurations/sac"),
        format!("{nm}/securityAdminConfigurations/sac/ruleCollections/rc"),
        format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/pd"),
        "/providers/Microsoft.Management/managementGroups/mg".to_owned(),
        String::new(),
        "/".to_owned(),
        "not an id".to_owned(),
    ]
}

const KEYS: [&str; 60] = [
    "addressSpace",
    "addressPrefixes",
    "addressPrefix",
    "subnets",
    "virtualNetworkPeerings",
    "remoteVirtualNetwork",
    "peeringState",
    "networkSecurityGroup",
    "securityRules",
    "priority",
    "direction",
    "access",
    "protocol",
    "sourceAddressPrefix",
    "destinationAddressPrefixes",
    "sourcePortRange",
    "destinationPortRanges",
    "ipConfigurations",
    "privateIPAddress",
    "subnet",
    "networkManagerScopes",
    "subscriptions",
    "managementGroups",
    "networkManagerScopeAccesses",
    "memberType",
    "resourceId",
    "connectivityTopology",
    "hubs",
    "appliesToGroups",
    "networkGroupId",
    "groupConnectivity",
    "isGlobal",
    "useHubGateway",
    "deleteExistingPeering",
    "connectivityCapabilities",
    "connectedGroupAddressOverlap",
    "sources",
    "destinations",
    "addressPrefixType",
    "sourcePortRanges",
    "applyOnNetworkIntentPolicyBasedServices",
    "policyRule",
    "if",
    "then",
    "effect",
    "details",
    "mode",
    "parameters",
    "policyDefinitionId",
    "scope",
    "notScopes",
    "enforcementMode",
    "children",
    "displayName",
    "delegations",
    "serviceName",
    "privateEndpoint",
    "id",
    "name",
    "properties",
];

const WORDS: [&str; 40] = [
    "10.0.0.0/16",
    "10.0.1.0/24",
    "10.0.0.300/16",
    "10.0.0.0/33",
    "::/0",
    "fd00::/8",
    "*",
    "10.0.1.4",
    "eastus",
    "East US 2",
    "Allow",
    "Deny",
    "AlwaysAllow",
    "Inbound",
    "Outbound",
    "Tcp",
    "Any",
    "HubAndSpoke",
    "Mesh",
    "True",
    "False",
    "DirectlyConnected",
    "VirtualNetwork",
    "ServiceTag",
    "IPPrefix",
    "NetworkGroup",
    "Connectivity",
    "SecurityAdmin",
    "Microsoft.Network.Data",
    "addToNetworkGroup",
    "[parameters('x')]",
    "[subscription().name]",
    "0-65535",
    "80-70000",
    "65536",
    "Disallowed",
    "DoNotEnforce",
    "Connected",
    "<script>alert(1)</script>",
    "é\u{0}\u{202e}",
];

fn leaf() -> impl Strategy<Value = Value> {
    let ids = ids();
    prop_oneof![
        3 => prop::sample::select(WORDS.to_vec()).prop_map(|w| json!(w)),
        2 => prop::sample::select(ids).prop_map(Value::String),
        1 => any::<i64>().prop_map(|n| json!(n)),
        1 => prop::sample::select(vec![0i64, 1, 100, 4096, 4097, -1, 65535, 70000]).prop_map(|n| json!(n)),
        1 => any::<f64>().prop_map(|n| json!(n)),
        1 => any::<bool>().prop_map(|b| json!(b)),
        1 => Just(Value::Null),
        1 => "[ -~]{0,12}".prop_map(Value::String),
    ]
}

/// A JSON value whose objects use the format's own keys.
fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((prop::sample::select(KEYS.to_vec()), inner), 0..5).prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<String, Value>>(),
                )
            }),
        ]
    })
}

/// A cursor over random bytes that picks from pools.
struct Dice<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Dice<'_> {
    fn roll(&mut self) -> usize {
        let b = self
            .bytes
            .get(self.at % self.bytes.len().max(1))
            .copied()
            .unwrap_or(0);
        self.at += 1;
        usize::from(b)
    }

    fn pick<T: Clone>(&mut self, pool: &[T]) -> T {
        let k = self.roll() % pool.len();
        pool[k].clone()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.roll() % 100 < percent
    }

    fn some<T: Clone>(&mut self, pool: &[T], max: usize) -> Vec<T> {
        let n = self.roll() % (max + 1);
        (0..n).map(|_| self.pick(pool)).collect()
    }
}

/// One resource of a kind (index into the templates), in the shape ARM returns, its values drawn from pools
/// that refer to each other.
fn template(kind: usize, dice: &mut Dice<'_>) -> Value {
    let vnets = ["a", "b", "c"].map(|n| id("Microsoft.Network/virtualNetworks", n));
    let subnets = [
        format!("{}/subnets/s0", vnets[0]),
        format!("{}/subnets/s1", vnets[1]),
        format!("{}/subnets/GatewaySubnet", vnets[2]),
    ];
    let nsgs = ["n0", "n1"].map(|n| id("Microsoft.Network/networkSecurityGroups", n));
    let nm = id("Microsoft.Network/networkManagers", "nm");
    let groups = [
        format!("{nm}/networkGroups/g0"),
        format!("{nm}/networkGroups/g1"),
    ];
    let configs = [
        format!("{nm}/connectivityConfigurations/cc"),
        format!("{nm}/securityAdminConfigurations/sac"),
    ];
    let mgs = [
        "/providers/Microsoft.Management/managementGroups/mg0",
        "/providers/Microsoft.Management/managementGroups/mg1",
    ];
    let prefixes = [
        "10.0.0.0/16",
        "10.1.0.0/16",
        "10.0.1.0/24",
        "10.1.1.0/24",
        "10.0.0.0/8",
        "fd00::/48",
        "10.0.0.300/16",
        "*",
        "VirtualNetwork",
        "Internet",
    ];
    let addresses = ["10.0.1.4", "10.1.1.4", "10.0.1.5", "fd00::4", "10.9.9.9"];
    let regions = ["eastus", "westus", "East US", "westeurope"];
    let protocols = ["Tcp", "Udp", "Icmp", "*", "Any", "Esp", "Ah"];
    let ports = ["*", "22", "80-443", "0-65535", "443"];
    let flags = ["True", "False"];
    let (kind_name, id_value, properties) = match kind % 14 {
        0 => {
            let i = dice.roll() % 3;
            let subnets_of: Vec<Value> = (0..dice.roll() % 3)
                .map(|k| {
                    let name = dice.pick(&["s0", "s1", "GatewaySubnet", "AzureFirewallSubnet"]);
                    let mut p = json!({ "addressPrefix": dice.pick(&prefixes) });
                    if dice.chance(40) {
                        p["networkSecurityGroup"] = json!({ "id": dice.pick(&nsgs) });
                    }
                    if dice.chance(10) {
                        p["delegations"] = json!([{ "name": "d", "properties": { "serviceName": "Microsoft.Sql/managedInstances" } }]);
                    }
                    json!({ "name": name, "id": format!("{}/subnets/{name}", vnets[i]), "properties": p, "k": k })
                })
                .collect();
            let peerings: Vec<Value> = (0..dice.roll() % 2)
                .map(|_| {
                    json!({ "name": "p", "properties": { "remoteVirtualNetwork": { "id": dice.pick(&vnets) },
                            "peeringState": dice.pick(&["Connected", "Initiated", "Disconnected"]) } })
                })
                .collect();
            (
                "Microsoft.Network/virtualNetworks",
                vnets[i].clone(),
                json!({ "addressSpace": { "addressPrefixes": dice.some(&prefixes, 2) }, "subnets": subnets_of, "virtualNetworkPeerings": peerings }),
            )
        }
        1 => (
            "Microsoft.Network/networkInterfaces",
            id(
                "Microsoft.Network/networkInterfaces",
                &format!("nic{}", dice.roll() % 3),
            ),
            json!({ "ipConfigurations": [{ "name": "ip", "properties": { "privateIPAddress": dice.pick(&addresses), "subnet": { "id": dice.pick(&subnets) } } }],
                    "networkSecurityGroup": { "id": dice.pick(&nsgs) } }),
        ),
        2 => {
            let rules: Vec<Value> = (0..dice.roll() % 4)
                .map(|k| {
                    json!({ "name": format!("r{k}"), "properties": {
                        "priority": dice.pick(&[100, 100, 4096, 4097, 99]), "direction": dice.pick(&["Inbound", "Outbound"]),
                        "access": dice.pick(&["Allow", "Deny"]), "protocol": dice.pick(&protocols),
                        "sourceAddressPrefix": dice.pick(&prefixes), "destinationAddressPrefix": dice.pick(&prefixes),
                        "sourcePortRange": dice.pick(&ports), "destinationPortRange": dice.pick(&ports) } })
                })
                .collect();
            (
                "Microsoft.Network/networkSecurityGroups",
                dice.pick(&nsgs),
                json!({ "securityRules": rules }),
            )
        }
        3 => (
            "Microsoft.Network/networkManagers",
            nm,
            json!({ "networkManagerScopes": { "subscriptions": dice.some(&[SUB], 1), "managementGroups": dice.some(&mgs, 2) },
                    "networkManagerScopeAccesses": dice.some(&["Connectivity", "SecurityAdmin", "Routing"], 2) }),
        ),
        4 => (
            "Microsoft.Network/networkManagers/networkGroups",
            dice.pick(&groups),
            json!({ "memberType": dice.pick(&["VirtualNetwork", "Subnet"]) }),
        ),
        5 => (
            "Microsoft.Network/networkManagers/networkGroups/staticMembers",
            format!("{}/staticMembers/m{}", dice.pick(&groups), dice.roll() % 4),
            json!({ "resourceId": dice.pick(&[vnets[0].clone(), vnets[1].clone(), vnets[2].clone(), subnets[0].clone()]) }),
        ),
        6 => (
            "Microsoft.Network/networkManagers/connectivityConfigurations",
            configs[0].clone(),
            json!({ "connectivityTopology": dice.pick(&["HubAndSpoke", "Mesh"]),
                    "hubs": [{ "resourceId": dice.pick(&vnets), "resourceType": "Microsoft.Network/virtualNetworks" }],
                    "appliesToGroups": [{ "networkGroupId": dice.pick(&groups), "groupConnectivity": dice.pick(&["None", "DirectlyConnected"]),
                                          "isGlobal": dice.pick(&flags), "useHubGateway": dice.pick(&flags) }],
                    "isGlobal": dice.pick(&flags), "deleteExistingPeering": dice.pick(&flags),
                    "connectivityCapabilities": { "connectedGroupAddressOverlap": dice.pick(&["Allowed", "Disallowed"]) } }),
        ),
        7 => (
            "Microsoft.Network/networkManagers/securityAdminConfigurations",
            configs[1].clone(),
            json!({ "applyOnNetworkIntentPolicyBasedServices": dice.some(&["None", "AllowRulesOnly", "All"], 2) }),
        ),
        8 => (
            "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
            format!("{}/ruleCollections/rc", configs[1]),
            json!({ "appliesToGroups": [{ "networkGroupId": dice.pick(&groups) }] }),
        ),
        9 => {
            let item = |dice: &mut Dice<'_>| {
                let kind = dice.pick(&["IPPrefix", "ServiceTag", "NetworkGroup"]);
                let value = if kind == "NetworkGroup" {
                    dice.pick(&groups)
                } else {
                    dice.pick(&prefixes).to_owned()
                };
                json!({ "addressPrefix": value, "addressPrefixType": kind })
            };
            let sources: Vec<Value> = (0..dice.roll() % 3).map(|_| item(dice)).collect();
            let destinations: Vec<Value> = (0..dice.roll() % 3).map(|_| item(dice)).collect();
            (
                "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
                format!(
                    "{}/ruleCollections/rc/rules/r{}",
                    configs[1],
                    dice.roll() % 3
                ),
                json!({ "priority": dice.pick(&[1, 10, 10, 4096, 0]), "direction": dice.pick(&["Inbound", "Outbound"]),
                        "access": dice.pick(&["Allow", "Deny", "AlwaysAllow"]), "protocol": dice.pick(&protocols),
                        "sources": sources, "destinations": destinations,
                        "sourcePortRanges": dice.some(&ports, 1), "destinationPortRanges": dice.some(&ports, 2) }),
            )
        }
        10 => (
            "Microsoft.Management/managementGroups",
            dice.pick(&mgs).to_owned(),
            json!({ "children": dice.some(&[json!({ "id": mgs[0] }), json!({ "id": mgs[1] }), json!({ "id": SUB })], 2) }),
        ),
        11 => (
            "Microsoft.Authorization/policyDefinitions",
            format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/pd"),
            json!({ "mode": "Microsoft.Network.Data", "parameters": { "p": { "type": "String", "defaultValue": "prod" } },
                    "policyRule": { "if": { "allOf": [{ "field": "type", "equals": "Microsoft.Network/virtualNetworks" },
                                                      { "field": dice.pick(&["tags['env']", "name", "location"]), dice.pick(&["equals", "like", "contains"]): dice.pick(&["prod", "[parameters('p')]", "a*"]) }] },
                                    "then": { "effect": "addToNetworkGroup", "details": { "networkGroupId": dice.pick(&groups) } } } }),
        ),
        12 => (
            "Microsoft.Authorization/policyAssignments",
            format!("{SUB}/providers/Microsoft.Authorization/policyAssignments/pa"),
            json!({ "policyDefinitionId": format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/pd"),
                    "scope": dice.pick(&[SUB, mgs[0]]), "enforcementMode": dice.pick(&["Default", "DoNotEnforce"]) }),
        ),
        _ => (
            "Microsoft.Resources/subscriptions",
            SUB.to_owned(),
            json!({ "displayName": "Contoso" }),
        ),
    };
    let name = id_value.rsplit('/').next().unwrap_or_default().to_owned();
    let mut out = json!({ "id": id_value, "name": name, "type": kind_name, "location": dice.pick(&regions), "properties": properties });
    if dice.chance(20) {
        out["tags"] = json!({ "env": dice.pick(&["prod", "test"]) });
    }
    out
}

/// Every path to a value in a document.
fn paths(value: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                prefix.push(json!(k));
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                prefix.push(json!(i));
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at_path<'v>(value: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    let mut v = value;
    for step in path {
        v = match step {
            Value::String(k) => v.get_mut(k.as_str())?,
            Value::Number(i) => v.get_mut(usize::try_from(i.as_u64()?).ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Whole documents: resources of every type from templates, commits and intents, then a few places
/// replaced by values of any shape, or removed.
fn documents() -> impl Strategy<Value = Value> {
    let resources = vec((0usize..14, vec(any::<u8>(), 48)), 0..14);
    let mutations = vec(
        (
            any::<prop::sample::Index>(),
            value(),
            prop::bool::weighted(0.3),
        ),
        0..3,
    );
    (resources, mutations, vec(any::<u8>(), 16)).prop_map(|(resources, mutations, bytes)| {
        let resources: Vec<Value> = resources
            .iter()
            .map(|(kind, bytes)| template(*kind, &mut Dice { bytes, at: 0 }))
            .collect();
        let dice = &mut Dice { bytes: &bytes, at: 0 };
        let nm = id("Microsoft.Network/networkManagers", "nm");
        let commits: Vec<Value> = (0..dice.roll() % 3)
            .map(|_| {
                json!({ "networkManagerId": nm, "commitType": dice.pick(&["Connectivity", "SecurityAdmin"]),
                        "configurationIds": [dice.pick(&[format!("{nm}/connectivityConfigurations/cc"), format!("{nm}/securityAdminConfigurations/sac")])],
                        "targetLocations": dice.some(&["eastus", "westus"], 2) })
            })
            .collect();
        let mut document = json!({ "resources": resources, "commits": commits,
            "intents": [{ "name": "i", "from": "10.0.1.4", "to": "10.1.1.4", "protocol": "Tcp", "port": 443, "expect": "Allowed" }] });
        for (index, value, remove) in mutations {
            let mut all = Vec::new();
            paths(&document, &mut Vec::new(), &mut all);
            let path = index.get(&all).clone();
            if remove && !path.is_empty() {
                let (last, parent) = path.split_last().expect("non-empty");
                match (last, at_path(&mut document, parent)) {
                    (Value::String(k), Some(Value::Object(map))) => {
                        map.remove(k);
                    }
                    (Value::Number(i), Some(Value::Array(items))) => {
                        let i = usize::try_from(i.as_u64().unwrap_or(0)).unwrap_or(0);
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            } else if let Some(slot) = at_path(&mut document, &path) {
                *slot = value;
            }
        }
        document
    })
}

const OPERATORS: [&str; 21] = [
    "equals",
    "notEquals",
    "like",
    "notLike",
    "match",
    "notMatch",
    "matchInsensitively",
    "notMatchInsensitively",
    "contains",
    "notContains",
    "in",
    "notIn",
    "containsKey",
    "notContainsKey",
    "less",
    "lessOrEquals",
    "greater",
    "greaterOrEquals",
    "exists",
    "startsWith",
    "NOTCONTAINS",
];

fn condition_leaf() -> impl Strategy<Value = Value> {
    let operand = prop_oneof![
        prop::sample::select(vec![
            "name",
            "Name",
            "id",
            "type",
            "location",
            "kind",
            "fullName",
            "tags",
            "tags['env']",
            "tags.env",
            "tags[env]",
            "tags['''it''s''']",
            "Microsoft.Network/virtualNetworks/addressSpace.addressPrefixes[*]",
            "[concat('tags[', 'env', ']')]",
            "",
        ])
        .prop_map(|f| json!({ "field": f })),
        prop::sample::select(vec![
            json!("[subscription().displayName]"),
            json!("[resourceGroup().tags['x']]"),
            json!("[parameters('p')]"),
            json!("[parameters('missing')]"),
            json!("[utcNow()]"),
            json!("[[escaped]"),
            json!(5),
            json!(["a", "b"]),
            json!(null),
            json!({}),
        ])
        .prop_map(|v| json!({ "value": v })),
    ];
    (
        operand,
        prop::sample::select(OPERATORS.to_vec()),
        prop_oneof![
            leaf(),
            Just(json!("[parameters('p')]")),
            Just(json!(["prod", 3, null]))
        ],
    )
        .prop_map(|(mut operand, operator, argument)| {
            operand[operator] = argument;
            operand
        })
}

fn condition() -> impl Strategy<Value = Value> {
    condition_leaf().prop_recursive(6, 64, 4, |inner| {
        prop_oneof![
            3 => vec(inner.clone(), 0..4).prop_map(|items| json!({ "allOf": items })),
            3 => vec(inner.clone(), 0..4).prop_map(|items| json!({ "ANYOF": items })),
            3 => inner.clone().prop_map(|c| json!({ "not": c })),
            1 => vec(inner.clone(), 0..3).prop_map(Value::Array),
            1 => inner.prop_map(|c| json!({ "not": c, "allOf": [] })),
            // Not a condition at all: a format error.
            1 => leaf(),
        ]
    })
}

/// A design with two VNets and a group, and definitions with generated conditions and parameters.
fn policy_documents() -> impl Strategy<Value = Value> {
    let parameters = prop_oneof![
        4 => prop::option::of(leaf()).prop_map(|default| {
            let mut p = json!({ "type": "String" });
            if let Some(default) = default {
                p["defaultValue"] = default;
            }
            Some(json!({ "p": p }))
        }),
        1 => prop::option::of(value()),
    ];
    let definition = (
        condition(),
        parameters,
        prop::option::of(prop_oneof![4 => leaf(), 1 => value()]),
    );
    vec(definition, 1..4).prop_map(|definitions| {
        let nm = id("Microsoft.Network/networkManagers", "nm");
        let group = format!("{nm}/networkGroups/ng");
        let mut resources = vec![
            json!({ "id": nm, "name": "nm", "type": "Microsoft.Network/networkManagers", "location": "eastus",
                    "properties": { "networkManagerScopes": { "subscriptions": [SUB] }, "networkManagerScopeAccesses": ["Connectivity"] } }),
            json!({ "id": group, "name": "ng", "type": "Microsoft.Network/networkManagers/networkGroups", "properties": { "memberType": "VirtualNetwork" } }),
            json!({ "id": id("Microsoft.Network/virtualNetworks", "vnet-prod"), "name": "vnet-prod", "type": "Microsoft.Network/virtualNetworks",
                    "location": "eastus", "tags": { "env": "prod", "tier": "3" },
                    "properties": { "addressSpace": { "addressPrefixes": ["10.1.0.0/16"] } } }),
            json!({ "id": id("Microsoft.Network/virtualNetworks", "vnet-untagged"), "name": "vnet-untagged", "type": "Microsoft.Network/virtualNetworks",
                    "location": "westus", "properties": { "addressSpace": { "addressPrefixes": ["10.2.0.0/16"] } } }),
        ];
        for (k, (condition, parameters, value)) in definitions.into_iter().enumerate() {
            let pd = format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/pd{k}");
            let mut properties = json!({
                "mode": "Microsoft.Network.Data",
                "policyRule": { "if": condition, "then": { "effect": "addToNetworkGroup", "details": { "networkGroupId": group } } },
            });
            if let Some(parameters) = parameters {
                properties["parameters"] = parameters;
            }
            resources.push(json!({ "id": pd, "name": format!("pd{k}"), "type": "Microsoft.Authorization/policyDefinitions", "properties": properties }));
            let mut assignment = json!({ "policyDefinitionId": pd, "scope": SUB });
            if let Some(value) = value {
                assignment["parameters"] = json!({ "p": { "value": value } });
            }
            resources.push(json!({
                "id": format!("{SUB}/providers/Microsoft.Authorization/policyAssignments/pa{k}"), "name": format!("pa{k}"),
                "type": "Microsoft.Authorization/policyAssignments", "properties": assignment,
            }));
        }
        json!({ "resources": resources })
    })
}

#[test]
fn fuzz_documents_of_every_shape() {
    run("documents", documents());
}

#[test]
fn fuzz_policy_conditions() {
    run("conditions", policy_documents());
}

// --- limits -------------------------------------------------------------------------------------------------

/// A policy document whose `if` is `depth` nested `not`s around one leaf.
fn nested(depth: usize) -> Value {
    let mut condition = json!({ "field": "name", "equals": "x" });
    for _ in 0..depth {
        condition = json!({ "not": condition });
    }
    json!({ "resources": [{
        "id": format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/deep"), "name": "deep",
        "type": "Microsoft.Authorization/policyDefinitions",
        "properties": { "mode": "Microsoft.Network.Data", "policyRule": { "if": condition, "then": { "effect": "addToNetworkGroup", "details": { "networkGroupId": "/x" } } } },
    }]})
}

#[test]
fn deeply_nested_conditions_are_refused_with_the_limit_named() {
    // From text, serde_json stops at a nesting of 128 JSON levels: an invalid-JSON error, one line.
    let text = serde_json::to_string(&nested(40)).unwrap();
    Scenario::parse(&text).expect("40 levels of `not` (80 JSON levels) load");
    let mut deep = String::from("{\"resources\": [");
    deep.push_str(&"[".repeat(10_000));
    let error = Scenario::parse(&deep).expect_err("too deep").to_string();
    assert!(error.contains("recursion limit"), "{error}");
    // Built in memory (as an edit or an import could), the format's own limit applies.
    let error = Scenario::from_document(nested(1_000))
        .expect_err("a condition nested 1,000 levels deep")
        .to_string();
    assert!(
        error.contains("nested deeper than") && error.contains("policyRule.if"),
        "{error}"
    );
}

#[test]
fn management_groups_in_a_cycle_are_an_error_and_analysis_ends() {
    let mg = |name: &str| format!("/providers/Microsoft.Management/managementGroups/{name}");
    let vnet = id("Microsoft.Network/virtualNetworks", "a");
    let document = json!({ "resources": [
        { "id": mg("mg-a"), "name": "mg-a", "type": "Microsoft.Management/managementGroups",
          "properties": { "children": [{ "id": mg("mg-b") }, { "id": SUB }] } },
        { "id": mg("mg-b"), "name": "mg-b", "type": "Microsoft.Management/managementGroups",
          "properties": { "children": [{ "id": mg("mg-a") }] } },
        { "id": id("Microsoft.Network/networkManagers", "nm"), "name": "nm", "type": "Microsoft.Network/networkManagers", "location": "eastus",
          "properties": { "networkManagerScopes": { "managementGroups": [mg("mg-b")] }, "networkManagerScopeAccesses": ["SecurityAdmin"] } },
        { "id": vnet, "name": "a", "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
          "properties": { "addressSpace": { "addressPrefixes": ["10.1.0.0/16"] } } },
    ]});
    assert_eq!(exercise(document.clone()), Ok(Some(1)));
    let analysis = analyze(&Scenario::from_document(document).unwrap());
    let cycle: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("cycle"))
        .collect();
    assert_eq!(cycle.len(), 1, "{:#?}", analysis.diagnostics);
    assert_eq!(cycle[0].severity, avnm_core::Severity::Error);
}

#[test]
fn a_50_mb_document_loads_and_analyses() {
    // 1,000 VNets, each with a 50 kB description: a document of about 50 MB.
    let padding = "x".repeat(50_000);
    let resources: Vec<Value> = (0..1_000)
        .map(|i| {
            json!({ "id": id("Microsoft.Network/virtualNetworks", &format!("v{i}")), "name": format!("v{i}"),
                    "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
                    "properties": { "description": padding, "addressSpace": { "addressPrefixes": [format!("10.{}.{}.0/24", i / 256, i % 256)] } } })
        })
        .collect();
    let text = serde_json::to_string(&json!({ "resources": resources })).unwrap();
    assert!(text.len() > 50_000_000);
    let started = std::time::Instant::now();
    let scenario = Scenario::parse(&text).expect("a large document loads");
    let analysis = analyze(&scenario);
    assert_eq!(analysis.model.vnets.len(), 1_000);
    eprintln!(
        "a {} MB document: loaded and analysed in {:.1} s",
        text.len() / 1_000_000,
        started.elapsed().as_secs_f64()
    );
}

// --- share links --------------------------------------------------------------------------------------------

/// The shipped examples, as text.
fn example_texts() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../static/examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("static/examples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("an example"))
        .collect()
}

/// Opens a link as the playground does: an error is one line; a link that opens holds a design that loads.
fn open_link(input: &Value) -> Result<Option<usize>, String> {
    let link = input.as_str().unwrap_or_default();
    match avnm_link::decode(link) {
        Err(e) => one_line(&e.to_string(), "a link error").map(|()| None),
        Ok(decoded) => {
            let scenario = Scenario::parse(&decoded.document)
                .map_err(|e| format!("an opened link's design does not load: {e}"))?;
            Ok(Some(scenario.model().vnets.len()))
        }
    }
}

const LINK_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Prefixes in place of `v1.`: older, newer, huge and malformed versions.
const VERSIONS: &[&str] = &[
    "v0.",
    "v2.",
    "v10.",
    "v4294967295.",
    "v4294967296.",
    "v99999999999999999999999.",
    "v.",
    "V1.",
    "v1",
    "1.",
    "v01.",
    "v-1.",
    "v1..",
    "",
];

/// Text put before a fragment: a whole URL, a bare `#`, or more `#`s.
const BEFORE: &[&str] = &[
    "https://example.org/playground/#",
    "#",
    "https://example.org/?q=a#b#",
    "##",
    "https://example.org/",
    " \n\t",
];

/// Raw deflate stored blocks that declare more bytes than follow (RFC 1951 §3.2.4: `LEN`, then its complement
/// `NLEN`), base64url-encoded: a link whose data says it is far larger than it is.
fn declared(len: u16, following: usize, complement_right: bool) -> String {
    use base64_free::encode;
    let [lo, hi] = len.to_le_bytes();
    let nlen = if complement_right { !len } else { len };
    let [nlo, nhi] = nlen.to_le_bytes();
    let mut bytes = vec![0x01, lo, hi, nlo, nhi];
    bytes.extend(std::iter::repeat_n(b'{', following));
    format!("v1.{}", encode(&bytes))
}

/// base64url without padding, written here so that the tests do not share the encoder under test.
mod base64_free {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }
}

/// Valid links of the examples, then damaged: cut, characters flipped to other link characters or to
/// characters no link has, whitespace inserted, versions changed, parts repeated, put in URLs, or replaced by
/// stored blocks that declare more data than they hold.
fn mutated_links() -> impl Strategy<Value = Value> {
    let links: Vec<String> = example_texts()
        .iter()
        .map(|text| {
            avnm_link::encode(text, &avnm_link::View::default()).expect("an example's link")
        })
        .collect();
    let edit = (
        0usize..9,
        any::<prop::sample::Index>(),
        any::<u16>(),
        any::<u8>(),
    );
    (prop::sample::select(links), vec(edit, 1..4)).prop_map(|(link, edits)| {
        let mut link = link.into_bytes();
        for (kind, at, n, byte) in edits {
            let i = at.index(link.len().max(1));
            match kind {
                0 => link.truncate(i),
                1 => {
                    if let Some(b) = link.get_mut(i) {
                        *b = LINK_CHARS[usize::from(byte) % LINK_CHARS.len()];
                    }
                }
                2 => {
                    if let Some(b) = link.get_mut(i) {
                        *b = *b"+/=%!\"'<> \0~."
                            .get(usize::from(byte) % 13)
                            .unwrap_or(&b'+');
                    }
                }
                3 => {
                    let v = VERSIONS[usize::from(byte) % VERSIONS.len()];
                    let rest = link.get(3..).unwrap_or_default().to_vec();
                    link = v.bytes().chain(rest).collect();
                }
                4 => {
                    let ws = [b' ', b'\n', b'\r', b'\t'][usize::from(byte) % 4];
                    link.insert(i.min(link.len()), ws);
                }
                5 => {
                    let end = (i + usize::from(n)).min(link.len());
                    let part = link.get(i..end).unwrap_or_default().to_vec();
                    link.splice(i..i, part);
                }
                6 => {
                    let before = BEFORE[usize::from(byte) % BEFORE.len()];
                    link.splice(0..0, before.bytes());
                }
                7 => link = declared(n, usize::from(byte), byte % 2 == 0).into_bytes(),
                _ => {
                    // Random bytes after the prefix, as base64url.
                    let random: Vec<u8> = (0..usize::from(n % 512))
                        .map(|k| (k as u8).wrapping_mul(byte | 1).wrapping_add(n as u8))
                        .collect();
                    link = format!("v1.{}", base64_free::encode(&random)).into_bytes();
                }
            }
        }
        Value::String(String::from_utf8_lossy(&link).into_owned())
    })
}

#[test]
fn fuzz_share_links() {
    run_checked("links", mutated_links(), cases() * 5, |v| open_link(&v));
}

#[test]
fn a_link_cut_before_its_end_says_it_is_cut() {
    for text in example_texts() {
        let link = avnm_link::encode(&text, &avnm_link::View::default()).unwrap();
        for end in (3..link.len() - 4).step_by(97) {
            assert_eq!(
                avnm_link::decode(&link[..end]).unwrap_err(),
                avnm_link::LinkError::Truncated,
                "cut at {end} of {}",
                link.len()
            );
        }
    }
}

#[test]
fn stored_blocks_declaring_more_than_they_hold_are_cut_or_damaged() {
    // LEN = 65,535 with its complement and 10 bytes following: the data ends early.
    assert_eq!(
        avnm_link::decode(&declared(u16::MAX, 10, true)).unwrap_err(),
        avnm_link::LinkError::Truncated
    );
    // LEN without its complement: invalid deflate data (RFC 1951 §3.2.4).
    assert!(matches!(
        avnm_link::decode(&declared(u16::MAX, 10, false)).unwrap_err(),
        avnm_link::LinkError::Corrupt(_)
    ));
}

#[test]
fn versions_other_than_one_are_refused_with_what_they_are() {
    let link = avnm_link::encode(r#"{"resources": []}"#, &avnm_link::View::default()).unwrap();
    let data = &link[3..];
    for (prefix, newer) in [
        ("v2.", Some(2)),
        ("v10.", Some(10)),
        ("v0.", None),
        ("v.", None),
    ] {
        let error = avnm_link::decode(&format!("{prefix}{data}")).unwrap_err();
        match newer {
            Some(version) => assert_eq!(error, avnm_link::LinkError::Newer { version }, "{prefix}"),
            None => assert_eq!(error, avnm_link::LinkError::NotALink, "{prefix}"),
        }
    }
}

#[test]
fn a_million_character_fragment_is_refused_or_opened_in_one_pass() {
    let started = std::time::Instant::now();
    // A million link characters that are not deflate data.
    let junk = format!("v1.{}", "A".repeat(1_000_000));
    assert!(matches!(
        avnm_link::decode(&junk).unwrap_err(),
        avnm_link::LinkError::Corrupt(_)
    ));
    // A million characters of whitespace and `#`: not a link.
    let blank = format!("https://example.org/#{}", " \n#".repeat(333_334));
    assert_eq!(
        avnm_link::decode(&blank).unwrap_err(),
        avnm_link::LinkError::NotALink
    );
    // A link of about a million characters that holds a design: a title of incompressible text.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let title: String = (0..1_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(LINK_CHARS[(x % 64) as usize])
        })
        .collect();
    let document = json!({ "title": title, "resources": [] }).to_string();
    let link = avnm_link::encode(&document, &avnm_link::View::default()).unwrap();
    assert!(
        link.len() >= 1_000_000,
        "the link is {} characters",
        link.len()
    );
    let opened = avnm_link::decode(&link).unwrap();
    assert_eq!(opened.document, document);
    // Deeply nested JSON inside a sound link: refused by the JSON reader's depth limit, not a stack overflow.
    let nested = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    let packed = stored_deflate(format!(r#"{{"view":{{}},"design":{nested}}}"#).as_bytes());
    let deep = format!("v1.{}", base64_free::encode(&packed));
    assert!(matches!(
        avnm_link::decode(&deep).unwrap_err(),
        avnm_link::LinkError::Corrupt(_) | avnm_link::LinkError::NotADesign(_)
    ));
    eprintln!(
        "million-character links: {:.2} s in all ({} characters for the design)",
        started.elapsed().as_secs_f64(),
        link.len()
    );
}

/// Raw deflate of `bytes` in stored blocks (RFC 1951 §3.2.4), written here: no compression needed for a test
/// that only needs a sound stream.
fn stored_deflate(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = bytes.chunks(65_535).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = u16::try_from(chunk.len()).unwrap();
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

// --- imports ------------------------------------------------------------------------------------------------

/// The Azure samples (`../shared/azure-samples`, or `$AVNM_SHARED/azure-samples`, as `import.rs` reads them) and
/// the examples, as `(name, text)`.
fn import_inputs() -> Vec<(String, String)> {
    let shared = std::env::var_os("AVNM_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    );
    let dir = shared.join("azure-samples");
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 40,
        "the shared azure-samples folder is missing: looked for `{}` (or set AVNM_SHARED)",
        dir.display()
    );
    let mut inputs: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    inputs.extend(
        example_texts()
            .into_iter()
            .take(2)
            .enumerate()
            .map(|(i, t)| (format!("example-{i}.json"), t)),
    );
    inputs
}

/// Imports files as `avnm import` does: an error and every report line is one line; what is imported loads.
fn import_and_load(input: &Value) -> Result<Option<usize>, String> {
    let sources: Vec<Source> = input
        .as_array()
        .into_iter()
        .flatten()
        .map(|file| {
            Source::new(
                file["name"].as_str().unwrap_or_default(),
                file["text"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    match import(&sources) {
        Err(e) => {
            one_line(&e.to_string(), "an import error")?;
            for line in e.report() {
                one_line(&line.to_string(), "a report line")?;
            }
            Ok(None)
        }
        Ok(imported) => {
            for line in &imported.report {
                one_line(&line.to_string(), "a report line")?;
            }
            let scenario = imported
                .scenario()
                .map_err(|e| format!("an import made a document that does not load: {e}"))?;
            let analysis = analyze(&scenario);
            for d in &analysis.diagnostics {
                one_line(&d.message, "a diagnostic")?;
            }
            Ok(Some(scenario.model().vnets.len()))
        }
    }
}

/// A value of another type than the one it replaces, or a hostile one.
fn retyped() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(-1)),
        Just(json!(1e308)),
        Just(json!(u64::MAX)),
        Just(json!("")),
        Just(json!("[concat('a', 'b')]")),
        Just(json!("[[not an expression]")),
        Just(json!("[parameters('missing')]")),
        Just(json!("line\nbreak")),
        Just(json!([])),
        Just(json!({})),
        Just(json!([[[[[[[[[[]]]]]]]]]])),
        leaf(),
    ]
}

/// The Azure samples and examples, a few at once, each with values swapped between places, removed, retyped,
/// or its text cut short.
fn mutated_imports() -> impl Strategy<Value = Value> {
    let inputs = import_inputs();
    let file = (
        prop::sample::select(inputs),
        vec(
            (
                0usize..4,
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                retyped(),
            ),
            0..5,
        ),
    );
    vec(file, 1..3).prop_map(|files| {
        let files: Vec<Value> = files
            .into_iter()
            .map(|((name, text), edits)| {
                let Ok(mut value) = serde_json::from_str::<Value>(&text) else {
                    return json!({ "name": name, "text": text });
                };
                let mut cut = None;
                for (kind, a, b, new) in edits {
                    let mut all = Vec::new();
                    paths(&value, &mut Vec::new(), &mut all);
                    let pa = all[a.index(all.len())].clone();
                    let pb = all[b.index(all.len())].clone();
                    match kind {
                        0 => {
                            // Swap two values that are not inside one another.
                            if pa.starts_with(&pb) || pb.starts_with(&pa) {
                                continue;
                            }
                            let va = at_path(&mut value, &pa).map(Value::take);
                            let vb = at_path(&mut value, &pb).map(Value::take);
                            if let (Some(va), Some(vb)) = (va, vb) {
                                *at_path(&mut value, &pa).unwrap() = vb;
                                *at_path(&mut value, &pb).unwrap() = va;
                            }
                        }
                        1 => {
                            // Remove a member or an item.
                            if let Some((last, parent)) = pa.split_last()
                                && let Some(container) = at_path(&mut value, parent)
                            {
                                match (container, last) {
                                    (Value::Object(map), Value::String(k)) => {
                                        map.remove(k);
                                    }
                                    (Value::Array(items), Value::Number(i)) => {
                                        let i = i.as_u64().unwrap() as usize;
                                        if i < items.len() {
                                            items.remove(i);
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                        2 => {
                            if let Some(v) = at_path(&mut value, &pa) {
                                *v = new;
                            }
                        }
                        _ => cut = Some(b.index(text.len().max(1))),
                    }
                }
                let mut text = serde_json::to_string_pretty(&value).unwrap();
                if let Some(at) = cut {
                    let at = (0..=at.min(text.len()))
                        .rev()
                        .find(|i| text.is_char_boundary(*i));
                    text.truncate(at.unwrap_or(0));
                }
                json!({ "name": name, "text": text })
            })
            .collect();
        Value::Array(files)
    })
}

#[test]
fn fuzz_imports_of_mutated_azure_samples() {
    run_checked("imports", mutated_imports(), cases(), |v| {
        import_and_load(&v)
    });
}

/// An ARM template expression of the functions the import evaluates, nested up to `depth`, reading variables
/// that may refer to each other (cycles included), parameters and loop indexes, with extreme numbers.
fn expression(depth: u32) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(vec![
            "0",
            "1",
            "-1",
            "800",
            "10000",
            "9223372036854775807",
            "-9223372036854775808",
            "'a'",
            "''",
            "'it''s'",
            "'10.0.0.0/16'",
            "true",
            "null",
            "variables('v0')",
            "variables('v1')",
            "variables('v2')",
            "variables('missing')",
            "parameters('p')",
            "parameters('missing')",
            "copyIndex()",
            "copyIndex('loop', 9223372036854775807)",
            "resourceGroup().location",
            "subscription().subscriptionId",
            "resourceGroup()['name']",
        ])
        .prop_map(str::to_owned),
    ];
    leaf.prop_recursive(depth, 64, 3, |inner| {
        (
            prop::sample::select(vec![
                "concat",
                "format",
                "string",
                "int",
                "json",
                "toLower",
                "replace",
                "split",
                "join",
                "substring",
                "padLeft",
                "length",
                "contains",
                "equals",
                "if",
                "coalesce",
                "createArray",
                "createObject",
                "union",
                "first",
                "last",
                "take",
                "skip",
                "range",
                "add",
                "sub",
                "mul",
                "div",
                "mod",
                "min",
                "max",
                "less",
                "greater",
                "not",
                "and",
                "or",
                "resourceId",
                "subscriptionResourceId",
                "tryGet",
                "items",
                "array",
                "map",
                "filter",
                "lambda",
                "reference",
                "guid",
            ]),
            vec(inner, 0..4),
        )
            .prop_map(|(f, args)| format!("{f}({})", args.join(", ")))
    })
}

/// ARM templates whose variables, parameter defaults, names, prefixes and copy counts are generated expressions.
fn generated_templates() -> impl Strategy<Value = Value> {
    let expr = || expression(5).prop_map(|e| format!("[{e}]"));
    (vec(expr(), 3), expr(), vec(expr(), 5), any::<bool>()).prop_map(|(variables, default, fields, nested)| {
        let vnet = json!({
            "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01",
            "name": fields[0], "location": fields[1],
            "copy": { "name": "loop", "count": fields[2] },
            "tags": { "t": fields[3] },
            "properties": { "addressSpace": { "addressPrefixes": [fields[4]] },
                            "copy": [{ "name": "subnets", "count": fields[2],
                                       "input": { "name": fields[0], "properties": { "addressPrefix": fields[4] } } }] },
        });
        let resources = if nested {
            json!([{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
                     "copy": { "name": "outer", "count": fields[2] },
                     "properties": { "mode": "Incremental", "template": {
                         "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                         "resources": [vnet] } } }])
        } else {
            json!([vnet])
        };
        let template = json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": { "p": { "type": "string", "defaultValue": default } },
            "variables": { "v0": variables[0], "v1": variables[1], "v2": variables[2] },
            "resources": resources,
        });
        json!([{ "name": "template.json", "text": template.to_string() }])
    })
}

#[test]
fn fuzz_imports_of_templates_with_generated_expressions() {
    run_checked("templates", generated_templates(), cases(), |v| {
        import_and_load(&v)
    });
}

/// A template whose variables double at each step: `v<i+1>` is `v<i>` twice, 64 steps, so that `v64` would be
/// 2^64 characters; and nested deployments multiplying copies at every level (800^5).
#[test]
fn templates_that_grow_exponentially_stop_at_the_limits() {
    let started = std::time::Instant::now();
    let mut variables = Map::new();
    variables.insert("v0".to_owned(), json!("ab"));
    for i in 0..64 {
        variables.insert(
            format!("v{}", i + 1),
            json!(format!("[concat(variables('v{i}'), variables('v{i}'))]")),
        );
    }
    let vnet = |name: &str| {
        json!({ "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": name,
                "location": "westeurope", "copy": { "name": "c", "count": 800 },
                "properties": { "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] } } })
    };
    let mut nested = json!([vnet("[concat('vnet', copyIndex())]")]);
    for _ in 0..4 {
        nested = json!([{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                          "name": "[concat('d', copyIndex())]", "copy": { "name": "d", "count": 800 },
                          "properties": { "mode": "Incremental", "template": { "resources": nested } } }]);
    }
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "variables": variables,
        "resources": [vnet("[variables('v64')]"), nested[0]],
    });
    let imported = import(&[Source::new("bomb.json", template.to_string())]);
    let report = match &imported {
        Ok(imported) => imported.report.clone(),
        Err(e) => e.report().to_vec(),
    };
    assert!(
        report.iter().any(|l| l.message.contains("units of work")),
        "the work limit is named: {:#?}",
        report.iter().take(5).collect::<Vec<_>>()
    );
    assert!(
        report.iter().any(|l| l.message.contains("copies in all")),
        "the limit is named: {:#?}",
        report.iter().take(5).collect::<Vec<_>>()
    );
    for line in &report {
        one_line(&line.to_string(), "a report line").unwrap();
    }
    eprintln!(
        "exponential templates: stopped at the work limit in {:.2} s, {} report lines",
        started.elapsed().as_secs_f64(),
        report.len()
    );
}

#[test]
fn integer_extremes_in_template_functions_are_unevaluated_not_a_crash() {
    for expression in [
        "[range(9223372036854775807, 5)]",
        "[div(-9223372036854775808, -1)]",
        "[mod(-9223372036854775808, -1)]",
        "[string(copyIndex(9223372036854775807))]",
        "[add(9223372036854775807, 1)]",
        "[padLeft('a', 9223372036854775807)]",
        "[substring('abc', 9223372036854775807, 9223372036854775807)]",
        "[take(range(0, 5), -9223372036854775808)]",
    ] {
        let template = json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "resources": [{ "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01",
                            "name": "v", "location": "westeurope", "copy": { "name": "c", "count": 2 },
                            "tags": { "t": expression },
                            "properties": { "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] } } }],
        });
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            import(&[Source::new("t.json", template.to_string())])
        }));
        assert!(outcome.is_ok(), "{expression} panics");
    }
}
