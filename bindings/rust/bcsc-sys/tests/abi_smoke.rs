//! The generated bindings are usable as they come: the sizes Rust computes
//! agree with the library's, and tasks written in Rust run on a bcsc
//! executor that lives on the Rust stack.
//!
//! The misuse handler is process-wide and the test harness runs tests on
//! several threads, so only `misuse_handler_receives_reports_from_rust`
//! triggers misuse; every other test stays on documented, non-misuse paths.

use bcsc_sys::*;
use core::ffi::{c_char, c_int, c_void, CStr};
use core::mem::{align_of, size_of, MaybeUninit};
use core::ptr;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

fn c_str(p: *const c_char) -> &'static str {
    assert!(!p.is_null());
    unsafe { CStr::from_ptr(p) }.to_str().unwrap()
}

#[test]
fn version_matches_header() {
    unsafe {
        assert_eq!(bcsc_version(), BCSC_VERSION_HEX);
        let header = CStr::from_bytes_with_nul(BCSC_VERSION_STRING).unwrap();
        assert_eq!(c_str(bcsc_version_string()), header.to_str().unwrap());
    }
}

#[test]
fn abi_check_accepts_rust_sizes() {
    let rc = unsafe {
        bcsc_abi_check(
            BCSC_ABI_VERSION,
            size_of::<bcsc_task_t>(),
            size_of::<bcsc_scope_t>(),
            size_of::<bcsc_wait_t>(),
            size_of::<bcsc_waitq_t>(),
            size_of::<bcsc_executor_t>(),
            size_of::<bcsc_pool_t>(),
        )
    };
    assert_eq!(rc, 0);
}

#[test]
fn abi_check_rejects_a_wrong_size() {
    // The check must be able to fail, or passing it proves nothing.
    let rc = unsafe {
        bcsc_abi_check(
            BCSC_ABI_VERSION,
            size_of::<bcsc_task_t>() + 8,
            size_of::<bcsc_scope_t>(),
            size_of::<bcsc_wait_t>(),
            size_of::<bcsc_waitq_t>(),
            size_of::<bcsc_executor_t>(),
            size_of::<bcsc_pool_t>(),
        )
    };
    assert_eq!(rc, BCSC_EABI);
}

#[test]
fn sizeof_and_alignof_functions_match_rust_layout() {
    unsafe {
        assert_eq!(bcsc_task_sizeof(), size_of::<bcsc_task_t>());
        assert_eq!(bcsc_task_alignof(), align_of::<bcsc_task_t>());
        assert_eq!(bcsc_scope_sizeof(), size_of::<bcsc_scope_t>());
        assert_eq!(bcsc_scope_alignof(), align_of::<bcsc_scope_t>());
        assert_eq!(bcsc_wait_sizeof(), size_of::<bcsc_wait_t>());
        assert_eq!(bcsc_wait_alignof(), align_of::<bcsc_wait_t>());
        assert_eq!(bcsc_waitq_sizeof(), size_of::<bcsc_waitq_t>());
        assert_eq!(bcsc_waitq_alignof(), align_of::<bcsc_waitq_t>());
        assert_eq!(bcsc_executor_sizeof(), size_of::<bcsc_executor_t>());
        assert_eq!(bcsc_executor_alignof(), align_of::<bcsc_executor_t>());
        assert_eq!(bcsc_pool_sizeof(), size_of::<bcsc_pool_t>());
        assert_eq!(bcsc_pool_alignof(), align_of::<bcsc_pool_t>());
        assert_eq!(bcsc_start_sizeof(), size_of::<bcsc_start_t>());
        assert_eq!(bcsc_start_alignof(), align_of::<bcsc_start_t>());
        assert_eq!(bcsc_context_sizeof(), size_of::<bcsc_context_t>());
        assert_eq!(bcsc_context_alignof(), align_of::<bcsc_context_t>());
        assert_eq!(bcsc_drain_grace_sizeof(), size_of::<bcsc_drain_grace_t>());
        assert_eq!(
            bcsc_drain_grace_alignof(),
            align_of::<bcsc_drain_grace_t>()
        );
        assert_eq!(bcsc_error_list_sizeof(), size_of::<bcsc_error_list_t>());
        assert_eq!(bcsc_error_list_alignof(), align_of::<bcsc_error_list_t>());
    }
}

