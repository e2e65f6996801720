#![no_main]
//! Fuzz target `envelope`: see `qualify_fuzz::qualify_targets::envelope`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::envelope(data));
