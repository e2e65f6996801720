//! Project configuration: `qualify.yaml` and the requirements file.

mod adapter;

pub use adapter::{AdapterConfig, AdapterKind, Isolation, Timeouts};
