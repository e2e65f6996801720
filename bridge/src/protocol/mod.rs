//! The qualify `process` adapter protocol, version 1 (docs/adapter-protocol.md): JSON lines on
//! standard input and output.

mod message;
mod server;

pub use message::{MalformedRequest, PROTOCOL_VERSION, Request, failure_line, success_line};
pub use server::{Identity, Service, respond, serve};
