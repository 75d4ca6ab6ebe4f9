//! The terminal view, CI outputs, shards and merge, and the goldens workflow.

mod support;

use std::path::Path;

use support::*;

const IMPERFECT: &str = "tasks-wasm/textstat/candidates/imperfect.wasm";

fn test_imperfect(extra: &[&str]) -> std::process::Output {
    let mut args = vec!["test", "textstat", "--candidate", IMPERFECT];
    args.extend_from_slice(extra);
    mirror_run(&args)
}

fn path_arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn four_shards_merge_into_the_digest_of_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.json");
    assert_code(&test_imperfect(&["--json", path_arg(&whole)]), 1);
    let mut shard_files = Vec::new();
    let mut shard_cases = 0;
    for i in 1..=4 {
        let file = dir.path().join(format!("shard-{i}.json"));
        let shard = format!("{i}/4");
        let output = test_imperfect(&["--shard", &shard, "--json", path_arg(&file), "-j", "1"]);
        assert!(matches!(output.status.code(), Some(0 | 1)), "{}", text(&output.stderr));
        let report = read_json(&file);
        assert_eq!(report["shard"], shard);
        shard_cases += report["cases"].as_array().unwrap().len();
        shard_files.push(file);
    }
    let whole_report = read_json(&whole);
    assert_eq!(shard_cases, whole_report["cases"].as_array().unwrap().len(), "every case ran in exactly one shard");

    let merged = dir.path().join("merged.json");
    let junit = dir.path().join("merged.xml");
    let mut args = vec!["merge"];
    args.extend(shard_files.iter().rev().map(|p| path_arg(p)));
    args.extend(["--json", path_arg(&merged), "--junit", path_arg(&junit)]);
    let output = mirror_run(&args);
    assert_code(&output, 1);
    let merged_report = read_json(&merged);
    assert_eq!(merged_report["digest"], whole_report["digest"]);
    assert_eq!(merged_report["cases"], whole_report["cases"], "the merged report is the whole run's, case for case");
    assert_eq!(std::fs::read_to_string(&junit).unwrap().matches("<failure ").count(), 33);
    assert!(text(&output.stdout).trim_end().ends_with("textstat: 53 passed, 33 failed"));
}

#[test]
fn merge_refuses_incomplete_and_edited_reports() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = (1..=2).map(|i| dir.path().join(format!("s{i}.json"))).collect();
    for (i, file) in files.iter().enumerate() {
        test_imperfect(&["--shard", &format!("{}/2", i + 1), "--json", path_arg(file)]);
    }
    let output = mirror_run(&["merge", path_arg(&files[0])]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("shard 2/2 is missing"));

    let output = mirror_run(&["merge", path_arg(&files[0]), path_arg(&files[0]), path_arg(&files[1])]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("given more than once"));

    let edited = std::fs::read_to_string(&files[1]).unwrap().replacen(
        "\"verdict\": \"wrong-output\"",
        "\"verdict\": \"pass\"",
        1,
    );
    std::fs::write(&files[1], edited).unwrap();
    let output = mirror_run(&["merge", path_arg(&files[0]), path_arg(&files[1])]);
    assert_code(&output, 2);
    assert!(
        text(&output.stderr).contains("the verdict says pass, but its outputs give wrong-output"),
        "{}",
        text(&output.stderr)
    );

    let not_a_report = dir.path().join("other.json");
    std::fs::write(&not_a_report, "{\"hello\": 1}").unwrap();
    let output = mirror_run(&["merge", path_arg(&not_a_report)]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("is not a Mirror JSON report"));
}

