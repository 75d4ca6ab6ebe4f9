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
