//! Runs one export of a module on every executor and prints outcomes and
//! exported globals: a quick look at a divergence before `triage` exists.
//! Usage: scratch FILE EXPORT [ARG...]   (ARG: 5, f:BITS for f32, d:BITS for f64)
//! REWRITE=<part of a rewrite name> runs an equivalent rewrite instead.

use oracle::executor::by_name;
use oracle::outcome::Value;

fn main() {
    let mut argv = std::env::args().skip(1);
    let path = argv.next().expect("FILE");
    let export = argv.next().unwrap_or_else(|| "f".into());
    let args: Vec<Value> = argv
        .map(|a| {
            if let Some(b) = a.strip_prefix("d:") {
                Value::F64(b.parse().unwrap())
            } else if let Some(b) = a.strip_prefix("f:") {
                Value::F32(b.parse().unwrap())
            } else {
                Value::I32(a.parse().unwrap())
            }
        })
        .collect();
    let mut wasm = wat::parse_file(&path).unwrap();
    if let Ok(k) = std::env::var("REWRITE") {
        let (name, rewritten) =
            oracle::rewrite::equivalents(&wasm).into_iter().find(|(n, _)| n.contains(&k)).expect("no such rewrite");
        println!("rewrite: {name}");
        wasm = rewritten;
    }
    let executors: Vec<_> = oracle::executor::AVAILABLE.iter().map(|n| by_name(n).unwrap()).collect();
    let refs: Vec<&dyn oracle::executor::Executor> = executors.iter().map(|e| e.as_ref()).collect();
    let case = oracle::case::Case {
        wasm: wasm.clone(),
        plan: vec![oracle::case::Call { export: export.clone(), args: args.clone() }],
    };
    println!("verdict: {:?}", oracle::compare::run_case(&case, &refs).verdict);
    println!("again: {:?}", oracle::compare::run_case(&case, &refs).verdict);
    let fresh: Vec<_> = oracle::executor::AVAILABLE.iter().rev().map(|n| by_name(n).unwrap()).collect();
    let fresh_refs: Vec<&dyn oracle::executor::Executor> = fresh.iter().map(|e| e.as_ref()).collect();
    println!("wasmi first: {:?}", oracle::compare::run_case(&case, &fresh_refs).verdict);
    for name in oracle::executor::AVAILABLE {
        let e = by_name(name).unwrap();
        match e.instantiate(&wasm) {
            Ok(mut r) => {
                println!("{name}: {}", r.call(&export, &args));
                println!("{name} globals: {:?}", r.snapshot().normalized().globals);
            }
            Err(f) => println!("{name}: {f}"),
        }
    }
}
