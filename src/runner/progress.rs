//! Live progress: a rewritten status line on a terminal, plain lines elsewhere.

use std::io::{IsTerminal, Write};

use super::event::{Reporter, RunEvent};
use super::progress_rate::Rate;
use crate::evidence::Status;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// One status line rewritten in place (stderr is a terminal).
    Live,
    /// One line per finished scenario.
    Plain,
    /// Nothing until the summary.
    Quiet,
}

impl ProgressMode {
    /// `Live` when stderr is a terminal, else `Plain`.
    pub fn detect() -> Self {
        if std::io::stderr().is_terminal() {
            ProgressMode::Live
        } else {
            ProgressMode::Plain
        }
    }
}

/// Prints progress to stderr.
#[derive(Debug)]
pub struct Progress {
    mode: ProgressMode,
    total: usize,
    done: usize,
    failed: usize,
    rate: Rate,
}

impl Progress {
    /// A progress reporter.
    pub fn new(mode: ProgressMode) -> Self {
        Self {
            mode,
            total: 0,
            done: 0,
            failed: 0,
            rate: Rate::start(),
        }
    }
}

impl Reporter for Progress {
    fn event(&mut self, event: &RunEvent) {
        let mut err = std::io::stderr().lock();
        match event {
            RunEvent::CampaignStarted { total } => {
                self.total = *total;
                self.rate = Rate::start();
            }
            RunEvent::ScenarioFinished {
                id, name, status, ..
            } => {
                self.done += 1;
                let ok = *status == Status::Passed;
                if !ok {
                    self.failed += 1;
                }
                match self.mode {
                    ProgressMode::Live => {
                        if !ok {
                            let _ = writeln!(err, "\r\x1b[2KFAILED  {name}  ({id})");
                        }
                        // Done/total, failures so far, rate and time left: what a long campaign's
                        // operator needs from one line.
                        let _ = write!(
                            err,
                            "\r\x1b[2K[{}/{}] {} failed, {}  {name}",
                            self.done,
                            self.total,
                            self.failed,
                            self.rate.describe(self.done, self.total)
                        );
                        let _ = err.flush();
                    }
                    ProgressMode::Plain => {
                        let word = if ok { "passed" } else { "FAILED" };
                        let _ =
                            writeln!(err, "[{}/{}] {word}  {name}  ({id})", self.done, self.total);
                    }
                    ProgressMode::Quiet => {}
                }
            }
            RunEvent::CampaignFinished { .. } if self.mode == ProgressMode::Live => {
                let _ = writeln!(err, "\r\x1b[2K");
            }
            _ => {}
        }
    }
}
