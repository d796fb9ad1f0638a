//! Statutory clock of a disclosure application (filled in by the clock work).
