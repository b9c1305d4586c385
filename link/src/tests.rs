//! Encoding and decoding: the fragment's shape, and one test per way a link can fail.

use super::*;

const DESIGN: &str = r#"{
  "resources": [
    {
      "id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a",
      "type": "Microsoft.Network/virtualNetworks",
      "location": "westeurope",
      "tags": {"note": "two  spaces, a \"quote\" and a tab\t"},
      "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": []}
    }
  ],
  "x-unknown": {"zebra": 1.5e3, "apple": [true, null]}
}"#;

/// A fragment whose payload is `payload`, deflated and encoded as a `v1.` link is.
fn fragment_of(payload: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(payload, LEVEL);
    format!("{PREFIX}{}", BASE64.encode(packed))
}

#[track_caller]
fn check_error(link: &str, expected: &LinkError) {
    match decode(link) {
        Ok(decoded) => panic!("`{link}` opened: {}", decoded.document),
        Err(error) => assert_eq!(&error, expected),
    }
}

#[test]
fn a_link_is_the_prefix_then_url_safe_characters() {
    let fragment = encode(DESIGN, &View::default()).unwrap();
    let data = fragment.strip_prefix("v1.").unwrap();
    assert!(
        data.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{data}"
    );
    // Smaller than the document: the compression does its job even on a small design.
    assert!(fragment.len() < DESIGN.len(), "{}", fragment.len());
}

