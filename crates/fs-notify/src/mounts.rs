//! Which file system a folder is on, from `/proc/self/mountinfo`.

use std::path::Path;

/// File-system types whose changes by other machines no local event reports.
const NETWORK: &[&str] =
    &["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "davfs", "lustre", "ncpfs"];

/// True for network file systems and FUSE ones (rclone, sshfs, s3fs …: mostly remote).
pub fn is_network_fs(kind: &str) -> bool {
    NETWORK.contains(&kind) || kind == "fuse" || kind.starts_with("fuse.")
}

/// Un-escapes a mountinfo path (`\040` for a space).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The type of the file system `path` is on: that of the longest mount point holding it.
pub fn mount_of(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let Some((left, right)) = line.split_once(" - ") else { continue };
        let Some(point) = left.split(' ').nth(4).map(unescape) else { continue };
        let Some(kind) = right.split(' ').next() else { continue };
        if path.starts_with(&point) && best.as_ref().is_none_or(|(len, _)| point.len() >= *len) {
            best = Some((point.len(), kind.to_owned()));
        }
    }
    best.map(|(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
40 22 0:40 / /srv/nas rw - nfs4 nas:/export rw
41 22 0:41 / /srv/my\\040cloud rw - fuse.rclone remote: rw
42 40 8:2 / /srv/nas/local rw - xfs /dev/sdb1 rw
";

    #[test]
    fn the_longest_mount_point_decides() {
        let kind = |p: &str| mount_of(MOUNTINFO, Path::new(p));
        assert_eq!(kind("/home/me/Videos").as_deref(), Some("ext4"));
        assert_eq!(kind("/srv/nas/TV").as_deref(), Some("nfs4"));
        assert_eq!(kind("/srv/nas/local/TV").as_deref(), Some("xfs"));
        assert_eq!(kind("/srv/my cloud/Movies").as_deref(), Some("fuse.rclone"));
        assert_eq!(kind("/srv/nasty").as_deref(), Some("ext4"), "a prefix of a name is not a parent");
        for network in ["nfs4", "cifs", "fuse.rclone", "fuse.sshfs"] {
            assert!(is_network_fs(network), "{network}");
        }
        for local in ["ext4", "xfs", "btrfs", "tmpfs", "zfs", "overlay"] {
            assert!(!is_network_fs(local), "{local}");
        }
    }
}
