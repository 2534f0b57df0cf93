//! A task that adds numbers, spawned from main and joined: the same program
//! as ../embassy, on wrt-async.

#[wrt::task(pool = 2)]
async fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[wrt::main]
async fn main() {
    let first = add(1, 2).spawn().expect("pool slot");
    let second = add(3, 4).spawn().expect("pool slot");
    let total = first.await.expect("task") + second.await.expect("task");
    println!("total = {total}");
}
