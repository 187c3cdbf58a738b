//! This process as a scan lease holder, and whether another holder's process still lives.

use std::path::Path;

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

/// This process: `name` (default: the host name), its pid, and a fresh instance id.
pub fn holder(name: Option<&str>) -> LeaseHolder {
    LeaseHolder {
        host: name.map_or_else(hostname, str::to_owned),
        pid: std::process::id(),
        instance: uuid::Uuid::new_v4(),
    }
}

/// Whether the process of `holder`, a process of this host, still runs. A zombie counts as
/// dead; so does our own pid, which an earlier instance of this process must have had. Where
/// the platform cannot tell, the answer is "alive" and the lease's expiry decides.
pub fn is_alive(holder: &LeaseHolder) -> bool {
    if holder.pid == std::process::id() {
        return false;
    }
    if !Path::new("/proc/self").exists() {
        return true;
    }
    match std::fs::read_to_string(format!("/proc/{}/stat", holder.pid)) {
        // The state follows the command name in parentheses: `123 (mediascan) S …`.
        Ok(stat) => {
            !matches!(stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next()), Some('Z' | 'X'))
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_live_from_dead_processes() {
        let me = holder(None);
        assert!(!is_alive(&me), "our own pid belongs to an earlier instance");
        let parent = LeaseHolder { pid: std::os::unix::process::parent_id(), ..me.clone() };
        assert!(is_alive(&parent));
        let gone = LeaseHolder { pid: u32::MAX - 1, ..me };
        assert!(!is_alive(&gone));
    }
}
