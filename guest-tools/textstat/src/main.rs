//! The reference build of textstat.
fn main() {
    std::process::exit(textstat::main(textstat::Flavor::Reference));
}
