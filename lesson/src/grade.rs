//! Grading: an exercise's checks against the engine's answers for a design, each with the reason.
//!
//! A flow check compares the engine's verdict (with its trace, kept for the player to show); a membership
//! check looks at the members of the network group, static or added by Azure Policy; a topology check looks
//! at the effective peerings and connected groups after the commits.

use avnm_core::connectivity::Origin;
use avnm_core::membership::Source;
use avnm_core::model::{Decision, NetworkGroupId, VnetId};
use avnm_core::verdict::{RuleRef, StepResult};
use avnm_core::{Analysis, Flow, Model, Scenario, Verdict, analyze};
use serde::Serialize;

use crate::format::{
    Check, Exercise, MembershipCheck, MembershipExpect, Question, TopologyCheck, TopologyExpect,
};

/// The grade of an exercise on a design.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grade {
    /// Whether every check passed.
    pub passed: bool,
    /// Each check, in the exercise's order.
    pub checks: Vec<CheckResult>,
}

/// The result of one check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckResult {
    /// The check.
    pub check: Check,
    /// Whether it holds.
    pub passed: bool,
    /// One line: what the engine found.
    pub why: String,
    /// For a flow check, the verdict with its trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// Grades an exercise on a design.
pub fn grade(design: &Scenario, exercise: &Exercise) -> Grade {
    grade_analysis(&analyze(design), exercise)
}

/// Grades an exercise on a design already analysed (the playground's memoised analysis).
pub fn grade_analysis(analysis: &Analysis, exercise: &Exercise) -> Grade {
    let checks: Vec<CheckResult> = exercise
        .checks
        .iter()
        .map(|check| grade_check(analysis, check))
        .collect();
    Grade {
        passed: checks.iter().all(|c| c.passed),
        checks,
    }
}

/// The engine's verdict for a question's flow: what the learner's pick is compared with.
pub fn answer(analysis: &Analysis, question: &Question) -> Verdict {
    analysis.verdict(&question.flow.flow())
}

fn grade_check(analysis: &Analysis, check: &Check) -> CheckResult {
    let (passed, why, verdict) = match check {
        Check::Flow(f) => {
            let verdict = analysis.verdict(&f.flow());
            let (passed, why) = flow_why(&f.flow(), &verdict, f.expect);
            (passed, why, Some(verdict))
        }
        Check::Membership(m) => {
            let (passed, why) = membership(analysis, m);
            (passed, why, None)
        }
        Check::Topology(t) => {
            let (passed, why) = topology(analysis, t);
            (passed, why, None)
        }
    };
    CheckResult {
        check: check.clone(),
        passed,
        why,
        verdict,
    }
}

/// The name of a rule: the last segment of its id.
pub(crate) fn rule_name(rule: &RuleRef) -> &str {
    match rule {
        RuleRef::Admin(id) => id.name(),
        RuleRef::Nsg(id) => id.name(),
    }
}

/// `` `flow` is Denied by `rule` `` and the like, then the expectation when it is not met.
pub(crate) fn describe_verdict(flow: &Flow, verdict: &Verdict) -> String {
    let found = verdict_name(verdict.verdict);
    match (&verdict.decided_by, verdict.verdict) {
        (Some(rule), Decision::Denied) => format!("`{flow}` is {found} by `{}`", rule_name(rule)),
        (Some(rule), _) => format!("`{flow}` is {found}, decided by `{}`", rule_name(rule)),
        (None, Decision::Unreachable) => {
            let reason = verdict
                .trace
                .0
                .iter()
                .rev()
                .find(|s| s.result == StepResult::Unreachable)
                .map(|s| s.summary.as_str())
                .unwrap_or("there is no path");
            format!("`{flow}` is {found}: {reason}")
        }
        (None, _) => format!("`{flow}` is {found}, no rule matched"),
    }
}

fn flow_why(flow: &Flow, verdict: &Verdict, expect: Decision) -> (bool, String) {
    let found = describe_verdict(flow, verdict);
    if verdict.verdict == expect {
        (true, found)
    } else {
        (false, format!("{found}; expected {}", verdict_name(expect)))
    }
}

pub(crate) fn verdict_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Allowed => "Allowed",
        Decision::Denied => "Denied",
        Decision::Unreachable => "Unreachable",
    }
}

/// Finds a VNet by id or unique name.
pub(crate) fn find_vnet(model: &Model, key: &str) -> Result<VnetId, String> {
    let id = VnetId::new(key);
    if model.vnets.contains_key(&id) {
        return Ok(id);
    }
    let named: Vec<&VnetId> = model
        .vnets
        .values()
        .filter(|v| v.name.eq_ignore_ascii_case(key))
        .map(|v| &v.id)
        .collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(format!("there is no virtual network `{key}`")),
        _ => Err(format!(
            "several virtual networks are named `{key}`; give the full id"
        )),
    }
}

