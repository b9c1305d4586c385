//! `avnm`: checks Azure Virtual Network Manager designs from the command line (decisions §4).
//!
//! Every command reads a scenario document (a path, or `-` for standard input) and prints one JSON object on
//! standard output; `--format table` prints a readable table instead.
//! Input it cannot read is one line on standard error, naming the file and the JSON path, and exit code 2.
//! A document with error diagnostics stops a pipeline: every command prints each error on standard error, one
//! line each (`error: <JSON path>: <message>`), and exits 2 without a result; `--allow-errors` prints the
//! best-effort result all the same, still listing the errors. Warnings never change the exit code.
//! `check` exits 1 when an intent fails; `diagnostics` prints every diagnostic and exits 1 when one is an error.
//! This binary parses arguments and prints; every answer comes from `avnm_core`.

/// Reading an enterprise design makes and frees millions of small values (the JSON tree, the model's strings):
/// with mimalloc, `avnm topology` on the 10,000-VNet benchmark design (130 MB) takes about 1.2 s instead of 1.6 s
/// as a whole process, and 885 MiB instead of 938 at its peak (README, performance). Built without transparent
/// huge pages (its `no_thp` feature): on the 1,000-VNet design (12.7 MB) the peak is 42 MiB instead of 56 (huge
/// pages commit 2 MiB at a time), on the 10,000-VNet one 314 MiB instead of 331, in the same time (farm-bench,
/// 9 pairs: wall 0.98 against 1.05 s, user time 2.7 % more, system time less and steadier). Built on mimalloc 2
/// (its `v2` feature), which gives freed memory back sooner than mimalloc 3: 36.1 MiB instead of 41.7 on the
/// 1,000-VNet design (under 3 times its 12.7 MB), 311 instead of 314 on the 10,000-VNet one, in the same time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod export;
mod import;
mod lesson;
mod link;
mod out;
mod render;

use std::io::Read;
use std::net::IpAddr;
use std::process::ExitCode;
use std::sync::Arc;

use avnm_core::analysis::analyze_model;
use avnm_core::model::{NicId, Protocol, VnetId};
use avnm_core::{Analysis, Diagnostic, Flow, Scenario, Severity, analyze};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "avnm",
    version,
    about = "Check Azure Virtual Network Manager designs: membership, topology and traffic verdicts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print the best-effort result of a document with error diagnostics (the errors still go to standard error)
    #[arg(long, global = true)]
    allow_errors: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Members of every network group
    Membership(Common),
    /// Effective peerings and connected groups after the commits
    Topology(Common),
    /// The verdict for one flow, with its trace
    Verdict {
        /// Scenario document, or `-` for standard input
        file: String,
        /// Output format (`markdown`: the verdict and its trace for a ticket)
        #[arg(long, value_enum, default_value_t = VerdictFormat::Json)]
        format: VerdictFormat,
        /// Source IP address
        #[arg(long)]
        from: IpAddr,
        /// Destination IP address
        #[arg(long)]
        to: IpAddr,
        /// Tcp, Udp, Icmp, Esp, Ah or Any (case-insensitive)
        #[arg(long, value_parser = parse_protocol)]
        protocol: Protocol,
        /// Destination port (not needed for Icmp, Esp and Ah)
        #[arg(long)]
        port: Option<u16>,
        /// Source port (default 49152)
        #[arg(long)]
        source_port: Option<u16>,
    },
    /// Checks every intent of the document; exits 1 if one fails
    Check(Common),
    /// Everything about one VNet: its groups and why, peerings, connected groups, admin rules
    Explain {
        #[command(flatten)]
        common: Common,
        /// The VNet: its full id or its name
        #[arg(long)]
        vnet: String,
    },
    /// Effective admin and NSG rules of a VNet or a NIC, in evaluation order
    Rules {
        #[command(flatten)]
        common: Common,
        /// A VNet (full id or name)
        #[arg(long, conflicts_with = "nic", required_unless_present = "nic")]
        vnet: Option<String>,
        /// A network interface (full id or name)
        #[arg(long)]
        nic: Option<String>,
    },
    /// VNet-to-VNet reachability for one protocol and port
    Matrix {
        #[command(flatten)]
        common: Common,
        /// Tcp, Udp, Icmp, Esp, Ah or Any
        #[arg(long, value_parser = parse_protocol)]
        protocol: Protocol,
        /// Destination port
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// The document's problems: errors and warnings with their JSON paths
    Diagnostics(Common),
    /// Lessons: `avnm lesson check FILE` validates a lesson for its author
    #[command(subcommand)]
    Lesson(lesson::LessonCommand),
    /// Share links: a design and the view it opens on, in a URL
    Link {
        #[command(subcommand)]
        command: link::Command,
    },
    /// The design as Azure deploys it (ARM template, Bicep, Terraform, az script) or its topology as SVG
    Export(export::Args),
    /// Azure JSON (REST bodies, `az` output, ARM templates and parameters) to a scenario document, with a report
    Import {
        /// Files to import together, or `-` for standard input
        #[arg(required = true)]
        files: Vec<String>,
        /// Write the scenario document here instead of standard output
        #[arg(short, long)]
        output: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
struct Common {
    /// Scenario document, or `-` for standard input
    file: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Table,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum VerdictFormat {
    Json,
    Table,
    Markdown,
}

fn parse_protocol(s: &str) -> Result<Protocol, String> {
    s.parse()
        .map_err(|()| format!("`{s}` is not one of Tcp, Udp, Icmp, Esp, Ah, Any"))
}

/// A problem with the input: printed as one line, exit code 2.
/// Without a message, the document was refused for its error diagnostics, already printed one per line.
struct InputError(String);

impl InputError {
    /// A document refused for its error diagnostics.
    fn refused() -> Self {
        InputError(String::new())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            out::print(&e.to_string());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.render().to_string();
            let line = text
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            eprintln!("avnm: {line}");
            return ExitCode::from(2);
        }
    };
    let code = match run(cli.command, cli.allow_errors) {
        Ok(code) => code,
        Err(InputError(message)) if message.is_empty() => ExitCode::from(2),
        Err(InputError(message)) => {
            eprintln!("avnm: {message}");
            ExitCode::from(2)
        }
    };
    if out::failed() {
        return ExitCode::from(2);
    }
    code
}

/// Reads and analyses a document's model; one with error diagnostics is refused unless `allow_errors`.
fn load(file: &str, allow_errors: bool) -> Result<&'static Analysis, InputError> {
    refuse_errors(read(file)?, allow_errors)
}

/// [`load`], keeping the design's document too (for `export`, which writes it out).
fn load_design(
    file: &str,
    allow_errors: bool,
) -> Result<(&'static Scenario, &'static Analysis), InputError> {
    let (scenario, analysis) = read_design(file)?;
    Ok((scenario, refuse_errors(analysis, allow_errors)?))
}

/// Prints an analysis' error diagnostics; refuses it when there are any, unless `allow_errors`.
fn refuse_errors(
    analysis: &'static Analysis,
    allow_errors: bool,
) -> Result<&'static Analysis, InputError> {
    let mut errors = 0;
    for d in analysis.errors() {
        eprintln!("{}", diagnostic_line(d));
        errors += 1;
    }
    if errors > 0 && !allow_errors {
        return Err(InputError::refused());
    }
    Ok(analysis)
}

