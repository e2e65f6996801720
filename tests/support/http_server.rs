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
}

impl HttpServer {
    /// Starts the API; `/api/secure` accepts `Bearer <token>`.
    pub fn start(token: &str) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http/server.py");
        let mut child = Command::new("python3")
            .arg(&script)
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
        Self { child, port }
    }

    /// `http://127.0.0.1:PORT/api`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/api", self.port)
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
