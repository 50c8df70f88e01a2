//! Hostile input: every case must end in a clear error (or a correct
//! result), quickly, without a panic or a huge allocation.

use std::time::{Duration, Instant};

use engine::{Engine, Error, Limits, Linker, Module, Store, Tier};

#[macro_use]
mod common;

const HEADER: &[u8] = b"\0asm\x01\0\0\0";

fn section(id: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    leb(&mut out, body.len() as u64);
    out.extend_from_slice(body);
    out
}

fn leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn module(sections: &[Vec<u8>]) -> Vec<u8> {
    let mut out = HEADER.to_vec();
    for s in sections {
        out.extend_from_slice(s);
    }
    out
}

/// Type section with one `[] -> []` function type.
fn one_type() -> Vec<u8> {
    section(1, &[1, 0x60, 0, 0])
}

fn quickly<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < Duration::from_secs(2), "{what} took {:?}", start.elapsed());
    out
}

fn expect_validation_error(tier: Tier, what: &str, bytes: &[u8]) -> u64 {
    let engine = common::engine(tier);
    match quickly(what, || Module::new(&engine, bytes)) {
        Err(Error::Validation { offset, message }) => {
            assert!(offset as usize <= bytes.len(), "{what}: offset {offset} beyond input");
            assert!(!message.is_empty());
            offset
        }
        other => panic!("{what}: expected a validation error, got {other:?}"),
    }
}

fn truncated_modules_are_rejected_at_every_length(tier: Tier) {
    let full = wat::parse_str(
        r#"(module (type (func (param i32) (result i32))) (import "a" "b" (func (type 0)))
            (memory 1) (table 1 funcref) (global (mut i32) (i32.const 1))
            (func (export "f") (type 0) (i32.add (local.get 0) (global.get 0)))
            (elem (i32.const 0) 1) (data (i32.const 0) "hi"))"#,
    )
    .unwrap();
    let engine = common::engine(tier);
    assert!(Module::new(&engine, &full).is_ok());
    let mut valid_prefixes = 0;
    for len in 0..full.len() {
        match Module::new(&engine, &full[..len]) {
            // A prefix ending exactly between sections can be a valid module.
            Ok(_) => valid_prefixes += 1,
            Err(Error::Validation { .. }) | Err(Error::Text(_)) => {}
            Err(other) => panic!("prefix of {len} bytes: unexpected {other:?}"),
        }
    }
    // Only the section boundaries before the function section qualify:
    // after it, the code section is required.
    assert!(valid_prefixes <= 4, "{valid_prefixes} prefixes validated");
}

fn garbage_is_rejected(tier: Tier) {
    let engine = common::engine(tier);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for round in 0..500 {
        let len = 1 + round % 200;
        let mut bytes = if round % 2 == 0 { HEADER.to_vec() } else { Vec::new() };
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.push(state as u8);
        }
        // Either outcome is fine as long as it is an answer, not a crash.
        let _ = Module::new(&engine, &bytes);
    }
    assert!(matches!(Module::new(&engine, b"\0asm\x02\0\0\0"), Err(Error::Validation { .. })));
    assert!(matches!(Module::new(&engine, b"not wasm at all ("), Err(Error::Text(_))));
}

fn absurd_counts_are_refused_quickly(tier: Tier) {
    let billions = |id: u8| {
        let mut body = Vec::new();
        leb(&mut body, u32::MAX as u64);
        section(id, &body)
    };
    expect_validation_error(tier, "4 billion types", &module(&[billions(1)]));
    expect_validation_error(tier, "4 billion functions", &module(&[one_type(), billions(3)]));
    expect_validation_error(tier, "4 billion imports", &module(&[billions(2)]));
    expect_validation_error(tier, "4 billion globals", &module(&[billions(6)]));
    expect_validation_error(tier, "4 billion exports", &module(&[billions(7)]));
    expect_validation_error(tier, "4 billion element segments", &module(&[billions(9)]));
    expect_validation_error(tier, "4 billion data segments", &module(&[billions(11)]));
    expect_validation_error(
        tier,
        "4 billion function bodies",
        &module(&[one_type(), section(3, &[1, 0]), billions(10)]),
    );

    // One body declaring 4 billion locals.
    let mut body = vec![1];
    leb(&mut body, u32::MAX as u64);
    body.extend_from_slice(&[0x7f, 0x0b]);
    let mut code = vec![1];
    leb(&mut code, body.len() as u64);
    code.extend_from_slice(&body);
    expect_validation_error(tier, "4 billion locals", &module(&[one_type(), section(3, &[1, 0]), section(10, &code)]));

    // Tables and memories within the spec's bounds but over the configured
    // limits: instantiation refuses them without allocating.
    let mut config = common::config(tier);
    config.limits(Limits { max_table_elements: 1_000_000, max_memory_bytes: 64 << 20, ..Default::default() });
    let engine = Engine::new(&config).unwrap();
    for wat in ["(module (table 4000000000 funcref))", "(module (table 5000000 funcref))", "(module (memory 65536))"] {
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let result = quickly(wat, || Linker::new(&engine).instantiate(&mut store, &module));
        assert!(matches!(result, Err(Error::Limit(_))), "{wat}: {result:?}");
    }
}

