//! Running the real `gongkai` binary from tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
}

/// Runs `gongkai ARGS… --data-dir DIR [--database-url URL]`.
pub fn run(args: &[&str], data_dir: &Path, database_url: Option<&str>) -> Output {
    let mut c = bin();
    c.args(args).arg("--data-dir").arg(data_dir);
    if let Some(u) = database_url {
        c.arg("--database-url").arg(u);
    }
    c.env_remove("GONGKAI_DATABASE_URL");
    c.output().expect("run gongkai")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A running `gongkai serve`; killed on drop.
pub struct Server {
    pub child: Child,
    pub base: String,
    /// Everything it printed up to "已启动".
    pub banner: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(data_dir: &Path, database_url: Option<&str>, extra: &[&str]) -> Server {
    let port = gongkai_testkit::browser::free_port();
    let mut c = bin();
    c.arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(extra)
        .env_remove("GONGKAI_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(u) = database_url {
        c.arg("--database-url").arg(u);
    }
    let mut child = c.spawn().expect("start gongkai serve");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut banner = String::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                banner.push_str(&line);
                banner.push('\n');
                if line.starts_with("gongkai 已启动") {
                    break;
                }
            }
            Err(_) => panic!("server did not start; printed:\n{banner}"),
        }
    }
    // Keep draining so the server never blocks on a full pipe.
    std::thread::spawn(move || while rx.recv().is_ok() {});
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        banner,
    }
}

/// The demo password printed for `username`.
pub fn demo_password(banner: &str, username: &str) -> String {
    let re = regex::Regex::new(&format!(
        r"(?m)^\s+{}\s+\S+\s+密码 (\S+)$",
        regex::escape(username)
    ))
    .expect("regex");
    re.captures(banner)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| panic!("no demo password for {username} in:\n{banner}"))
}

/// Every backend to run against: (label, data dir, database URL).
pub async fn backends() -> Vec<(&'static str, gongkai_testkit::TestDb)> {
    gongkai_testkit::every_backend()
        .await
        .into_iter()
        .map(|db| (db.label, db))
        .collect()
}
