//! Geometry of the topology diagram: where each region, VNet and connected-group ring is drawn.
//!
//! [`build`] places the VNets of a design, and the front end only draws what it is given.
//! Each region is a zone, and zones sit side by side, largest region first, wrapping into rows at the width
//! that makes the whole diagram a little wider than it is tall.
//! Inside a zone, each hub of a deployed hub-and-spoke configuration is in the middle of its spokes in that
//! region: one ring of spokes around it, or concentric rings when there are many.
//! Then come the other linked VNets (mesh members, manual peerings, spokes of a hub in another region) in a
//! grid, and last, in a grid at the bottom of the zone, the VNets that nothing links.
//!
//! Every node has a footprint: a box around its centre that holds the circle, its connected-group rings and
//! its two label lines.
//! No two footprints overlap, and each footprint is inside its zone.
//! Past [`LABEL_LIMIT`] VNets the nodes are drawn small and without labels, so the footprints shrink too.
//! Past [`AGGREGATE_LIMIT`] VNets a front end draws the [`overview`] instead (a box per region with its hubs and
//! their spoke counts) and, on demand, one region or one hub with its spokes through [`build_of`].
//!
//! The layout depends only on the model and the topology, and both iterate in id order, so the same design
//! always gives the same picture.
//! Coordinates are in diagram units (one CSS pixel at zoom 1), with `y` pointing down.

use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::{PI, TAU};

use crate::connectivity::Topology;
use crate::model::{ConfigurationId, Location, Model, Topology as Shape, Vnet, VnetId};

mod overview;

pub use overview::{HubBox, Overview, RegionBox, RegionLink, overview, spokes_of};

/// Past this many VNets, nodes are drawn small and without labels.
pub const LABEL_LIMIT: usize = 200;

/// Past this many VNets, the diagram is drawn aggregated ([`overview`]): regions, and hubs with their spoke counts.
pub const AGGREGATE_LIMIT: usize = 300;

/// How many distinct colours configurations are given; the colour of a configuration is its position among
/// the design's connectivity configurations, modulo this.
pub const PALETTE: usize = 8;

/// The diagram of a design.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Width of the whole diagram.
    pub width: f64,
    /// Height of the whole diagram.
    pub height: f64,
    /// Whether nodes are drawn with their name and address space (at most [`LABEL_LIMIT`] VNets).
    pub labels: bool,
    /// One zone per region, the regions with the most VNets first, then by name.
    pub zones: Vec<Zone>,
    /// One node per VNet.
    pub nodes: Vec<Node>,
    /// For each connected group of the topology, in the same order, the ring drawn around each member.
    pub groups: Vec<Vec<Ring>>,
    colours: BTreeMap<ConfigurationId, usize>,
    index: BTreeMap<VnetId, usize>,
}

/// A region, drawn as a rounded rectangle holding its VNets.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// The region.
    pub region: Location,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// How many VNets the region has.
    pub vnets: usize,
}

/// A VNet, drawn as a circle with its labels below.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The VNet.
    pub vnet: VnetId,
    /// Centre, horizontally.
    pub x: f64,
    /// Centre, vertically.
    pub y: f64,
    /// Radius of the circle.
    pub radius: f64,
    /// Where the VNet stands in the topology.
    pub kind: Kind,
    /// Index of its zone in [`Layout::zones`].
    pub zone: usize,
    /// Half the width of its footprint.
    pub half_width: f64,
    /// Half the height of its footprint.
    pub half_height: f64,
}

/// Where a VNet stands in the topology, which decides where and how it is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The hub of a deployed hub-and-spoke configuration.
    Hub,
    /// A spoke peered with a hub of its region.
    Spoke,
    /// Linked by a peering or a connected group, but not to a hub of its region.
    Linked,
    /// Neither peered nor in a connected group.
    Unlinked,
}

/// The ring drawn around a member of a connected group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ring {
    /// Index of the member in [`Layout::nodes`].
    pub node: usize,
    /// Radius of the ring.
    pub radius: f64,
}

impl Layout {
    /// The node of a VNet.
    pub fn node(&self, vnet: &VnetId) -> Option<&Node> {
        self.index.get(vnet).and_then(|&i| self.nodes.get(i))
    }

    /// The index of a VNet's node in [`Layout::nodes`].
    pub fn position(&self, vnet: &VnetId) -> Option<usize> {
        self.index.get(vnet).copied()
    }

    /// The colour of a configuration, from `0` to [`PALETTE`] - 1.
    pub fn colour(&self, config: &ConfigurationId) -> usize {
        self.colours.get(config).copied().unwrap_or(0)
    }
}

/// Sizes that depend on whether labels are drawn.
#[derive(Clone, Copy, Debug)]
struct Metrics {
    radius: f64,
    hub_radius: f64,
    /// Half the footprint of a node that is not a hub.
    half: (f64, f64),
    /// Half the footprint of a hub.
    hub_half: (f64, f64),
    /// Room kept between two footprints.
    margin: f64,
    /// Distance from a circle to its first connected-group ring, and between rings.
    ring_step: f64,
    /// Padding inside a zone.
    pad: f64,
    /// Height of a zone's title.
    title: f64,
    /// Space between zones and between the blocks of a zone.
    gap: f64,
}

const LABELLED: Metrics = Metrics {
    radius: 14.0,
    hub_radius: 22.0,
    half: (76.0, 52.0),
    hub_half: (76.0, 62.0),
    margin: 8.0,
    ring_step: 4.0,
    pad: 16.0,
    title: 34.0,
    gap: 28.0,
};

