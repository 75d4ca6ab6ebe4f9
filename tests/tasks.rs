//! Every bundled task: its goldens reproduce, its reference passes, its recipe rebuilds it,
//! and its fidelity to a native build of the same program is what the README says.

mod support;

use support::*;

fn task_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tasks-wasm"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_task_reproduces_its_goldens_and_passes_with_its_reference() {
    for name in task_names() {
        assert_code(&mirror_run(&["record", &name, "--check"]), 0);
        let reference = format!("tasks-wasm/{name}/reference.wasm");
        let output = mirror_run(&["test", &name, "--candidate", &reference, "-q"]);
        assert_code(&output, 0);
    }
}

#[test]
fn real_program_tasks_are_the_size_of_mirrorcode_suites() {
    let output = mirror_run(&["list"]);
    assert_code(&output, 0);
    let listed = text(&output.stdout);
    let hexyl = listed.lines().find(|l| l.starts_with("hexyl\t")).expect("hexyl is listed");
    assert!(hexyl.contains("151 visible, 151 hidden"), "{hexyl}");
    let choose = listed.lines().find(|l| l.starts_with("choose\t")).expect("choose is listed");
    assert!(choose.contains("152 visible, 152 hidden"), "{choose}");
    let nonogrid = listed.lines().find(|l| l.starts_with("nonogrid\t")).expect("nonogrid is listed");
    assert!(nonogrid.contains("150 visible, 150 hidden"), "{nonogrid}");
    let jq = listed.lines().find(|l| l.starts_with("jq\t")).expect("jq is listed");
    assert!(jq.contains("174 visible, 173 hidden"), "{jq}");
    let brotlid = listed.lines().find(|l| l.starts_with("brotlid\t")).expect("brotlid is listed");
    assert!(brotlid.contains("201 visible, 201 hidden"), "{brotlid}");
    let gron = listed.lines().find(|l| l.starts_with("gron\t")).expect("gron is listed");
    assert!(gron.contains("209 visible, 209 hidden"), "{gron}");
}

#[test]
fn recipes_rebuild_the_pinned_references_byte_for_byte() {
    for name in ["textstat", "determinism"] {
        let output = mirror_run(&["reference", name]);
        assert_code(&output, 0);
        assert!(
            text(&output.stdout).contains("byte for byte the pinned reference"),
            "{name}: {}",
            text(&output.stdout)
        );
    }
}

/// Fidelity runs cases through the host's POSIX `sh`.
#[cfg(unix)]
#[test]
fn fidelity_to_native_builds_with_differences_by_cause() {
    let output = mirror_run(&["fidelity", "textstat", "-v"]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(shown.contains("1 differ by stderr wording only\n       hidden/read-directory\n"), "{shown}");
    assert!(shown.contains("matches the native build on 85 of 86 cases (98.8%)"), "{shown}");

    let output = mirror_run(&["fidelity", "hexyl", "-v"]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(shown.contains("2 differ by OS error numbers"), "{shown}");
    assert!(shown.contains("visible/missing-file\n"), "{shown}");
    assert!(shown.contains("matches the native build on 300 of 302 cases (99.3%)"), "{shown}");

    let output = mirror_run(&["fidelity", "choose", "-v"]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(shown.contains("2 differ by OS error numbers"), "{shown}");
    assert!(shown.contains("matches the native build on 302 of 304 cases (99.3%)"), "{shown}");
}

/// jq's reference is C: its recipe needs clang with wasi-libc, which CI installs.
#[cfg(unix)]
#[test]
fn jq_built_from_c_matches_its_native_build() {
    let clang = std::process::Command::new("clang").arg("--version").output().is_ok_and(|o| o.status.success());
    let wasi_libc = std::path::Path::new("/usr/include/wasm32-wasi/stdio.h").is_file();
    if !(clang && wasi_libc) {
        assert!(std::env::var_os("MIRROR_REQUIRE_TOOLCHAINS").is_none(), "clang with wasi-libc is required here");
        eprintln!("skipped: clang with wasi-libc is not installed (.ci/run installs it)");
        return;
    }
    let output = mirror_run(&["fidelity", "jq"]);
    assert_code(&output, 0);
    assert!(
        text(&output.stdout).contains("matches the native build on 347 of 347 cases (100.0%)"),
        "{}",
        text(&output.stdout)
    );
}
