use std::rc::Rc;

#[wrt_async_core::task]
async fn shared(_value: Rc<u8>) {}

fn main() {}
