//! Server-rendered pages: one askama struct per page.

mod application_detail;
pub mod applications_queue;
mod apply;
pub(crate) mod dashboard;
mod intake_staff;
mod letter_templates;
mod login;
mod portal;
pub mod reports;
mod rollup;
mod staff;
mod track;

use crate::auth::Session;
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

/// What the page header needs: who is signed in, and the token for the logout form.
pub struct Nav {
    pub site_name: String,
    pub user: Option<String>,
    pub csrf_token: String,
}

impl Nav {
    pub fn new(state: &AppState, session: Option<&Session>) -> Nav {
        Nav {
            site_name: state.config().site_name.clone(),
            user: session.map(|s| s.principal.display_name.clone()),
            csrf_token: session.map(|s| s.csrf_token.clone()).unwrap_or_default(),
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(portal::portal_home_get))
        .route("/login", get(login::login_get).post(login::login_post))
        .route("/logout", post(login::logout_post))
        .route("/admin", get(staff::staff_home_get))
        .route(
            "/apply",
            get(apply::apply_get).post(apply::apply_post).layer(
                axum::extract::DefaultBodyLimit::max(apply::APPLY_BODY_LIMIT),
            ),
        )
        .route("/track", get(track::track_get).post(track::track_post))
        .route(
            "/admin/agencies/{agency}/applications/pending",
            get(intake_staff::pending_get),
        )
        .route(
            "/admin/agencies/{agency}/applications/pending/{id}/confirm",
            post(intake_staff::confirm_post),
        )
        .route(
            "/admin/agencies/{agency}/applications/pending/{id}/reject",
            post(intake_staff::reject_post),
        )
        .route(
            "/admin/agencies/{agency}/attachments/{id}",
            get(intake_staff::attachment_get),
        )
        .route(
            "/admin/password",
            get(staff::password_get).post(staff::password_post),
        )
        .route(
            "/admin/agencies/{agency}",
            get(staff::agency_get).post(staff::agency_update_post),
        )
        .route(
            "/admin/agencies/{agency}/applications",
            get(applications_queue::applications_queue_get),
        )
        .route(
            "/admin/agencies/{agency}/applications/new",
            get(applications_queue::application_register_get)
                .post(applications_queue::application_register_post),
        )
        .route(
            "/admin/agencies/{agency}/dashboard",
            get(dashboard::agency_dashboard_get),
        )
        .route(
            "/admin/agencies/{agency}/children",
            post(staff::agency_children_post),
        )
        .route(
            "/admin/agencies/{agency}/users",
            post(staff::agency_users_post),
        )
        .route(
            "/admin/agencies/{agency}/roles",
            post(staff::agency_roles_post),
        )
        .route(
            "/admin/agencies/{agency}/users/{user}/status",
            post(staff::user_status_post),
        )
        .route(
            "/admin/agencies/{agency}/users/{user}/password",
            post(staff::user_password_post),
        )
        .route(
            "/admin/agencies/{agency}/users/{user}/roles/{role}/revoke",
            post(staff::user_role_revoke_post),
        )
        .route(
            "/admin/agencies/{agency}/reports",
            get(reports::staff_reports_get),
        )
        .route(
            "/admin/agencies/{agency}/reports/{year}",
            get(reports::staff_report_get),
        )
        .route(
            "/admin/agencies/{agency}/reports/{year}/rollup",
            get(rollup::rollup_get),
        )
        .route(
            "/admin/agencies/{agency}/reports/{year}/rollup.xlsx",
            get(rollup::rollup_xlsx_get),
        )
        .route(
            "/admin/agencies/{agency}/reports/{year}/import",
            post(reports::staff_import_post),
        )
        .route(
            "/admin/agencies/{agency}/reports/{year}/{action}",
            post(reports::staff_action_post),
        )
        .route(
            "/admin/agencies/{agency}/reports/{year}/{action}/{id}",
            post(reports::staff_item_action_post),
        )
        .route("/{agency}/xxgk/reports", get(reports::public_list_get))
        .route(
            "/{agency}/xxgk/reports/{file}",
            get(reports::public_report_get),
        )
        .route(
            "/admin/applications/{id}",
            get(application_detail::application_get),
        )
        .route(
            "/admin/applications/{id}/events",
            post(application_detail::application_events_post),
        )
        .route(
            "/admin/applications/{id}/transfer",
            post(application_detail::application_transfer_post),
        )
        .route(
            "/admin/applications/{id}/letters/{file}",
            get(application_detail::letter_get),
        )
        .route(
            "/admin/agencies/{agency}/letter-templates",
            get(letter_templates::letter_templates_get),
        )
        .route(
            "/admin/agencies/{agency}/letter-templates/settings",
            post(letter_templates::letter_settings_post),
        )
        .route(
            "/admin/agencies/{agency}/letter-templates/{key}",
            post(letter_templates::letter_template_post),
        )
        .route(
            "/admin/agencies/{agency}/letter-templates/{key}/reset",
            post(letter_templates::letter_template_reset_post),
        )
}
