#!/usr/bin/env bash
# check_core_symbols.sh - prove the freestanding core needs no libc and owns
# no hidden mutable state.
#
# Usage:
#   check_core_symbols.sh [--nm NM] [--allow-writable FILE]
#                         [--archive LIBBCSC_A [--strict-archive
#                          [--link-cc CC [--readelf READELF]]]] -- CORE_OBJ...
#
# Run by ctest as `bcsc_nm_check` (and by the build target of the same name)
# on the objects of the OBJECT library bcsc_core_objects (libbcsc/src/*.c).
#
# Fails if
#   1. any object (core, or anywhere in --archive) references malloc, calloc,
#      realloc, free, aligned_alloc or posix_memalign;
#   2. a core object has an undefined symbol that is not
#        - defined by another core object,
#        - named bcsc_* / bcsc__* (provided by hosted/ or freestanding/),
#        - memcpy, memset or memmove (the compiler may emit these itself),
#        - a compiler runtime helper: libgcc/compiler-rt integer and bit
#          helpers (__udivdi3, __popcountdi2, ...), __stack_chk_fail /
#          __stack_chk_guard, _GLOBAL_OFFSET_TABLE_,
#        - sanitizer or coverage instrumentation (__asan_*, __ubsan_*,
#          __sanitizer_*, __tsan_*, __msan_*, __gcov_*, __llvm_*);
#   3. a core object defines a writable global (nm types D d B b C G g S s,
#      TLS included) whose name is not listed in the --allow-writable file
#      (one name or shell glob per line, # comments); bookkeeping data that
#      sanitizers add (__asan_*, clang's __unnamed_<n>, ...) is ignored;
#   4. with --strict-archive (freestanding builds): rule 2 applied to every
#      object of the archive, i.e. libbcsc.a as a whole needs nothing but
#      memcpy/memset/memmove and compiler helpers;
#   5. with --link-cc too: the whole archive, linked by CC with
#      `-ffreestanding -nostdlib -r` into one relocatable object (no libc,
#      no libgcc), leaves no undefined symbol but memcpy, memset and
#      memmove - and the compiler's own integer helpers of rule 2, which
#      targets without a divide instruction need (armhf: __aeabi_uidiv, ...;
#      they are listed by name in the OK line; Linux's libgcc is not linked
#      in, because its __aeabi_idiv0 calls raise()) - and its writable sections (.data*, .bss*, .tdata, .tbss,
#      but not .data.rel.ro*, which is read-only once relocated) hold only
#      allow-listed symbols, byte for byte: a static without a name, a
#      writable string or a counter in a reactor fails too.
set -euo pipefail

nm_tool=nm
allow_file=""
archive=""
strict_archive=0
link_cc=""
readelf_tool=readelf
objects=()

while [ $# -gt 0 ]; do
  case "$1" in
    --nm) nm_tool="$2"; shift 2 ;;
    --allow-writable) allow_file="$2"; shift 2 ;;
    --archive) archive="$2"; shift 2 ;;
    --strict-archive) strict_archive=1; shift ;;
    --link-cc) link_cc="$2"; shift 2 ;;
    --readelf) readelf_tool="$2"; shift 2 ;;
    --) shift; objects+=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) objects+=("$1"); shift ;;
  esac
done

if [ ${#objects[@]} -eq 0 ]; then
  echo "check_core_symbols: no core objects given" >&2
  exit 2
fi

allow_patterns=()
if [ -n "$allow_file" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    line="${line//[[:space:]]/}"
    [ -n "$line" ] && allow_patterns+=("$line")
  done <"$allow_file"
fi

alloc_re='^(malloc|calloc|realloc|free|aligned_alloc|posix_memalign)$'

# True if an undefined symbol is acceptable without being defined by the
# objects under test.
allowed_undefined() {
  case "$1" in
    bcsc_*) return 0 ;;
    memcpy|memset|memmove) return 0 ;;
    __stack_chk_fail|__stack_chk_guard|__stack_chk_fail_local) return 0 ;;
    _GLOBAL_OFFSET_TABLE_) return 0 ;;
    __asan_*|__ubsan_*|__sanitizer_*|__tsan_*|__msan_*|__hwasan_*) return 0 ;;
    __gcov_*|__llvm_*) return 0 ;;
    # libgcc / compiler-rt helpers (32-bit 64-bit division, bit counts, ...)
    __divdi3|__udivdi3|__moddi3|__umoddi3|__udivmoddi4|__divmoddi4) return 0 ;;
    __divti3|__udivti3|__modti3|__umodti3|__udivmodti4|__divmodti4) return 0 ;;
    __muldi3|__multi3|__ashldi3|__ashrdi3|__lshrdi3|__ashlti3|__ashrti3|__lshrti3) return 0 ;;
    __popcountsi2|__popcountdi2|__popcountti2) return 0 ;;
    __clzsi2|__clzdi2|__clzti2|__ctzsi2|__ctzdi2|__ctzti2|__ffssi2|__ffsdi2) return 0 ;;
    __paritysi2|__paritydi2|__bswapsi2|__bswapdi2) return 0 ;;
    __aeabi_*) return 0 ;;
  esac
  return 1
}

