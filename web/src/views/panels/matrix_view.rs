//! The reachability heat map: for one protocol and port, whether each VNet reaches each other one.
//!
//! Rows are sources and columns destinations.
//! Up to [`LABELLED_LIMIT`] VNets every cell shows a symbol and has its own element; up to [`DRAWN_LIMIT`] the
//! cells are small, unlabelled and painted as three SVG paths (one per verdict, with a pattern each); past
//! that the pairs are counted by region (a table of source regions by destination regions, each cell the
//! allowed, denied and unreachable pairs), and a source region opens into its VNets, one row each in a list that
//! renders only the rows in view.
//! Past [`AUTO_LIMIT`] VNets the matrix is computed only when the user asks, once per analysis; past
//! [`COMPUTE_LIMIT`] it is not offered, since every pair would be held in the page.
//! Pointing at a cell, or moving with the arrow keys, shows the pair, the endpoints that stand for the two
//! VNets and the deciding rule; the cell is found from the pointer's offset in the grid, so the cells carry
//! no listeners and are not drawn again while the pointer moves.

use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use crate::components::virtual_list::VirtualList;
use avnm_core::model::Location;

use avnm_core::model::Protocol;
use avnm_core::security::matrix::Matrix;
use avnm_core::verdict::RuleRef;
use avnm_core::{Analysis, Decision};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::Same;
use crate::platform;
use crate::state::{Action, Selection};

/// Past this many VNets, cells are small and without symbols.
const LABELLED_LIMIT: usize = 60;
/// Past this many VNets, only the totals are shown.
const DRAWN_LIMIT: usize = 400;
/// Past this many VNets, the matrix is computed only when asked for: the engine evaluates each VNet's rules
/// once against all others, about 0.2 s natively for 1,000 VNets and a few times that in the browser, and the
/// page does not respond meanwhile.
const AUTO_LIMIT: usize = 500;
/// Past this many VNets, the matrix is not computed in the page: 2,000 VNets are 4,000,000 cells.
const COMPUTE_LIMIT: usize = 2_000;
/// Height of a row of a region's VNets, in CSS pixels.
const ROW: u32 = 28;
/// Side of a labelled cell, in CSS pixels.
const CELL: i32 = 24;
/// Space between labelled cells.
const GAP: i32 = 2;
/// Width of the row headers (source names).
const ROW_HEAD: i32 = 170;
/// Height of the column headers (destination names).
const COL_HEAD: i32 = 160;
/// The protocols offered.
const PROTOCOLS: [Protocol; 4] = [Protocol::Tcp, Protocol::Udp, Protocol::Icmp, Protocol::Any];

/// How the grid is drawn for its size.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Cells with symbols, names along both sides.
    Labelled,
    /// Small painted cells of this many pixels.
    Compact(i32),
    /// Totals only.
    Totals,
}

impl Mode {
    fn of(n: usize) -> Self {
        if n <= LABELLED_LIMIT {
            Mode::Labelled
        } else if n <= 150 {
            Mode::Compact(8)
        } else if n <= DRAWN_LIMIT {
            Mode::Compact(5)
        } else {
            Mode::Totals
        }
    }

    /// Distance from one cell to the next.
    fn pitch(self) -> i32 {
        match self {
            Mode::Labelled => CELL + GAP,
            Mode::Compact(c) => c,
            Mode::Totals => 1,
        }
    }

    /// Side of a cell.
    fn cell(self) -> i32 {
        match self {
            Mode::Labelled => CELL,
            Mode::Compact(c) => c,
            Mode::Totals => 1,
        }
    }
}

fn verdict_class(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "allowed",
        Decision::Denied => "denied",
        Decision::Unreachable => "unreachable",
    }
}

fn symbol(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "✓",
        Decision::Denied => "✕",
        Decision::Unreachable => "–",
    }
}

/// A rule as its parent and name: `nsg / rule` or `collection / rule`.
fn rule_name(rule: &RuleRef) -> String {
    let id = rule.to_string();
    let mut parts = id.rsplit('/');
    let name = parts.next().unwrap_or_default();
    let _kind = parts.next();
    match parts.next() {
        Some(parent) if !parent.is_empty() => format!("{parent} / {name}"),
        _ => name.to_owned(),
    }
}

