//! Deployments: the per-region goal state that the commits describe (spec §6).
//!
//! A commit replaces the goal state of (manager, region, commit type); an empty list removes that type from
//! those regions; commits of one type leave the other types alone.
//! A commit that Azure would reject (a type the manager has not enabled, two security admin configurations,
//! a configuration of another type or manager) changes nothing and is reported.
//!
//! Configuration edits are not live: a deployed configuration keeps the content it had when it was committed
//! (spec §6.2, "two clocks" in §12.1).
//! The playground records that content as a [`fingerprint`] in the commit's `snapshots`, and the goal state
//! lists the deployed configurations edited since ([`Deployed::outdated`]): those need a redeploy.
//! Source: <https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments>.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{ConfigType, ConfigurationId, Location, Model, NetworkManagerId};

/// What is deployed where.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoalState {
    /// For each (manager, region, type), the deployed configurations and the commit that set them.
    pub regions: BTreeMap<(NetworkManagerId, Location, ConfigType), Deployed>,
    /// Rejected commits and other problems.
    pub diagnostics: Vec<Diagnostic>,
}

/// The configurations of one (manager, region, type).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    /// The configuration ids.
    pub configurations: Vec<ConfigurationId>,
    /// Index of the commit in the document's `commits`.
    pub commit: usize,
    /// The configurations edited since that commit: their [`fingerprint`] differs from the one the commit
    /// recorded in `snapshots`. A configuration the commit recorded nothing for is never listed.
    pub outdated: Vec<ConfigurationId>,
}

impl GoalState {
    /// Replays the commits of a model, oldest first.
    pub fn from_commits(model: &Model) -> Self {
        let mut state = GoalState::default();
        let mut fingerprints: BTreeMap<&ConfigurationId, Option<String>> = BTreeMap::new();
        for (index, commit) in model.commits.iter().enumerate() {
            if let Some(problem) = rejection(model, commit) {
                state.diagnostics.push(problem);
                continue;
            }
            if matches!(
                commit.commit_type,
                ConfigType::Routing | ConfigType::SecurityUser
            ) {
                state.diagnostics.push(Diagnostic::warning(
                    Code::Unsupported,
                    commit.path.clone(),
                    format!(
                        "`{:?}` deployments are kept but not simulated",
                        commit.commit_type
                    ),
                ));
            }
            let outdated: Vec<ConfigurationId> = commit
                .snapshots
                .iter()
                .filter(|(config, _)| commit.configurations.contains(config))
                .filter(|(config, recorded)| {
                    let current = fingerprints
                        .entry(config)
                        .or_insert_with(|| fingerprint(model, config));
                    current.as_deref() != Some(recorded.as_str())
                })
                .map(|(config, _)| config.clone())
                .collect();
            for region in &commit.regions {
                let key = (commit.manager.clone(), region.clone(), commit.commit_type);
                if commit.configurations.is_empty() {
                    state.regions.remove(&key);
                } else {
                    let deployed = Deployed {
                        configurations: commit.configurations.clone(),
                        commit: index,
                        outdated: outdated.clone(),
                    };
                    state.regions.insert(key, deployed);
                }
            }
        }
        state
    }

    /// The configurations of a type that a manager has deployed to a region.
    pub fn deployed(
        &self,
        manager: &NetworkManagerId,
        region: &Location,
        kind: ConfigType,
    ) -> &[ConfigurationId] {
        self.regions
            .get(&(manager.clone(), region.clone(), kind))
            .map_or(&[], |d| d.configurations.as_slice())
    }

    /// The regions a configuration is deployed to.
    pub fn regions_of(&self, config: &ConfigurationId) -> Vec<&Location> {
        self.regions
            .iter()
            .filter(|(_, d)| d.configurations.contains(config))
            .map(|((_, region, _), _)| region)
            .collect()
    }

    /// Whether a configuration is deployed somewhere with content that has been edited since its commit.
    pub fn needs_redeploy(&self, config: &ConfigurationId) -> bool {
        self.regions.values().any(|d| d.outdated.contains(config))
    }
}

