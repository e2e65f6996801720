//! The fixture the adapter tests share: a campaign of adapters (a registry, a package folder and
//! per-scenario work folders in one temporary folder), its evidence read back, and the secrets
//! the adapters read from the environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};

use qualify::adapters::{AdapterRegistry, FinishReport, ScenarioAdapters};
use qualify::config::AdapterConfig;
use qualify::evidence::{AttachmentRef, AttachmentStore};
use serde_json::Value;
use tempfile::TempDir;

/// The bearer token the fixture HTTP API accepts, and the variable holding it.
pub const HTTP_TOKEN: &str = "tok-3f9a-very-secret";
pub const HTTP_TOKEN_VAR: &str = "QUALIFY_TEST_HTTP_TOKEN";
/// A variable holding a token the API refuses.
pub const HTTP_WRONG_VAR: &str = "QUALIFY_TEST_HTTP_WRONG_TOKEN";
/// The MQTT user's password, and the variable holding it.
pub const MQTT_PASSWORD: &str = "mq-pass-91c2e";
pub const MQTT_PASSWORD_VAR: &str = "QUALIFY_TEST_MQTT_PASSWORD";
/// A variable holding a password the broker refuses.
pub const MQTT_WRONG_VAR: &str = "QUALIFY_TEST_MQTT_WRONG_PASSWORD";
/// The variable holding the PostgreSQL password ([`super::postgres::PASSWORD`]).
pub const PG_PASSWORD_VAR: &str = "QUALIFY_TEST_PG_PASSWORD";
/// A variable holding a password PostgreSQL refuses.
pub const PG_WRONG_VAR: &str = "QUALIFY_TEST_PG_WRONG_PASSWORD";

/// Wrong secrets, each distinct, so that a test can tell which one leaked.
pub const HTTP_WRONG: &str = "tok-wrong-0000";
pub const MQTT_WRONG: &str = "not-the-password";
pub const PG_WRONG: &str = "wrong-pg-password";

/// Puts every test secret in this process's environment, once, before any adapter reads one.
/// Every [`Campaign`] calls it first, and all tests of the binary share the one set of values,
/// so there is no later write racing a read.
pub fn secret_env() {
    static ONCE: Once = Once::new();
    // SAFETY: written once, while every other caller waits on the Once, with names only these
    // tests use; nothing in this process reads them before.
    ONCE.call_once(|| unsafe {
        for (var, value) in [
            (HTTP_TOKEN_VAR, HTTP_TOKEN),
            (HTTP_WRONG_VAR, HTTP_WRONG),
            (MQTT_PASSWORD_VAR, MQTT_PASSWORD),
            (MQTT_WRONG_VAR, MQTT_WRONG),
            (PG_PASSWORD_VAR, super::postgres::PASSWORD),
            (PG_WRONG_VAR, PG_WRONG),
        ] {
            std::env::set_var(var, value);
        }
    });
}

/// A campaign's adapters, package and work folders.
pub struct Campaign {
    tmp: TempDir,
    store: AttachmentStore,
    /// The campaign's adapter registry (for campaign-level shutdown).
    pub registry: Arc<AdapterRegistry>,
}

impl Campaign {
    /// `adapters`, with relative paths in their settings resolved against the temporary folder.
    pub fn new(adapters: Vec<(&str, AdapterConfig)>) -> Self {
        Self::build(adapters, None)
    }

    /// `adapters`, with relative paths resolved against `config_dir` (as if qualify.yaml were
    /// there).
    pub fn in_config_dir(adapters: Vec<(&str, AdapterConfig)>, config_dir: &Path) -> Self {
        Self::build(adapters, Some(config_dir))
    }

    fn build(adapters: Vec<(&str, AdapterConfig)>, config_dir: Option<&Path>) -> Self {
        secret_env();
        let tmp = TempDir::new().expect("campaign folder");
        let adapters: BTreeMap<String, AdapterConfig> = adapters
            .into_iter()
            .map(|(n, c)| (n.to_string(), c))
            .collect();
        let config_dir = config_dir.unwrap_or(tmp.path()).to_path_buf();
        let registry = Arc::new(AdapterRegistry::new(adapters, config_dir));
        let store = AttachmentStore::new(tmp.path().join("package"));
        Self {
            tmp,
            store,
            registry,
        }
    }

    /// The temporary folder holding everything.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// The work folder of scenario `slug` (created).
    pub fn scenario_dir(&self, slug: &str) -> PathBuf {
        let dir = self.tmp.path().join("work").join(slug);
        std::fs::create_dir_all(&dir).expect("scenario folder");
        dir
    }

    /// The adapters of a new scenario `slug`.
    pub fn scenario(&self, slug: &str) -> ScenarioAdapters {
        ScenarioAdapters::new(
            Arc::clone(&self.registry),
            self.scenario_dir(slug),
            self.store.clone(),
            slug.to_string(),
        )
    }

    /// The package folder.
    pub fn package(&self) -> &Path {
        self.store.package_root()
    }

    /// An attachment's text.
    pub fn read(&self, attachment: &AttachmentRef) -> String {
        std::fs::read_to_string(self.package().join(&attachment.path)).expect("attachment")
    }

    /// `attachments/<rel>` as text.
    pub fn attachment_text(&self, rel: &str) -> String {
        let path = self.package().join("attachments").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The entries of the JSON-lines attachment `attachments/<rel>`.
    pub fn entries(&self, rel: &str) -> Vec<Value> {
        json_lines(&self.attachment_text(rel))
    }
}

/// The attachment of `report` whose path ends in `suffix`.
pub fn find<'a>(report: &'a FinishReport, suffix: &str) -> &'a AttachmentRef {
    report
        .attachments
        .iter()
        .find(|a| a.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no attachment ending in {suffix}: {:?}", report.attachments))
}

/// JSON-lines text as values.
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The `event` of each transcript entry.
pub fn events(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default())
        .collect()
}

/// Owned strings (column lists).
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}
