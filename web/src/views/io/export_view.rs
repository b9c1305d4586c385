//! Export: the design as a scenario document, an ARM template, Bicep, Terraform or an `az` script
//! (`avnm_core::export`), or its topology as SVG or PNG; each shown, with what the format could not express, and
//! offered for download under the name its tools expect.

use avnm_core::export::{self, Format};
use avnm_core::{Analysis, Scenario};
use yew::prelude::*;

use super::render_dialog;
use crate::app::Ctx;
use crate::components::Same;
use crate::components::rich;
use crate::platform;

/// Characters of an export shown in the dialog, over all its files; the downloads have everything.
const PREVIEW_CHARS: usize = 200_000;
/// How many files of an export get a download button each in view; past that, the files after the first are
/// under a fold.
const FILES_INLINE: usize = 4;
/// How much larger than the diagram a PNG is drawn, for sharp text.
const PNG_SCALE: f64 = 2.0;

/// What the dialog writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Scenario,
    Arm,
    Bicep,
    Terraform,
    Az,
    Svg,
    Png,
}

const KINDS: [(Kind, &str, &str); 7] = [
    (Kind::Scenario, "scenario", "Scenario JSON"),
    (Kind::Arm, "arm", "ARM template"),
    (Kind::Bicep, "bicep", "Bicep"),
    (Kind::Terraform, "terraform", "Terraform"),
    (Kind::Az, "az", "az script"),
    (Kind::Svg, "svg", "Topology SVG"),
    (Kind::Png, "png", "Topology PNG"),
];

/// One export: its files (name and text), its media type and what it left out.
#[derive(Debug, PartialEq)]
struct Output {
    files: Vec<(String, String)>,
    media_type: &'static str,
    report: Vec<export::ReportLine>,
    about: &'static str,
}

