//! Flows, verdicts and their traces: the "why" of every traffic decision.
//!
//! API Boundary: the JSON shape of [`Verdict`] is the `avnm verdict` output of decisions §2 and §4.
//! A [`Trace`] lists the stages in evaluation order, modelled on Network Watcher's NSG diagnostics
//! (spec §9.2): for each stage the resource evaluated, what it applies to, every rule looked at with the
//! fields that matched, and the rule that decided.
//! The playground renders traces and never reconstructs the reasoning.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{AdminRuleId, Decision, Direction, NsgRuleId};

pub use crate::model::flow::{DEFAULT_SOURCE_PORT, Flow};

/// The rule that decided a verdict: an admin rule or an NSG rule, serialized as its Azure id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RuleRef {
    /// A security admin rule.
    Admin(AdminRuleId),
    /// A user or default NSG rule.
    Nsg(NsgRuleId),
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleRef::Admin(id) => id.fmt(f),
            RuleRef::Nsg(id) => id.fmt(f),
        }
    }
}

/// The answer for one flow, with its explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// `Allowed`, `Denied` or `Unreachable`.
    pub verdict: Decision,
    /// The deciding rule (decisions §2): the denying rule, or the last allowing rule of the deciding side.
    pub decided_by: Option<RuleRef>,
    /// The stages in evaluation order.
    pub trace: Trace,
    /// The project decisions (decisions §3) and defaults that this verdict relied on.
    pub assumptions: Vec<Assumption>,
}

/// The stages of a verdict in evaluation order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Trace(pub Vec<Step>);

/// Where in the evaluation a step happens (decisions §2 order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    /// Which VNet, subnet and NIC the source address belongs to.
    SourceEndpoint,
    /// Security admin rules of the source VNet, outbound.
    SourceAdminRules,
    /// The source NIC's NSG, outbound.
    SourceNicNsg,
    /// The source subnet's NSG, outbound.
    SourceSubnetNsg,
    /// How the traffic gets from the source VNet to the destination VNet.
    Path,
    /// Which VNet, subnet and NIC the destination address belongs to.
    DestinationEndpoint,
    /// Security admin rules of the destination VNet, inbound.
    DestinationAdminRules,
    /// The destination subnet's NSG, inbound.
    DestinationSubnetNsg,
    /// The destination NIC's NSG, inbound.
    DestinationNicNsg,
}

impl Stage {
    /// The stage as a person reads it: `Source admin rules`, `Destination NIC NSG`.
    pub fn label(self) -> &'static str {
        match self {
            Stage::SourceEndpoint => "Source endpoint",
            Stage::SourceAdminRules => "Source admin rules",
            Stage::SourceNicNsg => "Source NIC NSG",
            Stage::SourceSubnetNsg => "Source subnet NSG",
            Stage::Path => "Path",
            Stage::DestinationEndpoint => "Destination endpoint",
            Stage::DestinationAdminRules => "Destination admin rules",
            Stage::DestinationSubnetNsg => "Destination subnet NSG",
            Stage::DestinationNicNsg => "Destination NIC NSG",
        }
    }
}

/// What a stage concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepResult {
    /// A rule allowed the flow; evaluation goes on.
    Allowed,
    /// An `AlwaysAllow` admin rule matched: the NSGs of this side are skipped.
    AlwaysAllowed,
    /// A rule denied the flow: evaluation stops.
    Denied,
    /// No rule matched; evaluation goes on.
    NoRuleMatched,
    /// The stage does not apply (no NSG, an excluded subnet...).
    Skipped,
    /// An endpoint or path was found.
    Found,
    /// The endpoint is outside the modelled VNets.
    External,
    /// No endpoint or no path: evaluation stops.
    Unreachable,
}