/// A fingerprint of a configuration's content, for telling whether it changed since it was committed: the
/// FNV-1a 64-bit hash, as 16 hex digits, of a canonical JSON serialization of the typed configuration (a
/// security admin configuration with its rule collections and rules), without the JSON paths, object keys
/// sorted, collections and rules sorted by id.
/// It does not depend on where the configuration stands in the document or on how its JSON is spelled, only on
/// what the engine reads from it. `None` when the configuration is not in the model.
///
/// ```
/// use avnm_core::{Scenario, deployment::fingerprint, model::ConfigurationId};
/// let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm/connectivityConfigurations/mesh";
/// let design = |global: &str| Scenario::parse(&format!(r#"{{"resources": [{{"id": "{id}",
///     "type": "Microsoft.Network/networkManagers/connectivityConfigurations",
///     "properties": {{"connectivityTopology": "Mesh", "isGlobal": "{global}", "appliesToGroups": []}}}}]}}"#)).unwrap();
/// let config = ConfigurationId::new(id);
/// let before = fingerprint(design("False").model(), &config).unwrap();
/// assert_eq!(before.len(), 16);
/// assert_eq!(fingerprint(design("false").model(), &config).as_ref(), Some(&before));
/// assert_ne!(fingerprint(design("True").model(), &config).as_ref(), Some(&before));
/// ```
pub fn fingerprint(model: &Model, config: &ConfigurationId) -> Option<String> {
    let value = if let Some(c) = model.connectivity_configs.get(config) {
        serde_json::to_value(c).ok()?
    } else {
        let mut c = model.security_admin_configs.get(config)?.clone();
        c.collections.sort_by(|a, b| a.id.cmp(&b.id));
        for collection in &mut c.collections {
            collection.rules.sort_by(|a, b| a.id.cmp(&b.id));
        }
        serde_json::to_value(&c).ok()?
    };
    let mut text = String::new();
    canonical(&value, &mut text);
    Some(format!("{:016x}", fnv1a(text.as_bytes())))
}

/// Writes a JSON value with object keys sorted and `path` members left out, whatever the `serde_json`
/// features of the build (`preserve_order` would otherwise change the order of keys).
fn canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().filter(|k| k.as_str() != "path").collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(item) = map.get(key) {
                    canonical(item, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The 64-bit FNV-1a hash.
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(PRIME))
}

