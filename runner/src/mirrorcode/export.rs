//! A Mirror task as a MirrorCode gold file, so that it runs in MirrorCode's own harness.
//!
//! MirrorCode runs one command line of the program with arguments, env, stdin and staged
//! files, and compares stdout, stderr and the exit code. A case that needs more (a pipe, a
//! sequence, a redirect, a guest tool, binary stdin, or a check of the files it writes) is
//! skipped and listed. A case imported from a gold file gives back its row: name, labels,
//! duals and exit code as the file had them, rows in the file's order.

use std::collections::{BTreeMap, HashMap, HashSet};

use base64::Engine as _;

use super::gold::{File, FileFormat, Row, TestCase};
use crate::error::{fail, Error, Result};
use crate::task::{Case, CaseId, Golden, GoldenStatus, Split, Task};
use crate::verdict::FilesRule;

/// The rows of a task, and the cases left out.
pub struct Exported {
    /// The rows, imported ones in their file's order first.
    pub rows: Vec<Row>,
    /// `split/id` and why MirrorCode cannot express the case.
    pub skipped: Vec<(String, String)>,
}

/// Exports every case of `task` that MirrorCode can express; every golden must be there and
/// up to date.
pub fn export(task: &Task) -> Result<Exported> {
    let cases = task.cases(&Split::ALL)?;
    let names: HashMap<&str, &str> = cases.iter().map(|case| (case.id.as_str(), row_name(case))).collect();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for case in &cases {
        let golden = GoldenStatus::of(task, case)?
            .into_current(case)
            .map_err(|problem| Error::Import(format!("{problem}; run `mirror record {}`", task.name)))?;
        match row(task, case, &golden, &names) {
            Ok(row) => rows.push((case.mirrorcode.as_ref().and_then(|m| m.line), row)),
            Err(reason) => skipped.push((case.name(), reason)),
        }
    }
    let mut seen = HashSet::new();
    for (_, row) in &rows {
        if !seen.insert(row.test_case.name.as_str()) {
            fail!(Import, "two cases would share the row name {:?}", row.test_case.name);
        }
    }
    // Imported rows in their file's order, then the others in split and id order.
    rows.sort_by_key(|(line, _)| line.map_or((1, 0), |line| (0, line)));
    Ok(Exported { rows: rows.into_iter().map(|(_, row)| row).collect(), skipped })
}

/// The name a case has in a gold file.
fn row_name(case: &Case) -> &str {
    case.mirrorcode.as_ref().map_or(case.id.as_str(), |m| m.name.as_str())
}

/// The case as a row, or why it cannot be one.
fn row(task: &Task, case: &Case, golden: &Golden, names: &HashMap<&str, &str>) -> Result<Row, String> {
    let script = &case.script;
    if !script.rest.is_empty() || script.first.commands.len() != 1 {
        return Err("a pipe or a sequence: MirrorCode runs one command".into());
    }
    let command = &script.first.commands[0];
    if command.program() != task.program {
        return Err(format!("runs the guest tool `{}`, not the program", command.program()));
    }
    if !command.redirects.is_empty() {
        return Err("a redirect: MirrorCode runs the program without a shell".into());
    }
    let stdin = String::from_utf8(case.stdin.clone()).map_err(|_| "stdin is not UTF-8, and MirrorCode's is text")?;
    if !golden.files.is_empty() && task.compare.files == FilesRule::Compare {
        return Err("its golden checks the files the program writes; MirrorCode compares none".into());
    }
    let files = case
        .files
        .iter()
        .map(|(path, bytes)| {
            let file = match std::str::from_utf8(bytes) {
                Ok(text) if !case.base64_files.contains(path) => File { format: FileFormat::Str, content: text.into() },
                _ => File {
                    format: FileFormat::BytesBase64,
                    content: base64::engine::general_purpose::STANDARD.encode(bytes),
                },
            };
            (path.clone(), file)
        })
        .collect();
    let labels = match (&case.mirrorcode, case.split) {
        (Some(row), _) => row.labels.clone(),
        (None, Split::Hidden) => vec!["hidden".to_string()],
        (None, Split::Visible) => Vec::new(),
    };
    Ok(Row {
        test_case: TestCase {
            name: row_name(case).to_string(),
            args: command.words[1..].to_vec(),
            env: case.env.iter().cloned().collect::<BTreeMap<_, _>>(),
            stdin,
            files,
            labels,
            visible_duals: case
                .duals
                .iter()
                .map(|id| names.get(id.as_str()).map_or(id.clone(), |n| n.to_string()))
                .collect(),
        },
        stdout: String::from_utf8_lossy(&golden.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&golden.stderr).into_owned(),
        returncode: golden.origin.as_ref().and_then(|o| o.returncode).unwrap_or(i64::from(golden.status)),
    })
}
