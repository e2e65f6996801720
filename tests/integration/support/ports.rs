//! Loopback ports for the test servers, reserved so that nothing else can take them.
//!
//! Binding port 0 and releasing it before a server binds it is a race: the kernel hands the same
//! port to the next outgoing connection or `bind(0)` of any process. A [`PortLease`] instead
//! picks a port *below* the kernel's ephemeral range, which the kernel never hands out on its
//! own, and holds an exclusive lock file for it, so that no other lease — of this test process
//! or of another one running at the same time — gets it. The port stays reserved while the lease
//! lives, including while a test has stopped its server to start it again on the same port.
//! A program outside the tests that binds a fixed port in that range is the one case left; server
//! helpers detect it from the server's own output and retry with a fresh lease.

use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::net::TcpListener;
use std::ops::Range;
use std::path::PathBuf;

/// How many ports below the ephemeral range the leases choose from.
const SPAN: u16 = 10_000;

/// A loopback port reserved for one test server.
pub struct PortLease {
    port: u16,
    // Held for the lease's lifetime: the lock is what makes the port ours.
    _lock: File,
}

impl PortLease {
    /// Reserves a port that nothing listens on right now.
    pub fn new() -> Self {
        let range = lease_range();
        let dir = std::env::temp_dir().join("qualify-test-ports");
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let seed = RandomState::new().build_hasher().finish();
        let width = u64::from(range.end - range.start);
        for attempt in 0..width {
            let offset = (seed.wrapping_add(attempt.wrapping_mul(7919))) % width;
            let port = range.start + offset as u16;
            if let Some(lease) = Self::try_port(&dir, port) {
                return lease;
            }
        }
        panic!(
            "no free loopback port in {range:?} (lock files in {})",
            dir.display()
        );
    }

    fn try_port(dir: &std::path::Path, port: u16) -> Option<Self> {
        let path: PathBuf = dir.join(format!("{port}.lock"));
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
        // Another lease holds it (here or in another process): try the next port.
        lock.try_lock().ok()?;
        // A program that is not a test may listen on it.
        TcpListener::bind(("127.0.0.1", port)).ok()?;
        Some(Self { port, _lock: lock })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A listening socket on the port, for a server that takes over an open socket.
    pub fn listen(&self) -> TcpListener {
        TcpListener::bind(("127.0.0.1", self.port))
            .unwrap_or_else(|e| panic!("cannot listen on leased port {}: {e}", self.port))
    }
}

/// The ports just below the kernel's ephemeral range (32768–60999 on Linux by default).
fn lease_range() -> Range<u16> {
    let text =
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let mut bounds = text.split_whitespace().map(|n| n.parse::<u16>().ok());
    let (low, high) = match (bounds.next().flatten(), bounds.next().flatten()) {
        (Some(low), Some(high)) => (low, high),
        _ => (32_768, 60_999),
    };
    if low >= 1_024 + SPAN {
        low - SPAN..low
    } else if high <= u16::MAX - SPAN {
        high + 1..high + 1 + SPAN
    } else {
        panic!(
            "the ephemeral port range {low}-{high} leaves no room for test servers; narrow net.ipv4.ip_local_port_range"
        )
    }
}
