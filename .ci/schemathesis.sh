#!/usr/bin/env bash
# Fuzzes the built server against its own OpenAPI document with schemathesis (4.x): the examples,
# coverage, fuzzing and stateful phases (the stateful one follows the document's links: a store
# created, memories added, recalled from, looked up by their ids, snapshots taken and restored),
# checking that no answer is a 5xx and that every status, content type and body is the documented one.
#
#   .ci/schemathesis.sh [BINARY]        (default .build/debug/engram)
#
# The server runs on a free loopback port with a fresh data directory and a generated API key, sent
# with every request. Schemathesis reads the document the server serves at /openapi.yaml, narrowed
# for generation only (the Python below: dimension 2 and vectors of 2 numbers, so that generated
# memories fit the stores they are added to; few vectors, shallow recalls and few features, so that
# requests finish at once; a few store names and ids; no query parameters that only go with NumPy
# bodies, which it cannot generate valid). The narrowing only narrows: every request it
# allows the served document allows too, and responses are checked against the served document's
# schemas unchanged. It adds one link (GET /v1/stores to PUT /v1/stores/{name}, passing nothing) so
# that stateful scenarios can begin by creating a store.
#
# Two passes on one server: examples, coverage and fuzzing first, on a few store names (s0…s3) so
# that requests meet the stores earlier ones made; then the stateful phase, on any names (its
# scenarios create a store and carry its name along the links).
#
# Knobs (environment): SCHEMATHESIS_MAX_EXAMPLES (per operation, default 40),
# SCHEMATHESIS_STATELESS_TIME and SCHEMATHESIS_STATEFUL_TIME (seconds for each pass, default 75 and
# 90), SCHEMATHESIS_SEED (default 1: the same cases every run; set another to explore),
# SCHEMATHESIS_WORKERS (default 1: more threads trip a CPython 3.11 ast.parse race inside
# hypothesis), SCHEMATHESIS_REPORT_DIR (HAR files of every request and JUnit reports there).
# Exits with schemathesis's status (the first pass's that failed), or 1 when the server did not stop
# cleanly after clean passes.
set -euo pipefail

cd "$(dirname "$0")/.."
binary=${1:-.build/debug/engram}
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-40}
stateless_time=${SCHEMATHESIS_STATELESS_TIME:-75}
stateful_time=${SCHEMATHESIS_STATEFUL_TIME:-90}
seed=${SCHEMATHESIS_SEED:-1}
workers=${SCHEMATHESIS_WORKERS:-1}
report_dir=${SCHEMATHESIS_REPORT_DIR:-}

if [[ ! -x "$binary" ]]; then
    echo "schemathesis.sh: no server binary at $binary (swift build first, or pass its path)" >&2
    exit 2
fi

# Schemathesis 4 (its CLI differs from 3.x: --phases, --max-time, -n, --generation-database).
if ! python3 -c 'import sys, schemathesis; sys.exit(0 if schemathesis.__version__.split(".")[0] == "4" else 1)' 2>/dev/null; then
    python3 -m pip install --quiet 'schemathesis>=4,<5'
fi
echo "schemathesis $(python3 -c 'import schemathesis; print(schemathesis.__version__)')"

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
mkdir "$work/data"
# Port 0: the server picks a free port and logs it ("listening on http://127.0.0.1:PORT").
ENGRAM_API_KEY="$key" "$binary" serve --host 127.0.0.1 --port 0 --data "$work/data" --log-level notice \
    >"$work/server.log" 2>&1 &
server_pid=$!

port=
for _ in $(seq 1 600); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "schemathesis.sh: the server exited at start:" >&2
        cat "$work/server.log" >&2
        exit 1
    fi
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/server.log" | head -n 1)
    [[ -n "$port" ]] && break
    sleep 0.1
done
if [[ -z "$port" ]]; then
    echo "schemathesis.sh: the server did not say which port it listens on:" >&2
    cat "$work/server.log" >&2
    exit 1
fi
base="http://127.0.0.1:$port"

ready=
for _ in $(seq 1 600); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)" == 200 ]]; then
        ready=1
        break
    fi
    sleep 0.1
done
if [[ -z "$ready" ]]; then
    echo "schemathesis.sh: $base/readyz did not answer 200 within 60 s:" >&2
    cat "$work/server.log" >&2
    exit 1
fi
echo "server $binary on $base (pid $server_pid), data $work/data"

# The document as served (it needs the key), narrowed for generation.
curl -sf --max-time 10 -H "api-key: $key" "$base/openapi.yaml" -o "$work/served.yaml"
python3 - "$work/served.yaml" "$work/stateless.yaml" "$work/stateful.yaml" <<'EOF'
import sys
import yaml

with open(sys.argv[1]) as f:
    doc = yaml.safe_load(f)


def narrow(schema, where, **bounds):
    """Raises minima and lowers maxima of `schema`: never loosens it."""
    for keyword, value in bounds.items():
        old = schema.get(keyword)
        if old is not None and (value > old if keyword.startswith("max") else value < old):
            sys.exit(f"narrow: {where}.{keyword} would loosen from {old} to {value}")
        schema[keyword] = value


def body_of(document, path, method):
    return document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["properties"]


def body(path, method):
    return body_of(doc, path, method)


