//! The overview: what the playground is, the lessons, the examples gallery, and how to start.
//!
//! Examples are files (`static/examples/<name>.json`) fetched when loaded, like lessons, so the playground's
//! bundle does not carry them; the gallery lists them from [`EXAMPLES`], which a test keeps equal to the files.

use yew::prelude::*;

use super::editors::add_view::AddView;
use super::lessons_gallery::LessonsGallery;
use crate::app::Ctx;
use crate::platform;
use crate::state::Action;

/// An example design shipped with the playground, as the gallery lists it.
#[derive(Debug)]
pub struct Example {
    /// The file name without `.json`, under `static/examples/`.
    pub name: &'static str,
    /// The document's `title`.
    pub title: &'static str,
    /// The document's `description`.
    pub description: &'static str,
}

/// The gallery, in the order it is shown; the first one is the design a new visitor starts with.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "hub-spoke-guardrails",
        title: "Hub and spoke with guardrails",
        description: "A hub in West Europe; production spokes found by an Azure Policy condition on the tag env and directly connected; test spokes as static members, not connected to each other; an organization-wide Deny of inbound SSH with an Allow for SSH from the hub to production only.",
    },
    Example {
        name: "hub-spoke-expressroute-multi-region",
        title: "Multi-region hub and spoke with ExpressRoute",
        description: "The scenario of the AVNM announcement: Contoso's manual, cross-region hub and spoke moved to AVNM. Each of two regions (West Europe, East US) has a hub with an ExpressRoute gateway in its GatewaySubnet; 13 spoke VNets of the payments, retail and analytics teams are found by Azure Policy (payments by subscription, retail by the tag app-team, analytics by VNet name) and use the hub gateway (useHubGateway True). The team groups span regions: each hub's configuration is committed only where it should apply, and a link between two regions needs the configuration in both regions' goal states (decisions Q6), so every spoke is peered with its own region's hub and the UK South spokes with the West Europe hub, whose configuration is committed to westeurope and uksouth. cc-hub-weu has deleteExistingPeering True: it removes the retail team's manual web-to-api shortcut but keeps the manual hub peering of vnet-payments-weu-01, which it reuses. The hub-to-hub peering is manual and is not transitive. Try: add cc-hub-weu to the East US commit and watch the West Europe hub reach the East US spokes; add centralindia to the first commit and watch vnet-analytics-cin become reachable; set deleteExistingPeering of cc-hub-weu to False and watch the retail shortcut come back.",
    },
    Example {
        name: "ssh-exception-for-one-team",
        title: "An SSH exception for one team",
        description: "Fabrikam's central network team denies the high-risk ports of Microsoft's guidance (TCP 20-23, 111, 119, 135, 161-162, 445, 512, 514, 593, 873, 2049, 3389, 5800, 5900 and UDP 69, 111, 135, 162, 593, 2049, 11211) inbound on every VNet with a security admin rule collection that targets a group of all VNets. The payments team asked for SSH from the jump hosts in the management hub: a second collection, which targets the payments group only, allows TCP 22 from the jump host subnet with a smaller priority number (900 before 1000). That Allow does not open the port by itself: it hands the decision to the team's NSGs, so SSH works into vnet-payments-api, whose NSG allows the jump hosts, and not into vnet-payments-batch, whose NSG denies SSH. The retail team's NSG allows SSH, but the organization's Deny comes first. Try: change the priority of allow-ssh-from-jumphosts to 1100 and watch SSH into vnet-payments-api become Denied; add ng-team-retail to rc-payments-ssh-exception and watch the retail NSG decide.",
    },
    Example {
        name: "force-allow-monitoring",
        title: "Force-allow monitoring and updates",
        description: "Northwind's platform team runs a monitoring collector and a WSUS server in the hub and mirrors vendor patches at 198.51.100.0/24. During an incident the claims team put deny-everything rules in its NSG and never removed them, which silently cut off monitoring and patching. AlwaysAllow security admin rules for all application spokes force that traffic past the NSGs: inbound WinRM over HTTPS (5986) and HTTPS (443) from the monitoring subnet, outbound to WSUS (8530, 8531) and to the vendor mirror (443). Everything else still meets the claims NSG and is denied. An AlwaysAllow skips only the NSGs of its own side (decisions Q3): the WSUS subnet's NSG, which accepts only HTTPS updates, still denies plain HTTP on 8530. Try: change the access of aa-monitoring-inbound from AlwaysAllow to Allow and watch WinRM from the monitoring collector become Denied in both claims and orders: an Allow only hands the flow on to the NSGs, and neither NSG opens 5986.",
    },
    Example {
        name: "regional-vs-global-mesh",
        title: "Regional and global mesh",
        description: "Tailwind Traders runs its webshop in West Europe and North Europe. A regional mesh (isGlobal False) connects all webshop VNets, but only within each region: each region gets its own connected group, so the application VNets of one region cannot reach the other region. A second, global mesh (isGlobal True) connects only the SQL VNets, so the database replicas can replicate across regions. The two SQL VNets are in both meshes (two connected groups each, the default limit). Connected groups are not transitive: orders in West Europe reaches its local SQL VNet but not the North Europe one. A mesh is connectivity only: the SQL NSG still decides which ports open, and its VirtualNetwork tag covers the connected-group members (decisions Q9). Global means every region the configuration is committed to: the new UK South SQL VNet (still being built, no NSG yet) is in the group, but uksouth has no commit. Try: set isGlobal of cc-mesh-webshop-regional to True and watch orders in West Europe reach orders in North Europe; add uksouth to the commit and watch vnet-sql-uks join the global mesh.",
    },
    Example {
        name: "deployment-goal-state",
        title: "Deployments: the goal state per region and type",
        description: "Litware's network team deployed five times, oldest first. 1: the dev mesh (Connectivity) to East US and West US. 2: security baseline v1, which denies SSH and RDP (SecurityAdmin), to both regions. 3: the production hub and spoke (Connectivity) to East US only. 4: baseline v2, which denies RDP and Telnet but no longer SSH, to East US. 5: an empty SecurityAdmin commit to West US. A commit is not a delta: it replaces the goal state of its manager, region and type (spec 6.2), and it leaves other types alone. So East US ends with the hub and spoke only (commit 3 dropped the dev mesh there) and baseline v2 (v1 is gone); West US keeps the dev mesh and has no security admin rules at all. The production spoke in West US is in its group, but the hub and spoke was never committed to westus (decisions Q6). Try: add cc-mesh-dev to commit 3 and watch the East US dev VNets reach each other again; delete commit 5 and watch RDP between the West US dev VNets become Denied by baseline v1.",
    },
    Example {
        name: "direct-connectivity-production",
        title: "Direct connectivity for production only",
        description: "Adatum's hub in Central US hosts shared services (DNS and domain controllers) and an Azure Firewall. The production spokes (web, api, db) are a spoke group with direct connectivity (groupConnectivity DirectlyConnected): besides their hub peerings they form a connected group with the hub, so they talk to each other without a hop through the hub. The test spokes are peered with the hub only, so they reach the shared services but not each other. Test must never reach production, whatever routes are later added through the hub's firewall: a security admin rule on the test spokes denies all outbound traffic to the production group (a NetworkGroup destination, which needs Manual address space aggregation and resolves to the group's address spaces). That rule is evaluated on the test side before any path (decisions 2), so test-to-production is Denied rather than merely Unreachable. Try: delete the SecurityAdmin commit and watch test-to-production become Unreachable (today's topology has no such path; the rule is the guarantee); set groupConnectivity of ng-test-spokes to DirectlyConnected and watch the test spokes reach each other while production stays out of reach.",
    },
];

