//! Fuel metering, charged exactly as the interpreter charges it: the code
//! is cut into regions at the same operators (function entry, loop headers,
//! both arms of an `if`, after `end` and after `br_if`), and each region
//! charges, on entry, one unit per reachable operator it contains. A region
//! that cannot be paid for empties the store's fuel and traps with
//! `OutOfFuel` before any of its operators runs, so the fuel left after a
//! call, and where a trap happens, are the same on both tiers.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, types};
use cranelift_frontend::FunctionBuilder;

use super::FuncState;
use crate::compile::cranelift::vm;
use crate::error::TrapCode;
use crate::runtime::store::StoreInner;

/// The region being translated: its charge instruction (an `iconst` whose
/// immediate is patched when the region ends) and its operator count.
pub(super) struct FuelRegion {
    charge: Option<ir::Inst>,
    count: u32,
}

impl FuelRegion {
    pub(super) fn new() -> FuelRegion {
        FuelRegion { charge: None, count: 0 }
    }
}

impl FuncState<'_> {
    /// Counts one operator of the current region (if metering is on).
    pub(super) fn count_operator(&mut self) {
        if let Some(region) = &mut self.fuel {
            region.count = region.count.saturating_add(1);
        }
    }

    /// Ends the current region and starts one here.
    pub(super) fn start_fuel_region(&mut self, b: &mut FunctionBuilder<'_>) {
        if self.fuel.is_none() {
            return;
        }
        self.finish_fuel_region(b);
        let fuel_offset = std::mem::offset_of!(StoreInner, fuel) as i32;
        let store = b.ins().load(vm::POINTER, MemFlagsData::trusted(), self.vmctx, self.offsets.store() as i32);
        let left = b.ins().load(types::I64, MemFlagsData::trusted(), store, fuel_offset);
        let amount = b.ins().iconst(types::I64, 0);
        let charge = b.func.dfg.value_def(amount).unwrap_inst();
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
        self.fuel = Some(FuelRegion { charge: Some(charge), count: 0 });
    }

    /// Writes the current region's operator count into its charge.
    pub(super) fn finish_fuel_region(&mut self, b: &mut FunctionBuilder<'_>) {
        if let Some(region) = &mut self.fuel
            && let Some(charge) = region.charge.take()
        {
            b.func.replace(charge).iconst(types::I64, i64::from(region.count));
            region.count = 0;
        }
    }
}
