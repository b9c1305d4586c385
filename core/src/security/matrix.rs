//! The VNet-to-VNet reachability matrix for one protocol and port.
//!
//! Each VNet is represented by one endpoint: its first network interface (by id), or else the first usable
//! address (the network address plus 4, as Azure reserves the first four) of its first subnet.
//! A cell's verdict depends only on what the evaluation reads: the two endpoints' rule sets, NSGs, the rule
//! prefixes their addresses fall in, and how the two VNets are linked.
//! VNets alike in all of that share a class, and one verdict is computed per pair of classes and kind of
//! link, so the cost grows with the number of distinct classes, not with the number of pairs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use super::{Inputs, Place};
use crate::addressing::PrefixIndex;
use crate::connectivity::is_dropped;
use crate::model::{AddressItem, Decision, Protocol, Vnet, VnetId};
use crate::verdict::{Flow, RuleRef};

/// Reachability between every pair of VNets.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Matrix {
    /// The protocol evaluated.
    pub protocol: Protocol,
    /// The destination port evaluated.
    pub port: u16,
    /// The VNets, in id order; rows are sources, columns destinations.
    pub vnets: Vec<VnetId>,
    /// The address that stands for each VNet, if it has one.
    pub endpoints: Vec<Option<IpAddr>>,
    /// `cells[i][j]`: traffic from `vnets[i]` to `vnets[j]`.
    pub cells: Vec<Vec<Cell>>,
    /// How many distinct verdicts were computed.
    pub evaluations: usize,
}

/// One cell of the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// The verdict.
    pub verdict: Decision,
    /// The deciding rule.
    pub decided_by: Option<RuleRef>,
}

/// The address standing for a VNet in the matrix.
pub fn representative(inputs: &Inputs<'_>, vnet: &Vnet) -> Option<IpAddr> {
    let subnet_ids: BTreeSet<_> = vnet.subnets.iter().map(|s| &s.id).collect();
    let nic = inputs.model.nics.values().find_map(|nic| {
        nic.ip_configurations
            .iter()
            .find(|c| c.subnet.as_ref().is_some_and(|s| subnet_ids.contains(s)))
            .and_then(|c| c.address)
    });
    nic.or_else(|| {
        vnet.subnets
            .first()
            .and_then(|s| s.prefixes.first())
            .and_then(|p| match p {
                IpNet::V4(n) => u32::from(n.network())
                    .checked_add(4)
                    .map(|a| IpAddr::V4(a.into())),
                IpNet::V6(n) => u128::from(n.network())
                    .checked_add(4)
                    .map(|a| IpAddr::V6(a.into())),
            })
    })
}

/// How two VNets are linked, as far as a verdict can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Relation {
    Same,
    Peered,
    Connected,
    Dropped,
    None,
}

