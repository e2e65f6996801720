#![no_main]
//! Fuzz target `manifest`: see `qualify_fuzz::qualify_targets::manifest`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::manifest(data));
