//! The playground's state: the design with its undo history, what is selected, and what the result panels
//! show. One reducer changes it; the analysis is derived from the design and never stored.

use std::rc::Rc;

use avnm_core::Scenario;
use avnm_core::model::{
    AdminRuleId, ConfigurationId, NetworkGroupId, NetworkManagerId, NicId, NsgId, RuleCollectionId,
    VnetId,
};
use avnm_core::scenario::{Edit, apply};
use yew::Reducible;

/// How many edits can be undone.
const HISTORY: usize = 200;

/// What the editor shows.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Selection {
    /// Nothing: the welcome and the gallery.
    #[default]
    Overview,
    /// A virtual network.
    Vnet(VnetId),
    /// A network interface.
    Nic(NicId),
    /// A network security group.
    Nsg(NsgId),
    /// A network manager.
    Manager(NetworkManagerId),
    /// A network group.
    Group(NetworkGroupId),
    /// A connectivity configuration.
    Connectivity(ConfigurationId),
    /// A security admin configuration.
    SecurityAdmin(ConfigurationId),
    /// A rule collection.
    RuleCollection(RuleCollectionId),
    /// An admin rule (shown in its collection).
    AdminRule(AdminRuleId),
    /// The commits and the goal state per region.
    Deployments,
    /// Management groups, subscriptions and resource groups.
    Hierarchy,
    /// The intents.
    Intents,
    /// The whole document as JSON.
    Document,
}

/// The result panel in front.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    /// Verdict for one flow.
    #[default]
    Verdict,
    /// Intents with pass or fail.
    Intents,
    /// Group members and why.
    Membership,
    /// The topology diagram.
    Topology,
    /// Effective rules.
    Rules,
    /// The reachability matrix.
    Matrix,
    /// The engine's diagnostics.
    Diagnostics,
}

/// A message for the user about something that did not happen (a refused edit, a bad import).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// What happened and where.
    pub message: String,
}

/// The whole state.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The current design.
    pub scenario: Rc<Scenario>,
    /// Designs before the last edits, oldest first.
    pub past: Vec<Rc<Scenario>>,
    /// Designs undone, most recent last.
    pub future: Vec<Rc<Scenario>>,
    /// What the editor shows.
    pub selection: Selection,
    /// The result panel in front.
    pub tab: Tab,
    /// The last refusal, shown until dismissed.
    pub notice: Option<Notice>,
    /// How many designs were loaded: panels with their own inputs start afresh on a new design.
    pub loads: u32,
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &other.scenario)
            && self.past.len() == other.past.len()
            && self.future.len() == other.future.len()
            && self.selection == other.selection
            && self.tab == other.tab
            && self.notice == other.notice
            && self.loads == other.loads
    }
}

impl AppState {
    /// A state showing a design.
    pub fn new(scenario: Scenario) -> Self {
        AppState {
            scenario: Rc::new(scenario),
            past: Vec::new(),
            future: Vec::new(),
            selection: Selection::Overview,
            tab: Tab::Verdict,
            notice: None,
            loads: 0,
        }
    }
}

/// Everything that changes the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Apply an edit to the design (undoable).
    Edit(Edit),
    /// Apply several edits as one undoable step.
    Edits(Vec<Edit>),
    /// Replace the design with a document's text (an example, an import, a link); `source` names it for errors.
    Load {
        /// The JSON text.
        text: String,
        /// Where it came from, for the error message.
        source: String,
    },
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Show something in the editor.
    Select(Selection),
    /// Bring a result panel to the front.
    Show(Tab),
    /// Dismiss the notice.
    Dismiss,
}

impl AppState {
    fn with_design(&self, next: Scenario) -> Self {
        let mut past = self.past.clone();
        past.push(self.scenario.clone());
        if past.len() > HISTORY {
            past.remove(0);
        }
        AppState {
            scenario: Rc::new(next),
            past,
            future: Vec::new(),
            notice: None,
            ..self.clone()
        }
    }

    fn refused(&self, message: String) -> Self {
        AppState {
            notice: Some(Notice { message }),
            ..self.clone()
        }
    }

    /// The state after an action.
    pub fn reduce(&self, action: Action) -> Self {
        match action {
            Action::Edit(edit) => match apply(&self.scenario, &edit) {
                Ok(next) => self.with_design(next),
                Err(e) => self.refused(format!("the change was not applied: {e}")),
            },
            Action::Edits(edits) => {
                let mut current = (*self.scenario).clone();
                for edit in &edits {
                    match apply(&current, edit) {
                        Ok(next) => current = next,
                        Err(e) => return self.refused(format!("the change was not applied: {e}")),
                    }
                }
                self.with_design(current)
            }
            Action::Load { text, source } => match Scenario::parse(&text) {
                Ok(next) => AppState {
                    selection: Selection::Overview,
                    ..self.with_design(next)
                },
                Err(e) => self.refused(format!(
                    "{source} was not loaded, your design is unchanged: {e}"
                )),
            },
            Action::Undo => {
                let mut past = self.past.clone();
                let Some(previous) = past.pop() else {
                    return self.clone();
                };
                let mut future = self.future.clone();
                future.push(self.scenario.clone());
                AppState {
                    scenario: previous,
                    past,
                    future,
                    notice: None,
                    ..self.clone()
                }
            }
            Action::Redo => {
                let mut future = self.future.clone();
                let Some(next) = future.pop() else {
                    return self.clone();
                };
                let mut past = self.past.clone();
                past.push(self.scenario.clone());
                AppState {
                    scenario: next,
                    past,
                    future,
                    notice: None,
                    ..self.clone()
                }
            }
            Action::Select(selection) => AppState {
                selection,
                ..self.clone()
            },
            Action::Show(tab) => AppState {
                tab,
                ..self.clone()
            },
            Action::Dismiss => AppState {
                notice: None,
                ..self.clone()
            },
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = AppState::reduce(&self, action);
        if next == *self { self } else { Rc::new(next) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use avnm_core::scenario::FieldValue;

    fn state() -> AppState {
        AppState::new(Scenario::parse(r#"{"resources": []}"#).unwrap())
    }

    #[test]
    fn edits_undo_and_redo() {
        let s = state();
        let s1 = s.reduce(Action::Edit(Edit::Set {
            path: "title".into(),
            value: FieldValue::Text("a".into()),
        }));
        assert!(s1.scenario.to_json().contains("\"a\""));
        let s2 = s1.reduce(Action::Undo);
        assert!(Rc::ptr_eq(&s2.scenario, &s.scenario));
        let s3 = s2.reduce(Action::Redo);
        assert!(Rc::ptr_eq(&s3.scenario, &s1.scenario));
    }

    #[test]
    fn a_bad_load_keeps_the_design_and_says_why() {
        let s = state().reduce(Action::Edit(Edit::Set {
            path: "title".into(),
            value: FieldValue::Text("mine".into()),
        }));
        let after = s.reduce(Action::Load {
            text: "{\"resources\": 5}".into(),
            source: "design.json".into(),
        });
        assert!(Rc::ptr_eq(&after.scenario, &s.scenario));
        assert_eq!(
            after.notice.map(|n| n.message),
            Some("design.json was not loaded, your design is unchanged: `resources`: expected an array, found a number".into())
        );
    }

    #[test]
    fn no_op_actions_keep_the_same_state() {
        let s = Rc::new(state());
        let same = s.clone().reduce(Action::Undo);
        assert!(Rc::ptr_eq(&s, &same));
    }
}
