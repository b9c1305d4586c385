//! The overview: what the playground is, the lessons, the examples gallery, and how to start.

use yew::prelude::*;

use super::editors::add_view::AddView;
use super::lessons_gallery::LessonsGallery;
use crate::app::Ctx;
use crate::state::Action;

/// An example design shipped with the playground.
#[derive(Debug)]
pub struct Example {
    /// The file name.
    pub file: &'static str,
    /// The document.
    pub text: &'static str,
}

macro_rules! example {
    ($file:literal) => {
        Example {
            file: $file,
            text: include_str!(concat!("../../../static/examples/", $file)),
        }
    };
}

/// The gallery, in the order it is shown.
pub const EXAMPLES: &[Example] = &[
    example!("hub-spoke-guardrails.json"),
    example!("hub-spoke-expressroute-multi-region.json"),
    example!("ssh-exception-for-one-team.json"),
    example!("force-allow-monitoring.json"),
    example!("regional-vs-global-mesh.json"),
    example!("deployment-goal-state.json"),
    example!("direct-connectivity-production.json"),
];

/// The title and description of an example, read from its document.
fn describe(example: &Example) -> (String, String) {
    let about = avnm_core::scenario::About::of(example.text);
    (
        about.title.unwrap_or_else(|| example.file.to_owned()),
        about.description.unwrap_or_default(),
    )
}

/// The overview and gallery.
#[component]
pub fn GalleryView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let doc_title = ctx.analysis.model.vnets.len();
    html! {
        <section class="editor-panel overview">
            <h2>{ "Try an Azure Virtual Network Manager design" }</h2>
            <p class="lead">
                { "Group virtual networks, connect them, protect them with security admin rules, deploy to regions: the playground computes the membership, the topology and every traffic verdict, with the reason why, as you edit. " }
                { format!("The current design has {}.", crate::components::plural(doc_title, "virtual network", "virtual networks")) }
            </p>
            <LessonsGallery />
            <h3>{ "Examples" }</h3>
            <ul class="gallery">
                { for EXAMPLES.iter().map(|example| {
                    let (title, description) = describe(example);
                    let load = ctx.dispatch.reform(move |_: MouseEvent| Action::Load { text: example.text.to_owned(), source: format!("the example `{}`", example.file) });
                    html! {
                        <li class="card">
                            <h4>{ title }</h4>
                            <p>{ description }</p>
                            <button class="primary" onclick={load} data-testid={format!("load-{}", example.file.trim_end_matches(".json"))}>{ "Load" }</button>
                        </li>
                    }
                }) }
            </ul>
            <AddView />
        </section>
    }
}
