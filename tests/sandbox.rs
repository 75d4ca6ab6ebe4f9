//! The probe guest: what a program sees is the same on every run, under any host settings,
//! and nothing it tries reaches the host.

mod support;

use std::path::Path;
use std::process::Output;

use support::*;

/// A task whose program is the probe, with one case per stdin/files/args variation.
fn probe_task(dir: &Path) {
    let module = std::fs::read(guest("probe")).unwrap();
    let cases = [
        ("visible", "plain", "cmd = \"probe\"\n"),
        ("visible", "stdin", "cmd = \"probe\"\nstdin = \"typed input\\n\"\n"),
        ("visible", "files", "cmd = \"probe first\"\n[files]\n\"a.txt\" = \"A\\n\"\n\"sub/b.txt\" = \"B\\n\"\n\"z.txt\" = \"\"\n\"m.txt\" = { base64 = \"/wA=\" }\n"),
        ("hidden", "args", "cmd = \"probe 'two words' --flag\"\n"),
        ("hidden", "many-files", &many_files_case()),
    ];
    write_task(dir, "probe", &module, "\n[env]\nPROBE_ENV = \"fixed\"\n", &cases);
}

fn many_files_case() -> String {
    let mut case = String::from("cmd = \"probe\"\n[files]\n");
    // Created in an order unlike their sorted one.
    for i in [7, 3, 9, 1, 12, 5, 10, 2, 11, 4, 8, 6] {
        case.push_str(&format!("\"f{i:02}.txt\" = \"{}\"\n", "x".repeat(i)));
    }
    case
}

/// `mirror exec` of the probe task with host settings changed by `configure`.
fn exec_probe(task: &Path, host_dir: &Path, configure: impl FnOnce(&mut std::process::Command)) -> Output {
    let mut command = mirror();
    command.args(["exec", task.to_str().unwrap(), "--", host_dir.to_str().unwrap()]);
    configure(&mut command);
    let output = run(&mut command, b"the same stdin\n");
    assert_code(&output, 0);
    output
}

#[test]
fn what_the_probe_observes_is_fixed() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("probe");
    probe_task(&task);
    let output = exec_probe(&task, temp.path(), |_| {});
    let seen = text(&output.stdout);
    for expected in [
        "env: [(\"PROBE_ENV\", \"fixed\")]",
        "wall clock: 1000000000.000000000",
        "clock_time_get: realtime 1000000000000000000 monotonic 0",
        "monotonic after sleep(250ms): 250.00",
        "poll_oneoff: errno 0, fired [2]",
        "stdin: Ok(15) then \"the same stdin\\n\"",
        "stdin past EOF: Ok(0)",
        "preopen fd 3: \"/\"",
        "preopen fd 4: \".\"",
        "dev 0 ino 2 nlink 1",
        // The probe's third change creates made/deeper/new.txt, its fourth writes it: the
        // file clock moves 1 µs per change from the fixed instant.
        "new.txt: type FileType { is_file: true, is_dir: false, is_symlink: false, .. } len 21 modified Some(1000000000.000004s) accessed Some(1000000000.000003s)",
        "atim 1000000000000003000 mtim 1000000000000004000 ctim 1000000000000004000",
    ] {
        assert!(seen.contains(expected), "missing {expected:?} in\n{seen}");
    }
    for fd in 0..3 {
        // 2 would be a character device: a terminal.
        assert!(seen.contains(&format!("fd {fd} filetype: 0")), "stdio {fd} is a pipe, never a terminal:\n{seen}");
    }
}

/// A change to the host settings `mirror` runs under.
type Configure<'a> = Box<dyn Fn(&mut std::process::Command) + 'a>;

#[test]
fn the_probe_sees_the_same_under_any_host_settings() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("probe");
    probe_task(&task);
    let baseline = exec_probe(&task, temp.path(), |_| {});
    let other_cwd = tempfile::tempdir().unwrap();
    let other_tmp = tempfile::tempdir().unwrap();
    let variations: [(&str, Configure); 5] = [
        ("again", Box::new(|_| {})),
        (
            "TZ",
            Box::new(|c| {
                c.env("TZ", "Pacific/Chatham");
            }),
        ),
        (
            "LANG and HOME",
            Box::new(|c| {
                c.env("LANG", "tr_TR.UTF-8").env("LC_ALL", "tr_TR.UTF-8").env("HOME", "/nonexistent");
            }),
        ),
        (
            "working directory",
            Box::new(|c| {
                c.current_dir(other_cwd.path());
            }),
        ),
        (
            "scratch location",
            Box::new(|c| {
                c.env("TMPDIR", other_tmp.path());
            }),
        ),
    ];
    for (what, configure) in variations {
        let output = exec_probe(&task, temp.path(), configure);
        assert_eq!(text(&output.stdout), text(&baseline.stdout), "changing {what} changed what the probe saw");
        assert_eq!(output.stderr, baseline.stderr);
    }
}

