//! Hashing many files on every core: verify and seal hash every file of a package, and one thread
//! left the second core idle (docs/performance.md).
//!
//! Plain scoped threads pulling the next index from a shared counter: no thread pool crate, the
//! results in the order of the input whatever order the threads finish in, and each file still
//! read by streaming ([`sha256_file`]), so memory does not grow with the file sizes.

use std::io;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::digest::sha256_file;

/// Below this many files, threads cost more than they save.
const PARALLEL_FROM: usize = 8;

/// SHA-256 and size of each file of `paths`, in the same order.
pub fn sha256_files(paths: &[PathBuf]) -> Vec<io::Result<(String, u64)>> {
    parallel_map(paths, |p| sha256_file(p))
}

/// `f` applied to every item, on as many threads as the machine has cores, results in input order.
pub fn parallel_map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len());
    if threads <= 1 || items.len() < PARALLEL_FROM {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = f(item);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    // Every index below items.len() was taken by exactly one thread, which filled its slot; a
    // thread that panicked re-raises its panic when the scope ends, before this line.
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .expect("every slot is filled by the thread that took its index")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order() {
        let items: Vec<usize> = (0..1000).collect();
        let out = parallel_map(&items, |i| i * 2);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn hashes_every_file_as_one_thread_does() {
        let tmp = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for i in 0..50 {
            let p = tmp.path().join(format!("f{i}"));
            std::fs::write(&p, "x".repeat(i * 1000)).unwrap();
            paths.push(p);
        }
        paths.push(tmp.path().join("missing"));
        let parallel = sha256_files(&paths);
        for (p, got) in paths.iter().zip(&parallel) {
            match (sha256_file(p), got) {
                (Ok(a), Ok(b)) => assert_eq!(&a, b),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{}: {a:?} vs {b:?}", p.display()),
            }
        }
    }
}
