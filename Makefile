# imgo: outcomes and bias analytics for IMG mentorship programs.
#
#   make            build build/imgo
#   make demo       install what is missing, build, run the main job on fixtures/demo
#   make test       install what is missing, build, run every test
#   make check      the same tests in a build with ASan and UBSan
#   make bench      national-scale benchmarks (slow; not part of test)
#   make fuzz       libFuzzer harnesses (clang) for FUZZ_SECONDS each (60)
#   make install    PREFIX=/usr/local DESTDIR=: the binary, imgo(1), bash
#                   completion, pipelines, maps and documentation
#   make docs       regenerate the generated part of docs/PIPELINES.md
#
# The stages live in src/core, src/ingest, src/compute, src/report,
# src/synth and src/cli; every src/*/*.c but src/cli/main.c goes into the
# static library build/libimgo.a; every tests/*/test_*.c is a cmocka test
# program linked against it.

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
PKGS    := sqlite3 gsl nettle glib-2.0 xlsxwriter
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARN := -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes \
        -Wvla -Wwrite-strings -Wshadow -Wformat=2 -Wno-format-nonliteral
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
# The fuzz build (make fuzz): clang, instrumented for libFuzzer; a small read
# chunk and record limit so that short inputs reach the reader's edges.
ifeq ($(FUZZ),1)
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer -DCSVREAD_CHUNK=512 -DCSVREAD_RECORD_MAX=32768
endif

CFLAGS  ?= -O2 -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -DIMGO_VERSION='"$(VERSION)"' \
              -DIMGO_PREFIX='"$(PREFIX)"' -Iinclude $(PKG_CFLAGS) $(WARN) $(SANFLAGS) $(CFLAGS) -MMD -MP
LDLIBS := $(PKG_LIBS) -lcsv -lglpk -lm
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)

LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/*/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

# Keep test objects: they are inputs of the dependency files.
.SECONDARY:

FUZZ_SECONDS ?= 60
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all deps depcheck depcheck-tests demo test test-run check bench fuzz fuzz-run install docs clean

all: $(BUILD)/imgo $(BUILD)/imgo.1 $(BUILD)/imgo.bash-completion

# Before anything compiles: the libraries are there, or make names the
# Debian packages to install (make deps) instead of a compiler error.
depcheck:
	@CC='$(CC)' sh scripts/check-deps.sh
depcheck-tests:
	@CC='$(CC)' sh scripts/check-deps.sh tests

$(BUILD)/%.o: %.c | depcheck
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(TEST_SRC:%.c=$(BUILD)/%.o): | depcheck-tests

$(BUILD)/libimgo.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/imgo: $(BUILD)/src/cli/main.o $(BUILD)/libimgo.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The man page and the completion come from the command table of the binary
# itself, so they cannot disagree with --help.
$(BUILD)/imgo.1: $(BUILD)/imgo
	$(BUILD)/imgo help --man >$@.tmp && mv $@.tmp $@
$(BUILD)/imgo.bash-completion: $(BUILD)/imgo
	$(BUILD)/imgo help --completion >$@.tmp && mv $@.tmp $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libimgo.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(shell pkg-config --libs cmocka 2>/dev/null) $(LDLIBS)

deps:
	@sh scripts/install-deps.sh

# Targets that must work on a fresh machine install first, then re-enter make
# so that pkg-config sees the freshly installed libraries.
demo: deps
	@$(MAKE) --no-print-directory demo-run

test: deps
	@$(MAKE) --no-print-directory test-run

check: deps
	@$(MAKE) --no-print-directory BUILD=build/san SAN=1 CFLAGS='-O1 -g' test-run

test-run: $(BUILD)/imgo $(BUILD)/imgo.1 $(BUILD)/imgo.bash-completion $(TEST_BIN)
	@BUILD=$(BUILD) sh tests/run.sh

demo-run: $(BUILD)/imgo
	@BUILD=$(BUILD) sh scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/imgo
	@BUILD=$(BUILD) sh scripts/bench.sh

fuzz:
	@IMGO_WITH_FUZZ=1 sh scripts/install-deps.sh
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang FUZZ=1 CFLAGS='-O1 -g' fuzz-run

fuzz-run: $(FUZZ_BIN)
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh scripts/fuzz.sh $(FUZZ_BIN)

$(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/libimgo.a
	$(CC) -fsanitize=fuzzer,address,undefined $(LDFLAGS) -o $@ $^ $(LDLIBS)

# PREFIX is also compiled in (where imgo run looks for pipelines by name);
# the installed binary finds its pipelines relative to itself first, so a
# DESTDIR staging install works before the files reach PREFIX.
SHARE := $(DESTDIR)$(PREFIX)/share
install: $(BUILD)/imgo $(BUILD)/imgo.1 $(BUILD)/imgo.bash-completion
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/man/man1 $(SHARE)/bash-completion/completions \
	    $(SHARE)/imgo/pipelines $(SHARE)/doc/imgo
	install -m 0755 $(BUILD)/imgo $(DESTDIR)$(PREFIX)/bin/imgo
	install -m 0644 $(BUILD)/imgo.1 $(SHARE)/man/man1/imgo.1
	install -m 0644 $(BUILD)/imgo.bash-completion $(SHARE)/bash-completion/completions/imgo
	install -m 0644 pipelines/*.pipeline $(SHARE)/imgo/pipelines/
	install -m 0644 README.md docs/*.md $(SHARE)/doc/imgo/
	@if [ -d maps ]; then \
	    find maps -type d | while IFS= read -r d; do install -d "$(SHARE)/imgo/$$d" || exit 1; done && \
	    find maps -type f | while IFS= read -r f; do install -m 0644 "$$f" "$(SHARE)/imgo/$$f" || exit 1; done; \
	fi

docs: $(BUILD)/imgo
	sh scripts/gen-docs.sh $(BUILD)/imgo

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/cli/main.d $(TEST_BIN:=.d) $(FUZZ_BIN:$(BUILD)/%=$(BUILD)/tests/fuzz/%.d)
