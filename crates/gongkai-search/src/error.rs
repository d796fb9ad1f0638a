use std::path::PathBuf;

/// Errors of the search engine. Messages are Chinese, for the operator's log
/// and the 500 page; a user's query text never causes one.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("搜索索引出错：{0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("打开搜索索引目录失败：{0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("读写搜索索引目录 {path} 失败：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("搜索索引目录 {0} 中的 CURRENT 文件内容无效")]
    BadCurrent(PathBuf),
    #[error("搜索索引的写入线程已停止")]
    WriterGone,
    #[error("搜索索引写入失败：{0}")]
    Write(String),
    #[error("已有一个写入器在使用该搜索索引")]
    WriterTaken,
    #[error("内存中的搜索索引不能在其他进程中重建")]
    InRam,
}

pub type Result<T> = std::result::Result<T, SearchError>;

pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> SearchError {
    let path = path.into();
    move |source| SearchError::Io { path, source }
}
