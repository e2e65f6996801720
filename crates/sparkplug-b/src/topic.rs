//! The Sparkplug B topic namespace: `spBv1.0/<group>/<type>/<edge node>[/<device>]` and, in 3.0,
//! `spBv1.0/STATE/<host id>`.

/// The message types of an edge node's topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    NBirth,
    NDeath,
    DBirth,
    DDeath,
    NData,
    DData,
    NCmd,
    DCmd,
}

impl MessageType {
    /// The topic token (`NBIRTH`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NBirth => "NBIRTH",
            Self::NDeath => "NDEATH",
            Self::DBirth => "DBIRTH",
            Self::DDeath => "DDEATH",
            Self::NData => "NDATA",
            Self::DData => "DDATA",
            Self::NCmd => "NCMD",
            Self::DCmd => "DCMD",
        }
    }

    fn parse(token: &str) -> Option<Self> {
        Some(match token {
            "NBIRTH" => Self::NBirth,
            "NDEATH" => Self::NDeath,
            "DBIRTH" => Self::DBirth,
            "DDEATH" => Self::DDeath,
            "NDATA" => Self::NData,
            "DDATA" => Self::DData,
            "NCMD" => Self::NCmd,
            "DCMD" => Self::DCmd,
            _ => return None,
        })
    }

    /// Whether the topic names a device.
    pub fn is_device_level(self) -> bool {
        matches!(self, Self::DBirth | Self::DDeath | Self::DData | Self::DCmd)
    }

    /// Whether the edge node's `seq` counts it (everything it publishes but NDEATH).
    pub fn is_sequenced(self) -> bool {
        !matches!(self, Self::NDeath | Self::NCmd | Self::DCmd)
    }
}

/// A parsed topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Topic {
    /// An edge node's or device's message.
    Edge(EdgeTopic),
    /// A host application's STATE (`spBv1.0/STATE/<host id>`).
    State {
        /// The host application id.
        host_id: String,
    },
}

/// The topic of an edge node's or device's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeTopic {
    /// Group id.
    pub group: String,
    /// Message type.
    pub message_type: MessageType,
    /// Edge node id.
    pub edge_node: String,
    /// Device id (device-level types only).
    pub device: Option<String>,
}

impl EdgeTopic {
    /// The edge node that owns `seq`, `bdSeq` and the aliases: `group/edge node`.
    pub fn node_key(&self) -> String {
        format!("{}/{}", self.group, self.edge_node)
    }
}

impl Topic {
    /// Parses a topic name in the Sparkplug B namespace; `Err` says why it is not one.
    pub fn parse(topic: &str) -> Result<Self, String> {
        let parts: Vec<&str> = topic.split('/').collect();
        if parts.first() != Some(&"spBv1.0") {
            return Err(format!("{topic:?} is not in the spBv1.0 namespace"));
        }
        if parts.iter().any(|p| p.is_empty() || p.contains(['+', '#'])) {
            return Err(format!("{topic:?} has an empty level or a wildcard"));
        }
        if let ["spBv1.0", "STATE", host] = parts.as_slice() {
            return Ok(Topic::State {
                host_id: host.to_string(),
            });
        }
        let (group, kind, edge, device) = match parts.as_slice() {
            [_, g, k, e] => (*g, *k, *e, None),
            [_, g, k, e, d] => (*g, *k, *e, Some(d.to_string())),
            _ => {
                return Err(format!(
                    "{topic:?}: expected spBv1.0/<group>/<type>/<edge node>[/<device>] or spBv1.0/STATE/<host id>"
                ));
            }
        };
        let message_type = MessageType::parse(kind)
            .ok_or_else(|| format!("{topic:?}: {kind:?} is not a Sparkplug message type"))?;
        if message_type.is_device_level() != device.is_some() {
            return Err(format!(
                "{topic:?}: {kind} {} a device id",
                if device.is_some() { "has no" } else { "needs" }
            ));
        }
        Ok(Topic::Edge(EdgeTopic {
            group: group.to_string(),
            message_type,
            edge_node: edge.to_string(),
            device,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_state_and_malformed_topics() {
        let Ok(Topic::Edge(t)) = Topic::parse("spBv1.0/Line1/DDATA/edge1/press1") else {
            panic!("device data topic")
        };
        assert_eq!(
            (t.message_type, t.node_key()),
            (MessageType::DData, "Line1/edge1".into())
        );
        assert_eq!(t.device.as_deref(), Some("press1"));
        assert_eq!(
            Topic::parse("spBv1.0/STATE/scada1"),
            Ok(Topic::State {
                host_id: "scada1".into()
            })
        );
        for bad in [
            "spBv1.0/Line1/DDATA/edge1",
            "spBv1.0/Line1/NCMD/edge1/x",
            "spAv1.0/Line1/NDATA/e",
            "spBv1.0/Line1/XDATA/e",
            "spBv1.0//NDATA/e",
            "spBv1.0/+/NDATA/e",
        ] {
            assert!(Topic::parse(bad).is_err(), "{bad}");
        }
    }
}
