//! The campaign-wide side of adapters: declarations, pools for `isolation: reset`, the single
//! process of each `isolation: shared` adapter, and executable digests.

use qualify_evidence::layout::attachment_path;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::child_env::{child_environment, parent_environment};
use super::process::{ProcessHandle, SpawnSpec};
use super::program::{DigestCache, resolve_args, resolve_program};
use super::transcript::{Transcript, close_all};
use super::{AdapterError, FinishReport};
use crate::config::{AdapterConfig, Isolation};
use crate::evidence::{AttachmentStore, AttachmentWriter};

/// A pooled or shared process with its campaign-level log (`attachments/_campaign/...`), which
/// records which scenarios used it and its final shutdown; its standard error goes there while no
/// scenario holds it.
pub(crate) struct Resident {
    pub(crate) handle: ProcessHandle,
    pub(crate) log: Transcript,
}

/// The process of an `isolation: shared` adapter. `generation` changes whenever a new process
/// replaces a failed one, so scenarios that used the old one notice.
#[derive(Default)]
pub(crate) struct SharedProcess {
    pub(crate) resident: Option<Resident>,
    pub(crate) generation: u64,
    /// Code and summary of the failure that ended the last process.
    pub(crate) last_failure: Option<(&'static str, String)>,
}

/// Everything a campaign knows about its adapters; share it between scenarios with an `Arc`.
pub struct AdapterRegistry {
    adapters: BTreeMap<String, AdapterConfig>,
    config_dir: PathBuf,
    digests: DigestCache,
    pools: Mutex<BTreeMap<String, Vec<Resident>>>,
    shared: BTreeMap<String, Arc<tokio::sync::Mutex<SharedProcess>>>,
    next_resident: AtomicU64,
    closed: AtomicBool,
}

impl std::fmt::Debug for AdapterRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterRegistry")
            .field("adapters", &self.adapters.keys().collect::<Vec<_>>())
            .field("config_dir", &self.config_dir)
            .finish_non_exhaustive()
    }
}

impl AdapterRegistry {
    /// A registry for the adapters declared in qualify.yaml, whose folder is `config_dir`
    /// (relative program paths are resolved against it; pooled and shared processes run in it).
    pub fn new(adapters: BTreeMap<String, AdapterConfig>, config_dir: PathBuf) -> Self {
        let shared = adapters
            .iter()
            .filter(|(_, c)| c.isolation == Isolation::Shared)
            .map(|(name, _)| (name.clone(), Arc::default()))
            .collect();
        Self {
            adapters,
            config_dir,
            digests: DigestCache::default(),
            pools: Mutex::default(),
            shared,
            next_resident: AtomicU64::new(1),
            closed: AtomicBool::new(false),
        }
    }

    /// The declaration of adapter `name`.
    pub fn config(&self, name: &str) -> Option<&AdapterConfig> {
        self.adapters.get(name)
    }

