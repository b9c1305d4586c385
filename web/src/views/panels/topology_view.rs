//! The topology diagram: regions as zones, VNets as nodes, peerings as lines and connected groups as rings in
//! the colour of their configuration; drag to pan, wheel or buttons to zoom, click or Enter to select a VNet.
//!
//! Where everything goes is decided by `avnm_core::layout`; this panel draws it and keeps the view box.
//! Past `layout::AGGREGATE_LIMIT` VNets it draws `layout::overview` instead (a box per region, its hubs with
//! their spoke counts, the peerings between regions counted), and a region or a hub with its spokes on demand.
//! Pointer positions come from a transparent HTML surface under the drawing, inside a `foreignObject`: its
//! `offsetX`/`offsetY` are in the drawing's own units whatever the zoom, so no element size is needed.

use std::rc::Rc;

use avnm_core::Analysis;
use avnm_core::connectivity::{ConnectedGroup, Link, Origin};
use std::collections::BTreeSet;

use avnm_core::layout::{self, Kind, Layout, Node, Overview};
use avnm_core::model::{ConfigurationId, Location, Topology as Shape, Vnet, VnetId};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::Same;
use crate::platform;
use crate::state::{Action, Selection};

/// Room around the drawing when it is fitted to the panel.
const MARGIN: f64 = 24.0;
/// The smallest view box, so that a small design is not blown up.
const MIN_VIEW: (f64, f64) = (640.0, 420.0);
/// How much one zoom step or wheel notch scales.
const STEP: f64 = 1.25;
/// How far the view can be zoomed in and out, relative to the fitted view.
const ZOOM_RANGE: (f64, f64) = (1.0 / 16.0, 4.0);
/// Sub-unit precision of pointer positions: the surface is drawn this many times larger, then scaled down.
const PRECISION: f64 = 8.0;
/// Names longer than this are cut in labels (the tooltip has them whole).
const NAME_CHARS: usize = 22;

/// The part of the drawing in view, in drawing units.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ViewBox {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl ViewBox {
    /// The whole drawing, with a margin, at least [`MIN_VIEW`].
    fn fit(layout: &Layout) -> Self {
        Self::around(layout.width, layout.height)
    }

    /// A drawing of this size, with a margin, at least [`MIN_VIEW`].
    fn around(width: f64, height: f64) -> Self {
        let w = (width + 2.0 * MARGIN).max(MIN_VIEW.0);
        let h = (height + 2.0 * MARGIN).max(MIN_VIEW.1);
        ViewBox {
            x: (width - w) / 2.0,
            y: (height - h) / 2.0,
            w,
            h,
        }
    }

    /// Scaled by `k` around a point, within the zoom range of `fit`.
    fn zoom(self, k: f64, (cx, cy): (f64, f64), fit: ViewBox) -> Self {
        let w = (self.w * k).clamp(fit.w * ZOOM_RANGE.0, fit.w * ZOOM_RANGE.1);
        let k = w / self.w;
        ViewBox {
            x: cx - (cx - self.x) * k,
            y: cy - (cy - self.y) * k,
            w,
            h: self.h * k,
        }
    }

    fn centre(self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    fn moved(self, dx: f64, dy: f64) -> Self {
        ViewBox {
            x: self.x + dx,
            y: self.y + dy,
            ..self
        }
    }

    /// The pointer surface: three view boxes wide and tall, so that it also covers the letterbox bands.
    fn surface(self) -> ViewBox {
        ViewBox {
            x: self.x - self.w,
            y: self.y - self.h,
            w: 3.0 * self.w,
            h: 3.0 * self.h,
        }
    }

    fn attr(self) -> String {
        format!("{:.2} {:.2} {:.2} {:.2}", self.x, self.y, self.w, self.h)
    }
}

/// Where a pointer event on the surface happened, in drawing units.
fn pointer(view: ViewBox, e: &MouseEvent) -> (f64, f64) {
    let s = view.surface();
    (
        s.x + f64::from(e.offset_x()) / PRECISION,
        s.y + f64::from(e.offset_y()) / PRECISION,
    )
}

