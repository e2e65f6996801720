#![no_main]
//! Fuzz target `sparkplug_b`: see `qualify_fuzz::sparkplug_b_target::sparkplug_b`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::sparkplug_b_target::sparkplug_b(data));
