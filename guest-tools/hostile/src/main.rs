//! Misbehaves in the way its first argument names, so that tests can check the verdict each
//! misbehaviour gets. `hostile ok` behaves.

use std::io::{Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("ok");
    match mode {
        "ok" => println!("fine"),
        "exit" => std::process::exit(args[1].parse().expect("exit CODE")),
        "loop" => spin(),
        "memory" => grow_memory(),
        "stdout" => flood(&mut std::io::stdout()),
        "stderr" => flood(&mut std::io::stderr()),
        "files" => create_files(),
        "bytes" => write_bytes(),
        "recurse" => println!("{}", recurse(1)),
        "panic" => panic!("deliberate panic"),
        "divide" => println!("{}", divide(args.len() as u32 - 1)),
        "stdin" => read_stdin_twice(),
        "close-stdio" => close_stdio(),
        "host-calls" => host_calls_forever(),
        "sparse" => sparse(args.get(1).map_or(1 << 30, |kib| kib.parse::<u64>().expect("sparse KIB") << 10)),
        "grow" => grow(),
        "links" => links(args[1].parse().expect("links KIB"), args[2].parse().expect("links COUNT")),
        "descriptors" => hold_descriptors(),
        "inodes" => inodes(),
        "deep" => deep_tree(),
        "times" => times(),
        "symlink-target" => symlink_target(args.get(1).map_or("bad:name", String::as_str)),
        other => {
            eprintln!("hostile: unknown mode {other}");
            std::process::exit(2);
        }
    }
}

fn spin() {
    let mut x: u64 = 1;
    loop {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}

fn grow_memory() {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    loop {
        blocks.push(vec![1u8; 1 << 20]);
        std::hint::black_box(&blocks);
    }
}

fn flood(out: &mut dyn Write) {
    let line = [b'x'; 1023];
    loop {
        if out.write_all(&line).and_then(|_| out.write_all(b"\n")).is_err() {
            // Keep going as a careless program would; the sandbox must still stop it.
            continue;
        }
    }
}

fn create_files() {
    for i in 0.. {
        if std::fs::write(format!("file-{i}.txt"), "x").is_err() {
            println!("could not create file {i}");
            return;
        }
    }
}

fn write_bytes() {
    let mut file = std::fs::File::create("big.bin").expect("create big.bin");
    let chunk = vec![0u8; 1 << 16];
    let mut written = 0u64;
    while file.write_all(&chunk).is_ok() {
        written += chunk.len() as u64;
    }
    println!("wrote {written} bytes before the write failed");
}

/// Recurses until the wasm stack overflows. Nothing lives in linear memory, so it is the
/// engine's stack cap that stops it; the black boxes keep the compiler from turning the
/// recursion into a loop or seeing that it never returns.
fn recurse(depth: u64) -> u64 {
    if std::hint::black_box(depth) == 0 {
        return 0;
    }
    let deeper = recurse(depth + 1);
    std::hint::black_box(deeper).wrapping_add(depth)
}

fn divide(by: u32) -> u32 {
    // Wasm traps on integer division by zero; Rust checks first and panics, which is a trap too.
    std::hint::black_box(7) / std::hint::black_box(by)
}

fn read_stdin_twice() {
    let mut all = String::new();
    std::io::stdin().read_to_string(&mut all).expect("read stdin");
    let mut more = [0u8; 16];
    let again = std::io::stdin().read(&mut more).expect("read past EOF");
    println!("read {} bytes, then {again}", all.len());
}

fn close_stdio() {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn fd_close(fd: u32) -> u16;
    }
    // SAFETY: closing the standard descriptors; nothing in Rust owns them.
    let errnos: Vec<u16> = (0..3).map(|fd| unsafe { fd_close(fd) }).collect();
    let written = std::io::stdout().write_all(b"after close\n").is_ok();
    std::process::exit(if written { 0 } else { 3 } + errnos.iter().filter(|&&e| e == 0).count() as i32 * 10);
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn fd_readdir(fd: i32, buf: *mut u8, buf_len: usize, cookie: u64, used: *mut usize) -> i32;
    fn fd_pwrite(fd: i32, iovs: *const [usize; 2], count: usize, offset: u64, written: *mut usize) -> i32;
    fn path_create_directory(fd: i32, path: *const u8, path_len: usize) -> i32;
    #[allow(clippy::too_many_arguments)]
    fn path_open(
        fd: i32,
        dirflags: u32,
        path: *const u8,
        path_len: usize,
        oflags: u16,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u16,
        opened: *mut i32,
    ) -> i32;
    fn path_filestat_get(fd: i32, flags: u32, path: *const u8, path_len: usize, stat: *mut [u8; 64]) -> i32;
    #[allow(clippy::too_many_arguments)]
    fn path_filestat_set_times(
        fd: i32,
        flags: u32,
        path: *const u8,
        path_len: usize,
        atim: u64,
        mtim: u64,
        fst_flags: u16,
    ) -> i32;
    fn path_symlink(old: *const u8, old_len: usize, fd: i32, new: *const u8, new_len: usize) -> i32;
}

