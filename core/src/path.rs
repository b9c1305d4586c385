//! Locations in a scenario document: [`Path`], written as `resources[3].properties.priority`.
//!
//! One type names a place in the document everywhere: a format error, a diagnostic, an edit, a model item's
//! origin.
//! A path is checked once, when it is made, and kept in its canonical written form, so that showing it costs
//! nothing and walking it needs no error handling.
//! Keys that hold `.`, `[`, `]`, `'`, `\` or whitespace (tag names such as `cost center` or `a.b`) are written
//! quoted: `tags['cost center']`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A location in a JSON document: keys and array indexes from the root.
///
/// ```
/// use avnm_core::path::Path;
/// let rule = Path::root().key("resources").index(3).key("properties").key("priority");
/// assert_eq!(rule.to_string(), "resources[3].properties.priority");
/// assert_eq!("resources[3].properties.priority".parse::<Path>().unwrap(), rule);
/// let tag = Path::root().key("tags").key("cost center");
/// assert_eq!(tag.to_string(), "tags['cost center']");
/// assert!(rule.starts_with(&Path::root().key("resources").index(3)));
/// assert!(!Path::root().key("resources").index(30).starts_with(&Path::root().key("resources").index(3)));
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct Path {
    /// INVARIANT: the canonical written form of a valid path (see [`Path::parse`]).
    text: String,
}

/// One step of a [`Path`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A member of an object.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// Why a text is not a path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a JSON path like `resources[3].properties.priority`")]
pub struct PathError {
    /// The text.
    pub text: String,
}

/// Whether a key can be written without quotes.
fn bare(key: &str) -> bool {
    !key.is_empty()
        && key.chars().all(|c| {
            !matches!(c, '.' | '[' | ']' | '\'' | '\\') && !c.is_whitespace() && !c.is_control()
        })
}

impl Path {
    /// The whole document.
    pub fn root() -> Self {
        Path::default()
    }

    /// Reads a written path: keys separated by `.`, indexes as `[3]`, keys in quotes as `['a.b']` (with `\'`
    /// and `\\` inside the quotes).
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let segments = parse_segments(text).ok_or_else(|| PathError {
            text: text.to_owned(),
        })?;
        Ok(segments.into_iter().fold(Path::root(), |p, s| p.join(&s)))
    }

    /// The path of a member of the object here.
    pub fn key(&self, key: &str) -> Self {
        let mut path = self.with_room(key.len() + 1);
        path.push_key(key);
        path
    }

    /// The path of an element of the array here.
    pub fn index(&self, index: usize) -> Self {
        let mut path = self.with_room(8);
        path.push_index(index);
        path
    }

    /// A copy of this path with room for `more` bytes (one allocation for the copy and the step after it).
    pub(crate) fn with_room(&self, more: usize) -> Self {
        let mut text = String::with_capacity(self.text.len() + more);
        text.push_str(&self.text);
        Path { text }
    }

    /// How many bytes [`Path::push_key`] writes for `key` (one more than it writes on an empty path).
    pub(crate) fn key_len(key: &str) -> usize {
        if bare(key) {
            1 + key.len()
        } else {
            4 + key.len() + key.matches(['\'', '\\']).count()
        }
    }

    /// How many bytes [`Path::push_index`] writes for `index`.
    pub(crate) fn index_len(index: usize) -> usize {
        2 + index.checked_ilog10().map_or(1, |log| log as usize + 1)
    }

    /// Goes one member further, in place.
    pub(crate) fn push_key(&mut self, key: &str) {
        let text = &mut self.text;
        if bare(key) {
            if !text.is_empty() {
                text.push('.');
            }
            text.push_str(key);
        } else {
            text.push_str("['");
            for c in key.chars() {
                if matches!(c, '\'' | '\\') {
                    text.push('\\');
                }
                text.push(c);
            }
            text.push_str("']");
        }
    }

    /// Goes one element further, in place.
    pub(crate) fn push_index(&mut self, index: usize) {
        use std::fmt::Write as _;
        // Writing to a `String` cannot fail.
        let _ = write!(self.text, "[{index}]");
    }

    /// The path one segment further.
    pub fn join(&self, segment: &Segment) -> Self {
        match segment {
            Segment::Key(k) => self.key(k),
            Segment::Index(i) => self.index(*i),
        }
    }

    /// The steps from the root.
    pub fn segments(&self) -> Vec<Segment> {
        // INVARIANT: `text` is valid, so parsing cannot fail.
        parse_segments(&self.text).unwrap_or_default()
    }

    /// The path without its last step, and that step; `None` at the root.
    pub fn split_last(&self) -> Option<(Path, Segment)> {
        let mut segments = self.segments();
        let last = segments.pop()?;
        let parent = segments.iter().fold(Path::root(), |p, s| p.join(s));
        Some((parent, last))
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether this path is `base` or lies inside it.
    pub fn starts_with(&self, base: &Path) -> bool {
        self.text.strip_prefix(&base.text).is_some_and(|rest| {
            rest.is_empty() || base.text.is_empty() || rest.starts_with(['.', '['])
        })
    }

    /// The index of the resource this path is in (`3` for `resources[3].properties`), `None` outside `resources`.
    pub fn resource_index(&self) -> Option<usize> {
        let rest = self.text.strip_prefix("resources[")?;
        let (index, _) = rest.split_once(']')?;
        index.parse().ok()
    }

    /// The written form.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value at this path in a document.
    pub fn find<'v>(&self, root: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        let mut at = root;
        for segment in self.segments() {
            at = match segment {
                Segment::Key(k) => at.as_object()?.get(&k)?,
                Segment::Index(i) => at.as_array()?.get(i)?,
            };
        }
        Some(at)
    }
}

