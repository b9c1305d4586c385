//! # avnm-link
//!
//! Share links of AVNM Playground: a whole design, and the view it opens on, carried in a URL fragment.
//! The fragment never reaches a server (RFC 3986 §3.5: the fragment is not sent with a request), so a design
//! shared this way stays between the people who have the link.
//!
//! A fragment is `v1.` followed by the payload:
//! 1. the payload is the compact JSON text `{"view":<view>,"design":<document>}`: the [`View`], then the
//!    scenario document with its insignificant whitespace removed (its keys, numbers and strings keep their
//!    exact text);
//! 2. compressed with raw deflate (RFC 1951, no zlib or gzip header: what the browser's
//!    `CompressionStream("deflate-raw")` also reads and writes), by `miniz_oxide`;
//! 3. written in base64url without padding (RFC 4648 §5), which needs no escaping in a URL.
//!
//! The `v1.` prefix is the format's version: a later format gets a new prefix, and this version reads every
//! `v1.` link and says plainly that a `v2.` link comes from a newer version.
//! Decoding checks that the payload is a design with [`avnm_core::Scenario::parse`], and stops inflating at
//! [`MAX_DESIGN_BYTES`] so that a small link cannot make the page allocate without bound.
//!
//! ```
//! use avnm_link::{Panel, View, decode, encode};
//! let document = r#"{ "resources": [], "intents": [] }"#;
//! let view = View { panel: Some(Panel::Topology), ..View::default() };
//! let fragment = encode(document, &view).unwrap();
//! assert!(fragment.starts_with("v1."));
//! let opened = decode(&format!("https://example.org/playground/#{fragment}")).unwrap();
//! assert_eq!(opened.document, r#"{"resources":[],"intents":[]}"#);
//! assert_eq!(opened.view, view);
//! ```

mod view;

use std::fmt;

use avnm_core::{FormatError, Scenario};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use miniz_oxide::inflate::TINFLStatus;
use serde::Deserialize;
use serde_json::value::RawValue;
use thiserror::Error;

pub use view::{Item, Mode, Panel, Query, View};

/// The version of the format this crate writes, as it starts a fragment.
pub const PREFIX: &str = "v1.";

/// The version number this crate writes and reads.
pub const VERSION: u32 = 1;

/// The largest design a link may hold once inflated: 64 MiB of JSON text.
///
/// The largest generated design the project measures (10,000 VNets, `avnm_gen::Params::t2`)
/// is far below it, and a link longer than [`FIREFOX_MAX_URL`] cannot be opened anyway, so the limit only
/// stops a crafted link (a "decompression bomb": deflate packs up to about 1,032 bytes into one) from making
/// the page allocate without bound.
pub const MAX_DESIGN_BYTES: usize = 64 * 1024 * 1024;

/// Beyond this many characters a link may be cut or refused on its way to the reader.
///
/// RFC 9110 §4.1 recommends that senders and recipients support URIs of at least 8,000 octets; beyond that
/// nothing is promised, and chat tools, mail clients and link previews are known to cut or refuse longer
/// links. The playground warns past it and suggests a file.
pub const LONG_LINK: usize = 8_000;

/// The longest URL Chromium keeps: `url::kMaxURLChars` = 2 × 1024 × 1024 characters (`url/url_constants.h`;
/// Chromium's `docs/security/url_display_guidelines/url_display_guidelines.md`: "Chrome limits URLs to a
/// maximum length of 2MB"). A longer URL is replaced by an empty one when it crosses processes.
pub const CHROMIUM_MAX_URL: usize = 2 * 1024 * 1024;

/// The longest URL Firefox accepts by default: its `network.standard-url.max-length` preference,
/// 1,048,576 characters (`modules/libpref/init/StaticPrefList.yaml`).
pub const FIREFOX_MAX_URL: usize = 1024 * 1024;

/// The longest link that opens in every common browser: the smaller of [`CHROMIUM_MAX_URL`] and
/// [`FIREFOX_MAX_URL`]. Past it, the playground offers a file instead.
pub const BROWSER_MAX_URL: usize = if FIREFOX_MAX_URL < CHROMIUM_MAX_URL {
    FIREFOX_MAX_URL
} else {
    CHROMIUM_MAX_URL
};

/// base64url without padding; decoding accepts the stray bits of a last character (a link cut anywhere then
/// reads as a cut deflate stream, reported as [`LinkError::Truncated`]).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Deflate level: 9 is zlib's "best compression"; links are written once and read many times.
const LEVEL: u8 = 9;

