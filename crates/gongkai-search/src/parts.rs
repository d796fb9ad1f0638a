//! One search spread over the machine's cores: a segment with many matches
//! is cut into document ranges, each collected on a thread of its own, and
//! the fruits are merged as if the ranges were segments of their own.
//!
//! tantivy runs a search's segments in parallel at best, and an index
//! merged into one large segment (the usual state of a province's index)
//! would take one core per pass however idle the others are: a common word
//! or a pass that counts facets over most of a million items is then the
//! whole of a search's time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Searcher, SegmentOrdinal, SegmentReader, TantivyError, TERMINATED};

/// How a search is cut.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Split {
    /// Ranges per segment (1: not cut).
    pub parts: usize,
    /// A segment is cut only when its scorer expects at least this many
    /// matches (fewer are not worth a thread).
    pub from: u32,
}

/// Never more ranges than this per segment.
const MAX_PARTS: usize = 4;
/// Matches below which a segment is searched on the calling thread.
const SPLIT_FROM: u32 = 10_000;

/// Searches running now in this process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// One running search, counted while it lives.
pub(crate) struct Running {
    /// Searches running when this one started, itself included.
    pub count: usize,
}

impl Running {
    pub(crate) fn start() -> Running {
        Running {
            count: RUNNING.fetch_add(1, Ordering::Relaxed) + 1,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The machine's cores (read once: it looks at the process's CPU quota).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

impl Split {
    /// The cores shared among the searches running: an idle machine gives
    /// a search every core, a busy one gives each search one (cutting then
    /// would only add the work of starting each range).
    pub(crate) fn sharing_cores(running: &Running) -> Split {
        Split {
            parts: parts_for(cores(), running.count),
            from: SPLIT_FROM,
        }
    }
}

/// Ranges per segment for a search among `running` on `cores`.
fn parts_for(cores: usize, running: usize) -> usize {
    (cores / running.max(1)).clamp(1, MAX_PARTS)
}

/// `searcher.search(query, collector)`, with each large segment's ranges on
/// threads of their own. The fruit is the same (the ranges are disjoint,
/// and merging is what the collector does for segments anyway).
pub(crate) fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    split: Split,
) -> tantivy::Result<C::Fruit> {
    let with_scores = collector.requires_scoring();
    let scoring = if with_scores {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring)?;
    let weight = weight.as_ref();
    let mut fruits = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let ord = SegmentOrdinal::try_from(ord)
            .map_err(|_| TantivyError::InternalError("too many segments".to_string()))?;
        let scorer = weight.scorer(reader, 1.0)?;
        let parts = if split.parts > 1 && scorer.size_hint() >= split.from {
            split.parts
        } else {
            1
        };
        let range = Range {
            collector,
            ord,
            reader,
            with_scores,
        };
        if parts == 1 {
            fruits.push(range.collect(scorer, 0, TERMINATED)?);
            continue;
        }
        let max_doc = u64::from(reader.max_doc());
        let bound = |i: usize| -> DocId {
            if i >= parts {
                TERMINATED
            } else {
                // i < parts ≤ MAX_PARTS: the quotient is below max_doc.
                DocId::try_from(max_doc * i as u64 / parts as u64).unwrap_or(TERMINATED)
            }
        };
        let segment_fruits = std::thread::scope(|scope| {
            let threads: Vec<_> = (1..parts)
                .map(|i| {
                    let (start, end) = (bound(i), bound(i + 1));
                    let thread = std::thread::Builder::new()
                        .spawn_scoped(scope, move || range.collect_with(weight, start, end))
                        .ok();
                    (start, end, thread)
                })
                .collect();
            let mut out = vec![range.collect(scorer, 0, bound(1))];
            for (start, end, thread) in threads {
                out.push(match thread {
                    Some(handle) => handle.join().unwrap_or_else(|_| {
                        Err(TantivyError::InternalError(
                            "a search thread stopped".to_string(),
                        ))
                    }),
                    // No thread to be had: this one does the range.
                    None => range.collect_with(weight, start, end),
                });
            }
            out
        });
        for fruit in segment_fruits {
            fruits.push(fruit?);
        }
    }
    collector.merge_fruits(fruits)
}

/// What a range's collection needs of its segment.
struct Range<'a, C> {
    collector: &'a C,
    ord: SegmentOrdinal,
    reader: &'a SegmentReader,
    with_scores: bool,
}

impl<C> Clone for Range<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Range<'_, C> {}

