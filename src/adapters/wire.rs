//! The protocol's line formats: requests out, responses and the `hello` answer in.

use serde::Serialize;
use serde_json::{Map, Value};

use super::Reply;

/// The protocol version qualify speaks.
pub const PROTOCOL_VERSION: u64 = 1;

#[derive(Serialize)]
struct Request<'a> {
    id: &'a str,
    kind: &'a str,
    body: &'a Value,
}

/// One request line, without its `\n`. Compact JSON never contains a raw newline.
pub(crate) fn request_line(id: &str, kind: &str, body: &Value) -> String {
    // Serialising a `Value` cannot fail: its map keys are strings.
    serde_json::to_string(&Request { id, kind, body }).unwrap_or_default()
}

/// Checks one response line against the pending request's id. `Err` holds what is wrong.
pub(crate) fn parse_response(line: &[u8], expected_id: &str) -> Result<Reply, String> {
    let value: Value =
        serde_json::from_slice(line).map_err(|e| {
        format!("the line is not valid JSON ({e}); standard output must carry only response lines, diagnostics go to stderr")
    })?;
    let Value::Object(mut object) = value else {
        return Err("the line is JSON but not an object".to_string());
    };
    match object.get("id") {
        Some(Value::String(id)) if id == expected_id => {}
        Some(Value::String(id)) => {
            return Err(format!(
                "wrong id: the pending request has id \"{expected_id}\", the response says \"{id}\" (a response must echo the id of the request it answers)"
            ));
        }
        Some(_) => return Err("\"id\" is not a string".to_string()),
        None => return Err("the response has no \"id\"".to_string()),
    }
    match (object.remove("result"), object.remove("error")) {
        (Some(result), None) => Ok(Reply::Result(result)),
        (None, Some(Value::Object(error))) => parse_error(error),
        (None, Some(_)) => Err("\"error\" is not an object".to_string()),
        (Some(_), Some(_)) => Err("the response has both \"result\" and \"error\"".to_string()),
        (None, None) => Err("the response has neither \"result\" nor \"error\"".to_string()),
    }
}

fn parse_error(mut error: Map<String, Value>) -> Result<Reply, String> {
    let code = match error.remove("code") {
        Some(Value::String(code)) if !code.is_empty() => code,
        _ => return Err("\"error.code\" is missing or not a non-empty string".to_string()),
    };
    let message = match error.remove("message") {
        Some(Value::String(message)) => message,
        _ => return Err("\"error.message\" is missing or not a string".to_string()),
    };
    Ok(Reply::Rejected {
        code,
        message,
        details: error.remove("details"),
    })
}

/// What an adapter says about itself in its `hello` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hello {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) capabilities: Vec<String>,
}

/// Reads a `hello` result. `Err` holds what is wrong with it.
pub(crate) fn parse_hello(result: &Value) -> Result<Hello, String> {
    let Value::Object(hello) = result else {
        return Err("the hello result is not an object".to_string());
    };
    let text = |key: &str| match hello.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(format!("the hello result has no string \"{key}\"")),
    };
    let (name, version) = (text("name")?, text("version")?);
    match hello.get("protocol").and_then(Value::as_u64) {
        Some(PROTOCOL_VERSION) => {}
        Some(other) => {
            return Err(format!(
                "the adapter speaks protocol {other}, qualify speaks protocol {PROTOCOL_VERSION}"
            ));
        }
        None => return Err("the hello result has no numeric \"protocol\"".to_string()),
    }
    let capabilities = match hello.get("capabilities") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|c| c.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("\"capabilities\" must be an array of strings")?,
        Some(_) => return Err("\"capabilities\" must be an array of strings".to_string()),
    };
    Ok(Hello {
        name,
        version,
        capabilities,
    })
}

/// A line shortened for an error message (the transcript has it whole).
pub(crate) fn shorten(line: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(line);
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], line.len()),
        None => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn responses() {
        assert_eq!(
            parse_response(br#"{"id":"1","result":{"a":1}}"#, "1"),
            Ok(Reply::Result(json!({"a":1})))
        );
        assert_eq!(
            parse_response(
                br#"{"id":"1","error":{"code":"x","message":"m","details":[1]}}"#,
                "1"
            ),
            Ok(Reply::Rejected {
                code: "x".into(),
                message: "m".into(),
                details: Some(json!([1]))
            })
        );
        for (line, problem) in [
            (&b"hello"[..], "not valid JSON"),
            (b"[1]", "not an object"),
            (br#"{"id":"2","result":1}"#, "wrong id"),
            (br#"{"id":1,"result":1}"#, "not a string"),
            (br#"{"result":1}"#, "no \"id\""),
            (br#"{"id":"1","result":1,"error":{}}"#, "both"),
            (br#"{"id":"1"}"#, "neither"),
            (br#"{"id":"1","error":{"message":"m"}}"#, "error.code"),
            (br#"{"id":"1","error":"bad"}"#, "not an object"),
        ] {
            let err = parse_response(line, "1").unwrap_err();
            assert!(err.contains(problem), "{err} should mention {problem}");
        }
    }

    #[test]
    fn hello() {
        let ok =
            parse_hello(&json!({"name":"n","version":"1","protocol":1,"capabilities":["reset"]}));
        assert_eq!(ok.unwrap().capabilities, vec!["reset".to_string()]);
        assert!(
            parse_hello(&json!({"name":"n","version":"1","protocol":2}))
                .unwrap_err()
                .contains("protocol 2")
        );
        assert!(
            parse_hello(&json!({"name":"n","protocol":1}))
                .unwrap_err()
                .contains("version")
        );
        assert!(
            parse_hello(&json!({"name":"n","version":"1","protocol":1,"capabilities":[1]}))
                .is_err()
        );
    }

    #[test]
    fn request_is_one_line() {
        let line = request_line("3", "echo", &json!({"text": "a\nb"}));
        assert!(!line.contains('\n'));
        assert_eq!(line, r#"{"id":"3","kind":"echo","body":{"text":"a\nb"}}"#);
    }

    #[test]
    fn shorten_long_lines() {
        assert_eq!(shorten(b"abc"), "abc");
        let long = "é".repeat(300);
        let short = shorten(long.as_bytes());
        assert!(short.starts_with(&"é".repeat(200)) && short.ends_with("(600 bytes in all)"));
    }
}
