//! "The words, or else the exact substring": one part of a query matches an
//! item whose segmented words contain the part's words, or whose text
//! contains the part as a substring (a phrase of character bigrams, the
//! recall backstop for words the segmenter split another way).
//!
//! As a plain union (`Should(words, phrase)`) every candidate of the phrase
//! has its positions read and compared, though almost every item the phrase
//! finds is already found by its words: for a common term over a million
//! items, most of a search's time. Here the phrase is consulted only for a
//! candidate the words do not match: candidates come from the bigrams'
//! document lists alone (no positions), and the phrase checks one document
//! at a time through `seek_danger`. An item found by its words is scored by
//! its words; one found only as a substring by the phrase. Used for a part
//! that is one word (so an item with the word has the text, and the
//! phrase's score would only repeat the word's); a part of several words
//! keeps the union, where the exact text adds to the score.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED};

/// Matches `words` or `substring`; `candidates` must match every document
/// `substring` matches (and be cheap: no positions), so that `substring` is
/// asked only about candidates. `substring` should be a phrase or a term:
/// their scorers start at a given document without searching for their
/// first match (`Weight::scorer_danger`); a boolean query's would search.
#[derive(Debug)]
pub(crate) struct WordsOrSubstring {
    pub words: Box<dyn Query>,
    pub substring: Box<dyn Query>,
    pub candidates: Box<dyn Query>,
}

impl Clone for WordsOrSubstring {
    fn clone(&self) -> Self {
        WordsOrSubstring {
            words: self.words.box_clone(),
            substring: self.substring.box_clone(),
            candidates: self.candidates.box_clone(),
        }
    }
}

impl Query for WordsOrSubstring {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let no_scores = match scoring.searcher() {
            Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
            None => EnableScoring::disabled_from_schema(scoring.schema()),
        };
        Ok(Box::new(EitherWeight {
            words: self.words.weight(scoring)?,
            substring: self.substring.weight(scoring)?,
            candidates: self.candidates.weight(no_scores)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.words.query_terms(visitor);
        self.substring.query_terms(visitor);
    }
}

struct EitherWeight {
    words: Box<dyn Weight>,
    substring: Box<dyn Weight>,
    candidates: Box<dyn Weight>,
}

impl Weight for EitherWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let words = self.words.scorer(reader, boost)?;
        let candidates = self.candidates.scorer(reader, 1.0)?;
        // The substring scorer starts at the first candidate (a phrase's or
        // a term's without scanning for its first match: that scan is what
        // this query avoids).
        let first = candidates.doc();
        let mut scorer = EitherScorer {
            words,
            candidates,
            substring: None,
            substring_found: None,
            substring_next: TERMINATED,
            doc: 0,
            by_words: false,
        };
        if first != TERMINATED {
            let (result, substring) = self.substring.scorer_danger(reader, first, boost)?;
            scorer.substring = Some(substring);
            scorer.learn(first, result);
        }
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        match self.words.explain(reader, doc) {
            Ok(explanation) => Ok(explanation),
            Err(_) => self.substring.explain(reader, doc),
        }
    }
}

/// Walks the union of the words' documents and the candidates; `words` and
/// `candidates` are always in a valid state, `substring` is only ever asked
/// `seek_danger` at increasing candidates.
struct EitherScorer {
    words: Box<dyn Scorer>,
    candidates: Box<dyn Scorer>,
    substring: Option<Box<dyn Scorer>>,
    /// The document the substring scorer last found (it is valid there).
    substring_found: Option<DocId>,
    /// No substring match is before this document (beyond what was found):
    /// the substring scorer is asked about this document or a later one.
    substring_next: DocId,
    doc: DocId,
    /// Whether the current document is one of the words' (else a substring
    /// match).
    by_words: bool,
}

