//! Birth certificates as a host application remembers them: per edge node, which alias stands for
//! which metric and which datatype each metric was born with. Data and commands are read against
//! them: an alias is resolved to its name, a missing datatype is taken from the birth, and a
//! datatype that contradicts the birth, or an alias the birth never assigned, is a problem.

use std::collections::HashMap;

use crate::datatype::DataType;
use crate::proto::{Metric, Payload};
use crate::topic::{EdgeTopic, MessageType};

/// One metric as its birth declared it.
#[derive(Debug, Clone, PartialEq)]
pub struct Born {
    /// Metric name.
    pub name: String,
    /// Alias, if the birth assigned one.
    pub alias: Option<u64>,
    /// Datatype code from the birth.
    pub datatype: Option<u32>,
    /// Device, for metrics of a DBIRTH.
    pub device: Option<String>,
}

/// The births of one edge node and its devices.
#[derive(Debug, Clone, Default)]
pub struct NodeCatalog {
    by_alias: HashMap<u64, Born>,
    by_name: HashMap<(Option<String>, String), Born>,
}

impl NodeCatalog {
    /// The metric born under `name` (on `device`, or on the node itself).
    pub fn by_name(&self, device: Option<&str>, name: &str) -> Option<&Born> {
        self.by_name
            .get(&(device.map(String::from), name.to_string()))
    }

    /// The metric born with `alias` (aliases are unique within an edge node).
    pub fn by_alias(&self, alias: u64) -> Option<&Born> {
        self.by_alias.get(&alias)
    }

    fn forget_device(&mut self, device: Option<&str>) {
        self.by_alias.retain(|_, b| b.device.as_deref() != device);
        self.by_name.retain(|(d, _), _| d.as_deref() != device);
    }

    /// Records the metrics of a birth; returns what is wrong with it (each naming where).
    fn learn(&mut self, device: Option<&str>, metrics: &[Metric]) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, m) in metrics.iter().enumerate() {
            let Some(name) = m.name.clone() else {
                problems.push(format!("metrics[{i}]: a birth metric needs a name"));
                continue;
            };
            if m.datatype.and_then(DataType::from_code).is_none() {
                problems.push(format!(
                    "metrics[{i}] ({name}): a birth metric needs a datatype"
                ));
            }
            let born = Born {
                name: name.clone(),
                alias: m.alias,
                datatype: m.datatype,
                device: device.map(String::from),
            };
            if let Some(alias) = m.alias {
                if let Some(other) = self.by_alias.get(&alias) {
                    problems.push(format!(
                        "metrics[{i}] ({name}): alias {alias} is already {:?} of this edge node",
                        other.name
                    ));
                    continue;
                }
                self.by_alias.insert(alias, born.clone());
            }
            self.by_name.insert((device.map(String::from), name), born);
        }
        problems
    }
}

/// Births per edge node (`group/edge node`).
#[derive(Debug, Clone, Default)]
pub struct Catalogs {
    nodes: HashMap<String, NodeCatalog>,
}

impl Catalogs {
    /// The births of `node` (`group/edge node`).
    pub fn node(&self, node: &str) -> Option<&NodeCatalog> {
        self.nodes.get(node)
    }

    /// Takes in a message in arrival order: an NBIRTH replaces everything known about the node,
    /// a DBIRTH what is known about that device. Returns the message as a host reads it (names
    /// and datatypes resolved from the births) and its problems.
    pub fn read(&mut self, topic: &EdgeTopic, payload: &Payload) -> (Payload, Vec<String>) {
        let key = topic.node_key();
        let device = topic.device.as_deref();
        match topic.message_type {
            MessageType::NBirth => {
                let mut fresh = NodeCatalog::default();
                let problems = fresh.learn(None, &payload.metrics);
                self.nodes.insert(key, fresh);
                (payload.clone(), problems)
            }
            MessageType::DBirth => {
                let node = self.nodes.entry(key).or_default();
                node.forget_device(device);
                let problems = node.learn(device, &payload.metrics);
                (payload.clone(), problems)
            }
            _ => resolve(self.nodes.get(&key), topic, payload),
        }
    }
}

/// Resolves the aliases and datatypes of a data message or command against its node's births.
pub fn resolve(
    catalog: Option<&NodeCatalog>,
    topic: &EdgeTopic,
    payload: &Payload,
) -> (Payload, Vec<String>) {
    let mut out = payload.clone();
    let mut problems = Vec::new();
    let node = topic.node_key();
    let device = topic.device.as_deref();
    for (i, m) in out.metrics.iter_mut().enumerate() {
        let born = match (&m.name, m.alias) {
            (Some(name), _) => catalog.and_then(|c| c.by_name(device, name)).cloned(),
            (None, Some(alias)) => match catalog.and_then(|c| c.by_alias(alias)) {
                Some(b) => {
                    m.name = Some(b.name.clone());
                    Some(b.clone())
                }
                None => {
                    problems.push(match catalog {
                        Some(_) => format!("metrics[{i}]: alias {alias} is not in the birth certificate of {node}"),
                        None => format!("metrics[{i}]: alias {alias}, but no birth certificate of {node} was seen"),
                    });
                    None
                }
            },
            // Reported by payload_to_json, which every reading goes through.
            (None, None) => None,
        };
        let Some(born) = born else { continue };
        match (m.datatype, born.datatype) {
            (None, Some(code)) => m.datatype = Some(code),
            (Some(sent), Some(code)) if sent != code => problems.push(format!(
                "metrics[{i}] ({}): datatype {} but the birth declared {}",
                born.name,
                type_name(sent),
                type_name(code)
            )),
            _ => {}
        }
    }
    (out, problems)
}

fn type_name(code: u32) -> String {
    DataType::from_code(code).map_or_else(|| format!("code {code}"), |t| t.name().to_string())
}
