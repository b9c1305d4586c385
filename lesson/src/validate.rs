//! Checking a lesson as its author needs it checked (`avnm lesson check` and the tests of shipped lessons).
//!
//! Errors: a step's design with error diagnostics; an exercise whose solution does not apply, leaves error
//! diagnostics or does not make every check pass, whose check names a VNet or group that is not there once
//! solved, or that already passes on its step's design;
//! a question whose stated answer is not the engine's verdict.
//! Warnings: a design's warning diagnostics, an exercise without hints, a link target that is dropped.

use std::fmt;

use avnm_core::{Analysis, Severity, analyze};
use serde::Serialize;

use crate::format::{Check, Lesson, Step};
use crate::grade::{answer, describe_verdict, find_group, find_vnet, grade_analysis, verdict_name};
use crate::markdown;

/// A problem of a lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `error` or `warning`.
    pub severity: Severity,
    /// JSON path in the lesson.
    pub path: String,
    /// One line.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level} at `{}`: {}", self.path, self.message)
    }
}

/// Checks every step, exercise and question of a lesson; an empty list means the lesson is sound.
pub fn validate(lesson: &Lesson) -> Vec<Problem> {
    let mut out = Vec::new();
    for (n, step) in lesson.steps.iter().enumerate() {
        validate_step(step, &format!("steps[{n}]"), &mut out);
    }
    out
}

fn error(out: &mut Vec<Problem>, path: String, message: String) {
    out.push(Problem {
        severity: Severity::Error,
        path,
        message,
    });
}

fn validate_step(step: &Step, path: &str, out: &mut Vec<Problem>) {
    let analysis = analyze(&step.design);
    for d in &analysis.diagnostics {
        out.push(Problem {
            severity: d.severity,
            path: step.origin(&d.path),
            message: format!("the step's design: {} ({})", d.message, d.code),
        });
    }
    links(&step.text, &format!("{path}.text"), out);
    for (e, exercise) in step.exercises.iter().enumerate() {
        let at = format!("{path}.exercises[{e}]");
        links(&exercise.goal, &format!("{at}.goal"), out);
        for (h, hint) in exercise.hints.iter().enumerate() {
            links(hint, &format!("{at}.hints[{h}]"), out);
        }
        if exercise.hints.is_empty() {
            out.push(Problem {
                severity: Severity::Warning,
                path: format!("{at}.hints"),
                message: "the exercise has no hint".to_owned(),
            });
        }
        validate_exercise(step, &analysis, e, &at, out);
    }
    for (q, question) in step.questions.iter().enumerate() {
        let at = format!("{path}.questions[{q}]");
        links(&question.prompt, &format!("{at}.prompt"), out);
        links(&question.explanation, &format!("{at}.explanation"), out);
        let verdict = answer(&analysis, question);
        if verdict.verdict != question.answer {
            error(
                out,
                format!("{at}.answer"),
                format!(
                    "{}, not {}",
                    describe_verdict(&question.flow.flow(), &verdict),
                    verdict_name(question.answer)
                ),
            );
        }
    }
}

fn validate_exercise(step: &Step, analysis: &Analysis, e: usize, at: &str, out: &mut Vec<Problem>) {
    let Some(exercise) = step.exercises.get(e) else {
        return;
    };
    let mut working = step.working.clone();
    let solved = working
        .apply(&exercise.solution, &format!("{at}.solution"))
        .and_then(|()| working.to_scenario());
    let solved = match solved {
        Ok(solved) => solved,
        Err(e) => {
            error(
                out,
                e.path().to_owned(),
                format!("the solution: {}", strip_path(&e)),
            );
            return;
        }
    };
    let solved_analysis = analyze(&solved);
    for d in &solved_analysis.diagnostics {
        if d.severity == Severity::Error {
            error(
                out,
                working.origin(&d.path),
                format!(
                    "the design with the solution applied: {} ({})",
                    d.message, d.code
                ),
            );
        }
    }
    // The checks name what the goal needs: it must be there once the exercise is solved.
    let mut names_ok = true;
    for (c, check) in exercise.checks.iter().enumerate() {
        let model = &solved_analysis.model;
        let missing: Vec<(String, String)> = match check {
            Check::Flow(_) => Vec::new(),
            Check::Membership(m) => [
                ("membership.vnet", find_vnet(model, &m.vnet).err()),
                ("membership.group", find_group(model, &m.group).err()),
            ]
            .into_iter()
            .filter_map(|(k, e)| e.map(|e| (k.to_owned(), e)))
            .collect(),
            Check::Topology(t) => t
                .vnets
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    find_vnet(model, v)
                        .err()
                        .map(|e| (format!("topology.vnets[{i}]"), e))
                })
                .collect(),
        };
        for (key, message) in missing {
            names_ok = false;
            error(
                out,
                format!("{at}.checks[{c}].{key}"),
                format!("{message} in the design with the solution applied"),
            );
        }
    }
    if !names_ok {
        return;
    }
    if grade_analysis(analysis, exercise).passed {
        error(
            out,
            at.to_owned(),
            "the exercise already passes on the step's design: there is nothing to do".to_owned(),
        );
    }
    let grade = grade_analysis(&solved_analysis, exercise);
    for (c, result) in grade.checks.iter().enumerate() {
        if !result.passed {
            error(
                out,
                format!("{at}.checks[{c}]"),
                format!("fails with the solution applied: {}", result.why),
            );
        }
    }
}

