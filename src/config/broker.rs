//! The address of an MQTT broker as written in `url:` (`mqtt://host:1883`, `mqtts://host:8883`).

use std::fmt;

/// A parsed broker URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerAddress {
    /// `mqtts`: TLS.
    pub tls: bool,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// TCP port (1883 or 8883 unless given).
    pub port: u16,
}

impl BrokerAddress {
    /// Parses `mqtt://host[:port]` or `mqtts://host[:port]`. Credentials, paths and queries are
    /// refused: the user name and password have their own keys, so that no secret sits in a URL
    /// that ends up in evidence.
    pub fn parse(url: &str) -> Result<Self, String> {
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            format!("`{url}` is not a broker URL; write mqtt://host:1883 or mqtts://host:8883")
        })?;
        let tls = match scheme {
            "mqtt" | "tcp" => false,
            "mqtts" | "ssl" => true,
            other => {
                return Err(format!(
                    "`{other}://` is not an MQTT scheme; use mqtt:// (plain TCP) or mqtts:// (TLS)"
                ));
            }
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains('@') {
            return Err(format!(
                "`{url}` carries credentials; set `username` and `password_env` instead"
            ));
        }
        if authority.contains(['/', '?', '#']) {
            return Err(format!(
                "`{url}` has a path or query; a broker URL is only scheme, host and port"
            ));
        }
        let default_port = if tls { 8883 } else { 1883 };
        let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or_else(|| format!("`{url}`: unclosed `[` in an IPv6 address"))?;
            match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None if after.is_empty() => (host, None),
                None => return Err(format!("`{url}`: unexpected `{after}` after the address")),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(format!("`{url}` names no host"));
        }
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| format!("`{url}`: `{p}` is not a TCP port"))?,
            None => default_port,
        };
        Ok(Self {
            tls,
            host: host.to_string(),
            port,
        })
    }
}

impl fmt::Display for BrokerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "mqtts" } else { "mqtt" };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BrokerAddress;

    #[test]
    fn parses_hosts_ports_and_schemes() {
        let a = BrokerAddress::parse("mqtt://127.0.0.1:1884").unwrap();
        assert_eq!((a.tls, a.host.as_str(), a.port), (false, "127.0.0.1", 1884));
        let b = BrokerAddress::parse("mqtts://broker.plant.local").unwrap();
        assert_eq!((b.tls, b.port), (true, 8883));
        let c = BrokerAddress::parse("mqtt://[::1]:1883/").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("::1", 1883));
        assert_eq!(c.to_string(), "mqtt://[::1]:1883");
    }

    #[test]
    fn refuses_credentials_paths_and_bad_ports() {
        for bad in [
            "127.0.0.1:1883",
            "http://h",
            "mqtt://u:p@h",
            "mqtt://h/x",
            "mqtt://h:0",
            "mqtt://h:99999",
            "mqtt://:1883",
        ] {
            assert!(BrokerAddress::parse(bad).is_err(), "{bad}");
        }
    }
}
