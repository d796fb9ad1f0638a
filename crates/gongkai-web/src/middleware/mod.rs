//! One concern per file.
pub mod metrics;
pub mod origin;
pub mod public_cache;
pub mod security_headers;
