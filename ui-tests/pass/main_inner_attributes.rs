//! Inner attributes of the body apply to the generated `main`; visibility
//! and other attributes are kept.
#![deny(unused)]

use wrt_async_core as wrt;

#[wrt::main]
#[allow(clippy::let_unit_value)]
pub async fn main() {
    #![allow(unused_variables)]
    let unused = ();
}
