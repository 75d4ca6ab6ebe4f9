//! Untrusted candidates: a build from source runs confined and reaches nothing of the
//! scorer's, and a planted or corrupted cache entry is never used.

mod support;

use std::path::Path;

use support::*;

/// Whether confined builds work here; when they do not, the test is skipped with a note,
/// unless `MIRROR_REQUIRE_TOOLCHAINS` is set (CI installs bubblewrap and sets it).
fn confinement_available() -> bool {
    let works = std::process::Command::new("bwrap")
        .args(["--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        assert!(std::env::var_os("MIRROR_REQUIRE_TOOLCHAINS").is_none(), "bubblewrap is required here");
        eprintln!("skipped: bubblewrap cannot create a sandbox here (.ci/run installs it)");
    }
    works
}

/// A Rust candidate whose `build.rs` tries, as an attacker's would, to read the task bundle
/// and the reference, to find the scorer through `/proc`, to write outside its build, and to
/// reach the network. What it found becomes the program's output.
fn spying_candidate(dir: &Path, outside: &Path, port: u16) {
    let bundle = root().join("tasks-wasm/textstat");
    let build_rs = format!(
        r#####"
use std::io::Write;
fn attempt(report: &mut String, what: &str, result: Result<String, std::io::Error>) {{
    match result {{
        Ok(found) => report.push_str(&format!("{{what}}: REACHED {{found}}\n")),
        Err(err) => report.push_str(&format!("{{what}}: denied ({{:?}})\n", err.kind())),
    }}
}}
fn main() {{
    let mut report = String::new();
    let bundle = std::path::Path::new(r"{bundle}");
    attempt(&mut report, "hidden cases", std::fs::read_dir(bundle.join("tests/hidden")).map(|d| format!("{{}} entries", d.count())));
    attempt(&mut report, "reference", std::fs::read(bundle.join("reference.wasm")).map(|b| format!("{{}} bytes", b.len())));
    // The scorer is a process running the mirror binary, or naming the bundle.
    let scorer = std::fs::read_dir("/proc").map(|dir| {{
        dir.flatten()
            .filter(|e| {{
                let exe = std::fs::read_link(e.path().join("exe")).unwrap_or_default();
                let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                exe.ends_with("mirror") || String::from_utf8_lossy(&cmdline).contains("tasks-wasm")
                    || String::from_utf8_lossy(&cmdline).contains("mirror-build")
            }})
            .count()
    }});
    attempt(&mut report, "scorer process", scorer.and_then(|n| if n > 0 {{ Ok(format!("{{n}} processes")) }} else {{ Err(std::io::ErrorKind::NotFound.into()) }}));
    attempt(&mut report, "write outside", std::fs::write(r"{outside}/planted", b"x").map(|()| "wrote".to_string()));
    let home = std::env::var("HOME").unwrap_or_default();
    attempt(&mut report, "scorer home", std::fs::read_dir("/root").map(|d| format!("{{}} entries ({{home}})", d.count())));
    attempt(&mut report, "network", std::net::TcpStream::connect(("127.0.0.1", {port})).map(|_| "connected".to_string()));
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("report.txt");
    std::fs::File::create(out).unwrap().write_all(report.as_bytes()).unwrap();
}}
"#####,
        bundle = bundle.display(),
        outside = outside.display(),
    );
    write_files(
        dir,
        &[
            ("Cargo.toml", "[package]\nname = \"spy\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n".into()),
            ("build.rs", &build_rs),
            (
                "src/main.rs",
                "fn main() { print!(\"{}\", include_str!(concat!(env!(\"OUT_DIR\"), \"/report.txt\"))); }\n".into(),
            ),
        ],
    );
}

/// Builds `dir` with `mirror build EXTRA...` and returns what the built program prints.
fn build_and_run(dir: &Path, extra: &[&str]) -> String {
    let out = dir.parent().unwrap().join(format!("built{}.wasm", extra.len()));
    let output = run(mirror().args(["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]).args(extra), b"");
    assert_code(&output, 0);
    let task = dir.parent().unwrap().join(format!("task{}", extra.len()));
    write_task(&task, "spy", &std::fs::read(&out).unwrap(), "", &[]);
    let output = run(mirror().args(["exec", task.to_str().unwrap(), "--"]), b"");
    assert_code(&output, 0);
    text(&output.stdout)
}

#[test]
fn a_confined_build_script_reaches_nothing_of_the_scorers() {
    if !confinement_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let source = dir.path().join("spy");
    spying_candidate(&source, outside.path(), listener.local_addr().unwrap().port());

    let found = build_and_run(&source, &[]);
    for line in found.lines() {
        assert!(line.contains(": denied"), "a confined build reached what it must not:\n{found}");
    }
    assert_eq!(found.lines().count(), 6, "{found}");
    assert!(!outside.path().join("planted").exists(), "the build wrote outside its directory");
    assert!(listener.accept().is_err(), "the build connected to the host's network");

    // The same probes, unconfined, do reach the bundle: they test what they claim to.
    let found = build_and_run(&source, &["--trust-source"]);
    assert!(found.contains("hidden cases: REACHED") && found.contains("reference: REACHED"), "{found}");
}

#[test]
fn a_makefile_that_hands_in_the_reference_gets_a_build_error() {
    if !confinement_available() || !toolchain_present("make") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let reference = root().join("tasks-wasm/textstat/reference.wasm");
    let source = dir.path().join("thief");
    // Finds the reference through the scorer's /proc or its known path, flips one byte so
    // that the hash differs, and hands it in as its build.
    let makefile = format!(
        "prog.wasm:\n\tfor p in /proc/[0-9]*; do ls -l $$p/cwd; done > found.txt 2>&1 || true\n\
         \tcp {reference} stolen.wasm\n\tprintf '\\001' | dd of=stolen.wasm bs=1 seek=100 conv=notrunc\n\
         \tmv stolen.wasm prog.wasm\n\ttouch {outside}/planted\n",
        reference = reference.display(),
        outside = outside.path().display()
    );
    write_files(&source, &[("Makefile", &makefile), ("main.c", "int main(void) { return 0; }\n")]);
    let (cache, key) = (dir.path().join("cache"), dir.path().join("key"));
    let (_, report, _) = score(&cache, &key, &source);
    assert_eq!(report["totals"]["all"]["verdicts"]["build-error"], 86, "{}", report["build_log"]);
    assert!(report["build_log"].as_str().unwrap().contains("No such file or directory"), "{}", report["build_log"]);
    assert!(!outside.path().join("planted").exists());
    assert!(source.join("prog.wasm").metadata().is_err(), "the build ran on a copy of the source");
}

fn toolchain_present(program: &str) -> bool {
    let found = std::process::Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("MIRROR_REQUIRE_TOOLCHAINS").is_none(), "`{program}` is required here");
        eprintln!("skipped: `{program}` is not installed (.ci/run installs it)");
    }
    found
}

/// `mirror test textstat --candidate CANDIDATE -q` with its own cache and key; the closing
/// line, the JSON report and stderr.
fn score(cache: &Path, key: &Path, candidate: &Path) -> (String, serde_json::Value, String) {
    let report = cache.parent().unwrap().join("report.json");
    let output = run(
        mirror()
            .env("MIRROR_CACHE_DIR", cache)
            .env("MIRROR_CACHE_KEY", key)
            .args(["test", "textstat", "--candidate", candidate.to_str().unwrap(), "-q", "--json"])
            .arg(&report),
        b"",
    );
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", text(&output.stderr));
    (text(&output.stdout), read_json(&report), text(&output.stderr))
}

/// The cached artifacts of `cache`'s modules whose names start with `sha256`.
fn artifact_of(cache: &Path, sha256: &str) -> std::path::PathBuf {
    std::fs::read_dir(cache.join("modules"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(sha256) && name.ends_with(".cwasm")
        })
        .unwrap_or_else(|| panic!("no artifact for {sha256}"))
}

fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_planted_or_corrupted_compiled_artifact_is_never_run() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, key) = (dir.path().join("cache"), dir.path().join("key"));
    let imperfect = root().join("tasks-wasm/textstat/candidates/imperfect.wasm");
    let reference = root().join("tasks-wasm/textstat/reference.wasm");
    let (own, own_report, _) = score(&cache, &key, &imperfect);
    let own_digest = &own_report["digest"];
    assert_eq!(own, "textstat: 53 passed, 33 failed\n");
    score(&cache, &key, &reference);

    // The reference's artifact, with its tag, copied over the candidate's: as a cache
    // restored from elsewhere would be.
    let (planted, honest) = (artifact_of(&cache, &sha256_of(&imperfect)), artifact_of(&cache, &sha256_of(&reference)));
    for suffix in ["", ".hmac"] {
        let with = |p: &Path| std::path::PathBuf::from(format!("{}{suffix}", p.display()));
        std::fs::copy(with(&honest), with(&planted)).unwrap();
    }
    let (line, report, stderr) = score(&cache, &key, &imperfect);
    assert_eq!((line.as_str(), &report["digest"]), (own.as_str(), own_digest), "the candidate was scored as itself");
    assert!(stderr.contains("failed verification"), "{stderr}");
    // It was compiled again and replaced: the next run is quiet.
    let (_, _, stderr) = score(&cache, &key, &imperfect);
    assert!(!stderr.contains("failed verification"), "{stderr}");

    // A flipped byte anywhere is found too.
    let mut bytes = std::fs::read(&planted).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&planted, bytes).unwrap();
    let (line, report, stderr) = score(&cache, &key, &imperfect);
    assert_eq!((line.as_str(), &report["digest"]), (own.as_str(), own_digest));
    assert!(stderr.contains("failed verification"), "{stderr}");

    // Another key (another user, another machine) trusts nothing of this cache.
    let (line, _, stderr) = score(&cache, &dir.path().join("other-key"), &imperfect);
    assert_eq!(line, own);
    assert!(stderr.contains("failed verification"), "{stderr}");
}

