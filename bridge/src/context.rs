//! Context enrichment: a completion becomes a record only with its full context from the MES
//! system of record (work order, operation, part, revision, batch, equipment) plus the serial
//! from the device.

use serde_json::json;

use crate::events::CompletionClaim;
use crate::job_order::JobOrder;
use crate::master_data::Mapping;
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::safeguards::Safeguards;

/// The resolved context of a completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionContext {
    /// Work order.
    pub order_id: String,
    /// Operation.
    pub operation: String,
    /// Part number.
    pub part_number: String,
    /// Revision.
    pub revision: String,
    /// Material lot / batch.
    pub batch: String,
    /// MES work center.
    pub equipment_id: String,
    /// Maintenance asset.
    pub asset_id: String,
    /// Part serial.
    pub serial: String,
}

/// Looks an order up in the MES (`Ok(None)`: no such order).
pub type OrderLookup<'a> = dyn FnMut(&str) -> Result<Option<JobOrder>, Rejection> + 'a;

/// Resolves the context of a completion. Checks, in this order: the device sent a work order and
/// a serial (`missing_context`); the MES knows the order (`unknown_order`); the order is
/// dispatched to the device's work center (`equipment_mismatch`); the order is running
/// (`order_not_active`); the MES order carries operation, part, revision and batch
/// (`missing_context`).
pub fn resolve_completion(
    claim: &CompletionClaim,
    mapping: &Mapping,
    lookup: &mut OrderLookup<'_>,
    safeguards: Safeguards,
) -> Result<CompletionContext, Rejection> {
    let mut missing = Vec::new();
    if claim.order_id.is_none() {
        missing.push("work_order");
    }
    if claim.serial.is_none() {
        missing.push("serial");
    }
    if safeguards.require_context && !missing.is_empty() {
        return Err(missing_context(&missing, "telemetry"));
    }
    let order = match &claim.order_id {
        Some(order_id) => Some(active_order(order_id, mapping, lookup)?),
        None => None,
    };
    let order = order.unwrap_or_default();
    let fields = [
        ("operation", &order.operation),
        ("part_number", &order.part_number),
        ("revision", &order.revision),
        ("batch", &order.batch),
    ];
    let missing: Vec<&str> = fields
        .iter()
        .filter(|(_, value)| blank(value))
        .map(|(name, _)| *name)
        .collect();
    if safeguards.require_context && !missing.is_empty() {
        return Err(missing_context(
            &missing,
            &format!("MES order {}", order.order_id),
        ));
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Ok(CompletionContext {
        order_id: order.order_id.clone(),
        operation: text(&order.operation),
        part_number: text(&order.part_number),
        revision: text(&order.revision),
        batch: text(&order.batch),
        equipment_id: mapping.work_center.clone(),
        asset_id: mapping.asset_id.clone(),
        serial: claim.serial.clone().unwrap_or_default(),
    })
}

/// Resolves the order a device names, for events that need only the order (an order-complete
/// claim): it must exist, be dispatched to the device's work center and be running.
pub fn resolve_order(
    order_id: Option<&str>,
    mapping: &Mapping,
    lookup: &mut OrderLookup<'_>,
) -> Result<JobOrder, Rejection> {
    let order_id = order_id.ok_or_else(|| missing_context(&["work_order"], "telemetry"))?;
    active_order(order_id, mapping, lookup)
}

fn active_order(
    order_id: &str,
    mapping: &Mapping,
    lookup: &mut OrderLookup<'_>,
) -> Result<JobOrder, Rejection> {
    let order = lookup(order_id)?.ok_or_else(|| {
        Rejection::new(
            ReasonCode::UnknownOrder,
            format!("work order {order_id} is not in the MES"),
        )
    })?;
    if order.equipment_id.as_deref() != Some(mapping.work_center.as_str()) {
        return Err(Rejection::new(
            ReasonCode::EquipmentMismatch,
            format!(
                "work order {order_id} is dispatched to {}, the device maps to {}",
                order.equipment_id.as_deref().unwrap_or("no work center"),
                mapping.work_center
            ),
        )
        .with_details(json!({"order_equipment": order.equipment_id, "device_work_center": mapping.work_center})));
    }
    if !order.is_active() {
        return Err(Rejection::new(
            ReasonCode::OrderNotActive,
            format!(
                "work order {order_id} is {} in the MES, not running",
                order.status.as_deref().unwrap_or("without status")
            ),
        )
        .with_details(json!({"order_id": order_id, "status": order.status})));
    }
    Ok(order)
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

fn missing_context(missing: &[&str], from: &str) -> Rejection {
    Rejection::new(
        ReasonCode::MissingContext,
        format!("{from} lacks {}", missing.join(", ")),
    )
    .with_details(json!({"missing": missing}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::PartResult;

    fn order(status: &str) -> JobOrder {
        JobOrder {
            order_id: "WO-1".into(),
            operation: Some("OP-20".into()),
            part_number: Some("P-100".into()),
            revision: Some("C".into()),
            batch: Some("LOT-7".into()),
            equipment_id: Some("WC-1".into()),
            status: Some(status.into()),
        }
    }

    fn mapping() -> Mapping {
        Mapping {
            work_center: "WC-1".into(),
            asset_id: "AS-1".into(),
        }
    }

    fn claim(order_id: Option<&str>, serial: Option<&str>) -> CompletionClaim {
        CompletionClaim {
            order_id: order_id.map(String::from),
            serial: serial.map(String::from),
            result: PartResult::Good,
        }
    }

    fn resolve(
        claim: &CompletionClaim,
        found: Option<JobOrder>,
        safeguards: Safeguards,
    ) -> Result<CompletionContext, Rejection> {
        let mut lookup = move |_: &str| Ok(found.clone());
        resolve_completion(claim, &mapping(), &mut lookup, safeguards)
    }

    fn code(result: Result<CompletionContext, Rejection>) -> ReasonCode {
        result.expect_err("refused").code
    }

    #[test]
    fn full_context() {
        let context = resolve(
            &claim(Some("WO-1"), Some("SN-1")),
            Some(order("running")),
            Safeguards::default(),
        )
        .expect("resolved");
        assert_eq!(context.operation, "OP-20");
        assert_eq!(context.asset_id, "AS-1");
        assert_eq!(context.serial, "SN-1");
    }

    #[test]
    fn every_missing_piece_is_refused() {
        let on = Safeguards::default();
        assert_eq!(
            code(resolve(
                &claim(None, Some("SN")),
                Some(order("running")),
                on
            )),
            ReasonCode::MissingContext
        );
        assert_eq!(
            code(resolve(
                &claim(Some("WO-1"), None),
                Some(order("running")),
                on
            )),
            ReasonCode::MissingContext
        );
        for strip in 0..4 {
            let mut incomplete = order("running");
            let field = [
                &mut incomplete.operation,
                &mut incomplete.part_number,
                &mut incomplete.revision,
                &mut incomplete.batch,
            ];
            if let Some(slot) = field.into_iter().nth(strip) {
                *slot = Some("  ".into());
            }
            assert_eq!(
                code(resolve(
                    &claim(Some("WO-1"), Some("SN")),
                    Some(incomplete),
                    on
                )),
                ReasonCode::MissingContext
            );
        }
    }

    #[test]
    fn order_checks() {
        let on = Safeguards::default();
        let full = claim(Some("WO-1"), Some("SN"));
        assert_eq!(code(resolve(&full, None, on)), ReasonCode::UnknownOrder);
        assert_eq!(
            code(resolve(&full, Some(order("completed")), on)),
            ReasonCode::OrderNotActive
        );
        let mut elsewhere = order("running");
        elsewhere.equipment_id = Some("WC-2".into());
        assert_eq!(
            code(resolve(&full, Some(elsewhere), on)),
            ReasonCode::EquipmentMismatch
        );
    }

    #[test]
    fn without_the_safeguard_incomplete_context_passes() {
        let off = Safeguards {
            require_context: false,
        };
        let context =
            resolve(&claim(None, Some("SN")), None, off).expect("defective bridge lets it through");
        assert_eq!(context.order_id, "");
    }

    #[test]
    fn order_claims_need_an_active_order() {
        let mut lookup = |_: &str| Ok(Some(order("held")));
        let err = resolve_order(Some("WO-1"), &mapping(), &mut lookup).expect_err("held");
        assert_eq!(err.code, ReasonCode::OrderNotActive);
        let err = resolve_order(None, &mapping(), &mut lookup).expect_err("no order");
        assert_eq!(err.code, ReasonCode::MissingContext);
    }
}
