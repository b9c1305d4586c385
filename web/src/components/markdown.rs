//! Lesson texts: the typed tree of `avnm_lesson::markdown` mapped to elements, one by one.
//!
//! No HTML from a lesson ever reaches the page as markup: every text is a text node, and links carry only the
//! targets the lesson crate kept (`http`, `https` or relative), opened in a new tab.

use avnm_lesson::markdown::{Block, Inline, render};
use yew::prelude::*;

/// Renders a Markdown text.
pub fn markdown(text: &str) -> Html {
    let rendered = render(text);
    html! { <>{ for rendered.blocks.iter().map(block) }</> }
}

fn block(block: &Block) -> Html {
    match block {
        Block::Heading { level, content } => {
            // Lesson headings sit under the step's own heading.
            let inner = inlines(content);
            match level {
                1 | 2 => html! { <h4>{ inner }</h4> },
                3 => html! { <h5>{ inner }</h5> },
                _ => html! { <h6>{ inner }</h6> },
            }
        }
        Block::Paragraph { content } => html! { <p>{ inlines(content) }</p> },
        Block::Plain { content } => inlines(content),
        Block::CodeBlock { code, .. } => html! { <pre><code>{ code.clone() }</code></pre> },
        Block::List { start: None, items } => html! {
            <ul>{ for items.iter().map(|item| html! { <li>{ for item.iter().map(self::block) }</li> }) }</ul>
        },
        Block::List {
            start: Some(start),
            items,
        } => html! {
            <ol start={start.to_string()}>{ for items.iter().map(|item| html! { <li>{ for item.iter().map(self::block) }</li> }) }</ol>
        },
        Block::Quote { content } => {
            html! { <blockquote>{ for content.iter().map(self::block) }</blockquote> }
        }
        Block::Rule => html! { <hr /> },
    }
}

fn inlines(content: &[Inline]) -> Html {
    html! { <>{ for content.iter().map(inline) }</> }
}

fn inline(inline: &Inline) -> Html {
    match inline {
        Inline::Text { text } => html! { { text.clone() } },
        Inline::Code { code } => html! { <code>{ code.clone() }</code> },
        Inline::Emphasis { content } => html! { <em>{ inlines(content) }</em> },
        Inline::Strong { content } => html! { <strong>{ inlines(content) }</strong> },
        Inline::Link { href, content } => html! {
            <a href={href.clone()} target="_blank" rel="noopener noreferrer">{ inlines(content) }</a>
        },
        Inline::LineBreak => html! { <br /> },
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use yew::LocalServerRenderer;
    use yew::prelude::*;

    #[derive(Properties, PartialEq)]
    struct HostProps {
        text: AttrValue,
    }

    #[component]
    fn Host(props: &HostProps) -> Html {
        super::markdown(&props.text)
    }

    fn render(text: &str) -> String {
        futures::executor::block_on(
            LocalServerRenderer::<Host>::with_props(HostProps {
                text: AttrValue::from(text.to_owned()),
            })
            .render(),
        )
    }

    #[test]
    fn markup_in_a_lesson_stays_text() {
        let html = render(
            "Hi <script>alert(1)</script> **bold** [x](javascript:alert(1)) [ok](https://learn.microsoft.com)",
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains(r#"href="https://learn.microsoft.com""#),
            "{html}"
        );
    }

    #[test]
    fn lists_and_code_become_elements() {
        let html = render("1. one `code`\n2. two\n\n```\n{\"a\": 1}\n```");
        assert!(
            html.contains("<ol start=\"1\"><li>one <code>code</code></li><li>two</li></ol>"),
            "{html}"
        );
        assert!(html.contains("<pre><code>"), "{html}");
    }
}
