//! `/search`: full-text search of published information, with filters,
//! facets, highlighted snippets and pages. Plain GET forms and links, so it
//! works without JavaScript.

use super::Nav;
use crate::auth::MaybeSession;
use crate::error::{render, AppError, PageError};
use crate::middleware::public_cache::cacheable;
use crate::search::{item_url, validity_label, SearchParams};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongkai_domain::publication::Validity;
use gongkai_search::{FacetCount, SearchResults};

pub struct HitView {
    pub url: String,
    /// Escaped, with `<mark>`.
    pub title_html: String,
    pub agency: String,
    pub index_number: String,
    pub document_number: String,
    pub published_on: String,
    pub validity: String,
    pub category: String,
    /// Escaped, with `<mark>`.
    pub snippet: String,
}

pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub url: String,
    pub selected: bool,
}

pub struct FacetGroup {
    pub title: &'static str,
    pub links: Vec<FacetLink>,
    /// The link that drops this filter, when it is set.
    pub clear: Option<String>,
}

pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

pub struct ResultsView {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub hits: Vec<HitView>,
    pub facets: Vec<FacetGroup>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub page_links: Vec<PageLink>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    nav: Nav,
    q: String,
    from: String,
    to: String,
    category: String,
    agencies: Vec<Choice>,
    validities: Vec<Choice>,
    error: Option<String>,
    results: Option<ResultsView>,
}

fn value(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or_default().to_string()
}

/// `/search?…` with the current parameters, `set` overriding some (an empty
/// value drops the parameter); the page goes back to 1 unless set.
fn url(p: &SearchParams, set: &[(&str, &str)]) -> String {
    let current = [
        ("q", value(&p.q)),
        ("agency", value(&p.agency)),
        ("category", value(&p.category)),
        ("from", value(&p.from)),
        ("to", value(&p.to)),
        ("year", value(&p.year)),
        ("validity", value(&p.validity)),
        ("per_page", value(&p.per_page)),
        ("page", String::new()),
    ];
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in current {
        let v = set
            .iter()
            .find(|(sk, _)| *sk == k)
            .map(|(_, sv)| sv.to_string())
            .unwrap_or(v);
        if !v.is_empty() {
            s.append_pair(k, &v);
        }
    }
    let qs = s.finish();
    if qs.is_empty() {
        "/search".to_string()
    } else {
        format!("/search?{qs}")
    }
}

fn group(
    p: &SearchParams,
    title: &'static str,
    key: &str,
    current: &str,
    counts: Vec<FacetCount>,
) -> FacetGroup {
    FacetGroup {
        title,
        links: counts
            .into_iter()
            .map(|f| FacetLink {
                url: url(p, &[(key, &f.value)]),
                selected: f.value == current,
                label: f.label,
                count: f.count,
            })
            .collect(),
        clear: (!current.is_empty()).then(|| url(p, &[(key, "")])),
    }
}

fn view(p: &SearchParams, r: SearchResults) -> ResultsView {
    let pages = r.pages();
    let page = r.page;
    let page_url = |n: usize| url(p, &[("page", &n.to_string())]);
    let first = page.saturating_sub(4).max(1);
    let last = (first + 8).min(pages);
    let validity_current = p
        .validity
        .as_deref()
        .and_then(Validity::parse)
        .map(|v| v.name().to_string())
        .unwrap_or_default();
    let facets = vec![
        group(p, "发布机关", "agency", &value(&p.agency), r.facets.agency),
        group(
            p,
            "栏目",
            "category",
            &value(&p.category),
            r.facets.category,
        ),
        group(p, "发布年份", "year", &value(&p.year), r.facets.year),
        group(
            p,
            "有效性",
            "validity",
            &validity_current,
            r.facets
                .validity
                .into_iter()
                .map(|mut f| {
                    f.label = validity_label(&f.value);
                    f
                })
                .collect(),
        ),
    ];
    ResultsView {
        total: r.total,
        page,
        pages,
        hits: r
            .hits
            .into_iter()
            .map(|h| HitView {
                url: item_url(&h.agency_code, h.id),
                title_html: h.title_html,
                agency: h.agency,
                index_number: h.index_number,
                document_number: h.document_number.unwrap_or_default(),
                published_on: h.published_on.to_string(),
                validity: validity_label(&h.validity),
                category: h.category.join(" › "),
                snippet: h.snippet,
            })
            .collect(),
        facets,
        prev: (page > 1 && page <= pages + 1).then(|| page_url(page - 1)),
        next: (page < pages).then(|| page_url(page + 1)),
        page_links: if pages > 1 {
            (first..=last)
                .map(|n| PageLink {
                    number: n,
                    url: page_url(n),
                    current: n == page,
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// Most agencies the filter lists in full.
const MAX_AGENCY_CHOICES: usize = 300;

/// The agency filter's choices: every agency on a platform of up to
/// [`MAX_AGENCY_CHOICES`]; on a larger one (a province's thousands, which
/// would make every result page a megabyte) the agencies of the results'
/// facet and the selected one.
async fn agency_choices(
    state: &AppState,
    selected: &str,
    facet: Vec<(String, String)>,
) -> Result<Vec<Choice>, AppError> {
    let store = state.store();
    let mut pairs: Vec<(String, String)> = match store.agencies_at_most(MAX_AGENCY_CHOICES).await? {
        Some(all) => all.into_iter().map(|a| (a.code, a.name)).collect(),
        None => facet,
    };
    if !selected.is_empty() && !pairs.iter().any(|(code, _)| code == selected) {
        if let Some(a) = store.agency_by_code(selected).await? {
            pairs.insert(0, (a.code, a.name));
        }
    }
    Ok(pairs
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == selected,
            value,
            label,
        })
        .collect())
}

pub async fn search_page_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let (params, mut error) = match params {
        Ok(Query(p)) => (p, None),
        Err(_) => (
            SearchParams::default(),
            Some("查询参数格式不正确，请重新输入检索条件".to_string()),
        ),
    };
    let mut results = None;
    let mut facet_agencies: Vec<(String, String)> = Vec::new();
    if error.is_none() {
        match params.to_query() {
            Ok(query) => match crate::search::run(state.search(), query).await {
                Ok(r) => {
                    facet_agencies = r
                        .facets
                        .agency
                        .iter()
                        .map(|f| (f.value.clone(), f.label.clone()))
                        .collect();
                    results = Some(view(&params, r));
                }
                Err(e) => return Err(PageError(e)),
            },
            Err(e) => error = Some(e.message),
        }
    }
    let agency = value(&params.agency);
    let validity = params
        .validity
        .as_deref()
        .and_then(Validity::parse)
        .map(|v| v.name())
        .unwrap_or_default();
    let page = SearchPage {
        nav: Nav::new(&state, session.as_ref()),
        q: value(&params.q),
        from: value(&params.from),
        to: value(&params.to),
        category: value(&params.category),
        agencies: agency_choices(&state, &agency, facet_agencies).await?,
        validities: Validity::ALL
            .iter()
            .map(|v| Choice {
                value: v.name().to_string(),
                label: v.label_zh().to_string(),
                selected: v.name() == validity,
            })
            .collect(),
        error,
        results,
    };
    if page.error.is_some() {
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    }
    // The same for every anonymous reader of this URL: popular searches are
    // answered from the public page cache (a write through this node
    // empties it; the index follows the store within moments).
    Ok(cacheable(render(&page)?))
}
