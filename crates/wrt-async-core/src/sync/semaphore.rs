//! placeholder until the semaphore lands
/// placeholder
pub struct Semaphore;
/// placeholder
pub struct SemaphorePermit;
/// placeholder
pub struct Acquire;
