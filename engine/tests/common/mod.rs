//! Helpers shared by the engine's test crates (each includes this module).

use engine::{Store, TrapCode, Val};

/// Calls export `name` with `args`: its results, or the trap's code (any
/// other error fails the test).
#[allow(dead_code)]
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

/// A configuration for `tier` with its default proposals.
#[allow(dead_code)]
pub fn config(tier: engine::Tier) -> engine::Config {
    let mut config = engine::Config::new();
    config.tier(tier);
    config
}

/// An engine running `tier`.
#[allow(dead_code)]
pub fn engine(tier: engine::Tier) -> engine::Engine {
    engine::Engine::new(&config(tier)).expect("every tier accepts its default configuration")
}

/// Runs each named test function (`fn(Tier)`) once on every tier, as the
/// tests `<name>::interp`, `<name>::baseline` and `<name>::cranelift`.
#[allow(unused_macros)]
macro_rules! on_every_tier {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn interp() {
                    super::$name(engine::Tier::Interp)
                }
                #[test]
                fn baseline() {
                    super::$name(engine::Tier::Baseline)
                }
                #[test]
                fn cranelift() {
                    super::$name(engine::Tier::Cranelift)
                }
            }
        )*
    };
}
