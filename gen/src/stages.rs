//! The engine's stages, timed one after the other on one design: the native half of the benchmark table
//! (`cargo xtask bench`).
//!
//! [`run`] takes its clock as an argument, so the same code can be timed natively (`std::time::Instant`) and,
//! compiled to wasm, with the browser's `performance.now()`.

use std::fmt;
use std::net::IpAddr;

use avnm_core::connectivity;
use avnm_core::deployment::GoalState;
use avnm_core::membership;
use avnm_core::model::{Access, Protocol};
use avnm_core::scenario::{Change, FieldValue, Target, change::RuleField};
use avnm_core::security::{self, Index, Inputs, matrix};
use avnm_core::{Flow, FormatError, Scenario};

/// How many traced verdicts the verdict stage computes.
pub const VERDICTS: usize = 10_000;

/// The largest design whose whole reachability matrix is built: a matrix holds one cell per pair of VNets, so
/// 10,000 VNets would need 10^8 cells.
pub const MATRIX_MAX_VNETS: usize = 2_000;

/// A stage of the engine, in the order an analysis runs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// `Scenario::parse`: JSON text to the typed model, with the document's diagnostics.
    Parse,
    /// The part of [`Stage::Parse`] that reads the text into a `serde_json::Value` tree (the document a
    /// `Scenario` keeps), timed on its own before the whole parse.
    JsonTree,
    /// `Scenario::change`: the first admin rule's access turned to the other of `Allow` and `Deny`, as the
    /// playground does at an edit (the page's benchmark makes the same kind of edit through the rule's editor):
    /// the new design, its document copied and changed, and read again.
    Change,
    /// `membership::resolve`.
    Membership,
    /// `GoalState::from_commits`.
    GoalState,
    /// `connectivity::build`.
    Topology,
    /// `security::Index::new`: admin rule sets and address lookups.
    SecurityIndex,
    /// [`VERDICTS`] traced verdicts between NIC addresses of the design.
    Verdicts,
    /// The Tcp/443 reachability matrix of every pair of VNets.
    Matrix,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 9] = [
        Stage::Parse,
        Stage::JsonTree,
        Stage::Change,
        Stage::Membership,
        Stage::GoalState,
        Stage::Topology,
        Stage::SecurityIndex,
        Stage::Verdicts,
        Stage::Matrix,
    ];

    /// The stage's name in the benchmark table.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::JsonTree => "parse: JSON tree only",
            Stage::Change => "change: rule access",
            Stage::Membership => "membership",
            Stage::GoalState => "goal state",
            Stage::Topology => "topology",
            Stage::SecurityIndex => "security index",
            Stage::Verdicts => "10,000 traced verdicts",
            Stage::Matrix => "matrix",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The duration of each stage in milliseconds; a stage that was not run (the matrix of a design too large for
/// one) is absent.
pub type Timings = Vec<(Stage, f64)>;

/// Runs every stage once on a design's text and returns how long each took, read from `now` (milliseconds
/// from any fixed origin).
///
/// # Errors
/// The text is not a design.
pub fn run(text: &str, now: &mut dyn FnMut() -> f64) -> Result<Timings, FormatError> {
    let mut timings = Vec::new();
    let mut lap = |stage: Stage, start: f64, now: &mut dyn FnMut() -> f64| {
        timings.push((stage, now() - start));
    };

    let start = now();
    let tree: Result<serde_json::Value, _> = serde_json::from_str(text);
    lap(Stage::JsonTree, start, now);
    drop(tree);

    let start = now();
    let scenario = Scenario::parse(text)?;
    lap(Stage::Parse, start, now);
    let model = scenario.model();

    if let Some(change) = toggled_access(&scenario) {
        let start = now();
        let changed = scenario.change(&change);
        lap(Stage::Change, start, now);
        // Freed outside the lap: an edit in the playground keeps both designs (one shown, the other for undo).
        drop(std::hint::black_box(changed));
    }

    let start = now();
    let membership = membership::resolve(model);
    lap(Stage::Membership, start, now);

    let start = now();
    let goal = GoalState::from_commits(model);
    lap(Stage::GoalState, start, now);

    let start = now();
    let topology = connectivity::build(model, &membership, &goal);
    lap(Stage::Topology, start, now);

    let start = now();
    let index = Index::new(model, &membership, &goal);
    lap(Stage::SecurityIndex, start, now);

    let inputs = Inputs {
        model,
        membership: &membership,
        topology: &topology,
        index: &index,
    };
    let flows = flows(&scenario, VERDICTS);
    let start = now();
    let mut decided = 0usize;
    for flow in &flows {
        let verdict = security::evaluate(&inputs, flow);
        decided += usize::from(!verdict.trace.0.is_empty());
    }
    lap(Stage::Verdicts, start, now);
    std::hint::black_box(decided);

    if model.vnets.len() <= MATRIX_MAX_VNETS {
        let start = now();
        let matrix = matrix::build(&inputs, Protocol::Tcp, 443);
        lap(Stage::Matrix, start, now);
        std::hint::black_box(matrix.evaluations);
    }
    Ok(timings)
}

/// The change [`Stage::Change`] times: the first admin rule's access turned to the other of `Allow` and `Deny`;
/// `None` for a design without admin rules.
pub fn toggled_access(scenario: &Scenario) -> Option<Change> {
    let rule = scenario.model().admin_rules().next()?;
    let other = if rule.access == Access::Allow {
        "Deny"
    } else {
        "Allow"
    };
    Some(Change::Set {
        target: Target::AdminRule {
            rule: rule.id.clone(),
            field: RuleField::Access,
        },
        value: FieldValue::Text(other.to_owned()),
    })
}

/// `count` flows between the NIC addresses of a design, spread over it: each address talks to one a third of
/// the way round, over the protocols and ports users ask about (SSH, SMB, HTTPS, SQL, DNS).
pub fn flows(scenario: &Scenario, count: usize) -> Vec<Flow> {
    let addresses: Vec<IpAddr> = scenario
        .model()
        .nics
        .values()
        .flat_map(|nic| &nic.ip_configurations)
        .filter_map(|config| config.address)
        .collect();
    let n = addresses.len();
    if n == 0 {
        return Vec::new();
    }
    let ports = [
        (Protocol::Tcp, 22),
        (Protocol::Tcp, 445),
        (Protocol::Tcp, 443),
        (Protocol::Tcp, 1433),
        (Protocol::Udp, 53),
    ];
    let stride = (n / count.max(1)).max(1);
    (0..count)
        .filter_map(|k| {
            let from = *addresses.get((k * stride) % n)?;
            let to = *addresses.get((k * stride + n / 3 + 1) % n)?;
            let (protocol, port) = *ports.get(k % ports.len())?;
            Some(Flow::new(from, to, protocol, port))
        })
        .collect()
}
