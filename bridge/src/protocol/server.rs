//! The request loop: one line in, one line out, until `shutdown` or end of input.

use std::io::{self, BufRead, Write};

use serde_json::{Value, json};

use super::message::{PROTOCOL_VERSION, Request, failure_line, success_line};
use crate::rejection::Rejection;

/// What an adapter says about itself in its `hello` answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// Program name.
    pub name: String,
    /// Program version.
    pub version: String,
    /// Optional features, e.g. `reset`.
    pub capabilities: Vec<String>,
}

/// An adapter behind the protocol. `hello` and `shutdown` are answered by [`serve`]; every other
/// kind, including `reset`, goes to [`Service::handle`].
pub trait Service {
    /// The `hello` answer.
    fn identity(&self) -> Identity;
    /// Handles one request.
    fn handle(&mut self, kind: &str, body: &Value) -> Result<Value, Rejection>;
    /// Called once before the loop ends (after `shutdown` or at end of input): release resources,
    /// commit what is pending.
    fn shutdown(&mut self);
}

/// Serves requests from `input` until `shutdown` or end of input. Only protocol lines are written
/// to `output`; diagnostics go to standard error.
pub fn serve<R: BufRead, W: Write>(
    input: R,
    mut output: W,
    service: &mut dyn Service,
) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let Some((response, stop)) = respond(&line, service) else {
            continue;
        };
        writeln!(output, "{response}")?;
        output.flush()?;
        if stop {
            return Ok(());
        }
    }
    service.shutdown();
    Ok(())
}

/// The answer to one request line, and whether it was `shutdown` (after which nothing more is
/// read). Blank lines get no answer.
pub fn respond(line: &str, service: &mut dyn Service) -> Option<(String, bool)> {
    if line.trim().is_empty() {
        return None;
    }
    let request = match Request::parse(line) {
        Ok(request) => request,
        Err(malformed) => {
            eprintln!("malformed request: {}", malformed.rejection.message);
            return Some((failure_line(&malformed.id, &malformed.rejection), false));
        }
    };
    Some(match request.kind.as_str() {
        "hello" => (success_line(&request.id, hello(&service.identity())), false),
        "shutdown" => {
            service.shutdown();
            (success_line(&request.id, json!({})), true)
        }
        kind => match service.handle(kind, &request.body) {
            Ok(result) => (success_line(&request.id, result), false),
            Err(rejection) => (failure_line(&request.id, &rejection), false),
        },
    })
}

fn hello(identity: &Identity) -> Value {
    json!({
        "name": identity.name,
        "version": identity.version,
        "protocol": PROTOCOL_VERSION,
        "capabilities": identity.capabilities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::ReasonCode;

    struct Echo {
        shutdowns: usize,
    }

    impl Service for Echo {
        fn identity(&self) -> Identity {
            Identity {
                name: "echo".into(),
                version: "1".into(),
                capabilities: vec![],
            }
        }
        fn handle(&mut self, kind: &str, body: &Value) -> Result<Value, Rejection> {
            match kind {
                "echo" => Ok(body.clone()),
                other => Err(Rejection::new(ReasonCode::UnknownKind, other)),
            }
        }
        fn shutdown(&mut self) {
            self.shutdowns += 1;
        }
    }

    fn run(input: &str) -> (Vec<Value>, usize) {
        let mut echo = Echo { shutdowns: 0 };
        let mut out = Vec::new();
        serve(input.as_bytes(), &mut out, &mut echo).expect("in-memory io");
        let lines = String::from_utf8(out).expect("utf8");
        (
            lines
                .lines()
                .map(|l| serde_json::from_str(l).expect("json line"))
                .collect(),
            echo.shutdowns,
        )
    }

    #[test]
    fn hello_echo_unknown_and_shutdown() {
        let input = concat!(
            r#"{"id":"1","kind":"hello","body":{"protocol":1}}"#,
            "\n",
            r#"{"id":"2","kind":"echo","body":{"x":1}}"#,
            "\n",
            r#"{"id":"3","kind":"nope"}"#,
            "\n",
            r#"{"id":"4","kind":"shutdown"}"#,
            "\n",
            r#"{"id":"5","kind":"echo"}"#,
            "\n",
        );
        let (lines, shutdowns) = run(input);
        assert_eq!(lines.len(), 4, "nothing is answered after shutdown");
        assert_eq!(lines[0]["result"]["protocol"], json!(1));
        assert_eq!(lines[1], json!({"id": "2", "result": {"x": 1}}));
        assert_eq!(lines[2]["error"]["code"], json!("unknown_kind"));
        assert_eq!(lines[3], json!({"id": "4", "result": {}}));
        assert_eq!(shutdowns, 1);
    }

    #[test]
    fn end_of_input_shuts_down_and_garbage_is_answered() {
        let (lines, shutdowns) = run("garbage\n\n");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["error"]["code"], json!("invalid_request"));
        assert_eq!(shutdowns, 1);
    }
}
