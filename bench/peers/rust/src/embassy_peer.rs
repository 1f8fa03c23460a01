//! The bench/ scenarios on embassy-executor (platform-std, executor-thread)
//! with embassy-sync: static task storage, no allocation, one thread.
//!
//! One executor lives for the whole program, made before any measurement
//! (see `exec` for the two kinds). A repetition is one run: the init
//! closure spawns the scenario's tasks, and the last task to finish raises
//! DONE, which ends the run (embassy has no join: tasks return `()`, so
//! joining is a counter the tasks count down, as the C lower bounds do).
//!
//! Not run on embassy: cancel and timers_cancel (an embassy task cannot be
//! cancelled from outside), tree (tasks cannot return values or be spawned
//! recursively from one #[task] pool without a pool as big as the tree and
//! a linear slot search per spawn), timers (embassy-time needs a time
//! driver; there is no simulated-clock driver to match bench_timers, and
//! the integrated timer queue walks its whole unsorted list on every
//! alarm: O(n) per deadline).

use crate::harness::{measure, report, Options};
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use embassy_executor::raw::TaskStorage;
use embassy_sync::blocking_mutex::raw::NoopRawMutex;
use embassy_sync::channel::Channel;
use embassy_sync::signal::Signal;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

#[cfg(not(feature = "embassy-std"))]
const PEER: &str = "embassy";
#[cfg(feature = "embassy-std")]
const PEER: &str = "embassy-std";

static DONE: AtomicBool = AtomicBool::new(false);

/// Default: embassy's raw executor (`embassy_executor::raw::Executor`)
/// driven by a loop of our own, with a pender that only raises a flag - the
/// shape of embassy's thread-mode executor on a microcontroller, where the
/// pender is a SEV / a flag and the idle loop a WFE. Every wake in these
/// scenarios comes from the executor's own thread, so the loop never
/// needs to sleep: if a poll leaves nothing pended and no task has raised
/// DONE, the run is stuck and the program says so (exit 3).
#[cfg(not(feature = "embassy-std"))]
mod exec {
    use super::DONE;
    use embassy_executor::raw;
    use embassy_executor::Spawner;
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

    static PENDED: AtomicBool = AtomicBool::new(false);

    #[export_name = "__pender"]
    fn __pender(_context: *mut ()) {
        PENDED.store(true, Relaxed);
    }

    static mut EXECUTOR: Option<raw::Executor> = None;

    pub fn executor() -> &'static raw::Executor {
        // SAFETY: only the main thread touches EXECUTOR.
        unsafe {
            let slot = &mut *core::ptr::addr_of_mut!(EXECUTOR);
            slot.get_or_insert_with(|| raw::Executor::new(core::ptr::null_mut()))
        }
    }

    /// Runs the executor until a task raises DONE.
    pub fn run(init: impl FnOnce(Spawner)) {
        DONE.store(false, Relaxed);
        let ex = executor();
        init(ex.spawner());
        loop {
            PENDED.store(false, Relaxed);
            // SAFETY: not reentrant; one thread.
            unsafe { ex.poll() };
            if DONE.load(Relaxed) {
                break;
            }
            if !PENDED.load(Relaxed) {
                eprintln!("bench_peers: embassy executor idle before DONE");
                std::process::exit(3);
            }
        }
    }
}

/// With --features embassy-std: embassy's shipped std `Executor`
/// (platform-std, executor-thread), whose pender locks a Mutex, sets a flag
/// and signals a Condvar, and whose idle loop waits on it.
#[cfg(feature = "embassy-std")]
mod exec {
    use super::DONE;
    use embassy_executor::{Executor, Spawner};
    use std::sync::atomic::Ordering::Relaxed;

    static mut EXECUTOR: Option<Executor> = None;

    pub fn executor() -> &'static mut Executor {
        // SAFETY: only the main thread touches EXECUTOR, and one run_until at
        // a time borrows it.
        unsafe {
            let slot = &mut *core::ptr::addr_of_mut!(EXECUTOR);
            slot.get_or_insert_with(Executor::new)
        }
    }

    /// Runs the executor until a task raises DONE.
    pub fn run(init: impl FnOnce(Spawner)) {
        DONE.store(false, Relaxed);
        executor().run_until(init, || DONE.load(Relaxed));
    }
}

use exec::{executor, run};

// ---- spawn_join ---------------------------------------------------------
//
// 10^6 live tasks need 10^6 task slots. A #[task(pool_size = N)] pool
// finds a free slot by a linear scan (TaskPool::spawn: iter().find_map),
// so 10^6 spawns from one pool are O(N^2); the raw API's TaskStorage,
// one per child in a static array indexed directly, is embassy's O(1)
// spawn and bcsc's memory model (caller-provided frames).

const SJ_MAX: usize = 1_000_000;

/// A trivial child: counts its completion; the last one raises DONE.
pub struct Child;

