//! The `mirror` commands on the bundled textstat task.

mod support;

use std::collections::BTreeMap;

use support::*;

const TASK: &str = "textstat";
const IMPERFECT: &str = "tasks-wasm/textstat/candidates/imperfect.wasm";

#[test]
fn list_names_the_bundled_task_first_on_its_line() {
    let output = mirror_run(&["list"]);
    assert_code(&output, 0);
    let line = text(&output.stdout).lines().find(|l| l.starts_with("textstat\t")).map(String::from);
    let line = line.expect("textstat is listed");
    assert!(line.contains("visible") && line.contains("hidden"), "{line}");
}

#[test]
fn show_describes_the_task() {
    let output = mirror_run(&["show", TASK]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    for expected in
        ["program:     textstat", "reference:", "textstat.md", "poem.txt", "0 without golden, 0 with a stale golden"]
    {
        assert!(shown.contains(expected), "missing {expected:?} in\n{shown}");
    }
}

#[test]
fn recorded_goldens_reproduce() {
    let output = mirror_run(&["record", TASK, "--check"]);
    assert_code(&output, 0);
    assert!(text(&output.stdout).contains("goldens reproduce"));
}

#[test]
fn a_reference_rebuilt_from_source_reproduces_the_goldens() {
    let rebuilt = guest("textstat");
    let output = mirror_run(&["record", TASK, "--check", "--reference", rebuilt.to_str().unwrap()]);
    assert_code(&output, 0);
}

#[test]
fn the_reference_passes_as_a_candidate() {
    let output = mirror_run(&["test", TASK, "--candidate", "tasks-wasm/textstat/reference.wasm"]);
    assert_code(&output, 0);
    assert!(text(&output.stdout).ends_with("passed, 0 failed\n"), "{}", text(&output.stdout));
}

#[test]
fn the_imperfect_candidate_fails_where_it_differs() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("report.json");
    let junit_path = dir.path().join("report.xml");
    let output = mirror_run(&[
        "test",
        TASK,
        "--candidate",
        IMPERFECT,
        "--json",
        json_path.to_str().unwrap(),
        "--junit",
        junit_path.to_str().unwrap(),
    ]);
    assert_code(&output, 1);
    let report = read_json(&json_path);
    assert_eq!(report["format"], "mirror-report");
    assert_eq!(report["version"], 4);
    assert_eq!(report["digest"].as_str().unwrap().len(), 64);
    assert_eq!(report["solved"], false);
    let failures: BTreeMap<String, String> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|case| case["verdict"] != "pass")
        .map(|case| {
            assert_eq!(case["verdict"], "wrong-output");
            let differs: Vec<&str> = case["differs"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
            (format!("{}/{}", case["split"].as_str().unwrap(), case["id"].as_str().unwrap()), differs.join(","))
        })
        .collect();
    // Each of the imperfect build's deliberate differences, and only those.
    let expected: BTreeMap<String, String> = [
        // JSON without a final newline.
        ("visible/count-json", "stdout"),
        ("hidden/pipe-from-echo", "stdout"),
        ("visible/freq-json", "stdout"),
        ("visible/sentences-json", "stdout"),
        ("hidden/count-json-escaping", "stdout"),
        ("hidden/freq-json-poem", "stdout"),
        ("hidden/lengths-json", "stdout"),
        ("hidden/output-json-file", "files"),
        // Frequency ties in first-seen order.
        ("visible/freq-default", "stdout"),
        ("visible/freq-csv", "stdout"),
        ("visible/freq-ties", "stdout"),
        ("visible/freq-min-length", "stdout"),
        ("visible/words-punctuation", "stdout"),
        ("visible/output-file-freq", "files"),
        ("visible/pipe-binary-out", "stdout"),
        ("visible/redirect-out", "files"),
        ("hidden/pipe-freq-tail", "stdout"),
        ("hidden/freq-poem", "stdout"),
        ("hidden/freq-ties-inline", "stdout"),
        ("hidden/freq-min-length-6", "stdout"),
        ("hidden/freq-csv-numbers", "stdout"),
        // ASCII-only case folding.
        ("visible/freq-ignore-case", "stdout"),
        ("hidden/freq-ignore-case-inline", "stdout"),
        // File errors without the program's name.
        ("visible/missing-file", "stderr"),
        ("visible/missing-and-present", "stderr"),
        ("hidden/missing-two", "stderr"),
        ("hidden/output-missing-dir", "stderr"),
        ("hidden/read-directory", "stderr"),
        ("visible/or-fallback", "stderr"),
        ("visible/redirect-stderr", "stdout,files"),
        ("hidden/join-stderr-h", "stdout"),
        // Truncated means.
        ("visible/sentences-rounding", "stdout"),
        ("hidden/sentences-inline", "stdout"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(failures, expected);

    let shown = text(&output.stdout);
    assert!(shown.contains("FAIL visible/freq-ties"), "{shown}");
    assert!(shown.contains("-2  zebra") || shown.contains("+2  zebra"), "a unified diff is shown:\n{shown}");
    assert!(shown.trim_end().ends_with("textstat: 53 passed, 33 failed"), "{shown}");

    let junit = std::fs::read_to_string(&junit_path).unwrap();
    assert!(junit.starts_with("<?xml"));
    assert!(junit.contains("<testsuite name=\"textstat.hidden\""));
    assert_eq!(junit.matches("<failure ").count(), 33);
}

#[test]
fn the_split_option_selects_cases_and_the_digest_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let mut digests = Vec::new();
    for (split, jobs) in [("visible", "1"), ("visible", "3"), ("hidden", "2")] {
        let path = dir.path().join(format!("{split}-{jobs}.json"));
        let output = mirror_run(&[
            "test",
            TASK,
            "--candidate",
            IMPERFECT,
            "--split",
            split,
            "-j",
            jobs,
            "--json",
            path.to_str().unwrap(),
        ]);
        assert_code(&output, 1);
        let report = read_json(&path);
        assert!(report["cases"].as_array().unwrap().iter().all(|case| case["split"] == split));
        digests.push(report["digest"].as_str().unwrap().to_string());
    }
    assert_eq!(digests[0], digests[1], "the digest does not depend on -j");
    assert_ne!(digests[0], digests[2]);
}

#[test]
fn a_run_without_a_json_report_shows_the_same_failures_and_digest() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("report.json");
    let with_json = mirror_run(&["test", TASK, "--candidate", IMPERFECT, "--json", json_path.to_str().unwrap()]);
    // Without --json, passing cases keep only their digest and fuel.
    let without = mirror_run(&["test", TASK, "--candidate", IMPERFECT, "-v"]);
    assert_code(&without, 1);
    let shown = |output: &std::process::Output| -> String {
        text(&output.stdout).lines().filter(|l| !l.starts_with("time:") && !l.starts_with("PASS")).collect()
    };
    assert_eq!(shown(&with_json), shown(&without));
    let digest = format!("digest: {}", read_json(&json_path)["digest"].as_str().unwrap());
    assert!(text(&without.stdout).contains(&digest), "{}", text(&without.stdout));
    let passes = text(&without.stdout).lines().filter(|l| l.starts_with("PASS") && l.contains("fuel ")).count();
    assert_eq!(passes, 53, "-v lists each passing case with its fuel");
}

