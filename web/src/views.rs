//! The panels of the playground: one component per file, each reading the shared [`Ctx`](crate::app::Ctx).
//!
//! `editors/` holds an editor per kind of thing in a design, `panels/` the result panels; the frame (header,
//! navigator, notice, editor and gallery) sits here.

mod editor_view;
mod editors;
pub mod gallery;
mod header_view;
pub(crate) mod io;
mod navigator_view;
mod notice_view;
mod panels;

pub use editor_view::EditorView;
pub use header_view::HeaderView;
pub use navigator_view::NavigatorView;
pub use notice_view::NoticeView;
pub use panels::ResultsView;