/// How much a wheel event zooms: a mouse notch (about 100 pixels, or 3 lines) is one [`STEP`], and the small
/// deltas of a touchpad zoom smoothly.
fn wheel_factor(e: &WheelEvent) -> f64 {
    let pixels = match e.delta_mode() {
        1 => e.delta_y() * 33.0,
        2 => e.delta_y() * 400.0,
        _ => e.delta_y(),
    };
    STEP.powf((pixels / 100.0).clamp(-1.0, 1.0))
}

/// What the diagram of a large design shows.
#[derive(Clone, Debug, PartialEq)]
enum Focus {
    /// The regions and hubs, with counts.
    Overview,
    /// The VNets of one region.
    Region(Location),
    /// A hub and its spokes.
    Hub(VnetId),
}

/// What is drawn: the VNets themselves, or the aggregated overview of a large design.
#[derive(Clone)]
enum Drawing {
    Nodes(Rc<Layout>),
    Overview(Rc<Overview>),
}

fn drawing(a: &Analysis, focus: &Focus, overview: Option<&Rc<Overview>>) -> Drawing {
    let (model, topology) = (&a.model, &a.topology);
    if model.vnets.len() <= layout::AGGREGATE_LIMIT {
        return Drawing::Nodes(Rc::new(layout::build(model, topology)));
    }
    match focus {
        Focus::Overview => Drawing::Overview(
            overview
                .cloned()
                .unwrap_or_else(|| Rc::new(layout::overview(model, topology))),
        ),
        Focus::Region(region) => Drawing::Nodes(Rc::new(layout::build_of(model, topology, |v| {
            &v.location == region
        }))),
        Focus::Hub(hub) => {
            let keep: BTreeSet<&VnetId> = layout::spokes_of(model, topology, hub)
                .into_iter()
                .chain([hub])
                .collect();
            Drawing::Nodes(Rc::new(layout::build_of(model, topology, |v| {
                keep.contains(&v.id)
            })))
        }
    }
}

/// The topology panel.
/// The overview of a design of more than [`layout::AGGREGATE_LIMIT`] VNets, made once per analysis and kept
/// ([`crate::components::kept`]): opening the panel again, or after [`make_ahead`], draws at once.
fn overview(analysis: &Rc<Analysis>) -> Option<Rc<layout::Overview>> {
    (analysis.model.vnets.len() > layout::AGGREGATE_LIMIT).then(|| {
        crate::components::kept("topology: overview", analysis, |a| {
            platform::timed("topology: overview", || {
                layout::overview(&a.model, &a.topology)
            })
        })
    })
}

/// Makes the overview of `analysis` ahead of the panel that shows it (the import or an edit of a large design, in
/// a task of its own).
pub fn make_ahead(analysis: &Rc<Analysis>) {
    overview(analysis);
}

