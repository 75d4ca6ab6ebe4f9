//! Bad input gets a clear error naming the file and the problem, exit status 2, and nothing
//! written.

mod support;

use std::path::Path;

use support::*;

/// A task copied from the bundled one, with `edit` applied to it.
fn broken_task(edit: impl FnOnce(&Path)) -> (tempfile::TempDir, std::path::PathBuf) {
    let (temp, task) = copy_task("textstat");
    edit(&task);
    (temp, task)
}

/// Runs `args` (with `{task}` replaced) and expects exit 2, an error message holding each
/// of `expected`, and the task directory unchanged.
fn expect_input_error(task: &Path, args: &[&str], expected: &[&str]) {
    let before = snapshot(task);
    let args: Vec<String> = args.iter().map(|a| a.replace("{task}", task.to_str().unwrap())).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = mirror_run(&args);
    assert_code(&output, 2);
    let message = text(&output.stderr);
    assert!(message.starts_with("mirror: error: "), "{message}");
    for part in expected {
        assert!(message.contains(part), "{part:?} missing from:\n{message}");
    }
    assert_eq!(snapshot(task), before, "nothing was written");
}

#[test]
fn a_malformed_task_toml_is_named_with_its_line() {
    let (_temp, task) = broken_task(|task| {
        let text = std::fs::read_to_string(task.join("task.toml")).unwrap();
        std::fs::write(task.join("task.toml"), text.replace("program = \"textstat\"", "program = textstat")).unwrap();
    });
    expect_input_error(&task, &["record", "{task}"], &["malformed", "task.toml", "line 2"]);
}

/// A copy of the bundled task with `line` added to its `[limits]`.
fn task_with_limit(line: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    broken_task(|task| {
        let text = std::fs::read_to_string(task.join("task.toml")).unwrap();
        std::fs::write(task.join("task.toml"), text.replace("[limits]", &format!("[limits]\n{line}"))).unwrap();
    })
}

#[test]
fn an_unknown_task_field_is_named() {
    let (_temp, task) = task_with_limit("fule = 3");
    expect_input_error(&task, &["show", "{task}"], &["task.toml", "unknown field `fule`"]);
}

#[test]
fn a_zero_second_backstop_is_refused() {
    let (_temp, task) = task_with_limit("wall_seconds = 0");
    expect_input_error(&task, &["show", "{task}"], &["task.toml", "wall_seconds must be at least 1"]);
}

#[test]
fn a_malformed_case_is_named() {
    let (_temp, task) =
        broken_task(|task| std::fs::write(task.join("tests/visible/count-one.toml"), "cmd = [\n").unwrap());
    expect_input_error(&task, &["record", "{task}"], &["malformed case", "count-one.toml"]);
}

#[test]
fn shell_syntax_in_a_case_is_refused_with_its_column() {
    let (_temp, task) = broken_task(|task| {
        std::fs::write(task.join("tests/hidden/freq-n1.toml"), "cmd = \"textstat poem.txt && (head)\"\n").unwrap()
    });
    expect_input_error(
        &task,
        &["test", "{task}", "--candidate", "tasks-wasm/textstat/reference.wasm"],
        &["freq-n1.toml", "column 22", "`(`"],
    );
}

#[test]
fn a_case_may_run_only_the_program_and_declared_tools() {
    let (_temp, task) = broken_task(|task| {
        std::fs::write(task.join("tests/hidden/freq-n1.toml"), "cmd = \"textstat poem.txt | rev\"\n").unwrap()
    });
    expect_input_error(
        &task,
        &["record", "{task}", "--check"],
        &["freq-n1.toml", "cmd runs `rev`, which is neither the task's program `textstat` nor one of its tools"],
    );
}

#[test]
fn a_missing_fixture_is_named() {
    let (_temp, task) = broken_task(|task| std::fs::remove_file(task.join("fixtures/ties.txt")).unwrap());
    expect_input_error(&task, &["record", "{task}"], &["freq-ties.toml", "cannot read fixture", "ties.txt"]);
}

