//! Bounded access to ZIP containers (DOCX, XLSX): entry count, per-entry and
//! total decompressed size are capped whatever the headers claim.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::limits::{check_size, MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES};
use crate::DocError;

pub(crate) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Whether `bytes` start like a ZIP container.
pub(crate) fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

pub(crate) fn open(bytes: &[u8]) -> Result<Archive<'_>, DocError> {
    check_size(bytes)?;
    if !looks_like_zip(bytes) {
        return Err(DocError::NotZip("文件头不是 ZIP 格式".into()));
    }
    let archive =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| DocError::NotZip(e.to_string()))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(DocError::TooManyEntries {
            limit: MAX_ZIP_ENTRIES,
        });
    }
    Ok(archive)
}

/// The decompressed bytes budget shared by all reads from one container.
pub(crate) struct Budget(pub u64);

impl Default for Budget {
    fn default() -> Self {
        Budget(MAX_UNZIPPED_BYTES)
    }
}

/// Reads one entry, if present, charging its real decompressed size to `budget`.
pub(crate) fn read_entry(
    archive: &mut Archive<'_>,
    name: &str,
    budget: &mut Budget,
) -> Result<Option<Vec<u8>>, DocError> {
    let index = archive.index_for_name(name).or_else(|| {
        // Some writers use other letter cases or a leading slash.
        let wanted = name.trim_start_matches('/');
        let actual = archive
            .file_names()
            .flatten()
            .find(|n| n.trim_start_matches('/').eq_ignore_ascii_case(wanted))
            .map(|n| n.into_owned())?;
        archive.index_for_name(&actual)
    });
    let Some(index) = index else {
        return Ok(None);
    };
    read_index(archive, index, budget).map(Some)
}

pub(crate) fn read_index(
    archive: &mut Archive<'_>,
    index: usize,
    budget: &mut Budget,
) -> Result<Vec<u8>, DocError> {
    let limit = MAX_UNZIPPED_BYTES;
    let file = archive
        .by_index(index)
        .map_err(|e| DocError::NotZip(e.to_string()))?;
    let mut out = Vec::new();
    let mut take = file.take(budget.0.saturating_add(1));
    take.read_to_end(&mut out)
        .map_err(|e| DocError::NotZip(e.to_string()))?;
    let n = out.len() as u64;
    if n > budget.0 {
        return Err(DocError::ZipBomb { limit });
    }
    budget.0 -= n;
    Ok(out)
}

/// Decompresses every entry once, within the budget, to refuse bombs before
/// handing the container to a library that reads it without limits.
pub(crate) fn check_all(archive: &mut Archive<'_>) -> Result<(), DocError> {
    let mut budget = Budget::default();
    let mut sink = [0u8; 16 * 1024];
    for i in 0..archive.len() {
        let mut file = archive
            .by_index(i)
            .map_err(|e| DocError::NotZip(e.to_string()))?;
        loop {
            let n = file
                .read(&mut sink)
                .map_err(|e| DocError::NotZip(e.to_string()))?;
            if n == 0 {
                break;
            }
            if n as u64 > budget.0 {
                return Err(DocError::ZipBomb {
                    limit: MAX_UNZIPPED_BYTES,
                });
            }
            budget.0 -= n as u64;
        }
    }
    Ok(())
}
