//! Errors and traps.

use std::fmt;

/// Why wasm execution stopped abnormally. Every tier reports the same codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapCode {
    Unreachable,
    IntegerOverflow,
    IntegerDivisionByZero,
    BadConversionToInteger,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallTypeMismatch,
    NullReference,
    UninitializedElement,
    StackOverflow,
    OutOfFuel,
    HostError,
}

impl TrapCode {
    pub const ALL: [TrapCode; 12] = [
        TrapCode::Unreachable,
        TrapCode::IntegerOverflow,
        TrapCode::IntegerDivisionByZero,
        TrapCode::BadConversionToInteger,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::IndirectCallTypeMismatch,
        TrapCode::NullReference,
        TrapCode::UninitializedElement,
        TrapCode::StackOverflow,
        TrapCode::OutOfFuel,
        TrapCode::HostError,
    ];

    /// The message the spec test suite uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::NullReference => "null reference",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::HostError => "host error",
        }
    }

    /// A stable machine-readable name (used in JSON and by the oracle).
    pub fn name(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerOverflow => "integer_overflow",
            TrapCode::IntegerDivisionByZero => "integer_division_by_zero",
            TrapCode::BadConversionToInteger => "bad_conversion_to_integer",
            TrapCode::MemoryOutOfBounds => "memory_out_of_bounds",
            TrapCode::TableOutOfBounds => "table_out_of_bounds",
            TrapCode::IndirectCallTypeMismatch => "indirect_call_type_mismatch",
            TrapCode::NullReference => "null_reference",
            TrapCode::UninitializedElement => "uninitialized_element",
            TrapCode::StackOverflow => "stack_overflow",
            TrapCode::OutOfFuel => "out_of_fuel",
            TrapCode::HostError => "host_error",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A trap: its code, and for host errors the host's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    message: Option<String>,
    /// Set when a host function ended the program (WASI `proc_exit`).
    exit_status: Option<i32>,
    /// The wasm frames the trap unwound, innermost first.
    backtrace: Vec<FrameInfo>,
}

/// One wasm frame of a trap's backtrace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The function's index in its module.
    pub func_index: u32,
    /// Its name, from the module's name section.
    pub func_name: Option<String>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.func_name {
            Some(name) => write!(f, "{name} (function {})", self.func_index),
            None => write!(f, "function {}", self.func_index),
        }
    }
}

impl Trap {
    pub fn new(code: TrapCode) -> Self {
        Trap { code, message: None, exit_status: None, backtrace: Vec::new() }
    }

    /// The program asked to exit with `status` (WASI `proc_exit`): not an
    /// error, but it unwinds the calls like a trap.
    pub fn exit(status: i32) -> Self {
        Trap {
            code: TrapCode::HostError,
            message: Some(format!("exit with status {status}")),
            exit_status: Some(status),
            backtrace: Vec::new(),
        }
    }

    /// The wasm frames the trap unwound, innermost first (empty when it
    /// happened outside wasm).
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }

    /// Records the frames the trap unwound, unless an inner call already did.
    pub(crate) fn with_backtrace(mut self, frames: impl FnOnce() -> Vec<FrameInfo>) -> Self {
        if self.backtrace.is_empty() {
            self.backtrace = frames();
        }
        self
    }

    /// The status of an exit made with [`Trap::exit`].
    pub fn exit_status(&self) -> Option<i32> {
        self.exit_status
    }

    /// A trap raised by a host function, carrying its message.
    pub fn host(message: impl Into<String>) -> Self {
        Trap { code: TrapCode::HostError, message: Some(message.into()), exit_status: None, backtrace: Vec::new() }
    }

    pub fn code(&self) -> TrapCode {
        self.code
    }

    pub fn host_message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Trap::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "wasm trap: {}: {m}", self.code),
            None => write!(f, "wasm trap: {}", self.code),
        }
    }
}

impl std::error::Error for Trap {}

/// Everything that can go wrong between bytes and a result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are not a valid module under the enabled proposals.
    #[error("invalid module at byte offset {offset:#x}: {message}")]
    Validation { offset: u64, message: String },
    /// The text format could not be parsed.
    #[error("invalid text module: {0}")]
    Text(String),
    /// The module uses something the chosen tier does not implement (a
    /// proposal, a value type, a CPU feature the host lacks).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A tier failed on a module it should have compiled: its translator
    /// produced code its backend refused, or its assembler failed. Always
    /// an engine bug, never the module's fault.
    #[error("internal compiler error: {0}")]
    Internal(String),
    /// An import could not be resolved or has the wrong type.
    #[error("link error: {0}")]
    Link(String),
    /// Instantiation exceeded a resource limit.
    #[error("resource limit exceeded: {0}")]
    Limit(String),
    /// Execution trapped.
    #[error("{0}")]
    Trap(#[from] Trap),
    /// The API was used incorrectly (wrong types, wrong store, unknown export).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(t) => Some(t),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
