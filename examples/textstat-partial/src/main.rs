//! textstat's count report, reimplemented from its documentation.

use std::io::Read;
use std::process::exit;

struct Counts {
    lines: usize,
    words: usize,
    chars: usize,
    bytes: usize,
}

fn main() {
    let mut format = "text".to_string();
    let mut min_length = 0;
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-c" | "--count" | "-i" | "--ignore-case" => {}
            "--format" => format = args.next().unwrap_or_else(|| usage("option '--format' needs a value")),
            "-m" | "--min-length" => {
                let value = args.next().unwrap_or_else(|| usage(&format!("option '{arg}' needs a value")));
                min_length = value.parse().unwrap_or_else(|_| usage(&format!("invalid number '{value}' for '{arg}'")));
            }
            _ if arg.starts_with("--format=") => format = arg["--format=".len()..].to_string(),
            "-" => names.push(arg),
            _ if arg.starts_with('-') => usage(&format!("unknown option '{arg}'")),
            _ => names.push(arg),
        }
    }
    if !["text", "csv", "json"].contains(&format.as_str()) {
        usage(&format!("unknown format '{format}' (expected text, csv or json)"));
    }
    if names.is_empty() {
        names.push("-".into());
    }
    let mut status = 0;
    let mut rows = Vec::new();
    for name in names {
        match read(&name) {
            Ok(bytes) => rows.push((if name == "-" { "(stdin)".to_string() } else { name }, count(&bytes, min_length))),
            Err(reason) => {
                eprintln!("textstat: {name}: {reason}");
                status = 1;
            }
        }
    }
    if !rows.is_empty() {
        print_rows(&rows, &format);
    }
    exit(status);
}

fn usage(message: &str) -> ! {
    eprintln!("textstat: {message}\nTry 'textstat --help' for more information.");
    exit(2)
}

fn read(name: &str) -> Result<Vec<u8>, &'static str> {
    let mut bytes = Vec::new();
    let result = if name == "-" {
        std::io::stdin().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(name).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    result.map(|_| bytes).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory",
        std::io::ErrorKind::PermissionDenied => "Permission denied",
        _ => "Input/output error",
    })
}

fn count(bytes: &[u8], min_length: usize) -> Counts {
    let text = String::from_utf8_lossy(bytes);
    let words = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|w| w.trim_matches(['\'', '-']))
        .filter(|w| !w.is_empty() && w.chars().count() >= min_length)
        .count();
    Counts { lines: text.lines().count(), words, chars: text.chars().count(), bytes: bytes.len() }
}

fn print_rows(rows: &[(String, Counts)], format: &str) {
    let mut all: Vec<(&str, [usize; 4])> =
        rows.iter().map(|(name, c)| (name.as_str(), [c.lines, c.words, c.chars, c.bytes])).collect();
    let total = all.iter().fold([0; 4], |sum, (_, row)| [sum[0] + row[0], sum[1] + row[1], sum[2] + row[2], sum[3] + row[3]]);
    if all.len() > 1 {
        all.push(("total", total));
    }
    match format {
        "csv" => {
            println!("file,lines,words,chars,bytes");
            for (name, [l, w, c, b]) in &all {
                let name = if name.contains([',', '"']) { format!("\"{}\"", name.replace('"', "\"\"")) } else { name.to_string() };
                println!("{name},{l},{w},{c},{b}");
            }
        }
        "json" => {
            let items: Vec<String> = all
                .iter()
                .map(|(name, [l, w, c, b])| {
                    let name = name.replace('\\', "\\\\").replace('"', "\\\"");
                    format!("{{\"file\":\"{name}\",\"lines\":{l},\"words\":{w},\"chars\":{c},\"bytes\":{b}}}")
                })
                .collect();
            println!("[{}]", items.join(","));
        }
        _ => {
            let width = total.iter().map(|n| n.to_string().len()).max().unwrap_or(0).max(5);
            println!("{:>width$} {:>width$} {:>width$} {:>width$}  file", "lines", "words", "chars", "bytes");
            for (name, [l, w, c, b]) in &all {
                println!("{l:>width$} {w:>width$} {c:>width$} {b:>width$}  {name}");
            }
        }
    }
}
