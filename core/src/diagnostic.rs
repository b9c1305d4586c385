//! Diagnostics: semantic problems of a design, reported beside a best-effort result.
//!
//! A design with diagnostics still analyses; each diagnostic names the JSON path of the field it concerns so
//! that the playground can put it beside that field.
//! Messages follow cedar's style guide: lowercase, no final period, user values in backticks.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Azure would reject this, or the design cannot work as written.
    Error,
    /// Azure accepts it, but the result is probably not what was meant.
    Warning,
}

/// What kind of problem a diagnostic reports; stable names for tests and tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A referenced resource is not in the document.
    DanglingReference,
    /// Two resources have the same id.
    DuplicateId,
    /// An address prefix or IP address is not valid.
    InvalidPrefix,
    /// A port range is not valid.
    InvalidPortRange,
    /// A priority is outside the accepted range.
    PriorityOutOfRange,
    /// Two rules share a priority where Azure requires it to be unique.
    DuplicatePriority,
    /// Rules of different collections share a priority (decisions Q4).
    AmbiguousPriority,
    /// A hub-and-spoke configuration has no hub.
    MissingHub,
    /// The hub is outside the manager's scope.
    HubOutOfScope,
    /// Address spaces overlap where that matters.
    AddressOverlap,
    /// `useHubGateway` without a gateway in the hub.
    GatewayMissing,
    /// A commit of a type the manager has not enabled.
    CommitTypeNotEnabled,
    /// A security admin commit with more than one configuration.
    MultipleSecurityAdminConfigs,
    /// A commit names a configuration of another type or manager.
    CommitConfigurationMismatch,
    /// A setting that Azure rejects in this combination.
    InvalidSetting,
    /// A service tag that admin rules do not accept.
    ServiceTagNotAllowed,
    /// Two managers list the same scope entry with a shared feature.
    ScopeConflict,
    /// A published limit is exceeded.
    LimitExceeded,
    /// A network group member outside its manager's scope.
    OutOfScopeMember,
    /// A configuration or rule collection applies to no network group, so it reaches no virtual network.
    AppliesToNoGroup,
    /// Something Azure supports that the playground does not simulate.
    Unsupported,
    /// A policy condition that cannot be evaluated.
    PolicyError,
    /// A name Azure refuses (length, characters).
    InvalidName,
    /// Management groups that contain each other.
    ManagementGroupCycle,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = serde_json::to_value(self).ok();
        f.write_str(name.as_ref().and_then(|v| v.as_str()).unwrap_or("unknown"))
    }
}

/// A semantic problem of a design.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What kind of problem it is.
    pub code: Code,
    /// JSON path of the field it concerns (`resources[3].properties.priority`), or empty.
    pub path: crate::path::Path,
    /// One readable line (control characters of user text in it, line breaks included, are escaped).
    pub message: String,
}

impl Diagnostic {
    /// An error.
    pub fn error(
        code: Code,
        path: impl Into<crate::path::Path>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            path: path.into(),
            message: escaped(message.into().chars()),
        }
    }

    /// A warning.
    pub fn warning(
        code: Code,
        path: impl Into<crate::path::Path>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            path: path.into(),
            message: escaped(message.into().chars()),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.path.is_root() {
            write!(f, "{level}[{}]: {}", self.code, self.message)
        } else {
            write!(
                f,
                "{level}[{}] at `{}`: {}",
                self.code, self.path, self.message
            )
        }
    }
}

/// Text on one line: control characters (line breaks, tabs...) escaped as Rust writes them (`\n`), so that user
/// text in a message never breaks it over lines.
pub(crate) fn escaped(text: impl IntoIterator<Item = char>) -> String {
    let mut out = String::new();
    for c in text {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_stable_kebab_case_names() {
        assert_eq!(Code::DanglingReference.to_string(), "dangling-reference");
        assert_eq!(
            Code::MultipleSecurityAdminConfigs.to_string(),
            "multiple-security-admin-configs"
        );
        let d = Diagnostic::warning(Code::LimitExceeded, "resources[2]", "too many");
        assert_eq!(
            d.to_string(),
            "warning[limit-exceeded] at `resources[2]`: too many"
        );
    }
}
