//! The index handle: generations on disk, the current reader, searches.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

use crate::error::{io, Result, SearchError};
use crate::schema::{self, Fields};
use crate::tokenizer::{BigramTokenizer, ExactTokenizer, WordTokenizer, EXACT, GRAMS, WORDS};
use crate::writer::Writer;
use crate::{SearchDoc, SearchQuery, SearchResults};

const CURRENT: &str = "CURRENT";
const GEN_PREFIX: &str = "gen-";
/// Memory budget of the index writer.
pub(crate) const WRITER_MEMORY: usize = 50_000_000;

/// One generation: a complete tantivy index and its reader.
pub(crate) struct Generation {
    /// `gen-000001`; empty for an index in RAM.
    pub name: String,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// Agency code → name as the index holds it, valid for one searcher
    /// generation (the labels of the agency facet; looking each up is a
    /// search and a stored-document read).
    pub agency_names: std::sync::Mutex<(u64, std::collections::HashMap<String, String>)>,
}

impl Generation {
    fn new(name: String, index: Index) -> Result<Self> {
        register_tokenizers(&index);
        let (_, fields) = schema::build();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Generation {
            name,
            index,
            reader,
            fields,
            agency_names: Default::default(),
        })
    }

    pub fn writer(&self) -> Result<IndexWriter> {
        Ok(self.index.writer_with_num_threads(1, WRITER_MEMORY)?)
    }
}

fn register_tokenizers(index: &Index) {
    let t = index.tokenizers();
    t.register(WORDS, WordTokenizer::for_index());
    t.register(GRAMS, BigramTokenizer);
    t.register(EXACT, ExactTokenizer);
}

pub(crate) struct Inner {
    /// `None` for an index in RAM.
    pub root: Option<PathBuf>,
    pub current: RwLock<Arc<Generation>>,
    pub writer_taken: AtomicBool,
}

/// A search index: cheap to clone, shared by every request and by the one
/// [`Writer`].
#[derive(Clone)]
pub struct SearchIndex {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("root", &self.inner.root)
            .field("generation", &self.generation())
            .finish()
    }
}

impl SearchIndex {
    /// Opens (creating if needed) the index under `root`.
    pub fn open(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(io(&root))?;
        let name = match read_current(&root)? {
            Some(name) => name,
            None => {
                let name = next_generation_name(&root)?;
                open_generation_dir(&root, &name, true)?;
                write_current(&root, &name)?;
                name
            }
        };
        let index = open_generation_dir(&root, &name, false)?;
        let generation = Generation::new(name, index)?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                root: Some(root),
                current: RwLock::new(Arc::new(generation)),
                writer_taken: AtomicBool::new(false),
            }),
        })
    }

    /// A fresh, empty index in memory (tests, small tools).
    pub fn open_in_ram() -> Result<Self> {
        let (schema, _) = schema::build();
        let generation = Generation::new(String::new(), Index::create_in_ram(schema))?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                root: None,
                current: RwLock::new(Arc::new(generation)),
                writer_taken: AtomicBool::new(false),
            }),
        })
    }

    /// Starts the one writer of this index (a thread). A second call fails
    /// with [`SearchError::WriterTaken`] while the first writer lives.
    pub fn writer(&self) -> Result<Writer> {
        if self.inner.writer_taken.swap(true, Ordering::SeqCst) {
            return Err(SearchError::WriterTaken);
        }
        match Writer::start(self.clone()) {
            Ok(w) => Ok(w),
            Err(e) => {
                self.inner.writer_taken.store(false, Ordering::SeqCst);
                Err(e)
            }
        }
    }

    /// The root directory, `None` in RAM.
    pub fn root(&self) -> Option<&Path> {
        self.inner.root.as_deref()
    }

    /// Name of the generation searched now (`gen-000001`; empty in RAM).
    pub fn generation(&self) -> String {
        self.current().name.clone()
    }

    /// The cursor stored with the last commit of the current generation
    /// (the outbox id up to which items were fed), if any.
    pub fn cursor(&self) -> Result<Option<i64>> {
        let metas = self.current().index.load_metas()?;
        Ok(metas.payload.as_deref().and_then(parse_cursor))
    }

    /// Number of items in the index.
    pub fn len(&self) -> u64 {
        self.current().reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Searches the current generation. The query text is never an error.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        let generation = self.current();
        crate::query::search(&generation, q)
    }

    /// Builds a complete new generation from `docs` next to the live one and
    /// makes it current (`CURRENT` is replaced atomically), without touching
    /// the live generation: for `gongkai search reindex` in another process
    /// while a server serves. The server switches with
    /// [`Writer::follow_current`] and replays its feed from `cursor`.
    /// Returns the new generation's name.
    pub fn build_generation(
        root: impl AsRef<Path>,
        docs: impl IntoIterator<Item = SearchDoc>,
        cursor: Option<i64>,
    ) -> Result<String> {
        let root = root.as_ref();
        std::fs::create_dir_all(root).map_err(io(root))?;
        let name = next_generation_name(root)?;
        let index = open_generation_dir(root, &name, true)?;
        let generation = Generation::new(name.clone(), index)?;
        fill(&generation, docs, cursor)?;
        write_current(root, &name)?;
        Ok(name)
    }

    pub(crate) fn current(&self) -> Arc<Generation> {
        match self.inner.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn set_current(&self, generation: Arc<Generation>) {
        match self.inner.current.write() {
            Ok(mut g) => *g = generation,
            Err(poisoned) => *poisoned.into_inner() = generation,
        }
    }

    /// A new, empty generation (on disk: the next `gen-` directory, not yet
    /// current).
    pub(crate) fn new_generation(&self) -> Result<Generation> {
        match &self.inner.root {
            None => {
                let (schema, _) = schema::build();
                Generation::new(String::new(), Index::create_in_ram(schema))
            }
            Some(root) => {
                let name = next_generation_name(root)?;
                let index = open_generation_dir(root, &name, true)?;
                Generation::new(name, index)
            }
        }
    }

    /// If another process made a different generation current, opens it.
    pub(crate) fn current_on_disk(&self) -> Result<Option<Generation>> {
        let Some(root) = &self.inner.root else {
            return Ok(None);
        };
        let Some(name) = read_current(root)? else {
            return Ok(None);
        };
        if name == self.current().name {
            return Ok(None);
        }
        let index = open_generation_dir(root, &name, false)?;
        Ok(Some(Generation::new(name, index)?))
    }

    /// Makes `generation` current (writing `CURRENT` on disk) and removes
    /// older generation directories.
    pub(crate) fn publish(&self, generation: Arc<Generation>) -> Result<()> {
        if let Some(root) = &self.inner.root {
            write_current(root, &generation.name)?;
        }
        self.set_current(generation);
        self.remove_old_generations();
        Ok(())
    }

    /// Deletes generation directories older than the current one (readers
    /// still holding their files keep them until they finish).
    pub(crate) fn remove_old_generations(&self) {
        let Some(root) = &self.inner.root else { return };
        let current = self.current().name.clone();
        let Some(current_n) = generation_number(&current) else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(root) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if generation_number(&name).is_some_and(|n| n < current_n) {
                if let Err(err) = std::fs::remove_dir_all(e.path()) {
                    tracing::warn!(generation = %name, error = %err, "旧搜索索引目录删除失败");
                }
            }
        }
    }
}

