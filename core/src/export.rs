//! Writing a design back out as what Azure deploys: an ARM deployment template, Bicep, Terraform with the
//! `azurerm` provider, or an `az` CLI script; and, for people, the topology as SVG and a verdict as Markdown.
//!
//! Every format is written from one plan (the private `plan`): the document's resources with their Azure scope (tenant,
//! management group, subscription, resource group), their API version, their writable properties (read-only
//! fields such as `provisioningState` or a subnet's `ipConfigurations` are left out) and the resources of the
//! design that each one refers to, which become `dependsOn`, Bicep symbolic references, Terraform references
//! or the order of the script.
//! The commits come after the resources, in the document's order.
//!
//! Where a format cannot express something of the design, the output says so in a comment at that place
//! (`metadata` for ARM, which has no comments) and the [`ExportReport`] has one line for it, with the JSON path
//! of what could not be written.
//! The main cases, decided once for every design:
//! - ARM has no resource for a commit (the network manager's `commit` is a POST): the template keeps the
//!   commits, in order, in `metadata.commits` with the document's own fields and the
//!   `az network manager post-commit` command that deploys each; the report says to run them after the
//!   deployment.
//! - A template deploys to one scope; resources of other scopes go into nested deployments
//!   (`Microsoft.Resources/deployments` with `subscriptionId` and `resourceGroup`, or `scope` for a management
//!   group), and Bicep into one module file per scope.
//!   Management groups and policies at management-group scope can only be deployed from the tenant scope,
//!   so a design with them gets a tenant template (the report says so).
//! - Terraform deploys only the last commit of each manager, region and configuration type
//!   (`azurerm_network_manager_deployment` is the goal state of that triple); the earlier commits are comments.
//!
//! Azure's references: ARM template syntax
//! (<https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax>), nested deployments across
//! scopes (<https://learn.microsoft.com/azure/azure-resource-manager/templates/deploy-to-resource-group>),
//! the azurerm provider's `network_manager_*` resources, and `az network manager`
//! (<https://learn.microsoft.com/cli/azure/network/manager>).

mod arm;
mod az;
mod bicep;
mod literal;
mod markdown;
pub(crate) mod plan;
mod svg;
mod terraform;

use serde::Serialize;

use crate::scenario::Scenario;

pub use markdown::verdict_markdown;
pub use svg::topology_svg;

/// A format that Azure deploys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Format {
    /// An ARM deployment template (JSON).
    Arm,
    /// Bicep: a main file and one module file per scope, one after the other, each opening with a
    /// `// file: NAME` line.
    Bicep,
    /// Terraform with the `azurerm` provider.
    Terraform,
    /// A bash script of `az` commands.
    Az,
}

/// An export: the text and what it could not express.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exported {
    /// The text in the format asked for.
    pub text: String,
    /// What the format could not express, each with its place in the document.
    pub report: ExportReport,
}

/// What an export could not express, or did differently from the design.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    /// One line per thing, in the order of the output.
    pub lines: Vec<ReportLine>,
}

/// One thing an export could not express.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    /// JSON path of what it is about in the scenario document (empty for the design as a whole).
    pub path: String,
    /// What was done instead, one lowercase line.
    pub message: String,
}

impl ExportReport {
    pub(crate) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.lines.push(ReportLine {
            path: path.into(),
            message: message.into(),
        });
    }
}

/// Writes a design in a format that Azure deploys.
///
/// ```
/// use avnm_core::{Scenario, export};
/// let scenario = Scenario::parse(r#"{"resources": [{
///     "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
///     "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
///     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]}"#).unwrap();
/// let exported = export::export(&scenario, export::Format::Terraform);
/// assert!(exported.text.contains(r#"resource "azurerm_virtual_network" "v""#));
/// ```
pub fn export(scenario: &Scenario, format: Format) -> Exported {
    let plan = plan::Plan::build(scenario);
    let mut report = ExportReport {
        lines: plan.notes.clone(),
    };
    if format != Format::Arm {
        report.lines.extend(
            plan.subscription_names
                .iter()
                .map(plan::SubscriptionName::left_out),
        );
    }
    let text = match format {
        Format::Arm => arm::write(&plan, &mut report),
        Format::Bicep => bicep::write(&plan, &mut report),
        Format::Terraform => terraform::write(&plan, &mut report),
        Format::Az => az::write(&plan, &mut report),
    };
    Exported { text, report }
}

/// `1 commit is`, `2 commits are`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A text on one line, for a comment of the generated file: a line break in a value would end the comment and
/// turn the rest of the value into code.
pub(crate) fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests;
