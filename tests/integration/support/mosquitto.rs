//! A real mosquitto broker for tests: its own config and folder, a free loopback port, stopped
//! when dropped. A broker that cannot start fails the test with the reason.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::certs::Certs;
use super::server::{
    find_program, free_port, open_up, signal, wait_for_port, wait_for_port_closed,
};

/// How a test broker is set up.
#[derive(Default)]
pub struct BrokerOptions {
    /// Users and passwords; when empty, anonymous clients are allowed.
    pub users: Vec<(String, String)>,
    /// Serve TLS with these certificates instead of plain TCP.
    pub tls: Option<Certs>,
}

/// A running broker.
pub struct Mosquitto {
    dir: tempfile::TempDir,
    child: Option<Child>,
    program: PathBuf,
    /// Its TCP port on 127.0.0.1.
    pub port: u16,
    tls: bool,
}

/// The mosquitto program, or a panic that says how to install it.
pub fn program() -> PathBuf {
    find_program("mosquitto", &["/usr/sbin", "/usr/local/sbin"]).unwrap_or_else(|| {
        panic!("mosquitto is not installed: the MQTT tests need a real broker (apt-get install mosquitto)")
    })
}

impl Mosquitto {
    /// An anonymous plain-TCP broker.
    pub fn start() -> Self {
        Self::start_with(BrokerOptions::default())
    }

    /// A broker set up as `options` says.
    pub fn start_with(options: BrokerOptions) -> Self {
        let program = program();
        let dir = tempfile::tempdir().expect("broker folder");
        // mosquitto drops root privileges before reading the password file and certificates.
        open_up(dir.path(), 0o755);
        let port = free_port();
        let mut conf = format!("listener {port} 127.0.0.1\npersistence false\nlog_type all\n");
        if options.users.is_empty() {
            conf.push_str("allow_anonymous true\n");
        } else {
            let pw = dir.path().join("passwords");
            let lines: String = options
                .users
                .iter()
                .map(|(u, p)| format!("{u}:{p}\n"))
                .collect();
            std::fs::write(&pw, lines).expect("password file");
            let hashed = Command::new(
                find_program("mosquitto_passwd", &["/usr/bin"]).unwrap_or_else(|| {
                    panic!("mosquitto_passwd is missing (apt-get install mosquitto)")
                }),
            )
            .arg("-U")
            .arg(&pw)
            .status()
            .expect("run mosquitto_passwd");
            assert!(hashed.success(), "mosquitto_passwd -U failed");
            open_up(&pw, 0o644);
            conf.push_str(&format!(
                "allow_anonymous false\npassword_file {}\n",
                pw.display()
            ));
        }
        let tls = options.tls.is_some();
        if let Some(certs) = &options.tls {
            conf.push_str(&format!(
                "cafile {}\ncertfile {}\nkeyfile {}\n",
                certs.ca.display(),
                certs.server_cert.display(),
                certs.server_key.display()
            ));
        }
        let conf_path = dir.path().join("mosquitto.conf");
        std::fs::write(&conf_path, conf).expect("mosquitto.conf");
        open_up(&conf_path, 0o644);
        let mut broker = Self {
            dir,
            child: None,
            program,
            port,
            tls,
        };
        broker.launch();
        broker
    }

    fn launch(&mut self) {
        let log = std::fs::File::create(self.log_path()).expect("broker log");
        let child = Command::new(&self.program)
            .arg("-c")
            .arg(self.conf_path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.program.display()));
        self.child = Some(child);
        let child = self.child.as_mut().expect("child");
        let ready = wait_for_port(self.port, Duration::from_secs(10), &mut || {
            matches!(child.try_wait(), Ok(None))
        });
        if !ready {
            let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
            self.stop();
            panic!(
                "mosquitto did not start listening on 127.0.0.1:{}; its log:\n{log}",
                self.port
            );
        }
        std::fs::write(self.pid_path(), self.pid().to_string()).expect("pid file");
    }

    /// `mqtt://127.0.0.1:PORT` (or `mqtts://` for a TLS broker).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "mqtts" } else { "mqtt" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The config file, for restarting it from elsewhere.
    pub fn conf_path(&self) -> PathBuf {
        self.dir.path().join("mosquitto.conf")
    }

    /// A file holding the pid of the broker process serving the port. A fixture that restarts the
    /// broker writes the new pid here, so that the broker is still stopped at the end.
    pub fn pid_path(&self) -> PathBuf {
        self.dir.path().join("broker.pid")
    }

    /// The broker's log.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("mosquitto.log")
    }

    /// The program.
    pub fn program_path(&self) -> &Path {
        &self.program
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    /// Kills the broker at once (SIGKILL), as a crash would, and waits until the port is closed.
    pub fn kill(&mut self) {
        self.stop();
        assert!(
            wait_for_port_closed(self.port, Duration::from_secs(5)),
            "the broker still listens after being killed"
        );
    }

    /// Starts the broker again on the same port with the same config.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // A broker started by a fixture is not our child: stop it through its pid file.
        if let Some(pid) = std::fs::read_to_string(self.pid_path())
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok())
        {
            signal(pid, "-KILL");
            let _ = std::fs::remove_file(self.pid_path());
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.stop();
    }
}
