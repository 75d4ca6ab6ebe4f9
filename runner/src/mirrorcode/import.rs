//! A gold file made into a task bundle: one case per row, MirrorCode's gold as the goldens
//! (or, with `record`, the WASI reference's behaviour), MirrorCode's comparison rules, and a
//! fuel budget derived from the reference.
//!
//! Rows are checked before anything is written, and every bad row is an error naming its
//! line: malformed JSON, a missing field, a file MirrorCode failed to capture (`error`), a
//! name used twice, a path that would leave the scratch directory, a dual that is not a
//! visible row. The bundle is assembled in a temporary directory beside the destination and
//! renamed into place only when it is whole.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use base64::Engine as _;

use super::gold::{self, FileFormat, Row};
use crate::error::{fail, Context, Result};
use crate::fidelity::{classify, Cause};
use crate::report::{CaseInfo, CaseReport, Report};
use crate::sandbox::Sandbox;
use crate::suite::{run_cases, Programs};
use crate::task::{
    base64_value, bytes_value, check_relative, held_out, key_value, valid_id, Case, CaseId, Golden, Origin, Split, Task,
};
use crate::verdict::Rules;

/// What to import, and how.
pub struct Options<'a> {
    /// The gold file.
    pub gold: &'a Path,
    /// The program's name, as the cases' command lines write it.
    pub program: &'a str,
    /// The task's name [default: the program's].
    pub name: Option<&'a str>,
    /// The WASI reference module.
    pub reference: &'a Path,
    /// The bundle to create; it must not exist.
    pub out: &'a Path,
    /// Record the goldens from the reference instead of taking the gold file's.
    pub record: bool,
    /// A fuel budget to use instead of the derived one.
    pub fuel: Option<u64>,
    /// Cases run at once while measuring.
    pub jobs: usize,
}

/// A bundle written, and how the WASI reference compares with the gold file.
pub struct Imported {
    /// The task, loaded from where it now is.
    pub task: Task,
    /// The reference scored against the gold file's rows under MirrorCode's rules.
    pub report: Report,
    /// The rows the reference does not reproduce, by cause, as `split/id`.
    pub causes: BTreeMap<Cause, Vec<String>>,
    /// The fuel budget it got, and why.
    pub budget: Budget,
}

/// The task's fuel budget and where it came from.
pub struct Budget {
    /// The budget.
    pub fuel: u64,
    /// The reference's costliest case that exited, and its fuel.
    pub costliest: Option<(String, u64)>,
    /// Whether the budget was given rather than derived.
    pub given: bool,
}

/// A row checked and given its case id and split.
struct Planned {
    line: usize,
    row: Row,
    id: String,
    split: Split,
    /// The ids of its duals.
    duals: Vec<String>,
}

