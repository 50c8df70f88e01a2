//! Functions: calls from the host into wasm, host functions called by wasm,
//! and typed wrappers over both.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::Arc;

use super::externals::Extern;
use super::store::{AsContext, AsContextMut, FuncKind, Store, StoreInner};
use super::val::Val;
use crate::compile::interp::{Execution, Exit};
use crate::error::{Error, Result, Trap, TrapCode};
use crate::module::types::{FuncType, ValType, words};

/// A function handle: wasm-defined or host-defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

type HostFn<T> = dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync;

/// The type-erased payload of `FuncKind::Host` for a store of `T`.
struct HostFunc<T: 'static>(Arc<HostFn<T>>);

/// What a host function sees of its caller: the store's data, and the
/// exports of the calling instance (typically its memory).
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<u32>,
}

impl<T> Caller<'_, T> {
    pub fn data(&self) -> &T {
        self.store.data()
    }

    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// An export of the instance whose code called this host function.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        let instance = self.instance?;
        super::instance::Instance { store: self.store.inner.id, index: instance }.get_export(&*self.store, name)
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    type Data = T;
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}

impl Func {
    /// A host function with a dynamic signature.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Func {
        let store = store.as_context_mut();
        let host: Arc<dyn Any + Send + Sync> = Arc::new(HostFunc::<T>(Arc::new(func)));
        let index = store.inner.push_func(ty, FuncKind::Host(host));
        Func { store: store.inner.id, index }
    }

    /// A host function whose signature comes from the closure's Rust types,
    /// e.g. `|caller: Caller<'_, T>, x: i32| -> i64`.
    pub fn wrap<T: 'static, Params, Results>(
        store: impl AsContextMut<Data = T>,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let (ty, host) = func.into_func();
        Func::new(store, ty, move |caller, params, results| host(caller, params, results))
    }

    pub fn ty<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<FuncType> {
        let store = ctx.as_context();
        store.inner.check(self.store)?;
        Ok(store.inner.funcs[self.index as usize].ty.clone())
    }

    /// Calls the function, checking argument and result types.
    pub fn call<T: 'static>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let store = store.as_context_mut();
        store.inner.check(self.store)?;
        let ty = store.inner.funcs[self.index as usize].ty.clone();
        if params.len() != ty.params().len() || results.len() != ty.results().len() {
            return Err(Error::Usage(format!(
                "function {ty} called with {} arguments and {} result slots",
                params.len(),
                results.len()
            )));
        }
        let mut raw_args = Vec::with_capacity(crate::module::types::words(ty.params()));
        for (p, t) in params.iter().zip(ty.params()) {
            p.check_type(*t)?;
            p.push_words(&store.inner, &mut raw_args)?;
        }
        let mut raw_results = vec![0u64; crate::module::types::words(ty.results())];
        invoke(store, self.index, &raw_args, &mut raw_results)?;
        for (r, v) in results.iter_mut().zip(Val::all_from_words(&raw_results, ty.results(), self.store)) {
            *r = v;
        }
        Ok(())
    }

    /// A statically typed view of this function; fails if the types differ.
    pub fn typed<T, Params: WasmParams, Results: WasmResults>(
        &self,
        ctx: &impl AsContext<Data = T>,
    ) -> Result<TypedFunc<Params, Results>> {
        let store = ctx.as_context();
        let ty = self.ty(store)?;
        if ty.params() != Params::types().as_slice() || ty.results() != Results::types().as_slice() {
            return Err(Error::Usage(format!("function type {ty} does not match the requested Rust signature")));
        }
        Ok(TypedFunc { func: *self, _marker: PhantomData })
    }
}

/// Runs function `index` of the store with raw arguments and results.
pub(crate) fn invoke<T: 'static>(
    store: &mut Store<T>,
    index: u32,
    args: &[u64],
    results: &mut [u64],
) -> Result<(), Trap> {
    match &store.inner.funcs[index as usize].kind {
        FuncKind::Host(host) => {
            let host = host.clone();
            call_host(store, &host, index, args, results, None)
        }
        FuncKind::Wasm { .. } => call_wasm(store, index, args, results),
    }
}

