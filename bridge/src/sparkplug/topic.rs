//! `spBv1.0/<group>/<type>/<edge>[/<device>]`.

use crate::reason::ReasonCode;
use crate::rejection::Rejection;

/// The Sparkplug message types an edge node publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    /// Node birth: starts a session, `seq` 0, carries `bdSeq`.
    NBirth,
    /// Node death (the broker's will message): ends the session with the same `bdSeq`.
    NDeath,
    /// Device birth.
    DBirth,
    /// Device death.
    DDeath,
    /// Node data.
    NData,
    /// Device data.
    DData,
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
            _ => return None,
        })
    }

    /// Device-level types need a device id in the topic; node-level types must not have one.
    fn is_device_level(self) -> bool {
        matches!(self, Self::DBirth | Self::DDeath | Self::DData)
    }
}

/// A parsed Sparkplug topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// Group id.
    pub group: String,
    /// Message type.
    pub message_type: MessageType,
    /// Edge node id.
    pub edge_node: String,
    /// Device id, for device-level messages.
    pub device: Option<String>,
}

impl Topic {
    /// Parses and checks the topic shape.
    pub fn parse(topic: &str) -> Result<Self, Rejection> {
        let invalid = |why: &str| {
            Rejection::new(
                ReasonCode::InvalidMessage,
                format!("topic {topic:?}: {why}"),
            )
        };
        let parts: Vec<&str> = topic.split('/').collect();
        let (namespace, group, kind, edge, device) = match parts.as_slice() {
            [ns, group, kind, edge] => (*ns, *group, *kind, *edge, None),
            [ns, group, kind, edge, device] => (*ns, *group, *kind, *edge, Some(*device)),
            _ => return Err(invalid("expected spBv1.0/<group>/<type>/<edge>[/<device>]")),
        };
        if namespace != "spBv1.0" {
            return Err(invalid("namespace is not spBv1.0"));
        }
        let message_type =
            MessageType::parse(kind).ok_or_else(|| invalid("unsupported message type"))?;
        if [group, edge]
            .iter()
            .chain(device.iter())
            .any(|id| id.is_empty() || id.contains(['+', '#']))
        {
            return Err(invalid("empty id or wildcard"));
        }
        if message_type.is_device_level() != device.is_some() {
            return Err(invalid(
                "device id present on a node message or missing on a device message",
            ));
        }
        Ok(Self {
            group: group.into(),
            message_type,
            edge_node: edge.into(),
            device: device.map(String::from),
        })
    }

    /// The edge node (the publisher that owns `seq` and `bdSeq`): `group/edge`.
    pub fn node_key(&self) -> String {
        format!("{}/{}", self.group, self.edge_node)
    }

    /// The id the master-data mapping knows the source by: `group/edge/device`, or `group/edge`
    /// for node-level data.
    pub fn device_id(&self) -> String {
        match &self.device {
            Some(device) => format!("{}/{}/{}", self.group, self.edge_node, device),
            None => self.node_key(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_and_node_topics() {
        let data = Topic::parse("spBv1.0/Line1/DDATA/edge1/press1").expect("valid");
        assert_eq!(data.message_type, MessageType::DData);
        assert_eq!(data.node_key(), "Line1/edge1");
        assert_eq!(data.device_id(), "Line1/edge1/press1");
        let birth = Topic::parse("spBv1.0/Line1/NBIRTH/edge1").expect("valid");
        assert_eq!(birth.device, None);
        assert_eq!(birth.device_id(), "Line1/edge1");
    }

    #[test]
    fn malformed_topics_are_invalid_messages() {
        for topic in [
            "spBv1.0/Line1/DDATA/edge1",
            "spBv1.0/Line1/NBIRTH/edge1/press1",
            "spAv1.0/Line1/DDATA/edge1/press1",
            "spBv1.0/Line1/NCMD/edge1",
            "spBv1.0/Line1/DDATA/edge1/press1/extra",
            "spBv1.0//DDATA/edge1/press1",
            "spBv1.0/+/DDATA/edge1/press1",
        ] {
            let err = Topic::parse(topic).expect_err(topic);
            assert_eq!(err.code, ReasonCode::InvalidMessage, "{topic}");
        }
    }
}
