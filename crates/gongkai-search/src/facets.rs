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

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, Dictionary};
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};

/// The separator of a facet's path segments in its encoded form.
const SEP: u8 = 0;
/// Documents are looked up in the facet columns this many at a time.
const BATCH: usize = 64;

/// Counts, for the documents collected, the facets of each dimension
/// (field) directly below the dimension's facet (a document with a deeper
/// facet counts for the child on its path; one with the facet itself or
/// outside it does not count).
///
/// An item has at most one facet per field (the schema's documents are
/// built so), so a document's facet is its column's first value: looked up
/// for a batch of documents at once. A segment where some document has
/// several (a column tantivy stores as multi-valued) is counted document by
/// document, every value.
pub(crate) struct FacetTally {
    dims: Vec<TallyDim>,
}

/// What is counted of one dimension.
#[derive(Clone, Debug)]
pub(crate) struct TallyDim {
    /// The facet field.
    pub field: &'static str,
    /// The facet whose children are counted.
    pub under: Facet,
    /// Only this many children are kept: the most frequent (ties in facet
    /// order).
    pub limit: Option<usize>,
}

impl FacetTally {
    pub(crate) fn new(dims: Vec<TallyDim>) -> Self {
        FacetTally { dims }
    }
}

/// (Encoded facet, count), sorted by facet without repeats.
type Counts = Vec<(Vec<u8>, u64)>;

/// Adds `n` to `facet`'s count in sorted `counts` where `facet` is not
/// before the last facet.
fn push_sorted(counts: &mut Counts, facet: &[u8], n: u64) {
    match counts.last_mut() {
        Some((last, total)) if last.as_slice() == facet => *total += n,
        _ => counts.push((facet.to_vec(), n)),
    }
}

/// Merges two sorted counts.
fn merge(a: Counts, b: Counts) -> Counts {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.0 <= y.0,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { a.next() } else { b.next() };
        if let Some((facet, n)) = next {
            push_sorted(&mut out, &facet, n);
        }
    }
    out
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

/// One dimension in one segment: counts by facet ordinal.
struct SegmentDim {
    dictionary: Arc<Dictionary>,
    ords: Column<u64>,
    /// The encoded facet whose children are counted.
    under: Vec<u8>,
    /// By ordinal; by child when `collapse` is set.
    counts: Vec<u32>,
    /// For a multi-valued column: each ordinal's child, so that a document
    /// with two facets below one child counts once for it.
    collapse: Option<Collapse>,
}

struct Collapse {
    /// Ordinal → index in `children` (`NO_CHILD` outside `under`).
    child_of_ord: Vec<u32>,
    /// The encoded children, sorted.
    children: Vec<Vec<u8>>,
}

const NO_CHILD: u32 = u32::MAX;

impl Collapse {
    /// Walks the whole dictionary once (the multi-valued case only).
    fn new(dictionary: &Dictionary, under: &[u8]) -> std::io::Result<Collapse> {
        let all: Vec<u64> = (0..dictionary.num_terms() as u64).collect();
        let mut child_of_ord = Vec::with_capacity(all.len());
        let mut children: Vec<Vec<u8>> = Vec::new();
        dictionary.sorted_ords_to_term_cb(&all, |bytes| match child_of(under, bytes) {
            Some(child) => {
                if children.last().map(Vec::as_slice) != Some(child) {
                    children.push(child.to_vec());
                }
                child_of_ord.push(u32::try_from(children.len() - 1).unwrap_or(NO_CHILD));
            }
            None => child_of_ord.push(NO_CHILD),
        })?;
        Ok(Collapse {
            child_of_ord,
            children,
        })
    }
}

pub(crate) struct SegmentFacetTally {
    dims: Vec<SegmentDim>,
    batch: Vec<DocId>,
    found: Vec<Option<u64>>,
}

impl SegmentFacetTally {
    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let found = &mut self.found[..self.batch.len()];
        for dim in &mut self.dims {
            if let Some(collapse) = &dim.collapse {
                for doc in &self.batch {
                    // A document's ordinals are sorted: one child's follow
                    // each other.
                    let mut last = NO_CHILD;
                    for ord in dim.ords.values_for_doc(*doc) {
                        let child = usize::try_from(ord)
                            .ok()
                            .and_then(|i| collapse.child_of_ord.get(i).copied())
                            .unwrap_or(NO_CHILD);
                        if child != NO_CHILD && child != last {
                            if let Some(n) = dim.counts.get_mut(child as usize) {
                                *n += 1;
                            }
                        }
                        last = child;
                    }
                }
                continue;
            }
            found.fill(None);
            dim.ords.first_vals(&self.batch, found);
            for ord in found.iter().flatten() {
                if let Some(n) = usize::try_from(*ord)
                    .ok()
                    .and_then(|i| dim.counts.get_mut(i))
                {
                    *n += 1;
                }
            }
        }
        self.batch.clear();
    }
}