/// One diagnostic as one line: severity, JSON path, message.
fn diagnostic_line(d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    if d.path.is_root() {
        format!("{severity}: {}", d.message)
    } else {
        format!("{severity}: {}: {}", d.path, d.message)
    }
}

/// Reads and analyses a design's model, without keeping its document: each resource is parsed, read into the
/// model and freed in turn ([`Scenario::read_model`]), so the JSON tree of a large design never exists whole.
///
/// The analysis lives until the process ends: it is leaked, not dropped, because freeing the millions of small
/// allocations of a large design one by one takes about a tenth of a whole run, and the operating system takes
/// the memory back at exit anyway.
fn read(file: &str) -> Result<&'static Analysis, InputError> {
    let (text, name) = read_text(file)?;
    let (model, diagnostics) =
        Scenario::read_model(&text).map_err(|e| InputError(format!("{name}: {e}")))?;
    drop(text);
    let analysis = analyze_model(Arc::new(model), &diagnostics);
    Ok(Box::leak(Box::new(analysis)))
}

/// Reads and analyses a design, keeping its document; leaked like [`read`]'s analysis.
fn read_design(file: &str) -> Result<(&'static Scenario, &'static Analysis), InputError> {
    let (text, name) = read_text(file)?;
    // The text is freed before the model is read from the JSON tree, so that the two never peak together.
    let document: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| InputError(format!("{name}: {}", avnm_core::FormatError::from(e))))?;
    drop(text);
    let scenario =
        Scenario::from_document(document).map_err(|e| InputError(format!("{name}: {e}")))?;
    let scenario: &'static Scenario = Box::leak(Box::new(scenario));
    let analysis: &'static Analysis = Box::leak(Box::new(analyze(scenario)));
    Ok((scenario, analysis))
}

/// A file's text (standard input for `-`), and the name errors give it.
fn read_text(file: &str) -> Result<(String, &str), InputError> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| InputError(format!("standard input: {e}")))?;
        Ok((text, "standard input"))
    } else {
        let text = std::fs::read_to_string(file).map_err(|e| InputError(format!("{file}: {e}")))?;
        Ok((text, file))
    }
}

fn emit(format: Format, json: &serde_json::Value, table: impl FnOnce() -> String) {
    match format {
        Format::Json => out::println(&serde_json::to_string_pretty(json).unwrap_or_default()),
        Format::Table => out::print(&table()),
    }
}