#[test]
fn whitespace_between_tokens_goes_and_everything_else_keeps_its_text() {
    let fragment = encode(DESIGN, &View::default()).unwrap();
    let decoded = decode(&fragment).unwrap();
    // Keys keep their order, the number its spelling, strings their spaces and escapes.
    assert!(
        decoded
            .document
            .ends_with(r#""x-unknown":{"zebra":1.5e3,"apple":[true,null]}}"#),
        "{}",
        decoded.document
    );
    assert!(
        decoded
            .document
            .contains(r#"{"note":"two  spaces, a \"quote\" and a tab\t"}"#)
    );
    assert!(!decoded.document.contains('\n'));
    let before: serde_json::Value = serde_json::from_str(DESIGN).unwrap();
    let after: serde_json::Value = serde_json::from_str(&decoded.document).unwrap();
    assert_eq!(before, after);
    assert_eq!(decoded.scenario.model().vnets.len(), 1);
}

#[test]
fn a_whole_url_a_fragment_with_or_without_hash_and_wrapped_lines_all_open() {
    let view = View {
        panel: Some(Panel::Matrix),
        ..View::default()
    };
    let fragment = encode(DESIGN, &view).unwrap();
    let (head, tail) = fragment.split_at(fragment.len() / 2);
    for link in [
        fragment.clone(),
        format!("#{fragment}"),
        url("https://play.example/avnm/?lang=en#stale", &fragment),
        format!("  https://play.example/#{head}\n  {tail}\n"),
    ] {
        let decoded = decode(&link).unwrap();
        assert_eq!(decoded.view, view, "{link}");
    }
}

#[test]
fn a_cut_link_is_truncated_wherever_it_is_cut() {
    let fragment = encode(DESIGN, &View::default()).unwrap();
    let data_start = PREFIX.len();
    // Every cut that leaves part of the data, including cuts that leave one stray base64 character.
    for end in data_start..fragment.len() - 1 {
        let cut = fragment.get(..end).unwrap();
        check_error(cut, &LinkError::Truncated);
    }
}

#[test]
fn damaged_links_say_what_is_wrong() {
    let fragment = encode(DESIGN, &View::default()).unwrap();
    // A character outside base64url, as a mail client's quoting might insert.
    let mut bad = fragment;
    bad.insert(10, '%');
    check_error(
        &bad,
        &LinkError::Corrupt("`%` at character 11 is not a link character".to_owned()),
    );
    // Deflate block type 3 is reserved (RFC 1951 §3.2.3): `0b111` in the first byte is a final block of it.
    check_error(
        &format!("v1.{}", BASE64.encode([0b0000_0111, 0, 0, 0])),
        &LinkError::Corrupt("its compressed data is not valid".to_owned()),
    );
    check_error(
        &fragment_of(&[0xff, 0xfe, b'{', b'}']),
        &LinkError::Corrupt("its data is not UTF-8 text".to_owned()),
    );
    match decode(&fragment_of(b"{\"view\":{},\"design\":")) {
        Err(LinkError::Corrupt(message)) => {
            assert!(message.starts_with("its data is not JSON"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_link_from_a_newer_version_says_so() {
    let fragment = encode(DESIGN, &View::default()).unwrap();
    let newer = fragment.replacen("v1.", "v2.", 1);
    check_error(&newer, &LinkError::Newer { version: 2 });
    assert_eq!(
        LinkError::Newer { version: 2 }.to_string(),
        "this link was made by a newer version of AVNM Playground (link format `v2`, this version reads `v1`)"
    );
    check_error("#v17.anything", &LinkError::Newer { version: 17 });
}

#[test]
fn text_without_a_versioned_fragment_is_not_a_link() {
    for text in [
        "",
        "https://play.example/",
        "https://play.example/#",
        "#1.abc",
        "vx.abc",
        "v.abc",
        "v0.abc",
        "#v1",
    ] {
        check_error(text, &LinkError::NotALink);
    }
}

#[test]
fn a_sound_link_without_a_design_is_not_a_design() {
    check_error(
        &fragment_of(br#"{"view":{}}"#),
        &LinkError::NotADesign("it has no `design`".to_owned()),
    );
    // The scenario reader's own message, with the JSON path of the problem.
    check_error(
        &fragment_of(br#"{"design":{"resources":[{"id":5}]}}"#),
        &LinkError::NotADesign("`resources[0].id`: expected a string, found a number".to_owned()),
    );
    check_error(
        &fragment_of(br#"{"design":[1,2]}"#),
        &LinkError::NotADesign(Scenario::parse("[1,2]").unwrap_err().to_string()),
    );
    // Encoding refuses what decoding would refuse.
    assert_eq!(
        encode("{\"resources\": [", &View::default()).unwrap_err(),
        LinkError::NotADesign(
            Scenario::parse("{\"resources\": [")
                .unwrap_err()
                .to_string()
        )
    );
}

#[test]
fn a_decompression_bomb_stops_at_the_limit_and_says_it() {
    // 64 MiB and one byte of spaces inside a JSON string: about 65 KB deflated, 87 K characters of link.
    let mut payload = Vec::with_capacity(MAX_DESIGN_BYTES + 32);
    payload.extend_from_slice(br#"{"design":{"x":""#);
    payload.resize(MAX_DESIGN_BYTES + 1, b' ');
    payload.extend_from_slice(br#""}}"#);
    let link = fragment_of(&payload);
    assert!(link.len() < 100_000, "{}", link.len());
    check_error(
        &link,
        &LinkError::TooLarge {
            limit: MAX_DESIGN_BYTES,
        },
    );
    assert_eq!(
        LinkError::TooLarge {
            limit: MAX_DESIGN_BYTES
        }
        .to_string(),
        "the link's design is larger than 64 MiB once unpacked, more than the playground opens"
    );
}

#[test]
fn the_limit_counts_the_inflated_payload() {
    let fragment = encode(DESIGN, &View::default()).unwrap();
    let payload_len = decode(&fragment).unwrap().document.len() + r#"{"view":{},"design":}"#.len();
    assert!(decode_with_limit(&fragment, payload_len).is_ok());
    match decode_with_limit(&fragment, payload_len - 1) {
        Err(LinkError::TooLarge { limit }) => assert_eq!(limit, payload_len - 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unreadable_view_opens_the_design_on_the_default_view() {
    let decoded = decode(&fragment_of(
        br#"{"view":"from a later version","design":{"resources":[]},"later":1}"#,
    ))
    .unwrap();
    assert_eq!(decoded.view, View::default());
    assert_eq!(decoded.document, r#"{"resources":[]}"#);
}

#[test]
fn link_lengths_are_judged_against_the_documented_limits() {
    assert_eq!(CHROMIUM_MAX_URL, 2_097_152);
    assert_eq!(FIREFOX_MAX_URL, 1_048_576);
    assert_eq!(BROWSER_MAX_URL, FIREFOX_MAX_URL);
    assert_eq!(Fit::of(LONG_LINK).warning(), None);
    assert_eq!(
        Fit::of(LONG_LINK + 1).warning().unwrap(),
        "the link is longer than 8000 characters: chat tools and mail may cut it"
    );
    assert_eq!(Fit::of(BROWSER_MAX_URL), Fit::Long);
    assert_eq!(Fit::of(BROWSER_MAX_URL + 1), Fit::TooLong);
}

#[test]
fn minify_keeps_strings_whole() {
    assert_eq!(
        minify("{ \"a b\" : [ 1 ,\n\t\"\\\\\" , \"\\\" x\" ] }"),
        r#"{"a b":[1,"\\","\" x"]}"#
    );
}

#[test]
fn a_design_too_large_to_open_is_not_written() {
    // 64 MiB of JSON, valid and a design: a string in an unknown key.
    let mut document = String::with_capacity(MAX_DESIGN_BYTES + 64);
    document.push_str(r#"{"resources":[],"x":""#);
    document.extend(std::iter::repeat_n('a', MAX_DESIGN_BYTES));
    document.push_str(r#""}"#);
    assert_eq!(
        encode(&document, &View::default()),
        Err(LinkError::TooLarge {
            limit: MAX_DESIGN_BYTES
        })
    );
}

#[test]
fn a_link_written_by_hand_with_whitespace_opens_without_it_and_is_written_again_the_same() {
    // Found by `cargo xtask fuzz link` (fuzz/regressions/link/): the design's text kept its whitespace, so a link
    // written again from it held another document.
    let link = fragment_of(br#"{"view":{},"design":{ "resources" : [ ], "title": "a  b" }}"#);
    let opened = decode(&link).unwrap();
    assert_eq!(opened.document, r#"{"resources":[],"title":"a  b"}"#);
    let again = decode(&encode(&opened.document, &opened.view).unwrap()).unwrap();
    assert_eq!(again.document, opened.document);
}
