//! The Store contract: every method, on SQLite always and on PostgreSQL
//! whenever GONGKAI_TEST_POSTGRES_URL is set (always under CI).

use gongkai_domain::access::{admin_of, staff_view_of};
use gongkai_domain::{AgencyDraft, AgencyKind, ConsoleOperator, OfficeContact, Role};
use gongkai_store::{copied_tables, AuditVerdict, NewUser, Store, StoreError};
use gongkai_testkit::{every_backend, seed, TEST_PASSWORD};

fn draft(code: &str, name: &str) -> AgencyDraft {
    AgencyDraft {
        code: code.into(),
        kind: AgencyKind::Department,
        name: name.into(),
        short_name: String::new(),
        org_code: "ORG1".into(),
        office: OfficeContact::default(),
    }
}

async fn intact(store: &Store) -> i64 {
    match store.verify_audit().await.unwrap() {
        AuditVerdict::Intact { entries } => entries,
        AuditVerdict::Broken { entry_id, reason } => panic!("broken at #{entry_id}: {reason}"),
    }
}

#[tokio::test]
async fn agencies_tree_and_validation() {
    for db in every_backend().await {
        let s = &db.store;
        let seeded = seed(s).await;
        let all = s.agencies().await.unwrap();
        assert_eq!(all.len(), 5, "{}", db.label);
        // Listed in full up to a limit, in the same order; beyond it, not.
        let listed = |v: Option<Vec<gongkai_store::Agency>>| {
            v.map(|v| v.into_iter().map(|a| a.id).collect::<Vec<_>>())
        };
        let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
        assert_eq!(
            listed(s.agencies_at_most(5).await.unwrap()),
            Some(ids.clone())
        );
        assert_eq!(listed(s.agencies_at_most(300).await.unwrap()), Some(ids));
        assert_eq!(listed(s.agencies_at_most(4).await.unwrap()), None);
        assert_eq!(listed(s.agencies_at_most(0).await.unwrap()), None);
        let tree = s.agency_tree().await.unwrap();
        assert!(tree.is_within(seeded.gulou.id, seeded.province.id));
        assert_eq!(
            s.agency_by_code("gulou").await.unwrap().unwrap().id,
            seeded.gulou.id
        );
        assert!(s.agency_by_code("nope").await.unwrap().is_none());
        assert_eq!(
            s.agency_by_id(seeded.city.id).await.unwrap().unwrap().code,
            "city"
        );

        let op = ConsoleOperator::local();
        let cap = op.admin_of(seeded.gulou.id);
        // Duplicate code, bad code, empty name: refused, nothing written.
        let before = intact(s).await;
        assert!(matches!(
            s.create_child_agency(&cap, draft("sibling", "重复")).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            s.create_child_agency(&cap, draft("Bad Code", "x")).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            s.create_child_agency(&cap, draft("okcode", "  ")).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            intact(s).await,
            before,
            "{}: failed writes left audit entries",
            db.label
        );

        let child = s
            .create_child_agency(&cap, draft("gulou-office", "鼓楼街道党政办"))
            .await
            .unwrap();
        assert_eq!(child.parent_id, Some(seeded.gulou.id));
        let updated = s
            .update_agency(
                &op.admin_of(child.id),
                AgencyDraft {
                    office: OfficeContact {
                        phone: "0537-1234567".into(),
                        email: "a@b.cn".into(),
                        ..Default::default()
                    },
                    ..draft("ignored-code", "鼓楼街道党政办公室")
                },
            )
            .await
            .unwrap();
        assert_eq!(updated.code, "gulou-office", "the code never changes");
        assert_eq!(updated.office.phone, "0537-1234567");
        assert_eq!(updated.name, "鼓楼街道党政办公室");
        assert_eq!(intact(s).await, before + 2);
    }
}

#[tokio::test]
async fn users_roles_passwords_and_sessions() {
    for db in every_backend().await {
        let s = &db.store;
        let seeded = seed(s).await;
        let tree = s.agency_tree().await.unwrap();
        let admin = s
            .principal(seeded.user_id("gulou", Role::Admin))
            .await
            .unwrap()
            .unwrap();
        let cap = admin_of(&admin, &tree, seeded.gulou.id).unwrap();
        assert!(admin_of(&admin, &tree, seeded.sibling.id).is_none());

        let u = s
            .create_user(
                &cap,
                NewUser {
                    username: "new.drafter".into(),
                    display_name: "新信息员".into(),
                    password: "a-long-password".into(),
                },
                Role::Drafter,
            )
            .await
            .unwrap();
        assert!(matches!(
            s.create_user(
                &cap,
                NewUser {
                    username: "new.drafter".into(),
                    display_name: "x".into(),
                    password: "a-long-password".into()
                },
                Role::Drafter
            )
            .await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            s.create_user(
                &cap,
                NewUser {
                    username: "short".into(),
                    display_name: "x".into(),
                    password: "short".into()
                },
                Role::Drafter
            )
            .await,
            Err(StoreError::Invalid(_))
        ));
        let p = s
            .authenticate("new.drafter", "a-long-password")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.user_id, u.id);
        assert!(p.has_role_in(seeded.gulou.id, Role::Drafter));
        assert!(s
            .authenticate("new.drafter", "wrong-password")
            .await
            .unwrap()
            .is_none());
        assert!(s
            .authenticate("nobody", "a-long-password")
            .await
            .unwrap()
            .is_none());

        s.grant_role(&cap, "new.drafter", Role::Reviewer)
            .await
            .unwrap();
        assert!(matches!(
            s.grant_role(&cap, "new.drafter", Role::Reviewer).await,
            Err(StoreError::Conflict(_))
        ));
        let view = cap.view();
        let listed = s.users_of_agency(&view).await.unwrap();
        let mine = listed.iter().find(|x| x.id == u.id).unwrap();
        assert_eq!(mine.roles, vec![Role::Drafter, Role::Reviewer]);
        s.revoke_role(&cap, u.id, Role::Reviewer).await.unwrap();
        assert!(s.revoke_role(&cap, u.id, Role::Reviewer).await.is_err());

        // Sessions survive a new Store handle (they live in the database).
        let session = s.create_session(&p).await.unwrap();
        let info = s.session(&session.token).await.unwrap().unwrap();
        assert_eq!(info.principal.user_id, u.id);
        assert_eq!(info.csrf_token, session.csrf_token);
        assert!(s.session("not-a-token").await.unwrap().is_none());
        // An expired session no longer signs anyone in.
        let old = s.create_session(&p).await.unwrap();
        s.execute_raw_for_tests("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000+08:00'")
            .await
            .unwrap();
        assert!(
            s.session(&old.token).await.unwrap().is_none(),
            "{}",
            db.label
        );
        let session = s.create_session(&p).await.unwrap();

        // An admin of another agency cannot touch this user.
        let sib_admin = s
            .principal(seeded.user_id("sibling", Role::Admin))
            .await
            .unwrap()
            .unwrap();
        let sib_cap = admin_of(&sib_admin, &tree, seeded.sibling.id).unwrap();
        assert!(s
            .set_password(&sib_cap, u.id, "another-password".into())
            .await
            .is_err());
        assert!(s.set_user_disabled(&sib_cap, u.id, true).await.is_err());

        // A password reset ends sessions; disabling blocks login and tokens.
        s.set_password(&cap, u.id, "brand-new-password".into())
            .await
            .unwrap();
        assert!(s.session(&session.token).await.unwrap().is_none());
        assert!(s
            .authenticate("new.drafter", "brand-new-password")
            .await
            .unwrap()
            .is_some());
        let token = s
            .issue_api_token(&ConsoleOperator::local(), u.id, "t")
            .await
            .unwrap();
        assert_eq!(
            s.principal_for_token(&token)
                .await
                .unwrap()
                .unwrap()
                .user_id,
            u.id
        );
        assert!(s.principal_for_token("gk_forged").await.unwrap().is_none());
        s.set_user_disabled(&cap, u.id, true).await.unwrap();
        assert!(s
            .authenticate("new.drafter", "brand-new-password")
            .await
            .unwrap()
            .is_none());
        assert!(s.principal_for_token(&token).await.unwrap().is_none());
        s.set_user_disabled(&cap, u.id, false).await.unwrap();

        // Own password change needs the old password.
        let p = s.principal(u.id).await.unwrap().unwrap();
        assert!(s
            .change_own_password(&p, "wrong".into(), "x-new-password-1".into())
            .await
            .is_err());
        s.change_own_password(&p, "brand-new-password".into(), "x-new-password-1".into())
            .await
            .unwrap();
        s.set_password_by_username(
            &ConsoleOperator::local(),
            "new.drafter",
            TEST_PASSWORD.into(),
        )
        .await
        .unwrap();
        assert!(s
            .authenticate("new.drafter", TEST_PASSWORD)
            .await
            .unwrap()
            .is_some());

        // Supervisor above sees, but is no admin.
        let sup = s
            .principal(seeded.user_id("district", Role::Supervisor))
            .await
            .unwrap()
            .unwrap();
        assert!(staff_view_of(&sup, &tree, seeded.gulou.id).is_some());
        assert!(admin_of(&sup, &tree, seeded.gulou.id).is_none());
        assert_eq!(
            s.user_with_role(&ConsoleOperator::local(), seeded.gulou.id, Role::Handler)
                .await
                .unwrap(),
            Some(seeded.user_id("gulou", Role::Handler))
        );
        intact(s).await;
    }
}

