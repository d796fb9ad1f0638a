//! The typed model of an annual report (both formats).

use crate::labels::{self, FieldKind};
use serde::{Deserialize, Serialize};

/// Which official format a report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// 国办公开办函〔2019〕60号: reports for 2019 and 2020.
    #[serde(rename = "2019")]
    F2019,
    /// 国办公开办函〔2021〕30号: reports from 2021 on.
    #[serde(rename = "2021")]
    F2021,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::F2019 => "2019",
            Format::F2021 => "2021",
        }
    }
}

/// One cell of table 二.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A count (or a signed change for 本年增/减).
    Int(i64),
    /// An exact decimal string (万元) or text as printed (采购总金额).
    Text(String),
}

impl Value {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Text(_) => None,
        }
    }

    /// A zero of the given field kind.
    pub fn zero(kind: FieldKind) -> Value {
        match kind {
            FieldKind::Count | FieldKind::Change => Value::Int(0),
            FieldKind::Money | FieldKind::Text => Value::Text("0".to_string()),
        }
    }

    pub fn display(&self) -> String {
        match self {
            Value::Int(n) => n.to_string(),
            Value::Text(s) => s.clone(),
        }
    }
}

/// The six narrative sections (一 … 六) plus the title and opening text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrative {
    /// Text before section 一 (title lines excluded).
    pub preamble: String,
    /// Section texts; sections 二–四 usually hold only text around the tables.
    pub sections: [String; 6],
}

/// An annual report. A `None` row or table was not found in the source
/// (the checker reports it as MISSING).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualReport {
    pub format: Format,
    pub year: Option<i32>,
    pub agency: Option<String>,
    /// Table 二: one entry per row of [`labels::proactive_rows`] of the format,
    /// each with one value per field of its block.
    pub proactive: Vec<Option<Vec<Value>>>,
    /// Table 三: one entry per row of [`labels::APPLICATION_ROWS`] (25);
    /// rows absent from the format stay `None`.
    pub applications: Vec<Option<[i64; 7]>>,
    /// Table 四: 行政复议, 未经复议直接起诉, 复议后起诉; each 维持/纠正/其他/尚未审结/总计.
    pub appeals: [Option<[i64; 5]>; 3],
    pub narrative: Narrative,
}

impl AnnualReport {
    /// An empty report of a format: every table missing.
    pub fn empty(format: Format) -> AnnualReport {
        AnnualReport {
            format,
            year: None,
            agency: None,
            proactive: vec![None; labels::proactive_rows_static(format).len()],
            applications: vec![None; labels::APPLICATION_ROWS.len()],
            appeals: [None; 3],
            narrative: Narrative::default(),
        }
    }

    /// A report of a format with every figure zero.
    pub fn zeroed(format: Format) -> AnnualReport {
        let mut r = AnnualReport::empty(format);
        let blocks = labels::proactive_blocks(format);
        for (slot, (b, _)) in r
            .proactive
            .iter_mut()
            .zip(labels::proactive_rows_static(format).iter())
        {
            let fields = blocks.get(*b).map(|bl| bl.fields).unwrap_or(&[]);
            *slot = Some(fields.iter().map(|f| Value::zero(f.kind)).collect());
        }
        for (i, slot) in r.applications.iter_mut().enumerate() {
            if labels::row_in_format(format, i) {
                *slot = Some([0; 7]);
            }
        }
        r.appeals = [Some([0; 5]); 3];
        r
    }

    /// The values of table 二 row `key` (e.g. `"rules"`), when present.
    pub fn proactive_row(&self, key: &str) -> Option<&[Value]> {
        let idx = labels::proactive_rows(self.format)
            .iter()
            .position(|(_, r)| r.key == key)?;
        self.proactive.get(idx)?.as_deref()
    }

    /// One value of table 二 by row and field key, e.g. `("rules", "in_force")`.
    pub fn proactive_value(&self, row: &str, field: &str) -> Option<&Value> {
        let (b, _) = labels::proactive_rows(self.format)
            .into_iter()
            .find(|(_, r)| r.key == row)?;
        let fi = labels::proactive_blocks(self.format)
            .get(b)?
            .fields
            .iter()
            .position(|f| f.key == field)?;
        self.proactive_row(row)?.get(fi)
    }

    /// Table 三 row by id (e.g. `"withheld.state_secret"`).
    pub fn application_row(&self, id: &str) -> Option<&[i64; 7]> {
        let idx = labels::APPLICATION_ROWS.iter().position(|r| r.id == id)?;
        self.applications.get(idx)?.as_ref()
    }
}
