//! The module layer: bytes → validated [`ModuleInfo`] + compiled code.
//!
//! Validation uses wasmparser with exactly the proposals the engine's
//! [`crate::Config`] enables. Each function body is validated and compiled by
//! the configured tier in the same pass.

mod const_expr;
pub mod types;

use std::collections::HashMap;
use std::sync::Arc;

pub use const_expr::{ConstExpr, ConstOp};
use types::{ExternType, FuncType, GlobalType, Limits, MemoryType, TableType, ValType};

use crate::Engine;
use crate::compile::{self, CompiledCode};
use crate::config::Config;
use crate::error::{Error, Result};

impl Error {
    pub(crate) fn from_wasmparser(e: wasmparser::BinaryReaderError) -> Error {
        Error::Validation { offset: e.offset(), message: e.message().to_string() }
    }
}

#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub ty: ImportType,
}

/// An import's declared type; function imports refer to the module's types.
#[derive(Clone, Debug)]
pub enum ImportType {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

#[derive(Clone, Debug)]
pub enum ElementMode {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declared,
}

#[derive(Clone, Debug)]
pub struct ElementSegment {
    pub mode: ElementMode,
    pub ty: ValType,
    pub items: Box<[ConstExpr]>,
}

#[derive(Clone, Debug)]
pub enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Clone, Debug)]
pub struct DataSegment {
    pub mode: DataMode,
    pub bytes: Arc<[u8]>,
}

/// Everything about a module that every tier shares. Index spaces include
/// imports first, as in the spec.
#[derive(Clone, Debug, Default)]
pub struct ModuleInfo {
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// Type index of every function (imported first).
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    /// Initial value of each defined table (function-references' table initializers).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// Initializer of each defined global.
    pub global_inits: Vec<ConstExpr>,
    pub exports: Vec<(String, ExportIndex)>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub data: Vec<DataSegment>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    /// Function names from the name section, for backtraces.
    pub func_names: HashMap<u32, String>,
}

impl ModuleInfo {
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.funcs[func_index as usize] as usize]
    }

    pub fn num_defined_funcs(&self) -> u32 {
        self.funcs.len() as u32 - self.num_imported_funcs
    }

    pub fn export_type(&self, index: ExportIndex) -> ExternType {
        match index {
            ExportIndex::Func(f) => ExternType::Func(self.func_type(f).clone()),
            ExportIndex::Table(t) => ExternType::Table(self.tables[t as usize]),
            ExportIndex::Memory(m) => ExternType::Memory(self.memories[m as usize]),
            ExportIndex::Global(g) => ExternType::Global(self.globals[g as usize]),
        }
    }

    pub fn import_type(&self, ty: &ImportType) -> ExternType {
        match *ty {
            ImportType::Func(t) => ExternType::Func(self.types[t as usize].clone()),
            ImportType::Table(t) => ExternType::Table(t),
            ImportType::Memory(m) => ExternType::Memory(m),
            ImportType::Global(g) => ExternType::Global(g),
        }
    }
}

pub(crate) struct ModuleInner {
    pub(crate) engine: Engine,
    pub(crate) info: ModuleInfo,
    pub(crate) code: CompiledCode,
}

/// A validated and compiled module, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("funcs", &self.inner.info.funcs.len())
            .field("exports", &self.inner.info.exports.len())
            .finish()
    }
}