/// Finds a network group by id or unique name.
pub(crate) fn find_group(model: &Model, key: &str) -> Result<NetworkGroupId, String> {
    let id = NetworkGroupId::new(key);
    if model.groups.contains_key(&id) {
        return Ok(id);
    }
    let named: Vec<&NetworkGroupId> = model
        .groups
        .keys()
        .filter(|g| g.name().eq_ignore_ascii_case(key))
        .collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(format!("there is no network group `{key}`")),
        _ => Err(format!(
            "several network groups are named `{key}`; give the full id"
        )),
    }
}

fn membership(analysis: &Analysis, check: &MembershipCheck) -> (bool, String) {
    let vnet = match find_vnet(&analysis.model, &check.vnet) {
        Ok(vnet) => vnet,
        Err(why) => return (false, why),
    };
    let group = match find_group(&analysis.model, &check.group) {
        Ok(group) => group,
        Err(why) => return (false, why),
    };
    let member = analysis
        .membership
        .members(&group)
        .iter()
        .find(|m| m.id.as_str().eq_ignore_ascii_case(vnet.as_str()));
    let (v, g) = (vnet.name(), group.name());
    match (member, check.expect) {
        (Some(member), expect) => {
            let sources: Vec<String> = member
                .sources
                .iter()
                .map(|s| match s {
                    Source::Static(id) => format!("static member `{}`", id.name()),
                    Source::Policy { assignment, .. } => {
                        format!("policy assignment `{}`", assignment.name())
                    }
                })
                .collect();
            let scope = if member.in_scope {
                ""
            } else {
                " (outside its manager's scope, so it receives no configuration)"
            };
            let found = format!(
                "`{v}` is a member of `{g}` through {}{scope}",
                sources.join(" and ")
            );
            match expect {
                MembershipExpect::Member => (true, found),
                MembershipExpect::NotMember => (false, format!("{found}; expected it not to be")),
            }
        }
        (None, MembershipExpect::NotMember) => (true, format!("`{v}` is not a member of `{g}`")),
        (None, MembershipExpect::Member) => (
            false,
            format!(
                "`{v}` is not a member of `{g}`: no static member names it and no policy condition matches it"
            ),
        ),
    }
}

