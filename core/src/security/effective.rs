//! Effective security rules of a VNet or a NIC, in evaluation order (spec §9.3, §9.4).
//!
//! For a NIC: the admin rules of its VNet (unless an exclusion of spec §4.5 applies), then its subnet's and
//! its own NSG rules with the six defaults, inbound (subnet, then NIC) and outbound (NIC, then subnet).

use serde::Serialize;

use super::Inputs;
use crate::model::{
    Access, AddressItem, Direction, IntentPolicyMode, NicId, NsgId, PortRange, Protocol, VnetId,
    default_rules,
};
use crate::verdict::RuleRef;

/// The rules that apply to a VNet or NIC, per direction, in evaluation order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectiveRules {
    /// The VNet or NIC.
    pub target: String,
    /// Inbound stages in evaluation order.
    pub inbound: Vec<RuleStage>,
    /// Outbound stages in evaluation order.
    pub outbound: Vec<RuleStage>,
    /// Why some rules do not apply.
    pub notes: Vec<String>,
}

/// What a stage of effective rules holds, spelt `AdminRules`, `SubnetNsg`, `NicNsg` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EffectiveStage {
    /// The security admin rules of the VNet.
    AdminRules,
    /// The subnet's NSG.
    SubnetNsg,
    /// The NIC's NSG.
    NicNsg,
}

impl std::fmt::Display for EffectiveStage {
    /// The JSON spelling: `AdminRules`, `SubnetNsg`, `NicNsg`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EffectiveStage::AdminRules => "AdminRules",
            EffectiveStage::SubnetNsg => "SubnetNsg",
            EffectiveStage::NicNsg => "NicNsg",
        })
    }
}

impl EffectiveStage {
    /// The stage as a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            EffectiveStage::AdminRules => "Security admin rules",
            EffectiveStage::SubnetNsg => "Subnet NSG",
            EffectiveStage::NicNsg => "NIC NSG",
        }
    }
}

/// The rules of one stage: admin rules, or an NSG.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleStage {
    /// Admin rules, the subnet's NSG or the NIC's NSG.
    pub stage: EffectiveStage,
    /// The network managers, or the NSG.
    pub evaluated: String,
    /// What it is applied to.
    pub applied_to: String,
    /// The rules in evaluation order.
    pub rules: Vec<RuleView>,
}

/// A rule, readable.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    /// Its id.
    pub id: RuleRef,
    /// Its priority.
    pub priority: u32,
    /// Its action.
    pub access: crate::verdict::RuleAccess,
    /// Protocol.
    pub protocol: Protocol,
    /// Sources (`*` when empty).
    pub sources: Vec<String>,
    /// Source ports.
    pub source_ports: Vec<String>,
    /// Destinations.
    pub destinations: Vec<String>,
    /// Destination ports.
    pub destination_ports: Vec<String>,
}

fn texts(items: &[AddressItem]) -> Vec<String> {
    if items.is_empty() {
        vec!["*".to_owned()]
    } else {
        items.iter().map(ToString::to_string).collect()
    }
}

fn port_texts(ranges: &[PortRange]) -> Vec<String> {
    if ranges.is_empty() {
        vec!["*".to_owned()]
    } else {
        ranges.iter().map(ToString::to_string).collect()
    }
}

fn nsg_stage(
    inputs: &Inputs<'_>,
    nsg: &NsgId,
    stage: EffectiveStage,
    applied_to: String,
    direction: Direction,
) -> Option<RuleStage> {
    let nsg = inputs.model.nsgs.get(nsg)?;
    let defaults = default_rules(&nsg.id);
    let rules = nsg.in_order(&defaults, direction);
    let rules = rules
        .into_iter()
        .map(|r| {
            let mut sources = texts(&r.sources);
            sources.extend(r.source_asgs.iter().map(|a| format!("asg:{}", a.name())));
            let mut destinations = texts(&r.destinations);
            destinations.extend(
                r.destination_asgs
                    .iter()
                    .map(|a| format!("asg:{}", a.name())),
            );
            RuleView {
                id: RuleRef::Nsg(r.id.clone()),
                priority: r.priority,
                access: r.access.into(),
                protocol: r.protocol,
                sources,
                source_ports: port_texts(&r.source_ports),
                destinations,
                destination_ports: port_texts(&r.destination_ports),
            }
        })
        .collect();
    Some(RuleStage {
        stage,
        evaluated: nsg.id.to_string(),
        applied_to,
        rules,
    })
}

