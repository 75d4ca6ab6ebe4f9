//! A deliberately imperfect reimplementation of textstat, kept so that scoring shows real
//! failures: see `Flavor::Imperfect`.
fn main() {
    std::process::exit(textstat::main(textstat::Flavor::Imperfect));
}
