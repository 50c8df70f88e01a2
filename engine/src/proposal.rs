//! The proposal registry: every WebAssembly proposal Crucible knows, once.
//!
//! [`for_each_proposal!`] lists, per proposal: its name (the spec test
//! suite's directory, the fuzz profile and the `tiers/policy.toml` feature
//! all use it), the wasmparser features that validate it, wasmparser's
//! operator tag (whose operators it adds; `none` when it adds none), the
//! wasm-smith switches that generate it (a flag, or a count: `= N else M`,
//! N with the proposal and M without), the proposals a generated module
//! needs with it, and the tiers that execute it. The engine derives
//! [`Proposal`] from it; the oracle derives its wasm-smith configuration,
//! profiles and coverage from the same invocation, so a new proposal is one
//! line here plus each tier's translation.

/// Calls `$callback!` with every proposal's row:
/// `Variant { name, features: [wasmparser features], operators: tag, smith: [flags, counts = N else M],
/// with: [Variants], tiers: [Tiers] }`.
#[macro_export]
macro_rules! for_each_proposal {
    ($callback:ident) => {
        $callback! {
            MutableGlobal { name: "mutable-global", features: [MUTABLE_GLOBAL], operators: none,
                smith: [], with: [], tiers: [Interp, Baseline, Cranelift] }
            SignExtension { name: "sign-extension-ops", features: [SIGN_EXTENSION], operators: sign_extension,
                smith: [sign_extension_ops_enabled], with: [], tiers: [Interp, Baseline, Cranelift] }
            SaturatingFloatToInt { name: "nontrapping-float-to-int-conversions", features: [SATURATING_FLOAT_TO_INT],
                operators: saturating_float_to_int, smith: [saturating_float_to_int_enabled], with: [],
                tiers: [Interp, Baseline, Cranelift] }
            MultiValue { name: "multi-value", features: [MULTI_VALUE], operators: none,
                smith: [multi_value_enabled], with: [], tiers: [Interp, Baseline, Cranelift] }
            BulkMemory { name: "bulk-memory", features: [BULK_MEMORY], operators: bulk_memory,
                smith: [bulk_memory_enabled], with: [], tiers: [Interp, Baseline, Cranelift] }
            // wasm-smith's reference types need bulk memory (table.init, elem.drop).
            ReferenceTypes { name: "reference-types", features: [REFERENCE_TYPES], operators: reference_types,
                smith: [reference_types_enabled, max_tables = 2 else 1], with: [BulkMemory], tiers: [Interp, Baseline, Cranelift] }
            ExtendedConst { name: "extended-const", features: [EXTENDED_CONST], operators: none,
                smith: [extended_const_enabled], with: [], tiers: [Interp, Baseline, Cranelift] }
            // In the order a module refused for a missing proposal is tried
            // against them (the first that validates it names the skip).
            FunctionReferences { name: "function-references", features: [FUNCTION_REFERENCES],
                operators: function_references, smith: [], with: [], tiers: [] }
            Gc { name: "gc", features: [GC, FUNCTION_REFERENCES], operators: gc, smith: [gc_enabled], with: [FunctionReferences], tiers: [] }
            Exceptions { name: "exception-handling", features: [EXCEPTIONS], operators: exceptions,
                smith: [exceptions_enabled], with: [], tiers: [] }
            Simd { name: "simd", features: [SIMD], operators: simd, smith: [simd_enabled], with: [], tiers: [Interp, Baseline, Cranelift] }
            RelaxedSimd { name: "relaxed-simd", features: [RELAXED_SIMD, SIMD], operators: relaxed_simd,
                smith: [relaxed_simd_enabled], with: [Simd], tiers: [Interp, Baseline, Cranelift] }
            Threads { name: "threads", features: [THREADS], operators: threads, smith: [threads_enabled], with: [],
                tiers: [] }
            TailCall { name: "tail-call", features: [TAIL_CALL], operators: tail_call,
                smith: [tail_call_enabled], with: [], tiers: [] }
            MultiMemory { name: "multi-memory", features: [MULTI_MEMORY], operators: none,
                smith: [min_memories = 2 else 0, max_memories = 4 else 1], with: [], tiers: [Interp, Baseline, Cranelift] }
            Memory64 { name: "memory64", features: [MEMORY64], operators: none, smith: [memory64_enabled], with: [],
                tiers: [] }
            CustomPageSizes { name: "custom-page-sizes", features: [CUSTOM_PAGE_SIZES], operators: none,
                smith: [custom_page_sizes_enabled], with: [], tiers: [] }
            WideArithmetic { name: "wide-arithmetic", features: [WIDE_ARITHMETIC], operators: wide_arithmetic,
                smith: [wide_arithmetic_enabled], with: [], tiers: [] }
            StackSwitching { name: "stack-switching", features: [STACK_SWITCHING, FUNCTION_REFERENCES, EXCEPTIONS],
                operators: stack_switching, smith: [], with: [], tiers: [] }
        }
    };
}

