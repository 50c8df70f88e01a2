fn main() {
    let wasm = std::fs::read(std::env::args().nth(1).unwrap()).unwrap();
    println!("{}", wasmprinter::print_bytes(&wasm).unwrap());
}
