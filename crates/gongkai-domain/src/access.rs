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
capability_accessors!(AgencyHandler);
capability_accessors!(ApplicationReader);

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

/// May register disclosure applications of an agency and record their
/// events (补正, 征求意见, 延期, 答复, …): handlers (承办人) and approvers
/// (负责人, who approve extensions) of the agency itself, and admins of it or
/// of an agency above it. Supervisors only read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyHandler {
    agency_id: AgencyId,
    actor: Actor,
}

/// May read an agency's applications *with their applicants' personal data*
/// (name, ID number, contacts): the agency's handlers, approvers and admins,
/// and supervisors or admins of it or above it. Drafters (信息员) and
/// reviewers (审核人) of the agency hold an [`AgencyStaffView`] but not this:
/// they work on proactive disclosure and never see applicants. Aggregate
/// figures without personal data (table 三) need only the staff view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationReader {
    agency_id: AgencyId,
    actor: Actor,
}

/// Handler capability over `agency` (see [`AgencyHandler`]).
pub fn handler_of(p: &Principal, tree: &AgencyTree, agency: AgencyId) -> Option<AgencyHandler> {
    if !tree.contains(agency) {
        return None;
    }
    let member = p.has_role_in(agency, Role::Handler) || p.has_role_in(agency, Role::Approver);
    (member || p.has_role_over(tree, agency, Role::Admin)).then(|| AgencyHandler {
        agency_id: agency,
        actor: p.actor(),
    })
}

/// Read access to `agency`'s applications and applicants (see [`ApplicationReader`]).
pub fn application_reader_of(
    p: &Principal,
    tree: &AgencyTree,
    agency: AgencyId,
) -> Option<ApplicationReader> {
    if let Some(handler) = handler_of(p, tree, agency) {
        return Some(handler.reader());
    }
    p.has_role_over(tree, agency, Role::Supervisor)
        .then(|| ApplicationReader {
            agency_id: agency,
            actor: p.actor(),
        })
}