impl<C: Collector> Range<'_, C> {
    fn collect_with(
        self,
        weight: &dyn Weight,
        start: DocId,
        end: DocId,
    ) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
        let scorer = weight.scorer(self.reader, 1.0)?;
        self.collect(scorer, start, end)
    }

    /// The segment collector's fruit for the matches in `start..end`.
    fn collect(
        self,
        mut scorer: Box<dyn Scorer>,
        start: DocId,
        end: DocId,
    ) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
        let mut segment = self.collector.for_segment(self.ord, self.reader)?;
        let alive = self.reader.alive_bitset();
        let mut doc = scorer.doc();
        if doc < start {
            doc = scorer.seek(start);
        }
        while doc < end {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let score = if self.with_scores {
                    scorer.score()
                } else {
                    0.0
                };
                segment.collect(doc, score);
            }
            doc = scorer.advance();
        }
        Ok(segment.harvest())
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, MultiCollector, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{Facet, FacetOptions, IndexRecordOption, Schema, FAST, STRING, TEXT};
    use tantivy::{doc, DocAddress, Index, IndexWriter, Order, Term};

    use super::*;
    use crate::facets::{FacetTally, TallyDim};

    #[test]
    fn idle_cores_are_shared_among_the_running_searches() {
        assert_eq!(parts_for(2, 1), 2);
        assert_eq!(parts_for(2, 2), 1);
        assert_eq!(parts_for(2, 8), 1);
        assert_eq!(parts_for(8, 2), 4);
        assert_eq!(parts_for(64, 1), MAX_PARTS);
        assert_eq!(parts_for(1, 1), 1);
        assert_eq!(parts_for(0, 0), 1);
        let first = Running::start();
        let second = Running::start();
        assert!(second.count > first.count);
    }

    /// Cut into ranges (every segment, however few its matches), a search
    /// finds the same count, the same hits in the same order with the same
    /// scores, and the same facet counts as tantivy's own, with deleted
    /// documents and several segments.
    #[test]
    fn same_fruit_as_one_pass() {
        let mut sb = Schema::builder();
        let text = sb.add_text_field("text", TEXT);
        let id = sb.add_text_field("id", STRING);
        let place = sb.add_facet_field("place", FacetOptions::default());
        let rank = sb.add_u64_field("rank", FAST);
        let index = Index::create_in_ram(sb.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        let mut next = crate::test_random::below(0x2545_F491_4F6C_DD1Du64);
        let vocabulary = ["通知", "安全", "生产", "公开", "年度", "报告"];
        let mut n = 0u64;
        for segment_docs in [7_000, 1_500] {
            for _ in 0..segment_docs {
                let words: Vec<&str> = (0..1 + next(8))
                    .map(|_| vocabulary[next(vocabulary.len() as u64) as usize])
                    .collect();
                writer
                    .add_document(doc!(
                        text => words.join(" "),
                        id => n.to_string(),
                        place => Facet::from_path(["p", &next(40).to_string()]),
                        rank => next(1_000),
                    ))
                    .unwrap();
                n += 1;
            }
            writer.commit().unwrap();
        }
        for gone in (0..n).step_by(7) {
            writer.delete_term(Term::from_field_text(id, &gone.to_string()));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);

        let word = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(text, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let queries: Vec<Box<dyn Query>> = vec![
            word("通知"),
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, word("安全")),
                (Occur::Must, word("生产")),
            ])),
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, word("年度")),
                (Occur::Should, word("报告")),
            ])),
        ];
        for parts in [2, 3, 4] {
            let split = Split { parts, from: 0 };
            for query in &queries {
                let run = |cut: bool| {
                    let mut multi = MultiCollector::new();
                    let count = multi.add_collector(Count);
                    let by_score =
                        multi.add_collector(TopDocs::with_limit(15).and_offset(7).order_by_score());
                    let by_rank = multi.add_collector(
                        TopDocs::with_limit(15)
                            .and_offset(3)
                            .order_by_fast_field::<u64>("rank", Order::Desc),
                    );
                    let mut fruit = if cut {
                        search(&searcher, query.as_ref(), &multi, split).unwrap()
                    } else {
                        searcher.search(query.as_ref(), &multi).unwrap()
                    };
                    let scored: Vec<(f32, DocAddress)> = by_score.extract(&mut fruit);
                    (
                        count.extract(&mut fruit),
                        scored,
                        by_rank.extract(&mut fruit),
                    )
                };
                let cut = run(true);
                assert_eq!(cut.1.len(), 15);
                assert_eq!(cut, run(false));

                let tally = FacetTally::new(vec![TallyDim {
                    field: "place",
                    under: Facet::from("/p"),
                    limit: None,
                }]);
                let counted = search(&searcher, query.as_ref(), &tally, split).unwrap();
                assert!(!counted[0].is_empty());
                assert_eq!(counted, searcher.search(query.as_ref(), &tally).unwrap());
            }
        }
    }
}
