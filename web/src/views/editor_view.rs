//! The editor panel: the editor of whatever the navigator selected.

use yew::prelude::*;

use super::editors::connectivity_editor::ConnectivityEditor;
use super::editors::deployments_editor::DeploymentsEditor;
use super::editors::group_editor::GroupEditor;
use super::editors::hierarchy_editor::HierarchyEditor;
use super::editors::intents_editor::IntentsEditor;
use super::editors::json_view::JsonView;
use super::editors::manager_editor::ManagerEditor;
use super::editors::nic_editor::NicEditor;
use super::editors::nsg_editor::NsgEditor;
use super::editors::security_admin_editor::{RuleCollectionEditor, SecurityAdminEditor};
use super::editors::vnet_editor::VnetEditor;
use super::gallery::GalleryView;
use crate::app::Ctx;
use crate::state::Selection;

/// The editor of the selection.
#[component]
pub fn EditorView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    match &ctx.state.selection {
        Selection::Overview => html! { <GalleryView /> },
        Selection::Vnet(id) => html! { <VnetEditor id={id.clone()} /> },
        Selection::Nic(id) => html! { <NicEditor id={id.clone()} /> },
        Selection::Nsg(id) => html! { <NsgEditor id={id.clone()} /> },
        Selection::Manager(id) => html! { <ManagerEditor id={id.clone()} /> },
        Selection::Group(id) => html! { <GroupEditor id={id.clone()} /> },
        Selection::Connectivity(id) => html! { <ConnectivityEditor id={id.clone()} /> },
        Selection::SecurityAdmin(id) => html! { <SecurityAdminEditor id={id.clone()} /> },
        Selection::RuleCollection(id) => html! { <RuleCollectionEditor id={id.clone()} /> },
        Selection::AdminRule(id) => {
            let collection = avnm_core::model::RuleCollectionId::new(
                avnm_core::model::ids::parent_path(id.as_str()),
            );
            html! { <RuleCollectionEditor id={collection} /> }
        }
        Selection::Deployments => html! { <DeploymentsEditor /> },
        Selection::Hierarchy => html! { <HierarchyEditor /> },
        Selection::Intents => html! { <IntentsEditor /> },
        Selection::Document => html! { <JsonView /> },
    }
}
