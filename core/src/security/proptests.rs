//! Property tests of the verdict engine (STYLE §6; cedar-drt's differential testing).
//!
//! - Generated scenario documents, parsed and analysed like any other, must give the same decision and
//!   `decidedBy` as the naive [`reference`](super::reference) evaluator for random flows.
//! - Every cell of the reachability matrix is the verdict of its two endpoints.
//! - Traces are well formed: stages in order, the deciding rule matched in some step, rules listed before a
//!   step's match did not match.
//! - Abstract rules (cedar-drt `rbac-authorizer`): always-matching admin and NSG rules of each kind pin the
//!   combining logic of decisions §2 and Q3, and never-matching rules around them change nothing.
//!
//! Every run is seeded, so a failure reproduces; it prints the scenario document, the flow and the trace.

use std::net::IpAddr;

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::json;

use self::doc::Doc;
use super::reference;
use crate::model::{Access, Decision, Protocol};
use crate::verdict::{Flow, RuleRef, StepResult, Verdict};
use crate::{Analysis, Scenario, analyze};

pub(super) mod policies;

/// A small builder of scenario documents, as ARM returns the resources (decisions §1).
pub(super) mod doc {
    use serde_json::{Value, json};

    /// The subscriptions documents are made of.
    pub(crate) const SUBSCRIPTIONS: [&str; 2] = [
        "/subscriptions/00000000-0000-0000-0000-0000000000a0",
        "/subscriptions/00000000-0000-0000-0000-0000000000b1",
    ];

    /// The id of a VNet named `name` in resource group `rg` of a subscription.
    pub(crate) fn vnet_id(sub: usize, name: &str) -> String {
        format!(
            "{}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/{name}",
            SUBSCRIPTIONS[sub]
        )
    }

    /// The id of an application security group.
    pub(crate) fn asg_id(k: usize) -> String {
        format!(
            "{}/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/asg{k}",
            SUBSCRIPTIONS[0]
        )
    }

    /// The id of a management group.
    pub(crate) fn management_group_id(name: &str) -> String {
        format!("/providers/Microsoft.Management/managementGroups/{name}")
    }

    /// A subnet, inline in its VNet.
    pub(crate) fn subnet(name: &str, prefix: &str, nsg: Option<&str>) -> Value {
        let mut props = json!({ "addressPrefix": prefix });
        if let Some(nsg) = nsg {
            props["networkSecurityGroup"] = json!({ "id": nsg });
        }
        json!({ "name": name, "properties": props })
    }

    /// One direction of a manual peering, inline in its VNet.
    pub(crate) fn peering(from: &str, to: &str, state: &str) -> Value {
        let name = to.rsplit('/').next().unwrap_or_default();
        json!({
            "name": format!("to-{name}"),
            "id": format!("{from}/virtualNetworkPeerings/to-{name}"),
            "properties": { "remoteVirtualNetwork": { "id": to }, "peeringState": state },
        })
    }

    /// One address or port field: a single value as `<key>`, several as `<key>s`.
    fn one_or_many(props: &mut Value, key: &str, values: &[&str]) {
        match values {
            [one] => props[key] = json!(one),
            many => {
                let plural = if key.ends_with("Prefix") {
                    format!("{key}es")
                } else {
                    format!("{key}s")
                };
                props[plural] = json!(many);
            }
        }
    }

    /// An NSG rule, inline in its NSG.
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per field of an NSG rule"
    )]
    pub(crate) fn nsg_rule(
        name: &str,
        priority: u32,
        direction: &str,
        access: &str,
        protocol: &str,
        sources: &[&str],
        destinations: &[&str],
        source_ports: &[&str],
        destination_ports: &[&str],
    ) -> Value {
        let mut props = json!({
            "priority": priority, "direction": direction, "access": access, "protocol": protocol,
        });
        one_or_many(&mut props, "sourceAddressPrefix", sources);
        one_or_many(&mut props, "destinationAddressPrefix", destinations);
        one_or_many(&mut props, "sourcePortRange", source_ports);
        one_or_many(&mut props, "destinationPortRange", destination_ports);
        json!({ "name": name, "properties": props })
    }

    /// A scenario document under construction.
    #[derive(Clone, Debug, Default)]
    pub(crate) struct Doc {
        resources: Vec<Value>,
        commits: Vec<Value>,
    }

    impl Doc {
        fn push(&mut self, id: &str, kind: &str, location: Option<&str>, properties: Value) {
            let name = id.rsplit('/').next().unwrap_or_default();
            let mut resource = json!({ "id": id, "name": name, "type": kind });
            resource["properties"] = properties;
            if let Some(location) = location {
                resource["location"] = json!(location);
            }
            self.resources.push(resource);
        }

        /// Adds a VNet and returns its id.
        pub(crate) fn vnet(
            &mut self,
            sub: usize,
            name: &str,
            region: &str,
            space: &[&str],
            subnets: Vec<Value>,
            peerings: Vec<Value>,
        ) -> String {
            let id = vnet_id(sub, name);
            self.push(
                &id,
                "Microsoft.Network/virtualNetworks",
                Some(region),
                json!({
                    "addressSpace": { "addressPrefixes": space },
                    "subnets": Value::Array(subnets),
                    "virtualNetworkPeerings": Value::Array(peerings),
                }),
            );
            id
        }

        /// Adds a resource as it is.
        pub(crate) fn raw(&mut self, resource: Value) {
            self.resources.push(resource);
        }

        /// Sets the tags of the resource added last.
        pub(crate) fn tag_last(&mut self, tags: Value) {
            if let Some(last) = self.resources.last_mut() {
                last["tags"] = tags;
            }
        }

        /// Adds a network interface with one static IP configuration and returns its id.
        pub(crate) fn nic(
            &mut self,
            name: &str,
            sub: usize,
            ip: &str,
            subnet: &str,
            nsg: Option<&str>,
            private_endpoint: bool,
        ) -> String {
            let id = format!(
                "{}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/{name}",
                SUBSCRIPTIONS[sub]
            );
            let mut props = json!({ "ipConfigurations": [{ "name": "ipconfig1", "properties": {
                "privateIPAddress": ip, "privateIPAllocationMethod": "Static", "subnet": { "id": subnet },
            }}]});
            if let Some(nsg) = nsg {
                props["networkSecurityGroup"] = json!({ "id": nsg });
            }
            if private_endpoint {
                props["privateEndpoint"] = json!({ "id": format!(
                    "{}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-{name}",
                    SUBSCRIPTIONS[sub]
                )});
            }
            self.push(
                &id,
                "Microsoft.Network/networkInterfaces",
                Some("eastus"),
                props,
            );
            id
        }

        /// Puts the IP configuration of a network interface in application security groups.
        pub(crate) fn set_asgs(&mut self, nic: &str, asgs: &[String]) {
            if asgs.is_empty() {
                return;
            }
            let asgs: Vec<Value> = asgs.iter().map(|a| json!({ "id": a })).collect();
            for resource in &mut self.resources {
                if resource["id"] == nic {
                    resource["properties"]["ipConfigurations"][0]["properties"]["applicationSecurityGroups"] =
                        Value::Array(asgs);
                    return;
                }
            }
        }

        /// Adds an NSG with inline rules and returns its id.
        pub(crate) fn nsg(&mut self, name: &str, rules: Vec<Value>) -> String {
            let id = format!(
                "{}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/{name}",
                SUBSCRIPTIONS[0]
            );
            self.push(
                &id,
                "Microsoft.Network/networkSecurityGroups",
                Some("eastus"),
                json!({ "securityRules": Value::Array(rules) }),
            );
            id
        }

        /// Adds a management group with child management groups and subscriptions; returns its id.
        pub(crate) fn management_group(&mut self, name: &str, children: &[&str]) -> String {
            let id = management_group_id(name);
            let children: Vec<Value> = children.iter().map(|c| json!({ "id": c })).collect();
            self.push(
                &id,
                "Microsoft.Management/managementGroups",
                None,
                json!({ "children": children }),
            );
            id
        }

        /// Adds a network manager with every feature the engine simulates; returns its id.
        pub(crate) fn manager(&mut self, name: &str, groups: &[&str], subs: &[&str]) -> String {
            let id = format!(
                "{}/resourceGroups/rg-avnm/providers/Microsoft.Network/networkManagers/{name}",
                SUBSCRIPTIONS[0]
            );
            self.push(
                &id,
                "Microsoft.Network/networkManagers",
                Some("eastus"),
                json!({
                    "networkManagerScopes": { "managementGroups": groups, "subscriptions": subs },
                    "networkManagerScopeAccesses": ["Connectivity", "SecurityAdmin"],
                }),
            );
            id
        }

        /// Adds a VNet network group with static members; returns its id.
        pub(crate) fn group(&mut self, manager: &str, name: &str, members: &[&str]) -> String {
            let id = format!("{manager}/networkGroups/{name}");
            self.push(
                &id,
                "Microsoft.Network/networkManagers/networkGroups",
                None,
                json!({ "memberType": "VirtualNetwork" }),
            );
            for (i, member) in members.iter().enumerate() {
                self.push(
                    &format!("{id}/staticMembers/sm{i}"),
                    "Microsoft.Network/networkManagers/networkGroups/staticMembers",
                    None,
                    json!({ "resourceId": member }),
                );
            }
            id
        }

        /// Adds a connectivity configuration with the given properties; returns its id.
        pub(crate) fn connectivity(&mut self, manager: &str, name: &str, props: Value) -> String {
            let id = format!("{manager}/connectivityConfigurations/{name}");
            self.push(
                &id,
                "Microsoft.Network/networkManagers/connectivityConfigurations",
                None,
                props,
            );
            id
        }

        /// Adds a security admin configuration; returns its id.
        pub(crate) fn admin_config(&mut self, manager: &str, name: &str, mode: &str) -> String {
            let id = format!("{manager}/securityAdminConfigurations/{name}");
            self.push(
                &id,
                "Microsoft.Network/networkManagers/securityAdminConfigurations",
                None,
                json!({
                    "applyOnNetworkIntentPolicyBasedServices": [mode],
                    "networkGroupAddressSpaceAggregationOption": "Manual",
                }),
            );
            id
        }

        /// Adds a rule collection applying to groups; returns its id.
        pub(crate) fn collection(&mut self, config: &str, name: &str, groups: &[&str]) -> String {
            let id = format!("{config}/ruleCollections/{name}");
            let groups: Vec<Value> = groups
                .iter()
                .map(|g| json!({ "networkGroupId": g }))
                .collect();
            self.push(
                &id,
                "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
                None,
                json!({ "appliesToGroups": groups }),
            );
            id
        }

        /// Adds a custom admin rule with the given properties; returns its id.
        pub(crate) fn admin_rule(&mut self, collection: &str, name: &str, props: Value) -> String {
            let id = format!("{collection}/rules/{name}");
            self.push(
                &id,
                "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
                None,
                props,
            );
            if let Some(rule) = self.resources.last_mut() {
                rule["kind"] = json!("Custom");
            }
            id
        }

        /// Adds a commit.
        pub(crate) fn commit(
            &mut self,
            manager: &str,
            kind: &str,
            configs: &[&str],
            regions: &[&str],
        ) {
            self.commits.push(json!({
                "networkManagerId": manager, "commitType": kind,
                "configurationIds": configs, "targetLocations": regions,
            }));
        }

        /// The document as JSON text.
        pub(crate) fn to_json(&self) -> String {
            let doc = json!({ "resources": self.resources, "commits": self.commits });
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        }
    }
}

