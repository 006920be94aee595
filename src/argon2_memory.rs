//! Argon2id working memory (docs/PERFORMANCE.md, "Argon2id memory"; docs/PROTOCOL.md §12.4).
//!
//! The one module outside `src/ffi` with `unsafe` (the project rules allow exactly this one, for
//! Argon2id's memory). Everything unsafe is here and small:
//!
//! - on Linux, [`Argon2Memory`] is a private anonymous mapping of its own (`rustix::mm`): the
//!   kernel hands it out zeroed and lazily, so nothing initializes it twice; it is advised
//!   `MADV_DONTDUMP` (kept out of core dumps) and `MADV_HUGEPAGE` (transparent huge pages where
//!   THP is in `madvise` mode: 512 times fewer page faults), and it is unmapped when dropped;
//!   the `&mut [Block]` view of the mapping is the unsafe part;
//! - elsewhere (Windows, macOS, ...) it is a `Vec<Block>` on the heap, as before;
//! - both are wiped when dropped by [`wipe`], one `memset` the compiler must keep (it is followed
//!   by a compiler fence and by handing the pointer to `black_box`), not 8 million volatile
//!   element writes.
//!
//! A refused allocation (mapping) is [`Error::OutOfMemory`], never an abort.
//!
//! [`Argon2Pool`] keeps a bounded number of idle regions for a server key ring (its seals reuse
//! them instead of mapping fresh memory every time).

use std::sync::{Mutex, OnceLock};

use argon2::Block;

#[cfg(any(test, not(target_os = "linux")))]
use crate::error::Error;
use crate::error::Result;

/// Zeroes `blocks` with one `memset` the optimizer cannot remove: the stores are followed by a
/// compiler fence and the pointer escapes through `black_box`, so they must be done before
/// anything after this call (unmapping, freeing) can run.
pub(crate) fn wipe(blocks: &mut [Block]) {
    let ptr = blocks.as_mut_ptr();
    // SAFETY: `ptr` and `blocks.len()` come from a live, exclusively borrowed slice, and an
    // all-zero `Block` (`[u64; 128]`) is a valid value.
    unsafe { core::ptr::write_bytes(ptr, 0, blocks.len()) };
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    core::hint::black_box(ptr);
}

static RELEASE_HOOK: OnceLock<fn(&[u8])> = OnceLock::new();

/// For `tests/residue.rs` only: `hook` sees every Argon2id memory region, after its wipe, just
/// before it is returned to the operating system (mapped regions never reach the heap
/// allocator, so a scanning allocator would not see them). Set once per process.
#[doc(hidden)]
pub fn set_release_hook(hook: fn(&[u8])) {
    let _ = RELEASE_HOOK.set(hook);
}

fn run_release_hook(blocks: &[Block]) {
    if let Some(hook) = RELEASE_HOOK.get() {
        // SAFETY: a `Block` is 1024 bytes of plain `u64`s with no padding; the view lives as
        // long as the borrow of `blocks`.
        let view = unsafe {
            core::slice::from_raw_parts(
                blocks.as_ptr().cast::<u8>(),
                core::mem::size_of_val(blocks),
            )
        };
        hook(view);
    }
}

/// One Argon2id memory region of a fixed number of blocks, wiped and released when dropped.
pub(crate) struct Argon2Memory {
    #[cfg(target_os = "linux")]
    map: linux::Mapping,
    #[cfg(not(target_os = "linux"))]
    heap: Vec<Block>,
}

impl Argon2Memory {
    /// A region of `blocks` blocks (1 KiB each); [`Error::OutOfMemory`] when refused.
    pub(crate) fn new(blocks: usize) -> Result<Self> {
        #[cfg(target_os = "linux")]
        {
            Ok(Argon2Memory {
                map: linux::Mapping::new(blocks)?,
            })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let mut heap: Vec<Block> = Vec::new();
            heap.try_reserve_exact(blocks)
                .map_err(|_| Error::OutOfMemory)?;
            heap.resize(blocks, Block::new());
            Ok(Argon2Memory { heap })
        }
    }

    /// Its number of blocks.
    pub(crate) fn len(&self) -> usize {
        #[cfg(target_os = "linux")]
        {
            self.map.blocks
        }
        #[cfg(not(target_os = "linux"))]
        {
            self.heap.len()
        }
    }

    pub(crate) fn blocks_mut(&mut self) -> &mut [Block] {
        #[cfg(target_os = "linux")]
        {
            self.map.as_mut_slice()
        }
        #[cfg(not(target_os = "linux"))]
        {
            &mut self.heap
        }
    }
}

