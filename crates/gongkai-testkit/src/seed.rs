//! A small agency tree with one account per role:
//! 测试省 → 测试市 → 测试区 (admin, supervisor) → {测试街道 `gulou`, 兄弟街道 `sibling`}
//! (each with admin, drafter, reviewer, approver, handler, supervisor).

use gongkai_domain::{AgencyDraft, AgencyKind, ConsoleOperator, OfficeContact, Role};
use gongkai_store::{Agency, NewUser, Store};
use std::collections::HashMap;

pub const TEST_PASSWORD: &str = "test-password-123";

pub struct Seeded {
    pub province: Agency,
    pub city: Agency,
    pub district: Agency,
    pub gulou: Agency,
    pub sibling: Agency,
    /// (agency code, role) → (username, user id)
    pub users: HashMap<(String, Role), (String, i64)>,
}

impl Seeded {
    pub fn username(&self, code: &str, role: Role) -> &str {
        &self.users[&(code.to_string(), role)].0
    }
    pub fn user_id(&self, code: &str, role: Role) -> i64 {
        self.users[&(code.to_string(), role)].1
    }
}

fn draft(code: &str, kind: AgencyKind, name: &str) -> AgencyDraft {
    AgencyDraft {
        code: code.to_string(),
        kind,
        name: name.to_string(),
        short_name: String::new(),
        org_code: format!("T{}", code.len()),
        office: OfficeContact::default(),
    }
}

pub async fn seed(store: &Store) -> Seeded {
    let op = ConsoleOperator::local();
    let province = store
        .create_root_agency(
            &op,
            draft("province", AgencyKind::Province, "测试省人民政府"),
        )
        .await
        .expect("province");
    let city = store
        .create_child_agency(
            &op.admin_of(province.id),
            draft("city", AgencyKind::City, "测试市人民政府"),
        )
        .await
        .expect("city");
    let district = store
        .create_child_agency(
            &op.admin_of(city.id),
            draft("district", AgencyKind::District, "测试区人民政府"),
        )
        .await
        .expect("district");
    let gulou = store
        .create_child_agency(
            &op.admin_of(district.id),
            draft("gulou", AgencyKind::Subdistrict, "测试区鼓楼街道办事处"),
        )
        .await
        .expect("gulou");
    let sibling = store
        .create_child_agency(
            &op.admin_of(district.id),
            draft("sibling", AgencyKind::Subdistrict, "测试区兄弟街道办事处"),
        )
        .await
        .expect("sibling");
    let mut users = HashMap::new();
    let mut plan: Vec<(&Agency, Role)> = Vec::new();
    for a in [&gulou, &sibling] {
        for r in Role::ALL {
            plan.push((a, r));
        }
    }
    plan.push((&district, Role::Admin));
    plan.push((&district, Role::Supervisor));
    for (agency, role) in plan {
        let username = format!("{}-{}", agency.code, role.as_str());
        let u = store
            .create_user(
                &op.admin_of(agency.id),
                NewUser {
                    username: username.clone(),
                    display_name: format!("{}{}", agency.code, role.label()),
                    password: TEST_PASSWORD.to_string(),
                },
                role,
            )
            .await
            .expect("user");
        users.insert((agency.code.clone(), role), (username, u.id));
    }
    Seeded {
        province,
        city,
        district,
        gulou,
        sibling,
        users,
    }
}