#[test]
fn checked_flavour_is_what_build_rs_compiled() {
    assert_eq!(unsafe { bcsc_is_checked_build() } != 0, BUILT_CHECKED);
}

#[test]
fn error_names_come_from_the_c_table() {
    unsafe {
        assert_eq!(c_str(bcsc_err_name(BCSC_EDEADLK)), "BCSC_EDEADLK");
        assert_eq!(c_str(bcsc_strerror(BCSC_ECANCELED)), "cancelled");
    }
}

// --- a Rust task on a bcsc executor ---------------------------------------

extern "C" fn count_and_finish(task: *mut bcsc_task_t) -> c_int {
    // data points at the test's counter; the executor never touches it.
    let polls = unsafe { &*((*task).data as *const AtomicUsize) };
    polls.fetch_add(1, Ordering::Relaxed);
    BCSC_DONE as c_int
}

#[test]
fn rust_poll_fn_runs_to_completion_on_stack_executor() {
    let polls = AtomicUsize::new(0);
    // Both objects stay where they are from _init to the end of the test:
    // the header forbids moving them while initialised.
    let mut ex = MaybeUninit::<bcsc_executor_t>::uninit();
    let mut task = MaybeUninit::<bcsc_task_t>::uninit();
    unsafe {
        let ex = ex.as_mut_ptr();
        let task = task.as_mut_ptr();
        assert_eq!(bcsc_executor_init(ex, ptr::null()), 0);
        let data = &polls as *const AtomicUsize as *mut c_void;
        assert_eq!(bcsc_task_init(task, Some(count_and_finish), data), 0);
        // The public fields read from Rust are the ones C wrote.
        assert_eq!((*task).data, data);
        let poll = (*task).poll.expect("bcsc_task_init stored the poll fn");
        assert!(core::ptr::fn_addr_eq(
            poll,
            count_and_finish as unsafe extern "C" fn(_) -> _
        ));

        assert_eq!(bcsc_executor_run(ex, task), 0);

        assert_eq!(polls.load(Ordering::Relaxed), 1);
        assert_eq!(bcsc_task_done(task), 1);
        assert_eq!(bcsc_task_result(task), 0);
        assert_eq!(bcsc_executor_live_roots(ex), 0);

        let mut stats = MaybeUninit::<bcsc_executor_stats_t>::zeroed().assume_init();
        stats.size = size_of::<bcsc_executor_stats_t>() as u32;
        assert_eq!(bcsc_executor_stats(ex, &mut stats), 0);
        assert_eq!(stats.polls, 1);
        assert_eq!(stats.spawns, 1);
        assert_eq!(stats.completions, 1);

        assert_eq!(bcsc_executor_deinit(ex), 0);
    }
}

extern "C" fn fail_with_user_code(_task: *mut bcsc_task_t) -> c_int {
    BCSC_EUSER - 7
}

#[test]
fn rust_poll_fn_error_becomes_run_result() {
    let mut ex = MaybeUninit::<bcsc_executor_t>::uninit();
    let mut task = MaybeUninit::<bcsc_task_t>::uninit();
    unsafe {
        let ex = ex.as_mut_ptr();
        let task = task.as_mut_ptr();
        assert_eq!(bcsc_executor_init(ex, ptr::null()), 0);
        assert_eq!(
            bcsc_task_init(task, Some(fail_with_user_code), ptr::null_mut()),
            0
        );
        assert_eq!(bcsc_executor_run(ex, task), BCSC_EUSER - 7);
        assert_eq!(bcsc_task_result(task), BCSC_EUSER - 7);
        assert_eq!(bcsc_executor_deinit(ex), 0);
    }
}

// A parent opens a scope, spawns a child that waits on a queue, wakes the
// queue with a value, and joins. The child reads `wait.value` — a field bcsc
// writes — from Rust, so a wrong field offset would show here at run time.

#[repr(C)]
struct Child {
    task: bcsc_task_t, // first, so the task pointer is the frame pointer
    wait: bcsc_wait_t,
    queue: *mut bcsc_waitq_t,
    wait_ready: bool,
    got: usize,
}