/// Builds the matrix.
pub fn build(inputs: &Inputs<'_>, protocol: Protocol, port: u16) -> Matrix {
    let model = inputs.model;
    let vnets: Vec<&Vnet> = model.vnets.values().collect();
    let position: BTreeMap<&VnetId, usize> =
        vnets.iter().enumerate().map(|(i, v)| (&v.id, i)).collect();
    let endpoints: Vec<Option<IpAddr>> = vnets.iter().map(|v| representative(inputs, v)).collect();

    // Every prefix that a rule mentions, to tell which rule addresses an endpoint falls in.
    let mut rule_prefixes: PrefixIndex<usize> = PrefixIndex::default();
    let mut count = 0usize;
    let mut add = |items: &[AddressItem], index: &mut PrefixIndex<usize>| {
        for item in items {
            if let AddressItem::Prefix(net) = item {
                index.insert(*net, count);
                count += 1;
            }
        }
    };
    for nsg in model.nsgs.values() {
        for rule in &nsg.rules {
            add(&rule.sources, &mut rule_prefixes);
            add(&rule.destinations, &mut rule_prefixes);
        }
    }
    for config in model.security_admin_configs.values() {
        for collection in &config.collections {
            for rule in &collection.rules {
                add(&rule.sources, &mut rule_prefixes);
                add(&rule.destinations, &mut rule_prefixes);
            }
        }
    }
    for prefixes in inputs.index.group_prefixes.values() {
        for net in prefixes {
            rule_prefixes.insert(*net, count);
            count += 1;
        }
    }

    // Classes of alike VNets.
    let mut class_ids: HashMap<String, usize> = HashMap::new();
    let classes: Vec<Option<usize>> = vnets
        .iter()
        .zip(&endpoints)
        .map(|(vnet, ip)| {
            let ip = (*ip)?;
            let key = signature(inputs, vnet, ip, &rule_prefixes);
            let next = class_ids.len();
            Some(*class_ids.entry(key).or_insert(next))
        })
        .collect();

    // Links by position.
    let peers: Vec<BTreeSet<usize>> = vnets
        .iter()
        .map(|v| {
            inputs
                .topology
                .peers_of(&v.id)
                .filter_map(|p| position.get(p).copied())
                .collect()
        })
        .collect();
    let group_sets: Vec<Vec<usize>> = {
        let mut sets = vec![Vec::new(); vnets.len()];
        for (g, group) in inputs.topology.connected_groups.iter().enumerate() {
            for member in &group.vnets {
                if let Some(set) = position.get(member).and_then(|&i| sets.get_mut(i)) {
                    set.push(g);
                }
            }
        }
        sets
    };

    let mut cache: HashMap<(usize, usize, Relation), Cell> = HashMap::new();
    let unreachable = Cell {
        verdict: Decision::Unreachable,
        decided_by: None,
    };
    let mut cells = Vec::with_capacity(vnets.len());
    for i in 0..vnets.len() {
        let mut row = Vec::with_capacity(vnets.len());
        for j in 0..vnets.len() {
            let (Some(Some(ci)), Some(Some(cj)), Some(Some(src)), Some(Some(dst))) = (
                classes.get(i),
                classes.get(j),
                endpoints.get(i),
                endpoints.get(j),
            ) else {
                row.push(unreachable.clone());
                continue;
            };
            let relation = if i == j {
                Relation::Same
            } else if peers.get(i).is_some_and(|p| p.contains(&j)) {
                Relation::Peered
            } else {
                let shared: Vec<usize> = match (group_sets.get(i), group_sets.get(j)) {
                    (Some(a), Some(b)) => a.iter().filter(|g| b.contains(g)).copied().collect(),
                    _ => Vec::new(),
                };
                if shared.is_empty() {
                    Relation::None
                } else if shared
                    .iter()
                    .filter_map(|g| inputs.topology.connected_groups.get(*g))
                    .all(|g| is_dropped(g, *dst))
                {
                    Relation::Dropped
                } else {
                    Relation::Connected
                }
            };
            let cell = cache.entry((*ci, *cj, relation)).or_insert_with(|| {
                let verdict = super::evaluate(
                    inputs,
                    &Flow {
                        from: *src,
                        to: *dst,
                        protocol,
                        port: Some(port),
                        source_port: None,
                    },
                );
                Cell {
                    verdict: verdict.verdict,
                    decided_by: verdict.decided_by,
                }
            });
            row.push(cell.clone());
        }
        cells.push(row);
    }
    Matrix {
        protocol,
        port,
        vnets: vnets.iter().map(|v| v.id.clone()).collect(),
        endpoints,
        cells,
        evaluations: cache.len(),
    }
}

/// Everything about a VNet's endpoint that a verdict reads, as a string key.
fn signature(
    inputs: &Inputs<'_>,
    vnet: &Vnet,
    ip: IpAddr,
    rule_prefixes: &PrefixIndex<usize>,
) -> String {
    use std::fmt::Write;
    let mut key = String::new();
    // An address in several VNets resolves by context: such a VNet is a class of its own.
    if inputs.index.vnets_containing(inputs.model, ip).len() != 1 {
        let _ = write!(key, "unique:{};", vnet.id);
        return key;
    }
    let admin = inputs
        .index
        .admin
        .get(&vnet.id)
        .map_or(0, |set| std::sync::Arc::as_ptr(set) as usize);
    let _ = write!(key, "admin:{admin};");
    let intent = vnet
        .subnets
        .iter()
        .any(|s| s.intent_policy_service.is_some());
    let _ = write!(key, "intent:{intent};");
    if let Place::Endpoint(e) = inputs.place_in(vnet, ip) {
        let _ = write!(
            key,
            "role:{:?};subnet-nsg:{:?};",
            e.subnet.role,
            e.subnet
                .nsg
                .as_ref()
                .map(|n| n.as_str().to_ascii_lowercase())
        );
        if let Some((nic, config)) = e.nic {
            let mut asgs: Vec<String> = config
                .asgs
                .iter()
                .map(|a| a.as_str().to_ascii_lowercase())
                .collect();
            asgs.sort();
            let _ = write!(
                key,
                "nic-nsg:{:?};pe:{};asgs:{asgs:?};",
                nic.nsg.as_ref().map(|n| n.as_str().to_ascii_lowercase()),
                nic.private_endpoint
            );
        }
    }
    let mut hits = rule_prefixes.lookup(ip);
    hits.sort_unstable();
    let _ = write!(key, "prefixes:{hits:?};");
    let private = super::rules::is_private(ip);
    let _ = write!(
        key,
        "private:{private};lb:{}",
        ip == IpAddr::V4(super::rules::AZURE_LOAD_BALANCER)
    );
    key
}
