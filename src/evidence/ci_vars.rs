//! Which environment variables describe the CI job, and which must never reach a package or an
//! adapter.
//!
//! A package is shared with reviewers and auditors, so the rule is an allowlist of CI prefixes
//! followed by a denylist of secret-looking names, and credentials embedded in URLs (user info,
//! token-like query parameters) are masked. The same denylist decides which variables an adapter
//! process does not inherit (src/adapters/child_env.rs). The rule is documented in
//! `docs/evidence-package.md`; keep both in step.

use std::collections::BTreeMap;

/// Name fragments that mark a variable as secret wherever they occur (compared in upper case).
pub const SECRET_NAME_PARTS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "KEY",
    "JWT",
    "CREDENTIAL",
    "COOKIE",
    "OAUTH",
    "AUTHORIZATION",
    "PRIVATE",
    "SESSION",
];

/// Whole words (between `_`, `-` or `.`) that mark a variable as secret: too short to match as
/// fragments (`PASS` would match `COMPASS`, `PAT` would match `PATH`).
pub const SECRET_NAME_WORDS: &[&str] = &["PASS", "PAT", "AUTH", "PEM", "SIG", "DSN"];

/// What a masked value or credential is replaced with.
pub const MASK: &str = "***";

/// The CI variables among `vars`, secrets removed, URL credentials masked, sorted by name.
pub fn ci_variables(vars: impl IntoIterator<Item = (String, String)>) -> BTreeMap<String, String> {
    vars.into_iter()
        .filter(|(name, _)| is_ci_variable(name) && !is_secret_name(name))
        .map(|(name, value)| (name, mask_url_credentials(&value)))
        .collect()
}

/// `CI`, `GITLAB_CI`, and anything starting with `GITHUB_` or `CI_`.
fn is_ci_variable(name: &str) -> bool {
    name == "CI" || name == "GITLAB_CI" || name.starts_with("GITHUB_") || name.starts_with("CI_")
}

/// Whether a variable (or query parameter) name looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_NAME_PARTS.iter().any(|part| upper.contains(part))
        || upper
            .split(['_', '-', '.'])
            .any(|word| SECRET_NAME_WORDS.contains(&word))
}

/// Whether `value` holds a URL with credentials (user info or a token-like query parameter).
pub fn has_url_credentials(value: &str) -> bool {
    mask_url_credentials(value) != value
}

/// Replaces the user-info part of every `scheme://user:pass@host` URL with `***` (GitLab puts
/// the job token into `CI_REPOSITORY_URL` that way), and the value of every query parameter whose
/// name looks secret (`?access_token=…`, `&X-Amz-Signature=…`, `&sig=…`).
pub fn mask_url_credentials(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let authority_end =
            tail.find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace());
        let authority = &tail[..authority_end.unwrap_or(tail.len())];
        match authority.rfind('@') {
            Some(at) => {
                out.push_str(MASK);
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        let after = &tail[authority.len()..];
        // The rest of this URL: up to whitespace (or the next URL's scheme, handled next round).
        let url_end = after
            .find(|c: char| c.is_whitespace())
            .unwrap_or(after.len());
        out.push_str(&mask_query(&after[..url_end]));
        rest = &after[url_end..];
    }
    out.push_str(rest);
    out
}

/// Masks secret-looking parameters in the query of a URL's path-and-after part.
fn mask_query(path_and_query: &str) -> String {
    let Some(q) = path_and_query.find('?') else {
        return path_and_query.to_string();
    };
    let (path, query) = path_and_query.split_at(q + 1);
    let (query, fragment) = match query.find('#') {
        Some(h) => query.split_at(h),
        None => (query, ""),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, value)) if !value.is_empty() && is_secret_param(name) => {
                format!("{name}={MASK}")
            }
            _ => param.to_string(),
        })
        .collect();
    format!("{path}{}{fragment}", params.join("&"))
}

fn is_secret_param(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    is_secret_name(name)
        || ["SIGNATURE", "CODE", "APIKEY", "ACCESS", "AUTH"]
            .iter()
            .any(|p| upper.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn keeps_ci_variables_and_drops_secrets() {
        let got = ci_variables(vars(&[
            ("CI", "true"),
            ("GITHUB_SHA", "abc"),
            ("GITHUB_TOKEN", "ghs_x"),
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_AUTHOR", "A <a@b>"),
            ("CI_JOB_TOKEN", "t"),
            ("CI_JOB_JWT_V2", "j"),
            ("CI_REGISTRY_PASSWORD", "p"),
            ("CI_DEPLOY_KEY_FILE", "k"),
            ("GITHUB_app_secret", "s"),
            ("CI_REGISTRY_PASS", "p"),
            ("GITHUB_PAT", "p"),
            ("CI_NPM_AUTH", "a"),
            ("CI_SESSION_COOKIE", "c"),
            ("CI_OAUTH_CLIENT", "o"),
            ("CI_DEPLOY_PEM", "p"),
            ("CI_SERVICE_CREDENTIALS", "c"),
            ("HOME", "/root"),
            ("AWS_ACCESS_KEY_ID", "x"),
            ("MY_CI", "x"),
        ]));
        let names: Vec<&str> = got.keys().map(String::as_str).collect();
        assert_eq!(names, ["CI", "CI_COMMIT_AUTHOR", "GITHUB_SHA", "GITLAB_CI"]);
    }

    #[test]
    fn short_words_match_only_as_words() {
        for secret in [
            "DB_PASS",
            "GITHUB_PAT",
            "NPM_AUTH",
            "TLS_PEM",
            "X_PASSWD",
            "QUALIFY_KEY_PASSPHRASE",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for plain in [
            "PATH",
            "COMPASS_HOME",
            "PATTERN",
            "AUTHOR_NAME",
            "PWD",
            "LANG",
        ] {
            assert!(!is_secret_name(plain), "{plain}");
        }
    }

    #[test]
    fn masks_credentials_in_urls() {
        assert_eq!(
            mask_url_credentials("https://gitlab-ci-token:abc@gitlab.example.com/g/p.git"),
            "https://***@gitlab.example.com/g/p.git"
        );
        assert_eq!(
            mask_url_credentials("a https://u@h/x b http://h2/y?q=a@b"),
            "a https://***@h/x b http://h2/y?q=a@b"
        );
        assert_eq!(
            mask_url_credentials("https://github.com/o/r"),
            "https://github.com/o/r"
        );
        assert_eq!(mask_url_credentials("no url @ all"), "no url @ all");
        let got = ci_variables(vars(&[("CI_REPOSITORY_URL", "https://x:y@h/p.git")]));
        assert_eq!(got["CI_REPOSITORY_URL"], "https://***@h/p.git");
    }

    #[test]
    fn masks_token_like_query_parameters() {
        assert_eq!(
            mask_url_credentials(
                "https://h/p?page=2&access_token=abc&X-Amz-Signature=ff&sig=zz#top x"
            ),
            "https://h/p?page=2&access_token=***&X-Amz-Signature=***&sig=***#top x"
        );
        assert_eq!(
            mask_url_credentials("http://h/cb?code=123&state=s"),
            "http://h/cb?code=***&state=s"
        );
        assert!(has_url_credentials("https://h/?api_key=1"));
        assert!(!has_url_credentials("https://h/?page=1"));
    }
}
