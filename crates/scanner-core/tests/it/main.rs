//! scanner-core through its public API: the naming corpus and property tests of the parser.

mod corpus;
mod corpus_case;
mod docs;
mod properties;
