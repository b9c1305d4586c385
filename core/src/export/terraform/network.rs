//! Virtual networks' parts in Terraform: subnets (with their NSG associations and delegations), NSG rules and
//! network interfaces.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{Writer, field_strings, list, strings};
use crate::export::literal::hcl_string;
use crate::export::plan::{Item, distinct};

impl Writer<'_> {
    pub(super) fn subnet(
        &mut self,
        item: &Item,
        id: &str,
        name: &str,
        vnet_name: &str,
        props: &Map<String, Value>,
        path: &str,
    ) {
        let Some(address) = self.addresses.get(&id.to_ascii_lowercase()).cloned() else {
            return;
        };
        let sym = address.split_once('.').map_or("", |(_, s)| s).to_owned();
        let mut prefixes = strings(props.get("addressPrefixes"));
        if let Some(p) = props.get("addressPrefix").and_then(Value::as_str) {
            prefixes.insert(0, p.to_owned());
        }
        let _ = write!(
            self.out,
            "\nresource \"azurerm_subnet\" \"{sym}\" {{\n{}",
            self.provider_line(&item.scope)
        );
        self.line("name", &hcl_string(name));
        let rg = self.group_name(item);
        self.line("resource_group_name", &rg);
        self.line("virtual_network_name", vnet_name);
        self.line("address_prefixes", &list(&prefixes));
        let delegations = props.get("delegations").and_then(Value::as_array);
        for d in delegations.into_iter().flatten() {
            let dname = d
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("delegation");
            let service = d
                .get("properties")
                .and_then(|p| p.get("serviceName"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let _ = write!(
                self.out,
                "  delegation {{\n    name = {}\n    service_delegation {{\n      name = {}\n    }}\n  }}\n",
                hcl_string(dname),
                hcl_string(service)
            );
        }
        self.close();
        if let Some(nsg) = props
            .get("networkSecurityGroup")
            .and_then(|n| n.get("id"))
            .and_then(Value::as_str)
        {
            let assoc = self.names.unique(&format!("{sym}-nsg"), false);
            let nsg = self.reference(nsg);
            let _ = write!(
                self.out,
                "\nresource \"azurerm_subnet_network_security_group_association\" \"{assoc}\" {{\n{}  subnet_id                 = {address}.id\n  network_security_group_id = {nsg}\n}}\n",
                self.provider_line(&item.scope)
            );
        }
        for key in props.keys() {
            if ![
                "addressPrefix",
                "addressPrefixes",
                "networkSecurityGroup",
                "delegations",
            ]
            .contains(&key.as_str())
            {
                self.note(
                    path,
                    format!("the Terraform export does not write the subnet property `{key}` of `{name}`"),
                );
            }
        }
    }

    pub(super) fn nsg_rule(&self, p: &Map<String, Value>, pad: &str) -> String {
        let mut out = String::new();
        for (key, arg) in [
            ("priority", "priority"),
            ("direction", "direction"),
            ("access", "access"),
            ("protocol", "protocol"),
            ("description", "description"),
        ] {
            match p.get(key) {
                Some(Value::String(s)) => {
                    let _ = writeln!(out, "{pad}{arg} = {}", hcl_string(s));
                }
                Some(Value::Number(n)) => {
                    let _ = writeln!(out, "{pad}{arg} = {n}");
                }
                _ => {}
            }
        }
        for (one, many, arg_one, arg_many) in [
            (
                "sourcePortRange",
                "sourcePortRanges",
                "source_port_range",
                "source_port_ranges",
            ),
            (
                "destinationPortRange",
                "destinationPortRanges",
                "destination_port_range",
                "destination_port_ranges",
            ),
            (
                "sourceAddressPrefix",
                "sourceAddressPrefixes",
                "source_address_prefix",
                "source_address_prefixes",
            ),
            (
                "destinationAddressPrefix",
                "destinationAddressPrefixes",
                "destination_address_prefix",
                "destination_address_prefixes",
            ),
        ] {
            if let Some(v) = p.get(one).and_then(Value::as_str) {
                let _ = writeln!(out, "{pad}{arg_one} = {}", hcl_string(v));
            }
            let values = strings(p.get(many));
            if !values.is_empty() {
                let _ = writeln!(out, "{pad}{arg_many} = {}", list(&values));
            }
        }
        for (key, arg) in [
            (
                "sourceApplicationSecurityGroups",
                "source_application_security_group_ids",
            ),
            (
                "destinationApplicationSecurityGroups",
                "destination_application_security_group_ids",
            ),
        ] {
            let ids = field_strings(p.get(key), "id");
            if !ids.is_empty() {
                let _ = writeln!(out, "{pad}{arg} = {}", self.references(&ids));
            }
        }
        out
    }

    pub(super) fn nic(&mut self, item: &Item) {
        let p = &item.properties;
        self.open(item);
        self.common(item);
        let configs = p.get("ipConfigurations").and_then(Value::as_array);
        let mut asgs = Vec::new();
        for config in configs.into_iter().flatten() {
            let props = config.get("properties");
            self.out.push_str("  ip_configuration {\n");
            let name = config
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("ipconfig1");
            let _ = writeln!(
                self.out,
                "    name                          = {}",
                hcl_string(name)
            );
            if let Some(subnet) = props
                .and_then(|p| p.get("subnet"))
                .and_then(|s| s.get("id"))
                .and_then(Value::as_str)
            {
                let _ = writeln!(
                    self.out,
                    "    subnet_id                     = {}",
                    self.reference(subnet)
                );
            }
            let address = props
                .and_then(|p| p.get("privateIPAddress"))
                .and_then(Value::as_str);
            let method = props
                .and_then(|p| p.get("privateIPAllocationMethod"))
                .and_then(Value::as_str)
                .unwrap_or(if address.is_some() {
                    "Static"
                } else {
                    "Dynamic"
                });
            let _ = writeln!(
                self.out,
                "    private_ip_address_allocation = {}",
                hcl_string(method)
            );
            if let Some(a) = address {
                let _ = writeln!(
                    self.out,
                    "    private_ip_address            = {}",
                    hcl_string(a)
                );
            }
            self.out.push_str("  }\n");
            asgs.extend(field_strings(
                props.and_then(|p| p.get("applicationSecurityGroups")),
                "id",
            ));
        }
        self.tags(item);
        self.close();
        let nic = self.address(item).unwrap_or_default();
        let base = nic.split_once('.').map_or("", |(_, s)| s).to_owned();
        if let Some(nsg) = p
            .get("networkSecurityGroup")
            .and_then(|n| n.get("id"))
            .and_then(Value::as_str)
        {
            let assoc = self.names.unique(&format!("{base}-nsg"), false);
            let nsg = self.reference(nsg);
            let _ = write!(
                self.out,
                "\nresource \"azurerm_network_interface_security_group_association\" \"{assoc}\" {{\n{}  network_interface_id      = {nic}.id\n  network_security_group_id = {nsg}\n}}\n",
                self.provider_line(&item.scope)
            );
        }
        for asg in distinct(asgs) {
            let assoc = self.names.unique(&format!("{base}-asg"), false);
            let asg = self.reference(&asg);
            let _ = write!(
                self.out,
                "\nresource \"azurerm_network_interface_application_security_group_association\" \"{assoc}\" {{\n{}  network_interface_id          = {nic}.id\n  application_security_group_id = {asg}\n}}\n",
                self.provider_line(&item.scope)
            );
        }
    }
}
