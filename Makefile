# sessions: JWT session management. `make demo` and `make test` do all the set-up.
SHELL := /bin/bash
APT_PACKAGES := pkg-config libssl-dev libsqlite3-dev libncursesw5-dev libcurl4 tmux libpq-dev postgresql
PY_PACKAGES := pyjwt joserfc cryptography pytest requests
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN = $(shell swift build --show-bin-path)

.PHONY: all build test demo demo-cluster tour bench bench-deps bench-build deps system-deps python-deps fuzz fuzz-build format lint clean

all: build

## Install missing Debian packages (apt-get update first, only when something is missing).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## Install missing Python test packages.
python-deps:
	@python3 -c "import jwt, joserfc, cryptography, pytest, requests" 2>/dev/null || { \
	  echo "installing Python packages: $(PY_PACKAGES)"; \
	  python3 -m pip install -q $(PY_PACKAGES) 2>/dev/null || python3 -m pip install -q --break-system-packages $(PY_PACKAGES); }

deps: system-deps python-deps

build: system-deps
	swift build

## Every test: Swift Testing suites, then the Python interoperability and CLI tests, with a
## throwaway PostgreSQL cluster (Unix socket in a temporary folder) for the PostgreSQL suites;
## a cluster that cannot start fails the run.
test: deps
	swift build --build-tests
	@pg=$$(mktemp -d); trap 'scripts/pg-cluster.sh stop "$$pg"; rm -rf "$$pg"' EXIT; \
	uri=$$(scripts/pg-cluster.sh start "$$pg" --fast) || { echo "PostgreSQL did not start"; exit 1; }; \
	echo "PostgreSQL for the tests: $$uri"; \
	SESSION_TEST_POSTGRES="$$uri" swift test --skip-build && \
	SESSION_TEST_POSTGRES="$$uri" SESSIONCTL="$(BIN)/sessionctl" python3 -m pytest -q Tests/interop

DEMO_DB := data/demo.sqlite
DEMO_SESSIONS ?= 50000

DEMO_PORT ?= 8080

## Seed data/demo.sqlite when absent, run sessiond + demo-api + simulated users on it in the
## background, and open the console (? shows every key). Quitting the console stops them all.
demo: build
	@if [ ! -f "$(DEMO_DB)" ]; then "$(BIN)/sessionctl" demo seed --db "$(DEMO_DB)" --sessions $(DEMO_SESSIONS); fi
	@"$(BIN)/sessionctl" demo traffic --db "$(DEMO_DB)" --port $(DEMO_PORT) > data/demo-traffic.log 2>&1 & traffic=$$!; \
	trap 'kill $$traffic 2>/dev/null; wait $$traffic 2>/dev/null' EXIT INT TERM; \
	sleep 2; \
	if kill -0 $$traffic 2>/dev/null; then echo "live traffic: sessiond on :$(DEMO_PORT), demo-api on :$$(( $(DEMO_PORT) + 1 ))"; \
	else echo "demo traffic did not start (see data/demo-traffic.log); opening the console anyway"; fi; \
	"$(BIN)/sessionctl" console --db "$(DEMO_DB)"

## Several instances: a PostgreSQL cluster under data/cluster (started as the postgres user
## when run as root), two sessiond instances on it sharing one key-encryption key
## (data/cluster.kek), demo traffic spread over both, and the console on the same database.
## Quitting stops everything; the cluster's files stay for the next run.
CLUSTER_DIR := data/cluster
CLUSTER_SESSIONS ?= 20000
demo-cluster: build
	@set -e; kek=data/cluster.kek; \
	if [ ! -s $$kek ]; then (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > $$kek); echo "created $$kek (the key-encryption key every instance shares)"; fi; \
	scripts/pg-cluster.sh start $(CLUSTER_DIR) > /dev/null; \
	trap 'kill $$traffic 2>/dev/null; wait $$traffic 2>/dev/null; scripts/pg-cluster.sh stop $(CLUSTER_DIR)' EXIT INT TERM; \
	db=$$(scripts/pg-cluster.sh createdb $(CLUSTER_DIR) sessions); export SESSION_KEK_FILE=$$kek; \
	if [ "$$("$(BIN)/sessionctl" sessions list --db "$$db" --limit 1 --json)" = "[]" ]; then \
	  "$(BIN)/sessionctl" demo seed --db "$$db" --sessions $(CLUSTER_SESSIONS); fi; \
	"$(BIN)/sessionctl" demo traffic --db "$$db" --port $(DEMO_PORT) --instances 2 > data/demo-cluster-traffic.log 2>&1 & traffic=$$!; \
	sleep 3; \
	if kill -0 $$traffic 2>/dev/null; then echo "two sessiond on :$(DEMO_PORT) and :$$(( $(DEMO_PORT) + 2 )), demo-api on :$$(( $(DEMO_PORT) + 1 )), PostgreSQL in $(CLUSTER_DIR)"; \
	else echo "demo traffic did not start (see data/demo-cluster-traffic.log); opening the console anyway"; fi; \
	"$(BIN)/sessionctl" console --db "$$db"

