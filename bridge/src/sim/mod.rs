//! The shift simulator behind the `shift-sim` binary: generates a seeded, production-like shift
//! of Sparkplug telemetry for one press (outage replayed as historical data, duplicates and
//! skewed clocks mixed in) and computes the figures the bridge must reconcile to from its own
//! ground truth, independently of the bridge's calculation code.

mod edge;
mod rng;
mod service;
mod spec;
mod stream;
mod timeline;
mod truth;

pub use rng::SplitMix64;
pub use service::Simulator;
pub use spec::{BreakSpec, ShiftSpec};
pub use stream::{GeneratedShift, generate};
pub use timeline::{MachineEvent, MachineEventKind, Timeline};
pub use truth::GroundTruth;
