//! Status lines on stdout that can never abort an operation.
//!
//! `println!` panics when stdout is gone (`qualify sign … | head -1` closes the pipe after the
//! first line). Several commands print while they work — `sign` reports the ledger anchor before
//! it commits the package — so a panic there would leave an operation half done, to be repaired
//! by `qualify recover`. Every progress or result line therefore goes through [`line`]: a closed
//! pipe is ignored (the reader chose to stop reading), any other write failure is reported once
//! on stderr, and the operation always carries on to its end.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static WARNED: AtomicBool = AtomicBool::new(false);
static TO_STDERR: AtomicBool = AtomicBool::new(false);

/// From now on status lines go to stderr: stdout carries one JSON document (`--format json`).
pub fn status_to_stderr() {
    TO_STDERR.store(true, Ordering::Relaxed);
}

/// Writes one line to stdout (stderr after [`status_to_stderr`]); never panics, never fails the
/// caller.
pub fn line(args: fmt::Arguments<'_>) {
    if TO_STDERR.load(Ordering::Relaxed) {
        // stderr may be gone too; then there is nobody left to tell.
        let _ = writeln!(io::stderr().lock(), "{args}");
        return;
    }
    let mut out = io::stdout().lock();
    let written = out
        .write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        report(&e);
    }
}

fn report(e: &io::Error) {
    if e.kind() == io::ErrorKind::BrokenPipe || WARNED.swap(true, Ordering::Relaxed) {
        return;
    }
    // stderr may be gone too; then there is nobody left to tell.
    let _ = writeln!(io::stderr(), "warning: cannot write to stdout: {e}");
}

/// `println!` that never panics: see the [module documentation](self).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::console::line(format_args!($($arg)*))
    };
}