/// How many cells are allowed, denied and unreachable.
fn totals(matrix: &Matrix) -> [usize; 3] {
    let mut out = [0; 3];
    for cell in matrix.cells.iter().flatten() {
        let slot = match cell.verdict {
            Decision::Allowed => out.get_mut(0),
            Decision::Denied => out.get_mut(1),
            Decision::Unreachable => out.get_mut(2),
        };
        if let Some(slot) = slot {
            *slot += 1;
        }
    }
    out
}

/// The reachability matrix panel.
#[component]
pub fn MatrixView() -> Html {
    let ctx = use_context::<Ctx>();
    let protocol = use_state(|| Protocol::Tcp);
    let port = use_state(|| "443".to_owned());
    // The cell pointed at or moved to with the keyboard: (source, destination).
    let active = use_state(|| None::<(usize, usize)>);
    // The analysis whose large matrix the user asked for; an edit makes a new analysis and asks again.
    let requested = use_state(|| None::<Weak<Analysis>>);
    // The source region opened in the table by region.
    let opened = use_state(|| None::<usize>);
    let port_value = port.trim().parse::<u16>();
    let needs_port = protocol.has_ports();
    // Protocols without ports ignore the port, so any number does.
    let evaluated_port = if needs_port {
        port_value.clone().ok()
    } else {
        Some(port_value.clone().unwrap_or(0))
    };
    let wanted = ctx.as_ref().filter(|c| {
        c.analysis.model.vnets.len() <= AUTO_LIMIT
            || requested
                .as_ref()
                .is_some_and(|w| Weak::ptr_eq(w, &Rc::downgrade(&c.analysis)))
    });
    let deps = (
        wanted.map(|c| Same(c.analysis.clone())),
        *protocol,
        evaluated_port,
    );
    let matrix = use_memo(deps, |(analysis, protocol, port)| match (analysis, port) {
        (Some(a), Some(port)) => Some(Rc::new(a.0.matrix(*protocol, *port))),
        _ => None,
    });
    let Some(ctx) = ctx else { return html! {} };

    let on_protocol = {
        let (protocol, active) = (protocol.clone(), active.clone());
        Callback::from(move |e: Event| {
            if let Ok(p) = platform::value(&e).parse() {
                protocol.set(p);
                active.set(None);
            }
        })
    };
    let on_port = {
        let port = port.clone();
        Callback::from(move |e: InputEvent| port.set(platform::value(&e)))
    };
    let port_invalid = needs_port && port_value.is_err();
    let controls = html! {
        <form class="matrix-controls" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label class="field"><span class="label">{ "Protocol" }</span>
                <select onchange={on_protocol} data-testid="matrix-protocol">
                    { for PROTOCOLS.iter().map(|p| html! {
                        <option value={p.to_string()} selected={*p == *protocol}>{ p.to_string() }</option>
                    }) }
                </select>
            </label>
            <label class={classes!("field", port_invalid.then_some("invalid"))}><span class="label">{ "Destination port" }</span>
                <input value={(*port).clone()} oninput={on_port} disabled={!needs_port} inputmode="numeric"
                    aria-invalid={port_invalid.to_string()} data-testid="matrix-port" />
            </label>
        </form>
    };

    let body = if ctx.analysis.model.vnets.is_empty() {
        html! { <p class="empty">{ "No virtual networks" }</p> }
    } else if port_invalid {
        html! { <p class="error" role="alert">{ "the port is a number from 0 to 65535" }</p> }
    } else if let Some(matrix) = (*matrix).clone() {
        if Mode::of(matrix.vnets.len()) == Mode::Totals {
            render_by_region(&ctx, &matrix, &opened)
        } else {
            render_matrix(&ctx, &matrix, &active)
        }
    } else if ctx.analysis.model.vnets.len() > COMPUTE_LIMIT {
        let n = ctx.analysis.model.vnets.len();
        html! {
            <div class="matrix-ask" data-testid="matrix-too-large">
                <p>{ format!("{n} VNets make {} pairs, too many to compute in the page (it holds every pair). Up to {COMPUTE_LIMIT} VNets the matrix is counted by region here; `avnm matrix` computes any size.", n * n) }</p>
            </div>
        }
    } else {
        let n = ctx.analysis.model.vnets.len();
        let onclick = {
            let (requested, analysis) = (requested.clone(), Rc::downgrade(&ctx.analysis));
            Callback::from(move |_: MouseEvent| requested.set(Some(analysis.clone())))
        };
        html! {
            <div class="matrix-ask">
                <p>{ format!("{n} VNets make {} pairs: computing every verdict can take a while, and the page does not respond meanwhile.", n * n) }</p>
                <button type="button" class="primary" {onclick} data-testid="matrix-compute">{ "Compute the matrix" }</button>
            </div>
        }
    };
    html! {
        <div class="panel matrix-panel">
            { controls }
            { body }
        </div>
    }
}