impl AgencyHandler {
    /// A handler may always read the applications they handle.
    pub fn reader(&self) -> ApplicationReader {
        ApplicationReader {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
    /// And the agency's staff pages.
    pub fn view(&self) -> AgencyStaffView {
        AgencyStaffView {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
}

impl ApplicationReader {
    pub fn view(&self) -> AgencyStaffView {
        AgencyStaffView {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
}

impl ConsoleOperator {
    /// The console may handle any agency's applications (imports, repairs).
    pub fn handler_of(&self, agency: AgencyId) -> AgencyHandler {
        AgencyHandler {
            agency_id: agency,
            actor: self.actor.clone(),
        }
    }
}

/// May keep the records behind an agency's annual report (Art. 20
/// statistics, appeal cases, proposals, 信息员 roster, training), edit the
/// report's narrative, submit it to the supervising agency and publish it
/// once accepted: the agency's approvers (负责人) and admins of it or of an
/// agency above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordsEditor {
    agency_id: AgencyId,
    actor: Actor,
}

/// May return or accept an agency's submitted annual report: supervisors
/// (政务公开监督) of an agency strictly above it. For an agency without a
/// parent (the top of the tree), its own supervisors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportReviewer {
    agency_id: AgencyId,
    actor: Actor,
}

capability_accessors!(RecordsEditor);
capability_accessors!(ReportReviewer);

/// Records editor over `agency` (see [`RecordsEditor`]).
pub fn records_editor_of(
    p: &Principal,
    tree: &AgencyTree,
    agency: AgencyId,
) -> Option<RecordsEditor> {
    if !tree.contains(agency) {
        return None;
    }
    (p.has_role_in(agency, Role::Approver) || p.has_role_over(tree, agency, Role::Admin)).then(
        || RecordsEditor {
            agency_id: agency,
            actor: p.actor(),
        },
    )
}

/// Report reviewer over `agency` (see [`ReportReviewer`]).
pub fn report_reviewer_of(
    p: &Principal,
    tree: &AgencyTree,
    agency: AgencyId,
) -> Option<ReportReviewer> {
    if !tree.contains(agency) {
        return None;
    }
    let is_root = tree.parent_of(agency).is_none();
    let ok = p.grants.iter().any(|g| {
        g.role == Role::Supervisor
            && (if is_root {
                g.agency_id == agency
            } else {
                g.agency_id != agency && tree.is_within(agency, g.agency_id)
            })
    });
    ok.then(|| ReportReviewer {
        agency_id: agency,
        actor: p.actor(),
    })
}

impl RecordsEditor {
    pub fn view(&self) -> AgencyStaffView {
        AgencyStaffView {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
}

impl ReportReviewer {
    pub fn view(&self) -> AgencyStaffView {
        AgencyStaffView {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
}

/// May import the annual reports of agencies that are not on the platform
/// into an agency's roll-up, and delete such imports (issue 7 §5):
/// supervisors (政务公开监督) and admins of the agency or of an agency above
/// it. Members with other roles only read the roll-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupImporter {
    agency_id: AgencyId,
    actor: Actor,
}

capability_accessors!(RollupImporter);

/// Roll-up importer over `agency` (see [`RollupImporter`]).
pub fn rollup_importer_of(
    p: &Principal,
    tree: &AgencyTree,
    agency: AgencyId,
) -> Option<RollupImporter> {
    if !tree.contains(agency) {
        return None;
    }
    (p.has_role_over(tree, agency, Role::Supervisor) || p.has_role_over(tree, agency, Role::Admin))
        .then(|| RollupImporter {
            agency_id: agency,
            actor: p.actor(),
        })
}

impl RollupImporter {
    pub fn view(&self) -> AgencyStaffView {
        AgencyStaffView {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
}

impl ConsoleOperator {
    /// The console may keep any agency's report records (imports, demo).
    pub fn records_editor_of(&self, agency: AgencyId) -> RecordsEditor {
        RecordsEditor {
            agency_id: agency,
            actor: self.actor.clone(),
        }
    }
    /// And import reports into any agency's roll-up.
    pub fn rollup_importer_of(&self, agency: AgencyId) -> RollupImporter {
        RollupImporter {
            agency_id: agency,
            actor: self.actor.clone(),
        }
    }
    /// And review any agency's report.
    pub fn report_reviewer_of(&self, agency: AgencyId) -> ReportReviewer {
        ReportReviewer {
            agency_id: agency,
            actor: self.actor.clone(),
        }
    }
}

/// May draft an agency's publications (主动公开信息), edit drafts, attach
/// files, submit them for review and record the channels they went out on:
/// the agency's drafters (信息员).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationDrafter {
    agency_id: AgencyId,
    actor: Actor,
}

/// May do the confidentiality review (保密审查) of an agency's submitted
/// publications, mask personal data and pass or return them: the agency's
/// reviewers (审核人).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationReviewer {
    agency_id: AgencyId,
    actor: Actor,
}

/// May approve reviewed publications for release, return them, withdraw
/// and repeal published ones: the agency's approvers (负责人).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationApprover {
    agency_id: AgencyId,
    actor: Actor,
}

capability_accessors!(PublicationDrafter);
capability_accessors!(PublicationReviewer);
capability_accessors!(PublicationApprover);

/// Drafter capability: the role held in `agency` itself (not above it:
/// each agency drafts its own items).
pub fn drafter_of(
    p: &Principal,
    tree: &AgencyTree,
    agency: AgencyId,
) -> Option<PublicationDrafter> {
    (tree.contains(agency) && p.has_role_in(agency, Role::Drafter)).then(|| PublicationDrafter {
        agency_id: agency,
        actor: p.actor(),
    })
}

/// Reviewer capability: the role held in `agency` itself.
pub fn reviewer_of(
    p: &Principal,
    tree: &AgencyTree,
    agency: AgencyId,
) -> Option<PublicationReviewer> {
    (tree.contains(agency) && p.has_role_in(agency, Role::Reviewer)).then(|| PublicationReviewer {
        agency_id: agency,
        actor: p.actor(),
    })
}

/// Approver capability: the role held in `agency` itself.
pub fn approver_of(
    p: &Principal,
    tree: &AgencyTree,
    agency: AgencyId,
) -> Option<PublicationApprover> {
    (tree.contains(agency) && p.has_role_in(agency, Role::Approver)).then(|| PublicationApprover {
        agency_id: agency,
        actor: p.actor(),
    })
}

impl PublicationDrafter {
    pub fn view(&self) -> AgencyStaffView {
        AgencyStaffView {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
}

impl PublicationReviewer {
    pub fn view(&self) -> AgencyStaffView {
        AgencyStaffView {
            agency_id: self.agency_id,
            actor: self.actor.clone(),
        }
    }
}

impl PublicationApprover {
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

    #[test]
    fn handlers_are_handlers_approvers_and_admins() {
        let t = tree();
        for role in [Role::Handler, Role::Approver, Role::Admin] {
            let p = person(&[(4, role)]);
            assert_eq!(
                handler_of(&p, &t, 4).map(|c| c.agency_id()),
                Some(4),
                "{role:?}"
            );
            assert!(
                handler_of(&p, &t, 5).is_none(),
                "{role:?} handles a sibling"
            );
            assert!(
                handler_of(&p, &t, 3).is_none(),
                "{role:?} handles its parent"
            );
        }
        for role in [Role::Drafter, Role::Reviewer, Role::Supervisor] {
            let p = person(&[(4, role)]);
            assert!(handler_of(&p, &t, 4).is_none(), "{role:?}");
        }
        // An admin above handles descendants; a handler above does not.
        assert!(handler_of(&person(&[(3, Role::Admin)]), &t, 4).is_some());
        assert!(handler_of(&person(&[(3, Role::Handler)]), &t, 4).is_none());
        assert!(handler_of(&person(&[(3, Role::Supervisor)]), &t, 4).is_none());
        assert!(handler_of(&person(&[(4, Role::Handler)]), &t, 99).is_none());
    }

    #[test]
    fn drafters_and_reviewers_never_read_applicants() {
        let t = tree();
        for role in [Role::Handler, Role::Approver, Role::Admin, Role::Supervisor] {
            let p = person(&[(4, role)]);
            assert!(application_reader_of(&p, &t, 4).is_some(), "{role:?}");
            assert!(
                application_reader_of(&p, &t, 5).is_none(),
                "{role:?} reads a sibling"
            );
        }
        for role in [Role::Drafter, Role::Reviewer] {
            let p = person(&[(4, role)]);
            assert!(staff_view_of(&p, &t, 4).is_some(), "{role:?} is staff");
            assert!(
                application_reader_of(&p, &t, 4).is_none(),
                "{role:?} reads applicants"
            );
        }
        // Supervisors and admins above read; other roles above do not.
        assert!(application_reader_of(&person(&[(3, Role::Supervisor)]), &t, 4).is_some());
        assert!(application_reader_of(&person(&[(1, Role::Admin)]), &t, 5).is_some());
        assert!(application_reader_of(&person(&[(3, Role::Handler)]), &t, 4).is_none());
        assert!(application_reader_of(&person(&[(4, Role::Supervisor)]), &t, 3).is_none());
    }

    #[test]
    fn records_editors_and_report_reviewers() {
        let t = tree();
        for role in [Role::Approver, Role::Admin] {
            assert!(
                records_editor_of(&person(&[(4, role)]), &t, 4).is_some(),
                "{role:?}"
            );
        }
        for role in [
            Role::Drafter,
            Role::Reviewer,
            Role::Handler,
            Role::Supervisor,
        ] {
            assert!(
                records_editor_of(&person(&[(4, role)]), &t, 4).is_none(),
                "{role:?}"
            );
        }
        assert!(records_editor_of(&person(&[(3, Role::Admin)]), &t, 4).is_some());
        assert!(records_editor_of(&person(&[(3, Role::Approver)]), &t, 4).is_none());
        // Supervisors strictly above review; the agency's own do not.
        assert!(report_reviewer_of(&person(&[(3, Role::Supervisor)]), &t, 4).is_some());
        assert!(report_reviewer_of(&person(&[(1, Role::Supervisor)]), &t, 4).is_some());
        assert!(report_reviewer_of(&person(&[(4, Role::Supervisor)]), &t, 4).is_none());
        assert!(report_reviewer_of(&person(&[(3, Role::Admin)]), &t, 4).is_none());
        assert!(report_reviewer_of(&person(&[(5, Role::Supervisor)]), &t, 4).is_none());
        // The root is reviewed by its own supervisors.
        assert!(report_reviewer_of(&person(&[(1, Role::Supervisor)]), &t, 1).is_some());
    }

    #[test]
    fn rollup_importers_are_supervisors_and_admins_of_it_or_above() {
        let t = tree();
        for role in [Role::Supervisor, Role::Admin] {
            let at = person(&[(3, role)]);
            assert_eq!(
                rollup_importer_of(&at, &t, 3).map(|c| c.agency_id()),
                Some(3),
                "{role:?}"
            );
            assert!(rollup_importer_of(&at, &t, 4).is_some(), "{role:?} below");
            assert!(rollup_importer_of(&at, &t, 1).is_none(), "{role:?} above");
        }
        for role in [Role::Drafter, Role::Reviewer, Role::Handler, Role::Approver] {
            assert!(
                rollup_importer_of(&person(&[(3, role)]), &t, 3).is_none(),
                "{role:?}"
            );
        }
        assert!(rollup_importer_of(&person(&[(4, Role::Supervisor)]), &t, 5).is_none());
        assert!(rollup_importer_of(&person(&[(3, Role::Supervisor)]), &t, 99).is_none());
    }

    #[test]
    fn publication_roles_are_held_in_the_agency_itself() {
        let t = tree();
        let d = person(&[(4, Role::Drafter)]);
        assert_eq!(drafter_of(&d, &t, 4).map(|c| c.agency_id()), Some(4));
        assert!(reviewer_of(&d, &t, 4).is_none());
        assert!(approver_of(&d, &t, 4).is_none());
        let r = person(&[(4, Role::Reviewer)]);
        assert!(reviewer_of(&r, &t, 4).is_some());
        assert!(reviewer_of(&r, &t, 5).is_none(), "reviewer of a sibling");
        assert!(approver_of(&r, &t, 4).is_none());
        let a = person(&[(4, Role::Approver)]);
        assert!(approver_of(&a, &t, 4).is_some());
        assert!(drafter_of(&a, &t, 4).is_none());
        for role in [Role::Admin, Role::Supervisor, Role::Handler] {
            let above = person(&[(3, role), (4, role)]);
            assert!(drafter_of(&above, &t, 4).is_none(), "{role:?}");
            assert!(reviewer_of(&above, &t, 4).is_none(), "{role:?}");
            assert!(approver_of(&above, &t, 4).is_none(), "{role:?}");
        }
        assert!(approver_of(&person(&[(3, Role::Approver)]), &t, 4).is_none());
        assert!(drafter_of(&person(&[(99, Role::Drafter)]), &t, 99).is_none());
    }
}