/// The shipped example named `name`, if there is one.
pub fn example(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}

/// Where a shipped example is fetched from, relative to the page.
pub fn example_url(name: &str) -> String {
    format!("static/examples/{name}.json")
}

/// Fetches the example `name`; `done` receives its text, or why it could not be fetched.
pub fn fetch_example(name: &str, done: Callback<Result<String, String>>) {
    let name = name.to_owned();
    platform::fetch_text(
        example_url(&name),
        Callback::from(move |fetched: Result<String, String>| {
            done.emit(fetched.map_err(|e| not_loaded(&name, &e)));
        }),
    );
}

/// Why the example `name` is not shown, after the fetch of its file failed for the reason `error`.
fn not_loaded(name: &str, error: &str) -> String {
    format!("the example `{name}` could not be loaded, your design is unchanged: {error}")
}

/// The overview and gallery.
#[component]
pub fn GalleryView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let doc_title = ctx.analysis.model.vnets.len();
    // The example being fetched: its button says so (`aria-busy`) until it arrives or fails.
    let loading = use_state(|| None::<&'static str>);
    html! {
        <section class="editor-panel overview">
            <h2>{ "Try an Azure Virtual Network Manager design" }</h2>
            <p class="lead">
                { "Group virtual networks, connect them, protect them with security admin rules, deploy to regions: the playground computes the membership, the topology and every traffic verdict, with the reason why, as you edit. " }
                { format!("The current design has {}.", crate::components::plural(doc_title, "virtual network", "virtual networks")) }
            </p>
            <LessonsGallery />
            <h3>{ "Examples" }</h3>
            <ul class="gallery">
                { for EXAMPLES.iter().map(|example| {
                    let (dispatch, setter) = (ctx.dispatch.clone(), loading.setter());
                    let load = Callback::from(move |_: MouseEvent| {
                        setter.set(Some(example.name));
                        let (dispatch, setter) = (dispatch.clone(), setter.clone());
                        fetch_example(example.name, Callback::from(move |fetched: Result<String, String>| {
                            setter.set(None);
                            dispatch.emit(match fetched {
                                Ok(text) => Action::Load { text, source: format!("the example `{}.json`", example.name) },
                                Err(e) => Action::Notify(e),
                            });
                        }));
                    });
                    let busy = *loading == Some(example.name);
                    html! {
                        <li class="card">
                            <h4>{ example.title }</h4>
                            <p>{ example.description }</p>
                            <button class="primary" onclick={load} aria-busy={busy.then_some("true")} data-testid={format!("load-{}", example.name)}>
                                { if busy { "Loading…" } else { "Load" } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <AddView />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use avnm_core::scenario::About;

    use super::{EXAMPLES, example_url, not_loaded};

    #[test]
    fn a_failed_fetch_names_the_example_and_the_file() {
        let url = example_url("hub-spoke-guardrails");
        assert_eq!(url, "static/examples/hub-spoke-guardrails.json");
        assert_eq!(
            not_loaded(
                "hub-spoke-guardrails",
                &format!("`{url}` could not be fetched: the server answered 404")
            ),
            "the example `hub-spoke-guardrails` could not be loaded, your design is unchanged: \
             `static/examples/hub-spoke-guardrails.json` could not be fetched: the server answered 404"
        );
    }

    /// The gallery lists every file of `static/examples/`, once, with the title and description the file itself
    /// gives, so that the list cannot drift from the files the page fetches.
    #[test]
    fn the_gallery_lists_every_example_file_as_it_describes_itself() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/examples");
        let files: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".json"))
            .collect();
        let listed: BTreeSet<String> = EXAMPLES
            .iter()
            .map(|e| format!("{}.json", e.name))
            .collect();
        assert_eq!(listed.len(), EXAMPLES.len(), "an example is listed twice");
        assert_eq!(listed, files);
        for example in EXAMPLES {
            let text = std::fs::read_to_string(dir.join(format!("{}.json", example.name))).unwrap();
            let about = About::of(&text);
            assert_eq!(
                about.title.as_deref(),
                Some(example.title),
                "{}",
                example.name
            );
            assert_eq!(
                about.description.as_deref(),
                Some(example.description),
                "{}",
                example.name
            );
        }
    }
}