/// Generated scenarios: a plain description that proptest generates and shrinks, turned into a document.
pub(super) mod scenarios {
    use std::collections::BTreeSet;
    use std::net::IpAddr;

    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::Index;
    use serde_json::{Value, json};

    use super::doc::{self, Doc, SUBSCRIPTIONS};
    use crate::model::Protocol;
    use crate::verdict::Flow;

    const REGIONS: [&str; 2] = ["eastus", "westus"];
    const PORTS: [u16; 6] = [22, 53, 80, 443, 3389, 8080];
    const RANGES: [&str; 3] = ["1024-65535", "0-1023", "80-443"];
    const TAGS: [&str; 3] = ["VirtualNetwork", "Internet", "AzureLoadBalancer"];
    /// Addresses in no VNet: a public one, Azure's host address, an on-premises one.
    pub(super) const EXTERNAL: [&str; 3] = ["52.1.2.3", "168.63.129.16", "192.168.7.7"];
    pub(super) const PROTOCOLS: [Protocol; 6] = [
        Protocol::Tcp,
        Protocol::Udp,
        Protocol::Icmp,
        Protocol::Esp,
        Protocol::Ah,
        Protocol::Any,
    ];

    /// The scope of a manager; scopes of two managers never share an entry (decisions Q10), so two
    /// managers always have different heights over a VNet.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Scope {
        Root,
        Child,
        Sub0,
        Sub1,
        Subs,
    }

    impl Scope {
        const ALL: [Scope; 5] = [
            Scope::Root,
            Scope::Child,
            Scope::Sub0,
            Scope::Sub1,
            Scope::Subs,
        ];

        fn entries(self) -> Vec<&'static str> {
            match self {
                Scope::Root => vec!["mg-root"],
                Scope::Child => vec!["mg-child"],
                Scope::Sub0 => vec!["s0"],
                Scope::Sub1 => vec!["s1"],
                Scope::Subs => vec!["s0", "s1"],
            }
        }

        fn conflicts(self, other: Scope) -> bool {
            let mine = self.entries();
            other.entries().iter().any(|e| mine.contains(e))
        }

        fn json(self) -> (Vec<String>, Vec<&'static str>) {
            match self {
                Scope::Root => (vec![doc::management_group_id("mg-root")], vec![]),
                Scope::Child => (vec![doc::management_group_id("mg-child")], vec![]),
                Scope::Sub0 => (vec![], vec![SUBSCRIPTIONS[0]]),
                Scope::Sub1 => (vec![], vec![SUBSCRIPTIONS[1]]),
                Scope::Subs => (vec![], SUBSCRIPTIONS.to_vec()),
            }
        }
    }

    /// A source or destination of a rule, resolved against the VNets at build time.
    #[derive(Clone, Copy, Debug)]
    pub(super) enum Addr {
        Any,
        Vnet(u8),
        Subnet(u8, u8),
        Host(u8, u8, u8),
        Tag(u8),
        Public,
        LoadBalancer,
        OnPremises,
        /// The second address space of a VNet, which may not exist.
        Extra(u8),
        /// A network group of the rule's manager (admin rules; a VNet's space in NSG rules).
        Group(u8),
    }

    fn addr() -> impl Strategy<Value = Addr> {
        prop_oneof![
            2 => Just(Addr::Any),
            2 => any::<u8>().prop_map(Addr::Vnet),
            2 => (any::<u8>(), 0u8..2).prop_map(|(v, s)| Addr::Subnet(v, s)),
            2 => (any::<u8>(), 0u8..2, 0u8..2).prop_map(|(v, s, h)| Addr::Host(v, s, h)),
            3 => (0u8..3).prop_map(Addr::Tag),
            1 => Just(Addr::Public),
            1 => Just(Addr::LoadBalancer),
            1 => Just(Addr::OnPremises),
            1 => any::<u8>().prop_map(Addr::Extra),
            1 => any::<u8>().prop_map(Addr::Group),
        ]
    }

    /// A port field entry.
    #[derive(Clone, Copy, Debug)]
    pub(super) enum Ports {
        Any,
        One(u8),
        Range(u8),
    }

    fn ports() -> impl Strategy<Value = Ports> {
        prop_oneof![
            1 => Just(Ports::Any),
            3 => any::<u8>().prop_map(Ports::One),
            1 => any::<u8>().prop_map(Ports::Range),
        ]
    }

    fn source_ports() -> impl Strategy<Value = Ports> {
        prop_oneof![4 => Just(Ports::Any), 1 => ports()]
    }

    /// An index into `PROTOCOLS` (or the rule protocol names), mostly TCP or any.
    fn protocol() -> impl Strategy<Value = u8> {
        prop_oneof![4 => Just(0u8), 1 => Just(1u8), 1 => 2u8..5, 3 => Just(5u8)]
    }

    /// Commit regions as bits of `REGIONS`, mostly both, sometimes one or none.
    fn region_bits() -> impl Strategy<Value = u8> {
        prop_oneof![1 => Just(0u8), 5 => Just(3u8), 2 => 1u8..3]
    }

    fn priority(low: u32) -> impl Strategy<Value = u32> {
        // Mostly a narrow band, so that priorities meet and tie across collections.
        prop_oneof![2 => low..low + 8, 1 => low..=4096u32]
    }

    #[derive(Clone, Debug)]
    pub(super) struct NsgRule {
        priority: u32,
        inbound: bool,
        allow: bool,
        protocol: u8,
        sources: Vec<Addr>,
        destinations: Vec<Addr>,
        source_ports: Ports,
        destination_ports: Vec<Ports>,
        /// An application security group instead of the source addresses.
        source_asg: Option<u8>,
        /// An application security group instead of the destination addresses.
        destination_asg: Option<u8>,
    }

    fn nsg_rule() -> impl Strategy<Value = NsgRule> {
        (
            priority(100),
            any::<bool>(),
            any::<bool>(),
            protocol(),
            vec(addr(), 1..=2),
            vec(addr(), 1..=2),
            source_ports(),
            vec(ports(), 1..=2),
            prop::option::weighted(0.15, 0u8..2),
            prop::option::weighted(0.15, 0u8..2),
        )
            .prop_map(
                |(priority, inbound, allow, protocol, sources, destinations, sp, dp, sa, da)| {
                    NsgRule {
                        priority,
                        inbound,
                        allow,
                        protocol,
                        sources,
                        destinations,
                        source_ports: sp,
                        destination_ports: dp,
                        source_asg: sa,
                        destination_asg: da,
                    }
                },
            )
    }

    #[derive(Clone, Debug)]
    pub(super) struct AdminRule {
        priority: u32,
        access: u8,
        inbound: bool,
        protocol: u8,
        sources: Vec<Addr>,
        destinations: Vec<Addr>,
        source_ports: Vec<Ports>,
        destination_ports: Vec<Ports>,
    }

    fn admin_rule() -> impl Strategy<Value = AdminRule> {
        (
            priority(1),
            0u8..3,
            any::<bool>(),
            protocol(),
            vec(addr(), 0..=2),
            vec(addr(), 0..=2),
            vec(source_ports(), 0..=1),
            vec(ports(), 0..=2),
        )
            .prop_map(
                |(priority, access, inbound, protocol, sources, destinations, sp, dp)| AdminRule {
                    priority,
                    access,
                    inbound,
                    protocol,
                    sources,
                    destinations,
                    source_ports: sp,
                    destination_ports: dp,
                },
            )
    }

    #[derive(Clone, Debug)]
    pub(super) struct Collection {
        groups: Vec<u8>,
        rules: Vec<AdminRule>,
    }

    #[derive(Clone, Debug)]
    pub(super) struct Admin {
        /// `applyOnNetworkIntentPolicyBasedServices`: None, AllowRulesOnly, All.
        mode: u8,
        collections: Vec<Collection>,
        /// Regions committed to, as bits of `REGIONS`; 0 is no commit.
        regions: u8,
    }

    fn admin() -> impl Strategy<Value = Admin> {
        let collection = (vec(any::<u8>(), 1..=2), vec(admin_rule(), 0..=4))
            .prop_map(|(groups, rules)| Collection { groups, rules });
        (0u8..3, vec(collection, 1..=3), region_bits()).prop_map(|(mode, collections, regions)| {
            Admin {
                mode,
                collections,
                regions,
            }
        })
    }

    #[derive(Clone, Debug)]
    pub(super) struct Connectivity {
        mesh: bool,
        group: u8,
        hub: u8,
        direct: bool,
        global: bool,
        delete_existing: bool,
        regions: u8,
        /// `connectedGroupAddressOverlap: Disallowed`.
        disallowed: bool,
        /// `useHubGateway`.
        gateway: bool,
    }

    fn connectivity() -> impl Strategy<Value = Connectivity> {
        (
            any::<bool>(),
            any::<u8>(),
            any::<u8>(),
            any::<bool>(),
            any::<bool>(),
            prop::bool::weighted(0.2),
            region_bits(),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.15),
        )
            .prop_map(
                |(
                    mesh,
                    group,
                    hub,
                    direct,
                    global,
                    delete_existing,
                    regions,
                    disallowed,
                    gateway,
                )| Connectivity {
                    disallowed,
                    gateway,
                    mesh,
                    group,
                    hub,
                    direct,
                    global,
                    delete_existing,
                    regions,
                },
            )
    }

    #[derive(Clone, Debug)]
    pub(super) struct Nic {
        nsg: Option<u8>,
        private_endpoint: bool,
        /// Application security groups, as bits over `asg0` and `asg1`.
        asgs: u8,
    }

    #[derive(Clone, Debug)]
    pub(super) struct Subnet {
        /// 0-7 an ordinary subnet; 8 GatewaySubnet, 9 AzureFirewallSubnet, 10 AzureBastionSubnet,
        /// 11 an Application Gateway subnet.
        role: u8,
        /// Delegated to SQL Managed Instance (a network intent policy service).
        delegated: bool,
        nsg: Option<u8>,
        nics: Vec<Nic>,
    }

    fn subnet() -> impl Strategy<Value = Subnet> {
        let nic = (
            prop::option::weighted(0.5, any::<u8>()),
            prop::bool::weighted(0.15),
            prop_oneof![2 => Just(0u8), 1 => 1u8..4],
        )
            .prop_map(|(nsg, private_endpoint, asgs)| Nic {
                nsg,
                private_endpoint,
                asgs,
            });
        (
            0u8..12,
            prop::bool::weighted(0.2),
            prop::option::weighted(0.5, any::<u8>()),
            vec(nic, 0..=2),
        )
            .prop_map(|(role, delegated, nsg, nics)| Subnet {
                role,
                delegated,
                nsg,
                nics,
            })
    }

    #[derive(Clone, Debug)]
    pub(super) struct Vnet {
        /// The address space of an earlier VNet (index modulo this one's), overlapping it; with `true` its
        /// subnets are numbered from 2, so that each VNet has subnets the other does not.
        twin: Option<(u8, bool)>,
        /// Tags: `env` (none, `prod`, `Test`) and `tier` (none, `3`, `10`).
        env: u8,
        tier: u8,
        /// In public space (20.x) rather than 10.x.
        public: bool,
        /// With a second address space, 172.(16+i).0.0/16, and a subnet in it.
        extra: bool,
        region: u8,
        subscription: u8,
        subnets: Vec<Subnet>,
    }

    fn vnet() -> impl Strategy<Value = Vnet> {
        (
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.2),
            prop_oneof![3 => Just(0u8), 1 => Just(1u8)],
            0u8..2,
            prop_oneof![1 => vec(subnet(), 0..=0), 10 => vec(subnet(), 1..=2)],
            prop::option::weighted(0.2, (any::<u8>(), any::<bool>())),
            0u8..3,
            0u8..3,
        )
            .prop_map(
                |(public, extra, region, subscription, subnets, twin, env, tier)| Vnet {
                    twin,
                    env,
                    tier,
                    public,
                    extra,
                    region,
                    subscription,
                    subnets,
                },
            )
    }

    /// A whole design.
    #[derive(Clone, Debug)]
    pub(crate) struct Spec {
        managers: Vec<Scope>,
        vnets: Vec<Vnet>,
        nsgs: Vec<Vec<NsgRule>>,
        /// Members of each group, as bits over the VNets.
        groups: Vec<u8>,
        connectivity: Connectivity,
        admins: Vec<Admin>,
        /// A manual peering between two VNets; with `false`, only the first side exists.
        peering: Option<(u8, u8, bool)>,
        /// Another manual peering, both sides.
        second_peering: Option<(u8, u8)>,
        /// Azure Policy definitions adding to groups, each with an assignment.
        policies: Vec<super::policies::Policy>,
    }

    pub(crate) fn spec() -> impl Strategy<Value = Spec> {
        // The first manager mostly covers both subscriptions.
        let first = prop_oneof![3 => Just(0usize), 2 => Just(4usize), 2 => 1usize..4];
        let managers = (first, prop::option::weighted(0.5, 0usize..5)).prop_map(|(a, b)| {
            let first = Scope::ALL[a];
            let mut managers = vec![first];
            if let Some(b) = b {
                // The first scope after `b` that shares no entry with the first manager's.
                let second = (0..5)
                    .map(|k| Scope::ALL[(b + k) % 5])
                    .find(|s| !s.conflicts(first));
                managers.extend(second);
            }
            managers
        });
        (
            managers,
            vec(vnet(), 2..=6),
            vec(vec(nsg_rule(), 0..=5), 0..=3),
            vec(prop_oneof![1 => any::<u8>(), 1 => Just(0xffu8)], 1..=3),
            connectivity(),
            vec(admin(), 2..=2),
            prop::option::weighted(0.3, (any::<u8>(), any::<u8>(), prop::bool::weighted(0.8))),
            prop::option::weighted(0.3, (any::<u8>(), any::<u8>())),
            vec(super::policies::policy(), 0..=3),
        )
            .prop_map(
                |(
                    managers,
                    vnets,
                    nsgs,
                    groups,
                    connectivity,
                    admins,
                    peering,
                    second_peering,
                    policies,
                )| Spec {
                    second_peering,
                    policies,
                    managers,
                    vnets,
                    nsgs,
                    groups,
                    connectivity,
                    admins,
                    peering,
                },
            )
    }

    /// A flow by indices into the addresses of a built scenario.
    #[derive(Clone, Debug)]
    pub(crate) struct FlowSpec {
        from: Index,
        to: Index,
        protocol: u8,
        port: Option<u16>,
        source_port: Option<u16>,
    }

    pub(crate) fn port() -> impl Strategy<Value = u16> {
        prop_oneof![
            6 => prop::sample::select(vec![0u16, 22, 53, 80, 443, 1023, 1024, 3389, 8080, 65535]),
            1 => any::<u16>(),
        ]
    }

    pub(crate) fn flow() -> impl Strategy<Value = FlowSpec> {
        (
            any::<Index>(),
            any::<Index>(),
            protocol(),
            prop::option::weighted(0.9, port()),
            prop::option::weighted(
                0.3,
                prop_oneof![Just(49152u16), Just(80), Just(1000), any::<u16>()],
            ),
        )
            .prop_map(|(from, to, protocol, port, source_port)| FlowSpec {
                from,
                to,
                protocol,
                port,
                source_port,
            })
    }

    impl FlowSpec {
        /// The flow between two of the scenario's addresses.
        pub(crate) fn resolve(&self, addresses: &[IpAddr]) -> Flow {
            Flow {
                from: addresses[self.from.index(addresses.len())],
                to: addresses[self.to.index(addresses.len())],
                protocol: PROTOCOLS[usize::from(self.protocol) % PROTOCOLS.len()],
                port: self.port,
                source_port: self.source_port,
            }
        }
    }

    /// A built scenario: its document and the addresses flows are drawn from.
    #[derive(Debug)]
    pub(crate) struct Built {
        pub(crate) json: String,
        pub(crate) addresses: Vec<IpAddr>,
    }

    fn first_octet(v: &Vnet) -> u8 {
        if v.public { 20 } else { 10 }
    }

    /// Where a VNet's addresses are: first and second octets of its space, and the third octet of its first
    /// subnet. A twin shares the space of an earlier VNet.
    #[derive(Clone, Copy)]
    struct Layout {
        first: u8,
        second: usize,
        base: usize,
    }

    impl Spec {
        fn layout(&self) -> Vec<Layout> {
            let mut out: Vec<Layout> = Vec::new();
            for (i, v) in self.vnets.iter().enumerate() {
                let own = Layout {
                    first: first_octet(v),
                    second: i,
                    base: 0,
                };
                let layout = match v.twin {
                    Some((k, shift)) if i > 0 => {
                        let of = out[usize::from(k) % i];
                        Layout {
                            base: if shift { 2 } else { 0 },
                            ..of
                        }
                    }
                    _ => own,
                };
                out.push(layout);
            }
            out
        }

        fn prefix(&self, addr: Addr) -> String {
            let n = self.vnets.len();
            let layout = self.layout();
            let octets = |v: u8| {
                let i = usize::from(v) % n;
                (layout[i].first, layout[i].second, i)
            };
            match addr {
                Addr::Any => "*".to_owned(),
                Addr::Vnet(v) => {
                    let (o, i, _) = octets(v);
                    format!("{o}.{i}.0.0/16")
                }
                Addr::Subnet(v, s) => {
                    let (o, i, k) = octets(v);
                    format!("{o}.{i}.{}.0/24", layout[k].base + usize::from(s))
                }
                Addr::Host(v, s, h) => {
                    let (o, i, k) = octets(v);
                    format!("{o}.{i}.{}.{}", layout[k].base + usize::from(s), 4 + h)
                }
                Addr::Tag(t) => TAGS[usize::from(t) % TAGS.len()].to_owned(),
                Addr::Public => "52.0.0.0/8".to_owned(),
                Addr::LoadBalancer => "168.63.129.16/32".to_owned(),
                Addr::OnPremises => "192.168.0.0/16".to_owned(),
                Addr::Extra(v) | Addr::Group(v) => {
                    let (_, _, i) = octets(v);
                    format!("172.{}.0.0/16", 16 + i)
                }
            }
        }

        fn ports(p: Ports) -> String {
            match p {
                Ports::Any => "*".to_owned(),
                Ports::One(i) => PORTS[usize::from(i) % PORTS.len()].to_string(),
                Ports::Range(i) => RANGES[usize::from(i) % RANGES.len()].to_owned(),
            }
        }

        fn regions(bits: u8) -> Vec<&'static str> {
            REGIONS
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, r)| *r)
                .collect()
        }

        /// The document and the addresses to draw flows from.
        pub(crate) fn build(&self) -> Built {
            let mut d = Doc::default();
            let mut addresses: Vec<IpAddr> = Vec::new();
            let ip = |s: String| -> IpAddr { s.parse().expect("generated addresses parse") };
            d.management_group("mg-child", &[SUBSCRIPTIONS[1]]);
            let child = doc::management_group_id("mg-child");
            d.management_group("mg-root", &[&child, SUBSCRIPTIONS[0]]);

            // NSGs.
            let protocol_names = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"];
            let mut nsg_ids = Vec::new();
            for (k, rules) in self.nsgs.iter().enumerate() {
                let mut seen = BTreeSet::new();
                let mut out = Vec::new();
                for (j, r) in rules.iter().enumerate() {
                    if !seen.insert((r.inbound, r.priority)) {
                        continue;
                    }
                    let sources: Vec<String> = r.sources.iter().map(|a| self.prefix(*a)).collect();
                    let destinations: Vec<String> =
                        r.destinations.iter().map(|a| self.prefix(*a)).collect();
                    let dports: Vec<String> = r
                        .destination_ports
                        .iter()
                        .map(|p| Self::ports(*p))
                        .collect();
                    fn strs(v: &[String]) -> Vec<&str> {
                        v.iter().map(String::as_str).collect()
                    }
                    let sources = if r.source_asg.is_some() {
                        &[][..]
                    } else {
                        &sources
                    };
                    let destinations = if r.destination_asg.is_some() {
                        &[][..]
                    } else {
                        &destinations
                    };
                    let mut rule = doc::nsg_rule(
                        &format!("r{j}"),
                        r.priority,
                        if r.inbound { "Inbound" } else { "Outbound" },
                        if r.allow { "Allow" } else { "Deny" },
                        protocol_names[usize::from(r.protocol) % 6],
                        &strs(sources),
                        &strs(destinations),
                        &[&Self::ports(r.source_ports)],
                        &strs(&dports),
                    );
                    for (key, asg) in [
                        ("sourceApplicationSecurityGroups", r.source_asg),
                        ("destinationApplicationSecurityGroups", r.destination_asg),
                    ] {
                        if let Some(k) = asg {
                            rule["properties"][key] =
                                json!([{ "id": doc::asg_id(usize::from(k)) }]);
                        }
                    }
                    out.push(rule);
                }
                nsg_ids.push(d.nsg(&format!("nsg{k}"), out));
            }
            let nsg = |choice: Option<u8>| -> Option<String> {
                let k = usize::from(choice?);
                (!nsg_ids.is_empty()).then(|| nsg_ids[k % nsg_ids.len()].clone())
            };

            // VNets, subnets and NICs.
            let n = self.vnets.len();
            let mut vnet_ids = Vec::new();
            for (i, v) in self.vnets.iter().enumerate() {
                vnet_ids.push(doc::vnet_id(
                    usize::from(v.subscription),
                    &format!("vnet{i}"),
                ));
            }
            let mut peerings: Vec<Vec<Value>> = vec![Vec::new(); n];
            let second = self.second_peering.map(|(a, b)| (a, b, true));
            for (a, b, both) in self.peering.into_iter().chain(second) {
                let (a, b) = (usize::from(a) % n, usize::from(b) % n);
                if a != b {
                    peerings[a].push(doc::peering(&vnet_ids[a], &vnet_ids[b], "Connected"));
                    if both {
                        peerings[b].push(doc::peering(&vnet_ids[b], &vnet_ids[a], "Connected"));
                    }
                }
            }
            let layout = self.layout();
            for (i, v) in self.vnets.iter().enumerate() {
                let Layout {
                    first: o,
                    second: space,
                    base,
                } = layout[i];
                let sub = usize::from(v.subscription);
                let mut names = BTreeSet::new();
                let mut subnets = Vec::new();
                for (s, sn) in v.subnets.iter().enumerate() {
                    let special = match sn.role {
                        8 => Some("GatewaySubnet"),
                        9 => Some("AzureFirewallSubnet"),
                        10 => Some("AzureBastionSubnet"),
                        _ => None,
                    };
                    let name = special
                        .filter(|n| !names.contains(*n))
                        .map_or_else(|| format!("snet{s}"), str::to_owned);
                    names.insert(name.clone());
                    let subnet_nsg = nsg(sn.nsg);
                    let third = base + s;
                    let mut value = doc::subnet(
                        &name,
                        &format!("{o}.{space}.{third}.0/24"),
                        subnet_nsg.as_deref(),
                    );
                    if sn.role == 11 {
                        value["properties"]["applicationGatewayIPConfigurations"] = json!([{
                            "id": format!("{}/resourceGroups/rg/providers/Microsoft.Network/applicationGateways/agw{i}/gatewayIPConfigurations/ipc", SUBSCRIPTIONS[sub])
                        }]);
                    }
                    if sn.delegated {
                        value["properties"]["delegations"] = json!([{
                            "name": "sqlmi", "properties": { "serviceName": "Microsoft.Sql/managedInstances" }
                        }]);
                    }
                    subnets.push(value);
                    let subnet_id = format!("{}/subnets/{name}", vnet_ids[i]);
                    for (k, nic) in sn.nics.iter().enumerate() {
                        let address = format!("{o}.{space}.{third}.{}", 4 + k);
                        let id = d.nic(
                            &format!("nic-{i}-{s}-{k}"),
                            sub,
                            &address,
                            &subnet_id,
                            nsg(nic.nsg).as_deref(),
                            nic.private_endpoint,
                        );
                        let asgs: Vec<String> = (0..2)
                            .filter(|b| nic.asgs & (1 << b) != 0)
                            .map(doc::asg_id)
                            .collect();
                        d.set_asgs(&id, &asgs);
                        addresses.push(ip(address));
                    }
                    // An address of the subnet that no NIC holds.
                    addresses.push(ip(format!("{o}.{space}.{third}.100")));
                }
                // An address of the VNet in no subnet.
                addresses.push(ip(format!("{o}.{space}.50.5")));
                let mut space = vec![format!("{o}.{space}.0.0/16")];
                if v.extra {
                    let x = 16 + i;
                    space.push(format!("172.{x}.0.0/16"));
                    subnets.push(doc::subnet("snetx", &format!("172.{x}.1.0/24"), None));
                    addresses.push(ip(format!("172.{x}.1.100")));
                    addresses.push(ip(format!("172.{x}.50.5")));
                }
                let space: Vec<&str> = space.iter().map(String::as_str).collect();
                d.vnet(
                    sub,
                    &format!("vnet{i}"),
                    REGIONS[usize::from(v.region)],
                    &space,
                    subnets,
                    std::mem::take(&mut peerings[i]),
                );
                let mut tags = serde_json::Map::new();
                if v.env > 0 {
                    tags.insert(
                        "env".into(),
                        json!(["prod", "Test"][usize::from(v.env) - 1]),
                    );
                }
                if v.tier > 0 {
                    tags.insert("tier".into(), json!(["3", "10"][usize::from(v.tier) - 1]));
                }
                if !tags.is_empty() {
                    d.tag_last(Value::Object(tags));
                }
            }
            // What `subscription()` and `resourceGroup()` read in policy conditions.
            d.raw(json!({
                "id": SUBSCRIPTIONS[0], "name": SUBSCRIPTIONS[0].rsplit('/').next(),
                "type": "Microsoft.Resources/subscriptions",
                "properties": { "displayName": "Contoso Prod" }, "tags": { "tier": "gold" },
            }));
            d.raw(json!({
                "id": format!("{}/resourceGroups/rg", SUBSCRIPTIONS[0]), "name": "rg",
                "type": "Microsoft.Resources/resourceGroups", "location": "East US", "properties": {},
            }));
            addresses.extend(EXTERNAL.iter().map(|a| ip((*a).to_owned())));

            // Managers and their groups: group g belongs to manager g mod the number of managers.
            let managers: Vec<String> = self
                .managers
                .iter()
                .enumerate()
                .map(|(m, scope)| {
                    let (groups, subs) = scope.json();
                    let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
                    d.manager(&format!("nm{m}"), &groups, &subs)
                })
                .collect();
            let mut groups_of: Vec<Vec<String>> = vec![Vec::new(); managers.len()];
            for (g, bits) in self.groups.iter().enumerate() {
                let m = g % managers.len();
                let members: Vec<&str> = vnet_ids
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i < 8 && bits & (1 << i) != 0)
                    .map(|(_, id)| id.as_str())
                    .collect();
                let id = d.group(&managers[m], &format!("ng{g}"), &members);
                groups_of[m].push(id);
            }

            // Azure Policy definitions adding to groups of any manager.
            let all_groups: Vec<&String> = groups_of.iter().flatten().collect();
            for (k, policy) in self.policies.iter().enumerate() {
                if let Some(group) =
                    all_groups.get(usize::from(policy.group) % all_groups.len().max(1))
                {
                    for resource in policy.resources(k, group) {
                        d.raw(resource);
                    }
                }
            }

            // Connectivity, from the first manager.
            let c = &self.connectivity;
            if let Some(group) = groups_of[0].get(usize::from(c.group) % groups_of[0].len().max(1))
            {
                let props = if c.mesh {
                    json!({
                        "connectivityTopology": "Mesh",
                        "appliesToGroups": [{ "networkGroupId": group, "groupConnectivity": "None" }],
                        "isGlobal": c.global,
                        "deleteExistingPeering": c.delete_existing,
                    })
                } else {
                    json!({
                        "connectivityTopology": "HubAndSpoke",
                        "hubs": [{ "resourceId": vnet_ids[usize::from(c.hub) % n], "resourceType": "Microsoft.Network/virtualNetworks" }],
                        "appliesToGroups": [{
                            "networkGroupId": group,
                            "groupConnectivity": if c.direct { "DirectlyConnected" } else { "None" },
                            "isGlobal": c.global && c.direct,
                        }],
                        "isGlobal": false,
                        "deleteExistingPeering": c.delete_existing,
                    })
                };
                let mut props = props;
                if c.disallowed {
                    props["connectivityCapabilities"] =
                        json!({ "connectedGroupAddressOverlap": "Disallowed" });
                }
                if c.gateway && !c.mesh {
                    props["appliesToGroups"][0]["useHubGateway"] = json!("True");
                }
                let config = d.connectivity(&managers[0], "cc", props);
                let regions = Self::regions(c.regions);
                if !regions.is_empty() {
                    d.commit(&managers[0], "Connectivity", &[&config], &regions);
                }
            }

            // Security admin configurations, one per manager.
            let access_names = ["Allow", "AlwaysAllow", "Deny"];
            let protocol_names = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "Any"];
            for (m, manager) in managers.iter().enumerate() {
                let a = &self.admins[m];
                let mode = ["None", "AllowRulesOnly", "All"][usize::from(a.mode) % 3];
                let config = d.admin_config(manager, &format!("sac{m}"), mode);
                for (ci, collection) in a.collections.iter().enumerate() {
                    let mut groups: Vec<&str> = Vec::new();
                    for g in &collection.groups {
                        if let Some(id) =
                            groups_of[m].get(usize::from(*g) % groups_of[m].len().max(1))
                            && !groups.contains(&id.as_str())
                        {
                            groups.push(id);
                        }
                    }
                    let cid = d.collection(&config, &format!("rc{ci}"), &groups);
                    let mut seen = BTreeSet::new();
                    for (j, r) in collection.rules.iter().enumerate() {
                        if !seen.insert(r.priority) {
                            continue;
                        }
                        let item = |a: &Addr| match a {
                            Addr::Tag(_) => {
                                json!({ "addressPrefix": self.prefix(*a), "addressPrefixType": "ServiceTag" })
                            }
                            Addr::Group(g) if !groups_of[m].is_empty() => json!({
                                "addressPrefix": groups_of[m][usize::from(*g) % groups_of[m].len()],
                                "addressPrefixType": "NetworkGroup",
                            }),
                            _ => {
                                json!({ "addressPrefix": self.prefix(*a), "addressPrefixType": "IPPrefix" })
                            }
                        };
                        let sources: Vec<Value> = r.sources.iter().map(item).collect();
                        let destinations: Vec<Value> = r.destinations.iter().map(item).collect();
                        let sports: Vec<String> =
                            r.source_ports.iter().map(|p| Self::ports(*p)).collect();
                        let dports: Vec<String> = r
                            .destination_ports
                            .iter()
                            .map(|p| Self::ports(*p))
                            .collect();
                        d.admin_rule(
                            &cid,
                            &format!("ar{j}"),
                            json!({
                                "priority": r.priority,
                                "access": access_names[usize::from(r.access) % 3],
                                "direction": if r.inbound { "Inbound" } else { "Outbound" },
                                "protocol": protocol_names[usize::from(r.protocol) % 6],
                                "sources": sources,
                                "destinations": destinations,
                                "sourcePortRanges": sports,
                                "destinationPortRanges": dports,
                            }),
                        );
                    }
                }
                let regions = Self::regions(a.regions);
                if !regions.is_empty() {
                    d.commit(manager, "SecurityAdmin", &[&config], &regions);
                }
            }
            Built {
                json: d.to_json(),
                addresses,
            }
        }
    }
}

