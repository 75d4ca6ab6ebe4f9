//! `mirror list` and `mirror show`.

use std::process::ExitCode;

use anyhow::{bail, Result};
use mirror::oracle::protocol::{Info, Op, Reply, Request};
use mirror::report::printable;
use mirror::task::{all_tasks, GoldenStatus, Location, Split, Task};

pub fn list() -> Result<ExitCode> {
    for task in all_tasks()? {
        let counts = case_counts(&task)?;
        outln!("{}\t{}\t{}", task.name, counts, printable(&task.description));
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
    let module = match &task.reference.location {
        Location::Module(module) => module,
        Location::Oracle(socket) => return show_served(&task, socket),
    };
    outln!("task:        {}", task.name);
    outln!("directory:   {}", printable(&task.dir.display().to_string()));
    outln!("program:     {}", task.program);
    if !task.description.is_empty() {
        outln!("description: {}", printable(&task.description));
    }
    outln!("reference:   {} (sha256 {})", printable(&module.display().to_string()), task.reference.sha256);
    if let Some(source) = &task.reference.source {
        outln!("built from:  {}", printable(source));
    }
    let env: Vec<String> = task.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    outln!("env:         {}", if env.is_empty() { "(empty)".into() } else { printable(&env.join(" ")).into_owned() });
    outln!("limits:      {}", toml::to_string(&task.limits)?.trim().replace('\n', ", "));
    let rules = task.compare.describe();
    outln!("compare:     {}", if rules.is_empty() { "exact".into() } else { rules.join(", ") });
    for (label, dir) in [("docs", task.dir.join("docs")), ("fixtures", task.fixtures_dir())] {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
            })
            .unwrap_or_default();
        names.sort();
        outln!(
            "{label:<12} {}",
            if names.is_empty() { "(none)".into() } else { printable(&names.join(" ")).into_owned() }
        );
    }
    let cases = task.cases(&Split::ALL)?;
    for split in Split::ALL {
        let split_cases: Vec<_> = cases.iter().filter(|c| c.split == split).collect();
        let mut missing = 0;
        let mut stale = 0;
        for case in &split_cases {
            match GoldenStatus::of(&task, case)? {
                GoldenStatus::Missing => missing += 1,
                GoldenStatus::Stale(_) => stale += 1,
                GoldenStatus::Current(_) => {}
            }
        }
        outln!(
            "{:<12} {} cases, {missing} without golden, {stale} with a stale golden",
            format!("{}:", split.name()),
            split_cases.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `mirror show` in a workspace whose reference is behind the oracle at `socket`: what the
/// oracle says of the task.
fn show_served(task: &Task, socket: &std::path::Path) -> Result<ExitCode> {
    let request = Request {
        task: task.name.clone(),
        op: Op::Info,
        stdin: Vec::new(),
        files: Default::default(),
        fixtures: false,
    };
    let Reply::Info(info) = super::probe::ask_oracle(socket, &request)? else {
        bail!("the oracle at {} answered `info` with something else", socket.display());
    };
    let Info { task: name, program, description, tools, limits, docs, visible_cases } = info;
    outln!("task:        {name}");
    outln!("workspace:   {}", task.dir.display());
    outln!("program:     {program}");
    if !description.is_empty() {
        outln!("description: {}", printable(&description));
    }
    outln!("reference:   served by the oracle at {} (sha256 {})", socket.display(), task.reference.sha256);
    outln!("tools:       {}", if tools.is_empty() { "(none)".into() } else { tools.join(" ") });
    outln!("limits:      {}", toml::to_string(&limits)?.trim().replace('\n', ", "));
    outln!("docs         {}", if docs.is_empty() { "(none)".into() } else { docs.join(" ") });
    outln!("visible:     {visible_cases} cases");
    Ok(ExitCode::SUCCESS)
}

pub fn tools() -> Result<ExitCode> {
    outln!("{}", mirror::tools::ORIGIN);
    for name in mirror::tools::UTILITIES {
        outln!("{name}");
    }
    Ok(ExitCode::SUCCESS)
}