fn topology(analysis: &Analysis, check: &TopologyCheck) -> (bool, String) {
    let [a, b] = &check.vnets;
    let (a, b) = match (find_vnet(&analysis.model, a), find_vnet(&analysis.model, b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(why), _) | (_, Err(why)) => return (false, why),
    };
    let topology = &analysis.topology;
    let peering = topology.link(&a, &b).map(|link| match &link.origin {
        Origin::Existing => "a manual peering".to_owned(),
        Origin::Configuration(id) => format!("a peering made by `{}`", id.name()),
    });
    let group = topology
        .groups_of(&a)
        .find(|g| g.contains(&b))
        .map(|g| format!("the connected group of `{}`", g.configuration_id.name()));
    let (an, bn) = (a.name(), b.name());
    let found = match (&peering, &group) {
        (Some(p), Some(g)) => format!("`{an}` and `{bn}` are joined by {p} and by {g}"),
        (Some(p), None) => format!("`{an}` and `{bn}` are joined by {p}"),
        (None, Some(g)) => format!("`{an}` and `{bn}` are in {g}, not peered"),
        (None, None) => format!("`{an}` and `{bn}` are neither peered nor in a connected group"),
    };
    let passed = match check.expect {
        TopologyExpect::Peered => peering.is_some(),
        TopologyExpect::NotPeered => peering.is_none(),
        TopologyExpect::ConnectedGroup => group.is_some(),
        TopologyExpect::NotConnected => peering.is_none() && group.is_none(),
    };
    if passed {
        (true, found)
    } else {
        let expected = match check.expect {
            TopologyExpect::Peered => "a peering",
            TopologyExpect::NotPeered => "no peering",
            TopologyExpect::ConnectedGroup => "a connected group",
            TopologyExpect::NotConnected => "no connection",
        };
        (false, format!("{found}; expected {expected}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{FlowCheck, MembershipCheck};
    use crate::patch::Patch;
    use avnm_core::model::Protocol;
    use serde_json::json;

    const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000001";

    fn id(rest: &str) -> String {
        format!("{SUB}/resourceGroups/rg/providers/{rest}")
    }

    fn nm(rest: &str) -> String {
        id(&format!("Microsoft.Network/networkManagers/nm/{rest}"))
    }

    fn vnet(name: &str, octet: u8) -> serde_json::Value {
        json!({"id": id(&format!("Microsoft.Network/virtualNetworks/{name}")), "name": name,
            "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
            "properties": {"addressSpace": {"addressPrefixes": [format!("10.{octet}.0.0/16")]},
                "subnets": [{"name": "s", "properties": {"addressPrefix": format!("10.{octet}.1.0/24")}}]}})
    }

    /// Two VNets, a manager with a group holding `a` statically, a mesh over the group deployed in eastus.
    fn design() -> Scenario {
        Scenario::from_document(json!({"resources": [
            vnet("a", 1), vnet("b", 2),
            {"id": id("Microsoft.Network/networkManagers/nm"), "type": "Microsoft.Network/networkManagers", "location": "eastus",
             "properties": {"networkManagerScopes": {"subscriptions": [SUB]}, "networkManagerScopeAccesses": ["Connectivity"]}},
            {"id": nm("networkGroups/g"), "type": "Microsoft.Network/networkManagers/networkGroups", "properties": {}},
            {"id": nm("networkGroups/g/staticMembers/a"), "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
             "properties": {"resourceId": id("Microsoft.Network/virtualNetworks/a")}},
            {"id": nm("connectivityConfigurations/mesh"), "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
             "properties": {"connectivityTopology": "Mesh", "appliesToGroups": [{"networkGroupId": nm("networkGroups/g"), "groupConnectivity": "None"}]}}
        ], "commits": [{"networkManagerId": id("Microsoft.Network/networkManagers/nm"), "commitType": "Connectivity",
            "configurationIds": [nm("connectivityConfigurations/mesh")], "targetLocations": ["eastus"]}]}))
        .unwrap()
    }

    fn exercise(checks: Vec<Check>) -> Exercise {
        Exercise {
            goal: String::new(),
            checks,
            hints: Vec::new(),
            solution: Patch::default(),
        }
    }

    #[track_caller]
    fn check(design: &Scenario, check: Check, passed: bool, why: &str) {
        let grade = grade(design, &exercise(vec![check]));
        assert_eq!(grade.passed, passed, "{:?}", grade.checks);
        assert_eq!(grade.checks[0].why, why);
    }

    fn flow(to: &str, expect: Decision) -> Check {
        Check::Flow(FlowCheck {
            name: String::new(),
            from: "10.1.1.4".parse().unwrap(),
            to: to.parse().unwrap(),
            protocol: Protocol::Tcp,
            port: Some(443),
            source_port: None,
            expect,
        })
    }

    fn member(vnet: &str, expect: MembershipExpect) -> Check {
        Check::Membership(MembershipCheck {
            vnet: vnet.into(),
            group: "g".into(),
            expect,
        })
    }

    fn link(expect: TopologyExpect) -> Check {
        Check::Topology(TopologyCheck {
            vnets: ["a".into(), "b".into()],
            expect,
        })
    }

    #[test]
    fn checks_on_a_design_where_only_a_is_in_the_mesh() {
        let d = design();
        check(
            &d,
            member("a", MembershipExpect::Member),
            true,
            "`a` is a member of `g` through static member `a`",
        );
        check(
            &d,
            member("b", MembershipExpect::Member),
            false,
            "`b` is not a member of `g`: no static member names it and no policy condition matches it",
        );
        check(
            &d,
            member("b", MembershipExpect::NotMember),
            true,
            "`b` is not a member of `g`",
        );
        check(
            &d,
            member("zz", MembershipExpect::NotMember),
            false,
            "there is no virtual network `zz`",
        );
        check(
            &d,
            link(TopologyExpect::NotConnected),
            true,
            "`a` and `b` are neither peered nor in a connected group",
        );
        check(
            &d,
            link(TopologyExpect::ConnectedGroup),
            false,
            "`a` and `b` are neither peered nor in a connected group; expected a connected group",
        );
        let grade = grade(&d, &exercise(vec![flow("10.2.1.4", Decision::Allowed)]));
        assert!(!grade.passed);
        assert!(
            grade.checks[0]
                .why
                .starts_with("`10.1.1.4 -> 10.2.1.4 Tcp/443` is Unreachable: "),
            "{}",
            grade.checks[0].why
        );
        assert!(grade.checks[0].why.ends_with("; expected Allowed"));
        assert!(
            grade.checks[0].verdict.is_some(),
            "the trace is kept for the player"
        );
    }

    #[test]
    fn adding_b_to_the_group_puts_both_in_one_connected_group() {
        let patch: Patch = serde_json::from_value(json!({"upsert": [
            {"id": nm("networkGroups/g/staticMembers/b"), "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
             "properties": {"resourceId": id("Microsoft.Network/virtualNetworks/b")}}]})).unwrap();
        let d = patch.apply(&design()).unwrap();
        check(
            &d,
            link(TopologyExpect::ConnectedGroup),
            true,
            "`a` and `b` are in the connected group of `mesh`, not peered",
        );
        check(
            &d,
            link(TopologyExpect::NotPeered),
            true,
            "`a` and `b` are in the connected group of `mesh`, not peered",
        );
        check(
            &d,
            link(TopologyExpect::Peered),
            false,
            "`a` and `b` are in the connected group of `mesh`, not peered; expected a peering",
        );
        // No NSG and no admin rule: nothing decides, the flow is allowed.
        check(
            &d,
            flow("10.2.1.4", Decision::Allowed),
            true,
            "`10.1.1.4 -> 10.2.1.4 Tcp/443` is Allowed, no rule matched",
        );
        check(
            &d,
            flow("10.2.1.4", Decision::Denied),
            false,
            "`10.1.1.4 -> 10.2.1.4 Tcp/443` is Allowed, no rule matched; expected Denied",
        );
    }
}
