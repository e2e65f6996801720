//! The edge node as a publisher: topics, seq numbering, births, deaths and data messages.

use serde_json::{Value, json};

use super::spec::ShiftSpec;
use super::stream::Data;
use crate::metrics;
use crate::timestamp::EpochMs;

/// The edge node's publishing state.
pub(super) struct Edge<'a> {
    spec: &'a ShiftSpec,
    seq: u8,
}

impl<'a> Edge<'a> {
    pub(super) fn new(spec: &'a ShiftSpec) -> Self {
        Self { spec, seq: 0 }
    }

    fn topic(&self, kind: &str, device: bool) -> String {
        let base = format!("spBv1.0/{}/{kind}/{}", self.spec.group, self.spec.edge_node);
        if device {
            format!("{base}/{}", self.spec.device)
        } else {
            base
        }
    }

    fn next_seq(&mut self) -> u8 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    pub(super) fn nbirth(&mut self, at: EpochMs, bd_seq: u64) -> Value {
        self.seq = 0;
        json!({"topic": self.topic("NBIRTH", false), "payload": {"timestamp": at, "seq": 0,
               "metrics": [{"name": "bdSeq", "timestamp": at, "value": bd_seq},
                           {"name": "Node Control/Rebirth", "timestamp": at, "value": false}]}})
    }

    pub(super) fn ndeath(&self, at: EpochMs, bd_seq: u64) -> Value {
        json!({"topic": self.topic("NDEATH", false), "payload": {"timestamp": at,
               "metrics": [{"name": "bdSeq", "value": bd_seq}]}})
    }

    pub(super) fn dbirth(&mut self, at: EpochMs) -> Value {
        let seq = self.next_seq();
        json!({"topic": self.topic("DBIRTH", true), "payload": {"timestamp": at, "seq": seq, "metrics": [
            {"name": metrics::WORK_ORDER, "timestamp": at, "value": self.spec.order_id},
            {"name": metrics::MACHINE_STATE, "timestamp": at, "value": "RUNNING"},
            {"name": "Process/Temperature", "timestamp": at, "value": 60.0}]}})
    }

    pub(super) fn ddata(&mut self, data: &Data, historical: bool) -> Value {
        let seq = self.next_seq();
        let metrics: Vec<Value> = data
            .metrics
            .iter()
            .map(|(name, value)| {
                let mut metric =
                    json!({"name": name, "timestamp": data.at + data.skew, "value": value});
                if historical && let Some(object) = metric.as_object_mut() {
                    object.insert("is_historical".into(), json!(true));
                }
                metric
            })
            .collect();
        json!({"topic": self.topic("DDATA", true), "payload": {"timestamp": data.at, "seq": seq, "metrics": metrics}})
    }
}
