// build.rs - generate the bindings from the public header and build the core.
//
// Two jobs, both from the source tree this crate sits in (../../../):
//
// 1. bindgen reads abi/include/bcsc.h exactly as a C compiler would. The
//    only choices made here are about the *generated Rust* (allowlist of
//    bcsc_/BCSC_ items, core:: instead of std::, enum constants without the
//    enum's name prepended); none changes what the header says: no
//    blocklist, no opaque type, no replaced type. If the header ever needs a
//    fix-up to go through bindgen, that is a header bug, and this build is
//    the check that catches it.
// 2. cc compiles libbcsc/src/*.c and libbcsc/src/hosted/*.c into a static
//    libbcsc.a, so `cargo test` works without a CMake build first. The debug
//    profile gets the checked build (BCSC_CHECKED=1), as CMake's Debug does.
//
// bindgen's layout tests (size, alignment and offset of every field) are
// kept: with bindgen >= 0.70 they are compile-time `const` asserts, so a
// layout the Rust side would get wrong fails the build, not a test run.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.join("../../..");
    let include_dir = root.join("abi/include");
    let src_dir = root.join("libbcsc/src");
    let header = include_dir.join("bcsc.h");
    assert!(
        header.is_file(),
        "bcsc-sys: {} not found; this crate builds from the bcsc source tree",
        header.display()
    );

    // Directories: cargo re-runs when any file under them changes.
    println!("cargo:rerun-if-changed={}", include_dir.display());
    println!("cargo:rerun-if-changed={}", src_dir.display());
    println!("cargo:rerun-if-env-changed=BCSC_CHECKED");

    let checked = checked_build();
    build_core(&include_dir, &src_dir, checked);
    generate_bindings(&include_dir, &header);

    // Lets lib.rs say which flavour of the core it linked.
    println!("cargo:rustc-check-cfg=cfg(bcsc_checked)");
    if checked {
        println!("cargo:rustc-cfg=bcsc_checked");
    }
    // For crates that depend on this one (DEP_BCSC_INCLUDE).
    println!("cargo:include={}", include_dir.display());
}

/// The checked build by default in the debug profile, like CMake's Debug.
/// BCSC_CHECKED=0/1 in the environment overrides it.
fn checked_build() -> bool {
    match env::var("BCSC_CHECKED") {
        Ok(v) => v != "0" && !v.is_empty(),
        Err(_) => env::var("PROFILE").map(|p| p == "debug").unwrap_or(false),
    }
}

fn c_sources(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("bcsc-sys: reading {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "c"))
        .collect();
    // A stable order keeps the archive (and so the build) reproducible.
    files.sort();
    files
}

fn build_core(include_dir: &Path, src_dir: &Path, checked: bool) {
    let mut sources = c_sources(src_dir);
    sources.extend(c_sources(&src_dir.join("hosted")));
    assert!(
        !sources.is_empty(),
        "bcsc-sys: no C sources in {}",
        src_dir.display()
    );

    let mut build = cc::Build::new();
    build
        .files(&sources)
        .include(include_dir)
        .include(src_dir)
        .std("c11")
        .warnings(true);
    if checked {
        build.define("BCSC_CHECKED", "1");
    }
    // Emits rustc-link-lib=static=bcsc and the search path.
    build.compile("bcsc");
}

fn generate_bindings(include_dir: &Path, header: &Path) {
    let bindings = bindgen::Builder::default()
        .header(header.to_str().expect("header path is not UTF-8"))
        .clang_arg(format!("-I{}", include_dir.display()))
        // The header's own language, as the C build and cffi_parse.py use.
        .clang_arg("-std=c11")
        .allowlist_item("(bcsc|BCSC)_.*")
        // no_std: core::ffi::c_int and friends, core::mem in layout tests.
        .use_core()
        // BCSC_DONE rather than bcsc_poll_status_BCSC_DONE: the C names.
        .prepend_enum_name(false)
        .layout_tests(true)
        .derive_default(false)
        .generate_comments(true)
        // Nobody reads the generated file; skip spawning rustfmt (one less
        // tool the build needs, and faster).
        .formatter(bindgen::Formatter::None)
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()))
        .generate()
        .expect("bcsc-sys: bindgen could not read abi/include/bcsc.h");

    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bindings.rs");
    bindings
        .write_to_file(&out)
        .unwrap_or_else(|e| panic!("bcsc-sys: writing {}: {e}", out.display()));
}
