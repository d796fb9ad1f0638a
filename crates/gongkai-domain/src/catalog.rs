//! The per-agency catalog (政府信息公开目录): an ordered tree of categories
//! that publications are filed under. Every agency starts from the default
//! tree: the four sub-columns of the 政府信息公开专栏 (国办公开办函〔2019〕61号)
//! with the fifteen Art. 20 items under 法定主动公开内容. Admins may rename,
//! reorder, add and remove categories; a category is referred to by its
//! stable `key` (used in URLs and stored on publications).

use serde::{Deserialize, Serialize};

/// Longest category name (characters).
pub const MAX_NAME_CHARS: usize = 60;
/// Longest key (ASCII).
pub const MAX_KEY_LEN: usize = 40;
/// Deepest nesting (the root sub-columns are depth 1).
pub const MAX_DEPTH: usize = 4;
/// Most categories per agency.
pub const MAX_CATEGORIES: usize = 500;

/// Key of the 法定主动公开内容 sub-column.
pub const STATUTORY_KEY: &str = "fdzdgknr";
/// Key of the 政府信息公开指南 sub-column.
pub const GUIDE_KEY: &str = "gkzn";
/// Key of the 政府信息公开制度 sub-column.
pub const SYSTEM_KEY: &str = "gkzd";
/// Key of the 政府信息公开年报 sub-column.
pub const ANNUAL_REPORT_KEY: &str = "gknb";

/// One category as stored or edited: its parent is named by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub key: String,
    pub parent_key: Option<String>,
    pub name: String,
    /// Position among its siblings (ascending).
    pub sort_order: i64,
}

/// The fifteen kinds of information of 条例 Art. 20 (keys `art20-01` … `art20-15`).
pub const ART20_ITEMS: [&str; 15] = [
    "行政法规、规章和规范性文件",
    "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    "国民经济和社会发展统计信息",
    "行政许可和其他对外管理服务事项",
    "行政处罚、行政强制",
    "财政预算、决算信息",
    "行政事业性收费项目及其依据、标准",
    "政府集中采购项目的目录、标准及实施情况",
    "重大建设项目的批准和实施情况",
    "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "突发公共事件的应急预案、预警信息及应对情况",
    "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    "公务员招考的职位、名额、报考条件等事项以及录用结果",
    "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
];

/// The key of Art. 20 item `n` (1-based), e.g. `art20-01`.
pub fn art20_key(n: usize) -> String {
    format!("art20-{n:02}")
}

/// The tree every agency starts with.
pub fn default_catalog() -> Vec<Category> {
    let mut out = vec![
        root(GUIDE_KEY, "政府信息公开指南", 1),
        root(SYSTEM_KEY, "政府信息公开制度", 2),
        root(STATUTORY_KEY, "法定主动公开内容", 3),
        root(ANNUAL_REPORT_KEY, "政府信息公开年报", 4),
    ];
    for (i, name) in ART20_ITEMS.iter().enumerate() {
        out.push(Category {
            key: art20_key(i + 1),
            parent_key: Some(STATUTORY_KEY.to_string()),
            name: (*name).to_string(),
            sort_order: i as i64 + 1,
        });
    }
    out
}

fn root(key: &str, name: &str, sort_order: i64) -> Category {
    Category {
        key: key.to_string(),
        parent_key: None,
        name: name.to_string(),
        sort_order,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("字段 categories[{index}].key：栏目代码“{key}”无效，应为1至{MAX_KEY_LEN}位小写字母、数字或连字符")]
    BadKey { index: usize, key: String },
    #[error("字段 categories[{index}].key：栏目代码“{key}”重复")]
    DuplicateKey { index: usize, key: String },
    #[error("字段 categories[{index}].name：栏目名称不能为空，且不超过{MAX_NAME_CHARS}个字符")]
    BadName { index: usize },
    #[error("字段 categories[{index}].parent_key：上级栏目“{parent}”不存在")]
    UnknownParent { index: usize, parent: String },
    #[error(
        "字段 categories[{index}].parent_key：栏目“{key}”的上下级关系成环或层级超过{MAX_DEPTH}层"
    )]
    TooDeep { index: usize, key: String },
    #[error("字段 categories：栏目不能为空，且不超过{MAX_CATEGORIES}个")]
    Count,
    #[error("字段 categories：栏目“{key}”下已有公开信息，不能删除")]
    InUse { key: String },
    #[error("字段 categories[{index}].name：同一上级栏目下已有名为“{name}”的栏目")]
    DuplicateName { index: usize, name: String },
    #[error("字段 categories[{index}].parent_key：栏目“{key}”的上下级关系成环")]
    Cycle { index: usize, key: String },
    #[error("字段 categories：缺少专栏规定的子栏目“{name}”（代码 {key}），它不能删除")]
    FixedMissing {
        key: &'static str,
        name: &'static str,
    },
    #[error("字段 categories[{index}]：“{name}”是专栏规定的子栏目（国办公开办函〔2019〕61号），须位于第一级且名称不能修改")]
    FixedChanged { index: usize, name: &'static str },
    #[error("字段 categories[{index}].parent_key：新增栏目“{name}”须位于“法定主动公开内容”之下")]
    OutsideStatutory { index: usize, name: String },
    #[error("栏目“{key}”不存在")]
    UnknownKey { key: String },
    #[error("栏目“{name}”下还有下级栏目，请先删除或移走下级栏目")]
    HasChildren { name: String },
    #[error("栏目“{name}”已是同级中的第一个（或最后一个），无法再移动")]
    CannotMove { name: String },
}

