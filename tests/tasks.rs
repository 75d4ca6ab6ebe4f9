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
    for (name, counts) in [
        ("cal", "158 visible, 158 hidden"),
        ("rev", "65 visible, 65 hidden"),
        ("uuidparse", "65 visible, 65 hidden"),
        ("numfmt", "175 visible, 175 hidden"),
        ("dirname", "22 visible, 22 hidden"),
        ("false", "12 visible, 12 hidden"),
        ("sed", "225 visible, 225 hidden"),
        ("brotlid", "201 visible, 201 hidden"),
        ("gron", "209 visible, 209 hidden"),
    ] {
        let line =
            listed.lines().find(|l| l.starts_with(&format!("{name}\t"))).unwrap_or_else(|| panic!("{name} is listed"));
        assert!(line.contains(counts), "{line}");
    }
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

/// The WASI compatibility layer the C references build with (guest-tools/wasi-compat) makes
/// a program print what its glibc build prints: getopt's messages, strerror texts, err/warn,
/// __progname, EISDIR, fgetws on invalid UTF-8 and stdout's buffering. A probe built both
/// ways agrees on every case; linked without the layer, it does not.
#[cfg(unix)]
#[test]
fn wasi_compat_layer_behaves_like_glibc() {
    let clang = std::process::Command::new("clang").arg("--version").output().is_ok_and(|o| o.status.success());
    if !(clang && std::path::Path::new("/usr/include/wasm32-wasi/stdio.h").is_file()) {
        assert!(std::env::var_os("MIRROR_REQUIRE_TOOLCHAINS").is_none(), "clang with wasi-libc is required here");
        eprintln!("skipped: clang with wasi-libc is not installed (.ci/run installs it)");
        return;
    }
    let probe = root().join("guest-tools/wasi-compat/tests/probe.c");
    let driver = root().join("guest-tools/wasi-compat/cc");
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("probe.wasm");
    let built = std::process::Command::new(&driver).arg("-O2").arg("-o").arg(&module).arg(&probe).status().unwrap();
    assert!(built.success(), "{} cannot build {}", driver.display(), probe.display());

    let task = dir.path().join("probe");
    let case = |cmd: &str, rest: &str| format!("cmd = {cmd:?}\n{rest}");
    let files = "[files]\n\"good.txt\" = \"h\u{e9}llo\\n\"\n\"dir/inside.txt\" = \"x\\n\"\n\"bad.txt\" = { base64 = \"Yf9iCg==\" }\n";
    let cases = [
        case("probe -a --alpha -b1 --beta=x --gam --gamma=y -c -cz one --bra two -- -a", ""),
        case("probe -x -b", ""),
        case("probe --beta", ""),
        case("probe --delta=1 --alpha=1", ""),
        case("probe --b", ""),
        case("probe good.txt missing.txt dir bad.txt", files),
        case("probe missing.txt 2>&1", ""),
        case("probe one -a", "[env]\nPOSIXLY_CORRECT = \"1\"\n"),
    ];
    let ids: Vec<String> = (1..=cases.len()).map(|i| format!("case-{i}")).collect();
    let listed: Vec<(&str, &str, &str)> =
        cases.iter().zip(&ids).map(|(case, id)| ("visible", id.as_str(), case.as_str())).collect();
    let recipe = "[reference.build]\nscript = \"build.sh\"\nbin = \"probe\"\n\n[env]\nLANG = \"C.UTF-8\"\n";
    write_task(&task, "probe", &std::fs::read(&module).unwrap(), recipe, &listed);
    std::fs::write(
        task.join("build.sh"),
        format!(
            "set -e\ncase $1 in\n    wasi) '{}' -O2 -o \"$2/probe.wasm\" '{}' ;;\n    native) cc -O2 -o \"$2/probe\" '{}' ;;\nesac\n",
            driver.display(),
            probe.display(),
            probe.display()
        ),
    )
    .unwrap();

    let task = task.to_str().unwrap();
    assert_code(&mirror_run(&["record", task]), 0);
    let output = mirror_run(&["fidelity", task, "-v"]);
    assert_code(&output, 0);
    let shown = text(&output.stdout);
    assert!(shown.contains("matches the native build on 8 of 8 cases (100.0%)"), "{shown}");
}
