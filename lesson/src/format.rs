//! The lesson document, version 1 (`docs/lessons.md`), and reading it.
//!
//! API Boundary: the lesson format is public (decisions §5): lessons load from links and embed like designs.
//! A document names its format in `lessonVersion`; this build reads version [`LESSON_VERSION`] and refuses
//! any other with [`LessonError::Version`], so a lesson written for a newer format is never misread.
//! Unknown keys are errors, so a misspelt key is reported rather than ignored.

use std::net::IpAddr;

use avnm_core::model::{Decision, Protocol};
use avnm_core::{Flow, Scenario};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::LessonError;
use crate::patch::{Patch, Working, join};

/// The lesson format version this build reads and writes.
pub const LESSON_VERSION: u64 = 1;

/// A lesson: steps with their designs built.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// A stable slug (`security-admin-rules`): lowercase letters, digits and dashes.
    pub id: String,
    /// The title.
    pub title: String,
    /// One or two sentences: what the learner will be able to do.
    pub summary: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The document as read, for a share link or a download.
    document: Value,
}

/// One step of a lesson.
#[derive(Clone, Debug)]
pub struct Step {
    /// The step's title.
    pub title: String,
    /// The explanation, in Markdown.
    pub text: String,
    /// The patch the step applies to the previous step's design; `None` when it gives a whole design.
    pub patch: Option<Patch>,
    /// The step's design: the design it gives, or the previous step's design with its patch applied.
    pub design: Scenario,
    /// Exercises, graded live on the learner's design.
    pub exercises: Vec<Exercise>,
    /// "Predict, then run" questions about the step's design.
    pub questions: Vec<Question>,
    pub(crate) working: Working,
}

/// An exercise: a goal written as checks, hints and a solution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Exercise {
    /// The goal, in Markdown.
    pub goal: String,
    /// What must hold for the exercise to pass; all of them.
    pub checks: Vec<Check>,
    /// Hints in Markdown, shown one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
    /// A patch to the step's design that solves the exercise.
    pub solution: Patch,
}

/// One thing an exercise requires, graded by the engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Check {
    /// A flow has a verdict.
    Flow(FlowCheck),
    /// A VNet is or is not a member of a network group.
    Membership(MembershipCheck),
    /// Two VNets are or are not connected.
    Topology(TopologyCheck),
}

/// A flow and its expected verdict: an intent (decisions §1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FlowCheck {
    /// What the flow stands for.
    #[serde(default)]
    pub name: String,
    /// Source address.
    pub from: IpAddr,
    /// Destination address.
    pub to: IpAddr,
    /// `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `Any`.
    #[serde(deserialize_with = "protocol", serialize_with = "display")]
    pub protocol: Protocol,
    /// Destination port; required for `Tcp`, `Udp` and `Any`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Source port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_port: Option<u16>,
    /// `Allowed`, `Denied` or `Unreachable`.
    #[serde(deserialize_with = "decision")]
    pub expect: Decision,
}

/// Whether a VNet is in a network group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MembershipCheck {
    /// The VNet: its id, or its name when that is unique.
    pub vnet: String,
    /// The network group: its id, or its name when that is unique.
    pub group: String,
    /// `Member` or `NotMember`.
    pub expect: MembershipExpect,
}

/// The expected membership.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MembershipExpect {
    /// The VNet is a member (static or through Azure Policy).
    Member,
    /// The VNet is not a member.
    NotMember,
}

/// Whether two VNets are connected by the deployed topology.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TopologyCheck {
    /// The two VNets: ids, or names when unique.
    pub vnets: [String; 2],
    /// `Peered`, `NotPeered`, `ConnectedGroup` or `NotConnected`.
    pub expect: TopologyExpect,
}

/// The expected connection between two VNets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TopologyExpect {
    /// An effective peering joins them (manual or made by a configuration).
    Peered,
    /// No effective peering joins them (they may share a connected group).
    NotPeered,
    /// They are members of one connected group (mesh or direct connectivity).
    ConnectedGroup,
    /// Neither a peering nor a connected group joins them.
    NotConnected,
}

/// A "predict, then run" question: the learner picks a verdict for a flow before seeing the engine's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Question {
    /// The question, in Markdown.
    pub prompt: String,
    /// The flow, on the step's design.
    pub flow: FlowSpec,
    /// The verdict on the step's design: `Allowed`, `Denied` or `Unreachable`.
    #[serde(deserialize_with = "decision")]
    pub answer: Decision,
    /// Why, in Markdown; shown after the verdict.
    pub explanation: String,
}

/// A flow as a lesson writes it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FlowSpec {
    /// Source address.
    pub from: IpAddr,
    /// Destination address.
    pub to: IpAddr,
    /// `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `Any`.
    #[serde(deserialize_with = "protocol", serialize_with = "display")]
    pub protocol: Protocol,
    /// Destination port; required for `Tcp`, `Udp` and `Any`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Source port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_port: Option<u16>,
}

