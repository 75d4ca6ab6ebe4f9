//! Prints everything a WASI program can observe of its host, then tries to leave the sandbox.
//!
//! Every line is `key: value`. Escape attempts print `escape NAME: blocked (...)` or
//! `escape NAME: ESCAPED (...)`; a sound sandbox prints no ESCAPED line. Arguments are host
//! paths to try to reach (the tests pass their own temporary directories).

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The preview1 calls std does not expose.
mod raw {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        pub fn random_get(buf: *mut u8, len: usize) -> u16;
        pub fn fd_fdstat_get(fd: u32, out: *mut u8) -> u16;
        pub fn fd_prestat_get(fd: u32, out: *mut u8) -> u16;
        pub fn fd_prestat_dir_name(fd: u32, out: *mut u8, len: usize) -> u16;
        pub fn fd_renumber(from: u32, to: u32) -> u16;
        pub fn fd_readdir(fd: u32, buf: *mut u8, len: usize, cookie: u64, used: *mut usize) -> u16;
        pub fn path_open(
            fd: u32,
            dirflags: u32,
            path: *const u8,
            path_len: usize,
            oflags: u16,
            base: u64,
            inheriting: u64,
            fdflags: u16,
            opened: *mut u32,
        ) -> u16;
        pub fn path_symlink(old: *const u8, old_len: usize, fd: u32, new: *const u8, new_len: usize) -> u16;
        pub fn path_filestat_get(fd: u32, flags: u32, path: *const u8, path_len: usize, out: *mut u8) -> u16;
        pub fn sock_accept(fd: u32, flags: u16, out: *mut u32) -> u16;
        pub fn poll_oneoff(subs: *const u8, events: *mut u8, count: usize, nevents: *mut usize) -> u16;
        pub fn clock_time_get(id: u32, precision: u64, out: *mut u64) -> u16;
    }
}

fn main() {
    let host_paths: Vec<String> = std::env::args().skip(1).collect();
    observe();
    escape(&host_paths);
}

fn observe() {
    println!("args: {:?}", std::env::args().collect::<Vec<_>>());
    println!("env: {:?}", std::env::vars().collect::<Vec<_>>());
    println!("cwd: {:?}", std::env::current_dir().map_err(|e| e.to_string()));
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    println!("wall clock: {}.{:09}", wall.as_secs(), wall.subsec_nanos());
    let mut realtime = 0u64;
    let mut monotonic = 0u64;
    // SAFETY: plain preview1 calls writing into locals.
    unsafe {
        raw::clock_time_get(0, 1, &mut realtime);
        raw::clock_time_get(1, 1, &mut monotonic);
    }
    println!("clock_time_get: realtime {realtime} monotonic {monotonic}");
    let start = Instant::now();
    println!("monotonic between reads: {:?}", start.elapsed());
    std::thread::sleep(Duration::from_millis(250));
    println!("monotonic after sleep(250ms): {:?}", start.elapsed());
    println!("poll_oneoff: {}", poll_two_clocks());
    let mut random = [0u8; 16];
    // SAFETY: writes 16 bytes into a local buffer.
    unsafe { raw::random_get(random.as_mut_ptr(), random.len()) };
    println!("random_get: {}", hex(&random));
    let map: HashMap<u32, u32> = (0..12).map(|i| (i, i)).collect();
    println!("hash map order: {:?}", map.keys().collect::<Vec<_>>());
    for fd in 0..3 {
        println!("fd {fd} filetype: {}", filetype(fd));
    }
    let mut stdin = Vec::new();
    let read = std::io::stdin().read_to_end(&mut stdin);
    println!("stdin: {:?} then {:?}", read.map_err(|e| e.to_string()), String::from_utf8_lossy(&stdin));
    println!("stdin past EOF: {:?}", std::io::stdin().read(&mut [0u8; 8]).map_err(|e| e.to_string()));
    for fd in 3..8 {
        if let Some(name) = preopen_name(fd) {
            println!("preopen fd {fd}: {name:?}");
        }
    }
    fs::create_dir_all("made/deeper").ok();
    fs::write("made/deeper/new.txt", "written by the probe\n").ok();
    list(".", 0);
    list("/", 0);
    println!("raw readdir cookies: {}", raw_readdir_cookies());
}