const COMPACT: Metrics = Metrics {
    radius: 5.0,
    hub_radius: 9.0,
    half: (12.0, 12.0),
    hub_half: (16.0, 16.0),
    margin: 2.0,
    ring_step: 2.5,
    pad: 16.0,
    title: 34.0,
    gap: 28.0,
};

impl Metrics {
    fn half(&self, kind: Kind) -> (f64, f64) {
        if kind == Kind::Hub {
            self.hub_half
        } else {
            self.half
        }
    }

    /// The grid cell of a node that is not a hub.
    fn cell(&self) -> (f64, f64) {
        (
            2.0 * self.half.0 + self.margin,
            2.0 * self.half.1 + self.margin,
        )
    }

    /// Distance between two centres that keeps footprints of these half sizes apart in every direction.
    fn clearance(&self, a: (f64, f64), b: (f64, f64)) -> f64 {
        (a.0 + b.0 + self.margin).hypot(a.1 + b.1 + self.margin)
    }
}

/// The ratio of width to height that the zone rows aim for: about the shape of the results panel.
const ASPECT: f64 = 1.2;

/// Places the VNets of a design.
///
/// ```
/// use avnm_core::{Scenario, analyze, layout};
/// let scenario = Scenario::parse(r#"{"resources": [{
///     "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
///     "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
///     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#).unwrap();
/// let analysis = analyze(&scenario);
/// let diagram = layout::build(&analysis.model, &analysis.topology);
/// assert_eq!(diagram.zones.len(), 1);
/// assert_eq!(diagram.nodes[0].kind, layout::Kind::Unlinked);
/// ```
pub fn build(model: &Model, topology: &Topology) -> Layout {
    build_of(model, topology, |_| true)
}

/// Places the VNets of a design that `keep` chooses, as [`build`] places a whole design: a region, or a hub
/// and its spokes, opened from the [`overview`] of a large design.
///
/// The other VNets have no node; a connected group's rings are only those around chosen members.
pub fn build_of(model: &Model, topology: &Topology, keep: impl Fn(&Vnet) -> bool) -> Layout {
    let chosen: Vec<&Vnet> = model.vnets.values().filter(|v| keep(v)).collect();
    let labels = chosen.len() <= LABEL_LIMIT;
    let m = if labels { LABELLED } else { COMPACT };
    let hubs = hubs(model, topology);

    let mut regions: BTreeMap<&Location, Vec<&Vnet>> = BTreeMap::new();
    for vnet in chosen {
        regions.entry(&vnet.location).or_default().push(vnet);
    }
    // Largest regions first, so that zones of a row are alike in size; then by name.
    let mut regions: Vec<(&Location, Vec<&Vnet>)> = regions.into_iter().collect();
    regions.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
    let drafts: Vec<Draft> = regions
        .iter()
        .map(|(region, vnets)| zone(&m, region, vnets, &hubs, topology))
        .collect();

    // Zones in rows, wrapping at the width that makes the diagram's shape closest to ASPECT.
    let sizes: Vec<(f64, f64)> = drafts.iter().map(|d| (d.width, d.height)).collect();
    let mut best: Option<(f64, Rows)> = None;
    let mut limit = 0.0;
    for (w, _) in &sizes {
        limit += w + if limit > 0.0 { m.gap } else { 0.0 };
        let rows = wrap(&sizes, limit, m.gap);
        let miss = ((rows.width / rows.height.max(1.0)) / ASPECT).ln().abs();
        if best.as_ref().is_none_or(|b| miss < b.0) {
            best = Some((miss, rows));
        }
    }
    let Rows {
        corners,
        width,
        height,
    } = best.map(|b| b.1).unwrap_or_default();
    let mut zones = Vec::with_capacity(drafts.len());
    let mut nodes = Vec::with_capacity(model.vnets.len());
    for (draft, (x, y)) in drafts.into_iter().zip(corners) {
        let z = zones.len();
        for (vnet, kind, nx, ny) in draft.nodes {
            let (half_width, half_height) = m.half(kind);
            nodes.push(Node {
                vnet,
                x: x + nx,
                y: y + ny,
                radius: if kind == Kind::Hub {
                    m.hub_radius
                } else {
                    m.radius
                },
                kind,
                zone: z,
                half_width,
                half_height,
            });
        }
        zones.push(Zone {
            region: draft.region,
            x,
            y,
            width: draft.width,
            height: draft.height,
            vnets: draft.vnets,
        });
    }

    let index: BTreeMap<VnetId, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.vnet.clone(), i))
        .collect();
    let mut rings_of: BTreeMap<usize, usize> = BTreeMap::new();
    let groups = topology
        .connected_groups
        .iter()
        .map(|group| {
            group
                .vnets
                .iter()
                .filter_map(|vnet| {
                    let i = *index.get(vnet)?;
                    let node = nodes.get(i)?;
                    let k = rings_of.entry(i).or_insert(0);
                    let radius = node.radius + m.ring_step * (*k as f64 + 1.0);
                    *k += 1;
                    Some(Ring { node: i, radius })
                })
                .collect()
        })
        .collect();
    let colours = model
        .connectivity_configs
        .keys()
        .enumerate()
        .map(|(i, id)| (id.clone(), i % PALETTE))
        .collect();
    Layout {
        width,
        height,
        labels,
        zones,
        nodes,
        groups,
        colours,
        index,
    }
}

