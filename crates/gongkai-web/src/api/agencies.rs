//! Agencies and their staff over JSON.

use super::ApiJson;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gongkai_domain::access::{admin_of, staff_view_of};
use gongkai_domain::{
    AgencyAdmin, AgencyDraft, AgencyKind, AgencyStaffView, AgencyTree, OfficeContact, Role,
};
use gongkai_store::{Agency, NewUser, UserSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, Deserialize, ToSchema, Default)]
pub struct OfficeJson {
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub fax: String,
    #[serde(default)]
    pub email: String,
}

impl From<OfficeJson> for OfficeContact {
    fn from(o: OfficeJson) -> Self {
        OfficeContact {
            address: o.address,
            hours: o.hours,
            phone: o.phone,
            fax: o.fax,
            email: o.email,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgencyJson {
    /// Code used in URLs, e.g. `gulou`.
    pub code: String,
    /// Code of the parent agency.
    pub parent: Option<String>,
    /// One of `province`, `city`, `district`, `subdistrict`, `town`, `department`.
    pub kind: String,
    pub name: String,
    pub short_name: String,
    /// 机构代码 (used in 索引号).
    pub org_code: String,
    pub office: OfficeJson,
}

fn agency_json(a: &Agency, all: &[Agency]) -> AgencyJson {
    AgencyJson {
        code: a.code.clone(),
        parent: a
            .parent_id
            .and_then(|p| all.iter().find(|x| x.id == p))
            .map(|p| p.code.clone()),
        kind: a.kind.as_str().to_string(),
        name: a.name.clone(),
        short_name: a.short_name.clone(),
        org_code: a.org_code.clone(),
        office: OfficeJson {
            address: a.office.address.clone(),
            hours: a.office.hours.clone(),
            phone: a.office.phone.clone(),
            fax: a.office.fax.clone(),
            email: a.office.email.clone(),
        },
    }
}

/// Every agency on the platform (public).
#[utoipa::path(get, path = "/api/v1/agencies", tag = "agencies",
    responses((status = 200, description = "机关列表，上级在前", body = Vec<AgencyJson>)))]
pub async fn agencies_list_get(
    State(state): State<AppState>,
) -> Result<Json<Vec<AgencyJson>>, ApiError> {
    let all = state.store().agencies().await?;
    Ok(Json(all.iter().map(|a| agency_json(a, &all)).collect()))
}

async fn find(state: &AppState, code: &str) -> Result<(Agency, Vec<Agency>, AgencyTree), AppError> {
    let all = state.store().agencies().await?;
    let agency = all
        .iter()
        .find(|a| a.code == code)
        .cloned()
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = AgencyTree::new(all.iter().map(|a| (a.id, a.parent_id)));
    Ok((agency, all, tree))
}

async fn admin(
    state: &AppState,
    p: &ApiPrincipal,
    code: &str,
) -> Result<(Agency, Vec<Agency>, AgencyAdmin), AppError> {
    let (agency, all, tree) = find(state, code).await?;
    let cap = admin_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    Ok((agency, all, cap))
}

async fn viewer(
    state: &AppState,
    p: &ApiPrincipal,
    code: &str,
) -> Result<AgencyStaffView, AppError> {
    let (agency, _, tree) = find(state, code).await?;
    staff_view_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)
}

/// One agency with its disclosure-office contacts (public).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}", tag = "agencies",
    params(("agency" = String, Path, description = "机关代码")),
    responses((status = 200, body = AgencyJson), (status = 404, body = ErrorBody)))]
