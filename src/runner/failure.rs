//! How a step fails: a typed panic payload that cucumber-rs catches, and a panic hook that keeps
//! those expected failures off the terminal while real bugs still print.

use std::sync::Once;

use cucumber::event::Info;

/// The payload a step panics with when an assertion or an adapter fails. Not a bug: the message
/// goes into the evidence, not to stderr.
#[derive(Debug, Clone)]
pub struct StepFailure(pub String);

/// Fails the current step with `message`.
pub fn fail(message: impl Into<String>) -> ! {
    std::panic::panic_any(StepFailure(message.into()))
}

/// Text of a caught panic payload.
pub fn panic_message(info: &Info) -> String {
    if let Some(f) = info.downcast_ref::<StepFailure>() {
        f.0.clone()
    } else if let Some(s) = info.downcast_ref::<String>() {
        format!("internal error in a step (please report): {s}")
    } else if let Some(s) = info.downcast_ref::<&str>() {
        format!("internal error in a step (please report): {s}")
    } else {
        "internal error in a step (please report)".to_string()
    }
}

/// Installs, once per process, a panic hook that stays silent for [`StepFailure`] and defers to
/// the previous hook for everything else.
pub fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<StepFailure>().is_none() {
                previous(info);
            }
        }));
    });
}