fn list(dir: &str, depth: usize) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => return println!("list {dir}: {err}"),
    };
    // The order is the sandbox's, deliberately not sorted here.
    for entry in entries.flatten() {
        let path = entry.path();
        let meta = fs::symlink_metadata(&path);
        let shown = match meta {
            Ok(m) => format!(
                "type {:?} len {} modified {:?} accessed {:?} {}",
                m.file_type(),
                m.len(),
                m.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()),
                m.accessed().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()),
                raw_filestat(&path.to_string_lossy()),
            ),
            Err(err) => err.to_string(),
        };
        println!("{}entry {}: {shown}", "  ".repeat(depth), path.display());
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) && depth < 3 {
            list(&path.to_string_lossy(), depth + 1);
        }
    }
}

fn escape(host_paths: &[String]) {
    let mut targets: Vec<String> = ["/etc/passwd", "../etc/passwd", "../../../../../../etc/passwd", "..", "/.."]
        .into_iter()
        .map(String::from)
        .collect();
    targets.extend(host_paths.iter().cloned());
    for target in &targets {
        attempt(&format!("read {target}"), fs::read(target).map(|b| format!("{} bytes", b.len())));
        attempt(&format!("list {target}"), fs::read_dir(target).map(|d| format!("{} entries", d.count())));
    }
    fs::write("inside.txt", "inside\n").ok();
    for (name, link_target) in [("link-etc", "/etc"), ("link-up", ".."), ("link-far", "../../../../../..")] {
        let made = symlink(link_target, name);
        println!("symlink {name} -> {link_target}: {made:?}");
        attempt(&format!("through {name}"), fs::read_dir(format!("{name}/")).map(|d| format!("{} entries", d.count())));
        attempt(
            &format!("through {name}/passwd"),
            fs::read(format!("{name}/passwd")).map(|b| format!("{} bytes", b.len())),
        );
    }
    let _ = symlink("chain-2", "chain-1");
    let _ = symlink("link-up", "chain-2");
    attempt("through a symlink chain", fs::read_dir("chain-1/").map(|d| format!("{} entries", d.count())));
    attempt("rename out with ..", fs::rename("inside.txt", "../escaped.txt").map(|_| "renamed".to_string()));
    attempt("rename out absolute", fs::rename("inside.txt", "/../escaped.txt").map(|_| "renamed".to_string()));
    attempt("hard link out", fs::hard_link("inside.txt", "../linked.txt").map(|_| "linked".to_string()));
    attempt("create outside", fs::write("../created.txt", "x").map(|_| "created".to_string()));
    for host in host_paths {
        attempt(
            &format!("write into {host}"),
            fs::write(format!("{host}/from-guest.txt"), "x").map(|_| "written".to_string()),
        );
    }
    attempt_errno("renumber the preopen, then open ..", renumbered_open());
    let mut accepted = 0u32;
    // SAFETY: writes into a local.
    let errno = unsafe { raw::sock_accept(3, 0, &mut accepted) };
    attempt_errno("sock_accept on the preopen", if errno == 0 { Ok(()) } else { Err(errno) });
}

fn symlink(target: &str, name: &str) -> Result<(), u16> {
    // SAFETY: both strings outlive the call.
    match unsafe { raw::path_symlink(target.as_ptr(), target.len(), 3, name.as_ptr(), name.len()) } {
        0 => Ok(()),
        errno => Err(errno),
    }
}

/// dev, ino, nlink and the three times, as preview1 reports them through the first preopen.
fn raw_filestat(path: &str) -> String {
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() { "." } else { relative };
    let mut stat = [0u8; 64];
    // SAFETY: the path outlives the call; filestat is 64 bytes.
    let errno = unsafe { raw::path_filestat_get(3, 0, relative.as_ptr(), relative.len(), stat.as_mut_ptr()) };
    if errno != 0 {
        return format!("filestat errno {errno}");
    }
    let field = |at: usize| u64::from_le_bytes(stat[at..at + 8].try_into().unwrap());
    format!(
        "dev {} ino {} nlink {} size {} atim {} mtim {} ctim {}",
        field(0),
        field(8),
        field(24),
        field(32),
        field(40),
        field(48),
        field(56)
    )
}

