//! Per-edge-node session and `seq` tracking, as a Sparkplug host application does it.
//!
//! Sparkplug numbers every message an edge node publishes (its own and its devices') with one
//! `seq` counter, 0 on NBIRTH, wrapping 255 → 0. So the bridge tracks `seq` per edge node, the
//! publisher; a device's messages are in that node's stream.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::topic::Topic;
use crate::reason::ReasonCode;
use crate::rejection::Rejection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Born and in sequence.
    Alive,
    /// A gap was seen; a rebirth was requested; data is refused until the next NBIRTH.
    AwaitingRebirth,
    /// NDEATH received.
    Dead,
}

#[derive(Debug, Clone, Copy)]
struct Session {
    bd_seq: u64,
    last_seq: u8,
    state: State,
}

/// Sessions by edge node (`group/edge`).
#[derive(Debug, Default)]
pub struct SessionTracker {
    sessions: HashMap<String, Session>,
}

/// The NCMD a host publishes to make an edge node re-send its births (returned to the caller in
/// `error.details.rebirth`, since the bridge has no broker connection of its own here).
pub fn rebirth_request(topic: &Topic) -> Value {
    json!({
        "topic": format!("spBv1.0/{}/NCMD/{}", topic.group, topic.edge_node),
        "payload": {"metrics": [{"name": "Node Control/Rebirth", "type": "Boolean", "value": true}]},
    })
}

impl SessionTracker {
    /// Forgets every session.
    pub fn clear(&mut self) {
        self.sessions.clear();
    }

    /// NBIRTH: starts a new session (replacing any earlier one: the node may have restarted
    /// before its NDEATH reached us).
    pub fn birth(
        &mut self,
        topic: &Topic,
        seq: Option<u8>,
        bd_seq: Option<u64>,
    ) -> Result<(), Rejection> {
        if seq != Some(0) {
            return Err(Rejection::new(
                ReasonCode::InvalidMessage,
                "NBIRTH must carry seq 0",
            ));
        }
        let bd_seq = bd_seq
            .ok_or_else(|| Rejection::new(ReasonCode::InvalidMessage, "NBIRTH without bdSeq"))?;
        self.sessions.insert(
            topic.node_key(),
            Session {
                bd_seq,
                last_seq: 0,
                state: State::Alive,
            },
        );
        Ok(())
    }

    /// NDEATH: ends the session whose `bdSeq` it carries.
    pub fn death(&mut self, topic: &Topic, bd_seq: Option<u64>) -> Result<(), Rejection> {
        let bd_seq = bd_seq
            .ok_or_else(|| Rejection::new(ReasonCode::InvalidMessage, "NDEATH without bdSeq"))?;
        let node = topic.node_key();
        match self.sessions.get_mut(&node) {
            Some(session) if session.bd_seq == bd_seq && session.state != State::Dead => {
                session.state = State::Dead;
                Ok(())
            }
            Some(session) if session.bd_seq == bd_seq => Err(Rejection::new(
                ReasonCode::Duplicate,
                format!("{node}: session bdSeq {bd_seq} already dead"),
            )),
            Some(session) => Err(Rejection::new(
                ReasonCode::StaleDeath,
                format!(
                    "{node}: NDEATH bdSeq {bd_seq} does not end the current session (bdSeq {})",
                    session.bd_seq
                ),
            )
            .with_details(json!({"session_bd_seq": session.bd_seq, "received_bd_seq": bd_seq}))),
            None => Err(Rejection::new(
                ReasonCode::StaleDeath,
                format!("{node}: NDEATH for a node never born"),
            )),
        }
    }

