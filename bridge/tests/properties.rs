//! Property tests of the bridge's stated invariants (docs/testing.md): the OEE figures
//! (`src/oee.rs`), the reorder window (`src/reorder.rs`) and Sparkplug `seq` tracking
//! (`src/sparkplug/session.rs`). Each property is stated from the module's documentation and
//! code; a counterexample is a bug in the bridge or in the statement.

use std::collections::BTreeMap;

use proptest::prelude::*;
use qualify_bridge::ReasonCode;
use qualify_bridge::oee::{OeeInputs, compute};
use qualify_bridge::reorder::ReorderBuffer;
use qualify_bridge::sparkplug::{SessionTracker, Topic};

/// Relative agreement of two non-negative figures computed along different float paths.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A shift's figures: counts with good ≤ total, times up to a week in ms, an ideal cycle time.
fn shift() -> impl Strategy<Value = (u64, u64, f64, u64, u64)> {
    (
        0u64..=604_800_000,
        0u64..=700_000_000,
        0.0f64..=600_000.0,
        0u64..=1_000_000,
    )
        .prop_flat_map(|(planned, down, cycle, total)| {
            (
                Just(planned),
                Just(down),
                Just(cycle),
                Just(total),
                0..=total,
            )
        })
}

proptest! {
    #[test]
    fn oee_figures_are_fractions_and_the_product_of_their_factors(
        (planned, down, cycle, total, good) in shift()
    ) {
        let f = compute(&OeeInputs::single_part(planned, down, cycle, total, good));
        prop_assert_eq!(f.run_ms, planned.saturating_sub(down));
        // Availability and quality are fractions whenever defined, and defined exactly when the
        // module says (planned time, parts made).
        prop_assert_eq!(f.availability.is_some(), planned > 0);
        prop_assert_eq!(f.quality.is_some(), total > 0);
        prop_assert_eq!(f.performance.is_some(), planned > 0 && f.run_ms > 0);
        for v in [f.availability, f.quality].into_iter().flatten() {
            prop_assert!((0.0..=1.0).contains(&v), "{v} outside [0, 1]: {f:?}");
        }
        // Performance is a fraction only when the ideal cycle time really is ideal (the parts
        // could have been made in the run time); it is never negative or NaN.
        if let Some(p) = f.performance {
            prop_assert!(p >= 0.0 && p.is_finite(), "{f:?}");
            if cycle * total as f64 <= f.run_ms as f64 {
                prop_assert!(p <= 1.0, "{f:?}");
            }
        }
        match (f.availability, f.performance, f.quality) {
            (Some(a), Some(p), Some(q)) => {
                let oee = f.oee.expect("OEE is defined when its factors are");
                prop_assert_eq!(oee, a * p * q);
                // The ISO 22400 shortcut (good × ideal cycle ÷ planned) agrees.
                prop_assert!(close(oee, f.oee_shortcut.expect("planned > 0")), "{f:?}");
            }
            _ if planned > 0 && good == 0 => prop_assert_eq!(f.oee, Some(0.0)),
            _ => prop_assert_eq!(f.oee, None),
        }
        for v in [f.availability, f.performance, f.quality, f.oee, f.oee_shortcut]
            .into_iter()
            .flatten()
        {
            prop_assert!(!v.is_nan());
        }
    }

    #[test]
    fn oee_is_monotone_in_good_parts_and_availability_in_downtime(
        (planned, down, cycle, total, good) in shift(),
        more_down in 0u64..=3_600_000,
    ) {
        let base = compute(&OeeInputs::single_part(planned, down, cycle, total, good));
        if good < total {
            let better = compute(&OeeInputs::single_part(planned, down, cycle, total, good + 1));
            if let (Some(q0), Some(q1)) = (base.quality, better.quality) {
                prop_assert!(q1 >= q0);
            }
            if let (Some(o0), Some(o1)) = (base.oee, better.oee) {
                prop_assert!(o1 >= o0, "{base:?} → {better:?}");
            }
        }
        let longer = compute(&OeeInputs::single_part(planned, down + more_down, cycle, total, good));
        if let (Some(a0), Some(a1)) = (base.availability, longer.availability) {
            prop_assert!(a1 <= a0);
        }
        if let (Some(p0), Some(p1)) = (base.performance, longer.performance) {
            prop_assert!(p1 >= p0, "less run time for the same output is not less performance");
        }
    }
}

/// Events of a few streams: (stream, source time), numbered by their index.
fn events(spread: i64) -> impl Strategy<Value = Vec<(u8, i64)>> {
    prop::collection::vec((0u8..3, 0i64..=spread), 0..40)
}

