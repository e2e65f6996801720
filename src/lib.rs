//! qualify: executable computer system validation for IIoT → MES integrations.
//!
//! Gherkin scenarios run against integration adapters; each run becomes a sealed evidence package.
//! The binary (`src/main.rs`) only parses arguments, calls [`cli::run`] and exits with the code from
//! [`exit_code`].
#![warn(missing_docs)]

pub mod adapters;
pub mod anchor;
pub mod audit;
pub mod cli;
pub mod config;
pub mod console;
pub mod deviation;
pub mod errors;
pub mod evidence;
pub mod exit_code;
pub mod fsio;
pub mod gate;
pub mod gherkin;
pub mod git;
pub mod impact;
pub mod matching;
pub mod plan;
pub mod render;
pub mod runner;
pub mod shard;
pub mod sign;
pub mod status;
pub mod steps;
pub mod tsa;
pub mod txn;
pub mod utc;
pub mod verify;