macro_rules! define_proposals {
    ($( $variant:ident { name: $name:literal, features: [$($feature:ident),*], operators: $tag:ident,
        smith: [$($smith:ident $(= $count:literal else $without:literal)?),*], with: [$($with:ident),*], tiers: [$($tier:ident),*] } )*) => {
        /// A WebAssembly proposal that can be switched on or off for
        /// validation (the MVP is always on). See [`for_each_proposal!`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Proposal {
            $($variant,)*
        }

        impl Proposal {
            /// Every proposal, in the registry's order.
            pub const ALL: &[Proposal] = &[$(Proposal::$variant,)*];

            /// The proposal's name, as the spec test suite's directories,
            /// fuzz profiles and the tier policy name it.
            pub fn name(self) -> &'static str {
                match self {
                    $(Proposal::$variant => $name,)*
                }
            }

            /// The wasmparser features that validate its modules (with those
            /// of the proposals it extends, as wasmparser requires).
            pub fn features(self) -> wasmparser::WasmFeatures {
                match self {
                    $(Proposal::$variant => wasmparser::WasmFeatures::empty() $(| wasmparser::WasmFeatures::$feature)*,)*
                }
            }

            /// wasmparser's tag for the operators it adds (as in
            /// `wasmparser::for_each_operator!`), or `None` when it adds none.
            pub fn operator_tag(self) -> Option<&'static str> {
                match self {
                    $(Proposal::$variant => define_proposals!(@tag $tag),)*
                }
            }

            /// The proposals a module generated with this one also needs.
            pub fn with(self) -> &'static [Proposal] {
                match self {
                    $(Proposal::$variant => &[$(Proposal::$with),*],)*
                }
            }

            /// Whether the given tier executes this proposal's modules.
            pub fn supported_by(self, tier: crate::Tier) -> bool {
                match self {
                    $(Proposal::$variant => {
                        let tiers: &[crate::Tier] = &[$(crate::Tier::$tier),*];
                        tiers.contains(&tier)
                    })*
                }
            }

            /// Whether some tier executes this proposal's modules: the
            /// proposals the differential harness generates and compares
            /// (a tier without one sits out the modules that need it).
            pub fn supported_somewhere(self) -> bool {
                crate::Tier::ALL.iter().any(|tier| self.supported_by(*tier))
            }
        }
    };
    (@tag none) => { None };
    (@tag $tag:ident) => { Some(stringify!($tag)) };
}

for_each_proposal!(define_proposals);

impl Proposal {
    /// The wasmparser features that validate `proposals` (on top of 1.0).
    pub fn features_of(proposals: impl IntoIterator<Item = Proposal>) -> wasmparser::WasmFeatures {
        proposals.into_iter().fold(wasmparser::WasmFeatures::MVP, |features, p| features | p.features())
    }

    /// The proposals that make up WebAssembly 2.0.
    pub const WASM2: [Proposal; 7] = [
        Proposal::MutableGlobal,
        Proposal::SignExtension,
        Proposal::SaturatingFloatToInt,
        Proposal::MultiValue,
        Proposal::BulkMemory,
        Proposal::ReferenceTypes,
        Proposal::Simd,
    ];
}

impl std::fmt::Display for Proposal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Proposal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Proposal::ALL.iter().copied().find(|p| p.name() == s).ok_or_else(|| format!("unknown proposal `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for p in Proposal::ALL {
            assert_eq!(p.name().parse::<Proposal>(), Ok(*p));
        }
        let mut names: Vec<&str> = Proposal::ALL.iter().map(|p| p.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Proposal::ALL.len());
    }

    #[test]
    fn features_include_what_a_proposal_builds_on() {
        assert!(Proposal::Gc.features().contains(wasmparser::WasmFeatures::FUNCTION_REFERENCES));
        assert!(Proposal::RelaxedSimd.features().contains(wasmparser::WasmFeatures::SIMD));
        assert_eq!(Proposal::BulkMemory.features(), wasmparser::WasmFeatures::BULK_MEMORY);
    }
}
