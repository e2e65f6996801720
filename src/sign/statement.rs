//! The signed payload: an in-toto Statement v1 whose subjects are the package's content files and
//! whose predicate is the Part 11 signature manifestation. The types are the `qualify-evidence`
//! crate's ([`qualify_evidence::statement`]); documented field by field in `docs/signatures.md`.

pub use qualify_evidence::schema::{
    CLOSURE_MEANING, CLOSURE_PREDICATE_TYPE, SIGNATURE_PREDICATE_TYPE, STATEMENT_TYPE,
};
pub use qualify_evidence::statement::{
    AuditRef, DeviationDisposition, FileRef, PackageRef, SignaturePredicate, SignerRef, Statement,
    Subject,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_serializes_with_in_toto_field_names() {
        let statement = Statement {
            statement_type: STATEMENT_TYPE.into(),
            subject: vec![Subject::sha256("results.json", "ab")],
            predicate_type: SIGNATURE_PREDICATE_TYPE.into(),
            predicate: SignaturePredicate {
                signer: SignerRef {
                    id: "jdoe".into(),
                    name: "Jane Doe".into(),
                    role: "validation-lead".into(),
                },
                meaning: "reviewed".into(),
                statement: "I reviewed it".into(),
                signed_at: "2025-01-01T00:00:00.000Z".into(),
                key_id: "k".into(),
                package: PackageRef {
                    id: "p".into(),
                    manifest_sha256: "m".into(),
                },
                git_commit: None,
                earlier_signatures: vec![],
                audit_entry: AuditRef {
                    seq: 4,
                    sha256: "e".into(),
                },
                deviation: None,
                signer_key: None,
            },
        };
        let json = serde_json::to_value(&statement).unwrap();
        assert_eq!(json["_type"], STATEMENT_TYPE);
        assert_eq!(json["predicateType"], SIGNATURE_PREDICATE_TYPE);
        assert_eq!(json["subject"][0]["digest"]["sha256"], "ab");
        assert!(json["predicate"].get("deviation").is_none());
        let back: Statement = serde_json::from_value(json).unwrap();
        assert_eq!(back, statement);
    }
}
