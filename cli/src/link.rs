//! `avnm link encode` and `avnm link decode`: the playground's share links, written and read with `avnm_link`.
//!
//! `encode` prints `{"link", "length", "fit", "warning"}` (or the link alone on its first line with
//! `--format table`); `decode` writes the design as indented JSON to standard output or to `-o FILE`, and with
//! `-o` prints `{"file", "view"}`.
//! A link that cannot be read is one line on standard error saying why (cut, damaged, from a newer version,
//! not a design, too large) and exit code 2.

use std::io::Read;
use std::process::ExitCode;

use avnm_link::{Fit, View};
use clap::Subcommand;
use serde_json::json;

use crate::{Format, InputError, emit};

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Writes a share link that carries a design and the view it opens on
    Encode {
        /// Scenario document, or `-` for standard input
        file: String,
        /// The view as JSON, e.g. '{"panel":"verdict","query":{"from":"10.1.0.4","to":"10.2.0.4","protocol":"Tcp","port":22}}'
        #[arg(long)]
        view: Option<String>,
        /// The playground's address, e.g. https://example.org/avnm/ (without it, the link is the `#v1.` fragment)
        #[arg(long)]
        base: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Reads a share link (a whole URL or its `#v1.` fragment, or `-` for standard input) back into its design
    Decode {
        /// The link, or `-` to read it from standard input
        link: String,
        /// Writes the design to this file, and prints the view, instead of printing the design
        #[arg(short, long)]
        output: Option<String>,
    },
}

pub fn run(command: Command) -> Result<ExitCode, InputError> {
    match command {
        Command::Encode {
            file,
            view,
            base,
            format,
        } => {
            let view = match view {
                Some(text) => {
                    View::parse_strict(&text).map_err(|e| InputError(format!("`--view`: {e}")))?
                }
                None => View::default(),
            };
            let (name, document) = read(&file)?;
            let fragment = avnm_link::encode(&document, &view)
                .map_err(|e| InputError(format!("{name}: {e}")))?;
            let link = match &base {
                Some(base) => avnm_link::url(base, &fragment),
                None => format!("#{fragment}"),
            };
            let length = link.chars().count();
            let fit = Fit::of(length);
            let warning = fit.warning();
            emit(
                format,
                &json!({
                    "link": link,
                    "length": length,
                    "fit": match fit {
                        Fit::Fine => "fine",
                        Fit::Long => "long",
                        Fit::TooLong => "tooLong",
                    },
                    "warning": warning,
                }),
                || {
                    let mut out = format!("{link}\n{length} characters ({fit})\n");
                    if let Some(w) = &warning {
                        out.push_str(&format!("warning: {w}\n"));
                    }
                    out
                },
            );
        }
        Command::Decode { link, output } => {
            let (name, text) = if link == "-" {
                read("-")?
            } else {
                ("link".to_owned(), link)
            };
            let decoded =
                avnm_link::decode(&text).map_err(|e| InputError(format!("{name}: {e}")))?;
            let pretty = indent(&decoded.document);
            match output {
                None => crate::out::println(&pretty),
                Some(path) => {
                    std::fs::write(&path, format!("{pretty}\n"))
                        .map_err(|e| InputError(format!("{path}: {e}")))?;
                    emit(
                        Format::Json,
                        &json!({ "file": path, "view": decoded.view }),
                        String::new,
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The text of a file, or of standard input for `-`, with the name to use in messages.
fn read(file: &str) -> Result<(String, String), InputError> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| InputError(format!("standard input: {e}")))?;
        Ok(("standard input".to_owned(), text))
    } else {
        let text = std::fs::read_to_string(file).map_err(|e| InputError(format!("{file}: {e}")))?;
        Ok((file.to_owned(), text))
    }
}

/// The document indented by two spaces, with its keys in their order: `serde_transcode` copies JSON tokens from
/// a reader to a writer without a `serde_json::Value` between, which would sort them.
fn indent(document: &str) -> String {
    let mut out = Vec::with_capacity(document.len() * 2);
    let mut reader = serde_json::Deserializer::from_str(document);
    let mut writer = serde_json::Serializer::pretty(&mut out);
    match serde_transcode::transcode(&mut reader, &mut writer) {
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| document.to_owned()),
        Err(_) => document.to_owned(),
    }
}
