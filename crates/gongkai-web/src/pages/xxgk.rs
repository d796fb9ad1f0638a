//! The public 政府信息公开专栏 of an agency (`/{agency}/xxgk/`): the
//! 政府信息公开指南 (the admin's text, the Art. 12 contents and the office
//! contacts from the agency record), the 政府信息公开制度, the
//! 法定主动公开内容 lists (catalog → category, year, validity, pages), item
//! pages with their metadata block and `ArticleTitle` / `PubDate` /
//! `ContentSource` meta tags, attachment downloads and Atom feeds. Only
//! published and repealed items are ever shown (the store's public reads).

use super::publications_staff::{download, humanize, opt_date_text};
use super::Nav;
use crate::auth::{MaybeSession, StaffSession};
use crate::csrf;
use crate::dates::date_text;
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::middleware::public_cache::cacheable;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::access::admin_of;
use gongkai_domain::catalog::{
    category_path, Category, ANNUAL_REPORT_KEY, GUIDE_KEY, STATUTORY_KEY, SYSTEM_KEY,
};
use gongkai_domain::publication::{PublicationStatus, Validity};
use gongkai_store::{Agency, Publication, PublicationListItem, PublicationQuery, XxgkText};
use serde::Deserialize;

/// Items per page of a public list.
pub const PER_PAGE: u32 = 20;

pub async fn public_agency(state: &AppState, code: &str) -> Result<Agency, AppError> {
    state
        .store()
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))
}

/// One line of the 专栏 menu.
pub struct MenuLine {
    pub name: String,
    pub href: String,
    pub depth: usize,
    pub current: bool,
}

/// The 专栏 menu: the four sub-columns, with the catalog below 法定主动公开内容.
pub fn menu(agency: &Agency, catalog: &[Category], current: &str) -> Vec<MenuLine> {
    let base = format!("/{}/xxgk", agency.code);
    catalog
        .iter()
        .map(|c| {
            let depth = category_path(catalog, &c.key).len().saturating_sub(1);
            let href = match c.key.as_str() {
                GUIDE_KEY => format!("{base}/gkzn"),
                SYSTEM_KEY => format!("{base}/gkzd"),
                ANNUAL_REPORT_KEY => format!("{base}/reports"),
                STATUTORY_KEY => format!("{base}/fdzdgknr"),
                k => format!("{base}/fdzdgknr?category={k}"),
            };
            MenuLine {
                current: c.key == current,
                name: if c.key == ANNUAL_REPORT_KEY {
                    "政府信息公开年报".to_string()
                } else {
                    c.name.clone()
                },
                href,
                depth,
            }
        })
        .collect()
}

/// Paragraphs of a stored plain text.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

// ---- 专栏 home ----

#[derive(Template)]
#[template(path = "xxgk_home.html")]
struct HomePage {
    nav: Nav,
    agency: Agency,
    menu: Vec<MenuLine>,
    latest: Vec<PublicationListItem>,
}

pub async fn xxgk_home_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let agency = public_agency(&state, &code).await?;
    let catalog = state.store().catalog(agency.id).await?;
    let latest = state
        .store()
        .public_publications(
            agency.id,
            &PublicationQuery {
                page: 1,
                per_page: 10,
                ..PublicationQuery::default()
            },
        )
        .await?
        .items;
    Ok(cacheable(render(&HomePage {
        nav: Nav::new(&state, session.as_ref()),
        menu: menu(&agency, &catalog, ""),
        agency,
        latest,
    })?))
}

pub async fn xxgk_redirect_get(Path(code): Path<String>) -> Response {
    Redirect::permanent(&format!("/{}/xxgk/", crate::auth::url_encode(&code))).into_response()
}

// ---- 指南 and 制度 ----

#[derive(Template)]
#[template(path = "xxgk_guide.html")]
struct GuidePage {
    nav: Nav,
    agency: Agency,
    menu: Vec<MenuLine>,
    text: Vec<String>,
    categories: Vec<MenuLine>,
}

