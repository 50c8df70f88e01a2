//! Operators whose work happens outside the function's own code: calls
//! (direct, imported, indirect) and everything done by a runtime builtin
//! (memory growth, bulk memory, tables, segments, `ref.func`).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, AbiParam, InstBuilder, MemFlagsData, Signature, Type, Value, types};
use cranelift_frontend::FunctionBuilder;
use wasmparser::Operator;

use super::{FuncState, block_args, clif_type, value_flags, wasm_signature};
use crate::compile::cranelift::vm;
use crate::compile::native::builtins::{AbiType, Builtin};
use crate::error::{Result, TrapCode};
use crate::module::types::{FuncType, word_offsets};
use crate::runtime::vmctx::{VMFuncRef, VMFuncRefs, VMTableDefinition};

const I32: Type = types::I32;
const I64: Type = types::I64;
const PTR: Type = vm::POINTER;

/// The Cranelift type of a builtin's parameter or result.
fn abi_type(t: AbiType) -> Type {
    match t {
        AbiType::I32 => I32,
        AbiType::I64 => I64,
        AbiType::Ptr => PTR,
    }
}

impl FuncState<'_> {
    /// Calls `which` with the store, this instance and `args`; a fallible
    /// builtin's trap number is checked here (and no result returned).
    pub(super) fn builtin(&mut self, b: &mut FunctionBuilder<'_>, which: Builtin, args: &[Value]) -> Option<Value> {
        debug_assert_eq!(which.params().len(), args.len(), "{which:?}");
        let mut sig = Signature::new(self.call_conv);
        sig.params.push(AbiParam::new(PTR));
        sig.params.push(AbiParam::new(I32));
        sig.params.extend(which.params().iter().map(|t| AbiParam::new(abi_type(*t))));
        sig.returns.extend(which.result().map(|t| AbiParam::new(abi_type(t))));
        let sig = b.import_signature(sig);
        let store = b.ins().load(PTR, MemFlagsData::trusted(), self.vmctx, self.offsets.store() as i32);
        let instance = b.ins().load(I32, MemFlagsData::trusted(), self.vmctx, self.offsets.instance() as i32);
        let address = b.ins().iconst(PTR, which.address() as i64);
        let mut all = vec![store, instance];
        all.extend_from_slice(args);
        let call = b.ins().call_indirect(sig, address, &all);
        let result = b.inst_results(call).first().copied();
        if which.fallible() {
            // A non-zero number: the builtin left the trap in the trap slot.
            let number = result.expect("a fallible builtin returns its trap number");
            b.ins().trapnz(number, crate::compile::cranelift::RAISED_BY_BUILTIN);
            return None;
        }
        result
    }

    fn take(&mut self, n: usize) -> Vec<Value> {
        let values = self.top(n);
        self.stack.truncate(self.stack.len() - n);
        values
    }

    fn const_i32(b: &mut FunctionBuilder<'_>, value: u32) -> Value {
        b.ins().iconst(I32, i64::from(value))
    }

    /// Operators implemented by builtins; `false` when `op` is not one.
    pub(super) fn runtime_operator(&mut self, b: &mut FunctionBuilder<'_>, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        match *op {
            O::RefNull { .. } => self.stack.push(b.ins().iconst(I64, 0)),
            O::RefIsNull => {
                let r = self.pop();
                let flag = b.ins().icmp_imm_u(IntCC::Equal, r, 0);
                self.push_bool(b, flag);
            }
            O::RefFunc { function_index } => {
                let f = Self::const_i32(b, function_index);
                let r = self.builtin(b, Builtin::RefFunc, &[f]).expect("the builtin returns a value");
                self.stack.push(r);
            }
            O::MemoryFill { mem } => {
                self.require_32bit_memory(mem)?;
                let args = self.take(3);
                let m = Self::const_i32(b, mem);
                self.builtin(b, Builtin::MemoryFill, &[m, args[0], args[1], args[2]]);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                self.require_32bit_memory(dst_mem)?;
                self.require_32bit_memory(src_mem)?;
                let args = self.take(3);
                let (to, from) = (Self::const_i32(b, dst_mem), Self::const_i32(b, src_mem));
                self.builtin(b, Builtin::MemoryCopy, &[to, from, args[0], args[1], args[2]]);
            }
            O::MemoryInit { data_index, mem } => {
                self.require_32bit_memory(mem)?;
                let args = self.take(3);
                let (m, seg) = (Self::const_i32(b, mem), Self::const_i32(b, data_index));
                self.builtin(b, Builtin::MemoryInit, &[m, seg, args[0], args[1], args[2]]);
            }
            O::DataDrop { data_index } => {
                let seg = Self::const_i32(b, data_index);
                self.builtin(b, Builtin::DataDrop, &[seg]);
            }
            O::ElemDrop { elem_index } => {
                let seg = Self::const_i32(b, elem_index);
                self.builtin(b, Builtin::ElemDrop, &[seg]);
            }
            O::TableGet { table } => {
                let index = self.pop();
                let slot = b.create_sized_stack_slot(ir::StackSlotData::new(ir::StackSlotKind::ExplicitSlot, 8, 3));
                let out = b.ins().stack_addr(PTR, slot, 0);
                let t = Self::const_i32(b, table);
                self.builtin(b, Builtin::TableGet, &[t, index, out]);
                let r = b.ins().load(I64, MemFlagsData::trusted(), out, 0);
                self.stack.push(r);
            }
            O::TableSet { table } => {
                let args = self.take(2);
                let t = Self::const_i32(b, table);
                self.builtin(b, Builtin::TableSet, &[t, args[0], args[1]]);
            }
            O::TableSize { table } => {
                let t = Self::const_i32(b, table);
                let size = self.builtin(b, Builtin::TableSize, &[t]).expect("the builtin returns a value");
                self.stack.push(size);
            }
            O::TableGrow { table } => {
                let args = self.take(2);
                let t = Self::const_i32(b, table);
                let old =
                    self.builtin(b, Builtin::TableGrow, &[t, args[0], args[1]]).expect("the builtin returns a value");
                self.stack.push(old);
            }
            O::TableFill { table } => {
                let args = self.take(3);
                let t = Self::const_i32(b, table);
                self.builtin(b, Builtin::TableFill, &[t, args[0], args[1], args[2]]);
            }
            O::TableCopy { dst_table, src_table } => {
                let args = self.take(3);
                let (d, s) = (Self::const_i32(b, dst_table), Self::const_i32(b, src_table));
                self.builtin(b, Builtin::TableCopy, &[d, s, args[0], args[1], args[2]]);
            }
            O::TableInit { elem_index, table } => {
                let args = self.take(3);
                let (t, seg) = (Self::const_i32(b, table), Self::const_i32(b, elem_index));
                self.builtin(b, Builtin::TableInit, &[t, seg, args[0], args[1], args[2]]);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Calls through the runtime (`which` is `CallFunction` or
    /// `CallStoreFunction`, `func` the function's index for it): arguments
    /// and results pass through a stack buffer.
    fn call_through_runtime(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        which: Builtin,
        func: Value,
        args: &[Value],
        ty: &FuncType,
    ) -> Result<Vec<Value>> {
        // The runtime's call buffer: values one after another, in words.
        let words = ty.call_words().max(1) as u32;
        let slot = b.create_sized_stack_slot(ir::StackSlotData::new(ir::StackSlotKind::ExplicitSlot, words * 8, 3));
        let buffer = b.ins().stack_addr(PTR, slot, 0);
        for (v, word) in args.iter().zip(word_offsets(ty.params())) {
            let flags = value_flags(b.func.dfg.value_type(*v));
            b.ins().store(flags, *v, buffer, (word * 8) as i32);
        }
        self.builtin(b, which, &[func, buffer]);
        let mut results = Vec::with_capacity(ty.results().len());
        for (r, word) in ty.results().iter().zip(word_offsets(ty.results())) {
            let ty = clif_type(*r);
            results.push(b.ins().load(ty, value_flags(ty), buffer, (word * 8) as i32));
        }
        Ok(results)
    }

    /// `call`: functions of this module by a direct call; imports through
    /// the runtime, which finds the host function or other instance behind
    /// them.
    pub(super) fn call(&mut self, b: &mut FunctionBuilder<'_>, function_index: u32) -> Result<()> {
        let ty = self.info.func_type(function_index).clone();
        let args = self.take(ty.params().len());
        if function_index < self.info.num_imported_funcs {
            let func = Self::const_i32(b, function_index);
            let results = self.call_through_runtime(b, Builtin::CallFunction, func, &args, &ty)?;
            self.stack.extend(results);
            return Ok(());
        }
        // A function of this module is in the same code buffer: a direct,
        // PC-relative call, patched once every function's place is known
        // (`ModuleCompiler::finish`). Through the vmctx's table of code
        // pointers, two loads and an indirect call made call-heavy code
        // (shootout-fib2) 1.27x slower than wasmtime's.
        let signature = b.import_signature(wasm_signature(&ty, self.call_conv));
        let name = b.func.declare_imported_user_function(super::super::function_name(function_index));
        let callee = b.import_function(ir::ExtFuncData {
            name: ir::ExternalName::User(name),
            signature,
            colocated: true,
            patchable: false,
        });
        let mut call_args = vec![self.vmctx];
        call_args.extend(args);
        let call = b.ins().call(callee, &call_args);
        let results = b.inst_results(call).to_vec();
        self.stack.extend(results);
        Ok(())
    }

    /// `call_indirect`, resolved inline: the table element (bounds and null
    /// checked) names a store function whose reference (`VMFuncRef`) gives
    /// its type id (checked against this instance's id for `type_index`),
    /// its code and vmctx (possibly another instance's). A host function
    /// has no code and is called through the runtime on an out-of-line path.
    pub(super) fn call_indirect(&mut self, b: &mut FunctionBuilder<'_>, type_index: u32, table: u32) -> Result<()> {
        let ty = self.info.types[type_index as usize].clone();
        let sig = b.import_signature(wasm_signature(&ty, self.call_conv));
        let index = self.pop();
        let args = self.take(ty.params().len());
        let trusted = MemFlagsData::trusted();

        let table_def = self.load_fixed(b, PTR, self.vmctx, self.offsets.table(table) as i32);
        let elements = b.ins().load(PTR, trusted, table_def, VMTableDefinition::BASE);
        let count = b.ins().load(I64, trusted, table_def, VMTableDefinition::LENGTH);
        let index = b.ins().uextend(I64, index);
        let outside = b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, count);
        self.trap_if(b, outside, TrapCode::TableOutOfBounds);
        let offset = b.ins().ishl_imm_u(index, 3);
        let element = b.ins().iadd(elements, offset);
        let raw = b.ins().load(I64, trusted, element, 0);
        let null = b.ins().icmp_imm_u(IntCC::Equal, raw, 0);
        self.trap_if(b, null, TrapCode::UninitializedElement);

        let refs = self.load_fixed(b, PTR, self.vmctx, self.offsets.func_refs() as i32);
        let refs = b.ins().load(PTR, trusted, refs, VMFuncRefs::BASE);
        let size = std::mem::size_of::<VMFuncRef>() as i64;
        let offset = b.ins().imul_imm_s(raw, size);
        let entry = b.ins().iadd(refs, offset);
        // `raw` is the function's index plus one.
        let entry = b.ins().iadd_imm_s(entry, -size);
        let actual = b.ins().load(I32, trusted, entry, VMFuncRef::TYPE_ID);
        let type_ids = self.load_fixed(b, PTR, self.vmctx, self.offsets.type_ids() as i32);
        let expected = self.load_fixed(b, I32, type_ids, (type_index * 4) as i32);
        let mismatch = b.ins().icmp(IntCC::NotEqual, actual, expected);
        self.trap_if(b, mismatch, TrapCode::IndirectCallTypeMismatch);
        let code = b.ins().load(PTR, trusted, entry, VMFuncRef::CODE);
        let context = b.ins().load(PTR, trusted, entry, VMFuncRef::VMCTX);

        let wasm = b.create_block();
        let host = b.create_block();
        let done = b.create_block();
        for r in ty.results() {
            b.append_block_param(done, clif_type(*r));
        }
        b.set_cold_block(host);
        b.ins().brif(code, wasm, &[], host, &[]);
        b.seal_block(wasm);
        b.seal_block(host);

        b.switch_to_block(wasm);
        let mut call_args = vec![context];
        call_args.extend(args.iter().copied());
        let call = b.ins().call_indirect(sig, code, &call_args);
        let results = b.inst_results(call).to_vec();
        b.ins().jump(done, &block_args(&results));

        b.switch_to_block(host);
        let func = b.ins().ireduce(I32, context);
        let results = self.call_through_runtime(b, Builtin::CallStoreFunction, func, &args, &ty)?;
        b.ins().jump(done, &block_args(&results));

        b.seal_block(done);
        b.switch_to_block(done);
        let results = b.block_params(done).to_vec();
        self.stack.extend(results);
        Ok(())
    }
}