impl EitherScorer {
    /// Whether the substring occurs in candidate `doc` (asked at increasing
    /// docs only).
    fn substring_at(&mut self, doc: DocId) -> bool {
        if self.substring_found == Some(doc) {
            return true;
        }
        if doc < self.substring_next {
            return false;
        }
        let Some(substring) = &mut self.substring else {
            return false;
        };
        let result = substring.seek_danger(doc);
        self.learn(doc, result)
    }

    /// Records the substring scorer's answer for `doc`.
    fn learn(&mut self, doc: DocId, result: SeekDangerResult) -> bool {
        match result {
            SeekDangerResult::Found => {
                self.substring_found = Some(doc);
                self.substring_next = doc.saturating_add(1);
                true
            }
            SeekDangerResult::SeekLowerBound(next) => {
                self.substring_next = next.max(doc.saturating_add(1));
                false
            }
        }
    }

    /// Moves to the first match at or after the children's positions.
    fn settle(&mut self) -> DocId {
        loop {
            let w = self.words.doc();
            let c = self.candidates.doc();
            if w <= c {
                self.doc = w;
                self.by_words = true;
                return w;
            }
            // c < w: a candidate the words do not match.
            if self.substring_at(c) {
                self.doc = c;
                self.by_words = false;
                return c;
            }
            self.candidates.advance();
        }
    }
}

impl DocSet for EitherScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        if self.words.doc() == self.doc {
            self.words.advance();
        }
        if self.candidates.doc() == self.doc {
            self.candidates.advance();
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        if self.words.doc() < target {
            self.words.seek(target);
        }
        if self.candidates.doc() < target {
            self.candidates.seek(target);
        }
        self.settle()
    }

    /// Answers for `target` alone: no substring check beyond it.
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        if self.words.doc() < target {
            self.words.seek(target);
        }
        if self.candidates.doc() < target {
            self.candidates.seek(target);
        }
        let w = self.words.doc();
        if w == target {
            self.doc = target;
            self.by_words = true;
            return SeekDangerResult::Found;
        }
        let c = self.candidates.doc();
        if c == target {
            if self.substring_at(target) {
                self.doc = target;
                self.by_words = false;
                return SeekDangerResult::Found;
            }
            // Both children stay valid: the next match is after target.
            self.candidates.advance();
            self.doc = target;
            return SeekDangerResult::SeekLowerBound(
                self.words.doc().min(self.candidates.doc()).max(target + 1),
            );
        }
        self.doc = target;
        SeekDangerResult::SeekLowerBound(w.min(c))
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.words.size_hint().max(self.candidates.size_hint())
    }
}