impl Module {
    /// Validates and compiles a module from the binary or the text format.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        if bytes.starts_with(b"\0asm") {
            return Self::from_binary(engine, bytes);
        }
        let binary = wat::parse_bytes(bytes).map_err(|e| Error::Text(e.to_string()))?;
        Self::from_binary(engine, &binary)
    }

    /// Validates and compiles a module from the binary format only.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let (info, code) = parse_with(engine.config(), bytes)?;
        Ok(Module { inner: Arc::new(ModuleInner { engine: engine.clone(), info, code }) })
    }

    /// Validates bytes under the engine's proposals without compiling.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        let mut validator = wasmparser::Validator::new_with_features(engine.config().wasm_features());
        validator.validate_all(bytes).map_err(Error::from_wasmparser)?;
        Ok(())
    }

    pub fn info(&self) -> &ModuleInfo {
        &self.inner.info
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Bytes of compiled code for the module's functions: machine code on
    /// the compiling tiers (with their entry trampolines), bytecode on the
    /// interpreter (instructions and frame initialisers).
    pub fn code_size(&self) -> usize {
        match &self.inner.code {
            CompiledCode::Interp(functions) => functions.iter().map(|f| f.code_bytes()).sum(),
            CompiledCode::Cranelift(compiled) => compiled.code.len(),
            CompiledCode::Baseline(compiled) => compiled.code.len(),
        }
    }

    /// How many times each operator ran, across every instance of this
    /// module, when the engine measures coverage (`None` otherwise). An
    /// operator counts as run when its straight-line region is entered.
    pub fn executed_opcodes(&self) -> Option<std::collections::BTreeMap<String, u64>> {
        if !self.inner.engine.config().coverage {
            return None;
        }
        let mut counts = std::collections::BTreeMap::new();
        for coverage in self.inner.code.coverage() {
            coverage.add_to(&mut counts);
        }
        Some(counts)
    }

    /// Code addresses of the defined functions, when a compiling tier made
    /// this module.
    pub(crate) fn compiled_function_pointers(&self) -> Option<Box<[*const u8]>> {
        match &self.inner.code {
            CompiledCode::Cranelift(compiled) => Some(compiled.code.function_pointers()),
            CompiledCode::Baseline(compiled) => Some(compiled.code.function_pointers()),
            CompiledCode::Interp(_) => None,
        }
    }

    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, ExternType)> + '_ {
        let info = &self.inner.info;
        info.imports.iter().map(|i| (i.module.as_str(), i.name.as_str(), info.import_type(&i.ty)))
    }

    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternType)> + '_ {
        let info = &self.inner.info;
        info.exports.iter().map(|(name, idx)| (name.as_str(), info.export_type(*idx)))
    }
}

fn val_type(ty: wasmparser::ValType, offset: u64) -> Result<ValType> {
    ValType::from_wasmparser(ty).ok_or_else(|| Error::Unsupported(format!("value type {ty} at offset {offset:#x}")))
}

fn ref_type(ty: wasmparser::RefType, offset: u64) -> Result<ValType> {
    ValType::from_ref_type(ty).ok_or_else(|| Error::Unsupported(format!("reference type {ty} at offset {offset:#x}")))
}

fn table_type(t: &wasmparser::TableType, offset: u64) -> Result<TableType> {
    if t.table64 {
        return Err(Error::Unsupported("64-bit tables".into()));
    }
    Ok(TableType { element: ref_type(t.element_type, offset)?, limits: Limits { min: t.initial, max: t.maximum } })
}

fn memory_type(m: &wasmparser::MemoryType) -> Result<MemoryType> {
    if m.page_size_log2.is_some() {
        return Err(Error::Unsupported("custom page sizes".into()));
    }
    Ok(MemoryType { limits: Limits { min: m.initial, max: m.maximum }, memory64: m.memory64, shared: m.shared })
}

fn global_type(g: &wasmparser::GlobalType, offset: u64) -> Result<GlobalType> {
    Ok(GlobalType { content: val_type(g.content_type, offset)?, mutable: g.mutable })
}

/// A wasmparser value type in the engine's terms.
pub(crate) fn val_type_of(ty: wasmparser::ValType) -> Result<ValType> {
    val_type(ty, 0)
}