fn attempt(name: &str, result: std::io::Result<String>) {
    match result {
        Ok(what) => println!("escape {name}: ESCAPED ({what})"),
        Err(err) => println!("escape {name}: blocked ({err})"),
    }
}

fn attempt_errno(name: &str, result: Result<(), u16>) {
    match result {
        Ok(()) => println!("escape {name}: ESCAPED"),
        Err(errno) => println!("escape {name}: blocked (errno {errno})"),
    }
}

/// Every right preview1 defines; unknown bits make the call itself invalid.
const ALL_RIGHTS: u64 = (1 << 29) - 1;

/// Moves the first preopen onto the second's descriptor and opens `..` through it.
fn renumbered_open() -> Result<(), u16> {
    // SAFETY: preopen descriptors are owned by no Rust object here.
    let errno = unsafe { raw::fd_renumber(3, 4) };
    if errno != 0 {
        return Err(errno);
    }
    let path = b"../";
    let mut opened = 0u32;
    // SAFETY: the path and out-pointer are valid locals.
    let errno = unsafe { raw::path_open(4, 0, path.as_ptr(), path.len(), 0, ALL_RIGHTS, ALL_RIGHTS, 0, &mut opened) };
    if errno == 0 {
        Ok(())
    } else {
        Err(errno)
    }
}

fn filetype(fd: u32) -> String {
    let mut stat = [0u8; 24];
    // SAFETY: fdstat is 24 bytes.
    match unsafe { raw::fd_fdstat_get(fd, stat.as_mut_ptr()) } {
        0 => stat[0].to_string(),
        errno => format!("errno {errno}"),
    }
}

fn preopen_name(fd: u32) -> Option<String> {
    let mut prestat = [0u8; 8];
    // SAFETY: prestat is 8 bytes; the name buffer is sized from it.
    unsafe {
        if raw::fd_prestat_get(fd, prestat.as_mut_ptr()) != 0 {
            return None;
        }
        let len = u32::from_le_bytes(prestat[4..8].try_into().unwrap()) as usize;
        let mut name = vec![0u8; len];
        raw::fd_prestat_dir_name(fd, name.as_mut_ptr(), len);
        Some(String::from_utf8_lossy(&name).into_owned())
    }
}

/// Two relative clock subscriptions (500 ms and 20 ms): the shorter should fire alone.
fn poll_two_clocks() -> String {
    let mut subs = [0u8; 96];
    for (i, timeout) in [500_000_000u64, 20_000_000].into_iter().enumerate() {
        let sub = &mut subs[i * 48..(i + 1) * 48];
        sub[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        sub[16..20].copy_from_slice(&1u32.to_le_bytes());
        sub[24..32].copy_from_slice(&timeout.to_le_bytes());
    }
    let mut events = [0u8; 64];
    let mut count = 0usize;
    // SAFETY: two subscriptions in, room for two events out.
    let errno = unsafe { raw::poll_oneoff(subs.as_ptr(), events.as_mut_ptr(), 2, &mut count) };
    let fired: Vec<u64> =
        (0..count).map(|i| u64::from_le_bytes(events[i * 32..i * 32 + 8].try_into().unwrap())).collect();
    format!("errno {errno}, fired {fired:?}")
}

/// Reads the working directory with raw fd_readdir from several cookies, including bogus ones.
fn raw_readdir_cookies() -> String {
    let mut out = Vec::new();
    for cookie in [0u64, 1, 2, 3, 1_000, u64::MAX] {
        let mut buf = [0u8; 256];
        let mut used = 0usize;
        // SAFETY: the buffer and out-pointer are valid locals; fd 3 is the first preopen.
        let errno = unsafe { raw::fd_readdir(3, buf.as_mut_ptr(), buf.len(), cookie, &mut used) };
        out.push(format!("{cookie}: errno {errno} used {used} first {}", hex(&buf[..used.min(24)])));
    }
    out.join("; ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
