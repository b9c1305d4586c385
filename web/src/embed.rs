//! Embeds: the design an embed starts with, the resource its editor shows, and its `postMessage` API
//! (`docs/embedding.md`): the page around it may load a design and read it back, and is told of every change
//! and every intent result.
//!
//! The messages are plain objects with a `type` starting with `avnm:`; [`Outbound`] lists what the embed sends,
//! `platform::Inbound` what it reads. Only the page's own origin and the origins in the URL's `allow` are
//! answered or told anything.

use std::rc::Rc;

use avnm_core::model::{Decision, Model};
use avnm_core::{Analysis, Scenario};
use serde::Serialize;
use yew::prelude::*;

use crate::page::{EmbedView, Page};
use crate::platform::{self, Inbound};
use crate::state::{Action, AppState, Selection};
use crate::views::gallery::{self, Example};

/// A message the embed sends.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum Outbound {
    /// Sent once the embed listens: the host may now send `avnm:load`.
    #[serde(rename = "avnm:ready")]
    Ready {
        /// The embedded view (`topology`, `lesson`...).
        view: &'static str,
        /// The lesson's id, for a lesson.
        #[serde(skip_serializing_if = "Option::is_none")]
        lesson: Option<String>,
    },
    /// The answer to `avnm:get`; the design is in its `design` key.
    #[serde(rename = "avnm:design")]
    Design,
    /// The answer to `avnm:load` when the design was loaded.
    #[serde(rename = "avnm:loaded")]
    Loaded,
    /// The answer to a message that was refused, and why.
    #[serde(rename = "avnm:error")]
    Error {
        /// One line.
        message: String,
    },
    /// The design changed (an edit, an undo, a load); the design is in its `design` key.
    #[serde(rename = "avnm:change")]
    Change,
    /// The intents' results after every change.
    #[serde(rename = "avnm:intents")]
    Intents {
        /// How many intents pass.
        passed: usize,
        /// How many fail.
        failed: usize,
        /// Each intent, in the design's order.
        results: Vec<IntentOutcome>,
    },
    /// The lesson step's exercises, graded after every change.
    #[serde(rename = "avnm:exercises")]
    Exercises {
        /// The lesson's id.
        lesson: String,
        /// The step, counted from 1.
        step: usize,
        /// Each exercise of the step, in order.
        exercises: Vec<ExerciseOutcome>,
    },
}

/// One intent's result, as the API sends it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntentOutcome {
    /// The intent's name.
    pub name: String,
    /// The flow, as `10.1.0.4 -> 10.2.0.4 Tcp/443`.
    pub flow: String,
    /// What the intent expects.
    pub expect: &'static str,
    /// What the engine found.
    pub verdict: &'static str,
    /// Whether they agree.
    pub passed: bool,
}

/// One exercise's grade, as the API sends it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExerciseOutcome {
    /// Whether every check holds.
    pub passed: bool,
    /// What the engine found for each check, one line each.
    pub checks: Vec<String>,
}

/// A verdict's name.
pub fn decision_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Allowed => "Allowed",
        Decision::Denied => "Denied",
        Decision::Unreachable => "Unreachable",
    }
}

/// The `avnm:intents` message for an analysis.
pub fn intents(analysis: &Analysis) -> Outbound {
    let results: Vec<IntentOutcome> = analysis
        .check()
        .iter()
        .map(|r| IntentOutcome {
            name: r.name.clone(),
            flow: r.flow.to_string(),
            expect: decision_name(r.expect),
            verdict: decision_name(r.verdict.verdict),
            passed: r.passed,
        })
        .collect();
    let passed = results.iter().filter(|r| r.passed).count();
    Outbound::Intents {
        passed,
        failed: results.len() - passed,
        results,
    }
}

/// The origins an embed tells of its changes: its own and those the URL allows.
pub fn origins(page: &Page) -> Vec<String> {
    std::iter::once(platform::origin())
        .chain(page.allow.iter().cloned())
        .collect()
}

