//! The shapes `avnm` prints: the JSON objects of decisions §4 and readable tables.

use std::fmt::Write;

use avnm_core::Analysis;
use avnm_core::analysis::{IntentResult, VnetExplanation};
use avnm_core::connectivity::Origin;
use avnm_core::membership::Source;
use avnm_core::security::effective::EffectiveRules;
use avnm_core::security::matrix::Matrix;
use serde_json::{Map, Value, json};

/// `{"<network group id>": ["<member id>", ...]}`, every group a key.
pub fn membership(analysis: &Analysis) -> Value {
    let mut out = Map::new();
    for (group, members) in &analysis.membership.groups {
        out.insert(
            group.to_string(),
            members
                .iter()
                .map(|m| Value::String(m.id.to_string()))
                .collect(),
        );
    }
    Value::Object(out)
}

pub fn membership_table(analysis: &Analysis) -> String {
    let mut out = String::new();
    for (group, members) in &analysis.membership.groups {
        let _ = writeln!(out, "{} ({} members)", group.name(), members.len());
        for member in members {
            let reasons: Vec<String> = member
                .sources
                .iter()
                .map(|s| match s {
                    Source::Static(id) => format!("static member {}", id.name()),
                    Source::Policy { assignment, .. } => {
                        format!("policy assignment {}", assignment.name())
                    }
                })
                .collect();
            let scope = if member.in_scope {
                ""
            } else {
                " [out of scope: receives no configuration]"
            };
            let _ = writeln!(
                out,
                "  {}  <- {}{scope}",
                member.id.name(),
                reasons.join(", ")
            );
        }
    }
    out
}

fn origin(origin: &Origin) -> Value {
    match origin {
        Origin::Existing => json!("Existing"),
        Origin::Configuration(id) => json!(id.to_string()),
    }
}

/// `{"peerings": [{"vnets", "origin"}], "connectedGroups": [{"vnets", "configurationId"}]}`.
pub fn topology(analysis: &Analysis) -> Value {
    let t = &analysis.topology;
    json!({
        "peerings": t.peerings.iter().map(|p| json!({
            "vnets": [p.vnets[0].to_string(), p.vnets[1].to_string()],
            "origin": origin(&p.origin),
        })).collect::<Vec<_>>(),
        "connectedGroups": t.connected_groups.iter().map(|g| {
            let mut o = json!({
                "vnets": g.vnets.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "configurationId": g.configuration_id.to_string(),
            });
            if let (Some(obj), Some(region)) = (o.as_object_mut(), &g.region) {
                obj.insert("region".into(), json!(region.to_string()));
            }
            if let Some(obj) = o.as_object_mut().filter(|_| !g.dropped.is_empty()) {
                obj.insert("dropped".into(), json!(g.dropped.iter().map(ToString::to_string).collect::<Vec<_>>()));
            }
            o
        }).collect::<Vec<_>>(),
    })
}

pub fn topology_table(analysis: &Analysis) -> String {
    let t = &analysis.topology;
    let mut out = String::from("peerings\n");
    for p in &t.peerings {
        let by = match &p.origin {
            Origin::Existing => "existing manual peering".to_owned(),
            Origin::Configuration(c) => c.name().to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} <-> {}  ({by})",
            p.vnets[0].name(),
            p.vnets[1].name()
        );
    }
    out.push_str("connected groups\n");
    for g in &t.connected_groups {
        let names: Vec<&str> = g.vnets.iter().map(|v| v.name()).collect();
        let region = g
            .region
            .as_ref()
            .map_or_else(|| "global".to_owned(), ToString::to_string);
        let _ = writeln!(
            out,
            "  {} [{region}]: {}",
            g.configuration_id.name(),
            names.join(", ")
        );
        for d in &g.dropped {
            let _ = writeln!(out, "    dropped (overlap): {d}");
        }
    }
    for p in &t.inactive_peerings {
        let _ = writeln!(
            out,
            "inactive peering {} <-> {}: {}",
            p.vnets[0].name(),
            p.vnets[1].name(),
            p.reason
        );
    }
    out
}

/// One result per intent, with the totals.
pub fn check(results: &[IntentResult]) -> Value {
    let failed = results.iter().filter(|r| !r.passed).count();
    json!({
        "passed": results.len() - failed,
        "failed": failed,
        "results": results.iter().map(|r| json!({
            "name": r.name,
            "from": r.flow.from.to_string(),
            "to": r.flow.to.to_string(),
            "protocol": r.flow.protocol,
            "port": r.flow.port,
            "expect": r.expect,
            "verdict": r.verdict.verdict,
            "decidedBy": r.verdict.decided_by,
            "passed": r.passed,
        })).collect::<Vec<_>>(),
    })
}

