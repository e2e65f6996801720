#![no_main]
//! Fuzz target `feature`: see `qualify_fuzz::qualify_targets::feature`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::feature(data));
