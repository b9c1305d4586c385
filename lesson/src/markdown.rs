//! Markdown of lesson texts, read into a small typed tree that a front end maps to elements.
//!
//! Nothing a lesson says can inject markup: there is no HTML output at all.
//! Raw HTML (blocks and inline tags) becomes literal text, images become their alt text, and a link keeps its
//! target only when it is `http`, `https` or relative; any other target (`javascript:`, `data:`, `mailto:`...)
//! is dropped and the link's text stays as plain text.
//! CommonMark is parsed by `pulldown-cmark` with no extensions (no tables, footnotes or strikethrough).

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// A block of a rendered text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Block {
    /// A heading, `level` 1 to 6.
    Heading {
        /// 1 for `#`, 6 for `######`.
        level: u8,
        /// Its text.
        content: Vec<Inline>,
    },
    /// A paragraph.
    Paragraph {
        /// Its text.
        content: Vec<Inline>,
    },
    /// Text of a tight list item, not wrapped in a paragraph.
    Plain {
        /// Its text.
        content: Vec<Inline>,
    },
    /// A fenced or indented code block, as literal text.
    CodeBlock {
        /// The info string's first word of a fenced block (`json`), if any.
        language: Option<String>,
        /// The code.
        code: String,
    },
    /// A bulleted or numbered list.
    List {
        /// The first number of a numbered list; `None` for a bulleted list.
        start: Option<u64>,
        /// The items, each a sequence of blocks.
        items: Vec<Vec<Block>>,
    },
    /// A block quote.
    Quote {
        /// Its blocks.
        content: Vec<Block>,
    },
    /// A thematic break.
    Rule,
}

/// Inline text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Inline {
    /// Literal text, raw HTML included.
    Text {
        /// The text.
        text: String,
    },
    /// Inline code.
    Code {
        /// The code.
        code: String,
    },
    /// Emphasis (`*a*`).
    Emphasis {
        /// Its text.
        content: Vec<Inline>,
    },
    /// Strong emphasis (`**a**`).
    Strong {
        /// Its text.
        content: Vec<Inline>,
    },
    /// A link with an `http`, `https` or relative target.
    Link {
        /// The target, checked by [`safe_href`].
        href: String,
        /// Its text.
        content: Vec<Inline>,
    },
    /// A hard line break.
    LineBreak,
}

/// A rendered text and the link targets that were dropped from it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rendered {
    /// The blocks.
    pub blocks: Vec<Block>,
    /// Link targets that are neither `http`, `https` nor relative, in order of appearance.
    pub dropped_links: Vec<String>,
}

/// Renders Markdown into blocks.
///
/// ```
/// use avnm_lesson::markdown::{render, Block, Inline};
/// let blocks = render("Hi <b>there</b> [x](javascript:alert(1))").blocks;
/// let text = |t: &str| Inline::Text { text: t.to_owned() };
/// assert_eq!(blocks, [Block::Paragraph { content: vec![
///     text("Hi "), text("<b>"), text("there"), text("</b>"), text(" "), text("x")] }]);
/// ```
pub fn render(markdown: &str) -> Rendered {
    let mut builder = Builder::default();
    for event in Parser::new_ext(markdown, Options::empty()) {
        builder.event(event);
    }
    builder.finish()
}

