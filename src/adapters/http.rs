//! The `http` adapter: a REST endpoint (an MES API) reached with JSON requests.
//!
//! Every request and response is recorded in `<adapter>.http.jsonl`, with the bearer token (and
//! anything that echoes it) redacted. A 5xx answer fails the step: the system under test broke.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method};
use serde_json::{Value, json};

use super::AdapterError;
use super::http_response::HttpResponse;
use super::secrets::{REDACTED, Secrets, read_secret};
use super::tls::{client_config, error_chain, is_tls_error};
use super::transcript::Transcript;
use crate::config::AdapterConfig;
use crate::evidence::{AdapterIdentity, AttachmentWriter};

/// Largest response body read; a larger one fails the step rather than exhaust memory.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// How much of a 5xx body the failure message quotes.
const BODY_EXCERPT: usize = 500;

struct Ready {
    client: Client,
    base: String,
    /// Headers as recorded: the configured ones, and authorization redacted.
    shown_headers: BTreeMap<String, String>,
    timeout_ms: u64,
}

/// An HTTP adapter within one scenario.
pub(crate) struct HttpSlot {
    adapter: String,
    /// The slot\'s transcript (its one attachment file).
    pub(super) transcript: Transcript,
    secrets: Secrets,
    ready: Option<Ready>,
    /// What the adapter said about itself, once started.
    pub(super) identity: Option<AdapterIdentity>,
}

impl HttpSlot {
    /// A slot for `adapter` that records into `transcript` (see `SlotTranscript`).
    pub(crate) fn new(adapter: &str, transcript: Transcript) -> Self {
        Self {
            adapter: adapter.to_string(),
            transcript,
            secrets: Secrets::default(),
            ready: None,
            identity: None,
        }
    }

    /// Builds the client: TLS settings, default headers, the bearer token from the environment.
    /// HTTP has no connection to open, so the first request is where a server problem shows.
    pub(crate) async fn start(
        &mut self,
        config: &AdapterConfig,
        config_dir: &Path,
    ) -> Result<AdapterIdentity, AdapterError> {
        if let Some(identity) = &self.identity {
            return Ok(identity.clone());
        }
        match self.build(config, config_dir) {
            Ok(ready) => {
                let detail = json!({
                    "base_url": ready.base,
                    "headers": ready.shown_headers,
                    "timeout_ms": ready.timeout_ms,
                    "redirects": "not followed",
                });
                self.transcript.event("ready", &detail)?;
                let identity = AdapterIdentity {
                    adapter: self.adapter.clone(),
                    kind: "http".to_string(),
                    name: Some(ready.base.clone()),
                    version: None,
                    sha256: None,
                };
                self.ready = Some(ready);
                self.identity = Some(identity.clone());
                Ok(identity)
            }
            Err(error) => {
                self.transcript
                    .note("start_failed", &json!({ "error": error.to_string() }));
                Err(error)
            }
        }
    }

    fn build(&mut self, config: &AdapterConfig, config_dir: &Path) -> Result<Ready, AdapterError> {
        let fail = |reason: String| AdapterError::start_failed(&self.adapter, reason);
        let base = config
            .url
            .clone()
            .ok_or_else(|| fail("no `url` is configured".into()))?;
        let base = base.trim_end_matches('/').to_string();
        let mut headers = HeaderMap::new();
        let mut shown = BTreeMap::new();
        for (name, value) in &config.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| fail(format!("header name `{name}`: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| fail(format!("value of header `{name}`: {e}")))?;
            headers.insert(header, value);
            shown.insert(name.to_ascii_lowercase(), config.headers[name].clone());
        }
        if let Some(var) = &config.bearer_token_env {
            let token = read_secret(&self.adapter, "bearer_token_env", var)?;
            let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                fail(format!(
                    "the token in {var} cannot be sent in an HTTP header (control characters?)"
                ))
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
            shown.insert(
                "authorization".into(),
                format!("Bearer {REDACTED} (from ${var})"),
            );
            self.secrets.add(&token);
            self.transcript.set_secrets(self.secrets.clone());
        }
        let mut builder = Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_millis(config.timeouts.start_ms))
            .timeout(Duration::from_millis(config.timeouts.request_ms));
        if base.starts_with("https:") {
            let tls = client_config(&self.adapter, config.tls.as_ref(), config_dir)?;
            builder = builder.use_preconfigured_tls((*tls).clone());
        }
        let client = builder
            .build()
            .map_err(|e| fail(format!("cannot build the HTTP client: {}", error_chain(&e))))?;
        Ok(Ready {
            client,
            base,
            shown_headers: shown,
            timeout_ms: config.timeouts.request_ms,
        })
    }