/// The four sub-columns every 专栏 has (国办公开办函〔2019〕61号): fixed keys
/// and names, always at the top level (their order may change).
pub const FIXED_ROOTS: [(&str, &str); 4] = [
    (GUIDE_KEY, "政府信息公开指南"),
    (SYSTEM_KEY, "政府信息公开制度"),
    (STATUTORY_KEY, "法定主动公开内容"),
    (ANNUAL_REPORT_KEY, "政府信息公开年报"),
];

fn fixed_name(key: &str) -> Option<&'static str> {
    FIXED_ROOTS.iter().find(|(k, _)| *k == key).map(|(_, n)| *n)
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks an edited tree: keys valid and unique, names present and unique
/// among siblings, parents exist, no cycles, at most [`MAX_DEPTH`] levels,
/// the four [`FIXED_ROOTS`] present at the top level with their names, every
/// other category below 法定主动公开内容. Names are trimmed. Returns the
/// tree ordered parents first, siblings numbered 1, 2, … in `sort_order`
/// order.
pub fn validate_catalog(categories: Vec<Category>) -> Result<Vec<Category>, CatalogError> {
    if categories.is_empty() || categories.len() > MAX_CATEGORIES {
        return Err(CatalogError::Count);
    }
    let mut seen = std::collections::HashSet::new();
    let mut cleaned = Vec::with_capacity(categories.len());
    for (index, mut c) in categories.into_iter().enumerate() {
        c.key = c.key.trim().to_string();
        c.name = c.name.trim().to_string();
        c.parent_key = c
            .parent_key
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty());
        if !valid_key(&c.key) {
            return Err(CatalogError::BadKey { index, key: c.key });
        }
        if !seen.insert(c.key.clone()) {
            return Err(CatalogError::DuplicateKey { index, key: c.key });
        }
        let n = c.name.chars().count();
        if n == 0 || n > MAX_NAME_CHARS {
            return Err(CatalogError::BadName { index });
        }
        cleaned.push(c);
    }
    let parent_of: std::collections::HashMap<&str, Option<&str>> = cleaned
        .iter()
        .map(|c| (c.key.as_str(), c.parent_key.as_deref()))
        .collect();
    for (index, c) in cleaned.iter().enumerate() {
        if let Some(p) = &c.parent_key {
            if !parent_of.contains_key(p.as_str()) {
                return Err(CatalogError::UnknownParent {
                    index,
                    parent: p.clone(),
                });
            }
        }
        let mut depth = 1;
        let mut cur = c.parent_key.as_deref();
        let mut visited = vec![c.key.as_str()];
        let mut top = c.key.as_str();
        while let Some(p) = cur {
            if visited.contains(&p) {
                return Err(CatalogError::Cycle {
                    index,
                    key: c.key.clone(),
                });
            }
            visited.push(p);
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(CatalogError::TooDeep {
                    index,
                    key: c.key.clone(),
                });
            }
            top = p;
            cur = parent_of.get(p).copied().flatten();
        }
        match fixed_name(&c.key) {
            Some(name) if c.parent_key.is_some() || c.name != name => {
                return Err(CatalogError::FixedChanged { index, name });
            }
            Some(_) => {}
            None if top != STATUTORY_KEY => {
                return Err(CatalogError::OutsideStatutory {
                    index,
                    name: c.name.clone(),
                });
            }
            None => {}
        }
        let twin = cleaned[..index]
            .iter()
            .any(|o| o.parent_key == c.parent_key && o.name == c.name);
        if twin {
            return Err(CatalogError::DuplicateName {
                index,
                name: c.name.clone(),
            });
        }
    }
    for (key, name) in FIXED_ROOTS {
        if !parent_of.contains_key(key) {
            return Err(CatalogError::FixedMissing { key, name });
        }
    }
    Ok(renumbered(ordered(cleaned)))
}