/// The link target to keep, if it is safe: `http:` or `https:` (any case), or relative (no scheme).
///
/// Targets with whitespace, control characters or backslashes are refused, as browsers strip or rewrite those.
///
/// ```
/// use avnm_lesson::markdown::safe_href;
/// assert_eq!(safe_href("https://learn.microsoft.com/azure"), Some("https://learn.microsoft.com/azure"));
/// assert_eq!(safe_href("../lessons/b.json#step-2"), Some("../lessons/b.json#step-2"));
/// assert_eq!(safe_href("JavaScript:alert(1)"), None);
/// assert_eq!(safe_href("data:text/html,x"), None);
/// ```
pub fn safe_href(target: &str) -> Option<&str> {
    if target.is_empty()
        || target
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    match target.find([':', '/', '?', '#']) {
        Some(i) if target.get(i..)?.starts_with(':') => {
            let scheme = target.get(..i)?;
            (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
                .then_some(target)
        }
        _ => Some(target),
    }
}

/// An open container while the events are read.
#[derive(Debug)]
enum Frame {
    Blocks(Vec<Block>),
    Quote(Vec<Block>),
    List(Option<u64>, Vec<Vec<Block>>),
    Item(Vec<Block>),
    /// Inline text of a tight list item, opened when inline content arrives in a block container.
    Plain(Vec<Inline>),
    Paragraph(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    CodeBlock(Option<String>, String),
    /// Raw HTML block: its text becomes a paragraph of literal text.
    Html(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Link(Option<String>, Vec<Inline>),
    /// An inline container shown as its content only (an image's alt text, an unknown tag).
    Transparent(Vec<Inline>),
}

#[derive(Debug)]
struct Builder {
    stack: Vec<Frame>,
    dropped_links: Vec<String>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            stack: vec![Frame::Blocks(Vec::new())],
            dropped_links: Vec::new(),
        }
    }
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.inline(Inline::Code {
                code: code.into_string(),
            }),
            Event::Html(html) | Event::InlineHtml(html) => self.text(&html),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.inline(Inline::LineBreak),
            Event::Rule => self.block(Block::Rule),
            // Not produced without extensions; kept as literal text if they ever are.
            Event::InlineMath(text) | Event::DisplayMath(text) | Event::FootnoteReference(text) => {
                self.text(&text)
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let frame = match tag {
            Tag::Paragraph => Frame::Paragraph(Vec::new()),
            Tag::Heading { level, .. } => Frame::Heading(level as u8, Vec::new()),
            Tag::BlockQuote(_) => Frame::Quote(Vec::new()),
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(str::to_owned)
                        .filter(|l| !l.is_empty()),
                    CodeBlockKind::Indented => None,
                };
                Frame::CodeBlock(language, String::new())
            }
            Tag::HtmlBlock => Frame::Html(String::new()),
            Tag::List(start) => Frame::List(start, Vec::new()),
            Tag::Item => Frame::Item(Vec::new()),
            Tag::Emphasis => Frame::Emphasis(Vec::new()),
            Tag::Strong => Frame::Strong(Vec::new()),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let href = match link_type {
                    LinkType::Email => None,
                    _ => safe_href(&dest_url).map(str::to_owned),
                };
                if href.is_none() {
                    self.dropped_links.push(dest_url.into_string());
                }
                Frame::Link(href, Vec::new())
            }
            _ => Frame::Transparent(Vec::new()),
        };
        if is_block(&frame) {
            self.close_plain();
        } else if !collects_inlines(self.stack.last()) {
            self.stack.push(Frame::Plain(Vec::new()));
        }
        self.stack.push(frame);
    }

    fn end(&mut self, tag: TagEnd) {
        let block_end = matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::List(_)
                | TagEnd::Item
        );
        if block_end {
            self.close_plain();
        }
        // The root frame is never closed: pulldown-cmark's events are balanced.
        if self.stack.len() < 2 {
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Paragraph(content) => self.block(Block::Paragraph { content }),
            Frame::Heading(level, content) => self.block(Block::Heading { level, content }),
            Frame::Quote(content) => self.block(Block::Quote { content }),
            Frame::CodeBlock(language, code) => self.block(Block::CodeBlock { language, code }),
            Frame::Html(text) => self.block(Block::Paragraph {
                content: vec![Inline::Text {
                    text: text.trim_end().to_owned(),
                }],
            }),
            Frame::List(start, items) => self.block(Block::List { start, items }),
            Frame::Item(blocks) => {
                if let Some(Frame::List(_, items)) = self.stack.last_mut() {
                    items.push(blocks);
                }
            }
            Frame::Emphasis(content) => self.inline(Inline::Emphasis { content }),
            Frame::Strong(content) => self.inline(Inline::Strong { content }),
            Frame::Link(Some(href), content) => self.inline(Inline::Link { href, content }),
            Frame::Link(None, content) | Frame::Transparent(content) => {
                for inline in content {
                    self.inline(inline);
                }
            }
            Frame::Plain(content) => self.block(Block::Plain { content }),
            Frame::Blocks(blocks) => {
                for block in blocks {
                    self.block(block);
                }
            }
        }
    }

    /// Closes the implicit inline frame of a tight list item, if one is open.
    fn close_plain(&mut self) {
        if let Some(Frame::Plain(_)) = self.stack.last()
            && let Some(Frame::Plain(content)) = self.stack.pop()
        {
            self.block(Block::Plain { content });
        }
    }

    fn text(&mut self, text: &str) {
        match self.stack.last_mut() {
            Some(Frame::CodeBlock(_, code)) => code.push_str(text),
            Some(Frame::Html(html)) => html.push_str(text),
            _ => {
                // Adjacent text runs stay separate inlines, which keeps raw HTML visibly literal.
                self.inline(Inline::Text {
                    text: text.to_owned(),
                });
            }
        }
    }

    fn inline(&mut self, inline: Inline) {
        if !collects_inlines(self.stack.last()) {
            self.stack.push(Frame::Plain(Vec::new()));
        }
        match self.stack.last_mut() {
            Some(
                Frame::Plain(c)
                | Frame::Paragraph(c)
                | Frame::Heading(_, c)
                | Frame::Emphasis(c)
                | Frame::Strong(c)
                | Frame::Link(_, c)
                | Frame::Transparent(c),
            ) => c.push(inline),
            Some(Frame::CodeBlock(_, code)) => code.push_str(&plain_text(&[inline])),
            Some(Frame::Html(html)) => html.push_str(&plain_text(&[inline])),
            _ => {}
        }
    }

    fn block(&mut self, block: Block) {
        self.close_plain();
        match self.stack.last_mut() {
            Some(Frame::Blocks(b) | Frame::Quote(b) | Frame::Item(b)) => b.push(block),
            Some(Frame::List(_, items)) => items.push(vec![block]),
            _ => {}
        }
    }

    fn finish(mut self) -> Rendered {
        while self.stack.len() > 1 {
            self.end(TagEnd::Paragraph);
        }
        let blocks = match self.stack.pop() {
            Some(Frame::Blocks(blocks)) => blocks,
            _ => Vec::new(),
        };
        Rendered {
            blocks,
            dropped_links: self.dropped_links,
        }
    }
}

