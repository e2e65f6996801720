//! `qualify deviation close` records how a deviation was assessed (issue 13): classification,
//! impact, root cause and CAPA reference, signed with the disposition, shown by `deviation list`
//! and in the report.

use serde_json::Value;

use crate::sign_support::{Fixture, all_output, read_envelope};

fn close(f: &Fixture, extra: &[&str]) -> crate::support::Run {
    let pkg = f.package();
    let mut args = vec![
        "deviation",
        "close",
        pkg.to_str().unwrap(),
        "DEV-001",
        "--disposition",
        "The expected value in the protocol was wrong; corrected under change CR-12.",
        "--key",
        "keys/lead.pem",
    ];
    args.extend_from_slice(extra);
    f.qualify(&args)
}

#[test]
fn a_closure_signs_classification_impact_root_cause_and_capa_and_every_view_shows_them() {
    let f = Fixture::new();
    let pkg = f.package();
    close(
        &f,
        &[
            "--classification",
            "major",
            "--impact",
            "No batch released; the interface was not in production use.",
            "--root-cause",
            "Expected value copied from draft 2 of the URS.",
            "--capa",
            "CAPA-2026-014",
        ],
    )
    .code(0);

    // Signed: in the closure statement's predicate.
    let (_, statement) = read_envelope(&pkg.join("deviations/closures/DEV-001.dsse.json"));
    let signed = &statement["predicate"]["deviation"];
    assert_eq!(signed["classification"], "major", "{signed:#}");
    assert_eq!(signed["capa"], "CAPA-2026-014");
    assert_eq!(
        signed["root_cause"],
        "Expected value copied from draft 2 of the URS."
    );
    assert!(
        signed["impact"]
            .as_str()
            .unwrap()
            .starts_with("No batch released")
    );
    f.verify().code(0);

    // deviation list, human and JSON.
    let p = pkg.to_str().unwrap();
    let human = f.qualify(&["deviation", "list", p]).code(0).stdout;
    assert!(
        human.contains("classification: major; impact: No batch released")
            && human.contains("root cause: Expected value copied")
            && human.contains("CAPA: CAPA-2026-014"),
        "{human}"
    );
    let json = f
        .qualify(&["deviation", "list", p, "--format", "json"])
        .code(0)
        .stdout;
    let list: Value = serde_json::from_str(&json).unwrap();
    let closure = &list["deviations"][0]["closure"];
    assert_eq!(closure["classification"], "major", "{list:#}");
    assert_eq!(closure["capa"], "CAPA-2026-014");

    // The report as the package stands.
    f.qualify(&["render", p]).code(0);
    let html = std::fs::read_to_string(pkg.join("renditions/report.html")).unwrap();
    assert!(
        html.contains("classification: major")
            && html.contains("CAPA: CAPA-2026-014")
            && html.contains("root cause: Expected value copied from draft 2 of the URS."),
        "the report lacks the assessment"
    );
}

#[test]
fn a_closure_without_the_assessment_still_signs_and_an_unknown_classification_is_refused() {
    let f = Fixture::new();
    let run = close(&f, &["--classification", "severe"]).code(2);
    assert!(
        all_output(&run).contains("invalid value 'severe'"),
        "{}",
        all_output(&run)
    );
    assert!(
        !f.package()
            .join("deviations/closures/DEV-001.dsse.json")
            .exists()
    );
    close(&f, &[]).code(0);
    let (_, statement) = read_envelope(&f.package().join("deviations/closures/DEV-001.dsse.json"));
    let signed = statement["predicate"]["deviation"].as_object().unwrap();
    let keys: Vec<&String> = signed.keys().collect();
    assert_eq!(
        keys,
        ["id", "disposition"],
        "nothing recorded that was not given"
    );
}
