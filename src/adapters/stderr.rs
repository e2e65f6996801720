//! Copies an adapter's standard error into the evidence package while it runs.
//!
//! A background task streams the pipe into the current sink: the scenario's
//! `<adapter>.stderr.log` while a scenario holds the process, otherwise the process's campaign-level
//! log (pooled and shared processes outlive scenarios). Only a short tail is kept in memory, for
//! error messages.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::ChildStderr;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::error::StderrReport;
use super::secrets::Secrets;
use crate::evidence::AttachmentWriter;

/// Bytes of standard error kept for error messages.
const TAIL_BYTES: usize = 4096;
/// Lines of that tail shown in an error message.
const TAIL_LINES: usize = 20;
/// A partial line held back for redaction is written out anyway beyond this size.
const MAX_PENDING: usize = 64 * 1024;

#[derive(Default)]
struct SinkState {
    scenario: Option<AttachmentWriter>,
    campaign: Option<AttachmentWriter>,
    tail: VecDeque<u8>,
    problems: Vec<String>,
    /// Secrets handed to the adapter explicitly: redacted before anything is written or kept.
    secrets: Secrets,
    /// The last partial line, held back while there are secrets so that one split across two
    /// reads is still found.
    pending: Vec<u8>,
}

impl SinkState {
    /// Takes `chunk`; with secrets, writes out only complete lines, redacted.
    fn take_in(&mut self, chunk: &[u8]) {
        if self.secrets.is_empty() {
            return self.write(chunk);
        }
        self.pending.extend_from_slice(chunk);
        let cut = match self.pending.iter().rposition(|b| *b == b'\n') {
            Some(nl) => nl + 1,
            None if self.pending.len() > MAX_PENDING => self.pending.len(),
            None => return,
        };
        let ready: Vec<u8> = self.pending.drain(..cut).collect();
        self.write_redacted(&ready);
    }

    /// Writes out what is held back (before the sink changes hands or at the end).
    fn flush_pending(&mut self) {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.write_redacted(&rest);
        }
    }

    fn write_redacted(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let redacted = self.secrets.redact(&text).into_owned();
        // Bytes that are not UTF-8 are kept as they were when nothing needed redacting.
        if redacted == text && std::str::from_utf8(bytes).is_err() {
            self.write(bytes);
        } else {
            self.write(redacted.as_bytes());
        }
    }

    fn write(&mut self, chunk: &[u8]) {
        self.tail.extend(chunk);
        let excess = self.tail.len().saturating_sub(TAIL_BYTES);
        self.tail.drain(..excess);
        let sink = match (&mut self.scenario, &mut self.campaign) {
            (Some(w), _) | (None, Some(w)) => w,
            (None, None) => return,
        };
        if let Err(e) = sink.write_all(chunk) {
            let problem = format!("could not write {}: {e}", sink.path());
            // One report per file is enough; a full disk fails every chunk.
            if !self.problems.contains(&problem) {
                self.problems.push(problem);
            }
        }
    }
}

/// The running copy task of one process.
pub(crate) struct StderrPump {
    state: Arc<Mutex<SinkState>>,
    sync: mpsc::UnboundedSender<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

fn lock(state: &Mutex<SinkState>) -> MutexGuard<'_, SinkState> {
    // A panic while holding the lock cannot leave the state inconsistent in a way that matters
    // for a log copy, so poisoning is ignored rather than turned into another panic.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl StderrPump {
    /// Starts copying `stderr` into `scenario` (or, when none, `campaign`).
    pub(crate) fn start(
        stderr: ChildStderr,
        scenario: Option<AttachmentWriter>,
        campaign: Option<AttachmentWriter>,
        secrets: Secrets,
    ) -> Self {
        let state = Arc::new(Mutex::new(SinkState {
            scenario,
            campaign,
            secrets,
            ..Default::default()
        }));
        let (sync, sync_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(pump(stderr, Arc::clone(&state), sync_rx));
        Self {
            state,
            sync,
            task: Some(task),
        }
    }

    /// Directs standard error to a scenario's log from now on.
    pub(crate) fn attach(&self, writer: AttachmentWriter) -> Option<AttachmentWriter> {
        let mut state = lock(&self.state);
        state.flush_pending();
        state.scenario.replace(writer)
    }

    /// Takes the scenario's log back after copying what is already in the pipe, so that what the
    /// adapter wrote before its last answer lands in that scenario's log.
    pub(crate) async fn detach(&self, wait: Duration) -> Option<AttachmentWriter> {
        let (ack, acked) = oneshot::channel();
        if self.sync.send(ack).is_ok() {
            let _ = tokio::time::timeout(wait, acked).await;
        }
        let mut state = lock(&self.state);
        state.flush_pending();
        state.scenario.take()
    }

    /// Waits until the pipe is closed (the process and anything it started have exited), at most
    /// `wait`; a grandchild that keeps the pipe open must not hold the scenario up.
    pub(crate) async fn drain(&mut self, wait: Duration) {
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(wait, &mut task).await.is_err()
        {
            task.abort();
        }
    }

    /// The log standard error is going to now and its end so far, for a failure message.
    pub(crate) fn report(&self) -> StderrReport {
        let log = {
            let state = lock(&self.state);
            state
                .scenario
                .as_ref()
                .or(state.campaign.as_ref())
                .map(|w| w.path().to_string())
        };
        StderrReport {
            log,
            tail: self.tail(),
        }
    }

    /// The end of standard error so far, as text, at most a few lines.
    pub(crate) fn tail(&self) -> String {
        let state = lock(&self.state);
        let (a, b) = state.tail.as_slices();
        let bytes = [a, b].concat();
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.len().saturating_sub(TAIL_LINES);
        lines.get(start..).unwrap_or_default().join("\n")
    }

    /// Takes every open log file and every write problem; call after [`StderrPump::drain`].
    pub(crate) fn take_all(&self) -> (Vec<AttachmentWriter>, Vec<String>) {
        let mut state = lock(&self.state);
        state.flush_pending();
        let writers = state
            .scenario
            .take()
            .into_iter()
            .chain(state.campaign.take())
            .collect();
        (writers, std::mem::take(&mut state.problems))
    }
}

async fn pump(
    mut stderr: ChildStderr,
    state: Arc<Mutex<SinkState>>,
    mut sync: mpsc::UnboundedReceiver<oneshot::Sender<()>>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut sync_open = true;
    loop {
        tokio::select! {
            // Reading first means a sync request is answered only once the pipe has nothing
            // ready, i.e. after everything written before it was copied.
            biased;
            read = stderr.read(&mut buf) => match read {
                Ok(0) => {
                    lock(&state).flush_pending();
                    break;
                }
                Ok(n) => lock(&state).take_in(buf.get(..n).unwrap_or_default()),
                Err(e) => {
                    lock(&state).problems.push(format!("reading the adapter's stderr failed: {e}"));
                    break;
                }
            },
            ack = sync.recv(), if sync_open => match ack {
                Some(ack) => {
                    let _ = ack.send(());
                }
                None => sync_open = false,
            },
        }
    }
}
