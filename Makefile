# imgo: outcomes and bias analytics for IMG mentorship programs.
#
#   make            build build/imgo
#   make demo       install what is missing, build, run the main job on fixtures/demo
#   make test       install what is missing, build, run every test
#   make check      the same tests in a build with ASan and UBSan
#   make bench      national-scale benchmarks (slow; not part of test)
#   make fuzz       libFuzzer harnesses (clang) for FUZZ_SECONDS each (60)
#   make install    PREFIX=/usr/local DESTDIR=
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
              -Iinclude $(PKG_CFLAGS) $(WARN) $(SANFLAGS) $(CFLAGS) -MMD -MP
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

.PHONY: all deps demo test test-run check bench fuzz fuzz-run install clean

all: $(BUILD)/imgo

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libimgo.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/imgo: $(BUILD)/src/cli/main.o $(BUILD)/libimgo.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

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

test-run: $(BUILD)/imgo $(TEST_BIN)
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

install: $(BUILD)/imgo
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/imgo $(DESTDIR)$(PREFIX)/bin/imgo

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/cli/main.d $(TEST_BIN:=.d) $(FUZZ_BIN:$(BUILD)/%=$(BUILD)/tests/fuzz/%.d)
