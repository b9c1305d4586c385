//! How the page was opened, read from its URL's query: the whole playground, a lesson in it, or one view for an
//! embed (`docs/embedding.md`).
//!
//! `?embed=topology&example=hub-spoke-guardrails` shows the topology of an example alone, sized to its iframe;
//! `?lesson=network-groups&step=2` opens a lesson in the playground; `?embed=lesson&lesson=...` embeds it.
//! Anything not understood is ignored, so a page never fails to open because of its query.

use std::net::IpAddr;

use avnm_core::Flow;
use avnm_core::model::Protocol;

/// The one view an embed shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedView {
    /// The topology diagram.
    Topology,
    /// The verdict for one flow (`from`, `to`, `protocol`, `port`).
    Verdict,
    /// Network groups and their members.
    Membership,
    /// The reachability matrix.
    Matrix,
    /// The intents with pass or fail.
    Intents,
    /// The editor of one resource (`item`) beside a result panel (`panel`).
    Editor,
    /// A lesson (`lesson`, `step`).
    Lesson,
}

impl EmbedView {
    /// Every view, with its name in the URL.
    pub const ALL: [(EmbedView, &'static str); 7] = [
        (EmbedView::Topology, "topology"),
        (EmbedView::Verdict, "verdict"),
        (EmbedView::Membership, "membership"),
        (EmbedView::Matrix, "matrix"),
        (EmbedView::Intents, "intents"),
        (EmbedView::Editor, "editor"),
        (EmbedView::Lesson, "lesson"),
    ];

    /// The view's name in the URL.
    pub fn name(self) -> &'static str {
        EmbedView::ALL
            .iter()
            .find(|(v, _)| *v == self)
            .map_or("topology", |(_, n)| n)
    }

    fn parse(text: &str) -> Option<EmbedView> {
        EmbedView::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(text))
            .map(|(v, _)| *v)
    }
}

/// What the URL asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The view to embed; `None` for the whole playground.
    pub embed: Option<EmbedView>,
    /// A shipped lesson to open (`static/lessons/<id>.json`).
    pub lesson: Option<String>,
    /// The lesson's step, 0-based (the URL counts from 1).
    pub step: usize,
    /// A shipped example to show (its file name without `.json`).
    pub example: Option<String>,
    /// For the editor embed: the resource to edit, by id or name.
    pub item: Option<String>,
    /// For the editor embed: the result panel beside it (default: the verdict).
    pub panel: Option<EmbedView>,
    /// The embed shows the design but refuses every edit (the editor embed is editable unless this is set).
    pub readonly: bool,
    /// Origins, besides the page's own, whose `postMessage` calls the embed answers (`allow=https://a.org,...`).
    pub allow: Vec<String>,
    /// For the verdict embed: the flow, as far as it is given.
    pub from: Option<IpAddr>,
    /// Destination address.
    pub to: Option<IpAddr>,
    /// Protocol (default TCP).
    pub protocol: Option<Protocol>,
    /// Destination port.
    pub port: Option<u16>,
}

impl Page {
    /// Reads the query's pairs, in order; a key given twice keeps its last value (`allow` adds up).
    pub fn from_query(pairs: &[(String, String)]) -> Page {
        let mut page = Page::default();
        for (key, value) in pairs {
            let value = value.trim();
            match key.as_str() {
                "embed" => page.embed = EmbedView::parse(value),
                "lesson" => page.lesson = slug(value),
                "step" => {
                    page.step = value
                        .parse::<usize>()
                        .ok()
                        .and_then(|n| n.checked_sub(1))
                        .unwrap_or(0);
                }
                "example" => page.example = slug(value),
                "item" if !value.is_empty() => page.item = Some(value.to_owned()),
                "panel" => page.panel = EmbedView::parse(value),
                "readonly" => page.readonly = !matches!(value, "0" | "false" | "no"),
                "allow" => page.allow.extend(
                    value
                        .split([',', ' '])
                        .filter_map(origin)
                        .map(ToOwned::to_owned),
                ),
                "from" => page.from = value.parse().ok(),
                "to" => page.to = value.parse().ok(),
                "protocol" => page.protocol = value.parse().ok(),
                "port" => page.port = value.parse().ok(),
                _ => {}
            }
        }
        if page.lesson.is_some() && page.embed.is_some() && page.embed != Some(EmbedView::Lesson) {
            page.lesson = None;
        }
        page
    }

    /// The flow of the verdict embed, when its addresses are given.
    pub fn flow(&self) -> Option<Flow> {
        let protocol = self.protocol.unwrap_or(Protocol::Tcp);
        Some(Flow {
            from: self.from?,
            to: self.to?,
            protocol,
            port: if protocol.has_ports() {
                Some(self.port.unwrap_or(443))
            } else {
                None
            },
            source_port: None,
        })
    }

