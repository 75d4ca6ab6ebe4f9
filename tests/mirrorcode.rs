//! MirrorCode's gold files in and out: `mirror import mirrorcode`, `mirror export mirrorcode`,
//! its comparison rules, duals and metrics, on hand-written gold files
//! (`tests/data/mirrorcode/`) and on one recorded from a native build of choose.

mod support;

use std::path::{Path, PathBuf};

use support::*;

const CAT_GOLD: &str = "tests/data/mirrorcode/cat.jsonl";
const HOSTILE_GOLD: &str = "tests/data/mirrorcode/hostile.jsonl";
const CHOOSE_NATIVE_GOLD: &str = "tests/data/mirrorcode/choose-native.jsonl";
const COREUTILS: &str = "guest-tools/coreutils/coreutils.wasm";

/// `mirror import mirrorcode GOLD --program PROGRAM --reference MODULE -o OUT EXTRA...`.
fn import(gold: &str, program: &str, reference: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "mirrorcode", gold, "--program", program, "--reference", reference, "-o"];
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    mirror_run(&args)
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|err| panic!("{}: {err}", path.as_ref().display()))
}

/// The `cat` task imported from the hand-written gold file, with coreutils as its reference.
fn cat_task() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("cat");
    let output = import(CAT_GOLD, "cat", COREUTILS, &out, &[]);
    assert_code(&output, 0);
    (temp, out)
}

#[test]
fn import_keeps_every_row_as_a_case_with_its_gold_as_golden() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("cat");
    let output = import(CAT_GOLD, "cat", COREUTILS, &out, &[]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(shown.contains("imported 8 rows") && shown.contains("5 visible, 3 hidden"), "{shown}");
    // The ablated row's gold was written by hand to differ: a hard-coded output.
    assert!(
        shown.contains("reproduces 7 of 8 rows (87.5%) under MirrorCode's rules (3 only thanks to them)"),
        "{shown}"
    );
    assert!(shown.contains("1 differ by other output\n        hidden/hard-coded"), "{shown}");

    let task = read(out.join("task.toml"));
    for rule in ["trailing_newline = \"one\"", "status = \"mod256\"", "decode = \"utf8-lossy\"", "files = \"ignore\""] {
        assert!(task.contains(rule), "{task}");
    }
    let shown = text(&mirror_run(&["show", out.to_str().unwrap()]).stdout);
    assert!(shown.contains("compare:     trailing_newline = \"one\", status = \"mod256\""), "{shown}");
    let case = read(out.join("tests/visible/quoted_args.toml"));
    assert!(case.contains(r#"cmd = "cat 'it'\\''s a file.txt' 'sub/dir/né.txt'""#), "{case}");
    assert!(case.contains("[env]\n\"NO_COLOR\" = \"1\""), "{case}");
    assert!(case.contains("[mirrorcode]\nname = \"quoted args\"\nlabels = []\nline = 5"), "{case}");
    let binary = read(out.join("tests/visible/binary.toml"));
    assert!(binary.contains("\"data.bin\" = { base64 = \"AP/+QQo=\" }"), "{binary}");
    let dual = read(out.join("tests/hidden/hard-coded.toml"));
    assert!(dual.contains("duals = [\"plain\"]") && dual.contains("labels = [\"ablated\"]"), "{dual}");
    let golden = read(out.join("tests/hidden/hard-coded.golden.toml"));
    assert!(golden.contains("imported from mirrorcode cat.jsonl line 7"), "{golden}");
    assert!(golden.contains("stdout = \"\"\"\nhard-coded\n\"\"\""), "{golden}");
    assert!(golden.contains("[origin]\nformat = \"mirrorcode\"\nfile = \"cat.jsonl\"\nline = 7\n"), "{golden}");
    assert!(
        !temp.path().read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".mirror-import")),
        "no staging directory is left behind"
    );
}