pub fn check_table(results: &[IntentResult]) -> String {
    let mut out = String::new();
    for r in results {
        let mark = if r.passed { "PASS" } else { "FAIL" };
        let _ = write!(
            out,
            "{mark}  {}  ({}): expected {:?}, got {:?}",
            r.name, r.flow, r.expect, r.verdict.verdict
        );
        if let Some(rule) = &r.verdict.decided_by {
            let _ = write!(out, " by {rule}");
        }
        out.push('\n');
    }
    let failed = results.iter().filter(|r| !r.passed).count();
    let _ = writeln!(out, "{} passed, {failed} failed", results.len() - failed);
    out
}

pub fn explain_table(e: &VnetExplanation) -> String {
    let mut out = format!("{}\n", e.vnet);
    out.push_str("groups\n");
    for g in &e.groups {
        let scope = if g.in_scope { "" } else { " [out of scope]" };
        let _ = writeln!(out, "  {}{scope}", g.group.name());
        for r in &g.reasons {
            match &r.source {
                Source::Static(id) => {
                    let _ = writeln!(out, "    static member {}", id.name());
                }
                Source::Policy {
                    assignment,
                    definition,
                } => {
                    let _ = writeln!(
                        out,
                        "    policy {} (assignment {})",
                        definition.name(),
                        assignment.name()
                    );
                    if let Some(c) = &r.condition {
                        write_condition(&mut out, c, 3);
                    }
                }
            }
        }
    }
    out.push_str("not a member of\n");
    for n in &e.not_member_of {
        let _ = writeln!(out, "  {}", n.group.name());
        for reason in &n.reasons {
            let _ = writeln!(out, "    {reason}");
        }
    }
    out.push_str("peerings\n");
    for p in &e.peerings {
        let other = if p.vnets[0] == e.vnet {
            &p.vnets[1]
        } else {
            &p.vnets[0]
        };
        let _ = writeln!(out, "  {}", other.name());
    }
    out.push_str("connected groups\n");
    for g in &e.connected_groups {
        let names: Vec<&str> = g.vnets.iter().map(|v| v.name()).collect();
        let _ = writeln!(out, "  {}: {}", g.configuration_id.name(), names.join(", "));
    }
    if let Some(set) = &e.admin_rules {
        out.push_str("admin rules (evaluation order)\n");
        for r in &set.rules {
            let _ = writeln!(
                out,
                "  {:?} {} {:?} {}",
                r.rule.direction,
                r.rule.priority,
                r.rule.access,
                r.rule.id.name()
            );
        }
    }
    out
}

fn write_condition(
    out: &mut String,
    c: &avnm_core::membership::condition::ConditionTrace,
    depth: usize,
) {
    let actual = c
        .actual
        .as_ref()
        .map(|a| format!(" (actual: {a})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{:?}: {}{actual}",
        "  ".repeat(depth),
        c.outcome,
        c.text
    );
    for child in &c.children {
        write_condition(out, child, depth + 1);
    }
}

pub fn rules_table(rules: &EffectiveRules) -> String {
    let mut out = format!("{}\n", rules.target);
    for (name, stages) in [("inbound", &rules.inbound), ("outbound", &rules.outbound)] {
        let _ = writeln!(out, "{name}");
        for stage in stages {
            let _ = writeln!(out, "  {} {}", stage.stage, stage.evaluated);
            for r in &stage.rules {
                let _ = writeln!(
                    out,
                    "    {:>5} {:<11} {:<4} {} :{} -> {} :{}  {}",
                    r.priority,
                    r.access,
                    r.protocol.to_string(),
                    r.sources.join(","),
                    r.source_ports.join(","),
                    r.destinations.join(","),
                    r.destination_ports.join(","),
                    r.id.to_string().rsplit('/').next().unwrap_or_default(),
                );
            }
        }
    }
    for note in &rules.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

pub fn matrix_table(m: &Matrix) -> String {
    let mut out = format!(
        "{} {}: A allowed, D denied, . unreachable (rows: source, columns: destination)\n",
        m.protocol, m.port
    );
    let names: Vec<&str> = m.vnets.iter().map(|v| v.name()).collect();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    for (i, name) in names.iter().enumerate() {
        let _ = write!(out, "{name:>width$} {:>2} ", i);
        for cell in m.cells.get(i).into_iter().flatten() {
            out.push(match cell.verdict {
                avnm_core::Decision::Allowed => 'A',
                avnm_core::Decision::Denied => 'D',
                avnm_core::Decision::Unreachable => '.',
            });
        }
        out.push('\n');
    }
    out
}