/// One stage of a verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The stage.
    pub stage: Stage,
    /// The direction rules were evaluated in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// What was evaluated: an NSG id, a network manager id (admin rules), a configuration id (path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluated: Option<String>,
    /// What the evaluated object applies to: a VNet, subnet or NIC id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_to: Option<String>,
    /// The rules looked at, in evaluation order, up to the first that matched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleEvaluation>,
    /// The rule that matched, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_rule: Option<RuleRef>,
    /// What the stage concluded.
    pub result: StepResult,
    /// One readable sentence.
    pub summary: String,
}

/// The action of a rule in a trace or a list of effective rules: an admin rule's or an NSG rule's, spelt as Azure
/// spells it (`Allow`, `AlwaysAllow`, `Deny`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RuleAccess {
    /// Allow.
    Allow,
    /// AlwaysAllow (admin rules only).
    AlwaysAllow,
    /// Deny.
    Deny,
}

impl std::fmt::Display for RuleAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RuleAccess::Allow => "Allow",
            RuleAccess::AlwaysAllow => "AlwaysAllow",
            RuleAccess::Deny => "Deny",
        })
    }
}

impl From<crate::model::Access> for RuleAccess {
    fn from(access: crate::model::Access) -> Self {
        match access {
            crate::model::Access::Allow => RuleAccess::Allow,
            crate::model::Access::AlwaysAllow => RuleAccess::AlwaysAllow,
            crate::model::Access::Deny => RuleAccess::Deny,
        }
    }
}

impl From<crate::model::NsgAccess> for RuleAccess {
    fn from(access: crate::model::NsgAccess) -> Self {
        match access {
            crate::model::NsgAccess::Allow => RuleAccess::Allow,
            crate::model::NsgAccess::Deny => RuleAccess::Deny,
        }
    }
}

/// How one rule compared with the flow, field by field (Network Watcher's `rulesEvaluationResult`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleEvaluation {
    /// The rule.
    pub rule: RuleRef,
    /// Its priority.
    pub priority: u32,
    /// Its action.
    pub access: RuleAccess,
    /// Whether the protocol matched.
    pub protocol_matched: bool,
    /// Whether the source address matched.
    pub source_matched: bool,
    /// Whether the source port matched.
    pub source_port_matched: bool,
    /// Whether the destination address matched.
    pub destination_matched: bool,
    /// Whether the destination port matched.
    pub destination_port_matched: bool,
}

impl RuleEvaluation {
    /// Whether every field matched.
    pub fn matched(&self) -> bool {
        self.protocol_matched
            && self.source_matched
            && self.source_port_matched
            && self.destination_matched
            && self.destination_port_matched
    }
}

/// A project decision or default that a result relied on, shown beside it (decisions.md).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Assumption {
    /// The decision it comes from: `Q3`, `§2 endpoints`...
    pub decision: String,
    /// What was assumed, in one sentence.
    pub text: String,
}

impl Assumption {
    /// An assumption with its decision reference.
    pub fn new(decision: &str, text: impl Into<String>) -> Self {
        Assumption {
            decision: decision.to_owned(),
            text: text.into(),
        }
    }
}

impl fmt::Display for Verdict {
    /// A readable multi-line explanation: the verdict, then one line per stage and rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.verdict)?;
        if let Some(rule) = &self.decided_by {
            write!(f, " by {rule}")?;
        }
        writeln!(f)?;
        for step in &self.trace.0 {
            writeln!(f, "  {:?}: {}", step.stage, step.summary)?;
            for rule in &step.rules {
                let mark = |b: bool| if b { "yes" } else { "no" };
                writeln!(
                    f,
                    "    {} {} {}: protocol {}, source {}, source port {}, destination {}, destination port {}",
                    rule.priority,
                    rule.access,
                    rule.rule,
                    mark(rule.protocol_matched),
                    mark(rule.source_matched),
                    mark(rule.source_port_matched),
                    mark(rule.destination_matched),
                    mark(rule.destination_port_matched),
                )?;
            }
        }
        for a in &self.assumptions {
            writeln!(f, "  assumption ({}): {}", a.decision, a.text)?;
        }
        Ok(())
    }
}
