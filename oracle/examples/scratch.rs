use oracle::executor::by_name;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let export = std::env::args().nth(2).unwrap_or("f".into());
    let mut wasm = wat::parse_file(&path).unwrap();
    if std::env::var("REWRITE").is_ok() {
        wasm = oracle::rewrite::eqz_as_less_than_one(&wasm).unwrap();
        println!("{}", wasmprinter::print_bytes(&wasm).unwrap());
    }
    let args: Vec<oracle::outcome::Value> =
        std::env::args().skip(3).map(|a| oracle::outcome::Value::I32(a.parse().unwrap())).collect();
    for name in ["interp", "wasmi"] {
        let e = by_name(name).unwrap();
        let mut r = e.instantiate(&wasm).unwrap();
        println!("{name}: {}", r.call(&export, &args));
    }
}
