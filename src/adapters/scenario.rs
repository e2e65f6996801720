//! The adapters of one scenario: started on first use, failed for good after a failure, closed
//! down at the end with every evidence file accounted for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::http::HttpSlot;
use super::mqtt::MqttSlot;
use super::postgres::PostgresSlot;
use super::process_slot::{ProcessSlot, StartContext};
use super::slot_transcript::SlotTranscript;
use super::sql::SqlSlot;
use super::transcript::close_all;
use super::{AdapterError, AdapterRegistry, FinishReport, QueryRows, Reply};
use crate::config::{AdapterConfig, AdapterKind, SqlDriver};
use crate::evidence::{AdapterIdentity, AttachmentStore};

pub(super) enum Slot {
    Process(ProcessSlot),
    Sql(SqlSlot),
    Postgres(PostgresSlot),
    Mqtt(MqttSlot),
    Http(HttpSlot),
}

impl Slot {
    fn identity(&self) -> Option<&AdapterIdentity> {
        match self {
            Self::Process(p) => p.identity(),
            Self::Sql(s) => s.identity.as_ref(),
            Self::Postgres(s) => s.identity.as_ref(),
            Self::Mqtt(s) => s.identity(),
            Self::Http(s) => s.identity.as_ref(),
        }
    }
}

/// One scenario's view of the campaign's adapters. Not shared between scenarios.
pub struct ScenarioAdapters {
    registry: Arc<AdapterRegistry>,
    scenario_dir: PathBuf,
    store: AttachmentStore,
    slug: String,
    pub(super) slots: BTreeMap<String, Slot>,
    /// Adapters that failed in this scenario: code and first line of the failure.
    failures: BTreeMap<String, (&'static str, String)>,
}

impl std::fmt::Debug for ScenarioAdapters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScenarioAdapters")
            .field("slug", &self.slug)
            .field("scenario_dir", &self.scenario_dir)
            .field("started", &self.slots.keys().collect::<Vec<_>>())
            .field("failed", &self.failures)
            .finish_non_exhaustive()
    }
}

/// Which failures make an adapter unusable for the rest of the scenario: those that break or
/// discard the connection. A bad step input or a refused SQL statement does not.
fn is_sticky(error: &AdapterError) -> bool {
    !matches!(
        error,
        AdapterError::UnknownAdapter { .. }
            | AdapterError::WrongKind { .. }
            | AdapterError::InvalidRequest { .. }
            | AdapterError::Sql { .. }
            | AdapterError::SqlTimeout { .. }
            | AdapterError::HttpServerError { .. }
            | AdapterError::SubscriptionRefused { .. }
    )
}

impl ScenarioAdapters {
    /// Adapters for the scenario whose working folder is `scenario_dir`; its evidence files go to
    /// `attachments/<slug>/` in `store`. `slug` must be a safe folder name, unique per scenario.
    pub fn new(
        registry: Arc<AdapterRegistry>,
        scenario_dir: PathBuf,
        store: AttachmentStore,
        slug: String,
    ) -> Self {
        Self {
            registry,
            scenario_dir,
            store,
            slug,
            slots: BTreeMap::new(),
            failures: BTreeMap::new(),
        }
    }

    /// The scenario's working folder.
    pub fn scenario_dir(&self) -> &Path {
        &self.scenario_dir
    }

    /// Starts adapter `name` if not started yet (sends `hello`, or opens the database) and returns
    /// its identity.
    pub async fn start(&mut self, name: &str) -> Result<AdapterIdentity, AdapterError> {
        let config = self.usable(name)?.clone();
        if let Some(identity) = self.slots.get(name).and_then(Slot::identity) {
            return Ok(identity.clone());
        }
        let started = self.start_slot(name, &config).await;
        match started {
            Ok(identity) => Ok(identity),
            Err(error) => Err(self.fail(name, error).await),
        }
    }

