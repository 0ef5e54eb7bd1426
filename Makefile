# Engram: `make test` builds and runs every test (Swift suites, contract fuzzing, deployment checks);
# `make bench` (and bench-small, bench-service) measures; `make run` serves; `make examples` (and
# examples-quick) reproduces the tutorial and the paper's figures (examples/; Figure 1 at its own scale).
# Each target installs the system libraries it needs when they are missing (Debian/Ubuntu, apt).

SWIFT ?= swift
# Temporary files go under .build/tmp, not /tmp: every `swift build` and `swift test` leaves a few
# empty TemporaryDirectory.* of SwiftPM's own there, and a test process that is killed cannot remove
# its data directory. (The suites remove everything they create when they end.) `make clean` removes it.
export TMPDIR := $(CURDIR)/.build/tmp
$(shell mkdir -p $(TMPDIR))
APT_PACKAGES := libopenblas-dev libsleef-dev zlib1g-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps pydeps build release run test check client-test examples-check hostile fuzz fuzz-build fuzz-smoke fuzz-long deploy-check spec bench bench-small bench-service examples examples-quick examples-pydeps fixtures clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product engram

# Starts the server on 127.0.0.1:8080 with ./data as its data directory (ENGRAM_HOST, ENGRAM_PORT and
# ENGRAM_DATA override).
run: release
	.build/release/engram serve

# Every test: the Swift suites, the Python client, the examples (--quick) and the hostile-client suite against the built server, then schemathesis against it, then the deployment
# checks (a static release build, as the Dockerfile makes it).
test: check client-test examples-check hostile fuzz fuzz-smoke deploy-check

# The Swift suites alone (unit, in-process HTTP, and the built server as a process).
check: deps spec pydeps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

# The hostile-client suite (Tests/Hostile/hostile.py): the attacks of issue 18 against the debug server
# under an address-space cap, each answered 4xx or 503 with the server alive, its memory bounded and
# /healthz answering; prints each attack's CPU, peak memory and /healthz latencies (about 1 minute).
# `python3 Tests/Hostile/hostile.py --binary .build/release/engram --report` measures at full sizes.
hostile: deps
	$(SWIFT) build --product engram
	python3 -c "import numpy" 2>/dev/null || python3 -m pip install --quiet numpy
	python3 Tests/Hostile/hostile.py --binary .build/debug/engram

# Contract fuzzing: schemathesis (installed from PyPI when missing) against the debug server.
fuzz: deps
	$(SWIFT) build
	bash .ci/schemathesis.sh .build/debug/engram

# The parsers under libFuzzer (fuzz/): the safetensors, .npy, .npz, numeric JSON and log frame readers
# and key-pattern matching, each built with -sanitize=fuzzer,address (fuzz/build.sh) and run from its
# seed corpus in fuzz/corpus/ (fuzz/run.sh prints executions per second and in total). fuzz-smoke
# runs each target for FUZZ_SECONDS (20 s; `make test` runs it), fuzz-long for FUZZ_LONG_SECONDS (10 minutes).
FUZZ_SECONDS ?= 20
FUZZ_LONG_SECONDS ?= 600
fuzz-build: build
	bash fuzz/build.sh

fuzz-smoke: fuzz-build
	bash fuzz/run.sh $(FUZZ_SECONDS)

fuzz-long: fuzz-build
	bash fuzz/run.sh $(FUZZ_LONG_SECONDS)

# deploy/: the runtime image's packages provide every library the release binary links; the
# manifests and the systemd unit parse.
deploy-check: deps
	$(SWIFT) build -c release --product engram --static-swift-stdlib --scratch-path .build-deploy
	bash deploy/check.sh .build-deploy/release/engram

# Python packages the tests use: numpy and safetensors, to read snapshots as a lab would.
pydeps:
	@python3 -c "import numpy, safetensors" 2>/dev/null || python3 -m pip install --quiet numpy safetensors

# The Python client (clients/python) against the built debug server, which its tests start themselves
# (ENGRAM_BINARY overrides which). Installs the client editable, with pytest, when they are not
# importable from this tree, and pytest and scipy (the structured features' tests compare with
# scipy.linalg.hadamard); then checks that nothing the install and the tests left is untracked and unignored.
ENGRAM_BINARY ?= .build/debug/engram
client-test: build pydeps
	@python3 -c "import os, sys, engram_client; sys.exit(not os.path.realpath(engram_client.__file__).startswith(os.path.realpath('clients/python') + os.sep))" 2>/dev/null \
		|| python3 -m pip install --quiet -e clients/python
	@python3 -c "import pytest, scipy" 2>/dev/null || python3 -m pip install --quiet pytest scipy
	ENGRAM_BINARY=$(ENGRAM_BINARY) python3 -m pytest -q clients/python/tests
	@left=$$(git ls-files --others --exclude-standard clients/python); \
		if [ -n "$$left" ]; then echo "installing and testing the client left files neither tracked nor ignored:"; echo "$$left"; exit 1; fi

# Validates openapi.yaml as OpenAPI 3.1 (installs openapi-spec-validator from PyPI when missing).
spec:
	@python3 -c "import openapi_spec_validator" 2>/dev/null || python3 -m pip install --quiet openapi-spec-validator
	python3 -m openapi_spec_validator openapi.yaml

bench: release
	.build/release/engram bench

# Small batches beside numpy (bench/numpy_descent.py) in the same run.
bench-small: release pydeps
	.build/release/engram bench --small

# The service under load: the built server and wrk (installed when missing) on loopback.
bench-service: release
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }
	.build/release/engram bench --service

# The tutorial and the paper's figures in small (examples/): a release build, then examples/run.py
# starts it on a free loopback port with a temporary data directory, runs the four examples and
# stops it. Pictures go to examples/out/. `make test` runs them in their --quick settings (examples-check).
examples: release examples-pydeps
	python3 examples/run.py

examples-quick: release examples-pydeps
	python3 examples/run.py --quick

# The four examples in their --quick settings on the debug build, as `make test` runs them: each must
# finish and draw its picture.
examples-check: build examples-pydeps
	python3 examples/run.py --quick --binary .build/debug/engram

# Python packages the examples use (installed from PyPI when missing).
examples-pydeps:
	@python3 -c "import numpy, requests, matplotlib, sklearn" 2>/dev/null || python3 -m pip install --quiet numpy requests matplotlib scikit-learn

# Regenerates the numpy reference fixtures (needs python3 with numpy; the structured ones scipy too).
fixtures:
	python3 Tests/ServerTests/Fixtures/make_fixtures.py
	python3 Tests/ServerTests/Fixtures/make_drdam_fixtures.py
	python3 Tests/ServerTests/Fixtures/make_sorf_fixtures.py

clean:
	rm -rf .build
