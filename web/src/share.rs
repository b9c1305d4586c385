//! Share links and the playground's state: the view a link carries (selection, open panel, verdict query) read
//! from the state and given back to it, and a link opened as a design.
//!
//! The link itself (`#v1.` + base64url of the raw-deflated design and view) is `avnm_link`'s: the playground and
//! `avnm link` write and read the same links.

use std::rc::Rc;

use avnm_link::{Item, LinkError, Panel, View};

use crate::state::{AppState, History, Opened, Selection, Tab};

/// The view of the state, as a link carries it.
pub fn view_of(state: &AppState) -> View {
    View {
        selected: item_of(&state.selection),
        panel: Some(panel_of(state.tab)),
        query: state.query.clone(),
        mode: None,
    }
}

fn item_of(selection: &Selection) -> Option<Item> {
    Some(match selection {
        Selection::Overview => return None,
        Selection::Vnet(id) => Item::Vnet(id.clone()),
        Selection::Nic(id) => Item::Nic(id.clone()),
        Selection::Nsg(id) => Item::Nsg(id.clone()),
        Selection::Manager(id) => Item::Manager(id.clone()),
        Selection::Group(id) => Item::Group(id.clone()),
        Selection::Connectivity(id) => Item::Connectivity(id.clone()),
        Selection::SecurityAdmin(id) => Item::SecurityAdmin(id.clone()),
        Selection::RuleCollection(id) => Item::RuleCollection(id.clone()),
        Selection::AdminRule(id) => Item::AdminRule(id.clone()),
        Selection::Deployments => Item::Deployments,
        Selection::Hierarchy => Item::Hierarchy,
        Selection::Intents => Item::Intents,
        Selection::Document => Item::Document,
    })
}

fn selection_of(item: Option<&Item>) -> Selection {
    match item {
        None => Selection::Overview,
        Some(Item::Vnet(id)) => Selection::Vnet(id.clone()),
        Some(Item::Nic(id)) => Selection::Nic(id.clone()),
        Some(Item::Nsg(id)) => Selection::Nsg(id.clone()),
        Some(Item::Manager(id)) => Selection::Manager(id.clone()),
        Some(Item::Group(id)) => Selection::Group(id.clone()),
        Some(Item::Connectivity(id)) => Selection::Connectivity(id.clone()),
        Some(Item::SecurityAdmin(id)) => Selection::SecurityAdmin(id.clone()),
        Some(Item::RuleCollection(id)) => Selection::RuleCollection(id.clone()),
        Some(Item::AdminRule(id)) => Selection::AdminRule(id.clone()),
        Some(Item::Deployments) => Selection::Deployments,
        Some(Item::Hierarchy) => Selection::Hierarchy,
        Some(Item::Intents) => Selection::Intents,
        Some(Item::Document) => Selection::Document,
    }
}

fn panel_of(tab: Tab) -> Panel {
    match tab {
        Tab::Verdict => Panel::Verdict,
        Tab::Intents => Panel::Intents,
        Tab::Membership => Panel::Membership,
        Tab::Topology => Panel::Topology,
        Tab::Rules => Panel::Rules,
        Tab::Matrix => Panel::Matrix,
        Tab::Diagnostics => Panel::Diagnostics,
    }
}

fn tab_of(panel: Panel) -> Tab {
    match panel {
        Panel::Verdict => Tab::Verdict,
        Panel::Intents => Tab::Intents,
        Panel::Membership => Tab::Membership,
        Panel::Topology => Tab::Topology,
        Panel::Rules => Tab::Rules,
        Panel::Matrix => Tab::Matrix,
        Panel::Diagnostics => Tab::Diagnostics,
    }
}

/// The views a course page can embed, with their title and the height their iframe needs (`docs/embedding.md`).
pub const EMBEDS: [(&str, &str, u32); 5] = [
    ("topology", "Topology", 420),
    ("verdict", "Verdict", 480),
    ("membership", "Membership", 480),
    ("matrix", "Reachability matrix", 520),
    ("intents", "Intents", 360),
];

/// The HTML that embeds one view of the design in a course page: an iframe of the playground's address with
/// `embed=<view>` (and, for the verdict, the flow on screen), the design in its `#v1.` fragment, sized for the view.
pub fn embed_code(page: &str, fragment: &str, view: &str, query: &avnm_link::Query) -> String {
    let (title, height) = EMBEDS
        .iter()
        .find(|(v, _, _)| *v == view)
        .map_or(("Topology", 420), |(_, t, h)| (*t, *h));
    let mut params = vec![format!("embed={view}")];
    if view == "verdict"
        && let (Some(from), Some(to)) = (query.from, query.to)
    {
        params.push(format!("from={from}"));
        params.push(format!("to={to}"));
        params.extend(query.protocol.map(|p| format!("protocol={p}")));
        params.extend(query.port.map(|p| format!("port={p}")));
    }
    let base = page.split(['?', '#']).next().unwrap_or(page);
    format!(
        "<iframe src=\"{base}?{}#{fragment}\" width=\"720\" height=\"{height}\" title=\"AVNM Playground: {title}\" loading=\"lazy\"></iframe>",
        params.join("&")
    )
}

