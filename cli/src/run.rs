//! `crucible run`: instantiate a module and call one export.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use engine::{Config, Engine, Linker, Module, Store, Tier, Val, ValType};

#[derive(Args)]
pub struct RunArgs {
    /// Execution tier.
    #[arg(long, default_value = "interp", value_parser = crate::parse_tier)]
    compiler: Tier,
    /// Meter execution: trap after this many units of fuel.
    #[arg(long)]
    fuel: Option<u64>,
    /// The export to call.
    #[arg(long)]
    invoke: String,
    /// Module file: binary (.wasm) or text (.wat).
    file: PathBuf,
    /// Arguments, parsed by the export's parameter types.
    #[arg(allow_hyphen_values = true)]
    args: Vec<String>,
}

fn parse_arg(text: &str, ty: ValType) -> anyhow::Result<Val> {
    let bad = || format!("cannot parse `{text}` as {ty}");
    Ok(match ty {
        ValType::I32 => Val::I32(
            parse_int(text)
                .and_then(|v| i32::try_from(v).ok().or_else(|| u32::try_from(v).ok().map(|u| u as i32)))
                .with_context(bad)?,
        ),
        ValType::I64 => Val::I64(
            parse_int(text)
                .and_then(|v| i64::try_from(v).ok().or_else(|| u64::try_from(v).ok().map(|u| u as i64)))
                .with_context(bad)?,
        ),
        ValType::F32 => Val::F32(text.parse::<f32>().with_context(bad)?.to_bits()),
        ValType::F64 => Val::F64(text.parse::<f64>().with_context(bad)?.to_bits()),
        ValType::FuncRef | ValType::ExternRef if text == "null" => Val::default_for(ty),
        other => bail!("arguments of type {other} cannot be given on the command line"),
    })
}

fn parse_int(text: &str) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let v = match digits.strip_prefix("0x") {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if neg { -v } else { v })
}

fn format_val(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExternRef(Some(_)) => "externref".into(),
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let mut config = Config::new();
    config.tier(args.compiler).consume_fuel(args.fuel.is_some());
    let engine = Engine::new(&config)?;
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let module = Module::new(&engine, &bytes).with_context(|| format!("cannot load {}", args.file.display()))?;
    let mut store = Store::new(&engine, ());
    if let Some(fuel) = args.fuel {
        store.set_fuel(fuel)?;
    }
    let linker = Linker::new(&engine);
    let instance = linker.instantiate(&mut store, &module)?;
    let func = instance
        .get_func(&store, &args.invoke)
        .with_context(|| format!("the module exports no function named `{}`", args.invoke))?;
    let ty = func.ty(&store)?;
    if ty.params().len() != args.args.len() {
        bail!("`{}` has type {ty} and takes {} arguments, {} given", args.invoke, ty.params().len(), args.args.len());
    }
    let params =
        args.args.iter().zip(ty.params()).map(|(a, t)| parse_arg(a, *t)).collect::<anyhow::Result<Vec<_>>>()?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    match func.call(&mut store, &params, &mut results) {
        Ok(()) => {
            for r in &results {
                println!("{}", format_val(r));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(engine::Error::Trap(trap)) => {
            eprintln!("error: {trap}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}
