# jailnet: build, test, fuzz, bench.  `make help` lists the targets.

CC       ?= cc
PKGS     := jansson libmnl libnftables libcurl
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?= -O2 -g
# The optimisation and hardening flags given (dpkg-buildflags' in a deb
# build), for uxapp too, before jailnet's own are added.
OPTFLAGS := $(CFLAGS)
# The version's one place is the file VERSION: --version, the installed
# man page and the deb (debian/changelog must agree; `make deb` checks).
VERSION  := $(shell cat VERSION)
CFLAGS   += $(CSTD) $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS))
CPPFLAGS += -DJAILNET_VERSION='"$(VERSION)"'
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lresolv
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_HDR  := $(wildcard src/*/*.h)
UNIT_SRC := $(wildcard tests/unit/*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
# The site CA and certificates (src/services/tls_ca.c).
PKGS     += libcrypto
# What a jail's root may not call (src/jail/jail_seccomp.c).
PKGS     += libseccomp
# The example site's application server: its own libraries, not jailnet's.
APP_SRC  := $(wildcard app/*.c)
APP_PKGS := libmicrohttpd libpq jansson libcurl
APP_FLAGS = $(CSTD) $(WARN) -pthread $(shell pkg-config --cflags $(APP_PKGS))
APP_LIBS  = $(shell pkg-config --libs $(APP_PKGS))
# pflogd: the NFLOG packets of pf.conf's "log" into pflogd's pcap file.
PFLOGD_SRC := pflogd/pflogd.c src/lib/pflog.c src/lib/util.c
PFLOGD_PKGS := libnetfilter_log
FUZZ_TIME ?= 600

# Where `make install` puts things: PREFIX/sbin/jailnet, its helpers in
# PREFIX/libexec/jailnet (where the binary looks for them, src/jail/jail_view.h),
# the man page, bash completion.  DESTDIR prefixes all (a staging root).
PREFIX   ?= /usr/local
DESTDIR  ?=
SBINDIR   = $(PREFIX)/sbin
LIBEXECDIR = $(PREFIX)/libexec/jailnet
MAN8DIR   = $(PREFIX)/share/man/man8
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions

.PHONY: all test test-unit fuzz fuzz-smoke bench demo mutants clean help \
    install uninstall deb
all: build/jailnet build/libexec/uxapp build/libexec/pflogd

build/jailnet: src/cli/main.c $(LIB_SRC) $(LIB_HDR) VERSION
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ src/cli/main.c $(LIB_SRC) $(LDLIBS)

build/libexec/uxapp: $(APP_SRC) $(wildcard app/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(OPTFLAGS) $(APP_FLAGS) $(LDFLAGS) -o $@ $(APP_SRC) $(APP_LIBS)

build/san/libexec/uxapp: $(APP_SRC) $(wildcard app/*.h)
	@mkdir -p $(@D)
	$(CC) -O1 -g $(APP_FLAGS) $(SANFLAGS) -o $@ $(APP_SRC) $(APP_LIBS)

build/libexec/pflogd: $(PFLOGD_SRC) src/lib/pflog.h src/lib/util.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(OPTFLAGS) $(CSTD) $(WARN) -Isrc $(LDFLAGS) -o $@ \
	    $(PFLOGD_SRC) $(shell pkg-config --libs $(PFLOGD_PKGS))

build/san/libexec/pflogd: $(PFLOGD_SRC) src/lib/pflog.h src/lib/util.h
	@mkdir -p $(@D)
	$(CC) -O1 -g $(CSTD) $(WARN) -Isrc $(SANFLAGS) -o $@ $(PFLOGD_SRC) \
	    $(shell pkg-config --libs $(PFLOGD_PKGS))

# The sanitizer build that the tests run.
build/san/jailnet: src/cli/main.c $(LIB_SRC) $(LIB_HDR) VERSION
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -o $@ src/cli/main.c $(LIB_SRC) $(LDLIBS)

build/san/unit-tests: $(UNIT_SRC) $(LIB_SRC) $(LIB_HDR) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(UNIT_SRC) $(LIB_SRC) $(LDLIBS)

# All tests (unit, golden, integration), under ASan and UBSan.
test: build/san/jailnet build/san/unit-tests build/san/libexec/uxapp \
    build/san/libexec/pflogd
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
	bench/verify.sh
	bench/web.sh
	bench/down.sh

# The README's first command: deps, build, the example up, a tour.
demo:
	sh tools/demo.sh

build/pf_bench: bench/pf_bench.c $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ bench/pf_bench.c $(LIB_SRC) $(LDLIBS)

# The man page as installed: its .Os line names the version.
build/jailnet.8: doc/jailnet.8 VERSION
	@mkdir -p $(@D)
	sed 's/^\.Os$$/.Os jailnet $(VERSION)/' doc/jailnet.8 >$@

install: build/jailnet build/libexec/uxapp build/libexec/pflogd build/jailnet.8
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MAN8DIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 build/jailnet $(DESTDIR)$(SBINDIR)/jailnet
	install -m 0755 build/libexec/uxapp $(DESTDIR)$(LIBEXECDIR)/uxapp
	install -m 0755 build/libexec/pflogd $(DESTDIR)$(LIBEXECDIR)/pflogd
	install -m 0644 build/jailnet.8 $(DESTDIR)$(MAN8DIR)/jailnet.8
	install -m 0644 completion/jailnet.bash $(DESTDIR)$(BASHCOMPDIR)/jailnet

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/jailnet $(DESTDIR)$(LIBEXECDIR)/uxapp \
	    $(DESTDIR)$(LIBEXECDIR)/pflogd \
	    $(DESTDIR)$(MAN8DIR)/jailnet.8 $(DESTDIR)$(BASHCOMPDIR)/jailnet
	-rmdir $(DESTDIR)$(LIBEXECDIR)

# The Debian package, built with debhelper in a copy of the sources under
# build/deb (dpkg-buildpackage writes beside the source tree it builds).
DEB_SRC := Makefile VERSION README.md src app pflogd doc completion debian
deb:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version); \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "debian/changelog is at $$v, VERSION at $(VERSION)" >&2; \
		exit 1; \
	fi
	rm -rf build/deb
	mkdir -p build/deb/jailnet-$(VERSION)
	tar -cf - $(DEB_SRC) | tar -xf - -C build/deb/jailnet-$(VERSION)
	cd build/deb/jailnet-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning build/deb/jailnet_$(VERSION)_*.deb

clean:
	rm -rf build

help:
	@echo "make            build build/jailnet"
	@echo "make install    install into DESTDIR/PREFIX (/usr/local)"
	@echo "make deb        build build/deb/jailnet_VERSION_ARCH.deb, lintian"
	@echo "make test       build with ASan+UBSan and run every test"
	@echo "make fuzz       run each fuzz target for FUZZ_TIME s (600)"
	@echo "make fuzz-smoke run each fuzz target for 20 s"
	@echo "make mutants    build each mutant of tools/mutants.sh, run its tests"
	@echo "make bench      benchmarks"
	@echo "make demo       bring the example up with its services; a tour"
