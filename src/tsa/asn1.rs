//! The RFC 3161 structures qualify reads and writes, in DER (RustCrypto `der`): the request,
//! the response, and the TSTInfo a token signs. The CMS wrapping (ContentInfo, SignedData) comes
//! from the `cms` crate.

use der::asn1::{Any, Int, ObjectIdentifier, OctetString};
use der::{Enumerated, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;

/// `MessageImprint`: the hash algorithm and the hash of the time-stamped data.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct MessageImprint {
    /// The hash algorithm (qualify asks for SHA-256).
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The hash.
    pub hashed_message: OctetString,
}

/// `TimeStampReq` (RFC 3161 §2.4.1).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampReq {
    /// Always 1.
    pub version: u8,
    /// What is to be time-stamped.
    pub message_imprint: MessageImprint,
    /// The TSA policy asked for; qualify leaves the choice to the TSA.
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    /// A random number the response must echo, so an old response cannot be replayed.
    #[asn1(optional = "true")]
    pub nonce: Option<u64>,
    /// Whether the TSA must include its certificate in the token.
    #[asn1(default = "Default::default")]
    pub cert_req: bool,
    /// Extensions; none are sent.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// `PKIStatus`: `granted` and `grantedWithMods` carry a token.
#[derive(Clone, Copy, Debug, Enumerated, Eq, PartialEq)]
#[asn1(type = "INTEGER")]
#[repr(u8)]
pub enum PkiStatus {
    /// The token is as asked.
    Granted = 0,
    /// The token is there, with modifications.
    GrantedWithMods = 1,
    /// Refused.
    Rejection = 2,
    /// Not yet.
    Waiting = 3,
    /// A revocation is imminent.
    RevocationWarning = 4,
    /// A revocation happened.
    RevocationNotification = 5,
}

/// `PKIStatusInfo`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct PkiStatusInfo {
    /// The status.
    pub status: PkiStatus,
    /// `PKIFreeText` (a SEQUENCE OF UTF8String), kept raw and shown as text.
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<String>>,
    /// `PKIFailureInfo`.
    #[asn1(optional = "true")]
    pub fail_info: Option<der::asn1::BitString>,
}

/// `TimeStampResp` (RFC 3161 §2.4.2); the token is a CMS ContentInfo, kept as DER.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampResp {
    /// Granted or why not.
    pub status: PkiStatusInfo,
    /// The token, when granted.
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<Any>,
}

/// `Accuracy`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Accuracy {
    /// Seconds.
    #[asn1(optional = "true")]
    pub seconds: Option<Int>,
    /// Milliseconds.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<Int>,
    /// Microseconds.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<Int>,
}

/// `TSTInfo` (RFC 3161 §2.4.2): what the TSA signs.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TstInfo {
    /// Always 1.
    pub version: u8,
    /// The TSA's policy.
    pub policy: ObjectIdentifier,
    /// The hash of the time-stamped data.
    pub message_imprint: MessageImprint,
    /// The token's serial number.
    pub serial_number: Int,
    /// `genTime`, a GeneralizedTime that may carry fractions of a second (which `der`'s
    /// GeneralizedTime refuses), so it is kept raw and parsed in [`super::token`].
    pub gen_time: Any,
    /// The TSA's stated accuracy.
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    /// Whether tokens of this TSA can be ordered by genTime alone.
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    /// The request's nonce, echoed.
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    /// The TSA's name.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<Any>,
    /// Extensions.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}
