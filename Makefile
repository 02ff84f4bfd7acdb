# sessions: JWT session management. `make demo` and `make test` do all the set-up.
SHELL := /bin/bash
APT_PACKAGES := pkg-config libssl-dev libsqlite3-dev libncursesw5-dev tmux
PY_PACKAGES := pyjwt joserfc cryptography pytest requests
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN = $(shell swift build --show-bin-path)

.PHONY: all build test demo deps system-deps python-deps fuzz fuzz-build clean

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

## Every test: Swift Testing suites, then the Python interoperability and CLI tests.
test: deps
	swift build --build-tests
	swift test --skip-build
	SESSIONCTL="$(BIN)/sessionctl" python3 -m pytest -q Tests/interop

## Until the console lands: generate a key, sign a token, decode and verify it.
demo: build
	@set -e; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	ctl="$(BIN)/sessionctl"; \
	echo "$$ sessionctl keys generate --alg ES256 --kid demo-key > key.json"; \
	"$$ctl" keys generate --alg ES256 --kid demo-key > "$$dir/key.json"; \
	now=$$(date +%s); claims="{\"iss\":\"https://auth.example\",\"sub\":\"alice\",\"aud\":\"orders\",\"iat\":$$now,\"exp\":$$((now+300)),\"jti\":\"demo-1\"}"; \
	echo "$$ sessionctl token sign --jwk key.json --typ at+jwt '$$claims'"; \
	token=$$("$$ctl" token sign --jwk "$$dir/key.json" --typ at+jwt "$$claims"); echo "$$token"; echo; \
	echo "$$ sessionctl token decode TOKEN"; "$$ctl" token decode "$$token"; echo; \
	echo "$$ sessionctl token verify --jwk key.json --issuer https://auth.example --audience orders --typ at+jwt TOKEN"; \
	"$$ctl" token verify --jwk "$$dir/key.json" --issuer https://auth.example --audience orders --typ at+jwt "$$token"; echo; \
	echo "$$ sessionctl token verify --jwk key.json --audience billing TOKEN"; \
	"$$ctl" token verify --jwk "$$dir/key.json" --audience billing "$$token" || echo "(exit $$?)"

## libFuzzer targets for the token and JWK parsers (RUNS inputs each).
RUNS ?= 1000000
fuzz-build: system-deps
	Fuzz/build.sh

fuzz: fuzz-build
	Fuzz/run.sh $(RUNS)

clean:
	rm -rf .build Fuzz/.build
