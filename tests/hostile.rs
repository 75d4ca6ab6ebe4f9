//! Hostile guests and hostile input: the right verdict for each misbehaviour, nothing that
//! leaks between cases or out to the host, and no panic on malformed input.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use mirror::outcome::Termination;
use mirror::sandbox::{Invocation, Limits, Sandbox, Scratch};
use mirror::task::{Case, Golden, Split, Task};
use proptest::prelude::*;
use support::*;

/// A task whose reference is `calm` (prints "fine") and whose program name is `hostile`, so
/// that scoring the hostile guest gives one verdict per misbehaviour.
fn hostile_task(dir: &Path, extra_cases: &[(&str, String)]) {
    let calm = std::fs::read(guest("calm")).unwrap();
    let mut cases: Vec<(&str, String)> = [
        ("ok-first", "hostile ok"),
        ("loop", "hostile loop"),
        ("memory", "hostile memory"),
        ("ok-after-memory", "hostile ok"),
        ("stdout-flood", "hostile stdout"),
        ("stderr-flood", "hostile stderr"),
        ("files-flood", "hostile files"),
        ("bytes-flood", "hostile bytes"),
        ("recursion", "hostile recurse"),
        ("panic", "hostile panic"),
        ("divide-by-zero", "hostile divide"),
        ("exit-3", "hostile exit 3"),
        ("exit-256", "hostile exit 256"),
        ("stdin-past-eof", "hostile stdin"),
        ("close-stdio", "hostile close-stdio"),
        ("sparse-file", "hostile sparse 65536"),
        ("sparse-then-redirect", "hostile sparse 65536; hostile ok < seek.bin"),
        ("hard-links", "hostile links 512 3"),
        ("descriptors", "hostile descriptors"),
        ("deep-tree", "hostile deep"),
        ("inodes", "hostile inodes"),
        ("ok-last", "hostile ok"),
    ]
    .into_iter()
    .map(|(id, cmd)| (id, format!("cmd = \"{cmd}\"\n")))
    .collect();
    cases.extend(extra_cases.iter().cloned());
    let cases: Vec<(&str, &str, &str)> = cases.iter().map(|(id, case)| ("visible", *id, case.as_str())).collect();
    let limits = "\n[limits]\nfuel = 300_000_000\nmemory_mib = 64\nstdout_bytes = 65536\nstderr_bytes = 65536\n\
                  files_created = 50\nfile_bytes_written = 1048576\n";
    write_task(dir, "hostile", &calm, limits, &cases);
}

