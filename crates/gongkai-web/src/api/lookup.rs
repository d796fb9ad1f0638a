//! The agency a path names, and the staff capability over it: the first
//! step of most agency-scoped endpoints, defined once.

use crate::auth::ApiPrincipal;
use crate::error::AppError;
use crate::AppState;
use gongkai_domain::access::staff_view_of;
use gongkai_domain::{AgencyStaffView, AgencyTree};
use gongkai_store::Agency;

/// The agency with code `code` (404 `agency_not_found`) and the agency tree
/// the capability checks need.
pub(super) async fn agency_and_tree(
    state: &AppState,
    code: &str,
) -> Result<(Agency, AgencyTree), AppError> {
    let all = state.store().agencies().await?;
    let agency = all
        .iter()
        .find(|a| a.code == code)
        .cloned()
        .ok_or_else(|| AppError::agency_not_found(code))?;
    Ok((
        agency,
        AgencyTree::new(all.iter().map(|a| (a.id, a.parent_id))),
    ))
}

/// Read access to the agency's staff data (its members; admins and
/// supervisors above it), else 403.
pub(super) async fn viewer(
    state: &AppState,
    p: &ApiPrincipal,
    code: &str,
) -> Result<AgencyStaffView, AppError> {
    let (agency, tree) = agency_and_tree(state, code).await?;
    staff_view_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)
}