/// Siblings numbered 1, 2, … in their current order (input ordered).
fn renumbered(mut tree: Vec<Category>) -> Vec<Category> {
    let mut next: std::collections::HashMap<Option<String>, i64> = Default::default();
    for c in &mut tree {
        let n = next.entry(c.parent_key.clone()).or_insert(0);
        *n += 1;
        c.sort_order = *n;
    }
    tree
}

/// One change an admin makes on the catalog page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogEdit {
    /// A new category, last among the children of `parent_key`. Without a
    /// key, one is made (`c001`, `c002`, …).
    Add {
        parent_key: String,
        key: Option<String>,
        name: String,
    },
    Rename {
        key: String,
        name: String,
    },
    /// One place up (`up`) or down among its siblings.
    Move {
        key: String,
        up: bool,
    },
    /// Removes a category without children (the store refuses one that
    /// publications are filed under).
    Remove {
        key: String,
    },
}

/// Applies one edit to a tree and checks the result ([`validate_catalog`]).
pub fn apply_edit(tree: &[Category], edit: CatalogEdit) -> Result<Vec<Category>, CatalogError> {
    let mut tree = renumbered(ordered(tree.to_vec()));
    let find = |tree: &[Category], key: &str| {
        tree.iter()
            .position(|c| c.key == key)
            .ok_or_else(|| CatalogError::UnknownKey {
                key: key.to_string(),
            })
    };
    match edit {
        CatalogEdit::Add {
            parent_key,
            key,
            name,
        } => {
            find(&tree, &parent_key)?;
            let key = match key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty()) {
                Some(k) => k,
                None => (1..)
                    .map(|n| format!("c{n:03}"))
                    .find(|k| !tree.iter().any(|c| &c.key == k))
                    .unwrap_or_default(),
            };
            let last = tree
                .iter()
                .filter(|c| c.parent_key.as_deref() == Some(parent_key.as_str()))
                .map(|c| c.sort_order)
                .max()
                .unwrap_or(0);
            tree.push(Category {
                key,
                parent_key: Some(parent_key),
                name,
                sort_order: last + 1,
            });
        }
        CatalogEdit::Rename { key, name } => {
            let i = find(&tree, &key)?;
            tree[i].name = name;
        }
        CatalogEdit::Move { key, up } => {
            let i = find(&tree, &key)?;
            let parent = tree[i].parent_key.clone();
            let order = tree[i].sort_order;
            let target = if up { order - 1 } else { order + 1 };
            let j = tree
                .iter()
                .position(|c| c.parent_key == parent && c.sort_order == target)
                .ok_or_else(|| CatalogError::CannotMove {
                    name: tree[i].name.clone(),
                })?;
            tree[j].sort_order = order;
            tree[i].sort_order = target;
        }
        CatalogEdit::Remove { key } => {
            let i = find(&tree, &key)?;
            if let Some(name) = fixed_name(&key) {
                return Err(CatalogError::FixedMissing {
                    key: FIXED_ROOTS
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(k, _)| *k)
                        .unwrap_or(STATUTORY_KEY),
                    name,
                });
            }
            if tree
                .iter()
                .any(|c| c.parent_key.as_deref() == Some(key.as_str()))
            {
                return Err(CatalogError::HasChildren {
                    name: tree[i].name.clone(),
                });
            }
            tree.remove(i);
        }
    }
    validate_catalog(tree)
}

/// What changed between two trees (for the audit trail).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CatalogDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub renamed: Vec<String>,
    /// Parent or position changed.
    pub moved: Vec<String>,
}

