//! What the server helpers share: waiting by polling with a generous deadline, finding programs,
//! permissions and signals. Ports come from [`super::ports::PortLease`].

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a test waits for a server or a process to get somewhere. Generous on purpose: the
/// wait ends as soon as the condition holds, and a loaded machine may need many seconds.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Polls `ready` until it returns `Some`, at most `limit`; `None` after that.
pub fn poll_until<T>(limit: Duration, mut ready: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = ready() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether 127.0.0.1:`port` accepts connections now.
pub fn accepts(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Waits until nothing accepts connections on 127.0.0.1:`port` any more.
pub fn wait_for_port_closed(port: u16) -> bool {
    poll_until(PATIENCE, || (!accepts(port)).then_some(())).is_some()
}

/// `name` on PATH or in one of `extra` folders (sbin folders are not on every user's PATH).
pub fn find_program(name: &str, extra: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(extra.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Whether this process runs as root (servers that refuse root are then run as another user).
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Makes `path` readable by other users (servers that drop privileges read their files late).
pub fn open_up(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {:o} {}: {e}", mode, path.display()));
}

/// Sends `signal` (`-TERM`, `-KILL`, ...) to `pid` with the `kill` program.
pub fn signal(pid: u32, signal: &str) {
    let _ = std::process::Command::new("kill")
        .arg(signal)
        .arg(pid.to_string())
        .stderr(std::process::Stdio::null())
        .status();
}
