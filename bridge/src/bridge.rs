//! The bridge: its state, its lifecycle (start, reset, shutdown) and its installed identity.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::config::LoadedConfig;
use crate::downtime::DowntimeTracker;
use crate::executable::ExecutableIdentity;
use crate::master_data::MasterData;
use crate::pipeline::Admitted;
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::reorder::ReorderBuffer;
use crate::safeguards::Safeguards;
use crate::sparkplug::SessionTracker;
use crate::store::{SCHEMA_VERSION, Store, StoreError};

/// The program name reported in `hello`.
pub const NAME: &str = "qualify-bridge";
/// The program version reported in `hello` (the crate version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How to start a bridge.
#[derive(Debug, Clone)]
pub struct BridgeOptions {
    /// The configuration.
    pub config: LoadedConfig,
    /// The database path as given (`--db`); relative paths are resolved against the working folder
    /// at start and against the new `workdir` on every `reset`.
    pub db: PathBuf,
    /// The working folder at start.
    pub workdir: PathBuf,
    /// Controls (always [`Safeguards::default`] in the shipped binary).
    pub safeguards: Safeguards,
}

/// The IIoT → MES bridge.
pub struct Bridge {
    pub(crate) options: BridgeOptions,
    pub(crate) store: Store,
    pub(crate) sessions: SessionTracker,
    pub(crate) master: Option<MasterData>,
    pub(crate) buffer: ReorderBuffer<Admitted>,
    /// (order, operation, serial) of completions waiting in the buffer: duplicates of them are
    /// refused like duplicates of stored records.
    pub(crate) buffered_keys: HashSet<(String, String, String)>,
    pub(crate) downtime: DowntimeTracker,
    /// Hashed on the first `config` request, not at start: hashing a debug build takes most of a
    /// second, and most scenarios never ask.
    executable: OnceCell<ExecutableIdentity>,
}

impl Bridge {
    /// Opens the database in the start folder and starts with no sessions and no master data.
    pub fn start(options: BridgeOptions) -> Result<Self, StoreError> {
        let store = Store::open(&resolve(&options.db, &options.workdir))?;
        let buffer = ReorderBuffer::new(options.config.values.reorder_window_ms);
        let mut bridge = Self {
            options,
            store,
            sessions: SessionTracker::default(),
            master: None,
            buffer,
            buffered_keys: HashSet::new(),
            downtime: DowntimeTracker::default(),
            executable: OnceCell::new(),
        };
        bridge.resume_downtime()?;
        bridge.log(
            "info",
            "start",
            &format!(
                "{NAME} {VERSION}; schema {SCHEMA_VERSION}; config {} sha256 {}",
                bridge.options.config.source, bridge.options.config.sha256
            ),
        );
        Ok(bridge)
    }

    /// `reset {workdir}`: commits what is pending to the current database, then forgets all state
    /// and continues with the database in `workdir`.
    pub fn reset(&mut self, body: &Value) -> Result<Value, Rejection> {
        let workdir = body
            .get("workdir")
            .and_then(Value::as_str)
            .filter(|w| !w.is_empty())
            .ok_or_else(|| Rejection::new(ReasonCode::InvalidRequest, "reset needs a workdir"))?;
        self.drain_for_close();
        let path = resolve(&self.options.db, Path::new(workdir));
        let store = Store::open(&path).map_err(|err| match err {
            StoreError::SchemaVersion { .. } => {
                Rejection::new(ReasonCode::SchemaMismatch, err.to_string())
            }
            other => Rejection::storage(&other),
        })?;
        self.store = store;
        self.options.workdir = PathBuf::from(workdir);
        self.sessions.clear();
        self.master = None;
        self.buffer.clear();
        self.buffered_keys.clear();
        self.downtime.clear();
        self.resume_downtime()
            .map_err(|err| Rejection::storage(&err))?;
        self.log("info", "reset", &format!("database {}", path.display()));
        Ok(json!({}))
    }

    /// Commits pending events and leaves the database file complete.
    pub fn shutdown(&mut self) {
        self.drain_for_close();
        self.log("info", "shutdown", "");
    }

    /// The installed identity: version, schema, configuration and master data.
    pub fn config_info(&self) -> Result<Value, Rejection> {
        let schema = self
            .store
            .schema_version()
            .map_err(|err| Rejection::storage(&err))?;
        Ok(json!({
            "name": NAME,
            "version": VERSION,
            "schema_version": schema,
            "database": self.store.path().display().to_string(),
            "config": self.options.config.to_json(),
            "config_source": self.options.config.source,
            "config_sha256": self.options.config.sha256,
            "executable": self.executable.get_or_init(ExecutableIdentity::current).to_json(),
            "master_data": match &self.master {
                Some(master) => json!({"loaded": true, "rows": master.len(), "digest": master.digest()}),
                None => json!({"loaded": false, "rows": 0, "digest": null}),
            },
        }))
    }

    /// `load_master_data`: reads and validates the MES mapping table. A refused table leaves the
    /// mapping in force before the request (if any) unchanged.
    pub fn load_master_data(&mut self) -> Result<Value, Rejection> {
        let rows = self
            .store
            .mapping_rows()
            .map_err(|err| Rejection::storage(&err))?;
        let centers = self
            .store
            .work_centers()
            .map_err(|err| Rejection::storage(&err))?;
        match MasterData::validate(&rows, &centers) {
            Ok(master) => {
                let summary = master.summary();
                self.log("info", "master_data_loaded", &summary.to_string());
                self.master = Some(master);
                Ok(summary)
            }
            Err(rejection) => {
                self.log(
                    "error",
                    "master_data_refused",
                    &rejection.to_json().to_string(),
                );
                Err(rejection)
            }
        }
    }

    /// Appends to the bridge log; a failure to log goes to standard error and does not stop the
    /// bridge (the log is diagnostics, the records and quarantine are the evidence).
    pub(crate) fn log(&self, level: &str, event: &str, detail: &str) {
        if let Err(err) = self.store.log(level, event, detail) {
            eprintln!("bridge log write failed ({event}): {err}");
        }
    }

    fn drain_for_close(&mut self) {
        if let Err(rejection) = self.flush() {
            eprintln!("flush before close failed: {rejection}");
        }
        if let Err(err) = self.store.checkpoint() {
            eprintln!("checkpoint failed: {err}");
        }
    }

    fn resume_downtime(&mut self) -> Result<(), StoreError> {
        for (work_center, open) in self.store.open_downtimes()? {
            self.downtime.opened(&work_center, open);
        }
        Ok(())
    }
}

fn resolve(db: &Path, workdir: &Path) -> PathBuf {
    if db.is_absolute() {
        db.to_path_buf()
    } else {
        workdir.join(db)
    }
}
