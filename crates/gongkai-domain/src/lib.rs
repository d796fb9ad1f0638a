//! Pure rules of government information disclosure. No I/O lives here.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod clock;
pub mod fees;
