//! One concern per file.
pub mod metrics;
pub mod origin;
pub mod security_headers;
