//! Candidates built from source (Rust, C, Go), build failures as verdicts, and the agent
//! workspace.

mod support;

use std::path::Path;

use support::*;

/// `mirror` with candidate builds kept apart from the outer build's target directory.
fn mirror_building() -> std::process::Command {
    let mut command = mirror();
    command.env("CARGO_TARGET_DIR", cache_dir().join("candidate-target"));
    command
}

/// Whether `program` is installed; when it is not, the test is skipped with a note, unless
/// `MIRROR_REQUIRE_TOOLCHAINS` is set (CI installs every toolchain and sets it).
fn toolchain(program: &str, version_arg: &str) -> bool {
    let found = std::process::Command::new(program).arg(version_arg).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("MIRROR_REQUIRE_TOOLCHAINS").is_none(),
            "`{program}` is required here but not installed"
        );
        eprintln!("skipped: `{program}` is not installed (.ci/run installs it)");
    }
    found
}

/// Builds `dir` with `mirror build`, then runs the module as a one-off task's reference.
fn build_and_exec(dir: &Path, args: &[&str], files: &[(&str, &str)]) -> std::process::Output {
    let out = dir.parent().unwrap().join("built.wasm");
    let output = run(mirror_building().args(["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]), b"");
    assert_code(&output, 0);
    let task = dir.parent().unwrap().join("task");
    write_task(&task, "prog", &std::fs::read(&out).unwrap(), "", &[]);
    let mut command = mirror();
    command.args(["exec", task.to_str().unwrap()]);
    for (name, content) in files {
        let host = dir.parent().unwrap().join(name);
        std::fs::write(&host, content).unwrap();
        command.arg("--file").arg(host);
    }
    command.arg("--").args(args);
    run(&mut command, b"")
}

#[test]
fn a_rust_candidate_is_built_then_scored_and_its_build_cached() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let score = || {
        run(
            mirror_building().env("MIRROR_CACHE_DIR", cache.path()).args([
                "test",
                "textstat",
                "--candidate",
                "examples/textstat-partial",
                "--json",
                report.to_str().unwrap(),
                "-q",
            ]),
            b"",
        )
    };
    let output = score();
    assert_code(&output, 1);
    assert_eq!(text(&output.stdout), "textstat: 40 passed, 46 failed\n");
    let first = read_json(&report);
    assert!(first["build_log"].as_str().unwrap().contains("Finished"), "the build log is in the report");
    let verdict =
        |id: &str| first["cases"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["verdict"].clone();
    assert_eq!(verdict("count-two"), "pass");
    assert_eq!(verdict("pipe-binary"), "pass");
    assert_eq!(verdict("freq-ties"), "wrong-output");
    let builds: Vec<_> = std::fs::read_dir(cache.path().join("builds")).unwrap().collect();
    assert_eq!(builds.len(), 1, "one cached build");

    assert_code(&score(), 1);
    assert_eq!(read_json(&report)["digest"], first["digest"]);
    assert_eq!(std::fs::read_dir(cache.path().join("builds")).unwrap().count(), 1, "the second run reused the build");
}

#[test]
fn a_build_failure_makes_every_case_a_build_error_with_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("broken");
    write_files(
        &source,
        &[
            ("Cargo.toml", "[package]\nname = \"textstat\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n"),
            ("src/main.rs", "fn main() { let x: u32 = \"not a number\"; }\n"),
        ],
    );
    let report = dir.path().join("r.json");
    let output = run(
        mirror_building().args([
            "test",
            "textstat",
            "--candidate",
            source.to_str().unwrap(),
            "--json",
            report.to_str().unwrap(),
        ]),
        b"",
    );
    assert_code(&output, 1);
    let shown = text(&output.stdout);
    assert!(shown.starts_with("BUILD FAILED the candidate did not build:"), "{shown}");
    assert!(shown.contains("mismatched types"), "the compiler's errors are shown in full:\n{shown}");
    assert!(shown.trim_end().ends_with("textstat: 0 passed, 86 failed"), "{shown}");
    let report = read_json(&report);
    assert!(report["cases"].as_array().unwrap().iter().all(|c| c["verdict"] == "build-error"));
    assert!(report["build_log"].as_str().unwrap().contains("error[E0308]"));
    assert_eq!(report["totals"]["all"]["verdicts"]["build-error"], 86);
}

#[test]
fn a_c_candidate_builds_from_plain_sources_and_from_a_makefile() {
    if !toolchain("clang", "--version") {
        return;
    }
    let program = "#include <stdio.h>\nint main(int argc, char **argv) {\n  FILE *f = fopen(argv[1], \"r\");\n  \
                   if (!f) { perror(argv[1]); return 1; }\n  int c; while ((c = fgetc(f)) != EOF) putchar(c);\n  \
                   printf(\"argc=%d\\n\", argc);\n  return 7;\n}\n";
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain/src");
    write_files(&plain, &[("main.c", program)]);
    let output = build_and_exec(&plain, &["in.txt"], &[("in.txt", "from a file\n")]);
    assert_code(&output, 7);
    assert_eq!(text(&output.stdout), "from a file\nargc=2\n");

    let made = tempfile::tempdir().unwrap();
    let source = made.path().join("made");
    write_files(
        &source,
        &[("main.c", program), ("Makefile", "prog.wasm: main.c\n\t$(CC) -o prog.wasm main.c $(LDLIBS)\n")],
    );
    let output = build_and_exec(&source, &["missing.txt"], &[]);
    assert_code(&output, 1);
    assert_eq!(text(&output.stderr), "missing.txt: No such file or directory\n");
}

#[test]
fn a_go_candidate_builds_and_finds_its_files_by_relative_path() {
    if !toolchain("go", "version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("gocat");
    write_files(
        &source,
        &[
            ("go.mod", "module gocat\n\ngo 1.21\n"),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tdata, err := os.ReadFile(os.Args[1])\n\t\
                 if err != nil {\n\t\tfmt.Fprintln(os.Stderr, \"gocat: cannot read\", os.Args[1])\n\t\tos.Exit(3)\n\t}\n\t\
                 fmt.Print(string(data))\n}\n",
            ),
        ],
    );
    let output = build_and_exec(&source, &["data.txt"], &[("data.txt", "go reads this\n")]);
    assert_code(&output, 0);
    assert_eq!(text(&output.stdout), "go reads this\n");
    let output = build_and_exec(&source, &["nope.txt"], &[]);
    assert_code(&output, 3);
}

#[test]
fn a_missing_toolchain_says_how_to_install_it() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("c");
    write_files(&source, &[("main.c", "int main(void) { return 0; }\n")]);
    let empty_path = tempfile::tempdir().unwrap();
    let output = run(mirror().env("PATH", empty_path.path()).args(["build", source.to_str().unwrap()]), b"");
    assert_code(&output, 2);
    let message = text(&output.stderr);
    assert!(
        message.contains("`clang` is not installed; install it: apt-get install")
            || message.contains("wasi-libc is not installed"),
        "{message}"
    );
    let nothing = tempfile::tempdir().unwrap();
    let output = mirror_run(&["build", nothing.path().to_str().unwrap()]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("holds no Cargo.toml, go.mod, Makefile or .c file"));
}

#[test]
fn a_workspace_holds_the_visible_task_and_never_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path().join("agent");
    assert_code(&mirror_run(&["workspace", "textstat", workspace.to_str().unwrap()]), 0);
    let files = snapshot(&workspace);
    let reference = std::fs::read(root().join("tasks-wasm/textstat/reference.wasm")).unwrap();
    assert!(files.iter().all(|(_, bytes)| !bytes.starts_with(b"\0asm")), "no module in the workspace");
    assert!(files.iter().all(|(_, bytes)| bytes != &reference));
    assert!(!workspace.join("tests/hidden").exists());
    let cases = files.iter().filter(|(p, _)| p.starts_with(workspace.join("tests/visible"))).count();
    assert_eq!(cases, 88, "44 visible cases and their goldens");
    for (path, _) in &files {
        let name = path.to_string_lossy();
        assert!(!name.contains("count-story") && !name.contains("freq-ties-inline"), "hidden case {name}");
    }
    assert!(workspace.join("docs/textstat.md").is_file());
    assert!(workspace.join("fixtures/poem.txt").is_file());

    let output = run(mirror().current_dir(&workspace).args(["exec", ".", "--", "--version"]), b"");
    assert_code(&output, 0);
    assert_eq!(text(&output.stdout), "textstat 1.0.0\n");

    // The agent writes its program in the workspace and tests it on the visible cases.
    copy_dir(&root().join("examples/textstat-partial"), &workspace);
    let _ = std::fs::remove_dir_all(workspace.join("target"));
    let output = run(mirror_building().current_dir(&workspace).args(["test", "--candidate", ".", "-q"]), b"");
    assert_code(&output, 1);
    assert_eq!(text(&output.stdout), "textstat: 20 passed, 24 failed\n");
    // Scoring on the hidden cases runs from the task bundle.
    let output =
        run(mirror_building().args(["test", "textstat", "--candidate", workspace.to_str().unwrap(), "-q"]), b"");
    assert_code(&output, 1);
    assert_eq!(text(&output.stdout), "textstat: 40 passed, 46 failed\n");
}