#[repr(C)]
struct Parent {
    task: bcsc_task_t,
    scope: bcsc_scope_t,
    queue: bcsc_waitq_t,
    child: Child,
    step: u32,
}

extern "C" fn child_poll(task: *mut bcsc_task_t) -> c_int {
    unsafe {
        let c = &mut *(task as *mut Child);
        if !c.wait_ready {
            c.wait_ready = true;
            assert_eq!(bcsc_wait_init(&mut c.wait), 0);
        }
        // PENDING on the first poll (registered), 0 once woken.
        let rc = bcsc_wait_on(task, &mut c.wait, c.queue);
        if rc != 0 {
            return rc;
        }
        c.got = c.wait.value;
        BCSC_DONE as c_int
    }
}

extern "C" fn parent_poll(task: *mut bcsc_task_t) -> c_int {
    unsafe {
        let p = &mut *(task as *mut Parent);
        loop {
            match p.step {
                0 => {
                    assert_eq!(bcsc_waitq_init(&mut p.queue), 0);
                    assert_eq!(bcsc_scope_init(&mut p.scope, task, BCSC_SCOPE_FAIL_FAST), 0);
                    p.child.queue = &mut p.queue;
                    let child_task = &mut p.child.task as *mut bcsc_task_t;
                    assert_eq!(
                        bcsc_task_init(child_task, Some(child_poll), ptr::null_mut()),
                        0
                    );
                    assert_eq!(bcsc_scope_spawn(&mut p.scope, child_task), 0);
                    p.step = 1;
                    // Let the child run and register before waking it.
                    return bcsc_task_yield(task);
                }
                1 => {
                    assert_eq!(bcsc_waitq_count(&p.queue), 1);
                    assert_eq!(bcsc_waitq_wake_one(&mut p.queue, 0xC0FFEE), 1);
                    p.step = 2;
                }
                _ => {
                    let rc = bcsc_scope_join(&mut p.scope);
                    if rc == BCSC_PENDING as c_int {
                        return rc;
                    }
                    assert_eq!(bcsc_waitq_deinit(&mut p.queue), 0);
                    return rc;
                }
            }
        }
    }
}

#[test]
fn rust_tasks_use_scope_and_wait_queue() {
    let mut ex = MaybeUninit::<bcsc_executor_t>::uninit();
    // Zeroed (valid for every field), then each bcsc object in it is
    // initialised by its _init call; it does not move after that.
    let mut parent = unsafe { MaybeUninit::<Parent>::zeroed().assume_init() };
    unsafe {
        let ex = ex.as_mut_ptr();
        let parent_task = &mut parent.task as *mut bcsc_task_t;
        assert_eq!(bcsc_executor_init(ex, ptr::null()), 0);
        assert_eq!(
            bcsc_task_init(parent_task, Some(parent_poll), ptr::null_mut()),
            0
        );
        assert_eq!(bcsc_executor_run(ex, parent_task), 0);
        assert_eq!(bcsc_task_done(&parent.child.task), 1);
        assert_eq!(parent.child.got, 0xC0FFEE);
        assert_eq!(bcsc_executor_deinit(ex), 0);
    }
}

// --- the misuse handler as a Rust callback --------------------------------

static MISUSE_CODE: AtomicI32 = AtomicI32::new(0);
static MISUSE_OBJECT: AtomicUsize = AtomicUsize::new(0);

extern "C" fn record_misuse(
    ctx: *mut c_void,
    code: i32,
    message: *const c_char,
    object: *const c_void,
) {
    assert_eq!(ctx as usize, 0xC7);
    assert!(!c_str(message).is_empty());
    MISUSE_CODE.store(code, Ordering::SeqCst);
    MISUSE_OBJECT.store(object as usize, Ordering::SeqCst);
}