impl FlowSpec {
    /// The engine's flow.
    pub fn flow(&self) -> Flow {
        Flow {
            from: self.from,
            to: self.to,
            protocol: self.protocol,
            port: self.port,
            source_port: self.source_port,
        }
    }
}

impl FlowCheck {
    /// The engine's flow.
    pub fn flow(&self) -> Flow {
        Flow {
            from: self.from,
            to: self.to,
            protocol: self.protocol,
            port: self.port,
            source_port: self.source_port,
        }
    }
}

/// The document as written, before the designs are built.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawLesson {
    #[serde(rename = "lessonVersion")]
    _version: u64,
    id: String,
    title: String,
    summary: String,
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawStep {
    title: String,
    text: String,
    #[serde(default)]
    design: Option<Value>,
    #[serde(default)]
    patch: Option<Patch>,
    #[serde(default)]
    exercises: Vec<Exercise>,
    #[serde(default)]
    questions: Vec<Question>,
}

impl Lesson {
    /// Reads a lesson and builds the design of every step.
    ///
    /// Every problem is an error naming its JSON path in the lesson: a value of the wrong shape, an unknown
    /// key, a patch that does not apply, a design that is not a readable scenario document.
    /// A design's semantic problems (diagnostics) are not errors here: [`crate::validate`] reports them.
    ///
    /// ```
    /// use avnm_lesson::Lesson;
    /// let error = Lesson::parse(r#"{"lessonVersion": 2, "title": "from the future"}"#).unwrap_err();
    /// assert_eq!(error.to_string(), "`lessonVersion`: lesson version `2` is not supported; this build reads version 1");
    /// let error = Lesson::parse(r#"{"lessonVersion": 1, "id": "x", "title": "t", "summary": "s",
    ///     "steps": [{"title": "one", "text": "", "design": {"resources": []}, "questions": [{"prompt": "?"}]}]}"#).unwrap_err();
    /// assert_eq!(error.to_string(), "`steps[0].questions[0]`: missing field `flow`");
    /// ```
    pub fn parse(text: &str) -> Result<Lesson, LessonError> {
        let document: Value = serde_json::from_str(text)?;
        Lesson::from_document(document)
    }

    /// Reads a lesson that is already parsed JSON.
    pub fn from_document(document: Value) -> Result<Lesson, LessonError> {
        let Some(root) = document.as_object() else {
            return Err(LessonError::format(
                "",
                format!("expected a lesson (an object), found {}", kind(&document)),
            ));
        };
        match root.get("lessonVersion") {
            None => {
                return Err(LessonError::format(
                    "",
                    "missing field `lessonVersion`: this is not a lesson document",
                ));
            }
            Some(Value::Number(n)) if n.as_u64() == Some(LESSON_VERSION) => {}
            Some(Value::Number(n)) => {
                return Err(LessonError::Version {
                    found: n.to_string(),
                });
            }
            Some(other) => {
                return Err(LessonError::format(
                    "lessonVersion",
                    format!(
                        "expected the number {LESSON_VERSION}, found {}",
                        kind(other)
                    ),
                ));
            }
        }
        let raw: RawLesson = serde_path_to_error::deserialize(document.clone()).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            LessonError::format(path, e.into_inner().to_string())
        })?;
        if raw.id.is_empty()
            || !raw
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(LessonError::format(
                "id",
                format!(
                    "`{}` is not a slug of lowercase letters, digits and dashes",
                    raw.id
                ),
            ));
        }
        if raw.steps.is_empty() {
            return Err(LessonError::format(
                "steps",
                "a lesson has at least one step",
            ));
        }
        let mut steps: Vec<Step> = Vec::with_capacity(raw.steps.len());
        for (n, step) in raw.steps.into_iter().enumerate() {
            let path = format!("steps[{n}]");
            let working = match (step.design, &step.patch, steps.last()) {
                (Some(_), Some(_), _) => {
                    return Err(LessonError::format(
                        path,
                        "a step has either a `design` or a `patch`, not both",
                    ));
                }
                (Some(design), None, _) => Working::new(design, &join(&path, "design"))?,
                (None, patch, Some(previous)) => {
                    let mut working = previous.working.clone();
                    if let Some(patch) = patch {
                        working.apply(patch, &join(&path, "patch"))?;
                    }
                    working
                }
                (None, _, None) => {
                    return Err(LessonError::format(
                        path,
                        "the first step needs a `design`: a whole scenario document",
                    ));
                }
            };
            let design = working.to_scenario()?;
            for (e, exercise) in step.exercises.iter().enumerate() {
                let at = format!("{path}.exercises[{e}]");
                if exercise.checks.is_empty() {
                    return Err(LessonError::format(
                        join(&at, "checks"),
                        "an exercise needs at least one check",
                    ));
                }
                for (c, check) in exercise.checks.iter().enumerate() {
                    if let Check::Flow(f) = check {
                        require_port(f.protocol, f.port, &format!("{at}.checks[{c}].flow"))?;
                    }
                }
            }
            for (q, question) in step.questions.iter().enumerate() {
                let f = &question.flow;
                require_port(f.protocol, f.port, &format!("{path}.questions[{q}].flow"))?;
            }
            steps.push(Step {
                title: step.title,
                text: step.text,
                patch: step.patch,
                design,
                exercises: step.exercises,
                questions: step.questions,
                working,
            });
        }
        Ok(Lesson {
            id: raw.id,
            title: raw.title,
            summary: raw.summary,
            steps,
            document,
        })
    }

    /// The lesson document as it was read, every key kept.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// The design of step `n` (0-based), or `None` past the last step.
    pub fn step_design(&self, n: usize) -> Option<&Scenario> {
        self.steps.get(n).map(|s| &s.design)
    }
}

