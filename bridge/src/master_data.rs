//! The governed master-data mapping: PLC/edge device id ↔ MES work center ↔ maintenance asset id.
//!
//! The MES owns the `equipment_mapping` table; the bridge only reads it, on an explicit
//! `load_master_data` request, and refuses to use a table with duplicate, conflicting or
//! incomplete rows. The relation must be one-to-one in every direction: a device feeds one work
//! center and one asset, and no work center or asset is fed by two devices.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::reason::ReasonCode;
use crate::rejection::Rejection;

/// One row as read from the MES table (columns may be NULL there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRow {
    /// Sparkplug `group/edge/device` (or `group/edge`), or an OPC UA device id.
    pub device_id: Option<String>,
    /// The MES work center (`equipment.equipment_id`).
    pub work_center: Option<String>,
    /// The maintenance (CMMS) asset id.
    pub asset_id: Option<String>,
}

/// Where a device's data belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The MES work center.
    pub work_center: String,
    /// The maintenance asset.
    pub asset_id: String,
}

/// A validated mapping table.
#[derive(Debug, Clone, PartialEq)]
pub struct MasterData {
    by_device: BTreeMap<String, Mapping>,
    digest: String,
}

impl MasterData {
    /// Validates the rows (in table order) against the MES work centers.
    pub fn validate(
        rows: &[MappingRow],
        work_centers: &BTreeSet<String>,
    ) -> Result<Self, Rejection> {
        let mut conflicts = Vec::new();
        let mut duplicates = Vec::new();
        let mut invalid = Vec::new();
        if rows.is_empty() {
            invalid.push(json!({"problem": "the mapping table is empty"}));
        }
        let mut by_device: BTreeMap<String, (usize, Mapping)> = BTreeMap::new();
        let mut device_of_center: HashMap<String, (usize, String)> = HashMap::new();
        let mut device_of_asset: HashMap<String, (usize, String)> = HashMap::new();
        for (index, row) in rows.iter().enumerate() {
            let line = index + 1;
            let (Some(device), Some(center), Some(asset)) = (
                filled(&row.device_id),
                filled(&row.work_center),
                filled(&row.asset_id),
            ) else {
                invalid.push(json!({"row": line, "problem": "device_id, work_center and asset_id are all required"}));
                continue;
            };
            if !work_centers.contains(center) {
                invalid.push(json!({"row": line, "problem": format!("work center {center} is not MES equipment")}));
            }
            let mapping = Mapping {
                work_center: center.into(),
                asset_id: asset.into(),
            };
            if let Some((first, known)) = by_device.get(device) {
                if *known == mapping {
                    duplicates
                        .push(json!({"row": line, "same_as_row": first, "device_id": device}));
                } else {
                    conflicts.push(json!({
                        "row": line, "other_row": first, "device_id": device,
                        "problem": format!("device {device} maps to {}/{} and to {center}/{asset}",
                                           known.work_center, known.asset_id),
                    }));
                }
                continue;
            }
            for (key, claimed, what) in [
                (center, &mut device_of_center, "work center"),
                (asset, &mut device_of_asset, "asset"),
            ] {
                match claimed.get(key) {
                    Some((first, other)) if other != device => conflicts.push(json!({
                        "row": line, "other_row": first, "device_id": device,
                        "problem": format!("{what} {key} is fed by {other} and by {device}"),
                    })),
                    Some(_) => {}
                    None => {
                        claimed.insert(key.into(), (line, device.into()));
                    }
                }
            }
            by_device.insert(device.into(), (line, mapping));
        }
        let refusal = [
            (ReasonCode::MappingConflict, "conflicting", conflicts),
            (ReasonCode::MappingDuplicate, "duplicate", duplicates),
            (ReasonCode::MappingInvalid, "incomplete or unknown", invalid),
        ]
        .into_iter()
        .find(|(_, _, problems)| !problems.is_empty());
        if let Some((code, what, problems)) = refusal {
            return Err(Rejection::new(
                code,
                format!("equipment_mapping refused: {} {what} row(s); the previous mapping stays in force", problems.len()),
            )
            .with_details(json!({"problems": problems})));
        }
        let by_device: BTreeMap<String, Mapping> =
            by_device.into_iter().map(|(d, (_, m))| (d, m)).collect();
        let digest = digest(&by_device);
        Ok(Self { by_device, digest })
    }

