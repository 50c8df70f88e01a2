//! Fuel metering: a charge at the start of every region of the function's
//! fuel plan (`compile::fuel`, the same for every tier). A charge that
//! cannot be paid empties the store's fuel and traps with `OutOfFuel`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, types};
use cranelift_frontend::FunctionBuilder;

use super::FuncState;
use crate::compile::cranelift::vm;
use crate::error::TrapCode;
use crate::runtime::store::StoreInner;

impl FuncState<'_> {
    /// Charges `charge` units of fuel here (when metering is on).
    pub(super) fn charge_fuel(&mut self, b: &mut FunctionBuilder<'_>, charge: u32) {
        if !self.fuel {
            return;
        }
        let fuel_offset = std::mem::offset_of!(StoreInner, fuel) as i32;
        let store = b.ins().load(vm::POINTER, MemFlagsData::trusted(), self.vmctx, self.offsets.store() as i32);
        let left = b.ins().load(types::I64, MemFlagsData::trusted(), store, fuel_offset);
        let amount = b.ins().iconst(types::I64, i64::from(charge));
        let short = b.ins().icmp(IntCC::UnsignedLessThan, left, amount);
        let empty = b.create_block();
        let paid = b.create_block();
        b.set_cold_block(empty);
        b.ins().brif(short, empty, &[], paid, &[]);
        b.seal_block(empty);
        b.seal_block(paid);
        b.switch_to_block(empty);
        let zero = b.ins().iconst(types::I64, 0);
        b.ins().store(MemFlagsData::trusted(), zero, store, fuel_offset);
        self.trap(b, TrapCode::OutOfFuel);
        b.switch_to_block(paid);
        let rest = b.ins().isub(left, amount);
        b.ins().store(MemFlagsData::trusted(), rest, store, fuel_offset);
    }
}
