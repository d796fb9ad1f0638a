//! Agencies (机关): the tenants of gongkai, arranged in a tree.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Database id of an agency.
pub type AgencyId = i64;

/// The level of an agency in the administrative tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    Province,
    City,
    District,
    Subdistrict,
    Town,
    Department,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 6] = [
        AgencyKind::Province,
        AgencyKind::City,
        AgencyKind::District,
        AgencyKind::Subdistrict,
        AgencyKind::Town,
        AgencyKind::Department,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Province => "province",
            AgencyKind::City => "city",
            AgencyKind::District => "district",
            AgencyKind::Subdistrict => "subdistrict",
            AgencyKind::Town => "town",
            AgencyKind::Department => "department",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgencyKind::Province => "省级",
            AgencyKind::City => "市级",
            AgencyKind::District => "区县级",
            AgencyKind::Subdistrict => "街道",
            AgencyKind::Town => "乡镇",
            AgencyKind::Department => "部门",
        }
    }

    pub fn parse(s: &str) -> Option<AgencyKind> {
        AgencyKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Contact details of the disclosure office (政府信息公开工作机构); they feed the 指南.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeContact {
    pub address: String,
    pub hours: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
}

/// What is needed to create or update an agency, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyDraft {
    pub code: String,
    pub kind: AgencyKind,
    pub name: String,
    pub short_name: String,
    /// 机构代码, used in 索引号.
    pub org_code: String,
    pub office: OfficeContact,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyError {
    #[error("机构代码“{0}”无效：只能使用小写英文字母、数字和连字符，以字母开头，长度2至32个字符")]
    InvalidCode(String),
    #[error("机构代码“{0}”为系统保留字，请换一个")]
    ReservedCode(String),
    #[error("机构全称不能为空，且不超过100个字符")]
    InvalidName,
    #[error("机构简称不能超过30个字符")]
    InvalidShortName,
    #[error("组织机构代码“{0}”无效：只能使用字母、数字和连字符，不超过32个字符")]
    InvalidOrgCode(String),
    #[error("电子邮箱“{0}”格式不正确")]
    InvalidEmail(String),
    #[error("{field}不能超过200个字符")]
    TooLong { field: &'static str },
}

/// Path segments that cannot be agency codes because the site uses them.
const RESERVED_CODES: &[&str] = &[
    "admin", "api", "apply", "track", "search", "kiosk", "login", "logout", "static", "healthz",
    "metrics", "xxgk",
];

pub fn validate_code(code: &str) -> Result<(), AgencyError> {
    let ok_len = (2..=32).contains(&code.len());
    let mut chars = code.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = code
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !(ok_len && first_ok && rest_ok) {
        return Err(AgencyError::InvalidCode(code.to_string()));
    }
    if RESERVED_CODES.contains(&code) {
        return Err(AgencyError::ReservedCode(code.to_string()));
    }
    Ok(())
}

impl AgencyDraft {
    /// Trims every field and checks it; returns the cleaned draft.
    pub fn validated(mut self) -> Result<AgencyDraft, AgencyError> {
        self.code = self.code.trim().to_string();
        self.name = self.name.trim().to_string();
        self.short_name = self.short_name.trim().to_string();
        self.org_code = self.org_code.trim().to_string();
        validate_code(&self.code)?;
        let name_len = self.name.chars().count();
        if name_len == 0 || name_len > 100 {
            return Err(AgencyError::InvalidName);
        }
        if self.short_name.chars().count() > 30 {
            return Err(AgencyError::InvalidShortName);
        }
        if self.short_name.is_empty() {
            self.short_name = self.name.clone();
        }
        if self.org_code.len() > 32
            || !self
                .org_code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(AgencyError::InvalidOrgCode(self.org_code));
        }
        self.office = self.office.validated()?;
        Ok(self)
    }
}

impl OfficeContact {
    pub fn validated(self) -> Result<OfficeContact, AgencyError> {
        let o = OfficeContact {
            address: self.address.trim().to_string(),
            hours: self.hours.trim().to_string(),
            phone: self.phone.trim().to_string(),
            fax: self.fax.trim().to_string(),
            email: self.email.trim().to_string(),
        };
        for (field, value) in [
            ("办公地址", &o.address),
            ("办公时间", &o.hours),
            ("联系电话", &o.phone),
            ("传真", &o.fax),
            ("电子邮箱", &o.email),
        ] {
            if value.chars().count() > 200 {
                return Err(AgencyError::TooLong { field });
            }
        }
        if !o.email.is_empty() && !looks_like_email(&o.email) {
            return Err(AgencyError::InvalidEmail(o.email));
        }
        Ok(o)
    }
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// The parent links of all agencies, enough to answer "is A an ancestor of B".
#[derive(Debug, Clone, Default)]
pub struct AgencyTree {
    parent_of: HashMap<AgencyId, Option<AgencyId>>,
}

impl AgencyTree {
    pub fn new(links: impl IntoIterator<Item = (AgencyId, Option<AgencyId>)>) -> Self {
        AgencyTree {
            parent_of: links.into_iter().collect(),
        }
    }

    pub fn contains(&self, id: AgencyId) -> bool {
        self.parent_of.contains_key(&id)
    }

    /// True when `ancestor` is `descendant` itself or above it in the tree.
    pub fn is_within(&self, descendant: AgencyId, ancestor: AgencyId) -> bool {
        let mut current = Some(descendant);
        // The walk is bounded by the number of agencies, so a corrupt cycle cannot loop forever.
        for _ in 0..=self.parent_of.len() {
            match current {
                Some(id) if id == ancestor => return true,
                Some(id) => current = self.parent_of.get(&id).copied().flatten(),
                None => return false,
            }
        }
        false
    }

    /// Ids of `root` and everything below it.
    pub fn descendants_of(&self, root: AgencyId) -> Vec<AgencyId> {
        let mut ids: Vec<AgencyId> = self
            .parent_of
            .keys()
            .copied()
            .filter(|id| self.is_within(*id, root))
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The parent of `id` (`None` for a root or an unknown id).
    pub fn parent_of(&self, id: AgencyId) -> Option<AgencyId> {
        self.parent_of.get(&id).copied().flatten()
    }

    /// Would making `new_parent` the parent of `id` create a cycle?
    pub fn would_cycle(&self, id: AgencyId, new_parent: AgencyId) -> bool {
        self.is_within(new_parent, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(validate_code("gulou").is_ok());
        assert!(validate_code("yanzhou-2").is_ok());
        assert!(validate_code("G").is_err());
        assert!(validate_code("9abc").is_err());
        assert!(validate_code("鼓楼").is_err());
        assert_eq!(
            validate_code("admin"),
            Err(AgencyError::ReservedCode("admin".into()))
        );
    }

    #[test]
    fn tree_walks() {
        let tree = AgencyTree::new([(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1))]);
        assert!(tree.is_within(3, 1));
        assert!(tree.is_within(3, 3));
        assert!(!tree.is_within(1, 3));
        assert!(!tree.is_within(4, 2));
        assert_eq!(tree.descendants_of(2), vec![2, 3]);
        assert!(tree.would_cycle(1, 3));
        assert!(!tree.would_cycle(4, 2));
    }

    #[test]
    fn cyclic_data_terminates() {
        let tree = AgencyTree::new([(1, Some(2)), (2, Some(1))]);
        assert!(!tree.is_within(1, 3));
    }

    #[test]
    fn draft_validation_trims_and_defaults() {
        let d = AgencyDraft {
            code: " gulou ".into(),
            kind: AgencyKind::Subdistrict,
            name: " 鼓楼街道 ".into(),
            short_name: "".into(),
            org_code: "11370882MB2851234X".into(),
            office: OfficeContact {
                email: "bad".into(),
                ..Default::default()
            },
        };
        assert!(matches!(
            d.clone().validated(),
            Err(AgencyError::InvalidEmail(_))
        ));
        let ok = AgencyDraft {
            office: OfficeContact::default(),
            ..d
        }
        .validated()
        .unwrap();
        assert_eq!(ok.code, "gulou");
        assert_eq!(ok.short_name, "鼓楼街道");
    }
}