/// The message of an error without its leading path.
fn strip_path(e: &crate::LessonError) -> String {
    let text = e.to_string();
    text.strip_prefix(&format!("`{}`: ", e.path()))
        .unwrap_or(&text)
        .to_owned()
}

fn links(text: &str, path: &str, out: &mut Vec<Problem>) {
    for target in markdown::render(text).dropped_links {
        out.push(Problem {
            severity: Severity::Warning,
            path: path.to_owned(),
            message: format!(
                "the link target `{target}` is not http, https or relative, so the link is shown as text"
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000001";

    fn nsg_rule(access: &str) -> Value {
        json!({"name": "ssh", "properties": {"priority": 100, "direction": "Inbound", "access": access, "protocol": "Tcp",
            "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}})
    }

    fn nsg(access: &str) -> Value {
        json!({"id": format!("{SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg"),
            "type": "Microsoft.Network/networkSecurityGroups", "location": "eastus",
            "properties": {"securityRules": [nsg_rule(access)]}})
    }

    /// One VNet whose subnet's NSG denies SSH; the exercise asks for SSH inside the VNet to be allowed.
    fn lesson(solution: &Value, answer: &str) -> Lesson {
        Lesson::from_document(json!({"lessonVersion": 1, "id": "t", "title": "T", "summary": "S", "steps": [{
            "title": "one", "text": "[bad](javascript:alert(1))",
            "design": {"resources": [nsg("Deny"), {
                "id": format!("{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a"),
                "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
                "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [{"name": "s",
                    "properties": {"addressPrefix": "10.0.0.0/24", "networkSecurityGroup": {"id": nsg("Deny")["id"]}}}]}}]},
            "exercises": [{"goal": "SSH inside the VNet", "hints": ["look at the NSG"], "solution": solution,
                "checks": [{"flow": {"from": "10.0.0.4", "to": "10.0.0.5", "protocol": "Tcp", "port": 22, "expect": "Allowed"}}]}],
            "questions": [{"prompt": "SSH?", "flow": {"from": "10.0.0.4", "to": "10.0.0.5", "protocol": "Tcp", "port": 22},
                "answer": answer, "explanation": "the NSG denies it"}]}]}))
        .unwrap()
    }

    fn messages(lesson: &Lesson) -> Vec<String> {
        validate(lesson).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_sound_lesson_has_only_the_link_warning() {
        let l = lesson(&json!({"upsert": [nsg("Allow")]}), "Denied");
        assert_eq!(
            messages(&l),
            [
                "warning at `steps[0].text`: the link target `javascript:alert(1)` is not http, https or relative, so the link is shown as text"
            ]
        );
    }

    #[test]
    fn wrong_answers_and_solutions_are_errors_at_their_paths() {
        let nsg_id = nsg("Deny")["id"].as_str().unwrap().to_owned();
        let l = lesson(
            &json!({"merge": [{"id": nsg_id, "tags": {"x": "y"}}]}),
            "Allowed",
        );
        let problems = messages(&l);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert_eq!(
            problems[1],
            "error at `steps[0].exercises[0].checks[0]`: fails with the solution applied: `10.0.0.4 -> 10.0.0.5 Tcp/22` is Denied by `ssh`; expected Allowed"
        );
        assert_eq!(
            problems[2],
            "error at `steps[0].questions[0].answer`: `10.0.0.4 -> 10.0.0.5 Tcp/22` is Denied by `ssh`, not Allowed"
        );
        let l = lesson(&json!({"remove": ["/nothing"]}), "Denied");
        assert_eq!(
            messages(&l)[1],
            "error at `steps[0].exercises[0].solution.remove[0]`: the solution: there is no resource `/nothing` to remove"
        );
    }
}