#[test]
fn exec_passes_output_and_status_through() {
    let output = run(mirror().args(["exec", TASK, "--", "--freq=2"]), b"b a b c a b\n");
    assert_code(&output, 0);
    assert_eq!(text(&output.stdout), "3  b\n2  a\n");

    let output = mirror_run(&["exec", TASK, "--", "missing.txt"]);
    assert_code(&output, 1);
    assert_eq!(text(&output.stderr), "textstat: missing.txt: No such file or directory\n");

    let output = mirror_run(&["exec", TASK, "--", "--bogus"]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).starts_with("textstat: unknown option '--bogus'"));
}

#[test]
fn exec_takes_fixtures_and_host_files() {
    let output = mirror_run(&["exec", TASK, "--fixtures", "--", "-c", "poem.txt"]);
    assert_code(&output, 0);
    assert!(text(&output.stdout).contains("  poem.txt"));

    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("notes.txt");
    std::fs::write(&host, "one two\n").unwrap();
    let spec = format!("in.txt={}", host.display());
    let output = mirror_run(&["exec", TASK, "--file", &spec, "--", "in.txt"]);
    assert_code(&output, 0);
    assert!(text(&output.stdout).contains("    1     2     8     8  in.txt"), "{}", text(&output.stdout));
}

#[test]
fn record_writes_goldens_that_then_check_clean() {
    let (_temp, task) = copy_task(TASK);
    let goldens: Vec<_> =
        snapshot(&task).into_iter().filter(|(p, _)| p.to_string_lossy().ends_with(".golden.toml")).collect();
    for (path, _) in &goldens {
        std::fs::remove_file(path).unwrap();
    }
    let output = mirror_run(&["record", task.to_str().unwrap()]);
    assert_code(&output, 0);
    let rewritten: Vec<_> =
        snapshot(&task).into_iter().filter(|(p, _)| p.to_string_lossy().ends_with(".golden.toml")).collect();
    assert_eq!(rewritten, goldens, "recording again gives the committed goldens byte for byte");
    assert_code(&mirror_run(&["record", task.to_str().unwrap(), "--check"]), 0);
}

