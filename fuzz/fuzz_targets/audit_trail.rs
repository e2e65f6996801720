#![no_main]
//! Fuzz target `audit_trail`: see `qualify_fuzz::qualify_targets::audit_trail`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::audit_trail(data));
