//! The network-adapter operations of [`ScenarioAdapters`]: MQTT publish, subscribe and message
//! expectations, and HTTP requests. Like the others they start the adapter on first use and make
//! a connection failure stick for the rest of the scenario.

use std::time::Duration;

use serde_json::Value;

use super::scenario::Slot;
use super::{AdapterError, HttpResponse, MqttMessage, PublishReceipt, ScenarioAdapters};
use crate::config::AdapterKind;

/// Runs `$body` on the started slot `$variant` of adapter `$name`, recording a sticky failure.
macro_rules! on_slot {
    ($self:ident, $name:expr, $kind:expr, $operation:expr, $variant:ident, |$slot:ident| $body:expr) => {{
        $self.expect_kind($name, $kind, $operation)?;
        $self.start($name).await?;
        let result = match $self.slots.get_mut($name) {
            Some(Slot::$variant($slot)) => $body.await,
            _ => Err(AdapterError::start_failed(
                $name,
                "the adapter was not started",
            )),
        };
        match result {
            Ok(value) => Ok(value),
            Err(error) => Err($self.fail($name, error).await),
        }
    }};
}

impl ScenarioAdapters {
    /// Publishes `payload` (as compact JSON) to `topic` on mqtt adapter `name` and waits for the
    /// broker's acknowledgement (QoS 1 and 2).
    pub async fn publish(
        &mut self,
        name: &str,
        topic: &str,
        payload: &Value,
        qos: u8,
        retain: bool,
    ) -> Result<PublishReceipt, AdapterError> {
        on_slot!(
            self,
            name,
            AdapterKind::Mqtt,
            "publish messages",
            Mqtt,
            |slot| slot.publish(topic, payload, qos, retain)
        )
    }

    /// Publishes the JSON `doc` as a Sparkplug B message to `topic` on mqtt adapter `name` (see
    /// `MqttSlot::publish_sparkplug`); returns the receipt and the JSON form of what was sent.
    pub async fn publish_sparkplug(
        &mut self,
        name: &str,
        topic: &str,
        doc: &Value,
        qos: u8,
        retain: bool,
    ) -> Result<(PublishReceipt, Value), AdapterError> {
        on_slot!(
            self,
            name,
            AdapterKind::Mqtt,
            "publish messages",
            Mqtt,
            |slot| slot.publish_sparkplug(topic, doc, qos, retain)
        )
    }

    /// Subscribes mqtt adapter `name` to `filter` and waits for the broker's acknowledgement.
    pub async fn subscribe(&mut self, name: &str, filter: &str) -> Result<(), AdapterError> {
        on_slot!(
            self,
            name,
            AdapterKind::Mqtt,
            "subscribe to topics",
            Mqtt,
            |slot| slot.subscribe(filter)
        )
    }

    /// Waits up to `within` for a message on `filter` that `accept` takes, consuming it. Messages
    /// received earlier and not consumed by an earlier expectation count too. `Ok(Err(..))` is a
    /// timeout with the unconsumed messages on `filter` as candidates (the last 20).
    /// Subscribes to `filter` first unless a subscription covers it.
    pub async fn expect_message(
        &mut self,
        name: &str,
        filter: &str,
        within: Duration,
        accept: &dyn Fn(&MqttMessage) -> bool,
    ) -> Result<Result<MqttMessage, Vec<MqttMessage>>, AdapterError> {
        on_slot!(
            self,
            name,
            AdapterKind::Mqtt,
            "receive messages",
            Mqtt,
            |slot| slot.expect(filter, within, accept)
        )
    }

    /// Collects and consumes the messages on `filter` that `accept` takes until `within` has
    /// passed or `enough` returns true for the number collected so far. Messages `accept` refuses
    /// stay for later steps.
    pub async fn collect_messages(
        &mut self,
        name: &str,
        filter: &str,
        within: Duration,
        accept: &dyn Fn(&MqttMessage) -> bool,
        enough: &dyn Fn(usize) -> bool,
    ) -> Result<Vec<MqttMessage>, AdapterError> {
        on_slot!(
            self,
            name,
            AdapterKind::Mqtt,
            "receive messages",
            Mqtt,
            |slot| slot.collect(filter, within, accept, enough)
        )
    }

    /// Sends an HTTP request with an optional JSON body to `path` below the base URL of http
    /// adapter `name`. A 5xx status is an [`AdapterError::HttpServerError`].
    pub async fn http(
        &mut self,
        name: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<HttpResponse, AdapterError> {
        on_slot!(
            self,
            name,
            AdapterKind::Http,
            "send HTTP requests",
            Http,
            |slot| slot.send(method, path, body)
        )
    }
}