/// The pairs of a matrix counted by the regions of their source and destination.
struct ByRegion {
    /// The regions, most VNets first, then by name.
    regions: Vec<(Location, usize)>,
    /// The region of each VNet of the matrix, as an index into `regions`.
    of: Vec<usize>,
    /// `counts[a][b]`: allowed, denied and unreachable pairs from region `a` to region `b`.
    counts: Vec<Vec<[usize; 3]>>,
}

fn slot(d: Decision) -> usize {
    match d {
        Decision::Allowed => 0,
        Decision::Denied => 1,
        Decision::Unreachable => 2,
    }
}

fn by_region(analysis: &Analysis, matrix: &Matrix) -> ByRegion {
    let mut sizes: BTreeMap<Location, usize> = BTreeMap::new();
    for id in &matrix.vnets {
        if let Some(v) = analysis.model.vnets.get(id) {
            *sizes.entry(v.location.clone()).or_insert(0) += 1;
        }
    }
    let mut regions: Vec<(Location, usize)> = sizes.into_iter().collect();
    regions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let index: BTreeMap<&Location, usize> = regions
        .iter()
        .enumerate()
        .map(|(i, (r, _))| (r, i))
        .collect();
    let of: Vec<usize> = matrix
        .vnets
        .iter()
        .map(|id| {
            analysis
                .model
                .vnets
                .get(id)
                .and_then(|v| index.get(&v.location).copied())
                .unwrap_or(0)
        })
        .collect();
    let k = regions.len();
    let mut counts = vec![vec![[0usize; 3]; k]; k];
    for (i, row) in matrix.cells.iter().enumerate() {
        let a = of.get(i).copied().unwrap_or(0);
        for (j, cell) in row.iter().enumerate() {
            let b = of.get(j).copied().unwrap_or(0);
            if let Some(c) = counts
                .get_mut(a)
                .and_then(|r| r.get_mut(b))
                .and_then(|c| c.get_mut(slot(cell.verdict)))
            {
                *c += 1;
            }
        }
    }
    ByRegion {
        regions,
        of,
        counts,
    }
}

/// A cell of counts: a bar split by verdict, and the numbers.
fn render_counts(c: [usize; 3]) -> Html {
    let total = c.iter().sum::<usize>().max(1) as f64;
    let pct = |n: usize| format!("{:.2}%", 100.0 * n as f64 / total);
    let [allowed, denied, unreachable] = c;
    html! {
        <div class="agg" title={format!("{allowed} allowed, {denied} denied, {unreachable} unreachable")}>
            <div class="agg-bar" aria-hidden="true">
                <span class="allowed" style={format!("width: {}", pct(allowed))}></span>
                <span class="denied" style={format!("width: {}", pct(denied))}></span>
                <span class="unreachable" style={format!("width: {}", pct(unreachable))}></span>
            </div>
            <div class="agg-numbers">
                <span class="allowed">{ format!("✓ {allowed}") }</span>
                <span class="denied">{ format!("✕ {denied}") }</span>
                <span class="unreachable">{ format!("– {unreachable}") }</span>
            </div>
        </div>
    }
}

