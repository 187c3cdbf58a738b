//! FNV-1a, 64 bits: small, and stable forever — its values are stored (folder signatures, the
//! fingerprint of the profiles a decision was made with).

pub(crate) const SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Folds `bytes` into `hash`.
pub(crate) fn fnv(hash: &mut u64, bytes: &[u8]) {
    for byte in bytes {
        *hash ^= u64::from(*byte);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}
