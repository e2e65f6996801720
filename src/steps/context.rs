//! The campaign context shared by every scenario's World.
//!
//! cucumber-rs creates Worlds through `World::new()`, which takes no arguments, so the context of
//! the running campaign is published in a process-wide slot for the duration of the run. Runs in
//! one process are serialised by [`RunContext::enter`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use super::record::ScenarioRecord;
use crate::adapters::AdapterRegistry;
use crate::config::Config;
use crate::evidence::AttachmentStore;

static CURRENT: RwLock<Option<Arc<RunContext>>> = RwLock::new(None);
static RUN_LOCK: Mutex<()> = Mutex::new(());

/// What every scenario of a campaign shares.
pub struct RunContext {
    /// The project configuration.
    pub config: Config,
    /// Adapter pools and declarations.
    pub registry: Arc<AdapterRegistry>,
    /// Where attachments go (the package being written).
    pub store: AttachmentStore,
    /// Parent of the scenarios' working folders.
    pub work_root: PathBuf,
    /// Records of finished scenarios, by scenario id.
    pub records: Mutex<BTreeMap<String, ScenarioRecord>>,
}

/// Keeps a context published; unpublishes it when dropped.
pub struct ActiveRun {
    _guard: MutexGuard<'static, ()>,
}

impl Drop for ActiveRun {
    fn drop(&mut self) {
        if let Ok(mut slot) = CURRENT.write() {
            *slot = None;
        }
    }
}

impl RunContext {
    /// Publishes `ctx` as the running campaign until the returned guard is dropped.
    pub fn enter(ctx: Arc<RunContext>) -> ActiveRun {
        let guard = RUN_LOCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Ok(mut slot) = CURRENT.write() {
            *slot = Some(ctx);
        }
        ActiveRun { _guard: guard }
    }

    /// The running campaign, if any.
    pub fn current() -> Option<Arc<RunContext>> {
        CURRENT.read().ok().and_then(|slot| slot.clone())
    }

    /// Takes the records of all finished scenarios.
    pub fn take_records(&self) -> BTreeMap<String, ScenarioRecord> {
        self.records
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }
}
