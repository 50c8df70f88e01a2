//! Command-line conventions shared by the harness's binaries (`crucible`,
//! `triage`).

/// Parses the command line like [`clap::Parser::parse`], except that an
/// invalid value (an unknown executor, fuzz target or profile) is refused
/// in one line, like every other bad input — `error: invalid value 'v8' for
/// '--executors <EXECUTORS>' [possible values: …]` — with status 2.
pub fn parse<P: clap::Parser>() -> P {
    P::try_parse().unwrap_or_else(|e| {
        if e.kind() != clap::error::ErrorKind::InvalidValue {
            e.exit();
        }
        eprintln!("{}", one_line(&e));
        std::process::exit(2)
    })
}

/// clap's message without its blank lines and its pointer to `--help`.
fn one_line(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let lines: Vec<&str> =
        rendered.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("For more information")).collect();
    lines.join(" ")
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::executor::ExecutorKind;

    #[derive(Parser, Debug)]
    struct Args {
        #[arg(long, value_delimiter = ',')]
        executors: Vec<ExecutorKind>,
    }

    #[test]
    fn an_invalid_value_is_one_line_listing_the_possible_values() {
        let e = Args::try_parse_from(["x", "--executors", "interp,v8"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::InvalidValue);
        let line = super::one_line(&e);
        assert!(line.starts_with("error: invalid value 'v8' for '--executors"), "{line}");
        assert!(line.contains("possible values: interp, cranelift,"), "{line}");
        assert!(!line.contains('\n') && !line.contains("--help"), "{line}");
        let parsed = Args::try_parse_from(["x", "--executors", "interp,buggy-interp"]).unwrap();
        assert_eq!(parsed.executors, [ExecutorKind::Interp, ExecutorKind::BuggyInterp]);
    }
}
