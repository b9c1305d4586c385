//! The lessons shipped in `static/lessons/`: each parses, each step's design loads without error diagnostics,
//! each exercise fails on its step's design and passes once its solution is applied, and each question's stated
//! answer is both the engine's verdict and the verdict derived by hand from the specification below.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports a failed expectation by panicking"
)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use avnm_core::model::{Access, Decision, Topology};
use avnm_core::{Scenario, Severity, analyze};
use avnm_lesson::{Lesson, answer, grade, markdown, validate};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../static/lessons")
}

fn load(id: &str) -> Lesson {
    let path = dir().join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Lesson::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn all() -> Vec<Lesson> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let id = p.file_stem().unwrap().to_str().unwrap();
            let lesson = load(id);
            assert_eq!(lesson.id, id, "a lesson's id is its file name");
            lesson
        })
        .collect()
}

#[test]
fn the_four_lessons_of_the_story_are_shipped_with_3_to_6_steps_an_exercise_and_a_question() {
    let lessons = all();
    let ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "commits-goal-state",
            "connectivity",
            "network-groups",
            "security-admin-rules"
        ]
    );
    for lesson in &lessons {
        assert!((3..=6).contains(&lesson.steps.len()), "{}", lesson.id);
        assert!(
            lesson.steps.iter().any(|s| !s.exercises.is_empty()),
            "{}",
            lesson.id
        );
        assert!(
            lesson.steps.iter().any(|s| !s.questions.is_empty()),
            "{}",
            lesson.id
        );
    }
}

#[test]
fn every_step_design_loads_without_error_diagnostics() {
    for lesson in all() {
        for (n, step) in lesson.steps.iter().enumerate() {
            let analysis = analyze(&step.design);
            let errors: Vec<String> = analysis
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(ToString::to_string)
                .collect();
            assert!(errors.is_empty(), "{} step {n}: {errors:#?}", lesson.id);
        }
    }
}

#[test]
fn every_exercise_fails_on_its_step_and_passes_with_its_solution() {
    for lesson in all() {
        for (n, step) in lesson.steps.iter().enumerate() {
            for (e, exercise) in step.exercises.iter().enumerate() {
                let at = format!("{} step {n} exercise {e}", lesson.id);
                let before = grade(&step.design, exercise);
                assert!(
                    !before.passed,
                    "{at} passes before the learner does anything"
                );
                let solved = exercise
                    .solution
                    .apply(&step.design)
                    .unwrap_or_else(|err| panic!("{at}: {err}"));
                assert!(
                    !analyze(&solved).has_errors(),
                    "{at}: the solution leaves errors"
                );
                let after = grade(&solved, exercise);
                let failing: Vec<&str> = after
                    .checks
                    .iter()
                    .filter(|c| !c.passed)
                    .map(|c| c.why.as_str())
                    .collect();
                assert!(failing.is_empty(), "{at} with its solution: {failing:#?}");
                assert!(!exercise.hints.is_empty(), "{at} has no hint");
            }
        }
    }
}

#[test]
fn the_validator_finds_no_error_and_no_dropped_link() {
    for lesson in all() {
        let problems = validate(&lesson);
        let errors: Vec<String> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error || p.message.contains("link target"))
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", lesson.id);
    }
}

/// Every question with the verdict and deciding rule derived by hand from `spec/avnm-semantics.md` and
/// `spec/decisions.md` (section numbers in the comments), independently of the lesson's stated answer.
#[test]
fn every_question_answer_is_the_engines_and_the_specs() {
    use Decision::{Allowed, Denied, Unreachable};
    #[rustfmt::skip]
    let expected: &[(&str, usize, usize, Decision, Option<&str>)] = &[
        // Groups create nothing (spec §2.1, §3.8: topology comes only from deployed configurations): no path.
        ("network-groups", 0, 0, Unreachable, None),
        // The tag puts the new VNet in ng-payments (§2.3), membership is live (§2.6), sac-baseline is deployed
        // to its region: the Deny matches TCP 3389 inbound before any NSG (§4.4).
        ("network-groups", 3, 0, Denied, Some("deny-rdp-inbound")),
        // Retail is in no group of the collection and has no NSG: nothing matches, allowed (§5.3, decisions §2).
        ("network-groups", 3, 1, Allowed, None),
        // Hub-and-spoke peers the hub with each spoke (§3.3); no rule anywhere.
        ("connectivity", 0, 0, Allowed, None),
        // Spokes are peered only with the hub (§3.3): no path between two spokes.
        ("connectivity", 0, 1, Unreachable, None),
        // Only East US 2 has the configuration; a VNet gets configurations of its own region (§12.6, Q6).
        ("connectivity", 1, 0, Unreachable, None),
        // The mesh is not deployed; spokes reach only the hub (§3.3).
        ("connectivity", 2, 0, Unreachable, None),
        // E1 (§8.1): the admin Deny is evaluated before the NSG's allow.
        ("security-admin-rules", 0, 0, Denied, Some("deny-high-risk-tcp")),
        // No admin rule for 443; the NSG's default AllowVnetInBound covers the peered hub (§5.2, §5.5, Q9).
        ("security-admin-rules", 0, 1, Allowed, Some("AllowVnetInBound")),
        // E1 again, for payments before the exception.
        ("security-admin-rules", 1, 0, Denied, Some("deny-high-risk-tcp")),
        // E3 (§8.1): the admin Allow continues to the NSG, which denies.
        ("security-admin-rules", 2, 0, Denied, Some("deny-ssh-inbound")),
        // No admin rule for 9100; the NSG's deny-all (4000) comes before AllowVnetInBound (65000) (§5.1, §5.2).
        ("security-admin-rules", 2, 1, Denied, Some("deny-all-inbound")),
        // E10 (§8.1, §6.2): the second commit replaced East US 2's goal state with the mesh only.
        ("commits-goal-state", 0, 0, Unreachable, None),
        // The mesh in the goal state connects the payments VNets (§3.2).
        ("commits-goal-state", 0, 1, Allowed, None),
        // Commit types are independent (§6.2): the hub and spoke stays; the Deny is for 22 and 3389 only.
        ("commits-goal-state", 1, 0, Allowed, None),
        // One security admin configuration per region (§6.3): the last commit replaced sac-baseline in East US 2.
        ("commits-goal-state", 2, 0, Allowed, None),
    ];
    let mut seen = BTreeSet::new();
    for &(id, step, q, decision, rule) in expected {
        let lesson = load(id);
        let step_ref = &lesson.steps[step];
        let question = &step_ref.questions[q];
        let at = format!("{id} step {step} question {q}");
        assert_eq!(
            question.answer, decision,
            "{at}: the lesson's stated answer"
        );
        let verdict = answer(&analyze(&step_ref.design), question);
        assert_eq!(verdict.verdict, decision, "{at}: the engine's verdict");
        let decided_by = verdict.decided_by.as_ref().map(|r| r.to_string());
        let decided_by = decided_by
            .as_deref()
            .map(|r| r.rsplit('/').next().unwrap_or(r));
        assert_eq!(decided_by, rule, "{at}: the deciding rule");
        seen.insert((id.to_owned(), step, q));
    }
    let shipped: BTreeSet<(String, usize, usize)> = all()
        .iter()
        .flat_map(|l| {
            l.steps
                .iter()
                .enumerate()
                .flat_map(move |(n, s)| (0..s.questions.len()).map(move |q| (l.id.clone(), n, q)))
        })
        .collect();
    assert_eq!(
        seen, shipped,
        "every shipped question is derived by hand here"
    );
}

