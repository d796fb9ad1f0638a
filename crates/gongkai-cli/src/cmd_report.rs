//! `gongkai report check|convert`: check annual reports and convert them.

use anyhow::Context;
use gongkai_report::{
    check, has_errors, layout, read_report, read_report_text, to_text, AnnualReport, Finding,
    JsonReport, Severity,
};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ReportCommand {
    /// 检查年度报告：勾稽关系 R1–R7、标签、空格、缺失、正文与表格是否一致
    Check {
        /// 年报文件（文本、HTML、DOCX、XLSX 或 report JSON）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 上一年度的年报，用于 R6、R7
        #[arg(long)]
        previous: Option<PathBuf>,
        /// 输出 report JSON（多个文件时为数组）
        #[arg(long)]
        json: bool,
    },
    /// 转换年度报告为其他格式
    Convert {
        file: PathBuf,
        #[arg(long, value_enum)]
        to: Target,
        /// 输出文件；省略时文本和 JSON 写到标准输出
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Text,
    Html,
    Docx,
    Xlsx,
    Pdf,
    Json,
}

/// A report read from a file, with reading and rule findings.
struct Loaded {
    report: AnnualReport,
    findings: Vec<Finding>,
}

fn load(path: &Path) -> anyhow::Result<Loaded> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let is_json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        let text = String::from_utf8_lossy(&bytes);
        let (report, _) = gongkai_report::from_json(&text)
            .with_context(|| format!("{} 不是有效的年报 JSON", path.display()))?;
        let findings = check(&report, None);
        return Ok(Loaded { report, findings });
    }
    let name = path.file_name().and_then(|n| n.to_str());
    // Plain text takes the text path (no `Doc`, valid UTF-8 borrowed), which
    // reads exactly as `read_any` → `read_report` would. A .docx/.xlsx name
    // on text is left to `read_any`, which refuses it.
    let office_name = name.and_then(|n| n.rsplit_once('.')).is_some_and(|(_, e)| {
        ["docx", "xlsx", "xlsm"]
            .iter()
            .any(|o| e.eq_ignore_ascii_case(o))
    });
    let out = if !office_name && gongkai_docs::sniff(&bytes, name) == gongkai_docs::DocKind::Text {
        let text = gongkai_docs::decode_text_borrowed(&bytes)
            .with_context(|| format!("无法解析 {}", path.display()))?;
        read_report_text(&text)
    } else {
        let doc = gongkai_docs::read_any(&bytes, name)
            .with_context(|| format!("无法解析 {}", path.display()))?;
        read_report(&doc)
    };
    Ok(Loaded {
        report: out.report,
        findings: out.findings,
    })
}

fn human(path: &Path, l: &Loaded) -> String {
    let mut s = String::new();
    let errors = l.findings.iter().filter(|f| f.is_error()).count();
    let warnings = l.findings.len() - errors;
    s.push_str(&format!(
        "{}：{}年格式，年度 {}，机关 {}；错误 {} 个，警告 {} 个\n",
        path.display(),
        l.report.format.as_str(),
        l.report
            .year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "未注明".into()),
        l.report.agency.as_deref().unwrap_or("未注明"),
        errors,
        warnings
    ));
    for f in &l.findings {
        let sev = match f.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        s.push_str(&format!(
            "  [{sev} {}] {}：{}\n",
            f.rule, f.location, f.message
        ));
    }
    s
}

/// A progress bar on stderr for large batches (at least
/// [`Progress::MIN_FILES`] files), drawn only when stderr is a terminal so
/// that logs and pipes stay clean.
struct Progress {
    total: usize,
    done: usize,
    enabled: bool,
}

impl Progress {
    const MIN_FILES: usize = 20;
    const WIDTH: usize = 30;

    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: 0,
            enabled: total >= Self::MIN_FILES && std::io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self) {
        self.done += 1;
        if !self.enabled {
            return;
        }
        let filled = self.done * Self::WIDTH / self.total.max(1);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r检查中 [{}{}] {}/{}",
            "#".repeat(filled),
            "-".repeat(Self::WIDTH.saturating_sub(filled)),
            self.done,
            self.total
        );
        let _ = err.flush();
    }

    /// Erase the bar (before a message or at the end).
    fn clear(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

fn run_check(files: &[PathBuf], previous: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    let prev = match previous {
        Some(p) => match load(p) {
            Ok(l) => Some(l.report),
            Err(e) => {
                eprintln!("{e:#}");
                return Ok(ExitCode::from(2));
            }
        },
        None => None,
    };
    let mut loaded: Vec<(PathBuf, Loaded)> = Vec::new();
    let mut unreadable = 0usize;
    let mut progress = Progress::new(files.len());
    for f in files {
        let result = load(f);
        progress.tick();
        match result {
            Ok(mut l) => {
                if let Some(p) = &prev {
                    let extra: Vec<Finding> = check(&l.report, Some(p))
                        .into_iter()
                        .filter(|x| x.rule == "R6" || x.rule == "R7")
                        .collect();
                    l.findings.extend(extra);
                }
                loaded.push((f.clone(), l));
            }
            Err(e) => {
                progress.clear();
                eprintln!("{e:#}");
                unreadable += 1;
            }
        }
    }
    progress.clear();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let items: Vec<JsonReport> = loaded
            .iter()
            .map(|(_, l)| JsonReport {
                report: &l.report,
                findings: &l.findings,
            })
            .collect();
        let text = if files.len() == 1 {
            match items.first() {
                Some(one) => serde_json::to_string_pretty(one)?,
                None => "null".to_string(),
            }
        } else {
            serde_json::to_string_pretty(&items)?
        };
        writeln!(out, "{text}")?;
    } else {
        for (p, l) in &loaded {
            write!(out, "{}", human(p, l))?;
        }
    }
    let with_errors = loaded
        .iter()
        .filter(|(_, l)| has_errors(&l.findings))
        .count();
    if files.len() > 1 {
        eprintln!(
            "共 {} 个文件：{} 个有错误，{} 个无错误，{} 个无法读取",
            files.len(),
            with_errors,
            loaded.len() - with_errors,
            unreadable
        );
    }
    Ok(if unreadable > 0 {
        ExitCode::from(2)
    } else if with_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_convert(file: &Path, to: Target, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let l = match load(file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e:#}");
            return Ok(ExitCode::from(2));
        }
    };
    let doc = layout(&l.report);
    let bytes: Vec<u8> = match to {
        Target::Text => to_text(&l.report).into_bytes(),
        Target::Json => {
            let mut s = gongkai_report::to_json(&l.report, &l.findings);
            s.push('\n');
            s.into_bytes()
        }
        Target::Html => gongkai_docs::write_html(&doc),
        Target::Docx => gongkai_docs::write_docx(&doc)?,
        Target::Xlsx => gongkai_docs::write_xlsx(&doc)?,
        Target::Pdf => gongkai_docs::write_pdf(&doc)?,
    };
    match out {
        Some(p) => {
            std::fs::write(p, &bytes).with_context(|| format!("无法写入 {}", p.display()))?
        }
        None => {
            if matches!(to, Target::Docx | Target::Xlsx | Target::Pdf) {
                anyhow::bail!("二进制格式请用 -o 指定输出文件");
            }
            std::io::stdout().lock().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        ReportCommand::Check {
            files,
            previous,
            json,
        } => run_check(files, previous.as_deref(), *json),
        ReportCommand::Convert { file, to, out } => run_convert(file, *to, out.as_deref()),
    }
}
