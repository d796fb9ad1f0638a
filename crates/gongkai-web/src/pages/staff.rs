//! Staff pages: the home per role, agency and user administration.

use super::portal::{tree_rows, TreeRow};
use super::Nav;
use crate::auth::{Session, StaffSession};
use crate::csrf;
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::access::{admin_of, staff_view_of};
use gongkai_domain::{AgencyAdmin, AgencyDraft, AgencyKind, AgencyTree, OfficeContact, Role};
use gongkai_store::{Agency, AuditEntry, NewUser, StoreError, UserSummary};
use serde::Deserialize;

pub struct RoleInfo {
    pub label: &'static str,
    pub duty: &'static str,
}

pub struct GrantSection {
    pub agency: Agency,
    pub roles: Vec<RoleInfo>,
    pub can_admin: bool,
    /// Reads the agency's applications (queue, dashboard).
    pub reads_applications: bool,
    /// Registers applications.
    pub handles_applications: bool,
    /// Agencies below, for admins and supervisors.
    pub below: Vec<TreeRow>,
}

#[derive(Template)]
#[template(path = "staff_home.html")]
struct StaffHome {
    nav: Nav,
    display_name: String,
    username: String,
    sections: Vec<GrantSection>,
}

pub async fn staff_home_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
) -> Result<Response, PageError> {
    let store = state.store();
    let agencies = store.agencies().await?;
    let tree = store.agency_tree().await?;
    let p = &session.principal;
    let mut agency_ids: Vec<i64> = p.grants.iter().map(|g| g.agency_id).collect();
    agency_ids.dedup();
    let mut sections = Vec::new();
    for id in agency_ids {
        let Some(agency) = agencies.iter().find(|a| a.id == id).cloned() else {
            continue;
        };
        let roles: Vec<Role> = p
            .grants
            .iter()
            .filter(|g| g.agency_id == id)
            .map(|g| g.role)
            .collect();
        let oversees = roles.contains(&Role::Admin) || roles.contains(&Role::Supervisor);
        let below = if oversees {
            let below_ids = tree.descendants_of(id);
            tree_rows(
                agencies
                    .iter()
                    .filter(|a| a.id != id && below_ids.contains(&a.id))
                    .cloned()
                    .collect(),
            )
        } else {
            Vec::new()
        };
        sections.push(GrantSection {
            reads_applications: roles.iter().any(|r| {
                matches!(
                    r,
                    Role::Handler | Role::Approver | Role::Admin | Role::Supervisor
                )
            }),
            handles_applications: roles
                .iter()
                .any(|r| matches!(r, Role::Handler | Role::Approver | Role::Admin)),
            can_admin: roles.contains(&Role::Admin),
            roles: roles
                .iter()
                .map(|r| RoleInfo {
                    label: r.label(),
                    duty: r.duty(),
                })
                .collect(),
            agency,
            below,
        });
    }
    Ok(render(&StaffHome {
        nav: Nav::new(&state, Some(&session)),
        display_name: p.display_name.clone(),
        username: p.username.clone(),
        sections,
    })?
    .into_response())
}

/// Values typed into a form that failed, so nothing is lost on the way back.
#[derive(Default)]
pub struct Prefill {
    pub new_user: NewUserForm,
    pub child: ChildForm,
    pub grant: GrantForm,
}

pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
}

pub struct RoleOption {
    pub value: &'static str,
    pub label: &'static str,
}

pub struct UserRow {
    pub user: UserSummary,
    pub roles: Vec<RoleOption>,
}

#[derive(Template)]
#[template(path = "agency_admin.html")]
struct AgencyPage {
    nav: Nav,
    agency: Agency,
    kind_label: &'static str,
    parent: Option<Agency>,
    children: Vec<Agency>,
    users: Vec<UserRow>,
    can_admin: bool,
    kinds: Vec<KindOption>,
    roles: Vec<RoleOption>,
    notice: Option<&'static str>,
    error: Option<String>,
    error_section: &'static str,
    prefill: Prefill,
    audit: Vec<AuditEntry>,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "agency_updated" => "机关信息已保存。",
        "child_created" => "下级机关已创建。",
        "user_created" => "工作人员账号已创建，请将初始密码安全地告知本人。",
        "role_granted" => "角色已授予。",
        "role_revoked" => "角色已撤销。",
        "user_disabled" => "账号已停用，其所有登录会话已失效。",
        "user_enabled" => "账号已启用。",
        "password_reset" => "密码已重置，该用户需用新密码重新登录。",
        _ => return None,
    })
}

struct Resolved {
    agency: Agency,
    tree: AgencyTree,
}

async fn resolve(state: &AppState, code: &str) -> Result<Resolved, AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = store.agency_tree().await?;
    Ok(Resolved { agency, tree })
}

