//! Findings: what a check or the reader reports about a report.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding: rule id (`R1`…`R7`, `LABEL`, `BLANK`, `MISSING`, `TEXT`,
/// `AMBIGUOUS`), severity, Chinese location (table/row/column) and a
/// one-sentence Chinese message with the numbers involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub location: String,
    pub message: String,
}

impl Finding {
    pub fn error(rule: &str, location: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.to_string(),
            severity: Severity::Error,
            location: location.into(),
            message: message.into(),
        }
    }

    pub fn warning(rule: &str, location: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.to_string(),
            severity: Severity::Warning,
            location: location.into(),
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Whether any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_error)
}