thread_local! {
    static SJ_LEFT: Cell<usize> = const { Cell::new(0) };
}

impl Future for Child {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        SJ_LEFT.with(|l| {
            let left = l.get() - 1;
            l.set(left);
            if left == 0 {
                DONE.store(true, Relaxed);
            }
        });
        Poll::Ready(())
    }
}

static CHILDREN: [TaskStorage<Child>; SJ_MAX] = [const { TaskStorage::new() }; SJ_MAX];

#[no_mangle]
#[inline(never)]
pub fn bench_region_embassy_spawn_join(n: &mut usize) {
    let n = *n;
    SJ_LEFT.with(|l| l.set(n));
    run(|spawner| {
        for slot in &CHILDREN[..n] {
            spawner.spawn(slot.spawn(|| Child).expect("slot free"));
        }
    });
}

pub fn spawn_join(opts: &Options) {
    let n = opts.ops(SJ_MAX, 1000);
    let mut st = n;
    let s = measure(
        opts,
        &mut st,
        n,
        |_| {},
        bench_region_embassy_spawn_join,
        |_| {
            let left = SJ_LEFT.with(|l| l.get());
            if left == 0 {
                Ok(())
            } else {
                Err(format!("spawn_join: {left} children left"))
            }
        },
    );
    report(opts, "spawn_join", PEER,
        "N raw::TaskStorage<Child> in a static array, each spawned once from the init closure; the last child raises DONE (a counter, not a join)",
        n, "child", &s);
}

// ---- ping_pong ----------------------------------------------------------

pub struct PingPongShared {
    token: Cell<u8>,
    hops: Cell<u64>,
    n: u64,
    finished: Cell<u8>,
    signal: [Signal<NoopRawMutex, ()>; 2],
}

#[embassy_executor::task(pool_size = 2)]
async fn pp_player(sh: &'static PingPongShared, me: u8) {
    let other = 1 - me;
    loop {
        while sh.token.get() != me {
            sh.signal[me as usize].wait().await;
        }
        let h = sh.hops.get();
        sh.token.set(other);
        sh.signal[other as usize].signal(());
        if h == sh.n {
            break;
        }
        sh.hops.set(h + 1);
    }
    sh.finished.set(sh.finished.get() + 1);
    if sh.finished.get() == 2 {
        DONE.store(true, Relaxed);
    }
}

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_embassy_ping_pong(sh: &mut &'static PingPongShared) {
    let sh = *sh;
    run(|spawner| {
        spawner.spawn(pp_player(sh, 0).expect("pool"));
        spawner.spawn(pp_player(sh, 1).expect("pool"));
    });
}

pub fn ping_pong(opts: &Options) {
    let n = opts.ops(1_000_000, 1000);
    let fresh = || {
        leak(PingPongShared {
            token: Cell::new(0),
            hops: Cell::new(0),
            n: n as u64,
            finished: Cell::new(0),
            signal: [Signal::new(), Signal::new()],
        })
    };
    let mut sh = fresh();
    let s = measure(
        opts,
        &mut sh,
        n,
        |sh| *sh = fresh(),
        bench_region_embassy_ping_pong,
        |sh| {
            if sh.hops.get() == sh.n {
                Ok(())
            } else {
                Err(format!("ping_pong hops {}", sh.hops.get()))
            }
        },
    );
    report(opts, "ping_pong", PEER,
        "2 #[task]s hand a token (a Cell) via embassy_sync Signal<NoopRawMutex, ()>, signal + wait per hop",
        n, "hop", &s);
}

// ---- channel_ping_pong --------------------------------------------------

/// embassy_sync channels cannot be closed: the receiver of the last hop
/// sends CLOSED instead, and the other player stops on it.
const CLOSED: u64 = u64::MAX;

pub struct ChanShared {
    ab: Channel<NoopRawMutex, u64, 1>,
    ba: Channel<NoopRawMutex, u64, 1>,
    n: u64,
    hops: Cell<u64>,
    finished: Cell<u8>,
}

fn finish2(finished: &Cell<u8>) {
    finished.set(finished.get() + 1);
    if finished.get() == 2 {
        DONE.store(true, Relaxed);
    }
}

#[embassy_executor::task]
async fn chan_a(sh: &'static ChanShared) {
    sh.ab.send(0).await;
    loop {
        let v = sh.ba.receive().await;
        if v == CLOSED {
            break;
        }
        assert_eq!(v % 2, 1);
        sh.hops.set(sh.hops.get() + 1);
        if v + 1 == sh.n {
            sh.ab.send(CLOSED).await;
            break;
        }
        sh.ab.send(v + 1).await;
    }
    finish2(&sh.finished);
}

