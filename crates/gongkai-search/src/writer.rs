//! The one writer: a thread that owns the tantivy `IndexWriter`. Every change
//! goes through it; each call returns once its change is committed and
//! visible to searches (changes queued at the same time share one commit).

use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::Arc;

use tantivy::{IndexWriter, Term};

use crate::error::{Result, SearchError};
use crate::index::{commit, fill, Generation, SearchIndex};
use crate::schema;
use crate::SearchDoc;

/// One change to the index.
// Batches are mostly upserts and short-lived: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Add the item, replacing any item with the same id.
    Upsert(SearchDoc),
    /// Remove the item with this id (no error if absent).
    Remove(i64),
}

type Ack<T> = mpsc::Sender<Result<T>>;
type DocIter = Box<dyn Iterator<Item = SearchDoc> + Send>;

enum Cmd {
    Apply {
        ops: Vec<Op>,
        cursor: Option<i64>,
        ack: Ack<()>,
    },
    Reindex {
        docs: DocIter,
        cursor: Option<i64>,
        ack: Ack<()>,
    },
    Follow {
        ack: Ack<bool>,
    },
}

/// Handle to the writer thread; clones share the thread. The thread ends
/// when the last handle is dropped.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Cmd>,
    index: SearchIndex,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("index", &self.index)
            .finish()
    }
}

/// Most commands folded into one commit.
const MAX_BATCH: usize = 1024;

impl Writer {
    pub(crate) fn start(index: SearchIndex) -> Result<Writer> {
        let generation = index.current();
        let writer = generation.writer()?;
        let cursor = index.cursor()?;
        let (tx, rx) = mpsc::channel();
        let state = State {
            index: index.clone(),
            generation,
            writer: Some(writer),
            cursor,
        };
        std::thread::Builder::new()
            .name("gongkai-search-writer".into())
            .spawn(move || state.run(rx))
            .map_err(|e| SearchError::Io {
                path: index.root().map(|p| p.to_path_buf()).unwrap_or_default(),
                source: e,
            })?;
        Ok(Writer { tx, index })
    }

    /// The index this writer writes.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Adds or replaces one item; searchable when this returns.
    pub fn upsert(&self, doc: SearchDoc) -> Result<()> {
        self.apply(vec![Op::Upsert(doc)], None)
    }

    /// Removes one item; gone from searches when this returns.
    pub fn remove(&self, id: i64) -> Result<()> {
        self.apply(vec![Op::Remove(id)], None)
    }

    /// Applies `ops` in order and commits, storing `cursor` (if given) as the
    /// feed position ([`SearchIndex::cursor`]) in the same commit.
    pub fn apply(&self, ops: Vec<Op>, cursor: Option<i64>) -> Result<()> {
        let (ack, rx) = mpsc::channel();
        self.send(Cmd::Apply { ops, cursor, ack })?;
        rx.recv().map_err(|_| SearchError::WriterGone)?
    }

    /// Builds a fresh generation from `docs` (on disk: a new directory) and
    /// swaps it in atomically; searches go on against the old generation
    /// meanwhile. Changes sent during the rebuild are applied after it.
    pub fn reindex<I>(&self, docs: I, cursor: Option<i64>) -> Result<()>
    where
        I: IntoIterator<Item = SearchDoc>,
        I::IntoIter: Send + 'static,
    {
        let (ack, rx) = mpsc::channel();
        self.send(Cmd::Reindex {
            docs: Box::new(docs.into_iter()),
            cursor,
            ack,
        })?;
        rx.recv().map_err(|_| SearchError::WriterGone)?
    }

    /// If another process made a new generation current (see
    /// [`SearchIndex::build_generation`]), switches to it and returns true.
    /// The caller then resumes its feed from [`SearchIndex::cursor`].
    pub fn follow_current(&self) -> Result<bool> {
        let (ack, rx) = mpsc::channel();
        self.send(Cmd::Follow { ack })?;
        rx.recv().map_err(|_| SearchError::WriterGone)?
    }