/// A report's terminations are read back by code: an unknown code is refused, and a known one
/// edited in is caught by judging the outputs again.
#[test]
fn merge_refuses_forged_trap_codes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    test_imperfect(&["--filter", "count-json", "--json", path_arg(&file)]);
    let report = std::fs::read_to_string(&file).unwrap();
    assert!(report.contains("\"kind\": \"exit\","), "{report}");

    let forged =
        report.replacen("\"kind\": \"exit\",", "\"kind\": \"trap\", \"code\": \"made-up\", \"message\": \"x\",", 1);
    std::fs::write(&file, forged).unwrap();
    let output = mirror_run(&["merge", path_arg(&file)]);
    assert_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("is a malformed report") && stderr.contains("made-up"), "{stderr}");

    // The case's own run, not the golden it is judged against.
    let actual = report.find("\"actual\"").expect("the case keeps its actual run");
    let (head, tail) = report.split_at(actual);
    let edited = format!(
        "{head}{}",
        tail.replacen("\"kind\": \"exit\",", "\"kind\": \"trap\", \"code\": \"unreachable\", \"message\": \"x\",", 1)
    );
    std::fs::write(&file, edited).unwrap();
    let output = mirror_run(&["merge", path_arg(&file)]);
    assert_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("but its outputs give runtime-error"), "{stderr}");
}

#[test]
fn job_shards_follow_the_completion_index_and_merge_from_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    for index in 0..3 {
        let fixed = dir.path().join(format!("fixed-{index}.json"));
        test_imperfect(&["--shard", &format!("{}/3", index + 1), "--json", path_arg(&fixed)]);
        let file = reports.join(format!("shard-{index}.json"));
        let args = [
            "test",
            "textstat",
            "--candidate",
            IMPERFECT,
            "--shard",
            "job/3",
            "--json",
            path_arg(&file),
            "--exit-zero",
        ];
        let output = run(mirror().env("JOB_COMPLETION_INDEX", index.to_string()).args(args), b"");
        assert_code(&output, 0);
        assert_eq!(read_json(&file)["shard"], format!("{}/3", index + 1), "index {index} is shard {}", index + 1);
        assert_eq!(read_json(&file)["cases"], read_json(&fixed)["cases"]);
    }
    let whole = dir.path().join("whole.json");
    test_imperfect(&["--json", path_arg(&whole)]);
    let merged = dir.path().join("merged.json");
    assert_code(&mirror_run(&["merge", path_arg(&reports), "--json", path_arg(&merged)]), 1);
    assert_eq!(read_json(&merged)["digest"], read_json(&whole)["digest"]);

    let job = ["test", "textstat", "--candidate", IMPERFECT, "--shard", "job/3"];
    let output = run(mirror().env_remove("JOB_COMPLETION_INDEX").args(job), b"");
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("needs JOB_COMPLETION_INDEX"), "{}", text(&output.stderr));
    let output = run(mirror().env("JOB_COMPLETION_INDEX", "3").args(job), b"");
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("past the last shard"), "{}", text(&output.stderr));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let output = mirror_run(&["merge", path_arg(&empty)]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("holds no JSON report"), "{}", text(&output.stderr));
}

#[test]
fn filters_select_cases_by_id_or_split_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    let output = test_imperfect(&["--filter", "freq-t*", "--filter", "hidden/count-story", "--json", path_arg(&file)]);
    assert_code(&output, 1);
    let ids: Vec<String> = read_json(&file)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}/{}", c["split"].as_str().unwrap(), c["id"].as_str().unwrap()))
        .collect();
    assert_eq!(ids, ["visible/freq-ties", "hidden/count-story", "hidden/freq-ties-inline"]);
    let output = test_imperfect(&["--filter", "no-such-*"]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("no case of task textstat matches --filter no-such-*"));
}

