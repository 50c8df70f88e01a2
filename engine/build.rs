//! Decides whether the interpreter may use threaded dispatch: its handlers
//! call the next handler in tail position, which is only safe where the
//! compiler is known to turn such calls into jumps (see
//! `InterpreterDispatch::is_supported`).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=OPT_LEVEL");
    println!("cargo::rustc-check-cfg=cfg(crucible_tail_calls)");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let opt_level = std::env::var("OPT_LEVEL").unwrap_or_default();
    // LLVM emits sibling calls on these targets when it optimizes, but only
    // from opt-level 2 does it inline enough for every handler to have one
    // (at 1, some SIMD operators' lane arrays stay in memory, and their
    // handlers' dispatch becomes a call); unoptimized code keeps every call
    // a call.
    let jumps = matches!(arch.as_str(), "x86_64" | "aarch64") && matches!(opt_level.as_str(), "2" | "3");
    if jumps {
        println!("cargo::rustc-cfg=crucible_tail_calls");
    }
}