/// Writes all `docs` into an empty generation and commits with `cursor`.
pub(crate) fn fill(
    generation: &Generation,
    docs: impl IntoIterator<Item = SearchDoc>,
    cursor: Option<i64>,
) -> Result<()> {
    let mut writer = generation.writer()?;
    for d in docs {
        writer.add_document(schema::to_document(&generation.fields, &d))?;
    }
    commit(&mut writer, cursor)?;
    writer.wait_merging_threads()?;
    generation.reader.reload()?;
    Ok(())
}

pub(crate) fn commit(writer: &mut IndexWriter, cursor: Option<i64>) -> Result<()> {
    let mut prepared = writer.prepare_commit()?;
    if let Some(c) = cursor {
        prepared.set_payload(&format!("{{\"cursor\":{c}}}"));
    }
    prepared.commit()?;
    Ok(())
}

fn parse_cursor(payload: &str) -> Option<i64> {
    let v: serde_json::Value = serde_json::from_str(payload).ok()?;
    v.get("cursor")?.as_i64()
}

fn generation_number(name: &str) -> Option<u64> {
    name.strip_prefix(GEN_PREFIX)?.parse().ok()
}

fn next_generation_name(root: &Path) -> Result<String> {
    let mut max = 0;
    for e in std::fs::read_dir(root).map_err(io(root))?.flatten() {
        if let Some(n) = generation_number(&e.file_name().to_string_lossy()) {
            max = max.max(n);
        }
    }
    Ok(format!("{GEN_PREFIX}{:06}", max + 1))
}

fn read_current(root: &Path) -> Result<Option<String>> {
    let path = root.join(CURRENT);
    match std::fs::read_to_string(&path) {
        Ok(s) => {
            let name = s.trim().to_string();
            if generation_number(&name).is_none() {
                return Err(SearchError::BadCurrent(root.to_path_buf()));
            }
            Ok(Some(name))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path)(e)),
    }
}

fn write_current(root: &Path, name: &str) -> Result<()> {
    let tmp = root.join(format!("{CURRENT}.tmp"));
    std::fs::write(&tmp, format!("{name}\n")).map_err(io(&tmp))?;
    let path = root.join(CURRENT);
    std::fs::rename(&tmp, &path).map_err(io(path))
}

fn open_generation_dir(root: &Path, name: &str, create: bool) -> Result<Index> {
    let dir = root.join(name);
    if create {
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let (schema, _) = schema::build();
        Ok(Index::create(
            MmapDirectory::open(&dir)?,
            schema,
            Default::default(),
        )?)
    } else {
        Ok(Index::open(MmapDirectory::open(&dir)?)?)
    }
}