    /// Whether the embed accepts edits from the learner: lessons and the editor embed, unless `readonly`.
    pub fn editable(&self) -> bool {
        match self.embed {
            None => true,
            Some(EmbedView::Lesson | EmbedView::Editor) => !self.readonly,
            Some(_) => false,
        }
    }

    /// Whether messages from `origin` are answered: the page's own origin, or one the URL allows.
    pub fn allows(&self, origin: &str, own: &str) -> bool {
        origin == own || self.allow.iter().any(|a| a == origin)
    }

    /// The query that opens the same lesson step in the whole playground ("Open in the playground").
    pub fn playground_query(&self) -> String {
        match &self.lesson {
            Some(lesson) => format!("?lesson={lesson}&step={}", self.step + 1),
            None => String::new(),
        }
    }
}

/// A slug of lowercase letters, digits and dashes (what lesson ids and example names are), else `None`: the
/// value names a file to fetch, so nothing else is let through.
fn slug(value: &str) -> Option<String> {
    let value = value.strip_suffix(".json").unwrap_or(value);
    (!value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    .then(|| value.to_owned())
}

/// An origin as browsers write it (`https://host[:port]`, no path), else `None`.
fn origin(value: &str) -> Option<&str> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains(['/', '?', '#', '@', '*'])).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(query: &[(&str, &str)]) -> Page {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Page::from_query(&pairs)
    }

    #[test]
    fn an_empty_query_is_the_playground() {
        let p = page(&[]);
        assert_eq!(p, Page::default());
        assert!(p.editable());
    }

    #[test]
    fn embeds_name_their_view_and_are_read_only_but_for_the_editor_and_lessons() {
        let p = page(&[("embed", "Topology"), ("example", "hub-spoke-guardrails")]);
        assert_eq!(p.embed, Some(EmbedView::Topology));
        assert_eq!(p.example.as_deref(), Some("hub-spoke-guardrails"));
        assert!(!p.editable());
        assert!(page(&[("embed", "editor"), ("item", "vnet-hub")]).editable());
        assert!(!page(&[("embed", "editor"), ("readonly", "1")]).editable());
        assert!(page(&[("embed", "lesson"), ("lesson", "network-groups")]).editable());
        assert_eq!(page(&[("embed", "timeline")]).embed, None);
    }

    #[test]
    fn file_names_cannot_leave_their_folder() {
        assert_eq!(page(&[("lesson", "../secrets")]).lesson, None);
        assert_eq!(page(&[("example", "a/b")]).example, None);
        assert_eq!(
            page(&[("lesson", "connectivity.json")]).lesson.as_deref(),
            Some("connectivity")
        );
    }

    #[test]
    fn steps_count_from_one_in_the_url() {
        assert_eq!(page(&[("lesson", "x"), ("step", "3")]).step, 2);
        assert_eq!(page(&[("lesson", "x"), ("step", "0")]).step, 0);
        assert_eq!(page(&[("lesson", "x"), ("step", "two")]).step, 0);
        assert_eq!(
            page(&[("lesson", "x"), ("step", "3")]).playground_query(),
            "?lesson=x&step=3"
        );
    }

    #[test]
    fn only_listed_origins_and_the_own_are_allowed() {
        let p = page(&[
            (
                "allow",
                "https://course.example.org/, http://127.0.0.1:8123",
            ),
            (
                "allow",
                "javascript:alert(1) https://*.evil.example https://a.org/path",
            ),
        ]);
        assert_eq!(
            p.allow,
            ["https://course.example.org", "http://127.0.0.1:8123"]
        );
        let own = "http://127.0.0.1:8080";
        assert!(p.allows(own, own));
        assert!(p.allows("https://course.example.org", own));
        assert!(!p.allows("https://course.example.org.evil.example", own));
        assert!(!p.allows("null", own));
    }

    #[test]
    fn the_verdict_embed_reads_its_flow() {
        let p = page(&[
            ("embed", "verdict"),
            ("from", "10.1.0.4"),
            ("to", "10.2.0.4"),
            ("port", "22"),
        ]);
        let flow = p.flow().unwrap();
        assert_eq!(flow.to_string(), "10.1.0.4 -> 10.2.0.4 Tcp/22");
        assert_eq!(page(&[("from", "10.1.0.4")]).flow(), None);
        let icmp = page(&[
            ("from", "10.1.0.4"),
            ("to", "10.2.0.4"),
            ("protocol", "Icmp"),
        ]);
        assert_eq!(icmp.flow().unwrap().port, None);
    }
}
