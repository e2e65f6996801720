#![no_main]
//! Fuzz target `signers`: see `qualify_fuzz::qualify_targets::signers`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| qualify_fuzz::qualify_targets::signers(data));
