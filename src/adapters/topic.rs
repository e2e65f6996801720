//! MQTT topic names and filters: validity, matching a topic against a filter, and whether one
//! subscription already covers another filter.

/// Checks a topic filter (`spBv1.0/+/DDATA/#`): not empty, `#` only as the whole last level, `+`
/// only as a whole level, no NUL.
pub(crate) fn check_topic_filter(filter: &str) -> Result<(), String> {
    if filter.is_empty() {
        return Err("a topic filter must not be empty".to_string());
    }
    if filter.contains('\0') {
        return Err(format!("topic filter `{filter}` contains a NUL character"));
    }
    let levels: Vec<&str> = filter.split('/').collect();
    let last = levels.len() - 1;
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i != last) {
            return Err(format!(
                "topic filter `{filter}`: `#` must be the whole last level (`a/b/#`)"
            ));
        }
        if level.contains('+') && *level != "+" {
            return Err(format!(
                "topic filter `{filter}`: `+` must be a whole level (`a/+/c`)"
            ));
        }
    }
    Ok(())
}

/// Checks a topic name to publish to: not empty, no wildcards, no NUL.
pub(crate) fn check_topic_name(topic: &str) -> Result<(), String> {
    if topic.is_empty() {
        return Err("a topic must not be empty".to_string());
    }
    if topic.contains(['#', '+', '\0']) {
        return Err(format!(
            "`{topic}` cannot be published to: wildcards (`#`, `+`) are for subscriptions only"
        ));
    }
    Ok(())
}

/// Whether `topic` matches `filter` as a broker decides it. Topics starting with `$` (`$SYS/...`)
/// are not matched by a wildcard in the first level.
pub(crate) fn topic_matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// Whether every topic that `filter` matches is also matched by `subscription`, so that no new
/// subscription is needed to see them.
pub(crate) fn filter_covers(subscription: &str, filter: &str) -> bool {
    if filter.starts_with('$') != subscription.starts_with('$')
        && (subscription.starts_with('+') || subscription.starts_with('#'))
    {
        return false;
    }
    let mut s = subscription.split('/');
    let mut f = filter.split('/');
    loop {
        match (s.next(), f.next()) {
            (Some("#"), _) => return true,
            (Some(_), Some("#")) => return false,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_checked() {
        for ok in ["#", "a/#", "+/b", "spBv1.0/+/DDATA/#", "a//b", "/"] {
            assert!(check_topic_filter(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a/#/b", "a#", "a/b+", "+a/b"] {
            assert!(check_topic_filter(bad).is_err(), "{bad}");
        }
        assert!(check_topic_name("a/b").is_ok());
        assert!(check_topic_name("a/+").is_err());
        assert!(check_topic_name("").is_err());
    }

    #[test]
    fn matching_follows_the_mqtt_rules() {
        assert!(topic_matches("a/+/c", "a/b/c"));
        assert!(!topic_matches("a/+/c", "a/b/d"));
        assert!(topic_matches("a/#", "a"));
        assert!(topic_matches("a/#", "a/b/c"));
        assert!(topic_matches("#", "x/y"));
        assert!(!topic_matches("#", "$SYS/broker/version"));
        assert!(topic_matches("$SYS/#", "$SYS/broker/version"));
        assert!(!topic_matches("a/b", "a/b/c"));
        assert!(!topic_matches("a/+", "a"));
        assert!(topic_matches("a/+", "a/"));
    }

    #[test]
    fn coverage_is_conservative() {
        assert!(filter_covers("#", "a/b"));
        assert!(filter_covers("a/#", "a/+/c"));
        assert!(filter_covers("a/+/c", "a/b/c"));
        assert!(filter_covers("a/+/c", "a/+/c"));
        assert!(!filter_covers("a/b/c", "a/+/c"));
        assert!(!filter_covers("a/+", "a/#"));
        assert!(!filter_covers("#", "$SYS/x"));
        assert!(filter_covers("a/b", "a/b"));
    }
}
