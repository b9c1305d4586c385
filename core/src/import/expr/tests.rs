//! Tests of the template expression parser and evaluator.

use super::*;

fn context() -> Context {
    let mut cx = Context {
        subscription: "sub".to_owned(),
        resource_group: "rg".to_owned(),
        location: "westeurope".to_owned(),
        ..Context::default()
    };
    cx.parameters.insert("prefix".to_owned(), json!("hub"));
    cx.parameters.insert("count".to_owned(), json!(3));
    cx.parameters.insert(
        "groups".to_owned(),
        json!([{"id": "/g1", "isGlobal": true}, {"id": "/g2"}]),
    );
    cx.missing.insert(
        "name".to_owned(),
        "the parameter `name` has no default value and none was given".to_owned(),
    );
    cx.copy.insert("x".to_owned(), 0);
    cx.variables.insert(
        "vnetName".to_owned(),
        json!("[concat(parameters('prefix'), '-vnet')]"),
    );
    cx.variables
        .insert("loop".to_owned(), json!("[concat('a', variables('loop'))]"));
    cx.variables
        .insert("spaces".to_owned(), json!(["10.0.0.0/16", "[[literal]"]));
    cx
}

#[track_caller]
fn check(text: &str, expected: Value) {
    let mut cx = context();
    assert_eq!(eval_str(text, &mut cx), Ok(expected), "{text}");
}

#[track_caller]
fn check_fails(text: &str, reason: &str) {
    let mut cx = context();
    match eval_str(text, &mut cx) {
        Err(Unevaluated(r)) => assert!(r.contains(reason), "`{r}` should contain `{reason}`"),
        Ok(v) => panic!("`{text}` should not evaluate, gave {v}"),
    }
}

#[test]
fn parameters_variables_and_strings() {
    check("[parameters('prefix')]", json!("hub"));
    check("[variables('vnetName')]", json!("hub-vnet"));
    check("[variables('spaces')[1]]", json!("[literal]"));
    check(
        "[concat('it''s', ' ', parameters('count'))]",
        json!("it's 3"),
    );
    check(
        "[concat(createArray(1), createArray(2, 3))]",
        json!([1, 2, 3]),
    );
    check(
        "[format('{0}/{1}-{{x}}', 'nm', parameters('count'))]",
        json!("nm/3-{x}"),
    );
    check("[toLower('ABC')]", json!("abc"));
    check("[replace('-..--..-', '.', '-')]", json!("--------"));
    check("[substring('abcdef', 1, 3)]", json!("bcd"));
    check("[split('a/b/c', '/')[2]]", json!("c"));
    check("[string(true)]", json!("True"));
    check("[length(parameters('groups'))]", json!(2));
    check("[last(split('x/y', '/'))]", json!("y"));
    check("[PARAMETERS('groups')[0].id]", json!("/g1"));
}

#[test]
fn resource_ids() {
    check(
        "[resourceId('Microsoft.Network/virtualNetworks', 'v')]",
        json!("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"),
    );
    check(
        "[resourceId('other', 'Microsoft.Network/virtualNetworks/subnets', 'v', 's')]",
        json!(
            "/subscriptions/sub/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
        ),
    );
    check(
        "[resourceId('s2', 'other', 'Microsoft.Network/networkManagers/networkGroups', 'nm/g')]",
        json!(
            "/subscriptions/s2/resourceGroups/other/providers/Microsoft.Network/networkManagers/nm/networkGroups/g"
        ),
    );
    check(
        "[subscriptionResourceId('Microsoft.Authorization/policyDefinitions', 'd')]",
        json!("/subscriptions/sub/providers/Microsoft.Authorization/policyDefinitions/d"),
    );
    check(
        "[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]",
        json!("/providers/Microsoft.Management/managementGroups/mg"),
    );
    check("[resourceGroup().location]", json!("westeurope"));
    check("[subscription().subscriptionId]", json!("sub"));
    check_fails(
        "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v')]",
        "needs 2 names, not 1",
    );
}

#[test]
fn logic_lambdas_and_objects() {
    check(
        "[if(equals(parameters('count'), 3), 'yes', parameters('name'))]",
        json!("yes"),
    );
    check("[and(true(), not(false))]", json!(true));
    check("[coalesce(null(), 'x')]", json!("x"));
    check(
        "[map(parameters('groups'), lambda('g', createObject('networkGroupId', lambdaVariables('g').id, 'isGlobal', string(coalesce(tryGet(lambdaVariables('g'), 'isGlobal'), false())))))]",
        json!([{"networkGroupId": "/g1", "isGlobal": "True"}, {"networkGroupId": "/g2", "isGlobal": "False"}]),
    );
    check(
        "[filter(parameters('groups'), lambda('g', contains(lambdaVariables('g'), 'isGlobal')))]",
        json!([{"id": "/g1", "isGlobal": true}]),
    );
    check(
        "[union(createObject('a', 1), createObject('b', 2))]",
        json!({"a": 1, "b": 2}),
    );
    check("[range(1, 3)]", json!([1, 2, 3]));
    check("[add(copyIndex('x', 1), 0)]", json!(1));
}

#[test]
fn what_cannot_be_evaluated_says_why() {
    check_fails("[parameters('name')]", "has no default value");
    check_fails("[parameters('nope')]", "no parameter `nope`");
    check_fails(
        "[uniqueString(resourceGroup().id)]",
        "needs a live Azure deployment",
    );
    check_fails("[reference('x').outputs]", "needs a live Azure deployment");
    check_fails(
        "[frobnicate(1)]",
        "the function `frobnicate` is not supported",
    );
    check_fails("[concat('a', ]", "ends too early");
    check_fails("[concat('a') x]", "unexpected `x`");
    check_fails("[concat('a'", "expected `,` or `)`");
    check_fails("[copyIndex()]", "outside a `copy` loop");
    check_fails("[variables('spaces')[5]]", "outside the array");
    check_fails(
        "[variables('loop')]",
        "the variable `loop` refers to itself",
    );
    let deep = format!("[{}'x'{}]", "string(".repeat(100), ")".repeat(100));
    check_fails(&deep, "nested more than 64 deep");
}

#[test]
fn literals_and_escapes() {
    assert!(is_expression("[parameters('a')]"));
    assert!(!is_expression("[[parameters('a')]"));
    assert!(!is_expression("10.0.0.0/16"));
    assert_eq!(unescape("[[x]"), "[x]");
}
