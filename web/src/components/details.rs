//! A `<details>` whose body is made and rendered only once it is opened: a long list of rows, each with a
//! disclosure of dozens of elements (a condition's whole trace), renders its summaries only.

use yew::prelude::*;

use crate::platform;

/// Properties of [`LazyDetails`].
#[derive(Properties, PartialEq)]
pub struct LazyDetailsProps {
    /// What the closed disclosure shows.
    pub summary: Html,
    /// Makes the body, called at each render while open.
    pub body: Callback<(), Html>,
}

/// A disclosure that makes its body only while open.
#[component]
pub fn LazyDetails(props: &LazyDetailsProps) -> Html {
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| open.set(platform::details_open(&e)))
    };
    html! {
        <details {ontoggle}>
            <summary>{ props.summary.clone() }</summary>
            if *open { { props.body.emit(()) } }
        </details>
    }
}