impl Step {
    /// Where a JSON path of this step's design was written in the lesson (`resources[2].properties` becomes
    /// `steps[0].design.resources[2].properties`, or the path of the patch operation that last wrote it).
    pub fn origin(&self, design_path: impl std::fmt::Display) -> String {
        self.working.origin(design_path)
    }
}

fn require_port(protocol: Protocol, port: Option<u16>, path: &str) -> Result<(), LessonError> {
    if protocol.has_ports() && port.is_none() {
        return Err(LessonError::format(
            path,
            format!("a `{protocol}` flow needs a `port`"),
        ));
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A protocol name, case-insensitively, as intents read it.
fn protocol<'de, D: Deserializer<'de>>(d: D) -> Result<Protocol, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(|()| {
        serde::de::Error::custom(format!(
            "`{text}` is not one of `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`, `Any`"
        ))
    })
}

/// A verdict name, case-insensitively, as intents read it.
fn decision<'de, D: Deserializer<'de>>(d: D) -> Result<Decision, D::Error> {
    let text = String::deserialize(d)?;
    match text.to_ascii_lowercase().as_str() {
        "allowed" => Ok(Decision::Allowed),
        "denied" => Ok(Decision::Denied),
        "unreachable" => Ok(Decision::Unreachable),
        _ => Err(serde::de::Error::custom(format!(
            "`{text}` is not one of `Allowed`, `Denied`, `Unreachable`"
        ))),
    }
}

fn display<S: Serializer>(value: &Protocol, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VNET: &str =
        "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks";

    fn lesson(steps: &Value) -> Value {
        json!({"lessonVersion": 1, "id": "t", "title": "T", "summary": "S", "steps": steps})
    }

    fn design() -> Value {
        json!({"resources": [{"id": format!("{VNET}/a"), "type": "Microsoft.Network/virtualNetworks",
            "location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": [{"name": "s", "properties": {"addressPrefix": "10.0.0.0/24"}}]}}]})
    }

    #[track_caller]
    fn check_error(document: Value, expected: &str) {
        match Lesson::from_document(document) {
            Ok(_) => panic!("should not load"),
            Err(e) => assert_eq!(e.to_string(), expected),
        }
    }

    #[test]
    fn versions_and_shapes_are_checked_first() {
        check_error(
            json!([]),
            "``: expected a lesson (an object), found an array",
        );
        check_error(
            json!({"resources": []}),
            "``: missing field `lessonVersion`: this is not a lesson document",
        );
        check_error(
            json!({"lessonVersion": "1"}),
            "`lessonVersion`: expected the number 1, found a string",
        );
        check_error(
            json!({"lessonVersion": 7, "anything": true}),
            "`lessonVersion`: lesson version `7` is not supported; this build reads version 1",
        );
        check_error(
            json!({"lessonVersion": 1, "id": "t", "title": "T", "summary": "S", "steps": [], "sumary": ""}),
            "`sumary`: unknown field `sumary`, expected one of `lessonVersion`, `id`, `title`, `summary`, `steps`",
        );
        check_error(
            lesson(&json!([])),
            "`steps`: a lesson has at least one step",
        );
        check_error(
            json!({"lessonVersion": 1, "id": "Not A Slug", "title": "T", "summary": "S", "steps": []}),
            "`id`: `Not A Slug` is not a slug of lowercase letters, digits and dashes",
        );
    }

    #[test]
    fn steps_need_a_design_first_and_not_both() {
        check_error(
            lesson(&json!([{"title": "a", "text": "", "patch": {}}])),
            "`steps[0]`: the first step needs a `design`: a whole scenario document",
        );
        check_error(
            lesson(&json!([{"title": "a", "text": "", "design": design(), "patch": {}}])),
            "`steps[0]`: a step has either a `design` or a `patch`, not both",
        );
        check_error(
            lesson(&json!([{"title": "a", "text": "", "design": design()},
                          {"title": "b", "text": "", "patch": {"remove": [format!("{VNET}/b")]}}])),
            &format!("`steps[1].patch.remove[0]`: there is no resource `{VNET}/b` to remove"),
        );
        check_error(
            lesson(&json!([{"title": "a", "text": "", "design": design()},
                          {"title": "b", "text": "", "patch": {"rename": []}}])),
            "`steps[1].patch.rename`: unknown field `rename`, expected one of `remove`, `upsert`, `merge`, `commits`, `intents`",
        );
    }

    #[test]
    fn designs_that_do_not_read_name_their_lesson_path() {
        check_error(
            lesson(&json!([{"title": "a", "text": "", "design": []}])),
            "`steps[0].design`: expected a scenario document (an object)",
        );
        check_error(
            lesson(&json!([{"title": "a", "text": "", "design": {"resources": {}}}])),
            "`steps[0].design.resources`: expected an array",
        );
        check_error(
            lesson(&json!([{"title": "a", "text": "", "design": {"resources": [{"type": "x"}]}}])),
            "`steps[0].design.resources[0]`: missing field `id`",
        );
        check_error(
            lesson(&json!([{"title": "a", "text": "", "design": design()},
                           {"title": "b", "text": "", "patch": {"commits": {"append": [{"commitType": "Connectivity"}]}}}])),
            "`steps[1].patch.commits.append[0]`: missing field `networkManagerId`",
        );
    }

    #[test]
    fn checks_and_questions_are_read_with_their_paths() {
        let step = |exercise: Value| {
            lesson(
                &json!([{"title": "a", "text": "", "design": design(), "exercises": [exercise]}]),
            )
        };
        check_error(
            step(
                json!({"goal": "g", "checks": [{"flow": {"from": "10.0.0.4", "to": "10.0.0.5", "protocol": "Gre", "port": 1, "expect": "Allowed"}}], "solution": {}}),
            ),
            "`steps[0].exercises[0].checks[0].flow.protocol`: `Gre` is not one of `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`, `Any`",
        );
        check_error(
            step(
                json!({"goal": "g", "checks": [{"flow": {"from": "10.0.0.4", "to": "10.0.0.5", "protocol": "tcp", "expect": "allowed"}}], "solution": {}}),
            ),
            "`steps[0].exercises[0].checks[0].flow`: a `Tcp` flow needs a `port`",
        );
        check_error(
            step(json!({"goal": "g", "checks": [{"peering": {}}], "solution": {}})),
            "`steps[0].exercises[0].checks[0]`: unknown variant `peering`, expected one of `flow`, `membership`, `topology`",
        );
        check_error(
            step(json!({"goal": "g", "checks": [], "solution": {}})),
            "`steps[0].exercises[0].checks`: an exercise needs at least one check",
        );
        check_error(
            step(
                json!({"goal": "g", "checks": [{"membership": {"vnet": "a", "group": "g", "expect": "In"}}], "solution": {}}),
            ),
            "`steps[0].exercises[0].checks[0].membership.expect`: unknown variant `In`, expected `Member` or `NotMember`",
        );
    }

    #[test]
    fn patches_build_each_step_from_the_previous_one() {
        let two = json!({"id": format!("{VNET}/b"), "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
            "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}});
        let l = Lesson::from_document(lesson(&json!([
            {"title": "a", "text": "", "design": design()},
            {"title": "b", "text": "", "patch": {"upsert": [two]}},
            {"title": "c", "text": ""},
            {"title": "d", "text": "", "patch": {"remove": [format!("{VNET}/a")]}}
        ])))
        .unwrap();
        let names = |n: usize| -> Vec<String> {
            l.step_design(n)
                .unwrap()
                .model()
                .vnets
                .values()
                .map(|v| v.name.clone())
                .collect()
        };
        assert_eq!(
            l.document()["steps"][1]["title"],
            "b",
            "the document is kept as read"
        );
        assert_eq!(names(0), ["a"]);
        assert_eq!(names(1), ["a", "b"]);
        assert_eq!(names(2), ["a", "b"]);
        assert_eq!(names(3), ["b"]);
        assert!(l.step_design(4).is_none());
        assert_eq!(
            l.steps[1].origin("resources[1].properties"),
            "steps[1].patch.upsert[0].properties"
        );
        assert_eq!(
            l.steps[3].origin("resources[0]"),
            "steps[1].patch.upsert[0]"
        );
    }
}
