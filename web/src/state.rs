//! The playground's state: the design with its undo history, what is selected, and what the result panels
//! show. One reducer changes it; the analysis is derived from the design and never stored.

use std::rc::Rc;

use avnm_core::Scenario;
use avnm_core::model::{
    AdminRuleId, ConfigurationId, NetworkGroupId, NetworkManagerId, NicId, NsgId, ResourceId,
    RuleCollectionId, VnetId,
};
use avnm_core::scenario::{Change, ChangeError, NewResource};
use avnm_link::Query;
use yew::Reducible;

use crate::platform;

/// How many edits can be undone.
pub(crate) const HISTORY: usize = 200;

/// How much the designs kept for undo and redo may weigh together (see [`weight`]): about 900 MiB of the wasm
/// memory, whose 4 GiB also hold the design on screen, the one an edit makes from it, and their analyses.
///
/// A step weighs what its design does not share with the design beside it ([`weight_beside`]): a whole design
/// for an edit that rewrites it, a few units for an edit of one resource. When every step kept a whole design,
/// five edits of a 10,000-VNet design (T2 of the benchmark: 261,372 by [`weight`], about 590 MiB per design in
/// the page) filled the wasm memory and stopped the page.
const HISTORY_WEIGHT: usize = 400_000;

/// The size of a design, in the units [`HISTORY_WEIGHT`] counts: its resources, with the subnets of its virtual
/// networks and the rules of its NSGs (kept inside their resources; T2's 1,000 NSGs hold 200,000 rules). A design
/// takes about 2.3 KB of memory per unit, its document and its model together; an empty design weighs 1.
fn weight(design: &Scenario) -> usize {
    design.size()
}

/// The weight of a design kept beside `above`, the design made from it (or it from that one, on the redo side):
/// what it does not share with that design ([`Scenario::size_apart_from`]); its whole weight when there is none.
/// An edit of one rule of a 10,000-VNet design makes a design that shares all but that rule's resource and the
/// model's configurations: the step it keeps weighs a few units, not the 261,372 of a copy.
fn weight_beside(design: &Scenario, above: Option<&Scenario>) -> usize {
    above.map_or_else(|| weight(design), |above| design.size_apart_from(above))
}

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

impl Selection {
    /// The id of the selected resource, if a resource is selected.
    fn id(&self) -> Option<&str> {
        match self {
            Selection::Vnet(id) => Some(id.as_str()),
            Selection::Nic(id) => Some(id.as_str()),
            Selection::Nsg(id) => Some(id.as_str()),
            Selection::Manager(id) => Some(id.as_str()),
            Selection::Group(id) => Some(id.as_str()),
            Selection::Connectivity(id) | Selection::SecurityAdmin(id) => Some(id.as_str()),
            Selection::RuleCollection(id) => Some(id.as_str()),
            Selection::AdminRule(id) => Some(id.as_str()),
            _ => None,
        }
    }

    /// The same kind of selection with another id.
    fn with_id(&self, id: &str) -> Selection {
        match self {
            Selection::Vnet(_) => Selection::Vnet(id.into()),
            Selection::Nic(_) => Selection::Nic(id.into()),
            Selection::Nsg(_) => Selection::Nsg(id.into()),
            Selection::Manager(_) => Selection::Manager(id.into()),
            Selection::Group(_) => Selection::Group(id.into()),
            Selection::Connectivity(_) => Selection::Connectivity(id.into()),
            Selection::SecurityAdmin(_) => Selection::SecurityAdmin(id.into()),
            Selection::RuleCollection(_) => Selection::RuleCollection(id.into()),
            Selection::AdminRule(_) => Selection::AdminRule(id.into()),
            other => other.clone(),
        }
    }

    /// The editor of what a change added, to show it.
    fn added(change: &Change, next: &Scenario, before: &Scenario) -> Option<Selection> {
        let id = next.added_by(before, change)?;
        let id = id.as_str();
        Some(match change {
            Change::Add(NewResource::Vnet { .. }) => Selection::Vnet(id.into()),
            Change::Add(NewResource::Nsg { .. }) => Selection::Nsg(id.into()),
            Change::Add(NewResource::Nic { .. }) => Selection::Nic(id.into()),
            Change::Add(NewResource::NetworkManager { .. }) => Selection::Manager(id.into()),
            Change::AddNetworkGroup(_) => Selection::Group(id.into()),
            Change::AddConnectivityConfiguration { .. } => Selection::Connectivity(id.into()),
            Change::AddSecurityAdminConfiguration { .. } => Selection::SecurityAdmin(id.into()),
            _ => return None,
        })
    }

