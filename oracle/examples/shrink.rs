//! Shrinks a divergence artifact while interp and wasmi still diverge the
//! same way (a first cut of `triage minimize`). Usage: shrink ARTIFACT_DIR
use oracle::case::{Call, Case};
use oracle::compare::{Verdict, run_case};
use oracle::executor::by_name;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("ARTIFACT_DIR"));
    let wasm = std::fs::read(dir.join("module.wasm")).unwrap();
    let plan: Vec<Call> = serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
    let executors: Vec<_> = ["interp", "wasmi"].iter().map(|n| by_name(n).unwrap()).collect();
    let refs: Vec<&dyn oracle::executor::Executor> = executors.iter().map(|e| e.as_ref()).collect();
    let signature = |wasm: &[u8]| -> Option<String> {
        match run_case(&Case { wasm: wasm.to_vec(), plan: plan.clone() }, &refs).verdict {
            Verdict::Diverged(d) => {
                Some(d.split(": ").take(2).collect::<Vec<_>>().join(": ").split(" is ").next().unwrap().to_string())
            }
            _ => None,
        }
    };
    let want = signature(&wasm).expect("the artifact diverges");
    println!("signature: {want}");
    let info = wasm_shrink::WasmShrink::default()
        .attempts(2000)
        .run(wasm, |w| Ok(signature(w).as_deref() == Some(want.as_str())))
        .unwrap();
    println!("{} -> {} bytes", info.input_size, info.output_size);
    println!("{}", wasmprinter::print_bytes(&info.output).unwrap());
    std::fs::write("/tmp/shrunk.wasm", &info.output).unwrap();
}