/// The matrix of a large design, counted by region; a source region opens into its VNets.
fn render_by_region(
    ctx: &Ctx,
    matrix: &Rc<Matrix>,
    opened: &UseStateHandle<Option<usize>>,
) -> Html {
    let agg = Rc::new(by_region(&ctx.analysis, matrix));
    let k = agg.regions.len();
    let columns =
        format!("grid-template-columns: minmax(160px, 1.2fr) repeat({k}, minmax(120px, 1fr));");
    let region_rows = agg.regions.iter().enumerate().map(|(a, (region, size))| {
        let is_open = **opened == Some(a);
        let toggle = {
            let opened = opened.clone();
            Callback::from(move |_: MouseEvent| opened.set(if is_open { None } else { Some(a) }))
        };
        let vnets: Rc<Vec<usize>> = Rc::new((0..matrix.vnets.len()).filter(|&i| agg.of.get(i) == Some(&a)).collect());
        let list = is_open.then(|| {
            let row = {
                let (matrix, agg, vnets, analysis, dispatch) = (matrix.clone(), agg.clone(), vnets.clone(), ctx.analysis.clone(), ctx.dispatch.clone());
                let columns = columns.clone();
                Callback::from(move |r: usize| {
                    let Some(&i) = vnets.get(r) else { return html! {} };
                    let Some(id) = matrix.vnets.get(i) else { return html! {} };
                    let mut counts = vec![[0usize; 3]; agg.regions.len()];
                    for (j, cell) in matrix.cells.get(i).into_iter().flatten().enumerate() {
                        if let Some(c) = agg.of.get(j).and_then(|&b| counts.get_mut(b)).and_then(|c| c.get_mut(slot(cell.verdict))) {
                            *c += 1;
                        }
                    }
                    let name = analysis.model.vnets.get(id).map_or_else(|| id.name().to_owned(), |v| v.name.clone());
                    let select = {
                        let id = id.clone();
                        dispatch.reform(move |_: MouseEvent| Action::Select(Selection::Vnet(id.clone())))
                    };
                    html! {
                        <div class="agg-row vnet" style={columns.clone()}>
                            <button class="link head" onclick={select} title={format!("Select {name}")}>{ name }</button>
                            { for counts.into_iter().map(|c| {
                                let [allowed, denied, unreachable] = c;
                                html! { <span class="agg-numbers small"><span class="allowed">{ format!("✓ {allowed}") }</span><span class="denied">{ format!("✕ {denied}") }</span><span class="unreachable">{ format!("– {unreachable}") }</span></span> }
                            }) }
                        </div>
                    }
                })
            };
            html! {
                <VirtualList count={vnets.len()} row_height={ROW} height={360} {row} class="agg-vnets"
                    testid={format!("matrix-region-vnets-{region}")} label={format!("VNets of {region}")} />
            }
        });
        html! {
            <>
                <div class="agg-row" style={columns.clone()} role="row">
                    <button class="head region" onclick={toggle} aria-expanded={is_open.to_string()} data-testid={format!("matrix-region-{region}")}>
                        <span class="chevron" aria-hidden="true">{ if is_open { "▾" } else { "▸" } }</span>
                        <strong>{ region.to_string() }</strong><span class="muted">{ format!(" {size}") }</span>
                    </button>
                    { for agg.counts.get(a).into_iter().flatten().map(|c| render_counts(*c)) }
                </div>
                { for list }
            </>
        }
    });
    html! {
        <>
            { render_totals(matrix) }
            <p class="muted">{ format!("{} VNets are too many to draw pair by pair: the pairs are counted from each source region (rows) to each destination region (columns). Open a region for its VNets.", matrix.vnets.len()) }</p>
            <div class="matrix-regions" role="table" data-testid="matrix-by-region">
                <div class="agg-row heads" style={columns.clone()} role="row">
                    <span class="corner muted">{ "from ↓ to →" }</span>
                    { for agg.regions.iter().map(|(r, n)| html! { <span class="head"><strong>{ r.to_string() }</strong><span class="muted">{ format!(" {n}") }</span></span> }) }
                </div>
                { for region_rows }
            </div>
        </>
    }
}

fn render_totals(matrix: &Matrix) -> Html {
    let [allowed, denied, unreachable] = totals(matrix);
    let n = matrix.vnets.len();
    let pairs = n * n;
    html! {
        <div class="matrix-totals" data-testid="matrix-totals">
            <span class="total allowed">{ format!("{allowed} allowed") }</span>
            <span class="total denied">{ format!("{denied} denied") }</span>
            <span class="total unreachable">{ format!("{unreachable} unreachable") }</span>
            <span class="muted" data-testid="matrix-evaluations">
                { format!("computed {} verdicts for {pairs} pairs", matrix.evaluations) }
            </span>
        </div>
    }
}