    /// What to show after a change: a renamed or moved resource stays selected under its new id, a removed one
    /// leaves the overview.
    fn after(&self, change: &Change) -> Selection {
        let Some(id) = self.id() else {
            return self.clone();
        };
        let id = ResourceId::new(id);
        match change {
            Change::Remove(removed) if id.is_within(removed) => Selection::Overview,
            _ => match change.renamed() {
                Some((from, to)) if id.is_within(&from) => self.with_id(&format!(
                    "{to}{}",
                    id.as_str().get(from.as_str().len()..).unwrap_or_default()
                )),
                _ => self.clone(),
            },
        }
    }
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

/// The designs before and after the current one, for undo and redo.
///
/// Each side is a persistent stack: an action shares the entries of the history it came from instead of copying
/// them, so an edit costs the same with 1 or 200 steps behind it. An edit keeps the most recent designs within
/// [`HISTORY`] steps and a total weight of its budget ([`HISTORY_WEIGHT`]), each weighed beside the design next
/// to it ([`weight_beside`]): a large design keeps fewer steps of edits that rewrite it.
#[derive(Clone, Debug)]
pub struct History {
    /// Designs before the current one, most recent first.
    past: Stack,
    /// Designs undone, most recent first.
    future: Stack,
    /// How much the designs of each side may weigh together.
    budget: usize,
}

impl Default for History {
    fn default() -> Self {
        History {
            past: Stack::default(),
            future: Stack::default(),
            budget: HISTORY_WEIGHT,
        }
    }
}

/// A persistent stack of designs.
#[derive(Clone, Debug, Default)]
struct Stack(Option<Rc<Entry>>);

#[derive(Debug)]
struct Entry {
    design: Rc<Scenario>,
    below: Stack,
    /// How many designs: this one and those below.
    depth: usize,
    /// The weight of this design beside the design above it, when it was put on the stack.
    own: usize,
    /// The weight of this design and those below.
    weight: usize,
}

impl Stack {
    fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |e| e.depth)
    }

    fn weight(&self) -> usize {
        self.0.as_ref().map_or(0, |e| e.weight)
    }

    /// The stack with `design` on top (weighed beside the design `above` it), and within `budget` of weight.
    fn push(&self, design: Rc<Scenario>, above: &Scenario, budget: usize) -> Stack {
        let own = weight_beside(&design, Some(above));
        let pushed = self.on(design, own);
        // Past twice the limit, keep the most recent `HISTORY` (amortised: once every `HISTORY` pushes).
        if pushed.len() > 2 * HISTORY || pushed.weight() > budget {
            pushed.truncated(HISTORY, budget)
        } else {
            pushed
        }
    }

    /// The stack with `design`, of weight `own`, on top.
    fn on(&self, design: Rc<Scenario>, own: usize) -> Stack {
        Stack(Some(Rc::new(Entry {
            design,
            below: self.clone(),
            depth: self.len() + 1,
            own,
            weight: self.weight() + own,
        })))
    }

    fn pop(&self) -> Option<(Rc<Scenario>, Stack)> {
        self.0.as_ref().map(|e| (e.design.clone(), e.below.clone()))
    }

    /// The most recent designs, at most `keep` of them and of at most `budget` of weight together.
    ///
    /// The designs let go are freed in a task of their own ([`platform::free_later`]): on a large design that is
    /// hundreds of megabytes, which the edit that lets them go would otherwise spend its time freeing.
    fn truncated(&self, keep: usize, budget: usize) -> Stack {
        let mut entries = self.weighed(self.len());
        let mut total = 0;
        let fit = entries
            .iter()
            .take(keep)
            .take_while(|(_, own)| {
                total += own;
                total <= budget
            })
            .count();
        let gone = entries.split_off(fit);
        platform::free_later(gone);
        entries
            .into_iter()
            .rev()
            .fold(Stack::default(), |stack, (design, own)| {
                stack.on(design, own)
            })
    }

    fn same(&self, other: &Stack) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl History {
    /// How many steps this history keeps for designs the size of `design` when each step is a whole copy (an edit
    /// that rewrites the design: a removal, a rename, loading another design): [`HISTORY`], or fewer for a large
    /// design (none for a design too large to keep a copy of). Edits of a few resources keep steps that share the
    /// rest ([`weight_beside`]), and so many more.
    pub fn keeps(&self, design: &Scenario) -> usize {
        (self.budget / weight(design)).min(HISTORY)
    }

    /// How many edits can be undone (at least [`HISTORY`] when that many were made with designs of ordinary
    /// size).
    pub fn undoable(&self) -> usize {
        self.past.len()
    }

    /// How many undone edits can be redone.
    pub fn redoable(&self) -> usize {
        self.future.len()
    }

    /// The history after an edit that replaced `current`: the redo side is cleared (its designs freed in a task of
    /// their own, as those the undo side lets go).
    fn edited(&self, current: Rc<Scenario>, next: &Scenario) -> History {
        platform::free_later(self.future.clone());
        History {
            past: self.past.push(current, next, self.budget),
            future: Stack::default(),
            budget: self.budget,
        }
    }

    /// The design before `current` and the history after going back to it.
    fn undo(&self, current: Rc<Scenario>) -> Option<(Rc<Scenario>, History)> {
        let (previous, past) = self.past.pop()?;
        Some((
            previous.clone(),
            History {
                past,
                future: self.future.push(current, &previous, self.budget),
                budget: self.budget,
            },
        ))
    }

    /// The design undone last and the history after going forward to it.
    fn redo(&self, current: Rc<Scenario>) -> Option<(Rc<Scenario>, History)> {
        let (next, future) = self.future.pop()?;
        Some((
            next.clone(),
            History {
                past: self.past.push(current, &next, self.budget),
                future,
                budget: self.budget,
            },
        ))
    }

    /// The design an undo goes back to, if any.
    pub fn undone(&self) -> Option<Rc<Scenario>> {
        self.past.pop().map(|(design, _)| design)
    }

    /// The design a redo goes forward to, if any.
    pub fn redone(&self) -> Option<Rc<Scenario>> {
        self.future.pop().map(|(design, _)| design)
    }

    /// Whether both are the same history (the same entries, not equal copies).
    pub fn same(&self, other: &History) -> bool {
        self.past.same(&other.past) && self.future.same(&other.future)
    }

    /// The `keep` most recent designs of each side, most recent first: what is stored so that undo survives a
    /// reload.
    pub fn recent(&self, keep: usize) -> (Vec<Rc<Scenario>>, Vec<Rc<Scenario>>) {
        (self.past.recent(keep), self.future.recent(keep))
    }

    /// A history made of stored designs, most recent first on each side (what [`History::recent`] gave).
    pub fn of(past: Vec<Rc<Scenario>>, future: Vec<Rc<Scenario>>) -> History {
        History {
            past: Stack::of(past),
            future: Stack::of(future),
            budget: HISTORY_WEIGHT,
        }
    }
}

