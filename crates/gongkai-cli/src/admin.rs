//! Console administration: users, agencies, audit, backup, restore, copy.

use crate::{random_password, StoreArgs};
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use gongkai_domain::{AgencyDraft, AgencyKind, ConsoleOperator, OfficeContact, Role};
use gongkai_store::{AuditVerdict, Backend, NewUser, Store};
use std::path::PathBuf;
use std::process::ExitCode;

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        format!("角色“{s}”无效，应为 admin、drafter、reviewer、approver、handler 或 supervisor")
    })
}

fn parse_kind(s: &str) -> Result<AgencyKind, String> {
    AgencyKind::parse(s).ok_or_else(|| {
        format!("层级“{s}”无效，应为 province、city、district、subdistrict、town 或 department")
    })
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a staff account with a role in an agency.
    Add {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        agency: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        username: String,
        /// Display name (姓名).
        #[arg(long)]
        name: String,
        /// Initial password; a random one is generated and printed when omitted.
        #[arg(long)]
        password: Option<String>,
    },
    /// Set a user's password.
    Passwd {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        username: String,
        /// New password; a random one is generated and printed when omitted.
        #[arg(long)]
        password: Option<String>,
    },
    /// Print an API token for a user of ROLE in AGENCY (the user is created if there is none).
    Token {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        agency: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
}

async fn agency_named(store: &Store, code: &str) -> anyhow::Result<gongkai_store::Agency> {
    store
        .agency_by_code(code)
        .await?
        .with_context(|| format!("找不到代码为“{code}”的机关（可用 `gongkai agency list` 查看）"))
}

pub async fn user(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let op = ConsoleOperator::local();
    match cmd {
        UserCommand::Add {
            store,
            agency,
            role,
            username,
            name,
            password,
        } => {
            let store = store.open().await?;
            let agency = agency_named(&store, &agency).await?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(random_password);
            let user = store
                .create_user(
                    &op.admin_of(agency.id),
                    NewUser {
                        username,
                        display_name: name,
                        password: password.clone(),
                    },
                    role,
                )
                .await?;
            println!(
                "已在 {} 创建{}账号 {}（编号 {}）",
                agency.name,
                role.label(),
                user.username,
                user.id
            );
            if generated {
                println!("初始密码：{password}");
            }
        }
        UserCommand::Passwd {
            store,
            username,
            password,
        } => {
            let store = store.open().await?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(random_password);
            store
                .set_password_by_username(&op, &username, password.clone())
                .await?;
            println!("已为 {username} 设置新密码，其登录会话已全部失效。");
            if generated {
                println!("新密码：{password}");
            }
        }
        UserCommand::Token {
            store,
            agency,
            role,
        } => {
            let store = store.open().await?;
            let agency = agency_named(&store, &agency).await?;
            let user_id = match store.user_with_role(&op, agency.id, role).await? {
                Some(id) => id,
                None => {
                    let username = format!("{}-{}-api", agency.code, role.as_str());
                    let user = store
                        .create_user(
                            &op.admin_of(agency.id),
                            NewUser {
                                username: username.clone(),
                                display_name: format!(
                                    "{}{}（接口）",
                                    agency.short_name,
                                    role.label()
                                ),
                                password: random_password(),
                            },
                            role,
                        )
                        .await?;
                    eprintln!("已创建 {} 的{}账号 {username}", agency.name, role.label());
                    user.id
                }
            };
            let token = store
                .issue_api_token(&op, user_id, &format!("{} {}", agency.code, role.as_str()))
                .await?;
            println!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum AgencyCommand {
    /// Add an agency (below --parent, or a top-level one).
    Add {
        #[command(flatten)]
        store: StoreArgs,
        /// Code used in URLs, e.g. gulou.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_kind)]
        kind: AgencyKind,
        #[arg(long)]
        parent: Option<String>,
        #[arg(long, default_value = "")]
        short_name: String,
        /// 机构代码 (for 索引号).
        #[arg(long, default_value = "")]
        org_code: String,
    },
    /// List agencies as a tree.
    List {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
}

pub async fn agency(cmd: AgencyCommand) -> anyhow::Result<ExitCode> {
    let op = ConsoleOperator::local();
    match cmd {
        AgencyCommand::Add {
            store,
            code,
            name,
            kind,
            parent,
            short_name,
            org_code,
        } => {
            let store = store.open().await?;
            let draft = AgencyDraft {
                code,
                kind,
                name,
                short_name,
                org_code,
                office: OfficeContact::default(),
            };
            let created = match parent {
                Some(p) => {
                    let parent = agency_named(&store, &p).await?;
                    store
                        .create_child_agency(&op.admin_of(parent.id), draft)
                        .await?
                }
                None => store.create_root_agency(&op, draft).await?,
            };
            println!("已添加机关 {}（{}）", created.name, created.code);
        }
        AgencyCommand::List { store, json } => {
            let store = store.open().await?;
            let agencies = store.agencies().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&agencies)?);
            } else {
                print_tree(&agencies);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_tree(agencies: &[gongkai_store::Agency]) {
    fn walk(
        agencies: &[gongkai_store::Agency],
        parent: Option<i64>,
        depth: usize,
        seen: &mut Vec<i64>,
    ) {
        for a in agencies.iter().filter(|a| a.parent_id == parent) {
            if seen.contains(&a.id) {
                continue;
            }
            seen.push(a.id);
            println!(
                "{}{}  {}  [{}]",
                "  ".repeat(depth),
                a.code,
                a.name,
                a.kind.label()
            );
            walk(agencies, Some(a.id), depth + 1, seen);
        }
    }
    if agencies.is_empty() {
        println!("（尚无机关）");
        return;
    }
    let mut seen = Vec::new();
    walk(agencies, None, 0, &mut seen);
    // Agencies whose parent is missing still get listed.
    for a in agencies.iter().filter(|a| !seen.contains(&a.id)) {
        println!("{}  {}  [{}]（上级缺失）", a.code, a.name, a.kind.label());
    }
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the audit log.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
    },
}

pub async fn audit(cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { store } => {
            let store = store.open().await?;
            match store.verify_audit().await? {
                AuditVerdict::Intact { entries } => {
                    println!("审计链完整：共 {entries} 条记录，逐条校验通过。");
                    Ok(ExitCode::SUCCESS)
                }
                AuditVerdict::Broken { entry_id, reason } => {
                    eprintln!("审计链校验失败：第一处问题在条目 #{entry_id}。{reason}");
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Backup file to write (must not exist).
    #[arg(long, short = 'o')]
    out: PathBuf,
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let store = args.store.open().await?;
    match store.backend() {
        Backend::Sqlite => {
            store.backup_sqlite(&args.out).await?;
            println!(
                "已备份到 {}（服务运行期间也可执行，备份内容一致）。",
                args.out.display()
            );
        }
        Backend::Postgres => {
            let url = args.store.database_url.clone().unwrap_or_default();
            if args.out.exists() {
                bail!("备份文件 {} 已存在，请换一个文件名", args.out.display());
            }
            let status = tokio::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(&args.out)
                .arg(&url)
                .status()
                .await
                .context("无法运行 pg_dump：请安装 PostgreSQL 客户端（postgresql-client），或按 README 手动备份")?;
            if !status.success() {
                bail!("pg_dump 执行失败（退出码 {:?}）", status.code());
            }
            println!(
                "已用 pg_dump 备份到 {}（恢复：gongkai restore --database-url … --from 该文件）。",
                args.out.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Backup file made by `gongkai backup`.
    #[arg(long)]
    from: PathBuf,
    /// Replace an existing database (stop the server first).
    #[arg(long)]
    force: bool,
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    match &args.store.database_url {
        None => {
            let entries =
                gongkai_store::restore_sqlite(&args.from, &args.store.data_dir, args.force).await?;
            println!(
                "已从 {} 恢复到 {}，审计链完整（{entries} 条）。",
                args.from.display(),
                args.store.data_dir.display()
            );
        }
        Some(url) => {
            let status = tokio::process::Command::new("pg_restore")
                .arg("--no-owner")
                .arg("--clean")
                .arg("--if-exists")
                .arg("--dbname")
                .arg(url)
                .arg(&args.from)
                .status()
                .await
                .context("无法运行 pg_restore：请安装 PostgreSQL 客户端（postgresql-client）")?;
            if !status.success() {
                bail!("pg_restore 执行失败（退出码 {:?}）", status.code());
            }
            let store = args.store.open().await?;
            match store.verify_audit().await? {
                AuditVerdict::Intact { entries } => {
                    println!("已恢复，审计链完整（{entries} 条）。")
                }
                AuditVerdict::Broken { entry_id, reason } => {
                    bail!("已恢复，但审计链在条目 #{entry_id} 处校验失败：{reason}")
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Copy this SQLite installation into an empty PostgreSQL database.
    Copy {
        #[command(flatten)]
        store: StoreArgs,
        /// Target PostgreSQL URL.
        #[arg(long)]
        to: String,
    },
}

pub async fn db(cmd: DbCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DbCommand::Copy { store, to } => {
            if store.database_url.is_some() {
                bail!("db copy 从数据目录中的 SQLite 复制；请不要同时指定 --database-url");
            }
            if !gongkai_store::is_postgres_url(&to) {
                bail!("--to 需要 postgres:// 开头的 PostgreSQL 地址");
            }
            let source = store.open().await?;
            let target = Store::connect_postgres(&to).await?;
            let report = source.copy_to(&target).await?;
            for (table, rows) in &report.tables {
                println!("  {table:<16} {rows} 行");
            }
            println!(
                "复制完成，目标库审计链完整（{} 条）。请以 --database-url 启动 gongkai serve。",
                report.audit_entries
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
