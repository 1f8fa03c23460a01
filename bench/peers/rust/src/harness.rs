//! What every peer scenario shares: a counting global allocator, the
//! repetition loop (one untimed warm-up, then N timed repetitions, best and
//! median) and the machine-readable report line.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// Counts every allocation (alloc, alloc_zeroed, realloc) and free made
/// while counting is on, from any thread, then forwards to the system
/// allocator. bench/common/alloc_count.c counts the same calls on the C side.
pub struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static FREES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
        }
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Relaxed) {
            FREES.fetch_add(1, Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

pub fn alloc_start() {
    ALLOCS.store(0, Relaxed);
    FREES.store(0, Relaxed);
    COUNTING.store(true, Relaxed);
}

pub fn alloc_stop() -> (u64, u64) {
    COUNTING.store(false, Relaxed);
    (ALLOCS.load(Relaxed), FREES.load(Relaxed))
}

/// The counter must count: one Box inside a window reads 1 and 1, one
/// outside reads 0 (as the C programs check at start-up).
pub fn alloc_self_test() {
    alloc_start();
    let b = std::hint::black_box(Box::new(7u64));
    drop(b);
    let inside = alloc_stop();
    let b = std::hint::black_box(Box::new(7u64));
    drop(b);
    let outside = (ALLOCS.load(Relaxed), FREES.load(Relaxed));
    if inside != (1, 1) || outside != (1, 1) {
        eprintln!("bench_peers: allocation counter self-test failed: {inside:?} {outside:?}");
        std::process::exit(2);
    }
}

#[derive(Clone)]
pub struct Options {
    pub reps: usize,
    pub smoke: bool,
    /// --callgrind: 10^4 operations (as the C programs), one repetition,
    /// no warm-up, and a CALLGRIND_PEER line per scenario.
    pub callgrind: bool,
    pub quiet: bool,
    pub only: Vec<String>,
}

impl Options {
    pub fn wants(&self, scenario: &str, peer: &str) -> bool {
        self.only.is_empty()
            || self
                .only
                .iter()
                .any(|o| o == scenario || o == peer || *o == format!("{scenario}/{peer}"))
    }
    /// `full` operations normally, `small` under --smoke, at most 10^4
    /// under --callgrind.
    pub fn ops(&self, full: usize, small: usize) -> usize {
        if self.smoke {
            small
        } else if self.callgrind {
            full.min(10_000)
        } else {
            full
        }
    }
}

pub struct Stats {
    pub best_ns: f64,
    pub median_ns: f64,
    pub allocs: u64,
    pub frees: u64,
    pub reps: usize,
}

/// Runs one scenario on one peer: one untimed warm-up repetition, then
/// `reps` timed ones. Each repetition calls `setup` (untimed), `region`
/// (timed, heap allocations counted) and `check` (untimed; a wrong result
/// ends the program with status 3, as in the C benchmarks).
pub fn measure<S>(
    opts: &Options,
    state: &mut S,
    ops: usize,
    mut setup: impl FnMut(&mut S),
    mut region: impl FnMut(&mut S),
    mut check: impl FnMut(&mut S) -> Result<(), String>,
) -> Stats {
    let mut times = Vec::with_capacity(opts.reps);
    let (mut allocs, mut frees) = (0u64, 0u64);
    // Repetition 0 is the untimed warm-up; --callgrind has none, as in the
    // C programs (everything inside a region is counted).
    let first = if opts.callgrind { 1 } else { 0 };
    for rep in first..=opts.reps {
        setup(state);
        alloc_start();
        let t0 = Instant::now();
        region(state);
        let ns = t0.elapsed().as_nanos() as f64;
        let (a, f) = alloc_stop();
        if let Err(e) = check(state) {
            eprintln!("bench_peers: wrong result: {e}");
            std::process::exit(3);
        }
        if rep > 0 {
            times.push(ns / ops as f64);
            allocs += a;
            frees += f;
        }
    }
    Stats::from(times, allocs, frees)
}

/// Nearest-rank percentile of sorted samples, as bench_wake.c and
/// bench_jitter.c compute it.
pub fn percentile(sorted: &[i64], q: f64) -> i64 {
    let n = sorted.len();
    let rank = ((q * n as f64 + 0.999999) as usize).clamp(1, n);
    sorted[rank - 1]
}

/// For the latency scenarios (wake_latency, jitter): sorts the samples (ns)
/// and prints one PEERRUN line per percentile q, named
/// `<scenario>_p<100 q>`, with peer_ns = median_ns = the percentile and
/// `allocs` heap allocations over the whole run.
pub fn report_percentiles(
    opts: &Options,
    scenario: &str,
    peer: &str,
    what: &str,
    samples: &mut [i64],
    qs: &[f64],
    allocs: u64,
) {
    samples.sort_unstable();
    let n = samples.len();
    let per_op = allocs as f64 / n as f64;
    if !opts.quiet {
        println!("scenario {scenario} on {peer}: {what}");
        print!("  {n} samples:");
        for &q in qs.iter().chain([1.0].iter()) {
            let name = if q == 1.0 { "max".to_string() } else { format!("p{:.0}", q * 100.0) };
            print!("  {name} {:8.1} us", percentile(samples, q) as f64 / 1e3);
        }
        println!("  (min {:.1} us)  {per_op:.3} allocs/sample", samples[0] as f64 / 1e3);
    }
    for &q in qs {
        let v = percentile(samples, q);
        println!(
            "PEERRUN scenario={scenario}_p{:.0} peer={peer} peer_ns={v} median_ns={v} allocs_per_op={per_op:.3} ops={n}",
            q * 100.0
        );
    }
}

impl Stats {
    pub fn from(mut times: Vec<f64>, allocs: u64, frees: u64) -> Stats {
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        Stats {
            best_ns: times[0],
            median_ns: times[times.len() / 2],
            allocs,
            frees,
            reps: times.len(),
        }
    }
}

/// Prints the human-readable line and
///   PEERRUN scenario=<s> peer=<p> peer_ns=<best> median_ns=<m> allocs_per_op=<a> ops=<n>
/// which scripts/bench.sh turns into PEER lines with the C lower bound.
pub fn report(
    opts: &Options,
    scenario: &str,
    peer: &str,
    what: &str,
    ops: usize,
    op: &str,
    s: &Stats,
) {
    let per_op = s.allocs as f64 / (ops as f64 * s.reps as f64);
    let frees_per_op = s.frees as f64 / (ops as f64 * s.reps as f64);
    if !opts.quiet {
        println!("scenario {scenario} on {peer}: {what}");
        println!(
            "  {ops} operations per repetition (1 op = 1 {op}); best {:9.2} ns/{op}  median {:9.2} ns/{op}  {:.3} allocs/op, {:.3} frees/op",
            s.best_ns, s.median_ns, per_op, frees_per_op
        );
    }
    println!(
        "PEERRUN scenario={scenario} peer={peer} peer_ns={:.2} median_ns={:.2} allocs_per_op={:.3} ops={ops}",
        s.best_ns, s.median_ns, per_op
    );
    if opts.callgrind {
        // The region functions are bench_region_tokio_<scenario> and
        // bench_region_embassy_<scenario> (both embassy executors).
        let prefix = if peer.starts_with("tokio") {
            "tokio"
        } else {
            "embassy"
        };
        println!(
            "CALLGRIND_PEER scenario={scenario} peer={peer} region=bench_region_{prefix}_{scenario} ops={ops} calls={}",
            s.reps
        );
    }
}