impl Stack {
    /// The `keep` most recent designs, most recent first.
    fn recent(&self, keep: usize) -> Vec<Rc<Scenario>> {
        self.weighed(keep)
            .into_iter()
            .map(|(design, _)| design)
            .collect()
    }

    /// The `keep` most recent designs with their weights, most recent first.
    fn weighed(&self, keep: usize) -> Vec<(Rc<Scenario>, usize)> {
        let mut entries = Vec::with_capacity(keep.min(self.len()));
        let mut at = self.0.clone();
        while entries.len() < keep {
            let Some(entry) = at else {
                break;
            };
            entries.push((entry.design.clone(), entry.own));
            at = entry.below.0.clone();
        }
        entries
    }

    /// A stack of designs given most recent first, each weighed beside the one before it in the list (the most
    /// recent whole).
    fn of(designs: Vec<Rc<Scenario>>) -> Stack {
        let own: Vec<usize> = designs
            .iter()
            .enumerate()
            .map(|(i, design)| {
                weight_beside(
                    design,
                    i.checked_sub(1).and_then(|a| designs.get(a)).map(|d| &**d),
                )
            })
            .collect();
        designs
            .into_iter()
            .zip(own)
            .rev()
            .fold(Stack::default(), |stack, (design, own)| {
                stack.on(design, own)
            })
    }
}

/// The whole state.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The current design.
    pub scenario: Rc<Scenario>,
    /// Undo and redo.
    pub history: History,
    /// What the editor shows.
    pub selection: Selection,
    /// The result panel in front.
    pub tab: Tab,
    /// The last refusal, shown until dismissed.
    pub notice: Option<Notice>,
    /// How many designs were loaded: panels with their own inputs start afresh on a new design.
    pub loads: u32,
    /// The flow in the verdict panel, as far as it reads: what a share link carries.
    pub query: Query,
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &other.scenario)
            && self.history.same(&other.history)
            && self.selection == other.selection
            && self.tab == other.tab
            && self.notice == other.notice
            && self.loads == other.loads
            && self.query == other.query
    }
}

impl AppState {
    /// A state showing a design.
    pub fn new(scenario: Scenario) -> Self {
        AppState {
            scenario: Rc::new(scenario),
            history: History::default(),
            selection: Selection::Overview,
            tab: Tab::Verdict,
            notice: None,
            loads: 0,
            query: Query::default(),
        }
    }
}