    /// The mapping of a device, if it has one.
    pub fn resolve(&self, device_id: &str) -> Option<&Mapping> {
        self.by_device.get(device_id)
    }

    /// SHA-256 (hex) of the canonical form: one `device_id TAB work_center TAB asset_id LF` line
    /// per row, sorted by device id (reproducible with any SHA-256 tool).
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Number of devices mapped.
    pub fn len(&self) -> usize {
        self.by_device.len()
    }

    /// True when nothing is mapped (never the case for a validated table).
    pub fn is_empty(&self) -> bool {
        self.by_device.is_empty()
    }

    /// `{rows, digest}` for responses.
    pub fn summary(&self) -> Value {
        json!({"rows": self.len(), "digest": self.digest})
    }
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn digest(by_device: &BTreeMap<String, Mapping>) -> String {
    let mut hasher = Sha256::new();
    for (device, mapping) in by_device {
        hasher.update(
            format!("{device}\t{}\t{}\n", mapping.work_center, mapping.asset_id).as_bytes(),
        );
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(device: &str, center: &str, asset: &str) -> MappingRow {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        MappingRow {
            device_id: opt(device),
            work_center: opt(center),
            asset_id: opt(asset),
        }
    }

    fn centers() -> BTreeSet<String> {
        ["WC-1", "WC-2"].into_iter().map(String::from).collect()
    }

    fn refusal(rows: &[MappingRow]) -> ReasonCode {
        MasterData::validate(rows, &centers())
            .expect_err("refused")
            .code
    }

    #[test]
    fn valid_table_resolves_and_has_a_reproducible_digest() {
        let data = MasterData::validate(
            &[row("G/e/d2", "WC-2", "A-2"), row("G/e/d1", "WC-1", "A-1")],
            &centers(),
        )
        .expect("valid");
        assert_eq!(
            data.resolve("G/e/d1"),
            Some(&Mapping {
                work_center: "WC-1".into(),
                asset_id: "A-1".into()
            })
        );
        assert_eq!(data.resolve("G/e/d3"), None);
        let canonical = "G/e/d1\tWC-1\tA-1\nG/e/d2\tWC-2\tA-2\n";
        assert_eq!(
            data.digest(),
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let reordered = MasterData::validate(
            &[row("G/e/d1", "WC-1", "A-1"), row("G/e/d2", "WC-2", "A-2")],
            &centers(),
        )
        .expect("valid");
        assert_eq!(
            reordered.digest(),
            data.digest(),
            "row order does not change the digest"
        );
    }

    #[test]
    fn duplicates_conflicts_and_gaps_are_refused() {
        assert_eq!(
            refusal(&[row("d", "WC-1", "A"), row("d", "WC-1", "A")]),
            ReasonCode::MappingDuplicate
        );
        assert_eq!(
            refusal(&[row("d", "WC-1", "A"), row("d", "WC-2", "A")]),
            ReasonCode::MappingConflict
        );
        assert_eq!(
            refusal(&[row("d", "WC-1", "A"), row("d", "WC-1", "B")]),
            ReasonCode::MappingConflict
        );
        assert_eq!(
            refusal(&[row("d", "WC-1", "A"), row("e", "WC-1", "B")]),
            ReasonCode::MappingConflict
        );
        assert_eq!(
            refusal(&[row("d", "WC-1", "A"), row("e", "WC-2", "A")]),
            ReasonCode::MappingConflict
        );
        assert_eq!(
            refusal(&[row("d", "WC-9", "A")]),
            ReasonCode::MappingInvalid
        );
        assert_eq!(refusal(&[row("d", "", "A")]), ReasonCode::MappingInvalid);
        assert_eq!(refusal(&[]), ReasonCode::MappingInvalid);
    }

    #[test]
    fn a_conflict_outranks_a_duplicate_and_names_the_rows() {
        let err = MasterData::validate(
            &[
                row("d", "WC-1", "A"),
                row("d", "WC-1", "A"),
                row("d", "WC-2", "B"),
            ],
            &centers(),
        )
        .expect_err("refused");
        assert_eq!(err.code, ReasonCode::MappingConflict);
        let problems = &err.details.expect("details")["problems"];
        assert_eq!(problems[0]["row"], json!(3));
        assert_eq!(problems[0]["other_row"], json!(1));
    }
}