fn call_wasm<T: 'static>(store: &mut Store<T>, index: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
    let max_nesting = store.inner.engine.config().limits.max_host_nesting;
    if store.inner.nesting >= max_nesting {
        return Err(Trap::new(TrapCode::StackOverflow));
    }
    store.inner.nesting += 1;
    // A host function's panic passes through here to the embedder; the
    // nesting count must still come down, or the store would refuse calls.
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call_wasm_unnested(store, index, args, results)));
    store.inner.nesting -= 1;
    outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn call_wasm_unnested<T: 'static>(
    store: &mut Store<T>,
    index: u32,
    args: &[u64],
    results: &mut [u64],
) -> Result<(), Trap> {
    if matches!(store.inner.engine.config().tier, crate::Tier::Cranelift | crate::Tier::Baseline) {
        let whole: *mut Store<T> = store;
        // SAFETY: `store` is exclusively borrowed and not used again until
        // the call returns: compiled code, the builtins and host functions
        // it calls reach the store only through this pointer (derived from
        // the whole `Store<T>`, so the host-call shim may widen it back).
        unsafe { call_compiled(&raw mut (*whole).inner, index, args, results) }
    } else {
        let mut exec = store.inner.executions.pop().unwrap_or_default();
        let outcome = run_to_completion(store, &mut exec, index, args, results);
        exec.reset();
        store.inner.executions.push(exec);
        outcome
    }
}

/// Runs a function the Cranelift tier compiled, through its trampoline.
///
/// # Safety
/// `store` must be the `inner` of a live `Store<T>` that nothing else
/// borrows until this returns.
unsafe fn call_compiled(store: *mut StoreInner, index: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
    // SAFETY: the caller's contract; this borrow ends before the call.
    let FuncKind::Wasm { instance, def_index } = (unsafe { &(*store).funcs })[index as usize].kind else {
        unreachable!("host functions are called directly")
    };
    let mut values = vec![0u64; args.len().max(results.len())];
    values[..args.len()].copy_from_slice(args);
    // SAFETY: as above; nothing else holds a reference into the store.
    let frames_before = unsafe { (*store).trap_pcs.len() };
    // SAFETY: as above; nothing else holds a reference into the store.
    unsafe { (*store).prime_instances(crate::compile::native::current_stack_limit()) };
    // SAFETY: function (instance, def_index) takes `args` and returns
    // `results`, so `values` is large enough; the store's contract holds.
    let trapped = unsafe { crate::compile::run_function(store, instance, def_index, &mut values) };
    // SAFETY: the call has returned; the store is ours again.
    let inner = unsafe { &mut *store };
    if let Some(panic) = inner.pending_panic.take() {
        std::panic::resume_unwind(panic);
    }
    let pcs = inner.trap_pcs.split_off(frames_before.min(inner.trap_pcs.len()));
    if let Some(code) = trapped {
        let frames: Vec<(u32, u32)> = pcs.iter().filter_map(|pc| inner.compiled_frame_at(*pc)).collect();
        let trap = inner.pending_trap.take().unwrap_or_else(|| Trap::new(code));
        return Err(trap.with_backtrace(|| inner.frame_infos(&frames)));
    }
    results.copy_from_slice(&values[..results.len()]);
    Ok(())
}