impl CatalogDiff {
    pub fn between(old: &[Category], new: &[Category]) -> CatalogDiff {
        let mut d = CatalogDiff::default();
        for n in new {
            match old.iter().find(|o| o.key == n.key) {
                None => d.added.push(n.key.clone()),
                Some(o) => {
                    if o.name != n.name {
                        d.renamed.push(n.key.clone());
                    }
                    if o.parent_key != n.parent_key || o.sort_order != n.sort_order {
                        d.moved.push(n.key.clone());
                    }
                }
            }
        }
        for o in old {
            if !new.iter().any(|n| n.key == o.key) {
                d.removed.push(o.key.clone());
            }
        }
        d
    }
}

/// Parents first (depth-first), siblings by `sort_order` then key.
pub fn ordered(categories: Vec<Category>) -> Vec<Category> {
    let mut out = Vec::with_capacity(categories.len());
    fn walk(all: &[Category], parent: Option<&str>, out: &mut Vec<Category>, depth: usize) {
        if depth > MAX_DEPTH + 1 {
            return;
        }
        let mut kids: Vec<&Category> = all
            .iter()
            .filter(|c| c.parent_key.as_deref() == parent)
            .collect();
        kids.sort_by(|a, b| (a.sort_order, &a.key).cmp(&(b.sort_order, &b.key)));
        for k in kids {
            out.push(k.clone());
            walk(all, Some(&k.key), out, depth + 1);
        }
    }
    walk(&categories, None, &mut out, 0);
    out
}

/// The names from the root down to `key` (e.g. `["法定主动公开内容", "财政预算、决算信息"]`);
/// empty when the key is unknown.
pub fn category_path(categories: &[Category], key: &str) -> Vec<String> {
    let mut path = Vec::new();
    let mut cur = Some(key);
    while let Some(k) = cur {
        let Some(c) = categories.iter().find(|c| c.key == k) else {
            break;
        };
        path.push(c.name.clone());
        if path.len() > MAX_DEPTH {
            break;
        }
        cur = c.parent_key.as_deref();
    }
    path.reverse();
    path
}

