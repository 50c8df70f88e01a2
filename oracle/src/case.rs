//! Cases: a generated module plus a call plan, both drawn from raw bytes.
//! The same bytes always give the same case.

use std::sync::LazyLock;

use arbitrary::{Result, Unstructured};
use engine::Proposal;
use serde::{Deserialize, Serialize};

use crate::edges;
use crate::executor::Executor;
use crate::outcome::Value;

/// A named set of proposals the generator may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    pub name: &'static str,
    pub proposals: &'static [Proposal],
    /// Swarm testing: each case draws its own generator and configuration
    /// (see [`generate`]) instead of using one for every case.
    pub swarm: bool,
}

/// Every profile, derived from the proposal registry
/// (`engine::for_each_proposal!`): `mvp`; one per proposal some tier
/// runs and wasm-smith generates, named after it; `arith` (arithmetic
/// expression trees, see `arith.rs`, instead of wasm-smith); `probes`
/// (operators and runtime rules driven through their edges, see
/// `probes.rs`); and `default`, a swarm over every proposal some tier
/// runs and all three generators.
pub static PROFILES: LazyLock<Vec<Profile>> = LazyLock::new(|| {
    let runs = |p: &Proposal| p.supported_somewhere();
    let leak = |proposals: Vec<Proposal>| -> &'static [Proposal] { Vec::leak(proposals) };
    let mut profiles = vec![Profile { name: "mvp", proposals: leak(vec![Proposal::MutableGlobal]), swarm: false }];
    for p in Proposal::ALL.iter().filter(|p| runs(p) && generated(**p)) {
        let mut proposals = vec![Proposal::MutableGlobal];
        proposals.extend_from_slice(p.with());
        proposals.push(*p);
        profiles.push(Profile { name: p.name(), proposals: leak(proposals), swarm: false });
    }
    profiles.push(Profile {
        name: "arith",
        proposals: leak(vec![Proposal::MutableGlobal, Proposal::SignExtension, Proposal::SaturatingFloatToInt]),
        swarm: false,
    });
    profiles.push(Profile {
        name: "probes",
        proposals: leak(vec![
            Proposal::MutableGlobal,
            Proposal::SignExtension,
            Proposal::SaturatingFloatToInt,
            Proposal::BulkMemory,
            Proposal::ReferenceTypes,
        ]),
        swarm: false,
    });
    profiles.push(Profile {
        name: "default",
        proposals: leak(Proposal::ALL.iter().copied().filter(runs).collect()),
        swarm: true,
    });
    profiles
});

/// Sets or narrows one wasm-smith switch of the registry: a flag, or a
/// count (`N else M`: N with its proposal, M without).
macro_rules! smith_switch {
    (set $config:ident.$field:ident = $on:expr) => {
        $config.$field = $on
    };
    (set $config:ident.$field:ident = $on:expr, $count:literal, $without:literal) => {
        $config.$field = if $on { $count } else { $without }
    };
    (narrow $config:ident.$field:ident to $keep:expr) => {
        $config.$field &= $keep
    };
    (narrow $config:ident.$field:ident to $keep:expr, $count:literal, $without:literal) => {
        if !$keep {
            $config.$field = $config.$field.min($without)
        }
    };
}

/// Turns wasm-smith's switches of every registered proposal on where
/// `enabled` says so and off elsewhere (`set`), or only off where `keep`
/// refuses (`narrow`), and tells which proposals wasm-smith can generate.
macro_rules! smith_switches {
    ($( $variant:ident { name: $name:literal, features: [$($feature:ident),*], operators: $tag:ident,
        smith: [$($smith:ident $(= $count:literal else $without:literal)?),*], with: [$($with:ident),*], tiers: [$($tier:ident),*] } )*) => {
        /// Sets every proposal's wasm-smith switches: on where `enabled`.
        pub fn set_smith_proposals(config: &mut wasm_smith::Config, enabled: impl Fn(Proposal) -> bool) {
            $( $( smith_switch!(set config.$smith = enabled(Proposal::$variant) $(, $count, $without)?); )* )*
        }

        /// Turns off the wasm-smith switches of every proposal `keep`
        /// refuses (a count at most its value without the proposal).
        pub fn narrow_smith_to(config: &mut wasm_smith::Config, keep: impl Fn(Proposal) -> bool) {
            $( $( smith_switch!(narrow config.$smith to keep(Proposal::$variant) $(, $count, $without)?); )* )*
        }

        /// Whether wasm-smith generates the proposal's modules (it has a
        /// switch for it; mutable globals are part of every module).
        pub fn generated(proposal: Proposal) -> bool {
            let switches: &[&str] = match proposal {
                $( Proposal::$variant => &[$(stringify!($smith)),*], )*
            };
            !switches.is_empty()
        }
    };
}

