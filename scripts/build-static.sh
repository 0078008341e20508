#!/usr/bin/env bash
# Builds `sfn` as one file that runs on a Linux machine without Swift: the Swift runtime and
# Foundation linked in (--static-swift-stdlib), and jansson and SQLite from their static
# libraries (Debian: libjansson-dev, libsqlite3-dev). What is left is the C library.
#
#   scripts/build-static.sh [--all] [OUTPUT]     (default: .build/static/sfn)
#
# --all builds every executable product the same way (sfn-bench and sfn-fuzz beside sfn, in
# .build-static/release), so that one release build serves everything CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
products=(sfn)
if [ "${1:-}" = --all ]; then
    products=(sfn sfn-bench sfn-fuzz)
    shift
fi
output=${1:-.build/static/sfn}

# A folder holding only the static archives, and pkg-config files that point there: SwiftPM
# links what pkg-config names, so -ljansson and -lsqlite3 find the .a files before the shared
# libraries of the system folders.
archives=$PWD/.build/static-archives
mkdir -p "$archives" "$(dirname "$output")"
for name in jansson sqlite3; do
    found=$(find /usr/lib /usr/local/lib -name "lib$name.a" 2>/dev/null | head -1)
    if [ -z "$found" ]; then
        echo "build-static: lib$name.a not found (install lib${name%3}-dev or lib$name-dev)" >&2
        exit 1
    fi
    ln -sf "$found" "$archives/lib$name.a"
    extra=""
    [ "$name" = sqlite3 ] && extra="-lm"
    printf 'libdir=%s\nincludedir=/usr/include\n\nName: %s\nDescription: %s, static\nVersion: %s\nLibs: -L${libdir} -l%s %s\nCflags: -I${includedir}\n' \
        "$archives" "$name" "$name" "$(pkg-config --modversion "$name" 2>/dev/null || echo 0)" "$name" "$extra" > "$archives/$name.pc"
done

# The Swift runtime links -lstdc++ and -lgcc_s: the same folder offers their static archives
# (libgcc_eh is libgcc_s's static counterpart), found before gcc's shared ones.
for pair in "libstdc++.a:libstdc++.a" "libgcc_eh.a:libgcc_s.a"; do
    found=$(find /usr/lib/gcc -name "${pair%%:*}" 2>/dev/null | sort | tail -1)
    [ -n "$found" ] && ln -sf "$found" "$archives/${pair##*:}"
done

# One product at a time: a plain `swift build` would also link the libraries' dynamic products
# (GRDB-dynamic), which cannot take the static runtime.
for product in "${products[@]}"; do
    PKG_CONFIG_PATH="$archives" swift build -c release --product "$product" --static-swift-stdlib --scratch-path .build-static
done
cp .build-static/release/sfn "$output"
strip "$output" 2>/dev/null || true
echo "$output: $(du -h "$output" | cut -f1)"
ldd "$output" || true