/// Imports the gold file as a new task bundle.
pub fn import(sandbox: &Sandbox, options: &Options) -> Result<Imported> {
    let source = options.gold.display().to_string();
    let text = std::fs::read_to_string(options.gold).with_context(|| format!("cannot read {source}"))?;
    let file_name = options.gold.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(source.clone());
    let planned = plan(gold::parse(&text, &source)?, &source)?;
    if options.out.exists() {
        fail!(Import, "{} exists; import writes a new task directory", options.out.display());
    }
    let parent = match options.out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let staging = tempfile::Builder::new()
        .prefix(".mirror-import-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a directory in {}", parent.display()))?;
    let dir = staging.path();

    let program = crate::suite::load_module(&sandbox, options.reference).context("the WASI reference")?;
    std::fs::copy(options.reference, dir.join("reference.wasm"))
        .with_context(|| format!("cannot copy {}", options.reference.display()))?;
    let name = options.name.unwrap_or(options.program);
    let measuring = options.fuel.unwrap_or(super::MEASURING_FUEL);
    let header =
        TaskHeader { name, program: options.program, sha256: program.sha256(), file: &file_name, rows: planned.len() };
    let staged_task = Task::parse(&header.toml(measuring, None, options.record), dir).context("the task to import")?;

    // Every case is parsed in memory first, so that a bad one names its line.
    let mut cases = Vec::with_capacity(planned.len());
    for plan in &planned {
        let text = case_toml(plan, options.program, &file_name);
        let path = dir.join("tests").join(plan.split.name()).join(format!("{}.toml", plan.id));
        let case = Case::parse(&text, plan.id.clone(), plan.split, &staged_task)
            .with_context(|| format!("{source} line {} ({})", plan.line, plan.row.test_case.name))?;
        std::fs::create_dir_all(path.parent().expect("a split directory"))?;
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        cases.push(Case { path, ..case });
    }

    let programs = Programs::for_cases(sandbox, &staged_task, &program)?;
    let outcomes = run_cases(sandbox, &programs, &cases, options.jobs)?;

    let imported: Vec<Golden> = planned
        .iter()
        .zip(&cases)
        .zip(&outcomes)
        .map(|((plan, case), outcome)| gold_golden(plan, case, outcome.fuel, &file_name))
        .collect();
    let goldens = if options.record {
        let mut recorded = Vec::new();
        let mut refused = Vec::new();
        for (case, outcome) in cases.iter().zip(&outcomes) {
            match Golden::from_outcome(case, outcome.clone()) {
                Ok(golden) => recorded.push(golden),
                Err(err) => refused.push(err.chain().to_string()),
            }
        }
        if !refused.is_empty() {
            fail!(
                Import,
                "--record: no golden can be recorded for every case:\n{}",
                crate::report::listed(&refused, "")
            );
        }
        recorded
    } else {
        imported.clone()
    };

    let costliest = cases
        .iter()
        .zip(&outcomes)
        .filter(|(_, outcome)| outcome.termination.exit_status().is_some())
        .max_by_key(|(case, outcome)| (outcome.fuel, std::cmp::Reverse(case.name())))
        .map(|(case, outcome)| (case.name(), outcome.fuel));
    let budget = match options.fuel {
        Some(fuel) => Budget { fuel, costliest, given: true },
        None => Budget { fuel: super::fuel_budget(costliest.as_ref().map_or(0, |c| c.1)), costliest, given: false },
    };

    let mut reports = Vec::with_capacity(cases.len());
    let mut causes: BTreeMap<Cause, Vec<String>> = BTreeMap::new();
    for ((case, outcome), expected) in cases.iter().zip(outcomes).zip(imported) {
        if let Some(cause) = classify(&expected, &outcome, &Rules::MIRRORCODE, options.program) {
            causes.entry(cause).or_default().push(case.name());
        }
        reports.push(CaseReport::new(CaseInfo::of(case), outcome, expected, &Rules::MIRRORCODE, true));
    }
    for (case, golden) in cases.iter().zip(&goldens) {
        let path = case.golden_path();
        std::fs::write(&path, golden.to_toml(case, program.sha256()))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let task_toml = header.toml(budget.fuel, Some(&budget), options.record);
    std::fs::write(dir.join("task.toml"), task_toml).context("cannot write task.toml")?;
    Task::load(dir)?.cases(&Split::ALL).context("the imported bundle does not load back")?;

    let staged = staging.keep();
    if let Err(err) = std::fs::rename(&staged, options.out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(err).with_context(|| format!("cannot create {}", options.out.display()));
    }
    let task = Task::load(options.out)?;
    // The report names the cases where they now are.
    for report in &mut reports {
        report.file = task.split_dir(report.split).join(format!("{}.toml", report.id)).display().to_string();
    }
    let report = Report {
        task: task.name.clone(),
        candidate: options.reference.display().to_string(),
        candidate_sha256: program.sha256().to_string(),
        reference_sha256: program.sha256().to_string(),
        build_log: None,
        shard: None,
        compare: Rules::MIRRORCODE,
        cases: reports,
    };
    Ok(Imported { task, report, causes, budget })
}