/// Every design of a lesson and every design with a solution applied.
fn designs(lesson: &Lesson) -> Vec<Scenario> {
    let mut out = Vec::new();
    for step in &lesson.steps {
        out.push(step.design.clone());
        for exercise in &step.exercises {
            out.push(exercise.solution.apply(&step.design).unwrap());
        }
    }
    out
}

#[test]
fn the_lessons_cover_the_story_of_the_announcement() {
    // (a) Static members and Azure Policy members.
    let groups = designs(&load("network-groups"));
    assert!(groups.iter().any(|d| {
        let members = analyze(d).membership;
        let sources: Vec<_> = members
            .groups
            .values()
            .flatten()
            .flat_map(|m| &m.sources)
            .collect();
        sources
            .iter()
            .any(|s| matches!(s, avnm_core::membership::Source::Static(_)))
            && sources
                .iter()
                .any(|s| matches!(s, avnm_core::membership::Source::Policy { .. }))
    }));
    // (b) Hub and spoke, mesh, direct connectivity, two regions.
    let connectivity = designs(&load("connectivity"));
    let model = |d: &Scenario| d.model().clone();
    assert!(connectivity.iter().any(|d| {
        let m = model(d);
        let configs: Vec<_> = m.connectivity_configs.values().collect();
        configs.iter().any(|c| {
            c.topology == Topology::HubAndSpoke
                && c.groups.iter().any(|g| g.directly_connected && g.is_global)
        }) && configs.iter().any(|c| c.topology == Topology::Mesh)
            && m.commits
                .iter()
                .flat_map(|c| &c.regions)
                .map(|r| r.to_string())
                .collect::<BTreeSet<_>>()
                .len()
                == 2
    }));
    // (c) Deny, Allow and AlwaysAllow admin rules over NSGs.
    let security = designs(&load("security-admin-rules"));
    let accesses: BTreeSet<String> = security
        .iter()
        .flat_map(|d| {
            let m = model(d);
            m.security_admin_configs
                .values()
                .flat_map(|c| {
                    c.collections
                        .iter()
                        .flat_map(|rc| rc.rules.iter().map(|r| format!("{:?}", r.access)))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        accesses,
        [Access::Allow, Access::AlwaysAllow, Access::Deny]
            .map(|a| format!("{a:?}"))
            .into()
    );
    assert!(security.iter().all(|d| !d.model().nsgs.is_empty()));
    // (d) A later commit to the same region and type replaces an earlier one.
    let commits = load("commits-goal-state");
    let first = commits.steps[0].design.model().clone();
    assert!(first.commits.len() >= 2);
    assert!(
        first
            .commits
            .windows(2)
            .any(|w| w[0].commit_type == w[1].commit_type
                && w[0].regions.iter().any(|r| w[1].regions.contains(r))
                && w[0].configurations != w[1].configurations)
    );
}

#[test]
fn every_text_renders_without_dropping_a_link() {
    for lesson in all() {
        let mut texts = vec![lesson.summary.clone()];
        for step in &lesson.steps {
            texts.push(step.text.clone());
            for e in &step.exercises {
                texts.push(e.goal.clone());
                texts.extend(e.hints.iter().cloned());
            }
            for q in &step.questions {
                texts.push(q.prompt.clone());
                texts.push(q.explanation.clone());
            }
        }
        for text in texts {
            let rendered = markdown::render(&text);
            assert!(!rendered.blocks.is_empty(), "{}: empty text", lesson.id);
            assert!(rendered.dropped_links.is_empty(), "{}: {text}", lesson.id);
        }
    }
}
