use serde_json::{Value, json};

use crate::matching::*;

fn parse(text: &str) -> JsonPath {
    match JsonPath::parse(text) {
        Ok(path) => path,
        Err(e) => panic!("{text:?} should parse: {e}"),
    }
}

fn err(text: &str) -> PathError {
    match JsonPath::parse(text) {
        Ok(path) => panic!("{text:?} should not parse, got {path:?}"),
        Err(e) => e,
    }
}

fn key(k: &str) -> Segment {
    Segment::Key(k.to_owned())
}

fn doc() -> Value {
    json!({
        "status": "ok",
        "record": {"serial": "SN-1", "lines": [{"qty": 1}, {"qty": 2}, {"qty": 3}]},
        "metrics": [{"name": "oee", "value": 74.8}],
        "items": [10, 20, 30],
        "a.b": {"c": "dotted"},
        "grid": [[1, 2], [3, [4, 5]]],
        "température": {"°C": 21.5},
        "empty": {},
        "none": [],
        "nothing": null
    })
}

#[test]
fn parses_every_documented_form() {
    assert_eq!(parse("status").segments(), [key("status")]);
    assert_eq!(
        parse("record.serial").segments(),
        [key("record"), key("serial")]
    );
    assert_eq!(
        parse("metrics[0].value").segments(),
        [key("metrics"), Segment::Index(0), key("value")]
    );
    assert_eq!(
        parse("items[-1]").segments(),
        [key("items"), Segment::Index(-1)]
    );
    assert!(parse("$").is_root());
    assert_eq!(parse("$.a").segments(), [key("a")]);
    assert_eq!(parse("$[2]").segments(), [Segment::Index(2)]);
    assert_eq!(parse("[2]").segments(), [Segment::Index(2)]);
    assert_eq!(parse(r#"["a.b"].c"#).segments(), [key("a.b"), key("c")]);
    assert_eq!(parse(r#"$["a.b"]["c"]"#).segments(), [key("a.b"), key("c")]);
}

#[test]
fn quoted_keys_decode_json_escapes() {
    assert_eq!(parse(r#"["say \"hi\""]"#).segments(), [key("say \"hi\"")]);
    assert_eq!(parse(r#"["back\\slash"]"#).segments(), [key("back\\slash")]);
    assert_eq!(parse(r#"["\u00e9"]"#).segments(), [key("é")]);
    assert_eq!(parse(r#"["a]b"]"#).segments(), [key("a]b")]);
    assert_eq!(parse(r#"[""]"#).segments(), [key("")]);
}

#[test]
fn dollar_is_root_only_before_dot_bracket_or_end() {
    assert_eq!(parse("$ref").segments(), [key("$ref")]);
    assert_eq!(parse("a.$b").segments(), [key("a"), key("$b")]);
}

#[test]
fn unicode_keys_are_bare_keys() {
    let path = parse("température.°C");
    assert_eq!(path.lookup(&doc()), Some(&json!(21.5)));
    assert_eq!(path.to_string(), "$.température.°C");
}

#[test]
fn display_is_canonical_and_round_trips() {
    for (written, canonical) in [
        ("status", "$.status"),
        ("$", "$"),
        ("metrics[0].value", "$.metrics[0].value"),
        ("items[-1]", "$.items[-1]"),
        (r#"["a.b"].c"#, r#"$["a.b"].c"#),
        (r#"["my key"]"#, r#"$["my key"]"#),
        (r#"["q\"uote"]"#, r#"$["q\"uote"]"#),
        (r#"[""]"#, r#"$[""]"#),
        (r#"["{x}"]"#, r#"$["{x}"]"#),
        ("[0][1]", "$[0][1]"),
    ] {
        let path = parse(written);
        assert_eq!(path.to_string(), canonical, "canonical form of {written}");
        assert_eq!(parse(canonical), path, "{canonical} parses back");
    }
}

#[test]
fn builders_extend_the_path() {
    let path = JsonPath::root().key("metrics").index(2).key("value");
    assert_eq!(path.to_string(), "$.metrics[2].value");
    assert_eq!(parse("a").join(&parse("b[1]")).to_string(), "$.a.b[1]");
    assert_eq!("x.y".parse::<JsonPath>(), Ok(parse("x.y")));
}

#[test]
fn lookup_follows_keys_and_indexes() {
    let doc = doc();
    assert_eq!(parse("status").lookup(&doc), Some(&json!("ok")));
    assert_eq!(parse("record.lines[1].qty").lookup(&doc), Some(&json!(2)));
    assert_eq!(parse(r#"["a.b"].c"#).lookup(&doc), Some(&json!("dotted")));
    assert_eq!(parse("$").lookup(&doc), Some(&doc));
    assert_eq!(parse("grid[1][1][0]").lookup(&doc), Some(&json!(4)));
    assert_eq!(parse("empty").lookup(&doc), Some(&json!({})));
    assert_eq!(parse("nothing").lookup(&doc), Some(&Value::Null));
}

#[test]
fn negative_indexes_count_from_the_end() {
    let doc = doc();
    assert_eq!(parse("items[-1]").lookup(&doc), Some(&json!(30)));
    assert_eq!(parse("items[-3]").lookup(&doc), Some(&json!(10)));
    assert_eq!(parse("items[-4]").lookup(&doc), None);
    assert_eq!(parse("items[3]").lookup(&doc), None);
    assert_eq!(parse("none[-1]").lookup(&doc), None);
    assert_eq!(parse("none[0]").lookup(&doc), None);
    assert_eq!(parse("grid[-1][-1][-1]").lookup(&doc), Some(&json!(5)));
    assert_eq!(parse(&format!("items[{}]", i64::MIN)).lookup(&doc), None);
    assert_eq!(parse(&format!("items[{}]", i64::MAX)).lookup(&doc), None);
}

#[test]
fn resolve_says_where_the_path_broke() {
    let doc = doc();
    assert_eq!(
        parse("record.serial_no").resolve(&doc),
        Err(LookupError::MissingKey {
            key: "serial_no".into(),
            at: "$.record".into()
        })
    );
    assert_eq!(
        parse("record.lines[5].qty").resolve(&doc),
        Err(LookupError::IndexOutOfRange {
            index: 5,
            len: 3,
            at: "$.record.lines".into()
        })
    );
    let e = parse("status.code").resolve(&doc).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"cannot take key "code" of a string at $.status"#
    );
    let e = parse("record[0]").resolve(&doc).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot take index 0 of an object at $.record"
    );
    let e = parse("nothing.x").resolve(&doc).unwrap_err();
    assert_eq!(e.to_string(), r#"cannot take key "x" of null at $.nothing"#);
}

#[test]
fn errors_name_the_column_and_the_problem() {
    let cases: &[(&str, usize, PathErrorKind)] = &[
        ("", 1, PathErrorKind::Empty),
        (".a", 1, PathErrorKind::LeadingDot),
        ("a..b", 3, PathErrorKind::EmptyKey),
        ("a.", 3, PathErrorKind::EmptyKey),
        ("a.[0]", 3, PathErrorKind::BadKeyStart('[')),
        ("a b", 2, PathErrorKind::Unexpected(' ')),
        ("a]", 2, PathErrorKind::Unexpected(']')),
        ("a[0", 2, PathErrorKind::UnclosedBracket),
        ("a[", 2, PathErrorKind::UnclosedBracket),
        ("a[]", 3, PathErrorKind::EmptyBrackets),
        ("a['b']", 3, PathErrorKind::SingleQuote),
        ("a[x]", 3, PathErrorKind::BadBracket('x')),
        ("a[1x]", 4, PathErrorKind::ExpectedClose('x')),
        ("a[ 1]", 3, PathErrorKind::BadBracket(' ')),
        (r#"a["b"#, 3, PathErrorKind::UnclosedQuote),
        ("a[-]", 4, PathErrorKind::MissingDigits),
        (
            "a[99999999999999999999]",
            3,
            PathErrorKind::IndexTooLarge("99999999999999999999".into()),
        ),
        ("$x.", 4, PathErrorKind::EmptyKey),
        ("$.", 3, PathErrorKind::EmptyKey),
    ];
    for (text, column, kind) in cases {
        let e = err(text);
        assert_eq!(
            (e.column, &e.kind),
            (*column, kind),
            "error for {text:?}: {e}"
        );
        assert_eq!(e.path, *text);
    }
}

#[test]
fn bad_escape_in_quoted_key_is_reported() {
    let e = err(r#"["bad \q"]"#);
    assert_eq!(e.column, 2);
    assert!(matches!(e.kind, PathErrorKind::BadQuotedKey(_)), "{e}");
}

#[test]
fn columns_count_characters_not_bytes() {
    // "é" is two bytes in UTF-8 but one column for the engineer.
    let e = err("é..x");
    assert_eq!(e.column, 3);
    assert_eq!(
        e.to_string(),
        "invalid path \"é..x\" at column 3: a key is missing after `.`"
    );
}