#[test]
fn the_bundle_scores_with_mirrorcodes_rules_metrics_and_duals() {
    let (temp, out) = cat_task();
    let json = temp.path().join("report.json");
    let dir = out.to_str().unwrap();
    let reference = out.join("reference.wasm");
    let output =
        mirror_run(&["test", dir, "--candidate", reference.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert_code(&output, 1);
    let shown = text(&output.stdout);
    assert!(shown.contains("compare: trailing_newline = \"one\", status = \"mod256\""), "{shown}");
    assert!(
        shown.contains("pass rates: visible 100.0%, hidden 66.7%, all 87.5%; submission gate (visible >= 30%): open"),
        "{shown}"
    );
    assert!(shown.contains("1 hidden failure whose visible duals pass (the mark of hard-coded outputs):\n  hidden/hard-coded (duals: plain)"), "{shown}");
    assert!(shown.contains("compared under the task's rules"), "{shown}");

    let report = read_json(&json);
    assert_eq!(report["compare"]["status"], "mod256");
    assert_eq!(report["metrics"]["pass_rate"]["visible"], 1.0);
    assert_eq!(report["metrics"]["visible_pass_rate"], 1.0);
    assert_eq!(report["metrics"]["submission_gate"]["open"], true);
    assert_eq!(report["metrics"]["solved"], false);
    assert_eq!(report["dual_failures"][0]["case"], "hidden/hard-coded");
    let case = |id: &str| report["cases"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(case("gold_lacks_newline")["tolerated"][0]["rule"], "trailing-newline");
    assert_eq!(case("binary")["tolerated"][0]["rule"], "utf8-lossy");
    assert!(case("plain").get("tolerated").is_none());
    assert_eq!(case("hard-coded")["duals"][0], "plain");

    // Verbose output says which tolerance each passing case needed.
    let verbose = mirror_run(&["test", dir, "--candidate", reference.to_str().unwrap(), "-v", "--split", "visible"]);
    assert_code(&verbose, 0);
    assert!(text(&verbose.stdout).contains("PASS visible/gold_lacks_newline"), "{}", text(&verbose.stdout));
    assert!(text(&verbose.stdout).contains("  stdout: one trailing newline tolerated"), "{}", text(&verbose.stdout));

    // The same outcomes under exact rules give other verdicts and another digest.
    let lenient_digest = report["digest"].as_str().unwrap().to_string();
    let task_toml = out.join("task.toml");
    let exact = read(&task_toml).replace("status = \"mod256\"", "status = \"exact\"");
    std::fs::write(&task_toml, exact).unwrap();
    let output =
        mirror_run(&["test", dir, "--candidate", reference.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert_code(&output, 1);
    assert_ne!(read_json(&json)["digest"].as_str().unwrap(), lenient_digest);
}

#[test]
fn record_keeps_imported_goldens_and_check_reports_without_failing() {
    let (_temp, out) = cat_task();
    let before = snapshot(&out);
    let output = mirror_run(&["record", out.to_str().unwrap()]);
    assert_code(&output, 0);
    assert!(
        text(&output.stdout).contains("recorded 0 goldens, 0 written, 8 imported kept"),
        "{}",
        text(&output.stdout)
    );
    assert_eq!(snapshot(&out), before, "imported goldens are the source of truth");

    let output = mirror_run(&["record", out.to_str().unwrap(), "--check"]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(shown.contains("note: hidden/hard-coded: the reference does not reproduce its golden"), "{shown}");
    assert!(shown.contains("reproduces 7 of 8 imported goldens under the task's rules"), "{shown}");

    // A dual must be a visible case.
    let dual = out.join("tests/hidden/hard-coded.toml");
    let original = read(&dual);
    std::fs::write(&dual, original.replace("duals = [\"plain\"]", "duals = [\"nope\"]")).unwrap();
    let output = mirror_run(&["record", out.to_str().unwrap(), "--check"]);
    assert_code(&output, 2);
    assert!(
        text(&output.stderr).contains("hard-coded.toml: its dual `nope` is not a visible case"),
        "{}",
        text(&output.stderr)
    );
    std::fs::write(&dual, original).unwrap();

    // A changed case makes its imported golden stale: that is a failure, and record refuses
    // to replace the golden.
    let case = out.join("tests/visible/plain.toml");
    std::fs::write(&case, read(&case).replace("cmd = \"cat a.txt\"", "cmd = \"cat -n a.txt\"")).unwrap();
    assert_code(&mirror_run(&["record", out.to_str().unwrap(), "--check"]), 1);
    let output = mirror_run(&["record", out.to_str().unwrap()]);
    assert_code(&output, 2);
    assert!(
        text(&output.stderr).contains("visible/plain: its golden, imported from mirrorcode cat.jsonl line 1, is stale")
    );
}

#[test]
fn import_then_export_gives_back_the_same_rows() {
    let (temp, out) = cat_task();
    let exported = temp.path().join("cat.jsonl");
    let output = mirror_run(&["export", "mirrorcode", out.to_str().unwrap(), "-o", exported.to_str().unwrap()]);
    assert_code(&output, 0);
    assert!(text(&output.stdout).contains("exported 8 cases"), "{}", text(&output.stdout));
    assert_eq!(read(&exported), read(root().join(CAT_GOLD)), "byte for byte, as Python's json.dumps wrote it");

    let hostile = temp.path().join("hostile");
    assert_code(&import(HOSTILE_GOLD, "hostile", guest("hostile").to_str().unwrap(), &hostile, &[]), 0);
    let exported = temp.path().join("hostile.jsonl");
    assert_code(&mirror_run(&["export", "mirrorcode", hostile.to_str().unwrap(), "-o", exported.to_str().unwrap()]), 0);
    assert_eq!(read(&exported), read(root().join(HOSTILE_GOLD)));
}

#[test]
fn exit_codes_compare_mod_256_and_a_trap_is_its_own_cause() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("hostile");
    let output = import(HOSTILE_GOLD, "hostile", guest("hostile").to_str().unwrap(), &out, &[]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(
        shown.contains("reproduces 3 of 4 rows (75.0%) under MirrorCode's rules (1 only thanks to them)"),
        "{shown}"
    );
    assert!(
        shown.contains("1 differ by a trap or a limit (the WASI run did not exit)\n        hidden/panic"),
        "{shown}"
    );
    let golden = read(out.join("tests/hidden/abort.golden.toml"));
    assert!(golden.contains("status = 250") && golden.contains("returncode = -6"), "{golden}");

    // --record takes the reference's behaviour, which must exit on every case.
    let recorded = temp.path().join("recorded");
    let output = import(HOSTILE_GOLD, "hostile", guest("hostile").to_str().unwrap(), &recorded, &["--record"]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("the reference trapped"), "{}", text(&output.stderr));
    assert!(!recorded.exists());
}

#[test]
fn record_takes_the_goldens_from_the_reference() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("cat");
    assert_code(&import(CAT_GOLD, "cat", COREUTILS, &out, &["--record"]), 0);
    let golden = read(out.join("tests/hidden/hard-coded.golden.toml"));
    assert!(golden.contains("stdout = \"\"\"\nreal\n\"\"\"") && !golden.contains("[origin]"), "{golden}");
    assert_code(&mirror_run(&["record", out.to_str().unwrap(), "--check"]), 0);
    let reference = out.join("reference.wasm");
    assert_code(&mirror_run(&["test", out.to_str().unwrap(), "--candidate", reference.to_str().unwrap()]), 0);
}

#[test]
fn the_fuel_budget_comes_from_the_costliest_case_unless_given() {
    let (_temp, out) = cat_task();
    let costliest = ["visible", "hidden"]
        .iter()
        .flat_map(|split| std::fs::read_dir(out.join("tests").join(split)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(".golden.toml"))
        .map(|path| {
            let golden: toml::Table = toml::from_str(&read(path)).unwrap();
            golden["fuel"].as_integer().unwrap() as u64
        })
        .max()
        .unwrap();
    let task: toml::Table = toml::from_str(&read(out.join("task.toml"))).unwrap();
    assert_eq!(task["limits"]["fuel"].as_integer().unwrap() as u64, mirror::mirrorcode::fuel_budget(costliest));

    let temp = tempfile::tempdir().unwrap();
    let given = temp.path().join("given");
    assert_code(&import(CAT_GOLD, "cat", COREUTILS, &given, &["--fuel", "123456789"]), 0);
    assert!(read(given.join("task.toml")).contains("fuel = 123456789"));
}

#[test]
fn each_case_gets_its_own_env() {
    let temp = tempfile::tempdir().unwrap();
    let gold = temp.path().join("printenv.jsonl");
    let row = |name: &str, value: &str| {
        format!(
            r#"{{"test_case": {{"name": "{name}", "args": ["GREETING"], "env": {{"GREETING": "{value}"}}}}, "stdout": "{value}\n", "stderr": "", "returncode": 0}}"#
        )
    };
    std::fs::write(&gold, format!("{}\n{}\n", row("a", "hello"), row("b", "bonjour"))).unwrap();
    let out = temp.path().join("printenv");
    let output = import(gold.to_str().unwrap(), "printenv", COREUTILS, &out, &[]);
    assert_code(&output, 0);
    assert!(text(&output.stdout).contains("reproduces 2 of 2 rows"), "{}", text(&output.stdout));
}

#[test]
fn bad_rows_are_errors_naming_the_line_and_nothing_is_written() {
    let good = r#"{"test_case": {"name": "ok", "args": []}, "stdout": "", "stderr": "", "returncode": 0}"#;
    let with_case = |case: &str| format!(r#"{{"test_case": {case}, "stdout": "", "stderr": "", "returncode": 0}}"#);
    let bad = [
        ("{not json".to_string(), "line 2: key must be a string"),
        (
            r#"{"test_case": {"name": "x", "args": []}, "stdout": "", "returncode": 0}"#.into(),
            "line 2: missing field `stderr`",
        ),
        (with_case(r#"{"args": []}"#), "line 2: missing field `name`"),
        (with_case(r#"{"name": "x", "args": [], "colour": 1}"#), "line 2: unknown field `colour`"),
        (with_case(r#"{"name": "ok", "args": []}"#), "line 2: the name \"ok\" is used twice (first on line 1)"),
        (
            with_case(
                r#"{"name": "x", "args": [], "files": {"f": {"format": "error", "content": "permission denied"}}}"#,
            ),
            "line 2 (x): file \"f\" was not captured when the gold file was made: permission denied",
        ),
        (
            with_case(r#"{"name": "x", "args": [], "files": {"../f": {"format": "str", "content": ""}}}"#),
            "line 2 (x): file name \"../f\"",
        ),
        (
            with_case(r#"{"name": "x", "args": [], "files": {"/etc/f": {"format": "str", "content": ""}}}"#),
            "line 2 (x): file name \"/etc/f\"",
        ),
        (
            with_case(r#"{"name": "x", "args": [], "files": {"f": {"format": "bytes_base64", "content": "***"}}}"#),
            "line 2 (x): file \"f\": its content is not base64",
        ),
        (
            with_case(r#"{"name": "x", "args": [], "labels": ["hidden"], "visible_duals": ["nope"]}"#),
            "line 2 (x): visible_duals names \"nope\", which is not a visible row",
        ),
        (with_case(r#"{"name": "x", "args": ["a\u0000b"]}"#), "line 2 (x): an argument holds a NUL byte"),
        (with_case(r#"{"name": "x", "args": [], "env": {"A=B": "1"}}"#), "line 2 (x): env: name \"A=B\""),
    ];
    for (row, expected) in bad {
        let temp = tempfile::tempdir().unwrap();
        let gold = temp.path().join("bad.jsonl");
        std::fs::write(&gold, format!("{good}\n{row}\n")).unwrap();
        let out = temp.path().join("out");
        let output = import(gold.to_str().unwrap(), "cat", COREUTILS, &out, &[]);
        assert_code(&output, 2);
        assert!(text(&output.stderr).contains(expected), "{row}\nexpected {expected:?} in\n{}", text(&output.stderr));
        let left: Vec<_> = temp.path().read_dir().unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["bad.jsonl"], "nothing written for {row}");
    }
    // An existing directory is never written into.
    let temp = tempfile::tempdir().unwrap();
    let output = import(CAT_GOLD, "cat", COREUTILS, temp.path(), &[]);
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("exists"), "{}", text(&output.stderr));
}

#[test]
fn export_of_a_native_task_skips_what_mirrorcode_cannot_run_and_imports_back_whole() {
    let temp = tempfile::tempdir().unwrap();
    let gold = temp.path().join("hexyl.jsonl");
    let output = mirror_run(&["export", "mirrorcode", "hexyl", "-o", gold.to_str().unwrap()]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(
        shown.contains("skipped") && shown.contains("a pipe or a sequence: MirrorCode runs one command"),
        "{shown}"
    );
    let exported: usize = shown.split("exported ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(exported > 250, "{shown}");
    let out = temp.path().join("hexyl");
    let output = import(gold.to_str().unwrap(), "hexyl", "tasks-wasm/hexyl/reference.wasm", &out, &[]);
    assert_code(&output, 0);
    assert!(
        text(&output.stdout).contains(&format!("reproduces {exported} of {exported} rows")),
        "{}",
        text(&output.stdout)
    );
}

/// The gold file recorded from a native build of choose 1.3.7 by
/// `scripts/mirrorcode-native-gold` (see the README): the figure the README gives.
#[test]
fn the_wasi_reference_reproduces_the_native_choose_gold_as_the_readme_says() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("choose");
    let output = import(CHOOSE_NATIVE_GOLD, "choose", "tasks-wasm/choose/reference.wasm", &out, &["-v"]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(shown.contains(CHOOSE_NATIVE_FIGURE), "{shown}");
}

/// What the README says of the native choose gold.
const CHOOSE_NATIVE_FIGURE: &str = "    2 differ by OS error numbers (WASI numbers errno differently)\n        visible/missing-input\n        hidden/missing-input-h\nthe WASI reference reproduces 287 of 289 rows (99.3%)";