    fn send(&self, cmd: Cmd) -> Result<()> {
        self.tx.send(cmd).map_err(|_| SearchError::WriterGone)
    }
}

struct State {
    index: SearchIndex,
    generation: Arc<Generation>,
    writer: Option<IndexWriter>,
    cursor: Option<i64>,
}

impl State {
    fn run(mut self, rx: mpsc::Receiver<Cmd>) {
        let mut pending: Option<Cmd> = None;
        loop {
            let cmd = match pending.take() {
                Some(c) => c,
                None => match rx.recv() {
                    Ok(c) => c,
                    Err(_) => break,
                },
            };
            match cmd {
                Cmd::Apply { ops, cursor, ack } => {
                    let mut batch = vec![(ops, cursor, ack)];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(Cmd::Apply { ops, cursor, ack }) => batch.push((ops, cursor, ack)),
                            Ok(other) => {
                                pending = Some(other);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    let result = self.apply(&batch);
                    for (_, _, ack) in batch {
                        let r = match &result {
                            Ok(()) => Ok(()),
                            Err(e) => Err(SearchError::Write(e.to_string())),
                        };
                        let _ = ack.send(r);
                    }
                }
                Cmd::Reindex { docs, cursor, ack } => {
                    let _ = ack.send(self.reindex(docs, cursor));
                }
                Cmd::Follow { ack } => {
                    let _ = ack.send(self.follow());
                }
            }
        }
        if let Some(w) = self.writer.take() {
            if let Err(e) = w.wait_merging_threads() {
                tracing::warn!(error = %e, "搜索索引合并线程结束时出错");
            }
        }
        self.index.inner.writer_taken.store(false, Ordering::SeqCst);
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            self.writer = Some(self.generation.writer()?);
        }
        self.writer.as_mut().ok_or(SearchError::WriterGone)
    }

    fn apply(&mut self, batch: &[(Vec<Op>, Option<i64>, Ack<()>)]) -> Result<()> {
        let fields = self.generation.fields;
        let mut cursor = self.cursor;
        let result = (|| {
            let writer = self.writer()?;
            for (ops, c, _) in batch {
                for op in ops {
                    match op {
                        Op::Upsert(d) => {
                            writer.delete_term(Term::from_field_i64(fields.id, d.id));
                            writer.add_document(schema::to_document(&fields, d))?;
                        }
                        Op::Remove(id) => {
                            writer.delete_term(Term::from_field_i64(fields.id, *id));
                        }
                    }
                }
                if c.is_some() {
                    cursor = *c;
                }
            }
            commit(writer, cursor)?;
            Ok(())
        })();
        match result {
            Ok(()) => {
                self.cursor = cursor;
                self.generation.reader.reload()?;
                Ok(())
            }
            Err(e) => {
                if let Some(w) = self.writer.as_mut() {
                    if let Err(re) = w.rollback() {
                        tracing::warn!(error = %re, "搜索索引回滚失败");
                    }
                }
                Err(e)
            }
        }
    }

    fn reindex(&mut self, docs: DocIter, cursor: Option<i64>) -> Result<()> {
        let generation = self.index.new_generation()?;
        fill(&generation, docs, cursor)?;
        self.switch_to(Arc::new(generation), true)?;
        self.cursor = cursor;
        Ok(())
    }

    fn follow(&mut self) -> Result<bool> {
        match self.index.current_on_disk()? {
            None => Ok(false),
            Some(generation) => {
                self.switch_to(Arc::new(generation), false)?;
                self.cursor = self.index.cursor()?;
                Ok(true)
            }
        }
    }

    fn switch_to(&mut self, generation: Arc<Generation>, write_current: bool) -> Result<()> {
        if let Some(old) = self.writer.take() {
            if let Err(e) = old.wait_merging_threads() {
                tracing::warn!(error = %e, "旧搜索索引合并线程结束时出错");
            }
        }
        if write_current {
            self.index.publish(generation.clone())?;
        } else {
            self.index.set_current(generation.clone());
            self.index.remove_old_generations();
        }
        self.generation = generation;
        self.writer = Some(self.generation.writer()?);
        Ok(())
    }
}
