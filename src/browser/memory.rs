//! The console's allocator: talc (made for wasm, fewer bytes than Rust's default dlmalloc, and it
//! grows the memory only as needed), with every block zeroed as it is freed.
//!
//! Secrets pass through buffers the console does not own: aws-sigv4 derives its signing key from
//! `format!("AWS4{secret}")`, the session token is copied into a header value, wasm-bindgen copies
//! every string the page hands over. Their owners free them without wiping them, so the secret
//! would outlive *Forget credentials* in the wasm memory until reused. Zeroing at the one place
//! every buffer goes back covers them all; the console's own holders wipe theirs too
//! (`Zeroizing`), as they must wherever memory is not freed (a value still held).

use std::alloc::{GlobalAlloc, Layout};

/// An allocator that zeroes each block before giving it back to `A`.
pub struct Wiping<A>(pub A);

// SAFETY: every call is passed on to `A` with the layout it was given; the only additions are
// writes of zeros to a block the caller owns and is giving back (size from its own layout), and a
// reallocation done as a new block, a copy of the smaller size, and the old block freed.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Wiping<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.0.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.0.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        std::ptr::write_bytes(ptr, 0, layout.size());
        // The zeros must reach memory: an optimiser may drop stores to a block about to be freed.
        std::hint::black_box(ptr);
        self.0.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Not `A::realloc`: a block it moves would be freed by it, unwiped.
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        let moved = self.0.alloc(new_layout);
        if !moved.is_null() {
            std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        moved
    }
}

// The page has one thread, which talc's wasm cell requires.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: Wiping<talc::wasm::WasmDynamicTalc> = Wiping(talc::wasm::new_wasm_dynamic_allocator());
