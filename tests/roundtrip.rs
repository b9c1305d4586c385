//! Round trips (issue 6 item 3): a design exported as an ARM template (`avnm_core::export`) and read back by the
//! import (`avnm_core::import`) gives the same results as the design itself.
//!
//! For every example of `static/examples/` and for designs of the generator (`avnm_core::generate`), the design
//! read back has:
//! - the same membership: every network group with the same members, each in or out of its manager's scope,
//!   for the same reasons (static member or policy assignment), and every VNet in the same groups;
//! - the same topology: the same effective peerings with their origin and configurations, and the same connected
//!   groups (members, configuration, region, hub, dropped and excluded ranges);
//! - the same verdicts, rule that decided and trace stages for the flow of every intent of the design (each still
//!   gives the answer the intent expects) and for a sample of flows between the design's endpoints.
//!
//! Ids are compared as the engine compares them, without regard to case: the import spells a resource group
//! segment `resourceGroups` as ARM does whatever the document wrote.
//!
//! Only ARM reads back: a Bicep file becomes a template only through the Bicep compiler (`bicep build`), which
//! ships on NuGet and the Bicep releases, neither of which this machine reaches, so import(export(Bicep)) is not
//! tested; nor are Terraform and the `az` script, which the import does not read (it reads what Azure returns and
//! ARM templates).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::collections::BTreeSet;
use std::net::IpAddr;

use avnm_core::export::{Format, export};
use avnm_core::import::{Source, import};
use avnm_core::model::Protocol;
use avnm_core::{Analysis, Flow, Scenario, analyze};
use avnm_gen::{Params, design};

fn examples() -> Vec<(String, Scenario)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../static/examples");
    let mut out: Vec<(String, Scenario)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, scenario)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 7, "the examples are found");
    out
}

/// The design exported as an ARM template and imported back.
fn through_arm(name: &str, scenario: &Scenario) -> Scenario {
    let exported = export(scenario, Format::Arm);
    let imported = import(&[Source::new(format!("{name}.arm.json"), exported.text)])
        .unwrap_or_else(|e| panic!("{name}: the ARM export does not import: {e}"));
    imported
        .scenario()
        .unwrap_or_else(|e| panic!("{name}: the import is not a scenario: {e}"))
}

/// Addresses to send flows between: every NIC's address, and the fourth address of every VNet's first prefix
/// (the first one Azure gives out in a subnet at the start of the range).
fn endpoints(analysis: &Analysis) -> Vec<IpAddr> {
    let model = &analysis.model;
    let mut out = BTreeSet::new();
    for nic in model.nics.values() {
        out.extend(nic.ip_configurations.iter().filter_map(|c| c.address));
    }
    for vnet in model.vnets.values() {
        if let Some(IpAddr::V4(first)) = vnet.address_space.first().map(|p| p.network()) {
            out.insert(IpAddr::V4((u32::from(first) + 4).into()));
        }
    }
    out.into_iter().collect()
}

/// A sample of flows: every intent's flow, then pairs of endpoints on a few protocols and ports, at most about
/// `limit` of them, spread over the pairs.
fn flows(analysis: &Analysis, limit: usize) -> Vec<(String, Flow)> {
    let mut out: Vec<(String, Flow)> = analysis
        .model
        .intents
        .iter()
        .map(|i| (format!("intent `{}`", i.name), i.flow))
        .collect();
    let ends = endpoints(analysis);
    let pairs: Vec<(IpAddr, IpAddr)> = ends
        .iter()
        .flat_map(|a| ends.iter().filter(move |b| *b != a).map(move |b| (*a, *b)))
        .collect();
    let kinds = [
        (Protocol::Tcp, 22),
        (Protocol::Tcp, 443),
        (Protocol::Tcp, 3389),
        (Protocol::Udp, 53),
        (Protocol::Icmp, 0),
    ];
    let step = (pairs.len() * kinds.len() / limit.max(1)).max(1);
    for (n, (from, to)) in pairs.iter().enumerate() {
        for (k, (protocol, port)) in kinds.iter().enumerate() {
            if (n * kinds.len() + k) % step != 0 {
                continue;
            }
            let mut flow = Flow::new(*from, *to, *protocol, *port);
            if !protocol.has_ports() {
                flow.port = None;
            }
            out.push((format!("{flow}"), flow));
        }
    }
    out
}

/// A deciding rule by its last two names (`rc-baseline/deny-ssh`), or `no rule`.
fn rule(r: Option<&avnm_core::verdict::RuleRef>) -> String {
    r.map_or_else(
        || "no rule".to_owned(),
        |r| {
            let id = r.to_string();
            let mut names = id.rsplit('/').step_by(2);
            let last = names.next().unwrap_or_default();
            let parent = names.next().unwrap_or_default();
            format!("`{parent}/{last}`")
        },
    )
}

