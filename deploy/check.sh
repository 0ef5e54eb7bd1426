#!/usr/bin/env bash
# deploy/check.sh [BINARY]: checks the deployment files against the release binary, with no Docker
# engine (the image itself is not built here). BINARY defaults to .build/release/engram; build it
# the way the Dockerfile does for the closest match:
#
#   swift build -c release --static-swift-stdlib && bash deploy/check.sh .build/release/engram
#
#  1. Libraries: every shared library `ldd BINARY` lists, other than the Swift runtime (linked
#     statically in the image: the Dockerfile builds with --static-swift-stdlib), belongs to a
#     Debian package (dpkg -S) that the Dockerfile's runtime stage installs (its `apt-get install`
#     lines, with their dependencies) or that debian:bookworm-slim already has
#     (deploy/bookworm-slim.packages, and any Essential or Priority: required package).
#  2. The Dockerfile's structure (stages, user, volume, port, health check, resource bundle) and
#     healthcheck.sh's syntax.
#  3. The YAML manifests (docker-compose.yml, kubernetes/*.yaml) parse (yaml.safe_load_all) and
#     hold what they must: kinds, probes, volume, keys, securityContext, and memory limits that
#     cover the server's limits.
#  4. The systemd unit: `systemd-analyze verify` (with ExecStart pointed at BINARY) and its
#     security exposure when systemd-analyze exists, else an INI parse; the required settings.
#  5. The binary itself: its resource bundle, protected mode (no key on 0.0.0.0: refuses to start),
#     healthcheck.sh against the running server, 401 without a key, graceful SIGTERM (exit 0).
#
# Prints one line per check and `N passed, M failed`; exits 1 on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
binary=${1:-.build/release/engram}
[[ $binary == /* ]] || binary="$PWD/$binary"

passed=0
failed=0
pass() { echo "ok    $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }
note() { echo "      $*"; }

# Runs a Python checker whose output lines start with "ok " or "FAIL " (others are notes).
run_python_checks() {
  local line out status=0
  out=$(python3 "$@" 2>&1) || status=$?
  while IFS= read -r line; do
    case $line in
      "ok "*) pass "${line#ok }" ;;
      "FAIL "*) fail "${line#FAIL }" ;;
      "") ;;
      *) note "$line" ;;
    esac
  done <<<"$out"
  if [ "$status" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then fail "python3 $1 exited with status $status"; fi
}

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== deploy/check.sh: $binary"

# The Dockerfile, parsed once: stages, the runtime stage's apt packages, how the Swift runtime
# gets into the image.
cat >"$work/dockerfile.py" <<'PY'
import json, re, shlex, sys

def logical_lines(text):
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        lines.append(current)
        current = ""
    if current:
        lines.append(current)
    return lines

text = open(sys.argv[1]).read()
args, stages = {}, []
for line in logical_lines(text):
    word, _, rest = line.partition(" ")
    word = word.upper()
    if word == "ARG" and not stages:
        name, _, value = rest.strip().partition("=")
        args[name] = value
    elif word == "FROM":
        parts = rest.split()
        parts = [p for p in parts if not p.startswith("--")]
        image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), parts[0])
        name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else str(len(stages))
        stages.append({"image": image, "name": name, "lines": []})
    elif stages:
        stages[-1]["lines"].append([word, rest.strip()])

def apt_packages(stage):
    packages = []
    for word, rest in stage["lines"]:
        if word != "RUN":
            continue
        for command in re.split(r"&&|;|\|\|", rest):
            tokens = shlex.split(command, comments=False) if command.strip() else []
            if "apt-get" in tokens and "install" in tokens:
                after = tokens[tokens.index("install") + 1:]
                packages += [t for t in after if not t.startswith("-") and re.fullmatch(r"[a-z0-9][a-z0-9+.\-]+(:[a-z0-9]+)?", t)]
    return packages

build, runtime = stages[0], stages[-1]
build_runs = " ".join(rest for word, rest in build["lines"] if word == "RUN")
runtime_text = "\n".join(f"{w} {r}" for w, r in runtime["lines"])
print(json.dumps({
    "stages": [{"image": s["image"], "name": s["name"]} for s in stages],
    "runtime_packages": apt_packages(runtime),
    "build_packages": apt_packages(build),
    "static_swift_stdlib": "--static-swift-stdlib" in build_runs,
    "copies_swift_runtime": bool(re.search(r"usr/lib/swift(/linux)?", runtime_text)),
    "runtime_lines": runtime["lines"],
    "build_runs": build_runs,
}))
PY

dockerfile_json="$work/dockerfile.json"
if python3 "$work/dockerfile.py" "$here/Dockerfile" >"$dockerfile_json" 2>"$work/dockerfile.err"; then
  pass "Dockerfile parses: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" -> ".join(s["image"] for s in d["stages"]))' "$dockerfile_json")"
else
  fail "Dockerfile does not parse: $(cat "$work/dockerfile.err")"
  echo '{"stages": [], "runtime_packages": [], "build_packages": [], "static_swift_stdlib": false, "copies_swift_runtime": false, "runtime_lines": [], "build_runs": ""}' >"$dockerfile_json"
fi
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $1" "$dockerfile_json"; }

# --------------------------------------------------------------------------------------------
echo "== 1. shared libraries of the binary vs the runtime image"
if [ ! -x "$binary" ]; then
  fail "binary $binary is missing or not executable (build it: swift build -c release --static-swift-stdlib)"
else
  pass "binary $binary exists"
  runtime_packages=$(jq_py 'print(" ".join(p.split(":")[0] for p in d["runtime_packages"]))')
  static=$(jq_py 'print(int(d["static_swift_stdlib"]))')
  copies=$(jq_py 'print(int(d["copies_swift_runtime"]))')
  if [ -n "$runtime_packages" ]; then
    pass "runtime stage installs: $runtime_packages"
  else
    fail "found no 'apt-get install' in the Dockerfile's runtime stage"
  fi
  if [ "$static" = 1 ] || [ "$copies" = 1 ]; then
    pass "the Swift runtime reaches the image: $([ "$static" = 1 ] && echo 'linked statically (--static-swift-stdlib)' || echo 'copied from the build stage')"
  else
    fail "the Dockerfile neither builds with --static-swift-stdlib nor copies usr/lib/swift/linux into the runtime stage"
  fi

  # The packages the image has: the base image's, Essential/required ones, and the runtime stage's
  # with the dependencies apt installs with them (from this machine's dpkg database, else apt-cache).
  cat >"$work/closure.py" <<'PY'
import re, subprocess, sys

def fields(package):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Depends}\n${Pre-Depends}\n", package], capture_output=True, text=True)
        if out.returncode == 0:
            return " , ".join(out.stdout.splitlines())
    except FileNotFoundError:
        pass
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True, text=True)
    deps = [l.split(":", 1)[1] for l in out.stdout.splitlines() if l.startswith(("Depends:", "Pre-Depends:"))]
    return " , ".join(deps)

def installed(package):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return out.returncode == 0 and "install ok installed" in out.stdout

seen, todo = set(), [p.split(":")[0] for p in sys.argv[1:]]
while todo:
    package = todo.pop()
    if package in seen:
        continue
    seen.add(package)
    for group in fields(package).split(","):
        alternatives = [re.sub(r"\(.*?\)|\[.*?\]|:\w+", "", a).strip() for a in group.split("|")]
        alternatives = [a for a in alternatives if a]
        if not alternatives:
            continue
        chosen = [a for a in alternatives if installed(a)] or alternatives[:1]
        todo.extend(chosen)
print("\n".join(sorted(seen)))
PY
  mapfile -t image_packages < <(
    {
      grep -v '^#' "$here/bookworm-slim.packages" | sed '/^$/d'
      dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' 2>/dev/null | awk '$2 == "yes" || $3 == "required" {print $1}'
      # shellcheck disable=SC2086
      python3 "$work/closure.py" $runtime_packages
    } | sort -u
  )
  declare -A in_image=()
  for p in "${image_packages[@]}"; do in_image[$p]=1; done
  declare -A in_base=()
  while read -r p; do in_base[$p]=1; done < <(grep -v '^#' "$here/bookworm-slim.packages" | sed '/^$/d')

  if ! ldd_out=$(ldd "$binary" 2>&1); then
    fail "ldd $binary failed: $ldd_out"
  else
    swift_dynamic=()
    missing=()
    checked=0
    while IFS= read -r line; do
      line=${line#"${line%%[![:space:]]*}"}
      [ -n "$line" ] || continue
      case $line in
        linux-vdso.so* | linux-gate.so*) continue ;;
        *"=> not found"*) missing+=("${line%% *} (not found on this machine)"); continue ;;
        *" => "*) name=${line%% =>*}; path=${line#*=> }; path=${path%% (*} ;;
        /*) path=${line%% (*}; name=$(basename "$path") ;;
        *) continue ;;
      esac
      # The Swift runtime: the toolchain's libraries (libswift*, Foundation, dispatch, ICU).
      case $name in
        libswift* | libFoundation* | lib_Foundation* | libdispatch.so* | libBlocksRuntime.so* | lib_InternalSwift*)
          swift_dynamic+=("$name"); continue ;;
      esac
      checked=$((checked + 1))
      real=$(readlink -f "$path" || echo "$path")
      package=""
      for candidate in "$path" "$real" "/usr$path" "${path#/usr}" "/usr$real" "${real#/usr}"; do
        if out=$(dpkg -S "$candidate" 2>/dev/null); then
          package=$(grep -v '^diversion' <<<"$out" | head -n1 | cut -d: -f1)
          [ -n "$package" ] && break
        fi
      done
      if [ -z "$package" ]; then
        missing+=("$name ($path: no Debian package owns it)")
      elif [ -n "${in_image[$package]:-}" ]; then
        where="a dependency of the runtime stage's packages"
        [ -n "${in_base[$package]:-}" ] && where="debian:bookworm-slim"
        grep -qw -- "$package" <<<"$runtime_packages" && where="apt-get install"
        note "$name -> $package ($where)"
      else
        missing+=("$name ($package is neither installed by the runtime stage nor in debian:bookworm-slim)")
      fi
    done <<<"$ldd_out"
    if [ ${#swift_dynamic[@]} -gt 0 ]; then
      if [ "$static" = 1 ]; then
        note "this binary links ${#swift_dynamic[@]} Swift runtime libraries dynamically: it was built without --static-swift-stdlib; the image's binary has them inside"
      else
        note "${#swift_dynamic[@]} Swift runtime libraries: copied into the image"
      fi
    fi
    if [ ${#missing[@]} -eq 0 ]; then
      pass "all $checked non-Swift shared libraries are provided in the runtime image"
    else
      fail "shared libraries the runtime image lacks: ${missing[*]}"
    fi
  fi
  # libstdc++6 must be there one way or another (the Swift runtime needs it).
  if [ -n "${in_image[libstdc++6]:-}" ]; then
    pass "libstdc++6 is in the runtime image ($([ -n "${in_base[libstdc++6]:-}" ] && echo 'part of debian:bookworm-slim' || echo 'installed by the runtime stage'))"
  else
    fail "libstdc++6 is not in the runtime image: add it to the runtime stage's apt-get install"
  fi
  # Every package the runtime stage names exists (a typo would only show in `docker build`).
  unknown=()
  for p in $runtime_packages; do
    dpkg-query -W "$p" >/dev/null 2>&1 || apt-cache show "$p" >/dev/null 2>&1 || unknown+=("$p")
  done
  if [ ${#unknown[@]} -eq 0 ]; then
    pass "every runtime package is known to dpkg/apt on this machine"
  else
    fail "runtime packages unknown to dpkg/apt here (typo? or run apt-get update): ${unknown[*]}"
  fi
fi

# --------------------------------------------------------------------------------------------
echo "== 2. Dockerfile and healthcheck.sh"
cat >"$work/dockerfile_checks.py" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
stages = d["stages"]
def check(ok, message):
    print(("ok " if ok else "FAIL ") + message)
check(len(stages) >= 2, f"multi-stage build ({len(stages)} stages)")
if not stages:
    sys.exit(0)
build, runtime = stages[0]["image"], stages[-1]["image"]
check(re.fullmatch(r"swift:6\.3(\.\d+)?-bookworm(@sha256:[0-9a-f]+)?", build) is not None, f"build stage on the official Swift 6.3 Debian 12 image ({build})")
check(runtime.startswith("debian:bookworm-slim"), f"runtime stage on debian:bookworm-slim ({runtime}; bookworm-slim.packages describes that image)")
check(all(p in d["build_packages"] for p in ["libopenblas-dev", "libsleef-dev", "zlib1g-dev", "pkg-config"]), "build stage installs libopenblas-dev libsleef-dev zlib1g-dev pkg-config")
check("-c release" in d["build_runs"] and "swift build" in d["build_runs"], "build stage runs swift build -c release")
lines = d["runtime_lines"]
def values(word):
    return [rest for w, rest in lines if w == word]
users = values("USER")
user = users[-1].split(":")[0] if users else ""
check(bool(user) and user not in ("root", "0"), f"runtime runs as a non-root user (USER {users[-1] if users else 'missing'})")
check(user.isdigit(), "the user is numeric (Kubernetes runAsNonRoot can verify it)")
env = " ".join(values("ENV"))
check(re.search(r"ENGRAM_HOST=0\.0\.0\.0", env) is not None, "ENV ENGRAM_HOST=0.0.0.0 (protected mode: a key is required)")
check(re.search(r"ENGRAM_DATA=/data\b", env) is not None, "ENV ENGRAM_DATA=/data")
check(any("/data" in v for v in values("VOLUME")), "VOLUME /data")
check(any(re.search(r"\b8080\b", v) for v in values("EXPOSE")), "EXPOSE 8080")
health = values("HEALTHCHECK")
check(bool(health) and "NONE" not in health[-1] and re.search(r"/(readyz|healthz)", health[-1]) is not None, "HEALTHCHECK on /readyz or /healthz")
copies = " ".join(values("COPY"))
check(".resources" in d["build_runs"] and "--from=build" in copies, "the *.resources bundle is copied beside the binary")
check("healthcheck.sh" in copies, "healthcheck.sh is copied into the image")
check(any("SIGTERM" in v for v in values("STOPSIGNAL")) or not values("STOPSIGNAL"), "stop signal is SIGTERM")
PY
run_python_checks "$work/dockerfile_checks.py" "$dockerfile_json"
if bash -n "$here/healthcheck.sh" 2>"$work/hc.err"; then
  pass "healthcheck.sh: bash -n"
else
  fail "healthcheck.sh has a syntax error: $(cat "$work/hc.err")"
fi
if [ -f "$here/Dockerfile.dockerignore" ] && grep -q '^\.build' "$here/Dockerfile.dockerignore"; then
  pass "Dockerfile.dockerignore keeps .build out of the context"
else
  fail "Dockerfile.dockerignore is missing or does not exclude .build"
fi

# --------------------------------------------------------------------------------------------
echo "== 3. YAML manifests"
cat >"$work/yaml_checks.py" <<'PY'
import glob, os, re, sys
import yaml

here = sys.argv[1]
def check(ok, message):
    print(("ok " if ok else "FAIL ") + message)

def quantity(text):
    """Kubernetes/Compose memory quantity -> bytes."""
    text = str(text).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGTE]i?|[kmgte]b?|[kmgt])?", text)
    if not m:
        return None
    units = {"": 1, "k": 1000, "K": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4,
             "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4,
             "kb": 1024, "mb": 1024**2, "gb": 1024**3, "m": 1024**2, "g": 1024**3, "t": 1024**4}
    return int(float(m.group(1)) * units[m.group(2) or ""])

def needed_memory(env, args):
    """The sum statefulset.yaml documents: stores + one store's new version + an upload + recalls
    computing at once + the bodies in flight (ENGRAM_MAX_BODY_MEMORY) + 512 MiB for the runtime. Unset limits: the defaults."""
    get = lambda name, default: int(env.get(name, default))
    threads = 1
    args = [str(a) for a in args or []]
    for i, a in enumerate(args):
        if a == "--compute-threads" and i + 1 < len(args):
            threads = int(args[i + 1])
        elif a.startswith("--compute-threads="):
            threads = int(a.split("=", 1)[1])
    terms = {
        "ENGRAM_MAX_TOTAL_BYTES": get("ENGRAM_MAX_TOTAL_BYTES", 8 << 30),
        "ENGRAM_MAX_STORE_BYTES": get("ENGRAM_MAX_STORE_BYTES", 4 << 30),
        "ENGRAM_MAX_SNAPSHOT_BYTES": get("ENGRAM_MAX_SNAPSHOT_BYTES", 1 << 30),
        f"ENGRAM_MAX_RECALL_BYTES x {threads}": get("ENGRAM_MAX_RECALL_BYTES", 1 << 30) * threads,
        # Its default is a quarter of the host's memory, whatever the container's limit: counted as
        # the whole limit when unset, so a manifest must set it to pass.
        "ENGRAM_MAX_BODY_MEMORY": get("ENGRAM_MAX_BODY_MEMORY", 1 << 50),
        "runtime": 512 << 20,
    }
    return sum(terms.values()), terms

def mib(n):
    return f"{n / (1 << 20):.0f} MiB"

# ---- docker-compose.yml ----
path = os.path.join(here, "docker-compose.yml")
try:
    docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
    check(len(docs) == 1, "docker-compose.yml parses (yaml.safe_load_all)")
except Exception as e:
    check(False, f"docker-compose.yml does not parse: {e}")
    docs = [{}]
compose = docs[0] if docs else {}
services = compose.get("services") or {}
check("engram" in services, "compose: service 'engram'")
svc = services.get("engram") or {}
build = svc.get("build") or {}
check(isinstance(build, dict) and build.get("dockerfile") == "deploy/Dockerfile" and os.path.isfile(os.path.normpath(os.path.join(here, build.get("context", "."), build.get("dockerfile", "")))), "compose: builds deploy/Dockerfile from the repository root")
volumes = svc.get("volumes") or []
data_volume = None
for v in volumes:
    if isinstance(v, str) and v.split(":")[1:2] == ["/data"]:
        data_volume = v.split(":")[0]
    elif isinstance(v, dict) and v.get("target") == "/data":
        data_volume = v.get("source")
check(data_volume is not None and data_volume in (compose.get("volumes") or {}), f"compose: named volume '{data_volume}' at /data, declared under volumes")
health = svc.get("healthcheck") or {}
test = health.get("test") or []
test = " ".join(test) if isinstance(test, list) else str(test)
check(bool(re.search(r"/(readyz|healthz)", test)) and not health.get("disable"), f"compose: healthcheck ({test})")
check(svc.get("restart") in ("always", "unless-stopped", "on-failure") or str(svc.get("restart", "")).startswith("on-failure"), f"compose: restart policy ({svc.get('restart')})")
env = svc.get("environment") or {}
if isinstance(env, list):
    env = dict(e.split("=", 1) for e in env if "=" in e)
env = {k: str(v) for k, v in env.items()}
grace = str(svc.get("stop_grace_period", "10s"))
m = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", grace)
grace_s = int(m.group(1) or 0) * 60 + int(m.group(2) or 0) if m else 0
timeout = float(env.get("ENGRAM_REQUEST_TIMEOUT", 300))
check(grace_s >= timeout + 30, f"compose: stop_grace_period {grace} covers ENGRAM_REQUEST_TIMEOUT {timeout:g}s + 30s for the checkpoint")
secrets = svc.get("secrets") or []
secret_names = [s if isinstance(s, str) else s.get("source") for s in secrets]
key_file = env.get("ENGRAM_API_KEY_FILE", "")
key_ok = (key_file.startswith("/run/secrets/") and key_file.rsplit("/", 1)[1] in secret_names and key_file.rsplit("/", 1)[1] in (compose.get("secrets") or {})) or bool(svc.get("env_file"))
check(key_ok, f"compose: API key from a Docker secret ({key_file or 'none'}) or an env file")
env_files = svc.get("env_file") or []
env_files = [e if isinstance(e, str) else e.get("path") for e in (env_files if isinstance(env_files, list) else [env_files])]
check(all(os.path.isfile(os.path.join(here, e + ".example")) or os.path.isfile(os.path.join(here, e)) for e in env_files), f"compose: env file(s) {env_files} have an example beside them")
check(env.get("ENGRAM_HOST") == "0.0.0.0" and env.get("ENGRAM_DATA") == "/data", "compose: ENGRAM_HOST=0.0.0.0, ENGRAM_DATA=/data")
need, terms = needed_memory(env, svc.get("command"))
limit = quantity(svc.get("mem_limit") or ((svc.get("deploy") or {}).get("resources") or {}).get("limits", {}).get("memory", "0"))
check(limit is not None and limit >= need, f"compose: mem_limit {svc.get('mem_limit')} >= {mib(need)} needed by the limits")

# ---- kubernetes/*.yaml ----
objects = []
for path in sorted(glob.glob(os.path.join(here, "kubernetes", "*.yaml"))):
    name = os.path.relpath(path, here)
    try:
        docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
        check(all(isinstance(d, dict) and "kind" in d for d in docs), f"{name} parses: {', '.join(d.get('kind', '?') for d in docs)}")
        objects += [(name, d) for d in docs]
    except Exception as e:
        check(False, f"{name} does not parse: {e}")
kinds = {}
for name, d in objects:
    kinds.setdefault(d["kind"], []).append(d)
for kind in ("StatefulSet", "Service", "Secret"):
    check(kind in kinds, f"kubernetes: a {kind}")
kust = (kinds.get("Kustomization") or [{}])[0]
listed = set(kust.get("resources") or [])
files = {os.path.basename(p) for p in glob.glob(os.path.join(here, "kubernetes", "*.yaml"))} - {"kustomization.yaml"}
check(not kust or listed == files, f"kustomization.yaml lists {sorted(files)}")

sts = (kinds.get("StatefulSet") or [{}])[0]
spec = sts.get("spec") or {}
pod = (spec.get("template") or {}).get("spec") or {}
labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
containers = pod.get("containers") or [{}]
c = containers[0]
check(spec.get("replicas", 1) == 1, "StatefulSet: replicas 1 (one server per data directory)")
claims = [t.get("metadata", {}).get("name") for t in spec.get("volumeClaimTemplates") or []]
mounts = {m.get("name"): m.get("mountPath") for m in c.get("volumeMounts") or []}
check(any(mounts.get(n) == "/data" for n in claims), f"StatefulSet: a volumeClaimTemplate mounted at /data ({claims})")
def probe_path(p):
    return ((c.get(p) or {}).get("httpGet") or {}).get("path")
check(probe_path("livenessProbe") == "/healthz", f"StatefulSet: liveness probe on /healthz ({probe_path('livenessProbe')})")
check(probe_path("readinessProbe") == "/readyz", f"StatefulSet: readiness probe on /readyz ({probe_path('readinessProbe')})")
senv = {e["name"]: str(e.get("value", "")) for e in c.get("env") or [] if "name" in e}
tgp = pod.get("terminationGracePeriodSeconds", 30)
timeout = float(senv.get("ENGRAM_REQUEST_TIMEOUT", 300))
check(tgp >= timeout + 30, f"StatefulSet: terminationGracePeriodSeconds {tgp} covers ENGRAM_REQUEST_TIMEOUT {timeout:g}s + 30s for the checkpoint")
psc, csc = pod.get("securityContext") or {}, c.get("securityContext") or {}
check(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True, "StatefulSet: runAsNonRoot")
check(csc.get("readOnlyRootFilesystem") is True, "StatefulSet: readOnlyRootFilesystem")
check(psc.get("fsGroup") is not None, f"StatefulSet: fsGroup {psc.get('fsGroup')}")
check(csc.get("allowPrivilegeEscalation") is False and "ALL" in ((csc.get("capabilities") or {}).get("drop") or []), "StatefulSet: no privilege escalation, capabilities dropped")
for name in ("ENGRAM_MAX_TOTAL_BYTES", "ENGRAM_MAX_STORE_BYTES", "ENGRAM_MAX_BODY_BYTES", "ENGRAM_MAX_RECALL_BYTES"):
    check(senv.get(name, "").isdigit(), f"StatefulSet: {name} set explicitly ({senv.get(name)})")
check(senv.get("ENGRAM_HOST") == "0.0.0.0" and senv.get("ENGRAM_DATA") == "/data", "StatefulSet: ENGRAM_HOST=0.0.0.0, ENGRAM_DATA=/data")
res = c.get("resources") or {}
limit = quantity((res.get("limits") or {}).get("memory", "0"))
request = quantity((res.get("requests") or {}).get("memory", "0"))
need, terms = needed_memory(senv, c.get("args"))
check(limit is not None and limit >= need, f"StatefulSet: memory limit {(res.get('limits') or {}).get('memory')} >= {mib(need)} = " + " + ".join(f"{mib(v)} {k}" for k, v in terms.items()))
check(request is not None and 0 < request <= (limit or 0), f"StatefulSet: memory request {(res.get('requests') or {}).get('memory')} within the limit")
# The key files come from the Secret, through a mounted volume that holds those keys.
secrets = {s["metadata"]["name"]: s for s in kinds.get("Secret") or []}
volumes = {v["name"]: v for v in pod.get("volumes") or []}
key_ok, detail = True, []
for var in ("ENGRAM_API_KEY_FILE", "ENGRAM_READ_ONLY_API_KEY_FILE"):
    path = senv.get(var)
    if not path:
        continue
    directory, key = path.rsplit("/", 1)
    vol = next((n for n, p in mounts.items() if p == directory), None)
    secret_name = ((volumes.get(vol) or {}).get("secret") or {}).get("secretName")
    data = dict((secrets.get(secret_name) or {}).get("stringData") or {}, **((secrets.get(secret_name) or {}).get("data") or {}))
    ok = key in data
    key_ok &= ok
    detail.append(f"{var} -> secret {secret_name}/{key}")
check(bool(detail) and key_ok, "StatefulSet: API key files from the Secret (" + "; ".join(detail) + ")")
fake = all(re.search(r"fake|replace|example|change", str(v), re.I) for s in secrets.values() for v in (s.get("stringData") or {}).values())
check(fake, "Secret: example values are marked as fake")
port_names = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
for svc in kinds.get("Service") or []:
    s = svc.get("spec") or {}
    sel_ok = bool(s.get("selector")) and all(labels.get(k) == v for k, v in (s.get("selector") or {}).items())
    ports_ok = all(p.get("targetPort") in port_names or p.get("targetPort") in port_names.values() for p in s.get("ports") or [])
    check(sel_ok and ports_ok, f"Service {svc['metadata']['name']}: selects the StatefulSet's pods, targets its port")
check(spec.get("serviceName") in {s["metadata"]["name"] for s in kinds.get("Service") or [] if (s.get("spec") or {}).get("clusterIP") == "None"}, f"StatefulSet: serviceName {spec.get('serviceName')} is a headless Service")
PY
run_python_checks "$work/yaml_checks.py" "$here"

# --------------------------------------------------------------------------------------------
echo "== 4. systemd unit"
unit="$here/systemd/engram.service"
cat >"$work/unit_checks.py" <<'PY'
import configparser, re, sys
path = sys.argv[1]
def check(ok, message):
    print(("ok " if ok else "FAIL ") + message)
parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",), comment_prefixes=("#", ";"))
parser.optionxform = str
try:
    parser.read(path)
    check(parser.has_section("Service") and parser.has_section("Unit") and parser.has_section("Install"), "engram.service parses as INI (configparser, strict=False): [Unit] [Service] [Install]")
except configparser.Error as e:
    check(False, f"engram.service does not parse as INI: {e}")
# Every value of every key (configparser keeps only the last of repeated keys).
values, section = {}, None
for line in open(path):
    line = line.strip()
    if not line or line[0] in "#;":
        continue
    if line.startswith("["):
        section = line.strip("[]")
        continue
    key, _, value = line.partition("=")
    values.setdefault((section, key.strip()), []).append(value.strip())
def has(key, pattern, section="Service"):
    return any(re.fullmatch(pattern, v) for v in values.get((section, key), []))
required = [
    ("DynamicUser", r"yes"), ("StateDirectory", r"engram"), ("EnvironmentFile", r"-/etc/engram/engram\.env"),
    ("LoadCredential", r"api-key:/\S+"), ("Environment", r".*ENGRAM_API_KEY_FILE=%d/api-key.*"),
    ("Environment", r".*ENGRAM_DATA=(%S/engram|/var/lib/engram).*"),
    ("Restart", r"on-failure"), ("KillSignal", r"SIGTERM"), ("TimeoutStopSec", r"\d+s?|\d+min.*"),
    ("NoNewPrivileges", r"yes"), ("ProtectSystem", r"strict"), ("ProtectHome", r"yes|read-only|tmpfs"),
    ("PrivateTmp", r"yes"), ("CapabilityBoundingSet", r""), ("RestrictAddressFamilies", r".*AF_INET.*"),
    ("SystemCallFilter", r"@system-service"), ("ExecStart", r"/\S*engram serve.*"),
]
missing = [f"{k}={p}" for k, p in required if not has(k, p)]
check(not missing, "engram.service has the required settings" + (f"; missing: {missing}" if missing else ""))
timeout = values.get(("Service", "TimeoutStopSec"), ["0"])[-1]
m = re.fullmatch(r"(\d+)(s|min)?", timeout)
seconds = int(m.group(1)) * (60 if m and m.group(2) == "min" else 1) if m else 0
check(seconds >= 330, f"TimeoutStopSec {timeout} covers the default ENGRAM_REQUEST_TIMEOUT (300 s) + 30 s for the checkpoint")
PY
run_python_checks "$work/unit_checks.py" "$unit"
if command -v systemd-analyze >/dev/null 2>&1; then
  # verify checks that ExecStart's binary exists: point it at BINARY (the unit's /opt/engram/engram
  # is where it is installed, not here).
  mkdir -p "$work/unit"
  sed -E "s#^ExecStart=[^ ]+#ExecStart=$binary#" "$unit" >"$work/unit/engram.service"
  if out=$(systemd-analyze verify --man=no "$work/unit/engram.service" 2>&1) && [ -z "$out" ]; then
    pass "systemd-analyze verify (ExecStart=$binary)"
  else
    fail "systemd-analyze verify: ${out:-failed}"
  fi
  if out=$(systemd-analyze security --offline=yes --threshold=20 --no-pager "$work/unit/engram.service" 2>&1); then
    pass "systemd-analyze security: $(grep -o 'exposure level.*' <<<"$out" | sed 's/ *[^ ]*$//') (at most 2.0)"
  else
    fail "systemd-analyze security: exposure over 2.0: $(grep -o 'exposure level.*' <<<"$out" || echo "$out" | tail -n 3)"
  fi
else
  note "systemd-analyze not found: the unit was checked as INI only"
fi

# --------------------------------------------------------------------------------------------
echo "== 5. the binary: resource bundle, protected mode, health check, graceful stop"
if [ ! -x "$binary" ]; then
  fail "no binary to run"
else
  bundle=""
  for candidate in "$(dirname "$binary")"/*.resources; do
    [ -d "$candidate" ] && { bundle=$candidate; break; }
  done
  if [ -n "$bundle" ] && [ -f "$bundle/openapi.yaml" ]; then
    pass "resource bundle beside the binary: $(basename "$bundle")/openapi.yaml"
  else
    fail "no *.resources bundle with openapi.yaml beside $binary (the server reads it at start)"
  fi

  # Protected mode: on 0.0.0.0 with no key the server must refuse to start (the image relies on it).
  mkdir -p "$work/data-open"
  set +e
  env -u ENGRAM_API_KEY -u ENGRAM_API_KEY_FILE -u ENGRAM_READ_ONLY_API_KEY -u ENGRAM_READ_ONLY_API_KEY_FILE \
    -u ENGRAM_KEYS_FILE -u ENGRAM_INSECURE_NO_AUTH ENGRAM_HOST=0.0.0.0 ENGRAM_PORT=0 ENGRAM_DATA="$work/data-open" \
    timeout 20 "$binary" serve >"$work/open.log" 2>&1
  status=$?
  set -e
  if [ "$status" -ne 0 ] && [ "$status" -ne 124 ] && grep -qi 'key' "$work/open.log"; then
    pass "protected mode: no key on 0.0.0.0 refuses to start (exit $status)"
  else
    fail "protected mode: with no key on 0.0.0.0 the server did not refuse to start (exit $status): $(head -c 400 "$work/open.log")"
  fi

  # With a key file (as the image, Compose, Kubernetes and systemd give it).
  key="check-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$key" >"$work/api-key"
  mkdir -p "$work/data"
  env -u ENGRAM_API_KEY -u ENGRAM_KEYS_FILE ENGRAM_HOST=0.0.0.0 ENGRAM_PORT=0 ENGRAM_DATA="$work/data" \
    ENGRAM_API_KEY_FILE="$work/api-key" "$binary" serve --log-level notice >"$work/serve.log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -oE 'listening on https?://[^ ]*:[0-9]+' "$work/serve.log" | head -n1 | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    fail "the server did not start with ENGRAM_API_KEY_FILE on 0.0.0.0: $(head -c 600 "$work/serve.log")"
  else
    pass "starts on 0.0.0.0 with ENGRAM_API_KEY_FILE (port $port)"
    ready=1
    for _ in $(seq 1 100); do
      ENGRAM_HOST=0.0.0.0 ENGRAM_PORT=$port bash "$here/healthcheck.sh" /readyz 2>/dev/null && { ready=0; break; }
      sleep 0.1
    done
    if ENGRAM_HOST=0.0.0.0 ENGRAM_PORT=$port bash "$here/healthcheck.sh" /healthz && [ "$ready" = 0 ]; then
      pass "healthcheck.sh: /healthz and /readyz answer 200 (no key needed)"
    else
      fail "healthcheck.sh did not get 200 from /healthz and /readyz on port $port"
    fi
    if ! ENGRAM_HOST=0.0.0.0 ENGRAM_PORT=$port bash "$here/healthcheck.sh" /no-such-route 2>/dev/null; then
      pass "healthcheck.sh fails on a non-200 answer"
    else
      fail "healthcheck.sh passed on a 404"
    fi
    codes=$(python3 - "$port" "$key" <<'PY'
import sys, urllib.request, urllib.error
port, key = sys.argv[1], sys.argv[2]
def status(headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/stores", headers=headers)
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as e:
        return e.code
print(status({}), status({"api-key": key}), status({"Authorization": "Bearer " + key}))
PY
)
    if [ "$codes" = "401 200 200" ]; then
      pass "GET /v1/stores: 401 without a key, 200 with it (api-key and Bearer)"
    else
      fail "GET /v1/stores without / with the key answered $codes (want 401 200 200)"
    fi
    kill -TERM "$server_pid"
    status=0
    for _ in $(seq 1 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      fail "the server did not stop within 30 s of SIGTERM"
    else
      wait "$server_pid" || status=$?
      if [ "$status" -eq 0 ]; then
        pass "SIGTERM: graceful stop, exit 0"
      else
        fail "SIGTERM: exit status $status: $(tail -c 400 "$work/serve.log")"
      fi
    fi
  fi
  server_pid=""
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
