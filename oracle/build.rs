// Records the target triple so evidence says which target it was measured on.
fn main() {
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=CRUCIBLE_TARGET_TRIPLE={target}");
}