#[test]
fn each_misbehaviour_gets_its_verdict_and_no_other_case_is_touched() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("hostile");
    let huge_argv = format!("cmd = \"hostile ok {}\"\n", "argument ".repeat(20_000));
    hostile_task(&task, &[("huge-argv", huge_argv)]);
    let task_arg = task.to_str().unwrap();
    assert_code(&mirror_run(&["record", task_arg]), 0);

    let scratch_parent = tempfile::tempdir().unwrap();
    let mut digests = Vec::new();
    for jobs in ["1", "3"] {
        let report = temp.path().join(format!("report-{jobs}.json"));
        let output = run(
            mirror().env("TMPDIR", scratch_parent.path()).args([
                "test",
                task_arg,
                "--candidate",
                guest("hostile").to_str().unwrap(),
                "-j",
                jobs,
                "--json",
                report.to_str().unwrap(),
            ]),
            b"",
        );
        assert_code(&output, 1);
        let report = read_json(&report);
        let verdicts: BTreeMap<String, String> = report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap().to_string(), c["verdict"].as_str().unwrap().to_string()))
            .collect();
        let expected: BTreeMap<String, String> = [
            ("ok-first", "pass"),
            ("loop", "time-limit"),
            ("memory", "memory-limit"),
            ("ok-after-memory", "pass"),
            ("stdout-flood", "output-limit"),
            ("stderr-flood", "output-limit"),
            ("files-flood", "output-limit"),
            ("bytes-flood", "output-limit"),
            ("recursion", "runtime-error"),
            ("panic", "runtime-error"),
            ("divide-by-zero", "runtime-error"),
            ("exit-3", "wrong-output"),
            ("exit-256", "wrong-output"),
            ("stdin-past-eof", "wrong-output"),
            ("close-stdio", "wrong-output"),
            ("sparse-file", "output-limit"),
            ("sparse-then-redirect", "output-limit"),
            ("hard-links", "output-limit"),
            ("descriptors", "wrong-output"),
            ("deep-tree", "wrong-output"),
            ("inodes", "wrong-output"),
            ("ok-last", "pass"),
            ("huge-argv", "pass"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(verdicts, expected, "-j {jobs}");
        let fuel =
            |id: &str| report["cases"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["fuel"].clone();
        assert_eq!(fuel("loop"), 300_000_000, "the loop stops exactly at the fuel budget");
        digests.push(report["digest"].as_str().unwrap().to_string());
        for id in ["sparse-file", "sparse-then-redirect"] {
            let case = report["cases"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().to_string();
            assert!(case.len() < 64 << 10, "{id}: a sparse file stays out of the report ({} bytes)", case.len());
        }
    }
    assert_eq!(digests[0], digests[1], "the same digest whatever -j is");
    assert_eq!(std::fs::read_dir(scratch_parent.path()).unwrap().count(), 0, "every scratch directory is gone");
}

#[test]
fn a_module_declaring_more_memory_than_allowed_is_a_memory_limit() {
    let sandbox = Sandbox::new(1, None).unwrap();
    let module = wat::parse_str(r#"(module (memory (export "memory") 20000) (func (export "_start")))"#).unwrap();
    let program = sandbox.load_bytes(&module).unwrap();
    let mut scratch = Scratch::new(&BTreeMap::new()).unwrap();
    let limits = Limits { memory_mib: 64, ..Limits::default() };
    let args = ["big".to_string()];
    let invocation = Invocation { args: &args, env: &[], stdin: b"", stderr_joins_stdout: false, limits: &limits };
    let run = sandbox.run(&program, &invocation, scratch.path()).unwrap();
    assert!(matches!(run.termination, Termination::MemoryExhausted(_)), "{:?}", run.termination);
}

#[test]
fn an_oversized_module_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.wasm");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(mirror::sandbox::MAX_MODULE_BYTES + 1).unwrap();
    let output = mirror_run(&["test", "textstat", "--candidate", path.to_str().unwrap()]);
    assert_code(&output, 2);
    assert!(
        text(&output.stderr).contains("huge.wasm: larger than the 268435456 bytes Mirror reads"),
        "{}",
        text(&output.stderr)
    );
}

/// The byte range of a module's data section contents (all but its first 16 bytes, which
/// hold the segment headers).
fn data_section(module: &[u8]) -> std::ops::Range<usize> {
    let leb = |at: &mut usize| {
        let mut value = 0usize;
        let mut shift = 0;
        loop {
            let byte = module[*at];
            *at += 1;
            value |= ((byte & 0x7f) as usize) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                return value;
            }
        }
    };
    let mut at = 8;
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb(&mut at);
        if id == 11 {
            return at + 16..at + size;
        }
        at += size;
    }
    panic!("the module has a data section")
}

/// Mutated, truncated and random modules: each loads or is refused, and each one that loads
/// runs to a termination; nothing panics.
#[test]
fn damaged_modules_never_panic_the_runner() {
    let sandbox = Sandbox::new(1, None).unwrap();
    let original = std::fs::read(guest("hostile")).unwrap();
    let limits = Limits { fuel: 20_000_000, wall_seconds: 5, ..Limits::default() };
    let mut seed = 0x5eed_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut tried = 0;
    let mut loaded = 0;
    let mut refusals = std::collections::BTreeSet::new();
    let data = data_section(&original);
    for round in 0..120 {
        let mut bytes = original.clone();
        match round % 4 {
            // Data segment bytes: the module stays valid and runs on different data.
            3 => {
                for _ in 0..1 + next() % 8 {
                    let at = data.start + (next() as usize) % data.len();
                    bytes[at] = next() as u8;
                }
            }
            0 => {
                for _ in 0..1 + next() % 8 {
                    let at = (next() as usize) % bytes.len();
                    bytes[at] = next() as u8;
                }
            }
            1 => bytes.truncate((next() as usize) % bytes.len()),
            _ => bytes = (0..(next() % 4096) as usize).map(|_| next() as u8).collect(),
        }
        tried += 1;
        let program = match sandbox.load_bytes(&bytes) {
            Ok(program) => program,
            Err(err) => {
                refusals.insert(format!("{err:#}").chars().take(60).collect::<String>());
                continue;
            }
        };
        loaded += 1;
        let mut scratch = Scratch::new(&BTreeMap::new()).unwrap();
        let args = ["hostile".to_string(), "ok".to_string()];
        let invocation = Invocation { args: &args, env: &[], stdin: b"", stderr_joins_stdout: false, limits: &limits };
        sandbox.run(&program, &invocation, scratch.path()).expect("a loaded module runs to some termination");
    }
    assert_eq!(tried, 120);
    assert!(loaded > 0, "some mutations still load and run; refusals: {refusals:#?}");
}

