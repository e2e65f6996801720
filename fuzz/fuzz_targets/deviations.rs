#![no_main]
//! Fuzz target `deviations`: see `qualify_fuzz::qualify_targets::deviations`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::deviations(data));
