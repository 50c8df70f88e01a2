//! The host's Cranelift target: its ISA, the flags we set, and a listing of
//! every flag in effect (`crucible settings`).

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};

use crate::config::OptLevel;
use crate::error::{Error, Result};

fn shared_flags(opt: OptLevel, verify: bool) -> Result<settings::Flags> {
    let mut b = settings::builder();
    let set = |b: &mut settings::Builder, name: &str, value: &str| {
        b.set(name, value).map_err(|e| Error::Internal(format!("cranelift flag {name}={value}: {e}")))
    };
    set(&mut b, "opt_level", opt.cranelift_name())?;
    // Code is placed by us at an address chosen at run time; calls go
    // through pointers, so nothing needs PIC or relocations.
    set(&mut b, "is_pic", "false")?;
    // Functions with more results than return registers (multi-value)
    // return the rest through a hidden area the caller provides.
    set(&mut b, "enable_multi_ret_implicit_sret", "true")?;
    // Traps are found by the signal handler walking frame pointers.
    set(&mut b, "preserve_frame_pointers", "true")?;
    // Block offsets and edges of the machine code, to place each function
    // where its loops start early in a fetch window (`native::layout`).
    set(&mut b, "machine_code_cfg_info", "true")?;
    // The IR is checked in debug builds (tests), not in release builds.
    set(&mut b, "enable_verifier", if verify { "true" } else { "false" })?;
    Ok(settings::Flags::new(b))
}

/// The host ISA with the host's CPU features detected; `verify` checks the
/// IR of every function before compiling it.
pub(crate) fn host_isa(opt: OptLevel, verify: bool) -> Result<OwnedTargetIsa> {
    let builder = cranelift_native::builder().map_err(|e| Error::Unsupported(format!("cranelift: {e}")))?;
    builder.finish(shared_flags(opt, verify)?).map_err(|e| Error::Unsupported(format!("cranelift: {e}")))
}

/// Every Cranelift flag in effect for the host at `opt`: shared flags and
/// the ISA's own (CPU features), as (name, value).
pub fn settings_in_effect(opt: OptLevel) -> Result<Vec<(String, String)>> {
    let isa = host_isa(opt, cfg!(debug_assertions))?;
    let mut out: Vec<(String, String)> = Vec::new();
    out.push(("target".into(), isa.triple().to_string()));
    for v in isa.flags().iter() {
        out.push((v.name.to_string(), v.value_string()));
    }
    for v in isa.isa_flags() {
        out.push((format!("{}.{}", isa.name(), v.name), v.value_string()));
    }
    Ok(out)
}
