//! Database models. They never leave this crate: `convert` maps them to and from the core's
//! types.

pub mod item_move;
pub mod media;
pub mod media_dir;
pub mod media_override;
pub mod media_override_history;
pub mod media_playback;
pub mod scan;
pub mod scan_lease;
pub mod watch_health;
