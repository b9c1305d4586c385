//! libFuzzer target `scenario`: see [`avnm_fuzz::scenario`]. Built and run by `cargo xtask fuzz scenario`.

#![no_main]
#![allow(
    clippy::panic,
    reason = "libFuzzer records a panic as a crash, with its input"
)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(problem) = avnm_fuzz::scenario(data) {
        panic!("scenario: {problem}");
    }
});