impl Scorer for EitherScorer {
    fn score(&mut self) -> Score {
        if self.by_words {
            self.words.score()
        } else {
            self.substring.as_mut().map_or(0.0, |s| s.score())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use std::collections::HashMap;

    use tantivy::collector::{Count, DocSetCollector, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, STRING, TEXT};
    use tantivy::{doc, DocAddress, Index, IndexWriter, Term};

    use super::*;

    /// Random texts over a four-letter alphabet: "words" holds a random
    /// segmentation of the text (and sometimes a word of its own), "grams"
    /// its bigrams at consecutive
    /// positions (as the real schema's fields do). For random queries, with
    /// and without a filter that drives the intersection, the documents and
    /// the count equal those of the plain union `Should(words, phrase)`.
    #[test]
    fn same_documents_as_the_union() {
        let mut sb = Schema::builder();
        let words = sb.add_text_field("words", TEXT);
        let grams = sb.add_text_field("grams", TEXT);
        let tag = sb.add_text_field("tag", STRING);
        let number = sb.add_text_field("n", STRING);
        let index = Index::create_in_ram(sb.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut next = crate::test_random::below(0x9E37_79B9_7F4A_7C15u64);
        let letters = ['a', 'b', 'c', 'd'];
        let mut n = 0;
        for _segment in 0..3 {
            for _ in 0..400 {
                let len = 2 + next(20) as usize;
                let text: Vec<char> = (0..len).map(|_| letters[next(4) as usize]).collect();
                let mut segmented = String::new();
                let mut i = 0;
                while i < text.len() {
                    let n = (1 + next(3) as usize).min(text.len() - i);
                    segmented.extend(&text[i..i + n]);
                    segmented.push(' ');
                    i += n;
                }
                // Sometimes a word not in the text (as the keywords are),
                // found by the words only.
                if next(4) == 0 {
                    let n = 2 + next(3) as usize;
                    segmented.extend((0..n).map(|_| letters[next(4) as usize]));
                }
                let bigrams: Vec<String> = text
                    .windows(2)
                    .map(|w| w.iter().collect::<String>())
                    .collect();
                let t = if next(4) == 0 { "x" } else { "y" };
                n += 1;
                writer
                    .add_document(doc!(
                        words => segmented,
                        grams => bigrams.join(" "),
                        tag => t,
                        number => n.to_string()
                    ))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        // Deleted documents are in the segments and must not be found.
        for gone in (1..=n).step_by(7) {
            writer.delete_term(Term::from_field_text(number, &gone.to_string()));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        assert!(searcher
            .segment_readers()
            .iter()
            .all(|r| r.num_deleted_docs() > 0));
        let scores = |q: &dyn Query| -> HashMap<DocAddress, f32> {
            searcher
                .search(q, &TopDocs::with_limit(10_000).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(score, doc)| (doc, score))
                .collect()
        };
        let docs = |q: &dyn Query| -> BTreeSet<DocAddress> {
            let found = searcher.search(q, &DocSetCollector).unwrap();
            assert_eq!(searcher.search(q, &Count).unwrap(), found.len());
            found.into_iter().collect()
        };
        let mut nonempty = 0;
        for _ in 0..300 {
            let len = 2 + next(3) as usize;
            let q: Vec<char> = (0..len).map(|_| letters[next(4) as usize]).collect();
            let word: String = q.iter().collect();
            let terms: Vec<Term> = q
                .windows(2)
                .map(|w| Term::from_field_text(grams, &w.iter().collect::<String>()))
                .collect();
            let words_q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(words, &word),
                IndexRecordOption::WithFreqs,
            ));
            let substring: Box<dyn Query> = if terms.len() == 1 {
                Box::new(TermQuery::new(
                    terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new(terms.clone()))
            };
            let mut unique: Vec<Term> = Vec::new();
            for t in terms {
                if !unique.contains(&t) {
                    unique.push(t);
                }
            }
            let candidates: Box<dyn Query> = Box::new(BooleanQuery::new(
                unique
                    .into_iter()
                    .map(|t| {
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                        )
                    })
                    .collect(),
            ));
            let either: Box<dyn Query> = Box::new(WordsOrSubstring {
                words: words_q.box_clone(),
                substring: substring.box_clone(),
                candidates,
            });
            // Scored by the words where they match, else by the substring.
            let by_words = scores(words_q.as_ref());
            let by_substring = scores(substring.as_ref());
            for (doc, score) in scores(either.as_ref()) {
                let expected = by_words
                    .get(&doc)
                    .or_else(|| by_substring.get(&doc))
                    .copied();
                assert_eq!(Some(score), expected, "score of {doc:?} for {word}");
            }
            let union =
                BooleanQuery::new(vec![(Occur::Should, words_q), (Occur::Should, substring)]);
            let expected = docs(&union);
            nonempty += usize::from(!expected.is_empty());
            assert_eq!(docs(either.as_ref()), expected, "query {word}");
            let filter = || -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(tag, "x"),
                    IndexRecordOption::Basic,
                ))
            };
            let filtered_union = BooleanQuery::new(vec![
                (Occur::Must, filter()),
                (Occur::Must, Box::new(union) as Box<dyn Query>),
            ]);
            let filtered_either =
                BooleanQuery::new(vec![(Occur::Must, filter()), (Occur::Must, either)]);
            assert_eq!(
                docs(&filtered_either),
                docs(&filtered_union),
                "query {word} with a filter"
            );
        }
        assert!(nonempty > 200, "most queries find something: {nonempty}");
    }
}
