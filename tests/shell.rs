//! The portable shell end to end: `mirror sh` lines with the textstat reference and the
//! guest tools.

mod support;

use support::*;

/// Runs `line` with `mirror sh textstat`, the task's fixtures in the scratch directory.
fn sh(line: &str, stdin: &[u8]) -> std::process::Output {
    run(mirror().args(["sh", "textstat", "--fixtures", line]), stdin)
}

fn sh_ok(line: &str) -> String {
    let output = sh(line, b"");
    assert_code(&output, 0);
    text(&output.stdout)
}

#[test]
fn a_pipeline_has_its_last_commands_status_and_a_sequence_its_last_pipelines() {
    for (line, status, stdout) in [
        ("false | true", 0, ""),
        ("true | false", 1, ""),
        ("false ; true", 0, ""),
        ("true ; false", 1, ""),
        ("false && echo never", 1, ""),
        ("false || echo fallback", 0, "fallback\n"),
        ("true || echo never", 0, ""),
        ("false && echo a || echo b", 0, "b\n"),
        ("true && echo a || echo b", 0, "a\n"),
        ("textstat --bogus", 2, ""),
        ("textstat --bogus | cat", 0, ""),
        ("textstat missing.txt ; echo done", 0, "done\n"),
        ("echo one; echo two;", 0, "one\ntwo\n"),
    ] {
        let output = sh(line, b"");
        assert_code(&output, status);
        assert_eq!(text(&output.stdout), stdout, "{line}");
    }
}

#[test]
fn pipes_carry_binary_data_unchanged() {
    assert_eq!(sh_ok(r"printf '\000\001\377\376\n' | cat | od -An -tx1"), " 00 01 ff fe 0a\n");
    let encoded = sh_ok("base64 latin1.bin");
    let again = sh_ok("base64 latin1.bin | base64 -d | base64");
    assert_eq!(encoded, again);
    assert_eq!(sh_ok("base64 -d < /dev/null | wc -c").trim(), "0");
}

#[test]
fn stdin_reaches_the_first_pipeline_only() {
    let output = sh("cat; cat | wc -c", b"typed\n");
    assert_code(&output, 0);
    assert_eq!(text(&output.stdout), "typed\n0\n");
    let output = sh("textstat -f | head -n 1", b"b a b\n");
    assert_eq!(text(&output.stdout), "2  b\n");
}

#[test]
fn redirects_write_read_truncate_and_append_files() {
    assert_eq!(sh_ok("textstat poem.txt > out.txt; cat out.txt | wc -l").trim(), "2");
    assert_eq!(sh_ok("echo one > f; echo two >> f; cat < f"), "one\ntwo\n");
    // As in a shell, `>` empties its file before the command reads it.
    assert_eq!(sh_ok("echo one > f; cat f > f; wc -c < f").trim(), "0");
    assert_eq!(
        sh_ok("textstat missing.txt 2> err.txt; cat err.txt"),
        "textstat: missing.txt: No such file or directory\n"
    );
    assert_eq!(sh_ok("textstat missing.txt 2>> e; textstat gone.txt 2>> e; wc -l < e").trim(), "2");
}

#[test]
fn joined_streams_keep_the_order_the_program_wrote_them_in() {
    // textstat reports the unreadable file on stderr before it prints the table on stdout.
    let both = sh_ok("textstat poem.txt missing.txt > all.txt 2>&1; cat all.txt");
    assert!(both.starts_with("textstat: missing.txt: No such file or directory\nlines words"), "{both}");
    // Redirects apply left to right: here stderr joins the line's stdout before stdout moves.
    let output = sh("textstat poem.txt missing.txt 2>&1 > table.txt; wc -l < table.txt", b"");
    assert_eq!(text(&output.stdout), "textstat: missing.txt: No such file or directory\n2\n");
    let output = sh("echo to-stderr >&2", b"");
    assert_eq!((text(&output.stdout), text(&output.stderr)), (String::new(), "to-stderr\n".to_string()));
}

#[test]
fn redirects_cannot_leave_the_scratch_directory() {
    let outside = tempfile::tempdir().unwrap();
    let scratch_parent = outside.path();
    for line in [
        "echo x > ../escaped.txt",
        "echo x > /tmp/escaped.txt",
        "cat < /etc/passwd",
        "ln -s .. up; echo x > up/escaped.txt",
        "ln -s ../../../../../../etc up; cat < up/passwd",
    ] {
        let output = run(mirror().env("TMPDIR", scratch_parent).args(["sh", "textstat", line]), b"");
        assert_code(&output, 1);
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with("mirror: "), "{line}: {stderr}");
        assert!(!text(&output.stdout).contains("root:"), "{line}");
    }
    assert_eq!(std::fs::read_dir(scratch_parent).unwrap().count(), 0, "nothing landed beside the scratch directory");
}

#[test]
fn unknown_names_and_malformed_lines_are_input_errors() {
    let output = sh("textstat poem.txt | rev", b"");
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("`rev` is neither the task's program `textstat` nor a guest tool"));
    let output = sh("textstat poem.txt | sort *", b"");
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("column 26: `*` would glob"), "{}", text(&output.stderr));
}

#[test]
fn the_tools_are_listed() {
    let output = mirror_run(&["tools"]);
    assert_code(&output, 0);
    let listed = text(&output.stdout);
    for tool in ["cat", "echo", "printf", "head", "tail", "sort", "uniq", "wc", "tr", "cut", "seq", "base64", "od"] {
        assert!(listed.lines().any(|l| l == tool), "{tool} is listed");
    }
}

#[test]
fn names_some_platform_cannot_hold_are_refused_everywhere() {
    // The guest gets EILSEQ for such a name on every host, so no platform behaves differently.
    let output = run(mirror().args(["sh", "textstat", "touch 'a:b' 'NUL.txt' 'trailing.' ok.txt; ls"]), b"");
    assert_eq!(text(&output.stdout), "ok.txt\n");
    assert_eq!(text(&output.stderr).matches(": Illegal byte sequence").count(), 3, "{}", text(&output.stderr));
    let output = sh("echo x > 'what?'", b"");
    assert_code(&output, 1);
    assert_eq!(text(&output.stderr), "mirror: what?: not a name every platform can hold\n");
}