/// Runs events in the given arrival order as the pipeline does (refusing late ones, pushing the
/// rest, flushing at the end). Returns the released ids per stream and the late ids.
fn run_buffer(
    window: u64,
    arrivals: &[(usize, u8, i64)],
) -> (BTreeMap<u8, Vec<usize>>, Vec<usize>) {
    let mut buffer = ReorderBuffer::new(window);
    let mut released: Vec<(u8, usize)> = Vec::new();
    let mut late = Vec::new();
    for &(id, stream, at) in arrivals {
        let name = format!("wc{stream}");
        if buffer.is_late(&name, at) {
            late.push(id);
            continue;
        }
        released.extend(buffer.push(&name, at, (stream, id)));
    }
    released.extend(buffer.flush());
    assert_eq!(buffer.pending(), 0);
    let mut by_stream: BTreeMap<u8, Vec<usize>> = BTreeMap::new();
    for (stream, id) in released {
        by_stream.entry(stream).or_default().push(id);
    }
    (by_stream, late)
}

proptest! {
    #[test]
    fn reorder_window_loses_nothing_duplicates_nothing_and_releases_in_source_order(
        (events, order) in events(20_000).prop_flat_map(|e| {
            let n = e.len();
            (Just(e), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        }),
        window in 0u64..=10_000,
    ) {
        let arrivals: Vec<(usize, u8, i64)> =
            order.iter().map(|&i| (i, events[i].0, events[i].1)).collect();
        let (released, late) = run_buffer(window, &arrivals);
        let mut seen: Vec<usize> = released.values().flatten().copied().chain(late).collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..events.len()).collect::<Vec<_>>(), "lost or duplicated");
        for ids in released.values() {
            let times: Vec<i64> = ids.iter().map(|&i| events[i].1).collect();
            prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "out of order: {times:?}");
        }
    }

    #[test]
    fn within_the_window_any_arrival_permutation_comes_out_sorted_and_complete(
        (events, order) in events(5_000).prop_flat_map(|e| {
            let n = e.len();
            (Just(e), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        }),
        slack in 0u64..=1_000,
    ) {
        // Every source time lies within one window of every other: nothing can be late.
        let window = 5_000 + slack;
        let arrivals: Vec<(usize, u8, i64)> =
            order.iter().map(|&i| (i, events[i].0, events[i].1)).collect();
        let (released, late) = run_buffer(window, &arrivals);
        prop_assert!(late.is_empty(), "late within the window: {late:?}");
        for (stream, ids) in &released {
            // Source-time order, ties in arrival order.
            let mut expected: Vec<(i64, usize, usize)> = arrivals
                .iter()
                .enumerate()
                .filter(|(_, a)| a.1 == *stream)
                .map(|(pos, a)| (a.2, pos, a.0))
                .collect();
            expected.sort_unstable();
            let expected: Vec<usize> = expected.into_iter().map(|e| e.2).collect();
            prop_assert_eq!(ids, &expected);
        }
    }
}

fn topic(kind: &str) -> Topic {
    Topic::parse(&format!("spBv1.0/G/{kind}/edge1")).expect("a valid topic")
}

proptest! {
    #[test]
    fn consecutive_seq_numbers_wrap_from_255_to_0_without_a_gap(count in 0usize..=1_000) {
        let mut sessions = SessionTracker::default();
        sessions.birth(&topic("NBIRTH"), Some(0), Some(1)).expect("birth");
        for i in 1..=count {
            let seq = (i % 256) as u8;
            prop_assert!(
                sessions.advance(&topic("NDATA"), Some(seq)).is_ok(),
                "seq {seq} after {} refused", (i - 1) % 256
            );
        }
    }

    #[test]
    fn any_other_seq_jump_is_refused_as_a_gap_or_a_duplicate(
        steps in 0usize..=600,
        jump in 2u16..=256,
    ) {
        let mut sessions = SessionTracker::default();
        sessions.birth(&topic("NBIRTH"), Some(0), Some(1)).expect("birth");
        for i in 1..=steps {
            sessions.advance(&topic("NDATA"), Some((i % 256) as u8)).expect("in order");
        }
        let last = (steps % 256) as u8;
        // jump is the step from the last seq: 1 would be the next one; 256 is the last again.
        let seq = (u16::from(last) + jump) as u8;
        let rejection = sessions
            .advance(&topic("NDATA"), Some(seq))
            .expect_err("a jump other than +1 is refused");
        let forward = seq.wrapping_sub(last.wrapping_add(1));
        if (1..=127).contains(&forward) {
            prop_assert_eq!(rejection.code, ReasonCode::SequenceGap);
            // A gap waits for a rebirth: even the next number is refused now.
            prop_assert!(sessions.advance(&topic("NDATA"), Some(last.wrapping_add(1))).is_err());
        } else {
            prop_assert_eq!(rejection.code, ReasonCode::Duplicate);
            // A redelivered message changes nothing: the stream continues.
            prop_assert!(sessions.advance(&topic("NDATA"), Some(last.wrapping_add(1))).is_ok());
        }
    }
}
