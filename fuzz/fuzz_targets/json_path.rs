#![no_main]
//! Fuzz target `json_path`: see `qualify_fuzz::qualify_targets::json_path`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::json_path(data));