#[test]
fn record_check_names_the_cases_that_differ() {
    let (_temp, task) = copy_task(TASK);
    let golden = task.join("tests/visible/count-one.golden.toml");
    let edited = std::fs::read_to_string(&golden).unwrap().replace("poem.txt\n", "poem.text\n");
    std::fs::write(&golden, edited).unwrap();
    std::fs::remove_file(task.join("tests/hidden/help-short.golden.toml")).unwrap();
    let output = mirror_run(&["record", task.to_str().unwrap(), "--check"]);
    assert_code(&output, 1);
    let shown = text(&output.stdout);
    assert!(shown.contains("differs visible/count-one: stdout differs"), "{shown}");
    assert!(shown.contains("differs hidden/help-short: no golden"), "{shown}");
    assert!(shown.contains("2 of 86 goldens differ"), "{shown}");
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_stops_mirror_quietly() {
    let reference = "tasks-wasm/textstat/reference.wasm";
    for (args, code) in [
        (&["list"][..], 0),
        (&["show", TASK], 0),
        (&["tools"], 0),
        (&["completions", "bash"], 0),
        (&["record", TASK, "--check"], 0),
        (&["test", TASK, "--candidate", reference, "-v"], 0),
        (&["test", TASK, "--candidate", IMPERFECT], 1),
    ] {
        let output = mirror().args(args).stdout(closed_stdout()).stderr(std::process::Stdio::piped()).output().unwrap();
        assert_eq!(output.status.code(), Some(code), "{args:?}: {}", text(&output.stderr));
        assert_eq!(text(&output.stderr), "", "{args:?} says nothing and does not panic");
    }
    // A command whose output nobody reads still does all its work.
    let (_temp, task) = copy_task(TASK);
    let goldens = ["tests/visible/count-one.golden.toml", "tests/hidden/help-short.golden.toml"].map(|g| task.join(g));
    goldens.iter().for_each(|golden| std::fs::remove_file(golden).unwrap());
    let status =
        mirror().args(["record", task.to_str().unwrap(), "--update"]).stdout(closed_stdout()).status().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(goldens.iter().all(|golden| golden.exists()), "every golden is written");
}

#[cfg(unix)]
#[test]
fn a_report_written_to_a_link_or_a_device_does_not_replace_it() {
    use std::os::unix::fs::FileTypeExt;
    let report_to = |option: &str, path: &std::path::Path| {
        let reference = "tasks-wasm/textstat/reference.wasm";
        let args = ["test", TASK, "--candidate", reference, "--filter", "count-one", "-q", option];
        let output = run(mirror().args(args).arg(path), b"");
        assert_code(&output, 0);
        output
    };
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("report.json");
    std::os::unix::fs::symlink("/dev/stdout", &link).unwrap();
    let shown = text(&report_to("--json", &link).stdout);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
    assert!(shown.starts_with("{\n  \"format\": \"mirror-report\""), "the report went through the link:\n{shown}");

    let fifo = dir.path().join("report.fifo");
    make_fifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    report_to("--junit", &fifo);
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");
    assert!(text(&reader.join().unwrap()).starts_with("<?xml"), "the FIFO's reader got the report");
}
