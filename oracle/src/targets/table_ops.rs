//! `table_ops`: reference-type table stress, differential. A module whose
//! exported `run` performs a random sequence of table.grow/fill/copy/init/
//! get/set/size, elem.drop and call_indirect on a funcref and an externref
//! table, folding what it observes into an exported global. Every executor
//! must agree.

use std::borrow::Cow;

use crate::case::{Call, Case};

use arbitrary::{Result, Unstructured};
use wasm_encoder::{
    CodeSection, ConstExpr, ElementSection, Elements, ExportKind, ExportSection, Function, FunctionSection,
    GlobalSection, GlobalType, HeapType, Instruction as I, Module, RefType, TableSection, TableType, TypeSection,
    ValType,
};

fn index(u: &mut Unstructured<'_>) -> Result<i32> {
    Ok(if u.ratio(1, 16)? { *u.choose(&[-1, i32::MAX, 1 << 16])? } else { u.int_in_range(0..=40)? })
}

fn reference(u: &mut Unstructured<'_>, table: u32) -> Result<I<'static>> {
    Ok(match (table, u.int_in_range(0..=3)?) {
        (0, 0) => I::RefNull(HeapType::FUNC),
        (0, f) => I::RefFunc(f - 1),
        _ => I::RefNull(HeapType::EXTERN),
    })
}

/// Folds the i32 on the stack into global 0.
fn fold(body: &mut Vec<I<'static>>) {
    body.extend([I::GlobalGet(0), I::I32Xor, I::I32Const(31), I::I32Rotl, I::GlobalSet(0)]);
}

fn module(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]); // 0: the callees
    types.ty().function([], []); // 1: run
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    for k in 0..3 {
        funcs.function(0);
        let mut f = Function::new([]);
        f.instruction(&I::I32Const(100 + k)).instruction(&I::End);
        code.function(&f);
    }
    let mut tables = TableSection::new();
    for (element_type, min) in
        [(RefType::FUNCREF, u.int_in_range(0..=16)?), (RefType::EXTERNREF, u.int_in_range(0..=16)?)]
    {
        tables.table(TableType { element_type, table64: false, minimum: min, maximum: Some(min + 32), shared: false });
    }
    let mut globals = GlobalSection::new();
    globals.global(GlobalType { val_type: ValType::I32, mutable: true, shared: false }, &ConstExpr::i32_const(0));
    let mut elements = ElementSection::new();
    elements.passive(Elements::Functions(Cow::Borrowed(&[0, 1, 2, 1])));
    elements.declared(Elements::Functions(Cow::Borrowed(&[0, 1, 2])));

    let mut body: Vec<I<'static>> = Vec::new();
    for _ in 0..u.int_in_range(1..=24)? {
        let t = u.int_in_range(0..=1)?;
        match u.int_in_range(0..=8)? {
            0 => {
                body.push(reference(u, t)?);
                body.push(I::I32Const(u.int_in_range(0..=8)?));
                body.push(I::TableGrow(t));
                fold(&mut body);
            }
            1 => {
                body.push(I::I32Const(index(u)?));
                body.push(reference(u, t)?);
                body.push(I::I32Const(index(u)?));
                body.push(I::TableFill(t));
            }
            2 => {
                body.extend([I::I32Const(index(u)?), I::I32Const(index(u)?), I::I32Const(index(u)?)]);
                body.push(I::TableCopy { dst_table: t, src_table: t });
            }
            3 => {
                body.extend([
                    I::I32Const(index(u)?),
                    I::I32Const(u.int_in_range(0..=5)?),
                    I::I32Const(u.int_in_range(0..=5)?),
                ]);
                body.push(I::TableInit { elem_index: 0, table: 0 });
            }
            4 => body.push(I::ElemDrop(0)),
            5 => {
                body.push(I::I32Const(index(u)?));
                body.push(reference(u, t)?);
                body.push(I::TableSet(t));
            }
            6 => {
                body.extend([I::I32Const(index(u)?), I::TableGet(t), I::RefIsNull]);
                fold(&mut body);
            }
            7 => {
                body.push(I::TableSize(t));
                fold(&mut body);
            }
            _ => {
                body.push(I::I32Const(index(u)?));
                body.push(I::CallIndirect { type_index: 0, table_index: 0 });
                fold(&mut body);
            }
        }
    }
    funcs.function(1);
    let mut run = Function::new([]);
    for instr in &body {
        run.instruction(instr);
    }
    run.instruction(&I::End);
    code.function(&run);

    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, 3);
    exports.export("acc", ExportKind::Global, 0);
    exports.export("funcs", ExportKind::Table, 0);
    exports.export("externs", ExportKind::Table, 1);
    let mut module = Module::new();
    module
        .section(&types)
        .section(&funcs)
        .section(&tables)
        .section(&globals)
        .section(&exports)
        .section(&elements)
        .section(&code);
    Ok(module.finish())
}

/// The case the input describes: the module and one or two calls of `run`.
pub fn case(data: &[u8]) -> Result<Case> {
    let mut u = Unstructured::new(data);
    let wasm = module(&mut u)?;
    let calls = 1 + usize::from(u.arbitrary::<bool>().unwrap_or(false));
    Ok(Case::single(wasm, vec![Call { export: "run".into(), args: vec![] }; calls]))
}
