//! Deployments: the per-region goal state that the commits describe (spec §6).
//!
//! A commit replaces the goal state of (manager, region, commit type); an empty list removes that type from
//! those regions; commits of one type leave the other types alone.
//! A commit that Azure would reject (a type the manager has not enabled, two security admin configurations,
//! a configuration of another type or manager) changes nothing and is reported.
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
}

impl GoalState {
    /// Replays the commits of a model, oldest first.
    pub fn from_commits(model: &Model) -> Self {
        let mut state = GoalState::default();
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
            for region in &commit.regions {
                let key = (commit.manager.clone(), region.clone(), commit.commit_type);
                if commit.configurations.is_empty() {
                    state.regions.remove(&key);
                } else {
                    let deployed = Deployed {
                        configurations: commit.configurations.clone(),
                        commit: index,
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