pub async fn xxgk_guide_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let agency = public_agency(&state, &code).await?;
    let catalog = state.store().catalog(agency.id).await?;
    let text = state.store().xxgk_text(agency.id, XxgkText::Guide).await?;
    let menu_lines = menu(&agency, &catalog, GUIDE_KEY);
    let categories = menu(&agency, &catalog, "")
        .into_iter()
        .filter(|m| m.depth > 0)
        .collect();
    Ok(render(&GuidePage {
        nav: Nav::new(&state, session.as_ref()),
        menu: menu_lines,
        text: paragraphs(&text),
        categories,
        agency,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "xxgk_system.html")]
struct SystemPage {
    nav: Nav,
    agency: Agency,
    menu: Vec<MenuLine>,
    text: Vec<String>,
}

pub async fn xxgk_system_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let agency = public_agency(&state, &code).await?;
    let catalog = state.store().catalog(agency.id).await?;
    let text = state.store().xxgk_text(agency.id, XxgkText::System).await?;
    Ok(render(&SystemPage {
        nav: Nav::new(&state, session.as_ref()),
        menu: menu(&agency, &catalog, SYSTEM_KEY),
        text: paragraphs(&text),
        agency,
    })?
    .into_response())
}

// ---- lists ----

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub category: Option<String>,
    pub year: Option<String>,
    pub validity: Option<String>,
    pub page: Option<String>,
}

/// The checked filters of a list, or a Chinese message naming the bad one.
pub struct Filters {
    pub category: Option<String>,
    pub year: Option<i32>,
    pub validity: Option<Validity>,
    pub page: u32,
}

fn some(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub fn filters(q: &ListQuery, catalog: &[Category]) -> Result<Filters, AppError> {
    let category = match some(&q.category) {
        Some(k) if catalog.iter().any(|c| c.key == k) => Some(k.to_string()),
        Some(k) => {
            return Err(AppError::new(
                StatusCode::NOT_FOUND,
                "category_not_found",
                format!("【栏目】“{k}”不存在"),
            ))
        }
        None => None,
    };
    let year = some(&q.year)
        .map(|y| {
            y.parse::<i32>()
                .ok()
                .filter(|y| (1990..=2200).contains(y))
                .ok_or_else(|| {
                    AppError::bad_request(
                        "invalid_input",
                        format!("【年份】“{y}”无效，应为四位年份"),
                    )
                })
        })
        .transpose()?;
    let validity = some(&q.validity)
        .map(|v| {
            Validity::parse(v).ok_or_else(|| {
                AppError::bad_request("invalid_input", format!("【有效性】“{v}”无效"))
            })
        })
        .transpose()?;
    let page = some(&q.page)
        .map(|p| {
            p.parse::<u32>()
                .ok()
                .filter(|p| (1..=100_000).contains(p))
                .ok_or_else(|| AppError::bad_request("invalid_input", format!("【页码】“{p}”无效")))
        })
        .transpose()?
        .unwrap_or(1);
    Ok(Filters {
        category,
        year,
        validity,
        page,
    })
}

pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

pub fn pager(base: &str, f: &Filters, total: i64, per_page: u32) -> Pager {
    let pages = ((total.max(0) as u64).div_ceil(u64::from(per_page))).max(1) as u32;
    let url = |page: u32| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if let Some(c) = &f.category {
            s.append_pair("category", c);
        }
        if let Some(y) = f.year {
            s.append_pair("year", &y.to_string());
        }
        if let Some(v) = f.validity {
            s.append_pair("validity", v.name());
        }
        s.append_pair("page", &page.to_string());
        format!("{base}?{}", s.finish())
    };
    Pager {
        page: f.page,
        pages,
        total,
        prev: (f.page > 1).then(|| url(f.page - 1)),
        next: (f.page < pages).then(|| url(f.page + 1)),
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn year_choices(selected: Option<i32>) -> Vec<Choice> {
    let this = gongkai_store::now().date().year();
    (2008..=this)
        .rev()
        .map(|y| Choice {
            value: y.to_string(),
            label: format!("{y}年"),
            selected: selected == Some(y),
        })
        .collect()
}

pub fn validity_choices(selected: Option<Validity>) -> Vec<Choice> {
    Validity::ALL
        .iter()
        .map(|v| Choice {
            value: v.name().to_string(),
            label: v.label_zh().to_string(),
            selected: selected == Some(*v),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "xxgk_list.html")]
struct ListPage {
    nav: Nav,
    agency: Agency,
    menu: Vec<MenuLine>,
    heading: String,
    category: String,
    years: Vec<Choice>,
    validities: Vec<Choice>,
    items: Vec<PublicationListItem>,
    pager: Pager,
}

pub async fn xxgk_list_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let agency = public_agency(&state, &code).await?;
    let catalog = state.store().catalog(agency.id).await?;
    let f = filters(&q, &catalog)?;
    let page = state
        .store()
        .public_publications(
            agency.id,
            &PublicationQuery {
                category: f.category.clone(),
                year: f.year,
                validity: f.validity,
                page: f.page,
                per_page: PER_PAGE,
            },
        )
        .await?;
    let heading = f
        .category
        .as_deref()
        .and_then(|k| catalog.iter().find(|c| c.key == k))
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "法定主动公开内容".to_string());
    let base = format!("/{}/xxgk/fdzdgknr", agency.code);
    Ok(cacheable(render(&ListPage {
        nav: Nav::new(&state, session.as_ref()),
        menu: menu(
            &agency,
            &catalog,
            f.category.as_deref().unwrap_or(STATUTORY_KEY),
        ),
        heading,
        category: f.category.clone().unwrap_or_default(),
        years: year_choices(f.year),
        validities: validity_choices(f.validity),
        pager: pager(&base, &f, page.total, page.per_page),
        items: page.items,
        agency,
    })?))
}

// ---- item ----

/// A public item of the agency in the URL, or 404 (unpublished, withdrawn,
/// another agency's, or no such id).
pub async fn public_item(
    state: &AppState,
    agency: &Agency,
    id: &str,
) -> Result<Publication, AppError> {
    let id = id.parse::<i64>().ok().filter(|v| *v > 0);
    let item = match id {
        Some(id) => state.store().public_publication(id).await?,
        None => None,
    };
    item.filter(|p| p.agency_id == agency.id).ok_or_else(|| {
        AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "该公开信息不存在或已撤回",
        )
    })
}

