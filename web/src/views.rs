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
