//! libFuzzer target `link`: see [`avnm_fuzz::link`]. Built and run by `cargo xtask fuzz link`.

#![no_main]
#![allow(
    clippy::panic,
    reason = "libFuzzer records a panic as a crash, with its input"
)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(problem) = avnm_fuzz::link(data) {
        panic!("link: {problem}");
    }
});
