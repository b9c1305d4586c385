//! A deterministic generator of large designs, for benchmarks and scale tests.
//!
//! [`design`] writes a scenario document (decisions §1) of the size that [`Params`] asks for, in the shape of an
//! enterprise landing zone:
//! - a management-group tree two levels deep (platform → connectivity; landing zones → corp and online;
//!   sandbox) over the subscriptions, and a resource group per subscription and region;
//! - one network manager scoped to the root management group, with Connectivity and SecurityAdmin;
//! - per region a hub VNet with a `GatewaySubnet`, and spokes tagged `env` (`prod`, `test`, `dev`) and `team`
//!   (one of 50 teams), each with two subnets and one network interface with a static address;
//!   every VNet is a `/24` of `10.0.0.0/8`, the regions splitting `10.0.0.0/8` into equal blocks, so no two
//!   address spaces overlap; a few legacy manual peerings join neighbouring spokes;
//! - network groups: about 10% static (the hubs, pilot and quarantine groups of a handful of VNets), the rest
//!   found by Azure Policy (`Microsoft.Network.Data`, `addToNetworkGroup`) with conditions on tags, the name
//!   (`contains`, `like`), the location (`in`) and `[subscription().displayName]`, assigned at the root
//!   management group or at a subscription;
//! - per region a hub-and-spoke configuration over three spoke groups (production and test directly
//!   connected, development not), and one regional mesh of the shared-services VNets;
//! - one security admin configuration: exceptions (AlwaysAllow and Allow) at the smallest priorities, a
//!   baseline that denies high-risk ports, quarantine rules and per-team rules, every priority used once;
//! - network security groups with many rules each (prefixes of the design, service tags, port ranges),
//!   associated round-robin to the subnets of their subscription and region;
//! - commits deploying both configuration types to every region, and intents whose answers follow from the
//!   admin rules alone, so they hold whatever the NSGs say.
//!
//! The same [`Params`] always give the same text: the only source of variety is a SplitMix64 generator seeded
//! with [`Params::seed`].

pub mod stages;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use serde_json::{Value, json};

/// Sizes of a generated design.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Params {
    /// Virtual networks, hubs included (at most 65,536: one `/24` each in `10.0.0.0/8`).
    pub vnets: usize,
    /// Azure regions, each with a hub (1 to 16).
    pub regions: usize,
    /// Subscriptions; the first is the connectivity subscription of the hubs and the manager.
    pub subscriptions: usize,
    /// Network groups, about 10% of them static.
    pub network_groups: usize,
    /// Network security groups.
    pub nsgs: usize,
    /// Rules of each network security group, half inbound and half outbound.
    pub rules_per_nsg: usize,
    /// Security admin rules in the one security admin configuration.
    pub admin_rules: usize,
    /// Levels of business-unit management groups nested below `mg-corp` and `mg-online`, two children each;
    /// their subscriptions sit at the leaves (0: directly below `mg-corp` and `mg-online`).
    #[serde(default)]
    pub management_group_depth: usize,
    /// Subscriptions at which each team group's policy is assigned, as enterprises assign policies one
    /// subscription at a time (0: one assignment, at the root management group or at one subscription);
    /// every tenth team group is also assigned at a business-unit management group.
    #[serde(default)]
    pub policy_assignment_subscriptions: usize,
    /// Network interfaces in each VNet (at least 1, at most 100).
    #[serde(default = "one")]
    pub nics_per_vnet: usize,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
}

fn one() -> usize {
    1
}

/// A named size of design, each a [`Params`] preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// [`Params::t1`]: 1,000 VNets.
    T1,
    /// [`Params::t2`]: 10,000 VNets.
    T2,
    /// [`Params::t3`]: 50,000 VNets.
    T3,
}

impl Tier {
    /// Every tier, smallest first.
    pub const ALL: [Tier; 3] = [Tier::T1, Tier::T2, Tier::T3];

    /// The tier's name as written on a command line: `t1`, `t2` or `t3`.
    pub fn name(self) -> &'static str {
        match self {
            Tier::T1 => "t1",
            Tier::T2 => "t2",
            Tier::T3 => "t3",
        }
    }

    /// Reads a tier's name, in any case.
    pub fn from_name(name: &str) -> Option<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
    }

    /// The tier's parameters.
    pub fn params(self) -> Params {
        match self {
            Tier::T1 => Params::t1(),
            Tier::T2 => Params::t2(),
            Tier::T3 => Params::t3(),
        }
    }
}

impl Params {
    /// Tier 1, a large department: 1,000 VNets in 4 regions and 10 subscriptions, 50 network groups (team
    /// policies each assigned at 5 subscriptions), 200 NSGs of 100 rules, 50 security admin rules, business
    /// units two levels deep and 2 NICs per VNet.
    pub fn t1() -> Self {
        Params {
            vnets: 1_000,
            regions: 4,
            subscriptions: 10,
            network_groups: 50,
            nsgs: 200,
            rules_per_nsg: 100,
            admin_rules: 50,
            management_group_depth: 2,
            policy_assignment_subscriptions: 5,
            nics_per_vnet: 2,
            seed: 1,
        }
    }

    /// Tier 2, an enterprise: 10,000 VNets in 4 regions and 40 subscriptions, 500 network groups (90% found by
    /// policy, each team policy assigned at 20 subscriptions), 1,000 NSGs of 200 rules, 100 security admin
    /// rules, business units three levels deep and 2 NICs per VNet.
    ///
    /// ```
    /// let params = avnm_gen::Params::t2();
    /// assert_eq!(params.vnets, 10_000);
    /// ```
    pub fn t2() -> Self {
        Params {
            vnets: 10_000,
            regions: 4,
            subscriptions: 40,
            network_groups: 500,
            nsgs: 1_000,
            rules_per_nsg: 200,
            admin_rules: 100,
            management_group_depth: 3,
            policy_assignment_subscriptions: 20,
            nics_per_vnet: 2,
            seed: 1,
        }
    }

    /// Tier 3, a very large estate: 50,000 VNets in 8 regions and 200 subscriptions, 1,000 network groups (each
    /// team policy assigned at 20 subscriptions), 2,000 NSGs of 200 rules, 200 security admin rules, business
    /// units four levels deep and 2 NICs per VNet.
    pub fn t3() -> Self {
        Params {
            vnets: 50_000,
            regions: 8,
            subscriptions: 200,
            network_groups: 1_000,
            nsgs: 2_000,
            rules_per_nsg: 200,
            admin_rules: 200,
            management_group_depth: 4,
            policy_assignment_subscriptions: 20,
            nics_per_vnet: 2,
            seed: 1,
        }
    }

    /// A small design with every feature of the tiers, quick enough for unit tests.
    ///
    /// ```
    /// use avnm_gen::{Params, design};
    /// let scenario = avnm_core::Scenario::parse(&design(&Params::small())).unwrap();
    /// assert_eq!(scenario.model().vnets.len(), Params::small().vnets);
    /// ```
    pub fn small() -> Self {
        Params {
            vnets: 60,
            regions: 2,
            subscriptions: 4,
            network_groups: 30,
            nsgs: 8,
            rules_per_nsg: 20,
            admin_rules: 40,
            management_group_depth: 2,
            policy_assignment_subscriptions: 2,
            nics_per_vnet: 2,
            seed: 1,
        }
    }
}

/// Generates a scenario document (JSON text) for the parameters; the same parameters give the same text.
///
/// Sizes are clamped to what the address plan and Azure's ranges allow: 1 to 16 regions, at least one
/// subscription, at most 65,536 VNets, and at most 3,997 NSG rules per direction (priorities 100-4096).
///
/// ```
/// use avnm_gen::{Params, design};
/// assert_eq!(design(&Params::small()), design(&Params::small()));
/// ```
pub fn design(params: &Params) -> String {
    let plan = Plan::new(params);
    plan.write()
}

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014): the state
/// advances by the golden-ratio constant and each output is the state passed through two multiply-xorshift
/// rounds. Small, fast and good enough to vary a design; not for anything secret.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, or 0 when `n` is 0.
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// One item of a slice, `None` when it is empty.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// Regions and the short names used in resource names.
const REGIONS: [(&str, &str); 16] = [
    ("westeurope", "weu"),
    ("northeurope", "neu"),
    ("eastus2", "eus2"),
    ("westus3", "wus3"),
    ("southeastasia", "sea"),
    ("uksouth", "uks"),
    ("francecentral", "frc"),
    ("swedencentral", "sdc"),
    ("centralus", "cus"),
    ("eastus", "eus"),
    ("japaneast", "jpe"),
    ("australiaeast", "aue"),
    ("canadacentral", "cac"),
    ("germanywestcentral", "gwc"),
    ("brazilsouth", "brs"),
    ("koreacentral", "krc"),
];

/// Team tags; the first is the shared-services team, meshed in every region.
const TEAMS: [&str; 50] = [
    "sharedsvc",
    "payments",
    "checkout",
    "catalog",
    "search",
    "identity",
    "billing",
    "ledger",
    "fraud",
    "risk",
    "pricing",
    "inventory",
    "shipping",
    "orders",
    "loyalty",
    "marketing",
    "analytics",
    "reporting",
    "datalake",
    "forecast",
    "crm",
    "erp",
    "hr",
    "payroll",
    "legal",
    "compliance",
    "audit",
    "secops",
    "monitoring",
    "logging",
    "devtools",
    "build",
    "portal",
    "mobile",
    "web",
    "api",
    "edgegw",
    "messaging",
    "email",
    "notify",
    "media",
    "cdn",
    "support",
    "chat",
    "voice",
    "maps",
    "iot",
    "telemetry",
    "partner",
    "research",
];

