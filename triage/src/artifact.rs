//! What `triage` accepts, read into one shape: a case every executor can
//! run, or an input of a target that checks Crucible alone.

use std::path::{Path, PathBuf};

use oracle::case::{Call, Case};
use oracle::executor::Executor;
use oracle::outcome::Value;
use oracle::targets::TargetKind;

/// A loaded artifact.
#[derive(Clone, Debug)]
pub enum Artifact {
    /// A module and its call plan.
    Case { case: Case, origin: String },
    /// An input of a self-checked fuzz target (`compile`, `instantiate`,
    /// `api_calls`): replaying it means running that target's check.
    Input { target: TargetKind, data: Vec<u8>, origin: String },
}

impl Artifact {
    pub fn origin(&self) -> &str {
        match self {
            Artifact::Case { origin, .. } | Artifact::Input { origin, .. } => origin,
        }
    }
}

/// The fuzz target a libFuzzer artifact belongs to, from a directory name
/// on its path (`fuzz-targets/artifacts/<target>/crash-…`): the nearest
/// directory named after a target.
pub fn infer_target(path: &Path) -> Option<TargetKind> {
    path.ancestors().skip(1).filter_map(|p| p.file_name()?.to_str()).find_map(|name| name.parse().ok())
}

/// Calls every exported function once with zero arguments: the plan of a
/// bare module given without one.
pub fn default_plan(wasm: &[u8]) -> Vec<Call> {
    oracle::case::exported_funcs(wasm)
        .into_iter()
        .map(|(export, params)| Call { export, args: params.iter().map(zero).collect() })
        .collect()
}

fn zero(ty: &wasmparser::ValType) -> Value {
    use wasmparser::ValType as T;
    match ty {
        T::I32 => Value::I32(0),
        T::I64 => Value::I64(0),
        T::F32 => Value::F32(0),
        T::F64 => Value::F64(0),
        T::V128 => Value::V128(0),
        T::Ref(r) if r.is_extern_ref() => Value::ExternRef(None),
        _ => Value::FuncRef(None),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_plan(path: &Path) -> Result<Vec<Call>, String> {
    serde_json::from_slice(&read(path)?).map_err(|e| format!("{}: not a call plan: {e}", path.display()))
}

fn read_module(path: &Path) -> Result<Vec<u8>, String> {
    if path.extension().is_some_and(|e| e == "wat") {
        wat::parse_file(path).map_err(|e| format!("{}: {e}", path.display()))
    } else {
        let bytes = read(path)?;
        if !bytes.starts_with(b"\0asm") {
            return Err(format!("{}: not a wasm module (no \\0asm header)", path.display()));
        }
        Ok(bytes)
    }
}

/// Loads `path`: an artifact directory (`module.wasm`/`module.wat` and
/// `plan.json`, as `crucible fuzz`, `triage minimize` and the regression
/// corpus write them), a `.wasm`/`.wat` file (plan from `plan`, or every
/// export called with zeros), or a libFuzzer input of `target` (named, or
/// inferred from the path).
pub fn load(
    path: &Path,
    target: Option<TargetKind>,
    plan: Option<&Path>,
    executors: &[&dyn Executor],
) -> Result<Artifact, String> {
    let origin = path.display().to_string();
    if !path.exists() {
        return Err(format!("{origin}: no such file or directory"));
    }
    if path.is_dir() {
        let module = ["module.wasm", "module.wat"].iter().map(|m| path.join(m)).find(|p| p.is_file());
        let Some(module) = module else {
            return Err(format!("{origin}: not an artifact directory (no module.wasm or module.wat)"));
        };
        let wasm = read_module(&module)?;
        let plan_path = plan.map(PathBuf::from).unwrap_or_else(|| path.join("plan.json"));
        let plan = if plan_path.is_file() { read_plan(&plan_path)? } else { default_plan(&wasm) };
        let providers = oracle::fuzz::read_providers(path).map_err(|e| format!("{origin}: {e}"))?;
        return Ok(Artifact::Case { case: Case { wasm, plan, providers }, origin });
    }
    let is_module = path.extension().is_some_and(|e| e == "wasm" || e == "wat");
    if is_module && target.is_none() {
        let wasm = read_module(path)?;
        let plan = match plan {
            Some(p) => read_plan(p)?,
            None => default_plan(&wasm),
        };
        return Ok(Artifact::Case { case: Case::single(wasm, plan), origin });
    }
    let Some(target) = target.or_else(|| infer_target(path)) else {
        let known: Vec<&str> = TargetKind::ALL.iter().map(|t| t.name()).collect();
        return Err(format!(
            "{origin}: cannot tell which fuzz target made this input; pass --target (one of {})",
            known.join(", ")
        ));
    };
    let data = read(path)?;
    if !target.is_differential() {
        return Ok(Artifact::Input { target, data, origin });
    }
    match target.case(&data, executors)? {
        Some(case) => Ok(Artifact::Case { case, origin }),
        None => Err(format!("{origin}: this input makes no `{target}` case (corrupt, or from another target?)")),
    }
}
