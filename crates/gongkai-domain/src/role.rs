//! Staff roles within an agency.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 机关管理员: users, catalog, settings of one agency (and the agencies below it).
    Admin,
    /// 信息员: drafts publications.
    Drafter,
    /// 审核人: confidentiality review (保密审查).
    Reviewer,
    /// 负责人: approves publications and extensions.
    Approver,
    /// 承办人: answers disclosure applications.
    Handler,
    /// 政务公开办: read-only oversight of every agency below.
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Drafter,
        Role::Reviewer,
        Role::Approver,
        Role::Handler,
        Role::Supervisor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Drafter => "drafter",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::Handler => "handler",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "机关管理员",
            Role::Drafter => "信息员",
            Role::Reviewer => "审核人",
            Role::Approver => "负责人",
            Role::Handler => "承办人",
            Role::Supervisor => "政务公开监督",
        }
    }

    /// What this role does, in one sentence for the staff home.
    pub fn duty(self) -> &'static str {
        match self {
            Role::Admin => "管理本机关及下级机关的基本信息、公开工作机构联系方式和工作人员账号。",
            Role::Drafter => "起草主动公开信息，提交保密审查。",
            Role::Reviewer => "对拟公开信息进行保密审查和个人信息检查。",
            Role::Approver => "审批发布主动公开信息，批准延期答复。",
            Role::Handler => "登记、办理和答复政府信息公开申请。",
            Role::Supervisor => "查看本机关及所有下级机关的政务公开工作情况（只读）。",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