## The same store from scripts: a tour of the store commands, no terminal needed.
tour: build
	@set -e; ctl="$(BIN)/sessionctl"; db="$(DEMO_DB)"; \
	if [ ! -f "$$db" ]; then "$$ctl" demo seed --db "$$db" --sessions $(DEMO_SESSIONS); fi; \
	run() { echo; echo "$$ sessionctl $$*"; "$$ctl" "$$@"; }; \
	run sessions list --db "$$db" --state active --limit 8; \
	run keys list --db "$$db"; \
	run audit list --db "$$db" --limit 6; \
	sid=$$("$$ctl" sessions list --db "$$db" --state active --limit 1 --json | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]; print(s["id"], s["user"])'); \
	set -- $$sid; now=$$(date +%s); \
	claims="{\"iss\":\"https://auth.example\",\"sub\":\"$$2\",\"sid\":\"$$1\",\"jti\":\"demo-$$now\",\"iat\":$$now,\"exp\":$$((now+300))}"; \
	echo; echo "$$ sessionctl token sign --db $$db --typ at+jwt '$$claims'"; \
	token=$$("$$ctl" token sign --db "$$db" --typ at+jwt "$$claims"); echo "$$token"; \
	run token verify --db "$$db" --typ at+jwt "$$token"; \
	run sessions revoke "$$1" --reason "demo: revoked from make demo" --db "$$db"; \
	run token verify --db "$$db" "$$token" || echo "(exit $$?)"

## Benchmarks (separate package, release build): prints Markdown tables of ratios against
## raw OpenSSL, jwt-kit and raw SQLite measured in the same run. Seeds a 1M-session store
## once in Benchmarks/.data. Not part of `make test`; CI only compiles it (bench-build).
## A PostgreSQL cluster in Benchmarks/.data/pg (synchronous commit, as in production) carries the
## PostgreSQL rows; it is kept between runs with its 1,000,000-session database.
BENCH_PG := Benchmarks/.data/pg
## The load generator and the peer JWT libraries (Go, Rust, C), all from Debian's packages.
BENCH_APT_PACKAGES := wrk golang-go golang-github-golang-jwt-jwt-dev librust-jsonwebtoken-dev librust-serde-json-dev libjwt-dev
bench-deps: system-deps python-deps
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="$(BENCH_APT_PACKAGES)"

bench: bench-deps
	cd Benchmarks && swift build -c release --product jose-bench
	@mkdir -p Benchmarks/.data; uri=$$(scripts/pg-cluster.sh start $(BENCH_PG)); trap 'scripts/pg-cluster.sh stop $(BENCH_PG)' EXIT; \
	(cd Benchmarks && BENCH_POSTGRES="$$uri" ./.build/release/jose-bench) && \
	echo && echo "## Peers: jsonwebtoken (Rust, ring), golang-jwt (Go), libjwt (C) on the same keys and checks, one thread" && \
	Benchmarks/peers/run.sh && \
	echo && echo "## Service: sessiond (release) on loopback, loaded by wrk on the same 2 cores" && echo && \
	Benchmarks/service/run.sh && \
	echo && echo "## Time to contain: sessionctl incident with three demo-api verifiers following" && echo && \
	swift build -c release --product demo-api >/dev/null && swift build -c release --product sessionctl >/dev/null && \
	Benchmarks/contain/run.py "$$(swift build -c release --show-bin-path)" Benchmarks/.data/contain && \
	echo && echo "## Several instances: sessiond on PostgreSQL, wrk and pgbench on the same 2 cores" && echo && \
	BENCH_POSTGRES="$$uri" Benchmarks/postgres/run.sh

bench-build: system-deps
	cd Benchmarks && swift build --product jose-bench
	bash -n Benchmarks/service/run.sh
	bash -n Benchmarks/postgres/run.sh
	bash -n Benchmarks/peers/run.sh
	python3 -m py_compile Benchmarks/contain/run.py

## libFuzzer targets for the token and JWK parsers (RUNS inputs each).
RUNS ?= 1000000
fuzz-build: system-deps
	Fuzz/build.sh

fuzz: fuzz-build
	Fuzz/run.sh $(RUNS)

## Formatting: `make format` rewrites the sources to the project's style (.swift-format);
## `make lint` fails on any difference (CI runs it).
FORMATTED := Sources Tests Benchmarks/Sources Fuzz/Targets
format:
	swift format -i -r $(FORMATTED)

lint:
	swift format lint --strict -r $(FORMATTED)

clean:
	rm -rf .build Fuzz/.build Benchmarks/.build