/// The files of a Bicep export, which opens each with a `// file: NAME` line.
fn bicep_files(text: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("// file: ") {
            files.push((name.trim().to_owned(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if files.is_empty() {
        files.push(("main.bicep".to_owned(), text.to_owned()));
    }
    files
}

fn write(kind: Kind, scenario: &Scenario, analysis: &Analysis) -> Output {
    let deployable = |format: Format| export::export(scenario, format);
    match kind {
        Kind::Scenario => Output {
            files: vec![("design.json".to_owned(), scenario.to_json())],
            media_type: "application/json",
            report: Vec::new(),
            about: "The design as the playground reads it: load it again with Import.",
        },
        Kind::Arm => {
            let e = deployable(Format::Arm);
            Output {
                files: vec![("azuredeploy.json".to_owned(), e.text)],
                media_type: "application/json",
                report: e.report.lines,
                about: "An ARM deployment template; the commits are in its metadata, with the command that deploys each.",
            }
        }
        Kind::Bicep => {
            let e = deployable(Format::Bicep);
            Output {
                files: bicep_files(&e.text),
                media_type: "text/plain",
                report: e.report.lines,
                about: "Bicep: a main file and a module per scope. The playground cannot read Bicep back (that needs the Bicep compiler): import the ARM template instead.",
            }
        }
        Kind::Terraform => {
            let e = deployable(Format::Terraform);
            Output {
                files: vec![("main.tf".to_owned(), e.text)],
                media_type: "text/plain",
                report: e.report.lines,
                about: "Terraform with the azurerm provider.",
            }
        }
        Kind::Az => {
            let e = deployable(Format::Az);
            Output {
                files: vec![("deploy.sh".to_owned(), e.text)],
                media_type: "text/x-shellscript",
                report: e.report.lines,
                about: "A bash script of az commands, the commits last.",
            }
        }
        Kind::Svg | Kind::Png => Output {
            files: vec![(
                if kind == Kind::Svg {
                    "topology.svg"
                } else {
                    "topology.png"
                }
                .to_owned(),
                export::topology_svg(scenario, analysis),
            )],
            media_type: "image/svg+xml",
            report: Vec::new(),
            about: "The topology diagram: regions, VNets, peerings and connected groups.",
        },
    }
}

/// The header's Export button and the export dialog.
#[component]
pub fn ExportView() -> Html {
    let open = use_state(|| false);
    let show = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(true))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    html! {
        <>
            <button onclick={show} title="Export the design: scenario JSON, ARM, Bicep, Terraform, az, topology picture" data-testid="export">{ "Export" }</button>
            if *open { { render_dialog("Export", "export-dialog", close, html! { <ExportDialog /> }) } }
        </>
    }
}

#[component]
fn ExportDialog() -> Html {
    let kind = use_state(|| Kind::Scenario);
    let status = use_state(|| None::<Result<String, String>>);
    let drawing = use_mut_ref(|| None::<platform::Drawing>);
    let ctx = use_context::<Ctx>();
    let design = ctx
        .as_ref()
        .map(|c| (Same(c.state.scenario.clone()), Same(c.analysis.clone())));
    let output = use_memo((design, *kind), |(design, kind)| {
        design.as_ref().map(|(s, a)| write(*kind, &s.0, &a.0))
    });
    // The callbacks hold the memo's output, not copies of its texts (an export of a large design is 100 MB).
    let all = output.clone();
    let Some(output) = output.as_ref() else {
        return html! {};
    };

    let tabs = KINDS.iter().map(|(k, id, label)| {
        let selected = *kind == *k;
        let onclick = {
            let (kind, status, k) = (kind.clone(), status.clone(), *k);
            Callback::from(move |_: MouseEvent| {
                kind.set(k);
                status.set(None);
            })
        };
        html! {
            <button role="tab" aria-selected={selected.to_string()} class={classes!("tab", selected.then_some("selected"))}
                {onclick} data-testid={format!("export-format-{id}")}>{ *label }</button>
        }
    });
    let downloads = output.files.iter().enumerate().map(|(i, (name, _))| {
        let onclick = {
            let (all, status) = (all.clone(), status.clone());
            let media_type = output.media_type;
            let png = *kind == Kind::Png;
            let drawing = drawing.clone();
            Callback::from(move |_: MouseEvent| {
                let Some((name, text)) = all.as_ref().as_ref().and_then(|o| o.files.get(i)) else {
                    return;
                };
                if png {
                    let status = status.clone();
                    let shown = name.clone();
                    let done = Callback::from(move |r: Result<(), String>| {
                        status.set(Some(r.map(|()| format!("`{shown}` downloaded"))));
                    });
                    *drawing.borrow_mut() = platform::download_png(name, text, PNG_SCALE, done);
                } else {
                    match media_type {
                        "application/json" => platform::download(name, text),
                        other => platform::download_text(name, text, other),
                    }
                    status.set(Some(Ok(format!("`{name}` downloaded"))));
                }
            })
        };
        let class = (i == 0 || output.files.len() <= FILES_INLINE).then_some("primary");
        html! {
            <button {class} {onclick} data-testid={format!("export-download-{name}")}>{ format!("Download {name}") }</button>
        }
    });
    let mut downloads: Vec<Html> = downloads.collect();
    // Past a few files (the modules of a Bicep export: one per subscription), the others fold under the first.
    let folded = (downloads.len() > FILES_INLINE).then(|| {
        let rest: Vec<Html> = downloads.split_off(1);
        html! {
            <details class="io-modules" data-testid="export-modules">
                <summary>{ format!("Download one of the {} other files", rest.len()) }</summary>
                <div class="io-actions">{ for rest }</div>
            </details>
        }
    });
    let copy = {
        let (all, status) = (all.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            let text = all.as_ref().as_ref().map_or_else(String::new, |o| {
                o.files
                    .iter()
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            platform::copy_text(
                &text,
                Callback::from(move |r: Result<(), String>| {
                    status.set(Some(r.map(|()| "copied to the clipboard".to_owned())));
                }),
            );
        })
    };
    html! {
        <>
            <div class="tabs" role="tablist" aria-label="Format">{ for tabs }</div>
            <p class="hint">{ output.about }</p>
            <div class="io-actions">
                { for downloads }
                if *kind != Kind::Png {
                    <button onclick={copy} data-testid="export-copy">{ "Copy" }</button>
                }
                { render_status(status.as_ref()) }
            </div>
            { folded.unwrap_or_default() }
            { render_report(&output.report) }
            if *kind == Kind::Svg || *kind == Kind::Png {
                { render_picture(output) }
            } else {
                { render_previews(&output.files) }
            }
        </>
    }
}

fn render_status(status: Option<&Result<String, String>>) -> Html {
    match status {
        Some(Ok(message)) => {
            html! { <span class="io-status loaded" role="status" data-testid="export-status">{ rich(message) }</span> }
        }
        Some(Err(why)) => {
            html! { <span class="error" role="alert" data-testid="export-status">{ rich(why) }</span> }
        }
        None => html! {},
    }
}

/// What the format could not express, one line each with its place in the design.
fn render_report(report: &[export::ReportLine]) -> Html {
    if report.is_empty() {
        return html! {};
    }
    html! {
        <div class="io-report">
            <h3>{ "Notes" }<span class="hint">{ format!(" {} thing{} the format writes differently or leaves out", report.len(), if report.len() == 1 { "" } else { "s" }) }</span></h3>
            <ul data-testid="export-report">
                { for report.iter().map(|line| html! {
                    <li>
                        if !line.path.is_empty() { <code>{ line.path.clone() }</code>{ " " } }
                        { rich(&line.message) }
                    </li>
                }) }
            </ul>
        </div>
    }
}

/// Each file's name and number of lines, and its first characters while [`PREVIEW_CHARS`] last over all the files
/// (a Bicep export of a large design has hundreds of modules, and a preview of each would be tens of megabytes of
/// page).
fn render_previews(files: &[(String, String)]) -> Html {
    let heads = previews(files, PREVIEW_CHARS);
    let left = files.len() - heads.len();
    html! {
        <>
            { for files.iter().zip(&heads).map(|((name, text), head)| render_text(name, text, head)) }
            if left > 0 {
                <p class="hint" data-testid="export-more">
                    { format!("{left} more file{} not shown here: the downloads above have {}.", if left == 1 { " is" } else { "s are" }, if left == 1 { "it" } else { "them" }) }
                </p>
            }
        </>
    }
}

/// The first characters of each file, `budget` of them over all the files in order, and only the files reached
/// before it runs out.
fn previews(files: &[(String, String)], budget: usize) -> Vec<&str> {
    let mut left = budget;
    let mut heads = Vec::new();
    for (_, text) in files {
        if left == 0 {
            break;
        }
        let (end, taken) = match text.char_indices().nth(left) {
            Some((end, _)) => (end, left),
            None => (text.len(), text.chars().count()),
        };
        heads.push(text.get(..end).unwrap_or(text));
        left -= taken;
    }
    heads
}

/// How many lines `str::lines` finds, counted without splitting.
fn line_count(text: &str) -> usize {
    let breaks = text.bytes().filter(|&b| b == b'\n').count();
    breaks + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

fn render_text(name: &str, text: &str, head: &str) -> Html {
    let cut = head.len() < text.len();
    html! {
        <figure class="io-file">
            <figcaption><code>{ name.to_owned() }</code>{ format!(" {} lines", line_count(text)) }</figcaption>
            <pre data-testid="export-text">{ head.to_owned() }</pre>
            if cut { <p class="hint">{ "The download has the rest." }</p> }
        </figure>
    }
}

/// The picture, shown as an image of the same SVG the download has.
fn render_picture(output: &Output) -> Html {
    let Some((_, svg)) = output.files.first() else {
        return html! {};
    };
    let src = format!("data:image/svg+xml;charset=utf-8,{}", percent(svg));
    html! {
        <figure class="io-picture">
            <img {src} alt="The topology diagram" data-testid="export-picture" />
        </figure>
    }
}

/// Percent-encodes what a `data:` URL may not hold as it is.
fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' | '#' | '"' | '<' | '>' | '\n' | '\r' | '\t' | '&' | '+' | '?' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUARDRAILS: &str = include_str!("../../../../static/examples/hub-spoke-guardrails.json");

    #[test]
    fn every_kind_writes_a_named_non_empty_file_of_the_guardrails_example() {
        let scenario = Scenario::parse(GUARDRAILS).unwrap();
        let analysis = avnm_core::analyze(&scenario);
        for (kind, _, label) in KINDS {
            let output = write(kind, &scenario, &analysis);
            assert!(!output.files.is_empty(), "{label}");
            for (name, text) in &output.files {
                assert!(
                    !name.is_empty() && !text.trim().is_empty(),
                    "{label}: {name}"
                );
            }
        }
        let names = |kind| -> Vec<String> {
            write(kind, &scenario, &analysis)
                .files
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        assert_eq!(names(Kind::Arm), ["azuredeploy.json"]);
        assert_eq!(names(Kind::Terraform), ["main.tf"]);
        assert_eq!(names(Kind::Az), ["deploy.sh"]);
        assert_eq!(names(Kind::Png), ["topology.png"]);
        let bicep = names(Kind::Bicep);
        assert_eq!(bicep.first().map(String::as_str), Some("main.bicep"));
    }

    #[test]
    fn a_bicep_export_splits_into_its_files() {
        let files = bicep_files(
            "// file: main.bicep\nmodule a 'a.bicep' = {}\n// file: a.bicep\nparam x string\n",
        );
        assert_eq!(
            files,
            [
                (
                    "main.bicep".to_owned(),
                    "module a 'a.bicep' = {}\n".to_owned()
                ),
                ("a.bicep".to_owned(), "param x string\n".to_owned())
            ]
        );
    }

    #[test]
    fn previews_share_one_budget_of_characters_over_the_files() {
        let file = |name: &str, text: &str| (name.to_owned(), text.to_owned());
        let files = [
            file("main.bicep", "abcdé"),
            file("a.bicep", "fghij"),
            file("b.bicep", "klm"),
        ];
        // 5 characters of the first file (`é` is two bytes), 2 of the second, none of the third.
        assert_eq!(previews(&files, 7), ["abcdé", "fg"]);
        assert_eq!(previews(&files, 5), ["abcdé"]);
        assert_eq!(previews(&files, 100), ["abcdé", "fghij", "klm"]);
        assert!(previews(&files, 0).is_empty());
        assert!(previews(&[], 10).is_empty());
    }

    #[test]
    fn lines_are_counted_as_str_lines_counts_them() {
        for text in ["", "a", "a\n", "a\nb", "a\n\nb\n", "\n", "a\r\nb"] {
            assert_eq!(line_count(text), text.lines().count(), "{text:?}");
        }
    }

    #[test]
    fn data_urls_escape_what_they_cannot_hold() {
        assert_eq!(
            percent("<a href=\"#x\">%</a>"),
            "%3Ca href=%22%23x%22%3E%25%3C/a%3E"
        );
    }
}