const ENVS: [&str; 3] = ["prod", "test", "dev"];
const PROD: usize = 0;
const TEST: usize = 1;
const DEV: usize = 2;

/// Ports that the baseline denies inbound, with their protocol.
const HIGH_RISK: [(&str, &str, &str); 20] = [
    ("deny-smb", "Tcp", "445"),
    ("deny-ssh", "Tcp", "22"),
    ("deny-rdp", "Tcp", "3389"),
    ("deny-ftp", "Tcp", "20-21"),
    ("deny-telnet", "Tcp", "23"),
    ("deny-tftp", "Udp", "69"),
    ("deny-rpc", "Tcp", "135"),
    ("deny-netbios", "Any", "137-139"),
    ("deny-mssql", "Tcp", "1433"),
    ("deny-oracle", "Tcp", "1521"),
    ("deny-mysql", "Tcp", "3306"),
    ("deny-postgres", "Tcp", "5432"),
    ("deny-vnc", "Tcp", "5900"),
    ("deny-winrm", "Tcp", "5985-5986"),
    ("deny-redis", "Tcp", "6379"),
    ("deny-elastic", "Tcp", "9200-9300"),
    ("deny-memcached", "Any", "11211"),
    ("deny-mongodb", "Tcp", "27017"),
    ("deny-snmp", "Udp", "161-162"),
    ("deny-ldap", "Tcp", "389"),
];

/// Address ranges outside Azure that rules mention (on-premises networks).
const ON_PREMISES: [&str; 3] = ["192.168.0.0/16", "172.16.0.0/12", "100.64.0.0/10"];

/// Rule collections for team groups.
const TEAM_COLLECTIONS: usize = 8;

/// Spokes per region that the hub-and-spoke spoke groups of production, test and development may hold.
const SPOKE_GROUP_CAPS: [usize; 3] = [200, 200, 400];

/// Service VNets whose `/24` and host addresses NSG rules mention.
const SERVICE_VNETS: usize = 16;

const VNET_TYPE: &str = "Microsoft.Network/virtualNetworks";

fn team(i: usize) -> &'static str {
    TEAMS.get(i % TEAMS.len()).copied().unwrap_or("team")
}

fn env(i: usize) -> &'static str {
    ENVS.get(i % ENVS.len()).copied().unwrap_or("dev")
}

fn region(i: usize) -> (&'static str, &'static str) {
    REGIONS
        .get(i % REGIONS.len())
        .copied()
        .unwrap_or(("westeurope", "weu"))
}

fn ip(address: u32) -> String {
    Ipv4Addr::from(address).to_string()
}

fn prefix(address: u32, len: u8) -> String {
    format!("{}/{len}", Ipv4Addr::from(address))
}

/// A subscription and where it sits in the management-group tree.
struct Sub {
    id: String,
    display_name: String,
    /// Index into [`Plan::management_groups`].
    parent: usize,
}

/// A VNet of the plan.
struct Net {
    name: String,
    sub: usize,
    region: usize,
    /// `None` for a hub.
    env: Option<usize>,
    team: Option<usize>,
    /// The network address of its `/24`.
    base: u32,
    /// Manual peerings, by index.
    peers: Vec<usize>,
    /// Subnet NSGs, by index into [`Plan::nsgs`].
    subnet_nsgs: [Option<usize>; 2],
    nic_nsg: Option<usize>,
}

impl Net {
    fn is_hub(&self) -> bool {
        self.env.is_none()
    }

    fn nic_ip(&self) -> u32 {
        if self.is_hub() {
            self.base + 132
        } else {
            self.base + 4
        }
    }
}

/// A network group: static members, or a policy condition and the scope of its assignment.
struct Group {
    name: String,
    kind: GroupKind,
}

enum GroupKind {
    Static(Vec<usize>),
    /// A policy condition and the scopes it is assigned at, one assignment each.
    Policy {
        condition: Value,
        scopes: Vec<String>,
    },
}

/// What a group is for, deciding which rule collections apply to it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Hubs,
    Pilot,
    Quarantine,
    /// A hub-and-spoke spoke group of a region and environment.
    Spokes(usize, usize),
    Mesh,
    Team,
}

/// An NSG: where it lives.
struct NsgInfo {
    sub: usize,
    region: usize,
    name: String,
}

