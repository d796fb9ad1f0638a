//! The web front end.
