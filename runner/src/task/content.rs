//! How bytes are written in task files: readable text where possible, base64 where not.
//!
//! In a case or golden file a value is either a TOML string (UTF-8 text, byte for byte) or a
//! one-key table: `{ base64 = "..." }` for other bytes, `{ fixture = "name" }` for a file
//! under the task's `fixtures/`, `{ symlink = "target" }` or `{ directory = true }` for what
//! a program left in its scratch directory.

use base64::Engine as _;
use serde::Deserialize;

use crate::outcome::Entry;

/// One value as written in a task file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "toml::Value")]
pub enum Spec {
    /// A TOML string: text.
    Bytes(Vec<u8>),
    /// `{ base64 = "..." }`: bytes written as binary, whether or not they are UTF-8.
    Base64(Vec<u8>),
    /// `{ fixture = "NAME" }`: a file under the task's fixtures/.
    Fixture(String),
    /// `{ symlink = "TARGET" }`.
    Symlink(String),
    /// `{ directory = true }`: an empty directory.
    Directory,
}

impl TryFrom<toml::Value> for Spec {
    type Error = String;

    fn try_from(value: toml::Value) -> Result<Self, String> {
        const EXPECTED: &str =
            "expected a string, or a table with one of `base64`, `fixture`, `symlink` or `directory`";
        let table = match value {
            toml::Value::String(text) => return Ok(Spec::Bytes(text.into_bytes())),
            toml::Value::Table(table) if table.len() == 1 => table,
            _ => return Err(EXPECTED.into()),
        };
        let (key, value) = table.into_iter().next().expect("one entry");
        match (key.as_str(), value) {
            ("base64", toml::Value::String(text)) => base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map(Spec::Base64)
                .map_err(|err| format!("invalid base64: {err}")),
            ("fixture", toml::Value::String(name)) => Ok(Spec::Fixture(name)),
            ("symlink", toml::Value::String(target)) => Ok(Spec::Symlink(target)),
            ("directory", toml::Value::Boolean(true)) => Ok(Spec::Directory),
            _ => Err(EXPECTED.into()),
        }
    }
}

/// `bytes` as a TOML value: a string when they are UTF-8, else `{ base64 = "..." }`.
pub fn bytes_value(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => string_value(text),
        Err(_) => base64_value(bytes),
    }
}

/// `bytes` as `{ base64 = "..." }`, for bytes that are binary by intent even when UTF-8.
pub fn base64_value(bytes: &[u8]) -> String {
    format!("{{ base64 = \"{}\" }}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

impl Spec {
    /// The bytes of a string or `{ base64 = ... }` value; `None` for the other kinds.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Spec::Bytes(bytes) | Spec::Base64(bytes) => Some(bytes),
            _ => None,
        }
    }
}

/// An entry left in a scratch directory, as a TOML value.
pub fn entry_value(entry: &Entry) -> String {
    match entry {
        Entry::File(bytes) => bytes_value(bytes),
        Entry::Symlink(target) => format!("{{ symlink = {} }}", key_value(target)),
        Entry::Directory => "{ directory = true }".into(),
    }
}

/// A TOML string holding exactly `text`: multi-line when it has line breaks, so that goldens
/// read and diff like the output they hold.
pub fn string_value(text: &str) -> String {
    quoted(text, text.contains('\n'))
}

/// A one-line TOML string holding exactly `text`, as keys and array items need.
pub fn key_value(text: &str) -> String {
    quoted(text, false)
}

fn quoted(text: &str, multiline: bool) -> String {
    let mut out = String::from(if multiline { "\"\"\"\n" } else { "\"" });
    for c in text.chars() {
        match c {
            '\n' if multiline => out.push('\n'),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push('\t'),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        v: Spec,
    }

    fn round_trip(bytes: &[u8]) -> Vec<u8> {
        let text = format!("v = {}\n", bytes_value(bytes));
        let spec = toml::from_str::<Holder>(&text).unwrap_or_else(|err| panic!("{text}: {err}")).v;
        spec.bytes().unwrap_or_else(|| panic!("{spec:?}")).to_vec()
    }

    #[test]
    fn bytes_round_trip_exactly() {
        let cases: &[&[u8]] = &[
            b"",
            b"plain",
            b"line\n",
            b"\n\nstarts with newlines\n",
            b"no trailing newline\nhere",
            b"quotes \"\"\" and ''' and \\ backslash\\\n",
            b"ends with quote\"",
            b"ends with quotes\"\"\n\"\"",
            b"crlf\r\nline\r\n",
            b"\x1b[31mcolour\x1b[0m\x00nul\x7f",
            "unicode: ünïcødé ✓ \u{2028}\n".as_bytes(),
            b"\xff\xfe not utf-8 \x80",
            b"trailing spaces   \n\t\n",
        ];
        for bytes in cases {
            assert_eq!(round_trip(bytes), *bytes, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn every_byte_value_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(round_trip(&all), all);
        let text: String = (0u32..0x250).filter_map(char::from_u32).collect();
        assert_eq!(round_trip(text.as_bytes()), text.as_bytes());
    }

    #[test]
    fn reads_tables_and_refuses_others() {
        let spec = |text: &str| toml::from_str::<Holder>(text).map(|h| h.v);
        assert_eq!(spec("v = { fixture = \"a.txt\" }").unwrap(), Spec::Fixture("a.txt".into()));
        assert_eq!(spec("v = { base64 = \"AAE=\" }").unwrap(), Spec::Base64(vec![0, 1]));
        assert_eq!(spec("v = { directory = true }").unwrap(), Spec::Directory);
        assert!(spec("v = 3").unwrap_err().to_string().contains("expected a string"));
        assert!(spec("v = { base64 = \"***\" }").unwrap_err().to_string().contains("invalid base64"));
        assert!(spec("v = { fixture = \"a\", base64 = \"\" }").is_err());
    }
}
