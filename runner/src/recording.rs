//! Recording: the reference run over every case through the [engine](crate::engine), and
//! what that means for each golden, decided before any file is written.
//!
//! Cases are read as they run, on up to `-j` threads. What is kept is what a recording must
//! act on or report: the text of each golden that changes, the problems `--check` reports,
//! and the imported goldens' stories. A suite whose goldens all hold keeps almost nothing.

use std::path::PathBuf;

use crate::engine::{each_case, InSandbox, Needs, Ran};
use crate::error::{fail, Context, Error, Result};
use crate::sandbox::{Program, Sandbox};
use crate::suite::Programs;
use crate::task::{golden_id, CaseFile, CaseId, Golden, GoldenStatus, Split, Task};
use crate::verdict::{differing, judge};

/// A golden file whose text changes.
#[derive(Clone, Debug)]
pub struct Change {
    /// `split/id` of its case.
    pub case: String,
    /// The golden file.
    pub path: PathBuf,
    /// Its text before; `None` when there was no file.
    pub old: Option<String>,
    /// Its text now.
    pub text: String,
}

/// What the reference did to the imported goldens, which it never replaces.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    /// How many cases have an imported golden.
    pub count: usize,
    /// Imported goldens recorded for other inputs: the case changed since the import.
    pub stale: Vec<String>,
    /// Cases on which the reference does not reproduce the imported golden under the task's
    /// rules, described.
    pub unlike: Vec<String>,
}

/// A recording, decided: nothing written yet.
#[derive(Clone, Debug, Default)]
pub struct Recording {
    /// Goldens recorded from the reference (imported ones aside).
    pub recorded: usize,
    /// The goldens whose file text changes, in case order.
    pub changes: Vec<Change>,
    /// Where a recorded golden differs from the file there, for `--check`: missing, other
    /// behaviour, or recorded for other inputs.
    pub problems: Vec<String>,
    /// The imported goldens.
    pub imported: Imported,
    /// Golden files beside the cases whose id no case has, sorted.
    pub orphans: Vec<PathBuf>,
}

impl Recording {
    /// An error when some imported golden is stale: it is kept, never re-recorded.
    pub fn refuse_stale_imports(&self) -> Result<()> {
        if !self.imported.stale.is_empty() {
            fail!(
                Recording,
                "imported goldens are kept, never re-recorded; import the gold file again, or delete these goldens to record them from the reference:\n  {}",
                self.imported.stale.join("\n  ")
            );
        }
        Ok(())
    }
}

/// Runs `reference` over every case of `task` on up to `jobs` threads and decides what
/// becomes of each golden. Fails, writing nothing, when the reference gives no golden for
/// some case (it trapped or hit a limit), naming every such case.
pub fn record_goldens(sandbox: &Sandbox, task: &Task, reference: &Program, jobs: usize) -> Result<Recording> {
    let files = task.case_files(&Split::ALL)?;
    let visible: std::collections::HashSet<&str> =
        files.iter().filter(|c| c.split == Split::Visible).map(|c| c.id.as_str()).collect();
    let programs = Programs::for_cases(sandbox, task, reference)?;
    let mut recording = Recording::default();
    let mut refused = Vec::new();
    let runner = InSandbox { sandbox, programs: &programs };
    each_case(task, &files, jobs, &runner, Needs::AnyGolden, |ran| {
        crate::task::check_duals(&ran.case, &visible)?;
        recording.take(task, ran, reference.sha256(), &mut refused)
    })?;
    if !refused.is_empty() {
        fail!(Recording, "no golden written:\n  {}", refused.join("\n  "));
    }
    recording.orphans = orphan_goldens(task, &files)?;
    Ok(recording)
}

impl Recording {
    /// Takes one case's run; a golden the reference cannot give is added to `refused`.
    fn take(&mut self, task: &Task, ran: Ran, reference_sha256: &str, refused: &mut Vec<String>) -> Result<()> {
        let Ran { case, golden: status, outcome } = ran;
        let outcome = outcome.ok_or_else(|| Error::Recording("every case runs when recording".into()))?;
        if let Some(old) = status.golden().filter(|old| old.origin.is_some()) {
            self.imported.count += 1;
            let origin = old.origin.as_ref().map(|o| o.describe()).unwrap_or_default();
            if matches!(status, GoldenStatus::Stale(_)) {
                self.imported.stale.push(format!(
                    "{}: its golden, imported from {origin}, is stale (the case changed since)",
                    case.name()
                ));
            }
            if !judge(old, &outcome, &task.compare).verdict.passed() {
                self.imported.unlike.push(format!(
                    "{}: the reference does not reproduce its golden, imported from {origin}",
                    case.name()
                ));
            }
            return Ok(());
        }
        let golden = match Golden::from_outcome(&case, outcome) {
            Ok(golden) => golden,
            Err(err) => {
                refused.push(err.chain().to_string());
                return Ok(());
            }
        };
        self.recorded += 1;
        let problem = match status {
            GoldenStatus::Stale(ref old) | GoldenStatus::Current(ref old) if !old.same_behaviour(&golden) => {
                Some(format!("{}: {}", case.name(), differences(old, &golden)))
            }
            status => status.into_current(&case).err(),
        };
        self.problems.extend(problem);
        let path = case.golden_path();
        let text = golden.to_toml(&case, reference_sha256);
        let old = match task.read_text(&path) {
            Ok(old) => Some(old),
            Err(err) if err.is_not_found() => None,
            Err(err) => return Err(err).context("cannot read golden"),
        };
        if old.as_deref() != Some(text.as_str()) {
            self.changes.push(Change { case: case.name(), path, old, text });
        }
        Ok(())
    }
}

/// Which parts of the behaviour differ between two goldens.
fn differences(old: &Golden, new: &Golden) -> String {
    let parts: Vec<&str> =
        differing(old, new.status, &new.stdout, &new.stderr, &new.files).iter().map(|aspect| aspect.name()).collect();
    format!("{} differ{}", parts.join(", "), if parts.len() == 1 { "s" } else { "" })
}

/// Golden files beside the cases whose id no case has.
fn orphan_goldens(task: &Task, cases: &[CaseFile]) -> Result<Vec<PathBuf>> {
    let mut orphans = Vec::new();
    for split in Split::ALL {
        let dir = task.split_dir(split);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.with_context(|| format!("cannot list {}", dir.display()))?.path();
            let Some(id) = path.file_name().and_then(|n| n.to_str()).and_then(golden_id) else { continue };
            if !cases.iter().any(|case| case.split == split && case.id == id) {
                orphans.push(path);
            }
        }
    }
    orphans.sort();
    Ok(orphans)
}