#[test]
fn misuse_handler_receives_reports_from_rust() {
    let mut task = MaybeUninit::<bcsc_task_t>::uninit();
    unsafe {
        let task = task.as_mut_ptr();
        assert_eq!(
            bcsc_task_init(task, Some(count_and_finish), ptr::null_mut()),
            0
        );
        bcsc_set_misuse_handler(Some(record_misuse), 0xC7 as *mut c_void);
        // Yielding a task that is not being polled: misuse in the checked
        // build, BCSC_EPERM in both.
        let rc = bcsc_task_yield(task);
        bcsc_set_misuse_handler(None, ptr::null_mut());
        assert_eq!(rc, BCSC_EPERM);
        if bcsc_is_checked_build() != 0 {
            assert_eq!(
                MISUSE_CODE.load(Ordering::SeqCst),
                BCSC_MISUSE_NOT_RUNNING as i32
            );
            assert_eq!(MISUSE_OBJECT.load(Ordering::SeqCst), task as usize);
        } else {
            assert_eq!(MISUSE_CODE.load(Ordering::SeqCst), 0);
        }
    }
}

// ---- time: a reactor written in Rust, called back through the vtable ----

/// A virtual clock: the host's state behind a `bcsc_reactor_t` header.
#[repr(C)]
struct RustClock {
    base: bcsc_reactor_t, // first: bcsc hands &base back to the callbacks
    now: u64,
    parks: u32,
}

unsafe extern "C" fn rust_clock_now(r: *mut bcsc_reactor_t) -> u64 {
    unsafe { (*(r as *mut RustClock)).now }
}

unsafe extern "C" fn rust_clock_park(r: *mut bcsc_reactor_t, deadline: u64) -> c_int {
    let clock = unsafe { &mut *(r as *mut RustClock) };
    clock.parks += 1;
    if deadline == u64::MAX {
        return BCSC_EDEADLK;
    }
    clock.now = clock.now.max(deadline);
    0
}

static RUST_CLOCK_VTABLE: bcsc_reactor_vtable_t = bcsc_reactor_vtable_t {
    size: size_of::<bcsc_reactor_vtable_t>() as u32,
    version: BCSC_REACTOR_VTABLE_VERSION,
    now: Some(rust_clock_now),
    park: Some(rust_clock_park),
    unpark: None,
};

#[repr(C)]
struct Sleeper {
    task: bcsc_task_t, // first: the poll fn casts back
    timer: bcsc_timer_t,
}

unsafe extern "C" fn sleep_5ms(task: *mut bcsc_task_t) -> c_int {
    let s = task as *mut Sleeper;
    unsafe { bcsc_sleep_for(task, &mut (*s).timer, 5_000_000) }
}

#[test]
fn rust_reactor_drives_a_sleep_through_the_vtable() {
    let mut clock = RustClock {
        base: bcsc_reactor_t {
            vtable: &RUST_CLOCK_VTABLE,
            data: ptr::null_mut(),
        },
        now: 1_000,
        parks: 0,
    };
    let mut ex = MaybeUninit::<bcsc_executor_t>::uninit();
    let mut sleeper = MaybeUninit::<Sleeper>::uninit();
    unsafe {
        let ex = ex.as_mut_ptr();
        let s = sleeper.as_mut_ptr();
        let mut cfg = MaybeUninit::<bcsc_executor_config_t>::zeroed().assume_init();
        cfg.size = size_of::<bcsc_executor_config_t>() as u32;
        cfg.reactor = &mut clock.base;
        assert_eq!(bcsc_executor_init(ex, &cfg), 0);
        assert_eq!(
            bcsc_task_init(&mut (*s).task, Some(sleep_5ms), ptr::null_mut()),
            0
        );
        assert_eq!(bcsc_timer_init(&mut (*s).timer), 0);
        assert_eq!(bcsc_executor_run(ex, &mut (*s).task), 0);
        assert_eq!(bcsc_executor_now(ex), 5_001_000);
        assert_eq!(bcsc_executor_next_deadline(ex), u64::MAX);
        assert_eq!(bcsc_executor_deinit(ex), 0);
    }
    assert_eq!(clock.now, 5_001_000);
    assert_eq!(clock.parks, 1);
}

#[test]
fn time_sizes_match_rust_layout() {
    unsafe {
        assert_eq!(bcsc_timer_sizeof(), size_of::<bcsc_timer_t>());
        assert_eq!(bcsc_timer_alignof(), align_of::<bcsc_timer_t>());
        assert_eq!(bcsc_reactor_sizeof(), size_of::<bcsc_reactor_t>());
        assert_eq!(
            bcsc_reactor_vtable_sizeof(),
            size_of::<bcsc_reactor_vtable_t>()
        );
    }
}
