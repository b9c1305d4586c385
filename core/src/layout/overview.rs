//! The aggregated diagram of a large design: one box per region, holding its hubs each with its spoke count,
//! and how many of the region's other VNets are linked or not; lines between regions count the peerings that
//! cross them.
//!
//! A front end draws this past [`super::AGGREGATE_LIMIT`] VNets and opens a region or a hub on demand with
//! [`super::build_of`], choosing the VNets with [`spokes_of`] for a hub.

use std::collections::{BTreeMap, BTreeSet};

use super::{ASPECT, Rows, Zone, hubs, wrap};
use crate::connectivity::Topology;
use crate::model::{Location, Model, VnetId};

/// Padding inside a region box.
const PAD: f64 = 16.0;
/// Height of a region box's title.
const TITLE: f64 = 40.0;
/// Width and height of the slot of one hub: its circle and two label lines.
const SLOT: (f64, f64) = (170.0, 150.0);
/// Hubs per row inside a region box.
const HUBS_PER_ROW: usize = 4;
/// Height of the two lines of counts at the bottom of a region box.
const FOOTER: f64 = 52.0;
/// Space between region boxes.
const GAP: f64 = 48.0;
/// The narrowest region box.
const MIN_WIDTH: f64 = 280.0;

/// The aggregated diagram of a design.
#[derive(Clone, Debug, PartialEq)]
pub struct Overview {
    /// Width of the whole diagram.
    pub width: f64,
    /// Height of the whole diagram.
    pub height: f64,
    /// One box per region, the regions with the most VNets first, then by name.
    pub regions: Vec<RegionBox>,
    /// The regions that peerings join, with how many peerings join them.
    pub links: Vec<RegionLink>,
}

/// A region, drawn as a box holding its hubs.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionBox {
    /// The region, where its box is and how many VNets it has: what a zone of the full diagram says.
    pub zone: Zone,
    /// The hubs of the region, in id order.
    pub hubs: Vec<HubBox>,
    /// VNets linked by a peering or a connected group that are neither a hub nor a spoke of a hub of the region.
    pub linked: usize,
    /// VNets that nothing links.
    pub unlinked: usize,
    /// How many connected groups have a member in the region.
    pub groups: usize,
}

/// A hub, drawn as a circle sized by its spoke count.
#[derive(Clone, Debug, PartialEq)]
pub struct HubBox {
    /// The hub.
    pub hub: VnetId,
    /// Centre, horizontally.
    pub x: f64,
    /// Centre, vertically.
    pub y: f64,
    /// Radius of the circle.
    pub radius: f64,
    /// How many spokes it has in its region ([`spokes_of`]).
    pub spokes: usize,
}

/// Two regions that peerings join.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionLink {
    /// Indices of the two regions in [`Overview::regions`], the smaller first.
    pub regions: [usize; 2],
    /// How many peerings join a VNet of one to a VNet of the other.
    pub peerings: usize,
}

/// The spokes of a hub: its peers in its own region that are not hubs themselves, in id order.
pub fn spokes_of<'a>(model: &'a Model, topology: &'a Topology, hub: &VnetId) -> Vec<&'a VnetId> {
    spokes_among(model, topology, &hubs(model, topology), hub)
}

/// [`spokes_of`], the hubs of the design given.
fn spokes_among<'a>(
    model: &'a Model,
    topology: &'a Topology,
    hubs: &BTreeSet<VnetId>,
    hub: &VnetId,
) -> Vec<&'a VnetId> {
    let Some(region) = model.vnets.get(hub).map(|v| &v.location) else {
        return Vec::new();
    };
    let mut out: Vec<&VnetId> = topology
        .peers_of(hub)
        .filter(|p| !hubs.contains(*p))
        .filter(|p| model.vnets.get(*p).is_some_and(|v| &v.location == region))
        .collect();
    out.sort();
    out
}

/// The entry of `id` in an id-ordered map's entries, walked along with ids that come in order: the entries before
/// it are passed, and it is taken when it is there.
fn along<'a, T: 'a>(
    entries: &mut std::iter::Peekable<impl Iterator<Item = (&'a VnetId, &'a T)>>,
    id: &VnetId,
) -> Option<&'a T> {
    while entries.next_if(|(key, _)| *key < id).is_some() {}
    entries
        .next_if(|(key, _)| *key == id)
        .map(|(_, value)| value)
}

/// The radius of a hub with this many spokes: grows with the number's order of magnitude.
fn radius(spokes: usize) -> f64 {
    (14.0 + 10.0 * ((spokes as f64) + 1.0).log10()).min(52.0)
}