    async fn start_slot(
        &mut self,
        name: &str,
        config: &AdapterConfig,
    ) -> Result<AdapterIdentity, AdapterError> {
        if !self.slots.contains_key(name) {
            let open = |kind: SlotTranscript| kind.open(&self.store, name, &self.slug);
            let slot = match config.kind {
                AdapterKind::Process => {
                    Slot::Process(ProcessSlot::new(name, open(SlotTranscript::Process)?))
                }
                AdapterKind::Sql => match config.driver {
                    SqlDriver::Sqlite => {
                        Slot::Sql(SqlSlot::new(name, open(SlotTranscript::Sqlite)?))
                    }
                    SqlDriver::Postgres => {
                        Slot::Postgres(PostgresSlot::new(name, open(SlotTranscript::Postgres)?))
                    }
                },
                AdapterKind::Mqtt => Slot::Mqtt(MqttSlot::new(name, open(SlotTranscript::Mqtt)?)),
                AdapterKind::Http => Slot::Http(HttpSlot::new(name, open(SlotTranscript::Http)?)),
            };
            self.slots.insert(name.to_string(), slot);
        }
        let ctx = StartContext {
            registry: &self.registry,
            config,
            store: &self.store,
            slug: &self.slug,
            scenario_dir: &self.scenario_dir,
        };
        match self.slots.get_mut(name) {
            Some(Slot::Process(slot)) => slot.start(&ctx).await,
            Some(Slot::Sql(slot)) => slot.start(config, &self.scenario_dir).await,
            Some(Slot::Postgres(slot)) => slot.start(config).await,
            Some(Slot::Mqtt(slot)) => slot.start(config, self.registry.config_dir()).await,
            Some(Slot::Http(slot)) => slot.start(config, self.registry.config_dir()).await,
            None => Err(AdapterError::start_failed(
                name,
                "the adapter slot disappeared",
            )),
        }
    }

    /// Sends a `kind` request with `body` to process adapter `name`, starting it first if needed.
    /// A rejection is a [`Reply::Rejected`], not an error.
    pub async fn request(
        &mut self,
        name: &str,
        kind: &str,
        body: Value,
    ) -> Result<Reply, AdapterError> {
        self.expect_kind(name, AdapterKind::Process, "answer requests")?;
        if matches!(kind, "hello" | "reset" | "shutdown") {
            return Err(AdapterError::InvalidRequest {
                adapter: name.to_string(),
                problem: format!(
                    "\"{kind}\" is reserved: qualify sends it itself as part of the adapter's lifecycle"
                ),
            });
        }
        self.start(name).await?;
        let result = match self.slots.get_mut(name) {
            Some(Slot::Process(slot)) => slot.request(kind, &body).await,
            _ => Err(AdapterError::start_failed(
                name,
                "the adapter was not started",
            )),
        };
        match result {
            Ok(reply) => Ok(reply),
            Err(error) => Err(self.fail(name, error).await),
        }
    }

    /// Runs a read-only SQL query on sql adapter `name`.
    pub async fn query(&mut self, name: &str, sql: &str) -> Result<QueryRows, AdapterError> {
        self.expect_kind(name, AdapterKind::Sql, "run SQL queries")?;
        self.start(name).await?;
        let result = match self.slots.get_mut(name) {
            Some(Slot::Sql(slot)) => slot.query(sql).await,
            Some(Slot::Postgres(slot)) => slot.query(sql).await,
            _ => Err(AdapterError::start_failed(
                name,
                "the adapter was not started",
            )),
        };
        match result {
            Ok(rows) => Ok(rows),
            Err(error) => Err(self.fail(name, error).await),
        }
    }

    /// Inserts `rows` (one value per column) into `table` of sql adapter `name`, all or none.
    pub async fn insert_rows(
        &mut self,
        name: &str,
        table: &str,
        columns: &[String],
        rows: &[Vec<Value>],
    ) -> Result<usize, AdapterError> {
        self.expect_kind(name, AdapterKind::Sql, "insert table rows")?;
        self.start(name).await?;
        let result = match self.slots.get_mut(name) {
            Some(Slot::Sql(slot)) => slot.insert(table, columns, rows).await,
            Some(Slot::Postgres(slot)) => slot.insert(table, columns, rows).await,
            _ => Err(AdapterError::start_failed(
                name,
                "the adapter was not started",
            )),
        };
        match result {
            Ok(n) => Ok(n),
            Err(error) => Err(self.fail(name, error).await),
        }
    }

