//! `--shard K/N`: which share of a campaign this run takes, given on the command line or read
//! from the CI system's parallel-job variables (`--shard auto`).

use thiserror::Error;

/// GitLab's `parallel:` job number, from 1.
pub const GITLAB_INDEX: &str = "CI_NODE_INDEX";
/// GitLab's `parallel:` job count.
pub const GITLAB_TOTAL: &str = "CI_NODE_TOTAL";

/// Shard `index` of `total` (1 ≤ index ≤ total).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    /// From 1.
    pub index: usize,
    /// At least 1.
    pub total: usize,
}

/// A `--shard` value that cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ShardSpecError {
    /// Not `K/N` with two whole numbers.
    #[error(
        "--shard {given}: expected K/N with whole numbers, e.g. --shard 2/4 (shard 2 of 4), or --shard auto"
    )]
    Malformed {
        /// As given.
        given: String,
    },
    /// K or N out of range.
    #[error("--shard {given}: {why}")]
    OutOfRange {
        /// As given.
        given: String,
        /// What is wrong.
        why: String,
    },
    /// `auto` outside a CI parallel job.
    #[error(
        "--shard auto: {GITLAB_INDEX} and {GITLAB_TOTAL} are not both set (GitLab sets them in a \
         job with `parallel:`); elsewhere give the shard explicitly, e.g. in a GitHub Actions \
         matrix: --shard ${{{{ matrix.shard }}}}/4"
    )]
    NoCiVariables,
    /// The CI variables hold no usable shard.
    #[error(
        "--shard auto: {GITLAB_INDEX}={index:?} and {GITLAB_TOTAL}={total:?} are not a shard: {why}"
    )]
    BadCiVariables {
        /// The index variable.
        index: String,
        /// The total variable.
        total: String,
        /// What is wrong.
        #[source]
        why: Box<ShardSpecError>,
    },
}

impl ShardSpec {
    /// Parses `K/N`.
    pub fn parse(given: &str) -> Result<ShardSpec, ShardSpecError> {
        let malformed = || ShardSpecError::Malformed {
            given: given.to_string(),
        };
        let (k, n) = given.trim().split_once('/').ok_or_else(malformed)?;
        let number = |s: &str| -> Result<usize, ShardSpecError> {
            let s = s.trim();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            s.parse::<usize>().map_err(|_| malformed())
        };
        let (index, total) = (number(k)?, number(n)?);
        let out_of_range = |why: String| ShardSpecError::OutOfRange {
            given: given.to_string(),
            why,
        };
        if total == 0 {
            return Err(out_of_range(
                "N (the number of shards) must be at least 1".into(),
            ));
        }
        if index == 0 || index > total {
            return Err(out_of_range(format!(
                "K (this shard) must be from 1 to {total}"
            )));
        }
        Ok(ShardSpec { index, total })
    }

    /// `K/N`, or for `auto` the CI system's variables as `var` reads them.
    pub fn resolve(
        given: &str,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<ShardSpec, ShardSpecError> {
        if given.trim() != "auto" {
            return ShardSpec::parse(given);
        }
        let (Some(index), Some(total)) = (var(GITLAB_INDEX), var(GITLAB_TOTAL)) else {
            return Err(ShardSpecError::NoCiVariables);
        };
        ShardSpec::parse(&format!("{index}/{total}")).map_err(|why| {
            ShardSpecError::BadCiVariables {
                index,
                total,
                why: Box::new(why),
            }
        })
    }

    /// `shard2of4`, for package ids.
    pub fn label(&self) -> String {
        format!("shard{}of{}", self.index, self.total)
    }
}

impl std::fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!(
            ShardSpec::parse("2/4"),
            Ok(ShardSpec { index: 2, total: 4 })
        );
        assert_eq!(
            ShardSpec::parse("1/1"),
            Ok(ShardSpec { index: 1, total: 1 })
        );
        assert_eq!(ShardSpec::parse("3/4").unwrap().label(), "shard3of4");
    }

    #[test]
    fn refuses_what_is_not_a_shard() {
        for bad in ["x", "2", "2/", "/4", "a/4", "2/b", "-1/4", "2/4/6", ""] {
            assert!(
                matches!(ShardSpec::parse(bad), Err(ShardSpecError::Malformed { .. })),
                "{bad}"
            );
        }
        for bad in ["0/4", "5/4", "1/0", "0/0"] {
            let err = ShardSpec::parse(bad).unwrap_err();
            assert!(matches!(err, ShardSpecError::OutOfRange { .. }), "{bad}");
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn auto_reads_gitlab_parallel_variables() {
        let gitlab = |name: &str| match name {
            GITLAB_INDEX => Some("3".to_string()),
            GITLAB_TOTAL => Some("4".to_string()),
            _ => None,
        };
        assert_eq!(
            ShardSpec::resolve("auto", gitlab),
            Ok(ShardSpec { index: 3, total: 4 })
        );
        assert_eq!(
            ShardSpec::resolve("auto", |_| None),
            Err(ShardSpecError::NoCiVariables)
        );
        let broken = |name: &str| match name {
            GITLAB_INDEX => Some("5".to_string()),
            GITLAB_TOTAL => Some("4".to_string()),
            _ => None,
        };
        let err = ShardSpec::resolve("auto", broken).unwrap_err();
        assert!(err.to_string().contains("CI_NODE_INDEX=\"5\""), "{err}");
        // An explicit value never reads the environment.
        assert_eq!(
            ShardSpec::resolve("1/2", gitlab),
            Ok(ShardSpec { index: 1, total: 2 })
        );
    }
}