#[test]
fn quiet_verbose_and_colour() {
    let quiet = text(&test_imperfect(&["-q"]).stdout);
    assert_eq!(quiet, "textstat: 53 passed, 33 failed\n");

    let verbose = text(&test_imperfect(&["-v", "--filter", "count-one", "--filter", "freq-ties"]).stdout);
    assert!(verbose.contains("PASS visible/count-one  fuel "), "{verbose}");
    assert!(verbose.contains("FAIL visible/freq-ties"), "{verbose}");
    assert!(verbose.contains("time: "), "{verbose}");

    let plain = text(&test_imperfect(&["--filter", "freq-ties"]).stdout);
    assert!(!plain.contains('\x1b'), "no colour when stdout is not a terminal");
    let coloured = text(&test_imperfect(&["--filter", "freq-ties", "--color", "always"]).stdout);
    assert!(coloured.contains("\x1b[31m-2  yak") || coloured.contains("\x1b[32m+2  zebra"), "{coloured}");
    let never = text(
        &run(
            mirror().env("NO_COLOR", "1").args(["test", "textstat", "--candidate", IMPERFECT, "--color", "never"]),
            b"",
        )
        .stdout,
    );
    assert!(!never.contains('\x1b'));
}

#[test]
fn github_actions_get_one_annotation_per_failure() {
    let output =
        run(mirror().env("GITHUB_ACTIONS", "true").args(["test", "textstat", "--candidate", IMPERFECT, "-q"]), b"");
    assert_code(&output, 1);
    let shown = text(&output.stdout);
    let annotations: Vec<&str> = shown.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(annotations.len(), 33);
    let ties =
        annotations.iter().find(|a| a.contains("visible/freq-ties wrong-output")).expect("freq-ties is annotated");
    assert!(
        ties.starts_with("::error file=") && ties.contains("tests/visible/freq-ties.toml,title=mirror textstat%3A "),
        "{ties}"
    );
    assert!(ties.contains("::$ textstat -f ties.txt%0Awrong output: stdout differs%0A"), "{ties}");
    let plain = text(&test_imperfect(&["-q"]).stdout);
    assert!(!plain.contains("::error"), "no annotations outside GitHub Actions");
}

#[test]
fn record_update_shows_each_change_then_writes_it() {
    let (_temp, task) = copy_task("textstat");
    let golden = task.join("tests/visible/count-one.golden.toml");
    let recorded = std::fs::read_to_string(&golden).unwrap();
    std::fs::write(&golden, recorded.replace("poem.txt\n", "poem.text\n")).unwrap();
    std::fs::remove_file(task.join("tests/hidden/help-short.golden.toml")).unwrap();
    let orphan = task.join("tests/hidden/gone.golden.toml");
    std::fs::write(&orphan, "stale").unwrap();

    let output = mirror_run(&["record", path_arg(&task), "--check"]);
    assert_code(&output, 1);
    assert!(text(&output.stdout).contains("gone.golden.toml: a golden without a case"));

    let output = mirror_run(&["record", path_arg(&task), "--update"]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(shown.contains("changed golden visible/count-one\n--- recorded\n+++ now\n"), "{shown}");
    assert!(shown.contains("-    9    58   300   300  poem.text\n+    9    58   300   300  poem.txt\n"), "{shown}");
    assert!(shown.contains("new golden hidden/help-short"), "{shown}");
    assert!(shown.contains("(no case has that id)"), "{shown}");
    assert!(shown.trim_end().ends_with("recorded 86 goldens, 2 written"), "{shown}");
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), recorded);
    assert!(!orphan.exists());
    assert_code(&mirror_run(&["record", path_arg(&task), "--check"]), 0);
}

#[test]
fn completions_and_help_with_examples() {
    let output = mirror_run(&["completions", "bash"]);
    assert_code(&output, 0);
    assert!(text(&output.stdout).contains("_mirror()"));
    for command in [&["--help"][..], &["test", "--help"], &["record", "--help"], &["merge", "--help"]] {
        let output = mirror_run(command);
        assert_code(&output, 0);
        assert!(text(&output.stdout).contains("Examples:"), "{command:?}");
    }
}