/// Finds a VNet by full id or unique name.
fn find_vnet(analysis: &Analysis, key: &str) -> Result<VnetId, InputError> {
    let id = VnetId::new(key);
    if analysis.model.vnets.contains_key(&id) {
        return Ok(id);
    }
    let by_name: Vec<&VnetId> = analysis
        .model
        .vnets
        .values()
        .filter(|v| v.name.eq_ignore_ascii_case(key))
        .map(|v| &v.id)
        .collect();
    match by_name.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(InputError(format!(
            "no virtual network `{key}` in the document"
        ))),
        _ => Err(InputError(format!(
            "several virtual networks are named `{key}`; give the full id"
        ))),
    }
}

/// Finds a NIC by full id or unique name.
fn find_nic(analysis: &Analysis, key: &str) -> Result<NicId, InputError> {
    let id = NicId::new(key);
    if analysis.model.nics.contains_key(&id) {
        return Ok(id);
    }
    let by_name: Vec<&NicId> = analysis
        .model
        .nics
        .keys()
        .filter(|n| n.name().eq_ignore_ascii_case(key))
        .collect();
    match by_name.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(InputError(format!(
            "no network interface `{key}` in the document"
        ))),
        _ => Err(InputError(format!(
            "several network interfaces are named `{key}`; give the full id"
        ))),
    }
}

fn run(command: Command, allow_errors: bool) -> Result<ExitCode, InputError> {
    match command {
        Command::Lesson(command) => return Ok(lesson::run(command)),
        Command::Link { command } => return link::run(command),
        Command::Import { files, output } => return import::run(&files, output.as_deref()),
        Command::Membership(common) => {
            let analysis = load(&common.file, allow_errors)?;
            emit(common.format, &render::membership(analysis), || {
                render::membership_table(analysis)
            });
        }
        Command::Topology(common) => {
            let analysis = load(&common.file, allow_errors)?;
            emit(common.format, &render::topology(analysis), || {
                render::topology_table(analysis)
            });
        }
        Command::Verdict {
            file,
            format,
            from,
            to,
            protocol,
            port,
            source_port,
        } => {
            if protocol.has_ports() && port.is_none() {
                return Err(InputError(format!(
                    "`--port` is required for the protocol `{protocol}`"
                )));
            }
            let analysis = load(&file, allow_errors)?;
            let flow = Flow {
                from,
                to,
                protocol,
                port,
                source_port,
            };
            let verdict = analysis.verdict(&flow);
            let format = match format {
                VerdictFormat::Json => Format::Json,
                VerdictFormat::Table => Format::Table,
                VerdictFormat::Markdown => {
                    out::print(&avnm_core::export::verdict_markdown(&verdict, &flow));
                    return Ok(ExitCode::SUCCESS);
                }
            };
            emit(
                format,
                &serde_json::to_value(&verdict).unwrap_or_default(),
                || verdict.to_string(),
            );
        }
        Command::Check(common) => {
            let analysis = load(&common.file, allow_errors)?;
            let results = analysis.check();
            emit(common.format, &render::check(&results), || {
                render::check_table(&results)
            });
            if results.iter().any(|r| !r.passed) {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Explain { common, vnet } => {
            let analysis = load(&common.file, allow_errors)?;
            let id = find_vnet(analysis, &vnet)?;
            let explanation = analysis.explain_vnet(&id);
            emit(
                common.format,
                &serde_json::to_value(&explanation).unwrap_or_default(),
                || {
                    explanation
                        .as_ref()
                        .map(render::explain_table)
                        .unwrap_or_default()
                },
            );
        }
        Command::Rules { common, vnet, nic } => {
            let analysis = load(&common.file, allow_errors)?;
            let rules = match (vnet, nic) {
                (Some(v), _) => analysis.effective_vnet_rules(&find_vnet(analysis, &v)?),
                (None, Some(n)) => analysis.effective_nic_rules(&find_nic(analysis, &n)?),
                (None, None) => None,
            };
            emit(
                common.format,
                &serde_json::to_value(&rules).unwrap_or_default(),
                || rules.as_ref().map(render::rules_table).unwrap_or_default(),
            );
        }
        Command::Matrix {
            common,
            protocol,
            port,
        } => {
            let analysis = load(&common.file, allow_errors)?;
            let matrix = analysis.matrix(protocol, port);
            emit(
                common.format,
                &serde_json::to_value(&matrix).unwrap_or_default(),
                || render::matrix_table(&matrix),
            );
        }
        Command::Export(args) => {
            let (scenario, analysis) = load_design(&args.file, allow_errors)?;
            export::run(&args, scenario, analysis).map_err(InputError)?;
        }
        Command::Diagnostics(common) => {
            // Listing the problems is this command's result: errors do not stop it, they set exit code 1.
            let analysis = read(&common.file)?;
            emit(
                common.format,
                &serde_json::json!({ "diagnostics": analysis.diagnostics }),
                || {
                    analysis
                        .diagnostics
                        .iter()
                        .map(|d| format!("{d}\n"))
                        .collect()
                },
            );
            if analysis.has_errors() {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
