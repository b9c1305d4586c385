//! The Share dialog: the link that carries the design and the view on screen, its length, a copy button, and a
//! file instead when the link is too long to travel.

use std::rc::Rc;

use avnm_core::Scenario;
use avnm_link::{Fit, View};
use yew::prelude::*;

use crate::app::Ctx;
use crate::{platform, share};

/// Properties of [`ShareView`].
#[derive(Properties, PartialEq)]
pub struct ShareViewProps {
    /// Closes the dialog.
    pub on_close: Callback<()>,
}

/// What a link is made of: the design (by identity) and the view.
struct Source(Rc<Scenario>, View);

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) && self.1 == other.1
    }
}

/// `12345` as `12,345`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Share dialog.
#[component]
pub fn ShareView(props: &ShareViewProps) -> Html {
    let ctx = use_context::<Ctx>();
    let copied = use_state(|| None::<bool>);
    let embed_view = use_state(|| "topology".to_owned());
    let embed_copied = use_state(|| None::<bool>);
    let source = ctx
        .as_ref()
        .map(|c| Source(c.state.scenario.clone(), share::view_of(&c.state)));
    let link = use_memo(source, |source| {
        source.as_ref().map(|Source(scenario, view)| {
            avnm_link::encode_scenario(scenario, view)
                .map(|fragment| (avnm_link::url(&platform::page_url(), &fragment), fragment))
                .map_err(|e| e.to_string())
        })
    });
    let Some(ctx) = ctx else { return html! {} };
    let close = props.on_close.reform(|_: MouseEvent| ());
    let on_key = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let download = {
        let scenario = ctx.state.scenario.clone();
        Callback::from(move |_: MouseEvent| platform::download("design.json", &scenario.to_json()))
    };
    let body = match link.as_ref() {
        None => html! {},
        Some(Err(e)) => {
            html! { <p class="error" role="alert" data-testid="share-error">{ format!("no link can be made: {e}") }</p> }
        }
        Some(Ok((url, fragment))) => {
            let fit = Fit::of(url.len());
            let code = share::embed_code(
                &platform::page_url(),
                fragment,
                &embed_view,
                &ctx.state.query,
            );
            let copy_code = {
                let (code, copied) = (code.clone(), embed_copied.clone());
                Callback::from(move |_: MouseEvent| {
                    let copied = copied.clone();
                    platform::copy(&code, Callback::from(move |ok| copied.set(Some(ok))));
                })
            };
            let pick_view = {
                let (view, copied) = (embed_view.clone(), embed_copied.clone());
                Callback::from(move |e: Event| {
                    view.set(platform::value(&e));
                    copied.set(None);
                })
            };
            let copy = {
                let url = url.clone();
                let copied = copied.clone();
                Callback::from(move |_: MouseEvent| {
                    let copied = copied.clone();
                    platform::copy(&url, Callback::from(move |ok| copied.set(Some(ok))));
                })
            };
            html! {
                <>
                    <div class="share-link">
                        <input readonly=true value={url.clone()} aria-label="Share link" data-testid="share-link"
                            onclick={Callback::from(|e: MouseEvent| platform::select_all(&e))} spellcheck="false" />
                        <button class="primary" onclick={copy} data-testid="share-copy">{ "Copy" }</button>
                    </div>
                    <p class="hint">
                        <span data-testid="share-length">{ format!("{} characters", grouped(url.len())) }</span>
                        { match *copied {
                            Some(true) => html! { <span class="copied" role="status">{ " · copied to the clipboard" }</span> },
                            Some(false) => html! { <span class="error" role="status">{ " · the browser did not allow copying: select the link and copy it" }</span> },
                            None => html! {},
                        } }
                    </p>
                    if let Some(warning) = fit.warning() {
                        <p class="warning" role="alert" data-testid="share-warning">{ warning }</p>
                    }
                    if fit == Fit::TooLong {
                        <button class="primary" onclick={download} data-testid="share-download">{ "Download the file instead" }</button>
                    } else if fit == Fit::Long {
                        <button onclick={download} data-testid="share-download">{ "Download the file instead" }</button>
                    }
                    <h3>{ "Embed in a course page" }</h3>
                    <p class="hint">{ "An iframe that shows one view of this design, read-only, with a link to open it here (docs/embedding.md)." }</p>
                    <label class="field">
                        <span class="label">{ "View" }</span>
                        <select onchange={pick_view} data-testid="share-embed-view">
                            { for share::EMBEDS.iter().map(|(value, title, _)| html! {
                                <option value={*value} selected={*value == embed_view.as_str()}>{ *title }</option>
                            }) }
                        </select>
                    </label>
                    <textarea readonly=true value={code} rows="4" aria-label="Embed code" data-testid="share-embed-code" spellcheck="false" />
                    <p class="hint">
                        <button onclick={copy_code} data-testid="share-embed-copy">{ "Copy the embed code" }</button>
                        { match *embed_copied {
                            Some(true) => html! { <span class="copied" role="status">{ " copied to the clipboard" }</span> },
                            Some(false) => html! { <span class="error" role="status">{ " the browser did not allow copying: select the code and copy it" }</span> },
                            None => html! {},
                        } }
                    </p>
                </>
            }
        }
    };
    html! {
        <div class="dialog-backdrop" onclick={close.clone()}>
            <div class="dialog share-dialog" role="dialog" aria-modal="true" aria-labelledby="share-title"
                data-testid="share-dialog" onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} onkeydown={on_key}>
                <h2 id="share-title">{ "Share this design" }</h2>
                <p class="lead">
                    { "The link holds the whole design and what you are looking at: the selected item, the result panel and the verdict's flow. " }
                    { "It travels in the part of the address after #, which browsers never send to a server." }
                </p>
                { body }
                <div class="dialog-actions">
                    <button onclick={close} data-testid="share-close">{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn lengths_are_grouped_by_thousands() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(8_000), "8,000");
        assert_eq!(grouped(1_048_577), "1,048,577");
    }
}
