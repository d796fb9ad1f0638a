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
    /// The cores shared among the searches running: on an idle machine a
    /// search's large passes are cut into as many ranges as there are
    /// cores; on a busy one they are not cut (that would only add the work
    /// of starting each range). A search's passes also run side by side,
    /// so an idle machine may have more threads than cores for a moment.
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
/// and merging is what the collector does for segments anyway), provided
/// the collector's merge does not depend on the number of fruits (for the
/// hits: [`crate::top::TopHits`], not tantivy's `TopDocs`).
pub(crate) fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    split: Split,
) -> tantivy::Result<C::Fruit> {
    collector.check_schema(searcher.schema())?;
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
    use tantivy::schema::{
        DateOptions, Facet, FacetOptions, IndexRecordOption, Schema, STRING, TEXT,
    };
    use tantivy::{doc, DateTime, DocAddress, Index, IndexWriter, Order, Term};

    use super::*;
    use crate::facets::{FacetTally, TallyDim};
    use crate::top::{HitOrder, TopHits};

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
        assert!(first.count >= 1 && second.count >= 2);
    }

    /// An index of `segments` segments (sizes) with a text of few distinct
    /// values (many equal scores), a day of few distinct values (many equal
    /// dates), a facet, and every seventh document deleted.
    fn index_of(segments: &[u64]) -> (Index, tantivy::schema::Field) {
        let mut sb = Schema::builder();
        let text = sb.add_text_field("text", TEXT);
        let id = sb.add_text_field("id", STRING);
        let place = sb.add_facet_field("place", FacetOptions::default());
        let day = sb.add_date_field("day", DateOptions::default().set_fast());
        let index = Index::create_in_ram(sb.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        let mut next = crate::test_random::below(0x2545_F491_4F6C_DD1Du64);
        let texts = [
            "通知",
            "通知 公告",
            "通知 通知 年度",
            "安全 生产 通知",
            "公开 年度 报告",
        ];
        let mut n = 0u64;
        for &size in segments {
            for _ in 0..size {
                let seconds = 1_700_000_000 + 86_400 * next(12) as i64;
                writer
                    .add_document(doc!(
                        text => texts[next(texts.len() as u64) as usize],
                        id => n.to_string(),
                        place => Facet::from_path(["p", &next(40).to_string()]),
                        day => DateTime::from_timestamp_secs(seconds),
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
        (index, text)
    }

    fn word(text: tantivy::schema::Field, w: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(text, w),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// One segment, uncut, is exact with tantivy's `TopDocs` (one fruit):
    /// `TopHits` gives the same pages there, and the same pages again
    /// when cut into two to four ranges, with many documents of equal rank
    /// at every page's edge.
    #[test]
    fn pages_of_hits_do_not_depend_on_the_cut() {
        let (index, text) = index_of(&[6_000]);
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        let query = word(text, "通知");
        for offset in [0, 7, 30, 95] {
            let tantivy_by_score = searcher
                .search(
                    &query,
                    &TopDocs::with_limit(20).and_offset(offset).order_by_score(),
                )
                .unwrap();
            let tantivy_by_day: Vec<(Option<DateTime>, DocAddress)> = searcher
                .search(
                    &query,
                    &TopDocs::with_limit(20)
                        .and_offset(offset)
                        .order_by_fast_field::<DateTime>("day", Order::Desc),
                )
                .unwrap();
            let by_score = TopHits {
                order: HitOrder::Score,
                limit: 20,
                offset,
            };
            let by_day = TopHits {
                order: HitOrder::NewestFirst("day"),
                limit: 20,
                offset,
            };
            let addresses = |hits: Vec<(f64, DocAddress)>| -> Vec<DocAddress> {
                hits.into_iter().map(|(_, a)| a).collect()
            };
            let uncut = searcher.search(&query, &by_score).unwrap();
            assert_eq!(uncut.len(), 20);
            assert_eq!(
                uncut
                    .iter()
                    .map(|(k, a)| (*k as f32, *a))
                    .collect::<Vec<_>>(),
                tantivy_by_score
            );
            let uncut_by_day = searcher.search(&query, &by_day).unwrap();
            assert_eq!(
                addresses(uncut_by_day.clone()),
                tantivy_by_day.iter().map(|(_, a)| *a).collect::<Vec<_>>()
            );
            for parts in [2, 3, 4] {
                let split = Split { parts, from: 0 };
                assert_eq!(
                    search(&searcher, &query, &by_score, split).unwrap(),
                    uncut,
                    "score, {parts} parts, offset {offset}"
                );
                assert_eq!(
                    search(&searcher, &query, &by_day, split).unwrap(),
                    uncut_by_day,
                    "day, {parts} parts, offset {offset}"
                );
            }
        }
    }

    /// Cut into ranges (every segment, however few its matches), a search
    /// finds the same count, the same hits in the same order with the same
    /// keys, and the same facet counts as tantivy's own pass, with deleted
    /// documents and several segments.
    #[test]
    fn same_fruit_as_one_pass() {
        let (index, text) = index_of(&[7_000, 1_500]);
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let queries: Vec<Box<dyn Query>> = vec![
            word(text, "通知"),
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, word(text, "安全")),
                (Occur::Must, word(text, "生产")),
            ])),
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, word(text, "年度")),
                (Occur::Should, word(text, "报告")),
            ])),
        ];
        for parts in [2, 3, 4] {
            let split = Split { parts, from: 0 };
            for query in &queries {
                let run = |cut: bool| {
                    let mut multi = MultiCollector::new();
                    let count = multi.add_collector(Count);
                    let by_score = multi.add_collector(TopHits {
                        order: HitOrder::Score,
                        limit: 15,
                        offset: 7,
                    });
                    let by_day = multi.add_collector(TopHits {
                        order: HitOrder::NewestFirst("day"),
                        limit: 15,
                        offset: 3,
                    });
                    let mut fruit = if cut {
                        search(&searcher, query.as_ref(), &multi, split).unwrap()
                    } else {
                        searcher.search(query.as_ref(), &multi).unwrap()
                    };
                    (
                        count.extract(&mut fruit),
                        by_score.extract(&mut fruit),
                        by_day.extract(&mut fruit),
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