/// The state an embed starts with: the design of its link (`#v1.`), else an empty design until the page sends one
/// or the example it names arrives (see [`example_of`]); the editor embed shows its item. `None` for the whole
/// playground.
pub fn initial(page: &Page, fragment: &str) -> Option<AppState> {
    page.embed?;
    let linked = || {
        fragment
            .starts_with("v")
            .then(|| avnm_link::decode(fragment).ok())
            .flatten()
            .map(|d| d.scenario)
    };
    let design = if example_of(page).is_some() {
        None
    } else {
        linked()
    };
    let mut state = AppState::new(design.unwrap_or_default());
    if let Some(item) = &page.item {
        state.selection = selection_of(state.scenario.model(), item).unwrap_or_default();
    }
    Some(state)
}

/// The shipped example an embed's URL names (`example=<name>`), fetched once the embed is shown.
pub fn example_of(page: &Page) -> Option<&'static Example> {
    page.embed?;
    page.example.as_deref().and_then(gallery::example)
}

/// The editor that shows a resource named by its id or its name (the first match, in the navigator's order).
pub fn selection_of(model: &Model, item: &str) -> Option<Selection> {
    let is = |id: &str| id.eq_ignore_ascii_case(item) || id.rsplit('/').next() == Some(item);
    match item {
        "intents" => return Some(Selection::Intents),
        "deployments" => return Some(Selection::Deployments),
        _ => {}
    }
    model
        .vnets
        .keys()
        .find(|id| is(id.as_str()))
        .map(|id| Selection::Vnet(id.clone()))
        .or_else(|| {
            model
                .nsgs
                .keys()
                .find(|id| is(id.as_str()))
                .map(|id| Selection::Nsg(id.clone()))
        })
        .or_else(|| {
            model
                .nics
                .keys()
                .find(|id| is(id.as_str()))
                .map(|id| Selection::Nic(id.clone()))
        })
        .or_else(|| {
            model
                .managers
                .keys()
                .find(|id| is(id.as_str()))
                .map(|id| Selection::Manager(id.clone()))
        })
        .or_else(|| {
            model
                .groups
                .keys()
                .find(|id| is(id.as_str()))
                .map(|id| Selection::Group(id.clone()))
        })
        .or_else(|| {
            model
                .connectivity_configs
                .keys()
                .find(|id| is(id.as_str()))
                .map(|id| Selection::Connectivity(id.clone()))
        })
        .or_else(|| {
            model
                .security_admin_configs
                .keys()
                .find(|id| is(id.as_str()))
                .map(|id| Selection::SecurityAdmin(id.clone()))
        })
        .or_else(|| {
            model
                .security_admin_configs
                .values()
                .flat_map(|c| c.collections.iter())
                .find(|rc| is(rc.id.as_str()))
                .map(|rc| Selection::RuleCollection(rc.id.clone()))
        })
}

/// Whether an action changes the design (what a read-only embed refuses).
pub fn changes_design(action: &Action) -> bool {
    matches!(
        action,
        Action::Change(_)
            | Action::Changed(_)
            | Action::Load { .. }
            | Action::LoadRead { .. }
            | Action::Undo
            | Action::Redo
    )
}