#[test]
fn a_planted_build_is_never_scored() {
    if !confinement_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (cache, key) = (dir.path().join("cache"), dir.path().join("key"));
    let partial = root().join("examples/textstat-partial");
    let (own, own_report, _) = score(&cache, &key, &partial);
    let own_digest = &own_report["digest"];
    assert_eq!(own, "textstat: 40 passed, 46 failed\n");
    let entry = std::fs::read_dir(cache.join("builds")).unwrap().flatten().next().unwrap().path();
    std::fs::copy(root().join("tasks-wasm/textstat/reference.wasm"), entry.join("candidate.wasm")).unwrap();
    let (line, report, stderr) = score(&cache, &key, &partial);
    assert_eq!((line.as_str(), &report["digest"]), (own.as_str(), own_digest), "the build was scored, not the plant");
    assert!(stderr.contains("failed verification"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn the_cache_and_its_key_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (cache, key) = (dir.path().join("cache"), dir.path().join("keys/key"));
    score(&cache, &key, &root().join("tasks-wasm/textstat/candidates/imperfect.wasm"));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(key.parent().unwrap()), 0o700);
    assert_eq!(mode(&cache.join("modules")), 0o700);
    for entry in std::fs::read_dir(cache.join("modules")).unwrap().flatten() {
        assert_eq!(mode(&entry.path()), 0o600, "{}", entry.path().display());
    }
    // The key never lies in the cache it seals.
    let output = run(
        mirror().env("MIRROR_CACHE_DIR", &cache).env("MIRROR_CACHE_KEY", cache.join("key")).args([
            "exec",
            "textstat",
            "--",
            "--version",
        ]),
        b"",
    );
    assert_code(&output, 0);
    assert!(text(&output.stderr).contains("must not lie inside the cache"), "{}", text(&output.stderr));
}
