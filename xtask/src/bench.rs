//! `cargo xtask bench`: the benchmark table of the engine's stages on the generated tiers.
//!
//! The native figures come from `avnm-stages` (crate `gen/`), built in release and run as its own process:
//! it generates each tier, runs every stage ([`STAGES`]) a few times and prints the median of each as one
//! JSON line. This module reads those lines and prints one table per tier, with a wasm column and the
//! wasm/native ratio beside the native one. The wasm figures are not measured yet: [`Row::wasm_ms`] is where
//! they go, from the same stages compiled to wasm and timed in headless Chromium.

use std::fmt::Write as _;

use crate::cmd::Cmd;
use crate::error::Error;

/// The stages in the order the table lists them (the names `avnm-stages` prints).
pub const STAGES: [&str; 8] = [
    "parse",
    "parse: JSON tree only",
    "membership",
    "goal state",
    "topology",
    "security index",
    "10,000 traced verdicts",
    "matrix",
];

/// What `cargo xtask bench` was asked for.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// Also measure tier 3 (50,000 VNets, about 340 MB of JSON: minutes, and a few GB of memory).
    pub t3: bool,
    /// Runs of each stage; the median is printed.
    pub runs: usize,
    /// Time with the thread's CPU clock instead of the wall clock (a busy machine inflates wall times).
    pub cpu: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            t3: false,
            runs: 3,
            cpu: false,
        }
    }
}

/// One measured stage of one tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `t1`, `t2` or `t3`.
    pub tier: String,
    /// The tier's VNets.
    pub vnets: u64,
    /// The size of the tier's document in bytes.
    pub bytes: u64,
    /// One of [`STAGES`].
    pub stage: String,
    /// Median native time, milliseconds.
    pub native_ms: f64,
    /// Median time of the same stage as wasm in headless Chromium, milliseconds: not measured yet.
    pub wasm_ms: Option<f64>,
}

/// Runs the native stages of T1 and T2 (and T3 when asked) and prints the table.
pub fn bench(options: &Options) -> Result<(), Error> {
    let runs = options.runs.to_string();
    let mut args = vec![
        "run",
        "--release",
        "--quiet",
        "-p",
        "avnm-gen",
        "--bin",
        "avnm-stages",
        "--",
        "--runs",
        runs.as_str(),
        "t1",
        "t2",
    ];
    if options.t3 {
        args.push("t3");
    }
    if options.cpu {
        args.push("--cpu");
    }
    let output = Cmd::cargo(&args).read()?;
    let rows = parse_rows(&output).map_err(Error::Bench)?;
    println!(
        "median of {} runs, {} clock; wasm: not measured yet",
        options.runs,
        if options.cpu { "CPU" } else { "wall" }
    );
    print!("{}", table(&rows));
    Ok(())
}

/// Reads the JSON lines of `avnm-stages`.
pub fn parse_rows(output: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("`avnm-stages` printed `{line}`, not JSON: {e}"))?;
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let number = |key: &str| value.get(key).and_then(serde_json::Value::as_f64);
        let (Some(tier), Some(stage), Some(native_ms), Some(vnets), Some(bytes)) = (
            text("tier"),
            text("stage"),
            number("ms"),
            value.get("vnets").and_then(serde_json::Value::as_u64),
            value.get("bytes").and_then(serde_json::Value::as_u64),
        ) else {
            return Err(format!(
                "`avnm-stages` printed `{line}`, which misses a field"
            ));
        };
        rows.push(Row {
            tier,
            vnets,
            bytes,
            stage,
            native_ms,
            wasm_ms: None,
        });
    }
    Ok(rows)
}

/// One table per tier: stage, native ms, wasm ms, wasm/native; `-` where there is no figure, and a note
/// for a stage that was not run (the matrix of a design too large for one).
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let mut tiers: Vec<&Row> = Vec::new();
    for row in rows {
        if !tiers.iter().any(|t| t.tier == row.tier) {
            tiers.push(row);
        }
    }
    for first in tiers {
        let _ = writeln!(
            out,
            "{} ({} VNets, {:.1} MB of JSON)",
            first.tier.to_uppercase(),
            first.vnets,
            first.bytes as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "| {:<22} | {:>10} | {:>10} | {:>11} |",
            "stage", "native ms", "wasm ms", "wasm/native"
        );
        let _ = writeln!(out, "|{:-<24}|{:->12}|{:->12}|{:->13}|", "", "", "", "");
        for stage in STAGES {
            let row = rows
                .iter()
                .find(|r| r.tier == first.tier && r.stage == stage);
            let (native, wasm, ratio) = match row {
                None => ("not run".to_owned(), "-".to_owned(), "-".to_owned()),
                Some(r) => (
                    format!("{:.1}", r.native_ms),
                    r.wasm_ms
                        .map_or_else(|| "-".to_owned(), |w| format!("{w:.1}")),
                    r.wasm_ms
                        .filter(|_| r.native_ms > 0.0)
                        .map_or_else(|| "-".to_owned(), |w| format!("{:.2}", w / r.native_ms)),
                ),
            };
            let _ = writeln!(
                out,
                "| {stage:<22} | {native:>10} | {wasm:>10} | {ratio:>11} |"
            );
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_from_json_lines() {
        let rows = parse_rows(
            "{\"bytes\":12699490,\"ms\":174.9,\"stage\":\"parse\",\"tier\":\"t1\",\"vnets\":1000}\n\n",
        )
        .unwrap();
        assert_eq!(
            rows,
            [Row {
                tier: "t1".into(),
                vnets: 1000,
                bytes: 12_699_490,
                stage: "parse".into(),
                native_ms: 174.9,
                wasm_ms: None,
            }]
        );
        assert!(parse_rows("cargo says hello").is_err());
        assert!(parse_rows("{\"tier\":\"t1\"}").is_err());
    }

    #[test]
    fn the_table_has_every_stage_and_a_ratio_where_both_figures_exist() {
        let row = |stage: &str, native_ms: f64, wasm_ms: Option<f64>| Row {
            tier: "t2".into(),
            vnets: 10_000,
            bytes: 129_500_000,
            stage: stage.into(),
            native_ms,
            wasm_ms,
        };
        let text = table(&[
            row("parse", 800.0, Some(1200.0)),
            row("membership", 50.0, None),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "T2 (10000 VNets, 129.5 MB of JSON)");
        assert_eq!(lines.len(), 3 + STAGES.len() + 1);
        assert_eq!(
            lines[3],
            "| parse                  |      800.0 |     1200.0 |        1.50 |"
        );
        assert_eq!(
            lines[4],
            "| parse: JSON tree only  |    not run |          - |           - |"
        );
        assert_eq!(
            lines[5],
            "| membership             |       50.0 |          - |           - |"
        );
        assert_eq!(
            lines[10],
            "| matrix                 |    not run |          - |           - |"
        );
    }
}