fn render_matrix(
    ctx: &Ctx,
    matrix: &Rc<Matrix>,
    active: &UseStateHandle<Option<(usize, usize)>>,
) -> Html {
    let n = matrix.vnets.len();
    let mode = Mode::of(n);
    let names: Vec<String> = matrix
        .vnets
        .iter()
        .map(|id| {
            ctx.analysis
                .model
                .vnets
                .get(id)
                .map_or_else(|| id.name().to_owned(), |v| v.name.clone())
        })
        .collect();
    let selected = match &ctx.state.selection {
        Selection::Vnet(id) => matrix.vnets.iter().position(|v| v == id),
        _ => None,
    };
    let (pitch, cell) = (mode.pitch(), mode.cell());
    let size = i32::try_from(n).unwrap_or(i32::MAX).saturating_mul(pitch);
    let at = move |e: &MouseEvent| {
        let (x, y) = (e.offset_x(), e.offset_y());
        if x < 0 || y < 0 || x >= size || y >= size {
            return None;
        }
        Some((
            usize::try_from(y / pitch).ok()?,
            usize::try_from(x / pitch).ok()?,
        ))
    };
    let on_move = {
        let active = active.clone();
        Callback::from(move |e: MouseEvent| {
            let cell = at(&e);
            if cell != *active {
                active.set(cell);
            }
        })
    };
    let on_leave = {
        let active = active.clone();
        Callback::from(move |_: MouseEvent| active.set(None))
    };
    let select = {
        let (dispatch, vnets) = (ctx.dispatch.clone(), matrix.clone());
        move |i: usize| {
            if let Some(id) = vnets.vnets.get(i) {
                dispatch.emit(Action::Select(Selection::Vnet(id.clone())));
            }
        }
    };
    let on_click = {
        let select = select.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some((i, _)) = at(&e) {
                select(i);
            }
        })
    };
    let on_key = {
        let active = active.clone();
        let select = select.clone();
        Callback::from(move |e: KeyboardEvent| {
            let last = n.saturating_sub(1);
            let (i, j) = (*active).unwrap_or((0, 0));
            let next = match e.key().as_str() {
                "ArrowUp" => (i.saturating_sub(1), j),
                "ArrowDown" => ((i + 1).min(last), j),
                "ArrowLeft" => (i, j.saturating_sub(1)),
                "ArrowRight" => (i, (j + 1).min(last)),
                "Home" => (i, 0),
                "End" => (i, last),
                "Enter" | " " => {
                    e.prevent_default();
                    select(i);
                    return;
                }
                "Escape" => {
                    active.set(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            active.set(Some(next));
        })
    };
    let on_focus = {
        let active = active.clone();
        Callback::from(move |_: FocusEvent| {
            if active.is_none() {
                active.set(Some((0, 0)));
            }
        })
    };
    let on_blur = {
        let active = active.clone();
        Callback::from(move |_: FocusEvent| active.set(None))
    };

    let band = |class: &'static str, i: usize, row: bool| {
        let offset = i32::try_from(i).unwrap_or(0).saturating_mul(pitch);
        let style = if row {
            format!("top: {offset}px; left: 0; width: {size}px; height: {cell}px;")
        } else {
            format!("left: {offset}px; top: 0; height: {size}px; width: {cell}px;")
        };
        html! { <div class={classes!("band", class)} {style} aria-hidden="true"></div> }
    };
    let tip = (*active).and_then(|(i, j)| render_tip(matrix, &names, i, j, mode));
    let status = (*active)
        .and_then(|(i, j)| describe(matrix, &names, i, j))
        .unwrap_or_default();
    let labelled = mode == Mode::Labelled;
    let grid = html! {
        <div class={classes!("matrix-cells", if labelled { "labelled" } else { "compact" })}
            style={format!("width: {size}px; height: {size}px;")}
            role={if labelled { "grid" } else { "application" }} tabindex="0"
            aria-label={format!("Reachability from {n} sources (rows) to {n} destinations (columns); arrows to move, Enter to select the source")}
            aria-rowcount={n.to_string()} aria-colcount={n.to_string()}
            aria-activedescendant={(*active).filter(|_| labelled).map(|(i, j)| format!("matrix-cell-{i}-{j}"))}
            aria-describedby="matrix-status"
            onmousemove={on_move} onmouseleave={on_leave} onclick={on_click} onkeydown={on_key} onfocus={on_focus} onblur={on_blur}
            data-testid="matrix-grid">
            if labelled {
                <Cells matrix={matrix.clone()} names={Rc::new(names.clone())} />
            } else {
                <Paint matrix={matrix.clone()} cell={cell} />
            }
            if let Some(s) = selected { { band("selected", s, true) } }
            if let Some((i, j)) = **active {
                { band("hover", i, true) }
                { band("hover", j, false) }
            }
            { for tip }
        </div>
    };
    let heads = |row: bool| {
        let style = if row {
            format!(
                "grid-template-rows: repeat({n}, {cell}px); row-gap: {}px;",
                pitch - cell
            )
        } else {
            format!(
                "grid-template-columns: repeat({n}, {cell}px); column-gap: {}px;",
                pitch - cell
            )
        };
        html! {
            <div class={if row { "row-heads" } else { "col-heads" }} {style}>
                { for names.iter().enumerate().map(|(i, name)| {
                    let current = (*active).is_some_and(|(a, b)| if row { a == i } else { b == i });
                    let onclick = {
                        let select = select.clone();
                        Callback::from(move |_: MouseEvent| select(i))
                    };
                    html! {
                        <button type="button" class={classes!("head", current.then_some("current"), (selected == Some(i)).then_some("selected"))}
                            title={name.clone()} {onclick} tabindex="-1">
                            <span>{ name.clone() }</span>
                        </button>
                    }
                }) }
            </div>
        }
    };
    let layout = if labelled {
        html! {
            <div class="matrix labelled" style={format!("grid-template-columns: {ROW_HEAD}px max-content; grid-template-rows: {COL_HEAD}px max-content;")}>
                <div class="corner muted" aria-hidden="true"><span>{ "from ↓" }</span><span>{ "to →" }</span></div>
                { heads(false) }
                { heads(true) }
                { grid }
            </div>
        }
    } else {
        html! { <div class="matrix compact">{ grid }</div> }
    };
    html! {
        <>
            { render_totals(matrix) }
            <ul class="matrix-legend" aria-label="Legend">
                <li><span class="swatch cell allowed">{ symbol(Decision::Allowed) }</span>{ "Allowed" }</li>
                <li><span class="swatch cell denied">{ symbol(Decision::Denied) }</span>{ "Denied" }</li>
                <li><span class="swatch cell unreachable">{ symbol(Decision::Unreachable) }</span>{ "Unreachable" }</li>
                <li class="muted">{ if labelled { "Rows are sources, columns destinations; click a cell to select its source." } else { "Rows are sources, columns destinations; point at a cell for details, click to select its source." } }</li>
            </ul>
            <div class="matrix-scroll">{ layout }</div>
            <p id="matrix-status" class="visually-hidden" aria-live="polite">{ status }</p>
        </>
    }
}

/// One line about a cell, for screen readers.
fn describe(matrix: &Matrix, names: &[String], i: usize, j: usize) -> Option<String> {
    let cell = matrix.cells.get(i)?.get(j)?;
    let rule = cell.decided_by.as_ref().map_or_else(
        || "no rule decided".to_owned(),
        |r| format!("decided by {}", rule_name(r)),
    );
    Some(format!(
        "{} to {}: {}, {rule}",
        names.get(i)?,
        names.get(j)?,
        cell.verdict
    ))
}

fn render_tip(matrix: &Matrix, names: &[String], i: usize, j: usize, mode: Mode) -> Option<Html> {
    let cell = matrix.cells.get(i)?.get(j)?;
    let endpoint = |k: usize| {
        matrix
            .endpoints
            .get(k)
            .copied()
            .flatten()
            .map_or_else(|| "no endpoint".to_owned(), |ip| ip.to_string())
    };
    let n = matrix.vnets.len();
    let (pitch, size) = (mode.pitch(), mode.cell());
    let (col, row) = (i32::try_from(j).ok()?, i32::try_from(i).ok()?);
    // Beside the cell, on the side with more room.
    let (left, tx) = if j < n / 2 {
        (col * pitch + size + 8, "0")
    } else {
        (col * pitch - 8, "-100%")
    };
    let (top, ty) = if i < n / 2 {
        (row * pitch, "0")
    } else {
        (row * pitch + size, "-100%")
    };
    let style = format!("left: {left}px; top: {top}px; transform: translate({tx}, {ty});");
    Some(html! {
        <div class="matrix-tip" role="tooltip" {style} data-testid="matrix-tooltip">
            <div class="pair"><strong>{ names.get(i)?.clone() }</strong>{ " → " }<strong>{ names.get(j)?.clone() }</strong></div>
            <div class="endpoints"><code>{ endpoint(i) }</code>{ " → " }<code>{ endpoint(j) }</code>{ format!(" · {} {}", matrix.protocol, if matrix.protocol.has_ports() { matrix.port.to_string() } else { String::new() }) }</div>
            <div class={classes!("verdict-line", verdict_class(cell.verdict))}>{ format!("{} {}", symbol(cell.verdict), cell.verdict) }</div>
            <div class="rule">{
                match &cell.decided_by {
                    Some(rule) => html! { <>{ "Decided by " }<code>{ rule_name(rule) }</code></> },
                    None if cell.verdict == Decision::Unreachable => html! { "No path or no endpoint: no rule decided" },
                    None => html! { "No rule matched on the deciding side" },
                }
            }</div>
        </div>
    })
}

#[derive(Properties)]
struct CellsProps {
    matrix: Rc<Matrix>,
    names: Rc<Vec<String>>,
}

impl PartialEq for CellsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.matrix, &other.matrix) && self.names == other.names
    }
}

