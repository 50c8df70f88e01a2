//! The `wast_mutate` target; its logic lives in `oracle::targets` (shared with
//! `triage repro`), see fuzz-targets/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracle::targets::fuzz_one(oracle::targets::TargetKind::WastMutate, data));