impl Drop for Argon2Memory {
    fn drop(&mut self) {
        let blocks = self.blocks_mut();
        wipe(blocks);
        run_release_hook(blocks);
        // Then the mapping is unmapped (linux::Mapping's drop) or the vector freed.
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use core::ptr::{null_mut, NonNull};

    use argon2::Block;
    use rustix::mm::{self, MapFlags, ProtFlags};

    use crate::error::{Error, Result};

    /// Transparent huge pages are 2 MiB on x86-64 and on arm64 with 4 KiB pages; the mapping is
    /// made this much longer so that its blocks can start on such a boundary.
    const HUGE_PAGE: usize = 2 * 1024 * 1024;

    /// A private anonymous mapping, and the blocks inside it (from its first 2 MiB boundary).
    pub(super) struct Mapping {
        base: NonNull<core::ffi::c_void>,
        mapped_len: usize,
        first: NonNull<Block>,
        pub(super) blocks: usize,
    }

    // SAFETY: the mapping is owned by this value alone (nothing else holds its address), like a
    // `Box<[Block]>`; `&Mapping` gives no access to the memory.
    unsafe impl Send for Mapping {}
    // SAFETY: as above; shared references expose only the block count.
    unsafe impl Sync for Mapping {}

    impl Mapping {
        pub(super) fn new(blocks: usize) -> Result<Self> {
            let len = blocks
                .checked_mul(Block::SIZE)
                .filter(|&n| n > 0)
                .ok_or(Error::OutOfMemory)?;
            // Regions smaller than a huge page (only the fuzz and Miri builds' tiny cost) get
            // neither the slack nor the advice: one huge page would be 2 MiB zeroed for 8 KiB.
            let huge = len >= HUGE_PAGE;
            let mapped_len = if huge {
                len.checked_add(HUGE_PAGE).ok_or(Error::OutOfMemory)?
            } else {
                len
            };
            // SAFETY: a new private anonymous mapping at an address the kernel chooses: it
            // aliases no Rust object. A refusal (ENOMEM, an address-space limit) is an error.
            let base = unsafe {
                mm::mmap_anonymous(
                    null_mut(),
                    mapped_len,
                    ProtFlags::READ | ProtFlags::WRITE,
                    MapFlags::PRIVATE,
                )
            }
            .map_err(|_| Error::OutOfMemory)?;
            let base = NonNull::new(base).ok_or(Error::OutOfMemory)?;
            let offset = if huge {
                (HUGE_PAGE - base.as_ptr() as usize % HUGE_PAGE) % HUGE_PAGE
            } else {
                0
            };
            // SAFETY: `offset < HUGE_PAGE` when `huge` (else 0), so `offset + len <= mapped_len`:
            // inside the mapping.
            let first = unsafe { base.as_ptr().cast::<u8>().add(offset) }.cast::<Block>();
            // Advice only, best effort: an old kernel or THP set to `never` refuses or ignores it
            // and the memory works the same. Not under Miri, which models `mmap` and `munmap`
            // but not `madvise` (it would stop the interpreter; the mapping code above and below
            // is still checked). SAFETY: the range is exactly our own mapping.
            #[cfg(not(miri))]
            unsafe {
                let _ = mm::madvise(base.as_ptr(), mapped_len, mm::Advice::LinuxDontDump);
                if huge {
                    let _ = mm::madvise(base.as_ptr(), mapped_len, mm::Advice::LinuxHugepage);
                }
            }
            Ok(Mapping {
                base,
                mapped_len,
                // Page-aligned plus a multiple of 2 MiB: aligned for `Block` (64 bytes).
                first: NonNull::new(first).ok_or(Error::OutOfMemory)?,
                blocks,
            })
        }

        pub(super) fn as_mut_slice(&mut self) -> &mut [Block] {
            // SAFETY: `first .. first + blocks` is inside the mapping, readable and writable,
            // aligned, and initialized (the kernel zero-fills anonymous pages; all-zero bytes are
            // a valid `Block`). `&mut self` makes the borrow exclusive and ties it to the mapping.
            unsafe { core::slice::from_raw_parts_mut(self.first.as_ptr(), self.blocks) }
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: unmaps exactly the mapping made in `new`; no reference into it outlives
            // `self` (`as_mut_slice` borrows `self`). Failure cannot happen for a valid range;
            // if it did, the memory (already wiped) would only stay mapped.
            unsafe {
                let _ = mm::munmap(self.base.as_ptr(), self.mapped_len);
            }
        }
    }
}

/// The bounded pool of idle Argon2id regions a server key ring's seals reuse.
///
/// A seal takes an idle region with at least the blocks it needs, or maps a new one when none is
/// idle (it never waits), and gives it back afterwards. At most `bound` regions stay idle (the
/// number of CPUs the process may use when its first ring was made, at least 1: more seals than that
/// at once cannot run faster); when a region is given back to a full pool, the smallest of the
/// idle ones and it is wiped and unmapped. So
/// memory is one region per seal in progress, plus at most `bound` idle ones between peaks.
/// Idle regions hold the last seal's Argon2 blocks (secret: as good as the password binding to
/// a guesser): they are kept out of core dumps and wiped when the pool lets them go, when
/// [`Argon2Pool::clear`] is called, and when the pool (the ring) is dropped.
pub(crate) struct Argon2Pool {
    idle: Mutex<Vec<Argon2Memory>>,
    bound: usize,
}

/// A clone starts with an empty pool of its own (regions are never shared between rings).
impl Clone for Argon2Pool {
    fn clone(&self) -> Self {
        Argon2Pool::new()
    }
}

impl Argon2Pool {
    pub(crate) fn new() -> Self {
        // Asked once per process: on Linux the answer reads cgroup files, and rings are made
        // (imported, cloned) often.
        static CPUS: OnceLock<usize> = OnceLock::new();
        let bound =
            *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        Argon2Pool {
            idle: Mutex::new(Vec::with_capacity(bound)),
            bound,
        }
    }

