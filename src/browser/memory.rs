//! The console's allocator: talc (made for wasm, fewer bytes than Rust's default dlmalloc, and it
//! grows the memory only as needed), with every block zeroed as it is freed.
//!
//! Secrets pass through buffers the console does not own: aws-sigv4 derives its signing key from
//! `format!("AWS4{secret}")`, the session token is copied into a header value, wasm-bindgen copies
//! every string the page hands over. Their owners free them without wiping them, so the secret
//! would outlive *Forget credentials* in the wasm memory until reused. Zeroing at the one place
//! every buffer goes back covers them all; the console's own holders wipe theirs too
//! (`Zeroizing`), as they must wherever memory is not freed (a value still held).
//!
//! Talc resizes a block in place when it can; done here too (not by moving every growing
//! buffer), a buffer that grows again and again (a 10,000-device roster, a large answer's text)
//! does not leave a trail of freed blocks too small for its next size, which grew the memory by
//! megabytes over a live task's refreshes. Talc's own cells keep that call to themselves, so the
//! allocator is talc itself in a cell of ours (as its documentation suggests for a wrapper of
//! one's own).

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod global {
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::UnsafeCell;

    use talc::base::Talc;
    use talc::wasm::{WasmBinning, WasmGrowAndExtend};

    /// Talc, zeroing each block (or a shrunk block's tail) before it is given back.
    pub struct Wiping(UnsafeCell<Talc<WasmGrowAndExtend, WasmBinning>>);

    // SAFETY: wasm32 without the atomics feature has one thread: no two calls run at once.
    unsafe impl Sync for Wiping {}

    impl Wiping {
        /// The allocator, for the length of one call.
        ///
        /// # Safety
        /// One at a time: the page has one thread, and talc's memory source grows the wasm memory
        /// without allocating, so no call runs inside another.
        #[allow(clippy::mut_from_ref)]
        unsafe fn talc(&self) -> &mut Talc<WasmGrowAndExtend, WasmBinning> {
            &mut *self.0.get()
        }
    }

    /// Zeros that reach memory: an optimiser may drop stores to a block about to be freed.
    unsafe fn wipe(ptr: *mut u8, len: usize) {
        std::ptr::write_bytes(ptr, 0, len);
        std::hint::black_box(ptr);
    }

    // SAFETY: every call is talc's with the layout it was given; the additions are writes of
    // zeros to bytes the caller owns and is giving back (a freed block, a shrunk block's tail,
    // sizes from its own layout), and a reallocation that cannot stay in place done as a new block,
    // a copy of the smaller size, and the old block wiped and freed.
    unsafe impl GlobalAlloc for Wiping {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            self.talc().allocate(layout).map_or(std::ptr::null_mut(), |p| p.as_ptr())
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            wipe(ptr, layout.size());
            self.talc().deallocate(ptr, layout)
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if new_size < layout.size() {
                wipe(ptr.add(new_size), layout.size() - new_size);
            }
            if self.talc().try_realloc_in_place(ptr, layout, new_size) {
                return ptr;
            }
            // Not talc's own move: the block it moved from would be freed unwiped.
            let moved = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !moved.is_null() {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            moved
        }
    }

    #[global_allocator]
    static ALLOCATOR: Wiping = Wiping(UnsafeCell::new(Talc::new(WasmGrowAndExtend::new())));
}