fn blocks_nested_100_000_deep_compile_and_run(tier: Tier) {
    const DEPTH: usize = 100_000;
    let mut body = vec![0]; // no locals
    for _ in 0..DEPTH {
        body.extend_from_slice(&[0x02, 0x40]); // block (empty)
    }
    body.extend_from_slice(&[0x41, 7, 0x1a]); // i32.const 7, drop
    body.extend(std::iter::repeat_n(0x0b, DEPTH + 1));
    let mut code = vec![1];
    leb(&mut code, body.len() as u64);
    code.extend_from_slice(&body);
    let export = section(7, &[1, 1, b'f', 0, 0]);
    let bytes = module(&[one_type(), section(3, &[1, 0]), export, section(10, &code)]);

    // A small stack: neither validation, translation nor execution may recurse per block.
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let engine = common::engine(tier);
            let module = quickly("deep nesting", || Module::new(&engine, &bytes)).expect("deep nesting is valid");
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
            instance.get_func(&store, "f").unwrap().call(&mut store, &[], &mut []).unwrap();
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

fn validation_errors_point_at_the_offending_byte(tier: Tier) {
    // A function body using an undefined local: the offset lies inside the code section.
    let bytes = wat::parse_str("(module (func (result i32) i32.const 1))").unwrap();
    let engine = common::engine(tier);
    assert!(Module::new(&engine, &bytes).is_ok());
    let mut broken = bytes.clone();
    let at = broken.len() - 3; // the i32.const opcode
    assert_eq!(broken[at], 0x41);
    broken[at] = 0x20; // local.get 1: no such local
    let offset = expect_validation_error(tier, "bad local", &broken);
    assert!((at as u64..=at as u64 + 1).contains(&offset), "offset {offset} should point at byte {at}");
}

fn proposals_are_validated_exactly_as_configured(tier: Tier) {
    let bulk = "(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))";
    assert!(Module::new(&common::engine(tier), bulk).is_ok());
    let mut config = common::config(tier);
    config.proposal(engine::Proposal::BulkMemory, false);
    // Reference types build on bulk memory: they cannot stay on alone.
    assert!(matches!(Engine::new(&config), Err(Error::Usage(m)) if m.contains("needs the bulk-memory proposal")));
    config.proposal(engine::Proposal::ReferenceTypes, false);
    assert!(matches!(Module::new(&Engine::new(&config).unwrap(), bulk), Err(Error::Validation { .. })));
    // A tier runs SIMD by default once it has it; until then SIMD cannot
    // be switched on, and a SIMD module is invalid.
    let simd = "(module (func (drop (v128.const i64x2 0 0))))";
    let mut config = common::config(tier);
    config.proposal(engine::Proposal::Simd, true);
    if engine::Proposal::Simd.supported_by(tier) {
        assert!(Module::new(&common::engine(tier), simd).is_ok());
        config.proposal(engine::Proposal::Simd, false);
        // Relaxed SIMD builds on SIMD: it cannot stay on alone.
        assert!(matches!(Engine::new(&config), Err(Error::Usage(m)) if m.contains("needs the simd proposal")));
        config.proposal(engine::Proposal::RelaxedSimd, false);
        assert!(matches!(Module::new(&Engine::new(&config).unwrap(), simd), Err(Error::Validation { .. })));
    } else {
        assert!(matches!(Engine::new(&config), Err(Error::Unsupported(_))));
        assert!(matches!(Module::new(&common::engine(tier), simd), Err(Error::Validation { .. })));
    }
}

on_every_tier!(
    truncated_modules_are_rejected_at_every_length,
    garbage_is_rejected,
    absurd_counts_are_refused_quickly,
    blocks_nested_100_000_deep_compile_and_run,
    validation_errors_point_at_the_offending_byte,
    proposals_are_validated_exactly_as_configured,
);
