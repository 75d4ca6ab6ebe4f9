//! `mirror merge`: join the JSON reports of a run's shards into the report of the whole run.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use mirror::report::{json, Report};
use mirror::task::CaseId;

use super::output::ReportArgs;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror test textstat --candidate my.wasm --shard 1/2 --json s1.json
  mirror test textstat --candidate my.wasm --shard 2/2 --json s2.json
  mirror merge s1.json s2.json --json all.json --junit all.xml
  mirror merge /reports --json all.json             (every *.json file in /reports)")]
pub struct MergeArgs {
    /// JSON reports written by `mirror test --json`, one per shard, or directories holding
    /// them (their `*.json` files, so that a fleet's reports merge with no shell glob)
    #[arg(required = true, value_name = "REPORT|DIR")]
    reports: Vec<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
}

pub fn merge(args: MergeArgs) -> Result<ExitCode> {
    let mut parts = Vec::new();
    for path in &report_files(&args.reports)? {
        let bytes = mirror::files::read_given(path).context("cannot read the report")?;
        let text =
            String::from_utf8(bytes).with_context(|| format!("{} is not a Mirror JSON report", path.display()))?;
        parts.push((path.display().to_string(), json::from_json(&text, &path.display().to_string())?));
    }
    let merged = join(parts)?;
    args.report.emit(&merged, None)?;
    Ok(args.report.exit_code(&merged))
}

/// `paths`, with each directory replaced by the `*.json` files in it, in name order.
fn report_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).with_context(|| format!("cannot read directory {}", path.display()))?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read directory {}", path.display()))?.path();
            if entry.is_file() && entry.extension().is_some_and(|ext| ext == "json") {
                found.push(entry);
            }
        }
        if found.is_empty() {
            bail!("{} holds no JSON report (*.json)", path.display());
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// One report from several of the same run: same task, candidate and reference, each case
/// once, and, when the parts are shards, every shard exactly once.
fn join(parts: Vec<(String, Report)>) -> Result<Report> {
    let (first_name, first) = &parts[0];
    for (name, part) in &parts[1..] {
        let same = (&part.task, &part.candidate_sha256, &part.reference_sha256, &part.compare)
            == (&first.task, &first.candidate_sha256, &first.reference_sha256, &first.compare);
        if !same {
            bail!("{name} is a run of another task, candidate, reference or comparison rules than {first_name}");
        }
    }
    let shards: Vec<_> = parts.iter().filter_map(|(name, part)| part.shard.map(|s| (name, s))).collect();
    if !shards.is_empty() {
        let count = shards[0].1.count;
        if shards.len() != parts.len() || shards.iter().any(|(_, s)| s.count != count) {
            bail!("the reports mix shards of different splits of the run (or shards and whole runs)");
        }
        for index in 1..=count {
            let holders: Vec<&String> =
                shards.iter().filter(|(_, s)| s.index == index).map(|(name, _)| *name).collect();
            match holders.len() {
                1 => {}
                0 => bail!("shard {index}/{count} is missing"),
                _ => bail!(
                    "shard {index}/{count} is given more than once: {}",
                    holders.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
                ),
            }
        }
    }
    let mut merged = Report {
        task: first.task.clone(),
        candidate: first.candidate.clone(),
        candidate_sha256: first.candidate_sha256.clone(),
        reference_sha256: first.reference_sha256.clone(),
        build_log: first.build_log.clone(),
        shard: None,
        compare: first.compare,
        cases: Vec::new(),
    };
    for (_, part) in parts {
        merged.cases.extend(part.cases);
    }
    merged.cases.sort_by(|a, b| a.order().cmp(&b.order()));
    if let Some(twice) = merged.cases.windows(2).find(|w| (w[0].split, &w[0].id) == (w[1].split, &w[1].id)) {
        bail!("case {} is in more than one report", twice[0].name());
    }
    Ok(merged)
}
