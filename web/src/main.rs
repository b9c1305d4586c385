//! The entry point of the playground: renders [`avnm_web::App`] into the page.

fn main() {
    yew::Renderer::<avnm_web::App>::new().render();
}