pub async fn agency_get(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<AgencyJson>, ApiError> {
    let (agency, all, _) = find(&state, &code).await?;
    Ok(Json(agency_json(&agency, &all)))
}

#[derive(Deserialize, ToSchema)]
pub struct AgencyUpdateJson {
    /// One of `province`, `city`, `district`, `subdistrict`, `town`, `department`.
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub org_code: String,
    #[serde(default)]
    pub office: OfficeJson,
}

fn kind_of(s: &str) -> Result<AgencyKind, AppError> {
    AgencyKind::parse(s).ok_or_else(|| {
        AppError::bad_request(
            "invalid_input",
            format!("字段 kind 的值“{s}”无效，应为 province、city、district、subdistrict、town 或 department"),
        )
    })
}

/// Changes an agency's names, organisation code and office contacts (admin of it or above).
#[utoipa::path(put, path = "/api/v1/agencies/{agency}", tag = "agencies", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = AgencyUpdateJson,
    responses((status = 200, body = AgencyJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agency_put(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<AgencyUpdateJson>,
) -> Result<Json<AgencyJson>, ApiError> {
    let (agency, _, cap) = admin(&state, &p, &code).await?;
    let draft = AgencyDraft {
        code: agency.code.clone(),
        kind: kind_of(&body.kind)?,
        name: body.name,
        short_name: body.short_name,
        org_code: body.org_code,
        office: body.office.into(),
    };
    let updated = state.store().update_agency(&cap, draft).await?;
    let all = state.store().agencies().await?;
    Ok(Json(agency_json(&updated, &all)))
}

#[derive(Deserialize, ToSchema)]
pub struct NewAgencyJson {
    /// Lower-case letters, digits and hyphens; used in URLs.
    pub code: String,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub org_code: String,
    #[serde(default)]
    pub office: OfficeJson,
}

/// Creates an agency below this one (admin of it or above).
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/children", tag = "agencies", security(("bearer" = [])),
    params(("agency" = String, Path, description = "上级机关代码")),
    request_body = NewAgencyJson,
    responses((status = 201, body = AgencyJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn agency_children_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<NewAgencyJson>,
) -> Result<(StatusCode, Json<AgencyJson>), ApiError> {
    let (_, _, cap) = admin(&state, &p, &code).await?;
    let draft = AgencyDraft {
        code: body.code,
        kind: kind_of(&body.kind)?,
        name: body.name,
        short_name: body.short_name,
        org_code: body.org_code,
        office: body.office.into(),
    };
    let created = state.store().create_child_agency(&cap, draft).await?;
    let all = state.store().agencies().await?;
    Ok((StatusCode::CREATED, Json(agency_json(&created, &all))))
}

#[derive(Serialize, ToSchema)]
pub struct UserJson {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    /// Roles held in this agency: `admin`, `drafter`, `reviewer`, `approver`, `handler`, `supervisor`.
    pub roles: Vec<String>,
}

fn user_json(u: UserSummary) -> UserJson {
    UserJson {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        disabled: u.disabled,
        roles: u.roles.iter().map(|r| r.as_str().to_string()).collect(),
    }
}

/// Staff of an agency (its members, and admins or supervisors above it).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/users", tag = "users", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    responses((status = 200, body = Vec<UserJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agency_users_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Vec<UserJson>>, ApiError> {
    let view = viewer(&state, &p, &code).await?;
    let users = state.store().users_of_agency(&view).await?;
    Ok(Json(users.into_iter().map(user_json).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserJson {
    pub username: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    /// `admin`, `drafter`, `reviewer`, `approver`, `handler` or `supervisor`.
    pub role: String,
}

/// Creates a staff account with a role in this agency (admin of it or above).
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/users", tag = "users", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = NewUserJson,
    responses((status = 201, body = UserJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn agency_users_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<NewUserJson>,
) -> Result<(StatusCode, Json<UserJson>), ApiError> {
    let (_, _, cap) = admin(&state, &p, &code).await?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        AppError::bad_request(
            "invalid_input",
            format!("字段 role 的值“{}”无效", body.role),
        )
    })?;
    let user = state
        .store()
        .create_user(
            &cap,
            NewUser {
                username: body.username,
                display_name: body.display_name,
                password: body.password,
            },
            role,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user_json(user))))
}

#[derive(Serialize, ToSchema)]
pub struct GrantJson {
    pub agency: String,
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeJson {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<GrantJson>,
}

/// The token's user and roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = MeJson), (status = 401, body = ErrorBody)))]
pub async fn me_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
) -> Result<Json<MeJson>, ApiError> {
    let all = state.store().agencies().await?;
    let grants =
        p.0.grants
            .iter()
            .filter_map(|g| {
                all.iter().find(|a| a.id == g.agency_id).map(|a| GrantJson {
                    agency: a.code.clone(),
                    role: g.role.as_str().to_string(),
                })
            })
            .collect();
    Ok(Json(MeJson {
        id: p.0.user_id,
        username: p.0.username.clone(),
        display_name: p.0.display_name.clone(),
        grants,
    }))
}