/// The first preopened directory, the scratch directory.
const PREOPEN: i32 = 3;

/// Every right preview1 defines.
const ALL_RIGHTS: u64 = (1 << 29) - 1;
/// Every right but reading and writing, which wasmtime-wasi refuses for a directory.
const DIRECTORY_RIGHTS: u64 = ALL_RIGHTS & !(1 << 1) & !(1 << 6);

/// One byte written `bytes` past the start of a new file: a file of that apparent size
/// that costs the host nothing. Once by a seek and a write, once by `fd_pwrite`.
fn sparse(bytes: u64) {
    use std::io::{Seek, SeekFrom};
    use std::os::fd::AsRawFd;
    let mut file = std::fs::File::create("seek.bin").expect("create seek.bin");
    let sought = file.seek(SeekFrom::Start(bytes)).and_then(|_| file.write_all(b"x"));
    println!("seek and write: {sought:?}");
    let file = std::fs::File::create("pwrite.bin").expect("create pwrite.bin");
    let iov = [b"x".as_ptr() as usize, 1];
    let mut written = 0;
    // SAFETY: the iovec and `written` outlive the call.
    let errno = unsafe { fd_pwrite(file.as_raw_fd(), &iov, 1, bytes, &mut written) };
    println!("pwrite: errno {errno}, {written} written");
}

/// Sixteen files of 64 MiB each, made by growing them without writing.
fn grow() {
    let grown = (0..16)
        .take_while(|i| std::fs::File::create(format!("grown-{i}")).and_then(|f| f.set_len(64 << 20)).is_ok())
        .count();
    println!("grew {grown} files");
}

/// A file of `kib` KiB and `count` hard links to it.
fn links(kib: usize, count: usize) {
    std::fs::write("linked", vec![b'l'; kib << 10]).expect("write the linked file");
    let made = (0..count).take_while(|i| std::fs::hard_link("linked", format!("link-{i}")).is_ok()).count();
    println!("made {made} links");
}

/// Opens one file again and again, holding every descriptor, until an open fails.
fn hold_descriptors() {
    std::fs::write("held", "x").expect("create held");
    let mut held = Vec::new();
    let error = loop {
        match std::fs::File::open("held") {
            Ok(file) => held.push(file),
            Err(err) => break err,
        }
    };
    println!("opened {}, then error {:?}", held.len(), error.raw_os_error());
}

/// The inode number preview1 reports for `path`.
fn inode(path: &str) -> u64 {
    let mut stat = [0u8; 64];
    // SAFETY: the path and the stat buffer outlive the call.
    let errno = unsafe { path_filestat_get(PREOPEN, 0, path.as_ptr(), path.len(), &mut stat) };
    assert_eq!(errno, 0, "stat {path}");
    u64::from_le_bytes(stat[8..16].try_into().expect("8 bytes"))
}

