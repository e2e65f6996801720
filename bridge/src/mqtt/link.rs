//! The broker connection of MQTT mode: a thread drives rumqttc's connection and forwards what
//! matters to the bridge's single thread, which owns all state.

use std::sync::mpsc::Sender;
use std::time::Duration;

use rumqttc::{Client, ConnectionError, Event, MqttOptions, Packet};

/// What the bridge's main loop reacts to, from the broker or from stdin.
#[derive(Debug)]
pub enum Input {
    /// A request line from stdin.
    Line(String),
    /// Stdin ended.
    Eof,
    /// Connected (again): subscribe.
    Connected,
    /// The broker acknowledged the subscription.
    Subscribed,
    /// A message: topic and payload.
    Message(String, Vec<u8>),
    /// The connection failed or broke; rumqttc reconnects on the next poll.
    BrokerError(String),
}

/// `mqtt://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    /// Host name or address.
    pub host: String,
    /// Port (1883 unless given).
    pub port: u16,
}

impl BrokerUrl {
    /// Parses `mqtt://host[:port]` (plain TCP only: the reference bridge talks to a local broker).
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("mqtt://")
            .ok_or_else(|| format!("--mqtt {url:?}: write mqtt://host:port"))?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("--mqtt {url:?}: {p:?} is not a port"))?,
            ),
            None => (rest, 1883),
        };
        if host.is_empty() || host.contains(['/', '@']) {
            return Err(format!("--mqtt {url:?}: expected mqtt://host:port"));
        }
        Ok(Self {
            host: host.to_string(),
            port,
        })
    }
}

/// Connects (clean session, a client id unique to this process) and starts the thread that
/// forwards events to `tx`. The thread ends when the client is dropped or `tx` is gone.
pub fn connect(url: &BrokerUrl, tx: Sender<Input>) -> Client {
    let mut options = MqttOptions::new(
        format!("qualify-bridge-{}", std::process::id()),
        url.host.clone(),
        url.port,
    );
    options.set_keep_alive(Duration::from_secs(30));
    options.set_clean_session(true);
    options.set_max_packet_size(16 * 1024 * 1024, 16 * 1024 * 1024);
    let (client, mut connection) = Client::new(options, 256);
    std::thread::spawn(move || {
        for event in connection.iter() {
            let input = match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => Input::Connected,
                Ok(Event::Incoming(Packet::SubAck(_))) => Input::Subscribed,
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    Input::Message(p.topic, p.payload.to_vec())
                }
                Ok(_) => continue,
                Err(ConnectionError::RequestsDone) => return,
                Err(e) => {
                    let _ = tx.send(Input::BrokerError(e.to_string()));
                    // The next poll reconnects; do not hammer a broker that is down.
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                }
            };
            if tx.send(input).is_err() {
                return;
            }
        }
    });
    client
}

#[cfg(test)]
mod tests {
    use super::BrokerUrl;

    #[test]
    fn broker_urls() {
        assert_eq!(
            BrokerUrl::parse("mqtt://127.0.0.1:1884"),
            Ok(BrokerUrl {
                host: "127.0.0.1".into(),
                port: 1884
            })
        );
        assert_eq!(BrokerUrl::parse("mqtt://broker").map(|u| u.port), Ok(1883));
        assert!(BrokerUrl::parse("127.0.0.1:1883").is_err());
        assert!(BrokerUrl::parse("mqtt://:1883").is_err());
        assert!(BrokerUrl::parse("mqtt://h:x").is_err());
    }
}
