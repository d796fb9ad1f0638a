//! Times `SearchIndex::search` on an existing index (engine alone, no web):
//! `cargo run --release -p gongkai-search --example query_timing -- INDEX_DIR
//! QUERY [agency=CODE] [year=Y] [validity=V] [category=A/B] [runs=N]`.
//! Prints the hits and the min / median / p95 of the runs in milliseconds.

use std::time::Instant;

use gongkai_search::{SearchIndex, SearchQuery};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or("usage: query_timing INDEX_DIR QUERY [key=value ...]")?;
    let mut q = SearchQuery::text(args.next().unwrap_or_default());
    let mut runs = 50usize;
    for arg in args {
        let (key, value) = arg.split_once('=').ok_or("arguments are key=value")?;
        match key {
            "agency" => q.agency = Some(value.to_string()),
            "year" => q.year = Some(value.parse()?),
            "validity" => q.validity = Some(value.to_string()),
            "category" => q.category = Some(value.to_string()),
            "runs" => runs = value.parse::<usize>()?.max(1),
            _ => return Err(format!("unknown argument {key}").into()),
        }
    }
    let index = SearchIndex::open(dir)?;
    let first = index.search(&q)?;
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let r = index.search(&q)?;
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.total, first.total);
    }
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "hits {}  min {:.1} ms  median {:.1} ms  p95 {:.1} ms  (facets: {} agencies, {} categories, {} years, {} validity)",
        first.total,
        at(0.0),
        at(0.5),
        at(0.95),
        first.facets.agency.len(),
        first.facets.category.len(),
        first.facets.year.len(),
        first.facets.validity.len()
    );
    Ok(())
}