#[derive(Template)]
#[template(path = "xxgk_item.html")]
struct ItemPage {
    nav: Nav,
    agency: Agency,
    menu: Vec<MenuLine>,
    p: Publication,
    repealed: bool,
    pub_date: String,
}

pub async fn xxgk_item_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let agency = public_agency(&state, &code).await?;
    let p = public_item(&state, &agency, &id).await?;
    let catalog = state.store().catalog(agency.id).await?;
    Ok(cacheable(render(&ItemPage {
        nav: Nav::new(&state, session.as_ref()),
        menu: menu(&agency, &catalog, p.category.as_deref().unwrap_or("")),
        repealed: p.status == PublicationStatus::Repealed,
        pub_date: opt_date_text(p.published_on),
        p,
        agency,
    })?))
}

pub async fn xxgk_attachment_get(
    State(state): State<AppState>,
    Path((code, id, attachment)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let agency = public_agency(&state, &code).await?;
    let p = public_item(&state, &agency, &id).await?;
    let attachment = attachment.parse::<i64>().unwrap_or(0);
    let (info, bytes) = state
        .store()
        .public_attachment(p.id, attachment)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(download(&info.media_type, &info.file_name, bytes))
}

// ---- Atom feed ----

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `http(s)://host` of the request, for the absolute links a feed needs.
fn site_base(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config().secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

fn atom_time(d: Option<time::Date>) -> String {
    format!(
        "{}T00:00:00+08:00",
        d.map(date_text).unwrap_or_else(|| "2008-05-01".into())
    )
}

#[derive(Deserialize)]
pub struct FeedQuery {
    category: Option<String>,
}

pub async fn xxgk_feed_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<FeedQuery>,
) -> Result<Response, PageError> {
    let agency = public_agency(&state, &code).await?;
    let catalog = state.store().catalog(agency.id).await?;
    let f = filters(
        &ListQuery {
            category: q.category,
            ..ListQuery::default()
        },
        &catalog,
    )?;
    let page = state
        .store()
        .public_publications(
            agency.id,
            &PublicationQuery {
                category: f.category.clone(),
                page: 1,
                per_page: 50,
                ..PublicationQuery::default()
            },
        )
        .await?;
    let base = site_base(&state, &headers);
    let column = format!("{base}/{}/xxgk/", agency.code);
    let (title, self_url) = match &f.category {
        Some(k) => {
            let name = catalog
                .iter()
                .find(|c| &c.key == k)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            (
                format!("{} · {name}", agency.name),
                format!("{column}feed.xml?category={}", crate::auth::url_encode(k)),
            )
        }
        None => (
            format!("{} · 政府信息公开", agency.name),
            format!("{column}feed.xml"),
        ),
    };
    let updated = page.items.iter().filter_map(|i| i.published_on).max();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(&title)));
    xml.push_str(&format!("  <id>{}</id>\n", xml_escape(&self_url)));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&column)
    ));
    xml.push_str(&format!("  <updated>{}</updated>\n", atom_time(updated)));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&agency.name)
    ));
    for i in &page.items {
        let url = format!("{column}{}", i.id);
        xml.push_str("  <entry>\n");
        let mut t = i.title.clone();
        if i.status == PublicationStatus::Repealed {
            t.push_str("（已废止）");
        }
        xml.push_str(&format!("    <title>{}</title>\n", xml_escape(&t)));
        xml.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        xml.push_str(&format!(
            "    <published>{}</published>\n    <updated>{}</updated>\n",
            atom_time(i.published_on),
            atom_time(i.repealed_on.or(i.published_on))
        ));
        xml.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            xml_escape(&i.issuer)
        ));
        let mut summary = format!("索引号：{}", i.index_number);
        if let Some(n) = &i.document_number {
            summary.push_str(&format!("；文号：{n}"));
        }
        if let Some(s) = &i.summary {
            summary.push_str(&format!("；{s}"));
        }
        xml.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml_escape(&summary)
        ));
        if let Some(k) = &i.category {
            xml.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(k)));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

