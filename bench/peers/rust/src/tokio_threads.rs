//! The bench/ scenarios that cross threads or run in real time, on tokio:
//! bench_pipeline.c's pipeline_remote, pipeline_wake and mpmc_2x2,
//! bench_wake.c's wake_local, wake_stream and wake_latency, and
//! bench_jitter.c's 1 kHz loop. Same counts, shapes and statistics as the
//! C programs (docs/benchmarks.md, "Peers"; D51).
//!
//! bcsc's two-executor scenarios pin stage A to executor 1 on one thread
//! and stage B to executor 2 on another. Peer `tokio` has that shape: two
//! current_thread runtimes, A driven by the calling thread (`block_on`),
//! B by a thread of its own, tasks spawned on a runtime stay there, and a
//! wake from the other thread goes through the runtime's inject queue and
//! unparks its thread. Peer `tokio-mt` is the runtime a tokio user would
//! reach for instead: one multi_thread runtime with 2 workers, where both
//! stages are tasks any worker may run (and steal).
//!
//! Every runtime of the cross-thread and jitter scenarios has tokio's I/O
//! and time drivers (`enable_all`, as `#[tokio::main]` builds it): an idle runtime then parks in epoll_wait
//! and is woken through an eventfd, as bcsc's executors park in the POSIX
//! reactor's ppoll here and the C lower bounds in poll() on an eventfd.
//! Without the I/O driver tokio parks on a futex (a Condvar) instead, and
//! peer `tokio-noio` is that: the same two current_thread runtimes (or,
//! for the wake scenarios, the one) built with no driver. The two differ
//! in how a wake from another thread reaches the runtime: through the I/O
//! driver, every remote schedule writes the driver's eventfd (mio's
//! Waker) whether or not the runtime sleeps; without it, an unpark is an
//! atomic swap and a futex wake only when the runtime is parked.
//! wake_local, one thread with nothing to park for, runs on a runtime
//! without drivers like the one-thread peers of tokio_peer.rs.

use crate::harness::{
    alloc_start, alloc_stop, measure, report, report_percentiles, Options, Stats,
};
use crate::tokio_peer::{check_mpmc, mpmc, runtime};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::*};
use std::sync::{Arc, LazyLock};
use std::time::Instant as StdInstant;
use tokio::runtime::{Builder, Handle, Runtime};
use tokio::sync::Notify;
use tokio::time::{Duration, Instant, MissedTickBehavior};

const PEER: &str = "tokio";

/// A current_thread runtime with the I/O and time drivers (peer `tokio`),
/// or without any (`tokio-noio`).
fn reactor_runtime(io: bool) -> Runtime {
    if io {
        Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime")
    } else {
        runtime()
    }
}

fn peer_name(io: bool) -> &'static str {
    if io {
        PEER
    } else {
        "tokio-noio"
    }
}

/// Where stage A and stage B run: `a` is driven by the calling thread's
/// `block_on`; `b` is a handle to the runtime of stage B.
pub struct Pair {
    a: Runtime,
    b: Handle,
    /// Two runtimes: B's thread, and what ends its `block_on`.
    b_thread: Option<(std::thread::JoinHandle<()>, Arc<Notify>)>,
    peer: &'static str,
}

impl Pair {
    /// Peers `tokio` (`io`: I/O and time drivers) and `tokio-noio`: two
    /// current_thread runtimes, B on a thread of its own for the life of
    /// the pair (parked when idle, as bcsc's executor 2).
    fn two_runtimes(io: bool) -> Pair {
        let b = reactor_runtime(io);
        let handle = b.handle().clone();
        let stop = Arc::new(Notify::new());
        let s = stop.clone();
        let thread = std::thread::spawn(move || b.block_on(s.notified()));
        Pair {
            a: reactor_runtime(io),
            b: handle,
            b_thread: Some((thread, stop)),
            peer: peer_name(io),
        }
    }

