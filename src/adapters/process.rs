//! One running adapter process: requests out, responses in, failures classified.
//!
//! A [`ProcessHandle`] is used by one caller at a time and knows nothing of scenarios: callers
//! pass the transcript the traffic belongs to. After any [`AdapterError`] from
//! [`ProcessHandle::call`] the process has been terminated and must only be closed.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use super::line_reader::{LineEnd, MAX_LINE, read_line};
use super::stderr::StderrPump;
use super::transcript::Transcript;
use super::wire::{Hello, parse_response, request_line, shorten};
use super::{AdapterError, Reply};
use crate::config::Timeouts;
use crate::evidence::{AdapterIdentity, AttachmentWriter};

/// How long a process gets to die after being killed, or to close its output after exiting.
const REAP_WAIT: Duration = Duration::from_secs(2);
/// Read buffers above this size are released after use.
const KEEP_BUFFER: usize = 64 * 1024;

/// Which request is pending decides the time limit and how a timeout is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// `hello`: `timeouts.start_ms`, reported as `adapter_start_timeout`.
    Hello,
    /// Any other request: `timeouts.request_ms`, reported as `adapter_timeout`.
    Request,
    /// `shutdown`: `timeouts.shutdown_ms`.
    Shutdown,
}

/// What the program is and where it runs.
pub(crate) struct SpawnSpec<'a> {
    pub(crate) adapter: &'a str,
    pub(crate) program: &'a Path,
    pub(crate) args: &'a [String],
    /// The whole environment of the process (nothing else is inherited).
    pub(crate) env: &'a std::collections::BTreeMap<String, String>,
    /// The same, as recorded in the transcript (secrets redacted).
    pub(crate) recorded_env: &'a std::collections::BTreeMap<String, String>,
    /// Secret values handed over in `env`: redacted from standard error.
    pub(crate) secrets: super::secrets::Secrets,
    pub(crate) cwd: &'a Path,
    pub(crate) sha256: String,
    pub(crate) timeouts: Timeouts,
}

/// A live adapter process.
pub(crate) struct ProcessHandle {
    adapter: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    pub(crate) stderr: StderrPump,
    line: Vec<u8>,
    next_id: u64,
    timeouts: Timeouts,
    sha256: String,
    hello: Option<Hello>,
    /// Set once the process has been terminated after a failure.
    dead: bool,
    /// Secrets handed to the process: redacted from its replies before steps (and results.json)
    /// see them.
    secrets: super::secrets::Secrets,
}

enum Exchange {
    Line,
    Eof,
    TooLong,
    Io(std::io::Error),
}