/// Why a link could not be written or opened. Every message is one line that a user can act on.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum LinkError {
    /// The text holds no `#v<N>.` fragment.
    #[error("this is not an AVNM Playground link: it has no `#v1.` part")]
    NotALink,
    /// The deflate stream ends before its last block: the link was cut.
    #[error(
        "the link is cut short: its data ends early (chat tools and mail may cut long links; copy the whole link)"
    )]
    Truncated,
    /// The characters are not base64url, the deflate data is invalid, or the text is not UTF-8 or not JSON.
    #[error("the link is damaged: {0}")]
    Corrupt(String),
    /// A later format.
    #[error(
        "this link was made by a newer version of AVNM Playground (link format `v{version}`, this version reads `v1`)"
    )]
    Newer {
        /// The version in the link's prefix.
        version: u32,
    },
    /// The data is sound but is not a scenario document.
    #[error("the link does not hold a design: {0}")]
    NotADesign(String),
    /// The design is larger than [`MAX_DESIGN_BYTES`] once inflated.
    #[error(
        "the link's design is larger than {} MiB once unpacked, more than the playground opens",
        .limit / (1024 * 1024)
    )]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl From<FormatError> for LinkError {
    fn from(error: FormatError) -> Self {
        LinkError::NotADesign(error.to_string())
    }
}

/// A design and its view, read from a link.
#[derive(Debug)]
pub struct Decoded {
    /// The scenario document as it was encoded, without insignificant whitespace.
    pub document: String,
    /// The scenario read from it (decoding parses it to check that it is a design).
    pub scenario: Scenario,
    /// The view to open on.
    pub view: View,
}

/// Writes the fragment (without `#`) that carries a design and its view.
///
/// The document must be a design ([`Scenario::parse`] reads it); it may be formatted in any way.
///
/// ```
/// let error = avnm_link::encode(r#"{"resources": 5}"#, &Default::default()).unwrap_err();
/// assert_eq!(error.to_string(), "the link does not hold a design: `resources`: expected an array, found a number");
/// ```
pub fn encode(document: &str, view: &View) -> Result<String, LinkError> {
    Scenario::parse(document)?;
    pack(&minify(document), view)
}

/// Writes the fragment for a design that is already read, without reading it again: what the playground
/// calls for the design it shows. The document is written as [`Scenario::to_json`] writes it.
///
/// ```
/// use avnm_core::Scenario;
/// use avnm_link::{View, decode, encode_scenario};
/// let scenario = Scenario::parse(r#"{"resources": [], "x-note": "kept"}"#).unwrap();
/// let fragment = encode_scenario(&scenario, &View::default()).unwrap();
/// assert_eq!(decode(&fragment).unwrap().document, r#"{"resources":[],"x-note":"kept"}"#);
/// ```
pub fn encode_scenario(scenario: &Scenario, view: &View) -> Result<String, LinkError> {
    pack(&minify(&scenario.to_json()), view)
}

/// Deflates and encodes the payload of a compact design and its view.
fn pack(design: &str, view: &View) -> Result<String, LinkError> {
    let view = serde_json::to_string(view).unwrap_or_else(|_| "{}".to_owned());
    let payload = format!(r#"{{"view":{view},"design":{design}}}"#);
    // What decoding would refuse is not written.
    if payload.len() > MAX_DESIGN_BYTES {
        return Err(LinkError::TooLarge {
            limit: MAX_DESIGN_BYTES,
        });
    }
    let packed = miniz_oxide::deflate::compress_to_vec(payload.as_bytes(), LEVEL);
    let mut fragment = String::with_capacity(PREFIX.len() + packed.len() * 4 / 3 + 4);
    fragment.push_str(PREFIX);
    BASE64.encode_string(&packed, &mut fragment);
    Ok(fragment)
}

/// Joins a page address and a fragment into a link: `https://host/path#v1.…`.
///
/// A fragment already in `base` is replaced.
///
/// ```
/// assert_eq!(avnm_link::url("https://example.org/#old", "v1.abc"), "https://example.org/#v1.abc");
/// ```
pub fn url(base: &str, fragment: &str) -> String {
    let page = base.split_once('#').map_or(base, |(page, _)| page);
    format!("{page}#{fragment}")
}

/// How a link of a given length will travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// At most [`LONG_LINK`] characters.
    Fine,
    /// Longer than [`LONG_LINK`]: chat tools and mail may cut it.
    Long,
    /// Longer than [`BROWSER_MAX_URL`]: some browsers will not open it; share a file instead.
    TooLong,
}

