//! Prints the module and call plan the fuzz loop's generator makes from a
//! seed (to inspect generation): `cargo run -p oracle --example gen -- SEED [LEN]`
//! (default profile, LEN bytes of input, default 3000).
fn main() {
    let seed: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let len: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(3000);
    let bytes = oracle::targets::noise(seed, len);
    let interp = oracle::executor::ExecutorKind::Interp.build();
    let wasmi = oracle::executor::ExecutorKind::Wasmi.build();
    let case =
        oracle::case::generate(&bytes, &oracle::case::profile("default").unwrap(), &[interp.as_ref(), wasmi.as_ref()])
            .unwrap();
    println!("{}", wasmprinter::print_bytes(&case.wasm).unwrap());
    println!(";; plan: {:?}", case.plan);
}