#[test]
fn directory_listings_come_sorted() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("probe");
    probe_task(&task);
    let dir = tempfile::tempdir().unwrap();
    for i in [7, 3, 9, 1, 12, 5] {
        std::fs::write(dir.path().join(format!("f{i:02}.txt")), "x").unwrap();
    }
    let mut command = mirror();
    command.args(["exec", task.to_str().unwrap()]);
    for i in [7, 3, 9, 1, 12, 5] {
        command.arg("--file").arg(dir.path().join(format!("f{i:02}.txt")));
    }
    let output = run(&mut command, b"");
    assert_code(&output, 0);
    let listed: Vec<String> = text(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("entry ./f").map(|rest| rest[..2].to_string()))
        .collect();
    assert_eq!(listed, ["01", "03", "05", "07", "09", "12"]);
}

#[test]
fn every_escape_attempt_fails_and_the_host_is_untouched() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("probe");
    probe_task(&task);
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("secret.txt"), "host-secret-4f1d\n").unwrap();
    let scratch_parent = tempfile::tempdir().unwrap();
    let before = snapshot(secret.path());
    let output = exec_probe(&task, secret.path(), |c| {
        c.env("TMPDIR", scratch_parent.path());
    });
    let seen = text(&output.stdout);
    let attempts: Vec<&str> = seen.lines().filter(|l| l.starts_with("escape ")).collect();
    assert!(attempts.len() >= 25, "the probe tried its escapes:\n{seen}");
    let escaped: Vec<&&str> = attempts.iter().filter(|l| !l.contains(": blocked (")).collect();
    assert!(escaped.is_empty(), "escapes succeeded: {escaped:#?}");
    assert!(!seen.contains("host-secret"), "host data reached the guest");
    assert_eq!(snapshot(secret.path()), before, "the host directory is unchanged");
    let left: Vec<_> = std::fs::read_dir(scratch_parent.path()).unwrap().collect();
    assert!(left.is_empty(), "the scratch directory is removed and nothing landed beside it: {left:?}");
}

#[test]
fn results_do_not_depend_on_parallelism() {
    let temp = tempfile::tempdir().unwrap();
    let task = temp.path().join("probe");
    probe_task(&task);
    let task_arg = task.to_str().unwrap();
    assert_code(&mirror_run(&["record", task_arg, "-j", "1"]), 0);
    for jobs in ["2", "5"] {
        assert_code(&mirror_run(&["record", task_arg, "--check", "-j", jobs]), 0);
    }
    let mut digests = Vec::new();
    for jobs in ["1", "4"] {
        let report = temp.path().join(format!("report-{jobs}.json"));
        let output = mirror_run(&[
            "test",
            task_arg,
            "--candidate",
            guest("probe").to_str().unwrap(),
            "-j",
            jobs,
            "--json",
            report.to_str().unwrap(),
        ]);
        assert_code(&output, 0);
        digests.push(read_json(&report)["digest"].as_str().unwrap().to_string());
    }
    assert_eq!(digests[0], digests[1]);
}

/// The determinism guest's whole output, on every platform Mirror supports (see
/// `scripts/cross-check`). A change here means guests can observe something new.
const DETERMINISM_DIGEST: &str = "969dbc10c8ed607331130d97328bc8cc7acb97c26c11a95f78d7a7161102a395";

#[test]
fn the_determinism_guest_prints_its_pinned_digest() {
    use sha2::Digest;
    let output = mirror_run(&["exec", "determinism", "--", "all"]);
    assert_code(&output, 0);
    let digest: String = sha2::Sha256::digest(&output.stdout).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest, DETERMINISM_DIGEST, "output:\n{}", text(&output.stdout));
    let rebuilt = guest("determinism");
    let output = mirror_run(&["record", "determinism", "--check", "--reference", rebuilt.to_str().unwrap()]);
    assert_code(&output, 0);
}