/// The admin capability for the agency in the URL, or 403/404.
async fn admin_cap(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<(Resolved, AgencyAdmin), AppError> {
    let r = resolve(state, code).await?;
    let cap = admin_of(&session.principal, &r.tree, r.agency.id).ok_or_else(AppError::forbidden)?;
    Ok((r, cap))
}

async fn agency_page(
    state: &AppState,
    session: &Session,
    code: &str,
    notice: Option<&'static str>,
    error: Option<(&'static str, String)>,
    prefill: Prefill,
) -> Result<Response, PageError> {
    let store = state.store();
    let r = resolve(state, code).await?;
    let view =
        staff_view_of(&session.principal, &r.tree, r.agency.id).ok_or_else(AppError::forbidden)?;
    let can_admin = admin_of(&session.principal, &r.tree, r.agency.id).is_some();
    let all = store.agencies().await?;
    let parent = r
        .agency
        .parent_id
        .and_then(|pid| all.iter().find(|a| a.id == pid).cloned());
    let children: Vec<Agency> = all
        .iter()
        .filter(|a| a.parent_id == Some(r.agency.id))
        .cloned()
        .collect();
    let users = store
        .users_of_agency(&view)
        .await?
        .into_iter()
        .map(|u| UserRow {
            roles: u
                .roles
                .iter()
                .map(|r| RoleOption {
                    value: r.as_str(),
                    label: r.label(),
                })
                .collect(),
            user: u,
        })
        .collect();
    let oversees = can_admin
        || session
            .principal
            .grants
            .iter()
            .any(|g| g.role == Role::Supervisor && r.tree.is_within(r.agency.id, g.agency_id));
    let audit = if oversees {
        store.audit_entries(&view, 20).await?
    } else {
        Vec::new()
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (error_section, error) = match error {
        Some((section, message)) => (section, Some(message)),
        None => ("", None),
    };
    let page = render(&AgencyPage {
        nav: Nav::new(state, Some(session)),
        kind_label: r.agency.kind.label(),
        agency: r.agency,
        parent,
        children,
        users,
        can_admin,
        kinds: AgencyKind::ALL
            .iter()
            .map(|k| KindOption {
                value: k.as_str(),
                label: k.label(),
            })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| RoleOption {
                value: r.as_str(),
                label: r.label(),
            })
            .collect(),
        notice,
        error,
        error_section,
        prefill,
        audit,
        csrf_token: session.csrf_token.clone(),
    })?;
    Ok((status, page).into_response())
}

pub async fn agency_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let notice = q.notice.as_deref().and_then(notice_text);
    agency_page(&state, &session, &code, notice, None, Prefill::default()).await
}

fn done(code: &str, notice: &str) -> Response {
    Redirect::to(&format!("/admin/agencies/{code}?notice={notice}")).into_response()
}

/// A store error that the person can fix is shown on the page with their
/// input kept; anything else becomes an error page.
async fn or_show(
    state: &AppState,
    session: &Session,
    code: &str,
    section: &'static str,
    prefill: Prefill,
    e: StoreError,
) -> Result<Response, PageError> {
    match e {
        StoreError::Invalid(m) | StoreError::Conflict(m) => {
            agency_page(state, session, code, None, Some((section, m)), prefill).await
        }
        StoreError::NotFound { .. } => {
            agency_page(
                state,
                session,
                code,
                None,
                Some((section, e.to_string())),
                prefill,
            )
            .await
        }
        other => Err(PageError::from(other)),
    }
}

fn parse_kind(s: &str) -> Result<AgencyKind, AppError> {
    AgencyKind::parse(s)
        .ok_or_else(|| AppError::bad_request("invalid_input", format!("机关层级“{s}”无效")))
}

fn parse_user_id(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>().map_err(|_| {
        AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("用户编号“{s}”无效"),
        )
    })
}

fn parse_role(s: &str) -> Result<Role, AppError> {
    Role::parse(s).ok_or_else(|| AppError::bad_request("invalid_input", format!("角色“{s}”无效")))
}

#[derive(Deserialize)]
pub struct AgencyForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    org_code: String,
    #[serde(default)]
    office_address: String,
    #[serde(default)]
    office_hours: String,
    #[serde(default)]
    office_phone: String,
    #[serde(default)]
    office_fax: String,
    #[serde(default)]
    office_email: String,
}

pub async fn agency_update_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<AgencyForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (r, cap) = admin_cap(&state, &session, &code).await?;
    let draft = AgencyDraft {
        code: r.agency.code.clone(),
        kind: parse_kind(&f.kind)?,
        name: f.name,
        short_name: f.short_name,
        org_code: f.org_code,
        office: OfficeContact {
            address: f.office_address,
            hours: f.office_hours,
            phone: f.office_phone,
            fax: f.office_fax,
            email: f.office_email,
        },
    };
    match state.store().update_agency(&cap, draft).await {
        Ok(_) => Ok(done(&code, "agency_updated")),
        Err(e) => or_show(&state, &session, &code, "agency", Prefill::default(), e).await,
    }
}

