//! The SQLite database that plays the MES: MES-owned tables the bridge only reads, bridge-owned
//! tables it writes, and a guard that makes the difference technical rather than a promise.

mod database;
mod error;
mod guard;
mod records;
mod report_queries;
mod schema;
mod writes;

pub use database::Store;
pub use error::StoreError;
pub use guard::MES_OWNED_TABLES;
pub use records::{CompletionRecord, CountsByPart, DowntimeSpan, EventSource, QuarantineEntry};
pub use schema::SCHEMA_VERSION;