    /// Sends `method` to `path` (appended to the base URL) with an optional JSON body. Any status
    /// below 500 is an answer for the scenario to assert on; 5xx and transport failures are errors.
    pub(crate) async fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<HttpResponse, AdapterError> {
        let Some(ready) = self.ready.as_ref() else {
            return Err(AdapterError::start_failed(&self.adapter, "not started"));
        };
        let invalid = |problem: String| AdapterError::InvalidRequest {
            adapter: self.adapter.clone(),
            problem,
        };
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| invalid(format!("`{method}` is not an HTTP method")))?;
        let url = if path.starts_with('/') {
            format!("{}{path}", ready.base)
        } else {
            format!("{}/{path}", ready.base)
        };
        let parsed =
            reqwest::Url::parse(&url).map_err(|e| invalid(format!("`{url}` is not a URL: {e}")))?;
        let mut request = ready.client.request(method.clone(), parsed.clone());
        let mut sent_headers = ready.shown_headers.clone();
        let body_text = body.map(|b| serde_json::to_string(b).unwrap_or_default());
        if let Some(text) = &body_text {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(text.clone());
            sent_headers.insert("content-type".into(), "application/json".into());
        }
        let timeout_ms = ready.timeout_ms;
        self.transcript.event(
            "request",
            &json!({ "method": method.as_str(), "url": url, "headers": sent_headers, "body_text": body_text }),
        )?;
        let started = Instant::now();
        let outcome = async {
            let mut response = request.send().await?;
            let status = response.status().as_u16();
            let mut headers: BTreeMap<String, String> = BTreeMap::new();
            for (name, value) in response.headers() {
                let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                headers
                    .entry(name.as_str().to_string())
                    .and_modify(|v| {
                        v.push_str(", ");
                        v.push_str(&text);
                    })
                    .or_insert(text);
            }
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = response.chunk().await? {
                if bytes.len() + chunk.len() > MAX_BODY {
                    too_large = true;
                    break;
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>((status, headers, bytes, too_large))
        }
        .await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let (status, headers, bytes, too_large) = match outcome {
            Ok(parts) => parts,
            Err(e) => {
                let error = self.transport_error(&e, method.as_str(), &url, timeout_ms);
                self.transcript.note(
                    "error",
                    &json!({ "code": error.code(), "error": error.to_string(), "elapsed_ms": elapsed_ms }),
                );
                return Err(error);
            }
        };
        let text = String::from_utf8(bytes.clone()).ok();
        let mut detail = json!({ "status": status, "headers": headers, "elapsed_ms": elapsed_ms });
        if let Some(map) = detail.as_object_mut() {
            match &text {
                Some(t) => map.insert("body_text".into(), Value::String(t.clone())),
                None => map.insert("body_hex".into(), Value::String(hex::encode(&bytes))),
            };
        }
        self.transcript.event("response", &detail)?;
        if too_large {
            return Err(AdapterError::ConnectionFailed {
                adapter: self.adapter.clone(),
                endpoint: url,
                reason: format!("the response body is larger than {MAX_BODY} bytes"),
            });
        }
        let response = HttpResponse {
            adapter: self.adapter.clone(),
            method: method.as_str().to_string(),
            url: url.clone(),
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.clone(), self.secrets.redact(v).into_owned()))
                .collect(),
            body: self.secrets.redact_value(&HttpResponse::decode(&bytes)),
            elapsed_ms,
        };
        if status >= 500 {
            let shown = text.unwrap_or_else(|| hex::encode(&bytes));
            let mut excerpt: String = self
                .secrets
                .redact(&shown)
                .chars()
                .take(BODY_EXCERPT)
                .collect();
            if shown.chars().count() > BODY_EXCERPT {
                excerpt.push('…');
            }
            return Err(AdapterError::HttpServerError {
                adapter: self.adapter.clone(),
                method: method.as_str().to_string(),
                url,
                status,
                body: excerpt,
            });
        }
        Ok(response)
    }

    fn transport_error(
        &self,
        e: &reqwest::Error,
        method: &str,
        url: &str,
        timeout_ms: u64,
    ) -> AdapterError {
        let reason = self.secrets.redact(&error_chain(e)).into_owned();
        let endpoint = url.to_string();
        if e.is_timeout() {
            AdapterError::NetworkTimeout {
                adapter: self.adapter.clone(),
                operation: format!("{method} {url}"),
                timeout_ms,
            }
        } else if is_tls_error(e) {
            AdapterError::Tls {
                adapter: self.adapter.clone(),
                endpoint,
                reason,
            }
        } else {
            AdapterError::ConnectionFailed {
                adapter: self.adapter.clone(),
                endpoint,
                reason,
            }
        }
    }

    /// Hands back the transcript file.
    pub(crate) fn finish(self) -> AttachmentWriter {
        self.transcript.into_writer()
    }
}
