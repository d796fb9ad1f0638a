//! Permission checks. Each check is a pure function that returns a capability
//! (or nothing); store methods demand the capability, so a handler that did
//! not pass the check has nothing to call. Capabilities carry the agency they
//! were granted for: no caller hands a raw agency id from a request to the store.

use crate::agency::{AgencyId, AgencyTree};
use crate::role::Role;
use serde::Serialize;

pub type UserId = i64;

/// One role held in one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Grant {
    pub agency_id: AgencyId,
    pub role: Role,
}

/// Who is acting: a signed-in user or the local console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub label: String,
}

impl Actor {
    /// The operator at the server's console (the CLI), who already holds the database.
    pub fn console() -> Actor {
        Actor {
            user_id: None,
            label: "系统控制台".to_string(),
        }
    }
}

/// A signed-in staff member and every role they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<Grant>,
}

impl Principal {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            label: format!("{}（{}）", self.display_name, self.username),
        }
    }

    pub fn has_role_in(&self, agency: AgencyId, role: Role) -> bool {
        self.grants
            .iter()
            .any(|g| g.agency_id == agency && g.role == role)
    }

    /// Holds `role` in `agency` or in an agency above it.
    fn has_role_over(&self, tree: &AgencyTree, agency: AgencyId, role: Role) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && tree.is_within(agency, g.agency_id))
    }
}

/// May change an agency's details, its users, and create agencies below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyAdmin {
    agency_id: AgencyId,
    actor: Actor,
}

/// May see an agency's staff pages (read): members of the agency with any
/// role, and supervisors or admins above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyStaffView {
    agency_id: AgencyId,
    actor: Actor,
}

/// Unrestricted operation from the local console (CLI). Only the binary
/// creates it; the web layer never does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleOperator {
    actor: Actor,
}

macro_rules! capability_accessors {
    ($t:ty) => {
        impl $t {
            pub fn agency_id(&self) -> AgencyId {
                self.agency_id
            }
            pub fn actor(&self) -> &Actor {
                &self.actor
            }
        }
    };
}
capability_accessors!(AgencyAdmin);
capability_accessors!(AgencyStaffView);

impl ConsoleOperator {
    pub fn local() -> ConsoleOperator {
        ConsoleOperator {
            actor: Actor::console(),
        }
    }
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
    /// The console may administer any agency.
    pub fn admin_of(&self, agency: AgencyId) -> AgencyAdmin {
        AgencyAdmin {
            agency_id: agency,
            actor: self.actor.clone(),
        }
    }
}

/// Admin capability over `agency`: an admin of it or of any agency above it.
pub fn admin_of(p: &Principal, tree: &AgencyTree, agency: AgencyId) -> Option<AgencyAdmin> {
    if !tree.contains(agency) {
        return None;
    }
    p.has_role_over(tree, agency, Role::Admin)
        .then(|| AgencyAdmin {
            agency_id: agency,
            actor: p.actor(),
        })
}

/// Read access to `agency`'s staff pages: any role in the agency itself, or
/// admin/supervisor above it.
pub fn staff_view_of(
    p: &Principal,
    tree: &AgencyTree,
    agency: AgencyId,
) -> Option<AgencyStaffView> {
    if !tree.contains(agency) {
        return None;
    }
    let member = p.grants.iter().any(|g| g.agency_id == agency);
    let above = p.has_role_over(tree, agency, Role::Supervisor)
        || p.has_role_over(tree, agency, Role::Admin);
    (member || above).then(|| AgencyStaffView {
        agency_id: agency,
        actor: p.actor(),
    })
}

impl AgencyAdmin {
    /// An admin may always view what they administer.
    pub fn view(&self) -> AgencyStaffView {
        AgencyStaffView {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> AgencyTree {
        // 1 province → 2 city → 3 district → {4 gulou, 5 sibling}
        AgencyTree::new([
            (1, None),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(3)),
            (5, Some(3)),
        ])
    }

    fn person(grants: &[(AgencyId, Role)]) -> Principal {
        Principal {
            user_id: 7,
            username: "u".into(),
            display_name: "用户".into(),
            grants: grants
                .iter()
                .map(|&(agency_id, role)| Grant { agency_id, role })
                .collect(),
        }
    }

    #[test]
    fn admin_covers_own_and_descendants_only() {
        let t = tree();
        let p = person(&[(3, Role::Admin)]);
        assert_eq!(admin_of(&p, &t, 3).map(|c| c.agency_id()), Some(3));
        assert!(admin_of(&p, &t, 4).is_some());
        assert!(admin_of(&p, &t, 2).is_none());
        assert!(admin_of(&p, &t, 99).is_none());
    }

    #[test]
    fn other_roles_are_not_admins() {
        let t = tree();
        for role in [
            Role::Drafter,
            Role::Reviewer,
            Role::Approver,
            Role::Handler,
            Role::Supervisor,
        ] {
            let p = person(&[(4, role)]);
            assert!(admin_of(&p, &t, 4).is_none(), "{role:?}");
            assert!(staff_view_of(&p, &t, 4).is_some(), "{role:?}");
            assert!(
                staff_view_of(&p, &t, 5).is_none(),
                "{role:?} sees a sibling"
            );
        }
    }

    #[test]
    fn supervisor_reads_descendants_not_ancestors() {
        let t = tree();
        let p = person(&[(3, Role::Supervisor)]);
        assert!(staff_view_of(&p, &t, 4).is_some());
        assert!(staff_view_of(&p, &t, 5).is_some());
        assert!(staff_view_of(&p, &t, 2).is_none());
        let drafter_above = person(&[(3, Role::Drafter)]);
        assert!(staff_view_of(&drafter_above, &t, 4).is_none());
    }
}