#[cfg(unix)]
#[test]
fn an_interrupted_or_terminated_run_removes_its_scratch_directories() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("hostile");
    hostile_task(&task, &[]);
    let task_arg = task.to_str().unwrap();
    assert_code(&mirror_run(&["record", task_arg]), 0);
    // Long enough to be stopped mid-run.
    let toml = std::fs::read_to_string(task.join("task.toml")).unwrap();
    std::fs::write(task.join("task.toml"), toml.replace("fuel = 300_000_000", "fuel = 400_000_000_000")).unwrap();
    for signal in ["INT", "TERM", "HUP"] {
        let scratch_parent = tempfile::tempdir().unwrap();
        let mut child = mirror()
            .env("TMPDIR", scratch_parent.path())
            .args(["test", task_arg, "--candidate", guest("hostile").to_str().unwrap(), "--filter", "loop", "-q"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::fs::read_dir(scratch_parent.path()).unwrap().count() == 0 {
            assert!(std::time::Instant::now() < deadline, "the run made a scratch directory");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let sent =
            std::process::Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "SIG{signal}");
        let left = std::fs::read_dir(scratch_parent.path()).unwrap().count();
        assert_eq!(left, 0, "no scratch directory is left behind after SIG{signal}");
    }
}

#[test]
fn ten_thousand_cases_give_the_same_digest_at_any_parallelism() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("many");
    let calm = std::fs::read(guest("calm")).unwrap();
    write_task(&task, "calm", &calm, "", &[]);
    let visible = task.join("tests/visible");
    std::fs::create_dir_all(&visible).unwrap();
    for i in 0..10_000 {
        std::fs::write(visible.join(format!("case-{i:05}.toml")), format!("cmd = \"calm {i}\"\n")).unwrap();
    }
    let task_arg = task.to_str().unwrap();
    assert_code(&mirror_run(&["record", task_arg, "-j", "2"]), 0);
    let mut digests = Vec::new();
    for jobs in ["1", "2"] {
        let report = temp.path().join(format!("r{jobs}.json"));
        let candidate = guest("calm");
        let output = mirror_run(&[
            "test",
            task_arg,
            "--candidate",
            candidate.to_str().unwrap(),
            "-j",
            jobs,
            "--json",
            report.to_str().unwrap(),
            "-q",
        ]);
        assert_code(&output, 0);
        assert_eq!(text(&output.stdout), "calm: 10000 passed, 0 failed\n");
        digests.push(read_json(&report)["digest"].as_str().unwrap().to_string());
    }
    assert_eq!(digests[0], digests[1]);
}

