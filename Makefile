# modscope: two commands do everything on a fresh Debian machine.
#   make run    installs what is missing, builds, opens the window on the bundled sample game
#   make test   installs what is missing, runs every test (vet, race, bounded fuzzing)
#   make package  a desktop bundle (dist/modscope.tar.xz) with Fyne's packaging tool
#   make install  installs that bundle for the user (~/.local: binary, .desktop entry, icon)
GO ?= go
BIN := bin/modscope
FUZZTIME ?= 10s

.PHONY: run test deps build vet bench fuzz window-test clean generate package install
# Fyne's packaging tool, run from the Go module proxy (nothing to install).
FYNE ?= $(GO) run fyne.io/tools/cmd/fyne@v1.7.4

deps:
	@./scripts/deps.sh

# cli/version.go from FyneApp.toml, the one place the version is kept.
generate:
	$(GO) generate ./cli

build: deps generate
	$(GO) build -o $(BIN) .

# The bundle: the binary (stripped), a .desktop entry and the icon under
# usr/local, and a Makefile that installs them; FyneApp.toml gives the name,
# id, icon and version (fyne package rewrites FyneApp.toml, counting builds
# and dropping its comments: the recipe puts ours back).
package: deps generate
	rm -rf dist && mkdir -p dist/bin
	$(GO) build -ldflags "-s -w" -o dist/bin/modscope .
	cp FyneApp.toml dist/FyneApp.toml.orig
	$(FYNE) package --target linux --release --executable dist/bin/modscope; \
	  status=$$?; cp dist/FyneApp.toml.orig FyneApp.toml; exit $$status
	mv modscope.tar.xz dist/
	tar -tJf dist/modscope.tar.xz | grep -q 'share/applications/dev.modscope.app.desktop$$'
	@echo "package: dist/modscope.tar.xz ($$(dist/bin/modscope version))"

# For the user, no root needed: ~/.local/bin/modscope, its .desktop entry and icon.
install: package
	tar -xJf dist/modscope.tar.xz -C dist
	$(MAKE) --no-print-directory -C dist/modscope user-install
	@echo "install: ~/.local/bin/modscope (add ~/.local/bin to PATH if it is not there)"

run: build
	./$(BIN)

vet: deps
	$(GO) vet ./...

test: deps vet
	$(GO) test -race -timeout 30m ./...
	cd third_party/gopher-lua && $(GO) test -race -timeout 20m ./...  # its own module: upstream suites + Lua 5.3 tests
	$(MAKE) --no-print-directory window-test
	$(MAKE) --no-print-directory fuzz

# The real binary under Xvfb, driven with xdotool and screenshotted (the
# screenshots go to a temporary folder; docs/screenshots holds the README's).
window-test:
	MODSCOPE_XVFB=1 MODSCOPE_SCREENSHOT_DIR=$$(mktemp -d) $(GO) test -count=1 -run 'TestScreenshots|TestLargeGameUnderXvfb' ./ui

# Each fuzz target runs for a bounded time (FUZZTIME) so CI stays predictable.
fuzz:
	@./scripts/fuzz.sh $(FUZZTIME)

bench: deps
	$(GO) test -run XXX -bench . -benchmem ./...

clean:
	rm -rf bin dist
