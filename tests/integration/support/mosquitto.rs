//! A real mosquitto broker for tests: its own config and folder, a leased loopback port (see
//! [`super::ports`]), stopped when dropped. "Started" means serving: the broker's log says it is
//! running and its port accepts connections. A broker that cannot start fails the test with its
//! log; one that finds its port taken by a program outside the tests is retried on a fresh port.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::certs::Certs;
use super::ports::PortLease;
use super::server::{
    PATIENCE, accepts, find_program, open_up, poll_until, signal, wait_for_port_closed,
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
    /// Keeps the port reserved while the broker is down between [`Mosquitto::kill`] and
    /// [`Mosquitto::restart`], so that it comes back where its clients expect it.
    _lease: PortLease,
    /// Its TCP port on 127.0.0.1.
    pub port: u16,
    tls: bool,
}

/// Attempts at starting on a fresh port when a program outside the tests holds the leased one.
const ATTEMPTS: usize = 5;

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
        let settings = settings(dir.path(), &options);
        let mut last_log = String::new();
        for _ in 0..ATTEMPTS {
            let lease = PortLease::new();
            let conf_path = dir.path().join("mosquitto.conf");
            let conf = format!("listener {} 127.0.0.1\n{settings}", lease.port());
            std::fs::write(&conf_path, conf).expect("mosquitto.conf");
            open_up(&conf_path, 0o644);
            match launch(&program, dir.path(), lease.port()) {
                Ok(child) => {
                    let broker = Self {
                        port: lease.port(),
                        dir,
                        child: Some(child),
                        program,
                        _lease: lease,
                        tls: options.tls.is_some(),
                    };
                    std::fs::write(broker.pid_path(), broker.pid().to_string()).expect("pid file");
                    return broker;
                }
                Err(log) => last_log = log,
            }
        }
        panic!(
            "mosquitto found its port taken {ATTEMPTS} times in a row; its last log:\n{last_log}"
        )
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
            wait_for_port_closed(self.port),
            "the broker still listens after being killed"
        );
    }

    /// Starts the broker again on the same port with the same config, and waits until it serves.
    pub fn restart(&mut self) {
        self.stop();
        match launch(&self.program, self.dir.path(), self.port) {
            Ok(child) => {
                self.child = Some(child);
                std::fs::write(self.pid_path(), self.pid().to_string()).expect("pid file");
            }
            Err(log) => panic!(
                "port {} is leased, yet a program outside the tests took it while the broker was down; mosquitto's log:\n{log}",
                self.port
            ),
        }
    }

    fn stop(&mut self) {
        let own = self.child.take().map(|mut child| {
            let _ = child.kill();
            let _ = child.wait();
            child.id()
        });
        // A broker started by a fixture is not our child: stop it through its pid file. Our own
        // child's pid is not signalled again: once reaped, that number may belong to anyone.
        if let Some(pid) = std::fs::read_to_string(self.pid_path())
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok())
        {
            if Some(pid) != own {
                signal(pid, "-KILL");
            }
            let _ = std::fs::remove_file(self.pid_path());
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Everything of the config but the listener line.
fn settings(dir: &Path, options: &BrokerOptions) -> String {
    let mut conf = String::from("persistence false\nlog_type all\n");
    if options.users.is_empty() {
        conf.push_str("allow_anonymous true\n");
    } else {
        let pw = dir.join("passwords");
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
    if let Some(certs) = &options.tls {
        conf.push_str(&format!(
            "cafile {}\ncertfile {}\nkeyfile {}\n",
            certs.ca.display(),
            certs.server_cert.display(),
            certs.server_key.display()
        ));
    }
    conf
}

/// Starts mosquitto with `dir`'s config and waits until it serves on `port`: its log says it is
/// running and the port accepts connections (the port is leased, so whatever accepts there is
/// this broker). `Err` with the log when the port was taken; a panic with the log on any other
/// failure.
fn launch(program: &Path, dir: &Path, port: u16) -> Result<Child, String> {
    let log_path = dir.join("mosquitto.log");
    let log = std::fs::File::create(&log_path).expect("broker log");
    let mut child = Command::new(program)
        .arg("-c")
        .arg(dir.join("mosquitto.conf"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
    let read_log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let exited = poll_until(PATIENCE, || {
        if read_log().contains(" running") && accepts(port) {
            return Some(false);
        }
        matches!(child.try_wait(), Ok(Some(_)) | Err(_)).then_some(true)
    });
    if exited == Some(false) {
        return Ok(child);
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = read_log();
    if exited == Some(true) && log.contains("Address already in use") {
        return Err(log);
    }
    let what = if exited.is_some() {
        "exited"
    } else {
        "did not start in time"
    };
    panic!("mosquitto {what} (127.0.0.1:{port}); its log:\n{log}")
}