/// Compares the results of a design and of its round trip, and says every difference.
fn differences(name: &str, original: &Scenario, back: &Scenario, sample: usize) -> Vec<String> {
    let before = analyze(original);
    let after = analyze(back);
    let mut problems = Vec::new();

    // Membership.
    let groups = |a: &Analysis| a.membership.groups.keys().cloned().collect::<Vec<_>>();
    if groups(&before) != groups(&after) {
        problems.push(format!(
            "network groups {:?} became {:?}",
            groups(&before),
            groups(&after)
        ));
    }
    for (group, members) in &before.membership.groups {
        let theirs = after
            .membership
            .groups
            .get(group)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for member in members {
            match theirs.iter().find(|m| m.id == member.id) {
                None => problems.push(format!(
                    "`{}` is no longer a member of `{}`",
                    member.id,
                    group.name()
                )),
                Some(m) if m != member => problems.push(format!(
                    "`{}` in `{}`: {member:?} became {m:?}",
                    member.id,
                    group.name()
                )),
                Some(_) => {}
            }
        }
        for m in theirs
            .iter()
            .filter(|m| !members.iter().any(|b| b.id == m.id))
        {
            problems.push(format!("`{}` became a member of `{}`", m.id, group.name()));
        }
    }
    if before.membership.vnet_groups != after.membership.vnet_groups {
        problems.push("the groups of the VNets differ".to_owned());
    }

    // Topology.
    if before.topology.peerings != after.topology.peerings {
        problems.push(format!(
            "peerings {:?} became {:?}",
            before.topology.peerings, after.topology.peerings
        ));
    }
    if before.topology.connected_groups != after.topology.connected_groups {
        problems.push(format!(
            "connected groups {:?} became {:?}",
            before.topology.connected_groups, after.topology.connected_groups
        ));
    }

    // Verdicts.
    for intent in &before.model.intents {
        let verdict = after.verdict(&intent.flow);
        if verdict.verdict != intent.expect {
            problems.push(format!(
                "intent `{}` expects {:?}, the round trip gives {:?}",
                intent.name, intent.expect, verdict.verdict
            ));
        }
    }
    let sampled = flows(&before, sample);
    assert!(
        sampled.len() > before.model.intents.len() || before.model.vnets.len() < 2,
        "{name}: flows between endpoints are sampled"
    );
    for (what, flow) in &sampled {
        let (a, b) = (before.verdict(flow), after.verdict(flow));
        let stages = |v: &avnm_core::Verdict| {
            v.trace
                .0
                .iter()
                .map(|s| (s.stage, s.result, s.matched_rule.clone()))
                .collect::<Vec<_>>()
        };
        if a.verdict != b.verdict || a.decided_by != b.decided_by {
            problems.push(format!(
                "{what}: {:?} by {} became {:?} by {}",
                a.verdict,
                rule(a.decided_by.as_ref()),
                b.verdict,
                rule(b.decided_by.as_ref())
            ));
        } else if stages(&a) != stages(&b) {
            problems.push(format!(
                "{what}: the trace {:?} became {:?}",
                stages(&a),
                stages(&b)
            ));
        }
    }
    problems
}

/// Fails with the differences of every design, at most a few lines each.
#[track_caller]
fn check(results: &[(String, Vec<String>)]) {
    let failed: Vec<String> = results
        .iter()
        .filter(|(_, problems)| !problems.is_empty())
        .map(|(name, problems)| {
            let mut lines: Vec<String> = problems.iter().take(12).cloned().collect();
            if problems.len() > lines.len() {
                lines.push(format!("... and {} more", problems.len() - lines.len()));
            }
            format!(
                "{name}: the ARM round trip changes {} result(s):\n  {}",
                problems.len(),
                lines.join("\n  ")
            )
        })
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn every_example_reads_back_from_its_arm_export_with_the_same_results() {
    let results: Vec<(String, Vec<String>)> = examples()
        .into_iter()
        .map(|(name, scenario)| {
            let back = through_arm(&name, &scenario);
            let problems = differences(&name, &scenario, &back, 400);
            (name, problems)
        })
        .collect();
    check(&results);
}

#[test]
fn generated_designs_read_back_from_their_arm_export_with_the_same_results() {
    let small = Params::small();
    let designs = [
        small.clone(),
        Params {
            seed: 7,
            ..small.clone()
        },
        Params {
            vnets: 120,
            regions: 3,
            subscriptions: 6,
            network_groups: 40,
            seed: 42,
            ..small
        },
    ];
    let results: Vec<(String, Vec<String>)> = designs
        .iter()
        .map(|params| {
            let name = format!("generated seed {} ({} VNets)", params.seed, params.vnets);
            let scenario = Scenario::parse(&design(params)).unwrap();
            let back = through_arm(&name, &scenario);
            let problems = differences(&name, &scenario, &back, 600);
            (name, problems)
        })
        .collect();
    check(&results);
}
