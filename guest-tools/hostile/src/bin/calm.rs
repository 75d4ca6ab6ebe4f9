//! What `hostile ok` does, whatever the mode: the reference that hostile runs are scored
//! against, so that each misbehaviour shows as its verdict.
fn main() {
    println!("fine");
}