#[test]
fn an_escaping_file_name_in_a_case_is_refused() {
    let (_temp, task) = broken_task(|task| {
        std::fs::write(task.join("tests/visible/count-one.toml"), "cmd = \"textstat x\"\n[files]\n\"../x\" = \"no\"\n")
            .unwrap()
    });
    expect_input_error(&task, &["record", "{task}"], &["count-one.toml", "\"../x\"", "relative path"]);
}

#[test]
fn a_changed_reference_is_refused_by_its_pin() {
    let (_temp, task) =
        broken_task(|task| std::fs::copy(guest("hostile"), task.join("reference.wasm")).map(drop).unwrap());
    expect_input_error(&task, &["record", "{task}"], &["reference.wasm", "task.toml pins"]);
    // CI relies on this: `record --check` on every task is what verifies each pinned sha256.
    expect_input_error(&task, &["record", "{task}", "--check"], &["reference.wasm", "task.toml pins"]);
}

#[test]
fn stale_and_missing_goldens_stop_a_test_run() {
    let (_temp, task) = broken_task(|task| {
        let case = task.join("tests/visible/count-one.toml");
        let text = std::fs::read_to_string(&case).unwrap();
        std::fs::write(&case, text.replace("textstat poem.txt", "textstat -c poem.txt")).unwrap();
        std::fs::remove_file(task.join("tests/hidden/freq-n1.golden.toml")).unwrap();
    });
    expect_input_error(
        &task,
        &["test", "{task}", "--candidate", "tasks-wasm/textstat/reference.wasm"],
        &["visible/count-one: stale golden", "hidden/freq-n1: no golden", "mirror record"],
    );
}

#[test]
fn record_writes_nothing_when_the_reference_cannot_give_a_golden() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("hostile");
    let module = std::fs::read(guest("hostile")).unwrap();
    write_task(
        &task,
        "hostile",
        &module,
        "\n[limits]\nfuel = 100_000_000\n",
        &[
            ("visible", "fine", "cmd = \"hostile ok\"\n"),
            ("visible", "spins", "cmd = \"hostile loop\"\n"),
            ("hidden", "traps", "cmd = \"hostile panic\"\n"),
        ],
    );
    expect_input_error(
        &task,
        &["record", "{task}"],
        &[
            "no golden written",
            "ran out of fuel on case visible/spins",
            "trapped: wasm trap: wasm `unreachable` instruction executed on case hidden/traps",
        ],
    );
}

#[test]
fn candidates_that_are_not_preview1_command_modules_are_explained() {
    let temp = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = temp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    };
    let component = write("component.wasm", b"\0asm\x0d\x00\x01\x00");
    let text_file = write("notes.wasm", b"this is not wasm\n");
    let truncated = write("truncated.wasm", &std::fs::read(guest("textstat")).unwrap()[..5000]);
    let imports = write(
        "imports.wasm",
        &wat::parse_str(
            r#"(module (import "env" "host_time" (func)) (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
               (import "wasi_snapshot_preview2" "nope" (func)) (memory (export "memory") 1) (func (export "_start")))"#,
        )
        .unwrap(),
    );
    let library = write(
        "library.wasm",
        &wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "run")))"#).unwrap(),
    );
    let missing = temp.path().join("missing.wasm").to_str().unwrap().to_string();
    let task = support::root().join("tasks-wasm/textstat");
    for (candidate, expected) in [
        (&component, vec!["component.wasm", "WebAssembly component (wasm32-wasip2)", "--target wasm32-wasip1"]),
        (&text_file, vec!["notes.wasm", "not a WebAssembly module"]),
        (&truncated, vec!["truncated.wasm", "invalid WebAssembly module"]),
        (&imports, vec!["imports.wasm", "env::host_time, wasi_snapshot_preview2::nope"]),
        (&library, vec!["library.wasm", "no `_start`"]),
        (&missing, vec!["cannot read module", "missing.wasm"]),
    ] {
        expect_input_error(&task, &["test", "textstat", "--candidate", candidate], &expected);
    }
}