    /// The identity of adapter `name`, if it was started in this scenario.
    pub fn identity(&self, name: &str) -> Option<&AdapterIdentity> {
        self.slots.get(name).and_then(Slot::identity)
    }

    /// The identities of the adapters started in this scenario, by adapter name.
    pub fn identities(&self) -> Vec<AdapterIdentity> {
        self.slots
            .values()
            .filter_map(Slot::identity)
            .cloned()
            .collect()
    }

    /// The evidence files adapter `name` writes for this scenario (paths relative to the package
    /// root), so that a step can reference them; their digests come with [`ScenarioAdapters::finish`].
    pub fn attachment_paths(&self, name: &str) -> Vec<String> {
        match self.slots.get(name) {
            Some(Slot::Process(slot)) => slot.paths(),
            Some(Slot::Sql(slot)) => vec![slot.transcript.path().to_string()],
            Some(Slot::Postgres(slot)) => vec![slot.transcript.path().to_string()],
            Some(Slot::Mqtt(slot)) => slot.paths(),
            Some(Slot::Http(slot)) => vec![slot.transcript.path().to_string()],
            None => Vec::new(),
        }
    }

    /// Ends the scenario: stops its own processes (shutdown request, close stdin, wait, kill),
    /// returns pooled ones, closes every evidence file and reports them with their digests.
    pub async fn finish(self) -> FinishReport {
        let mut report = FinishReport::default();
        let mut writers = Vec::new();
        for (_, slot) in self.slots {
            match slot {
                Slot::Process(slot) => {
                    let (files, problems) = slot.finish(&self.registry, &self.slug).await;
                    writers.extend(files);
                    report.problems.extend(problems);
                }
                Slot::Sql(slot) => writers.push(slot.finish().await),
                Slot::Postgres(slot) => writers.push(slot.finish().await),
                Slot::Mqtt(slot) => writers.extend(slot.finish().await),
                Slot::Http(slot) => writers.push(slot.finish()),
            }
        }
        report.attachments = close_all(writers, &mut report.problems).await;
        report
    }

    /// The declaration of `name`, if it is declared and has not failed in this scenario.
    fn usable(&self, name: &str) -> Result<&AdapterConfig, AdapterError> {
        let Some(config) = self.registry.config(name) else {
            return Err(AdapterError::UnknownAdapter {
                name: name.to_string(),
                known: self.registry.names(),
            });
        };
        if let Some((code, summary)) = self.failures.get(name) {
            return Err(AdapterError::FailedEarlier {
                adapter: name.to_string(),
                code,
                summary: summary.clone(),
            });
        }
        Ok(config)
    }

    pub(super) fn expect_kind(
        &self,
        name: &str,
        kind: AdapterKind,
        operation: &'static str,
    ) -> Result<(), AdapterError> {
        let config = self.usable(name)?;
        if config.kind == kind {
            return Ok(());
        }
        Err(AdapterError::WrongKind {
            adapter: name.to_string(),
            actual: config.kind.as_str(),
            operation,
        })
    }

    /// Records a failure that makes the adapter unusable and discards its process.
    pub(super) async fn fail(&mut self, name: &str, error: AdapterError) -> AdapterError {
        if is_sticky(&error) && !self.failures.contains_key(name) {
            let failure = match &error {
                AdapterError::FailedEarlier { code, summary, .. } => (*code, summary.clone()),
                other => (other.code(), other.summary()),
            };
            self.failures.insert(name.to_string(), failure);
            if let Some(Slot::Process(slot)) = self.slots.get_mut(name) {
                slot.discard().await;
            }
        }
        error
    }
}