/// Compares by identity.
#[derive(Clone)]
struct Same<T>(Rc<T>);

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The `postMessage` API of an embed: listens while mounted (for an embed only), answers `avnm:load` and
/// `avnm:get`, and tells the page around it of every change and every intents' result.
#[hook]
pub fn use_message_api(page: Rc<Page>, state: &UseReducerHandle<AppState>, analysis: Rc<Analysis>) {
    let latest = use_mut_ref(|| state.scenario.clone());
    *latest.borrow_mut() = state.scenario.clone();
    {
        let page = page.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            let listening = page.embed.map(|view| {
                let own = platform::origin();
                let allowed = page.clone();
                let on =
                    Callback::from(
                        move |(message, peer): (Inbound, platform::Peer)| match message {
                            Inbound::Load(text) => match Scenario::parse(&text) {
                                Ok(_) => {
                                    dispatcher.dispatch(Action::Load {
                                        text,
                                        source: "the design sent by the page".to_owned(),
                                    });
                                    platform::answer(&peer, &Outbound::Loaded, None);
                                }
                                Err(e) => platform::answer(
                                    &peer,
                                    &Outbound::Error {
                                        message: format!("the design was not loaded: {e}"),
                                    },
                                    None,
                                ),
                            },
                            Inbound::Get => {
                                let text = latest.borrow().to_json();
                                platform::answer(&peer, &Outbound::Design, Some(&text));
                            }
                            Inbound::Invalid(message) => {
                                platform::answer(&peer, &Outbound::Error { message }, None);
                            }
                        },
                    );
                let listening =
                    platform::listen_messages(move |origin| allowed.allows(origin, &own), on);
                platform::tell_parent(
                    &origins(&page),
                    &Outbound::Ready {
                        view: view.name(),
                        lesson: page.lesson.clone().filter(|_| view == EmbedView::Lesson),
                    },
                    None,
                );
                listening
            });
            move || drop(listening)
        });
    }
    {
        let page = page.clone();
        use_effect_with(Same(state.scenario.clone()), move |design| {
            if page.embed.is_some() {
                platform::tell_parent(
                    &origins(&page),
                    &Outbound::Change,
                    Some(&design.0.to_json()),
                );
            }
        });
    }
    use_effect_with(Same(analysis), move |analysis| {
        if page.embed.is_some() {
            platform::tell_parent(&origins(&page), &intents(&analysis.0), None);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embed_fetches_its_example_and_selects_its_item_in_it() {
        let pairs = [
            ("embed", "editor"),
            ("example", "hub-spoke-guardrails"),
            ("item", "vnet-hub"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let page = Page::from_query(&pairs);
        assert_eq!(
            example_of(&page).map(|e| e.name),
            Some("hub-spoke-guardrails")
        );
        let state = initial(&page, "").unwrap();
        assert!(
            state.scenario.model().vnets.is_empty(),
            "an empty design shows until the example arrives"
        );
        let text = include_str!("../../static/examples/hub-spoke-guardrails.json");
        let fetched = Scenario::parse(text).unwrap();
        let Some(Selection::Vnet(id)) = selection_of(fetched.model(), "vnet-hub") else {
            panic!("vnet-hub is not selected")
        };
        assert_eq!(id.name(), "vnet-hub");
        assert!(
            initial(&Page::default(), "").is_none(),
            "the playground starts as before"
        );
    }

    #[test]
    fn an_unknown_example_is_not_fetched() {
        let pairs = [("embed", "topology"), ("example", "no-such-example")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let page = Page::from_query(&pairs);
        assert!(example_of(&page).is_none());
        let playground =
            Page::from_query(&[("example".to_owned(), "hub-spoke-guardrails".to_owned())]);
        assert!(
            example_of(&playground).is_none(),
            "only embeds read `example`"
        );
    }

    #[test]
    fn an_embed_without_a_design_is_empty_until_the_page_sends_one() {
        let page = Page::from_query(&[("embed".to_owned(), "topology".to_owned())]);
        let state = initial(&page, "not-a-link").unwrap();
        assert!(state.scenario.model().vnets.is_empty());
    }

    #[test]
    fn intents_are_counted_for_the_page() {
        let text = include_str!("../../static/examples/hub-spoke-guardrails.json");
        let analysis = avnm_core::analyze(&Scenario::parse(text).unwrap());
        let Outbound::Intents {
            passed,
            failed,
            results,
        } = intents(&analysis)
        else {
            panic!("not intents")
        };
        // The example's four intents pass (spec examples README).
        assert_eq!((passed, failed, results.len()), (4, 0, 4));
        assert_eq!(results[0].flow, "10.1.0.4 -> 10.2.0.4 Tcp/443");
    }

    #[test]
    fn read_only_embeds_refuse_design_changes_only() {
        assert!(changes_design(&Action::Undo));
        assert!(changes_design(&Action::LoadRead {
            design: crate::state::ReadDesign(Rc::new(Scenario::default())),
            source: "an import".to_owned(),
        }));
        assert!(!changes_design(&Action::Show(crate::state::Tab::Matrix)));
    }
}
