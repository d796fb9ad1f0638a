//! `serve --demo`: the tree 山东省 → 济宁市 → 兖州区 → 鼓楼街道 and two
//! siblings, with one account per role. Idempotent: what exists is kept;
//! passwords are random per data directory and printed only when created.

use crate::random_password;
use gongkai_domain::{AgencyDraft, AgencyKind, ConsoleOperator, OfficeContact, Role};
use gongkai_store::{Agency, NewUser, Store};

struct DemoAgency {
    code: &'static str,
    parent: Option<&'static str>,
    kind: AgencyKind,
    name: &'static str,
    short_name: &'static str,
    org_code: &'static str,
}

const AGENCIES: &[DemoAgency] = &[
    DemoAgency {
        code: "shandong",
        parent: None,
        kind: AgencyKind::Province,
        name: "山东省人民政府",
        short_name: "山东省",
        org_code: "DEMO370000",
    },
    DemoAgency {
        code: "jining",
        parent: Some("shandong"),
        kind: AgencyKind::City,
        name: "济宁市人民政府",
        short_name: "济宁市",
        org_code: "DEMO370800",
    },
    DemoAgency {
        code: "yanzhou",
        parent: Some("jining"),
        kind: AgencyKind::District,
        name: "济宁市兖州区人民政府",
        short_name: "兖州区",
        org_code: "DEMO370812",
    },
    DemoAgency {
        code: "gulou",
        parent: Some("yanzhou"),
        kind: AgencyKind::Subdistrict,
        name: "济宁市兖州区鼓楼街道办事处",
        short_name: "鼓楼街道",
        org_code: "DEMO370812001",
    },
    DemoAgency {
        code: "jiuxianqiao",
        parent: Some("yanzhou"),
        kind: AgencyKind::Subdistrict,
        name: "济宁市兖州区酒仙桥街道办事处",
        short_name: "酒仙桥街道",
        org_code: "DEMO370812002",
    },
    DemoAgency {
        code: "longqiao",
        parent: Some("yanzhou"),
        kind: AgencyKind::Subdistrict,
        name: "济宁市兖州区龙桥街道办事处",
        short_name: "龙桥街道",
        org_code: "DEMO370812003",
    },
];

/// (agency code, username, display name, role)
const ACCOUNTS: &[(&str, &str, &str, Role)] = &[
    ("gulou", "gulou-admin", "鼓楼街道管理员", Role::Admin),
    ("gulou", "gulou-drafter", "鼓楼街道信息员", Role::Drafter),
    ("gulou", "gulou-reviewer", "鼓楼街道审核人", Role::Reviewer),
    ("gulou", "gulou-approver", "鼓楼街道负责人", Role::Approver),
    ("gulou", "gulou-handler", "鼓楼街道承办人", Role::Handler),
    (
        "yanzhou",
        "yanzhou-supervisor",
        "兖州区政务公开办",
        Role::Supervisor,
    ),
];

fn office_for(a: &DemoAgency) -> OfficeContact {
    if a.code == "gulou" {
        OfficeContact {
            address: "济宁市兖州区鼓楼街道办事处党政办公室（演示数据）".to_string(),
            hours: "工作日 上午8:30至12:00，下午13:30至17:30（法定节假日除外）".to_string(),
            phone: "0537-0000000（演示）".to_string(),
            fax: "0537-0000001（演示）".to_string(),
            email: "gulou-demo@example.org".to_string(),
        }
    } else {
        OfficeContact::default()
    }
}

pub async fn seed(store: &Store, base_url: &str) -> anyhow::Result<()> {
    let op = ConsoleOperator::local();
    let mut created_agencies = 0;
    for a in AGENCIES {
        if store.agency_by_code(a.code).await?.is_some() {
            continue;
        }
        let draft = AgencyDraft {
            code: a.code.to_string(),
            kind: a.kind,
            name: a.name.to_string(),
            short_name: a.short_name.to_string(),
            org_code: a.org_code.to_string(),
            office: office_for(a),
        };
        match a.parent {
            None => {
                store.create_root_agency(&op, draft).await?;
            }
            Some(parent) => {
                let parent: Agency = store
                    .agency_by_code(parent)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("演示数据的上级机关 {parent} 不存在"))?;
                store
                    .create_child_agency(&op.admin_of(parent.id), draft)
                    .await?;
            }
        }
        created_agencies += 1;
    }
    let mut created = Vec::new();
    for &(code, username, display_name, role) in ACCOUNTS {
        if store.user_id_by_username(username).await?.is_some() {
            continue;
        }
        let agency = store
            .agency_by_code(code)
            .await?
            .ok_or_else(|| anyhow::anyhow!("演示机关 {code} 不存在"))?;
        let password = random_password();
        store
            .create_user(
                &op.admin_of(agency.id),
                NewUser {
                    username: username.to_string(),
                    display_name: display_name.to_string(),
                    password: password.clone(),
                },
                role,
            )
            .await?;
        created.push((username, role, password));
    }
    if created_agencies > 0 {
        println!("已载入演示机关 {created_agencies} 个。");
    }
    if created.is_empty() {
        println!("演示数据已存在。演示账号的密码只在首次创建时显示；如已遗忘，可用 `gongkai user passwd --username 用户名` 重置。");
    } else {
        println!("演示账号（密码随机生成，只显示这一次，请妥善保存）：");
        for (username, role, password) in &created {
            println!("  {username:<20} {:<8} 密码 {password}", role.label());
        }
        println!("请用以上账号在 {base_url}/login 登录。");
    }
    Ok(())
}