fn run_to_completion<T: 'static>(
    store: &mut Store<T>,
    exec: &mut Execution,
    index: u32,
    args: &[u64],
    results: &mut [u64],
) -> Result<(), Trap> {
    exec.start(&store.inner, index, args)?;
    loop {
        let exit = match exec.run(&mut store.inner) {
            Ok(exit) => exit,
            Err(trap) => return Err(trap.with_backtrace(|| store.inner.frame_infos(&exec.backtrace(&store.inner)))),
        };
        match exit {
            Exit::Done => {
                exec.copy_results(results);
                return Ok(());
            }
            Exit::CallHost { func, base, instance } => {
                let (num_params, num_results, host) = {
                    let entity = &store.inner.funcs[func as usize];
                    let FuncKind::Host(host) = &entity.kind else {
                        unreachable!("the interpreter only exits for host functions")
                    };
                    (words(entity.ty.params()), words(entity.ty.results()), host.clone())
                };
                let base = base as usize;
                let host_args: Vec<u64> = exec.stack()[base..base + num_params].to_vec();
                let mut host_results = vec![0u64; num_results];
                if let Err(trap) = call_host(store, &host, func, &host_args, &mut host_results, Some(instance)) {
                    return Err(trap.with_backtrace(|| store.inner.frame_infos(&exec.backtrace(&store.inner))));
                }
                exec.stack_mut()[base..base + num_results].copy_from_slice(&host_results);
            }
        }
    }
}

fn call_host<T: 'static>(
    store: &mut Store<T>,
    host: &Arc<dyn Any + Send + Sync>,
    index: u32,
    args: &[u64],
    results: &mut [u64],
    instance: Option<u32>,
) -> Result<(), Trap> {
    let host = host.downcast_ref::<HostFunc<T>>().expect("host functions are created for their store's data type");
    let ty = store.inner.funcs[index as usize].ty.clone();
    let id = store.inner.id;
    let params = Val::all_from_words(args, ty.params(), id);
    let mut outs: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    (host.0)(Caller { store, instance }, &params, &mut outs)?;
    let mut raw = Vec::with_capacity(results.len());
    for (out, t) in outs.iter().zip(ty.results()) {
        if out.ty() != *t {
            return Err(Trap::host(format!("host function returned {} where {t} was declared", out.ty())));
        }
        out.push_words(&store.inner, &mut raw).map_err(|e| Trap::host(e.to_string()))?;
    }
    results.copy_from_slice(&raw);
    Ok(())
}

/// Calls host function `index` of the store (for compiled code, through
/// the store's host-call shim), on behalf of `instance`.
pub(crate) fn call_host_function<T: 'static>(
    store: &mut Store<T>,
    index: u32,
    args: &[u64],
    results: &mut [u64],
    instance: Option<u32>,
) -> Result<(), Trap> {
    let FuncKind::Host(host) = &store.inner.funcs[index as usize].kind else {
        unreachable!("only host functions go through the host-call shim")
    };
    let host = host.clone();
    call_host(store, &host, index, args, results, instance)
}

/// A Rust type that is a wasm value type.
pub trait WasmTy: Copy {
    const TYPE: ValType;
    fn into_val(self) -> Val;
    fn from_val(val: Val) -> Option<Self>;
}

macro_rules! wasm_ty {
    ($($t:ty => $ty:ident, $variant:ident, |$v:ident| $into:expr, |$w:ident| $from:expr;)*) => {$(
        impl WasmTy for $t {
            const TYPE: ValType = ValType::$ty;
            fn into_val(self) -> Val {
                let $v = self;
                Val::$variant($into)
            }
            fn from_val(val: Val) -> Option<Self> {
                match val {
                    Val::$variant($w) => Some($from),
                    _ => None,
                }
            }
        }
    )*};
}

wasm_ty! {
    i32 => I32, I32, |v| v, |w| w;
    u32 => I32, I32, |v| v as i32, |w| w as u32;
    i64 => I64, I64, |v| v, |w| w;
    u64 => I64, I64, |v| v as i64, |w| w as u64;
    f32 => F32, F32, |v| v.to_bits(), |w| f32::from_bits(w);
    f64 => F64, F64, |v| v.to_bits(), |w| f64::from_bits(w);
    // A v128's 128 bits, lane 0 in the low bits.
    u128 => V128, V128, |v| v, |w| w;
}

/// Argument lists of typed calls: a value type or a tuple of them.
pub trait WasmParams {
    fn types() -> Vec<ValType>;
    fn into_vals(self) -> Vec<Val>;
}