/// Whether a page fragment is meant as a share link (`v<N>.…`), rather than an anchor the page ignores.
pub fn is_link(fragment: &str) -> bool {
    fragment
        .strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A link opened: its design and view, ready for [`crate::state::Action::Open`], and its document's text.
#[derive(Debug)]
pub struct Link {
    /// The state to open.
    pub opened: Rc<Opened>,
    /// The document, to keep as a saved design.
    pub document: String,
}

/// Reads a share link (a URL or its fragment) into what the playground opens, or the notice that says why not.
pub fn open(link: &str) -> Result<Link, String> {
    let decoded = avnm_link::decode(link).map_err(|e| refusal(&e))?;
    let view = decoded.view;
    let opened = Opened {
        scenario: Rc::new(decoded.scenario),
        history: History::default(),
        selection: selection_of(view.selected.as_ref()),
        tab: view.panel.map_or(Tab::Verdict, tab_of),
        query: view.query,
    };
    Ok(Link {
        opened: Rc::new(opened),
        document: decoded.document,
    })
}

/// The notice for a link that could not be opened.
pub fn refusal(error: &LinkError) -> String {
    format!("the link was not opened, your design is unchanged: {error}")
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_embed_code_frames_one_view_of_the_design_at_its_height() {
        let query = avnm_link::Query::default();
        assert_eq!(
            embed_code(
                "https://play.example.org/?lesson=x#v1.old",
                "v1.abc",
                "topology",
                &query
            ),
            "<iframe src=\"https://play.example.org/?embed=topology#v1.abc\" width=\"720\" height=\"420\" title=\"AVNM Playground: Topology\" loading=\"lazy\"></iframe>"
        );
        let flow = avnm_link::Query {
            from: Some("10.100.0.4".parse().unwrap()),
            to: Some("10.11.0.4".parse().unwrap()),
            protocol: Some(avnm_core::model::Protocol::Tcp),
            port: Some(22),
            source_port: None,
        };
        assert_eq!(
            embed_code("http://127.0.0.1:8080/", "v1.abc", "verdict", &flow),
            "<iframe src=\"http://127.0.0.1:8080/?embed=verdict&from=10.100.0.4&to=10.11.0.4&protocol=Tcp&port=22#v1.abc\" width=\"720\" height=\"480\" title=\"AVNM Playground: Verdict\" loading=\"lazy\"></iframe>"
        );
    }

    use super::*;
    use avnm_core::Scenario;
    use avnm_core::model::Protocol;
    use avnm_link::Query;

    const EXAMPLE: &str = include_str!("../../static/examples/hub-spoke-guardrails.json");

    #[test]
    fn a_link_carries_the_design_and_the_view_of_the_state() {
        let mut state = AppState::new(Scenario::parse(EXAMPLE).unwrap());
        let group = state.scenario.model().groups.keys().next().unwrap().clone();
        state.selection = Selection::Group(group.clone());
        state.tab = Tab::Membership;
        state.query = Query {
            from: "10.100.0.4".parse().ok(),
            to: "10.11.0.4".parse().ok(),
            protocol: Some(Protocol::Tcp),
            port: Some(22),
            source_port: None,
        };
        let fragment = avnm_link::encode_scenario(&state.scenario, &view_of(&state)).unwrap();
        let link = open(&avnm_link::url("https://example.org/", &fragment)).unwrap();
        assert_eq!(link.opened.selection, Selection::Group(group));
        assert_eq!(link.opened.tab, Tab::Membership);
        assert_eq!(link.opened.query, state.query);
        assert_eq!(link.opened.scenario.to_json(), state.scenario.to_json());
        let reloaded = state.reduce(crate::state::Action::Open(link.opened.clone()));
        assert_eq!(reloaded.selection, link.opened.selection);
        assert_eq!(
            reloaded.history.undoable(),
            0,
            "an opened link has its own history"
        );
    }

    #[test]
    fn a_bad_link_says_why() {
        assert_eq!(
            open("https://example.org/#v9.abc").unwrap_err(),
            "the link was not opened, your design is unchanged: this link was made by a newer version of AVNM Playground (link format `v9`, this version reads `v1`)"
        );
        let cut = {
            let f = avnm_link::encode(EXAMPLE, &View::default()).unwrap();
            f[..f.len() / 2].to_owned()
        };
        assert!(open(&cut).unwrap_err().contains("cut short"));
    }

    #[test]
    fn only_versioned_fragments_are_links() {
        assert!(is_link("v1.abc"));
        assert!(is_link("v12."));
        assert!(!is_link("top"));
        assert!(!is_link("v.abc"));
        assert!(!is_link("vx.abc"));
    }
}
