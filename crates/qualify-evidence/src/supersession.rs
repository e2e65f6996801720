//! [`SupersessionStatement`]: a signed record that disposes of a package (of a revision with
//! failed scenarios or open deviations) in favour of a replacement package, by a named person,
//! for a stated reason.
//!
//! Records are kept outside packages, committed in the project (by default under
//! `validation/supersessions/<package id>-<12 hex of its manifest digest>.dsse.json`), each an
//! [`crate::Envelope`] whose payload is an in-toto Statement with predicate type
//! [`SUPERSESSION_PREDICATE_TYPE`](crate::schema::SUPERSESSION_PREDICATE_TYPE). Its subjects are
//! both packages (`package:<id>`) by manifest digest, so it disposes of exactly the content it
//! names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::statement::{Statement, Subject};

/// The statement of a supersession record.
pub type SupersessionStatement = Statement<SupersessionPredicate>;

/// A package as a supersession record names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageRecord {
    /// Package id.
    pub id: String,
    /// SHA-256 of its `manifest.json`.
    pub manifest_sha256: String,
    /// Its commit.
    pub commit: Option<String>,
    /// Every scenario it ran.
    pub scenarios: Vec<String>,
}

/// What a supersession record says and who says it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupersessionPredicate {
    /// The package disposed of.
    pub superseded: PackageRecord,
    /// The package that replaces it.
    pub replacement: PackageRecord,
    /// Why.
    pub reason: String,
    /// Signer id in the registry.
    pub signer_id: String,
    /// Printed name.
    pub signer_name: String,
    /// Role signed in.
    pub role: String,
    /// Key id.
    pub key_id: String,
    /// UTC signing time (RFC 3339).
    pub signed_at: String,
}

impl SupersessionPredicate {
    /// The subjects a record with this predicate must have: both packages, superseded first, as
    /// `package:<id>` with the SHA-256 of their manifest.
    pub fn subjects(&self) -> Vec<Subject> {
        [&self.superseded, &self.replacement]
            .iter()
            .map(|r| Subject {
                name: format!("package:{}", r.id),
                digest: BTreeMap::from([("sha256".to_string(), r.manifest_sha256.clone())]),
            })
            .collect()
    }
}
