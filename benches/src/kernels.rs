//! The benchmark kernels: each exports `run(n: i32) -> i64`, returning a
//! checksum of its work, so every engine's answer can be compared.

use wasm_encoder::{
    CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction, Module, TypeSection, ValType,
};

pub struct Kernel {
    pub name: &'static str,
    /// What it stresses, for the report.
    pub what: &'static str,
    pub wasm: Vec<u8>,
    /// The argument of the timed call.
    pub arg: i32,
}

fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("the committed WAT kernels parse")
}

/// Every execution kernel, with arguments sized for 20–60 ms on an
/// optimizing tier on the development machine (`scale` divides them for
/// quick runs).
pub fn all(scale: i32) -> Vec<Kernel> {
    let k = |name, what, wasm, arg: i32| Kernel { name, what, wasm, arg: (arg / scale).max(1) };
    let c = |bytes: &[u8]| bytes.to_vec();
    vec![
        k("fib", "recursive calls", wat(include_str!("../kernels/fib.wat")), 34),
        k("sieve", "memory loads and stores (C)", c(include_bytes!("../kernels/sieve.wasm")), 30),
        k("matmul", "f64 matrix multiply (C)", c(include_bytes!("../kernels/matmul.wasm")), 384),
        k("hash", "integer hashing (C)", c(include_bytes!("../kernels/hash.wasm")), 300),
        k("nbody", "n-body, f64 math (C)", c(include_bytes!("../kernels/nbody.wasm")), 500_000),
        k("bulk_memory", "memory.copy / memory.fill", wat(include_str!("../kernels/bulk_memory.wat")), 300),
        k("call_indirect", "call_indirect dispatch", wat(include_str!("../kernels/call_indirect.wat")), 20_000_000),
        k("interp_loop", "br_table interpreter loop (C)", c(include_bytes!("../kernels/interp_loop.wasm")), 2_000_000),
        k(
            "simd",
            "128-bit lanes: blend, SAD, shuffle, f32x4 FIR (C, -msimd128)",
            c(include_bytes!("../kernels/simd.wasm")),
            1500,
        ),
    ]
}

/// The compile-time module: `functions` functions, generated
/// deterministically, each a few dozen operators of arithmetic, locals,
/// control flow and calls to earlier functions. `run(n)` calls the last one.
pub fn large_module(functions: u32) -> Vec<u8> {
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32, ValType::I64], [ValType::I64]);
    types.ty().function([ValType::I32], [ValType::I64]);
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for index in 0..functions {
        funcs.function(0);
        let mut f = Function::new([(2, ValType::I64), (1, ValType::I32)]);
        // acc = p1; loop i from p0 down: acc = mix(acc, i); with branches.
        f.instruction(&Instruction::LocalGet(1));
        f.instruction(&Instruction::LocalSet(2));
        f.instruction(&Instruction::LocalGet(0));
        f.instruction(&Instruction::I32Const(15));
        f.instruction(&Instruction::I32And);
        f.instruction(&Instruction::LocalSet(4));
        f.instruction(&Instruction::Block(wasm_encoder::BlockType::Empty));
        f.instruction(&Instruction::Loop(wasm_encoder::BlockType::Empty));
        f.instruction(&Instruction::LocalGet(4));
        f.instruction(&Instruction::I32Eqz);
        f.instruction(&Instruction::BrIf(1));
        for _ in 0..(3 + next() % 4) {
            f.instruction(&Instruction::LocalGet(2));
            f.instruction(&Instruction::I64Const((next() >> 1) as i64));
            f.instruction(&match next() % 5 {
                0 => Instruction::I64Add,
                1 => Instruction::I64Xor,
                2 => Instruction::I64Mul,
                3 => Instruction::I64Rotl,
                _ => Instruction::I64Sub,
            });
            f.instruction(&Instruction::LocalSet(2));
        }
        f.instruction(&Instruction::LocalGet(2));
        f.instruction(&Instruction::I64Const(1));
        f.instruction(&Instruction::I64And);
        f.instruction(&Instruction::I32WrapI64);
        f.instruction(&Instruction::If(wasm_encoder::BlockType::Empty));
        f.instruction(&Instruction::LocalGet(2));
        f.instruction(&Instruction::LocalGet(4));
        f.instruction(&Instruction::I64ExtendI32U);
        f.instruction(&Instruction::I64Add);
        f.instruction(&Instruction::LocalSet(3));
        f.instruction(&Instruction::Else);
        f.instruction(&Instruction::LocalGet(2));
        f.instruction(&Instruction::I64Const(7));
        f.instruction(&Instruction::I64ShrU);
        f.instruction(&Instruction::LocalSet(3));
        f.instruction(&Instruction::End);
        f.instruction(&Instruction::LocalGet(3));
        f.instruction(&Instruction::LocalGet(2));
        f.instruction(&Instruction::I64Xor);
        f.instruction(&Instruction::LocalSet(2));
        f.instruction(&Instruction::LocalGet(4));
        f.instruction(&Instruction::I32Const(1));
        f.instruction(&Instruction::I32Sub);
        f.instruction(&Instruction::LocalSet(4));
        f.instruction(&Instruction::Br(0));
        f.instruction(&Instruction::End);
        f.instruction(&Instruction::End);
        if index > 0 {
            // A call to an earlier function keeps every function reachable.
            f.instruction(&Instruction::LocalGet(0));
            f.instruction(&Instruction::I32Const(1));
            f.instruction(&Instruction::I32Add);
            f.instruction(&Instruction::LocalGet(2));
            f.instruction(&Instruction::Call((next() % u64::from(index)) as u32));
            f.instruction(&Instruction::LocalGet(2));
            f.instruction(&Instruction::I64Add);
        } else {
            f.instruction(&Instruction::LocalGet(2));
        }
        f.instruction(&Instruction::End);
        code.function(&f);
    }
    funcs.function(1);
    let mut run = Function::new([]);
    run.instruction(&Instruction::LocalGet(0));
    run.instruction(&Instruction::I64Const(1));
    run.instruction(&Instruction::Call(functions - 1));
    run.instruction(&Instruction::End);
    code.function(&run);
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, functions);
    let mut module = Module::new();
    module.section(&types).section(&funcs).section(&exports).section(&code);
    module.finish()
}
