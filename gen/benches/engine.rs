//! Engine benchmarks on generated designs (`avnm_gen`).
//!
//! Run with `cargo bench -p avnm-gen --bench engine`; one benchmark with
//! `cargo bench -p avnm-gen --bench engine -- verdict/t2`.
//!
//! - `parse/t2`: [`Scenario::parse`] of the T2 document ([`Params::t2`]).
//! - `analyze/t2`: [`analyze`]: membership, goal state, topology and the security index.
//! - `effective_rules/t2`: the effective rules of 1,000 network interfaces (one in ten).
//! - `verdict/t2`: one traced verdict, cycling through about 100 representative flows.
//! - `matrix/250`, `matrix/500`, `matrix/1000`: the Tcp/443 reachability matrix of designs with that many
//!   VNets and otherwise T2 settings, with 100 NSGs and 50 network groups at every size so that the
//!   growth with the number of VNets shows.
//!
//! Designs are generated, parsed and analysed once, outside the timed closures.

#![expect(
    clippy::expect_used,
    reason = "a benchmark stops when its generated design does not load"
)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Duration;

use avnm_core::model::{NicId, Protocol, VnetId};
use avnm_core::{Analysis, Flow, Scenario, analyze};
use avnm_gen::{Params, design};
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

/// The T2 design: its text, the scenario and its analysis, built once for every group.
struct T2 {
    text: String,
    scenario: Scenario,
    analysis: Analysis,
}

fn t2() -> &'static T2 {
    static DESIGN: OnceLock<T2> = OnceLock::new();
    DESIGN.get_or_init(|| {
        let text = design(&Params::t2());
        let scenario = Scenario::parse(&text).expect("the T2 design loads");
        let analysis = analyze(&scenario);
        eprintln!(
            "T2 design: {:.1} MB, {} VNets, {} NICs, {} NSGs, {} network groups, {} diagnostics",
            text.len() as f64 / 1e6,
            scenario.model().vnets.len(),
            scenario.model().nics.len(),
            scenario.model().nsgs.len(),
            scenario.model().groups.len(),
            analysis.diagnostics.len(),
        );
        T2 {
            text,
            scenario,
            analysis,
        }
    })
}

/// A design with `vnets` VNets for the matrix benchmarks.
fn matrix_params(vnets: usize) -> Params {
    Params {
        vnets,
        network_groups: 50,
        nsgs: 100,
        ..Params::t2()
    }
}

/// Settings for benchmarks whose one iteration takes a second or more.
fn slow(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    slow(&mut group);
    group.bench_function("t2", |b| {
        let text = &t2().text;
        b.iter(|| Scenario::parse(black_box(text)))
    });
    group.finish();
}

fn analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze");
    slow(&mut group);
    group.bench_function("t2", |b| {
        let scenario = &t2().scenario;
        b.iter(|| analyze(black_box(scenario)))
    });
    group.finish();
}

fn effective_rules(c: &mut Criterion) {
    let mut group = c.benchmark_group("effective_rules");
    slow(&mut group);
    group.throughput(Throughput::Elements(1000));
    group.bench_function("t2", |b| {
        let design = t2();
        let nics: Vec<&NicId> = design
            .scenario
            .model()
            .nics
            .keys()
            .step_by(10)
            .take(1000)
            .collect();
        b.iter(|| {
            for nic in &nics {
                black_box(design.analysis.effective_nic_rules(nic));
            }
        })
    });
    group.finish();
}

/// About 100 flows of the kinds a user asks about: management and SMB from the hub of the region, spoke to
/// spoke, to and from the Internet, DNS to the hub and SQL between spokes; printed once with their verdicts.
fn representative_flows() -> &'static [Flow] {
    static FLOWS: OnceLock<Vec<Flow>> = OnceLock::new();
    FLOWS.get_or_init(|| {
        let design = t2();
        let model = design.scenario.model();
        let mut hubs: BTreeMap<String, IpAddr> = BTreeMap::new();
        let mut spokes: Vec<(IpAddr, String)> = Vec::new();
        for nic in model.nics.values() {
            let Some(config) = nic.ip_configurations.first() else {
                continue;
            };
            let location = config
                .subnet
                .as_ref()
                .and_then(|s| s.as_str().rsplit_once("/subnets/"))
                .and_then(|(vnet, _)| model.vnets.get(&VnetId::new(vnet)))
                .map(|v| v.location.to_string())
                .unwrap_or_default();
            let Some(ip) = config.address else { continue };
            if nic.id.name().starts_with("nic-hub-") {
                hubs.insert(location, ip);
            } else {
                spokes.push((ip, location));
            }
        }
        let internet: IpAddr = [203, 0, 113, 10].into();
        let stride = (spokes.len() / 40).max(1);
        let picked: Vec<&(IpAddr, String)> = spokes.iter().step_by(stride).collect();
        let mut flows = Vec::new();
        for (k, (first, second)) in picked.iter().zip(picked.iter().skip(1)).enumerate() {
            let (a, region) = (first.0, &first.1);
            let b = second.0;
            let hub = hubs.get(region).copied().unwrap_or(internet);
            flows.push(match k % 5 {
                0 => Flow::new(hub, a, Protocol::Tcp, 22),
                1 => Flow::new(hub, a, Protocol::Tcp, 445),
                2 => Flow::new(a, b, Protocol::Tcp, 443),
                3 => Flow::new(a, internet, Protocol::Tcp, 443),
                _ => Flow::new(internet, a, Protocol::Tcp, 8443),
            });
            flows.push(Flow::new(a, hub, Protocol::Udp, 53));
            flows.push(Flow::new(b, a, Protocol::Tcp, 1433));
        }
        flows.truncate(100);
        let mut decisions: BTreeMap<String, usize> = BTreeMap::new();
        for flow in &flows {
            *decisions
                .entry(format!("{:?}", design.analysis.verdict(flow).verdict))
                .or_default() += 1;
        }
        eprintln!("verdict/t2: {} flows, {decisions:?}", flows.len());
        flows
    })
}

fn verdict(c: &mut Criterion) {
    let mut group = c.benchmark_group("verdict");
    group.sample_size(50);
    group.bench_function("t2", |b| {
        let analysis = &t2().analysis;
        let mut next = representative_flows().iter().cycle();
        b.iter(|| next.next().map(|flow| analysis.verdict(black_box(flow))))
    });
    group.finish();
}

fn matrix(c: &mut Criterion) {
    let mut group = c.benchmark_group("matrix");
    slow(&mut group);
    for vnets in [250, 500, 1000] {
        let mut prepared: Option<Analysis> = None;
        group.bench_function(vnets.to_string(), |b| {
            let analysis = prepared.get_or_insert_with(|| {
                let text = design(&matrix_params(vnets));
                let scenario = Scenario::parse(&text).expect("the matrix design loads");
                let analysis = analyze(&scenario);
                let evaluations = analysis.matrix(Protocol::Tcp, 443).evaluations;
                eprintln!(
                    "matrix/{vnets}: {evaluations} verdicts computed for {} pairs",
                    vnets * vnets
                );
                analysis
            });
            b.iter(|| analysis.matrix(black_box(Protocol::Tcp), black_box(443)))
        });
    }
    group.finish();
}

criterion_group!(benches, parse, analysis, effective_rules, verdict, matrix);
criterion_main!(benches);
