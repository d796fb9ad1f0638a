//! Turning a user's query into a tantivy query (leniently: any text is a
//! valid query), running it, and collecting hits, snippets and facets.

use std::ops::Bound;

use tantivy::collector::{Count, MultiCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::either::WordsOrSubstring;
use crate::error::Result;
use crate::facets::{FacetTally, TallyDim};
use crate::highlight;
use crate::index::Generation;
use crate::parts::{self, Split};
use crate::schema::{self, category_facet, date_to_tantivy, one, Fields};
use crate::tokenizer::{normalize_exact, runs, WordTokenizer};
use crate::top::{HitOrder, TopHits};
use crate::{FacetCount, Facets, Hit, SearchQuery, SearchResults};

/// At most this many whitespace-separated parts of a query are used.
const MAX_CHUNKS: usize = 16;
/// No page starts beyond this hit.
const MAX_OFFSET: usize = 10_000;
const SNIPPET_CHARS: usize = 120;
const MAX_FACET_VALUES: usize = 50;

/// The query text, understood.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// One clause per whitespace-separated part; all must match.
    clauses: Vec<Box<dyn Query>>,
    /// The whole text normalised for 文号 / 索引号 lookup.
    exact: Option<String>,
    /// Strings to mark in snippets.
    pub needles: Vec<String>,
}

pub(crate) fn parse(f: &Fields, text: &str) -> Parsed {
    let text: String = text.chars().take(SearchQuery::MAX_QUERY_CHARS).collect();
    let mut parsed = Parsed::default();
    let exact = normalize_exact(&text);
    if !exact.is_empty() {
        parsed.exact = Some(exact);
    }
    let words_tok = WordTokenizer::for_query();
    for chunk in text.split_whitespace().take(MAX_CHUNKS) {
        // A: every jieba word of the part, in any word field.
        let words = words_tok.words(chunk);
        let mut a: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in &words {
            let per_field: Vec<(Occur, Box<dyn Query>)> = f
                .word_fields()
                .iter()
                .map(|&(field, boost)| {
                    let tq = TermQuery::new(
                        Term::from_field_text(field, w),
                        IndexRecordOption::WithFreqs,
                    );
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(tq), boost)) as Box<dyn Query>,
                    )
                })
                .collect();
            a.push((Occur::Must, Box::new(BooleanQuery::new(per_field))));
        }
        // B: each run of two or more Chinese characters as a phrase of
        // bigrams (an exact substring), other words as they are; with the
        // same terms without positions as B's candidates.
        let mut b: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut candidates: Vec<Term> = Vec::new();
        for (cjk, run) in runs(chunk) {
            let s: String = run.iter().map(|(_, c)| *c).collect();
            if cjk {
                if run.len() < 2 {
                    continue;
                }
                let terms: Vec<Term> = run
                    .windows(2)
                    .map(|w| {
                        let mut g = String::new();
                        g.push(w[0].1);
                        g.push(w[1].1);
                        Term::from_field_text(f.grams, &g)
                    })
                    .collect();
                candidates.extend(terms.iter().cloned());
                let q: Box<dyn Query> = if terms.len() == 1 {
                    Box::new(TermQuery::new(
                        terms[0].clone(),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    Box::new(PhraseQuery::new(terms))
                };
                b.push((Occur::Must, q));
            } else {
                let term = Term::from_field_text(f.grams, &s);
                candidates.push(term.clone());
                b.push((
                    Occur::Must,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                ));
            }
            if run.len() >= 2 || !cjk {
                parsed.needles.push(s);
            }
        }
        for w in &words {
            if w.chars().count() >= 2 || words.len() == 1 {
                parsed.needles.push(w.clone());
            }
        }
        let clause: Option<Box<dyn Query>> = match (a.is_empty(), b.is_empty()) {
            (true, true) => None,
            (false, true) => Some(Box::new(BooleanQuery::new(a))),
            (true, false) => Some(Box::new(BooleanQuery::new(b))),
            // One word that is the whole part (通知, 安全生产): an item with
            // the word is found by it and ranked by it, the substring is
            // asked only about the other candidates.
            (false, false) if a.len() == 1 && b.len() == 1 => Some(Box::new(WordsOrSubstring {
                words: Box::new(BooleanQuery::new(a)),
                substring: all_of(b),
                candidates: all_of(
                    unique(candidates)
                        .into_iter()
                        .map(|t| {
                            (
                                Occur::Must,
                                Box::new(TermQuery::new(t, IndexRecordOption::Basic))
                                    as Box<dyn Query>,
                            )
                        })
                        .collect(),
                ),
            })),
            // Several words (安全生产管理办法: 安全生产 + 管理办法) or runs: the
            // union, so that an item with the exact text also scores for it
            // above one with the words apart.
            (false, false) => Some(Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(a)) as Box<dyn Query>,
                ),
                (Occur::Should, all_of(b)),
            ]))),
        };
        if let Some(c) = clause {
            parsed.clauses.push(c);
        }
    }
    if let Some(e) = &parsed.exact {
        parsed.needles.push(e.clone());
    }
    parsed
}

