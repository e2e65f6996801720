//! RFC 3161 time-stamp tokens against a real time-stamping authority: `openssl ts -reply`
//! behind a loopback HTTP server run by the test, with a CA and a TSA certificate made with
//! openssl in the test's temporary folder. Signing with `--tsa` stores the token in the same
//! transaction as the envelope; `verify --tsa-ca` checks it, and the TSA's time decides the key's
//! validity (a back-dated signature made after a revocation is invalid).

use crate::sign_support;
use crate::support;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;

use sign_support::{Fixture, PASSING_FEATURE, all_output, commit_all, read_envelope, rejected};
use support::Run;

/// `openssl` with these arguments in `dir`; panics with its output on failure.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a TSA certificate it issued (extendedKeyUsage critical timeStamping), a second CA
/// that issued nothing, and the `openssl ts` configuration of the TSA.
pub(crate) struct TsaPki {
    dir: tempfile::TempDir,
}

impl TsaPki {
    pub(crate) fn make() -> TsaPki {
        let pki = TsaPki {
            dir: tempfile::tempdir().unwrap(),
        };
        let d = pki.dir.path();
        for (name, cn) in [("ca", "Plant TSA Root"), ("other-ca", "Someone Else's CA")] {
            openssl(
                d,
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    &format!("{name}.key"),
                    "-out",
                    &format!("{name}.pem"),
                    "-days",
                    "3650",
                    "-subj",
                    &format!("/CN={cn}"),
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ],
            );
        }
        fs::write(
            d.join("tsa-ext.cnf"),
            "extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n\
             keyUsage=critical,digitalSignature,nonRepudiation\n",
        )
        .unwrap();
        openssl(
            d,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "tsa.key",
                "-out",
                "tsa.csr",
                "-subj",
                "/CN=Plant TSA",
            ],
        );
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "tsa.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "tsa.pem",
                "-days",
                "365",
                "-extfile",
                "tsa-ext.cnf",
            ],
        );
        fs::write(d.join("tsaserial"), "01\n").unwrap();
        fs::write(d.join("tsa.cnf"), tsa_config(d)).unwrap();
        pki
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A token (not a whole response) over `data`, made by the TSA directly, as an attacker
    /// who can reach the TSA would get one.
    fn token_for(&self, data: &[u8], name: &str) -> Vec<u8> {
        let d = self.dir.path();
        fs::write(d.join(format!("{name}.bin")), data).unwrap();
        openssl(
            d,
            &[
                "ts",
                "-query",
                "-data",
                &format!("{name}.bin"),
                "-sha256",
                "-cert",
                "-out",
                &format!("{name}.tsq"),
            ],
        );
        openssl(
            d,
            &[
                "ts",
                "-reply",
                "-config",
                "tsa.cnf",
                "-queryfile",
                &format!("{name}.tsq"),
                "-token_out",
                "-out",
                &format!("{name}.tsr"),
            ],
        );
        fs::read(d.join(format!("{name}.tsr"))).unwrap()
    }
}

/// The TSA section of an openssl configuration: SHA-256, genTime in milliseconds.
fn tsa_config(dir: &Path) -> String {
    format!(
        "[ tsa ]\ndefault_tsa = plant_tsa\n\n[ plant_tsa ]\ndir = {}\nserial = $dir/tsaserial\n\
         crypto_device = builtin\nsigner_cert = $dir/tsa.pem\nsigner_key = $dir/tsa.key\n\
         signer_digest = sha256\ndefault_policy = 1.3.6.1.4.1.4146.2.3\n\
         digests = sha256, sha384, sha512\naccuracy = secs:1\nclock_precision_digits = 3\n\
         ordering = yes\ntsa_name = yes\ness_cert_id_alg = sha256\n",
        dir.display()
    )
}

/// `openssl ts -reply` behind a loopback HTTP server: one request at a time, each answered by
/// a fresh `openssl ts -reply` run. The listener is bound before the URL is handed out (port 0,
/// kept), so no other process can take the port in between.
pub(crate) struct TsaServer {
    pub(crate) url: String,
    stop: Arc<AtomicBool>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

impl TsaServer {
    pub(crate) fn start(pki: &TsaPki) -> TsaServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, flag) = (pki.dir.path().to_path_buf(), stop.clone());
        let thread = std::thread::spawn(move || {
            let counter = AtomicUsize::new(0);
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    serve(stream, &dir, counter.fetch_add(1, Ordering::SeqCst));
                }
            }
        });
        TsaServer {
            url: format!("http://127.0.0.1:{port}/tsa"),
            stop,
            port,
            thread: Some(thread),
        }
    }
}

impl Drop for TsaServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag and ends, closing the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One HTTP request: the query body to a file, `openssl ts -reply`, the response back.
fn serve(stream: TcpStream, dir: &Path, n: usize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let (query, reply) = (dir.join(format!("q{n}.tsq")), dir.join(format!("r{n}.tsr")));
    fs::write(&query, &body).unwrap();
    let ok = Command::new("openssl")
        .args(["ts", "-reply", "-config", "tsa.cnf", "-queryfile"])
        .arg(&query)
        .arg("-out")
        .arg(&reply)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success());
    let (status, answer) = match fs::read(&reply) {
        Ok(bytes) if ok => ("200 OK", bytes),
        _ => ("500 Internal Server Error", Vec::new()),
    };
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        answer.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&answer);
}