engine::for_each_proposal!(smith_switches);

/// The profile named `name`: the one lookup, by the command line's
/// [`profile_parser`] too.
pub fn profile(name: &str) -> std::result::Result<Profile, String> {
    PROFILES.iter().copied().find(|p| p.name == name).ok_or_else(|| {
        let names: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
        format!("unknown profile `{name}` (known: {})", names.join(", "))
    })
}

/// A clap value parser for a profile argument: its possible values (listed
/// in `--help`) are the names of [`PROFILES`], and it gives the [`Profile`].
pub fn profile_parser() -> impl clap::builder::TypedValueParser<Value = Profile> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(PROFILES.iter().map(|p| p.name))
        .map(|name| profile(&name).expect("the parser accepts only the names of PROFILES"))
}

/// One call of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub export: String,
    pub args: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub wasm: Vec<u8>,
    pub plan: Vec<Call>,
    /// Modules instantiated before `wasm`, in order, each registered under
    /// `executor::provider_name(i)` for the ones after it to import from
    /// (functions, memories, tables, globals): cross-instance cases.
    pub providers: Vec<Vec<u8>>,
}

impl Case {
    /// A case of one module.
    pub fn single(wasm: Vec<u8>, plan: Vec<Call>) -> Case {
        Case { wasm, plan, providers: Vec::new() }
    }
}

/// Pages every generated memory may reach: small enough that every engine
/// can grow to it, so growth results are comparable.
pub const MAX_MEMORY_PAGES: u64 = 10;
pub const MAX_TABLE_ELEMENTS: u64 = 1_000;
/// wasm-smith's termination fuel: loop iterations and calls per export call.
pub const TERMINATION_FUEL: u32 = 1_000;

/// How often a case avoids traps: traps are interesting but should not end
/// most cases at once.
#[derive(Clone, Copy)]
enum TrapFree {
    /// With this chance (numerator, denominator).
    Chance(u8, u8),
    /// Never: wasm-smith (0.263) generates SIMD operators only where traps
    /// are allowed, so a profile made for SIMD allows them in every case (a
    /// swarm's trap-free cases with SIMD still carry v128 values through
    /// constants, locals, globals, blocks and calls).
    Never,
}

impl TrapFree {
    /// The rule for a profile of `proposals` that is not a swarm.
    fn of_profile(proposals: &[Proposal]) -> TrapFree {
        if proposals.contains(&Proposal::Simd) { TrapFree::Never } else { TrapFree::Chance(9, 10) }
    }
}

/// wasm-smith's configuration for `proposals`.
fn base_config(proposals: &[Proposal], trap_free: TrapFree, u: &mut Unstructured<'_>) -> Result<wasm_smith::Config> {
    let has = |p: Proposal| proposals.contains(&p);
    let mut c = wasm_smith::Config {
        max_imports: 0,
        min_imports: 0,
        export_everything: true,
        memory_max_size_required: true,
        table_max_size_required: true,
        max_memory32_bytes: MAX_MEMORY_PAGES * 65536,
        max_table_elements: MAX_TABLE_ELEMENTS,
        // NaNs are canonicalized after generation (`rewrite::canonicalize_nans`,
        // which also covers the relaxed and conversion operators wasm-smith's
        // own pass leaves out).
        canonicalize_nans: false,
        disallow_traps: match trap_free {
            TrapFree::Chance(numerator, denominator) => u.ratio(numerator, denominator)?,
            TrapFree::Never => false,
        },
        min_funcs: 1,
        min_types: 1,
        max_funcs: u.int_in_range(1..=12)?,
        max_instructions: u.int_in_range(8..=160)?,
        max_globals: u.int_in_range(0..=8)?,
        max_data_segments: 4,
        max_element_segments: 4,
        max_types: 12,
        max_nesting_depth: 8,
        // Outside the registry: proposals no tier or reference implements.
        custom_descriptors_enabled: false,
        shared_everything_threads_enabled: false,
        acquire_release_atomics_enabled: false,
        multibyte_array_access_enabled: false,
        compact_imports_enabled: false,
        ..wasm_smith::Config::default()
    };
    set_smith_proposals(&mut c, has);
    c.allow_start_export = true;
    Ok(c)
}