impl Collector for FacetTally {
    /// Per dimension, in the order given: (child facet, count), in facet
    /// order, or with a limit in count order (see `merge_fruits`).
    type Fruit = Vec<Vec<(Facet, u64)>>;
    type Child = SegmentFacetTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetTally> {
        let mut dims = Vec::with_capacity(self.dims.len());
        for dim in &self.dims {
            let column = reader.fast_fields().str(dim.field)?.ok_or_else(|| {
                TantivyError::SchemaError(format!("facet field {} has no column", dim.field))
            })?;
            let (dictionary, ords) = column.into_parts();
            let under = dim.under.encoded_str().as_bytes().to_vec();
            let collapse = if ords.get_cardinality() == Cardinality::Multivalued {
                Some(Collapse::new(&dictionary, &under)?)
            } else {
                None
            };
            let counts = vec![
                0u32;
                collapse
                    .as_ref()
                    .map_or(dictionary.num_terms(), |c| c.children.len())
            ];
            dims.push(SegmentDim {
                dictionary,
                ords,
                under,
                counts,
                collapse,
            });
        }
        Ok(SegmentFacetTally {
            dims,
            batch: Vec::with_capacity(BATCH),
            found: vec![None; BATCH],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    /// Per dimension, (child facet, count) in facet order; with a limit,
    /// the most frequent in count order (ties in facet order).
    fn merge_fruits(
        &self,
        segments: Vec<Result<Vec<Counts>, String>>,
    ) -> tantivy::Result<Vec<Vec<(Facet, u64)>>> {
        let mut totals: Vec<Counts> = vec![Vec::new(); self.dims.len()];
        for segment in segments {
            let segment = segment.map_err(TantivyError::InternalError)?;
            for (total, counts) in totals.iter_mut().zip(segment) {
                *total = merge(std::mem::take(total), counts);
            }
        }
        totals
            .into_iter()
            .zip(&self.dims)
            .map(|(mut total, dim)| {
                if let Some(limit) = dim.limit {
                    let by_count = |a: &(Vec<u8>, u64), b: &(Vec<u8>, u64)| {
                        b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
                    };
                    if total.len() > limit && limit > 0 {
                        total.select_nth_unstable_by(limit - 1, by_count);
                    }
                    total.truncate(limit);
                    total.sort_unstable_by(by_count);
                }
                total
                    .into_iter()
                    .map(|(bytes, n)| {
                        Facet::from_encoded(bytes)
                            .map(|f| (f, n))
                            .map_err(|e| TantivyError::InternalError(e.to_string()))
                    })
                    .collect::<tantivy::Result<Vec<_>>>()
            })
            .collect()
    }
}

impl SegmentCollector for SegmentFacetTally {
    /// Per dimension, the children's counts; an error reading a
    /// dictionary.
    type Fruit = Result<Vec<Counts>, String>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.batch.push(doc);
        if self.batch.len() == BATCH {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for chunk in docs.chunks(BATCH) {
            self.flush();
            self.batch.extend_from_slice(chunk);
            self.flush();
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        self.flush();
        let mut out = Vec::with_capacity(self.dims.len());
        for dim in &self.dims {
            if let Some(collapse) = &dim.collapse {
                let children = collapse
                    .children
                    .iter()
                    .zip(&dim.counts)
                    .filter(|(_, n)| **n > 0)
                    .map(|(child, n)| (child.clone(), u64::from(*n)))
                    .collect();
                out.push(children);
                continue;
            }
            let ords: Vec<u64> = dim
                .counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, _)| i as u64)
                .collect();
            // The dictionary is sorted, and so are the children on its
            // facets' paths (a facet's descendants follow it).
            let mut children: Counts = Vec::new();
            let mut next = ords.iter();
            dim.dictionary
                .sorted_ords_to_term_cb(&ords, |bytes| {
                    let Some(ord) = next.next() else { return };
                    let n = dim.counts.get(*ord as usize).copied().unwrap_or(0);
                    if let Some(child) = child_of(&dim.under, bytes) {
                        push_sorted(&mut children, child, u64::from(n));
                    }
                })
                .map_err(|e| e.to_string())?;
            out.push(children);
        }
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
    /// segments (full, optional and multi-valued facet columns) with facets
    /// of one to three levels, below the root and below inner facets, for
    /// all documents and for a term's documents.
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
        let mut next = crate::test_random::below(0x2545_F491_4F6C_DD1Du64);
        // Segments 0 and 3: one facet per document (a full column); 1: some
        // without (optional); 2: some with two (multi-valued).
        for segment in 0..4 {
            for _ in 0..300 {
                let t = if next(3) == 0 { "x" } else { "y" };
                let mut d = doc!(tag => t);
                let facets = match segment {
                    1 => usize::from(next(4) != 0),
                    2 => 1 + usize::from(next(3) == 0),
                    _ => 1,
                };
                for _ in 0..facets {
                    let depth = 1 + next(3);
                    let path: String = (0..depth).map(|_| format!("/p{}", next(5))).collect();
                    d.add_facet(facet, Facet::from(path.as_str()));
                }
                writer.add_document(d).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        let kinds: Vec<Cardinality> = searcher
            .segment_readers()
            .iter()
            .map(|r| {
                let column = r.fast_fields().str("f").unwrap().unwrap();
                column.ords().get_cardinality()
            })
            .collect();
        for kind in [
            Cardinality::Full,
            Cardinality::Optional,
            Cardinality::Multivalued,
        ] {
            assert!(kinds.contains(&kind), "{kinds:?}");
        }
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
                let tally = |limit| {
                    FacetTally::new(vec![TallyDim {
                        field: "f",
                        under: under.clone(),
                        limit,
                    }])
                };
                let ours = searcher.search(query.as_ref(), &tally(None)).unwrap();
                assert_eq!(ours, vec![theirs.clone()], "below {under}");
                let mut by_count = theirs;
                by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                by_count.truncate(2);
                let ours = searcher.search(query.as_ref(), &tally(Some(2))).unwrap();
                assert_eq!(ours, vec![by_count], "the two most frequent below {under}");
            }
        }
    }
}
