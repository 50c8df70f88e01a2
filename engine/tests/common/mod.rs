//! Helpers shared by the engine's test crates (each includes this module).

use engine::{Store, TrapCode, Val};

/// Calls export `name` with `args`: its results, or the trap's code (any
/// other error fails the test).
pub fn call(
    store: &mut Store<()>,
    instance: &engine::Instance,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, TrapCode> {
    let f = instance.get_func(&*store, name).unwrap();
    let ty = f.ty(&*store).unwrap();
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    match f.call(&mut *store, args, &mut results) {
        Ok(()) => Ok(results),
        Err(engine::Error::Trap(t)) => Err(t.code()),
        Err(e) => panic!("{e}"),
    }
}