/// `qualify sign PKG --meaning M --key keys/<signer>.pem --tsa URL`.
fn sign_tsa(f: &Fixture, meaning: &str, signer: &str, url: &str) -> Run {
    let pkg = f.package();
    let key = format!("keys/{signer}.pem");
    f.qualify(&[
        "sign",
        pkg.to_str().unwrap(),
        "--meaning",
        meaning,
        "--key",
        &key,
        "--tsa",
        url,
    ])
}

/// The raw Ed25519 signature bytes of an envelope: what its token stamps.
fn signature_bytes(envelope: &Path) -> Vec<u8> {
    let (env, _) = read_envelope(envelope);
    let sig = env["signatures"][0]["sig"].as_str().unwrap();
    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, sig).unwrap()
}

pub(crate) fn token_of(envelope: &Path) -> PathBuf {
    let name = envelope.file_name().unwrap().to_string_lossy();
    envelope.with_file_name(name.replace(".dsse.json", ".tsr"))
}

#[test]
fn a_signature_time_stamped_by_the_plant_tsa_verifies_and_openssl_agrees() {
    let pki = TsaPki::make();
    let tsa = TsaServer::start(&pki);
    let f = Fixture::with(PASSING_FEATURE, "");
    sign_tsa(&f, "executed", "eng", &tsa.url).code(0);
    let envelope = f.envelope("executed");
    let token = token_of(&envelope);
    assert!(token.is_file(), "no token beside {}", envelope.display());

    // openssl, independently: the token stamps the envelope's signature bytes, signed by a TSA
    // certificate that chains to the CA.
    let data = pki.path("executed-signature.bin");
    fs::write(&data, signature_bytes(&envelope)).unwrap();
    let ca = pki.path("ca.pem");
    openssl(
        pki.dir.path(),
        &[
            "ts",
            "-verify",
            "-data",
            data.to_str().unwrap(),
            "-in",
            token.to_str().unwrap(),
            "-token_in",
            "-CAfile",
            ca.to_str().unwrap(),
        ],
    );

    let run = f.verify_with(&["--tsa-ca", ca.to_str().unwrap()]).code(0);
    let text = all_output(&run);
    assert!(text.contains("TSA time 20"), "{text}");
    assert!(text.contains("checked against"), "{text}");
    assert!(text.contains("CN=Plant TSA"), "{text}");

    // Without a trusted TSA CA the token is reported as not checked, and the package verifies.
    let run = f.verify().code(0);
    let text = all_output(&run);
    assert!(text.contains("NOT checked: no trusted TSA CA"), "{text}");
    assert!(
        text.contains("were not checked: no trusted TSA CA was given"),
        "{text}"
    );
}

#[test]
fn a_token_of_another_signature_or_from_an_untrusted_ca_is_refused() {
    let pki = TsaPki::make();
    let tsa = TsaServer::start(&pki);
    let f = Fixture::with(PASSING_FEATURE, "");
    sign_tsa(&f, "executed", "eng", &tsa.url).code(0);
    sign_tsa(&f, "reviewed", "lead", &tsa.url).code(0);
    let ca = pki.path("ca.pem");
    let other = pki.path("other-ca.pem");

    // A trusted CA that did not issue the TSA's certificate.
    rejected(
        f.verify_with(&["--tsa-ca", other.to_str().unwrap()]),
        &["does not chain to a trusted TSA CA", "other-ca.pem"],
    );

    // The review's token swapped in for the execution's.
    let (executed, reviewed) = (
        token_of(&f.envelope("executed")),
        token_of(&f.envelope("reviewed")),
    );
    fs::copy(&reviewed, &executed).unwrap();
    rejected(
        f.verify_with(&["--tsa-ca", ca.to_str().unwrap()]),
        &[
            "another message imprint",
            "it belongs to another signature",
            "INVALID",
        ],
    );
}

#[test]
fn an_unreachable_or_failing_tsa_leaves_the_package_unchanged() {
    let pki = TsaPki::make();
    let f = Fixture::with(PASSING_FEATURE, "");
    let before = snapshot(&f.package());
    // A TSA that is down: its port was bound and released with the server.
    let url = TsaServer::start(&pki).url.clone();
    let run = sign_tsa(&f, "executed", "eng", &url);
    assert_eq!(run.output.status.code(), Some(5), "{}", all_output(&run));
    assert!(
        all_output(&run).contains("no trusted time-stamp could be obtained"),
        "{}",
        all_output(&run)
    );
    assert!(all_output(&run).contains(&url), "{}", all_output(&run));
    assert_eq!(snapshot(&f.package()), before);

    // A TSA that answers with an error: openssl cannot sign (its key is gone).
    let tsa = TsaServer::start(&pki);
    fs::remove_file(pki.path("tsa.key")).unwrap();
    let run = sign_tsa(&f, "executed", "eng", &tsa.url);
    assert_eq!(run.output.status.code(), Some(5), "{}", all_output(&run));
    assert!(
        all_output(&run).contains("HTTP 500"),
        "{}",
        all_output(&run)
    );
    assert_eq!(snapshot(&f.package()), before);

    // And the retry without a TSA succeeds.
    f.sign("executed", "eng").code(0);
    f.verify().code(0);
}

