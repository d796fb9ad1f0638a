//! The self-service lookup point (自助查阅区) at `/kiosk`: large type and
//! touch-sized targets, no login, an agency picker, each agency's 专栏 lists
//! and items in kiosk styling. Every page but the home returns to it after
//! [`IDLE_SECONDS`] through `<meta http-equiv="refresh">`, so it works
//! without JavaScript.

use super::portal::{tree_rows, TreeRow};
use super::xxgk::{filters, pager, public_agency, public_item, ListQuery, Pager};
use crate::error::{render, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use gongkai_domain::catalog::{category_path, STATUTORY_KEY};
use gongkai_domain::publication::PublicationStatus;
use gongkai_store::{Agency, Publication, PublicationListItem, PublicationQuery};

/// Seconds of idleness before a kiosk page returns to the kiosk home.
pub const IDLE_SECONDS: u32 = 120;
const KIOSK_PER_PAGE: u32 = 8;

#[derive(Template)]
#[template(path = "kiosk_home.html")]
struct HomePage {
    site_name: String,
    idle: u32,
    rows: Vec<TreeRow>,
}

pub async fn kiosk_home_get(State(state): State<AppState>) -> Result<Response, PageError> {
    let rows = tree_rows(state.store().agencies().await?);
    Ok(render(&HomePage {
        site_name: state.config().site_name.clone(),
        idle: 0,
        rows,
    })?
    .into_response())
}

pub struct CategoryButton {
    pub key: String,
    pub name: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "kiosk_agency.html")]
struct AgencyPage {
    site_name: String,
    idle: u32,
    agency: Agency,
    categories: Vec<CategoryButton>,
    all_current: bool,
    items: Vec<PublicationListItem>,
    pager: Pager,
}

pub async fn kiosk_agency_get(
    State(state): State<AppState>,
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
                per_page: KIOSK_PER_PAGE,
            },
        )
        .await?;
    // The Art. 20 categories directly under 法定主动公开内容.
    let categories = catalog
        .iter()
        .filter(|c| c.parent_key.as_deref() == Some(STATUTORY_KEY))
        .filter(|c| category_path(&catalog, &c.key).len() == 2)
        .map(|c| CategoryButton {
            current: f.category.as_deref() == Some(c.key.as_str()),
            key: c.key.clone(),
            name: c.name.clone(),
        })
        .collect();
    let base = format!("/kiosk/{}", agency.code);
    Ok(render(&AgencyPage {
        site_name: state.config().site_name.clone(),
        idle: IDLE_SECONDS,
        categories,
        all_current: f.category.is_none(),
        pager: pager(&base, &f, page.total, page.per_page),
        items: page.items,
        agency,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "kiosk_item.html")]
struct ItemPage {
    site_name: String,
    idle: u32,
    agency: Agency,
    p: Publication,
    repealed: bool,
}

pub async fn kiosk_item_get(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let agency = public_agency(&state, &code).await?;
    let p = public_item(&state, &agency, &id).await?;
    Ok(render(&ItemPage {
        site_name: state.config().site_name.clone(),
        idle: IDLE_SECONDS,
        repealed: p.status == PublicationStatus::Repealed,
        p,
        agency,
    })?
    .into_response())
}