#[tokio::test]
async fn throttle_settings_calendar_and_audit_listing() {
    for db in every_backend().await {
        let s = &db.store;
        let seeded = seed(s).await;
        let op = ConsoleOperator::local();
        for _ in 0..3 {
            s.record_login_failure("user:x").await.unwrap();
        }
        assert_eq!(
            s.recent_login_failures("user:x", time::Duration::minutes(15))
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            s.recent_login_failures("user:y", time::Duration::minutes(15))
                .await
                .unwrap(),
            0
        );
        s.clear_login_failures("user:x").await.unwrap();
        assert_eq!(
            s.recent_login_failures("user:x", time::Duration::minutes(15))
                .await
                .unwrap(),
            0
        );

        assert_eq!(s.setting("k").await.unwrap(), None);
        s.set_setting(&op, "k", "v1").await.unwrap();
        s.set_setting(&op, "k", "v2").await.unwrap();
        assert_eq!(s.setting("k").await.unwrap().as_deref(), Some("v2"));

        s.import_calendar_year(&op, 2027, "[2027]\n").await.unwrap();
        s.import_calendar_year(&op, 2027, "[2027]\nnotice = \"x\"\n")
            .await
            .unwrap();
        let years = s.calendar_years().await.unwrap();
        assert_eq!(years.len(), 1);
        assert!(years[0].1.contains("notice"));

        let view = op.admin_of(seeded.gulou.id).view();
        let entries = s.audit_entries(&view, 100).await.unwrap();
        assert!(entries.iter().all(|e| e.agency_id == Some(seeded.gulou.id)));
        assert!(entries.iter().any(|e| e.action == "user.create"));
        s.ping().await.unwrap();
        s.integrity_check().await.unwrap();
        intact(s).await;
    }
}

