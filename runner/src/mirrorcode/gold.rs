//! MirrorCode's gold files: one JSON object per line, each a case and what the native
//! reference did on it.
//!
//! ```json
//! {"test_case": {"name": "case_07", "args": ["-n", "32", "data.bin"], "env": {"NO_COLOR": "1"},
//!                "stdin": "", "files": {"data.bin": {"format": "bytes_base64", "content": "AAEC"}},
//!                "labels": ["hidden"], "visible_duals": ["case_06"]},
//!  "stdout": "...", "stderr": "", "returncode": 0}
//! ```
//!
//! `name`, `args`, `stdout`, `stderr` and `returncode` are required; `env`, `stdin`, `files`,
//! `labels` and `visible_duals` may be missing or `null` (then empty). Any other field is an
//! error, so that nothing a row says is dropped unnoticed.

use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{fail, Result};

/// One row of a gold file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// The inputs.
    pub test_case: TestCase,
    /// What the native reference wrote, decoded as UTF-8 with replacement characters.
    pub stdout: String,
    /// What the program wrote to stderr.
    pub stderr: String,
    /// Its exit code as Python's `subprocess` gives it: negative for a signal.
    pub returncode: i64,
}

/// A row's case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// The case's name, unique within the file.
    pub name: String,
    /// The program's arguments, without `argv[0]`.
    pub args: Vec<String>,
    /// Variables set over the scorer's own environment.
    #[serde(default, deserialize_with = "null_is_empty")]
    pub env: BTreeMap<String, String>,
    /// What the program reads on stdin.
    #[serde(default, deserialize_with = "null_is_empty")]
    pub stdin: String,
    /// Files staged in the case's directory, by relative path.
    #[serde(default, deserialize_with = "null_is_empty")]
    pub files: BTreeMap<String, File>,
    /// `hidden` or `ablated` hold the case out; no label means visible.
    #[serde(default, deserialize_with = "null_is_empty")]
    pub labels: Vec<String>,
    /// For a held-out case: the names of the visible cases it is a dual of.
    #[serde(default, deserialize_with = "null_is_empty")]
    pub visible_duals: Vec<String>,
}

/// A staged file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// Which of the formats the file is in.
    pub format: FileFormat,
    /// The file's text.
    pub content: String,
}

/// How a staged file's content is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// Text.
    Str,
    /// Standard base64.
    BytesBase64,
    /// The recorder failed to capture the file; `content` says why.
    Error,
}

fn null_is_empty<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The rows of a gold file with their line numbers (from 1); blank lines are skipped. Every
/// line that is not a row is an error naming the file and the line; all are reported at once.
pub fn parse(text: &str, source: &str) -> Result<Vec<(usize, Row)>> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Row>(line) {
            Ok(row) => rows.push((index + 1, row)),
            Err(err) => problems.push(format!("{source} line {}: {err}", index + 1)),
        }
    }
    if !problems.is_empty() {
        fail!(Import, "{}", crate::report::listed(&problems, ""));
    }
    if rows.is_empty() {
        fail!(Import, "{source} holds no rows");
    }
    Ok(rows)
}

/// The rows as a gold file: one line each, spaced and escaped as Python's `json.dumps`
/// writes by default (`", "` and `": "`, non-ASCII as `\uXXXX`), so that a file MirrorCode
/// wrote that way comes back byte for byte.
pub fn to_text(rows: &[Row]) -> Result<String> {
    let mut out = Vec::new();
    for row in rows {
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonStyle);
        row.serialize(&mut serializer)?;
        out.push(b'\n');
    }
    Ok(String::from_utf8(out).expect("JSON written with ASCII escapes is ASCII"))
}

/// Python's `json.dumps` defaults: separators `", "` and `": "`, `ensure_ascii`.
struct PythonStyle;

impl serde_json::ser::Formatter for PythonStyle {
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.begin_array_value(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                writer.write_all(&[c as u8])?;
            } else {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = r#"{"test_case": {"name": "case_07", "args": ["-n", "32", "data.bin"], "env": {"NO_COLOR": "1"}, "stdin": "", "files": {"a.txt": {"format": "str", "content": "hi\n"}, "data.bin": {"format": "bytes_base64", "content": "AAEC"}}, "labels": ["hidden"], "visible_duals": ["case_06"]}, "stdout": "caf\u00e9 \ud83d\ude00 \u007f\t\"\\", "stderr": "", "returncode": -6}"#;

    #[test]
    fn reads_and_writes_rows_as_python_does() {
        let rows = parse(&format!("{ROW}\n\n"), "gold.jsonl").unwrap();
        assert_eq!(rows.len(), 1);
        let (line, row) = &rows[0];
        assert_eq!(*line, 1);
        assert_eq!(row.stdout, "café 😀 \u{7f}\t\"\\");
        assert_eq!(row.returncode, -6);
        assert_eq!(row.test_case.files["data.bin"].format, FileFormat::BytesBase64);
        assert_eq!(to_text(std::slice::from_ref(row)).unwrap(), format!("{ROW}\n"));
    }

    #[test]
    fn missing_optional_fields_are_empty_and_unknown_ones_refused() {
        let rows = parse(
            r#"{"test_case": {"name": "a", "args": [], "stdin": null}, "stdout": "", "stderr": "", "returncode": 0}"#,
            "g",
        )
        .unwrap();
        assert!(rows[0].1.test_case.env.is_empty() && rows[0].1.test_case.stdin.is_empty());
        let err = parse(
            "\n{\"test_case\": {\"name\": \"a\", \"args\": [], \"timeout\": 3}, \"stdout\": \"\", \"stderr\": \"\", \"returncode\": 0}",
            "g.jsonl",
        )
        .unwrap_err();
        let err = err.chain().to_string();
        assert!(err.contains("g.jsonl line 2: unknown field `timeout`"), "{err}");
    }
}