    /// How many regions may stay idle.
    pub(crate) fn bound(&self) -> usize {
        self.bound
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Argon2Memory>> {
        // Nothing panics while holding the lock; a poisoned pool is still a valid list.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle region of at least `blocks` blocks, or a new one of exactly `blocks`.
    pub(crate) fn take(&self, blocks: usize) -> Result<Argon2Memory> {
        let found = {
            let mut idle = self.lock();
            idle.iter()
                .position(|m| m.len() >= blocks)
                .map(|i| idle.swap_remove(i))
        };
        match found {
            Some(memory) => Ok(memory),
            None => Argon2Memory::new(blocks),
        }
    }

    /// Gives `memory` back: kept idle while fewer than `bound` are. Otherwise the smallest of
    /// the idle regions and `memory` is wiped and released (outside the lock), so that after a
    /// rotation to a higher cost the pool does not stay full of regions too small for it.
    pub(crate) fn give(&self, memory: Argon2Memory) {
        let mut idle = self.lock();
        let released = if idle.len() < self.bound {
            idle.push(memory);
            None
        } else {
            let smallest = (0..idle.len()).min_by_key(|&i| idle[i].len());
            match smallest {
                Some(i) if idle[i].len() < memory.len() => {
                    Some(core::mem::replace(&mut idle[i], memory))
                }
                _ => Some(memory),
            }
        };
        drop(idle);
        drop(released);
    }

    /// Wipes and releases every idle region.
    pub(crate) fn clear(&self) {
        // One at a time, each wiped outside the lock; the list keeps its capacity (a later
        // `give` does not allocate).
        while let Some(memory) = self.lock().pop() {
            drop(memory);
        }
    }

    /// Number of idle regions.
    pub(crate) fn idle(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_zeroed_writable_and_wiped() {
        let mut m = Argon2Memory::new(300).expect("memory");
        assert_eq!(m.len(), 300);
        assert!(m
            .blocks_mut()
            .iter()
            .all(|b| b.as_ref().iter().all(|&w| w == 0)));
        for b in m.blocks_mut().iter_mut() {
            b.as_mut().fill(0xA5A5_A5A5_A5A5_A5A5);
        }
        wipe(m.blocks_mut());
        assert!(m
            .blocks_mut()
            .iter()
            .all(|b| b.as_ref().iter().all(|&w| w == 0)));
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "Miri backs a mapping with host memory: the host kills a 64 TiB request"
    )]
    fn a_refused_region_is_out_of_memory() {
        assert!(matches!(
            Argon2Memory::new(usize::MAX / 512),
            Err(Error::OutOfMemory)
        ));
        // 64 TiB: more than any address space limit or overcommit heuristic allows.
        assert!(matches!(
            Argon2Memory::new(1 << 36),
            Err(Error::OutOfMemory)
        ));
    }

    #[test]
    fn the_pool_reuses_regions_up_to_its_bound() {
        let pool = Argon2Pool::new();
        let bound = pool.bound();
        assert!(bound >= 1);
        // More regions in use than the bound: each its own, none waits.
        let taken: Vec<_> = (0..bound + 2)
            .map(|_| pool.take(64).expect("take"))
            .collect();
        assert_eq!(taken.len(), bound + 2);
        assert_eq!(pool.idle(), 0);
        for m in taken {
            pool.give(m);
        }
        assert_eq!(pool.idle(), bound);
        // A smaller need takes an idle larger region; a larger one maps a new region.
        let small = pool.take(16).expect("take");
        assert_eq!(small.len(), 64);
        let large = pool.take(128).expect("take");
        assert_eq!(large.len(), 128);
        assert_eq!(pool.idle(), bound - 1);
        pool.give(small);
        pool.give(large);
        assert_eq!(pool.idle(), bound);
        // Full: a larger region given back replaces the smallest idle one.
        let larger = pool.take(256).expect("take");
        pool.give(larger);
        assert_eq!(pool.idle(), bound);
        assert_eq!(pool.take(200).expect("take").len(), 256);
        pool.clear();
        assert_eq!(pool.idle(), 0);
    }
}