/// Argument values, biased towards the edges where engines disagree.
fn arg(u: &mut Unstructured<'_>, ty: wasmparser::ValType) -> Result<Value> {
    use wasmparser::ValType as T;
    let edge = u.ratio(1, 3)?;
    Ok(match ty {
        T::I32 if edge => Value::I32(*u.choose(edges::I32)?),
        T::I32 => Value::I32(u.arbitrary()?),
        T::I64 if edge => Value::I64(*u.choose(edges::I64)?),
        T::I64 => Value::I64(u.arbitrary()?),
        T::F32 => {
            let bits: u32 = if edge { u.choose(edges::F32)?.to_bits() } else { u.arbitrary()? };
            // Canonical NaNs only: payloads of NaN inputs may legally differ.
            Value::F32(edges::canonical_f32(f32::from_bits(bits)).to_bits())
        }
        T::F64 => {
            let bits: u64 = if edge { u.choose(edges::F64)?.to_bits() } else { u.arbitrary()? };
            Value::F64(edges::canonical_f64(f64::from_bits(bits)).to_bits())
        }
        T::V128 => {
            // Lanes of one shape, each drawn as an argument of its type
            // (edges, canonical NaNs), in little-endian lane order.
            let (lane, lanes) = *u.choose(&[(T::I32, 4), (T::I64, 2), (T::F32, 4), (T::F64, 2)])?;
            let mut v = 0u128;
            for i in 0..lanes {
                let (bits, width) = match arg(u, lane)? {
                    Value::I32(x) => (x as u32 as u128, 32),
                    Value::F32(x) => (x as u128, 32),
                    Value::I64(x) => (x as u64 as u128, 64),
                    Value::F64(x) => (x as u128, 64),
                    _ => unreachable!("a scalar lane type"),
                };
                v |= bits << (i * width);
            }
            Value::V128(v)
        }
        T::Ref(r) if r.is_extern_ref() => Value::ExternRef(None),
        _ => Value::FuncRef(None),
    })
}

/// The exported functions of a module with their parameter types.
pub fn exported_funcs(wasm: &[u8]) -> Vec<(String, Vec<wasmparser::ValType>)> {
    use wasmparser::{Payload, TypeRef};
    let mut types = Vec::new();
    let mut funcs = Vec::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        match payload {
            Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types().flatten() {
                    types.push(ty.params().to_vec());
                }
            }
            Payload::ImportSection(r) => {
                for import in r.into_imports().flatten() {
                    if let TypeRef::Func(t) = import.ty {
                        funcs.push(t);
                    }
                }
            }
            Payload::FunctionSection(r) => funcs.extend(r.into_iter().flatten()),
            Payload::ExportSection(r) => {
                for e in r.into_iter().flatten() {
                    if e.kind == wasmparser::ExternalKind::Func {
                        exports.push((e.name.to_string(), e.index));
                    }
                }
            }
            _ => {}
        }
    }
    exports
        .into_iter()
        .filter_map(|(name, f)| {
            let t = *funcs.get(f as usize)?;
            Some((name, types.get(t as usize)?.clone()))
        })
        .collect()
}

/// Bytes at the start of the input reserved for the call plan, so that a
/// module that uses up the rest still gets called.
const PLAN_BYTES: usize = 128;

/// Draws a case from raw bytes. `executors` narrow the generator first.
pub fn generate(data: &[u8], profile: &Profile, executors: &[&dyn Executor]) -> Result<Case> {
    generate_drawn(data, profile, executors).map(|(case, _)| case)
}