    /// Peer `tokio-mt`: one multi_thread runtime with 2 workers; A and B are
    /// both its handle.
    fn multi_thread() -> Pair {
        let a = Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let b = a.handle().clone();
        Pair {
            a,
            b,
            b_thread: None,
            peer: "tokio-mt",
        }
    }

    fn peer(&self) -> &'static str {
        self.peer
    }

    fn handles(&self) -> (Handle, Handle) {
        (self.a.handle().clone(), self.b.clone())
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        if let Some((thread, stop)) = self.b_thread.take() {
            stop.notify_one();
            thread.join().expect("stage B thread");
        }
    }
}

// ---- pipeline_remote ----------------------------------------------------

const BATCH: u64 = 16;
const RING: u32 = 256;

pub struct Remote {
    pair: Pair,
    items: u64,
    sum: u64,
}

/// Stage A: each item a task spawned on B's runtime, BATCH at a time,
/// every JoinHandle of a batch awaited before the next (bcsc: remote
/// children spawned into one scope, joined per batch).
async fn batch_owner(hb: Handle, items: u64) -> u64 {
    let (mut sent, mut sum) = (0u64, 0u64);
    let mut batch = Vec::with_capacity(BATCH as usize);
    while sent < items {
        while batch.len() < BATCH as usize && sent < items {
            sent += 1;
            let v = sent;
            batch.push(hb.spawn(async move { v })); // stage B's work
        }
        for h in batch.drain(..) {
            sum += h.await.unwrap();
        }
    }
    sum
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_pipeline_remote(st: &mut Remote) {
    let ((ha, hb), items) = (st.pair.handles(), st.items);
    st.sum = st
        .pair
        .a
        .block_on(async move { ha.spawn(batch_owner(hb, items)).await.unwrap() });
}

fn pipeline_remote(opts: &Options, pair: Pair) -> Pair {
    let items = opts.ops(200_000, 1000) as u64;
    let mut st = Remote {
        pair,
        items,
        sum: 0,
    };
    let s = measure(
        opts,
        &mut st,
        items as usize,
        |_| {},
        bench_region_tokio_pipeline_remote,
        |st| check_sum("pipeline_remote", st.sum, st.items),
    );
    let peer = st.pair.peer();
    report(opts, "pipeline_remote", peer,
        "stage A (a task on A) spawns each item as a task on B's runtime (Handle::spawn), 16 at a time, and awaits the 16 JoinHandles before the next batch",
        items as usize, "item", &s);
    st.pair
}

/// The sum of 1..=n, as the C programs check it.
fn check_sum(scenario: &str, sum: u64, n: u64) -> Result<(), String> {
    if sum == n * (n + 1) / 2 {
        Ok(())
    } else {
        Err(format!("{scenario}: sum {sum} for {n} items"))
    }
}

// ---- pipeline_wake ------------------------------------------------------

/// bench_pipeline.c's single-producer single-consumer ring of RING items;
/// a Notify per side stands for bcsc's value waker (notify_one on a task
/// that is not waiting stores a permit: wakes coalesce, none is lost).
pub struct Ring {
    head: AtomicU32, // next to take (consumer)
    tail: AtomicU32, // next to fill (producer)
    items: [AtomicU64; RING as usize],
    to_b: Notify, // items there
    to_a: Notify, // room there
    wakes: AtomicU64,
}

impl Ring {
    fn new() -> Ring {
        Ring {
            head: AtomicU32::new(0),
            tail: AtomicU32::new(0),
            items: std::array::from_fn(|_| AtomicU64::new(0)),
            to_b: Notify::new(),
            to_a: Notify::new(),
            wakes: AtomicU64::new(0),
        }
    }
}

/// Stage A: fills the ring with 1..=n, wakes B after each batch it
/// pushed, waits for room when full (as bench_pipeline.c's producer_poll).
async fn ring_producer(r: Arc<Ring>, n: u64) {
    let mut count = 0u64;
    loop {
        let mut tail = r.tail.load(Relaxed);
        let head = r.head.load(Acquire);
        let pushed = tail;
        while count < n && tail.wrapping_sub(head) < RING {
            count += 1;
            r.items[(tail % RING) as usize].store(count, Relaxed);
            tail = tail.wrapping_add(1);
        }
        if tail != pushed {
            r.tail.store(tail, Release);
            r.to_b.notify_one();
            r.wakes.fetch_add(1, Relaxed);
        }
        if count == n {
            return;
        }
        if r.head.load(Acquire) != head {
            tokio::task::yield_now().await; // room came meanwhile
        } else {
            r.to_a.notified().await;
        }
    }
}

/// Stage B: empties the ring, wakes A after each batch it took; returns
/// the sum of the items.
async fn ring_consumer(r: Arc<Ring>, n: u64) -> u64 {
    let (mut count, mut sum) = (0u64, 0u64);
    loop {
        let mut head = r.head.load(Relaxed);
        let tail = r.tail.load(Acquire);
        if head != tail {
            count += tail.wrapping_sub(head) as u64;
            while head != tail {
                sum += r.items[(head % RING) as usize].load(Relaxed);
                head = head.wrapping_add(1);
            }
            r.head.store(head, Release);
            if count == n {
                return sum;
            }
            r.to_a.notify_one(); // room: a producer waiting for it goes on
            r.wakes.fetch_add(1, Relaxed);
        }
        r.to_b.notified().await;
    }
}

pub struct Stream {
    pair: Pair,
    ring: Arc<Ring>,
    n: u64,
    sum: u64,
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_pipeline_wake(st: &mut Stream) {
    let ((ha, hb), n) = (st.pair.handles(), st.n);
    let (ra, rb) = (st.ring.clone(), st.ring.clone());
    st.sum = st.pair.a.block_on(async move {
        let b = hb.spawn(ring_consumer(rb, n));
        ha.spawn(ring_producer(ra, n)).await.unwrap();
        b.await.unwrap()
    });
}

fn pipeline_wake(opts: &Options, pair: Pair) -> Pair {
    let n = opts.ops(2_000_000, 10_000) as u64;
    let mut st = Stream {
        pair,
        ring: Arc::new(Ring::new()),
        n,
        sum: 0,
    };
    let s = measure(
        opts,
        &mut st,
        n as usize,
        |st| st.ring = Arc::new(Ring::new()), // fresh ring and Notify pair
        bench_region_tokio_pipeline_wake,
        |st| check_sum("pipeline_wake", st.sum, st.n),
    );
    let (peer, wakes) = (st.pair.peer(), st.ring.wakes.load(Relaxed));
    if !opts.quiet {
        println!("(pipeline_wake on {peer}, last run: {wakes} notify_one)");
    }
    report(opts, "pipeline_wake", peer,
        "a stream through bench_pipeline's 256-item ring from a task on A to a task on B, a tokio::sync::Notify per direction as the value waker",
        n as usize, "item", &s);
    st.pair
}

// ---- mpmc_2x2 -----------------------------------------------------------

pub struct Mpmc {
    pair: Pair,
    n: u64,
    count: u64,
    sum: u64,
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_mpmc_2x2(st: &mut Mpmc) {
    let ((ha, hb), n) = (st.pair.handles(), st.n);
    (st.count, st.sum) = st.pair.a.block_on(async move { mpmc(&ha, &hb, n).await });
}

fn mpmc_2x2(opts: &Options, pair: Pair) -> Pair {
    let n = opts.ops(1_000_000, 1000) as u64;
    let mut st = Mpmc {
        pair,
        n,
        count: 0,
        sum: 0,
    };
    let s = measure(
        opts,
        &mut st,
        n as usize,
        |_| {},
        bench_region_tokio_mpmc_2x2,
        |st| check_mpmc("mpmc_2x2", st.count, st.sum, st.n),
    );
    let peer = format!("{}+async-channel", st.pair.peer());
    report(opts, "mpmc_2x2", &peer,
        "2 producer tasks on A x 2 consumer tasks on B over one async_channel::bounded(64) (a channel any thread may use: no bridge)",
        n as usize, "message", &s);
    st.pair
}

// ---- wake_local ---------------------------------------------------------

pub struct Local {
    rt: Runtime,
    n: u64,
    polls: u64,
}

/// One thread: the root future wakes a task waiting on a Notify
/// (notify_one) and yields, so that the scheduler polls the task once
/// before the root runs again (bcsc: bcsc_waker_wake, then
/// bcsc_executor_poll(ex, 1)).
#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_wake_local(st: &mut Local) {
    let n = st.n;
    st.polls = st.rt.block_on(async move {
        let notify = Arc::new(Notify::new());
        let polls = Arc::new(AtomicU64::new(0));
        let (nt, pt) = (notify.clone(), polls.clone());
        let task = tokio::spawn(async move {
            loop {
                nt.notified().await;
                pt.fetch_add(1, Relaxed);
            }
        });
        tokio::task::yield_now().await; // the task waits on the Notify
        for _ in 0..n {
            notify.notify_one();
            tokio::task::yield_now().await;
        }
        task.abort();
        polls.load(Relaxed)
    });
}

fn wake_local(opts: &Options) {
    let n = opts.ops(1_000_000, 1000) as u64;
    let mut st = Local {
        rt: runtime(),
        n,
        polls: 0,
    };
    let s = measure(
        opts,
        &mut st,
        n as usize,
        |_| {},
        bench_region_tokio_wake_local,
        |st| {
            if st.polls == st.n {
                Ok(())
            } else {
                Err(format!("wake_local: {} polls for {} wakes", st.polls, st.n))
            }
        },
    );
    report(opts, "wake_local", PEER,
        "one thread: the root future notify_one()s a task waiting on a Notify and yields (yield_now), the scheduler polls the task once; the root's yield is part of each op",
        n as usize, "wake", &s);
}

// ---- wake_stream, wake_latency -----------------------------------------

static ORIGIN: LazyLock<StdInstant> = LazyLock::new(StdInstant::now);

/// CLOCK_MONOTONIC in ns since the first call, as bench_now_ns().
fn now_ns() -> u64 {
    ORIGIN.elapsed().as_nanos() as u64
}

/// What a thread of its own (the waker) and a task on a current_thread
/// runtime (the consumer) share, as bench_wake.c's consumer_t.
pub struct Wakee {
    notify: Notify,
    waiting: AtomicBool, // the consumer task has started
    seq: AtomicU32,
    ack: AtomicU32,
    stamp: AtomicU64,
}

impl Wakee {
    fn new() -> Arc<Wakee> {
        Arc::new(Wakee {
            notify: Notify::new(),
            waiting: AtomicBool::new(false),
            seq: AtomicU32::new(0),
            ack: AtomicU32::new(0),
            stamp: AtomicU64::new(0),
        })
    }
}

/// bench_wake.c's producer_main: once the consumer has started, wakes it
/// n times with sequence numbers 1..=n, back to back (stream) or one at a
/// time, stamping the time and waiting for each acknowledgement (latency).
/// Returns the time of the first wake.
fn waker_thread(w: Arc<Wakee>, n: u32, latency: bool) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        while !w.waiting.load(Acquire) {
            std::thread::yield_now();
        }
        let start = now_ns();
        for i in 1..=n {
            if latency {
                let mut spins = 0u32;
                while w.ack.load(Acquire) != i - 1 {
                    spins += 1;
                    if spins % 256 == 0 {
                        std::thread::yield_now();
                    }
                }
                w.stamp.store(now_ns(), Relaxed);
            }
            w.seq.store(i, Release);
            w.notify.notify_one();
        }
        start
    })
}

