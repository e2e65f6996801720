#![no_main]
//! Fuzz target `statement`: see `qualify_fuzz::qualify_targets::statement`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::statement(data));
