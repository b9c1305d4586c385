//! The editor of one resource; being written.

use avnm_core::model::NetworkGroupId;
use yew::prelude::*;

/// Properties of [`GroupEditor`].
#[derive(Properties, PartialEq)]
pub struct GroupEditorProps {
    /// The resource.
    pub id: NetworkGroupId,
}

/// The editor.
#[component]
pub fn GroupEditor(props: &GroupEditorProps) -> Html {
    html! { <section class="editor-panel"><h2>{ props.id.name().to_owned() }</h2></section> }
}