/// A security admin rule before it is written.
struct AdminRule {
    collection: usize,
    name: String,
    priority: usize,
    direction: &'static str,
    access: &'static str,
    protocol: &'static str,
    sources: Vec<(String, &'static str)>,
    destinations: Vec<(String, &'static str)>,
    ports: Vec<String>,
}

/// Everything decided about a design before it is written.
struct Plan {
    params: Params,
    regions: usize,
    /// Log2 of the number of equal blocks `10.0.0.0/8` is split into.
    region_bits: u8,
    management_groups: Vec<(String, Option<usize>)>,
    subs: Vec<Sub>,
    nets: Vec<Net>,
    groups: Vec<(Group, Role)>,
    /// Per region, the indices into `groups` of the production, test and development spoke groups.
    spoke_groups: Vec<[usize; 3]>,
    mesh_group: usize,
    nsgs: Vec<NsgInfo>,
    collections: Vec<(String, Vec<usize>)>,
    admin_rules: Vec<AdminRule>,
    /// Per region and environment, the spokes that are members of the spoke group.
    spoke_members: Vec<[Vec<usize>; 3]>,
}

const ROOT_MG: &str = "/providers/Microsoft.Management/managementGroups/mg-contoso";

impl Plan {
    fn new(params: &Params) -> Self {
        let mut rng = Rng::new(params.seed, 0);
        let regions = params
            .regions
            .clamp(1, REGIONS.len())
            .min(params.vnets.max(1));
        let region_bits = regions.next_power_of_two().trailing_zeros() as u8;
        let per_region = 1usize << (16 - region_bits);
        let vnets = params.vnets.clamp(regions, regions * per_region);
        let subscriptions = params.subscriptions.max(1);
        let params = Params {
            vnets,
            regions,
            subscriptions,
            ..params.clone()
        };
        let mut plan = Plan {
            params,
            regions,
            region_bits,
            management_groups: Vec::new(),
            subs: Vec::new(),
            nets: Vec::new(),
            groups: Vec::new(),
            spoke_groups: Vec::new(),
            mesh_group: 0,
            nsgs: Vec::new(),
            collections: Vec::new(),
            admin_rules: Vec::new(),
            spoke_members: Vec::new(),
        };
        plan.hierarchy(&mut rng);
        plan.networks(&mut rng);
        plan.network_groups(&mut rng);
        plan.security_groups();
        plan.security_admin(&mut rng);
        plan
    }

    fn mg_id(&self, i: usize) -> String {
        self.management_groups
            .get(i)
            .map(|(name, _)| format!("/providers/Microsoft.Management/managementGroups/{name}"))
            .unwrap_or_default()
    }

    /// The business unit of a subscription: its management group just below `mg-corp` or `mg-online`, when
    /// business units are nested.
    fn business_unit(&self, sub: usize) -> Option<usize> {
        let mut mg = self.subs.get(sub)?.parent;
        loop {
            let (_, parent) = self.management_groups.get(mg)?;
            let parent = (*parent)?;
            if parent == 5 || parent == 6 {
                return Some(mg);
            }
            if parent < 5 {
                return None;
            }
            mg = parent;
        }
    }

    fn sub_id(&self, i: usize) -> &str {
        self.subs.get(i).map_or("", |s| s.id.as_str())
    }

    fn rg_id(&self, sub: usize, region_index: usize) -> String {
        format!(
            "{}/resourceGroups/rg-network-{}",
            self.sub_id(sub),
            region(region_index).0
        )
    }

    fn manager_id(&self) -> String {
        format!(
            "{}/resourceGroups/rg-avnm/providers/Microsoft.Network/networkManagers/nm-contoso",
            self.sub_id(0)
        )
    }

    fn net(&self, i: usize) -> Option<&Net> {
        self.nets.get(i)
    }

    fn vnet_id(&self, i: usize) -> String {
        self.net(i).map_or_else(String::new, |n| {
            format!(
                "{}/providers/Microsoft.Network/virtualNetworks/{}",
                self.rg_id(n.sub, n.region),
                n.name
            )
        })
    }

    fn nsg_id(&self, i: usize) -> String {
        self.nsgs.get(i).map_or_else(String::new, |n| {
            format!(
                "{}/providers/Microsoft.Network/networkSecurityGroups/{}",
                self.rg_id(n.sub, n.region),
                n.name
            )
        })
    }

    fn group_id(&self, i: usize) -> String {
        let name = self.groups.get(i).map_or("", |(g, _)| g.name.as_str());
        format!("{}/networkGroups/{name}", self.manager_id())
    }

    fn config_id(&self, kind: &str, name: &str) -> String {
        format!("{}/{kind}/{name}", self.manager_id())
    }

    fn sac_id(&self) -> String {
        self.config_id("securityAdminConfigurations", "sac-enterprise")
    }

    /// The block of `10.0.0.0/8` of a region (wrapping around the regions).
    fn region_supernet(&self, r: usize) -> String {
        let r = (r % self.regions) as u32;
        let base = (10u32 << 24) | (r << (24 - u32::from(self.region_bits)));
        prefix(base, 8 + self.region_bits)
    }

    fn hub_prefixes(&self) -> Vec<String> {
        (0..self.regions)
            .filter_map(|r| self.net(r))
            .map(|n| prefix(n.base, 24))
            .collect()
    }

    /// Management groups two levels deep, business units nested below `mg-corp` and `mg-online`, and the
    /// subscriptions below them.
    fn hierarchy(&mut self, rng: &mut Rng) {
        for (name, parent) in [
            ("mg-contoso", None),
            ("mg-platform", Some(0)),
            ("mg-landingzones", Some(0)),
            ("mg-sandbox", Some(0)),
            ("mg-connectivity", Some(1)),
            ("mg-corp", Some(2)),
            ("mg-online", Some(2)),
        ] {
            self.management_groups.push((name.to_owned(), parent));
        }
        // Business units: a binary tree of the given depth below corp (5) and online (6); subscriptions go to
        // the leaves, round-robin.
        let mut leaves: [Vec<usize>; 2] = [vec![5], vec![6]];
        for branch in &mut leaves {
            for _ in 0..self.params.management_group_depth.min(6) {
                let mut next = Vec::new();
                for &parent in branch.iter() {
                    for k in 1..=2 {
                        let name = self
                            .management_groups
                            .get(parent)
                            .map_or_else(String::new, |(n, _)| format!("{n}-{k}"));
                        next.push(self.management_groups.len());
                        self.management_groups.push((name, Some(parent)));
                    }
                }
                *branch = next;
            }
        }
        let [corp, online] = leaves;
        for i in 0..self.params.subscriptions {
            let guid = format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                rng.next() as u32,
                rng.next() as u16,
                rng.next() & 0xfff,
                rng.next() & 0xfff,
                i
            );
            let (display_name, parent) = if i == 0 {
                ("connectivity".to_owned(), 4)
            } else if i % 5 == 0 {
                (format!("sandbox-{i:02}"), 3)
            } else if i % 2 == 1 {
                let leaf = corp.get((i / 2) % corp.len().max(1)).copied();
                (format!("corp-{i:02}"), leaf.unwrap_or(5))
            } else {
                let leaf = online.get((i / 2) % online.len().max(1)).copied();
                (format!("online-{i:02}"), leaf.unwrap_or(6))
            };
            self.subs.push(Sub {
                id: format!("/subscriptions/{guid}"),
                display_name,
                parent,
            });
        }
    }

    /// Hubs first (one per region), then spokes round-robin over the regions.
    fn networks(&mut self, rng: &mut Rng) {
        let block = 1u32 << (16 - u32::from(self.region_bits));
        let base = |r: usize, position: usize| -> u32 {
            (10u32 << 24) | ((r as u32 * block + position as u32) << 8)
        };
        for r in 0..self.regions {
            self.nets.push(Net {
                name: format!("vnet-hub-{}", region(r).0),
                sub: 0,
                region: r,
                env: None,
                team: None,
                base: base(r, 0),
                peers: Vec::new(),
                subnet_nsgs: [None, None],
                nic_nsg: None,
            });
        }
        let spokes = self.params.vnets - self.regions;
        for i in 0..spokes {
            let r = i % self.regions;
            let position = i / self.regions;
            // The first spokes of each region cover every environment and the shared-services team, so
            // that every group of even a small design has members.
            let env = match position {
                0..=2 => position,
                _ => match rng.below(10) {
                    0..=4 => PROD,
                    5..=7 => TEST,
                    _ => DEV,
                },
            };
            let team = if position < 2 {
                0
            } else {
                rng.below(TEAMS.len())
            };
            let sub = if self.params.subscriptions > 1 {
                1 + rng.below(self.params.subscriptions - 1)
            } else {
                0
            };
            self.nets.push(Net {
                name: format!(
                    "vnet-{}-{}-{}-{i:05}",
                    self::team(team),
                    self::env(env),
                    region(r).1
                ),
                sub,
                region: r,
                env: Some(env),
                team: Some(team),
                base: base(r, position + 1),
                peers: Vec::new(),
                subnet_nsgs: [None, None],
                nic_nsg: None,
            });
        }
        // Legacy manual peerings between neighbouring spokes of a region, one pair per hundred spokes.
        let step = 100 * self.regions;
        let mut first = self.regions + 10 * self.regions;
        while first + self.regions < self.nets.len() {
            let second = first + self.regions;
            if let Some(net) = self.nets.get_mut(first) {
                net.peers.push(second);
            }
            if let Some(net) = self.nets.get_mut(second) {
                net.peers.push(first);
            }
            first += step;
        }
    }

    fn spokes(&self) -> impl Iterator<Item = (usize, &Net)> {
        self.nets.iter().enumerate().filter(|(_, n)| !n.is_hub())
    }

    fn network_groups(&mut self, rng: &mut Rng) {
        let total = self.params.network_groups;
        let statics = (total / 10).max(1);
        let spoke_count: Vec<usize> = self.spokes().map(|(i, _)| i).collect();

        // Static groups: the hubs, then pilot and quarantine groups of a handful of spokes.
        let hubs: Vec<usize> = (0..self.regions).collect();
        self.groups.push((
            Group {
                name: "ng-hubs".to_owned(),
                kind: GroupKind::Static(hubs),
            },
            Role::Hubs,
        ));
        for k in 1..statics {
            let count = 3 + rng.below(6);
            let mut members = BTreeSet::new();
            for _ in 0..count {
                if let Some(&m) = rng.pick(&spoke_count) {
                    members.insert(m);
                }
            }
            let (name, role) = if k % 2 == 1 {
                (format!("ng-pilot-{k:02}"), Role::Pilot)
            } else {
                (format!("ng-quarantine-{k:02}"), Role::Quarantine)
            };
            self.groups.push((
                Group {
                    name,
                    kind: GroupKind::Static(members.into_iter().collect()),
                },
                role,
            ));
        }

        // Hub-and-spoke spoke groups: per region and environment, the spokes of a few teams, picked from the
        // data so that each group stays under its cap and is never empty.
        let mut counts = vec![0usize; self.regions * ENVS.len() * TEAMS.len()];
        for (_, net) in self.spokes() {
            if let (Some(e), Some(t)) = (net.env, net.team)
                && let Some(c) = counts.get_mut((net.region * ENVS.len() + e) * TEAMS.len() + t)
            {
                *c += 1;
            }
        }
        let root = self.mg_id(0);
        for r in 0..self.regions {
            let mut indices = [0usize; 3];
            let mut members: [Vec<usize>; 3] = Default::default();
            for (e, index) in indices.iter_mut().enumerate() {
                let cap = SPOKE_GROUP_CAPS.get(e).copied().unwrap_or(200);
                let start = (r * 7 + e * 13) % TEAMS.len();
                let mut teams = Vec::new();
                let mut sum = 0;
                for k in 0..TEAMS.len() {
                    let t = (start + k) % TEAMS.len();
                    let c = counts
                        .get((r * ENVS.len() + e) * TEAMS.len() + t)
                        .copied()
                        .unwrap_or(0);
                    if c > 0 && (sum == 0 || sum + c <= cap) {
                        teams.push(t);
                        sum += c;
                    }
                }
                teams.sort_unstable();
                if let Some(m) = members.get_mut(e) {
                    *m = self
                        .spokes()
                        .filter(|(_, n)| {
                            n.region == r
                                && n.env == Some(e)
                                && n.team.is_some_and(|t| teams.contains(&t))
                        })
                        .map(|(i, _)| i)
                        .collect();
                }
                let team_names: Vec<&str> = teams.iter().map(|&t| team(t)).collect();
                let condition = json!({"allOf": [
                    {"field": "type", "equals": VNET_TYPE},
                    {"field": "tags['env']", "equals": env(e)},
                    {"field": "location", "in": [region(r).0]},
                    {"field": "tags['team']", "in": team_names},
                ]});
                *index = self.groups.len();
                self.groups.push((
                    Group {
                        name: format!("ng-spokes-{}-{}", region(r).1, env(e)),
                        kind: GroupKind::Policy {
                            condition,
                            scopes: vec![root.clone()],
                        },
                    },
                    Role::Spokes(r, e),
                ));
            }
            self.spoke_groups.push(indices);
            self.spoke_members.push(members);
        }

        // The shared-services VNets of every region, meshed per region.
        self.mesh_group = self.groups.len();
        self.groups.push((
            Group {
                name: "ng-sharedsvc".to_owned(),
                kind: GroupKind::Policy {
                    condition: json!({"allOf": [
                        {"field": "type", "equals": VNET_TYPE},
                        {"field": "name", "like": format!("vnet-{}-*", team(0))},
                    ]}),
                    scopes: vec![root.clone()],
                },
            },
            Role::Mesh,
        ));

        // Team groups: each condition is built around one spoke (its anchor), so it has members.
        let mut i = 0;
        while self.groups.len() < total {
            let Some(&anchor) = rng.pick(&spoke_count) else {
                break;
            };
            let Some(net) = self.net(anchor) else { break };
            let (t, e, r, sub) = (
                net.team.unwrap_or(0),
                net.env.unwrap_or(0),
                net.region,
                net.sub,
            );
            let other_team = team(t + 1 + rng.below(TEAMS.len() - 1));
            let other_region = region(r + 1).0;
            let sub_name = self
                .subs
                .get(sub)
                .map_or("", |s| s.display_name.as_str())
                .to_owned();
            let sub_family = sub_name.split('-').next().unwrap_or_default().to_owned();
            let vnet_type = json!({"field": "type", "equals": VNET_TYPE});
            let (label, conditions) = match i % 8 {
                0 => (
                    "team",
                    vec![json!({"field": "tags['team']", "equals": team(t)})],
                ),
                1 => (
                    env(e),
                    vec![
                        json!({"field": "tags['team']", "equals": team(t)}),
                        json!({"field": "tags['env']", "equals": env(e)}),
                    ],
                ),
                2 => (
                    region(r).1,
                    vec![
                        json!({"field": "name", "contains": format!("-{}-", team(t))}),
                        json!({"field": "location", "in": [region(r).0, other_region]}),
                    ],
                ),
                3 => (
                    "named",
                    vec![
                        json!({"field": "name", "like": format!("vnet-{}-{}-*", team(t), env(e))}),
                    ],
                ),
                4 => (
                    "sub",
                    vec![
                        json!({"value": "[subscription().displayName]", "equals": sub_name}),
                        json!({"field": "tags['team']", "equals": team(t)}),
                    ],
                ),
                5 => (
                    "pair",
                    vec![
                        json!({"anyOf": [
                            {"field": "tags['team']", "equals": team(t)},
                            {"field": "tags['team']", "equals": other_team},
                        ]}),
                        json!({"field": "tags['env']", "in": [env(e), env(e + 1)]}),
                        json!({"field": "location", "in": [region(r).0]}),
                    ],
                ),
                6 => (
                    "not",
                    vec![
                        json!({"field": "tags['team']", "equals": team(t)}),
                        json!({"not": {"field": "tags['env']", "equals": env(e + 2)}}),
                    ],
                ),
                _ => (
                    "family",
                    vec![
                        json!({"value": "[subscription().displayName]", "like": format!("{sub_family}*")}),
                        json!({"field": "name", "like": format!("vnet-{}-*-{}-*", team(t), region(r).1)}),
                    ],
                ),
            };
            let mut all = vec![vnet_type];
            all.extend(conditions);
            let scopes = self.team_scopes(rng, i, sub, &root);
            self.groups.push((
                Group {
                    name: format!("ng-{}-{label}-{i:03}", team(t)),
                    kind: GroupKind::Policy {
                        condition: json!({ "allOf": all }),
                        scopes,
                    },
                },
                Role::Team,
            ));
            i += 1;
        }
    }

    /// Where the policy of the `i`th team group, built around a VNet of subscription `sub`, is assigned.
    ///
    /// Without [`Params::policy_assignment_subscriptions`], at the root management group or at `sub`, in turn.
    /// With it, at `sub` and at other subscriptions picked at random up to that count, and every tenth group
    /// also at the business unit of `sub`.
    fn team_scopes(&self, rng: &mut Rng, i: usize, sub: usize, root: &str) -> Vec<String> {
        let count = self.params.policy_assignment_subscriptions;
        if count == 0 {
            let scope = if i.is_multiple_of(2) {
                root
            } else {
                self.sub_id(sub)
            };
            return vec![scope.to_owned()];
        }
        let mut others: Vec<usize> = (1..self.subs.len()).filter(|&s| s != sub).collect();
        let mut scopes = vec![self.sub_id(sub).to_owned()];
        // A partial Fisher-Yates shuffle: the first picks are distinct subscriptions.
        for k in 0..count.saturating_sub(1).min(others.len()) {
            let j = k + rng.below(others.len() - k);
            others.swap(k, j);
            if let Some(&other) = others.get(k) {
                scopes.push(self.sub_id(other).to_owned());
            }
        }
        if i % 10 == 9
            && let Some(unit) = self.business_unit(sub)
        {
            scopes.push(self.mg_id(unit));
        }
        scopes
    }

    /// NSGs spread over the (subscription, region) pairs that have VNets, then associated round-robin to the
    /// subnets of their pair (an NSG must be in the subscription and region of its subnet).
    fn security_groups(&mut self) {
        let pairs: Vec<(usize, usize)> = self
            .nets
            .iter()
            .map(|n| (n.sub, n.region))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut of_pair: Vec<Vec<usize>> = vec![Vec::new(); pairs.len()];
        for k in 0..self.params.nsgs {
            let slot = k % pairs.len().max(1);
            let Some(&(sub, r)) = pairs.get(slot) else {
                break;
            };
            if let Some(list) = of_pair.get_mut(slot) {
                list.push(k);
            }
            self.nsgs.push(NsgInfo {
                sub,
                region: r,
                name: format!("nsg-{}-{k:04}", region(r).1),
            });
        }
        let mut next = vec![0usize; pairs.len()];
        let mut service = 0;
        for net in &mut self.nets {
            let Ok(slot) = pairs.binary_search(&(net.sub, net.region)) else {
                continue;
            };
            let (Some(list), Some(cursor)) = (of_pair.get(slot), next.get_mut(slot)) else {
                continue;
            };
            if list.is_empty() {
                continue;
            }
            let mut take = || {
                let nsg = list.get(*cursor % list.len()).copied();
                *cursor += 1;
                nsg
            };
            // No NSG on a GatewaySubnet (the hub's first subnet).
            net.subnet_nsgs = if net.env.is_none() {
                [None, take()]
            } else {
                [take(), take()]
            };
            // Shared-services NICs and hub NICs also carry an NSG of their own.
            if net.env.is_none() || (net.team == Some(0) && service < SERVICE_VNETS) {
                net.nic_nsg = take();
                service += usize::from(net.env.is_some());
            }
        }
    }

    /// Service VNets: the first shared-services spokes, whose prefixes and hosts NSG rules mention.
    fn service_prefixes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (_, net) in self
            .spokes()
            .filter(|(_, n)| n.team == Some(0))
            .take(SERVICE_VNETS)
        {
            out.push(prefix(net.base, 24));
            out.push(prefix(net.nic_ip(), 32));
        }
        out
    }