/// A copy of textstat with a case whose output is terminal escapes, and a golden that
/// expects other output, so that the escapes show in its diff.
fn task_printing_escapes() -> (tempfile::TempDir, std::path::PathBuf) {
    let (temp, task) = copy_task("textstat");
    let escapes = r"\033[2J\033]0;owned\007\033]52;c;cHduZWQ=\007\033[32mtextstat: 86 passed, 0 failed\033[0m\r\n";
    std::fs::write(
        task.join("tests/visible/escapes.toml"),
        format!("cmd = \"printf '{}'\"\n", escapes.replace('\\', "\\\\")),
    )
    .unwrap();
    assert_code(&mirror_run(&["record", path_arg(&task)]), 0);
    let golden_path = task.join("tests/visible/escapes.golden.toml");
    let golden = std::fs::read_to_string(&golden_path).unwrap();
    let (start, end) = (golden.find("\nstdout = ").unwrap(), golden.find("\nstderr = ").unwrap());
    std::fs::write(&golden_path, format!("{}\nstdout = \"plain\\n\"{}", &golden[..start], &golden[end..])).unwrap();
    (temp, task)
}

#[test]
fn candidate_output_reaches_the_terminal_escaped_and_the_reports_whole() {
    let (temp, task) = task_printing_escapes();
    let json = temp.path().join("r.json");
    let junit = temp.path().join("r.xml");
    let output = mirror_run(&[
        "test",
        path_arg(&task),
        "--candidate",
        "tasks-wasm/textstat/reference.wasm",
        "--filter",
        "escapes",
        "--json",
        path_arg(&json),
        "--junit",
        path_arg(&junit),
    ]);
    assert_code(&output, 1);
    let shown = text(&output.stdout);
    assert!(!shown.contains(['\x1b', '\x07', '\r']), "no control character reaches the terminal:\n{shown:?}");
    assert!(shown.contains(r"+\x1b[2J\x1b]0;owned\x07\x1b]52;c;cHduZWQ=\x07\x1b[32mtextstat: 86 passed"), "{shown}");
    let report = read_json(&json);
    let stdout = report["cases"][0]["actual"]["stdout"]["text"].as_str().unwrap();
    assert!(stdout.starts_with("\x1b[2J\x1b]0;owned\x07"), "the JSON report keeps the bytes: {stdout:?}");
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert!(!junit.contains(['\x1b', '\x07']) && junit.contains(r"\x1b]52;c;"), "{junit}");

    let toml = std::fs::read_to_string(task.join("task.toml")).unwrap();
    let toml = toml.replacen("description = \"", "description = \"\\u001b]0;owned\\u0007", 1);
    std::fs::write(task.join("task.toml"), toml).unwrap();
    let shown = text(&mirror_run(&["show", path_arg(&task)]).stdout);
    assert!(shown.contains(r"description: \x1b]0;owned\x07Text statistics"), "{shown}");
}

#[test]
fn a_flooding_candidate_gives_a_bounded_report_whose_digest_covers_every_byte() {
    use sha2::Digest;
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("flood");
    let calm = std::fs::read(guest("calm")).unwrap();
    let cases: Vec<(String, String)> =
        (0..4).map(|i| (format!("flood-{i}"), "cmd = \"hostile stdout\"\n".into())).collect();
    let cases: Vec<(&str, &str, &str)> =
        cases.iter().map(|(id, case)| ("visible", id.as_str(), case.as_str())).collect();
    write_task(&task, "hostile", &calm, "\n[limits]\nfuel = 300_000_000\nstdout_bytes = 4194304\n", &cases);
    assert_code(&mirror_run(&["record", path_arg(&task)]), 0);
    let json = temp.path().join("r.json");
    let output =
        mirror_run(&["test", path_arg(&task), "--candidate", path_arg(&guest("hostile")), "--json", path_arg(&json)]);
    assert_code(&output, 1);
    let size = std::fs::metadata(&json).unwrap().len();
    assert!(size < 4 * 100_000, "4 cases of 4 MiB each make a {size}-byte report");
    let flood: Vec<u8> = [[b'x'; 1023].as_slice(), b"\n"].concat().repeat(4096);
    let report = read_json(&json);
    let stdout = &report["cases"][0]["actual"]["stdout"];
    assert_eq!(stdout["length"], 4 << 20);
    assert_eq!(stdout["text"].as_str().unwrap().as_bytes(), &flood[..64 << 10]);
    let sha: String = sha2::Sha256::digest(&flood).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(stdout["sha256"], sha);
    assert!(text(&output.stdout).contains("output-limit 4"), "{}", text(&output.stdout));
}