/// Result lists of typed calls: `()`, a value type or a tuple of them.
pub trait WasmResults: Sized {
    fn types() -> Vec<ValType>;
    fn from_vals(vals: &[Val]) -> Option<Self>;
    fn into_vals(self) -> Vec<Val>;
}

impl<A: WasmTy> WasmParams for A {
    fn types() -> Vec<ValType> {
        vec![A::TYPE]
    }
    fn into_vals(self) -> Vec<Val> {
        vec![self.into_val()]
    }
}

impl<A: WasmTy> WasmResults for A {
    fn types() -> Vec<ValType> {
        vec![A::TYPE]
    }
    fn from_vals(vals: &[Val]) -> Option<Self> {
        A::from_val(*vals.first()?)
    }
    fn into_vals(self) -> Vec<Val> {
        vec![self.into_val()]
    }
}

macro_rules! tuples {
    ($(($($n:ident)*))*) => {$(
        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
        impl<$($n: WasmTy),*> WasmParams for ($($n,)*) {
            fn types() -> Vec<ValType> { vec![$($n::TYPE),*] }
            fn into_vals(self) -> Vec<Val> { let ($($n,)*) = self; vec![$($n.into_val()),*] }
        }
        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
        impl<$($n: WasmTy),*> WasmResults for ($($n,)*) {
            fn types() -> Vec<ValType> { vec![$($n::TYPE),*] }
            fn from_vals(vals: &[Val]) -> Option<Self> {
                let mut it = vals.iter();
                Some(($($n::from_val(*it.next()?)?,)*))
            }
            fn into_vals(self) -> Vec<Val> { let ($($n,)*) = self; vec![$($n.into_val()),*] }
        }
    )*};
}

tuples! { () (A1) (A1 A2) (A1 A2 A3) (A1 A2 A3 A4) (A1 A2 A3 A4 A5) (A1 A2 A3 A4 A5 A6) }

/// A function with a statically known signature.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _marker: PhantomData<fn(Params) -> Results>,
}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    pub fn call<T: 'static>(&self, mut store: impl AsContextMut<Data = T>, params: Params) -> Result<Results> {
        let store = store.as_context_mut();
        let params = params.into_vals();
        let mut results: Vec<Val> = Results::types().into_iter().map(Val::default_for).collect();
        self.func.call(&mut *store, &params, &mut results)?;
        Ok(Results::from_vals(&results).expect("types were checked when the TypedFunc was made"))
    }

    pub fn func(&self) -> Func {
        self.func
    }
}

/// What a typed host function returns: its results, or a trap.
pub trait HostResult {
    type Results: WasmResults;
    fn into_result(self) -> Result<Self::Results, Trap>;
}

impl<R: WasmResults> HostResult for R {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        Ok(self)
    }
}

impl<R: WasmResults> HostResult for Result<R, Trap> {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        self
    }
}

/// Closures usable with [`Func::wrap`].
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, Box<HostFn<T>>);
}

macro_rules! into_func {
    ($(($($n:ident)*))*) => {$(
        #[allow(non_snake_case, unused_variables, unused_mut)]
        impl<T, F, R, $($n: WasmTy),*> IntoFunc<T, ($($n,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($n),*) -> R + Send + Sync + 'static,
            R: HostResult,
        {
            fn into_func(self) -> (FuncType, Box<HostFn<T>>) {
                let ty = FuncType::new(vec![$($n::TYPE),*], R::Results::types());
                let host = move |caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                    let mut it = params.iter();
                    $(let $n = $n::from_val(*it.next().expect("arity checked"))
                        .expect("types checked by the caller");)*
                    let out = self(caller, $($n),*).into_result()?.into_vals();
                    results.copy_from_slice(&out);
                    Ok(())
                };
                (ty, Box::new(host))
            }
        }
    )*};
}

into_func! { () (A1) (A1 A2) (A1 A2 A3) (A1 A2 A3 A4) (A1 A2 A3 A4 A5) (A1 A2 A3 A4 A5 A6) }

impl<T> super::store::AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self.store
    }
}