/// A design opened whole rather than edited: from a share link, from the saved designs, or restored on start.
/// It comes with its own history and view.
#[derive(Clone, Debug)]
pub struct Opened {
    /// The design.
    pub scenario: Rc<Scenario>,
    /// Its undo history.
    pub history: History,
    /// What the editor shows.
    pub selection: Selection,
    /// The result panel in front.
    pub tab: Tab,
    /// The flow in the verdict panel.
    pub query: Query,
}

impl PartialEq for Opened {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &other.scenario)
            && self.history.same(&other.history)
            && self.selection == other.selection
            && self.tab == other.tab
            && self.query == other.query
    }
}

/// The undo history stored for a design, read back after a reload.
#[derive(Clone, Debug)]
pub struct Restored {
    /// The design on screen that the history belongs to.
    pub design: Rc<Scenario>,
    /// Its history.
    pub history: History,
}

impl PartialEq for Restored {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.design, &other.design) && self.history.same(&other.history)
    }
}

/// A design start-up fetched (the first example, an embed's example), shown in place of the placeholder design
/// shown meanwhile, unless something else (a lesson, a loaded design) replaced the placeholder since.
#[derive(Clone, Debug)]
pub struct Started {
    /// The design shown while the fetch was under way.
    pub placeholder: Rc<Scenario>,
    /// What to open.
    pub opened: Opened,
}

impl PartialEq for Started {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.placeholder, &other.placeholder) && self.opened == other.opened
    }
}

/// A change and what it made of a design, as [`Action::Changed`] carries them: compared by identity.
#[derive(Debug)]
pub struct Changed {
    /// The design the change was applied to.
    pub before: Rc<Scenario>,
    /// The change.
    pub change: Change,
    /// What it made of `before`, or why it was refused.
    pub next: Result<Rc<Scenario>, ChangeError>,
}

impl PartialEq for Changed {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// A design already read, as [`Action::LoadRead`] carries it: compared by identity.
#[derive(Clone, Debug)]
pub struct ReadDesign(pub Rc<Scenario>);

impl PartialEq for ReadDesign {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Everything that changes the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Apply a change to the design (undoable).
    Change(Change),
    /// A change already applied, ahead of this action, to the design `before` (an edit of a large design, made in
    /// tasks of its own: [`crate::edits`]): [`Action::Change`] without applying it again when the design is still
    /// `before`; applied to the design when it is not.
    Changed(Rc<Changed>),
    /// Replace the design with a document's text (an example, a lesson's, an embed's message); `source` names it
    /// for errors.
    Load {
        /// The JSON text.
        text: String,
        /// Where it came from, for the error message.
        source: String,
    },
    /// Replace the design with one already read (an import): what [`Action::Load`] does with a text, without
    /// writing the design out and reading it back. `source` names it.
    LoadRead {
        /// The design.
        design: ReadDesign,
        /// Where it came from.
        source: String,
    },
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Show something in the editor.
    Select(Selection),
    /// Bring a result panel to the front.
    Show(Tab),
    /// Dismiss the notice.
    Dismiss,
    /// Replace the design, its history and the view (not undoable: the history is the opened design's own).
    Open(Rc<Opened>),
    /// Give the design on screen the history stored for it, unless it was edited meanwhile.
    Restore(Rc<Restored>),
    /// Open a design start-up fetched, unless the placeholder it replaces is no longer on screen.
    Start(Rc<Started>),
    /// Remember the flow in the verdict panel.
    Query(Query),
    /// Tell the user something that did not happen (a link that could not be opened, a design not kept).
    Notify(String),
}

impl AppState {
    /// The state with a whole new design (an undoable step), shown from its overview.
    fn loaded(&self, design: Rc<Scenario>) -> Self {
        AppState {
            selection: Selection::Overview,
            loads: self.loads.wrapping_add(1),
            query: Query::default(),
            ..self.with_design(design)
        }
    }

    fn with_design(&self, next: Rc<Scenario>) -> Self {
        AppState {
            history: self.history.edited(self.scenario.clone(), &next),
            scenario: next,
            notice: None,
            ..self.clone()
        }
    }

    /// The state at another point of the history (after an undo or a redo), or this one when there is none.
    /// The state after `change` made `next` of the design (or was refused).
    fn changed(&self, change: &Change, next: Result<Rc<Scenario>, ChangeError>) -> Self {
        match next {
            Ok(next) => AppState {
                selection: Selection::added(change, &next, &self.scenario)
                    .unwrap_or_else(|| self.selection.after(change)),
                ..self.with_design(next)
            },
            Err(e) => self.refused(format!("the change was not applied: {e}")),
        }
    }

