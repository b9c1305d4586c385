//! libFuzzer target `import`: see [`avnm_fuzz::import_files`]. Built and run by `cargo xtask fuzz import`.

#![no_main]
#![allow(
    clippy::panic,
    reason = "libFuzzer records a panic as a crash, with its input"
)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(problem) = avnm_fuzz::import_files(data) {
        panic!("import: {problem}");
    }
});
