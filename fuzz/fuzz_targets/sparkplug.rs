#![no_main]
//! Fuzz target `sparkplug`: see `qualify_fuzz::bridge_targets::sparkplug`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::bridge_targets::sparkplug(data));
