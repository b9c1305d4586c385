//! The editors, one per kind of thing in a design. Each reads the design from the context and changes it only
//! through typed `avnm_core::scenario::Change`s.

pub mod add_view;
pub mod connectivity_editor;
pub mod deployments_editor;
pub mod group_editor;
pub mod hierarchy_editor;
pub mod intents_editor;
pub mod json_view;
pub mod manager_editor;
pub mod nic_editor;
pub mod nsg_editor;
pub mod security_admin_editor;
pub mod vnet_editor;

/// Renders an editor natively (server-side rendering) inside the context of an example design, for the tests of
/// the editors.
#[cfg(test)]
pub(super) mod testing {
    use std::rc::Rc;

    use avnm_core::{Scenario, analyze};
    use yew::LocalServerRenderer;
    use yew::prelude::*;

    use crate::app::Ctx;
    use crate::state::AppState;

    #[derive(Properties, PartialEq)]
    pub(in crate::views) struct HostProps {
        pub(in crate::views) text: &'static str,
        pub(in crate::views) children: Html,
    }

    #[component]
    pub(in crate::views) fn Host(props: &HostProps) -> Html {
        let text = props.text;
        let state = use_reducer(move || AppState::new(Scenario::parse(text).expect("example")));
        let analysis = Rc::new(analyze(&state.scenario));
        let ctx = Ctx {
            state,
            analysis,
            dispatch: Callback::noop(),
            ahead: crate::app::Ahead::default(),
            updating: crate::edits::Status::default(),
        };
        html! { <ContextProvider<Ctx> context={ctx}>{ props.children.clone() }</ContextProvider<Ctx>> }
    }

    /// The HTML of `editor` in the context of the design `text`.
    pub(in crate::views) fn render(text: &'static str, editor: Html) -> String {
        futures::executor::block_on(
            LocalServerRenderer::<Host>::with_props(HostProps {
                text,
                children: editor,
            })
            .render(),
        )
    }
}