/// Every file of a package with its content.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_required_token_that_is_missing_is_an_error() {
    let f = Fixture::with(PASSING_FEATURE, "");
    f.sign("executed", "eng").code(0);
    rejected(
        f.verify_with(&["--require-tsa"]),
        &["has no RFC 3161 time-stamp token, which the project requires"],
    );
    f.verify().code(0);
}

#[test]
fn a_back_dated_signature_whose_tsa_time_is_after_the_revocation_is_invalid() {
    let pki = TsaPki::make();
    let tsa = TsaServer::start(&pki);
    let f = Fixture::with(PASSING_FEATURE, "");
    for (meaning, signer) in [
        ("executed", "eng"),
        ("reviewed", "lead"),
        ("approved", "qa"),
    ] {
        sign_tsa(&f, meaning, signer, &tsa.url).code(0);
    }
    let signed_at = |needle: &str| {
        let (_, statement) = read_envelope(&f.envelope(needle));
        let at = statement["predicate"]["signed_at"]
            .as_str()
            .unwrap()
            .to_string();
        chrono::DateTime::parse_from_rfc3339(&at).unwrap()
    };
    let (reviewed, approved) = (signed_at("reviewed"), signed_at("approved"));
    let ms = chrono::Duration::milliseconds;
    assert!(
        approved - reviewed > ms(4),
        "review and approval within 4 ms"
    );
    // QA's key is revoked (committed) just before the approval.
    let fmt = |t: chrono::DateTime<chrono::FixedOffset>| {
        t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    crate::trust_keys::revoke(&f, "qa", &fmt(approved - ms(1)));
    commit_all(f.path());

    // The attacker holding QA's key back-dates the approval to before the revocation, and gets
    // a fresh token for the new signature from the TSA: the TSA's clock says now.
    let envelope = f.envelope("approved");
    crate::trust_keys::forge(&f, &envelope, &fmt(approved - ms(2)), "qa");
    let token = pki.token_for(&signature_bytes(&envelope), "forged");
    fs::write(token_of(&envelope), &token).unwrap();
    let ca = pki.path("ca.pem");
    let run = f.verify_with(&["--tsa-ca", ca.to_str().unwrap()]);
    let text = all_output(&run);
    assert!(
        !text.contains("bad signature"),
        "the forgery is well signed: {text}"
    );
    rejected(
        run,
        &[
            "at the TSA's time",
            "which proves when it was signed",
            "the key of Quinn Assurance (qa) was revoked at",
            "INVALID  approved",
        ],
    );

    // Without the token, the signed time alone does not show that the key was revoked.
    fs::remove_file(token_of(&envelope)).unwrap();
    let text = all_output(&f.verify_with(&["--tsa-ca", ca.to_str().unwrap()]));
    assert!(!text.contains("at the TSA's time"), "{text}");
    // ... unless the project requires tokens.
    rejected(
        f.verify_with(&["--require-tsa"]),
        &["03-approved-qa.dsse.json: has no RFC 3161 time-stamp token"],
    );
}

#[test]
fn qualify_yaml_names_the_tsa_the_trusted_ca_and_requires_tokens() {
    let pki = TsaPki::make();
    let tsa = TsaServer::start(&pki);
    // The failing scenario opens DEV-001, whose closure is time-stamped too.
    let f = Fixture::new();
    let ca = pki.path("ca.pem");
    let config = fs::read_to_string(f.path().join("qualify.yaml")).unwrap();
    fs::write(
        f.path().join("qualify.yaml"),
        format!(
            "{config}\nsigning:\n  tsa_url: {}\n  tsa_ca: {}\n  require_tsa: true\n",
            tsa.url,
            ca.display()
        ),
    )
    .unwrap();
    f.sign("executed", "eng").code(0);
    f.sign("reviewed", "lead").code(0);
    f.close("DEV-001", "lead").code(0);
    assert!(token_of(&f.envelope("executed")).is_file());
    let closure_token = f.package().join("deviations/closures/DEV-001.tsr");
    assert!(closure_token.is_file(), "no token beside the closure");
    let run = f.verify_with(&["--config", "qualify.yaml"]).code(0);
    let text = all_output(&run);
    assert_eq!(text.matches("checked against").count(), 3, "{text}");
    // A token removed is missing where the project requires one.
    fs::remove_file(token_of(&f.envelope("executed"))).unwrap();
    rejected(
        f.verify_with(&["--config", "qualify.yaml"]),
        &["has no RFC 3161 time-stamp token, which the project requires"],
    );
}
