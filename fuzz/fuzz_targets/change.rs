//! libFuzzer target `change`: see [`avnm_fuzz::change`]. Built and run by `cargo xtask fuzz change`.

#![no_main]
#![allow(
    clippy::panic,
    reason = "libFuzzer records a panic as a crash, with its input"
)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(problem) = avnm_fuzz::change(data) {
        panic!("change: {problem}");
    }
});