fn is_block(frame: &Frame) -> bool {
    matches!(
        frame,
        Frame::Blocks(_)
            | Frame::Quote(_)
            | Frame::List(..)
            | Frame::Item(_)
            | Frame::Paragraph(_)
            | Frame::Heading(..)
            | Frame::CodeBlock(..)
            | Frame::Html(_)
    )
}

fn collects_inlines(frame: Option<&Frame>) -> bool {
    matches!(
        frame,
        Some(
            Frame::Plain(_)
                | Frame::Paragraph(_)
                | Frame::Heading(..)
                | Frame::CodeBlock(..)
                | Frame::Html(_)
                | Frame::Emphasis(_)
                | Frame::Strong(_)
                | Frame::Link(..)
                | Frame::Transparent(_)
        )
    )
}

/// The text of inlines without their formatting.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(text),
            Inline::Code { code } => out.push_str(code),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Link { content, .. } => out.push_str(&plain_text(content)),
            Inline::LineBreak => out.push('\n'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Inline {
        Inline::Text { text: t.to_owned() }
    }

    #[track_caller]
    fn check(markdown: &str, expected: &[Block]) {
        assert_eq!(render(markdown).blocks, expected, "{markdown}");
    }

    #[test]
    fn headings_paragraphs_emphasis_code_and_links() {
        check(
            "## Admin rules\n\nAn *Allow* is **not** `AlwaysAllow`: see [the docs](https://learn.microsoft.com/a).",
            &[
                Block::Heading {
                    level: 2,
                    content: vec![text("Admin rules")],
                },
                Block::Paragraph {
                    content: vec![
                        text("An "),
                        Inline::Emphasis {
                            content: vec![text("Allow")],
                        },
                        text(" is "),
                        Inline::Strong {
                            content: vec![text("not")],
                        },
                        text(" "),
                        Inline::Code {
                            code: "AlwaysAllow".into(),
                        },
                        text(": see "),
                        Inline::Link {
                            href: "https://learn.microsoft.com/a".into(),
                            content: vec![text("the docs")],
                        },
                        text("."),
                    ],
                },
            ],
        );
    }

    #[test]
    fn lists_tight_and_loose_and_code_blocks() {
        check(
            "1. first\n2. second *one*\n\n- a\n\n- b\n\n```json\n{\"a\": 1}\n```\n",
            &[
                Block::List {
                    start: Some(1),
                    items: vec![
                        vec![Block::Plain {
                            content: vec![text("first")],
                        }],
                        vec![Block::Plain {
                            content: vec![
                                text("second "),
                                Inline::Emphasis {
                                    content: vec![text("one")],
                                },
                            ],
                        }],
                    ],
                },
                Block::List {
                    start: None,
                    items: vec![
                        vec![Block::Paragraph {
                            content: vec![text("a")],
                        }],
                        vec![Block::Paragraph {
                            content: vec![text("b")],
                        }],
                    ],
                },
                Block::CodeBlock {
                    language: Some("json".into()),
                    code: "{\"a\": 1}\n".into(),
                },
            ],
        );
    }

    #[test]
    fn nested_lists_and_quotes() {
        check(
            "> - a\n>   - b\n",
            &[Block::Quote {
                content: vec![Block::List {
                    start: None,
                    items: vec![vec![
                        Block::Plain {
                            content: vec![text("a")],
                        },
                        Block::List {
                            start: None,
                            items: vec![vec![Block::Plain {
                                content: vec![text("b")],
                            }]],
                        },
                    ]],
                }],
            }],
        );
    }

    #[test]
    fn raw_html_is_literal_text() {
        check(
            "<script>alert(1)</script>\n",
            &[Block::Paragraph {
                content: vec![text("<script>alert(1)</script>")],
            }],
        );
        check(
            "see <img src=x onerror=alert(1)> here",
            &[Block::Paragraph {
                content: vec![
                    text("see "),
                    text("<img src=x onerror=alert(1)>"),
                    text(" here"),
                ],
            }],
        );
    }

    #[test]
    fn unsafe_link_targets_are_dropped_and_their_text_kept() {
        for target in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "&#106;avascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:x",
            "mailto:a@b.c",
            "java%09script:x",
        ] {
            let rendered = render(&format!("[click](<{target}>)"));
            assert_eq!(
                rendered.blocks,
                [Block::Paragraph {
                    content: vec![text("click")]
                }],
                "{target}"
            );
            assert_eq!(rendered.dropped_links.len(), 1, "{target}");
        }
        let rendered = render("<a@b.c> and <https://example.com/x>");
        assert_eq!(rendered.dropped_links, ["a@b.c"]);
        assert!(matches!(
            rendered.blocks.first(),
            Some(Block::Paragraph { content }) if content.iter().any(|i| matches!(i, Inline::Link { href, .. } if href == "https://example.com/x"))
        ));
    }

    #[test]
    fn images_become_their_alt_text() {
        check(
            "![a diagram](https://example.com/x.png \"t\")",
            &[Block::Paragraph {
                content: vec![text("a diagram")],
            }],
        );
    }

    #[test]
    fn hrefs() {
        assert_eq!(safe_href("http://x"), Some("http://x"));
        assert_eq!(safe_href("HTTPS://x"), Some("HTTPS://x"));
        assert_eq!(safe_href("#step-2"), Some("#step-2"));
        assert_eq!(
            safe_href("/a:b"),
            Some("/a:b"),
            "a colon after a slash is in the path"
        );
        assert_eq!(safe_href("a?b=c:d"), Some("a?b=c:d"));
        assert_eq!(safe_href(" javascript:x"), None);
        assert_eq!(safe_href("java\tscript:x"), None);
        assert_eq!(safe_href("/\\evil.example"), None);
        assert_eq!(safe_href("ftp://x"), None);
        assert_eq!(safe_href(""), None);
    }
}