/// Creates, stats and removes files one after another: a host that reuses freed inodes
/// would give them the same number.
fn inodes() {
    let mut seen = Vec::new();
    for name in ["first", "second", "third"] {
        std::fs::write(name, "x").expect("create");
        seen.push(format!("{name} {}", inode(name)));
        std::fs::remove_file(name).expect("remove");
    }
    std::fs::create_dir("dir").expect("mkdir");
    seen.push(format!("dir {}", inode("dir")));
    println!("{}", seen.join(", "));
}

/// Forty nested directories with 255-byte names, made one level at a time relative to the
/// one above (no path that long can be named at once), and a file at the bottom.
fn deep_tree() {
    let name = [b'd'; 255];
    let mut dir = PREOPEN;
    for level in 0..40 {
        // SAFETY: the name and `dir` outlive the calls.
        let errno = unsafe { path_create_directory(dir, name.as_ptr(), name.len()) };
        assert_eq!(errno, 0, "mkdir at level {level}");
        let errno = unsafe { path_open(dir, 0, name.as_ptr(), name.len(), 2, DIRECTORY_RIGHTS, ALL_RIGHTS, 0, &mut dir) };
        assert_eq!(errno, 0, "open at level {level}");
    }
    let leaf = b"leaf.txt";
    let mut file = 0;
    // SAFETY: as above; oflags 1 creates the file.
    let errno = unsafe { path_open(dir, 0, leaf.as_ptr(), leaf.len(), 1, ALL_RIGHTS, ALL_RIGHTS, 0, &mut file) };
    assert_eq!(errno, 0, "create the leaf");
    println!("made a tree 40 deep");
}

fn seconds(time: std::io::Result<std::time::SystemTime>) -> String {
    let since = time.expect("time").duration_since(std::time::UNIX_EPOCH).expect("after the epoch");
    format!("{}.{:09}", since.as_secs(), since.subsec_nanos())
}

fn show_times(path: &str) {
    let meta = std::fs::metadata(path).expect("metadata");
    println!("{path}: modified {} accessed {}", seconds(meta.modified()), seconds(meta.accessed()));
}

/// Sets file times as `touch -d` and `cp -p` do, and shows them with those of new files.
fn times() {
    show_times("input.txt");
    std::fs::write("new.txt", "new").expect("create new.txt");
    show_times("new.txt");
    std::fs::write("newer.txt", "newer").expect("create newer.txt");
    show_times("newer.txt");
    let set = std::fs::FileTimes::new()
        .set_modified(std::time::UNIX_EPOCH + std::time::Duration::new(1_234_567_890, 5))
        .set_accessed(std::time::UNIX_EPOCH + std::time::Duration::new(42, 0));
    std::fs::File::options().write(true).open("new.txt").and_then(|f| f.set_times(set)).expect("futimens");
    show_times("new.txt");
    let path = b"input.txt";
    // SAFETY: the path outlives the call; 4 sets the modification time only.
    let errno = unsafe { path_filestat_set_times(PREOPEN, 0, path.as_ptr(), path.len(), 0, 7_000_000_000, 4) };
    assert_eq!(errno, 0, "utimensat");
    show_times("input.txt");
}

/// A symlink whose target is a name some platform cannot hold.
fn symlink_target(target: &str) {
    let name = b"link";
    // SAFETY: both strings outlive the call.
    let errno = unsafe { path_symlink(target.as_ptr(), target.len(), PREOPEN, name.as_ptr(), name.len()) };
    println!("symlink -> {target}: errno {errno}");
}

/// Costly host work for little fuel: lists a directory of 200 files again and again, a few
/// bytes at a time, so that the runner spends its time in host calls, not guest code.
fn host_calls_forever() {
    for i in 0..200 {
        std::fs::write(format!("file-{i}.txt"), "x").expect("create a file");
    }
    let mut buf = [0u8; 32];
    let mut used = 0usize;
    loop {
        // fd 3 is the first preopened directory. SAFETY: the buffer and `used` outlive the call.
        unsafe { fd_readdir(3, buf.as_mut_ptr(), buf.len(), 0, &mut used) };
    }
}