#[derive(Deserialize, Default)]
pub struct ChildForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub org_code: String,
}

pub async fn agency_children_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<ChildForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (_, cap) = admin_cap(&state, &session, &code).await?;
    let draft = AgencyDraft {
        code: f.code.clone(),
        kind: parse_kind(&f.kind)?,
        name: f.name.clone(),
        short_name: f.short_name.clone(),
        org_code: f.org_code.clone(),
        office: OfficeContact::default(),
    };
    match state.store().create_child_agency(&cap, draft).await {
        Ok(_) => Ok(done(&code, "child_created")),
        Err(e) => {
            let prefill = Prefill {
                child: f,
                ..Prefill::default()
            };
            or_show(&state, &session, &code, "child", prefill, e).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
}

pub async fn agency_users_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<NewUserForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (_, cap) = admin_cap(&state, &session, &code).await?;
    let role = parse_role(&f.role)?;
    let new = NewUser {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        password: f.password.clone(),
    };
    match state.store().create_user(&cap, new, role).await {
        Ok(_) => Ok(done(&code, "user_created")),
        Err(e) => {
            // The password is not echoed back into the page.
            let prefill = Prefill {
                new_user: NewUserForm {
                    password: String::new(),
                    ..f
                },
                ..Prefill::default()
            };
            or_show(&state, &session, &code, "user", prefill, e).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct GrantForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub role: String,
}

pub async fn agency_roles_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<GrantForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (_, cap) = admin_cap(&state, &session, &code).await?;
    let role = parse_role(&f.role)?;
    match state.store().grant_role(&cap, &f.username, role).await {
        Ok(()) => Ok(done(&code, "role_granted")),
        Err(e) => {
            let prefill = Prefill {
                grant: f,
                ..Prefill::default()
            };
            or_show(&state, &session, &code, "grant", prefill, e).await
        }
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    disabled: String,
}

pub async fn user_status_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, user_id)): Path<(String, String)>,
    ValidForm(f): ValidForm<StatusForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let user_id = parse_user_id(&user_id)?;
    let (_, cap) = admin_cap(&state, &session, &code).await?;
    let disabled = f.disabled == "1";
    match state
        .store()
        .set_user_disabled(&cap, user_id, disabled)
        .await
    {
        Ok(()) => Ok(done(
            &code,
            if disabled {
                "user_disabled"
            } else {
                "user_enabled"
            },
        )),
        Err(e) => or_show(&state, &session, &code, "users", Prefill::default(), e).await,
    }
}

#[derive(Deserialize)]
pub struct PasswordResetForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    password: String,
}

pub async fn user_password_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, user_id)): Path<(String, String)>,
    ValidForm(f): ValidForm<PasswordResetForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let user_id = parse_user_id(&user_id)?;
    let (_, cap) = admin_cap(&state, &session, &code).await?;
    match state.store().set_password(&cap, user_id, f.password).await {
        Ok(()) => Ok(done(&code, "password_reset")),
        Err(e) => or_show(&state, &session, &code, "users", Prefill::default(), e).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn user_role_revoke_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, user_id, role)): Path<(String, String, String)>,
    ValidForm(f): ValidForm<CsrfForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let user_id = parse_user_id(&user_id)?;
    let (_, cap) = admin_cap(&state, &session, &code).await?;
    let role = parse_role(&role)?;
    if role == Role::Admin && cap.actor().user_id == Some(user_id) {
        return agency_page(
            &state,
            &session,
            &code,
            None,
            Some((
                "users",
                "不能撤销自己的管理员角色，请由其他管理员操作".to_string(),
            )),
            Prefill::default(),
        )
        .await;
    }
    match state.store().revoke_role(&cap, user_id, role).await {
        Ok(()) => Ok(done(&code, "role_revoked")),
        Err(e) => or_show(&state, &session, &code, "users", Prefill::default(), e).await,
    }
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    nav: Nav,
    csrf_token: String,
    error: Option<String>,
    done: bool,
}

pub async fn password_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
) -> Result<Response, PageError> {
    Ok(render(&PasswordPage {
        nav: Nav::new(&state, Some(&session)),
        csrf_token: session.csrf_token.clone(),
        error: None,
        done: false,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct OwnPasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    old_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

pub async fn password_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    ValidForm(f): ValidForm<OwnPasswordForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let error = if f.new_password != f.new_password_again {
        Some("两次输入的新密码不一致".to_string())
    } else {
        match state
            .store()
            .change_own_password(&session.principal, f.old_password, f.new_password)
            .await
        {
            Ok(()) => None,
            Err(StoreError::Invalid(m)) => Some(m),
            Err(e) => return Err(e.into()),
        }
    };
    let ok = error.is_none();
    let page = render(&PasswordPage {
        nav: Nav::new(&state, if ok { None } else { Some(&session) }),
        csrf_token: session.csrf_token.clone(),
        error,
        done: ok,
    })?;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, page).into_response())
}