fn admin_stage(
    inputs: &Inputs<'_>,
    vnet: &VnetId,
    direction: Direction,
    notes: &mut Vec<String>,
) -> Option<RuleStage> {
    let set = inputs.index.admin.get(vnet)?;
    let model_vnet = inputs.model.vnets.get(vnet)?;
    let mut only_allow = false;
    if let Some(service) = model_vnet
        .subnets
        .iter()
        .find_map(|s| s.intent_policy_service.as_deref())
    {
        match set.intent_policy_mode {
            IntentPolicyMode::None => {
                notes.push(format!(
                    "admin rules skip `{}`, which hosts `{service}` (network intent policies)",
                    model_vnet.name
                ));
                return None;
            }
            IntentPolicyMode::AllowRulesOnly => only_allow = true,
            IntentPolicyMode::All => {}
        }
    }
    let rules = set
        .rules
        .iter()
        .filter(|r| {
            r.rule.direction == direction && (!only_allow || r.rule.access == Access::Allow)
        })
        .map(|r| RuleView {
            id: RuleRef::Admin(r.rule.id.clone()),
            priority: r.rule.priority,
            access: r.rule.access.into(),
            protocol: r.rule.protocol,
            sources: texts(&r.rule.sources),
            source_ports: port_texts(&r.rule.source_ports),
            destinations: texts(&r.rule.destinations),
            destination_ports: port_texts(&r.rule.destination_ports),
        })
        .collect();
    Some(RuleStage {
        stage: EffectiveStage::AdminRules,
        evaluated: set
            .managers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        applied_to: vnet.to_string(),
        rules,
    })
}

/// The admin rules that apply to a VNet.
pub fn for_vnet(inputs: &Inputs<'_>, vnet: &VnetId) -> Option<EffectiveRules> {
    inputs.model.vnets.get(vnet)?;
    let mut notes = Vec::new();
    let inbound = admin_stage(inputs, vnet, Direction::Inbound, &mut notes)
        .into_iter()
        .collect();
    let outbound = admin_stage(inputs, vnet, Direction::Outbound, &mut Vec::new())
        .into_iter()
        .collect();
    Some(EffectiveRules {
        target: vnet.to_string(),
        inbound,
        outbound,
        notes,
    })
}

/// The admin and NSG rules that apply to a NIC, for its first IP configuration in a modelled subnet.
pub fn for_nic(inputs: &Inputs<'_>, nic_id: &NicId) -> Option<EffectiveRules> {
    let nic = inputs.model.nics.get(nic_id)?;
    let subnet_id = nic
        .ip_configurations
        .iter()
        .find_map(|c| c.subnet.as_ref())?;
    let vnet = inputs.model.vnet_of_subnet(subnet_id)?;
    let subnet = vnet.subnets.iter().find(|s| &s.id == subnet_id)?;
    let mut notes = Vec::new();
    let admin_applies = if subnet.role.skips_admin_rules() {
        notes.push(format!(
            "admin rules do not apply to the subnet `{}` ({:?})",
            subnet.name, subnet.role
        ));
        false
    } else if nic.private_endpoint {
        notes.push("admin rules do not apply to private endpoints".to_owned());
        false
    } else {
        true
    };
    let mut result = EffectiveRules {
        target: nic.id.to_string(),
        inbound: Vec::new(),
        outbound: Vec::new(),
        notes: Vec::new(),
    };
    for direction in [Direction::Inbound, Direction::Outbound] {
        let mut stages = Vec::new();
        if admin_applies {
            let mut n = Vec::new();
            stages.extend(admin_stage(inputs, &vnet.id, direction, &mut n));
            if direction == Direction::Inbound {
                notes.extend(n);
            }
        }
        let subnet_stage = subnet.nsg.as_ref().and_then(|n| {
            nsg_stage(
                inputs,
                n,
                EffectiveStage::SubnetNsg,
                subnet.id.to_string(),
                direction,
            )
        });
        let nic_stage = nic.nsg.as_ref().and_then(|n| {
            nsg_stage(
                inputs,
                n,
                EffectiveStage::NicNsg,
                nic.id.to_string(),
                direction,
            )
        });
        match direction {
            Direction::Inbound => stages.extend(subnet_stage.into_iter().chain(nic_stage)),
            Direction::Outbound => stages.extend(nic_stage.into_iter().chain(subnet_stage)),
        }
        match direction {
            Direction::Inbound => result.inbound = stages,
            Direction::Outbound => result.outbound = stages,
        }
    }
    result.notes = notes;
    Some(result)
}