    fn security_admin(&mut self, rng: &mut Rng) {
        let by_role = |plan: &Plan, keep: &dyn Fn(Role) -> bool| -> Vec<usize> {
            plan.groups
                .iter()
                .enumerate()
                .filter(|(_, (_, role))| keep(*role))
                .map(|(i, _)| i)
                .collect()
        };
        let hubs = by_role(self, &|r| r == Role::Hubs);
        let spokes = by_role(self, &|r| matches!(r, Role::Spokes(..) | Role::Mesh));
        let dynamic = by_role(self, &|r| {
            matches!(r, Role::Spokes(..) | Role::Mesh | Role::Team)
        });
        let quarantine = by_role(self, &|r| r == Role::Quarantine);
        let pilot = by_role(self, &|r| r == Role::Pilot);
        let teams = by_role(self, &|r| r == Role::Team);
        self.collections = vec![
            ("rc-hub-management".to_owned(), hubs),
            ("rc-management-exceptions".to_owned(), spokes),
            ("rc-baseline".to_owned(), dynamic),
            ("rc-quarantine".to_owned(), quarantine),
        ];
        for k in 0..TEAM_COLLECTIONS {
            let groups = teams
                .iter()
                .enumerate()
                .filter(|(j, _)| j % TEAM_COLLECTIONS == k)
                .map(|(_, &g)| g)
                .collect();
            self.collections.push((format!("rc-team-{k:02}"), groups));
        }

        let any = || vec![("*".to_owned(), "IPPrefix")];
        let ip_prefixes = |list: Vec<String>| -> Vec<(String, &'static str)> {
            list.into_iter().map(|p| (p, "IPPrefix")).collect()
        };
        let hub_prefixes = self.hub_prefixes();
        let mut rules = vec![
            AdminRule {
                collection: 0,
                name: "always-allow-management-out".to_owned(),
                priority: 1,
                direction: "Outbound",
                access: "AlwaysAllow",
                protocol: "Tcp",
                sources: ip_prefixes(hub_prefixes.clone()),
                destinations: vec![("10.0.0.0/8".to_owned(), "IPPrefix")],
                ports: vec!["22".to_owned(), "3389".to_owned()],
            },
            AdminRule {
                collection: 1,
                name: "always-allow-management-from-hubs".to_owned(),
                priority: 2,
                direction: "Inbound",
                access: "AlwaysAllow",
                protocol: "Tcp",
                sources: ip_prefixes(hub_prefixes.clone()),
                destinations: any(),
                ports: vec!["22".to_owned(), "3389".to_owned()],
            },
        ];
        let mut priority = 10;
        for (name, protocol, port) in HIGH_RISK.iter().take(1) {
            rules.push(baseline(name, protocol, port, priority));
            priority += 1;
        }
        rules.push(AdminRule {
            collection: 1,
            name: "allow-winrm-from-hubs".to_owned(),
            priority: 3,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sources: ip_prefixes(hub_prefixes.clone()),
            destinations: any(),
            ports: vec!["5985-5986".to_owned()],
        });
        rules.push(AdminRule {
            collection: 1,
            name: "always-allow-load-balancer".to_owned(),
            priority: 4,
            direction: "Inbound",
            access: "AlwaysAllow",
            protocol: "Any",
            sources: vec![("AzureLoadBalancer".to_owned(), "ServiceTag")],
            destinations: any(),
            ports: vec!["0-65535".to_owned()],
        });
        if let Some(&group) = pilot.first() {
            rules.push(AdminRule {
                collection: 1,
                name: "allow-sql-from-pilot".to_owned(),
                priority: 5,
                direction: "Inbound",
                access: "Allow",
                protocol: "Tcp",
                sources: vec![(self.group_id(group), "NetworkGroup")],
                destinations: any(),
                ports: vec!["1433".to_owned()],
            });
        }
        for (name, protocol, port) in HIGH_RISK.iter().skip(1) {
            rules.push(baseline(name, protocol, port, priority));
            priority += 1;
        }
        for (name, port) in [("deny-smtp-out", "25"), ("deny-irc-out", "6660-6669")] {
            rules.push(AdminRule {
                collection: 2,
                name: name.to_owned(),
                priority,
                direction: "Outbound",
                access: "Deny",
                protocol: "Tcp",
                sources: any(),
                destinations: vec![("Internet".to_owned(), "ServiceTag")],
                ports: vec![port.to_owned()],
            });
            priority += 1;
        }
        for (name, direction, priority) in [
            ("deny-all-in", "Inbound", 60),
            ("deny-all-out", "Outbound", 61),
        ] {
            rules.push(AdminRule {
                collection: 3,
                name: name.to_owned(),
                priority,
                direction,
                access: "Deny",
                protocol: "Any",
                sources: any(),
                destinations: any(),
                ports: vec!["0-65535".to_owned()],
            });
        }
        rules.retain(|r| {
            self.collections
                .get(r.collection)
                .is_some_and(|(_, groups)| !groups.is_empty())
        });
        let team_collections: Vec<usize> = (0..TEAM_COLLECTIONS)
            .map(|k| 4 + k)
            .filter(|&c| {
                self.collections
                    .get(c)
                    .is_some_and(|(_, groups)| !groups.is_empty())
            })
            .collect();
        let services = self.service_prefixes();
        let mut t = 0;
        while rules.len() < self.params.admin_rules && !team_collections.is_empty() && t < 3996 {
            let collection = team_collections
                .get(t % team_collections.len())
                .copied()
                .unwrap_or(4);
            let r = rng.below(self.regions);
            let supernet = self.region_supernet(r);
            let other = self.region_supernet(r + 1);
            let service = rng
                .pick(&services)
                .cloned()
                .unwrap_or_else(|| supernet.clone());
            let on_prem = rng.pick(&ON_PREMISES).copied().unwrap_or("192.168.0.0/16");
            let (name, direction, access, protocol, sources, destinations, ports) = match t % 8 {
                0 => (
                    "allow-https-region",
                    "Inbound",
                    "Allow",
                    "Tcp",
                    ip_prefixes(vec![supernet]),
                    any(),
                    vec!["443", "8443"],
                ),
                1 => (
                    "deny-internet-in",
                    "Inbound",
                    "Deny",
                    "Any",
                    vec![("Internet".to_owned(), "ServiceTag")],
                    any(),
                    vec!["0-65535"],
                ),
                2 => (
                    "allow-app-from-services",
                    "Inbound",
                    "Allow",
                    "Tcp",
                    ip_prefixes(vec![service]),
                    any(),
                    vec!["8080-8090"],
                ),
                3 => (
                    "deny-http-out",
                    "Outbound",
                    "Deny",
                    "Tcp",
                    any(),
                    vec![("Internet".to_owned(), "ServiceTag")],
                    vec!["80"],
                ),
                4 => (
                    "allow-dns-to-hubs",
                    "Outbound",
                    "Allow",
                    "Udp",
                    any(),
                    ip_prefixes(hub_prefixes.clone()),
                    vec!["53"],
                ),
                5 => (
                    "allow-batch-from-on-premises",
                    "Inbound",
                    "Allow",
                    "Tcp",
                    ip_prefixes(vec![on_prem.to_owned()]),
                    any(),
                    vec!["9000-9100"],
                ),
                6 => (
                    "deny-apps-other-region",
                    "Inbound",
                    "Deny",
                    "Tcp",
                    ip_prefixes(vec![other]),
                    any(),
                    vec!["8000-8999"],
                ),
                _ => (
                    "allow-icmp-vnet",
                    "Inbound",
                    "Allow",
                    "Icmp",
                    vec![("VirtualNetwork".to_owned(), "ServiceTag")],
                    any(),
                    vec!["0-65535"],
                ),
            };
            rules.push(AdminRule {
                collection,
                name: format!("{name}-{t:03}"),
                priority: 100 + t,
                direction,
                access,
                protocol,
                sources,
                destinations,
                ports: ports.into_iter().map(str::to_owned).collect(),
            });
            t += 1;
        }
        rules.truncate(self.params.admin_rules);
        self.admin_rules = rules;
    }

