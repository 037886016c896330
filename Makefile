# partychain. `make run` starts a single-node dev chain; `make test` runs
# every check CI runs (.ci/run calls it).

GO       ?= go
BUILD    := build
BIN      := $(BUILD)/partychaind
VERSION  := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/partychain/partychain/app.Version=$(VERSION)
DEV_HOME ?= $(or $(PARTYCHAIN_HOME),$(HOME)/.partychain)
# Each fuzz target runs a count of executions (FUZZ_TARGETS), about 8 s on
# the reference machine; FUZZTIME=30s (say) runs every target that long
# instead. Counts, not seconds, by default: Go 1.26's fuzz coordinator can
# fail a target with "context deadline exceeded" when a wall-clock -fuzztime
# ends under load (golang/go#75804, fixed in Go 1.27); a count has no
# deadline to race.
FUZZTIME ?=
# Minimizing each new interesting input or crash takes at most this many runs
# (go test's default, up to 60 s each, would eat a short run of an expensive target).
FUZZMINIMIZETIME ?= 20x
FAULT_ROUNDS ?= 5
TOOLS    := $(BUILD)/tools

.PHONY: all build install run test unit race race-if-cgo fault fuzz-short proto proto-check lint bench clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/partychaind

install:
	$(GO) install -ldflags '$(LDFLAGS)' ./cmd/partychaind

# A single-node dev chain on embedded defaults. The home is created on first
# run with an UNENCRYPTED test keyring holding the root secretary ("secretary").
# init writes config/client.toml naming that keyring, so later commands on
# the home need no --keyring-backend; a home made before client settings
# existed gets the same line here.
run: build
	@test -f $(DEV_HOME)/config/genesis.json || \
		$(BIN) init dev --home $(DEV_HOME) --keyring-backend test
	@test -f $(DEV_HOME)/config/client.toml || ! test -f $(DEV_HOME)/keyring-test/secretary.json || \
		printf 'keyring-backend = "test"\n' > $(DEV_HOME)/config/client.toml
	$(BIN) start --home $(DEV_HOME)

# Everything CI checks: formatting, vet, generated code, all tests (the
# multi-node and crash tests run real processes on 127.0.0.1), short fuzzing.
test: lint proto-check unit race-if-cgo fuzz-short

# The second line runs the upgrade tests against a build that knows the
# test-only app version 4 (app/maxversion_upgradetest.go).
unit:
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags upgradetest ./app -run Upgrade

# The packages where goroutines meet (CheckTx and Query beside a block,
# Commit beside committed reads, the peer watchers) under the race detector.
race:
	$(GO) test -race -count=1 ./state ./app ./consensus

# The race detector needs cgo and a C compiler; without one, say so.
race-if-cgo:
	@if [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null; then \
		$(MAKE) --no-print-directory race; \
	else echo "race: skipped (the race detector needs cgo and a C compiler)"; fi

# Fault tests (cmd/partychaind/fault_e2e_test.go): four validators as real
# processes on 127.0.0.1 under load, through kill -9 and restart, two of four
# stopped, SIGSTOP/SIGCONT, full restarts, and an unknown node refused,
# admitted and revoked. `make test` runs one round; this runs FAULT_ROUNDS.
fault:
	PARTYCHAIN_FAULT_ROUNDS=$(FAULT_ROUNDS) $(GO) test -count=1 -run '^TestFaults$$' -timeout 90m -v ./cmd/partychaind

# Every fuzz target, as package:Target:executions (docs/testing.md says
# what each checks); `make fuzz-short` runs each, one after the other. The
# counts are about 8 s each at the rates measured here (83 to 6,800 a
# second).
FUZZ_TARGETS := \
	./app:FuzzDecodeTx:16000x ./app:FuzzCheckTx:10000x ./app:FuzzSignedBlocks:600x ./app:FuzzQuery:5000x \
	./app:FuzzParams:8000x ./app:FuzzGenesis:25000x ./cmd/internal/card:FuzzDecode:40000x \
	./cmd/internal/roster:FuzzParseRoster:20000x ./cmd/internal/receipt:FuzzParse:25000x \
	./cmd/internal/card:FuzzDecodeDisclosure:40000x

# The fuzz cache (new inputs each run found) is cleared first: it grows with
# every run on one machine, and once gathering its baseline coverage takes
# most of FUZZTIME, go test fails a target with "context deadline exceeded".
# A clean CI machine starts empty anyway; crashers stay in testdata/fuzz.
fuzz-short:
	$(GO) clean -fuzzcache
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; budget=$${rest#*:}; \
		[ -z "$(FUZZTIME)" ] || budget=$(FUZZTIME); \
		echo "fuzz $$name ($$pkg) for $$budget"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $$budget -fuzzminimizetime $(FUZZMINIMIZETIME); \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\.go$$')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

$(TOOLS)/buf $(TOOLS)/protoc-gen-gocosmos: scripts/tools/go.mod scripts/tools/go.sum
	cd scripts/tools && $(GO) build -o ../../$(TOOLS)/ github.com/bufbuild/buf/cmd/buf github.com/cosmos/gogoproto/protoc-gen-gocosmos

# Regenerate the committed Go code from proto/ (no network once the pinned
# tools are built: gogo.proto is vendored, buf uses no registry).
proto: $(TOOLS)/buf $(TOOLS)/protoc-gen-gocosmos
	cd proto && PATH=$(CURDIR)/$(TOOLS):$$PATH buf generate --path partychain

# Fails if the committed generated code differs from what `make proto` writes.
proto-check: proto
	@if [ -n "$$(git status --porcelain -- proto)" ]; then \
		git status --short -- proto; \
		echo "generated code differs from the commit: run make proto and commit"; exit 1; fi

# App benchmarks (figures in docs/performance.md).
bench:
	scripts/bench

# A local network of validators on 127.0.0.1 (scripts/localnet): build/localnet
# holds the node homes, logs/ and pids/. `make localnet-start N=7` for 7 nodes
# (default 4). Keys are in UNENCRYPTED test keyrings: development only.
.PHONY: localnet-start localnet-stop localnet-reset localnet-status

localnet-start:
	scripts/localnet start $(N)

localnet-stop:
	scripts/localnet stop

localnet-reset:
	scripts/localnet reset

localnet-status:
	scripts/localnet status

clean:
	rm -rf $(BUILD)
