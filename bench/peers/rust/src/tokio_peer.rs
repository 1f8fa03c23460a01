//! The bench/ scenarios on tokio 1.x, current_thread runtime (one thread,
//! like bcsc's one executor). The runtime is built once per scenario,
//! outside the timed region; the region is one `block_on` of a root future
//! that does the scenario's work. Each `bench_region_tokio_*` function is
//! the measured code (no_mangle + inline(never), so a profiler finds it by
//! name as it finds the C programs' bench_region_* functions).

use crate::harness::{measure, report, Options};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, LazyLock};
use tokio::runtime::{Builder, Handle, Runtime};
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;
use tokio::time::{Duration, Instant};

const PEER: &str = "tokio";

pub fn runtime() -> Runtime {
    Builder::new_current_thread()
        .build()
        .expect("tokio runtime")
}

// ---- spawn_join ---------------------------------------------------------

pub struct SpawnJoin {
    rt: Runtime,
    handles: Vec<JoinHandle<u64>>,
    n: usize,
    sum: u64,
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_spawn_join(st: &mut SpawnJoin) {
    let n = st.n;
    let handles = &mut st.handles;
    st.sum = st.rt.block_on(async {
        for _ in 0..n {
            handles.push(tokio::spawn(async { 1u64 }));
        }
        let mut sum = 0;
        for h in handles.drain(..) {
            sum += h.await.unwrap();
        }
        sum
    });
}

pub fn spawn_join(opts: &Options) {
    let n = opts.ops(1_000_000, 1000);
    // The handle vector's capacity is reserved here, untimed: the region's
    // pushes never allocate, only tokio's spawns do.
    let mut st = SpawnJoin {
        rt: runtime(),
        handles: Vec::with_capacity(n),
        n,
        sum: 0,
    };
    let s = measure(
        opts,
        &mut st,
        n,
        |_| {},
        bench_region_tokio_spawn_join,
        |st| {
            if st.sum == st.n as u64 {
                Ok(())
            } else {
                Err(format!("spawn_join sum {} != {}", st.sum, st.n))
            }
        },
    );
    report(opts, "spawn_join", PEER,
        "root future spawns N tasks returning 1 (tokio::spawn), then awaits every JoinHandle and sums",
        n, "child", &s);
}

// ---- ping_pong ----------------------------------------------------------

pub struct PingPongShared {
    token: AtomicU8,
    hops: AtomicU64,
    notify: [Notify; 2],
}

async fn pp_player(sh: Arc<PingPongShared>, me: u8, n: u64) {
    let other = 1 - me;
    loop {
        while sh.token.load(Relaxed) != me {
            sh.notify[me as usize].notified().await;
        }
        let h = sh.hops.load(Relaxed);
        sh.token.store(other, Relaxed);
        if h == n {
            sh.notify[other as usize].notify_one();
            return;
        }
        sh.hops.store(h + 1, Relaxed);
        sh.notify[other as usize].notify_one();
    }
}

pub struct PingPong {
    rt: Runtime,
    sh: Arc<PingPongShared>,
    n: u64,
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_ping_pong(st: &mut PingPong) {
    let (sh, n) = (st.sh.clone(), st.n);
    st.rt.block_on(async move {
        let a = tokio::spawn(pp_player(sh.clone(), 0, n));
        let b = tokio::spawn(pp_player(sh, 1, n));
        a.await.unwrap();
        b.await.unwrap();
    });
}

pub fn ping_pong(opts: &Options) {
    let n = opts.ops(1_000_000, 1000);
    let sh = Arc::new(PingPongShared {
        token: AtomicU8::new(0),
        hops: AtomicU64::new(0),
        notify: [Notify::new(), Notify::new()],
    });
    let mut st = PingPong {
        rt: runtime(),
        sh,
        n: n as u64,
    };
    let s = measure(
        opts,
        &mut st,
        n,
        |st| {
            // Fresh Notify pair each repetition: a permit left by the last
            // hop's notify_one would otherwise carry over.
            st.sh = Arc::new(PingPongShared {
                token: AtomicU8::new(0),
                hops: AtomicU64::new(0),
                notify: [Notify::new(), Notify::new()],
            });
        },
        bench_region_tokio_ping_pong,
        |st| {
            let h = st.sh.hops.load(Relaxed);
            if h == st.n {
                Ok(())
            } else {
                Err(format!("ping_pong hops {h} != {}", st.n))
            }
        },
    );
    report(opts, "ping_pong", PEER,
        "2 spawned tasks hand a token (an atomic variable) via tokio::sync::Notify, notify_one + notified().await per hop",
        n, "hop", &s);
}

// ---- cancel -------------------------------------------------------------

static NEVER: LazyLock<Notify> = LazyLock::new(Notify::new);
static REGISTERED: AtomicUsize = AtomicUsize::new(0);

async fn blocked_forever() {
    let f = pin!(NEVER.notified());
    let mut f = f;
    f.as_mut().enable(); // registered on the Notify's waiter list
    REGISTERED.fetch_add(1, Relaxed);
    f.await;
}

pub struct Cancel {
    rt: Runtime,
    handles: Vec<JoinHandle<()>>,
    n: usize,
    cancelled: usize,
}

/// Aborts every task, then awaits every handle; returns how many ended
/// cancelled.
async fn abort_and_drain(handles: &mut Vec<JoinHandle<()>>) -> usize {
    for h in handles.iter() {
        h.abort();
    }
    let mut cancelled = 0;
    for h in handles.drain(..) {
        if let Err(e) = h.await {
            cancelled += e.is_cancelled() as usize;
        }
    }
    cancelled
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_cancel(st: &mut Cancel) {
    st.cancelled = st.rt.block_on(abort_and_drain(&mut st.handles));
}

pub fn cancel(opts: &Options) {
    let n = opts.ops(100_000, 1000);
    let mut st = Cancel {
        rt: runtime(),
        handles: Vec::with_capacity(n),
        n,
        cancelled: 0,
    };
    let s = measure(
        opts,
        &mut st,
        n,
        |st| {
            // Untimed: spawn N tasks and run until each is registered on the
            // Notify that never fires.
            REGISTERED.store(0, Relaxed);
            let (n, handles) = (st.n, &mut st.handles);
            st.rt.block_on(async {
                for _ in 0..n {
                    handles.push(tokio::spawn(blocked_forever()));
                }
                while REGISTERED.load(Relaxed) < n {
                    tokio::task::yield_now().await;
                }
            });
        },
        bench_region_tokio_cancel,
        |st| {
            if st.cancelled == st.n {
                Ok(())
            } else {
                Err(format!("cancel: {} of {} cancelled", st.cancelled, st.n))
            }
        },
    );
    report(opts, "cancel", PEER,
        "N tasks blocked on one Notify that never fires; measured: JoinHandle::abort on each, then await every handle (JoinError::is_cancelled)",
        n, "cancelled task", &s);
}

// ---- tree ---------------------------------------------------------------

fn tree_node(depth: u32) -> impl Future<Output = u64> + Send + 'static {
    async move {
        if depth == 0 {
            return 1;
        }
        let a = tokio::spawn(tree_node(depth - 1));
        let b = tokio::spawn(tree_node(depth - 1));
        a.await.unwrap() + b.await.unwrap()
    }
}

pub struct Tree {
    rt: Runtime,
    depth: u32,
    sum: u64,
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_tree(st: &mut Tree) {
    let depth = st.depth;
    st.sum = st
        .rt
        .block_on(async move { tokio::spawn(tree_node(depth)).await.unwrap() });
}

pub fn tree(opts: &Options) {
    let depth = if opts.smoke {
        6
    } else if opts.callgrind {
        13 // 16383 nodes, as bench_tree --callgrind
    } else {
        16
    };
    let nodes = (1usize << (depth + 1)) - 1;
    let mut st = Tree {
        rt: runtime(),
        depth,
        sum: 0,
    };
    let s = measure(
        opts,
        &mut st,
        nodes,
        |_| {},
        bench_region_tokio_tree,
        |st| {
            if st.sum == 1 << st.depth {
                Ok(())
            } else {
                Err(format!("tree sum {}", st.sum))
            }
        },
    );
    report(opts, "tree", PEER,
        "binary tree of depth 16 of tasks: each inner task tokio::spawns its two children, awaits both JoinHandles and adds their sums",
        nodes, "node", &s);
}

// ---- channel_ping_pong --------------------------------------------------

async fn chan_a(tx: mpsc::Sender<u64>, mut rx: mpsc::Receiver<u64>, n: u64) -> u64 {
    let mut got = 0;
    if tx.send(0).await.is_err() {
        return got;
    }
    while let Some(v) = rx.recv().await {
        assert_eq!(v % 2, 1);
        got += 1;
        if v + 1 == n {
            return got; // drops tx: the other player sees the end
        }
        if tx.send(v + 1).await.is_err() {
            break;
        }
    }
    got
}

async fn chan_b(mut rx: mpsc::Receiver<u64>, tx: mpsc::Sender<u64>, n: u64) -> u64 {
    let mut got = 0;
    let mut expect = 0;
    while let Some(v) = rx.recv().await {
        assert_eq!(v, expect);
        got += 1;
        if v + 1 == n {
            return got;
        }
        if tx.send(v + 1).await.is_err() {
            break;
        }
        expect = v + 2;
    }
    got
}

pub struct ChanPingPong {
    rt: Runtime,
    n: u64,
    hops: u64,
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_channel_ping_pong(st: &mut ChanPingPong) {
    let n = st.n;
    st.hops = st.rt.block_on(async move {
        let (tx_ab, rx_ab) = mpsc::channel(1);
        let (tx_ba, rx_ba) = mpsc::channel(1);
        let a = tokio::spawn(chan_a(tx_ab, rx_ba, n));
        let b = tokio::spawn(chan_b(rx_ab, tx_ba, n));
        a.await.unwrap() + b.await.unwrap()
    });
}

pub fn channel_ping_pong(opts: &Options) {
    let n = opts.ops(1_000_000, 1000);
    let mut st = ChanPingPong {
        rt: runtime(),
        n: n as u64,
        hops: 0,
    };
    let s = measure(
        opts,
        &mut st,
        n,
        |_| {},
        bench_region_tokio_channel_ping_pong,
        |st| {
            if st.hops == st.n {
                Ok(())
            } else {
                Err(format!("channel_ping_pong hops {} != {}", st.hops, st.n))
            }
        },
    );
    report(opts, "channel_ping_pong", PEER,
        "2 tasks, 2 tokio::sync::mpsc::channel(1); the hop number is the message; the last receiver drops its Sender (close)",
        n, "hop", &s);
}

// ---- channel_mpmc -------------------------------------------------------

pub struct ChanMpmc {
    rt: Runtime,
    n: u64,
    count: u64,
    sum: u64,
}

/// 2 producer tasks on `ha` x 2 consumer tasks on `hb` over one
/// async_channel::bounded(64): producer p sends p N/2 + 1 ..= (p + 1) N/2,
/// the last Sender to drop closes the channel. Returns the consumers'
/// (count, sum). channel_mpmc runs it with both handles on one
/// current_thread runtime, mpmc_2x2 (tokio_threads.rs) across two.
pub async fn mpmc(ha: &Handle, hb: &Handle, n: u64) -> (u64, u64) {
    let (tx, rx) = async_channel::bounded::<u64>(64);
    let mut producers = Vec::with_capacity(2);
    for p in 0..2u64 {
        let tx = tx.clone();
        producers.push(ha.spawn(async move {
            for v in p * n / 2 + 1..=(p + 1) * n / 2 {
                tx.send(v).await.unwrap();
            }
            // dropping the last Sender closes the channel
        }));
    }
    drop(tx);
    let mut consumers = Vec::with_capacity(2);
    for _ in 0..2 {
        let rx = rx.clone();
        consumers.push(hb.spawn(async move {
            let (mut c, mut s) = (0u64, 0u64);
            while let Ok(v) = rx.recv().await {
                c += 1;
                s += v;
            }
            (c, s)
        }));
    }
    drop(rx);
    for p in producers {
        p.await.unwrap();
    }
    let (mut c, mut s) = (0, 0);
    for h in consumers {
        let (a, b) = h.await.unwrap();
        c += a;
        s += b;
    }
    (c, s)
}

/// Every message received exactly once: N of them, summing N (N + 1) / 2.
pub fn check_mpmc(scenario: &str, count: u64, sum: u64, n: u64) -> Result<(), String> {
    if count == n && sum == n * (n + 1) / 2 {
        Ok(())
    } else {
        Err(format!("{scenario} count {count} sum {sum}"))
    }
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_channel_mpmc(st: &mut ChanMpmc) {
    let (n, h) = (st.n, st.rt.handle().clone());
    let (count, sum) = st.rt.block_on(async move { mpmc(&h, &h, n).await });
    st.count = count;
    st.sum = sum;
}

pub fn channel_mpmc(opts: &Options) {
    let n = opts.ops(1_000_000, 1000);
    let mut st = ChanMpmc {
        rt: runtime(),
        n: n as u64,
        count: 0,
        sum: 0,
    };
    let s = measure(
        opts,
        &mut st,
        n,
        |_| {},
        bench_region_tokio_channel_mpmc,
        |st| check_mpmc("channel_mpmc", st.count, st.sum, st.n),
    );
    report(opts, "channel_mpmc", "tokio+async-channel",
        "2 producer x 2 consumer tasks on tokio current_thread over one async_channel::bounded(64); closed when the last Sender drops",
        n, "message", &s);
}

// ---- timers -------------------------------------------------------------

/// xorshift64 with the seed of bench_timers.c, and the same shuffle, so the
/// deadlines come in the same order.
pub fn shuffled_offsets_us(n: usize) -> Vec<u64> {
    let mut v: Vec<u64> = (1..=n as u64).collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..n).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let j = (x % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}

pub struct Timers {
    rt: Runtime,
    offsets: Vec<u64>,
    handles: Vec<JoinHandle<()>>,
    late: Arc<AtomicU64>,
    fired: Arc<AtomicU64>,
    cancelled: usize,
    armed: Arc<AtomicUsize>,
}

fn paused_runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("tokio runtime")
}

async fn sleeper(
    deadline: Instant,
    fired: Arc<AtomicU64>,
    late: Arc<AtomicU64>,
    armed: Arc<AtomicUsize>,
) {
    let s = pin!(tokio::time::sleep_until(deadline));
    let mut s = s;
    // Registers the timer (the first poll arms it) before counting as armed.
    if futures_poll_once(s.as_mut()).await {
        armed.fetch_add(1, Relaxed);
        return;
    }
    armed.fetch_add(1, Relaxed);
    s.await;
    if Instant::now() < deadline {
        late.fetch_add(1, Relaxed); // woke early: wrong
    }
    fired.fetch_add(1, Relaxed);
}

/// Polls a future once; true if it completed.
async fn futures_poll_once<F: Future + Unpin>(mut f: F) -> bool {
    std::future::poll_fn(|cx| {
        std::task::Poll::Ready(std::pin::Pin::new(&mut f).poll(cx).is_ready())
    })
    .await
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_timers(st: &mut Timers) {
    let offsets = &st.offsets;
    let (fired, late, armed) = (st.fired.clone(), st.late.clone(), st.armed.clone());
    let handles = &mut st.handles;
    st.rt.block_on(async move {
        let start = Instant::now();
        for &us in offsets {
            handles.push(tokio::spawn(sleeper(
                start + Duration::from_micros(us),
                fired.clone(),
                late.clone(),
                armed.clone(),
            )));
        }
        for h in handles.drain(..) {
            h.await.unwrap();
        }
    });
}

#[no_mangle]
#[inline(never)]
pub fn bench_region_tokio_timers_cancel(st: &mut Timers) {
    st.cancelled = st.rt.block_on(abort_and_drain(&mut st.handles));
}

pub fn timers(opts: &Options) {
    let n = opts.ops(100_000, 1000);
    let mut st = Timers {
        rt: paused_runtime(),
        offsets: shuffled_offsets_us(n),
        handles: Vec::with_capacity(n),
        late: Arc::new(AtomicU64::new(0)),
        fired: Arc::new(AtomicU64::new(0)),
        cancelled: 0,
        armed: Arc::new(AtomicUsize::new(0)),
    };
    if opts.wants("timers", PEER) {
        let s = measure(
            opts,
            &mut st,
            n,
            |st| {
                st.fired.store(0, Relaxed);
                st.late.store(0, Relaxed);
            },
            bench_region_tokio_timers,
            |st| {
                let (f, l) = (st.fired.load(Relaxed), st.late.load(Relaxed));
                if f == st.offsets.len() as u64 && l == 0 {
                    Ok(())
                } else {
                    Err(format!("timers fired {f} early {l}"))
                }
            },
        );
        report(opts, "timers", PEER,
            "N tasks each sleep_until(start + shuffled (i+1) us) on a paused clock (auto-advances to the next timer when idle); the wheel has 1 ms slots",
            n, "timer", &s);
    }
    if opts.wants("timers_cancel", PEER) {
        let s = measure(
            opts,
            &mut st,
            n,
            |st| {
                st.fired.store(0, Relaxed);
                st.armed.store(0, Relaxed);
                let (offsets, handles) = (&st.offsets, &mut st.handles);
                let (fired, late, armed) = (st.fired.clone(), st.late.clone(), st.armed.clone());
                // Untimed: every sleeper armed, 1 s ahead so none fires.
                st.rt.block_on(async move {
                    let start = Instant::now() + Duration::from_secs(1);
                    for &us in offsets {
                        handles.push(tokio::spawn(sleeper(
                            start + Duration::from_micros(us),
                            fired.clone(),
                            late.clone(),
                            armed.clone(),
                        )));
                    }
                    while armed.load(Relaxed) < offsets.len() {
                        tokio::task::yield_now().await;
                    }
                });
            },
            bench_region_tokio_timers_cancel,
            |st| {
                let f = st.fired.load(Relaxed);
                if st.cancelled == st.offsets.len() && f == 0 {
                    Ok(())
                } else {
                    Err(format!(
                        "timers_cancel cancelled {} fired {f}",
                        st.cancelled
                    ))
                }
            },
        );
        report(opts, "timers_cancel", PEER,
            "N armed sleepers (paused clock); measured: JoinHandle::abort on each (drops the Sleep: removes the timer) and await every handle",
            n, "cancelled sleeper", &s);
    }
}

pub fn run(opts: &Options) {
    let scenarios: [(&str, fn(&Options)); 6] = [
        ("spawn_join", spawn_join),
        ("ping_pong", ping_pong),
        ("cancel", cancel),
        ("tree", tree),
        ("channel_ping_pong", channel_ping_pong),
        ("channel_mpmc", channel_mpmc),
    ];
    for (name, f) in scenarios {
        let peer = if name == "channel_mpmc" {
            "tokio+async-channel"
        } else {
            PEER
        };
        if opts.wants(name, peer) || opts.wants(name, PEER) {
            f(opts);
        }
    }
    if opts.wants("timers", PEER) || opts.wants("timers_cancel", PEER) {
        timers(opts);
    }
}