#[component]
pub fn TopologyView() -> Html {
    let ctx = use_context::<Ctx>();
    let focus = use_state(|| Focus::Overview);
    let analysis = ctx.as_ref().map(|c| Same(c.analysis.clone()));
    // Kept while a region or a hub is open, so that going back to it is at once.
    // Kept for the analysis after the panel closes: opening it again draws at once.
    let overview = use_memo(analysis.clone(), |a| {
        a.as_ref().and_then(|a| overview(&a.0))
    });
    let drawn = use_memo((analysis, (*focus).clone()), |(a, focus)| {
        a.as_ref()
            .map(|a| drawing(&a.0, focus, overview.as_ref().as_ref()))
    });
    // `None` follows the drawing: fitted to it, whatever the design becomes.
    let view = use_state(|| None::<ViewBox>);
    let open = {
        let (focus, view) = (focus.clone(), view.clone());
        Callback::from(move |next: Focus| {
            view.set(None);
            focus.set(next);
        })
    };
    let layout = match (*drawn).clone() {
        Some(Drawing::Nodes(layout)) => Some(layout),
        Some(Drawing::Overview(overview)) => {
            return match &ctx {
                Some(ctx) => render_overview(&ctx.analysis, &overview, &open),
                None => html! {},
            };
        }
        None => None,
    };
    // Where the drag started, in drawing units, while the background is dragged.
    let grab = use_state(|| None::<(f64, f64)>);
    let on_select = use_callback(
        ctx.as_ref().map(|c| c.dispatch.clone()),
        |vnet: VnetId, dispatch| {
            if let Some(dispatch) = dispatch {
                dispatch.emit(Action::Select(Selection::Vnet(vnet)));
            }
        },
    );
    let (Some(ctx), Some(layout)) = (ctx, layout) else {
        return html! {};
    };
    let analysis = &ctx.analysis;
    let model = &analysis.model;
    if model.vnets.is_empty() {
        return html! {
            <div class="panel topology-panel"><p class="empty" data-testid="topology-empty">{ "No virtual networks" }</p></div>
        };
    }
    let topology = &analysis.topology;
    let fit = ViewBox::fit(&layout);
    let current = (*view).unwrap_or(fit);

    let zoom_by = |k: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(Some(current.zoom(k, current.centre(), fit))))
    };
    let reset = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(None))
    };
    let on_down = {
        let grab = grab.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 {
                e.prevent_default();
                grab.set(Some(pointer(current, &e)));
            }
        })
    };
    let on_move = {
        let (grab, view) = (grab.clone(), view.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((gx, gy)) = *grab else { return };
            if e.buttons() & 1 == 0 {
                grab.set(None);
                return;
            }
            // Keep the grabbed point under the pointer.
            let (px, py) = pointer(current, &e);
            view.set(Some(current.moved(gx - px, gy - py)));
        })
    };
    let on_release = {
        let grab = grab.clone();
        Callback::from(move |_: MouseEvent| grab.set(None))
    };
    let on_surface_wheel = {
        let view = view.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            e.stop_propagation();
            let k = wheel_factor(&e);
            view.set(Some(current.zoom(k, pointer(current, &e), fit)));
        })
    };
    // Over a node or a line the pointer position is not in drawing units: zoom around the centre.
    let on_wheel = {
        let view = view.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let k = wheel_factor(&e);
            view.set(Some(current.zoom(k, current.centre(), fit)));
        })
    };
    let on_key = {
        let view = view.clone();
        Callback::from(move |e: KeyboardEvent| {
            let (dx, dy) = (current.w / 10.0, current.h / 10.0);
            let next = match e.key().as_str() {
                "+" | "=" => Some(current.zoom(1.0 / STEP, current.centre(), fit)),
                "-" | "_" => Some(current.zoom(STEP, current.centre(), fit)),
                "ArrowLeft" => Some(current.moved(-dx, 0.0)),
                "ArrowRight" => Some(current.moved(dx, 0.0)),
                "ArrowUp" => Some(current.moved(0.0, -dy)),
                "ArrowDown" => Some(current.moved(0.0, dy)),
                "0" => {
                    e.prevent_default();
                    view.set(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            view.set(next);
        })
    };

    let selected = match &ctx.state.selection {
        Selection::Vnet(id) => Some(id.clone()),
        _ => None,
    };
    let surface = current.surface();
    let surface_style = format!(
        "width: {:.0}px; height: {:.0}px; transform: scale({}); transform-origin: 0 0;",
        surface.w * PRECISION,
        surface.h * PRECISION,
        1.0 / PRECISION
    );
    let nothing_deployed = topology.peerings.is_empty() && topology.connected_groups.is_empty();
    let back = (model.vnets.len() > layout::AGGREGATE_LIMIT).then(|| {
        let to_overview = open.reform(|_: MouseEvent| Focus::Overview);
        let what = match &*focus {
            Focus::Region(r) => format!("region {r}"),
            Focus::Hub(h) => format!("hub {} and its spokes", h.name()),
            Focus::Overview => String::new(),
        };
        html! {
            <nav class="topology-crumbs" aria-label="Diagram">
                <button class="link" onclick={to_overview} data-testid="topology-back">{ "All regions" }</button>
                <span class="muted">{ " › " }</span><strong>{ what }</strong>
            </nav>
        }
    });
    html! {
        <div class="panel topology-panel">
            { for back }
            <div class="topology-toolbar">
                <span class="muted" data-testid="topology-summary">{ summary(analysis, &layout) }</span>
                <span class="zoom-buttons" role="group" aria-label="Zoom">
                    <button type="button" onclick={zoom_by(1.0 / STEP)} aria-label="Zoom in" title="Zoom in (+)" data-testid="topology-zoom-in">{ "+" }</button>
                    <button type="button" onclick={zoom_by(STEP)} aria-label="Zoom out" title="Zoom out (−)" data-testid="topology-zoom-out">{ "−" }</button>
                    <button type="button" onclick={reset} title="Fit the diagram (0)" data-testid="topology-zoom-reset">{ "Reset" }</button>
                </span>
            </div>
            if nothing_deployed {
                <p class="empty" data-testid="topology-empty">
                    { "Nothing is deployed yet: commit configurations under Deployments (or press Deploy everything)" }
                </p>
            }
            <svg class={classes!("topology-svg", (!layout.labels).then_some("compact"), grab.is_some().then_some("panning"))}
                viewBox={current.attr()} preserveAspectRatio="xMidYMid meet" role="group" tabindex="0"
                style={format!("aspect-ratio: {:.0} / {:.0};", fit.w, fit.h)}
                aria-label="Topology diagram: drag to pan, wheel or + and − to zoom, arrows to move, 0 to fit"
                onwheel={on_wheel} onkeydown={on_key} data-testid="topology-svg">
                <foreignObject x={num(surface.x)} y={num(surface.y)} width={num(surface.w)} height={num(surface.h)}>
                    <div xmlns="http://www.w3.org/1999/xhtml" class="pan-surface" style={surface_style}
                        onmousedown={on_down} onmousemove={on_move} onmouseup={on_release.clone()} onmouseleave={on_release}
                        onwheel={on_surface_wheel}></div>
                </foreignObject>
                <Diagram analysis={analysis.clone()} layout={layout.clone()} selected={selected} on_select={on_select} />
            </svg>
            { legend(analysis, &layout) }
        </div>
    }
}

/// The aggregated diagram of a large design: a box per region with its hubs and their spoke counts, the
/// peerings between regions counted on the lines that join their boxes; a region or a hub opens on click.
fn render_overview(analysis: &Analysis, o: &Overview, open: &Callback<Focus>) -> Html {
    let fit = ViewBox::around(o.width, o.height);
    let vnets = analysis.model.vnets.len();
    let t = &analysis.topology;
    let centre = |i: usize| {
        o.regions.get(i).map(|r| {
            (
                r.zone.x + r.zone.width / 2.0,
                r.zone.y + r.zone.height / 2.0,
            )
        })
    };
    let activate = |focus: Focus| {
        let (click, key) = (focus.clone(), focus);
        (
            {
                let open = open.clone();
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    open.emit(click.clone());
                })
            },
            {
                let open = open.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        e.stop_propagation();
                        open.emit(key.clone());
                    }
                })
            },
        )
    };
    html! {
        <div class="panel topology-panel">
            <div class="topology-toolbar">
                <span class="muted" data-testid="topology-summary">
                    { format!("{} in {} · {} · {} · drawn by region past {} VNets: open a region or a hub to draw its VNets",
                        plural(vnets, "VNet", "VNets"), plural(o.regions.len(), "region", "regions"),
                        plural(t.peerings.len(), "peering", "peerings"),
                        plural(t.connected_groups.len(), "connected group", "connected groups"), layout::AGGREGATE_LIMIT) }
                </span>
            </div>
            <svg class="topology-svg overview" viewBox={fit.attr()} preserveAspectRatio="xMidYMid meet" role="group"
                style={format!("aspect-ratio: {:.0} / {:.0};", fit.w, fit.h)}
                aria-label="Topology by region: each region with its hubs and their spoke counts" data-testid="topology-overview">
                <g class="region-links">
                    { for o.links.iter().filter_map(|l| {
                        let (a, b) = (centre(l.regions[0])?, centre(l.regions[1])?);
                        let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                        Some(html! {
                            <g class="region-link">
                                <line x1={num(a.0)} y1={num(a.1)} x2={num(b.0)} y2={num(b.1)} />
                                <text x={num(mx)} y={num(my - 6.0)} text-anchor="middle">{ plural(l.peerings, "peering", "peerings") }</text>
                            </g>
                        })
                    }) }
                </g>
                { for o.regions.iter().map(|r| {
                    let z = &r.zone;
                    let (onclick, onkeydown) = activate(Focus::Region(z.region.clone()));
                    let counts = {
                        let mut parts = Vec::new();
                        if r.linked > 0 { parts.push(format!("{} other linked", r.linked)); }
                        if r.unlinked > 0 { parts.push(format!("{} not linked", r.unlinked)); }
                        if r.hubs.is_empty() && parts.is_empty() { parts.push("no hub".to_owned()); }
                        parts.join(" · ")
                    };
                    let groups = (r.groups > 0).then(|| plural(r.groups, "connected group", "connected groups"));
                    html! {
                        <g class="region-box" key={z.region.as_str().to_owned()} role="button" tabindex="0" {onclick} {onkeydown}
                            aria-label={format!("Region {}, {}: open", z.region, plural(z.vnets, "VNet", "VNets"))}
                            data-testid={format!("topology-region-{}", z.region)}>
                            <title>{ format!("Draw the {} of {}", plural(z.vnets, "VNet", "VNets"), z.region) }</title>
                            <rect x={num(z.x)} y={num(z.y)} width={num(z.width)} height={num(z.height)} rx="14" />
                            <text class="region-title" x={num(z.x + 16.0)} y={num(z.y + 27.0)}>
                                { z.region.to_string() }<tspan class="muted" dx="8">{ plural(z.vnets, "VNet", "VNets") }</tspan>
                            </text>
                            { for r.hubs.iter().map(|h| {
                                let (onclick, onkeydown) = activate(Focus::Hub(h.hub.clone()));
                                html! {
                                    <g class="hub-agg" role="button" tabindex="0" {onclick} {onkeydown}
                                        aria-label={format!("Hub {} with {}: open", h.hub.name(), plural(h.spokes, "spoke", "spokes"))}
                                        data-testid={format!("topology-hub-{}", h.hub.name())}>
                                        <title>{ format!("Draw {} and its {}", h.hub.name(), plural(h.spokes, "spoke", "spokes")) }</title>
                                        <circle class="halo" cx={num(h.x)} cy={num(h.y)} r={num(h.radius)} />
                                        <circle class="core" cx={num(h.x)} cy={num(h.y)} r="11" />
                                        <text class="name" x={num(h.x)} y={num(h.y + h.radius + 17.0)} text-anchor="middle">{ clip(h.hub.name()) }</text>
                                        <text class="spokes" x={num(h.x)} y={num(h.y + h.radius + 32.0)} text-anchor="middle">{ plural(h.spokes, "spoke", "spokes") }</text>
                                    </g>
                                }
                            }) }
                            <text class="region-footer" x={num(z.x + 16.0)} y={num(z.y + z.height - 34.0)}>{ counts }</text>
                            if let Some(g) = groups { <text class="region-footer" x={num(z.x + 16.0)} y={num(z.y + z.height - 16.0)}>{ g }</text> }
                        </g>
                    }
                }) }
            </svg>
            <p class="muted topology-hint">{ "Each circle is a hub, sized by its spoke count; a line between regions counts the peerings that cross them." }</p>
        </div>
    }
}