/// The consumer task: waits on the Notify until it sees sequence number n;
/// with `samples`, records now - stamp for each number it sees and
/// acknowledges it. Returns (samples, number of wake-ups).
async fn wakee(w: Arc<Wakee>, n: u32, mut samples: Vec<i64>) -> (Vec<i64>, u64) {
    let (mut seen, mut polls) = (0u32, 0u64);
    w.waiting.store(true, Release);
    while seen != n {
        w.notify.notified().await;
        polls += 1;
        let s = w.seq.load(Acquire);
        if s != seen && samples.capacity() != 0 {
            samples.push((now_ns() - w.stamp.load(Relaxed)) as i64);
            w.ack.store(s, Release);
        }
        seen = s;
    }
    (samples, polls)
}

/// One cross-thread run: the consumer on `rt` (this thread), the waker on
/// a thread of its own (spawned before, joined after the counted part).
/// Returns ns per wake from the first wake to the end, the samples, the
/// consumer's wake-ups and the heap allocations while it ran.
fn cross_thread_run(rt: &Runtime, n: u32, latency: bool) -> (f64, Vec<i64>, u64, u64) {
    let w = Wakee::new();
    let samples = Vec::with_capacity(if latency { n as usize } else { 0 });
    let thread = waker_thread(w.clone(), n, latency);
    alloc_start();
    let (samples, polls) = rt.block_on(wakee(w, n, samples));
    let end = now_ns();
    let (allocs, _) = alloc_stop();
    let start = thread.join().expect("waker thread");
    ((end - start) as f64 / n as f64, samples, polls, allocs)
}