# Sanitizer/coverage bookkeeping that lands in writable sections.
instrumentation_data() {
  case "$1" in
    __asan_*|___asan_*|__odr_asan_*|__odr_asan.*|__ubsan_*|__sanitizer_*|__gcov_*|__llvm_*) return 0 ;;
    __tsan_*|__msan_*|__hwasan_*|__profc_*|__profd_*|__covrec_*) return 0 ;;
    .L*|*.Lubsan*|*.Lasan*) return 0 ;;
  esac
  return 1
}

allowed_writable() {
  local p
  for p in "${allow_patterns[@]+"${allow_patterns[@]}"}"; do
    # shellcheck disable=SC2254
    case "$1" in $p) return 0 ;; esac
  done
  return 1
}

# nm -P prints "name type [value size]"; archives add "lib.a[obj.o]:" lines.
# Emit "file<TAB>name<TAB>type" for every symbol.
symbols_of() {
  "$nm_tool" -P "$@" 2>/dev/null | awk -v single="$1" -v n="$#" '
    /:$/ { file = substr($0, 1, length($0) - 1); next }
    NF >= 2 { f = (file != "" ? file : (n == 1 ? single : "?")); print f "\t" $1 "\t" $2 }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
fail() { echo "check_core_symbols: FAIL: $*" >&2; status=1; }

: >"$tmp/core.tsv"
for obj in "${objects[@]}"; do
  if [ ! -f "$obj" ]; then
    echo "check_core_symbols: missing object $obj" >&2
    exit 2
  fi
  "$nm_tool" -P "$obj" >/dev/null || { echo "check_core_symbols: $nm_tool failed on $obj" >&2; exit 2; }
  symbols_of "$obj" | awk -v o="$(basename "$obj")" -F'\t' '{ print o "\t" $2 "\t" $3 }' >>"$tmp/core.tsv"
done

# Symbols defined by the core objects (anything not undefined).
awk -F'\t' '$3 != "U" && $3 != "w" && $3 != "v" { print $2 }' "$tmp/core.tsv" | sort -u >"$tmp/core_defined"

check_undefined() { # $1 = tsv, $2 = defined list, $3 = label
  local file name type
  while IFS=$'\t' read -r file name type; do
    case "$type" in U|w|v) ;; *) continue ;; esac
    if [[ "$name" =~ $alloc_re ]]; then
      fail "$3 $file references $name (the runtime never allocates)"
      continue
    fi
    if grep -qxF -- "$name" "$2"; then continue; fi
    if allowed_undefined "$name"; then continue; fi
    fail "$3 $file needs '$name', which is outside the freestanding core"
  done <"$1"
}

# Rules 1 and 2 on the core objects.
check_undefined "$tmp/core.tsv" "$tmp/core_defined" "core object"

# Objects built with sanitizers: clang names their private bookkeeping
# globals __unnamed_<n>.
awk -F'\t' '$2 ~ /^__(asan|ubsan|tsan|msan|hwasan|sanitizer)_/ { print $1 }' "$tmp/core.tsv" | sort -u >"$tmp/instrumented"

# Rule 3: writable globals.
while IFS=$'\t' read -r file name type; do
  case "$type" in D|d|B|b|C|G|g|S|s) ;; *) continue ;; esac
  if instrumentation_data "$name"; then continue; fi
  case "$name" in
    __unnamed_*) if grep -qxF -- "$file" "$tmp/instrumented"; then continue; fi ;;
  esac
  if allowed_writable "$name"; then continue; fi
  fail "core object $file defines writable global '$name' (nm type $type);" \
       "make it const, move it into caller-provided storage, or list it in ${allow_file:-the allow-list}"
done <"$tmp/core.tsv"

