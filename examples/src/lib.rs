//! Code shared by the examples and their tests.

pub mod round_robin;
pub mod workload;
