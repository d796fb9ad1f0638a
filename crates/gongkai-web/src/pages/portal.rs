//! The public portal home: every agency on the platform, as a tree.

use super::Nav;
use crate::auth::MaybeSession;
use crate::error::{render, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use gongkai_store::Agency;
use std::collections::HashMap;

/// One line of the tree, in display order.
pub struct TreeRow {
    pub depth: usize,
    pub agency: Agency,
    pub kind_label: &'static str,
}

/// Orders agencies depth-first, children after their parent.
pub fn tree_rows(agencies: Vec<Agency>) -> Vec<TreeRow> {
    let mut children: HashMap<Option<i64>, Vec<Agency>> = HashMap::new();
    let ids: std::collections::HashSet<i64> = agencies.iter().map(|a| a.id).collect();
    for a in agencies {
        // An agency whose parent is not in the list is shown at the top level.
        let parent = a.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(a);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(usize, Agency)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|a| (0, a))
        .collect();
    while let Some((depth, a)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(a.id)) {
            stack.extend(kids.into_iter().rev().map(|k| (depth + 1, k)));
        }
        out.push(TreeRow {
            depth,
            kind_label: a.kind.label(),
            agency: a,
        });
    }
    out
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct PortalHome {
    nav: Nav,
    rows: Vec<TreeRow>,
}

pub async fn portal_home_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    let rows = tree_rows(state.store().agencies().await?);
    Ok(crate::middleware::public_cache::cacheable(render(
        &PortalHome {
            nav: Nav::new(&state, session.as_ref()),
            rows,
        },
    )?))
}