    /// The declared adapter names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.adapters.keys().cloned().collect()
    }

    /// The resolved executable of every process adapter whose program can be found, by adapter
    /// name; what the environment record fingerprints.
    pub fn executables(&self) -> BTreeMap<String, PathBuf> {
        self.adapters
            .iter()
            .filter(|(_, c)| c.kind == crate::config::AdapterKind::Process)
            .filter_map(|(name, c)| {
                let program = c.command.first()?;
                let env = child_environment(name, c, &parent_environment()).ok()?;
                let path =
                    super::program::resolve_program(program, &self.config_dir, &env.vars).ok()?;
                Some((name.clone(), path))
            })
            .collect()
    }

    /// The files named in the arguments of every process adapter's command (the script an
    /// interpreter runs, a configuration file), by adapter name; what the environment record
    /// fingerprints besides the executable.
    pub fn command_files(&self) -> BTreeMap<String, Vec<PathBuf>> {
        self.adapters
            .iter()
            .filter(|(_, c)| c.kind == crate::config::AdapterKind::Process)
            .map(|(name, c)| {
                let args = c.command.get(1..).unwrap_or_default();
                let files = super::program::named_files(&resolve_args(args, &self.config_dir));
                (name.clone(), files)
            })
            .filter(|(_, files)| !files.is_empty())
            .collect()
    }

    /// The environment each process adapter is started with, as recorded in evidence (names,
    /// values with secrets redacted), or why it cannot be built.
    pub fn environments(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        let parent = parent_environment();
        self.adapters
            .iter()
            .filter(|(_, c)| c.kind == crate::config::AdapterKind::Process)
            .map(|(name, c)| {
                let recorded = match child_environment(name, c, &parent) {
                    Ok(env) => env.recorded,
                    Err(e) => BTreeMap::from([("(error)".to_string(), e.to_string())]),
                };
                (name.clone(), recorded)
            })
            .collect()
    }

    /// The folder of qualify.yaml.
    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    /// Stops every pooled and shared process (shutdown request, close stdin, wait, kill) and
    /// closes their campaign-level logs. Call once, after the last scenario finished; processes
    /// returned to the pool afterwards are stopped by the scenario that returns them.
    pub async fn shutdown(&self) -> FinishReport {
        self.closed.store(true, Ordering::SeqCst);
        let mut residents: Vec<Resident> = {
            let mut pools = self.lock_pools();
            std::mem::take(&mut *pools)
                .into_values()
                .flatten()
                .collect()
        };
        for slot in self.shared.values() {
            residents.extend(slot.lock().await.resident.take());
        }
        let mut report = FinishReport::default();
        let mut writers = Vec::new();
        for resident in residents {
            stop_resident(resident, &mut writers, &mut report.problems).await;
        }
        report.attachments = close_all(writers, &mut report.problems).await;
        report
    }

    /// Resolves and fingerprints the program, starts it in `cwd` and exchanges `hello` (recorded
    /// in `transcript`). On failure, the logs it was given end up in `leftovers`.
    pub(crate) async fn launch(
        &self,
        name: &str,
        config: &AdapterConfig,
        cwd: &Path,
        transcript: &mut Transcript,
        logs: (Option<AttachmentWriter>, Option<AttachmentWriter>),
        leftovers: &mut Vec<AttachmentWriter>,
    ) -> Result<ProcessHandle, AdapterError> {
        let Some((program, args)) = config.command.split_first() else {
            leftovers.extend(logs.0.into_iter().chain(logs.1));
            return Err(AdapterError::start_failed(name, "`command` is empty"));
        };
        let env = match child_environment(name, config, &parent_environment()) {
            Ok(env) => env,
            Err(error) => {
                leftovers.extend(logs.0.into_iter().chain(logs.1));
                return Err(error);
            }
        };
        // Secrets handed over explicitly never appear in the transcript, whatever the adapter
        // echoes.
        transcript.set_secrets(env.secrets.clone());
        let checked = match resolve_program(program, &self.config_dir, &env.vars) {
            Ok(path) => match self.digests.digest(&path).await {
                Ok(sha256) => Ok((path, sha256)),
                Err(e) => Err(format!("cannot read {}: {e}", path.display())),
            },
            Err(reason) => Err(reason),
        };
        let (path, sha256) = match checked {
            Ok(found) => found,
            Err(reason) => {
                transcript.note(
                    "spawn_failed",
                    &json!({ "program": program, "error": reason }),
                );
                leftovers.extend(logs.0.into_iter().chain(logs.1));
                return Err(AdapterError::start_failed(name, reason));
            }
        };
        // Relative to qualify.yaml, like the program: the process runs in the scenario's folder.
        let args = resolve_args(args, &self.config_dir);
        let spec = SpawnSpec {
            adapter: name,
            program: &path,
            args: &args,
            env: &env.vars,
            recorded_env: &env.recorded,
            secrets: env.secrets.clone(),
            cwd,
            sha256,
            timeouts: config.timeouts,
        };
        let mut handle = ProcessHandle::spawn(spec, transcript, logs, leftovers)?;
        if let Err(error) = handle.hello(transcript).await {
            let (writers, _) = handle.close().await;
            leftovers.extend(writers);
            return Err(error);
        }
        Ok(handle)
    }

    /// Starts a process that outlives the scenario (`reset` or `shared`), in the config folder,
    /// with its own campaign-level log files.
    pub(crate) async fn launch_resident(
        &self,
        name: &str,
        config: &AdapterConfig,
        store: &AttachmentStore,
        transcript: &mut Transcript,
        scenario_log: Option<AttachmentWriter>,
        leftovers: &mut Vec<AttachmentWriter>,
    ) -> Result<Resident, AdapterError> {
        let n = self.next_resident.fetch_add(1, Ordering::SeqCst);
        let base = format!("_campaign/{name}-{n}");
        let opened = Transcript::create(
            store,
            name,
            &format!("{base}.jsonl"),
            &format!("lifecycle of long-lived process {n} of adapter {name}"),
        )
        .and_then(|log| {
            let stderr = store
                .create(
                    &format!("{base}.stderr.log"),
                    "text/plain",
                    &format!("standard error of long-lived process {n} of adapter {name} outside scenarios"),
                )
                .map_err(|error| AdapterError::Evidence {
                    adapter: name.to_string(),
                    path: attachment_path(&format!("{base}.stderr.log")),
                    error,
                })?;
            Ok((log, stderr))
        });
        let (mut log, campaign_stderr) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                leftovers.extend(scenario_log);
                return Err(error);
            }
        };
        let cwd = self.config_dir.clone();
        let launched = self
            .launch(
                name,
                config,
                &cwd,
                transcript,
                (scenario_log, Some(campaign_stderr)),
                leftovers,
            )
            .await;
        match launched {
            Ok(handle) => {
                log.note(
                    "started",
                    &json!({ "pid": handle.pid(), "cwd": cwd, "by": transcript.path() }),
                );
                Ok(Resident { handle, log })
            }
            Err(error) => {
                log.note("start_failed", &json!({ "error": error.to_string() }));
                leftovers.push(log.into_writer());
                Err(error)
            }
        }
    }

    /// An idle pooled process of adapter `name`, if one is healthy. Dead ones are closed and
    /// their logs added to `leftovers`.
    pub(crate) async fn checkout(
        &self,
        name: &str,
        leftovers: &mut Vec<AttachmentWriter>,
        problems: &mut Vec<String>,
    ) -> Option<Resident> {
        loop {
            let mut resident = self.lock_pools().get_mut(name).and_then(Vec::pop)?;
            if resident.handle.is_healthy() {
                return Some(resident);
            }
            resident.handle.terminate(&mut resident.log, true).await;
            stop_resident(resident, leftovers, problems).await;
        }
    }

    /// Puts a healthy pooled process back; after [`AdapterRegistry::shutdown`] it is stopped
    /// instead and its logs go to `leftovers`.
    pub(crate) async fn checkin(
        &self,
        name: &str,
        resident: Resident,
        leftovers: &mut Vec<AttachmentWriter>,
        problems: &mut Vec<String>,
    ) {
        if self.closed.load(Ordering::SeqCst) {
            stop_resident(resident, leftovers, problems).await;
        } else {
            self.lock_pools()
                .entry(name.to_string())
                .or_default()
                .push(resident);
        }
    }

    /// The process slot of an `isolation: shared` adapter.
    pub(crate) fn shared(&self, name: &str) -> Option<Arc<tokio::sync::Mutex<SharedProcess>>> {
        self.shared.get(name).cloned()
    }

    fn lock_pools(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<Resident>>> {
        self.pools
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Shuts a resident down as the protocol says; its log files go to `writers`.
pub(crate) async fn stop_resident(
    resident: Resident,
    writers: &mut Vec<AttachmentWriter>,
    problems: &mut Vec<String>,
) {
    let Resident { handle, mut log } = resident;
    let (logs, more) = handle.shutdown(&mut log).await;
    writers.extend(logs);
    writers.push(log.into_writer());
    problems.extend(more);
}
