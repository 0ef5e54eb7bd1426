#!/usr/bin/env bash
# Builds the libFuzzer targets into .build/fuzz/<target>: each fuzz/<target>.swift is compiled, with
# -sanitize=fuzzer,address, into one module with the sources it exercises, so that they are
# instrumented for coverage; what those sources import is linked from the debug build (`swift build`
# first). Usage: fuzz/build.sh [target ...] (all when none).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/fuzz
mkdir -p "$out"
debug=$(swift build --show-bin-path)
# The package name SwiftPM gave Engram's modules (from the checkout's folder), so that `package`
# declarations and the debug build's modules are visible.
package=$(grep -o '"-module-name","Store"[^]]*' .build/debug.yaml | grep -o -m1 'package-name","[^"]*' | cut -d'"' -f3)
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -suppress-warnings -package-name "$package")

# The Formats readers (the writer and its NIO buffer left out), with zlib.
formats=$(ls Sources/Formats/*.swift | grep -v -e NumericJSONWriter.swift -e ShortestFloat.swift)

build_formats() {
    swiftc "${flags[@]}" -module-name Formats -I Sources/CZlib $formats "fuzz/$1.swift" -o "$out/$1"
}

# The search paths and C module maps the debug build compiled Store with (from .build/debug.yaml), one a line.
store_search_paths() {
    python3 - <<'PY'
import re
yaml = open(".build/debug.yaml").read()
at = yaml.find('"-module-name","Store"')
args = re.findall(r'"((?:[^"\\]|\\.)*)"', yaml[yaml.rfind("args: [", 0, at):yaml.find("]", at)])
i = 0
while i < len(args) - 1:
    if args[i] in ("-I", "-Xcc"):
        print(args[i])
        print(args[i + 1])
        i += 2
    else:
        i += 1
PY
}

# The Store module from source; Core, Formats, Crypto, Logging and what they need, from the debug
# build's objects (everything the engram executable links but its own, Bench's and Store's).
build_store() {
    local objects paths
    mapfile -t objects < <(sed -e "s/^'//" -e "s/'$//" "$debug/engram.product/Objects.LinkFileList" | grep -v -e '/Server.build/' -e '/Bench.build/' -e '/Store.build/')
    mapfile -t paths < <(store_search_paths)
    swiftc "${flags[@]}" -module-name Store "${paths[@]}" \
        $(find Sources/Store -name '*.swift') "fuzz/$1.swift" "${objects[@]}" -lz -lopenblas -lsleef -lm -o "$out/$1"
}

for target in "${@:-safetensors npy npz numeric_json log_reader key_pattern}"; do
    for t in $target; do
        echo "building $t"
        case $t in
        safetensors | npy | npz | numeric_json) build_formats "$t" ;;
        log_reader) build_store "$t" ;;
        key_pattern) swiftc "${flags[@]}" -module-name KeyPattern Sources/Server/HTTP/Auth/StorePattern.swift fuzz/key_pattern.swift -o "$out/$t" ;;
        *) echo "unknown fuzz target $t" >&2; exit 2 ;;
        esac
    done
done