fn wake_stream(opts: &Options, io: bool) {
    let n = opts.ops(2_000_000, 10_000) as u32;
    let rt = reactor_runtime(io);
    let runs = if opts.smoke { 1 } else { 3 };
    let (mut times, mut allocs, mut polls) = (Vec::new(), 0, 0);
    for _ in 0..runs {
        let (ns, _, p, a) = cross_thread_run(&rt, n, false);
        times.push(ns);
        allocs += a;
        polls = p;
    }
    let mut s = Stats::from(times, allocs, 0);
    s.best_ns = s.median_ns; // bench_wake reports the median of 3 runs
    if !opts.quiet {
        println!("(wake_stream on {}, last run: {polls} wake-ups for {n} notify_one)", peer_name(io));
    }
    report(opts, "wake_stream", peer_name(io),
        "a std thread stores a sequence number and notify_one()s a Notify N times back to back; a task on a current_thread runtime ends when it sees the last number; median of 3 runs",
        n as usize, "wake", &s);
}

fn wake_latency(opts: &Options, io: bool) {
    let n = opts.ops(20_000, 1000) as u32;
    let rt = reactor_runtime(io);
    let (_, mut samples, _, allocs) = cross_thread_run(&rt, n, true);
    if samples.len() != n as usize {
        eprintln!("bench_peers: wrong result: wake_latency: {} samples of {n}", samples.len());
        std::process::exit(3);
    }
    report_percentiles(opts, "wake_latency", peer_name(io),
        "one wake at a time from a std thread (stamp, seq, notify_one; wait for the ack) to a task on a current_thread runtime, which records now - stamp",
        &mut samples, &[0.50, 0.90, 0.99], allocs);
}

