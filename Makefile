# jailnet: build, test, fuzz, bench.  `make help` lists the targets.

CC       ?= cc
PKGS     := jansson libmnl libnftables libcurl
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?= -O2 -g
CFLAGS   += $(CSTD) $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lresolv
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_HDR  := $(wildcard src/*/*.h)
UNIT_SRC := $(wildcard tests/unit/*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
# The site CA and certificates (src/services/tls_ca.c).
PKGS     += libcrypto
# The example site's application server: its own libraries, not jailnet's.
APP_SRC  := $(wildcard app/*.c)
APP_PKGS := libmicrohttpd libpq jansson
APP_FLAGS = $(CSTD) $(WARN) -pthread $(shell pkg-config --cflags $(APP_PKGS))
APP_LIBS  = $(shell pkg-config --libs $(APP_PKGS))
FUZZ_TIME ?= 600

.PHONY: all test test-unit fuzz fuzz-smoke bench demo mutants clean help
all: build/jailnet build/libexec/uxapp

build/jailnet: src/cli/main.c $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ src/cli/main.c $(LIB_SRC) $(LDLIBS)

build/libexec/uxapp: $(APP_SRC) $(wildcard app/*.h)
	@mkdir -p $(@D)
	$(CC) -O2 -g $(APP_FLAGS) -o $@ $(APP_SRC) $(APP_LIBS)

build/san/libexec/uxapp: $(APP_SRC) $(wildcard app/*.h)
	@mkdir -p $(@D)
	$(CC) -O1 -g $(APP_FLAGS) $(SANFLAGS) -o $@ $(APP_SRC) $(APP_LIBS)

# The sanitizer build that the tests run.
build/san/jailnet: src/cli/main.c $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ src/cli/main.c $(LIB_SRC) $(LDLIBS)

build/san/unit-tests: $(UNIT_SRC) $(LIB_SRC) $(LIB_HDR) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(UNIT_SRC) $(LIB_SRC) $(LDLIBS)

# All tests (unit, golden, integration), under ASan and UBSan.
test: build/san/jailnet build/san/unit-tests build/san/libexec/uxapp
	tests/run.sh build/san

# Mutation testing (tests/mutants.test runs it too): each mutant of
# tools/mutants.sh built without sanitizers and caught by its tests.
mutants:
	sh tools/mutants.sh

# libFuzzer targets, one per parser and one for the whole check path.
build/fuzz/%: fuzz/%.c $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	clang $(CSTD) $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all $(shell pkg-config --cflags $(PKGS)) \
	    -Isrc -o $@ $< $(LIB_SRC) $(LDLIBS)

FUZZERS := $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))

# Each fuzzer for FUZZ_TIME seconds (default 10 minutes), corpus kept.
fuzz: $(FUZZERS)
	fuzz/run.sh $(FUZZ_TIME) $(FUZZERS)

# A short run of each fuzzer, as CI does.
fuzz-smoke: $(FUZZERS)
	fuzz/run.sh 20 $(FUZZERS)

bench: build/jailnet build/libexec/uxapp build/pf_bench
	bench/run.sh
	bench/pf.sh
	bench/web.sh

# The README's first command: deps, build, the example up, a tour.
demo:
	sh tools/demo.sh

build/pf_bench: bench/pf_bench.c $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ bench/pf_bench.c $(LIB_SRC) $(LDLIBS)

clean:
	rm -rf build

help:
	@echo "make            build build/jailnet"
	@echo "make test       build with ASan+UBSan and run every test"
	@echo "make fuzz       run each fuzz target for FUZZ_TIME s (600)"
	@echo "make fuzz-smoke run each fuzz target for 20 s"
	@echo "make mutants    build each mutant of tools/mutants.sh, run its tests"
	@echo "make bench      benchmarks"
	@echo "make demo       bring the example up with its services; a tour"
