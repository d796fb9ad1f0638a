//! The index schema and the mapping of a [`SearchDoc`] onto it.

use tantivy::schema::{
    DateOptions, DateTimePrecision, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions,
    Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, TantivyDocument};
use time::{Date, OffsetDateTime, Time};

use crate::tokenizer::{normalize_exact, EXACT, GRAMS, WORDS};
use crate::SearchDoc;

/// Every field of the schema.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub id: Field,
    pub title: Field,
    pub body: Field,
    pub attachment: Field,
    /// Summary and keywords.
    pub meta: Field,
    /// 文号 and 索引号 segmented, for partial matches.
    pub codes: Field,
    pub document_number: Field,
    pub index_number: Field,
    pub agency_code: Field,
    pub agency_name: Field,
    pub agency_facet: Field,
    pub category: Field,
    pub published_on: Field,
    pub year: Field,
    pub validity: Field,
    /// Bigrams of title, body, attachments and agency name.
    pub grams: Field,
}

impl Fields {
    /// The word fields a query word is looked up in, with their boosts.
    pub fn word_fields(&self) -> [(Field, f32); 6] {
        [
            (self.meta, 1.5),
            (self.title, 3.0),
            (self.body, 1.0),
            (self.attachment, 0.7),
            (self.codes, 2.0),
            (self.agency_name, 1.0),
        ]
    }
}

fn words(stored: bool) -> TextOptions {
    let o = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    if stored {
        o.set_stored()
    } else {
        o
    }
}

fn exact() -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(EXACT)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored()
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_i64_field(
        "id",
        NumericOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast(),
    );
    let title = b.add_text_field("title", words(true));
    let body = b.add_text_field("body", words(true));
    let attachment = b.add_text_field("attachment", words(true));
    let meta = b.add_text_field("meta", words(false));
    let codes = b.add_text_field("codes", words(false));
    let document_number = b.add_text_field("document_number", exact());
    let index_number = b.add_text_field("index_number", exact());
    let agency_code = b.add_text_field("agency_code", exact());
    let agency_name = b.add_text_field("agency_name", words(true));
    let agency_facet = b.add_facet_field("agency", FacetOptions::default());
    let category = b.add_facet_field("category", FacetOptions::default().set_stored());
    let published_on = b.add_date_field(
        "published_on",
        DateOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    let year = b.add_facet_field("year", FacetOptions::default());
    let validity = b.add_facet_field("validity", FacetOptions::default().set_stored());
    let grams = b.add_text_field(
        "grams",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(GRAMS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    (
        b.build(),
        Fields {
            id,
            title,
            body,
            attachment,
            meta,
            codes,
            document_number,
            index_number,
            agency_code,
            agency_name,
            agency_facet,
            category,
            published_on,
            year,
            validity,
            grams,
        },
    )
}

pub(crate) fn date_to_tantivy(d: Date) -> DateTime {
    DateTime::from_timestamp_secs(OffsetDateTime::new_utc(d, Time::MIDNIGHT).unix_timestamp())
}

pub(crate) fn tantivy_to_date(d: DateTime) -> Option<Date> {
    OffsetDateTime::from_unix_timestamp(d.into_timestamp_secs())
        .ok()
        .map(|t| t.date())
}

/// Agency and validity facets have one segment; an empty value is stored as
/// a placeholder so that every item has each facet.
pub(crate) fn one(value: &str) -> Facet {
    Facet::from_path([if value.is_empty() { "-" } else { value }])
}

pub(crate) fn category_facet(path: &[String]) -> Facet {
    let segs: Vec<&str> = path
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    Facet::from_path(segs)
}

pub(crate) fn to_document(f: &Fields, d: &SearchDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_i64(f.id, d.id);
    doc.add_text(f.title, &d.title);
    doc.add_text(f.body, &d.body);
    doc.add_text(f.attachment, &d.attachment_text);
    let meta = format!("{} {}", d.summary, d.keywords.join(" "));
    doc.add_text(f.meta, &meta);
    let dn = d.document_number.as_deref().unwrap_or("");
    doc.add_text(f.codes, format!("{dn} {}", d.index_number));
    if !normalize_exact(dn).is_empty() {
        doc.add_text(f.document_number, dn);
    }
    doc.add_text(f.index_number, &d.index_number);
    doc.add_text(f.agency_code, &d.agency_code);
    doc.add_text(f.agency_name, &d.agency_name);
    doc.add_facet(f.agency_facet, one(&d.agency_code));
    let category = category_facet(&d.category);
    if !category.is_root() {
        doc.add_facet(f.category, category);
    }
    doc.add_date(f.published_on, date_to_tantivy(d.published_on));
    doc.add_facet(f.year, one(&d.published_on.year().to_string()));
    doc.add_facet(f.validity, one(&d.validity));
    for text in [&d.title, &d.body, &d.attachment_text, &d.agency_name, &meta] {
        doc.add_text(f.grams, text);
    }
    doc
}
