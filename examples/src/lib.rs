//! Code shared by the examples and their tests. The crate docs are the
//! README, so its code sample is compiled and run as a doctest.
#![doc = include_str!("../../README.md")]

pub mod round_robin;
pub mod workload;
