//! This process as a scan lease holder.
//!
//! The host name and pid only label scan records for people. Whether a holder lives is never
//! judged from them (containers share host names and pid numbers); leases expire instead.

use scanner_core::ports::LeaseHolder;

/// The host name, from the kernel or the environment.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// This process: `name` (default: the host name), its pid, and an instance id that is new at
/// every start and identifies this process's leases.
pub fn holder(name: Option<&str>) -> LeaseHolder {
    LeaseHolder {
        host: name.map_or_else(hostname, str::to_owned),
        pid: std::process::id(),
        instance: uuid::Uuid::new_v4(),
    }
}
