//! `avnm import FILE... [-o OUT]`: Azure JSON (REST bodies, `az` output, ARM templates) to a scenario document.
//!
//! The document goes to standard output (or OUT), the import report and the design's diagnostics to standard
//! error, one line each; exit 2 when nothing could be imported.

use std::io::Read;
use std::process::ExitCode;

use avnm_core::import::{Source, import};

use crate::InputError;

pub(crate) fn run(files: &[String], output: Option<&str>) -> Result<ExitCode, InputError> {
    let mut sources = Vec::new();
    for file in files {
        let text = if file == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| InputError(format!("standard input: {e}")))?;
            text
        } else {
            std::fs::read_to_string(file).map_err(|e| InputError(format!("{file}: {e}")))?
        };
        let name = if file == "-" { "standard input" } else { file };
        sources.push(Source::new(name, text));
    }
    let imported = match import(&sources) {
        Ok(imported) => imported,
        Err(e) => {
            for line in e.report() {
                eprintln!("{line}");
            }
            return Err(InputError(e.to_string()));
        }
    };
    for line in &imported.report {
        eprintln!("{line}");
    }
    // The design's diagnostics, as `avnm diagnostics` would list them, say what is odd in what was imported.
    if let Ok(scenario) = imported.design() {
        for diagnostic in &avnm_core::analyze(scenario).diagnostics {
            eprintln!("diagnostic {diagnostic}");
        }
    }
    let json = imported.to_json();
    match output {
        Some(path) if path != "-" => std::fs::write(path, format!("{json}\n"))
            .map_err(|e| InputError(format!("{path}: {e}")))?,
        _ => crate::out::println(&json),
    }
    Ok(ExitCode::SUCCESS)
}