/// Boxes placed in rows.
#[derive(Debug, Default)]
struct Rows {
    /// Top-left corner of each box.
    corners: Vec<(f64, f64)>,
    /// Width of the widest row.
    width: f64,
    /// Height of all rows.
    height: f64,
}

/// Top-left corners of boxes placed in rows that wrap before `limit`, with the width and height they take.
fn wrap(sizes: &[(f64, f64)], limit: f64, gap: f64) -> Rows {
    let mut corners = Vec::with_capacity(sizes.len());
    let (mut x, mut y, mut row_height, mut width) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for (w, h) in sizes {
        if x > 0.0 && x + w > limit {
            x = 0.0;
            y += row_height + gap;
            row_height = 0.0;
        }
        corners.push((x, y));
        width = width.max(x + w);
        row_height = row_height.max(*h);
        x += w + gap;
    }
    Rows {
        corners,
        width,
        height: y + row_height,
    }
}

/// The VNets drawn as hubs: hubs of hub-and-spoke configurations that have made at least one peering.
fn hubs(model: &Model, topology: &Topology) -> BTreeSet<VnetId> {
    let mut out = BTreeSet::new();
    for config in model.connectivity_configs.values() {
        if config.topology != Shape::HubAndSpoke {
            continue;
        }
        for hub in &config.hubs {
            if topology
                .links_of(hub)
                .any(|link| link.configurations.contains(&config.id))
            {
                out.insert(hub.clone());
            }
        }
    }
    out.extend(
        topology
            .connected_groups
            .iter()
            .filter_map(|g| g.hub.clone()),
    );
    out
}

/// A zone laid out on its own, with node centres relative to its top-left corner.
struct Draft {
    region: Location,
    width: f64,
    height: f64,
    vnets: usize,
    nodes: Vec<(VnetId, Kind, f64, f64)>,
}

/// A hub with its spokes, centres relative to the hub.
struct Cluster {
    hub: VnetId,
    spokes: Vec<(VnetId, f64, f64)>,
    /// Bounding box of the footprints: left, top, right, bottom.
    bounds: (f64, f64, f64, f64),
}

impl Cluster {
    fn width(&self) -> f64 {
        self.bounds.2 - self.bounds.0
    }

    fn height(&self) -> f64 {
        self.bounds.3 - self.bounds.1
    }
}

fn zone(
    m: &Metrics,
    region: &Location,
    vnets: &[&Vnet],
    hubs: &BTreeSet<VnetId>,
    topology: &Topology,
) -> Draft {
    let members: BTreeSet<&VnetId> = vnets.iter().map(|v| &v.id).collect();
    let mut placed: BTreeSet<&VnetId> = BTreeSet::new();
    let zone_hubs: Vec<&VnetId> = vnets
        .iter()
        .map(|v| &v.id)
        .filter(|id| hubs.contains(*id))
        .collect();
    placed.extend(zone_hubs.iter().copied());

    let mut clusters = Vec::with_capacity(zone_hubs.len());
    for hub in &zone_hubs {
        let spokes: Vec<&VnetId> = topology
            .peers_of(hub)
            .filter_map(|p| members.get(p).copied())
            .filter(|p| !placed.contains(p))
            .collect();
        placed.extend(spokes.iter().copied());
        let offsets = around(spokes.len(), m);
        let mut bounds = (-m.hub_half.0, -m.hub_half.1, m.hub_half.0, m.hub_half.1);
        for (dx, dy) in &offsets {
            bounds.0 = bounds.0.min(dx - m.half.0);
            bounds.1 = bounds.1.min(dy - m.half.1);
            bounds.2 = bounds.2.max(dx + m.half.0);
            bounds.3 = bounds.3.max(dy + m.half.1);
        }
        clusters.push(Cluster {
            hub: (*hub).clone(),
            spokes: spokes
                .into_iter()
                .zip(offsets)
                .map(|(s, (dx, dy))| (s.clone(), dx, dy))
                .collect(),
            bounds,
        });
    }
    let (linked, unlinked): (Vec<&VnetId>, Vec<&VnetId>) = vnets
        .iter()
        .map(|v| &v.id)
        .filter(|id| !placed.contains(id))
        .partition(|id| {
            topology.peers_of(id).next().is_some() || topology.groups_of(id).next().is_some()
        });

    let (cell_w, cell_h) = m.cell();
    let grid_nodes = linked.len().max(unlinked.len());
    let columns = (grid_nodes as f64).sqrt().ceil().max(1.0);
    let widest_cluster = clusters.iter().map(Cluster::width).fold(0.0, f64::max);
    let inner_width = widest_cluster.max(columns * cell_w).max(2.0 * cell_w);
    let columns = ((inner_width / cell_w).floor() as usize).max(1);

    let mut nodes = Vec::with_capacity(vnets.len());
    let mut y = m.title;
    let mut blocks = 0usize;

    // Hubs with their spokes, in rows, each row centred.
    let mut rows: Vec<Vec<&Cluster>> = Vec::new();
    let mut row_width = 0.0;
    for cluster in &clusters {
        match rows.last_mut() {
            Some(row) if row_width + m.gap + cluster.width() <= inner_width => {
                row_width += m.gap + cluster.width();
                row.push(cluster);
            }
            _ => {
                row_width = cluster.width();
                rows.push(vec![cluster]);
            }
        }
    }
    for row in rows {
        let total: f64 =
            row.iter().map(|c| c.width()).sum::<f64>() + m.gap * (row.len() as f64 - 1.0);
        let height = row.iter().map(|c| c.height()).fold(0.0, f64::max);
        let mut x = m.pad + (inner_width - total) / 2.0;
        for cluster in row {
            let cx = x - cluster.bounds.0;
            let cy = y + (height - cluster.height()) / 2.0 - cluster.bounds.1;
            nodes.push((cluster.hub.clone(), Kind::Hub, cx, cy));
            for (spoke, dx, dy) in &cluster.spokes {
                nodes.push((spoke.clone(), Kind::Spoke, cx + dx, cy + dy));
            }
            x += cluster.width() + m.gap;
        }
        y += height + m.gap;
        blocks += 1;
    }

    // The other linked VNets, then the unlinked ones at the bottom.
    for (ids, kind) in [(linked, Kind::Linked), (unlinked, Kind::Unlinked)] {
        if ids.is_empty() {
            continue;
        }
        let used = columns.min(ids.len());
        let left = m.pad + (inner_width - used as f64 * cell_w) / 2.0;
        for (i, id) in ids.iter().enumerate() {
            let col = (i % columns) as f64;
            let row = (i / columns) as f64;
            nodes.push((
                (*id).clone(),
                kind,
                left + (col + 0.5) * cell_w,
                y + (row + 0.5) * cell_h,
            ));
        }
        y += ids.len().div_ceil(columns) as f64 * cell_h + m.gap;
        blocks += 1;
    }

    let height = if blocks == 0 {
        y + m.pad
    } else {
        y - m.gap + m.pad
    };
    Draft {
        region: region.clone(),
        width: inner_width + 2.0 * m.pad,
        height,
        vnets: vnets.len(),
        nodes,
    }
}