/// Lays out the aggregated diagram of a design.
///
/// ```
/// use avnm_core::{Scenario, analyze, layout};
/// let scenario = Scenario::parse(r#"{"resources": [{
///     "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
///     "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
///     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#).unwrap();
/// let analysis = analyze(&scenario);
/// let overview = layout::overview(&analysis.model, &analysis.topology);
/// assert_eq!(overview.regions.len(), 1);
/// assert_eq!((overview.regions[0].zone.vnets, overview.regions[0].unlinked), (1, 1));
/// ```
pub fn overview(model: &Model, topology: &Topology) -> Overview {
    let hubs = hubs(model, topology);
    let mut regions: BTreeMap<&Location, Vec<&VnetId>> = BTreeMap::new();
    for vnet in model.vnets.values() {
        regions.entry(&vnet.location).or_default().push(&vnet.id);
    }
    let mut regions: Vec<(&Location, Vec<&VnetId>)> = regions.into_iter().collect();
    regions.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
    let index: BTreeMap<&Location, usize> = regions
        .iter()
        .enumerate()
        .map(|(i, (region, _))| (*region, i))
        .collect();
    // Each region's hubs, in id order.
    let region_hubs: Vec<Vec<&VnetId>> = regions
        .iter()
        .map(|(_, vnets)| {
            vnets
                .iter()
                .copied()
                .filter(|v| hubs.contains(*v))
                .collect()
        })
        .collect();

    // One walk over the VNets, beside the topology's maps of peers and groups (all three in id order): a lookup
    // per VNet, or per peer, is a binary search among long ids (on 10,000 VNets that took most of the time).
    let mut spokes: Vec<Vec<usize>> = region_hubs.iter().map(|h| vec![0; h.len()]).collect();
    let (mut linked, mut unlinked) = (vec![0; regions.len()], vec![0; regions.len()]);
    let mut group_regions: Vec<BTreeSet<usize>> =
        vec![BTreeSet::new(); topology.connected_groups.len()];
    // The regions of each peering's two ends, as they are met.
    let mut ends: Vec<Vec<usize>> = vec![Vec::new(); topology.peerings.len()];
    let mut peers = topology.peer_map().iter().peekable();
    let mut groups = topology.group_map().iter().peekable();
    for vnet in model.vnets.values() {
        let Some(&r) = index.get(&vnet.location) else {
            continue;
        };
        let (vnet_peers, vnet_groups) = (along(&mut peers, &vnet.id), along(&mut groups, &vnet.id));
        for g in vnet_groups.into_iter().flatten() {
            if let Some(regions) = group_regions.get_mut(*g) {
                regions.insert(r);
            }
        }
        let here = region_hubs.get(r).map(Vec::as_slice).unwrap_or_default();
        let is_hub = here.contains(&&vnet.id);
        // A spoke of a hub of its region is drawn with the hub (peerings are listed from both ends: the VNet is a
        // peer of the hub as the hub is of it).
        let mut spoke = false;
        for (peer, link) in vnet_peers.into_iter().flatten() {
            if let Some(ends) = ends.get_mut(*link) {
                ends.push(r);
            }
            if !is_hub
                && let Some(k) = here.iter().position(|h| *h == peer)
                && let Some(count) = spokes.get_mut(r).and_then(|s| s.get_mut(k))
            {
                *count += 1;
                spoke = true;
            }
        }
        if is_hub || spoke {
            continue;
        }
        let counts = if vnet_peers.is_some_and(|p| !p.is_empty())
            || vnet_groups.is_some_and(|g| !g.is_empty())
        {
            &mut linked
        } else {
            &mut unlinked
        };
        if let Some(count) = counts.get_mut(r) {
            *count += 1;
        }
    }

    let mut boxes: Vec<RegionBox> = regions
        .iter()
        .enumerate()
        .map(|(r, (region, vnets))| {
            let hub_boxes: Vec<HubBox> = region_hubs
                .get(r)
                .into_iter()
                .flatten()
                .zip(spokes.get(r).into_iter().flatten())
                .map(|(hub, &n)| HubBox {
                    hub: (*hub).clone(),
                    x: 0.0,
                    y: 0.0,
                    radius: radius(n),
                    spokes: n,
                })
                .collect();
            let groups = group_regions.iter().filter(|g| g.contains(&r)).count();
            let columns = hub_boxes.len().clamp(1, HUBS_PER_ROW);
            let rows = hub_boxes.len().div_ceil(HUBS_PER_ROW);
            let width = (2.0 * PAD + columns as f64 * SLOT.0).max(MIN_WIDTH);
            let height = TITLE + rows as f64 * SLOT.1 + FOOTER + PAD;
            RegionBox {
                zone: Zone {
                    region: (*region).clone(),
                    x: 0.0,
                    y: 0.0,
                    width,
                    height,
                    vnets: vnets.len(),
                },
                hubs: hub_boxes,
                linked: linked.get(r).copied().unwrap_or_default(),
                unlinked: unlinked.get(r).copied().unwrap_or_default(),
                groups,
            }
        })
        .collect();

    // Boxes in rows, wrapping at the width that makes the diagram's shape closest to ASPECT.
    let sizes: Vec<(f64, f64)> = boxes
        .iter()
        .map(|b| (b.zone.width, b.zone.height))
        .collect();
    let mut best: Option<(f64, Rows)> = None;
    let mut limit = 0.0;
    for (w, _) in &sizes {
        limit += w + if limit > 0.0 { GAP } else { 0.0 };
        let rows = wrap(&sizes, limit, GAP);
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
    for (b, (x, y)) in boxes.iter_mut().zip(corners) {
        b.zone.x = x;
        b.zone.y = y;
        let columns = b.hubs.len().clamp(1, HUBS_PER_ROW);
        let left = x + (b.zone.width - columns as f64 * SLOT.0) / 2.0;
        for (k, hub) in b.hubs.iter_mut().enumerate() {
            let (col, row) = ((k % HUBS_PER_ROW) as f64, (k / HUBS_PER_ROW) as f64);
            hub.x = left + (col + 0.5) * SLOT.0;
            // The circle in the upper part of the slot, its two label lines below.
            hub.y = y + TITLE + row * SLOT.1 + 56.0;
        }
    }

    let mut crossing: BTreeMap<[usize; 2], usize> = BTreeMap::new();
    for ends in &ends {
        if let [i, j] = ends.as_slice()
            && i != j
        {
            *crossing.entry([*i.min(j), *i.max(j)]).or_insert(0) += 1;
        }
    }
    Overview {
        width,
        height,
        regions: boxes,
        links: crossing
            .into_iter()
            .map(|(regions, peerings)| RegionLink { regions, peerings })
            .collect(),
    }
}