#[test]
fn merge_refuses_a_report_of_another_version() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    test_imperfect(&["--filter", "count-one", "--json", path_arg(&file)]);
    let old = std::fs::read_to_string(&file).unwrap().replacen("\"version\": 4", "\"version\": 3", 1);
    std::fs::write(&file, old).unwrap();
    let output = mirror_run(&["merge", path_arg(&file)]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("report version 3; this Mirror reads mirror-report version 4 only"));
}

mod digests {
    use mirror::outcome::{Entry, FileChanges, Outcome, Termination};
    use mirror::report::{CaseInfo, CaseReport};
    use mirror::task::{Golden, Split};

    fn digest(stdout: &[u8], file: Option<Entry>) -> [u8; 32] {
        let info = CaseInfo {
            id: "c".into(),
            split: Split::Visible,
            file: String::new(),
            cmd: String::new(),
            duals: Vec::new(),
        };
        let mut files = FileChanges::default();
        files.written.extend(file.map(|entry| ("x".to_string(), entry)));
        let actual = Outcome {
            termination: Termination::Exited(0).into(),
            stdout: stdout.to_vec(),
            stderr: Vec::new(),
            files,
            fuel: 0,
        };
        let golden = Golden {
            inputs_sha256: String::new(),
            fuel: 0,
            status: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
            files: FileChanges::default(),
            origin: None,
        };
        CaseReport::new(info, actual, golden, &mirror::verdict::Rules::default(), false).digest
    }

    #[test]
    fn no_file_content_digests_like_a_directory_or_a_symlink() {
        let file = |content: &str| Some(Entry::File(content.as_bytes().to_vec()));
        assert_ne!(digest(b"", file("directory")), digest(b"", Some(Entry::Directory)));
        assert_ne!(digest(b"", file("symlink:target")), digest(b"", Some(Entry::Symlink("target".into()))));
        assert_ne!(digest(b"", file("")), digest(b"", None));
    }

    #[test]
    fn the_digest_covers_bytes_past_what_a_report_keeps() {
        let mut long = vec![b'a'; 1 << 20];
        let before = digest(&long, None);
        *long.last_mut().unwrap() = b'b';
        assert_ne!(digest(&long, None), before);
    }
}

#[test]
fn events_stream_every_case_in_order_between_the_start_and_the_finish() {
    let dir = tempfile::tempdir().unwrap();
    let (events, report) = (dir.path().join("events.jsonl"), dir.path().join("report.json"));
    let output = test_imperfect(&["--events", path_arg(&events), "--json", path_arg(&report), "-j", "2"]);
    assert_code(&output, 1);
    let report = read_json(&report);
    let cases = report["cases"].as_array().unwrap();
    let text = std::fs::read_to_string(&events).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), cases.len() + 2, "one line per case, and the start and the finish");
    assert_eq!(lines[0]["event"], "run-started");
    assert_eq!(lines[0]["cases"], cases.len());
    assert_eq!(lines[0]["jobs"], 2);
    for (index, (line, case)) in lines[1..=cases.len()].iter().zip(cases).enumerate() {
        assert_eq!(line["event"], "case-finished");
        assert_eq!(line["index"], index);
        assert_eq!(&line["case"], case, "a case's line holds what the JSON report holds of it");
    }
    let finished = lines.last().unwrap();
    assert_eq!(finished["event"], "run-finished");
    assert_eq!(finished["digest"], report["digest"]);
    assert_eq!(finished["passed"], false);
    assert_eq!(finished["totals"], report["totals"]["all"]);
}
