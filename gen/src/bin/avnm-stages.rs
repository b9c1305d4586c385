//! `avnm-stages [--runs N] [--cpu] TIER...`: times each stage of the engine on the designs of the tiers named
//! (`t1`, `t2`, `t3`) and prints one JSON object per line: `{"tier", "vnets", "bytes", "stage", "ms", "clock"}`,
//! `ms` being the median of the runs. `cargo xtask bench` runs it in release and prints the table.
//!
//! The clock is the wall clock, as a user waits; with `--cpu` it is the CPU time of the thread (Linux's
//! `/proc/thread-self/schedstat`), which other processes on a busy machine do not inflate.

use std::process::ExitCode;
use std::time::Instant;

use avnm_gen::stages::{self, Stage};
use avnm_gen::{Tier, design};

fn main() -> ExitCode {
    let mut runs = 3usize;
    let mut cpu = false;
    let mut tiers = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => return usage("`--runs` needs a positive number"),
            }
        } else if arg == "--cpu" {
            cpu = true;
        } else if let Some(tier) = Tier::from_name(&arg) {
            tiers.push(tier);
        } else {
            return usage(&format!("`{arg}` is not a tier"));
        }
    }
    if tiers.is_empty() {
        return usage("name at least one tier");
    }
    if cpu && thread_cpu_ms().is_none() {
        return usage("`--cpu` needs `/proc/thread-self/schedstat` (Linux)");
    }
    let clock = Instant::now();
    let mut now = move || {
        if cpu {
            thread_cpu_ms().unwrap_or(f64::NAN)
        } else {
            clock.elapsed().as_secs_f64() * 1e3
        }
    };
    for tier in tiers {
        let params = tier.params();
        let text = design(&params);
        let mut samples: Vec<(Stage, Vec<f64>)> = Vec::new();
        for _ in 0..runs {
            let timings = match stages::run(&text, &mut now) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: the {} design does not load: {e}", tier.name());
                    return ExitCode::FAILURE;
                }
            };
            for (stage, ms) in timings {
                match samples.iter_mut().find(|(s, _)| *s == stage) {
                    Some((_, list)) => list.push(ms),
                    None => samples.push((stage, vec![ms])),
                }
            }
        }
        for (stage, mut list) in samples {
            list.sort_by(f64::total_cmp);
            let median = list.get(list.len() / 2).copied().unwrap_or(f64::NAN);
            println!(
                "{}",
                serde_json::json!({
                    "tier": tier.name(),
                    "vnets": params.vnets,
                    "bytes": text.len(),
                    "stage": stage.name(),
                    "ms": median,
                    "clock": if cpu { "cpu" } else { "wall" },
                })
            );
        }
    }
    ExitCode::SUCCESS
}

/// The CPU time this thread has run, in milliseconds: the first field of `/proc/thread-self/schedstat`, in
/// nanoseconds.
fn thread_cpu_ms() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds / 1e6)
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\nusage: avnm-stages [--runs N] [--cpu] t1|t2|t3...");
    ExitCode::from(2)
}