fn parse_segments(text: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut first = true;
    while let Some(&c) = chars.peek() {
        match c {
            '[' => {
                chars.next();
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    let mut key = String::new();
                    loop {
                        match chars.next()? {
                            '\\' => key.push(chars.next()?),
                            '\'' => break,
                            other => key.push(other),
                        }
                    }
                    if chars.next()? != ']' {
                        return None;
                    }
                    out.push(Segment::Key(key));
                } else {
                    let mut digits = String::new();
                    loop {
                        match chars.next()? {
                            ']' => break,
                            d if d.is_ascii_digit() => digits.push(d),
                            _ => return None,
                        }
                    }
                    out.push(Segment::Index(digits.parse().ok()?));
                }
            }
            '.' if !first => {
                chars.next();
                let key = bare_key(&mut chars);
                if !bare(&key) {
                    return None;
                }
                out.push(Segment::Key(key));
            }
            _ if first => {
                let key = bare_key(&mut chars);
                if !bare(&key) {
                    return None;
                }
                out.push(Segment::Key(key));
            }
            _ => return None,
        }
        first = false;
    }
    Some(out)
}

fn bare_key(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut key = String::new();
    while let Some(&c) = chars.peek() {
        if matches!(c, '.' | '[') {
            break;
        }
        key.push(c);
        chars.next();
    }
    key
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({:?})", self.text)
    }
}

impl std::str::FromStr for Path {
    type Err = PathError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Path::parse(s)
    }
}

impl From<&str> for Path {
    /// Reads a written path; a text that is not one becomes a path of one key holding the whole text, so that
    /// nothing is lost (a diagnostic about an odd key still says where).
    fn from(s: &str) -> Self {
        Path::parse(s).unwrap_or_else(|_| Path::root().key(s))
    }
}

impl From<String> for Path {
    fn from(s: String) -> Self {
        Path::from(s.as_str())
    }
}

impl From<&Path> for Path {
    fn from(p: &Path) -> Self {
        p.clone()
    }
}

impl From<Path> for String {
    fn from(p: Path) -> Self {
        p.text
    }
}

impl PartialEq<str> for Path {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<String> for Path {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

impl PartialEq<&str> for Path {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_room_a_step_takes_is_what_it_writes() {
        for key in [
            "a",
            "",
            "a.b",
            "it's",
            "back\\slash",
            "é",
            "with space",
            "x['y']",
        ] {
            let mut path = Path::root().key("resources");
            let before = path.text.len();
            path.push_key(key);
            assert_eq!(Path::key_len(key), path.text.len() - before, "{key:?}");
        }
        for index in [0, 9, 10, 99, 100, 12_345, usize::MAX] {
            let mut path = Path::root().key("resources");
            let before = path.text.len();
            path.push_index(index);
            assert_eq!(Path::index_len(index), path.text.len() - before, "{index}");
        }
    }

    #[track_caller]
    fn check(text: &str, segments: &[Segment]) {
        let path = Path::parse(text).unwrap();
        assert_eq!(path.segments(), segments);
        assert_eq!(path.to_string(), text, "written back as read");
    }

    #[test]
    fn paths_read_and_write_back() {
        use Segment::{Index, Key};
        check("", &[]);
        check("resources", &[Key("resources".into())]);
        check(
            "resources[3].properties.priority",
            &[
                Key("resources".into()),
                Index(3),
                Key("properties".into()),
                Key("priority".into()),
            ],
        );
        check("[0][1]", &[Index(0), Index(1)]);
        check(
            "tags['a.b']['it\\'s']",
            &[Key("tags".into()), Key("a.b".into()), Key("it's".into())],
        );
        check("$schema", &[Key("$schema".into())]);
    }

    #[test]
    fn malformed_paths_are_refused() {
        for bad in [
            "a..b", ".a", "a.", "a[", "a[x]", "a[-1]", "a['b", "a['b'", "a b", "a]",
        ] {
            assert!(Path::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_that_need_quotes_get_them() {
        let p = Path::root().key("tags").key("cost center").key("x]y");
        assert_eq!(p.to_string(), "tags['cost center']['x]y']");
        assert_eq!(Path::parse(p.as_str()).unwrap(), p);
        assert_eq!(Path::root().key("").to_string(), "['']");
    }

    #[test]
    fn prefixes_follow_segments_not_characters() {
        let a = Path::parse("resources[1]").unwrap();
        assert!(
            Path::parse("resources[1].properties")
                .unwrap()
                .starts_with(&a)
        );
        assert!(Path::parse("resources[1][2]").unwrap().starts_with(&a));
        assert!(!Path::parse("resources[10]").unwrap().starts_with(&a));
        assert!(a.starts_with(&Path::root()));
        let (parent, last) = Path::parse("a.b[2]").unwrap().split_last().unwrap();
        assert_eq!((parent.as_str(), last), ("a.b", Segment::Index(2)));
    }

    #[test]
    fn a_path_finds_its_value() {
        let doc = serde_json::json!({"a": [{"b c": 1}]});
        assert_eq!(
            Path::parse("a[0]['b c']").unwrap().find(&doc),
            Some(&serde_json::json!(1))
        );
        assert_eq!(Path::parse("a[1]").unwrap().find(&doc), None);
    }
}