fn textstat_task() -> Task {
    Task::load(&root().join("tasks-wasm/textstat")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_shell_parser_never_panics(line in "[ -~\\t\\n'\"\\\\|&;<>()$*?#2]{0,80}") {
        let _ = mirror::shell::parse(&line);
    }

    #[test]
    fn the_shell_parser_never_panics_on_any_text(line in "\\PC{0,60}") {
        let _ = mirror::shell::parse(&line);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn task_files_never_panic_the_parser(text in "(name|program|tools|reference|module|sha256|env|limits|fuel|\\[|\\]|=|\"|[a-z0-9_]|\\n| |\\{|\\}|,|\\.){0,120}") {
        let _ = Task::parse(&text, Path::new("."));
    }

    #[test]
    fn mutated_task_files_never_panic_the_parser(at in 0usize..400, byte in any::<u8>()) {
        let mut text = std::fs::read(root().join("tasks-wasm/textstat/task.toml")).unwrap();
        let at = at % text.len();
        text[at] = byte;
        let _ = Task::parse(&String::from_utf8_lossy(&text), Path::new("."));
    }

    #[test]
    fn case_files_never_panic_the_parser(text in "(cmd|stdin|files|fixture|base64|textstat|\\[|\\]|=|\"|'|[a-z0-9./|<>&;]|\\n| |\\{|\\}|,){0,120}") {
        let _ = Case::parse(&text, "fuzz".into(), Split::Visible, &textstat_task());
    }

    #[test]
    fn mutated_modules_never_panic_the_passes(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4)) {
        // channels.wat has every kind of block, branch, call, float and SIMD operation the
        // passes rewrite.
        static MODULE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let module = MODULE.get_or_init(|| wat::parse_file(root().join("guest-tools/nan/channels.wat")).unwrap());
        let mut bytes = module.clone();
        for (at, byte) in edits {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        let _ = mirror::sandbox::metering::meter(&bytes);
        let _ = mirror::sandbox::canonicalize::canonicalize_nans(&bytes);
    }

    #[test]
    fn golden_files_never_panic_the_parser(text in "(inputs_sha256|fuel|status|stdout|stderr|removed|files|base64|symlink|directory|true|\\[|\\]|=|\"|[a-z0-9]|\\n| |\\{|\\}|,|-){0,120}") {
        let _ = Golden::parse(&text);
    }
}

/// A task whose reference is the hostile guest itself, for `mirror exec` probes.
fn hostile_reference_task(dir: &Path) {
    let hostile = std::fs::read(guest("hostile")).unwrap();
    write_task(dir, "hostile", &hostile, "\n[limits]\nfile_bytes_written = 1048576\n", &[]);
}

/// A host that reuses freed inodes (ext4) and one that does not (tmpfs) give a guest that
/// creates, stats and removes files the same numbers, all different.
#[test]
fn inode_numbers_are_the_same_on_every_file_system() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("hostile");
    hostile_reference_task(&task);
    let on_disk = tempfile::tempdir().unwrap();
    let mut scratch_parents = vec![on_disk.path().to_path_buf()];
    let in_memory = Path::new("/dev/shm");
    let in_memory = in_memory.is_dir().then(|| tempfile::tempdir_in(in_memory).unwrap());
    scratch_parents.extend(in_memory.iter().map(|dir| dir.path().to_path_buf()));
    for parent in &scratch_parents {
        let output = run(mirror().env("TMPDIR", parent).args(["exec", task.to_str().unwrap(), "--", "inodes"]), b"");
        assert_code(&output, 0);
        assert_eq!(text(&output.stdout), "first 1, second 2, third 3, dir 4\n", "scratch under {}", parent.display());
    }
}

/// A full disk under TMPDIR is the host's fault: mirror says so and exits 2, where a guest
/// would otherwise see `ENOSPC` for a write within its budget and fail the case.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_under_tmpdir_is_a_host_error() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("hostile");
    hostile_reference_task(&task);
    let small = temp.path().join("small-tmp");
    std::fs::create_dir(&small).unwrap();
    let probe = std::process::Command::new("bwrap")
        .args(["--dev-bind", "/", "/", "--size", "262144", "--tmpfs"])
        .arg(&small)
        .arg("true")
        .status();
    if !probe.is_ok_and(|status| status.success()) {
        eprintln!("skipped: bubblewrap cannot mount a small tmpfs here");
        return;
    }
    let mut command = std::process::Command::new("bwrap");
    command
        .args(["--dev-bind", "/", "/", "--size", "262144", "--tmpfs"])
        .arg(&small)
        .arg(env!("CARGO_BIN_EXE_mirror"))
        .args(["exec", task.to_str().unwrap(), "--", "bytes"])
        .current_dir(root())
        .env("MIRROR_CACHE_DIR", cache_dir())
        .env("TMPDIR", &small);
    let output = run(&mut command, b"");
    assert_code(&output, 3);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("the file system holding the scratch directory is full"), "{stderr}");
}