    /// The whole document.
    fn write(&self) -> String {
        let mut out = Out::default();
        out.raw("{\"title\":");
        out.value(&json!(format!(
            "Generated enterprise design: {} VNets in {} regions",
            self.nets.len(),
            self.regions
        )));
        out.raw(",\"description\":");
        out.value(&json!("Written by avnm_gen::design for benchmarks and scale tests; every address space is unique and every intent follows from the security admin rules."));
        out.raw(",\"generator\":");
        out.value(&serde_json::to_value(&self.params).unwrap_or(Value::Null));
        out.raw(",\"resources\":[");
        self.write_hierarchy(&mut out);
        self.write_manager(&mut out);
        self.write_networks(&mut out);
        self.write_nsgs(&mut out);
        self.write_groups(&mut out);
        self.write_connectivity(&mut out);
        self.write_security_admin(&mut out);
        out.raw("],\"commits\":");
        out.value(&self.commits());
        out.raw(",\"intents\":");
        out.value(&self.intents());
        out.raw("}");
        out.text
    }

    fn write_hierarchy(&self, out: &mut Out) {
        for (i, (name, _)) in self.management_groups.iter().enumerate() {
            let mut children: Vec<Value> = self
                .management_groups
                .iter()
                .enumerate()
                .filter(|(_, (_, parent))| *parent == Some(i))
                .map(|(j, (child, _))| {
                    json!({"id": self.mg_id(j), "type": "Microsoft.Management/managementGroups", "name": child})
                })
                .collect();
            children.extend(self.subs.iter().filter(|s| s.parent == i).map(|s| {
                json!({"id": s.id, "type": "/subscriptions", "name": s.id.trim_start_matches("/subscriptions/")})
            }));
            out.item(&json!({
                "id": self.mg_id(i),
                "name": name,
                "type": "Microsoft.Management/managementGroups",
                "properties": {"displayName": name, "children": children},
            }));
        }
        for (i, sub) in self.subs.iter().enumerate() {
            out.item(&json!({
                "id": sub.id,
                "name": sub.id.trim_start_matches("/subscriptions/"),
                "type": "Microsoft.Resources/subscriptions",
                "tags": {"costCenter": format!("cc-{:03}", 100 + i)},
                "properties": {"displayName": sub.display_name, "state": "Enabled"},
            }));
        }
        let used: BTreeSet<(usize, usize)> = self
            .nets
            .iter()
            .map(|n| (n.sub, n.region))
            .chain(self.nsgs.iter().map(|n| (n.sub, n.region)))
            .collect();
        for (sub, r) in used {
            out.item(&json!({
                "id": self.rg_id(sub, r),
                "name": format!("rg-network-{}", region(r).0),
                "type": "Microsoft.Resources/resourceGroups",
                "location": region(r).0,
                "tags": {"owner": "network"},
                "properties": {"provisioningState": "Succeeded"},
            }));
        }
    }

    fn write_manager(&self, out: &mut Out) {
        out.item(&json!({
            "id": format!("{}/resourceGroups/rg-avnm", self.sub_id(0)),
            "name": "rg-avnm",
            "type": "Microsoft.Resources/resourceGroups",
            "location": region(0).0,
            "properties": {"provisioningState": "Succeeded"},
        }));
        out.item(&json!({
            "id": self.manager_id(),
            "name": "nm-contoso",
            "type": "Microsoft.Network/networkManagers",
            "location": region(0).0,
            "properties": {
                "networkManagerScopes": {"managementGroups": [ROOT_MG], "subscriptions": []},
                "networkManagerScopeAccesses": ["Connectivity", "SecurityAdmin"],
            },
        }));
    }

