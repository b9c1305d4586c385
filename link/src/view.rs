//! The view a link opens on: the selected item, the open panel, the verdict query and a mode.
//!
//! A view travels inside the link, next to the design, so it is versioned with the link's prefix.
//! It serialises compactly: a field that is not set is left out, so the default view is `{}`.
//! Reading is lenient: a key this version does not know, or a value it cannot read (a panel added by a later
//! version, an address that does not parse), is ignored, and the rest of the view is kept.
//! A view is a hint for the page; a link never fails because of its view.

use std::net::IpAddr;

use avnm_core::Flow;
use avnm_core::model::{
    AdminRuleId, ConfigurationId, NetworkGroupId, NetworkManagerId, NicId, NsgId, Protocol,
    RuleCollectionId, VnetId,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// What the page shows when the link opens.
///
/// ```
/// use avnm_link::{Panel, View};
/// let view = View { panel: Some(Panel::Membership), ..View::default() };
/// assert_eq!(serde_json::to_string(&view).unwrap(), r#"{"panel":"membership"}"#);
/// // Unknown keys and values a later version may write are ignored.
/// let read: View = serde_json::from_str(r#"{"panel":"timeline","zoom":2}"#).unwrap();
/// assert_eq!(read, View::default());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    /// The item selected in the navigator.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub selected: Option<Item>,
    /// The result panel that is open.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub panel: Option<Panel>,
    /// The flow in the verdict panel.
    #[serde(
        default,
        skip_serializing_if = "Query::is_empty",
        deserialize_with = "lenient_or_default"
    )]
    pub query: Query,
    /// How the page presents the design: the whole playground when unset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub mode: Option<Mode>,
}

impl View {
    /// Whether nothing is set: the link opens the design as the playground would.
    pub fn is_empty(&self) -> bool {
        *self == View::default()
    }

    /// Reads a view written by a person (the `--view` of `avnm link encode`): unlike reading a link, a key or
    /// value that is not understood is an error, so a typing mistake is not silently dropped.
    ///
    /// ```
    /// use avnm_link::View;
    /// assert!(View::parse_strict(r#"{"panel":"matrix"}"#).is_ok());
    /// assert_eq!(
    ///     View::parse_strict(r#"{"panl":"matrix"}"#).unwrap_err(),
    ///     "view key `panl` is unknown or its value is not valid"
    /// );
    /// ```
    pub fn parse_strict(text: &str) -> Result<View, String> {
        let given: Value = serde_json::from_str(text).map_err(|e| format!("view: {e}"))?;
        if !given.is_object() {
            return Err("a view is a JSON object".to_owned());
        }
        let view: View = serde_json::from_value(given.clone()).unwrap_or_default();
        let kept = serde_json::to_value(&view).unwrap_or_default();
        match first_lost(&given, &kept, "") {
            Some(path) => Err(format!(
                "view key `{path}` is unknown or its value is not valid"
            )),
            None => Ok(view),
        }
    }
}

/// The first key of `given` that is missing from `kept` (the view read back), as a dotted path.
///
/// Values are not compared: a value that was read may be written differently (`fd00:0::1` as `fd00::1`).
fn first_lost(given: &Value, kept: &Value, path: &str) -> Option<String> {
    let (Value::Object(given), Value::Object(kept)) = (given, kept) else {
        return None;
    };
    given.iter().find_map(|(key, value)| {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match kept.get(key) {
            // A null is the same as leaving the key out.
            None if value.is_null() => None,
            // An object that was dropped whole: name the first key inside it.
            None => first_lost(value, &Value::Object(serde_json::Map::new()), &here).or(Some(here)),
            Some(other) => first_lost(value, other, &here),
        }
    })
}

/// The item selected in the navigator, with its id when it has one.
///
/// Serialised as `{"kind": "vnet", "id": "/subscriptions/..."}`; kinds without an id are `{"kind": "intents"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
pub enum Item {
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
    /// A security admin rule.
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

/// A result panel of the playground.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Panel {
    /// The verdict for one flow.
    Verdict,
    /// The intents with pass or fail.
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

/// How the page presents a design: set for embeds and lessons (issue 7 items 3 and 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// One view, sized to its iframe, for a course page.
    Embed,
    /// A lesson's step.
    Lesson,
}

