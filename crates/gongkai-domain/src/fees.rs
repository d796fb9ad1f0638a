//! Processing fees (国办函〔2020〕109号) (filled in by the clock work).
