//! bench_peers - bcsc's benchmark scenarios (bench/bench_*.c) on other
//! runtimes, for comparison: tokio (current_thread; the two-thread
//! scenarios also on two current_thread runtimes and on multi_thread,
//! tokio_threads.rs) and embassy-executor (platform-std). Same operation counts and the same shape as the C
//! programs; see docs/benchmarks.md, "Peers".
//!
//!   bench_peers [--reps=N] [--smoke] [--callgrind] [--quiet] [--only=NAME,...]
//!
//! --reps=N   timed repetitions per scenario (default 7), after one warm-up
//! --smoke    tiny operation counts, one repetition: checks that every peer
//!            scenario runs and computes the right result (CI)
//! --callgrind  10^4 operations (tree: depth 13), one repetition, no
//!            warm-up, plus per scenario
//!            CALLGRIND_PEER scenario=<s> peer=<p> region=<fn> ops=<n> calls=<c>
//!            for scripts/bench-callgrind.sh
//! --only     scenario names, peer names or scenario/peer pairs
//!
//! Per scenario and peer it prints
//!   PEERRUN scenario=<s> peer=<p> peer_ns=<best> median_ns=<m> allocs_per_op=<a> ops=<n>
//! (ns per operation, best and median of the repetitions; heap allocations
//! per operation counted by a #[global_allocator]), which scripts/bench.sh
//! turns into PEER lines with the C lower bound of the same run. Exit
//! status 3 if a scenario computed a wrong result, 2 on a bad option.

mod embassy_peer;
mod harness;
mod tokio_peer;
mod tokio_threads;

use harness::Options;

#[global_allocator]
static ALLOC: harness::Counting = harness::Counting;

fn main() {
    let mut opts = Options {
        reps: 7,
        smoke: false,
        callgrind: false,
        quiet: false,
        only: Vec::new(),
    };
    for arg in std::env::args().skip(1) {
        if let Some(v) = arg.strip_prefix("--reps=") {
            opts.reps = match v.parse() {
                Ok(n) if n >= 1 => n,
                _ => usage(&arg),
            };
        } else if arg == "--smoke" {
            opts.smoke = true;
        } else if arg == "--callgrind" {
            opts.callgrind = true;
        } else if arg == "--quiet" {
            opts.quiet = true;
        } else if let Some(v) = arg.strip_prefix("--only=") {
            opts.only = v
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        } else {
            usage(&arg);
        }
    }
    if opts.smoke || opts.callgrind {
        opts.reps = 1;
    }
    harness::alloc_self_test();
    if !opts.quiet {
        println!(
            "bench_peers: tokio (current_thread) and embassy-executor (platform-std); {} repetitions{}; allocations counted by a #[global_allocator]",
            opts.reps,
            if opts.smoke {
                ", SMOKE counts - not a figure"
            } else if opts.callgrind {
                ", CALLGRIND counts - wall clock means nothing"
            } else {
                ""
            }
        );
    }
    tokio_peer::run(&opts);
    tokio_threads::run(&opts);
    embassy_peer::run_all(&opts);
}

fn usage(arg: &str) -> ! {
    eprintln!("bench_peers: bad option {arg}\nusage: bench_peers [--reps=N] [--smoke] [--callgrind] [--quiet] [--only=NAME,...]");
    std::process::exit(2);
}
