//! The commands' standard output. `print!` panics when the output's reader has gone (`avnm export ... | head`);
//! here what is left is not written and the command ends as it would have, with its own exit code (a check that
//! fails still exits 1), as other command-line tools do. Any other write error is said once on standard error,
//! and the run exits 2 ([`failed`]).

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether standard output stopped taking what is written, and whether that was not its reader going away.
static STOPPED: AtomicBool = AtomicBool::new(false);
static FAILED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output.
pub fn print(text: &str) {
    if STOPPED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        STOPPED.store(true, Ordering::Relaxed);
        if e.kind() != ErrorKind::BrokenPipe {
            FAILED.store(true, Ordering::Relaxed);
            eprintln!("avnm: the output could not be written: {e}");
        }
    }
}

/// Writes `text` and a line break to standard output.
pub fn println(text: &str) {
    print(&format!("{text}\n"));
}

/// Whether writing the output failed for another reason than its reader going away.
pub fn failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}
