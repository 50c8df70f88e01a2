//! `api_calls`: random sequences of embedding-API calls (instantiate, call,
//! memory grow/read/write from both sides, globals, tables with references
//! across instances, host calls, dropping instances and stores) checked step
//! by step against a plain Rust model of what they must do.
//!
//! Every instance is of one module (see [`MODULE`]); the model keeps each
//! instance's memory bytes, global and table, and the store's count of host
//! calls. Dropping an instance handle forgets the handle, not the instance:
//! a table elsewhere may still refer to its function, which must keep
//! answering with its own global.

use arbitrary::{Arbitrary, Result, Unstructured};
use engine::{Caller, Config, Engine, Error, Instance, Linker, Module, Store, Tier, TrapCode, Val};

/// The module every instance runs.
pub const MODULE: &str = r#"(module
  (import "host" "bump" (func $bump (param i32) (result i32)))
  (type $answer (func (result i32)))
  (memory (export "mem") 1 4)
  (global $g (export "g") (mut i32) (i32.const 0))
  (table (export "tab") 2 8 funcref)
  (elem (i32.const 0) $ident)
  (func $ident (export "ident") (result i32) (global.get $g))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "set_g") (param i32) (global.set $g (local.get 0)))
  (func (export "call_at") (param i32) (result i32) (call_indirect (type $answer) (local.get 0)))
  (func (export "tab_grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0)))
  (func (export "twice") (param i32) (result i32) (call $bump (call $bump (local.get 0)))))"#;

const PAGE: usize = 65536;
const MAX_PAGES: usize = 4;
const MAX_TABLE: usize = 8;

/// One step of a sequence. Instance operands pick among live handles
/// (modulo their number); `Instantiate` and `NewStore` need none.
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    Instantiate,
    DropInstance(u8),
    NewStore,
    Ident(u8),
    Load(u8, u32),
    Store(u8, u32, i32),
    GrowWasm(u8, u32),
    GrowHost(u8, u32),
    Size(u8),
    HostWrite(u8, u32, Vec<u8>),
    HostRead(u8, u32, u8),
    SetGlobalHost(u8, i32),
    SetGlobalWasm(u8, i32),
    GetGlobalHost(u8),
    /// Stores instance `.2`'s `ident` (or null) into a table slot.
    TableSet(u8, u32, Option<u8>),
    TableGet(u8, u32),
    TableGrowHost(u8, u32, Option<u8>),
    TableGrowWasm(u8, u32),
    CallAt(u8, u32),
    Twice(u8, i32),
}

/// What the model says an instance holds.
#[derive(Clone)]
struct InstanceModel {
    memory: Vec<u8>,
    global: i32,
    /// Each slot: the model index of the instance whose `ident` it holds.
    table: Vec<Option<usize>>,
}

impl InstanceModel {
    fn new(own: usize) -> InstanceModel {
        InstanceModel { memory: vec![0; PAGE], global: 0, table: vec![Some(own), None] }
    }
}

/// The engine under test with its model, advanced together.
struct Session {
    engine: Engine,
    module: Module,
    store: Store<u32>,
    /// Every instance of the store (model index = position).
    instances: Vec<(Instance, InstanceModel)>,
    /// Live handles: model indices.
    handles: Vec<usize>,
    host_calls: u32,
}

fn linker(engine: &Engine, store: &mut Store<u32>) -> Linker<u32> {
    let mut linker = Linker::new(engine);
    linker.func_wrap(store, "host", "bump", |mut caller: Caller<'_, u32>, x: i32| {
        *caller.data_mut() += 1;
        x.wrapping_add(1)
    });
    linker
}

/// A mismatch between the engine and the model, in words.
fn mismatch(step: usize, op: &Op, what: String) -> String {
    format!("step {step} {op:?}: {what}")
}

fn trap_code(e: &Error) -> Option<TrapCode> {
    match e {
        Error::Trap(t) => Some(t.code()),
        _ => None,
    }
}

/// The engine and the compiled module of `tier`, made once per process: the
/// module never changes, and every input only replays API calls on it (a
/// module shared by many stores, as embedders use them).
fn compiled(tier: Tier) -> (Engine, Module) {
    static COMPILED: [std::sync::OnceLock<(Engine, Module)>; Tier::ALL.len()] =
        [const { std::sync::OnceLock::new() }; Tier::ALL.len()];
    let index = Tier::ALL.iter().position(|t| *t == tier).expect("every tier is in Tier::ALL");
    COMPILED[index]
        .get_or_init(|| {
            let mut config = Config::new();
            config.tier(tier);
            let engine = Engine::new(&config).expect("a default configuration is valid");
            let module = Module::new(&engine, MODULE).expect("the api_calls module is valid");
            (engine, module)
        })
        .clone()
}

