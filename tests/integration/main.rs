//! Every integration test of qualify in one test binary: one link of the crate and its
//! dependencies instead of one per file, one shared copy of the support code, and tests of all
//! areas scheduled together. Each module is one area; `support` and `sign_support` hold the
//! fixtures they share (projects, signers, adapter campaigns, real servers).

mod sign_support;
mod support;

mod adapter_env;
mod adapters_http;
mod adapters_mqtt;
mod adapters_postgres;
mod adapters_process;
mod adapters_sql;
mod anchor;
mod bundled_mqtt_suite;
mod bundled_suite;
mod campaign;
mod campaign_network;
mod crash_safety;
mod cucumber_messages;
mod deviation_assessment;
mod evidence_format;
mod evidence_package;
mod evidence_renditions;
mod first_steps;
mod fuzz_corpus;
mod gate;
mod gate_honest;
mod gherkin_conformance;
mod impact;
mod newcomer;
mod properties;
mod report_formats;
mod report_record;
mod reports;
mod reports_signed;
mod scale;
mod sharding;
mod signing;
mod sparkplug_interop;
mod sparkplug_steps;
mod trial_runs;
mod trust_gaps;
mod trust_keys;
mod tsa;
mod verify_hardening;
mod verify_tampering;
