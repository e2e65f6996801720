//! One process adapter as one scenario sees it, whatever its isolation: its own transcript and
//! stderr log, and a process that is its own, borrowed from the pool, or shared.

use qualify_evidence::layout::attachment_path;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::process::{Phase, ProcessHandle};
use super::registry::{AdapterRegistry, Resident, SharedProcess, stop_resident};
use super::transcript::Transcript;
use super::{AdapterError, Reply};
use crate::config::{AdapterConfig, Isolation};
use crate::evidence::{AdapterIdentity, AttachmentStore, AttachmentWriter};

/// How long returning a pooled process waits for its stderr copy to catch up.
const STDERR_SYNC_WAIT: Duration = Duration::from_millis(500);

/// What starting an adapter needs to know about the scenario.
pub(crate) struct StartContext<'a> {
    pub(crate) registry: &'a AdapterRegistry,
    pub(crate) config: &'a AdapterConfig,
    pub(crate) store: &'a AttachmentStore,
    pub(crate) slug: &'a str,
    pub(crate) scenario_dir: &'a Path,
}

enum State {
    /// Not started, or discarded after a failure.
    Idle,
    /// `isolation: process`: ours alone, stopped at the end of the scenario.
    Own(Box<ProcessHandle>),
    /// `isolation: reset`: borrowed from the pool, returned at the end of the scenario.
    Pooled(Box<Resident>),
    /// `isolation: shared`: the campaign's process, as of `generation`.
    Shared {
        process: Arc<tokio::sync::Mutex<SharedProcess>>,
        generation: u64,
    },
}

/// A process adapter within one scenario.
pub(crate) struct ProcessSlot {
    adapter: String,
    transcript: Transcript,
    stderr_path: Option<String>,
    state: State,
    identity: Option<AdapterIdentity>,
    /// Log files taken back from processes, closed at the end of the scenario.
    leftovers: Vec<AttachmentWriter>,
    problems: Vec<String>,
}