#[tokio::test]
async fn audit_chain_detects_edits_deletions_and_insertions() {
    for db in every_backend().await {
        let s = &db.store;
        seed(s).await;
        let n = intact(s).await;
        assert!(n > 10);
        s.execute_raw_for_tests("UPDATE audit_log SET actor_label = 'someone else' WHERE id = 3")
            .await
            .unwrap();
        assert!(
            matches!(
                s.verify_audit().await.unwrap(),
                AuditVerdict::Broken { entry_id: 3, .. }
            ),
            "{}",
            db.label
        );
    }
    for db in every_backend().await {
        let s = &db.store;
        seed(s).await;
        s.execute_raw_for_tests("DELETE FROM audit_log WHERE id = 5")
            .await
            .unwrap();
        assert!(
            matches!(
                s.verify_audit().await.unwrap(),
                AuditVerdict::Broken { entry_id: 5, .. }
            ),
            "{}",
            db.label
        );
    }
    for db in every_backend().await {
        let s = &db.store;
        seed(s).await;
        let n = intact(s).await;
        // Deleting the newest entry is caught by the head.
        s.execute_raw_for_tests("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
            .await
            .unwrap();
        match s.verify_audit().await.unwrap() {
            AuditVerdict::Broken { entry_id, .. } => assert_eq!(entry_id, n, "{}", db.label),
            v => panic!("{}: {v:?}", db.label),
        }
    }
    for db in every_backend().await {
        let s = &db.store;
        seed(s).await;
        // An entry inserted out of order (a forged row between two real ones).
        s.execute_raw_for_tests("UPDATE audit_log SET id = id + 1000 WHERE id >= 4")
            .await
            .unwrap();
        s.execute_raw_for_tests(
            "INSERT INTO audit_log (id, at, actor_user_id, actor_label, agency_id, action, object_kind, object_id, summary, prev_hash, hash)
             SELECT 4, at, actor_user_id, actor_label, agency_id, action, object_kind, object_id, summary, hash, hash FROM audit_log WHERE id = 3",
        )
        .await
        .unwrap();
        assert!(
            matches!(
                s.verify_audit().await.unwrap(),
                AuditVerdict::Broken { entry_id: 4, .. }
            ),
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn copy_table_list_covers_the_schema() {
    for db in every_backend().await {
        let mut names = db.store.table_names().await.unwrap();
        names.sort();
        let mut known: Vec<String> = copied_tables().into_iter().map(String::from).collect();
        known.sort();
        assert_eq!(names, known, "{}: db copy must know every table", db.label);
    }
}

#[tokio::test]
async fn sqlite_copies_to_postgres_with_chain_intact() {
    let Some(pg) = gongkai_testkit::postgres().await else {
        return;
    };
    let src = gongkai_testkit::sqlite().await;
    seed(&src.store).await;
    let entries = intact(&src.store).await;
    let report = src.store.copy_to(&pg.store).await.unwrap();
    assert_eq!(report.audit_entries, entries);
    for t in ["agencies", "users", "user_roles", "audit_log"] {
        assert_eq!(
            src.store.count_rows(t).await.unwrap(),
            pg.store.count_rows(t).await.unwrap(),
            "{t}"
        );
    }
    // Identity sequences moved on: new rows get fresh ids.
    let op = ConsoleOperator::local();
    let gulou = pg.store.agency_by_code("gulou").await.unwrap().unwrap();
    pg.store
        .create_child_agency(&op.admin_of(gulou.id), draft("after-copy", "复制后新建"))
        .await
        .unwrap();
    assert!(pg
        .store
        .authenticate("gulou-admin", TEST_PASSWORD)
        .await
        .unwrap()
        .is_some());
    intact(&pg.store).await;
    // A second copy into a non-empty database is refused.
    assert!(matches!(
        src.store.copy_to(&pg.store).await,
        Err(StoreError::Conflict(_))
    ));
}

#[tokio::test]
async fn sqlite_backup_and_restore() {
    let db = gongkai_testkit::sqlite().await;
    seed(&db.store).await;
    let entries = intact(&db.store).await;
    let backup = db.dir.path().join("backup.sqlite3");
    db.store.backup_sqlite(&backup).await.unwrap();
    assert!(
        db.store.backup_sqlite(&backup).await.is_err(),
        "never overwrites"
    );
    let target = tempfile::tempdir().unwrap();
    let restored = gongkai_store::restore_sqlite(&backup, target.path(), false)
        .await
        .unwrap();
    assert_eq!(restored, entries);
    assert!(
        gongkai_store::restore_sqlite(&backup, target.path(), false)
            .await
            .is_err(),
        "needs --force over data"
    );
    let reopened = Store::open_sqlite(&target.path().join(gongkai_store::SQLITE_FILE_NAME))
        .await
        .unwrap();
    assert_eq!(reopened.agencies().await.unwrap().len(), 5);
}

#[tokio::test]
async fn concurrent_writers_keep_the_chain() {
    for db in every_backend().await {
        let s = db.store.clone();
        let seeded = seed(&s).await;
        let op = ConsoleOperator::local();
        let mut handles = Vec::new();
        for i in 0..16 {
            let s = s.clone();
            let cap = op.admin_of(seeded.gulou.id);
            handles.push(tokio::spawn(async move {
                s.create_child_agency(&cap, draft(&format!("dept-{i}"), &format!("部门{i}")))
                    .await
            }));
        }
        for h in handles {
            h.await.unwrap().unwrap();
        }
        intact(&s).await;
    }
}
