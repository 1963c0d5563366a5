//! `Kept<T>`: a reference to a value many records share, which copies and
//! drops without writing memory another thread writes.
//!
//! A record crosses from the calling thread to a worker, which drops it
//! there. Were the parts it shares with other records (its logger and level
//! names, its call site) behind a reference count, the caller would raise
//! the count and the worker lower it for every record: each is a locked
//! instruction, which waits for every store before it, and the count's
//! cache line moves between the two processors each time. The values a
//! program logs from are few and live as long as its loggers and its code,
//! so they are kept for the life of the process, and a record refers to one
//! by its address alone. A budget bounds how many are kept: a program that
//! makes code or loggers without end (code run through `exec`, a logger per
//! request) gets reference-counted values once it is spent, instead of
//! growing for ever.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How many values of one kind may still be kept for good.
pub struct KeepBudget {
    kept: AtomicUsize,
    limit: usize,
}

impl KeepBudget {
    pub const fn new(limit: usize) -> KeepBudget {
        KeepBudget {
            kept: AtomicUsize::new(0),
            limit,
        }
    }

    /// Takes one from the budget; false once it is spent.
    fn grant(&self) -> bool {
        self.kept
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |count| {
                (count < self.limit).then_some(count + 1)
            })
            .is_ok()
    }

    /// How many were kept.
    pub fn used(&self) -> usize {
        self.kept.load(Ordering::Relaxed)
    }
}

/// A shared value, either kept for the life of the process (copying the
/// reference copies an address) or reference-counted like an `Arc`. One
/// word: the lowest bit of the address says which (every value kept here
/// is aligned to at least two bytes).
pub struct Kept<T: 'static> {
    tagged: NonNull<T>,
    _owns: PhantomData<Arc<T>>,
}

const COUNTED: usize = 1;

// SAFETY: a `Kept` is a shared reference to a `T`, or an `Arc<T>`; both
// are `Send` and `Sync` when `T` is both.
unsafe impl<T: Send + Sync> Send for Kept<T> {}
unsafe impl<T: Send + Sync> Sync for Kept<T> {}

impl<T: 'static> Kept<T> {
    /// The value kept for the life of the process while `budget` lasts,
    /// counted otherwise. The caller finds it again by its own means and
    /// asks for a new one only for a value it has not seen: every value
    /// kept takes one from the budget.
    pub fn keep(value: T, budget: &KeepBudget) -> Kept<T> {
        if budget.grant() {
            Kept::forever(Box::leak(Box::new(value)))
        } else {
            Kept::counted(value)
        }
    }

    fn forever(value: &'static T) -> Kept<T> {
        const { assert!(std::mem::align_of::<T>() > COUNTED) };
        Kept {
            tagged: NonNull::from(value),
            _owns: PhantomData,
        }
    }

    /// A value shared through a reference count, freed with its last
    /// reference.
    pub fn counted(value: T) -> Kept<T> {
        const { assert!(std::mem::align_of::<T>() > COUNTED) };
        let raw = Arc::into_raw(Arc::new(value)).cast_mut();
        Kept {
            // SAFETY: `Arc::into_raw` is never null; setting the lowest bit
            // of an aligned address keeps it non-null.
            tagged: unsafe { NonNull::new_unchecked(raw.map_addr(|address| address | COUNTED)) },
            _owns: PhantomData,
        }
    }

    /// Whether this is kept for the life of the process.
    pub fn is_kept(&self) -> bool {
        self.tagged.as_ptr().addr() & COUNTED == 0
    }

    /// The value's address: the same for every reference to it, and no
    /// other value's while one of them lives.
    pub fn as_ptr(&self) -> *const T {
        self.tagged
            .as_ptr()
            .map_addr(|address| address & !COUNTED)
            .cast_const()
    }
}

impl<T: 'static> Deref for Kept<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: a kept value is never freed; a counted one lives while
        // this reference holds its count.
        unsafe { &*self.as_ptr() }
    }
}

impl<T: 'static> Clone for Kept<T> {
    fn clone(&self) -> Kept<T> {
        if !self.is_kept() {
            // SAFETY: the address came from `Arc::into_raw` and this
            // reference holds one count.
            unsafe { Arc::increment_strong_count(self.as_ptr()) };
        }
        Kept {
            tagged: self.tagged,
            _owns: PhantomData,
        }
    }
}

impl<T: 'static> Drop for Kept<T> {
    fn drop(&mut self) {
        if !self.is_kept() {
            // SAFETY: as in `clone`; this reference's count is given back.
            unsafe { Arc::decrement_strong_count(self.as_ptr()) };
        }
    }
}

impl<T: fmt::Debug + 'static> fmt::Debug for Kept<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt(self, formatter)
    }
}

impl<T: PartialEq + 'static> PartialEq for Kept<T> {
    fn eq(&self, other: &Kept<T>) -> bool {
        T::eq(self, other)
    }
}

impl<T: Eq + 'static> Eq for Kept<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_kept_while_the_budget_lasts_then_counted() {
        let budget = KeepBudget::new(2);
        let first = Kept::keep(String::from("a"), &budget);
        let second = Kept::keep(String::from("b"), &budget);
        let third = Kept::keep(String::from("c"), &budget);
        assert!(first.is_kept() && second.is_kept());
        assert!(!third.is_kept());
        assert_eq!(budget.used(), 2);
        assert_eq!([&**first, &**second, &**third], ["a", "b", "c"]);
        assert_eq!(std::mem::size_of::<Kept<String>>(), 8);
        assert_eq!(std::mem::size_of::<Option<Kept<String>>>(), 8);
    }

    #[test]
    fn a_counted_value_lives_until_its_last_reference_is_dropped() {
        let value = Arc::new(());
        let counted = Kept::counted(value.clone());
        let copies: Vec<_> = (0..3).map(|_| counted.clone()).collect();
        assert_eq!(Arc::strong_count(&value), 2);
        assert_eq!(copies[2].as_ptr(), counted.as_ptr());
        drop(counted);
        drop(copies);
        assert_eq!(Arc::strong_count(&value), 1);
    }

    #[test]
    fn a_kept_value_outlives_every_reference_and_any_thread() {
        let budget = KeepBudget::new(1);
        let kept = Kept::keep(String::from("app.kept"), &budget);
        let address = kept.as_ptr() as usize;
        drop(kept.clone());
        let on_another_thread = std::thread::spawn(move || {
            let text = kept.to_string();
            drop(kept);
            text
        });
        assert_eq!(on_another_thread.join().unwrap(), "app.kept");
        // SAFETY: kept values are never freed.
        assert_eq!(unsafe { &*(address as *const String) }, "app.kept");
    }
}