/// A file name part for an adapter name: anything but `[A-Za-z0-9._-]` becomes `_`.
pub(crate) fn file_stem(adapter: &str) -> String {
    adapter
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl ProcessSlot {
    /// A slot for `adapter` that records into `transcript` (see `SlotTranscript`).
    pub(crate) fn new(adapter: &str, transcript: Transcript) -> Self {
        Self {
            adapter: adapter.to_string(),
            transcript,
            stderr_path: None,
            state: State::Idle,
            identity: None,
            leftovers: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The identity, once started.
    pub(crate) fn identity(&self) -> Option<&AdapterIdentity> {
        self.identity.as_ref()
    }

    /// The attachment files this slot writes, relative to the package root.
    pub(crate) fn paths(&self) -> Vec<String> {
        std::iter::once(self.transcript.path().to_string())
            .chain(self.stderr_path.clone())
            .collect()
    }

    /// Starts (or borrows, or joins) the process and records its identity.
    pub(crate) async fn start(
        &mut self,
        ctx: &StartContext<'_>,
    ) -> Result<AdapterIdentity, AdapterError> {
        let identity = match ctx.config.isolation {
            Isolation::Process => {
                create_dir(&self.adapter, ctx.scenario_dir).await?;
                let log = self.scenario_stderr(ctx)?;
                let handle = ctx
                    .registry
                    .launch(
                        &self.adapter,
                        ctx.config,
                        ctx.scenario_dir,
                        &mut self.transcript,
                        (Some(log), None),
                        &mut self.leftovers,
                    )
                    .await?;
                let identity = handle.identity();
                self.state = State::Own(Box::new(handle));
                identity
            }
            Isolation::Reset => self.start_pooled(ctx).await?,
            Isolation::Shared => self.start_shared(ctx).await?,
        };
        self.identity = Some(identity.clone());
        Ok(identity)
    }

    fn scenario_stderr(
        &mut self,
        ctx: &StartContext<'_>,
    ) -> Result<AttachmentWriter, AdapterError> {
        let relative = format!("{}/{}.stderr.log", ctx.slug, file_stem(&self.adapter));
        let writer = ctx
            .store
            .create(
                &relative,
                "text/plain",
                &format!("standard error of adapter {}", self.adapter),
            )
            .map_err(|error| AdapterError::Evidence {
                adapter: self.adapter.clone(),
                path: attachment_path(&relative),
                error,
            })?;
        self.stderr_path = Some(writer.path().to_string());
        Ok(writer)
    }

    async fn start_pooled(
        &mut self,
        ctx: &StartContext<'_>,
    ) -> Result<AdapterIdentity, AdapterError> {
        create_dir(&self.adapter, ctx.scenario_dir).await?;
        let workdir = std::path::absolute(ctx.scenario_dir).map_err(|e| {
            AdapterError::start_failed(
                &self.adapter,
                format!("cannot resolve {}: {e}", ctx.scenario_dir.display()),
            )
        })?;
        let log = self.scenario_stderr(ctx)?;
        let registry = ctx.registry;
        let mut resident = match registry
            .checkout(&self.adapter, &mut self.leftovers, &mut self.problems)
            .await
        {
            Some(resident) => {
                self.leftovers.extend(resident.handle.stderr.attach(log));
                self.transcript.note(
                    "reused",
                    &json!({ "pid": resident.handle.pid(), "process_log": resident.log.path() }),
                );
                resident
            }
            None => {
                let resident = registry
                    .launch_resident(
                        &self.adapter,
                        ctx.config,
                        ctx.store,
                        &mut self.transcript,
                        Some(log),
                        &mut self.leftovers,
                    )
                    .await?;
                if !resident.handle.has_capability("reset") {
                    stop_resident(resident, &mut self.leftovers, &mut self.problems).await;
                    return Err(AdapterError::start_failed(
                        &self.adapter,
                        "`isolation: reset` needs an adapter that announces the \"reset\" capability in its hello answer; add it to the adapter or use `isolation: process`",
                    ));
                }
                resident
            }
        };
        resident
            .log
            .note("lent", &json!({ "scenario": ctx.slug, "workdir": workdir }));
        let body = json!({ "workdir": workdir });
        let reset = resident
            .handle
            .call(&mut self.transcript, "reset", &body, Phase::Request)
            .await;
        let identity = resident.handle.identity();
        self.state = State::Pooled(Box::new(resident));
        match reset? {
            Reply::Result(_) => Ok(identity),
            Reply::Rejected { code, message, .. } => Err(AdapterError::start_failed(
                &self.adapter,
                format!("it rejected reset: {code}: {message}"),
            )),
        }
    }

    async fn start_shared(
        &mut self,
        ctx: &StartContext<'_>,
    ) -> Result<AdapterIdentity, AdapterError> {
        let Some(process) = ctx.registry.shared(&self.adapter) else {
            return Err(AdapterError::start_failed(
                &self.adapter,
                "no shared process slot",
            ));
        };
        let mut guard = process.lock().await;
        let shared = &mut *guard;
        match &shared.resident {
            Some(resident) => self.transcript.note(
                "joined",
                &json!({ "pid": resident.handle.pid(), "process_log": resident.log.path() }),
            ),
            None => {
                let resident = ctx
                    .registry
                    .launch_resident(
                        &self.adapter,
                        ctx.config,
                        ctx.store,
                        &mut self.transcript,
                        None,
                        &mut self.leftovers,
                    )
                    .await?;
                shared.generation += 1;
                shared.resident = Some(resident);
            }
        }
        let Some(resident) = shared.resident.as_mut() else {
            return Err(AdapterError::start_failed(
                &self.adapter,
                "the shared process is gone",
            ));
        };
        resident
            .log
            .note("joined", &json!({ "scenario": ctx.slug }));
        let identity = resident.handle.identity();
        let generation = shared.generation;
        drop(guard);
        self.state = State::Shared {
            process,
            generation,
        };
        Ok(identity)
    }

    /// Sends one request (the slot must have been started).
    pub(crate) async fn request(
        &mut self,
        kind: &str,
        body: &Value,
    ) -> Result<Reply, AdapterError> {
        let transcript = &mut self.transcript;
        match &mut self.state {
            State::Own(handle) => handle.call(transcript, kind, body, Phase::Request).await,
            State::Pooled(resident) => {
                resident
                    .handle
                    .call(transcript, kind, body, Phase::Request)
                    .await
            }
            State::Shared {
                process,
                generation,
            } => {
                let mut guard = process.lock().await;
                let shared = &mut *guard;
                let resident = match &mut shared.resident {
                    Some(resident) if shared.generation == *generation => resident,
                    _ => {
                        let (code, summary) = shared.last_failure.clone().unwrap_or((
                            "adapter_crashed",
                            "the shared process is gone".to_string(),
                        ));
                        return Err(AdapterError::FailedEarlier {
                            adapter: self.adapter.clone(),
                            code,
                            summary,
                        });
                    }
                };
                let result = resident
                    .handle
                    .call(transcript, kind, body, Phase::Request)
                    .await;
                if let Err(error) = &result {
                    // Other scenarios using this process find out through `last_failure`.
                    shared.last_failure = Some((error.code(), error.summary()));
                    if let Some(mut resident) = shared.resident.take() {
                        resident
                            .log
                            .note("failed", &json!({ "error": error.to_string() }));
                        let (writers, problems) = resident.handle.close().await;
                        self.leftovers.extend(writers);
                        self.leftovers.push(resident.log.into_writer());
                        self.problems.extend(problems);
                    }
                }
                result
            }
            State::Idle => Err(AdapterError::start_failed(
                &self.adapter,
                "the adapter was not started",
            )),
        }
    }

    /// Drops the process after a failure (killing it if it still runs), keeping its logs.
    pub(crate) async fn discard(&mut self) {
        match std::mem::replace(&mut self.state, State::Idle) {
            State::Own(handle) => {
                let (writers, problems) = handle.close().await;
                self.leftovers.extend(writers);
                self.problems.extend(problems);
            }
            State::Pooled(mut resident) => {
                resident
                    .log
                    .note("discarded", &json!({ "reason": "failure in a scenario" }));
                let (writers, problems) = resident.handle.close().await;
                self.leftovers.extend(writers);
                self.leftovers.push(resident.log.into_writer());
                self.problems.extend(problems);
            }
            // The shared process was dealt with under its lock when the request failed.
            State::Shared { .. } | State::Idle => {}
        }
    }

    /// Ends the scenario's use of the process; returns the files to close and any problems.
    pub(crate) async fn finish(
        mut self,
        registry: &AdapterRegistry,
        slug: &str,
    ) -> (Vec<AttachmentWriter>, Vec<String>) {
        let mut writers = std::mem::take(&mut self.leftovers);
        let mut problems = std::mem::take(&mut self.problems);
        match std::mem::replace(&mut self.state, State::Idle) {
            State::Own(handle) => {
                let (logs, more) = handle.shutdown(&mut self.transcript).await;
                writers.extend(logs);
                problems.extend(more);
            }
            State::Pooled(mut resident) => {
                if resident.handle.is_healthy() {
                    writers.extend(resident.handle.stderr.detach(STDERR_SYNC_WAIT).await);
                    self.transcript
                        .note("returned_to_pool", &json!({ "pid": resident.handle.pid() }));
                    resident.log.note("returned", &json!({ "scenario": slug }));
                    registry
                        .checkin(&self.adapter, *resident, &mut writers, &mut problems)
                        .await;
                } else {
                    problems.push(format!(
                        "the pooled process of adapter \"{}\" exited during the scenario",
                        self.adapter
                    ));
                    resident.handle.terminate(&mut self.transcript, true).await;
                    let (logs, more) = resident.handle.close().await;
                    writers.extend(logs);
                    writers.push(resident.log.into_writer());
                    problems.extend(more);
                }
            }
            State::Shared {
                process,
                generation,
            } => {
                let mut guard = process.lock().await;
                if guard.generation == generation
                    && let Some(resident) = guard.resident.as_mut()
                {
                    resident.log.note("left", &json!({ "scenario": slug }));
                }
            }
            State::Idle => {}
        }
        writers.push(self.transcript.into_writer());
        (writers, problems)
    }
}

async fn create_dir(adapter: &str, dir: &Path) -> Result<(), AdapterError> {
    tokio::fs::create_dir_all(dir).await.map_err(|e| {
        AdapterError::start_failed(
            adapter,
            format!("cannot create the scenario folder {}: {e}", dir.display()),
        )
    })
}