    fn write_networks(&self, out: &mut Out) {
        for (i, net) in self.nets.iter().enumerate() {
            let id = self.vnet_id(i);
            let (names, prefixes) = if net.is_hub() {
                (
                    ["GatewaySubnet", "snet-shared"],
                    [prefix(net.base, 27), prefix(net.base + 128, 25)],
                )
            } else {
                (
                    ["snet-app", "snet-data"],
                    [prefix(net.base, 25), prefix(net.base + 128, 25)],
                )
            };
            let subnets: Vec<Value> = names
                .iter()
                .zip(&prefixes)
                .zip(&net.subnet_nsgs)
                .map(|((name, prefix), nsg)| {
                    let mut properties = json!({"addressPrefix": prefix});
                    if let (Some(nsg), Some(map)) = (nsg, properties.as_object_mut()) {
                        map.insert(
                            "networkSecurityGroup".to_owned(),
                            json!({"id": self.nsg_id(*nsg)}),
                        );
                    }
                    json!({
                        "name": name,
                        "id": format!("{id}/subnets/{name}"),
                        "type": "Microsoft.Network/virtualNetworks/subnets",
                        "properties": properties,
                    })
                })
                .collect();
            let peerings: Vec<Value> = net
                .peers
                .iter()
                .filter_map(|&p| self.net(p).map(|remote| (p, remote)))
                .map(|(p, remote)| {
                    let name = format!("peer-{}", remote.name);
                    json!({
                        "name": name,
                        "id": format!("{id}/virtualNetworkPeerings/{name}"),
                        "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
                        "properties": {
                            "remoteVirtualNetwork": {"id": self.vnet_id(p)},
                            "remoteAddressSpace": {"addressPrefixes": [prefix(remote.base, 24)]},
                            "peeringState": "Connected",
                            "allowVirtualNetworkAccess": true,
                            "allowForwardedTraffic": false,
                            "allowGatewayTransit": false,
                            "useRemoteGateways": false,
                        },
                    })
                })
                .collect();
            let tags = match (net.env, net.team) {
                (Some(e), Some(t)) => json!({"env": env(e), "team": team(t)}),
                _ => json!({"env": "prod", "team": "network", "role": "hub"}),
            };
            out.item(&json!({
                "id": id,
                "name": net.name,
                "type": VNET_TYPE,
                "location": region(net.region).0,
                "tags": tags,
                "properties": {
                    "addressSpace": {"addressPrefixes": [prefix(net.base, 24)]},
                    "subnets": subnets,
                    "virtualNetworkPeerings": peerings,
                },
            }));
            let nic_subnet = if net.is_hub() {
                "snet-shared"
            } else {
                "snet-app"
            };
            // The first NIC carries the VNet's NIC NSG; the others follow it at the next addresses of the subnet
            // (a `/25`, whose first four addresses Azure keeps).
            for k in 0..self.params.nics_per_vnet.clamp(1, 100) {
                let nic_name = if k == 0 {
                    format!("nic-{}", net.name.trim_start_matches("vnet-"))
                } else {
                    format!("nic-{}-{k:02}", net.name.trim_start_matches("vnet-"))
                };
                let mut properties = json!({
                    "ipConfigurations": [{
                        "name": "ipconfig1",
                        "properties": {
                            "privateIPAddress": ip(net.nic_ip() + k as u32),
                            "privateIPAllocationMethod": "Static",
                            "subnet": {"id": format!("{id}/subnets/{nic_subnet}")},
                        },
                    }],
                });
                if let (0, Some(nsg), Some(map)) = (k, net.nic_nsg, properties.as_object_mut()) {
                    map.insert(
                        "networkSecurityGroup".to_owned(),
                        json!({"id": self.nsg_id(nsg)}),
                    );
                }
                out.item(&json!({
                    "id": format!("{}/providers/Microsoft.Network/networkInterfaces/{nic_name}", self.rg_id(net.sub, net.region)),
                    "name": nic_name,
                    "type": "Microsoft.Network/networkInterfaces",
                    "location": region(net.region).0,
                    "tags": net.team.map_or_else(|| json!({}), |t| json!({"team": team(t)})),
                    "properties": properties,
                }));
            }
        }
    }

    fn write_nsgs(&self, out: &mut Out) {
        let services = self.service_prefixes();
        let hubs = self.hub_prefixes();
        let per_direction = self.params.rules_per_nsg.div_ceil(2).min(3997);
        let step = 3996usize
            .checked_div(per_direction)
            .map_or(10, |s| s.clamp(1, 10));
        for (k, nsg) in self.nsgs.iter().enumerate() {
            let mut rng = Rng::new(self.params.seed, 1 + k as u64);
            let id = self.nsg_id(k);
            let total = self.params.rules_per_nsg.min(2 * per_direction);
            let pool = |rng: &mut Rng| -> String {
                match rng.below(20) {
                    0..=7 => self.region_supernet(rng.below(self.regions)),
                    8..=10 => rng.pick(&hubs).cloned().unwrap_or_default(),
                    11..=13 => rng
                        .pick(&ON_PREMISES)
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    _ => rng
                        .pick(&services)
                        .cloned()
                        .unwrap_or_else(|| self.region_supernet(nsg.region)),
                }
            };
            let mut rules = Vec::with_capacity(total);
            for n in 0..total {
                let inbound = n < per_direction;
                let index = if inbound { n } else { n - per_direction };
                let priority = 100 + index * step;
                let template = rng.below(10);
                let mut p = serde_json::Map::new();
                let mut set = |key: &str, value: Value| {
                    p.insert(key.to_owned(), value);
                };
                set("priority", json!(priority));
                set(
                    "direction",
                    json!(if inbound { "Inbound" } else { "Outbound" }),
                );
                set("sourcePortRange", json!("*"));
                let (remote, local) = if inbound {
                    ("sourceAddressPrefix", "destinationAddressPrefix")
                } else {
                    ("destinationAddressPrefix", "sourceAddressPrefix")
                };
                let (access, protocol) = match (inbound, template) {
                    (true, 0) => {
                        set(remote, json!("VirtualNetwork"));
                        set("destinationPortRange", json!("443"));
                        ("Allow", "Tcp")
                    }
                    (true, 1) => {
                        let count = 2 + rng.below(2);
                        let list: Vec<String> = (0..count).map(|_| pool(&mut rng)).collect();
                        set("sourceAddressPrefixes", json!(list));
                        set("destinationPortRanges", json!(["8080-8090", "8443"]));
                        ("Allow", "Tcp")
                    }
                    (true, 2) => {
                        set(remote, json!("Internet"));
                        set("destinationPortRange", json!("*"));
                        ("Deny", "*")
                    }
                    (true, 3) => {
                        set(remote, json!("AzureLoadBalancer"));
                        set("destinationPortRange", json!("*"));
                        ("Allow", "*")
                    }
                    (true, 4) => {
                        set(remote, json!(pool(&mut rng)));
                        let port = HIGH_RISK
                            .get(rng.below(HIGH_RISK.len()))
                            .map_or("22", |h| h.2);
                        set("destinationPortRange", json!(port));
                        ("Deny", "Tcp")
                    }
                    (true, 5) => {
                        set(remote, json!(pool(&mut rng)));
                        set("destinationPortRange", json!("53"));
                        ("Allow", "Udp")
                    }
                    (true, 6) => {
                        set(remote, json!(self.region_supernet(nsg.region)));
                        set(local, json!("VirtualNetwork"));
                        set("destinationPortRange", json!("1433"));
                        ("Allow", "Tcp")
                    }
                    (true, 7) => {
                        set(remote, json!("*"));
                        let low = 1000 + 1000 * rng.below(20);
                        set(
                            "destinationPortRange",
                            json!(format!("{low}-{}", low + 999)),
                        );
                        ("Deny", "Tcp")
                    }
                    (true, 8) => {
                        set(remote, json!("VirtualNetwork"));
                        set("destinationPortRange", json!("*"));
                        ("Allow", "Icmp")
                    }
                    (true, _) => {
                        set(remote, json!(pool(&mut rng)));
                        let low = 3000 + 100 * rng.below(10);
                        set(
                            "destinationPortRanges",
                            json!([format!("{low}-{}", low + 99), "443"]),
                        );
                        ("Allow", "Tcp")
                    }
                    (false, 0 | 1) => {
                        set(remote, json!("VirtualNetwork"));
                        set("destinationPortRange", json!("443"));
                        ("Allow", "Tcp")
                    }
                    (false, 2) => {
                        set(remote, json!("Internet"));
                        set("destinationPortRange", json!("*"));
                        ("Deny", "*")
                    }
                    (false, 3) => {
                        set(remote, json!("Internet"));
                        set("destinationPortRanges", json!(["443", "80"]));
                        ("Allow", "Tcp")
                    }
                    (false, 4) => {
                        set("destinationAddressPrefixes", json!(hubs));
                        set("destinationPortRange", json!("53"));
                        ("Allow", "Udp")
                    }
                    (false, 5) => {
                        set(remote, json!(pool(&mut rng)));
                        set("destinationPortRange", json!("1433"));
                        ("Deny", "Tcp")
                    }
                    (false, 6) => {
                        let list: Vec<String> = (0..2).map(|_| pool(&mut rng)).collect();
                        set("destinationAddressPrefixes", json!(list));
                        set("destinationPortRange", json!("8080-8090"));
                        ("Allow", "Tcp")
                    }
                    (false, 7) => {
                        set(remote, json!("*"));
                        set("destinationPortRange", json!("25"));
                        ("Deny", "Tcp")
                    }
                    (false, _) => {
                        set(remote, json!(self.region_supernet(rng.below(self.regions))));
                        set("destinationPortRange", json!("*"));
                        ("Allow", "*")
                    }
                };
                if !p.contains_key(local) && !p.contains_key(&format!("{local}es")) {
                    p.insert(local.to_owned(), json!("*"));
                }
                if !p.contains_key(remote) && !p.contains_key(&format!("{remote}es")) {
                    p.insert(remote.to_owned(), json!("*"));
                }
                p.insert("access".to_owned(), json!(access));
                p.insert("protocol".to_owned(), json!(protocol));
                let name = format!(
                    "{}-{}-{index:04}",
                    access.to_ascii_lowercase(),
                    if inbound { "in" } else { "out" }
                );
                rules.push(json!({
                    "name": name,
                    "id": format!("{id}/securityRules/{name}"),
                    "type": "Microsoft.Network/networkSecurityGroups/securityRules",
                    "properties": p,
                }));
            }
            out.item(&json!({
                "id": id,
                "name": nsg.name,
                "type": "Microsoft.Network/networkSecurityGroups",
                "location": region(nsg.region).0,
                "properties": {"securityRules": rules},
            }));
        }
    }