/// Checks every row and gives each its id, split and duals; every problem names its line.
fn plan(rows: Vec<(usize, Row)>, source: &str) -> Result<Vec<Planned>> {
    let mut problems = Vec::new();
    let mut lines_by_name: HashMap<&str, usize> = HashMap::new();
    for (line, row) in &rows {
        let name = row.test_case.name.as_str();
        if let Some(first) = lines_by_name.insert(name, *line) {
            problems.push(format!("{source} line {line}: the name {name:?} is used twice (first on line {first})"));
            lines_by_name.insert(name, first);
        }
        for problem in row_problems(row) {
            problems.push(format!("{source} line {line} ({name}): {problem}"));
        }
    }
    let split_of = |row: &Row| if held_out(&row.test_case.labels) { Split::Hidden } else { Split::Visible };
    let visible: HashSet<&str> = rows
        .iter()
        .filter(|(_, row)| split_of(row) == Split::Visible)
        .map(|(_, row)| row.test_case.name.as_str())
        .collect();
    for (line, row) in &rows {
        for dual in &row.test_case.visible_duals {
            if !visible.contains(dual.as_str()) {
                problems.push(format!(
                    "{source} line {line} ({}): visible_duals names {dual:?}, which is not a visible row",
                    row.test_case.name
                ));
            }
        }
    }
    if !problems.is_empty() {
        fail!(Import, "nothing imported:\n{}", crate::report::listed(&problems, ""));
    }
    let ids = case_ids(rows.iter().map(|(_, row)| row.test_case.name.as_str()));
    let id_of: HashMap<&str, &String> = rows.iter().map(|(_, row)| row.test_case.name.as_str()).zip(&ids).collect();
    let planned = rows
        .iter()
        .zip(&ids)
        .map(|((line, row), id)| Planned {
            line: *line,
            id: id.clone(),
            split: split_of(row),
            duals: row.test_case.visible_duals.iter().map(|dual| id_of[dual.as_str()].clone()).collect(),
            row: row.clone(),
        })
        .collect();
    Ok(planned)
}

/// What is wrong with one row by itself.
fn row_problems(row: &Row) -> Vec<String> {
    let case = &row.test_case;
    let mut problems = Vec::new();
    if case.name.is_empty() {
        problems.push("the name is empty".to_string());
    }
    if case.args.iter().any(|arg| arg.contains('\0')) {
        problems.push("an argument holds a NUL byte, which no program can receive".into());
    }
    if let Err(err) = crate::task::check_env(&case.env) {
        problems.push(format!("env: {err}"));
    }
    for (path, file) in &case.files {
        if file.format == FileFormat::Error {
            problems.push(format!("file {path:?} was not captured when the gold file was made: {}", file.content));
        }
        if file.format == FileFormat::BytesBase64
            && base64::engine::general_purpose::STANDARD.decode(file.content.trim()).is_err()
        {
            problems.push(format!("file {path:?}: its content is not base64"));
        }
        if let Err(err) = check_relative(path) {
            problems.push(format!("{err}: it would leave the case's directory or cannot be created there"));
        }
        if let Some(parent) = case.files.keys().find(|other| path.starts_with(&format!("{other}/"))) {
            problems.push(format!("file {path:?} lies under {parent:?}, which is a file"));
        }
    }
    if !case.visible_duals.is_empty() && !held_out(&case.labels) {
        problems.push("visible_duals on a visible row: only held-out rows have duals".into());
    }
    problems
}

/// Case ids for `names`, in order: each name with every character other than letters,
/// digits, `-`, `_` and `.` made `_` (and a leading `.` too), then, where two ids would be
/// equal ignoring case (which some file systems cannot tell apart), `-2`, `-3` ... after the
/// later ones. The same names always give the same ids.
fn case_ids<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut ids = Vec::new();
    for name in names {
        let mut base: String = name
            .chars()
            .enumerate()
            .map(|(i, c)| if c.is_ascii_alphanumeric() || "-_".contains(c) || (c == '.' && i > 0) { c } else { '_' })
            .take(100)
            .collect();
        if base.is_empty() || base.ends_with(".golden") {
            base.push('_');
        }
        let mut id = base.clone();
        let mut n = 1;
        while !taken.insert(id.to_ascii_lowercase()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        debug_assert!(valid_id(&id));
        ids.push(id);
    }
    ids
}

/// The golden the gold file gives a case: its stdout, stderr and exit code, no file
/// changes (MirrorCode compares none), the reference's fuel, and where it came from.
fn gold_golden(plan: &Planned, case: &Case, fuel: u64, file: &str) -> Golden {
    let code = plan.row.returncode;
    let (status, returncode) = match u32::try_from(code) {
        Ok(status) => (status, None),
        Err(_) => (code.rem_euclid(256) as u32, Some(code)),
    };
    Golden {
        inputs_sha256: case.inputs_sha256.clone(),
        fuel,
        status,
        stdout: plan.row.stdout.clone().into_bytes(),
        stderr: plan.row.stderr.clone().into_bytes(),
        files: Default::default(),
        origin: Some(Origin {
            format: "mirrorcode".into(),
            file: file.to_string(),
            line: plan.line as u64,
            returncode,
        }),
    }
}