/// A number for an SVG attribute.
fn num(v: f64) -> String {
    format!("{v:.1}")
}

fn summary(analysis: &Analysis, layout: &Layout) -> String {
    let t = &analysis.topology;
    let mut parts = vec![
        format!(
            "{} in {}",
            plural(layout.nodes.len(), "VNet", "VNets"),
            plural(layout.zones.len(), "region", "regions")
        ),
        plural(t.peerings.len(), "peering", "peerings"),
        plural(
            t.connected_groups.len(),
            "connected group",
            "connected groups",
        ),
    ];
    if !t.inactive_peerings.is_empty() {
        parts.push(plural(
            t.inactive_peerings.len(),
            "inactive manual peering",
            "inactive manual peerings",
        ));
    }
    if !layout.labels {
        parts.push(format!("labels hidden past {} VNets", layout::LABEL_LIMIT));
    }
    parts.join(" · ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The configurations that appear in the drawing, in id order.
fn shown_configurations(analysis: &Analysis) -> Vec<&ConfigurationId> {
    let t = &analysis.topology;
    let mut ids: Vec<&ConfigurationId> = t
        .peerings
        .iter()
        .flat_map(|l| l.configurations.iter())
        .chain(t.connected_groups.iter().map(|g| &g.configuration_id))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn colour_class(layout: &Layout, config: &ConfigurationId) -> String {
    format!("cfg-{}", layout.colour(config))
}

fn legend(analysis: &Analysis, layout: &Layout) -> Html {
    let configs = shown_configurations(analysis);
    let t = &analysis.topology;
    let line = |class: String| {
        html! { <svg class="swatch" viewBox="0 0 28 10" aria-hidden="true"><line class={class} x1="1" y1="5" x2="27" y2="5" /></svg> }
    };
    let node = |class: &'static str, r: f64| {
        html! { <svg class="swatch node-swatch" viewBox="0 0 28 28" aria-hidden="true"><g class={classes!("node", class)}><circle class="dot" cx="14" cy="14" r={num(r)} /></g></svg> }
    };
    html! {
        <div class="topology-legend" data-testid="topology-legend">
            <ul class="legend-items">
                <li>{ node("hub", 11.0) }{ "Hub" }</li>
                <li>{ node("spoke", 7.0) }{ "VNet" }</li>
                <li>{ node("unlinked", 7.0) }{ "Not linked" }</li>
                <li>{ line("peering manual".to_owned()) }{ "Manual peering" }</li>
                <li>{ line("peering inactive".to_owned()) }{ "Inactive manual peering" }</li>
                <li>
                    <svg class="swatch ring-swatch" viewBox="0 0 28 28" aria-hidden="true">
                        <g class="node spoke"><circle class="dot" cx="14" cy="14" r="6" /></g>
                        <g class="group cfg-0"><circle class="ring" cx="14" cy="14" r="9" /></g>
                        <g class="group cfg-1"><circle class="ring" cx="14" cy="14" r="12.5" /></g>
                    </svg>
                    { "Connected group: a ring around each member, in its configuration's colour" }
                </li>
            </ul>
            if !configs.is_empty() {
                <ul class="legend-items configurations">
                    { for configs.iter().map(|id| {
                        let kind = match analysis.model.connectivity_configs.get(*id).map(|c| c.topology) {
                            Some(Shape::HubAndSpoke) => "hub and spoke",
                            Some(Shape::Mesh) => "mesh",
                            None => "configuration",
                        };
                        let colour = colour_class(layout, id);
                        let peers = t.peerings.iter().any(|l| l.origin == Origin::Configuration((*id).clone()));
                        let groups = t.connected_groups.iter().filter(|g| &g.configuration_id == *id).count();
                        let mut detail = vec![kind.to_owned()];
                        if groups > 0 {
                            detail.push(plural(groups, "connected group", "connected groups"));
                        }
                        html! {
                            <li key={id.as_str()} title={id.to_string()}>
                                if peers { { line(format!("peering {colour}")) } }
                                if groups > 0 {
                                    <svg class="swatch ring-swatch" viewBox="0 0 28 28" aria-hidden="true">
                                        <g class="node spoke"><circle class="dot" cx="14" cy="14" r="6" /></g>
                                        <g class={classes!("group", colour.clone())}><circle class="ring" cx="14" cy="14" r="10" /></g>
                                    </svg>
                                }
                                <span class="config-name">{ id.name() }</span>
                                <span class="muted">{ format!(" {}", detail.join(", ")) }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}

#[derive(Properties)]
struct DiagramProps {
    analysis: Rc<Analysis>,
    layout: Rc<Layout>,
    selected: Option<VnetId>,
    on_select: Callback<VnetId>,
}

impl PartialEq for DiagramProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && Rc::ptr_eq(&self.layout, &other.layout)
            && self.selected == other.selected
            && self.on_select == other.on_select
    }
}

/// The drawing itself; it is drawn again only when the design or the selection changes, not while panning.
#[component]
fn Diagram(props: &DiagramProps) -> Html {
    let DiagramProps {
        analysis,
        layout,
        selected,
        on_select,
    } = props;
    let topology = &analysis.topology;
    let touches = |vnets: &[VnetId; 2]| selected.as_ref().is_some_and(|s| vnets.contains(s));
    let line_between = |a: &VnetId, b: &VnetId| Some((layout.node(a)?, layout.node(b)?));
    let dim = selected.as_ref().is_some_and(|s| layout.node(s).is_some());
    let zone_font = if layout.labels { 14.0 } else { 24.0 };
    html! {
        <g class="diagram">
            <g class="zones">
                { for layout.zones.iter().map(|z| html! {
                    <g class="zone" key={z.region.as_str().to_owned()}>
                        <rect x={num(z.x)} y={num(z.y)} width={num(z.width)} height={num(z.height)} rx="14" />
                        <text x={num(z.x + 14.0)} y={num(z.y + 10.0 + zone_font)} font-size={num(zone_font)}>
                            { format!("{} · {}", z.region, plural(z.vnets, "VNet", "VNets")) }
                        </text>
                    </g>
                }) }
            </g>
            <g class="inactive-peerings">
                { for topology.inactive_peerings.iter().filter_map(|p| {
                    let (a, b) = line_between(&p.vnets[0], &p.vnets[1])?;
                    Some(html! {
                        <line class="peering inactive" x1={num(a.x)} y1={num(a.y)} x2={num(b.x)} y2={num(b.y)}
                            data-testid="topology-inactive-peering">
                            <title>{ format!("{} ↔ {}: inactive, {}", p.vnets[0].name(), p.vnets[1].name(), p.reason) }</title>
                        </line>
                    })
                }) }
            </g>
            <g class="peerings">
                { for topology.peerings.iter().filter_map(|link| {
                    let (a, b) = line_between(&link.vnets[0], &link.vnets[1])?;
                    let class = match &link.origin {
                        Origin::Existing => "manual".to_owned(),
                        Origin::Configuration(id) => colour_class(layout, id),
                    };
                    let emphasis = if touches(&link.vnets) { Some("active") } else if dim { Some("faded") } else { None };
                    Some(html! {
                        <line class={classes!("peering", class, emphasis)} x1={num(a.x)} y1={num(a.y)} x2={num(b.x)} y2={num(b.y)}
                            data-testid="topology-peering">
                            <title>{ link_title(link) }</title>
                        </line>
                    })
                }) }
            </g>
            <g class="nodes">
                { for layout.nodes.iter().filter_map(|node| {
                    let vnet = analysis.model.vnets.get(&node.vnet)?;
                    let is_selected = selected.as_ref() == Some(&node.vnet);
                    Some(render_node(node, vnet, analysis, layout.labels, is_selected, on_select))
                }) }
            </g>
            <g class="groups">
                { for layout.groups.iter().zip(&topology.connected_groups).map(|(rings, group)| {
                    let active = selected.as_ref().is_some_and(|s| group.vnets.contains(s));
                    html! {
                        <g class={classes!("group", colour_class(layout, &group.configuration_id), active.then_some("active"))}
                            data-testid="topology-group">
                            <title>{ group_title(group) }</title>
                            { for rings.iter().filter_map(|ring| {
                                let n = layout.nodes.get(ring.node)?;
                                Some(html! { <circle class="ring" cx={num(n.x)} cy={num(n.y)} r={num(ring.radius)} /> })
                            }) }
                        </g>
                    }
                }) }
            </g>
        </g>
    }
}

fn link_title(link: &Link) -> String {
    let [a, b] = &link.vnets;
    let origin = match &link.origin {
        Origin::Existing => "manual peering".to_owned(),
        Origin::Configuration(id) => format!("peered by {}", id.name()),
    };
    let others: Vec<&str> = link
        .configurations
        .iter()
        .filter(|c| !matches!(&link.origin, Origin::Configuration(o) if o == *c))
        .map(|c| c.name())
        .collect();
    if others.is_empty() {
        format!("{} ↔ {}: {origin}", a.name(), b.name())
    } else {
        format!(
            "{} ↔ {}: {origin}, also asked for by {}",
            a.name(),
            b.name(),
            others.join(", ")
        )
    }
}

fn group_title(group: &ConnectedGroup) -> String {
    let scope = group
        .region
        .as_ref()
        .map_or_else(|| "global".to_owned(), |r| r.to_string());
    let mut text = format!(
        "Connected group of {} ({scope}): {}",
        group.configuration_id.name(),
        plural(group.vnets.len(), "VNet", "VNets")
    );
    if !group.dropped.is_empty() {
        let dropped: Vec<String> = group.dropped.iter().map(ToString::to_string).collect();
        text.push_str(&format!(
            "; overlapping ranges dropped: {}",
            dropped.join(", ")
        ));
    }
    text
}

fn clip(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        name.to_owned()
    } else {
        let mut short: String = name.chars().take(NAME_CHARS - 1).collect();
        short.push('…');
        short
    }
}

fn address_label(vnet: &Vnet) -> String {
    match vnet.address_space.as_slice() {
        [] => "no address space".to_owned(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} +{}", rest.len()),
    }
}

fn node_title(vnet: &Vnet, node: &Node, analysis: &Analysis) -> String {
    let t = &analysis.topology;
    let space: Vec<String> = vnet.address_space.iter().map(ToString::to_string).collect();
    let mut lines = vec![
        vnet.name.clone(),
        if space.is_empty() {
            "no address space".to_owned()
        } else {
            space.join(", ")
        },
        format!("Region: {}", vnet.location),
    ];
    if node.kind == Kind::Hub {
        let of: Vec<&str> = analysis
            .model
            .connectivity_configs
            .values()
            .filter(|c| c.hubs.contains(&vnet.id))
            .map(|c| c.id.name())
            .collect();
        lines.push(format!("Hub of {}", of.join(", ")));
    }
    let groups: Vec<String> = t
        .groups_of(&vnet.id)
        .map(|g| {
            let scope = g
                .region
                .as_ref()
                .map_or_else(|| "global".to_owned(), |r| r.to_string());
            format!("{} ({scope})", g.configuration_id.name())
        })
        .collect();
    if groups.is_empty() {
        lines.push("Connected groups: none".to_owned());
    } else {
        lines.push(format!("Connected groups: {}", groups.join(", ")));
    }
    lines.push(plural(t.peers_of(&vnet.id).count(), "peering", "peerings"));
    lines.join("\n")
}

fn render_node(
    node: &Node,
    vnet: &Vnet,
    analysis: &Analysis,
    labels: bool,
    selected: bool,
    on_select: &Callback<VnetId>,
) -> Html {
    let kind = match node.kind {
        Kind::Hub => "hub",
        Kind::Spoke => "spoke",
        Kind::Linked => "linked",
        Kind::Unlinked => "unlinked",
    };
    let onclick = {
        let (on_select, id) = (on_select.clone(), node.vnet.clone());
        Callback::from(move |_: MouseEvent| on_select.emit(id.clone()))
    };
    let onkeydown = {
        let (on_select, id) = (on_select.clone(), node.vnet.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                on_select.emit(id.clone());
            }
        })
    };
    // Below the circle and its connected-group rings.
    let name_y = node.y + node.radius + if labels { 21.0 } else { 0.0 };
    html! {
        <g class={classes!("node", kind, selected.then_some("selected"))} key={node.vnet.as_str()}
            tabindex="0" role="button" aria-pressed={selected.to_string()}
            aria-label={format!("{}, {}, {}", vnet.name, address_label(vnet), vnet.location)}
            data-testid={format!("topology-node-{}", vnet.name)} {onclick} {onkeydown}>
            <title>{ node_title(vnet, node, analysis) }</title>
            if labels {
                // The circle, its rings and its labels, inside the footprint: no gap between circle and name.
                <rect class="hit" x={num(node.x - node.half_width)} y={num(node.y - node.radius - 10.0)}
                    width={num(2.0 * node.half_width)} height={num(2.0 * node.radius + 10.0 + 38.0)} />
            }
            <circle class="dot" cx={num(node.x)} cy={num(node.y)} r={num(node.radius)} />
            if node.kind == Kind::Hub {
                <circle class="hub-core" cx={num(node.x)} cy={num(node.y)} r={num(node.radius * 0.45)} />
            }
            if labels {
                <text class="name" x={num(node.x)} y={num(name_y)} text-anchor="middle">{ clip(&vnet.name) }</text>
                <text class="address" x={num(node.x)} y={num(name_y + 13.0)} text-anchor="middle">{ address_label(vnet) }</text>
            }
        </g>
    }
}
