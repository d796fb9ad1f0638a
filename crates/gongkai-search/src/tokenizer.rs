//! Tokenizers: jieba with the government-terms dictionary (words), character
//! bigrams of CJK runs (recall for any substring of two or more characters),
//! and a one-token normaliser for exact lookups (文号, 索引号).

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which [`WordTokenizer`] (indexing mode) is registered.
pub(crate) const WORDS: &str = "gk_words";
/// Name under which [`BigramTokenizer`] is registered.
pub(crate) const GRAMS: &str = "gk_grams";
/// Name under which [`ExactTokenizer`] is registered.
pub(crate) const EXACT: &str = "gk_exact";

const GOV_TERMS: &str = include_str!("gov_terms.txt");

/// The words compiled into the dictionary (for tests and documentation).
pub fn gov_terms() -> impl Iterator<Item = &'static str> {
    GOV_TERMS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The shared jieba instance: the default dictionary plus [`gov_terms`].
/// Loading takes a moment, so it happens once per process.
pub(crate) fn jieba() -> Arc<Jieba> {
    static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();
    JIEBA
        .get_or_init(|| {
            let mut j = Jieba::new();
            for w in gov_terms() {
                j.add_word(w, None, None);
            }
            Arc::new(j)
        })
        .clone()
}

/// Is `c` a CJK ideograph (the scripts segmented by jieba and bigrams)?
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x3134F)
}

/// One character as it is indexed: full-width ASCII folded to half-width,
/// ASCII lower-cased. Always one char for one char, so offsets survive.
pub(crate) fn fold_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

pub(crate) fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// A token worth indexing: it holds a letter, digit or ideograph.
fn is_wordlike(s: &str) -> bool {
    s.chars().any(|c| c.is_alphanumeric())
}

/// jieba segmentation. Indexing uses search mode (a long word also yields
/// every dictionary word inside it: 政府信息公开 → 政府, 信息, 公开,
/// 信息公开, …); queries use precise mode.
#[derive(Clone)]
pub struct WordTokenizer {
    jieba: Arc<Jieba>,
    search_mode: bool,
}

impl WordTokenizer {
    /// Tokenizer for documents (search mode).
    pub fn for_index() -> Self {
        WordTokenizer {
            jieba: jieba(),
            search_mode: true,
        }
    }
    /// Tokenizer for queries (precise mode).
    pub fn for_query() -> Self {
        WordTokenizer {
            jieba: jieba(),
            search_mode: false,
        }
    }

    /// The folded words of `text`, in order, punctuation dropped.
    pub fn words(&self, text: &str) -> Vec<String> {
        self.tokens(text).into_iter().map(|t| t.text).collect()
    }

    fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut position = 0;
        for t in self.jieba.cut(text, true) {
            if !is_wordlike(t.word) {
                continue;
            }
            let folded = fold(t.word).trim().to_string();
            if folded.is_empty() {
                continue;
            }
            out.push(Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position,
                text: folded,
                position_length: 1,
            });
            // Search mode: every dictionary word inside a longer word, at
            // the same position (jieba's own search mode stops at three
            // characters, which would lose 营商环境 inside 优化营商环境).
            if self.search_mode && t.word.chars().count() > 2 && t.word.chars().any(is_cjk) {
                for sub in self.jieba.cut_all(t.word) {
                    if sub.word.len() < t.word.len()
                        && sub.word.chars().count() >= 2
                        && is_wordlike(sub.word)
                    {
                        out.push(Token {
                            offset_from: t.byte_start + sub.byte_start,
                            offset_to: t.byte_start + sub.byte_end,
                            position,
                            text: fold(sub.word),
                            position_length: 1,
                        });
                    }
                }
            }
            position += 1;
        }
        out
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(self.tokens(text))
    }
}

/// Overlapping character bigrams of each CJK run (a run of one character
/// gives that character), and each run of other letters/digits as one
/// lower-cased word. Runs are separated by a position gap, so a phrase of
/// bigrams matches exactly a substring inside one run.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

#[derive(PartialEq, Clone, Copy)]
enum Class {
    Cjk,
    Word,
    Other,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Other
    }
}

/// Runs of `text`: (class, [(byte offset, folded char)]) for Cjk and Word runs.
pub(crate) fn runs(text: &str) -> Vec<(bool, Vec<(usize, char)>)> {
    let mut out: Vec<(bool, Vec<(usize, char)>)> = Vec::new();
    let mut last = Class::Other;
    for (i, c) in text.char_indices() {
        let f = fold_char(c);
        let k = class(f);
        match k {
            Class::Other => {}
            _ => {
                if k != last || out.is_empty() {
                    out.push((k == Class::Cjk, Vec::new()));
                }
                if let Some(run) = out.last_mut() {
                    run.1.push((i, f));
                }
            }
        }
        last = k;
    }
    out
}