/// The labelled cells; drawn again only when the matrix changes.
#[component]
fn Cells(props: &CellsProps) -> Html {
    let matrix = &props.matrix;
    let n = matrix.vnets.len();
    let style = format!(
        "grid-template-columns: repeat({n}, {CELL}px); grid-auto-rows: {CELL}px; gap: {GAP}px;"
    );
    let name = |k: usize| props.names.get(k).map_or("", String::as_str);
    html! {
        <div class="cell-grid" {style}>
            { for matrix.cells.iter().enumerate().map(|(i, row)| html! {
                <div role="row" class="cell-row" key={i}>
                    { for row.iter().enumerate().map(|(j, cell)| html! {
                        <div role="gridcell" id={format!("matrix-cell-{i}-{j}")} class={classes!("cell", verdict_class(cell.verdict))}
                            aria-label={format!("{} to {}: {}", name(i), name(j), cell.verdict)}
                            data-testid={format!("matrix-cell-{i}-{j}")}>{ symbol(cell.verdict) }</div>
                    }) }
                </div>
            }) }
        </div>
    }
}

#[derive(Properties)]
struct PaintProps {
    matrix: Rc<Matrix>,
    cell: i32,
}

impl PartialEq for PaintProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.matrix, &other.matrix) && self.cell == other.cell
    }
}

