//! `crucible run`: run a WASI program (`_start`, arguments as its `argv`),
//! or call one export of any module with arguments parsed by its types.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use engine::wasi::{self, WasiCtx};
use engine::{Config, Engine, Linker, Module, Store, Tier, Val, ValType};

#[derive(Args)]
pub struct RunArgs {
    /// Execution tier.
    #[arg(long, default_value = "interp", value_parser = crate::parse_tier)]
    compiler: Tier,
    /// Meter execution: trap after this many units of fuel.
    #[arg(long)]
    fuel: Option<u64>,
    /// The export to call, with ARGS parsed by its parameter types (default:
    /// `_start`, the WASI entry point, with ARGS as the program's arguments).
    /// Integers are decimal or 0x-hex, floats decimal; a v128 is 0x and up
    /// to 32 hex digits, or its lanes from lane 0 on as SHAPE:L0,L1,… with
    /// SHAPE one of i8x16, i16x8, i32x4, i64x2, f32x4, f64x2 (e.g.
    /// `i32x4:1,-2,0x30,4`); v128 results print as 0x and 32 hex digits.
    #[arg(long)]
    invoke: Option<String>,
    /// A host directory the WASI program may use, as HOST or HOST::GUEST
    /// (its name inside the program, default HOST; `.` serves relative
    /// paths and `/` absolute ones, as with `wasmtime run`). Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// An environment variable for the WASI program: NAME=VALUE, or NAME
    /// alone to pass this process's value on (nothing when it has none).
    /// Repeatable.
    #[arg(long = "env", value_name = "NAME[=VALUE]", value_parser = parse_env)]
    env: Vec<(String, Option<String>)>,
    /// Instantiate the module FILE first and satisfy the program's imports
    /// from module NAME with its exports (e.g. `--preload bench=stub.wat`
    /// for sightglass's `bench.start`/`bench.end`). FILE may import WASI and
    /// earlier preloads. Repeatable, instantiated in order.
    #[arg(long = "preload", value_name = "NAME=FILE", value_parser = parse_preload)]
    preloads: Vec<(String, PathBuf)>,
    /// Module file: binary (.wasm) or text (.wat).
    file: PathBuf,
    /// The program's arguments, or the export's (see --invoke).
    #[arg(allow_hyphen_values = true, trailing_var_arg = true)]
    args: Vec<String>,
}

fn parse_env(text: &str) -> Result<(String, Option<String>), String> {
    let (name, value) = match text.split_once('=') {
        Some((name, value)) => (name, Some(value.to_string())),
        None => (text, None),
    };
    if name.is_empty() {
        return Err(format!("`{text}` is not NAME=VALUE or NAME"));
    }
    Ok((name.to_string(), value))
}

fn parse_preload(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, file)) if !name.is_empty() && !file.is_empty() => Ok((name.to_string(), PathBuf::from(file))),
        _ => Err(format!("`{text}` is not NAME=FILE")),
    }
}

fn load(engine: &Engine, file: &std::path::Path) -> anyhow::Result<Module> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    Module::new(engine, &bytes).with_context(|| format!("cannot load {}", file.display()))
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
        ValType::V128 => Val::V128(parse_v128(text).with_context(bad)?),
        ValType::FuncRef | ValType::ExternRef if text == "null" => Val::default_for(ty),
        other => bail!("arguments of type {other} cannot be given on the command line"),
    })
}

