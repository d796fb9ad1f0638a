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
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks an edited tree: keys valid and unique, names present, parents
/// exist, no cycles, at most [`MAX_DEPTH`] levels. Names are trimmed.
/// Returns the tree ordered parents first, siblings by `sort_order`.
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
        while let Some(p) = cur {
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(CatalogError::TooDeep {
                    index,
                    key: c.key.clone(),
                });
            }
            cur = parent_of.get(p).copied().flatten();
        }
    }
    Ok(ordered(cleaned))
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
        t[0].parent_key = Some("art20-01".into()); // three levels deep: fine
        assert!(validate_catalog(t).is_ok());
        let cyc = vec![
            Category {
                key: "a".into(),
                parent_key: Some("b".into()),
                name: "甲".into(),
                sort_order: 1,
            },
            Category {
                key: "b".into(),
                parent_key: Some("a".into()),
                name: "乙".into(),
                sort_order: 2,
            },
        ];
        assert!(matches!(
            validate_catalog(cyc),
            Err(CatalogError::TooDeep { .. })
        ));
        let mut t = default_catalog();
        t[3].name = "  ".into();
        let e = validate_catalog(t).unwrap_err();
        assert!(e.to_string().contains("栏目名称"), "{e}");
        assert!(matches!(validate_catalog(vec![]), Err(CatalogError::Count)));
    }

    #[test]
    fn reorder_moves_siblings() {
        let mut t = default_catalog();
        t[0].sort_order = 10; // 指南 after 年报
        let tree = validate_catalog(t).unwrap();
        assert_eq!(tree[0].key, SYSTEM_KEY);
    }
}