#[test]
fn unknown_tasks_and_usage_errors_exit_2() {
    let output = mirror_run(&["show", "no-such-task"]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("no task named `no-such-task`"));
    assert_code(&mirror_run(&["test", "textstat"]), 2);
    assert_code(&mirror_run(&["frobnicate"]), 2);
}

#[test]
fn a_case_file_name_some_platform_cannot_hold_is_refused() {
    let (_temp, task) = broken_task(|task| {
        std::fs::write(
            task.join("tests/visible/count-one.toml"),
            "cmd = \"textstat x\"\n[files]\n\"say \\\"hi\\\".txt\" = \"no\"\n",
        )
        .unwrap()
    });
    expect_input_error(&task, &["record", "{task}"], &["count-one.toml", "cannot exist on every platform"]);
}

#[cfg(unix)]
#[test]
fn a_fixture_symlink_leaving_the_bundle_is_refused_everywhere() {
    // A scorer's environment, or the host's accounts, must not become goldens or fixtures.
    for target in ["/proc/self/environ", "/etc/passwd"] {
        let (temp, task) = broken_task(|task| {
            std::fs::remove_file(task.join("fixtures/ties.txt")).unwrap();
            std::os::unix::fs::symlink(target, task.join("fixtures/ties.txt")).unwrap();
        });
        let expected = ["ties.txt", "leads outside", "stay inside its directory"];
        expect_input_error(&task, &["record", "{task}"], &expected);
        expect_input_error(&task, &["sh", "{task}", "--fixtures", "cat ties.txt"], &expected);
        let workspace = temp.path().join("workspace");
        expect_input_error(&task, &["workspace", "{task}", workspace.to_str().unwrap()], &expected);
        assert!(!workspace.exists(), "a refused workspace leaves nothing behind");
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_bundle_is_followed() {
    let (_temp, task) = broken_task(|task| {
        std::fs::rename(task.join("fixtures/ties.txt"), task.join("ties-data.txt")).unwrap();
        std::os::unix::fs::symlink("../ties-data.txt", task.join("fixtures/ties.txt")).unwrap();
    });
    assert_code(&mirror_run(&["record", task.to_str().unwrap(), "--check"]), 0);
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_is_refused_not_read() {
    let (_temp, task) = broken_task(|task| {
        std::fs::remove_file(task.join("fixtures/ties.txt")).unwrap();
        make_fifo(&task.join("fixtures/ties.txt"));
    });
    expect_input_error(&task, &["record", "{task}"], &["ties.txt", "not a regular file (a FIFO)"]);
    let (_temp, task) = broken_task(|task| {
        std::fs::remove_file(task.join("tests/visible/count-one.toml")).unwrap();
        make_fifo(&task.join("tests/visible/count-one.toml"));
    });
    expect_input_error(&task, &["show", "{task}"], &["count-one.toml", "not a regular file (a FIFO)"]);
    let task = support::root().join("tasks-wasm/textstat");
    expect_input_error(
        &task,
        &["exec", "textstat", "--file", "data=/dev/zero", "--", "data"],
        &["--file data=/dev/zero", "/dev/zero: not a regular file (a device)"],
    );
    expect_input_error(&task, &["test", "textstat", "--candidate", "/dev/zero"], &["/dev/zero", "a device"]);
}

#[cfg(unix)]
#[test]
fn a_case_file_name_that_is_not_utf8_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let (_temp, task) = broken_task(|task| {
        let name = std::ffi::OsStr::from_bytes(b"count-\xff.toml");
        std::fs::write(task.join("tests/visible").join(name), "cmd = \"textstat poem.txt\"\n").unwrap();
    });
    expect_input_error(&task, &["record", "{task}", "--check"], &["count-", ".toml", "must be UTF-8"]);
}

#[test]
fn a_golden_naming_a_path_outside_the_scratch_directory_is_refused() {
    for edit in ["removed = [\"/etc/passwd\"]\n", "[files]\n\"../../etc/passwd\" = \"root\"\n"] {
        let (_temp, task) = broken_task(|task| {
            let golden = task.join("tests/visible/count-one.golden.toml");
            let text = std::fs::read_to_string(&golden).unwrap();
            std::fs::write(&golden, format!("{text}{edit}")).unwrap();
        });
        expect_input_error(
            &task,
            &["test", "{task}", "--candidate", "tasks-wasm/textstat/reference.wasm"],
            &["count-one.golden.toml", "/etc/passwd", "must be a relative path"],
        );
    }
}

#[test]
fn a_huge_line_is_not_echoed_whole() {
    let (_temp, task) = broken_task(|task| {
        let text = std::fs::read_to_string(task.join("task.toml")).unwrap();
        let huge = format!("description = \"{}\n", "x".repeat(4 << 20));
        std::fs::write(task.join("task.toml"), text.replace("description = ", &format!("{huge}other = "))).unwrap();
    });
    let output = mirror_run(&["show", task.to_str().unwrap()]);
    assert_code(&output, 2);
    let message = text(&output.stderr);
    assert!(message.contains("malformed task file") && message.contains("more bytes)"), "{message:.2000}");
    assert!(message.len() < 4096, "the message is {} bytes", message.len());
}

#[test]
fn jobs_past_what_can_run_are_refused() {
    for jobs in ["18446744073709551615", "0", "100000"] {
        let output = mirror_run(&["record", "textstat", "--check", "-j", jobs]);
        assert_code(&output, 2);
        assert!(text(&output.stderr).contains("must be 1 to 1024"), "{}", text(&output.stderr));
    }
}

#[test]
fn endless_standard_input_is_capped() {
    use std::io::Write;
    let mut child = mirror()
        .args(["exec", "textstat", "--", "--freq"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // `yes | mirror exec`: write until mirror stops reading.
    let writer = std::thread::spawn(move || {
        let chunk = "y\n".repeat(1 << 15);
        let mut written = 0u64;
        while stdin.write_all(chunk.as_bytes()).is_ok() {
            written += chunk.len() as u64;
            if written > 1 << 30 {
                break;
            }
        }
        written
    });
    let output = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("standard input is larger than"), "{}", text(&output.stderr));
    assert!(written <= 1 << 30, "mirror stopped reading before a gigabyte");
}

#[test]
fn a_host_failure_exits_3_and_bad_input_2() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, "").unwrap();
    let unwritable = not_a_dir.join("report.json");
    let candidate = "tasks-wasm/textstat/candidates/imperfect.wasm";
    let output = mirror_run(&["test", "textstat", "--candidate", candidate, "--json", unwritable.to_str().unwrap()]);
    assert_code(&output, 3);
    assert!(text(&output.stderr).contains("report.json"), "{}", text(&output.stderr));

    let (_temp, task) = broken_task(|task| std::fs::write(task.join("task.toml"), "name = [").unwrap());
    assert_code(&mirror_run(&["test", task.to_str().unwrap(), "--candidate", candidate]), 2);
}

#[test]
fn a_run_stopped_by_bad_goldens_leaves_no_events_file() {
    let (_temp, task) =
        broken_task(|task| std::fs::remove_file(task.join("tests/hidden/freq-n1.golden.toml")).unwrap());
    let events = task.join("events.jsonl");
    let candidate = "tasks-wasm/textstat/candidates/imperfect.wasm";
    let output =
        mirror_run(&["test", task.to_str().unwrap(), "--candidate", candidate, "--events", events.to_str().unwrap()]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("hidden/freq-n1: no golden"), "{}", text(&output.stderr));
    assert!(!events.exists(), "the events file is removed");
}
