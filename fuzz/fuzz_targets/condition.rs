//! libFuzzer target `condition`: see [`avnm_fuzz::condition`]. Built and run by `cargo xtask fuzz condition`.

#![no_main]
#![allow(
    clippy::panic,
    reason = "libFuzzer records a panic as a crash, with its input"
)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(problem) = avnm_fuzz::condition(data) {
        panic!("condition: {problem}");
    }
});
