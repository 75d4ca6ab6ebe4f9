//! SHA-256 as Mirror uses it: lowercase hex, and [`Fields`], the length-prefixed hashing
//! behind case inputs, case and report digests and build-source hashes, so that no two
//! different sequences of fields hash alike.

use sha2::{Digest, Sha256};

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

/// A SHA-256 over a sequence of fields, each preceded by its length as 8 little-endian
/// bytes.
#[derive(Clone, Default)]
pub struct Fields(Sha256);

impl Fields {
    /// No field yet.
    pub fn new() -> Self {
        Fields::default()
    }

    /// Adds one field.
    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a count (of the fields that follow, say) as a field of 8 little-endian bytes.
    pub fn count(&mut self, count: u64) -> &mut Self {
        self.field(&count.to_le_bytes())
    }

    /// Adds bytes as they are, without a length: a fixed-size digest, say.
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(bytes);
        self
    }

    /// The digest.
    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }

    /// The digest as lowercase hex.
    pub fn finish_hex(self) -> String {
        hex(&self.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_length_prefixed() {
        let digest = |fields: &[&[u8]]| {
            let mut hasher = Fields::new();
            fields.iter().for_each(|field| {
                hasher.field(field);
            });
            hasher.finish()
        };
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        let mut by_hand = Sha256::new();
        by_hand.update(2u64.to_le_bytes());
        by_hand.update(b"ab");
        assert_eq!(digest(&[b"ab"]), <[u8; 32]>::from(by_hand.finalize()));
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
