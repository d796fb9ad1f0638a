//! Pure rules of government information disclosure. No I/O lives here.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod access;
pub mod agency;
pub mod annual;
pub mod applicant;
pub mod catalog;
pub mod clock;
pub mod details;
pub mod fees;
pub mod figures;
pub mod identity;
pub mod intake;
pub mod letters;
pub mod outcome;
pub mod oversight;
pub mod pii;
pub mod publication;
pub mod records;
pub mod role;
pub mod user;

pub use access::{
    Actor, AgencyAdmin, AgencyHandler, AgencyStaffView, ApplicationReader, ConsoleOperator, Grant,
    Principal, PublicationApprover, PublicationDrafter, PublicationReviewer, RecordsEditor,
    ReportReviewer, RollupImporter, UserId,
};
pub use agency::{AgencyDraft, AgencyId, AgencyKind, AgencyTree, OfficeContact};
pub use role::Role;