/// How a case was generated, for the campaign's mix (`FuzzStats::mix`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drawn {
    /// Arithmetic expression trees (`arith.rs`).
    Arith,
    /// Probes of operators and runtime rules at their edges (`probes.rs`).
    Probes,
    /// wasm-smith with its trap avoidance on.
    WasmSmithTrapFree,
    /// wasm-smith with traps allowed (division, conversions, bounds).
    WasmSmithTrapping,
    /// Two wasm-smith modules, the second importing from the first's exports.
    Linked,
}

impl Drawn {
    pub fn name(self) -> &'static str {
        match self {
            Drawn::Arith => "arith",
            Drawn::Probes => "probes",
            Drawn::WasmSmithTrapFree => "wasm-smith, trap-free",
            Drawn::WasmSmithTrapping => "wasm-smith, traps allowed",
            Drawn::Linked => "wasm-smith, linked instances",
        }
    }
}

/// [`generate`], also telling how. A swarm profile draws, per case and from
/// the same bytes, the generator (arith and probes one case in four each,
/// wasm-smith the rest), the proposals
/// (each of the profile's kept or not, with those it needs), and
/// wasm-smith's knobs (trap avoidance, sizes, nesting), so that one campaign
/// spends time on every kind of case; others use the profile as it is.
pub fn generate_drawn(data: &[u8], profile: &Profile, executors: &[&dyn Executor]) -> Result<(Case, Drawn)> {
    let (plan_bytes, module_bytes) = data.split_at(data.len().min(PLAN_BYTES));
    let mut u = Unstructured::new(module_bytes);
    let own = if profile.swarm {
        match u.int_in_range(0..=3)? {
            0 => Some(Drawn::Arith),
            1 => Some(Drawn::Probes),
            _ => None,
        }
    } else {
        match profile.name {
            "arith" => Some(Drawn::Arith),
            "probes" => Some(Drawn::Probes),
            _ => None,
        }
    };
    let mut providers = Vec::new();
    let (wasm, drawn) = if own == Some(Drawn::Arith) {
        (crate::arith::module(&mut u)?, Drawn::Arith)
    } else if own == Some(Drawn::Probes) {
        (crate::probes::module(&mut u)?, Drawn::Probes)
    } else {
        let mut config = if profile.swarm {
            let mut kept = vec![Proposal::MutableGlobal];
            for p in profile.proposals.iter().filter(|p| **p != Proposal::MutableGlobal) {
                if u.arbitrary::<bool>()? {
                    for q in p.with().iter().chain([p]) {
                        if !kept.contains(q) {
                            kept.push(*q);
                        }
                    }
                }
            }
            let mut config = base_config(&kept, TrapFree::Chance(3, 4), &mut u)?;
            config.max_nesting_depth = u.int_in_range(1..=10)?;
            config.max_data_segments = u.int_in_range(0..=6)?;
            config.max_element_segments = u.int_in_range(0..=6)?;
            config
        } else {
            base_config(profile.proposals, TrapFree::of_profile(profile.proposals), &mut u)?
        };
        for e in executors {
            e.narrow(&mut config);
        }
        let mut drawn = if config.disallow_traps { Drawn::WasmSmithTrapFree } else { Drawn::WasmSmithTrapping };
        // Linked instances: a first module, then one that may import any of
        // its exports (functions, memories, tables, mutable globals).
        if profile.swarm && u.ratio(1, 5)? {
            let provider = smith_module(config.clone(), &mut u)?;
            config.available_imports = Some(imports_of_exports(&provider, &crate::executor::provider_name(0))?);
            config.min_imports = 1;
            config.max_imports = 12;
            providers.push(provider);
            drawn = Drawn::Linked;
        }
        (smith_module(config, &mut u)?, drawn)
    };
    let plan = plan(&wasm, plan_bytes)?;
    Ok((Case { wasm, plan, providers }, drawn))
}

fn smith_module(config: wasm_smith::Config, u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut module = wasm_smith::Module::new(config, u)?;
    module.ensure_termination(TERMINATION_FUEL).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    crate::rewrite::canonicalize_nans(&module.to_bytes()).ok_or(arbitrary::Error::IncorrectFormat)
}

