//! The oracle: executors, outcomes and their comparison, and the `.wast`
//! runner that measures each executor against the official spec suite.

/// Declares a closed set of things the command line, artifacts and
/// evidence name (executors, fuzz targets): an enum deriving clap's
/// `ValueEnum`, each variant's name written once and used for `name()`,
/// `Display`, clap's parsing and `FromStr` (whose error, `unknown <what>`,
/// lists the names from the enum).
macro_rules! named_kinds {
    (
        $(#[$meta:meta])*
        pub enum $kind:ident ($what:literal) {
            $( $(#[$variant_meta:meta])* $variant:ident = $name:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
        pub enum $kind {
            $( $(#[$variant_meta])* #[value(name = $name)] $variant, )*
        }

        impl $kind {
            /// Every one, in declaration order.
            pub const ALL: &[$kind] = &[$($kind::$variant),*];

            /// The name the command line takes and artifacts and evidence record.
            pub const fn name(self) -> &'static str {
                match self {
                    $($kind::$variant => $name,)*
                }
            }
        }

        impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $kind {
            type Err = String;

            /// Parses a name read from a file or another program (the
            /// command line goes through clap's `ValueEnum`).
            fn from_str(name: &str) -> Result<$kind, String> {
                <$kind as clap::ValueEnum>::from_str(name, false).map_err(|_| {
                    let known: Vec<&str> = $kind::ALL.iter().map(|k| k.name()).collect();
                    format!("unknown {} `{name}` (known: {})", $what, known.join(", "))
                })
            }
        }
    };
}

pub mod args;
pub mod arith;
pub mod case;
pub mod compare;
pub mod edges;
pub mod evidence;
pub mod executor;
pub mod fuzz;
pub mod libfuzzer;
pub mod mutants;
pub mod opcodes;
pub mod outcome;
pub mod probes;
pub mod regressions;
pub mod rewrite;
pub mod sightglass;
pub mod spec;
pub mod targets;
pub mod wast;

/// The target triple this crate was built for (evidence is keyed by it).
pub const TARGET_TRIPLE: &str = env!("CRUCIBLE_TARGET_TRIPLE");
