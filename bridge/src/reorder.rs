//! The reorder buffer: events wait until the stream's clock has moved a full window past them and
//! are then released in source-timestamp order.
//!
//! Time here is the source time carried by the messages, never the wall clock, so the behaviour
//! is deterministic and replayable. A stream's watermark is `newest source time seen − window`
//! (and never below what has already been released); an event older than the watermark can no
//! longer be put in order: it is late.

use std::collections::HashMap;

use crate::timestamp::EpochMs;

struct Pending<T> {
    at: EpochMs,
    arrival: u64,
    item: T,
}

struct Stream<T> {
    newest: EpochMs,
    released_up_to: Option<EpochMs>,
    pending: Vec<Pending<T>>,
}

/// Buffers of events per stream (per work center).
pub struct ReorderBuffer<T> {
    window_ms: EpochMs,
    streams: HashMap<String, Stream<T>>,
    arrivals: u64,
}

impl<T> ReorderBuffer<T> {
    /// A buffer with the configured window.
    pub fn new(window_ms: u64) -> Self {
        Self {
            window_ms: EpochMs::try_from(window_ms).unwrap_or(EpochMs::MAX),
            streams: HashMap::new(),
            arrivals: 0,
        }
    }

    /// The time before which an event on `stream` is late, if the stream has seen anything.
    pub fn watermark(&self, stream: &str) -> Option<EpochMs> {
        self.streams.get(stream).map(|s| {
            let by_window = s.newest.saturating_sub(self.window_ms);
            s.released_up_to
                .map_or(by_window, |released| by_window.max(released))
        })
    }

    /// True when an event at `at` can no longer be ordered on `stream`.
    pub fn is_late(&self, stream: &str, at: EpochMs) -> bool {
        self.watermark(stream)
            .is_some_and(|watermark| at < watermark)
    }

    /// Records that the stream's clock reached `at` and returns the events that became due, in
    /// source-time order.
    pub fn advance(&mut self, stream: &str, at: EpochMs) -> Vec<T> {
        let window = self.window_ms;
        let entry = self.streams.entry(stream.to_string()).or_insert(Stream {
            newest: at,
            released_up_to: None,
            pending: Vec::new(),
        });
        entry.newest = entry.newest.max(at);
        let due_until = entry.newest.saturating_sub(window);
        release(entry, |p| p.at <= due_until)
    }

    /// Buffers an event (the caller has checked it is not late) and returns the events now due,
    /// possibly including this one.
    pub fn push(&mut self, stream: &str, at: EpochMs, item: T) -> Vec<T> {
        self.arrivals += 1;
        let arrival = self.arrivals;
        let entry = self.streams.entry(stream.to_string()).or_insert(Stream {
            newest: at,
            released_up_to: None,
            pending: Vec::new(),
        });
        entry.pending.push(Pending { at, arrival, item });
        self.advance(stream, at)
    }

    /// Releases everything, stream by stream in source-time order; afterwards nothing older than
    /// what was released can be accepted on that stream.
    pub fn flush(&mut self) -> Vec<T> {
        let mut names: Vec<String> = self.streams.keys().cloned().collect();
        names.sort();
        let mut released = Vec::new();
        for name in names {
            if let Some(stream) = self.streams.get_mut(&name) {
                let newest = stream.newest;
                released.extend(release(stream, |_| true));
                stream.released_up_to =
                    Some(stream.released_up_to.map_or(newest, |r| r.max(newest)));
            }
        }
        released
    }

    /// Number of events waiting.
    pub fn pending(&self) -> usize {
        self.streams.values().map(|s| s.pending.len()).sum()
    }

    /// Forgets everything (reset).
    pub fn clear(&mut self) {
        self.streams.clear();
    }
}

fn release<T>(stream: &mut Stream<T>, due: impl Fn(&Pending<T>) -> bool) -> Vec<T> {
    let (mut ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut stream.pending)
        .into_iter()
        .partition(|p| due(p));
    stream.pending = waiting;
    ready.sort_by_key(|p| (p.at, p.arrival));
    if let Some(last) = ready.last() {
        stream.released_up_to = Some(stream.released_up_to.map_or(last.at, |r| r.max(last.at)));
    }
    ready.into_iter().map(|p| p.item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_events_within_the_window_come_out_sorted() {
        let mut buffer = ReorderBuffer::new(2000);
        assert!(buffer.push("wc", 10_500, "b").is_empty());
        assert!(buffer.push("wc", 10_000, "a").is_empty());
        assert!(buffer.push("wc", 11_000, "c").is_empty());
        assert_eq!(buffer.push("wc", 12_600, "d"), vec!["a", "b"]);
        assert_eq!(buffer.pending(), 2);
        assert_eq!(buffer.flush(), vec!["c", "d"]);
        assert_eq!(buffer.pending(), 0);
    }

    #[test]
    fn window_edge_is_inclusive() {
        let mut buffer = ReorderBuffer::new(2000);
        buffer.push("wc", 10_000, "a");
        assert_eq!(
            buffer.push("wc", 12_000, "b"),
            vec!["a"],
            "exactly one window later releases"
        );
        assert_eq!(buffer.watermark("wc"), Some(10_000));
        assert!(
            !buffer.is_late("wc", 10_000),
            "exactly at the edge is still in time"
        );
        assert!(buffer.is_late("wc", 9_999), "1 ms beyond the edge is late");
        assert_eq!(
            buffer.push("wc", 10_000, "c"),
            vec!["c"],
            "in time and already due"
        );
    }

    #[test]
    fn streams_are_independent_and_flush_closes_the_window() {
        let mut buffer = ReorderBuffer::new(2000);
        buffer.push("wc1", 50_000, 1);
        assert!(
            !buffer.is_late("wc2", 1_000),
            "an unseen stream has no watermark"
        );
        buffer.push("wc2", 1_000, 2);
        assert_eq!(buffer.flush(), vec![1, 2]);
        assert!(buffer.is_late("wc1", 49_999));
        assert!(!buffer.is_late("wc1", 50_000));
    }

    #[test]
    fn process_values_advance_the_clock() {
        let mut buffer = ReorderBuffer::new(2000);
        buffer.push("wc", 1_000, "a");
        assert!(buffer.advance("wc", 2_999).is_empty());
        assert_eq!(buffer.advance("wc", 3_000), vec!["a"]);
    }

    #[test]
    fn ties_keep_arrival_order() {
        let mut buffer = ReorderBuffer::new(0);
        buffer.push("wc", 5, "first");
        assert_eq!(buffer.push("wc", 5, "second"), vec!["second"]);
        let mut wide = ReorderBuffer::new(100);
        wide.push("wc", 5, "first");
        wide.push("wc", 5, "second");
        assert_eq!(wide.flush(), vec!["first", "second"]);
    }
}
