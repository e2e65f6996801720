//! RFC 3161 time-stamp tokens from a plant's time-stamping authority (TSA): an outside clock that
//! proves a signature existed at the TSA's `genTime`.
//!
//! - [`request`]: `qualify sign --tsa URL` asks the TSA for a token over the envelope's signature
//!   bytes and checks the answer before anything is written;
//! - [`token`]: a stored token parsed (CMS SignedData around a TSTInfo);
//! - [`verify`]: `qualify verify` checks a token against the envelope and a trusted TSA CA.
//!
//! Tokens are stored beside their envelope (`signatures/NN-meaning-id.tsr`), see [`token_path`].

mod asn1;
mod chain;
mod crypto;
mod error;
mod request;
mod token;
mod verify;

pub use error::TsaError;
pub use request::{imprint_of, request_token};
pub use token::{Token, parse_token};
pub use verify::{StampedTime, TsaTrust, verify_token};

/// The file name extension of a stored token.
pub const TOKEN_EXTENSION: &str = "tsr";

/// The package-relative path of the token that belongs to the envelope at `envelope_path`.
pub fn token_path(envelope_path: &str) -> String {
    let stem = envelope_path
        .strip_suffix(".dsse.json")
        .or_else(|| envelope_path.strip_suffix(".json"))
        .unwrap_or(envelope_path);
    format!("{stem}.{TOKEN_EXTENSION}")
}

/// Whether a package-relative path names a stored token.
pub fn is_token_path(path: &str) -> bool {
    path.ends_with(&format!(".{TOKEN_EXTENSION}"))
}