    fn write_groups(&self, out: &mut Out) {
        for (i, (group, _)) in self.groups.iter().enumerate() {
            let id = self.group_id(i);
            out.item(&json!({
                "id": id,
                "name": group.name,
                "type": "Microsoft.Network/networkManagers/networkGroups",
                "properties": {"description": "", "memberType": "VirtualNetwork"},
            }));
            match &group.kind {
                GroupKind::Static(members) => {
                    for &m in members {
                        let name = format!("sm-{}", self.net(m).map_or("", |n| n.name.as_str()));
                        out.item(&json!({
                            "id": format!("{id}/staticMembers/{name}"),
                            "name": name,
                            "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
                            "properties": {"resourceId": self.vnet_id(m)},
                        }));
                    }
                }
                GroupKind::Policy { condition, scopes } => {
                    let name = format!("avnm-{}", group.name);
                    let definition = format!(
                        "{ROOT_MG}/providers/Microsoft.Authorization/policyDefinitions/{name}"
                    );
                    out.item(&json!({
                        "id": definition,
                        "name": name,
                        "type": "Microsoft.Authorization/policyDefinitions",
                        "properties": {
                            "displayName": name,
                            "policyType": "Custom",
                            "mode": "Microsoft.Network.Data",
                            "policyRule": {
                                "if": condition,
                                "then": {"effect": "addToNetworkGroup", "details": {"networkGroupId": id}},
                            },
                        },
                    }));
                    for scope in scopes {
                        out.item(&json!({
                            "id": format!("{scope}/providers/Microsoft.Authorization/policyAssignments/{name}"),
                            "name": name,
                            "type": "Microsoft.Authorization/policyAssignments",
                            "properties": {
                                "policyDefinitionId": definition,
                                "scope": scope,
                                "enforcementMode": "Default",
                            },
                        }));
                    }
                }
            }
        }
    }

    fn hub_and_spoke_ids(&self) -> Vec<String> {
        (0..self.regions)
            .map(|r| {
                self.config_id(
                    "connectivityConfigurations",
                    &format!("cc-hub-spoke-{}", region(r).1),
                )
            })
            .collect()
    }

    fn mesh_id(&self) -> String {
        self.config_id("connectivityConfigurations", "cc-mesh-sharedsvc")
    }

    fn write_connectivity(&self, out: &mut Out) {
        for (r, id) in self.hub_and_spoke_ids().into_iter().enumerate() {
            let groups: Vec<Value> = self
                .spoke_groups
                .get(r)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(e, &g)| {
                    json!({
                        "networkGroupId": self.group_id(g),
                        "groupConnectivity": if e == DEV { "None" } else { "DirectlyConnected" },
                        "useHubGateway": if e == PROD { "True" } else { "False" },
                        "isGlobal": "False",
                    })
                })
                .collect();
            out.item(&json!({
                "id": id,
                "name": format!("cc-hub-spoke-{}", region(r).1),
                "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
                "properties": {
                    "connectivityTopology": "HubAndSpoke",
                    "hubs": [{"resourceId": self.vnet_id(r), "resourceType": VNET_TYPE}],
                    "appliesToGroups": groups,
                    "isGlobal": "False",
                    "deleteExistingPeering": "False",
                },
            }));
        }
        out.item(&json!({
            "id": self.mesh_id(),
            "name": "cc-mesh-sharedsvc",
            "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
            "properties": {
                "connectivityTopology": "Mesh",
                "hubs": [],
                "appliesToGroups": [{
                    "networkGroupId": self.group_id(self.mesh_group),
                    "groupConnectivity": "None",
                    "useHubGateway": "False",
                    "isGlobal": "False",
                }],
                "isGlobal": "False",
                "deleteExistingPeering": "False",
            },
        }));
    }

    fn write_security_admin(&self, out: &mut Out) {
        let sac = self.sac_id();
        out.item(&json!({
            "id": sac,
            "name": "sac-enterprise",
            "type": "Microsoft.Network/networkManagers/securityAdminConfigurations",
            "properties": {
                "description": "Organisation-wide guardrails",
                "applyOnNetworkIntentPolicyBasedServices": ["None"],
                "networkGroupAddressSpaceAggregationOption": "Manual",
            },
        }));
        for (name, groups) in &self.collections {
            if groups.is_empty() {
                continue;
            }
            let applies: Vec<Value> = groups
                .iter()
                .map(|&g| json!({"networkGroupId": self.group_id(g)}))
                .collect();
            out.item(&json!({
                "id": format!("{sac}/ruleCollections/{name}"),
                "name": name,
                "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
                "properties": {"appliesToGroups": applies},
            }));
        }
        let addresses = |list: &[(String, &str)]| -> Vec<Value> {
            list.iter()
                .map(|(p, t)| json!({"addressPrefix": p, "addressPrefixType": t}))
                .collect()
        };
        for rule in &self.admin_rules {
            let collection = self
                .collections
                .get(rule.collection)
                .map_or("", |(name, _)| name.as_str());
            out.item(&json!({
                "id": format!("{sac}/ruleCollections/{collection}/rules/{}", rule.name),
                "name": rule.name,
                "kind": "Custom",
                "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
                "properties": {
                    "priority": rule.priority,
                    "direction": rule.direction,
                    "access": rule.access,
                    "protocol": rule.protocol,
                    "sources": addresses(&rule.sources),
                    "destinations": addresses(&rule.destinations),
                    "sourcePortRanges": ["0-65535"],
                    "destinationPortRanges": rule.ports,
                },
            }));
        }
    }

    fn commits(&self) -> Value {
        let regions: Vec<&str> = (0..self.regions).map(|r| region(r).0).collect();
        let mut connectivity = self.hub_and_spoke_ids();
        connectivity.push(self.mesh_id());
        json!([
            {
                "networkManagerId": self.manager_id(),
                "commitType": "Connectivity",
                "configurationIds": connectivity,
                "targetLocations": regions,
            },
            {
                "networkManagerId": self.manager_id(),
                "commitType": "SecurityAdmin",
                "configurationIds": [self.sac_id()],
                "targetLocations": regions,
            },
        ])
    }

    /// About ten intents whose answers the admin rules decide whatever the NSGs hold: management from a hub
    /// is always allowed into its spokes, SMB into a spoke is always denied, and nothing links a hub to the
    /// spokes of another region.
    fn intents(&self) -> Value {
        let member = |r: usize, e: usize, k: usize| -> Option<&Net> {
            let list = self.spoke_members.get(r)?.get(e)?;
            let m = list.get(k % list.len().max(1))?;
            self.net(*m)
        };
        let mut intents = Vec::new();
        let mut push = |name: String, from: u32, to: u32, port: u16, expect: &str| {
            intents.push(json!({
                "name": name, "from": ip(from), "to": ip(to), "protocol": "Tcp", "port": port, "expect": expect,
            }));
        };
        for r in 0..self.regions.min(3) {
            let (Some(hub), Some(prod), Some(test)) =
                (self.net(r), member(r, PROD, 0), member(r, TEST, 0))
            else {
                continue;
            };
            push(
                format!("{} manages {} over SSH", hub.name, prod.name),
                hub.nic_ip(),
                prod.nic_ip(),
                22,
                "Allowed",
            );
            push(
                format!("{} manages {} over RDP", hub.name, test.name),
                hub.nic_ip(),
                test.nic_ip(),
                3389,
                "Allowed",
            );
            push(
                format!("SMB from {} into {} is denied", hub.name, test.name),
                hub.nic_ip(),
                test.nic_ip(),
                445,
                "Denied",
            );
            if let Some(other) = member(r, PROD, 1).filter(|o| o.base != prod.base) {
                push(
                    format!(
                        "SMB between production spokes {} and {} is denied",
                        other.name, prod.name
                    ),
                    other.nic_ip(),
                    prod.nic_ip(),
                    445,
                    "Denied",
                );
            }
            if self.regions > 1
                && let Some(far) = member((r + 1) % self.regions, PROD, 0)
            {
                push(
                    format!(
                        "{} reaches no spoke of another region ({})",
                        hub.name, far.name
                    ),
                    hub.nic_ip(),
                    far.nic_ip(),
                    22,
                    "Unreachable",
                );
            }
        }
        intents.truncate(10);
        Value::Array(intents)
    }
}