// ---- the admin's texts ----

#[derive(Template)]
#[template(path = "xxgk_admin.html")]
struct AdminPage {
    nav: Nav,
    agency: Agency,
    csrf_token: String,
    guide: String,
    system: String,
    notice: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct AdminQuery {
    notice: Option<String>,
}

async fn admin_cap(
    state: &AppState,
    session: &crate::auth::Session,
    code: &str,
) -> Result<(Agency, gongkai_domain::AgencyAdmin), AppError> {
    let agency = public_agency(state, code).await?;
    let tree = state.store().agency_tree().await?;
    let cap = admin_of(&session.principal, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    Ok((agency, cap))
}

pub async fn xxgk_admin_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<AdminQuery>,
) -> Result<Response, PageError> {
    let (agency, _) = admin_cap(&state, &session, &code).await?;
    let guide = state.store().xxgk_text(agency.id, XxgkText::Guide).await?;
    let system = state.store().xxgk_text(agency.id, XxgkText::System).await?;
    Ok(render(&AdminPage {
        nav: Nav::new(&state, Some(&session)),
        csrf_token: session.csrf_token.clone(),
        guide,
        system,
        notice: q.notice.is_some(),
        error: None,
        agency,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct AdminForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    guide: String,
    #[serde(default)]
    system: String,
}

pub async fn xxgk_admin_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<AdminForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (agency, cap) = admin_cap(&state, &session, &code).await?;
    let store = state.store();
    let result = match store.set_xxgk_text(&cap, XxgkText::Guide, &f.guide).await {
        Ok(()) => store.set_xxgk_text(&cap, XxgkText::System, &f.system).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/agencies/{code}/xxgk?notice=saved")).into_response())
        }
        Err(gongkai_store::StoreError::Rejected { message, .. }) => {
            let page = render(&AdminPage {
                nav: Nav::new(&state, Some(&session)),
                csrf_token: session.csrf_token.clone(),
                guide: f.guide,
                system: f.system,
                notice: false,
                error: Some(humanize(&message)),
                agency,
            })?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