/// The compact cells as three paths, runs of equal cells in a row merged; drawn again only when the matrix
/// changes.
#[component]
fn Paint(props: &PaintProps) -> Html {
    let c = props.cell;
    let matrix = &props.matrix;
    let mut paths = [String::new(), String::new(), String::new()];
    for (i, row) in matrix.cells.iter().enumerate() {
        let y = i32::try_from(i).unwrap_or(0) * c;
        let mut j = 0;
        while let Some(first) = row.get(j) {
            let run = row
                .iter()
                .skip(j)
                .take_while(|cell| cell.verdict == first.verdict)
                .count();
            let slot = match first.verdict {
                Decision::Allowed => paths.get_mut(0),
                Decision::Denied => paths.get_mut(1),
                Decision::Unreachable => paths.get_mut(2),
            };
            if let Some(path) = slot {
                let x = i32::try_from(j).unwrap_or(0) * c;
                let w = i32::try_from(run).unwrap_or(0) * c;
                path.push_str(&format!("M{x} {y}h{w}v{c}h-{w}z"));
            }
            j += run.max(1);
        }
    }
    let size = i32::try_from(matrix.vnets.len()).unwrap_or(0) * c;
    let [allowed, denied, unreachable] = paths;
    html! {
        <svg class="paint" width={size.to_string()} height={size.to_string()} viewBox={format!("0 0 {size} {size}")} aria-hidden="true">
            <defs>
                <pattern id="matrix-hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect class="hatch-bg" width="4" height="4" />
                    <rect class="hatch-line" width="1.6" height="4" />
                </pattern>
                <pattern id="matrix-dots" width="4" height="4" patternUnits="userSpaceOnUse">
                    <rect class="dots-bg" width="4" height="4" />
                    <rect class="dots-dot" x="1.5" y="1.5" width="1" height="1" />
                </pattern>
            </defs>
            <path class="allowed" d={allowed} />
            <path class="denied" d={denied} fill="url(#matrix-hatch)" />
            <path class="unreachable" d={unreachable} fill="url(#matrix-dots)" />
        </svg>
    }
}