/// The flow in the verdict panel; any part may be unset (a query being typed).
///
/// ```
/// use avnm_link::Query;
/// use avnm_core::model::Protocol;
/// let query = Query {
///     from: "10.1.0.4".parse().ok(),
///     to: "10.2.0.4".parse().ok(),
///     protocol: Some(Protocol::Tcp),
///     port: Some(22),
///     source_port: None,
/// };
/// assert_eq!(query.flow().unwrap().port, Some(22));
/// assert_eq!(Query::default().flow(), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Query {
    /// Source address.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub from: Option<IpAddr>,
    /// Destination address.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub to: Option<IpAddr>,
    /// Protocol.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub protocol: Option<Protocol>,
    /// Destination port.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub port: Option<u16>,
    /// Source port.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub source_port: Option<u16>,
}

impl Query {
    /// Whether no part is set.
    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }

    /// The flow, when the addresses and the protocol are set.
    pub fn flow(&self) -> Option<Flow> {
        Some(Flow {
            from: self.from?,
            to: self.to?,
            protocol: self.protocol?,
            port: self.port,
            source_port: self.source_port,
        })
    }
}

/// Reads a value, or `None` when it is not one this version understands.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// Reads a value, or its default when it is not one this version understands.
fn lenient_or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    Ok(lenient(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, expected: &View) {
        let read: View = serde_json::from_str(text).unwrap();
        assert_eq!(&read, expected);
    }

    #[test]
    fn a_full_view_is_written_compactly_and_read_back() {
        let view = View {
            selected: Some(Item::Vnet(VnetId::new("/subscriptions/s/vnet"))),
            panel: Some(Panel::Verdict),
            query: Query {
                from: "10.0.0.4".parse().ok(),
                to: "fd00::1".parse().ok(),
                protocol: Some(Protocol::Udp),
                port: Some(53),
                source_port: Some(1053),
            },
            mode: Some(Mode::Embed),
        };
        let text = serde_json::to_string(&view).unwrap();
        assert_eq!(
            text,
            r#"{"selected":{"kind":"vnet","id":"/subscriptions/s/vnet"},"panel":"verdict","query":{"from":"10.0.0.4","to":"fd00::1","protocol":"Udp","port":53,"sourcePort":1053},"mode":"embed"}"#
        );
        check(&text, &view);
        assert_eq!(serde_json::to_string(&View::default()).unwrap(), "{}");
    }

    #[test]
    fn items_without_an_id_have_only_a_kind() {
        let view = View {
            selected: Some(Item::Intents),
            ..View::default()
        };
        let text = serde_json::to_string(&view).unwrap();
        assert_eq!(text, r#"{"selected":{"kind":"intents"}}"#);
        check(&text, &view);
    }

    #[test]
    fn what_this_version_does_not_understand_is_ignored() {
        // A later version's kind, panel and mode; an address that does not parse; an unknown key.
        check(
            r#"{"selected":{"kind":"routeTable","id":"x"},"panel":"timeline","mode":"kiosk","later":[1]}"#,
            &View::default(),
        );
        check(
            r#"{"panel":"rules","query":{"from":"10.0.0.300","to":"10.0.0.5","port":70000,"protocol":"Tcp"}}"#,
            &View {
                panel: Some(Panel::Rules),
                query: Query {
                    to: "10.0.0.5".parse().ok(),
                    protocol: Some(Protocol::Tcp),
                    ..Query::default()
                },
                ..View::default()
            },
        );
        check(r#"{"query":"nonsense"}"#, &View::default());
    }

    #[test]
    fn strict_reading_names_the_key_it_cannot_keep() {
        assert_eq!(
            View::parse_strict(r#"{"panel":"verdict","query":{"form":"10.0.0.1"}}"#).unwrap_err(),
            "view key `query.form` is unknown or its value is not valid"
        );
        assert_eq!(
            View::parse_strict(r#"{"query":{"port":70000}}"#).unwrap_err(),
            "view key `query.port` is unknown or its value is not valid"
        );
        assert_eq!(
            View::parse_strict("[]").unwrap_err(),
            "a view is a JSON object"
        );
        assert_eq!(
            View::parse_strict(r#"{"panel":"MATRIX","mode":"lesson"}"#),
            Err("view key `panel` is unknown or its value is not valid".to_owned())
        );
        assert_eq!(
            View::parse_strict(r#"{"selected":{"kind":"group","id":"/x/ng"},"mode":"lesson"}"#),
            Ok(View {
                selected: Some(Item::Group(NetworkGroupId::new("/x/ng"))),
                mode: Some(Mode::Lesson),
                ..View::default()
            })
        );
        assert_eq!(View::parse_strict("{}"), Ok(View::default()));
        // A value written differently when read back is kept.
        assert_eq!(
            View::parse_strict(r#"{"query":{"to":"FD00:0::1"}}"#).map(|v| v.query.to),
            Ok("fd00::1".parse().ok())
        );
    }
}
