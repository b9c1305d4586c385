//! The panels of the playground: one component per file, each reading the shared [`Ctx`](crate::app::Ctx).
//!
//! `editors/` holds an editor per kind of thing in a design, `panels/` the result panels; the frame (header,
//! navigator, notice, editor and gallery), the lesson player and the frame of embeds sit here.

mod designs_view;
mod editor_view;
mod editors;
mod embed_view;
pub mod gallery;
mod header_view;
pub(crate) mod io;
pub mod lesson_view;
mod lessons_gallery;
mod navigator_view;
mod notice_view;
mod panels;
mod share_view;

pub use editor_view::EditorView;
pub use embed_view::EmbedFrame;
pub use header_view::HeaderView;
pub use lesson_view::LessonView;
pub use navigator_view::NavigatorView;
pub use notice_view::NoticeView;
pub use panels::ResultsView;

/// Makes ahead what the views of a large design make at their first render and keep ([`crate::components::kept`]):
/// the navigator's entries, the verdict panel's endpoints and the topology's overview, each in a task of its own
/// (a task scheduled after this call runs after them): the import and an edit of a large design call it before
/// they schedule the task that shows the design with `analysis`.
pub fn make_ahead(analysis: &std::rc::Rc<avnm_core::Analysis>) {
    let each: [fn(&std::rc::Rc<avnm_core::Analysis>); 3] = [
        |a| navigator_view::make_ahead(&a.model),
        |a| panels::make_verdict_ahead(&a.model),
        panels::make_topology_ahead,
    ];
    for make in each {
        let analysis = analysis.clone();
        crate::platform::next_task(move || make(&analysis));
    }
}