impl Session {
    fn new(tier: Tier) -> Session {
        let (engine, module) = compiled(tier);
        let store = Store::new(&engine, 0);
        Session { engine, module, store, instances: Vec::new(), handles: Vec::new(), host_calls: 0 }
    }

    fn pick(&self, k: u8) -> Option<usize> {
        (!self.handles.is_empty()).then(|| self.handles[k as usize % self.handles.len()])
    }

    fn call(&mut self, i: usize, name: &str, args: &[Val]) -> std::result::Result<Option<Val>, Error> {
        let func = self.instances[i].0.get_func(&self.store, name).expect("the module exports it");
        let ty = func.ty(&self.store)?;
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        func.call(&mut self.store, args, &mut results)?;
        Ok(results.first().copied())
    }

    fn ident_of(&self, model: usize) -> Val {
        Val::FuncRef(Some(self.instances[model].0.get_func(&self.store, "ident").expect("exported")))
    }

    /// What a reference to some instance's `ident` answers when called.
    fn answer_of(&mut self, func: engine::Func) -> std::result::Result<Val, Error> {
        let mut results = [Val::I32(0)];
        func.call(&mut self.store, &[], &mut results)?;
        Ok(results[0])
    }

    fn expect_i32(&mut self, i: usize, name: &str, args: &[Val], want: std::result::Result<i32, TrapCode>) -> Check {
        match (self.call(i, name, args), want) {
            (Ok(Some(Val::I32(got))), Ok(want)) if got == want => Ok(()),
            (Err(e), Err(code)) if trap_code(&e) == Some(code) => Ok(()),
            (got, want) => Err(format!("`{name}` gave {got:?}, model says {want:?}")),
        }
    }

    fn step(&mut self, op: &Op) -> Check {
        match *op {
            Op::Instantiate => {
                let linker = linker(&self.engine, &mut self.store);
                let instance = linker.instantiate(&mut self.store, &self.module).map_err(|e| e.to_string())?;
                let own = self.instances.len();
                self.instances.push((instance, InstanceModel::new(own)));
                self.handles.push(own);
            }
            Op::DropInstance(k) => {
                if !self.handles.is_empty() {
                    self.handles.remove(k as usize % self.handles.len());
                }
            }
            Op::NewStore => {
                self.store = Store::new(&self.engine, 0);
                self.instances.clear();
                self.handles.clear();
                self.host_calls = 0;
            }
            _ => {
                let Some(i) = op.instance().and_then(|k| self.pick(k)) else { return Ok(()) };
                self.on_instance(i, op)?;
            }
        }
        Ok(())
    }

