//! Which keys each adapter kind needs and takes: a mistake in qualify.yaml is reported when the
//! campaign is loaded, naming the key, not when a step first uses the adapter.

use std::str::FromStr;

use super::adapter::{AdapterConfig, AdapterKind, Isolation, SqlDriver};
use super::broker::BrokerAddress;

/// What a key is allowed on.
#[derive(Clone, Copy)]
enum Allowed {
    Kinds(&'static [AdapterKind]),
    Sqlite,
    Postgres,
    NetworkWithPassword,
}

impl Allowed {
    fn admits(self, adapter: &AdapterConfig) -> bool {
        let sql_with = |driver| adapter.kind == AdapterKind::Sql && adapter.driver == driver;
        match self {
            Self::Kinds(kinds) => kinds.contains(&adapter.kind),
            Self::Sqlite => sql_with(SqlDriver::Sqlite),
            Self::Postgres => sql_with(SqlDriver::Postgres),
            Self::NetworkWithPassword => {
                adapter.kind == AdapterKind::Mqtt || sql_with(SqlDriver::Postgres)
            }
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Kinds([AdapterKind::Process]) => "process adapters",
            Self::Kinds([AdapterKind::Sql]) => "sql adapters",
            Self::Kinds([AdapterKind::Mqtt]) => "mqtt adapters",
            Self::Kinds([AdapterKind::Http]) => "http adapters",
            Self::Kinds(_) => "mqtt and http adapters",
            Self::Sqlite => "sql adapters with driver sqlite",
            Self::Postgres => "sql adapters with driver postgres",
            Self::NetworkWithPassword => "mqtt adapters and sql adapters with driver postgres",
        }
    }
}

/// Checks one adapter declaration; the message names the adapter and the key.
pub(crate) fn check_adapter(name: &str, adapter: &AdapterConfig) -> Result<(), String> {
    use AdapterKind::{Http, Mqtt, Process, Sql};
    let kind = adapter.kind.as_str();
    let present: [(&str, bool, Allowed); 15] = [
        (
            "command",
            !adapter.command.is_empty(),
            Allowed::Kinds(&[Process]),
        ),
        ("env", !adapter.env.is_empty(), Allowed::Kinds(&[Process])),
        (
            "pass_env",
            !adapter.pass_env.is_empty(),
            Allowed::Kinds(&[Process]),
        ),
        (
            "isolation",
            adapter.isolation != Isolation::Process,
            Allowed::Kinds(&[Process]),
        ),
        ("database", adapter.database.is_some(), Allowed::Sqlite),
        (
            "driver",
            adapter.driver != SqlDriver::Sqlite,
            Allowed::Kinds(&[Sql]),
        ),
        (
            "url",
            adapter.url.is_some() && adapter.kind == Sql,
            Allowed::Postgres,
        ),
        (
            "username",
            adapter.username.is_some(),
            Allowed::Kinds(&[Mqtt]),
        ),
        (
            "client_id",
            adapter.client_id.is_some(),
            Allowed::Kinds(&[Mqtt]),
        ),
        (
            "subscribe",
            !adapter.subscribe.is_empty(),
            Allowed::Kinds(&[Mqtt]),
        ),
        (
            "password_env",
            adapter.password_env.is_some(),
            Allowed::NetworkWithPassword,
        ),
        ("tls", adapter.tls.is_some(), Allowed::Kinds(&[Mqtt, Http])),
        (
            "headers",
            !adapter.headers.is_empty(),
            Allowed::Kinds(&[Http]),
        ),
        (
            "bearer_token_env",
            adapter.bearer_token_env.is_some(),
            Allowed::Kinds(&[Http]),
        ),
        (
            "url",
            adapter.url.is_some() && adapter.kind != Sql,
            Allowed::Kinds(&[Mqtt, Http]),
        ),
    ];
    for (key, set, allowed) in present {
        if set && !allowed.admits(adapter) {
            return Err(format!(
                "adapter `{name}` (kind {kind}) does not take `{key}`; it is for {}",
                allowed.describe()
            ));
        }
    }
    match adapter.kind {
        Process if adapter.command.is_empty() => {
            return Err(format!(
                "adapter `{name}` (kind process) needs `command`: the program and its arguments"
            ));
        }
        Sql if adapter.driver == SqlDriver::Sqlite && adapter.database.is_none() => {
            return Err(format!(
                "adapter `{name}` (kind sql) needs `database`: the SQLite file, relative to the scenario folder (or `driver: postgres` and `url`)"
            ));
        }
        Sql if adapter.driver == SqlDriver::Postgres => check_postgres(name, adapter)?,
        Mqtt => check_mqtt(name, adapter)?,
        Http => check_http(name, adapter)?,
        _ => {}
    }
    super::adapter_env::check_env(name, &adapter.env, &adapter.pass_env)?;
    for (key, var) in [
        ("password_env", &adapter.password_env),
        ("bearer_token_env", &adapter.bearer_token_env),
    ] {
        if let Some(var) = var
            && (var.is_empty() || var.contains(['=', '\0']))
        {
            return Err(format!(
                "adapter `{name}`: `{key}` must be the name of an environment variable, not `{var}`"
            ));
        }
    }
    if let Some(tls) = &adapter.tls
        && tls.cert_file.is_some() != tls.key_file.is_some()
    {
        return Err(format!(
            "adapter `{name}`: `tls.cert_file` and `tls.key_file` go together (a client certificate needs its key)"
        ));
    }
    let t = adapter.timeouts;
    if t.start_ms == 0 || t.request_ms == 0 || t.shutdown_ms == 0 {
        return Err(format!(
            "adapter `{name}`: timeouts must be greater than 0 ms"
        ));
    }
    Ok(())
}

fn check_postgres(name: &str, adapter: &AdapterConfig) -> Result<(), String> {
    let Some(url) = &adapter.url else {
        return Err(format!(
            "adapter `{name}` (sql, driver postgres) needs `url`: postgres://user@host:5432/database"
        ));
    };
    let parsed = tokio_postgres::Config::from_str(url).map_err(|e| {
        format!("adapter `{name}`: `url` is not a PostgreSQL connection string: {e}")
    })?;
    if parsed.get_password().is_some() {
        return Err(format!(
            "adapter `{name}`: `url` contains a password; remove it and name the environment variable that holds it in `password_env`"
        ));
    }
    if parsed.get_hosts().is_empty() {
        return Err(format!("adapter `{name}`: `url` names no host"));
    }
    if parsed.get_user().is_none() {
        return Err(format!(
            "adapter `{name}`: `url` names no user (postgres://USER@host/database)"
        ));
    }
    Ok(())
}

fn check_mqtt(name: &str, adapter: &AdapterConfig) -> Result<(), String> {
    let Some(url) = &adapter.url else {
        return Err(format!(
            "adapter `{name}` (kind mqtt) needs `url`: the broker, mqtt://host:1883 or mqtts://host:8883"
        ));
    };
    let broker = BrokerAddress::parse(url).map_err(|e| format!("adapter `{name}`: {e}"))?;
    if adapter.tls.is_some() && !broker.tls {
        return Err(format!(
            "adapter `{name}`: `tls` is set but `url` is mqtt://; use mqtts:// to connect with TLS"
        ));
    }
    if adapter.password_env.is_some() && adapter.username.is_none() {
        return Err(format!(
            "adapter `{name}`: MQTT sends a password only with a user name; set `username`"
        ));
    }
    if let Some(id) = &adapter.client_id
        && (id.is_empty() || id.contains(['#', '+', '/']))
    {
        return Err(format!(
            "adapter `{name}`: `client_id` `{id}` must be non-empty and free of `#`, `+` and `/`"
        ));
    }
    for filter in &adapter.subscribe {
        crate::adapters::check_topic_filter(filter)
            .map_err(|e| format!("adapter `{name}`: `subscribe`: {e}"))?;
    }
    Ok(())
}

fn check_http(name: &str, adapter: &AdapterConfig) -> Result<(), String> {
    let Some(url) = &adapter.url else {
        return Err(format!(
            "adapter `{name}` (kind http) needs `url`: the base URL of the API, http://host:port/base"
        ));
    };
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| format!("adapter `{name}`: `url` `{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "adapter `{name}`: `url` must be http:// or https://, not {}://",
            parsed.scheme()
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "adapter `{name}`: `url` carries credentials; use `bearer_token_env` so that no secret is written to evidence"
        ));
    }
    if adapter.tls.is_some() && parsed.scheme() != "https" {
        return Err(format!(
            "adapter `{name}`: `tls` is set but `url` is http://; use https://"
        ));
    }
    for header in adapter.headers.keys() {
        if header.eq_ignore_ascii_case("authorization") {
            return Err(format!(
                "adapter `{name}`: do not put `Authorization` in `headers` (it would be recorded as evidence); use `bearer_token_env`"
            ));
        }
        if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
            return Err(format!(
                "adapter `{name}`: `{header}` is not a valid HTTP header name"
            ));
        }
    }
    Ok(())
}