/// The clauses as one query that all must match (a single clause as it is).
fn all_of(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        if let Some((Occur::Must, q)) = clauses.pop() {
            return q;
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The terms without repeats, in first-seen order.
fn unique(terms: Vec<Term>) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::with_capacity(terms.len());
    for t in terms {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

impl Parsed {
    /// The text part of the query; `None` when the text is empty (all items).
    fn query(&self, f: &Fields) -> Option<Box<dyn Query>> {
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !self.clauses.is_empty() {
            let must = self
                .clauses
                .iter()
                .map(|c| (Occur::Must, c.box_clone()))
                .collect();
            should.push((Occur::Should, Box::new(BooleanQuery::new(must))));
        }
        if let Some(e) = &self.exact {
            for field in [f.index_number, f.document_number] {
                let tq = TermQuery::new(Term::from_field_text(field, e), IndexRecordOption::Basic);
                should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(tq), 20.0))));
            }
        }
        if should.is_empty() {
            None
        } else {
            Some(Box::new(BooleanQuery::new(should)))
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Dim {
    Agency,
    Category,
    Year,
    Validity,
    Date,
}

fn filters(f: &Fields, q: &SearchQuery) -> Vec<(Dim, Box<dyn Query>)> {
    let facet_q = |field, facet: Facet| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_facet(field, &facet),
            IndexRecordOption::Basic,
        ))
    };
    let mut v = Vec::new();
    if let Some(a) = q.agency.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        v.push((Dim::Agency, facet_q(f.agency_facet, one(a))));
    }
    if let Some(c) = q.category.as_deref() {
        let segs: Vec<String> = c.split('/').map(str::to_string).collect();
        let facet = category_facet(&segs);
        if !facet.is_root() {
            v.push((Dim::Category, facet_q(f.category, facet)));
        }
    }
    if let Some(y) = q.year {
        v.push((Dim::Year, facet_q(f.year, one(&y.to_string()))));
    }
    if let Some(val) = q
        .validity
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        v.push((Dim::Validity, facet_q(f.validity, one(val))));
    }
    if q.from.is_some() || q.to.is_some() {
        let term = |d| Term::from_field_date(f.published_on, date_to_tantivy(d));
        let lower = q
            .from
            .map_or(Bound::Unbounded, |d| Bound::Included(term(d)));
        let upper = q.to.map_or(Bound::Unbounded, |d| Bound::Included(term(d)));
        v.push((Dim::Date, Box::new(RangeQuery::new(lower, upper))));
    }
    v
}

/// The text query with the filters (except `skip`'s) as non-scoring musts.
fn combine(
    text: &Option<Box<dyn Query>>,
    filters: &[(Dim, Box<dyn Query>)],
    skip: Option<Dim>,
) -> Box<dyn Query> {
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(t) = text {
        must.push((Occur::Must, t.box_clone()));
    }
    for (dim, fq) in filters {
        if Some(*dim) != skip {
            must.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(fq.box_clone(), 0.0)),
            ));
        }
    }
    if must.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(must))
    }
}

/// A dimension's values (facets one level below its root) and counts.
type DimCounts = (Dim, Vec<(Facet, u64)>);

/// The facet dimensions, with their field and how many values are shown.
const FACET_DIMS: [(Dim, &str, Option<usize>); 4] = [
    (Dim::Agency, "agency", Some(MAX_FACET_VALUES)),
    (Dim::Category, "category", Some(MAX_FACET_VALUES)),
    (Dim::Year, "year", None),
    (Dim::Validity, "validity", Some(MAX_FACET_VALUES)),
];

