//! `mirror list` and `mirror show`.

use std::process::ExitCode;

use anyhow::Result;
use mirror::task::{all_tasks, Golden, Split, Task};

pub fn list() -> Result<ExitCode> {
    for task in all_tasks()? {
        let counts = case_counts(&task)?;
        println!("{}\t{}\t{}", task.name, counts, task.description);
    }
    Ok(ExitCode::SUCCESS)
}

fn case_counts(task: &Task) -> Result<String> {
    let cases = task.cases(&Split::ALL)?;
    let count = |split| cases.iter().filter(|c| c.split == split).count();
    Ok(format!("{} visible, {} hidden", count(Split::Visible), count(Split::Hidden)))
}

pub fn show(spec: &str) -> Result<ExitCode> {
    let task = Task::find(spec)?;
    println!("task:        {}", task.name);
    println!("directory:   {}", task.dir.display());
    println!("program:     {}", task.program);
    if !task.description.is_empty() {
        println!("description: {}", task.description);
    }
    println!("reference:   {} (sha256 {})", task.reference.module.display(), task.reference.sha256);
    if let Some(source) = &task.reference.source {
        println!("built from:  {source}");
    }
    let env: Vec<String> = task.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("env:         {}", if env.is_empty() { "(empty)".into() } else { env.join(" ") });
    println!("limits:      {}", toml::to_string(&task.limits)?.trim().replace('\n', ", "));
    let rules = task.compare.describe();
    println!("compare:     {}", if rules.is_empty() { "exact".into() } else { rules.join(", ") });
    for (label, dir) in [("docs", task.dir.join("docs")), ("fixtures", task.fixtures_dir())] {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
            })
            .unwrap_or_default();
        names.sort();
        println!("{label:<12} {}", if names.is_empty() { "(none)".into() } else { names.join(" ") });
    }
    let cases = task.cases(&Split::ALL)?;
    for split in Split::ALL {
        let split_cases: Vec<_> = cases.iter().filter(|c| c.split == split).collect();
        let mut missing = 0;
        let mut stale = 0;
        for case in &split_cases {
            match Golden::load(&case.golden_path())? {
                None => missing += 1,
                Some(golden) if golden.inputs_sha256 != case.inputs_sha256 => stale += 1,
                Some(_) => {}
            }
        }
        println!(
            "{:<12} {} cases, {missing} without golden, {stale} with a stale golden",
            format!("{}:", split.name()),
            split_cases.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn tools() -> Result<ExitCode> {
    println!("{}", mirror::tools::ORIGIN);
    for name in mirror::tools::UTILITIES {
        println!("{name}");
    }
    Ok(ExitCode::SUCCESS)
}
