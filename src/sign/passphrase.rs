//! Where a key's passphrase comes from: `QUALIFY_KEY_PASSPHRASE` for CI and scripts, else a
//! prompt on the terminal (never echoed, never read from standard input, so that a piped command
//! cannot feed it by accident).

use zeroize::Zeroizing;

use super::error::SignError;

/// Environment variable holding the passphrase for non-interactive use.
pub const PASSPHRASE_ENV: &str = "QUALIFY_KEY_PASSPHRASE";

/// Shortest passphrase accepted for a new key.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The passphrase to unlock an existing key.
pub fn passphrase_for(prompt: &str) -> Result<Zeroizing<String>, SignError> {
    if let Ok(value) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(value));
    }
    read_tty(prompt)
}

/// The passphrase for a new key: from the environment, or typed twice on the terminal. Refuses
/// passphrases shorter than [`MIN_PASSPHRASE_CHARS`].
pub fn new_passphrase() -> Result<Zeroizing<String>, SignError> {
    let passphrase = match std::env::var(PASSPHRASE_ENV) {
        Ok(value) => Zeroizing::new(value),
        Err(_) => {
            let first = read_tty("Passphrase for the new key: ")?;
            let second = read_tty("Same passphrase again: ")?;
            if *first != *second {
                return Err(SignError::PassphraseMismatch);
            }
            first
        }
    };
    check_new(&passphrase)?;
    Ok(passphrase)
}

fn check_new(passphrase: &str) -> Result<(), SignError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(SignError::WeakPassphrase(format!(
            "the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters: the key file \
             and its passphrase are the two components of the signature"
        )));
    }
    Ok(())
}

fn read_tty(prompt: &str) -> Result<Zeroizing<String>, SignError> {
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|source| SignError::NoPassphrase { source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passphrases_are_refused() {
        assert!(check_new("1234567").is_err());
        assert!(check_new("12345678").is_ok());
        // Characters, not bytes.
        assert!(check_new("ééééééé").is_err());
    }
}