// ---- jitter -------------------------------------------------------------

const TICKS: usize = 2000;
const BLOCK: usize = 500;

/// Linux ends a sleep up to the thread's timer slack (50 us by default)
/// late; bench_jitter.c sets it to 1 ns for both of its sides, and so does
/// this peer. Returns whether it could.
fn set_timer_slack() -> bool {
    #[cfg(target_os = "linux")]
    {
        extern "C" {
            fn prctl(option: i32, ...) -> i32;
        }
        const PR_SET_TIMERSLACK: i32 = 29;
        // SAFETY: prctl(PR_SET_TIMERSLACK, 1) changes this thread's slack.
        unsafe { prctl(PR_SET_TIMERSLACK, 1u64, 0u64, 0u64, 0u64) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// One block of ticks on a fresh `interval_at(now + 1 ms, 1 ms)` with
/// MissedTickBehavior::Skip (BCSC_TICK_SKIP): each sample is the time the
/// task runs after tick() returned minus the deadline tick() returns.
/// Returns the number of deadlines skipped.
async fn ticker(samples: &mut Vec<i64>, ticks: usize) -> u64 {
    let period = Duration::from_millis(1);
    let mut iv = tokio::time::interval_at(Instant::now() + period, period);
    iv.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut missed = 0;
    let mut last: Option<Instant> = None;
    for _ in 0..ticks {
        let deadline = iv.tick().await;
        let late = Instant::now().saturating_duration_since(deadline);
        samples.push(late.as_nanos() as i64);
        if let Some(l) = last {
            missed += (deadline - l).as_nanos() as u64 / period.as_nanos() as u64 - 1;
        }
        last = Some(deadline);
    }
    missed
}

fn jitter(opts: &Options) {
    let ticks = if opts.smoke || opts.callgrind { 20 } else { TICKS };
    let slack = set_timer_slack();
    let rt = reactor_runtime(true);
    let mut samples = Vec::with_capacity(ticks);
    let mut missed = 0;
    alloc_start();
    for start in (0..ticks).step_by(BLOCK) {
        missed += rt.block_on(ticker(&mut samples, BLOCK.min(ticks - start)));
    }
    let (allocs, _) = alloc_stop();
    if samples.len() != ticks {
        eprintln!("bench_peers: wrong result: jitter: {} ticks of {ticks}", samples.len());
        std::process::exit(3);
    }
    if !opts.quiet {
        println!(
            "(jitter on tokio: timer slack {}; {missed} deadlines skipped)",
            if slack { "1 ns" } else { "the default (prctl failed)" }
        );
    }
    report_percentiles(opts, "jitter", PEER,
        "1 kHz tokio::time::interval_at (MissedTickBehavior::Skip) on a current_thread runtime (enable_all), blocks of 500 ticks; sample = Instant::now() after tick() - the tick's deadline",
        &mut samples, &[0.50, 0.99], allocs);
}

pub fn run(opts: &Options) {
    // --callgrind counts one thread's instructions: wake_local only, as
    // bench_wake --callgrind.
    if opts.callgrind {
        if opts.wants("wake_local", PEER) {
            wake_local(opts);
        }
        return;
    }
    type Staged = fn(&Options, Pair) -> Pair;
    let staged: [(&str, Staged); 3] = [
        ("pipeline_remote", pipeline_remote),
        ("pipeline_wake", pipeline_wake),
        ("mpmc_2x2", mpmc_2x2),
    ];
    let pairs: [(&str, fn() -> Pair); 3] = [
        (peer_name(true), || Pair::two_runtimes(true)),
        (peer_name(false), || Pair::two_runtimes(false)),
        ("tokio-mt", Pair::multi_thread),
    ];
    for (peer, make) in pairs {
        let mut pair: Option<Pair> = None; // made for the first scenario run
        for (name, f) in staged {
            let label = if name == "mpmc_2x2" {
                format!("{peer}+async-channel")
            } else {
                peer.to_string()
            };
            if opts.wants(name, &label) || opts.wants(name, peer) {
                pair = Some(f(opts, pair.take().unwrap_or_else(make)));
            }
        }
    }
    for io in [true, false] {
        let cross: [(&str, fn(&Options, bool)); 2] =
            [("wake_stream", wake_stream), ("wake_latency", wake_latency)];
        for (name, f) in cross {
            if opts.wants(name, peer_name(io)) {
                f(opts, io);
            }
        }
    }
    let single: [(&str, fn(&Options)); 2] = [("wake_local", wake_local), ("jitter", jitter)];
    for (name, f) in single {
        if opts.wants(name, PEER) {
            f(opts);
        }
    }
}
