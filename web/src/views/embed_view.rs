//! The frame of an embed: one view of the design, sized to its iframe, with an "Open in the playground" link.
//!
//! Read-only embeds show result panels only; the editor embed shows one resource's editor beside a result panel
//! (editable unless `readonly`); the lesson embed is the lesson player beside the editor and the results.

use std::rc::Rc;

use avnm_link::{View, encode_scenario, url};
use yew::prelude::*;

use super::panels::{
    BestEffortNote, IntentsView, MatrixView, MembershipView, ResultsView, TopologyView,
    VerdictView, render_verdict,
};
use super::{EditorView, LessonView, NavigatorView, NoticeView};
use crate::app::Ctx;
use crate::page::{EmbedView, Page};
use crate::platform;
use crate::state::Selection;

/// Properties of [`EmbedFrame`].
#[derive(Properties, PartialEq)]
pub struct EmbedFrameProps {
    /// What the URL asks for.
    pub page: Rc<Page>,
}

/// The result panel of a view, marked best-effort when the design has errors (the editor and lesson embeds show
/// the tabbed results, which mark it themselves).
fn panel(ctx: &Ctx, page: &Page, view: EmbedView) -> Html {
    let single = match view {
        EmbedView::Topology => html! { <TopologyView /> },
        EmbedView::Membership => html! { <MembershipView /> },
        EmbedView::Matrix => html! { <MatrixView /> },
        EmbedView::Intents => html! { <IntentsView /> },
        EmbedView::Verdict => match page.flow() {
            Some(flow) => html! {
                <div class="panel verdict-panel">
                    <p class="flow" data-testid="embed-flow"><code>{ flow.to_string() }</code></p>
                    { render_verdict(&ctx.analysis.verdict(&flow)) }
                </div>
            },
            None => html! { <VerdictView key={ctx.state.loads} /> },
        },
        EmbedView::Editor | EmbedView::Lesson => return html! { <ResultsView /> },
    };
    html! { <><BestEffortNote />{ single }</> }
}

/// An embed.
#[component]
pub fn EmbedFrame(props: &EmbedFrameProps) -> Html {
    let ctx = use_context::<Ctx>();
    let page = &props.page;
    let design = ctx.as_ref().map(|c| c.state.scenario.clone());
    // The link opens what the embed shows: the lesson's step, or the design as it is now (edited or sent by the page).
    let open = use_memo((design.map(|d| Rc::as_ptr(&d) as usize), page.clone()), {
        let design = ctx.as_ref().map(|c| c.state.scenario.clone());
        move |(_, page)| {
            let base = platform::address();
            if page.lesson.is_some() {
                return format!("{base}{}", page.playground_query());
            }
            design
                .and_then(|d| encode_scenario(&d, &View::default()).ok())
                .map_or(base.clone(), |fragment| url(&base, &fragment))
        }
    });
    let Some(ctx) = ctx else { return html! {} };
    let Some(view) = page.embed else {
        return html! {};
    };
    let body = match view {
        EmbedView::Editor => html! {
            <div class="embed-pair">
                <fieldset class="embed-editor" disabled={!page.editable()}><EditorView /></fieldset>
                <div class="embed-result">{ panel(&ctx, page, page.panel.unwrap_or(EmbedView::Verdict)) }</div>
            </div>
        },
        EmbedView::Lesson => html! {
            <div class="layout with-lesson">
                <LessonView />
                <nav class="navigator" aria-label="Design"><NavigatorView /></nav>
                <main class="editor">
                    if ctx.state.selection == Selection::Overview {
                        <p class="hint">{ "Pick a resource in the navigator to edit it; the lesson's exercises follow your changes." }</p>
                    } else {
                        <EditorView />
                    }
                </main>
                <section class="results" aria-label="Results"><ResultsView /></section>
            </div>
        },
        other => html! { <div class="embed-result">{ panel(&ctx, page, other) }</div> },
    };
    html! {
        <div class={classes!("embed", format!("embed-{}", view.name()))} data-testid="embed" data-view={view.name()}>
            <div class="embed-bar">
                <span class="brand-mini"><span class="logo" aria-hidden="true">{ "⬡" }</span>{ " AVNM Playground" }</span>
                if !page.editable() { <span class="badge" data-testid="embed-readonly">{ "read-only" }</span> }
                <a class="button" href={(*open).clone()} target="_blank" rel="noopener" data-testid="open-in-playground">{ "Open in the playground ↗" }</a>
            </div>
            <NoticeView />
            { body }
        </div>
    }
}
