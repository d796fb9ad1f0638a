//! One page of hits: the best by score, or the newest by a date column,
//! documents of equal rank in address order (the first indexed first),
//! exactly for any number of fruits.
//!
//! tantivy's `TopDocs` merges exactly only when it is given documents in
//! address order, and a segment's fruit comes in no order: with three or
//! more fruits (a search cut into ranges, see `parts`) it could keep a later
//! document of the rank at a page's edge instead of the first, so a page's
//! hits would depend on how the search was cut, and paging could repeat or
//! skip a hit. Here the merge sorts.

use std::cmp::Ordering;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DateTime, DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// How hits are ranked.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HitOrder {
    /// Highest score first.
    Score,
    /// Latest value of this date column first (a document without one
    /// last).
    NewestFirst(&'static str),
}

/// The hits `offset..offset + limit` in rank order, each with its rank key
/// (the score, or the date's microseconds since 1970).
pub(crate) struct TopHits {
    pub order: HitOrder,
    pub limit: usize,
    pub offset: usize,
}

/// A hit's rank key: a score or a timestamp, both exact in an `f64`
/// (scores are `f32`; microseconds since 1970 stay below 2^53 until the
/// year 2255).
type Key = f64;

/// Higher key first, then lower address.
fn rank<A: Ord>(a: &(Key, A), b: &(Key, A)) -> Ordering {
    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
}

impl Collector for TopHits {
    type Fruit = Vec<(Key, DocAddress)>;
    type Child = TopHitsSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<TopHitsSegment> {
        let dates = match self.order {
            HitOrder::Score => None,
            HitOrder::NewestFirst(field) => Some(segment.fast_fields().date(field)?),
        };
        let keep = self.offset.saturating_add(self.limit);
        let cut_at = keep.saturating_mul(2).max(64);
        Ok(TopHitsSegment {
            segment_ord,
            dates,
            keep,
            cut_at,
            hits: Vec::with_capacity(cut_at.min(1 << 16)),
            floor: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        matches!(self.order, HitOrder::Score)
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Key, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(rank);
        Ok(all.into_iter().skip(self.offset).take(self.limit).collect())
    }
}

pub(crate) struct TopHitsSegment {
    segment_ord: SegmentOrdinal,
    dates: Option<Column<DateTime>>,
    /// How many hits a segment keeps (offset + limit).
    keep: usize,
    /// `hits` is cut back to `keep` when it grows to this many.
    cut_at: usize,
    hits: Vec<(Key, DocId)>,
    /// Once `hits` was cut to `keep`: the lowest key kept. Documents come
    /// in address order, so one with a key at or below it cannot enter.
    floor: Option<Key>,
}

impl TopHitsSegment {
    /// Keeps the best `keep` hits.
    fn cut(&mut self) {
        if self.hits.len() > self.keep {
            if self.keep == 0 {
                self.hits.clear();
                return;
            }
            self.hits.select_nth_unstable_by(self.keep - 1, rank);
            self.hits.truncate(self.keep);
        }
        self.floor = self.hits.iter().map(|h| h.0).min_by(|a, b| a.total_cmp(b));
    }
}

impl SegmentCollector for TopHitsSegment {
    type Fruit = Vec<(Key, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let key = match &self.dates {
            None => Key::from(score),
            Some(dates) => dates
                .first(doc)
                .map_or(Key::NEG_INFINITY, |d| d.into_timestamp_micros() as Key),
        };
        if let Some(floor) = self.floor {
            if key.total_cmp(&floor) != Ordering::Greater {
                return;
            }
        }
        self.hits.push((key, doc));
        if self.hits.len() >= self.cut_at {
            self.cut();
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        self.cut();
        let segment_ord = self.segment_ord;
        self.hits
            .into_iter()
            .map(|(key, doc_id)| {
                (
                    key,
                    DocAddress {
                        segment_ord,
                        doc_id,
                    },
                )
            })
            .collect()
    }
}
