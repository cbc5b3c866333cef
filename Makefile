# modscope: two commands do everything on a fresh Debian machine.
#   make run    installs what is missing, builds, opens the window on the bundled sample game
#   make test   installs what is missing, runs every test (vet, race, bounded fuzzing)
GO ?= go
BIN := bin/modscope
FUZZTIME ?= 10s

.PHONY: run test deps build vet bench fuzz window-test clean

deps:
	@./scripts/deps.sh

build: deps
	$(GO) build -o $(BIN) .

run: build
	./$(BIN)

vet: deps
	$(GO) vet ./...

test: deps vet
	$(GO) test -race -timeout 30m ./...
	$(MAKE) --no-print-directory window-test
	$(MAKE) --no-print-directory fuzz

# The real binary under Xvfb, driven with xdotool and screenshotted (the
# screenshots go to a temporary folder; docs/screenshots holds the README's).
window-test:
	MODSCOPE_XVFB=1 MODSCOPE_SCREENSHOT_DIR=$$(mktemp -d) $(GO) test -count=1 -run TestScreenshots ./ui

# Each fuzz target runs for a bounded time (FUZZTIME) so CI stays predictable.
fuzz:
	@./scripts/fuzz.sh $(FUZZTIME)

bench: deps
	$(GO) test -run XXX -bench . -benchmem ./...

clean:
	rm -rf bin
