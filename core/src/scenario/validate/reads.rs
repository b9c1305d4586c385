//! The model as the checks read it: each kind of item a check reads is recorded, so that after a change the checks
//! that read only kinds the change did not write (shared, not copied, between the two models) keep what they
//! found, and only the others run again.

use std::cell::Cell;
use std::sync::Arc;

use crate::model::*;

/// A set of kinds of items of a model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Kinds(u16);

impl Kinds {
    /// Whether every kind in `self` is in `other`.
    pub(crate) fn within(self, other: Kinds) -> bool {
        self.0 & !other.0 == 0
    }
}

/// A model whose reads are recorded. The model itself is out of the checks' reach: they read it through the
/// methods below, one per kind of item.
pub(super) struct Reads<'m> {
    model: &'m Model,
    kinds: Cell<u16>,
}

impl<'m> Reads<'m> {
    pub(super) fn new(model: &'m Model) -> Self {
        Reads {
            model,
            kinds: Cell::new(0),
        }
    }

    /// The kinds read since the last call.
    pub(super) fn take(&self) -> Kinds {
        Kinds(self.kinds.replace(0))
    }

    fn mark(&self, bit: u16) {
        self.kinds.set(self.kinds.get() | bit);
    }

    /// A subnet by id.
    pub(super) fn subnet(&self, subnet: &SubnetId) -> Option<&'m Subnet> {
        self.vnets();
        self.model.subnet(subnet)
    }
}

macro_rules! kinds {
    ($($name:ident: $key:ty => $value:ty = $bit:expr),* $(,)?) => {
        #[allow(dead_code, reason = "every kind can be read, though no check reads some kinds yet")]
        impl<'m> Reads<'m> {
            $(
                pub(super) fn $name(&self) -> &'m Items<$key, $value> {
                    self.mark($bit);
                    &self.model.$name
                }
            )*
        }

        /// The kinds of items two models share (the same map, not a copy).
        pub(crate) fn shared(a: &Model, b: &Model) -> Kinds {
            let mut kinds = 0;
            $(
                if Arc::ptr_eq(&a.$name, &b.$name) {
                    kinds |= $bit;
                }
            )*
            Kinds(kinds)
        }
    };
}

kinds! {
    vnets: VnetId => Vnet = 1,
    nics: NicId => Nic = 1 << 1,
    nsgs: NsgId => Nsg = 1 << 2,
    managers: NetworkManagerId => NetworkManager = 1 << 3,
    groups: NetworkGroupId => NetworkGroup = 1 << 4,
    static_members: StaticMemberId => StaticMember = 1 << 5,
    connectivity_configs: ConfigurationId => ConnectivityConfig = 1 << 6,
    security_admin_configs: ConfigurationId => SecurityAdminConfig = 1 << 7,
    policy_definitions: PolicyDefinitionId => PolicyDefinition = 1 << 8,
    policy_assignments: PolicyAssignmentId => PolicyAssignment = 1 << 9,
    management_groups: ManagementGroupId => ManagementGroup = 1 << 10,
    subscriptions: SubscriptionId => Subscription = 1 << 11,
    resource_groups: ResourceGroupId => ResourceGroup = 1 << 12,
}
