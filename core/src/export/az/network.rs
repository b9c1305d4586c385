//! The parts of virtual networks as `az` commands: subnets, NSG rules and network interfaces.

use serde_json::{Map, Value};

use super::{Cmd, strings};
use crate::export::ExportReport;
use crate::export::plan::Item;

pub(super) fn subnet_cmd(
    item: &Item,
    vnet: &str,
    name: &str,
    props: &Map<String, Value>,
    path: &str,
    report: &mut ExportReport,
) -> Cmd {
    let mut prefixes = strings(props.get("addressPrefixes"));
    if let Some(p) = props.get("addressPrefix").and_then(Value::as_str) {
        prefixes.insert(0, p.to_owned());
    }
    let delegations: Vec<String> = props
        .get("delegations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            d.get("properties")
                .and_then(|p| p.get("serviceName"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    for key in props.keys() {
        if ![
            "addressPrefix",
            "addressPrefixes",
            "networkSecurityGroup",
            "delegations",
        ]
        .contains(&key.as_str())
        {
            report.push(
                path,
                format!("the `az` export does not write the subnet property `{key}`"),
            );
        }
    }
    Cmd::new("az network vnet subnet create")
        .scope(item)
        .arg("--vnet-name", vnet)
        .arg("--name", name)
        .list("--address-prefixes", &prefixes)
        .opt(
            "--network-security-group",
            props
                .get("networkSecurityGroup")
                .and_then(|n| n.get("id"))
                .and_then(Value::as_str),
        )
        .list("--delegations", &delegations)
}

pub(super) fn nsg_rule_cmd(item: &Item, nsg: &str, name: &str, p: &Map<String, Value>) -> Cmd {
    let both = |one: &str, many: &str| {
        let mut values = strings(p.get(many));
        if let Some(v) = p.get(one).and_then(Value::as_str) {
            values.insert(0, v.to_owned());
        }
        values
    };
    let asgs = |key: &str| -> Vec<String> {
        p.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect()
    };
    Cmd::new("az network nsg rule create")
        .scope(item)
        .arg("--nsg-name", nsg)
        .arg("--name", name)
        .opt(
            "--priority",
            p.get("priority").map(Value::to_string).as_deref(),
        )
        .opt("--direction", p.get("direction").and_then(Value::as_str))
        .opt("--access", p.get("access").and_then(Value::as_str))
        .opt("--protocol", p.get("protocol").and_then(Value::as_str))
        .list(
            "--source-address-prefixes",
            &both("sourceAddressPrefix", "sourceAddressPrefixes"),
        )
        .list("--source-asgs", &asgs("sourceApplicationSecurityGroups"))
        .list(
            "--source-port-ranges",
            &both("sourcePortRange", "sourcePortRanges"),
        )
        .list(
            "--destination-address-prefixes",
            &both("destinationAddressPrefix", "destinationAddressPrefixes"),
        )
        .list(
            "--destination-asgs",
            &asgs("destinationApplicationSecurityGroups"),
        )
        .list(
            "--destination-port-ranges",
            &both("destinationPortRange", "destinationPortRanges"),
        )
        .opt(
            "--description",
            p.get("description").and_then(Value::as_str),
        )
}

pub(super) fn nic_cmds(
    item: &Item,
    name: &str,
    p: &Map<String, Value>,
    tags: &[String],
) -> Vec<Cmd> {
    let nsg = p
        .get("networkSecurityGroup")
        .and_then(|n| n.get("id"))
        .and_then(Value::as_str);
    let configs = p
        .get("ipConfigurations")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let ip = |c: &Value, key: &str| -> Option<String> {
        c.get("properties")
            .and_then(|p| p.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let subnet = |c: &Value| -> Option<String> {
        c.get("properties")
            .and_then(|p| p.get("subnet"))
            .and_then(|s| s.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let asgs = |c: &Value| -> Vec<String> {
        c.get("properties")
            .and_then(|p| p.get("applicationSecurityGroups"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect()
    };
    let mut cmds = Vec::new();
    let mut first = true;
    for config in configs {
        let config_name = config.get("name").and_then(Value::as_str);
        let address = ip(config, "privateIPAddress");
        if first {
            cmds.push(
                Cmd::new("az network nic create")
                    .scope(item)
                    .arg("--name", name)
                    .opt("--location", item.location.as_deref())
                    .opt("--subnet", subnet(config).as_deref())
                    .opt("--ip-config-name", config_name)
                    .opt("--private-ip-address", address.as_deref())
                    .list("--asgs", &asgs(config))
                    .opt("--network-security-group", nsg)
                    .list("--tags", tags),
            );
            first = false;
        } else {
            cmds.push(
                Cmd::new("az network nic ip-config create")
                    .scope(item)
                    .arg("--nic-name", name)
                    .opt("--name", config_name)
                    .opt("--subnet", subnet(config).as_deref())
                    .opt("--private-ip-address", address.as_deref())
                    .list("--asgs", &asgs(config)),
            );
        }
    }
    cmds
}
