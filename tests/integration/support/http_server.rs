//! The fixture REST API (tests/fixtures/http/server.py) on a leased loopback port (see
//! [`super::ports`]), stopped when dropped. The test binds the listening socket itself and hands
//! it to the server as its standard input, so the port is never free between choosing and
//! serving it, and connections made before the server has started simply wait in the backlog.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::ports::PortLease;

/// A running fixture API.
pub struct HttpServer {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Keeps the port reserved after [`HttpServer::stop`], so that requests are refused rather
    /// than served by another test's server.
    _lease: PortLease,
    tls: bool,
}

impl HttpServer {
    /// Starts the API; `/api/secure` accepts `Bearer <token>`.
    pub fn start(token: &str) -> Self {
        Self::launch(token, None)
    }

    /// Starts the API over HTTPS with this certificate and key.
    pub fn start_tls(token: &str, cert: &Path, key: &Path) -> Self {
        Self::launch(token, Some((cert, key)))
    }

    fn launch(token: &str, tls: Option<(&Path, &Path)>) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http/server.py");
        let mut command = Command::new("python3");
        command.arg(&script);
        if let Some((cert, key)) = tls {
            command.arg(cert).arg(key);
        }
        let lease = PortLease::new();
        let listener = std::os::fd::OwnedFd::from(lease.listen());
        let mut child = command
            .env("QUALIFY_TEST_TOKEN", token)
            .stdin(Stdio::from(listener))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start python3 {}: {e}", script.display()));
        // The command, and with it this process's copy of the socket, is gone once spawned:
        // after `stop` nothing listens on the port any more.
        drop(command);
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the port");
        let port: u16 = line.trim().parse().unwrap_or(0);
        if port != lease.port() {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the fixture HTTP server did not report serving port {} (got {line:?})",
                lease.port()
            );
        }
        Self {
            child,
            port,
            _lease: lease,
            tls: tls.is_some(),
        }
    }

    /// `http://127.0.0.1:PORT/api` (`https://` when serving TLS).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}/api", self.port)
    }

    /// Stops it (requests then fail to connect).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