/// Why Azure would reject a commit, if it would.
fn rejection(model: &Model, commit: &crate::model::Commit) -> Option<Diagnostic> {
    let reject = |code, message: String| {
        Some(Diagnostic::error(
            code,
            commit.path.clone(),
            format!("{message}; the commit is rejected"),
        ))
    };
    let Some(manager) = model.managers.get(&commit.manager) else {
        return reject(
            Code::DanglingReference,
            format!(
                "the network manager `{}` is not in the document",
                commit.manager
            ),
        );
    };
    if !manager.features.contains(&commit.commit_type) {
        return reject(
            Code::CommitTypeNotEnabled,
            format!(
                "`{}` does not have the `{:?}` feature in `networkManagerScopeAccesses`",
                manager.id.name(),
                commit.commit_type
            ),
        );
    }
    if commit.regions.is_empty() {
        return reject(
            Code::InvalidSetting,
            "`targetLocations` is empty".to_owned(),
        );
    }
    if matches!(
        commit.commit_type,
        ConfigType::SecurityAdmin | ConfigType::Routing
    ) && commit.configurations.len() > 1
    {
        return reject(
            Code::MultipleSecurityAdminConfigs,
            format!(
                "only one `{:?}` configuration per manager can be deployed to a region",
                commit.commit_type
            ),
        );
    }
    for config in &commit.configurations {
        let is_ours = model
            .connectivity_configs
            .get(config)
            .map(|c| (&c.manager, ConfigType::Connectivity))
            .or_else(|| {
                model
                    .security_admin_configs
                    .get(config)
                    .map(|c| (&c.manager, ConfigType::SecurityAdmin))
            });
        match is_ours {
            None if matches!(
                commit.commit_type,
                ConfigType::Routing | ConfigType::SecurityUser
            ) => {}
            None => {
                return reject(
                    Code::DanglingReference,
                    format!("the configuration `{config}` is not in the document"),
                );
            }
            Some((owner, kind)) => {
                if owner != &commit.manager || kind != commit.commit_type {
                    return reject(
                        Code::CommitConfigurationMismatch,
                        format!(
                            "`{}` is a `{kind:?}` configuration of `{}`, not a `{:?}` configuration of `{}`",
                            config.name(),
                            owner.name(),
                            commit.commit_type,
                            commit.manager.name()
                        ),
                    );
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::edit::template;
    use crate::scenario::{Edit, FieldValue, Scenario, apply};

    const EXAMPLE: &str = include_str!("../../static/examples/hub-spoke-guardrails.json");

    /// The example with its commits replaced by "deploy everything", which records snapshots.
    fn deployed() -> Scenario {
        let mut s = apply(
            &Scenario::parse(EXAMPLE).unwrap(),
            &Edit::Remove {
                path: "commits".into(),
            },
        )
        .unwrap();
        for change in crate::scenario::deploy_everything(s.model()) {
            s = s.change(&change).unwrap();
        }
        s
    }

    fn security_admin(s: &Scenario) -> &crate::model::SecurityAdminConfig {
        s.model().security_admin_configs.values().next().unwrap()
    }

    /// The names of the outdated configurations of every (region, type), in order.
    #[track_caller]
    fn check(s: &Scenario, expected: &[(&str, ConfigType, &[&str])]) {
        let goal = GoalState::from_commits(s.model());
        let got: Vec<(&str, ConfigType, Vec<&str>)> = goal
            .regions
            .iter()
            .map(|((_, region, kind), d)| {
                (
                    region.as_str(),
                    *kind,
                    d.outdated.iter().map(ConfigurationId::name).collect(),
                )
            })
            .collect();
        let expected: Vec<(&str, ConfigType, Vec<&str>)> = expected
            .iter()
            .map(|(r, k, c)| (*r, *k, c.to_vec()))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn an_edited_configuration_needs_a_redeploy_until_it_is_committed_again() {
        let s = deployed();
        assert!(
            s.model()
                .commits
                .iter()
                .all(|c| c.snapshots.len() == c.configurations.len())
        );
        check(
            &s,
            &[
                ("westeurope", ConfigType::Connectivity, &[]),
                ("westeurope", ConfigType::SecurityAdmin, &[]),
            ],
        );

        let config = security_admin(&s).id.clone();
        let rule = security_admin(&s)
            .collections
            .first()
            .unwrap()
            .rules
            .first()
            .unwrap();
        let edited = apply(
            &s,
            &Edit::Set {
                path: format!("{}.properties.priority", rule.path).into(),
                value: FieldValue::Integer(4000),
            },
        )
        .unwrap();
        check(
            &edited,
            &[
                ("westeurope", ConfigType::Connectivity, &[]),
                ("westeurope", ConfigType::SecurityAdmin, &[config.name()]),
            ],
        );
        assert!(GoalState::from_commits(edited.model()).needs_redeploy(&config));

        // Committing it again records the new content.
        let manager = security_admin(&edited).manager.to_string();
        let commit = template::commit_now(
            edited.model(),
            &manager,
            "SecurityAdmin",
            &[config.to_string()],
            &["westeurope".into()],
        );
        let redeployed = apply(
            &edited,
            &Edit::Append {
                path: "commits".into(),
                fragment: commit,
            },
        )
        .unwrap();
        check(
            &redeployed,
            &[
                ("westeurope", ConfigType::Connectivity, &[]),
                ("westeurope", ConfigType::SecurityAdmin, &[]),
            ],
        );

        // Undoing the edit by hand makes the deployed content current again.
        let back = apply(
            &edited,
            &Edit::Set {
                path: format!("{}.properties.priority", rule.path).into(),
                value: FieldValue::Integer(i64::from(rule.priority)),
            },
        )
        .unwrap();
        assert!(!GoalState::from_commits(back.model()).needs_redeploy(&config));
    }

    #[test]
    fn commits_without_snapshots_show_no_badge() {
        let s = Scenario::parse(EXAMPLE).unwrap();
        assert!(s.model().commits.iter().all(|c| c.snapshots.is_empty()));
        let rule = security_admin(&s)
            .collections
            .first()
            .unwrap()
            .rules
            .first()
            .unwrap();
        let edited = apply(
            &s,
            &Edit::Set {
                path: format!("{}.properties.priority", rule.path).into(),
                value: FieldValue::Integer(4000),
            },
        )
        .unwrap();
        assert!(
            GoalState::from_commits(edited.model())
                .regions
                .values()
                .all(|d| d.outdated.is_empty())
        );
    }

    #[test]
    fn the_fingerprint_ignores_where_things_stand_and_how_they_are_spelled() {
        let s = deployed();
        let connectivity = s
            .model()
            .connectivity_configs
            .keys()
            .next()
            .unwrap()
            .clone();
        let admin = security_admin(&s).id.clone();
        let before = (
            fingerprint(s.model(), &connectivity),
            fingerprint(s.model(), &admin),
        );
        // Removing the first resource moves every JSON path.
        let moved = apply(
            &s,
            &Edit::Remove {
                path: "resources[2]".into(),
            },
        )
        .unwrap();
        assert_eq!(
            (
                fingerprint(moved.model(), &connectivity),
                fingerprint(moved.model(), &admin)
            ),
            before
        );
        let config = moved
            .model()
            .connectivity_configs
            .get(&connectivity)
            .unwrap();
        let respelled = apply(
            &moved,
            &Edit::Set {
                path: format!("{}.properties.isGlobal", config.path).into(),
                value: FieldValue::Text(if config.is_global { "true" } else { "false" }.into()),
            },
        )
        .unwrap();
        assert_eq!(fingerprint(respelled.model(), &connectivity), before.0);
        let changed = apply(
            &moved,
            &Edit::Set {
                path: format!("{}.properties.isGlobal", config.path).into(),
                value: FieldValue::Text(if config.is_global { "False" } else { "True" }.into()),
            },
        )
        .unwrap();
        assert_ne!(fingerprint(changed.model(), &connectivity), before.0);
        assert_eq!(
            fingerprint(s.model(), &ConfigurationId::new("/nothing")),
            None
        );
        assert_eq!(
            format!("{:016x}", fnv1a(b"a")),
            "af63dc4c8601ec8c",
            "the published FNV-1a 64 test vector"
        );
    }

    #[test]
    fn snapshots_of_configurations_outside_the_commit_are_ignored() {
        let s = deployed();
        let admin = security_admin(&s).id.to_string();
        let path = s
            .model()
            .commits
            .iter()
            .find(|c| c.commit_type == ConfigType::Connectivity)
            .unwrap()
            .path
            .clone();
        let stray = template::snapshots(s.model(), std::slice::from_ref(&admin));
        let s = apply(
            &s,
            &Edit::SetFragment {
                path: format!("{path}.snapshots").into(),
                fragment: stray,
            },
        )
        .unwrap();
        let config = security_admin(&s);
        let rule = config.collections.first().unwrap().rules.first().unwrap();
        let s = apply(
            &s,
            &Edit::Set {
                path: format!("{}.properties.priority", rule.path).into(),
                value: FieldValue::Integer(4000),
            },
        )
        .unwrap();
        check(
            &s,
            &[
                ("westeurope", ConfigType::Connectivity, &[]),
                ("westeurope", ConfigType::SecurityAdmin, &[config.id.name()]),
            ],
        );
    }

    #[test]
    fn malformed_snapshots_name_their_path() {
        let text = r#"{"commits": [{"networkManagerId": "/nm", "commitType": "Connectivity", "targetLocations": [], "snapshots": {"/c": 5}}]}"#;
        assert_eq!(
            Scenario::parse(text).unwrap_err().to_string(),
            "`commits[0].snapshots`: expected a string, found a number"
        );
        let text = r#"{"commits": [{"networkManagerId": "/nm", "commitType": "Connectivity", "targetLocations": [], "snapshots": []}]}"#;
        assert_eq!(
            Scenario::parse(text).unwrap_err().to_string(),
            "`commits[0].snapshots`: expected an object, found an array"
        );
    }
}