pub(crate) fn bigram_tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut position = 0usize;
    for (cjk, run) in runs(text) {
        let end_of = |k: usize| -> usize {
            run.get(k + 1).map(|(o, _)| *o).unwrap_or_else(|| {
                run[k].0 + text[run[k].0..].chars().next().map_or(1, char::len_utf8)
            })
        };
        if cjk && run.len() > 1 {
            for k in 0..run.len() - 1 {
                let mut s = String::with_capacity(8);
                s.push(run[k].1);
                s.push(run[k + 1].1);
                tokens.push(Token {
                    offset_from: run[k].0,
                    offset_to: end_of(k + 1),
                    position,
                    text: s,
                    position_length: 1,
                });
                position += 1;
            }
        } else {
            tokens.push(Token {
                offset_from: run[0].0,
                offset_to: end_of(run.len() - 1),
                position,
                text: run.iter().map(|(_, c)| *c).collect(),
                position_length: 1,
            });
            position += 1;
        }
        position += 1;
    }
    tokens
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(bigram_tokens(text))
    }
}

/// The whole text as one token, normalised for exact lookup of 文号 and
/// 索引号: full-width folded, spaces removed, upper-cased, and every kind of
/// bracket around a year written as 〔 〕 (鲁政办发[2025]3号 = 鲁政办发〔2025〕3号).
#[derive(Clone, Default)]
pub struct ExactTokenizer;

pub fn normalize_exact(s: &str) -> String {
    s.chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '[' | '(' | '【' | '（' | '［' | '〔' | '{' => '〔',
            ']' | ')' | '】' | '）' | '］' | '〕' | '}' => '〕',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

impl Tokenizer for ExactTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let norm = normalize_exact(text);
        let tokens = if norm.is_empty() {
            Vec::new()
        } else {
            vec![Token {
                offset_from: 0,
                offset_to: text.len(),
                position: 0,
                text: norm,
                position_length: 1,
            }]
        };
        VecTokenStream::new(tokens)
    }
}

/// A token stream over precomputed tokens.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
    /// Returned by `token()` before the first `advance()` or on no tokens.
    empty: Token,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream {
            tokens,
            next: 0,
            empty: Token::default(),
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        match self.next.checked_sub(1) {
            Some(i) => self.tokens.get(i).unwrap_or(&self.empty),
            None => &self.empty,
        }
    }
    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.empty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gov_terms_are_words_of_two_or_more_chars() {
        let n = gov_terms().count();
        assert!(n > 300, "{n}");
        for w in gov_terms() {
            assert!(w.chars().count() >= 2, "{w}");
        }
    }

    #[test]
    fn dictionary_words_stay_whole_in_precise_mode() {
        let t = WordTokenizer::for_query();
        for w in [
            "依申请公开",
            "统一社会信用代码",
            "行政规范性文件",
            "营商环境",
            "乡村振兴",
        ] {
            assert_eq!(t.words(w), vec![w.to_string()], "{w}");
        }
    }

    #[test]
    fn search_mode_also_yields_parts() {
        let t = WordTokenizer::for_index();
        let words = t.words("本机关依法做好政府信息公开工作");
        for w in ["政府", "信息", "公开", "信息公开", "政府信息公开"] {
            assert!(words.iter().any(|x| x == w), "{w} in {words:?}");
        }
    }

    #[test]
    fn search_mode_keeps_four_character_words_inside_longer_ones() {
        let words = WordTokenizer::for_index().words("持续优化营商环境");
        assert!(words.iter().any(|x| x == "营商环境"), "{words:?}");
        assert!(words.iter().any(|x| x == "优化营商环境"), "{words:?}");
    }

    #[test]
    fn bigrams_and_words() {
        let toks: Vec<String> = bigram_tokens("鲁政办发〔2025〕3号 ABC")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(toks, ["鲁政", "政办", "办发", "2025", "3", "号", "abc"]);
        // Offsets are byte offsets into the original text.
        let t = &bigram_tokens("公开ＡＢ")[1];
        assert_eq!(t.text, "ab");
        assert_eq!(&"公开ＡＢ"[t.offset_from..t.offset_to], "ＡＢ");
    }

    #[test]
    fn exact_normalisation() {
        assert_eq!(
            normalize_exact("鲁政办发[2025]3号"),
            normalize_exact("鲁政办发〔2025〕3号")
        );
        assert_eq!(
            normalize_exact(" 鲁政办发（２０２５）３号 "),
            "鲁政办发〔2025〕3号"
        );
        assert_eq!(
            normalize_exact("11370100mb/2025-00001"),
            "11370100MB/2025-00001"
        );
    }
}
