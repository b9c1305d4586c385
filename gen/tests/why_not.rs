//! Why-not explanations on a generated design: a VNet has reasons exactly when it is not a member of a group.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "a test reports a failed expectation by panicking"
)]

use avnm_core::membership::why_not::{Reason, why_not};
use avnm_core::{Scenario, analyze};

#[test]
fn on_a_generated_design_a_vnet_has_reasons_exactly_when_it_is_not_a_member() {
    let scenario = Scenario::parse(&avnm_gen::design(&avnm_gen::Params::small())).unwrap();
    let analysis = analyze(&scenario);
    let (model, membership) = (&analysis.model, &analysis.membership);
    let mut false_conditions = 0;
    for vnet in model.vnets.keys() {
        for group in model.groups.keys() {
            let member = membership
                .members(group)
                .iter()
                .any(|m| m.id.as_str().eq_ignore_ascii_case(vnet.as_str()));
            let why = why_not(model, membership, vnet, group);
            assert_eq!(why.is_none(), member, "{vnet} in {group}: {why:?}");
            for reason in why.into_iter().flat_map(|w| w.reasons) {
                if let Reason::ConditionFalse { failed, .. } = &reason {
                    false_conditions += 1;
                    // The generator's conditions are tests and `allOf`/`anyOf` of tests: some test failed.
                    assert!(!failed.is_empty(), "{vnet} in {group}: {reason}");
                }
            }
        }
    }
    assert!(false_conditions > 100, "{false_conditions}");
}