/// How many points fit evenly on a circle of radius `r` with at least `spacing` between neighbours.
fn capacity(r: f64, spacing: f64) -> usize {
    if 2.0 * r < spacing {
        return 1;
    }
    let step = (spacing / (2.0 * r)).asin();
    if step <= 0.0 {
        return usize::MAX;
    }
    // Tolerate rounding so that a ring sized for exactly n points holds n.
    ((PI / step) + 1e-9).floor().max(1.0) as usize
}

/// Up to this many spokes may sit on one ring as close to their hub as their footprints allow.
const SNUG_RING: usize = 24;

/// Offsets of `n` spokes around their hub: on one snug ring, or on rings a footprint's diagonal apart when
/// that is smaller.
fn around(n: usize, m: &Metrics) -> Vec<(f64, f64)> {
    let spacing = m.clearance(m.half, m.half);
    let wide = rings(n, m.clearance(m.hub_half, m.half), spacing, spacing);
    if n > SNUG_RING {
        return wide;
    }
    let snug = snug_ring(n, m.hub_half, m.half, m.margin);
    if outer(&snug) <= outer(&wide) {
        snug
    } else {
        wide
    }
}

/// The largest distance of an offset from the centre.
fn outer(points: &[(f64, f64)]) -> f64 {
    points.iter().map(|p| p.0.hypot(p.1)).fold(0.0, f64::max)
}

/// Offsets of `n` points evenly on a circle of radius 1, the first at the top and the others clockwise.
fn circle(n: usize, shift: f64) -> impl Iterator<Item = (f64, f64)> {
    (0..n).map(move |i| {
        let angle = -PI / 2.0 + (i as f64 + shift) * TAU / n as f64;
        (angle.cos(), angle.sin())
    })
}

/// Offsets of `n` footprints of half size `half` evenly on the smallest circle that keeps them `margin` apart
/// from each other and from a footprint of half size `hub` at the centre.
///
/// Scaling the circle scales every horizontal and vertical distance alike, so two boxes at unit offsets `u`
/// and `v` are apart from radius `min(w / |ux - vx|, h / |uy - vy|)` on, and the radius is the largest of
/// these.
fn snug_ring(n: usize, hub: (f64, f64), half: (f64, f64), margin: f64) -> Vec<(f64, f64)> {
    let unit: Vec<(f64, f64)> = circle(n, 0.0).collect();
    let from = |dx: f64, dy: f64, w: f64, h: f64| {
        let by_x = if dx.abs() > 1e-12 {
            w / dx.abs()
        } else {
            f64::INFINITY
        };
        let by_y = if dy.abs() > 1e-12 {
            h / dy.abs()
        } else {
            f64::INFINITY
        };
        by_x.min(by_y)
    };
    let (w, h) = (2.0 * half.0 + margin, 2.0 * half.1 + margin);
    let (hw, hh) = (hub.0 + half.0 + margin, hub.1 + half.1 + margin);
    let mut r: f64 = 0.0;
    for (i, u) in unit.iter().enumerate() {
        r = r.max(from(u.0, u.1, hw, hh));
        for v in unit.iter().skip(i + 1) {
            r = r.max(from(u.0 - v.0, u.1 - v.1, w, h));
        }
    }
    // Tolerate rounding, so that neighbours at exactly the distance still count as apart.
    let r = r * (1.0 + 1e-9);
    unit.into_iter().map(|(x, y)| (r * x, r * y)).collect()
}

