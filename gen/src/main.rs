//! `avnm-gen TIER`: writes the design of a tier (`t1`, `t2` or `t3`) to standard output, for whole-process
//! measurements: `cargo run -p avnm-gen --release -- t2 > t2.json`.

use std::io::Write as _;
use std::process::ExitCode;

use avnm_gen::{Tier, design};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let tier = match args.as_slice() {
        [name] => Tier::from_name(name),
        _ => None,
    };
    let Some(tier) = tier else {
        eprintln!("usage: avnm-gen t1|t2|t3 > FILE");
        return ExitCode::from(2);
    };
    let text = design(&tier.params());
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the design: {e}");
            ExitCode::FAILURE
        }
    }
}
