//! A real PostgreSQL server for tests: initdb in its own folder, a leased loopback port (see
//! [`super::ports`]), a superuser `qualify` with a password, stopped when dropped. PostgreSQL
//! refuses to run as root, so under root (as in CI) the server runs as the `postgres` user.
//! "Started" means accepting logins (pg_isready). A server that cannot start fails the test with
//! its log; one that finds its port taken by a program outside the tests is retried on a fresh
//! port.

use super::ports::PortLease;
use super::server::{PATIENCE, is_root, open_up, poll_until, signal};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// Attempts at starting on a fresh port when a program outside the tests holds the leased one.
const ATTEMPTS: usize = 5;

/// The user the tests connect as.
pub const USER: &str = "qualify";
/// Its password.
pub const PASSWORD: &str = "pg-test-pw-7f3a";

/// A running server.
pub struct Postgres {
    dir: tempfile::TempDir,
    child: Option<Child>,
    /// Its TCP port on 127.0.0.1.
    pub port: u16,
    _lease: Option<PortLease>,
    bin: PathBuf,
    run_as: Option<(u32, u32)>,
}

/// The folder with initdb and postgres: the newest /usr/lib/postgresql/*/bin, or what
/// `pg_config --bindir` says.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
                    let bin = e.path().join("bin");
                    bin.join("postgres").is_file().then_some((v, bin))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.join("postgres").is_file());
    from_pg_config.unwrap_or_else(|| {
        panic!("PostgreSQL is not installed: the PostgreSQL tests need a real server (apt-get install postgresql)")
    })
}

/// uid and gid of the `postgres` user.
fn postgres_user() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .unwrap_or_else(|e| panic!("cannot run id: {e}"));
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or_else(|_| {
            panic!("running as root, but there is no `postgres` user to run PostgreSQL as (apt-get install postgresql creates it)")
        })
    };
    (id("-u"), id("-g"))
}

impl Postgres {
    /// Initialises a cluster and starts the server.
    pub fn start() -> Self {
        let bin = bin_dir();
        let dir = tempfile::tempdir().expect("postgres folder");
        let run_as = is_root().then(postgres_user);
        open_up(dir.path(), 0o755);
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data folder");
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).expect("password file");
        open_up(&pwfile, 0o644);
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&data, Some(uid), Some(gid)).expect("chown data folder");
        }
        let mut server = Self {
            dir,
            child: None,
            port: 0,
            _lease: None,
            bin,
            run_as,
        };
        let init = server
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                USER,
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .unwrap_or_else(|e| panic!("cannot run initdb: {e}"));
        assert!(
            init.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&init.stdout),
            String::from_utf8_lossy(&init.stderr)
        );
        let mut last_log = String::new();
        for _ in 0..ATTEMPTS {
            let lease = PortLease::new();
            server.port = lease.port();
            server._lease = Some(lease);
            match server.launch() {
                Ok(()) => return server,
                Err(log) => last_log = log,
            }
        }
        panic!(
            "PostgreSQL found its port taken {ATTEMPTS} times in a row; its last log:\n{last_log}"
        )
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(program));
        cmd.current_dir(self.dir.path()).stdin(Stdio::null());
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    /// Starts the server and waits until it accepts logins. `Err` with its log when the port was
    /// taken; a panic with the log on any other failure.
    fn launch(&mut self) -> Result<(), String> {
        let log_path = self.dir.path().join("postgres.log");
        let log = std::fs::File::create(&log_path).expect("postgres log");
        let child = self
            .command("postgres")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-p", &self.port.to_string()])
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
            ])
            .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start postgres: {e}"));
        let child = self.child.insert(child);
        let (bin, port) = (self.bin.clone(), self.port.to_string());
        // pg_isready tells "accepting logins" from "listening but still starting up".
        let exited = poll_until(PATIENCE, || {
            let ready = Command::new(bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &port, "-q"])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Some(false);
            }
            matches!(child.try_wait(), Ok(Some(_)) | Err(_)).then_some(true)
        });
        if exited == Some(false) {
            return Ok(());
        }
        self.stop();
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        if exited == Some(true) && log.contains("Address already in use") {
            return Err(log);
        }
        let what = if exited.is_some() {
            "exited"
        } else {
            "did not start in time"
        };
        panic!(
            "PostgreSQL {what} (127.0.0.1:{}); its log:\n{log}",
            self.port
        );
    }

    /// `postgres://qualify@127.0.0.1:PORT/DB` (no password: that comes from the environment).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{db}", self.port)
    }

    /// Runs SQL as the superuser with psql (to create databases and tables).
    pub fn psql(&self, db: &str, sql: &str) {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                "-d",
                db,
            ])
            .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap_or_else(|e| panic!("cannot run psql: {e}"));
        assert!(
            out.status.success(),
            "psql failed on {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the server at once (as a crash would).
    pub fn kill(&mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends along.
            signal(child.id(), "-QUIT");
            let exited = poll_until(PATIENCE, || {
                matches!(child.try_wait(), Ok(Some(_)) | Err(_)).then_some(())
            });
            if exited.is_none() {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}