# Rules 1 and 4 on the whole archive.
if [ -n "$archive" ]; then
  if [ ! -f "$archive" ]; then
    echo "check_core_symbols: missing archive $archive" >&2
    exit 2
  fi
  symbols_of "$archive" >"$tmp/archive.tsv"
  while IFS=$'\t' read -r file name type; do
    case "$type" in U|w|v) ;; *) continue ;; esac
    if [[ "$name" =~ $alloc_re ]]; then
      fail "archive member $file references $name (the runtime never allocates)"
    fi
  done <"$tmp/archive.tsv"
  if [ "$strict_archive" -eq 1 ]; then
    awk -F'\t' '$3 != "U" && $3 != "w" && $3 != "v" { print $2 }' "$tmp/archive.tsv" | sort -u >"$tmp/archive_defined"
    # alloc references were reported above; report the rest.
    grep -Ev $'\t(malloc|calloc|realloc|free|aligned_alloc|posix_memalign)\t' "$tmp/archive.tsv" >"$tmp/archive_noalloc.tsv" || true
    check_undefined "$tmp/archive_noalloc.tsv" "$tmp/archive_defined" "archive member"
  fi
fi

# Rule 5: a freestanding relocatable link of the whole archive.
linked_note=""
if [ -n "$link_cc" ]; then
  if [ -z "$archive" ] || [ "$strict_archive" -ne 1 ]; then
    echo "check_core_symbols: --link-cc needs --archive and --strict-archive" >&2
    exit 2
  fi
  linked="$tmp/bcsc_linked.o"
  if ! "$link_cc" -ffreestanding -nostdlib -r -o "$linked" \
      -Wl,--whole-archive "$archive" -Wl,--no-whole-archive; then
    fail "$link_cc -ffreestanding -nostdlib -r of $(basename "$archive") failed"
  else
    undefined=$("$nm_tool" -u "$linked" | awk '{ print $NF }' | sort -u)
    helpers=""
    for name in $undefined; do
      case "$name" in
        memcpy|memset|memmove) ;;
        __aeabi_*|__*di2|__*ti2|__*si2|__*di3|__*ti3|__*di4|__*ti4)
          if allowed_undefined "$name"; then helpers="$helpers $name"; else
            fail "the freestanding link of $(basename "$archive") leaves '$name' undefined (allowed: memcpy, memset, memmove, compiler integer helpers)"; fi ;;
        *) fail "the freestanding link of $(basename "$archive") leaves '$name' undefined (allowed: memcpy, memset, memmove)" ;;
      esac
    done
    # Writable sections by index, with their sizes (readelf -SW columns:
    # [Nr] Name Type Address Off Size ES Flg ...).
    "$readelf_tool" -SW "$linked" | sed 's/^ *\[ *\([0-9]*\)\]/\1/' | awk '
      $1 ~ /^[0-9]+$/ {
        name = $2; size = $6; flags = $8
        if (name ~ /^\.data\.rel\.ro/) next
        if (name ~ /^\.(data|bss|tdata|tbss)(\.|$)/ || flags ~ /W/ && name !~ /^\.(init_array|fini_array|got)/)
          print $1 "\t" name "\t" size
      }' >"$tmp/writable_sections"
    # Defined data symbols in those sections: index, size, name.
    "$readelf_tool" -sW "$linked" | awk '$4 == "OBJECT" || $4 == "TLS" { print $7 "\t" $3 "\t" $8 }' >"$tmp/objects"
    writable_bytes=0
    while IFS=$'\t' read -r index section size; do
      size=$((16#$size))
      [ "$size" -gt 0 ] || continue
      writable_bytes=$((writable_bytes + size))
      named=0
      while IFS=$'\t' read -r sym_index sym_size sym_name; do
        [ "$sym_index" = "$index" ] || continue
        named=$((named + sym_size))
        allowed_writable "$sym_name" ||
          fail "the freestanding link has writable '$sym_name' ($sym_size bytes in $section)"
      done <"$tmp/objects"
      [ "$named" -eq "$size" ] ||
        fail "$section of the freestanding link has $size bytes, of which only $named belong to allow-listed symbols"
    done <"$tmp/writable_sections"
    mem=$(for n in $undefined; do case "$n" in memcpy|memset|memmove) echo "$n" ;; esac; done | tr '\n' ' ')
    linked_note="; -ffreestanding -nostdlib -r link: undefined {$(echo $mem | tr ' ' ',')}, compiler helpers {$(echo $helpers | tr ' ' ',')}, $writable_bytes writable bytes, all allow-listed"
  fi
fi

ncore=${#objects[@]}
nundef=$(awk -F'\t' '$3 == "U" || $3 == "w" || $3 == "v"' "$tmp/core.tsv" | wc -l)
if [ "$status" -eq 0 ]; then
  echo "check_core_symbols: OK: $ncore core objects, $nundef undefined references, all allowed${archive:+; archive $(basename "$archive") checked}$linked_note"
fi
exit "$status"