/// A row as a case file of `program`.
fn case_toml(plan: &Planned, program: &str, file: &str) -> String {
    let case = &plan.row.test_case;
    let mut out = format!("# Imported from {file} line {}.\n", plan.line);
    let _ = writeln!(out, "cmd = {}", key_value(&crate::shell::command_line(program, &case.args)));
    if !case.stdin.is_empty() {
        let _ = writeln!(out, "stdin = {}", bytes_value(case.stdin.as_bytes()));
    }
    if !plan.duals.is_empty() {
        let duals: Vec<String> = plan.duals.iter().map(|d| key_value(d)).collect();
        let _ = writeln!(out, "duals = [{}]", duals.join(", "));
    }
    if !case.env.is_empty() {
        out.push_str("\n[env]\n");
        for (key, value) in &case.env {
            let _ = writeln!(out, "{} = {}", key_value(key), key_value(value));
        }
    }
    if !case.files.is_empty() {
        out.push_str("\n[files]\n");
        for (path, file) in &case.files {
            let value = match file.format {
                FileFormat::Str => bytes_value(file.content.as_bytes()),
                // Checked as base64 when the row was planned; errors were refused.
                _ => base64_value(
                    &base64::engine::general_purpose::STANDARD.decode(file.content.trim()).unwrap_or_default(),
                ),
            };
            let _ = writeln!(out, "{} = {value}", key_value(path));
        }
    }
    out.push_str("\n[mirrorcode]\n");
    let _ = writeln!(out, "name = {}", key_value(&case.name));
    let labels: Vec<String> = case.labels.iter().map(|l| key_value(l)).collect();
    let _ = writeln!(out, "labels = [{}]", labels.join(", "));
    let _ = writeln!(out, "line = {}", plan.line);
    out
}

/// What the task file says besides its fuel.
struct TaskHeader<'a> {
    name: &'a str,
    program: &'a str,
    sha256: &'a str,
    file: &'a str,
    rows: usize,
}

impl TaskHeader<'_> {
    fn toml(&self, fuel: u64, budget: Option<&Budget>, recorded: bool) -> String {
        let goldens = if recorded {
            "recorded from the WASI reference (--record)"
        } else {
            "MirrorCode's gold outputs, the source of truth"
        };
        let mut out = format!(
            "# Imported by `mirror import mirrorcode` from {file} ({rows} rows).\n# The goldens are {goldens}.\n",
            file = self.file,
            rows = self.rows
        );
        let _ = writeln!(out, "name = {}", key_value(self.name));
        let _ = writeln!(out, "program = {}", key_value(self.program));
        let description = format!("{}, imported from MirrorCode's gold file {}", self.program, self.file);
        let _ = writeln!(out, "description = {}\n", key_value(&description));
        out.push_str("[reference]\nmodule = \"reference.wasm\"\n");
        let _ = writeln!(out, "sha256 = \"{}\"", self.sha256);
        out.push_str("source = \"the WASI reference given to `mirror import mirrorcode`\"\n\n");
        out.push_str(
            "# MirrorCode's scoring rules.\n[compare]\ntrailing_newline = \"one\"\nstatus = \"mod256\"\n\
             decode = \"utf8-lossy\"\nfiles = \"ignore\"\n\n[limits]\n",
        );
        match budget {
            Some(Budget { given: true, .. }) => out.push_str("# Given to `mirror import mirrorcode --fuel`.\n"),
            Some(Budget { costliest, .. }) => {
                let costliest = match costliest {
                    Some((case, fuel)) => format!("{case}, {fuel} fuel"),
                    None => "no case exited".into(),
                };
                let _ = writeln!(
                    out,
                    "# MirrorCode's 2 s timeout as a deterministic budget: {} times the reference's fuel on its\n\
                     # costliest case ({costliest}), rounded up to two significant digits, at least {}.",
                    super::FUEL_HEADROOM,
                    super::FUEL_FLOOR
                );
            }
            None => {}
        }
        let _ = writeln!(out, "fuel = {fuel}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_stable_and_unique_ignoring_case() {
        let names = ["case_07", "case 07", "Case_07", "../x", ".hidden", "", "a.golden", "ünï", "case_07-2"];
        let ids = case_ids(names.iter().copied());
        assert_eq!(
            ids,
            ["case_07", "case_07-2", "Case_07-3", "_._x", "_hidden", "_", "a.golden_", "_n_", "case_07-2-2"]
        );
        assert!(ids.iter().all(|id| valid_id(id)));
        assert_eq!(case_ids(names.iter().copied()), ids);
    }
}