/// A module whose import section lists every export of `provider` (which
/// imports nothing) as an import from `module`, with its type: what
/// wasm-smith's `available_imports` takes to let a generated module import
/// them.
fn imports_of_exports(provider: &[u8], module: &str) -> Result<Vec<u8>> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder as R};
    use wasmparser::{ExternalKind, Payload};
    let malformed = |_| arbitrary::Error::IncorrectFormat;
    let mut types = wasm_encoder::TypeSection::new();
    let (mut funcs, mut tables, mut memories, mut globals) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(provider) {
        match payload.map_err(malformed)? {
            Payload::TypeSection(r) => {
                R.parse_type_section(&mut types, r).map_err(|_| arbitrary::Error::IncorrectFormat)?
            }
            Payload::FunctionSection(r) => {
                funcs = r.into_iter().collect::<std::result::Result<_, _>>().map_err(malformed)?
            }
            Payload::TableSection(r) => {
                for t in r {
                    tables.push(t.map_err(malformed)?.ty);
                }
            }
            Payload::MemorySection(r) => {
                memories = r.into_iter().collect::<std::result::Result<_, _>>().map_err(malformed)?
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    globals.push(g.map_err(malformed)?.ty);
                }
            }
            Payload::ExportSection(r) => {
                exports = r.into_iter().collect::<std::result::Result<_, _>>().map_err(malformed)?
            }
            _ => {}
        }
    }
    let convert = |_| arbitrary::Error::IncorrectFormat;
    let mut imports = wasm_encoder::ImportSection::new();
    for export in exports {
        let index = export.index as usize;
        let ty: wasm_encoder::EntityType = match export.kind {
            ExternalKind::Func => {
                wasm_encoder::EntityType::Function(*funcs.get(index).ok_or(arbitrary::Error::IncorrectFormat)?)
            }
            ExternalKind::Table => wasm_encoder::EntityType::Table(
                R.table_type(*tables.get(index).ok_or(arbitrary::Error::IncorrectFormat)?).map_err(convert)?,
            ),
            ExternalKind::Memory => wasm_encoder::EntityType::Memory(
                R.memory_type(*memories.get(index).ok_or(arbitrary::Error::IncorrectFormat)?).map_err(convert)?,
            ),
            ExternalKind::Global => wasm_encoder::EntityType::Global(
                R.global_type(*globals.get(index).ok_or(arbitrary::Error::IncorrectFormat)?).map_err(convert)?,
            ),
            _ => continue,
        };
        imports.import(module, export.name, ty);
    }
    let mut listing = wasm_encoder::Module::new();
    listing.section(&types).section(&imports);
    Ok(listing.finish())
}

/// One to four calls of the module's exported functions, with arguments,
/// drawn from `bytes`.
pub fn plan(wasm: &[u8], bytes: &[u8]) -> Result<Vec<Call>> {
    let funcs = exported_funcs(wasm);
    let mut u = Unstructured::new(bytes);
    let mut plan = Vec::new();
    if !funcs.is_empty() {
        let calls = u.int_in_range(1..=4)?;
        for _ in 0..calls {
            let (name, params) = u.choose(&funcs)?;
            let args = params.iter().map(|t| arg(&mut u, *t)).collect::<Result<Vec<_>>>()?;
            plan.push(Call { export: name.clone(), args });
        }
    }
    Ok(plan)
}

/// The proposals a module really needs: those whose removal (with the
/// proposals built on it, whose features include its own) makes it invalid.
/// (Validated by wasmparser directly: a subset such as reference types
/// without bulk memory is no engine configuration, but a fine question.)
pub fn proposals_used(wasm: &[u8], profile: &Profile) -> Vec<Proposal> {
    profile
        .proposals
        .iter()
        .copied()
        .filter(|p| {
            let without = profile.proposals.iter().copied().filter(|q| q != p && !q.features().contains(p.features()));
            let features = Proposal::features_of(without);
            wasmparser::Validator::new_with_features(features).validate_all(wasm).is_err()
        })
        .collect()
}