    fn travelled(&self, to: Option<(Rc<Scenario>, History)>) -> Self {
        match to {
            Some((scenario, history)) => AppState {
                scenario,
                history,
                notice: None,
                ..self.clone()
            },
            None => self.clone(),
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
            Action::Change(change) => {
                let next = platform::timed("change", || self.scenario.change(&change));
                self.changed(&change, next.map(Rc::new))
            }
            Action::Changed(changed) if Rc::ptr_eq(&changed.before, &self.scenario) => {
                self.changed(&changed.change, changed.next.clone())
            }
            Action::Changed(changed) => self.reduce(Action::Change(changed.change.clone())),
            Action::Load { text, source } => {
                match platform::timed("load: parse", || Scenario::parse(&text)) {
                    Ok(next) => self.loaded(Rc::new(next)),
                    Err(e) => self.refused(format!(
                        "{source} was not loaded, your design is unchanged: {e}"
                    )),
                }
            }
            Action::LoadRead { design, source: _ } => self.loaded(design.0),
            Action::Undo => self.travelled(self.history.undo(self.scenario.clone())),
            Action::Redo => self.travelled(self.history.redo(self.scenario.clone())),
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
            Action::Open(opened) => AppState {
                scenario: opened.scenario.clone(),
                history: opened.history.clone(),
                selection: opened.selection.clone(),
                tab: opened.tab,
                query: opened.query.clone(),
                notice: None,
                loads: self.loads.wrapping_add(1),
            },
            Action::Restore(restored) if Rc::ptr_eq(&restored.design, &self.scenario) => AppState {
                history: restored.history.clone(),
                ..self.clone()
            },
            Action::Restore(_) => self.clone(),
            Action::Start(started) if Rc::ptr_eq(&started.placeholder, &self.scenario) => {
                self.reduce(Action::Open(Rc::new(started.opened.clone())))
            }
            Action::Start(_) => self.clone(),
            Action::Query(query) => AppState {
                query,
                ..self.clone()
            },
            Action::Notify(message) => self.refused(message),
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
    use avnm_core::scenario::{FieldValue, Target};

    fn state() -> AppState {
        AppState::new(Scenario::parse(r#"{"resources": []}"#).unwrap())
    }

    fn titled(title: &str) -> Action {
        Action::Change(Change::Set {
            target: Target::Title,
            value: FieldValue::Text(title.into()),
        })
    }

    #[test]
    fn changes_undo_and_redo() {
        let s = state();
        let s1 = s.reduce(titled("a"));
        assert_eq!(s1.scenario.text_of(&Target::Title).as_deref(), Some("a"));
        let s2 = s1.reduce(Action::Undo);
        assert!(Rc::ptr_eq(&s2.scenario, &s.scenario));
        let s3 = s2.reduce(Action::Redo);
        assert!(Rc::ptr_eq(&s3.scenario, &s1.scenario));
        assert_eq!((s3.history.undoable(), s3.history.redoable()), (1, 0));
    }

    #[test]
    fn a_change_made_ahead_is_taken_on_its_own_design_and_made_again_on_another() {
        let s = state();
        let change = match titled("ahead") {
            Action::Change(change) => change,
            _ => unreachable!(),
        };
        let next = Rc::new(s.scenario.change(&change).unwrap());
        let changed = |before: &Rc<Scenario>| {
            Action::Changed(Rc::new(Changed {
                before: before.clone(),
                change: change.clone(),
                next: Ok(next.clone()),
            }))
        };
        let taken = s.reduce(changed(&s.scenario));
        assert!(Rc::ptr_eq(&taken.scenario, &next), "the design made ahead");
        assert!(Rc::ptr_eq(
            &taken.reduce(Action::Undo).scenario,
            &s.scenario
        ));

        // Another edit came first: the change is made again on the design it finds.
        let other = s.reduce(titled("first"));
        let again = other.reduce(changed(&s.scenario));
        assert!(!Rc::ptr_eq(&again.scenario, &next));
        assert_eq!(
            again.scenario.text_of(&Target::Title).as_deref(),
            Some("ahead")
        );
        assert_eq!(again.history.undoable(), 2, "both edits are undoable");
        let undone = again.reduce(Action::Undo);
        assert_eq!(
            undone.scenario.text_of(&Target::Title).as_deref(),
            Some("first")
        );

        // Refused ahead: the state says why and keeps the design.
        let refused = s.reduce(Action::Changed(Rc::new(Changed {
            before: s.scenario.clone(),
            change,
            next: Err(ChangeError::Taken("nothing".into())),
        })));
        assert!(Rc::ptr_eq(&refused.scenario, &s.scenario));
        assert!(
            refused
                .notice
                .is_some_and(|n| n.message.contains("not applied"))
        );
    }

    #[test]
    fn a_bad_load_keeps_the_design_and_says_why() {
        let s = state().reduce(titled("mine"));
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
    fn a_refused_change_keeps_the_design_and_says_why() {
        let s = state().reduce(titled("mine"));
        let after = s.reduce(Action::Change(Change::RemoveIntent(3)));
        assert!(Rc::ptr_eq(&after.scenario, &s.scenario));
        assert_eq!(
            after.notice.map(|n| n.message),
            Some("the change was not applied: the intent `#4` is not in the design".into())
        );
        assert_eq!(
            after.history.undoable(),
            1,
            "a refusal is not a step to undo"
        );
    }

    #[test]
    fn no_op_actions_keep_the_same_state() {
        let s = Rc::new(state());
        let same = s.clone().reduce(Action::Undo);
        assert!(Rc::ptr_eq(&s, &same));
    }

    #[test]
    fn the_history_shares_its_entries_and_keeps_the_most_recent() {
        let mut s = state();
        let first = s.scenario.clone();
        for i in 0..(2 * HISTORY + 1) {
            s = s.reduce(titled(&i.to_string()));
        }
        assert!(s.history.undoable() >= HISTORY && s.history.undoable() <= 2 * HISTORY);
        let before = s.clone();
        let next = s.reduce(titled("x"));
        let (undone, _) = next.history.undo(next.scenario.clone()).unwrap();
        assert!(
            Rc::ptr_eq(&undone, &before.scenario),
            "the entry is the design itself, not a copy"
        );
        let mut back = next;
        while back.history.undoable() > 0 {
            back = back.reduce(Action::Undo);
        }
        assert!(
            !Rc::ptr_eq(&back.scenario, &first),
            "the oldest steps beyond the limit are dropped"
        );
        assert_eq!(back.history.redoable(), s.history.undoable() + 1);
    }

    /// One VNet with two subnets and one NSG with three rules: 2 resources, 2 subnets, 3 rules.
    const WEIGHED: &str = r#"{"resources": [
        {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v",
         "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                        "subnets": [{"name": "a", "properties": {"addressPrefix": "10.0.0.0/24"}},
                                    {"name": "b", "properties": {"addressPrefix": "10.0.1.0/24"}}]}},
        {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n",
         "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope",
         "properties": {"securityRules": [
            {"name": "r1", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
             "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}},
            {"name": "r2", "properties": {"priority": 200, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
             "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "23"}},
            {"name": "r3", "properties": {"priority": 300, "direction": "Outbound", "access": "Deny", "protocol": "*",
             "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"}}]}}]}"#;

    #[test]
    fn a_design_weighs_its_resources_subnets_and_nsg_rules() {
        assert_eq!(weight(&Scenario::parse(WEIGHED).unwrap()), 1 + 2 + 2 + 3);
        assert_eq!(weight(&Scenario::default()), 1);
    }

    #[test]
    fn a_large_design_keeps_fewer_steps_and_one_too_large_none() {
        // A budget for two and a half designs of this size: two steps are kept, the most recent.
        let mut s = AppState::new(Scenario::parse(WEIGHED).unwrap());
        s.history = History {
            budget: 20,
            ..History::default()
        };
        assert_eq!(s.history.keeps(&s.scenario), 2);
        let mut designs = vec![s.scenario.clone()];
        for i in 0..5 {
            s = s.reduce(titled(&i.to_string()));
            designs.push(s.scenario.clone());
        }
        assert_eq!(s.history.undoable(), 2);
        let back = s.reduce(Action::Undo).reduce(Action::Undo);
        assert!(Rc::ptr_eq(&back.scenario, &designs[3]), "two edits back");
        assert_eq!(back.history.undoable(), 0, "nothing older is kept");
        assert_eq!(back.history.redoable(), 2);
        let forward = back.reduce(Action::Redo).reduce(Action::Redo);
        assert!(Rc::ptr_eq(&forward.scenario, &designs[5]));

        // A budget smaller than one design: an edit keeps no step, and the history says so.
        let mut s = AppState::new(Scenario::parse(WEIGHED).unwrap());
        s.history = History {
            budget: 7,
            ..History::default()
        };
        assert_eq!(s.history.keeps(&s.scenario), 0);
        let edited = s.reduce(titled("x"));
        assert_eq!(
            edited.scenario.text_of(&Target::Title).as_deref(),
            Some("x")
        );
        assert_eq!(edited.history.undoable(), 0);
        assert!(Rc::ptr_eq(
            &edited.reduce(Action::Undo).scenario,
            &edited.scenario
        ));

        // The playground's own budget keeps every step of an ordinary design.
        assert_eq!(
            History::default().keeps(&Scenario::parse(WEIGHED).unwrap()),
            HISTORY
        );
    }

    /// Ten VNets of one subnet each and a subscription: 1 + 11 resources + 10 subnets.
    fn ten_vnets() -> Scenario {
        let vnets: Vec<String> = (0..10)
            .map(|i| {
                format!(
                    r#"{{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v{i}",
                     "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
                     "properties": {{"addressSpace": {{"addressPrefixes": ["10.{i}.0.0/16"]}},
                       "subnets": [{{"name": "a", "properties": {{"addressPrefix": "10.{i}.0.0/24"}}}}]}}}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"resources": [{}, {{"id": "/subscriptions/s", "type": "Microsoft.Resources/subscriptions"}}]}}"#,
            vnets.join(", ")
        );
        Scenario::parse(&text).unwrap()
    }

    /// Undoing the load of a design that fits the budget once keeps it for redo: a design that shares nothing
    /// with the one beside it weighs its size, not its document and its model counted apart (which would be
    /// about twice its size: a 10,000-VNet design lost its redo so).
    #[test]
    fn undoing_a_load_keeps_the_loaded_design_for_redo() {
        let mut s = AppState::new(Scenario::default());
        s.history = History {
            budget: 30,
            ..History::default()
        };
        let text = ten_vnets().to_json();
        let loaded = s.reduce(Action::Change(Change::Replace(text)));
        assert_eq!(weight(&loaded.scenario), 22);
        let undone = loaded.reduce(Action::Undo);
        assert_eq!(undone.scenario.resources().len(), 0);
        assert_eq!(
            undone.history.redoable(),
            1,
            "the loaded design is kept whole: 22 of 30"
        );
        let redone = undone.reduce(Action::Redo);
        assert!(Rc::ptr_eq(&redone.scenario, &loaded.scenario));
    }

    #[test]
    fn a_step_weighs_what_it_does_not_share_so_edits_of_one_resource_keep_many() {
        let design = ten_vnets();
        assert_eq!(weight(&design), 22);
        // A budget for two whole copies of this design...
        let mut s = AppState::new(design);
        s.history = History {
            budget: 50,
            ..History::default()
        };
        assert_eq!(s.history.keeps(&s.scenario), 2);
        // ...keeps ten edits of the subscription's tags: each step shares all but that resource and the model's
        // subscriptions with the design made from it (1 + 1 resource + 1 subscription).
        let sub = avnm_core::model::ResourceId::new("/subscriptions/s");
        let mut designs = vec![s.scenario.clone()];
        for i in 0..10 {
            s = s.reduce(Action::Change(Change::SetTags {
                resource: sub.clone(),
                tags: vec![("n".into(), i.to_string())],
            }));
            designs.push(s.scenario.clone());
        }
        assert_eq!(s.history.undoable(), 10);
        assert_eq!(designs[1].size_apart_from(&designs[2]), 3);
        let mut back = s.clone();
        for _ in 0..10 {
            back = back.reduce(Action::Undo);
        }
        assert!(Rc::ptr_eq(&back.scenario, &designs[0]), "ten edits back");
        // An edit that rewrites the design (a rename changes ids everywhere) keeps a whole copy: the budget then
        // holds that copy and only the most recent small steps that fit beside it.
        let renamed = s.reduce(Action::Change(Change::Rename {
            resource: avnm_core::model::ResourceId::new(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v0",
            ),
            name: "w0".into(),
        }));
        assert!(
            renamed.history.undoable() < 11,
            "{}",
            renamed.history.undoable()
        );
        assert!(Rc::ptr_eq(
            &renamed.reduce(Action::Undo).scenario,
            &designs[10]
        ));
    }

    #[test]
    fn a_renamed_resource_stays_selected_and_a_removed_one_is_left() {
        let text = include_str!("../../static/examples/hub-spoke-guardrails.json");
        let s = AppState::new(Scenario::parse(text).unwrap());
        let vnet = s.scenario.model().vnets.keys().next().unwrap().clone();
        let s = s.reduce(Action::Select(Selection::Vnet(vnet.clone())));
        let renamed = s.reduce(Action::Change(Change::Rename {
            resource: vnet.as_str().into(),
            name: "renamed".into(),
        }));
        let Selection::Vnet(now) = &renamed.selection else {
            panic!("{:?}", renamed.selection)
        };
        assert_eq!(now.name(), "renamed");
        assert!(renamed.scenario.model().vnets.contains_key(now));
        let removed = renamed.reduce(Action::Change(Change::Remove(now.as_str().into())));
        assert_eq!(removed.selection, Selection::Overview);
    }

    /// The first example arrives after the first frame: it replaces the empty design shown meanwhile, with no
    /// step to undo, but never a design that replaced the placeholder first (a lesson's, one the user loaded).
    #[test]
    fn a_fetched_start_replaces_only_the_placeholder() {
        let text = include_str!("../../static/examples/hub-spoke-guardrails.json");
        let empty = AppState::new(Scenario::default());
        let started = Rc::new(Started {
            placeholder: empty.scenario.clone(),
            opened: Opened {
                scenario: Rc::new(Scenario::parse(text).unwrap()),
                history: History::default(),
                selection: Selection::Overview,
                tab: Tab::Verdict,
                query: Query::default(),
            },
        });
        let shown = empty.reduce(Action::Start(started.clone()));
        assert!(Rc::ptr_eq(&shown.scenario, &started.opened.scenario));
        assert_eq!(shown.history.undoable(), 0, "nothing to undo");

        let loaded = empty.reduce(Action::Load {
            text: "{\"resources\": []}".into(),
            source: "a lesson".into(),
        });
        let after = loaded.reduce(Action::Start(started));
        assert!(
            Rc::ptr_eq(&after.scenario, &loaded.scenario),
            "the lesson's design stays"
        );
    }

    /// Random sequences of changes (valid and refused), undos and redos, against a plain list of documents: the
    /// design shown is always the one the list says, a refused change alters nothing, and an undo brings back
    /// exactly the document before.
    mod sequences {
        use avnm_core::model::{ResourceId, VnetId};
        use avnm_core::scenario::{FieldValue, Target};
        use proptest::prelude::*;

        use super::*;

        const EXAMPLE: &str = include_str!("../../static/examples/hub-spoke-guardrails.json");

        /// A change picked from the current design by two numbers: what to do, and to which VNet.
        fn pick(design: &Scenario, what: u8, which: u8) -> Action {
            let vnets: Vec<&VnetId> = design.model().vnets.keys().collect();
            let Some(vnet) = vnets.get(usize::from(which) % vnets.len().max(1)).copied() else {
                return Action::Change(Change::AddIntent);
            };
            let other = vnets[(usize::from(which) + 1) % vnets.len()].clone();
            let resource = ResourceId::new(vnet.as_str());
            match what % 12 {
                0 => Action::Change(Change::Set {
                    target: Target::AddressSpace(vnet.clone()),
                    value: FieldValue::Texts(vec![format!("10.{which}.0.0/16")]),
                }),
                1 => Action::Change(Change::AddTag {
                    resource,
                    name: format!("t{}", which % 3),
                }),
                2 => Action::Change(Change::RemoveTag {
                    resource,
                    name: "env".into(),
                }),
                3 => Action::Change(Change::AddPeering {
                    from: vnet.clone(),
                    to: other,
                }),
                4 => Action::Change(Change::RemovePeering {
                    from: vnet.clone(),
                    to: other,
                }),
                5 => Action::Change(Change::Rename {
                    resource,
                    name: format!("v{which}"),
                }),
                6 => Action::Change(Change::Remove(resource)),
                7 => Action::Change(Change::AddSubnet {
                    vnet: vnet.clone(),
                    name: format!("s{which}"),
                    prefix: format!("10.{which}.9.0/24"),
                }),
                8 => Action::Change(Change::Replace("{\"resources\": 7}".into())),
                9 => Action::Change(Change::DeployEverything),
                10 => Action::Undo,
                _ => Action::Redo,
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
            #[test]
            fn undo_and_redo_follow_a_list_of_documents(steps in proptest::collection::vec((any::<u8>(), any::<u8>()), 1..24)) {
                let mut state = AppState::new(Scenario::parse(EXAMPLE).unwrap());
                let (mut past, mut future): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
                let mut current = state.scenario.to_json();
                for (what, which) in steps {
                    let action = pick(&state.scenario, what, which);
                    let next = state.reduce(action.clone());
                    let shown = next.scenario.to_json();
                    match action {
                        Action::Undo => {
                            if let Some(before) = past.pop() {
                                future.push(std::mem::replace(&mut current, before));
                            }
                        }
                        Action::Redo => {
                            if let Some(after) = future.pop() {
                                past.push(std::mem::replace(&mut current, after));
                            }
                        }
                        _ if next.notice.is_some() => {
                            prop_assert!(Rc::ptr_eq(&next.scenario, &state.scenario), "a refused change keeps the design");
                        }
                        _ => {
                            past.push(std::mem::replace(&mut current, shown.clone()));
                            future.clear();
                        }
                    }
                    prop_assert_eq!(&shown, &current);
                    prop_assert_eq!(next.history.undoable(), past.len());
                    prop_assert_eq!(next.history.redoable(), future.len());
                    state = next;
                }
            }
        }
    }
}
