//! A verdict with its trace as Markdown, to paste into a ticket: the decision and the rule that decided, one
//! table row per stage in evaluation order, the rules each stage looked at with the fields that matched, and
//! the assumptions the verdict relied on.

use std::fmt::Write as _;

use crate::verdict::{Flow, RuleRef, Stage, StepResult, Verdict};

/// A verdict for a flow as Markdown.
///
/// ```
/// use avnm_core::{Scenario, analyze, export, Flow};
/// let scenario = Scenario::parse(r#"{"resources": []}"#).unwrap();
/// let flow = Flow::new("10.0.0.4".parse().unwrap(), "10.0.0.5".parse().unwrap(), avnm_core::model::Protocol::Tcp, 22);
/// let verdict = analyze(&scenario).verdict(&flow);
/// let text = export::verdict_markdown(&verdict, &flow);
/// assert!(text.starts_with("## Unreachable: 10.0.0.4 -> 10.0.0.5 Tcp/22"));
/// ```
pub fn verdict_markdown(verdict: &Verdict, flow: &Flow) -> String {
    let mut out = format!("## {:?}: {}\n\n", verdict.verdict, cell(&flow.to_string()));
    match &verdict.decided_by {
        Some(rule) => {
            let _ = writeln!(
                out,
                "Decided by {} ({}).\n",
                code(rule_name(rule)),
                code(&rule.to_string())
            );
        }
        None => {
            out.push_str("No rule decided: the verdict comes from the path or the endpoints.\n\n")
        }
    }
    out.push_str("| # | Stage | Direction | Evaluated | Applied to | Result | Summary |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for (n, step) in verdict.trace.0.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            n + 1,
            stage(step.stage),
            step.direction.map(|d| format!("{d:?}")).unwrap_or_default(),
            step.evaluated
                .as_deref()
                .map(|e| code(last(e)))
                .unwrap_or_default(),
            step.applied_to
                .as_deref()
                .map(|e| code(last(e)))
                .unwrap_or_default(),
            result(step.result),
            cell(&step.summary)
        );
    }
    for (n, step) in verdict.trace.0.iter().enumerate() {
        if step.rules.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n### {}. {}: rules looked at\n",
            n + 1,
            stage(step.stage)
        );
        out.push_str("| Priority | Access | Rule | Protocol | Source | Source port | Destination | Destination port |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for rule in &step.rules {
            let mark = |b: bool| if b { "yes" } else { "no" };
            let name = if step.matched_rule.as_ref() == Some(&rule.rule) {
                format!("**{}**", code(rule_name(&rule.rule)))
            } else {
                code(rule_name(&rule.rule))
            };
            let _ = writeln!(
                out,
                "| {} | {} | {name} | {} | {} | {} | {} | {} |",
                rule.priority,
                cell(&rule.access.to_string()),
                mark(rule.protocol_matched),
                mark(rule.source_matched),
                mark(rule.source_port_matched),
                mark(rule.destination_matched),
                mark(rule.destination_port_matched)
            );
        }
    }
    if !verdict.assumptions.is_empty() {
        out.push_str("\n### Assumptions\n\n");
        for a in &verdict.assumptions {
            let _ = writeln!(out, "- {} ({})", cell(&a.text), cell(&a.decision));
        }
    }
    out
}

fn rule_name(rule: &RuleRef) -> &str {
    match rule {
        RuleRef::Admin(id) => id.name(),
        RuleRef::Nsg(id) => id.name(),
    }
}

fn last(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

fn stage(stage: Stage) -> &'static str {
    match stage {
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

fn result(result: StepResult) -> &'static str {
    match result {
        StepResult::Allowed => "Allowed",
        StepResult::AlwaysAllowed => "Always allowed",
        StepResult::Denied => "**Denied**",
        StepResult::NoRuleMatched => "No rule matched",
        StepResult::Skipped => "Skipped",
        StepResult::Found => "Found",
        StepResult::External => "External",
        StepResult::Unreachable => "**Unreachable**",
    }
}

/// Text for a table cell: one line, with `|` escaped.
fn cell(s: &str) -> String {
    s.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// Inline code that survives backticks and pipes in the text.
fn code(s: &str) -> String {
    let s = cell(s);
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}