impl ProcessHandle {
    /// Starts the program; standard error goes to the scenario log (`logs.0`), else the campaign
    /// log (`logs.1`). On failure the logs are moved to `leftovers`.
    pub(crate) fn spawn(
        spec: SpawnSpec<'_>,
        transcript: &mut Transcript,
        logs: (Option<AttachmentWriter>, Option<AttachmentWriter>),
        leftovers: &mut Vec<AttachmentWriter>,
    ) -> Result<Self, AdapterError> {
        let (scenario_log, campaign_log) = logs;
        let spawned = Command::new(spec.program)
            .args(spec.args)
            // A scrubbed environment (src/adapters/child_env.rs): nothing is inherited implicitly.
            .env_clear()
            .envs(spec.env)
            .current_dir(spec.cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A scenario future dropped mid-request must not leave orphans behind.
            .kill_on_drop(true)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                let reason = format!("cannot run {}: {e}", spec.program.display());
                transcript.note(
                    "spawn_failed",
                    &json!({ "program": spec.program, "error": reason }),
                );
                leftovers.extend(scenario_log.into_iter().chain(campaign_log));
                return Err(AdapterError::start_failed(spec.adapter, reason));
            }
        };
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            leftovers.extend(scenario_log.into_iter().chain(campaign_log));
            return Err(AdapterError::start_failed(
                spec.adapter,
                "the standard streams were not piped",
            ));
        };
        let args: Vec<String> = spec
            .args
            .iter()
            .map(|a| crate::evidence::mask_url_credentials(a))
            .collect();
        let spawned = json!({
            "program": spec.program, "args": args, "cwd": spec.cwd,
            "pid": child.id(), "sha256": spec.sha256, "env": spec.recorded_env,
        });
        if let Err(error) = transcript.event("spawned", &spawned) {
            leftovers.extend(scenario_log.into_iter().chain(campaign_log));
            return Err(error);
        }
        Ok(Self {
            adapter: spec.adapter.to_string(),
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            stderr: StderrPump::start(stderr, scenario_log, campaign_log, spec.secrets.clone()),
            secrets: spec.secrets,
            line: Vec::new(),
            next_id: 1,
            timeouts: spec.timeouts,
            sha256: spec.sha256,
            hello: None,
            dead: false,
        })
    }

    /// Sends `hello` and remembers the answer.
    pub(crate) async fn hello(&mut self, transcript: &mut Transcript) -> Result<(), AdapterError> {
        let body = json!({ "protocol": super::wire::PROTOCOL_VERSION });
        let reply = self.call(transcript, "hello", &body, Phase::Hello).await?;
        let problem = match &reply {
            Reply::Result(result) => match super::wire::parse_hello(result) {
                Ok(hello) => {
                    self.hello = Some(hello);
                    return Ok(());
                }
                Err(problem) => problem,
            },
            Reply::Rejected { code, message, .. } => {
                format!("it rejected hello: {code}: {message}")
            }
        };
        transcript.note("hello_refused", &json!({ "problem": problem }));
        self.terminate(transcript, false).await;
        Err(AdapterError::start_failed(&self.adapter, problem))
    }

    /// Whether the adapter announced `capability` in its `hello` answer.
    pub(crate) fn has_capability(&self, capability: &str) -> bool {
        self.hello
            .as_ref()
            .is_some_and(|h| h.capabilities.iter().any(|c| c == capability))
    }

    /// The identity recorded for the scenario.
    pub(crate) fn identity(&self) -> AdapterIdentity {
        AdapterIdentity {
            adapter: self.adapter.clone(),
            kind: "process".to_string(),
            name: self.hello.as_ref().map(|h| h.name.clone()),
            version: self.hello.as_ref().map(|h| h.version.clone()),
            sha256: Some(self.sha256.clone()),
        }
    }

    /// The operating system's process id.
    pub(crate) fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// True while the process runs and has not failed.
    pub(crate) fn is_healthy(&mut self) -> bool {
        !self.dead && matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends one request and waits for its response. Any error terminates the process.
    pub(crate) async fn call(
        &mut self,
        transcript: &mut Transcript,
        kind: &str,
        body: &Value,
        phase: Phase,
    ) -> Result<Reply, AdapterError> {
        let id = self.next_id.to_string();
        self.next_id += 1;
        let request = request_line(&id, kind, body);
        transcript.sent(&request)?;
        let limit_ms = match phase {
            Phase::Hello => self.timeouts.start_ms,
            Phase::Request => self.timeouts.request_ms,
            Phase::Shutdown => self.timeouts.shutdown_ms,
        };
        let result = self
            .exchange_checked(transcript, kind, &id, &request, phase, limit_ms)
            .await;
        if result.is_err() && !self.dead {
            // An evidence write failed mid-exchange: the conversation can no longer be trusted.
            self.terminate(transcript, false).await;
        }
        if self.line.capacity() > KEEP_BUFFER {
            self.line = Vec::new();
        }
        result
    }

    async fn exchange_checked(
        &mut self,
        transcript: &mut Transcript,
        kind: &str,
        id: &str,
        request: &str,
        phase: Phase,
        limit_ms: u64,
    ) -> Result<Reply, AdapterError> {
        let exchange = exchange(&mut self.stdin, &mut self.stdout, &mut self.line, request);
        let outcome = tokio::time::timeout(Duration::from_millis(limit_ms), exchange).await;
        match outcome {
            Ok(Exchange::Line) => {
                transcript.received(&self.line)?;
                match parse_response(&self.line, id) {
                    Ok(reply) => Ok(self.redact_reply(reply)),
                    Err(problem) => {
                        let line = self.secrets.redact(&shorten(&self.line)).into_owned();
                        let error = self.protocol_error(kind, problem, line);
                        transcript.note("protocol_error", &json!({ "problem": error.to_string() }));
                        self.terminate(transcript, false).await;
                        Err(error)
                    }
                }
            }
            Ok(Exchange::TooLong) => {
                let problem = format!("a line longer than {MAX_LINE} bytes");
                let line = self.secrets.redact(&shorten(&self.line)).into_owned();
                let error = self.protocol_error(kind, problem, line);
                transcript.note("protocol_error", &json!({ "problem": error.to_string() }));
                self.terminate(transcript, false).await;
                Err(error)
            }
            Ok(ended @ (Exchange::Eof | Exchange::Io(_))) => {
                if let Exchange::Io(e) = ended {
                    // Usually a broken pipe: the process is gone. Keep the OS's words anyway.
                    transcript.note("io_error", &json!({ "error": e.to_string() }));
                }
                if !self.line.is_empty() {
                    // Output cut off mid-line is still what the adapter said.
                    transcript.received(&self.line)?;
                }
                // It closed its output, so it is probably exiting: let it, to get its real status.
                let status = self.terminate(transcript, true).await;
                Err(AdapterError::Crashed {
                    adapter: self.adapter.clone(),
                    kind: kind.to_string(),
                    status,
                    stderr: self.stderr.report(),
                })
            }
            Err(_elapsed) => {
                transcript.note("timeout", &json!({ "kind": kind, "timeout_ms": limit_ms }));
                self.terminate(transcript, false).await;
                let (adapter, stderr) = (self.adapter.clone(), self.stderr.report());
                Err(match phase {
                    Phase::Hello => AdapterError::StartTimeout {
                        adapter,
                        timeout_ms: limit_ms,
                        stderr,
                    },
                    Phase::Request | Phase::Shutdown => AdapterError::Timeout {
                        adapter,
                        kind: kind.to_string(),
                        timeout_ms: limit_ms,
                        stderr,
                    },
                })
            }
        }
    }

    /// A reply with every secret handed to the process replaced by `[redacted]`.
    fn redact_reply(&self, reply: Reply) -> Reply {
        if self.secrets.is_empty() {
            return reply;
        }
        match reply {
            Reply::Result(value) => Reply::Result(self.secrets.redact_value(&value)),
            Reply::Rejected {
                code,
                message,
                details,
            } => Reply::Rejected {
                code: self.secrets.redact(&code).into_owned(),
                message: self.secrets.redact(&message).into_owned(),
                details: details.map(|d| self.secrets.redact_value(&d)),
            },
        }
    }

    fn protocol_error(&self, kind: &str, problem: String, line: String) -> AdapterError {
        AdapterError::Protocol {
            adapter: self.adapter.clone(),
            kind: kind.to_string(),
            problem,
            line,
        }
    }

    /// Kills the process (if it still runs; with `grace`, after letting it exit by itself for a
    /// moment), reaps it, lets the stderr copy finish and records the exit status, which it
    /// returns as text.
    pub(crate) async fn terminate(&mut self, transcript: &mut Transcript, grace: bool) -> String {
        self.dead = true;
        self.stdin = None;
        let wait = if grace { REAP_WAIT } else { Duration::ZERO };
        let status = match self.child.try_wait() {
            Ok(Some(status)) => status.to_string(),
            _ => match tokio::time::timeout(wait, self.child.wait()).await {
                Ok(Ok(status)) => status.to_string(),
                _ => {
                    let _ = self.child.start_kill();
                    transcript.note("killed", &json!({ "pid": self.child.id() }));
                    match tokio::time::timeout(REAP_WAIT, self.child.wait()).await {
                        Ok(Ok(status)) => status.to_string(),
                        Ok(Err(e)) => format!("exit status unknown: {e}"),
                        Err(_) => "still running after kill".to_string(),
                    }
                }
            },
        };
        self.stderr.drain(REAP_WAIT).await;
        transcript.note("exited", &json!({ "status": status }));
        status
    }

    /// Ends the process as the protocol says: `shutdown` request (unless it already failed), close
    /// stdin, wait `timeouts.shutdown_ms`, kill. Returns the stderr logs still open and problems.
    pub(crate) async fn shutdown(
        mut self,
        transcript: &mut Transcript,
    ) -> (Vec<AttachmentWriter>, Vec<String>) {
        let mut problems = Vec::new();
        if !self.dead
            && let Err(e) = self
                .call(transcript, "shutdown", &json!({}), Phase::Shutdown)
                .await
        {
            problems.push(format!("adapter \"{}\" during shutdown: {e}", self.adapter));
        }
        if !self.dead {
            self.stdin = None;
            transcript.note("stdin_closed", &json!({}));
            let limit = Duration::from_millis(self.timeouts.shutdown_ms);
            match tokio::time::timeout(limit, self.child.wait()).await {
                Ok(Ok(status)) => {
                    self.dead = true;
                    self.stderr.drain(REAP_WAIT).await;
                    transcript.note("exited", &json!({ "status": status.to_string() }));
                }
                _ => {
                    problems.push(format!(
                        "adapter \"{}\" did not exit within {} ms after its stdin was closed and was killed",
                        self.adapter, self.timeouts.shutdown_ms
                    ));
                    self.terminate(transcript, false).await;
                }
            }
        }
        let (writers, more) = self.close().await;
        problems.extend(more);
        (writers, problems)
    }

    /// Takes the stderr logs of the process, killing it first if it still runs.
    pub(crate) async fn close(mut self) -> (Vec<AttachmentWriter>, Vec<String>) {
        if !self.dead {
            let _ = self.child.start_kill();
            let _ = tokio::time::timeout(REAP_WAIT, self.child.wait()).await;
        }
        self.stderr.drain(REAP_WAIT).await;
        self.stderr.take_all()
    }
}

async fn exchange(
    stdin: &mut Option<ChildStdin>,
    stdout: &mut BufReader<ChildStdout>,
    line: &mut Vec<u8>,
    request: &str,
) -> Exchange {
    let Some(stdin) = stdin.as_mut() else {
        return Exchange::Eof;
    };
    let written = async {
        stdin.write_all(request.as_bytes()).await?;
        stdin.write_all(b"\n").await?;
        stdin.flush().await
    };
    if let Err(e) = written.await {
        line.clear();
        return Exchange::Io(e);
    }
    match read_line(stdout, line, MAX_LINE).await {
        Ok(LineEnd::Complete) => Exchange::Line,
        Ok(LineEnd::Eof) => Exchange::Eof,
        Ok(LineEnd::TooLong) => Exchange::TooLong,
        Err(e) => Exchange::Io(e),
    }
}
