//! The repository contract: one suite of tests every implementation of the catalog ports
//! passes — the SQL adapter on SQLite and on PostgreSQL, and the in-memory fakes the core's
//! tests use. A fake that drifts from the real thing fails here.
//!
//! Each case is a plain `async fn` taking the implementation under test. An implementation's
//! test crate runs them all with [`catalog_contract!`](crate::catalog_contract) and
//! [`scans_contract!`](crate::scans_contract), giving a function that makes a fresh, empty
//! store for a test (named for messages) and a guard that keeps it alive.

pub mod edits;
pub mod incremental;
pub mod item_edits;
pub mod items;
pub mod media;
pub mod playback;
pub mod queries;
pub mod scans;

use crate::ports::{MediaEdits, MediaQueries, MediaRepository};

/// The ports of one catalog: what a scan writes, what the application reads, what users edit.
pub trait Catalog: MediaRepository + MediaQueries + MediaEdits {}

impl<T: MediaRepository + MediaQueries + MediaEdits> Catalog for T {}

/// Runs every catalog contract case as a test: `catalog_contract!(fresh)` where
/// `async fn fresh(test: &'static str) -> Option<(Arc<dyn Catalog>, Guard)>` (`None`: the test
/// was skipped, which the function must have recorded and been explicitly allowed to do).
#[macro_export]
macro_rules! catalog_contract {
    ($fresh:path) => {
        $crate::catalog_contract!(@cases $fresh;
            media::round_trips_every_field,
            media::round_trips_odd_paths,
            media::a_failed_record_round_trips,
            media::upsert_updates_in_place_and_keeps_identity,
            media::concurrent_upserts_of_one_path_leave_one_row,
            media::big_batches_are_split_and_written_whole,
            media::lists_in_path_order_with_keyset_pages,
            queries::filters_narrow_the_catalog,
            queries::pages_by_offset_and_by_keyset_agree,
            queries::shows_are_counted_by_name_and_year,
            queries::records_are_found_by_path,
            queries::text_and_numbers_no_database_holds_are_invalid_input,
            queries::a_common_search_text_selects_pages_and_counts_alike,
            playback::decision_range_and_codec_filters_select_alike,
            playback::the_report_agrees_with_counts_made_apart,
            playback::stale_decisions_are_listed_and_replaced_only_where_unchanged,
            playback::a_lone_stale_decision_is_found_whichever_side_it_falls,
            edits::overrides_survive_rescans_and_moves_and_filters_see_them,
            edits::edits_of_unknown_files_and_bad_values_are_refused,
            edits::pruning_a_file_forgets_its_overrides,
            edits::concurrent_edits_of_one_file_all_apply_in_turn,
            incremental::entries_come_per_directory_and_by_size_and_time,
            incremental::files_absent_or_in_unlisted_folders_are_missing_and_nothing_else,
            incremental::a_move_keeps_the_row_and_applies_only_from_where_it_was,
            incremental::an_absent_mark_skips_a_row_that_moved_meanwhile,
            incremental::folder_summaries_are_kept_replaced_and_cleared,
            incremental::an_upsert_clears_the_absent_mark,
            incremental::any_under_tells_whether_a_folder_was_catalogued,
            incremental::a_batch_applies_whole_or_not_at_all,
            items::items_are_listed_paged_and_filled_with_their_files,
            items::missing_files_leave_their_items_and_moves_keep_item_ids,
            item_edits::provider_id_overrides_merge_into_ids_and_are_audited,
            item_edits::item_edits_refile_every_version_and_survive_rescans_and_moves
        );
    };
    (@cases $fresh:path; $($module:ident :: $case:ident),*) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let test = concat!(module_path!(), "::", stringify!($case));
                if let Some((catalog, _guard)) = $fresh(test).await {
                    $crate::testing::contract::$module::$case(catalog).await;
                }
            }
        )*
    };
}

/// Runs every scan-repository contract case as a test: `scans_contract!(fresh)` where
/// `async fn fresh(test: &'static str) -> Option<(Arc<dyn ScanRepository>, Guard)>`.
#[macro_export]
macro_rules! scans_contract {
    ($fresh:path) => {
        $crate::scans_contract!(@cases $fresh;
            scan_records_round_trip_and_list_newest_first,
            saving_progress_updates_a_running_scan_and_reports_cancels,
            a_lease_has_one_holder_until_it_expires_or_is_released,
            an_expired_lease_is_taken_over_by_the_database_clock,
            of_many_simultaneous_acquirers_exactly_one_wins,
            running_scans_without_a_live_lease_are_interrupted,
            finished_scans_can_be_deleted_running_ones_cannot,
            only_a_live_watchers_published_health_is_read
        );
    };
    (@cases $fresh:path; $($case:ident),*) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let test = concat!(module_path!(), "::", stringify!($case));
                if let Some((scans, _guard)) = $fresh(test).await {
                    $crate::testing::contract::scans::$case(scans).await;
                }
            }
        )*
    };
}
