//! The notice shown when a change or an import was refused: what and where, and that the design is unchanged.

use yew::prelude::*;

use crate::app::Ctx;
use crate::components::rich;
use crate::state::Action;

/// The notice bar.
#[component]
pub fn NoticeView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let Some(notice) = ctx.state.notice.clone() else {
        return html! {};
    };
    let dismiss = ctx.dispatch.reform(|_: MouseEvent| Action::Dismiss);
    html! {
        <div class="notice" role="alert" data-testid="notice">
            <span>{ rich(&notice.message) }</span>
            <button onclick={dismiss} aria-label="Dismiss">{ "✕" }</button>
        </div>
    }
}