/// A v128 given as hex bits or as lanes (see `RunArgs::invoke`).
fn parse_v128(text: &str) -> Option<u128> {
    if let Some(hex) = text.strip_prefix("0x") {
        return if hex.len() <= 32 { u128::from_str_radix(hex, 16).ok() } else { None };
    }
    let (shape, lanes) = text.split_once(':')?;
    let lanes: Vec<&str> = lanes.split(',').map(str::trim).collect();
    let (count, bits) = match shape {
        "i8x16" => (16, 8),
        "i16x8" => (8, 16),
        "i32x4" | "f32x4" => (4, 32),
        "i64x2" | "f64x2" => (2, 64),
        _ => return None,
    };
    if lanes.len() != count {
        return None;
    }
    let mut value = 0u128;
    for (i, lane) in lanes.iter().enumerate() {
        let raw = match shape {
            "f32x4" => u128::from(lane.parse::<f32>().ok()?.to_bits()),
            "f64x2" => u128::from(lane.parse::<f64>().ok()?.to_bits()),
            _ => {
                // Signed or unsigned, as long as it fits the lane.
                let v = parse_int(lane)?;
                let (min, max) = (-(1i128 << (bits - 1)), (1i128 << bits) - 1);
                if v < min || v > max {
                    return None;
                }
                (v as u128) & ((1u128 << bits) - 1)
            }
        };
        value |= raw << (bits * i);
    }
    Some(value)
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
        Val::V128(v) => format!("{v:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExternRef(Some(_)) => "externref".into(),
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let mut config = Config::new();
    config.tier(args.compiler).consume_fuel(args.fuel.is_some());
    let engine = Engine::new(&config)?;
    let module = load(&engine, &args.file)?;
    // Called as a program (`_start`), ARGS are its argv after its own name;
    // called as a function, they are the function's parameters.
    let invoke = args.invoke.clone().unwrap_or_else(|| "_start".to_string());
    let as_program = invoke == "_start";
    // argv[0] is the file's name, as `wasmtime run` gives it.
    let program_name =
        args.file.file_name().map_or_else(|| args.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let mut argv = vec![program_name];
    if as_program {
        argv.extend(args.args.iter().cloned());
    }
    let mut ctx = WasiCtx::new().args(argv).inherit_stdio();
    for (name, value) in &args.env {
        let inherited = || std::env::var(name).ok();
        if let Some(value) = value.clone().or_else(inherited) {
            ctx = ctx.env(name, value);
        }
    }
    for dir in &args.dirs {
        let (host, guest) = dir.split_once("::").unwrap_or((dir, dir));
        ctx = ctx.preopen_dir(host, guest).with_context(|| format!("--dir {dir}: cannot use {host}"))?;
    }
    let mut store = Store::new(&engine, ctx);
    if let Some(fuel) = args.fuel {
        store.set_fuel(fuel)?;
    }
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, &mut store, |ctx| ctx);
    for (name, file) in &args.preloads {
        let preloaded = load(&engine, file)?;
        let instance = linker
            .instantiate(&mut store, &preloaded)
            .with_context(|| format!("--preload {name}={}: cannot instantiate it", file.display()))?;
        linker.instance(&store, name, instance);
    }
    let instance = linker.instantiate(&mut store, &module)?;
    let func = instance.get_func(&store, &invoke).with_context(|| {
        if args.invoke.is_none() {
            "the module exports no `_start` (not a WASI program): choose a function with --invoke".to_string()
        } else {
            format!("the module exports no function named `{invoke}`")
        }
    })?;
    let ty = func.ty(&store)?;
    let params: Vec<Val> = if as_program {
        Vec::new()
    } else {
        if ty.params().len() != args.args.len() {
            bail!("`{invoke}` has type {ty} and takes {} arguments, {} given", ty.params().len(), args.args.len());
        }
        args.args.iter().zip(ty.params()).map(|(a, t)| parse_arg(a, *t)).collect::<anyhow::Result<_>>()?
    };
    if ty.params().len() != params.len() {
        bail!("`{invoke}` has type {ty}: a program's entry point takes no parameters");
    }
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    let outcome = func.call(&mut store, &params, &mut results);
    // Whatever the program wrote before it ended must reach the terminal.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    match outcome {
        Ok(()) => {
            for r in &results {
                println!("{}", format_val(r));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(engine::Error::Trap(trap)) => match trap.exit_status() {
            // proc_exit(n): the process exits with n, as a native program would.
            Some(status) => Ok(ExitCode::from(status as u8)),
            None => {
                eprintln!("error: {trap}");
                if !trap.backtrace().is_empty() {
                    eprintln!("wasm backtrace (innermost first):");
                    for (i, frame) in trap.backtrace().iter().enumerate() {
                        eprintln!("  {i}: {frame}");
                    }
                }
                Ok(ExitCode::from(1))
            }
        },
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v128_arguments_parse_as_hex_or_lanes_from_lane_zero() {
        let v128 = |text| match parse_arg(text, ValType::V128) {
            Ok(Val::V128(v)) => Some(v),
            Ok(other) => panic!("{text} gave {other:?}"),
            Err(_) => None,
        };
        assert_eq!(v128("0x1"), Some(1));
        assert_eq!(v128("0xffffffffffffffffffffffffffffffff"), Some(u128::MAX));
        assert_eq!(v128("i32x4:1,-2,0x30,4"), Some(4 << 96 | 0x30 << 64 | 0xffff_fffe_u128 << 32 | 1));
        assert_eq!(v128("i8x16:-1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,255"), Some(0xff << 120 | 0xff));
        assert_eq!(v128("i16x8:1, 2, 3, 4, 5, 6, 7, 65535"), Some(0xffff_0007_0006_0005_0004_0003_0002_0001));
        assert_eq!(v128("i64x2:-1,0"), Some(u128::from(u64::MAX)));
        assert_eq!(v128("f32x4:1.5,0,0,-0"), Some(0x8000_0000 << 96 | u128::from(1.5f32.to_bits())));
        assert_eq!(v128("f64x2:0,2.5"), Some(u128::from(2.5f64.to_bits()) << 64));
        for bad in [
            "0x1ffffffffffffffffffffffffffffffff",
            "i32x4:1,2,3",
            "i32x4:1,2,3,4,5",
            "i8x16:256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
            "i8x16:-129,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
            "i32x5:1,2,3,4,5",
            "f32x4:a,0,0,0",
            "1",
        ] {
            assert_eq!(v128(bad), None, "{bad}");
        }
        let error = parse_arg("i32x4:1", ValType::V128).unwrap_err().to_string();
        assert!(error.contains("cannot parse `i32x4:1` as v128"), "{error}");
    }
}
