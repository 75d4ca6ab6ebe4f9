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
