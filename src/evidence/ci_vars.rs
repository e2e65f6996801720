//! Which environment variables describe the CI job, and which must never reach a package.
//!
//! A package is shared with reviewers and auditors, so the rule is an allowlist of CI prefixes
//! followed by a denylist of secret-looking names, and credentials embedded in URLs are masked.
//! The rule is documented in `docs/evidence-package.md`; keep both in step.

use std::collections::BTreeMap;

/// Name fragments that mark a variable as secret (compared in upper case).
pub const SECRET_NAME_PARTS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "KEY",
    "JWT",
    "CREDENTIAL",
];

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

fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_NAME_PARTS.iter().any(|part| upper.contains(part))
}

/// Replaces the user-info part of every `scheme://user:pass@host` URL with `***`. GitLab puts the
/// job token into `CI_REPOSITORY_URL` that way.
fn mask_url_credentials(value: &str) -> String {
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
                out.push_str("***");
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority.len()..];
    }
    out.push_str(rest);
    out
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
            ("HOME", "/root"),
            ("AWS_ACCESS_KEY_ID", "x"),
            ("MY_CI", "x"),
        ]));
        let names: Vec<&str> = got.keys().map(String::as_str).collect();
        assert_eq!(names, ["CI", "CI_COMMIT_AUTHOR", "GITHUB_SHA", "GITLAB_CI"]);
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
}
