//! The report-json.md exchange shape: serialisation and parsing back.

use crate::finding::Finding;
use crate::labels::{self, FieldKind};
use crate::model::{AnnualReport, Format, Value};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value as J;

#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    #[error("JSON 格式错误：{0}")]
    Syntax(#[from] serde_json::Error),
    #[error("JSON 缺少或错误的字段：{0}")]
    Field(String),
}

/// A report with its findings, serialised in the report-json.md shape
/// (keys in the documented order).
pub struct JsonReport<'a> {
    pub report: &'a AnnualReport,
    pub findings: &'a [Finding],
}

struct Ordered(Vec<(&'static str, J)>);

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

fn value_json(v: &Value) -> J {
    match v {
        Value::Int(n) => J::from(*n),
        Value::Text(s) => J::from(s.clone()),
    }
}

fn proactive(report: &AnnualReport) -> Ordered {
    let blocks = labels::proactive_blocks(report.format);
    let rows = labels::proactive_rows(report.format);
    let mut out = Vec::new();
    for ((b, r), vals) in rows.iter().zip(report.proactive.iter()) {
        let fields = blocks.get(*b).map(|bl| bl.fields).unwrap_or(&[]);
        let v = match vals {
            Some(vals) => {
                let mut m = serde_json::Map::new();
                for (f, v) in fields.iter().zip(vals) {
                    m.insert(f.key.to_string(), value_json(v));
                }
                // Keep field order: build through Ordered.
                let ordered = Ordered(
                    fields
                        .iter()
                        .zip(vals)
                        .map(|(f, v)| (f.key, value_json(v)))
                        .collect(),
                );
                serde_json::to_value(&ordered).unwrap_or(J::Object(m))
            }
            None => J::Null,
        };
        out.push((r.key, v));
    }
    Ordered(out)
}

impl Serialize for JsonReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.report;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("format", r.format.as_str())?;
        m.serialize_entry("year", &r.year)?;
        m.serialize_entry("agency", &r.agency)?;
        m.serialize_entry("proactive", &proactive(r))?;
        let rows = Ordered(
            labels::APPLICATION_ROWS
                .iter()
                .zip(r.applications.iter())
                .enumerate()
                .filter(|(i, _)| labels::row_in_format(r.format, *i))
                .filter_map(|(_, (spec, v))| v.map(|v| (spec.id, J::from(v.to_vec()))))
                .collect(),
        );
        m.serialize_entry(
            "applications",
            &ApplicationsJson {
                columns: labels::APPLICATION_COLUMNS,
                rows,
            },
        )?;
        if r.appeals.iter().all(Option::is_none) {
            m.serialize_entry("appeals", &J::Null)?;
        } else {
            let blocks = Ordered(
                labels::APPEAL_BLOCKS
                    .iter()
                    .zip(r.appeals.iter())
                    .map(|((k, _), v)| {
                        let j = match v {
                            Some(v) => serde_json::to_value(Ordered(
                                labels::APPEAL_FIELDS
                                    .iter()
                                    .zip(v.iter())
                                    .map(|((fk, _), n)| (*fk, J::from(*n)))
                                    .collect(),
                            ))
                            .unwrap_or(J::Null),
                            None => J::Null,
                        };
                        (*k, j)
                    })
                    .collect(),
            );
            m.serialize_entry("appeals", &blocks)?;
        }
        m.serialize_entry("findings", self.findings)?;
        m.end()
    }
}

#[derive(Serialize)]
struct ApplicationsJson {
    columns: [&'static str; 7],
    rows: Ordered,
}

/// Serialise as pretty JSON text.
pub fn to_json(report: &AnnualReport, findings: &[Finding]) -> String {
    serde_json::to_string_pretty(&JsonReport { report, findings })
        .unwrap_or_else(|_| "{}".to_string())
}

/// Serialise as a `serde_json::Value` (object keys sorted by serde_json).
pub fn to_json_value(report: &AnnualReport, findings: &[Finding]) -> J {
    serde_json::to_value(JsonReport { report, findings }).unwrap_or(J::Null)
}

fn int(v: &J, what: &str) -> Result<i64, JsonError> {
    v.as_i64().ok_or_else(|| JsonError::Field(what.to_string()))
}

/// Parse report JSON back into the model and its findings.
pub fn from_json(text: &str) -> Result<(AnnualReport, Vec<Finding>), JsonError> {
    let v: J = serde_json::from_str(text)?;
    from_json_value(&v)
}

/// Parse a `serde_json::Value` in the report-json shape.
pub fn from_json_value(v: &J) -> Result<(AnnualReport, Vec<Finding>), JsonError> {
    let format = match v.get("format").and_then(J::as_str) {
        Some("2021") => Format::F2021,
        Some("2019") => Format::F2019,
        _ => return Err(JsonError::Field("format".into())),
    };
    let mut r = AnnualReport::empty(format);
    r.year = v
        .get("year")
        .and_then(J::as_i64)
        .and_then(|y| i32::try_from(y).ok());
    r.agency = v.get("agency").and_then(J::as_str).map(str::to_string);
    let blocks = labels::proactive_blocks(format);
    if let Some(p) = v.get("proactive").and_then(J::as_object) {
        for (i, (b, row)) in labels::proactive_rows(format).iter().enumerate() {
            let Some(obj) = p.get(row.key).and_then(J::as_object) else {
                continue;
            };
            let fields = blocks.get(*b).map(|bl| bl.fields).unwrap_or(&[]);
            let mut vals = Vec::new();
            for f in fields {
                let what = format!("proactive.{}.{}", row.key, f.key);
                let x = obj
                    .get(f.key)
                    .ok_or_else(|| JsonError::Field(what.clone()))?;
                vals.push(match f.kind {
                    FieldKind::Count | FieldKind::Change => Value::Int(int(x, &what)?),
                    FieldKind::Money | FieldKind::Text => match x {
                        J::String(s) => Value::Text(s.clone()),
                        J::Number(n) => Value::Text(n.to_string()),
                        _ => return Err(JsonError::Field(what)),
                    },
                });
            }
            r.proactive[i] = Some(vals);
        }
    }
    if let Some(rows) = v
        .get("applications")
        .and_then(|a| a.get("rows"))
        .and_then(J::as_object)
    {
        for (i, spec) in labels::APPLICATION_ROWS.iter().enumerate() {
            if !labels::row_in_format(format, i) {
                continue;
            }
            if let Some(arr) = rows.get(spec.id).and_then(J::as_array) {
                let mut row = [0i64; 7];
                if arr.len() != 7 {
                    return Err(JsonError::Field(format!("applications.rows.{}", spec.id)));
                }
                for (c, x) in arr.iter().enumerate() {
                    row[c] = int(x, spec.id)?;
                }
                r.applications[i] = Some(row);
            }
        }
    }
    if let Some(a) = v.get("appeals").and_then(J::as_object) {
        for (b, (k, _)) in labels::APPEAL_BLOCKS.iter().enumerate() {
            if let Some(obj) = a.get(*k).and_then(J::as_object) {
                let mut blk = [0i64; 5];
                for (f, (fk, _)) in labels::APPEAL_FIELDS.iter().enumerate() {
                    let what = format!("appeals.{k}.{fk}");
                    blk[f] = int(
                        obj.get(*fk).ok_or_else(|| JsonError::Field(what.clone()))?,
                        &what,
                    )?;
                }
                r.appeals[b] = Some(blk);
            }
        }
    }
    let findings = match v.get("findings") {
        Some(f) if !f.is_null() => serde_json::from_value(f.clone())?,
        _ => Vec::new(),
    };
    Ok((r, findings))
}