pub(crate) fn search(g: &Generation, q: &SearchQuery) -> Result<SearchResults> {
    let f = &g.fields;
    let searcher = g.reader.searcher();
    let parsed = parse(f, &q.q);
    let text = parsed.query(f);
    let filters = filters(f, q);
    let main = combine(&text, &filters, None);
    // Large passes are cut across the cores when no other search runs.
    let running = parts::Running::start();
    let split = Split::sharing_cores(&running);

    let per_page = q.per_page();
    let page = q.page();
    let offset = (page - 1).saturating_mul(per_page);
    let category_root = q
        .category
        .as_deref()
        .map(|c| category_facet(&c.split('/').map(str::to_string).collect::<Vec<_>>()))
        .unwrap_or_else(Facet::root);
    let facet_root = |dim: Dim| {
        if dim == Dim::Category {
            category_root.clone()
        } else {
            Facet::root()
        }
    };

    // One pass for the hits, the count and the facets of every dimension
    // that has no filter of its own (their counts are over the same query);
    // a dimension with a filter is counted without it in a pass of its own.
    let mut multi = MultiCollector::new();
    let count_handle = multi.add_collector(Count);
    let by_score = (offset <= MAX_OFFSET && text.is_some()).then(|| {
        multi.add_collector(TopHits {
            order: HitOrder::Score,
            limit: per_page,
            offset,
        })
    });
    let by_date = (offset <= MAX_OFFSET && text.is_none()).then(|| {
        multi.add_collector(TopHits {
            order: HitOrder::NewestFirst("published_on"),
            limit: per_page,
            offset,
        })
    });
    let filtered: Vec<Dim> = filters.iter().map(|(d, _)| *d).collect();
    let tally_dim = |(dim, field, limit): (Dim, &'static str, Option<usize>)| TallyDim {
        field,
        under: facet_root(dim),
        limit,
    };
    let (filtered_dims, shared_dims): (Vec<_>, Vec<_>) = FACET_DIMS
        .into_iter()
        .partition(|(dim, _, _)| filtered.contains(dim));
    let shared_facets = (!shared_dims.is_empty()).then(|| {
        multi.add_collector(FacetTally::new(
            shared_dims.iter().copied().map(tally_dim).collect(),
        ))
    });
    // The facets of a filtered dimension, counted without its own filter
    // (so that they offer the other values).
    let count_dim = |facet_dim: (Dim, &'static str, Option<usize>)| {
        let query = combine(&text, &filters, Some(facet_dim.0));
        let tally = FacetTally::new(vec![tally_dim(facet_dim)]);
        let mut fruit = parts::search(&searcher, &*query, &tally, split)?;
        tantivy::Result::Ok((facet_dim.0, fruit.pop().unwrap_or_default()))
    };
    let (fruits, filtered_counts) = std::thread::scope(|scope| {
        // Each such pass on a thread of its own while this one finds the
        // hits: on an idle machine a search with filters takes about its
        // longest pass, not their sum. Counted here when no thread can be
        // had.
        let passes: Vec<_> = filtered_dims
            .iter()
            .map(|&facet_dim| {
                let thread = std::thread::Builder::new()
                    .spawn_scoped(scope, move || count_dim(facet_dim))
                    .ok();
                (facet_dim, thread)
            })
            .collect();
        let fruits = parts::search(&searcher, &*main, &multi, split);
        let counts: tantivy::Result<Vec<DimCounts>> = passes
            .into_iter()
            .map(|(facet_dim, thread)| match thread {
                Some(handle) => handle.join().unwrap_or_else(|_| {
                    Err(tantivy::TantivyError::InternalError(
                        "facet counting stopped".to_string(),
                    ))
                }),
                None => count_dim(facet_dim),
            })
            .collect();
        (fruits, counts)
    });
    let mut fruits = fruits?;
    let total = count_handle.extract(&mut fruits);
    let mut addresses: Vec<(f32, DocAddress)> = Vec::new();
    if let Some(h) = by_score {
        // Scores are f32, exact in the key.
        addresses = h
            .extract(&mut fruits)
            .into_iter()
            .map(|(score, a)| (score as f32, a))
            .collect();
    }
    if let Some(h) = by_date {
        addresses = h
            .extract(&mut fruits)
            .into_iter()
            .map(|(_, a)| (0.0, a))
            .collect();
    }
    let mut counts: Vec<DimCounts> = Vec::new();
    if let Some(h) = shared_facets {
        let dims = shared_dims.iter().map(|(dim, _, _)| *dim);
        counts.extend(dims.zip(h.extract(&mut fruits)));
    }
    counts.extend(filtered_counts?);

    let needles = highlight::prepare(&parsed.needles);
    let mut hits = Vec::with_capacity(addresses.len());
    for (score, addr) in addresses {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let mut hit = to_hit(f, &doc, &needles);
        hit.score = score;
        hits.push(hit);
    }
    let facets = facets(g, &searcher, counts)?;
    Ok(SearchResults {
        total,
        page,
        per_page,
        hits,
        facets,
    })
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn to_hit(f: &Fields, doc: &TantivyDocument, needles: &[Vec<char>]) -> Hit {
    let title = text_of(doc, f.title);
    let body = text_of(doc, f.body);
    let attachment = text_of(doc, f.attachment);
    let snippet = highlight::snippet(&body, needles, SNIPPET_CHARS)
        .or_else(|| highlight::snippet(&attachment, needles, SNIPPET_CHARS))
        .unwrap_or_else(|| highlight::excerpt(&body, SNIPPET_CHARS));
    let document_number = Some(text_of(doc, f.document_number)).filter(|s| !s.is_empty());
    let category = doc
        .get_first(f.category)
        .and_then(|v| {
            v.as_facet()
                .and_then(|s| Facet::from_encoded(s.as_bytes().to_vec()).ok())
        })
        .map(|fc| fc.to_path().into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    let validity = doc
        .get_first(f.validity)
        .and_then(|v| {
            v.as_facet()
                .and_then(|s| Facet::from_encoded(s.as_bytes().to_vec()).ok())
        })
        .and_then(|fc| fc.to_path().first().map(|s| s.to_string()))
        .unwrap_or_default();
    let published_on = doc
        .get_first(f.published_on)
        .and_then(|v| v.as_datetime())
        .and_then(schema::tantivy_to_date)
        .unwrap_or(time::Date::MIN);
    Hit {
        id: doc
            .get_first(f.id)
            .and_then(|v| v.as_i64())
            .unwrap_or_default(),
        title_html: highlight::mark_all(&title, needles),
        title,
        agency_code: text_of(doc, f.agency_code),
        agency: text_of(doc, f.agency_name),
        index_number: text_of(doc, f.index_number),
        document_number,
        category,
        validity,
        published_on,
        snippet,
        score: 0.0,
    }
}

fn facets(g: &Generation, searcher: &Searcher, counts: Vec<DimCounts>) -> Result<Facets> {
    let last = |fc: &Facet| {
        fc.to_path()
            .last()
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    let by_count = |v: &mut Vec<FacetCount>| {
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
        v.truncate(MAX_FACET_VALUES);
    };
    let mut out = Facets::default();
    for (dim, values) in counts {
        match dim {
            Dim::Agency => {
                out.agency = values
                    .into_iter()
                    .map(|(fc, count)| FacetCount {
                        value: last(&fc),
                        label: String::new(),
                        count,
                    })
                    .collect();
                by_count(&mut out.agency);
                for a in &mut out.agency {
                    a.label =
                        agency_label(g, searcher, &a.value)?.unwrap_or_else(|| a.value.clone());
                }
            }
            Dim::Category => {
                out.category = values
                    .into_iter()
                    .map(|(fc, count)| FacetCount {
                        value: fc.to_path().join("/"),
                        label: last(&fc),
                        count,
                    })
                    .collect();
                by_count(&mut out.category);
            }
            Dim::Year => {
                out.year = values
                    .into_iter()
                    .map(|(fc, count)| FacetCount {
                        value: last(&fc),
                        label: last(&fc),
                        count,
                    })
                    .collect();
                out.year.sort_by(|a, b| b.value.cmp(&a.value));
            }
            Dim::Validity => {
                out.validity = values
                    .into_iter()
                    .map(|(fc, count)| FacetCount {
                        value: last(&fc),
                        label: last(&fc),
                        count,
                    })
                    .collect();
                by_count(&mut out.validity);
            }
            Dim::Date => {}
        }
    }
    Ok(out)
}

/// An agency's name by code, from the generation's cache while the
/// searcher generation is the same, else looked up in the index.
fn agency_label(g: &Generation, searcher: &Searcher, code: &str) -> Result<Option<String>> {
    let generation = searcher.generation().generation_id();
    if let Ok(cache) = g.agency_names.lock() {
        if cache.0 == generation {
            if let Some(name) = cache.1.get(code) {
                return Ok(Some(name.clone()));
            }
        }
    }
    let name = agency_name(searcher, &g.fields, code)?;
    if let (Some(n), Ok(mut cache)) = (&name, g.agency_names.lock()) {
        if cache.0 != generation {
            *cache = (generation, Default::default());
        }
        cache.1.insert(code.to_string(), n.clone());
    }
    Ok(name)
}

fn agency_name(searcher: &Searcher, f: &Fields, code: &str) -> Result<Option<String>> {
    let q = TermQuery::new(
        Term::from_facet(f.agency_facet, &one(code)),
        IndexRecordOption::Basic,
    );
    let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
    match top.first() {
        Some((_, addr)) => {
            let doc: TantivyDocument = searcher.doc(*addr)?;
            Ok(Some(text_of(&doc, f.agency_name)).filter(|s| !s.is_empty()))
        }
        None => Ok(None),
    }
}
