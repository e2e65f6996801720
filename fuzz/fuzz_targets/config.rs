#![no_main]
//! Fuzz target `config`: see `qualify_fuzz::qualify_targets::config`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::config(data));
