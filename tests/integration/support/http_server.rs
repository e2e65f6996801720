//! The fixture REST API (tests/fixtures/http/server.py) on a free loopback port, stopped when
//! dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running fixture API.
pub struct HttpServer {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
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
        let mut child = command
            .env("QUALIFY_TEST_TOKEN", token)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start python3 {}: {e}", script.display()));
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the port");
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("the fixture HTTP server did not print its port (got {line:?})")
        });
        Self {
            child,
            port,
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
