//! Working-day calendar of mainland China.
