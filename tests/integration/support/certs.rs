//! Test certificates made with the `openssl` program: a CA, a server certificate for 127.0.0.1
//! signed by it, and a second CA that signed nothing (to provoke verification failures).

use std::path::{Path, PathBuf};
use std::process::Command;

/// PEM files in a folder.
pub struct Certs {
    /// The CA that signed the server certificate.
    pub ca: PathBuf,
    /// The server certificate (subjectAltName IP:127.0.0.1, DNS:localhost).
    pub server_cert: PathBuf,
    /// Its key.
    pub server_key: PathBuf,
    /// A CA that signed nothing here.
    pub other_ca: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl (apt-get install openssl): {e}"));
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Certs {
    /// Makes the files in `dir` (readable by other users, for servers that drop privileges).
    pub fn make(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).expect("cert folder");
        for ca in ["ca", "other-ca"] {
            openssl(
                dir,
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    &format!("/CN=qualify test {ca}"),
                    "-keyout",
                    &format!("{ca}.key"),
                    "-out",
                    &format!("{ca}.pem"),
                ],
            );
        }
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
        );
        std::fs::write(
            dir.join("san.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
        )
        .expect("san.ext");
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "san.ext",
                "-out",
                "server.pem",
            ],
        );
        for entry in std::fs::read_dir(dir).expect("read cert folder").flatten() {
            super::server::open_up(&entry.path(), 0o644);
        }
        Self {
            ca: dir.join("ca.pem"),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server.key"),
            other_ca: dir.join("other-ca.pem"),
        }
    }
}
