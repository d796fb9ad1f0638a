//! A small deterministic generator for the unit tests' random indexes.

/// Xorshift from `seed` (not zero): each call gives a number below `n`.
pub(crate) fn below(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    }
}