impl Fit {
    /// The fit of a link of `length` characters (the whole URL, fragment included).
    ///
    /// ```
    /// use avnm_link::Fit;
    /// assert_eq!(Fit::of(8_000), Fit::Fine);
    /// assert_eq!(Fit::of(8_001), Fit::Long);
    /// assert_eq!(Fit::of(1_048_577), Fit::TooLong);
    /// ```
    pub fn of(length: usize) -> Fit {
        if length > BROWSER_MAX_URL {
            Fit::TooLong
        } else if length > LONG_LINK {
            Fit::Long
        } else {
            Fit::Fine
        }
    }

    /// A warning for the user, or `None` when the link is fine.
    pub fn warning(self) -> Option<String> {
        match self {
            Fit::Fine => None,
            Fit::Long => Some(format!(
                "the link is longer than {LONG_LINK} characters: chat tools and mail may cut it"
            )),
            Fit::TooLong => Some(format!(
                "the link is longer than {BROWSER_MAX_URL} characters, more than some browsers open: share the design as a file"
            )),
        }
    }
}

impl fmt::Display for Fit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fit::Fine => "fine",
            Fit::Long => "long",
            Fit::TooLong => "too long",
        })
    }
}

/// Reads a link: a whole URL, or its fragment with or without `#`.
///
/// Whitespace anywhere is ignored (a link wrapped over lines by a mail client still opens).
pub fn decode(link: &str) -> Result<Decoded, LinkError> {
    decode_with_limit(link, MAX_DESIGN_BYTES)
}

/// [`decode`] with another limit on the inflated size, for tests.
fn decode_with_limit(link: &str, limit: usize) -> Result<Decoded, LinkError> {
    let fragment = link.split_once('#').map_or(link, |(_, fragment)| fragment);
    let fragment: String = fragment.chars().filter(|c| !c.is_whitespace()).collect();
    let Some((version, data)) = split_version(&fragment) else {
        return Err(LinkError::NotALink);
    };
    if version > VERSION {
        return Err(LinkError::Newer { version });
    }
    if version < VERSION {
        return Err(LinkError::NotALink);
    }
    // A base64 text whose length leaves one character over carries no whole byte in that character: it can
    // only come from a cut link, so it is read as the cut deflate stream that it is.
    let data = if data.len() % 4 == 1 {
        data.get(..data.len() - 1).unwrap_or_default()
    } else {
        data
    };
    let packed = BASE64.decode(data).map_err(|e| match e {
        base64::DecodeError::InvalidByte(at, byte) => LinkError::Corrupt(format!(
            "`{}` at character {} is not a link character",
            char::from(byte).escape_default(),
            at + PREFIX.len() + 1
        )),
        other => LinkError::Corrupt(other.to_string().to_lowercase()),
    })?;
    let payload =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, limit).map_err(|e| match e
            .status
        {
            TINFLStatus::HasMoreOutput => LinkError::TooLarge { limit },
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                LinkError::Truncated
            }
            _ => LinkError::Corrupt("its compressed data is not valid".to_owned()),
        })?;
    let payload = String::from_utf8(payload)
        .map_err(|_| LinkError::Corrupt("its data is not UTF-8 text".to_owned()))?;
    let envelope: Envelope<'_> = serde_json::from_str(&payload)
        .map_err(|e| LinkError::Corrupt(format!("its data is not JSON ({e})")))?;
    let Some(design) = envelope.design else {
        return Err(LinkError::NotADesign("it has no `design`".to_owned()));
    };
    // A link written by hand may hold whitespace in its design: removed, so that the document is what `encode`
    // would write (and writing the link again gives the same one).
    let document = minify(design.get());
    let scenario = Scenario::parse(&document)?;
    let view = envelope
        .view
        .and_then(|v| serde_json::from_str(v.get()).ok())
        .unwrap_or_default();
    Ok(Decoded {
        document,
        scenario,
        view,
    })
}

/// The payload of a `v1.` link.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    view: Option<&'a RawValue>,
    #[serde(borrow, default)]
    design: Option<&'a RawValue>,
}

/// `v<N>.<data>` as `(N, data)`.
fn split_version(fragment: &str) -> Option<(u32, &str)> {
    let rest = fragment.strip_prefix('v')?;
    let (number, data) = rest.split_once('.')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((number.parse().unwrap_or(u32::MAX), data))
}

/// JSON text without insignificant whitespace (RFC 8259 §2: space, tab, line feed and carriage return between
/// tokens).
///
/// Only whitespace outside strings is removed, so every key, string and number keeps its exact text; a round
/// trip through `serde_json::Value` would sort keys and could rewrite a number's last digit.
/// The text must be valid JSON (checked before by the caller).
fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
