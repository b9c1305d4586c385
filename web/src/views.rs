//! The panels of the playground: one component per file, each reading the shared [`Ctx`](crate::app::Ctx).

mod add_view;
mod connectivity_editor;
mod deployments_editor;
mod diagnostics_view;
mod editor_view;
pub mod gallery;
mod group_editor;
mod header_view;
mod hierarchy_editor;
mod intents_editor;
mod intents_view;
mod json_view;
mod manager_editor;
mod matrix_view;
mod membership_view;
mod navigator_view;
mod nic_editor;
mod notice_view;
mod nsg_editor;
mod results_view;
mod rules_view;
mod security_admin_editor;
mod topology_view;
mod verdict_view;
mod vnet_editor;

pub use editor_view::EditorView;
pub use header_view::HeaderView;
pub use navigator_view::NavigatorView;
pub use notice_view::NoticeView;
pub use results_view::ResultsView;
