//! Test support for the core and for every adapter's tests (feature `testing`): in-memory
//! implementations of the repository ports, and the contract suite that both they and the real
//! adapters pass.

mod catalog;
pub mod contract;
mod edits;
mod filter;
mod items;
mod report;
mod scans;

pub use catalog::{CatalogStats, InMemoryCatalog};
pub use contract::Catalog;
pub use scans::InMemoryScans;

/// The fakes pass the contract the SQL adapter passes.
#[cfg(test)]
mod contract_tests {
    use std::sync::Arc;

    use super::{Catalog, InMemoryCatalog, InMemoryScans};
    use crate::ports::ScanRepository;

    async fn catalog(_test: &'static str) -> Option<(Arc<dyn Catalog>, ())> {
        Some((Arc::new(InMemoryCatalog::default()), ()))
    }

    async fn scans(_test: &'static str) -> Option<(Arc<dyn ScanRepository>, ())> {
        Some((Arc::new(InMemoryScans::default()), ()))
    }

    mod in_memory_catalog {
        crate::catalog_contract!(super::catalog);
    }

    mod in_memory_scans {
        crate::scans_contract!(super::scans);
    }
}