    fn on_instance(&mut self, i: usize, op: &Op) -> Check {
        let fits = |len: usize, addr: u32, n: usize| (addr as usize).checked_add(n).is_some_and(|end| end <= len);
        match op.clone() {
            Op::Ident(_) => {
                let want = self.instances[i].1.global;
                self.expect_i32(i, "ident", &[], Ok(want))
            }
            Op::Load(_, addr) => {
                let m = &self.instances[i].1.memory;
                let want = if fits(m.len(), addr, 4) {
                    let a = addr as usize;
                    Ok(i32::from_le_bytes(m[a..a + 4].try_into().expect("4 bytes")))
                } else {
                    Err(TrapCode::MemoryOutOfBounds)
                };
                self.expect_i32(i, "load", &[Val::I32(addr as i32)], want)
            }
            Op::Store(_, addr, value) => {
                let result = self.call(i, "store", &[Val::I32(addr as i32), Val::I32(value)]);
                let m = &mut self.instances[i].1.memory;
                match (result, fits(m.len(), addr, 4)) {
                    (Ok(_), true) => {
                        m[addr as usize..addr as usize + 4].copy_from_slice(&value.to_le_bytes());
                        Ok(())
                    }
                    (Err(e), false) if trap_code(&e) == Some(TrapCode::MemoryOutOfBounds) => Ok(()),
                    (got, fits) => Err(format!("store gave {got:?}, in bounds: {fits}")),
                }
            }
            Op::GrowWasm(_, delta) | Op::GrowHost(_, delta) => {
                let delta = delta % 6;
                let pages = self.instances[i].1.memory.len() / PAGE;
                let grows = pages + delta as usize <= MAX_PAGES;
                let got = if matches!(op, Op::GrowWasm(..)) {
                    match self.call(i, "grow", &[Val::I32(delta as i32)]) {
                        Ok(Some(Val::I32(-1))) => None,
                        Ok(Some(Val::I32(old))) => Some(old as u64),
                        other => return Err(format!("memory.grow gave {other:?}")),
                    }
                } else {
                    let memory = self.instances[i].0.get_memory(&self.store, "mem").expect("exported");
                    memory.grow(&mut self.store, delta as u64).ok()
                };
                match (got, grows) {
                    (Some(old), true) if old as usize == pages => {
                        self.instances[i].1.memory.resize((pages + delta as usize) * PAGE, 0);
                        Ok(())
                    }
                    (None, false) => Ok(()),
                    (got, grows) => Err(format!("grow by {delta} from {pages} gave {got:?}, model grows: {grows}")),
                }
            }
            Op::Size(_) => {
                let want = (self.instances[i].1.memory.len() / PAGE) as i32;
                self.expect_i32(i, "size", &[], Ok(want))
            }
            Op::HostWrite(_, addr, bytes) => {
                let memory = self.instances[i].0.get_memory(&self.store, "mem").expect("exported");
                let result = memory.write(&mut self.store, addr as usize, &bytes);
                let m = &mut self.instances[i].1.memory;
                match (result, fits(m.len(), addr, bytes.len())) {
                    (Ok(()), true) => {
                        m[addr as usize..addr as usize + bytes.len()].copy_from_slice(&bytes);
                        Ok(())
                    }
                    (Err(_), false) => Ok(()),
                    (got, fits) => Err(format!("host write gave {got:?}, in bounds: {fits}")),
                }
            }
            Op::HostRead(_, addr, len) => {
                let memory = self.instances[i].0.get_memory(&self.store, "mem").expect("exported");
                let mut buf = vec![0; len as usize];
                let result = memory.read(&self.store, addr as usize, &mut buf);
                let m = &self.instances[i].1.memory;
                match (result, fits(m.len(), addr, buf.len())) {
                    (Ok(()), true) if buf[..] == m[addr as usize..addr as usize + buf.len()] => Ok(()),
                    (Err(_), false) => Ok(()),
                    (got, fits) => Err(format!("host read gave {got:?} {buf:?}, in bounds: {fits}")),
                }
            }
            Op::SetGlobalHost(_, v) => {
                let global = self.instances[i].0.get_global(&self.store, "g").expect("exported");
                global.set(&mut self.store, Val::I32(v)).map_err(|e| e.to_string())?;
                self.instances[i].1.global = v;
                Ok(())
            }
            Op::SetGlobalWasm(_, v) => {
                self.call(i, "set_g", &[Val::I32(v)]).map_err(|e| e.to_string())?;
                self.instances[i].1.global = v;
                Ok(())
            }
            Op::GetGlobalHost(_) => {
                let global = self.instances[i].0.get_global(&self.store, "g").expect("exported");
                match global.get(&self.store) {
                    Ok(Val::I32(v)) if v == self.instances[i].1.global => Ok(()),
                    other => Err(format!("global.get gave {other:?}, model {}", self.instances[i].1.global)),
                }
            }
            Op::TableSet(_, slot, source) => {
                let source = source.and_then(|k| self.pick(k));
                let value = source.map_or(Val::FuncRef(None), |s| self.ident_of(s));
                let table = self.instances[i].0.get_table(&self.store, "tab").expect("exported");
                let result = table.set(&mut self.store, slot as u64, value);
                let t = &mut self.instances[i].1.table;
                match (result, (slot as usize) < t.len()) {
                    (Ok(()), true) => {
                        t[slot as usize] = source;
                        Ok(())
                    }
                    (Err(_), false) => Ok(()),
                    (got, fits) => Err(format!("table.set gave {got:?}, in bounds: {fits}")),
                }
            }
            Op::TableGet(_, slot) => {
                let table = self.instances[i].0.get_table(&self.store, "tab").expect("exported");
                let got = table.get(&self.store, slot as u64).map_err(|e| e.to_string())?;
                let want = self.instances[i].1.table.get(slot as usize).copied();
                match (got, want) {
                    (None, None) | (Some(Val::FuncRef(None)), Some(None)) => Ok(()),
                    // The function is identified by what it answers: its
                    // instance's global.
                    (Some(Val::FuncRef(Some(f))), Some(Some(owner))) => match self.answer_of(f) {
                        Ok(Val::I32(v)) if v == self.instances[owner].1.global => Ok(()),
                        other => Err(format!("table.get {slot}: the function answers {other:?}, model's {owner}")),
                    },
                    (got, want) => Err(format!("table.get {slot} gave {got:?}, model says {want:?}")),
                }
            }
            Op::TableGrowHost(_, delta, _) | Op::TableGrowWasm(_, delta) => {
                let delta = delta % 5;
                let init = match op {
                    Op::TableGrowHost(_, _, Some(k)) => self.pick(*k),
                    _ => None,
                };
                let len = self.instances[i].1.table.len();
                let grows = len + delta as usize <= MAX_TABLE;
                let got = if matches!(op, Op::TableGrowWasm(..)) {
                    match self.call(i, "tab_grow", &[Val::I32(delta as i32)]) {
                        Ok(Some(Val::I32(-1))) => None,
                        Ok(Some(Val::I32(old))) => Some(old as u64),
                        other => return Err(format!("table.grow gave {other:?}")),
                    }
                } else {
                    let value = init.map_or(Val::FuncRef(None), |s| self.ident_of(s));
                    let table = self.instances[i].0.get_table(&self.store, "tab").expect("exported");
                    table.grow(&mut self.store, delta as u64, value).ok()
                };
                match (got, grows) {
                    (Some(old), true) if old as usize == len => {
                        self.instances[i].1.table.resize(len + delta as usize, init);
                        Ok(())
                    }
                    (None, false) => Ok(()),
                    (got, grows) => Err(format!("table grow by {delta} from {len} gave {got:?}, model: {grows}")),
                }
            }
            Op::CallAt(_, slot) => {
                let want = match self.instances[i].1.table.get(slot as usize) {
                    None => Err(TrapCode::TableOutOfBounds),
                    Some(None) => Err(TrapCode::UninitializedElement),
                    Some(Some(owner)) => Ok(self.instances[*owner].1.global),
                };
                self.expect_i32(i, "call_at", &[Val::I32(slot as i32)], want)
            }
            Op::Twice(_, x) => {
                self.expect_i32(i, "twice", &[Val::I32(x)], Ok(x.wrapping_add(2)))?;
                self.host_calls += 2;
                match *self.store.data() {
                    n if n == self.host_calls => Ok(()),
                    n => Err(format!("the host counted {n} calls, model {}", self.host_calls)),
                }
            }
            Op::Instantiate | Op::DropInstance(_) | Op::NewStore => Ok(()),
        }
    }
}