#[embassy_executor::task]
async fn chan_b(sh: &'static ChanShared) {
    let mut expect = 0;
    loop {
        let v = sh.ab.receive().await;
        if v == CLOSED {
            break;
        }
        assert_eq!(v, expect);
        sh.hops.set(sh.hops.get() + 1);
        if v + 1 == sh.n {
            sh.ba.send(CLOSED).await;
            break;
        }
        sh.ba.send(v + 1).await;
        expect = v + 2;
    }
    finish2(&sh.finished);
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_embassy_channel_ping_pong(sh: &mut &'static ChanShared) {
    let sh = *sh;
    run(|spawner| {
        spawner.spawn(chan_a(sh).expect("pool"));
        spawner.spawn(chan_b(sh).expect("pool"));
    });
}

pub fn channel_ping_pong(opts: &Options) {
    let n = opts.ops(1_000_000, 1000);
    let fresh = || {
        leak(ChanShared {
            ab: Channel::new(),
            ba: Channel::new(),
            n: n as u64,
            hops: Cell::new(0),
            finished: Cell::new(0),
        })
    };
    let mut sh = fresh();
    let s = measure(
        opts,
        &mut sh,
        n,
        |sh| *sh = fresh(),
        bench_region_embassy_channel_ping_pong,
        |sh| {
            if sh.hops.get() == sh.n {
                Ok(())
            } else {
                Err(format!("channel_ping_pong hops {}", sh.hops.get()))
            }
        },
    );
    report(opts, "channel_ping_pong", PEER,
        "2 #[task]s, 2 embassy_sync Channel<NoopRawMutex, u64, 1>; no close in embassy_sync: the last receiver sends a sentinel",
        n, "hop", &s);
}

// ---- channel_mpmc -------------------------------------------------------

pub struct MpmcShared {
    ch: Channel<NoopRawMutex, u64, 64>,
    n: u64,
    producers_left: Cell<u8>,
    consumers_left: Cell<u8>,
    count: Cell<u64>,
    sum: Cell<u64>,
}

#[embassy_executor::task(pool_size = 2)]
async fn producer(sh: &'static MpmcShared, p: u64) {
    for v in p * sh.n / 2 + 1..=(p + 1) * sh.n / 2 {
        sh.ch.send(v).await;
    }
    sh.producers_left.set(sh.producers_left.get() - 1);
    if sh.producers_left.get() == 0 {
        // No close in embassy_sync: one end marker (0) per consumer.
        sh.ch.send(0).await;
        sh.ch.send(0).await;
    }
}

#[embassy_executor::task(pool_size = 2)]
async fn consumer(sh: &'static MpmcShared) {
    let (mut c, mut s) = (0u64, 0u64);
    loop {
        let v = sh.ch.receive().await;
        if v == 0 {
            break;
        }
        c += 1;
        s += v;
    }
    sh.count.set(sh.count.get() + c);
    sh.sum.set(sh.sum.get() + s);
    sh.consumers_left.set(sh.consumers_left.get() - 1);
    if sh.consumers_left.get() == 0 {
        DONE.store(true, Relaxed);
    }
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_embassy_channel_mpmc(sh: &mut &'static MpmcShared) {
    let sh = *sh;
    run(|spawner| {
        spawner.spawn(producer(sh, 0).expect("pool"));
        spawner.spawn(producer(sh, 1).expect("pool"));
        spawner.spawn(consumer(sh).expect("pool"));
        spawner.spawn(consumer(sh).expect("pool"));
    });
}

pub fn channel_mpmc(opts: &Options) {
    let n = opts.ops(1_000_000, 1000);
    let fresh = || {
        leak(MpmcShared {
            ch: Channel::new(),
            n: n as u64,
            producers_left: Cell::new(2),
            consumers_left: Cell::new(2),
            count: Cell::new(0),
            sum: Cell::new(0),
        })
    };
    let mut sh = fresh();
    let s = measure(
        opts,
        &mut sh,
        n,
        |sh| *sh = fresh(),
        bench_region_embassy_channel_mpmc,
        |sh| {
            let (c, s) = (sh.count.get(), sh.sum.get());
            if c == sh.n && s == sh.n * (sh.n + 1) / 2 {
                Ok(())
            } else {
                Err(format!("channel_mpmc count {c} sum {s}"))
            }
        },
    );
    report(opts, "channel_mpmc", PEER,
        "2 producer x 2 consumer #[task]s over one embassy_sync Channel<NoopRawMutex, u64, 64>; an end marker per consumer instead of close",
        n, "message", &s);
}

pub fn run_all(opts: &Options) {
    let scenarios: [(&str, fn(&Options)); 4] = [
        ("spawn_join", spawn_join),
        ("ping_pong", ping_pong),
        ("channel_ping_pong", channel_ping_pong),
        ("channel_mpmc", channel_mpmc),
    ];
    // The executor's one Box, before anything is measured.
    let _ = executor();
    for (name, f) in scenarios {
        if opts.wants(name, PEER) {
            f(opts);
        }
    }
}
