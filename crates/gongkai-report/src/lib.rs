//! The annual report (年度报告) of government information disclosure.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
