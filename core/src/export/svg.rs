//! The topology as a standalone SVG picture, drawn from [`crate::layout`] as the playground's topology view
//! draws it: regions as zones, peerings as lines in the colour of their configuration (manual ones dashed,
//! inactive ones dotted), VNets as circles with their name and address space, hubs filled, and a ring around
//! each member of a connected group.
//! The colours are the playground's light theme, written into the file so that it looks the same anywhere.

use std::fmt::Write as _;

use crate::analysis::Analysis;
use crate::connectivity::Origin;
use crate::layout::{self, Kind};
use crate::model::Vnet;
use crate::scenario::Scenario;

/// One colour per configuration (`layout::PALETTE` of them), as in the playground.
const PALETTE: [&str; layout::PALETTE] = [
    "#1967d2", "#00897b", "#8e24aa", "#e37400", "#c2185b", "#558b2f", "#795548", "#3949ab",
];
const MARGIN: f64 = 24.0;
/// Names longer than this are cut in labels (the tooltip has them whole).
const NAME_CHARS: usize = 22;

const STYLE: &str = "
    .zone rect { fill: #f3f5f8; stroke: #cfd6de; stroke-width: 1.5; }
    .zone text { fill: #5b6470; font-weight: 650; letter-spacing: .02em; }
    .peering { stroke-width: 2.2; stroke-linecap: round; fill: none; }
    .peering.manual { stroke: #1b1f24; stroke-dasharray: 7 5; opacity: .7; }
    .peering.inactive { stroke: #5b6470; stroke-width: 1.6; stroke-dasharray: 1 5; opacity: .55; }
    .node .dot { fill: #ffffff; stroke: #1b1f24; stroke-width: 1.8; }
    .node.hub .dot { fill: #0b62c4; stroke: #0b62c4; stroke-width: 3; }
    .node.hub .hub-core { fill: #ffffff; }
    .node.unlinked .dot { fill: #f0f2f5; stroke: #5b6470; stroke-dasharray: 3 2; }
    .node .name { fill: #1b1f24; font-size: 12px; font-weight: 600; }
    .node .address { fill: #5b6470; font-size: 11px; }
    .group .ring { fill: none; stroke-width: 3; }
    .compact .peering { stroke-width: 1; }
    .compact .node .dot { stroke-width: 1; }
    .compact .group .ring { stroke-width: 1.4; }
";

/// The topology of a design as an SVG document.
///
/// ```
/// use avnm_core::{Scenario, analyze, export};
/// let scenario = Scenario::parse(r#"{"resources": [{
///     "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
///     "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
///     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#).unwrap();
/// let svg = export::topology_svg(&scenario, &analyze(&scenario));
/// assert!(svg.starts_with("<svg") && svg.contains(">v</text>"));
/// ```
pub fn topology_svg(scenario: &Scenario, analysis: &Analysis) -> String {
    let model = &analysis.model;
    let topology = &analysis.topology;
    let diagram = layout::build(model, topology);
    let width = diagram.width + 2.0 * MARGIN;
    let height = diagram.height + 2.0 * MARGIN;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{} {} {} {}\" width=\"{}\" height=\"{}\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\"{}>\n",
        num(-MARGIN),
        num(-MARGIN),
        num(width),
        num(height),
        num(width),
        num(height),
        if diagram.labels {
            ""
        } else {
            " class=\"compact\""
        }
    );
    let title = scenario
        .member("title")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("Topology");
    let _ = writeln!(out, "<title>{}</title>", xml(title));
    let _ = writeln!(out, "<style>{STYLE}</style>");
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        num(-MARGIN),
        num(-MARGIN),
        num(width),
        num(height)
    );
    let zone_font = if diagram.labels { 14.0 } else { 24.0 };

    out.push_str("<g class=\"zones\">\n");
    for z in &diagram.zones {
        let _ = writeln!(
            out,
            "<g class=\"zone\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"14\"/><text x=\"{}\" y=\"{}\" font-size=\"{}\">{} · {}</text></g>",
            num(z.x),
            num(z.y),
            num(z.width),
            num(z.height),
            num(z.x + 14.0),
            num(z.y + 10.0 + zone_font),
            num(zone_font),
            xml(z.region.as_str()),
            plural(z.vnets, "VNet", "VNets")
        );
    }
    out.push_str("</g>\n<g class=\"inactive-peerings\">\n");
    for p in &topology.inactive_peerings {
        let [a, b] = &p.vnets;
        if let (Some(na), Some(nb)) = (diagram.node(a), diagram.node(b)) {
            let _ = writeln!(
                out,
                "<line class=\"peering inactive\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>{} ↔ {}: inactive, {}</title></line>",
                num(na.x),
                num(na.y),
                num(nb.x),
                num(nb.y),
                xml(a.name()),
                xml(b.name()),
                xml(&p.reason)
            );
        }
    }
    out.push_str("</g>\n<g class=\"peerings\">\n");
    for link in &topology.peerings {
        let [a, b] = &link.vnets;
        let (Some(na), Some(nb)) = (diagram.node(a), diagram.node(b)) else {
            continue;
        };
        let (class, stroke, origin) = match &link.origin {
            Origin::Existing => ("peering manual", String::new(), "manual peering".to_owned()),
            Origin::Configuration(id) => (
                "peering",
                format!(" stroke=\"{}\"", colour(diagram.colour(id))),
                format!("peered by {}", id.name()),
            ),
        };
        let _ = writeln!(
            out,
            "<line class=\"{class}\"{stroke} x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>{} ↔ {}: {}</title></line>",
            num(na.x),
            num(na.y),
            num(nb.x),
            num(nb.y),
            xml(a.name()),
            xml(b.name()),
            xml(&origin)
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for node in &diagram.nodes {
        let Some(vnet) = model.vnets.get(&node.vnet) else {
            continue;
        };
        let kind = match node.kind {
            Kind::Hub => "hub",
            Kind::Spoke => "spoke",
            Kind::Linked => "linked",
            Kind::Unlinked => "unlinked",
        };
        let _ = write!(
            out,
            "<g class=\"node {kind}\"><title>{}</title><circle class=\"dot\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
            xml(&format!(
                "{}\n{}\nRegion: {}",
                vnet.name,
                addresses(vnet),
                vnet.location
            )),
            num(node.x),
            num(node.y),
            num(node.radius)
        );
        if node.kind == Kind::Hub {
            let _ = write!(
                out,
                "<circle class=\"hub-core\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                num(node.x),
                num(node.y),
                num(node.radius * 0.45)
            );
        }
        if diagram.labels {
            let name_y = node.y + node.radius + 21.0;
            let _ = write!(
                out,
                "<text class=\"name\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><text class=\"address\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(node.x),
                num(name_y),
                xml(&clip(&vnet.name)),
                num(node.x),
                num(name_y + 13.0),
                xml(&address_label(vnet))
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"groups\">\n");
    for (rings, group) in diagram.groups.iter().zip(&topology.connected_groups) {
        let scope = group
            .region
            .as_ref()
            .map_or_else(|| "global".to_owned(), |r| r.to_string());
        let _ = write!(
            out,
            "<g class=\"group\" stroke=\"{}\"><title>Connected group of {} ({scope}): {}</title>",
            colour(diagram.colour(&group.configuration_id)),
            xml(group.configuration_id.name()),
            plural(group.vnets.len(), "VNet", "VNets")
        );
        for ring in rings {
            if let Some(n) = diagram.nodes.get(ring.node) {
                let _ = write!(
                    out,
                    "<circle class=\"ring\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                    num(n.x),
                    num(n.y),
                    num(ring.radius)
                );
            }
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn colour(i: usize) -> &'static str {
    PALETTE
        .get(i % layout::PALETTE)
        .copied()
        .unwrap_or("#1967d2")
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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

fn addresses(vnet: &Vnet) -> String {
    if vnet.address_space.is_empty() {
        return "no address space".to_owned();
    }
    let all: Vec<String> = vnet.address_space.iter().map(ToString::to_string).collect();
    all.join(", ")
}

/// Text for XML content and attribute values.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