/// Offsets of `n` points around a centre, at least `first` from it and `spacing` from each other: one ring
/// when it is no wider than two would be, else rings `gap` apart filled from the inside, the first point of
/// each ring at the top and the others clockwise.
fn rings(n: usize, first: f64, spacing: f64, gap: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(n);
    let single = if n < 2 {
        first
    } else {
        first.max(spacing / (2.0 * (PI / n as f64).sin()) * (1.0 + 1e-9))
    };
    let place = |count: usize, r: f64, shift: f64, out: &mut Vec<(f64, f64)>| {
        out.extend(circle(count, shift).map(|(x, y)| (r * x, r * y)));
    };
    if single <= first + gap {
        place(n, single, 0.0, &mut out);
        return out;
    }
    let mut left = n;
    let mut k = 0usize;
    while left > 0 {
        let r = first + gap * k as f64;
        let count = capacity(r, spacing).min(left);
        place(count, r, if k % 2 == 1 { 0.5 } else { 0.0 }, &mut out);
        left -= count;
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::scenario::Scenario;

    use crate::EXAMPLES;

    fn analysed(text: &str) -> crate::Analysis {
        analyze(&Scenario::parse(text).unwrap())
    }

    /// Whether two boxes (the zones of a diagram, the region boxes of an overview) do not overlap.
    fn apart(a: &Zone, b: &Zone) -> bool {
        a.x + a.width <= b.x
            || b.x + b.width <= a.x
            || a.y + a.height <= b.y
            || b.y + b.height <= a.y
    }

    /// Every VNet has one node, inside its region's zone and the diagram, and no two footprints or zones
    /// overlap; the layout is the same when built again.
    #[track_caller]
    fn check(model: &Model, topology: &Topology) -> Layout {
        let layout = build(model, topology);
        assert_eq!(layout, build(model, topology), "not deterministic");
        assert_eq!(layout.nodes.len(), model.vnets.len());
        for vnet in model.vnets.values() {
            let node = layout.node(&vnet.id).unwrap();
            assert_eq!(node.vnet, vnet.id);
            let zone = &layout.zones[node.zone];
            assert_eq!(zone.region, vnet.location);
            assert!(
                node.x - node.half_width >= zone.x
                    && node.x + node.half_width <= zone.x + zone.width
                    && node.y - node.half_height >= zone.y
                    && node.y + node.half_height <= zone.y + zone.height,
                "{} is outside its zone: {node:?} in {zone:?}",
                node.vnet
            );
        }
        for zone in &layout.zones {
            assert!(zone.x >= 0.0 && zone.y >= 0.0);
            assert!(zone.x + zone.width <= layout.width && zone.y + zone.height <= layout.height);
        }
        for (i, a) in layout.nodes.iter().enumerate() {
            for b in &layout.nodes[i + 1..] {
                let apart = (a.x - b.x).abs() >= a.half_width + b.half_width
                    || (a.y - b.y).abs() >= a.half_height + b.half_height;
                assert!(apart, "{} and {} overlap: {a:?} {b:?}", a.vnet, b.vnet);
            }
        }
        for (i, a) in layout.zones.iter().enumerate() {
            for b in &layout.zones[i + 1..] {
                assert!(apart(a, b), "zones overlap: {a:?} {b:?}");
            }
        }
        assert_eq!(layout.groups.len(), topology.connected_groups.len());
        for (rings, group) in layout.groups.iter().zip(&topology.connected_groups) {
            assert_eq!(rings.len(), group.vnets.len());
            for ring in rings {
                let node = &layout.nodes[ring.node];
                assert!(ring.radius > node.radius);
                assert!(
                    ring.radius <= node.half_width.min(node.half_height),
                    "ring outside its footprint"
                );
            }
        }
        layout
    }

    fn example(text: &str) -> (Layout, crate::Analysis) {
        let analysis = analysed(text);
        (check(&analysis.model, &analysis.topology), analysis)
    }

    #[test]
    fn examples_are_laid_out_without_overlaps() {
        for text in EXAMPLES {
            let (layout, _) = example(text);
            assert!(layout.labels);
        }
    }

    #[test]
    fn hubs_are_in_the_middle_of_their_spokes() {
        let (layout, analysis) = example(EXAMPLES[3]);
        let hubs: Vec<&Node> = layout
            .nodes
            .iter()
            .filter(|n| n.kind == Kind::Hub)
            .collect();
        assert_eq!(hubs.len(), 2, "{hubs:?}");
        for hub in hubs {
            let spokes: Vec<&Node> = analysis
                .topology
                .peers_of(&hub.vnet)
                .filter_map(|p| layout.node(p))
                .filter(|n| n.kind == Kind::Spoke && n.zone == hub.zone)
                .collect();
            assert!(
                spokes.len() >= 2,
                "{} has {} spokes",
                hub.vnet,
                spokes.len()
            );
            let n = spokes.len() as f64;
            let cx = spokes.iter().map(|s| s.x).sum::<f64>() / n;
            let cy = spokes.iter().map(|s| s.y).sum::<f64>() / n;
            assert!(
                (cx - hub.x).abs() < 1e-6 && (cy - hub.y).abs() < 1e-6,
                "{} is off-centre",
                hub.vnet
            );
        }
    }

    #[test]
    fn the_largest_regions_come_first() {
        let (layout, _) = example(EXAMPLES[3]);
        let zones: Vec<(&str, usize)> = layout
            .zones
            .iter()
            .map(|z| (z.region.as_str(), z.vnets))
            .collect();
        assert_eq!(
            zones,
            [
                ("westeurope", 7),
                ("eastus", 6),
                ("uksouth", 2),
                ("centralindia", 1)
            ]
        );
        // The two large zones share the first row.
        assert_eq!(layout.zones[0].y, layout.zones[1].y);
    }

    #[test]
    fn unlinked_vnets_are_at_the_bottom_of_their_zone() {
        for text in EXAMPLES {
            let (layout, _) = example(text);
            for a in layout.nodes.iter().filter(|n| n.kind == Kind::Unlinked) {
                for b in layout
                    .nodes
                    .iter()
                    .filter(|n| n.kind != Kind::Unlinked && n.zone == a.zone)
                {
                    assert!(a.y > b.y, "{} is above {}", a.vnet, b.vnet);
                }
            }
        }
    }

    #[test]
    fn the_document_order_does_not_change_the_picture() {
        let mut doc: serde_json::Value = serde_json::from_str(EXAMPLES[3]).unwrap();
        doc["resources"].as_array_mut().unwrap().reverse();
        let (reversed, _) = example(&doc.to_string());
        let (layout, _) = example(EXAMPLES[3]);
        assert_eq!(reversed, layout);
    }

    #[test]
    fn configurations_have_distinct_colours() {
        let (layout, analysis) = example(EXAMPLES[5]);
        let colours: BTreeSet<usize> = analysis
            .model
            .connectivity_configs
            .keys()
            .map(|id| layout.colour(id))
            .collect();
        assert_eq!(
            colours.len(),
            analysis.model.connectivity_configs.len().min(PALETTE)
        );
    }

    /// A design of `per_region` VNets in each of three regions: a hub, spokes found by a policy on their
    /// region and role tag, one hub-and-spoke configuration per region, and a regional mesh of the first five
    /// spokes of each region (one connected group per region).
    fn many_vnets(per_region: usize) -> String {
        use serde_json::json;
        let sub = "/subscriptions/00000000-0000-4000-8000-000000000001";
        let rg = format!("{sub}/resourceGroups/rg-net");
        let manager = format!("{rg}/providers/Microsoft.Network/networkManagers/nm");
        let group = |name: &str| format!("{manager}/networkGroups/{name}");
        let vnet = |r: usize, k: usize| {
            format!("{rg}/providers/Microsoft.Network/virtualNetworks/vnet-{r}-{k:03}")
        };
        let regions = ["westeurope", "northeurope", "eastus"];
        let mut resources = vec![json!({
            "id": manager, "type": "Microsoft.Network/networkManagers", "location": "westeurope",
            "properties": {"networkManagerScopes": {"managementGroups": [], "subscriptions": [sub]},
                           "networkManagerScopeAccesses": ["Connectivity"]}})];
        resources.push(json!({"id": group("ng-mesh"), "type": "Microsoft.Network/networkManagers/networkGroups",
                              "properties": {"memberType": "VirtualNetwork"}}));
        let mut connectivity = Vec::new();
        for (r, region) in regions.iter().enumerate() {
            for k in 0..per_region {
                let role = if k == 0 { "hub" } else { "spoke" };
                resources.push(json!({
                    "id": vnet(r, k), "type": "Microsoft.Network/virtualNetworks", "location": region,
                    "tags": {"role": role},
                    "properties": {"addressSpace": {"addressPrefixes": [format!("10.{r}.{k}.0/24")]},
                                   "subnets": [{"name": "a", "properties": {"addressPrefix": format!("10.{r}.{k}.0/24")}}]}}));
            }
            for k in 1..=5 {
                resources.push(json!({
                    "id": format!("{}/staticMembers/m-{r}-{k}", group("ng-mesh")),
                    "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
                    "properties": {"resourceId": vnet(r, k)}}));
            }
            let spokes = group(&format!("ng-spokes-{r}"));
            let definition =
                format!("{sub}/providers/Microsoft.Authorization/policyDefinitions/spokes-{r}");
            resources.push(
                json!({"id": spokes, "type": "Microsoft.Network/networkManagers/networkGroups",
                                  "properties": {"memberType": "VirtualNetwork"}}),
            );
            resources.push(json!({
                "id": definition, "type": "Microsoft.Authorization/policyDefinitions",
                "properties": {"mode": "Microsoft.Network.Data", "policyRule": {
                    "if": {"allOf": [{"field": "tags['role']", "equals": "spoke"}, {"field": "location", "equals": region}]},
                    "then": {"effect": "addToNetworkGroup", "details": {"networkGroupId": spokes}}}}}));
            resources.push(json!({
                "id": format!("{sub}/providers/Microsoft.Authorization/policyAssignments/spokes-{r}"),
                "type": "Microsoft.Authorization/policyAssignments",
                "properties": {"policyDefinitionId": definition, "scope": sub}}));
            let config = format!("{manager}/connectivityConfigurations/cc-hub-spoke-{r}");
            resources.push(json!({
                "id": config, "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
                "properties": {"connectivityTopology": "HubAndSpoke",
                               "hubs": [{"resourceId": vnet(r, 0), "resourceType": "Microsoft.Network/virtualNetworks"}],
                               "appliesToGroups": [{"networkGroupId": spokes, "groupConnectivity": "None"}]}}));
            connectivity.push(config);
        }
        let mesh = format!("{manager}/connectivityConfigurations/cc-mesh");
        resources.push(json!({
            "id": mesh, "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
            "properties": {"connectivityTopology": "Mesh", "hubs": [], "isGlobal": "False",
                           "appliesToGroups": [{"networkGroupId": group("ng-mesh"), "groupConnectivity": "None"}]}}));
        connectivity.push(mesh);
        json!({
            "resources": resources,
            "commits": [{"networkManagerId": manager, "commitType": "Connectivity",
                         "configurationIds": connectivity, "targetLocations": regions}],
        })
        .to_string()
    }

    #[test]
    fn a_thousand_vnets_are_drawn_small_and_apart() {
        let text = many_vnets(334);
        let scenario = Scenario::parse(&text).unwrap();
        let model = scenario.model();
        let membership = crate::membership::resolve(model);
        let goal = crate::deployment::GoalState::from_commits(model);
        let topology = crate::connectivity::build(model, &membership, &goal);
        let layout = check(model, &topology);
        assert!(!layout.labels);
        assert_eq!(
            layout.nodes.iter().filter(|n| n.kind == Kind::Hub).count(),
            3
        );
        // Every VNet but the hubs is a spoke of its region's hub.
        assert_eq!(
            layout
                .nodes
                .iter()
                .filter(|n| n.kind == Kind::Spoke)
                .count(),
            3 * 333
        );
        // The regional mesh: one connected group of five spokes per region.
        assert_eq!(layout.groups.len(), 3);
        assert!(layout.groups.iter().all(|g| g.len() == 5));
        // Roughly as wide as tall, and not much bigger than the nodes need.
        let area: f64 = layout
            .nodes
            .iter()
            .map(|n| 4.0 * n.half_width * n.half_height)
            .sum();
        assert!(
            layout.width * layout.height < 20.0 * area,
            "{} x {}",
            layout.width,
            layout.height
        );
        assert!(layout.width < 2.0 * layout.height && layout.height < 2.0 * layout.width);
    }

    /// Regions and hubs with their spoke counts, from `many_vnets`: three regions of `n` VNets, each a hub with
    /// `n - 1` spokes and nothing else, no peering across regions (the mesh is regional), one connected group
    /// per region.
    #[test]
    fn a_large_design_is_drawn_as_regions_and_hubs_with_their_counts() {
        let text = many_vnets(334);
        let analysis = analysed(&text);
        let (model, topology) = (&analysis.model, &analysis.topology);
        assert!(model.vnets.len() > AGGREGATE_LIMIT);
        let o = overview(model, topology);
        // Region, VNets, hubs with their spokes, other linked, unlinked, connected groups.
        let regions: Vec<String> = o
            .regions
            .iter()
            .map(|r| {
                let hubs: Vec<String> = r
                    .hubs
                    .iter()
                    .map(|h| format!("{} {}", h.hub.name(), h.spokes))
                    .collect();
                format!(
                    "{} {} [{}] {} {} {}",
                    r.zone.region,
                    r.zone.vnets,
                    hubs.join(", "),
                    r.linked,
                    r.unlinked,
                    r.groups
                )
            })
            .collect();
        // Equal sizes: by name.
        assert_eq!(
            regions,
            [
                "eastus 334 [vnet-2-000 333] 0 0 1",
                "northeurope 334 [vnet-1-000 333] 0 0 1",
                "westeurope 334 [vnet-0-000 333] 0 0 1",
            ]
        );
        assert!(o.links.is_empty());
        // Boxes apart and inside the diagram, each hub inside its box.
        for (i, r) in o.regions.iter().enumerate() {
            let a = &r.zone;
            assert!(a.x + a.width <= o.width + 1e-9 && a.y + a.height <= o.height + 1e-9);
            for h in &r.hubs {
                assert!(h.x - h.radius >= a.x && h.x + h.radius <= a.x + a.width);
                assert!(h.y - h.radius >= a.y && h.y + h.radius <= a.y + a.height);
            }
            for b in &o.regions[i + 1..] {
                assert!(
                    apart(a, &b.zone),
                    "region boxes overlap: {a:?} {:?}",
                    b.zone
                );
            }
        }
        // Opening a hub draws it with its spokes, and nothing else.
        let hub = &o.regions[2].hubs[0].hub;
        let spokes = spokes_of(model, topology, hub);
        assert_eq!(spokes.len(), 333);
        let keep: BTreeSet<&VnetId> = spokes.iter().copied().chain([hub]).collect();
        let opened = build_of(model, topology, |v| keep.contains(&v.id));
        assert_eq!(opened.nodes.len(), 334);
        assert_eq!(opened.zones.len(), 1);
        assert_eq!(opened.node(hub).map(|n| n.kind), Some(Kind::Hub));
        assert!(
            opened
                .nodes
                .iter()
                .filter(|n| &n.vnet != hub)
                .all(|n| n.kind == Kind::Spoke)
        );
        // Opening a region draws its VNets only, apart, with the rings of its own connected group.
        let region = build_of(model, topology, |v| v.location.as_str() == "northeurope");
        assert_eq!(region.nodes.len(), 334);
        assert!(
            region
                .nodes
                .iter()
                .all(|n| n.vnet.name().starts_with("vnet-1-"))
        );
        assert_eq!(
            region.groups.iter().map(Vec::len).collect::<Vec<_>>(),
            [0, 5, 0]
        );
        for (i, a) in region.nodes.iter().enumerate() {
            for b in &region.nodes[i + 1..] {
                assert!(
                    (a.x - b.x).abs() >= a.half_width + b.half_width
                        || (a.y - b.y).abs() >= a.half_height + b.half_height
                );
            }
        }
    }

    #[test]
    fn peerings_across_regions_are_counted_between_their_boxes() {
        // The multi-region example: hubs in westeurope and eastus, each with its spokes; the two hubs are
        // peered with each other (a manual global peering), the only peering across regions.
        let (_, analysis) = example(EXAMPLES[3]);
        let o = overview(&analysis.model, &analysis.topology);
        let named: Vec<(&str, &str, usize)> = o
            .links
            .iter()
            .map(|l| {
                (
                    o.regions[l.regions[0]].zone.region.as_str(),
                    o.regions[l.regions[1]].zone.region.as_str(),
                    l.peerings,
                )
            })
            .collect();
        let crossing: Vec<(String, String)> = analysis
            .topology
            .peerings
            .iter()
            .filter_map(|l| {
                let a = &analysis.model.vnets[&l.vnets[0]].location;
                let b = &analysis.model.vnets[&l.vnets[1]].location;
                (a != b).then(|| (a.to_string(), b.to_string()))
            })
            .collect();
        assert_eq!(named.iter().map(|l| l.2).sum::<usize>(), crossing.len());
        assert!(
            named
                .iter()
                .any(|(a, b, _)| [*a, *b] == ["westeurope", "eastus"]),
            "{named:?}"
        );
    }

    /// Every VNet of a region's box is counted once: a hub, a spoke of one of its hubs (the peers [`spokes_of`]
    /// gives), linked otherwise, or unlinked.
    #[test]
    fn a_region_box_counts_each_of_its_vnets_once() {
        let many = many_vnets(334);
        for text in EXAMPLES.iter().copied().chain([many.as_str()]) {
            let analysis = analysed(text);
            let (model, topology) = (&analysis.model, &analysis.topology);
            for r in overview(model, topology).regions {
                let spokes: BTreeSet<&VnetId> = r
                    .hubs
                    .iter()
                    .flat_map(|h| spokes_of(model, topology, &h.hub))
                    .collect();
                let in_region = |v: &VnetId| model.vnets[v].location == r.zone.region;
                let linked = model
                    .vnets
                    .values()
                    .filter(|v| v.location == r.zone.region)
                    .filter(|v| !r.hubs.iter().any(|h| h.hub == v.id) && !spokes.contains(&v.id))
                    .filter(|v| {
                        topology.peers_of(&v.id).next().is_some()
                            || topology.groups_of(&v.id).next().is_some()
                    })
                    .count();
                assert!(spokes.iter().all(|s| in_region(s)));
                assert_eq!(r.linked, linked, "{}", r.zone.region);
                assert_eq!(
                    r.hubs.len() + spokes.len() + r.linked + r.unlinked,
                    r.zone.vnets,
                    "{}",
                    r.zone.region
                );
            }
        }
    }

    #[test]
    fn rings_keep_their_spacing() {
        let (first, spacing) = (190.0, 180.0);
        for n in 0..300 {
            let points = rings(n, first, spacing, spacing);
            assert_eq!(points.len(), n);
            for (i, a) in points.iter().enumerate() {
                assert!(a.0.hypot(a.1) >= first - 1e-9);
                for b in &points[i + 1..] {
                    assert!(
                        (a.0 - b.0).hypot(a.1 - b.1) >= spacing - 1e-6,
                        "{n} points: {a:?} {b:?}"
                    );
                }
            }
        }
        assert_eq!(
            rings(1, first, spacing, spacing),
            vec![(first * (-PI / 2.0).cos(), -first)]
        );
    }

    #[test]
    fn spokes_keep_apart_as_close_to_their_hub_as_they_can() {
        for m in [LABELLED, COMPACT] {
            let apart = |a: (f64, f64), ha: (f64, f64), b: (f64, f64), hb: (f64, f64)| {
                (a.0 - b.0).abs() >= ha.0 + hb.0 + m.margin - 1e-6
                    || (a.1 - b.1).abs() >= ha.1 + hb.1 + m.margin - 1e-6
            };
            let spacing = m.clearance(m.half, m.half);
            for n in 0..=40 {
                let points = around(n, &m);
                assert_eq!(points.len(), n);
                for (i, a) in points.iter().enumerate() {
                    assert!(
                        apart(*a, m.half, (0.0, 0.0), m.hub_half),
                        "{n} spokes: {a:?} touches the hub"
                    );
                    for b in &points[i + 1..] {
                        assert!(apart(*a, m.half, *b, m.half), "{n} spokes: {a:?} {b:?}");
                    }
                }
                let wide = rings(n, m.clearance(m.hub_half, m.half), spacing, spacing);
                assert!(outer(&points) <= outer(&wide), "{n} spokes");
            }
            // A few spokes are much closer than the spacing of a footprint's diagonal asks.
            assert!(
                outer(&around(5, &m))
                    < 0.9 * outer(&rings(5, m.clearance(m.hub_half, m.half), spacing, spacing))
            );
        }
        // One spoke sits right above its hub.
        let m = LABELLED;
        let one = around(1, &m);
        assert!(
            one[0].0.abs() < 1e-9 && (one[0].1 + m.hub_half.1 + m.half.1 + m.margin).abs() < 1e-6
        );
    }

    #[test]
    fn nothing_to_draw() {
        let (layout, _) = example(r#"{"resources": []}"#);
        assert!(layout.zones.is_empty() && layout.nodes.is_empty());
        assert_eq!((layout.width, layout.height), (0.0, 0.0));
    }
}