impl Op {
    fn instance(&self) -> Option<u8> {
        match *self {
            Op::Instantiate | Op::NewStore => None,
            Op::DropInstance(k)
            | Op::Ident(k)
            | Op::Load(k, _)
            | Op::Store(k, _, _)
            | Op::GrowWasm(k, _)
            | Op::GrowHost(k, _)
            | Op::Size(k)
            | Op::HostWrite(k, _, _)
            | Op::HostRead(k, _, _)
            | Op::SetGlobalHost(k, _)
            | Op::SetGlobalWasm(k, _)
            | Op::GetGlobalHost(k)
            | Op::TableSet(k, _, _)
            | Op::TableGet(k, _)
            | Op::TableGrowHost(k, _, _)
            | Op::TableGrowWasm(k, _)
            | Op::CallAt(k, _)
            | Op::Twice(k, _) => Some(k),
        }
    }
}

type Check = std::result::Result<(), String>;

/// Addresses near the ends of the pages, where bounds checks live.
fn near_edges(ops: &mut [Op]) {
    for op in ops {
        if let Op::Load(_, addr) | Op::Store(_, addr, _) | Op::HostWrite(_, addr, _) | Op::HostRead(_, addr, _) = op {
            let page = (*addr >> 16) % (MAX_PAGES as u32 + 1);
            *addr = (page << 16).wrapping_sub(*addr & 0xf);
        }
    }
}

/// The operations an input describes.
pub fn ops(data: &[u8]) -> Result<Vec<Op>> {
    let mut u = Unstructured::new(data);
    let edges = u.arbitrary::<bool>()?;
    let mut ops: Vec<Op> = std::iter::once(Ok(Op::Instantiate))
        .chain(std::iter::from_fn(|| (!u.is_empty()).then(|| u.arbitrary::<Op>())))
        .take(64)
        .collect::<Result<_>>()?;
    if edges {
        near_edges(&mut ops);
    }
    Ok(ops)
}

/// Runs the operations an input describes on every tier in `tiers`; the
/// first disagreement with the model is the error.
pub fn check(data: &[u8], tiers: &[Tier]) -> Check {
    match ops(data) {
        Ok(ops) => check_ops(&ops, tiers),
        Err(_) => Ok(()),
    }
}

pub fn check_ops(ops: &[Op], tiers: &[Tier]) -> Check {
    for &tier in tiers {
        let mut session = Session::new(tier);
        for (step, op) in ops.iter().enumerate() {
            session.step(op).map_err(|what| format!("{tier}: {}", mismatch(step, op, what)))?;
        }
    }
    Ok(())
}