/// Validates and compiles `bytes` under `config` (whichever tier it names).
pub(crate) fn parse_with(config: &Config, bytes: &[u8]) -> Result<(ModuleInfo, CompiledCode)> {
    use wasmparser::{Payload, ValidPayload};
    let mut validator = wasmparser::Validator::new_with_features(config.wasm_features());
    let mut info = ModuleInfo::default();
    let mut compiler = compile::Compiler::new(config)?;
    let mut validator_allocations = wasmparser::FuncValidatorAllocations::default();
    let err = Error::from_wasmparser;

    // The parser must know the features too: some encodings (e.g. the
    // reserved zero byte of memory.grow) depend on them.
    let mut parser = wasmparser::Parser::new(0);
    parser.set_features(config.wasm_features());
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(err)?;
        let valid = validator.payload(&payload).map_err(err)?;
        match payload {
            Payload::TypeSection(reader) => {
                let offset = reader.range().start;
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(err)?;
                    let params = ty.params().iter().map(|t| val_type(*t, offset)).collect::<Result<Vec<_>>>()?;
                    let results = ty.results().iter().map(|t| val_type(*t, offset)).collect::<Result<Vec<_>>>()?;
                    info.types.push(FuncType::new(params, results));
                }
            }
            Payload::ImportSection(reader) => {
                let offset = reader.range().start;
                for import in reader.into_imports() {
                    let import = import.map_err(err)?;
                    let ty = match import.ty {
                        wasmparser::TypeRef::Func(t) | wasmparser::TypeRef::FuncExact(t) => {
                            info.funcs.push(t);
                            info.num_imported_funcs += 1;
                            ImportType::Func(t)
                        }
                        wasmparser::TypeRef::Table(t) => {
                            let t = table_type(&t, offset)?;
                            info.tables.push(t);
                            info.num_imported_tables += 1;
                            ImportType::Table(t)
                        }
                        wasmparser::TypeRef::Memory(m) => {
                            let m = memory_type(&m)?;
                            info.memories.push(m);
                            info.num_imported_memories += 1;
                            ImportType::Memory(m)
                        }
                        wasmparser::TypeRef::Global(g) => {
                            let g = global_type(&g, offset)?;
                            info.globals.push(g);
                            info.num_imported_globals += 1;
                            ImportType::Global(g)
                        }
                        wasmparser::TypeRef::Tag(_) => {
                            return Err(Error::Unsupported("exception tags".into()));
                        }
                    };
                    info.imports.push(Import { module: import.module.to_string(), name: import.name.to_string(), ty });
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    info.funcs.push(t.map_err(err)?);
                }
            }
            Payload::TableSection(reader) => {
                let offset = reader.range().start;
                for table in reader {
                    let table = table.map_err(err)?;
                    info.tables.push(table_type(&table.ty, offset)?);
                    info.table_inits.push(match &table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(ConstExpr::parse(e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    info.memories.push(memory_type(&m.map_err(err)?)?);
                }
            }
            Payload::GlobalSection(reader) => {
                let offset = reader.range().start;
                for g in reader {
                    let g = g.map_err(err)?;
                    info.globals.push(global_type(&g.ty, offset)?);
                    info.global_inits.push(ConstExpr::parse(&g.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(err)?;
                    let index = match e.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                            ExportIndex::Func(e.index)
                        }
                        wasmparser::ExternalKind::Table => ExportIndex::Table(e.index),
                        wasmparser::ExternalKind::Memory => ExportIndex::Memory(e.index),
                        wasmparser::ExternalKind::Global => ExportIndex::Global(e.index),
                        wasmparser::ExternalKind::Tag => {
                            return Err(Error::Unsupported("exception tags".into()));
                        }
                    };
                    info.exports.push((e.name.to_string(), index));
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem.map_err(err)?;
                    let offset = elem.range.start;
                    let mode = match elem.kind {
                        wasmparser::ElementKind::Passive => ElementMode::Passive,
                        wasmparser::ElementKind::Declared => ElementMode::Declared,
                        wasmparser::ElementKind::Active { table_index, offset_expr } => ElementMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: ConstExpr::parse(&offset_expr)?,
                        },
                    };
                    let (ty, items) = match elem.items {
                        wasmparser::ElementItems::Functions(funcs) => {
                            let items = funcs
                                .into_iter()
                                .map(|f| f.map(|f| ConstExpr::single(ConstOp::RefFunc(f))))
                                .collect::<Result<Vec<_>, _>>()
                                .map_err(err)?;
                            (ValType::FuncRef, items)
                        }
                        wasmparser::ElementItems::Expressions(ty, exprs) => {
                            let mut items = Vec::new();
                            for e in exprs {
                                items.push(ConstExpr::parse(&e.map_err(err)?)?);
                            }
                            (ref_type(ty, offset)?, items)
                        }
                    };
                    info.elements.push(ElementSegment { mode, ty, items: items.into() });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(err)?;
                    let mode = match data.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active { memory_index, offset_expr } => {
                            DataMode::Active { memory: memory_index, offset: ConstExpr::parse(&offset_expr)? }
                        }
                    };
                    info.data.push(DataSegment { mode, bytes: data.data.into() });
                }
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    read_function_names(names, &mut info.func_names);
                }
            }
            Payload::CodeSectionEntry(_) => {
                let ValidPayload::Func(func, body) = valid else {
                    unreachable!("the validator hands out every code section entry");
                };
                // One set of validator allocations serves every function.
                let mut func_validator = func.into_validator(std::mem::take(&mut validator_allocations));
                compiler.compile_function(&info, &mut func_validator, body)?;
                validator_allocations = func_validator.into_allocations();
            }
            _ => {}
        }
    }
    let code = compiler.finish(&info)?;
    Ok((info, code))
}

/// The name section is advisory: a malformed one is ignored, not an error.
fn read_function_names(reader: wasmparser::NameSectionReader<'_>, names: &mut HashMap<u32, String>) {
    for subsection in reader {
        let Ok(wasmparser::Name::Function(map)) = subsection else { continue };
        for naming in map.into_iter().flatten() {
            names.insert(naming.index, naming.name.to_string());
        }
    }
}