fn baseline(name: &str, protocol: &'static str, port: &str, priority: usize) -> AdminRule {
    AdminRule {
        collection: 2,
        name: name.to_owned(),
        priority,
        direction: "Inbound",
        access: "Deny",
        protocol,
        sources: vec![("*".to_owned(), "IPPrefix")],
        destinations: vec![("*".to_owned(), "IPPrefix")],
        ports: vec![port.to_owned()],
    }
}

/// The document text, written one resource at a time so that no tree of the whole document is held.
struct Out {
    text: String,
    first: bool,
}

impl Default for Out {
    fn default() -> Self {
        Out {
            text: String::with_capacity(1 << 20),
            first: true,
        }
    }
}

impl Out {
    fn raw(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn value(&mut self, value: &Value) {
        // Serialising a `Value` to a `String` cannot fail: every map key is a string.
        let _ = write!(self.text, "{value}");
    }

    /// An element of the current array.
    fn item(&mut self, value: &Value) {
        if !self.first {
            self.text.push(',');
        }
        self.first = false;
        self.value(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use avnm_core::{Decision, Scenario, Severity, analyze};

    #[track_caller]
    fn check(params: &Params) -> (Scenario, avnm_core::Analysis) {
        let text = design(params);
        let scenario = match Scenario::parse(&text) {
            Ok(s) => s,
            Err(e) => panic!("the generated design does not load: {e}"),
        };
        let analysis = analyze(&scenario);
        let errors: Vec<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "error diagnostics: {errors:#?}");
        (scenario, analysis)
    }

    #[test]
    fn the_same_parameters_give_the_same_text() {
        let small = Params::small();
        assert_eq!(design(&small), design(&small));
        let other = Params {
            seed: 2,
            ..Params::small()
        };
        assert_ne!(design(&small), design(&other));
    }

    #[test]
    fn a_small_design_exercises_every_engine() {
        let params = Params::small();
        let (scenario, analysis) = check(&params);
        let model = scenario.model();
        assert_eq!(model.vnets.len(), params.vnets);
        assert_eq!(model.nics.len(), params.vnets * params.nics_per_vnet);
        assert_eq!(model.groups.len(), params.network_groups);
        assert_eq!(model.nsgs.len(), params.nsgs);
        assert!(
            model
                .nsgs
                .values()
                .all(|n| n.rules.len() == params.rules_per_nsg)
        );
        let admin_rules: usize = model
            .security_admin_configs
            .values()
            .flat_map(|c| &c.collections)
            .map(|c| c.rules.len())
            .sum();
        assert_eq!(admin_rules, params.admin_rules);
        assert!(model.policy_definitions.len() > params.network_groups * 8 / 10);

        for (group, members) in &analysis.membership.groups {
            assert!(!members.is_empty(), "`{group}` has no members");
            assert!(
                members.iter().all(|m| m.in_scope),
                "`{group}` has out-of-scope members"
            );
        }
        let topology = &analysis.topology;
        assert!(
            topology.peerings.len() > params.vnets / 4,
            "{} peerings",
            topology.peerings.len()
        );
        assert!(
            topology
                .peerings
                .iter()
                .any(|p| p.origin == avnm_core::connectivity::Origin::Existing)
        );
        assert!(topology.connected_groups.len() >= params.regions * 2);

        let results = analysis.check();
        assert!(results.len() >= 8, "{} intents", results.len());
        for result in &results {
            assert!(
                result.passed,
                "intent `{}` fails:\n{}",
                result.name, result.verdict
            );
        }
        let decisions: BTreeSet<_> = results
            .iter()
            .map(|r| format!("{:?}", r.verdict.verdict))
            .collect();
        for decision in [Decision::Allowed, Decision::Denied, Decision::Unreachable] {
            assert!(
                decisions.contains(&format!("{decision:?}")),
                "no intent is {decision:?}"
            );
        }
    }

    #[test]
    fn the_timed_change_turns_the_first_admin_rule_to_the_other_access() {
        let scenario = Scenario::parse(&design(&Params::small())).unwrap();
        let first = |s: &Scenario| {
            s.model()
                .admin_rules()
                .next()
                .map(|r| (r.id.clone(), r.access))
                .unwrap()
        };
        let (id, before) = first(&scenario);
        let change = crate::stages::toggled_access(&scenario).unwrap();
        let (same, after) = first(&scenario.change(&change).unwrap());
        assert_eq!(same, id);
        assert_ne!(after, before);
        assert!(crate::stages::toggled_access(&Scenario::default()).is_none());
    }

    #[test]
    fn rule_prefixes_come_from_the_address_plan() {
        use avnm_core::model::AddressItem;
        let (scenario, _) = check(&Params::small());
        let model = scenario.model();
        let allowed: Vec<ipnet::IpNet> = ["10.0.0.0/8"]
            .iter()
            .chain(ON_PREMISES.iter())
            .map(|p| p.parse().unwrap())
            .collect();
        let nsg_items = model
            .nsgs
            .values()
            .flat_map(|n| &n.rules)
            .flat_map(|r| r.sources.iter().chain(&r.destinations));
        let admin_items = model
            .admin_rules()
            .flat_map(|r| r.sources.iter().chain(&r.destinations));
        for item in nsg_items.chain(admin_items) {
            if let AddressItem::Prefix(net) = item {
                assert!(
                    allowed.iter().any(|a| a.contains(net)),
                    "`{net}` is outside the plan"
                );
            }
        }
    }

    #[test]
    fn sizes_are_clamped_to_the_address_plan() {
        let params = Params {
            vnets: 3,
            regions: 40,
            subscriptions: 0,
            network_groups: 0,
            nsgs: 0,
            rules_per_nsg: 0,
            admin_rules: 0,
            management_group_depth: 0,
            policy_assignment_subscriptions: 0,
            nics_per_vnet: 0,
            seed: 7,
        };
        let (scenario, _) = check(&params);
        assert_eq!(scenario.model().vnets.len(), 3);
    }

    #[test]
    fn several_seeds_and_shapes_load_cleanly() {
        for seed in 0..4 {
            check(&Params {
                seed,
                regions: 3,
                subscriptions: 7,
                ..Params::small()
            });
        }
        check(&Params {
            vnets: 400,
            nsgs: 40,
            network_groups: 60,
            ..Params::small()
        });
    }

    #[test]
    fn tier_one_looks_like_an_enterprise() {
        use std::collections::BTreeMap;
        let params = Params::t1();
        let (scenario, analysis) = check(&params);
        let model = scenario.model();
        assert_eq!(model.vnets.len(), 1_000);
        assert_eq!(model.nics.len(), 2_000);
        assert_eq!(model.groups.len(), 50);
        assert_eq!(model.nsgs.len(), 200);
        assert!(model.nsgs.values().all(|n| n.rules.len() == 100));
        // 90% of the groups are found by policy.
        assert_eq!(model.policy_definitions.len(), 45);
        // Team policies are assigned at 5 subscriptions each, a few also at a business unit.
        let mut per_definition: BTreeMap<_, Vec<String>> = BTreeMap::new();
        for assignment in model.policy_assignments.values() {
            per_definition
                .entry(assignment.definition.clone())
                .or_default()
                .push(assignment.scope.as_str().to_ascii_lowercase());
        }
        let team: Vec<_> = per_definition
            .iter()
            .filter(|(d, _)| {
                !d.name().starts_with("avnm-ng-spokes-") && d.name() != "avnm-ng-sharedsvc"
            })
            .collect();
        assert!(!team.is_empty());
        for (definition, scopes) in &team {
            let subscriptions = scopes
                .iter()
                .filter(|s| s.starts_with("/subscriptions/"))
                .count();
            assert_eq!(subscriptions, 5, "`{definition}`: {scopes:?}");
        }
        assert!(team.iter().any(|(_, scopes)| {
            scopes.iter().any(|s| {
                s.contains("/managementgroups/mg-corp-")
                    || s.contains("/managementgroups/mg-online-")
            })
        }));
        // Business units are nested two levels below corp and online: the subscriptions hang at the leaves.
        let leaf = model
            .management_groups
            .values()
            .find(|g| g.id.name() == "mg-corp-1-2")
            .expect("a nested business unit");
        assert!(!leaf.child_subscriptions.is_empty());
        // Every group still has members, all in scope, and the intents hold.
        for (group, members) in &analysis.membership.groups {
            assert!(!members.is_empty(), "`{group}` has no members");
        }
        assert!(analysis.check().iter().all(|r| r.passed));
    }

    #[test]
    fn tiers_are_named() {
        for tier in Tier::ALL {
            assert_eq!(Tier::from_name(&tier.name().to_uppercase()), Some(tier));
        }
        assert_eq!(Tier::from_name("t4"), None);
        assert_eq!(Tier::T2.params().network_groups, 500);
        assert_eq!(Tier::T3.params().vnets, 50_000);
    }
}
