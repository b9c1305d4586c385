//! `avnm export`: the design as Azure deploys it, or its topology as SVG.
//! The text goes to standard output or to `-o FILE`; what the format could not express goes to standard error,
//! one line each (`note: PATH: MESSAGE`), and does not change the exit code.

use std::path::PathBuf;

use avnm_core::export::{self, Format};
use avnm_core::{Analysis, Scenario};
use clap::ValueEnum;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario document, or `-` for standard input
    pub file: String,
    /// What to write
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// An ARM deployment template
    Arm,
    /// Bicep: main.bicep and one module per scope, each opening with `// file: NAME`
    Bicep,
    /// Terraform with the azurerm provider
    Terraform,
    /// A bash script of az commands
    Az,
    /// The topology as an SVG picture
    Svg,
}

/// Writes the export; an error is one line for standard error.
pub fn run(args: &Args, scenario: &Scenario, analysis: &Analysis) -> Result<(), String> {
    let format = match args.format {
        ExportFormat::Arm => Format::Arm,
        ExportFormat::Bicep => Format::Bicep,
        ExportFormat::Terraform => Format::Terraform,
        ExportFormat::Az => Format::Az,
        ExportFormat::Svg => {
            return write(args, &export::topology_svg(scenario, analysis));
        }
    };
    let exported = export::export(scenario, format);
    write(args, &exported.text)?;
    for line in &exported.report.lines {
        if line.path.is_empty() {
            eprintln!("note: {}", line.message);
        } else {
            eprintln!("note: {}: {}", line.path, line.message);
        }
    }
    Ok(())
}

fn write(args: &Args, text: &str) -> Result<(), String> {
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            crate::out::print(text);
            Ok(())
        }
    }
}
