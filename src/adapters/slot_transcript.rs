//! [`SlotTranscript`]: which transcript each kind of adapter slot keeps in the package, its file
//! name and the description recorded with it. One table, so that the slots receive an open
//! transcript instead of each opening its own the same way.

use super::AdapterError;
use super::process_slot::file_stem;
use super::transcript::Transcript;
use crate::evidence::AttachmentStore;

/// The kind of slot a transcript is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotTranscript {
    /// A process adapter: every protocol line.
    Process,
    /// An SQLite adapter: statements and results.
    Sqlite,
    /// A PostgreSQL adapter: statements and results.
    Postgres,
    /// An MQTT adapter: messages published and received.
    Mqtt,
    /// An HTTP adapter: requests and responses.
    Http,
}

impl SlotTranscript {
    /// The file name ending after the adapter's file stem.
    fn suffix(self) -> &'static str {
        match self {
            SlotTranscript::Process => "jsonl",
            SlotTranscript::Sqlite | SlotTranscript::Postgres => "sql.jsonl",
            SlotTranscript::Mqtt => "mqtt.jsonl",
            SlotTranscript::Http => "http.jsonl",
        }
    }

    /// What the attachment holds, as recorded in results.json.
    fn description(self, adapter: &str) -> String {
        match self {
            SlotTranscript::Process => format!(
                "protocol traffic with adapter {adapter}: every line, raw, with UTC timestamps"
            ),
            SlotTranscript::Sqlite => format!(
                "SQL statements run on adapter {adapter} and their results, with UTC timestamps"
            ),
            SlotTranscript::Postgres => format!(
                "SQL statements run on adapter {adapter} (PostgreSQL) and their results, with UTC timestamps"
            ),
            SlotTranscript::Mqtt => format!(
                "MQTT messages published and received by adapter {adapter}, with topic, QoS, retain flag and UTC time"
            ),
            SlotTranscript::Http => format!(
                "HTTP requests and responses of adapter {adapter}, with UTC times; the bearer token is redacted"
            ),
        }
    }

    /// Opens the scenario's (`slug`) transcript of `adapter`.
    pub(crate) fn open(
        self,
        store: &AttachmentStore,
        adapter: &str,
        slug: &str,
    ) -> Result<Transcript, AdapterError> {
        let relative = format!("{slug}/{}.{}", file_stem(adapter), self.suffix());
        Transcript::create(store, adapter, &relative, &self.description(adapter))
    }
}