# Dimension 2 everywhere, so that every generated vector fits every store (a wrong length is still
# tried: the coverage phase sends rows of other lengths as negative cases).
schemas = doc["components"]["schemas"]
narrow(schemas["Dim"], "Dim", minimum=2, maximum=2)
narrow(schemas["CreateDrdam"]["properties"]["features"], "CreateDrdam.features", maximum=64)
narrow(schemas["Row"], "Row", minItems=2, maxItems=2)
narrow(schemas["Memories"], "Memories", maxItems=3)
narrow(schemas["Queries"], "Queries", maxItems=3)
narrow(body("/v1/stores/{name}/memories", "post")["ids"], "addMemories.ids", maxItems=3)
recall = body("/v1/stores/{name}/recall", "post")
narrow(recall["depth"], "recall.depth", maximum=64)
shared, per_query = recall["clamp"]["oneOf"]
narrow(shared, "recall.clamp (shared)", minItems=2, maxItems=2)
narrow(per_query, "recall.clamp (per query)", maxItems=3)
narrow(per_query["items"], "recall.clamp (per query) items", minItems=2, maxItems=2)

# The query parameters of addMemories, recall and energy go only with an .npy or .npz body, which
# generation cannot make valid (beside a JSON body they are answered 400): left out, so that generated
# JSON bodies reach the stores and the computations.
for path in ["/v1/stores/{name}/memories", "/v1/stores/{name}/recall", "/v1/stores/{name}/energy"]:
    del doc["paths"][path]["post"]["parameters"]

# Schemathesis 4 starts a stateful scenario only at a POST, or a GET without path parameters, that
# has links; PUT createStore would be reached only through a link into it. This one (no values
# passed: the store's name and configuration are generated) lets scenarios begin by creating a store
# and go on along the document's own links from createStore.
doc["paths"]["/v1/stores"]["get"]["responses"]["200"].setdefault("links", {})["CreateStore"] = {"operationId": "createStore"}


# The stateful pass: adds without ids (ids of the wrong count, or any for a drdam store, would end
# most scenarios at their first add; explicit ids are tried in the stateless pass), and no scenario
# starting at a snapshot upload (generated bytes are never a valid snapshot).
stateful = yaml.safe_load(yaml.safe_dump(doc))
del body_of(stateful, "/v1/stores/{name}/memories", "post")["ids"]
for response in stateful["paths"]["/v1/stores/{name}/snapshots/upload"]["post"]["responses"].values():
    response.pop("links", None)
with open(sys.argv[3], "w") as f:
    yaml.safe_dump(stateful, f, sort_keys=False, allow_unicode=True)

# The stateless pass: a few store names and memory ids, so that generated requests meet the stores
# and memories that earlier ones made (the served document allows any name matching its pattern).
doc["components"]["parameters"]["StoreName"]["schema"]["enum"] = ["s0", "s1", "s2", "s3"]
schemas["MemoryId"]["enum"] = ["1", "2", "3", "4", "a", "b"]
with open(sys.argv[2], "w") as f:
    yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)
EOF

# Stateful scenarios of up to 12 steps (default 6): list, create, add, then several uses of the store.
cat >"$work/schemathesis.toml" <<'TOML'
[phases.stateful]
max-steps = 12
[phases.stateful.inference]
algorithms = []
TOML

# run NAME DOCUMENT PHASES SECONDS EXAMPLES: one schemathesis pass; its status joins `status`.
status=0
run() {
    local name=$1 document=$2 phases=$3 seconds=$4 examples=$5 report=()
    if [[ -n "$report_dir" ]]; then
        mkdir -p "$report_dir"
        report=(--report har,junit --report-har-path "$report_dir/$name.har" --report-junit-path "$report_dir/$name.xml")
    fi
    echo "== schemathesis, $name pass: $phases, at most $seconds s"
    local pass=0
    python3 -m schemathesis.cli --config-file "$work/schemathesis.toml" run "$document" \
        --url "$base" \
        --header "api-key: $key" \
        --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
        --phases "$phases" \
        --max-examples "$examples" \
        --max-time "$seconds" \
        --seed "$seed" \
        --workers "$workers" \
        --request-timeout 60 \
        --generation-database none \
        --generation-with-security-parameters false \
        --suppress-health-check too_slow,filter_too_much,data_too_large \
        --no-color "${report[@]}" || pass=$?
    if [[ "$status" -eq 0 ]]; then status=$pass; fi
}
run stateless "$work/stateless.yaml" examples,coverage,fuzzing "$stateless_time" "$max_examples"
run stateful "$work/stateful.yaml" stateful "$stateful_time" 100000

# SIGTERM: in-flight requests finish, a checkpoint is written, the server exits 0.
kill -TERM "$server_pid" 2>/dev/null || true
server_status=0
for _ in $(seq 1 600); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$server_pid" 2>/dev/null; then
    echo "schemathesis.sh: the server did not stop within 60 s of SIGTERM" >&2
    kill -KILL "$server_pid" 2>/dev/null || true
    server_status=1
fi
wait "$server_pid" || server_status=$?
server_pid=

if grep -q "unexpected error" "$work/server.log"; then
    echo "schemathesis.sh: the server logged unexpected errors (500s):" >&2
    grep "unexpected error" "$work/server.log" | head -n 20 >&2
fi
if [[ "$status" -ne 0 ]]; then
    echo "schemathesis.sh: schemathesis failed ($status); the server's log ends:" >&2
    tail -n 40 "$work/server.log" >&2
    exit "$status"
fi
if [[ "$server_status" -ne 0 ]]; then
    echo "schemathesis.sh: the server exited $server_status after SIGTERM; its log ends:" >&2
    tail -n 40 "$work/server.log" >&2
    exit 1
fi
echo "schemathesis.sh: passed; the server stopped cleanly"
