//! The editor of one resource; being written.

use avnm_core::model::ConfigurationId;
use yew::prelude::*;

/// Properties of [`ConnectivityEditor`].
#[derive(Properties, PartialEq)]
pub struct ConnectivityEditorProps {
    /// The resource.
    pub id: ConfigurationId,
}

/// The editor.
#[component]
pub fn ConnectivityEditor(props: &ConnectivityEditorProps) -> Html {
    html! { <section class="editor-panel"><h2>{ props.id.name().to_owned() }</h2></section> }
}