/// Seeded, without failure files in the source tree.
fn config(cases: u32, seed: u64) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

pub(super) fn analysis_of(json: &str) -> Analysis {
    analyze(&Scenario::parse(json).expect("generated documents parse"))
}

/// The engine's verdict for a flow, with the reference's; fails with the scenario and trace when they differ.
#[track_caller]
fn check(
    json: &str,
    analysis: &Analysis,
    reference: &reference::Reference<'_>,
    flow: &Flow,
) -> Result<Verdict, TestCaseError> {
    let got = analysis.verdict(flow);
    let (decision, decided_by) = reference.verdict(flow);
    if got.verdict != decision || got.decided_by != decided_by {
        return Err(TestCaseError::fail(format!(
            "engine and reference disagree on {flow:?}\nreference: {decision:?} by {}\nengine:    {got}\nscenario:\n{json}",
            decided_by.map_or_else(|| "no rule".to_owned(), |r| r.to_string()),
        )));
    }
    Ok(got)
}

/// Decisions §2 trace shape: stages in order, the deciding rule matched somewhere, first matches only.
fn trace_is_well_formed(verdict: &Verdict) -> Result<(), String> {
    let steps = &verdict.trace.0;
    if let Some(w) = steps.windows(2).find(|w| w[0].stage >= w[1].stage) {
        return Err(format!(
            "stage {:?} comes after {:?}",
            w[1].stage, w[0].stage
        ));
    }
    if let Some(rule) = &verdict.decided_by
        && !steps.iter().any(|s| s.matched_rule.as_ref() == Some(rule))
    {
        return Err(format!("decidedBy `{rule}` is the matched rule of no step"));
    }
    match verdict.verdict {
        Decision::Denied => {
            if steps.last().map(|s| s.result) != Some(StepResult::Denied) {
                return Err("a Denied verdict whose last step did not deny".to_owned());
            }
            if verdict.decided_by.is_none() {
                return Err("a Denied verdict without a deciding rule".to_owned());
            }
        }
        Decision::Unreachable if verdict.decided_by.is_some() => {
            return Err("an Unreachable verdict with a deciding rule".to_owned());
        }
        _ => {}
    }
    for step in steps {
        let position = step
            .matched_rule
            .as_ref()
            .map(|m| step.rules.iter().position(|r| &r.rule == m));
        match position {
            Some(None) => {
                return Err(format!(
                    "{:?}: the matched rule is not among the rules listed",
                    step.stage
                ));
            }
            Some(Some(p)) => {
                if let Some(r) = step.rules[..p].iter().find(|r| r.matched()) {
                    return Err(format!(
                        "{:?}: `{}` matched before the matched rule",
                        step.stage, r.rule
                    ));
                }
                if !step.rules[p].matched() {
                    return Err(format!("{:?}: the matched rule did not match", step.stage));
                }
                if p + 1 != step.rules.len() {
                    return Err(format!(
                        "{:?}: rules are listed after the first match",
                        step.stage
                    ));
                }
            }
            None => {
                if let Some(r) = step.rules.iter().find(|r| r.matched()) {
                    return Err(format!(
                        "{:?}: `{}` matched but the step has no matched rule",
                        step.stage, r.rule
                    ));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256, 0x0a11_0001))]

    /// Property 1: the engine agrees with the reference on decision and `decidedBy`.
    #[test]
    fn engine_agrees_with_the_reference(
        spec in scenarios::spec(),
        flows in proptest::collection::vec(scenarios::flow(), 64..=96),
    ) {
        let built = spec.build();
        let analysis = analysis_of(&built.json);
        let reference = reference::Reference::new(&analysis.model, &analysis.goal_state);
        for f in &flows {
            check(&built.json, &analysis, &reference, &f.resolve(&built.addresses))?;
        }
    }
}

proptest! {
    #![proptest_config(config(256, 0x0a11_0005))]

    /// Membership resolved a few steps at a time, as the page resolves a large design's between its frames, is
    /// what `resolve` finds; each step takes it further.
    #[test]
    fn membership_resolved_in_steps_is_resolved_membership(
        spec in scenarios::spec(),
        per_step in 1usize..4,
    ) {
        let built = spec.build();
        let scenario = Scenario::parse(&built.json).expect("generated documents parse");
        let mut resolving = crate::membership::Resolving::new(scenario.model());
        let mut done = resolving.progress().0;
        while !resolving.step(per_step) {
            let (now, total) = resolving.progress();
            prop_assert!(now > done && now <= total, "{} then {} of {}", done, now, total);
            done = now;
        }
        let (now, total) = resolving.progress();
        prop_assert_eq!(now, total);
        prop_assert_eq!(resolving.finish(), crate::membership::resolve(scenario.model()));
    }
}

proptest! {
    #![proptest_config(config(256, 0x0a11_0006))]

    /// The admin rule sets made a few VNets at a time, as the page makes a large design's between its frames, are
    /// the sets `rule_sets` makes, shared by the same VNets.
    #[test]
    fn rule_sets_made_in_steps_are_the_rule_sets(spec in scenarios::spec(), per_step in 1usize..4) {
        use crate::security::admin::{RuleSets, rule_sets};
        let built = spec.build();
        let analysis = analysis_of(&built.json);
        let (model, membership, goal) = (&analysis.model, &analysis.membership, &analysis.goal_state);
        let mut sets = RuleSets::default();
        let mut steps = 0;
        while !sets.step(model, membership, goal, per_step) {
            steps += 1;
            prop_assert!(steps <= membership.vnet_groups.len(), "{} steps of {} for {} VNets", steps, per_step, membership.vnet_groups.len());
        }
        let (stepped, whole) = (sets.finish(), rule_sets(model, membership, goal));
        prop_assert_eq!(&stepped, &whole);
        for (a, x) in &stepped {
            for (b, y) in &stepped {
                prop_assert_eq!(std::sync::Arc::ptr_eq(x, y), std::sync::Arc::ptr_eq(&whole[a], &whole[b]));
            }
        }
    }
}

proptest! {
    #![proptest_config(config(128, 0x0a11_0002))]

    /// Property 2: each cell of the matrix is the verdict of its row and column endpoints.
    #[test]
    fn matrix_cells_are_the_verdicts_of_their_endpoints(
        spec in scenarios::spec(),
        protocol in prop::sample::select(scenarios::PROTOCOLS.to_vec()),
        port in scenarios::port(),
    ) {
        let built = spec.build();
        let analysis = analysis_of(&built.json);
        let matrix = analysis.matrix(protocol, port);
        let vnets: Vec<_> = analysis.model.vnets.keys().cloned().collect();
        prop_assert_eq!(&matrix.vnets, &vnets);
        prop_assert_eq!(matrix.cells.len(), vnets.len());
        for (i, from) in matrix.endpoints.iter().enumerate() {
            prop_assert_eq!(matrix.cells[i].len(), vnets.len());
            for (j, to) in matrix.endpoints.iter().enumerate() {
                let cell = &matrix.cells[i][j];
                let (Some(from), Some(to)) = (from, to) else {
                    prop_assert_eq!(cell.verdict, Decision::Unreachable);
                    prop_assert_eq!(&cell.decided_by, &None);
                    continue;
                };
                let flow = Flow { from: *from, to: *to, protocol, port: Some(port), source_port: None };
                let verdict = analysis.verdict(&flow);
                prop_assert!(
                    cell.verdict == verdict.verdict && cell.decided_by == verdict.decided_by,
                    "cell [{i}][{j}] is {:?} by {:?}, the verdict of {flow:?} is {verdict}\nscenario:\n{}",
                    cell.verdict, cell.decided_by, built.json
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(config(128, 0x0a11_0003))]

    /// Property 3: traces are well formed.
    #[test]
    fn traces_are_well_formed(
        spec in scenarios::spec(),
        flows in proptest::collection::vec(scenarios::flow(), 16..=24),
    ) {
        let built = spec.build();
        let analysis = analysis_of(&built.json);
        for f in &flows {
            let flow = f.resolve(&built.addresses);
            let verdict = analysis.verdict(&flow);
            if let Err(problem) = trace_is_well_formed(&verdict) {
                return Err(TestCaseError::fail(format!(
                    "{problem} for {flow:?}\n{verdict}\nscenario:\n{}", built.json
                )));
            }
        }
    }
}

/// Abstract rules: one VNet with a NIC, always-matching rules of each kind on one side, never-matching
/// rules around them, and the answer decisions §2 gives.
mod abstract_rules {
    use super::*;

    /// What an NSG does with the flow.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Nsg {
        /// No NSG is associated.
        Absent,
        /// An always-matching Allow rule.
        Allow,
        /// An always-matching Deny rule.
        Deny,
    }

    /// Which rule should decide.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Who {
        Admin,
        SubnetNsg,
        NicNsg,
    }

    /// The side under test.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Side {
        /// Internet → VM, inbound: subnet NSG, then NIC NSG.
        Destination,
        /// VM → Internet, outbound: NIC NSG, then subnet NSG; the destination is external, so the source
        /// side decides.
        Source,
    }

    /// Decisions §2: an admin Deny denies and AlwaysAllow allows (skipping the NSGs, Q3); otherwise the NSGs
    /// in Azure's order: the first deny decides, else the last rule that allowed (an NSG rule, or the admin
    /// Allow), else no rule.
    pub(super) fn expected(
        side: Side,
        admin: Option<Access>,
        subnet: Nsg,
        nic: Nsg,
    ) -> (Decision, Option<Who>) {
        match admin {
            Some(Access::Deny) => return (Decision::Denied, Some(Who::Admin)),
            Some(Access::AlwaysAllow) => return (Decision::Allowed, Some(Who::Admin)),
            Some(Access::Allow) | None => {}
        }
        let mut last = admin.map(|_| Who::Admin);
        let order = match side {
            Side::Destination => [(Who::SubnetNsg, subnet), (Who::NicNsg, nic)],
            Side::Source => [(Who::NicNsg, nic), (Who::SubnetNsg, subnet)],
        };
        for (who, nsg) in order {
            match nsg {
                Nsg::Deny => return (Decision::Denied, Some(who)),
                Nsg::Allow => last = Some(who),
                Nsg::Absent => {}
            }
        }
        (Decision::Allowed, last)
    }

    /// A never-matching rule: each differs from the flow in one field, or in direction.
    #[derive(Clone, Copy, Debug)]
    pub(super) struct Noise {
        pub(super) priority: u32,
        pub(super) access: u8,
        pub(super) miss: u8,
    }

    pub(super) fn noise() -> impl Strategy<Value = Noise> {
        (1u32..=4096, 0u8..3, 0u8..7).prop_map(|(priority, access, miss)| Noise {
            priority,
            access,
            miss,
        })
    }

    const VM: &str = "10.20.1.4";
    const INTERNET: &str = "52.1.2.3";

    /// The flow under test for a side: TCP 443 from port 49152.
    pub(super) fn flow(side: Side) -> Flow {
        let (from, to) = match side {
            Side::Destination => (INTERNET, VM),
            Side::Source => (VM, INTERNET),
        };
        Flow::new(
            from.parse().unwrap(),
            to.parse().unwrap(),
            Protocol::Tcp,
            443,
        )
    }

    /// A rule that never matches the flow of `side`: it differs in one field, or in direction.
    struct Never {
        protocol: &'static str,
        direction: &'static str,
        sources: Vec<&'static str>,
        destinations: Vec<&'static str>,
        source_ports: Vec<&'static str>,
        destination_ports: Vec<&'static str>,
    }

    fn never(side: Side, miss: u8) -> Never {
        let (direction, other) = match side {
            Side::Destination => ("Inbound", "Outbound"),
            Side::Source => ("Outbound", "Inbound"),
        };
        let mut r = Never {
            protocol: "Tcp",
            direction,
            sources: vec!["*"],
            destinations: vec!["*"],
            source_ports: vec!["*"],
            destination_ports: vec!["443"],
        };
        match miss % 7 {
            0 => r.protocol = "Udp",
            1 => r.destination_ports = vec!["1-442", "444-65535"],
            2 => r.source_ports = vec!["0-1024"],
            3 => r.sources = vec!["198.51.100.0/24"],
            4 => r.destinations = vec!["10.99.0.0/16", "203.0.113.0/24"],
            5 => r.direction = other,
            _ => r.protocol = "Icmp",
        }
        r
    }

    /// The scenario, and the ids of the rules that may decide.
    pub(super) fn scenario(
        side: Side,
        admin: Option<Access>,
        subnet: Nsg,
        nic: Nsg,
        noise: &[Noise],
    ) -> (String, Vec<(Who, String)>) {
        const NSG_HIT: u32 = 500;
        const ADMIN_HIT: u32 = 2000;
        let mut d = Doc::default();
        let (dir, dir_name) = match side {
            Side::Destination => ("Inbound", "in"),
            Side::Source => ("Outbound", "out"),
        };
        let mut ids = Vec::new();
        let mut nsg = |d: &mut Doc, name: &str, outcome: Nsg, who: Who| -> Option<String> {
            let access = match outcome {
                Nsg::Absent => return None,
                Nsg::Allow => "Allow",
                Nsg::Deny => "Deny",
            };
            let hit = format!("hit-{dir_name}");
            let mut rules = vec![doc::nsg_rule(
                &hit,
                NSG_HIT,
                dir,
                access,
                "*",
                &["*"],
                &["*"],
                &["*"],
                &["*"],
            )];
            // NSG priorities are unique per direction: the noise keeps off the hit and off each other.
            let mut used = vec![NSG_HIT];
            for (k, n) in noise.iter().enumerate() {
                let priority = 100 + n.priority % 3997;
                if used.contains(&priority) {
                    continue;
                }
                used.push(priority);
                let r = never(side, n.miss);
                rules.push(doc::nsg_rule(
                    &format!("noise{k}"),
                    priority,
                    r.direction,
                    if n.access % 2 == 0 { "Allow" } else { "Deny" },
                    r.protocol,
                    &r.sources,
                    &r.destinations,
                    &r.source_ports,
                    &r.destination_ports,
                ));
            }
            let id = d.nsg(name, rules);
            ids.push((who, format!("{id}/securityRules/{hit}")));
            Some(id)
        };
        let subnet_nsg = nsg(&mut d, "nsg-subnet", subnet, Who::SubnetNsg);
        let nic_nsg = nsg(&mut d, "nsg-nic", nic, Who::NicNsg);
        let vnet = d.vnet(
            0,
            "vm",
            "eastus",
            &["10.20.0.0/16"],
            vec![doc::subnet("app", "10.20.1.0/24", subnet_nsg.as_deref())],
            vec![],
        );
        d.nic(
            "nic-vm",
            0,
            VM,
            &format!("{vnet}/subnets/app"),
            nic_nsg.as_deref(),
            false,
        );
        let nm = d.manager("nm", &[], &[doc::SUBSCRIPTIONS[0]]);
        let all = d.group(&nm, "all", &[&vnet]);
        let config = d.admin_config(&nm, "sac", "None");
        let collection = d.collection(&config, "rc", &[&all]);
        if let Some(access) = admin {
            let access = match access {
                Access::Allow => "Allow",
                Access::AlwaysAllow => "AlwaysAllow",
                Access::Deny => "Deny",
            };
            let id = d.admin_rule(
                &collection,
                "hit",
                json!({ "priority": ADMIN_HIT, "access": access, "direction": dir, "protocol": "Any" }),
            );
            ids.push((Who::Admin, id));
        }
        // Admin priorities are unique within a collection.
        let mut used = vec![ADMIN_HIT];
        for (k, n) in noise.iter().enumerate() {
            if used.contains(&n.priority) {
                continue;
            }
            used.push(n.priority);
            let r = never(side, n.miss);
            let item = |p: &&str| json!({ "addressPrefix": p, "addressPrefixType": "IPPrefix" });
            let access = ["Allow", "AlwaysAllow", "Deny"][usize::from(n.access) % 3];
            d.admin_rule(
                &collection,
                &format!("noise{k}"),
                json!({
                    "priority": n.priority,
                    "access": access,
                    "direction": r.direction,
                    "protocol": r.protocol,
                    "sources": r.sources.iter().map(item).collect::<Vec<_>>(),
                    "destinations": r.destinations.iter().map(item).collect::<Vec<_>>(),
                    "sourcePortRanges": r.source_ports,
                    "destinationPortRanges": r.destination_ports,
                }),
            );
        }
        d.commit(&nm, "SecurityAdmin", &[&config], &["eastus"]);
        (d.to_json(), ids)
    }

    /// Evaluates one combination with the engine and the reference and compares both with decisions §2.
    pub(super) fn run(
        side: Side,
        admin: Option<Access>,
        subnet: Nsg,
        nic: Nsg,
        noise: &[Noise],
    ) -> Result<(), String> {
        let (json, ids) = scenario(side, admin, subnet, nic, noise);
        let analysis = analysis_of(&json);
        let flow = flow(side);
        let (decision, who) = expected(side, admin, subnet, nic);
        let want_rule = who.map(|w| {
            ids.iter()
                .find(|(x, _)| *x == w)
                .map(|(_, id)| id.to_ascii_lowercase())
                .unwrap_or_default()
        });
        let got = analysis.verdict(&flow);
        let got_rule = got
            .decided_by
            .as_ref()
            .map(|r| r.to_string().to_ascii_lowercase());
        let (ref_decision, ref_rule) =
            reference::verdict(&analysis.model, &analysis.goal_state, &flow);
        let ref_rule = ref_rule.map(|r| r.to_string().to_ascii_lowercase());
        if (got.verdict, &got_rule) != (decision, &want_rule)
            || (ref_decision, &ref_rule) != (decision, &want_rule)
        {
            return Err(format!(
                "{side:?} side, admin {admin:?}, subnet NSG {subnet:?}, NIC NSG {nic:?}: expected {decision:?} by {want_rule:?} ({who:?})\nreference: {ref_decision:?} by {ref_rule:?}\nengine: {got}\nscenario:\n{json}"
            ));
        }
        Ok(())
    }

    pub(super) const ADMIN: [Option<Access>; 4] = [
        None,
        Some(Access::Allow),
        Some(Access::AlwaysAllow),
        Some(Access::Deny),
    ];
    pub(super) const NSG: [Nsg; 3] = [Nsg::Absent, Nsg::Allow, Nsg::Deny];
}

/// The brief's table, written out: admin access × the destination subnet NSG, no NIC NSG.
#[test]
fn admin_access_and_nsg_outcome_combine_as_decided() {
    use abstract_rules::{Nsg, Who};
    let table = [
        (Access::Deny, Nsg::Absent, Decision::Denied, Who::Admin),
        (Access::Deny, Nsg::Allow, Decision::Denied, Who::Admin),
        (Access::Deny, Nsg::Deny, Decision::Denied, Who::Admin),
        (
            Access::AlwaysAllow,
            Nsg::Absent,
            Decision::Allowed,
            Who::Admin,
        ),
        (
            Access::AlwaysAllow,
            Nsg::Allow,
            Decision::Allowed,
            Who::Admin,
        ),
        (
            Access::AlwaysAllow,
            Nsg::Deny,
            Decision::Allowed,
            Who::Admin,
        ),
        (Access::Allow, Nsg::Absent, Decision::Allowed, Who::Admin),
        (Access::Allow, Nsg::Allow, Decision::Allowed, Who::SubnetNsg),
        (Access::Allow, Nsg::Deny, Decision::Denied, Who::SubnetNsg),
    ];
    for (access, nsg, decision, who) in table {
        let side = abstract_rules::Side::Destination;
        assert_eq!(
            abstract_rules::expected(side, Some(access), nsg, Nsg::Absent),
            (decision, Some(who)),
            "{access:?} {nsg:?}"
        );
        abstract_rules::run(side, Some(access), nsg, Nsg::Absent, &[])
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Every admin access (or none) × subnet NSG × NIC NSG, on both sides, without noise.
#[test]
fn every_combination_of_always_matching_rules() {
    use abstract_rules::{ADMIN, NSG, Side};
    for side in [Side::Destination, Side::Source] {
        for admin in ADMIN {
            for subnet in NSG {
                for nic in NSG {
                    abstract_rules::run(side, admin, subnet, nic, &[])
                        .unwrap_or_else(|e| panic!("{e}"));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(config(192, 0x0a11_0004))]

    /// Never-matching admin and NSG rules of every access, anywhere in priority, change nothing.
    #[test]
    fn never_matching_rules_change_nothing(
        source_side in any::<bool>(),
        admin in prop::sample::select(abstract_rules::ADMIN.to_vec()),
        subnet in prop::sample::select(abstract_rules::NSG.to_vec()),
        nic in prop::sample::select(abstract_rules::NSG.to_vec()),
        noise in proptest::collection::vec(abstract_rules::noise(), 1..=6),
    ) {
        let side = if source_side { abstract_rules::Side::Source } else { abstract_rules::Side::Destination };
        if let Err(e) = abstract_rules::run(side, admin, subnet, nic, &noise) {
            return Err(TestCaseError::fail(e));
        }
    }
}

/// Decisions Q3: a source-side AlwaysAllow skips the source's NSGs but not the destination side.
#[test]
fn source_always_allow_does_not_bypass_the_destination() {
    let mut d = Doc::default();
    let deny = |dir: &str| {
        doc::nsg_rule(
            &format!("deny-{dir}"),
            100,
            dir,
            "Deny",
            "*",
            &["*"],
            &["*"],
            &["*"],
            &["*"],
        )
    };
    let nsg = d.nsg("nsg", vec![deny("Inbound"), deny("Outbound")]);
    let vnet = d.vnet(
        0,
        "v",
        "eastus",
        &["10.20.0.0/16"],
        vec![doc::subnet("app", "10.20.1.0/24", Some(&nsg))],
        vec![],
    );
    let nm = d.manager("nm", &[], &[doc::SUBSCRIPTIONS[0]]);
    let all = d.group(&nm, "all", &[&vnet]);
    let config = d.admin_config(&nm, "sac", "None");
    let rc = d.collection(&config, "rc", &[&all]);
    let out = d.admin_rule(&rc, "out", json!({ "priority": 10, "access": "AlwaysAllow", "direction": "Outbound", "protocol": "Any" }));
    d.commit(&nm, "SecurityAdmin", &[&config], &["eastus"]);
    let json = d.to_json();
    let analysis = analysis_of(&json);
    let reference = reference::Reference::new(&analysis.model, &analysis.goal_state);
    let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
    // Within the VNet the destination subnet NSG still denies inbound.
    let inside = Flow::new(ip("10.20.1.4"), ip("10.20.1.5"), Protocol::Tcp, 443);
    let got = check(&json, &analysis, &reference, &inside).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.verdict, Decision::Denied, "{got}");
    assert_eq!(
        got.decided_by,
        Some(RuleRef::Nsg(crate::model::NsgRuleId::new(format!(
            "{nsg}/securityRules/deny-Inbound"
        )))),
        "{got}"
    );
    // To the Internet, the source side decides: the outbound NSG deny is skipped.
    let outside = Flow::new(ip("10.20.1.4"), ip("52.1.2.3"), Protocol::Tcp, 443);
    let got = check(&json, &analysis, &reference, &outside).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.verdict, Decision::Allowed, "{got}");
    assert_eq!(
        got.decided_by,
        Some(RuleRef::Admin(crate::model::AdminRuleId::new(out))),
        "{got}"
    );
}

/// The generator reaches every kind of outcome, so that the properties above are not vacuous.
#[test]
fn generated_scenarios_reach_every_outcome() {
    use std::collections::BTreeSet;

    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use crate::model::NsgAccess;
    use crate::verdict::Stage;

    let mut runner = TestRunner::new(config(128, 0x0a11_0001));
    let mut seen: BTreeSet<String> = BTreeSet::new();
    // Deciding stages, policy operators and the situations of the fidelity fixes (the differential run's list).
    let mut reached: BTreeSet<String> = BTreeSet::new();
    for _ in 0..128 {
        let spec = scenarios::spec().new_tree(&mut runner).unwrap().current();
        let flows = proptest::collection::vec(scenarios::flow(), 64)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let built = spec.build();
        let analysis = analysis_of(&built.json);
        super::differential::coverage::design(&analysis, &mut reached);
        if !analysis.topology.connected_groups.is_empty() {
            seen.insert("a connected group".to_owned());
        }
        for f in &flows {
            let verdict = analysis.verdict(&f.resolve(&built.addresses));
            super::differential::coverage::verdict(&verdict, &mut reached);
            let by = match &verdict.decided_by {
                None => "no rule".to_owned(),
                Some(RuleRef::Admin(id)) => {
                    let access = analysis
                        .model
                        .admin_rules()
                        .find(|r| &r.id == id)
                        .map(|r| r.access);
                    format!("admin {access:?}")
                }
                Some(RuleRef::Nsg(id)) => {
                    let default = id.as_str().contains("/defaultSecurityRules/");
                    let access = analysis
                        .model
                        .nsgs
                        .values()
                        .flat_map(|n| &n.rules)
                        .find(|r| &r.id == id)
                        .map_or(if default { "default" } else { "?" }, |r| {
                            if r.access == NsgAccess::Allow {
                                "Allow"
                            } else {
                                "Deny"
                            }
                        });
                    format!("nsg {access}")
                }
            };
            seen.insert(format!("{:?} by {by}", verdict.verdict));
            for step in &verdict.trace.0 {
                if step.result == StepResult::AlwaysAllowed {
                    let side = if step.stage < Stage::Path {
                        "source"
                    } else {
                        "destination"
                    };
                    seen.insert(format!("AlwaysAllow at the {side}"));
                }
            }
            for assumption in &verdict.assumptions {
                seen.insert(format!("assumption {}", assumption.decision));
            }
        }
    }
    let wanted = [
        "a connected group",
        "Allowed by no rule",
        "Allowed by admin Some(Allow)",
        "Allowed by admin Some(AlwaysAllow)",
        "Allowed by nsg Allow",
        "Allowed by nsg default",
        "Denied by admin Some(Deny)",
        "Denied by nsg Deny",
        "Denied by nsg default",
        "Unreachable by no rule",
        "AlwaysAllow at the source",
        "AlwaysAllow at the destination",
        "assumption Q1",
        "assumption Q3",
        "assumption Q4",
        "assumption Q5",
    ];
    let missing: Vec<_> = wanted.iter().filter(|w| !seen.contains(**w)).collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?}\nseen: {seen:?}"
    );
    // Policy operators need more designs than verdicts do; designs are cheap without flows.
    for _ in 0..768 {
        let spec = scenarios::spec().new_tree(&mut runner).unwrap().current();
        let analysis = analysis_of(&spec.build().json);
        super::differential::coverage::design(&analysis, &mut reached);
    }
    let missing = super::differential::coverage::missing(&reached);
    assert!(
        missing.is_empty(),
        "never generated: {missing:?}\nreached: {reached:?}"
    );
}
