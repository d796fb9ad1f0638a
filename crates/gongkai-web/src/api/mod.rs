//! The JSON API under `/api/v1`. Staff authenticate with bearer tokens;
//! OpenAPI 3 is generated from these routes.

mod agencies;
mod applications;
pub mod catalog;
pub(crate) mod json;
mod lookup;
mod oversight;
pub mod public;
mod publications;
mod records;
pub mod reports;
mod rollup;
mod search;

use crate::AppState;
use axum::response::IntoResponse;
use axum::Json;
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use json::ApiJson;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai 政府信息公开平台 API",
        version = "1",
        description = "机关、工作人员及政府信息公开业务的 JSON 接口。工作人员接口使用 `Authorization: Bearer gk_…` 令牌（`gongkai user token` 生成）。错误统一返回 `{\"error\": {\"code\", \"message\"}}`，`code` 为稳定的机器可读代码。"
    ),
    modifiers(&BearerAuth),
    tags((name = "agencies", description = "机关"), (name = "users", description = "工作人员"), (name = "applications", description = "依申请公开"), (name = "reports", description = "政府信息公开工作年度报告"), (name = "intake", description = "网上申请与受理确认"), (name = "publications", description = "主动公开"), (name = "search", description = "全文检索"))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(agencies::agencies_list_get))
        .routes(routes!(agencies::agency_get, agencies::agency_put))
        .routes(routes!(agencies::agency_children_post))
        .routes(routes!(
            agencies::agency_users_get,
            agencies::agency_users_post
        ))
        .routes(routes!(agencies::me_get))
        .routes(routes!(
            applications::agency_applications_get,
            applications::agency_applications_post
        ))
        .routes(routes!(applications::application_get))
        .routes(routes!(applications::application_events_post))
        .routes(routes!(reports::agency_report_get))
        .routes(routes!(records::statistics_get, records::statistics_put))
        .routes(routes!(records::cases_get, records::cases_post))
        .routes(routes!(records::case_put))
        .routes(routes!(records::proposals_get, records::proposals_put))
        .routes(routes!(records::roster_get, records::roster_post))
        .routes(routes!(records::roster_left_post))
        .routes(routes!(records::trainings_get, records::trainings_post))
        .routes(routes!(applications::application_transfer_post))
        .routes(routes!(oversight::agency_dashboard_get))
        .routes(routes!(public::public_applications_post))
        .routes(routes!(public::agency_submissions_get))
        .routes(routes!(public::submission_confirm_post))
        .routes(routes!(public::submission_reject_post))
        .routes(routes!(
            publications::agency_publications_get,
            publications::agency_publications_post
        ))
        .routes(routes!(
            publications::publication_get,
            publications::publication_put
        ))
        .routes(routes!(publications::publication_submit_post))
        .routes(routes!(publications::publication_review_post))
        .routes(routes!(publications::publication_mask_post))
        .routes(routes!(publications::publication_approve_post))
        .routes(routes!(publications::publication_withdraw_post))
        .routes(routes!(publications::publication_repeal_post))
        .routes(routes!(publications::publication_channels_post))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(publications::publication_attachments_post))
                .layer(axum::extract::DefaultBodyLimit::max(
                    publications::MAX_UPLOAD_BYTES,
                )),
        )
        .routes(routes!(rollup::report_imports_get))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(rollup::report_imports_post))
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::pages::rollup::IMPORT_BODY_LIMIT,
                )),
        )
        .routes(routes!(rollup::report_import_delete))
        .routes(routes!(search::search_get))
        .routes(routes!(catalog::catalog_get, catalog::catalog_put))
        .routes(routes!(
            catalog::index_pattern_get,
            catalog::index_pattern_put
        ))
}

/// The OpenAPI document, built once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| router().split_for_parts().1)
}

pub async fn openapi_json_get() -> impl IntoResponse {
    Json(openapi().clone())
}

/// How many decoders [`fuzz_decode`] chooses from.
#[doc(hidden)]
pub(crate) const FUZZ_DECODERS: u8 = 20;

/// One API input decoder per `selector` (see `crate::fuzzing`).
#[doc(hidden)]
pub(crate) async fn fuzz_decode(selector: u8, body: &[u8]) -> bool {
    use crate::fuzzing::{accepted, json, query};
    match selector % FUZZ_DECODERS {
        0 => accepted(json::<agencies::AgencyUpdateJson>(body)).await,
        1 => accepted(json::<agencies::NewAgencyJson>(body)).await,
        2 => accepted(json::<agencies::NewUserJson>(body)).await,
        3 => accepted(json::<applications::NewApplicationJson>(body)).await,
        4 => accepted(json::<applications::NewEventJson>(body)).await,
        5 => accepted(json::<applications::TransferJson>(body)).await,
        6 => query::<applications::ListQuery>(body).is_some(),
        7 => query::<oversight::DashboardQuery>(body).is_some(),
        8 => accepted(json::<public::ConfirmJson>(body)).await,
        9 => accepted(json::<public::PublicApplicationJson>(body)).await,
        10 => accepted(json::<public::RejectJson>(body)).await,
        11 => accepted(json::<publications::ChannelInJson>(body)).await,
        12 => publications::fuzz_input(body).await,
        13 => accepted(json::<publications::ReasonInJson>(body)).await,
        14 => accepted(json::<publications::RepealInJson>(body)).await,
        15 => accepted(json::<publications::ReviewInJson>(body)).await,
        16 => query::<publications::StaffListQuery>(body).is_some(),
        17 => query::<publications::UploadQuery>(body).is_some(),
        18 => accepted(json::<publications::ApproveInJson>(body)).await,
        _ => query::<crate::search::SearchParams>(body)
            .map(|p| p.to_query().is_ok())
            .unwrap_or(false),
    }
}
