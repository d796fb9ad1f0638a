//! Counting facet values one level below a facet among the matching
//! documents: the counts of the search page's filters (agency, category,
//! year, validity).
//!
//! tantivy's `FacetCollector` maps every facet of a segment's dictionary to
//! its collapsed parent before collecting (a walk of the whole dictionary
//! per segment and query: with the 10,000 agencies of a province, most of a
//! search's time) and merges through a `BTreeMap` of owned facets. Here a
//! segment counts by ordinal into a vector, and only the ordinals that
//! occurred are resolved to text, in one sorted pass over the dictionary.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};

/// The separator of a facet's path segments in its encoded form.
const SEP: u8 = 0;

/// Counts, for the documents collected, the facets of `field` directly
/// below `under` (a document with a deeper facet counts for the child on
/// its path; one with `under` itself or outside it does not count).
pub(crate) struct ChildFacetCounts {
    field: String,
    under: Vec<u8>,
}

impl ChildFacetCounts {
    pub(crate) fn new(field: &str, under: &Facet) -> Self {
        ChildFacetCounts {
            field: field.to_string(),
            under: under.encoded_str().as_bytes().to_vec(),
        }
    }
}

/// The encoded child of `parent` on the path of `facet`, if `facet` is
/// `parent`'s child or a deeper descendant.
fn child_of<'a>(parent: &[u8], facet: &'a [u8]) -> Option<&'a [u8]> {
    let start = if parent.is_empty() {
        0
    } else {
        if !facet.starts_with(parent) || facet.get(parent.len()) != Some(&SEP) {
            return None;
        }
        parent.len() + 1
    };
    let rest = facet.get(start..)?;
    if rest.is_empty() {
        return None;
    }
    let end = rest
        .iter()
        .position(|b| *b == SEP)
        .map_or(facet.len(), |p| start + p);
    facet.get(..end)
}

pub(crate) struct SegmentChildFacetCounts {
    reader: FacetReader,
    under: Vec<u8>,
    counts: Vec<u32>,
}

impl Collector for ChildFacetCounts {
    /// (child facet, count), in facet order.
    type Fruit = Vec<(Facet, u64)>;
    type Child = SegmentChildFacetCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentChildFacetCounts> {
        let reader = reader.facet_reader(&self.field)?;
        let counts = vec![0u32; reader.num_facets()];
        Ok(SegmentChildFacetCounts {
            reader,
            under: self.under.clone(),
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<Result<HashMap<Vec<u8>, u64>, String>>,
    ) -> tantivy::Result<Vec<(Facet, u64)>> {
        let mut total: HashMap<Vec<u8>, u64> = HashMap::new();
        for segment in segments {
            for (facet, n) in segment.map_err(TantivyError::InternalError)? {
                *total.entry(facet).or_default() += n;
            }
        }
        let mut out = total
            .into_iter()
            .map(|(bytes, n)| {
                Facet::from_encoded(bytes)
                    .map(|f| (f, n))
                    .map_err(|e| TantivyError::InternalError(e.to_string()))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}

impl SegmentCollector for SegmentChildFacetCounts {
    /// Encoded child facet → count; an error reading the dictionary as text.
    type Fruit = Result<HashMap<Vec<u8>, u64>, String>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for ord in self.reader.facet_ords(doc) {
            if let Some(n) = usize::try_from(ord)
                .ok()
                .and_then(|i| self.counts.get_mut(i))
            {
                *n += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let ords: Vec<u64> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, _)| i as u64)
            .collect();
        let mut out: HashMap<Vec<u8>, u64> = HashMap::new();
        let mut next = ords.iter();
        self.reader
            .facet_dict()
            .sorted_ords_to_term_cb(&ords, |bytes| {
                let Some(ord) = next.next() else { return };
                let n = self.counts.get(*ord as usize).copied().unwrap_or(0);
                if let Some(child) = child_of(&self.under, bytes) {
                    *out.entry(child.to_vec()).or_default() += u64::from(n);
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(path: &str) -> Vec<u8> {
        Facet::from(path).encoded_str().as_bytes().to_vec()
    }

    #[test]
    fn children_one_level_below() {
        let root = enc("/");
        assert!(root.is_empty());
        assert_eq!(child_of(&root, &enc("/a")), Some(enc("/a").as_slice()));
        assert_eq!(child_of(&root, &enc("/a/b/c")), Some(enc("/a").as_slice()));
        let a = enc("/a");
        assert_eq!(child_of(&a, &enc("/a/b")), Some(enc("/a/b").as_slice()));
        assert_eq!(child_of(&a, &enc("/a/b/c")), Some(enc("/a/b").as_slice()));
        assert_eq!(child_of(&a, &enc("/a")), None);
        assert_eq!(child_of(&a, &enc("/ab/c")), None);
        assert_eq!(child_of(&a, &enc("/b")), None);
    }

    /// The same counts as tantivy's `FacetCollector` on an index of several
    /// segments with facets of one to three levels, below the root and below
    /// inner facets, for all documents and for a term's documents.
    #[test]
    fn agrees_with_tantivys_facet_collector() {
        use tantivy::collector::FacetCollector;
        use tantivy::query::{AllQuery, Query, TermQuery};
        use tantivy::schema::{FacetOptions, IndexRecordOption, Schema, STRING};
        use tantivy::{doc, Index, IndexWriter, Term};

        let mut sb = Schema::builder();
        let facet = sb.add_facet_field("f", FacetOptions::default());
        let tag = sb.add_text_field("tag", STRING);
        let index = Index::create_in_ram(sb.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _segment in 0..4 {
            for _ in 0..300 {
                let depth = 1 + next(3);
                let path: String = (0..depth).map(|_| format!("/p{}", next(5))).collect();
                let t = if next(3) == 0 { "x" } else { "y" };
                writer
                    .add_document(doc!(facet => Facet::from(path.as_str()), tag => t))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(
                Term::from_field_text(tag, "x"),
                IndexRecordOption::Basic,
            )),
        ];
        for query in &queries {
            for under in ["/", "/p0", "/p3", "/p1/p2", "/nothing"] {
                let under = Facet::from(under);
                let mut theirs = FacetCollector::for_field("f");
                theirs.add_facet(under.clone());
                let theirs: Vec<(Facet, u64)> = searcher
                    .search(query.as_ref(), &theirs)
                    .unwrap()
                    .get(under.clone())
                    .map(|(f, n)| (f.clone(), n))
                    .collect();
                let ours = searcher
                    .search(query.as_ref(), &ChildFacetCounts::new("f", &under))
                    .unwrap();
                assert_eq!(ours, theirs, "below {under}");
            }
        }
    }
}