    /// Any other message: checks that it is the next in the node's sequence.
    pub fn advance(&mut self, topic: &Topic, seq: Option<u8>) -> Result<(), Rejection> {
        let node = topic.node_key();
        let seq =
            seq.ok_or_else(|| Rejection::new(ReasonCode::InvalidMessage, "message without seq"))?;
        let no_session = |why: &str| {
            Rejection::new(
                ReasonCode::NoSession,
                format!("{node}: {why}; waiting for NBIRTH"),
            )
            .with_details(json!({"rebirth": rebirth_request(topic)}))
        };
        let Some(session) = self.sessions.get_mut(&node) else {
            return Err(no_session("no session"));
        };
        match session.state {
            State::Alive => {}
            State::Dead => return Err(no_session("session ended by NDEATH")),
            State::AwaitingRebirth => {
                return Err(no_session("rebirth requested after a sequence gap"));
            }
        }
        let expected = session.last_seq.wrapping_add(1);
        // Distance forward from the expected number, modulo 256: 0 is in order, a short step
        // forward means lost messages, a step "forward" of more than half the ring is really a
        // step back: a message we already had, delivered again.
        match seq.wrapping_sub(expected) {
            0 => {
                session.last_seq = seq;
                Ok(())
            }
            missing @ 1..=127 => {
                session.state = State::AwaitingRebirth;
                Err(Rejection::new(
                    ReasonCode::SequenceGap,
                    format!("{node}: expected seq {expected}, received {seq}; rebirth requested"),
                )
                .with_details(json!({
                    "expected_seq": expected,
                    "received_seq": seq,
                    "missing": missing,
                    "rebirth": rebirth_request(topic),
                })))
            }
            _ => Err(Rejection::new(
                ReasonCode::Duplicate,
                format!(
                    "{node}: seq {seq} already received (last {})",
                    session.last_seq
                ),
            )
            .with_details(
                json!({"layer": "sequence", "last_seq": session.last_seq, "received_seq": seq}),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(kind: &str) -> Topic {
        let device = if kind.starts_with('N') { "" } else { "/press1" };
        Topic::parse(&format!("spBv1.0/G/{kind}/edge1{device}")).expect("valid")
    }

    fn born() -> SessionTracker {
        let mut tracker = SessionTracker::default();
        tracker
            .birth(&topic("NBIRTH"), Some(0), Some(1))
            .expect("birth");
        tracker
    }

    fn code(result: Result<(), Rejection>) -> Option<ReasonCode> {
        result.err().map(|r| r.code)
    }

    #[test]
    fn data_before_birth_has_no_session() {
        let mut tracker = SessionTracker::default();
        assert_eq!(
            code(tracker.advance(&topic("DDATA"), Some(1))),
            Some(ReasonCode::NoSession)
        );
    }

    #[test]
    fn birth_must_start_at_zero_with_bdseq() {
        let mut tracker = SessionTracker::default();
        assert_eq!(
            code(tracker.birth(&topic("NBIRTH"), Some(1), Some(0))),
            Some(ReasonCode::InvalidMessage)
        );
        assert_eq!(
            code(tracker.birth(&topic("NBIRTH"), Some(0), None)),
            Some(ReasonCode::InvalidMessage)
        );
    }

    #[test]
    fn seq_wraps_from_255_to_0() {
        let mut tracker = born();
        let data = topic("DDATA");
        for seq in 1..=255u8 {
            tracker.advance(&data, Some(seq)).expect("in order");
        }
        tracker
            .advance(&data, Some(0))
            .expect("255 -> 0 is in order");
        tracker.advance(&data, Some(1)).expect("and on");
    }

    #[test]
    fn wrap_that_skips_zero_is_a_gap() {
        let mut tracker = born();
        let data = topic("DDATA");
        for seq in 1..=255u8 {
            tracker.advance(&data, Some(seq)).expect("in order");
        }
        let gap = tracker.advance(&data, Some(1)).expect_err("0 is missing");
        assert_eq!(gap.code, ReasonCode::SequenceGap);
        let details = gap.details.expect("details");
        assert_eq!(details["expected_seq"], json!(0));
        assert_eq!(details["missing"], json!(1));
    }

    #[test]
    fn gap_requests_rebirth_and_blocks_until_nbirth() {
        let mut tracker = born();
        let data = topic("DDATA");
        tracker.advance(&data, Some(1)).expect("in order");
        let gap = tracker.advance(&data, Some(3)).expect_err("2 is missing");
        assert_eq!(gap.code, ReasonCode::SequenceGap);
        let rebirth = &gap.details.expect("details")["rebirth"];
        assert_eq!(rebirth["topic"], json!("spBv1.0/G/NCMD/edge1"));
        assert_eq!(
            rebirth["payload"]["metrics"][0]["name"],
            json!("Node Control/Rebirth")
        );
        assert_eq!(
            code(tracker.advance(&data, Some(4))),
            Some(ReasonCode::NoSession)
        );
        tracker
            .birth(&topic("NBIRTH"), Some(0), Some(2))
            .expect("rebirth");
        tracker.advance(&data, Some(1)).expect("in order again");
    }

    #[test]
    fn redelivery_is_a_duplicate_and_does_not_move_the_counter() {
        let mut tracker = born();
        let data = topic("DDATA");
        tracker.advance(&data, Some(1)).expect("in order");
        tracker.advance(&data, Some(2)).expect("in order");
        assert_eq!(
            code(tracker.advance(&data, Some(2))),
            Some(ReasonCode::Duplicate)
        );
        assert_eq!(
            code(tracker.advance(&data, Some(1))),
            Some(ReasonCode::Duplicate)
        );
        tracker.advance(&data, Some(3)).expect("still expects 3");
    }

    #[test]
    fn death_ends_only_its_own_session() {
        let mut tracker = born();
        let death = topic("NDEATH");
        assert_eq!(
            code(tracker.death(&death, Some(0))),
            Some(ReasonCode::StaleDeath)
        );
        tracker
            .advance(&topic("DDATA"), Some(1))
            .expect("session survives a stale death");
        tracker.death(&death, Some(1)).expect("own death");
        assert_eq!(
            code(tracker.death(&death, Some(1))),
            Some(ReasonCode::Duplicate)
        );
        assert_eq!(
            code(tracker.advance(&topic("DDATA"), Some(2))),
            Some(ReasonCode::NoSession)
        );
    }
}
