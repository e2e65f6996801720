//! Project configuration: `qualify.yaml`, the requirements file, adapters and components.

mod adapter;
mod adapter_check;
mod adapter_env;
mod broker;
mod component;
mod error;
mod impact;
mod project;
mod read;
mod requirements;
mod signing;
mod tls;
mod workflow;

pub use adapter::{AdapterConfig, AdapterKind, Isolation, SqlDriver, Timeouts};
pub use adapter_env::{EnvValue, FromEnv, refused_variable};
pub use broker::BrokerAddress;
pub use component::Component;
pub use error::ConfigError;
pub use impact::ImpactConfig;
pub use project::{Config, ProjectInfo, ReportSettings};
pub(crate) use read::read_text;
pub use requirements::{Requirement, Requirements, Risk};
pub use signing::SigningSettings;
pub use tls::TlsSettings;
pub use workflow::{MeaningRule, WorkflowConfig};
