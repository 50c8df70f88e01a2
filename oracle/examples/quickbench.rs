//! A first look at interpreter speed against wasmi on two tiny kernels
//! (the benchmark issue builds the real suite). Prints median of 5 runs.
use std::time::Instant;

use oracle::executor::by_name;
use oracle::outcome::Value;

const KERNELS: &[(&str, &str, i32)] = &[
    (
        "fib",
        r#"(module (func $fib (export "run") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#,
        30,
    ),
    (
        "sieve",
        r#"(module (memory 2) (func (export "run") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $c i32)
            (local.set $i (i32.const 2))
            (block $done (loop $outer
              (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
              (if (i32.eqz (i32.load8_u (local.get $i)))
                (then (local.set $c (i32.add (local.get $c) (i32.const 1)))
                  (local.set $j (i32.mul (local.get $i) (local.get $i)))
                  (block $d2 (loop $inner
                    (br_if $d2 (i32.ge_u (local.get $j) (local.get $n)))
                    (i32.store8 (local.get $j) (i32.const 1))
                    (local.set $j (i32.add (local.get $j) (local.get $i)))
                    (br $inner)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $outer)))
            (local.get $c)))"#,
        120_000,
    ),
];

fn main() {
    for (name, wat, arg) in KERNELS {
        let wasm = wat::parse_str(wat).unwrap();
        let mut line = format!("{name:6}");
        let mut times = Vec::new();
        for exec in ["interp", "wasmi"] {
            // Plain interpreter (no coverage counters), as an embedder runs it.
            let e: Box<dyn oracle::executor::Executor> = if exec == "interp" {
                Box::new(oracle::executor::CrucibleExecutor::with_config("interp", &engine::Config::new()))
            } else {
                by_name(exec).unwrap()
            };
            let mut samples = Vec::new();
            let mut result = None;
            for _ in 0..5 {
                let mut r = e.instantiate(&wasm).unwrap();
                let t = Instant::now();
                result = Some(r.call("run", &[Value::I32(*arg)]));
                samples.push(t.elapsed().as_secs_f64() * 1e3);
            }
            samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
            times.push(samples[2]);
            line += &format!("  {exec} {:8.2} ms ({})", samples[2], result.unwrap());
        }
        println!("{line}  interp/wasmi = {:.2}", times[0] / times[1]);
    }
}
