//! Server-rendered pages: one askama struct per page.

mod application_detail;
pub mod applications_queue;
mod apply;
mod catalog_admin;
pub(crate) mod dashboard;
mod intake_staff;
mod kiosk;
mod letter_templates;
mod login;
mod portal;
mod publications_staff;
pub mod reports;
pub(crate) mod rollup;
mod search;
mod staff;
mod track;
mod xxgk;

use crate::auth::Session;
use crate::routes::{get, post, Routes};
use crate::AppState;

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

/// Largest multipart upload of the publication form (attachments).
pub const UPLOAD_LIMIT: usize = 42 * 1024 * 1024;

/// The page routes. Add a page here, with this module's `get`/`post`: the
/// list is also what the authorization matrix test walks.
pub fn routes() -> Routes {
    Routes::new()
        .route("/", get(portal::portal_home_get))
        .route("/search", get(search::search_page_get))
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
            "/admin/agencies/{agency}/reports/{year}/rollup/imports",
            post(rollup::import_post).layer(axum::extract::DefaultBodyLimit::max(
                rollup::IMPORT_BODY_LIMIT,
            )),
        )
        .route(
            "/admin/agencies/{agency}/reports/{year}/rollup/imports/{id}/delete",
            post(rollup::import_delete_post),
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
        .route(
            "/admin/agencies/{agency}/publications",
            get(publications_staff::publications_staff_list_get)
                .post(publications_staff::publication_create_post)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/admin/agencies/{agency}/publications/new",
            get(publications_staff::publication_new_get),
        )
        .route(
            "/admin/agencies/{agency}/publications/ledger",
            get(publications_staff::publication_ledger_get),
        )
        .route(
            "/admin/agencies/{agency}/publications/ledger.xlsx",
            get(publications_staff::publication_ledger_xlsx_get),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}",
            get(publications_staff::publication_staff_get)
                .post(publications_staff::publication_update_post)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/edit",
            get(publications_staff::publication_edit_get),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/submit",
            post(publications_staff::publication_submit_post),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/mask",
            post(publications_staff::publication_mask_post),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/review",
            post(publications_staff::publication_review_post),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/approve",
            post(publications_staff::publication_approve_post),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/withdraw",
            post(publications_staff::publication_withdraw_post),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/repeal",
            post(publications_staff::publication_repeal_post),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/channels",
            post(publications_staff::publication_channel_post),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/attachments/{attachment}",
            get(publications_staff::publication_attachment_get),
        )
        .route(
            "/admin/agencies/{agency}/publications/{id}/attachments/{attachment}/delete",
            post(publications_staff::publication_detach_post),
        )
        .route(
            "/admin/agencies/{agency}/catalog",
            get(catalog_admin::catalog_admin_get).post(catalog_admin::catalog_admin_post),
        )
        .route(
            "/admin/agencies/{agency}/index-pattern",
            post(catalog_admin::index_pattern_post),
        )
        .route(
            "/admin/agencies/{agency}/xxgk",
            get(xxgk::xxgk_admin_get).post(xxgk::xxgk_admin_post),
        )
        .route("/{agency}/xxgk", get(xxgk::xxgk_redirect_get))
        .route("/{agency}/xxgk/", get(xxgk::xxgk_home_get))
        .route("/{agency}/xxgk/gkzn", get(xxgk::xxgk_guide_get))
        .route("/{agency}/xxgk/gkzd", get(xxgk::xxgk_system_get))
        .route("/{agency}/xxgk/fdzdgknr", get(xxgk::xxgk_list_get))
        .route("/{agency}/xxgk/feed.xml", get(xxgk::xxgk_feed_get))
        .route("/{agency}/xxgk/{id}", get(xxgk::xxgk_item_get))
        .route(
            "/{agency}/xxgk/{id}/attachments/{attachment}",
            get(xxgk::xxgk_attachment_get),
        )
        .route("/kiosk", get(kiosk::kiosk_home_get))
        .route("/kiosk/{agency}", get(kiosk::kiosk_agency_get))
        .route("/kiosk/{agency}/{id}", get(kiosk::kiosk_item_get))
}

/// How many decoders [`fuzz_decode`] chooses from.
#[doc(hidden)]
pub(crate) const FUZZ_DECODERS: u8 = 40;

/// One page input decoder per `selector` (see `crate::fuzzing`).
#[doc(hidden)]
pub(crate) async fn fuzz_decode(selector: u8, body: &[u8]) -> bool {
    use crate::fuzzing::{accepted, form, query};
    use std::collections::HashMap;
    match selector % FUZZ_DECODERS {
        0 => accepted(form::<application_detail::EventForm>(body)).await,
        1 => accepted(form::<applications_queue::RegisterForm>(body)).await,
        2 => accepted(form::<intake_staff::ConfirmForm>(body)).await,
        3 => accepted(form::<intake_staff::RejectForm>(body)).await,
        4 => accepted(form::<letter_templates::CsrfForm>(body)).await,
        5 => accepted(form::<letter_templates::SettingsForm>(body)).await,
        6 => accepted(form::<letter_templates::TemplateForm>(body)).await,
        7 => accepted(form::<login::LoginForm>(body)).await,
        8 => accepted(form::<login::LogoutForm>(body)).await,
        9 => accepted(form::<publications_staff::ActionForm>(body)).await,
        10 => accepted(form::<HashMap<String, String>>(body)).await,
        11 => accepted(form::<staff::AgencyForm>(body)).await,
        12 => accepted(form::<staff::ChildForm>(body)).await,
        13 => accepted(form::<staff::CsrfForm>(body)).await,
        14 => accepted(form::<staff::GrantForm>(body)).await,
        15 => accepted(form::<staff::NewUserForm>(body)).await,
        16 => accepted(form::<staff::OwnPasswordForm>(body)).await,
        17 => accepted(form::<staff::PasswordResetForm>(body)).await,
        18 => accepted(form::<staff::StatusForm>(body)).await,
        19 => accepted(form::<track::TrackForm>(body)).await,
        20 => accepted(form::<xxgk::AdminForm>(body)).await,
        21 => query::<application_detail::NoticeQuery>(body).is_some(),
        22 => query::<applications_queue::QueueQuery>(body).is_some(),
        23 => query::<apply::ApplyQuery>(body).is_some(),
        24 => query::<dashboard::DashboardQuery>(body).is_some(),
        25 => query::<intake_staff::PendingQuery>(body).is_some(),
        26 => query::<letter_templates::TemplatesQuery>(body).is_some(),
        27 => query::<login::LoginQuery>(body).is_some(),
        28 => query::<publications_staff::ListQuery>(body).is_some(),
        29 => query::<publications_staff::NoticeQuery>(body).is_some(),
        30 => publications_staff::fuzz_input(1, body).await,
        31 => query::<reports::NoticeQuery>(body).is_some(),
        32 => query::<staff::NoticeQuery>(body).is_some(),
        33 => query::<xxgk::AdminQuery>(body).is_some(),
        34 => query::<xxgk::FeedQuery>(body).is_some(),
        35 => query::<xxgk::ListQuery>(body).is_some(),
        36 => apply::fuzz_input(body).await,
        37 => publications_staff::fuzz_input(0, body).await,
        38 => query::<crate::search::SearchParams>(body)
            .map(|p| p.to_query().is_ok())
            .unwrap_or(false),
        _ => accepted(form::<crate::search::SearchParams>(body)).await,
    }
}