/// `key` and every category below it (for lists filtered by a category).
pub fn with_descendants(categories: &[Category], key: &str) -> Vec<String> {
    let mut out = vec![key.to_string()];
    let mut i = 0;
    while i < out.len() && out.len() <= categories.len() {
        let k = out[i].clone();
        for c in categories {
            if c.parent_key.as_deref() == Some(k.as_str()) && !out.contains(&c.key) {
                out.push(c.key.clone());
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tree_is_valid_and_ordered() {
        let tree = validate_catalog(default_catalog()).unwrap();
        assert_eq!(tree.len(), 19);
        assert_eq!(tree[0].name, "政府信息公开指南");
        assert_eq!(tree[2].key, STATUTORY_KEY);
        assert_eq!(tree[3].key, "art20-01");
        assert_eq!(tree.last().unwrap().key, ANNUAL_REPORT_KEY);
        assert_eq!(
            category_path(&tree, "art20-07"),
            vec!["法定主动公开内容", "财政预算、决算信息"]
        );
        assert_eq!(with_descendants(&tree, STATUTORY_KEY).len(), 16);
    }

    #[test]
    fn bad_trees_are_refused() {
        let mut t = default_catalog();
        t[0].key = "Bad Key".into();
        assert!(matches!(
            validate_catalog(t),
            Err(CatalogError::BadKey { .. })
        ));
        let mut t = default_catalog();
        t[1].key = GUIDE_KEY.into();
        assert!(matches!(
            validate_catalog(t),
            Err(CatalogError::DuplicateKey { .. })
        ));
        let mut t = default_catalog();
        t[4].parent_key = Some("nope".into());
        assert!(matches!(
            validate_catalog(t),
            Err(CatalogError::UnknownParent { .. })
        ));
        let mut t = default_catalog();
        t[5].parent_key = Some("art20-01".into()); // three levels deep: fine
        assert!(validate_catalog(t).is_ok());
        let mut cyc = default_catalog();
        cyc.push(Category {
            key: "a".into(),
            parent_key: Some("b".into()),
            name: "甲".into(),
            sort_order: 1,
        });
        cyc.push(Category {
            key: "b".into(),
            parent_key: Some("a".into()),
            name: "乙".into(),
            sort_order: 2,
        });
        let e = validate_catalog(cyc).unwrap_err();
        assert!(matches!(e, CatalogError::Cycle { .. }), "{e}");
        assert!(e.to_string().contains("成环"), "{e}");
        // The four sub-columns stay, on top, with their names.
        let mut t = default_catalog();
        t[0].parent_key = Some("art20-01".into());
        assert!(matches!(
            validate_catalog(t),
            Err(CatalogError::FixedChanged { .. })
        ));
        let mut t = default_catalog();
        t[2].name = "主动公开".into();
        assert!(matches!(
            validate_catalog(t),
            Err(CatalogError::FixedChanged { .. })
        ));
        let t: Vec<Category> = default_catalog()
            .into_iter()
            .filter(|c| c.key != SYSTEM_KEY)
            .collect();
        let e = validate_catalog(t).unwrap_err();
        assert!(e.to_string().contains("政府信息公开制度"), "{e}");
        // New categories only below 法定主动公开内容.
        let mut t = default_catalog();
        t.push(Category {
            key: "x".into(),
            parent_key: None,
            name: "其他".into(),
            sort_order: 9,
        });
        assert!(matches!(
            validate_catalog(t),
            Err(CatalogError::OutsideStatutory { .. })
        ));
        // Names unique among siblings.
        let mut t = default_catalog();
        t[5].name = t[4].name.clone();
        let e = validate_catalog(t).unwrap_err();
        assert!(matches!(e, CatalogError::DuplicateName { .. }), "{e}");
        let mut t = default_catalog();
        t[3].name = "  ".into();
        let e = validate_catalog(t).unwrap_err();
        assert!(e.to_string().contains("栏目名称"), "{e}");
        assert!(matches!(validate_catalog(vec![]), Err(CatalogError::Count)));
    }

    #[test]
    fn edits_add_rename_move_remove() {
        let t = validate_catalog(default_catalog()).unwrap();
        let t = apply_edit(
            &t,
            CatalogEdit::Add {
                parent_key: "art20-07".into(),
                key: None,
                name: " 部门预算 ".into(),
            },
        )
        .unwrap();
        let added = t.iter().find(|c| c.key == "c001").unwrap();
        assert_eq!(added.name, "部门预算");
        assert_eq!(added.parent_key.as_deref(), Some("art20-07"));
        let t = apply_edit(
            &t,
            CatalogEdit::Add {
                parent_key: "art20-07".into(),
                key: Some("bmjs".into()),
                name: "部门决算".into(),
            },
        )
        .unwrap();
        let kids: Vec<&str> = t
            .iter()
            .filter(|c| c.parent_key.as_deref() == Some("art20-07"))
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(kids, ["c001", "bmjs"]);
        let t = apply_edit(
            &t,
            CatalogEdit::Move {
                key: "bmjs".into(),
                up: true,
            },
        )
        .unwrap();
        let kids: Vec<&str> = t
            .iter()
            .filter(|c| c.parent_key.as_deref() == Some("art20-07"))
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(kids, ["bmjs", "c001"]);
        let e = apply_edit(
            &t,
            CatalogEdit::Move {
                key: "bmjs".into(),
                up: true,
            },
        )
        .unwrap_err();
        assert!(matches!(e, CatalogError::CannotMove { .. }), "{e}");
        let e = apply_edit(
            &t,
            CatalogEdit::Rename {
                key: "c001".into(),
                name: "部门决算".into(),
            },
        )
        .unwrap_err();
        assert!(matches!(e, CatalogError::DuplicateName { .. }), "{e}");
        let e = apply_edit(
            &t,
            CatalogEdit::Remove {
                key: "art20-07".into(),
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("下级栏目"), "{e}");
        let e = apply_edit(
            &t,
            CatalogEdit::Remove {
                key: STATUTORY_KEY.into(),
            },
        )
        .unwrap_err();
        assert!(matches!(e, CatalogError::FixedMissing { .. }), "{e}");
        let before = t.clone();
        let t = apply_edit(&t, CatalogEdit::Remove { key: "bmjs".into() }).unwrap();
        let d = CatalogDiff::between(&before, &t);
        assert_eq!(d.removed, ["bmjs"]);
        assert_eq!(d.moved, ["c001"]);
        let e = apply_edit(
            &t,
            CatalogEdit::Rename {
                key: "nope".into(),
                name: "x".into(),
            },
        )
        .unwrap_err();
        assert!(matches!(e, CatalogError::UnknownKey { .. }), "{e}");
    }

    #[test]
    fn reorder_moves_siblings() {
        let mut t = default_catalog();
        t[0].sort_order = 10; // 指南 after 年报
        let tree = validate_catalog(t).unwrap();
        assert_eq!(tree[0].key, SYSTEM_KEY);
    }
}
