//! The editor of one resource; being written.

use avnm_core::model::NsgId;
use yew::prelude::*;

/// Properties of [`NsgEditor`].
#[derive(Properties, PartialEq)]
pub struct NsgEditorProps {
    /// The resource.
    pub id: NsgId,
}

/// The editor.
#[component]
pub fn NsgEditor(props: &NsgEditorProps) -> Html {
    html! { <section class="editor-panel"><h2>{ props.id.name().to_owned() }</h2></section> }
}
