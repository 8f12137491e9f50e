# featlink — the only build entry.
#
#   make            deps + build bin/featlink, build/libfeatlink.a, build/examples/*
#   make deps       install missing Debian packages (apt-get; sudo when not root)
#   make run        deps + build + Table 1 of paper 000 into results/
#   make test       deps + build + every test (SAN=1: ASan + UBSan)
#   make bench      benchmarks (absolute figures, CPU model and load printed)
#   make bench-peers  featlink vs liquid-dsp, libfec, VOLK, GSL in one process,
#                   rANS vs the ryg_rans recipe, evq vs ns-3 (installs the
#                   peers: tests/peers/deps.sh); not part of make test
#   make tables     results/tables/*.{md,tex}
#   make plots      results/plots/*.png (gnuplot)
#   make install    PREFIX=/usr/local: binary, libfeatlink.{a,so}, headers,
#                   featlink.pc, scenarios, plot scripts (portable build)
#   make MPI=1      MPI build (mpicc), ranks split sweep points
#   make mpi-check  deps MPI=1 + both builds + tests/mpi_check.sh (mpirun
#                   results == single-process results); not part of make test
#   make fuzz       FUZZ_S=N (default 60): every libFuzzer target in
#                   tests/fuzz/ for N seconds each (clang, installed when
#                   missing; build/fuzz, corpus in build/fuzz/corpus/)
#   make fuzz-campaign [FUZZ_TARGETS="fuzz_pinr ..."] [FUZZ_RUNS=N] [FUZZ_MAX_S=S]:
#                   each target until 10^7 executions or an hour (issue 10);
#                   results appended to build/fuzz/campaign.txt
#
# Variables: CFLAGS/CPPFLAGS/LDFLAGS are the user's (added after the flags the
# build needs), SAN=1, MPI=1, NATIVE=0 (no -march=native), PREFIX, DESTDIR.
#
# Sources are found by wildcard: every sim/, channel/, codec/ .c file except
# sim/main.c goes into the library; every tests/test_*.c is one test program;
# every tests/bench_*.c is one benchmark program.

PREFIX  ?= /usr/local
SAN     ?= 0
MPI     ?= 0
FUZZ    ?= 0
NATIVE  ?= 1
PIC     ?= 0
VERSION := 0.1.0

# Goals that need the Debian packages run in two stages: this make installs
# what is missing (.ci/deps), then a fresh $(MAKE) builds, so pkg-config is
# read after the install (on a bare machine the first `make run` works).
# FL_STAGE=build marks the inner make; variables given on the command line
# (SAN=1, CFLAGS=..., MPI=1) reach it through MAKEFLAGS.
STAGED_GOALS := all run test bench tables plots fuzz
STAGED_GOALS += bench-peers fuzz-campaign
ifeq ($(MAKECMDGOALS),)
OUTER_GOALS := all
else
OUTER_GOALS := $(filter $(STAGED_GOALS),$(MAKECMDGOALS))
endif

ifeq ($(FL_STAGE)$(if $(OUTER_GOALS),staged,),staged)
OTHER_GOALS := $(filter-out $(STAGED_GOALS) deps,$(MAKECMDGOALS))
.PHONY: $(STAGED_GOALS) $(OTHER_GOALS) deps
.NOTPARALLEL:
$(OUTER_GOALS): deps
	@$(MAKE) --no-print-directory FL_STAGE=build $@
$(OTHER_GOALS):
	@$(MAKE) --no-print-directory FL_STAGE=build $@
deps:
	@MPI=$(MPI) bash .ci/deps
else

PKGS    := gsl fftw3 hdf5 libcjson openblas
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# GSL's .pc links its reference CBLAS; OpenBLAS provides the same symbols faster.
PKG_LIBS   := $(filter-out -lgslcblas,$(shell pkg-config --libs $(PKGS) 2>/dev/null))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

CC      ?= cc
ifeq ($(MPI),1)
CC      := mpicc
endif

# FL_CFLAGS holds every flag the build needs; the user's CFLAGS, CPPFLAGS and
# LDFLAGS come after it, so `make CFLAGS=-O2` changes the optimisation and
# keeps the language, OpenMP, include and package flags.
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Wshadow -Wno-unused-parameter
OPT     := -O3 -ffp-contract=off
ifeq ($(NATIVE),1)
OPT     += -march=native
endif
CFLAGS  ?=
FL_CFLAGS  = $(CSTD) $(WARN) $(OPT) -g -fopenmp -I. -I$(BUILD)/gen $(PKG_CFLAGS)
FL_LDLIBS := $(PKG_LIBS) -lm -fopenmp

# Build trees: build/ (native), build/san, build/mpi, build/san-mpi; PIC=1
# (the installed library) builds into build/portable[-mpi] with -fPIC.
BUILD   := build
ifeq ($(PIC),1)
BUILD   := build/portable
FL_CFLAGS += -fPIC
endif
ifeq ($(SAN),1)
BUILD   := build/san
FL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FL_LDLIBS += -fsanitize=address,undefined
endif
ifeq ($(MPI),1)
BUILD   := $(if $(filter 1,$(SAN)),build/san-mpi,$(if $(filter 1,$(PIC)),build/portable-mpi,build/mpi))
FL_CFLAGS += -DFEATLINK_MPI=1
endif
# FUZZ=1 (used by `make fuzz` and tests/fuzz/run.sh): clang, ASan + UBSan +
# libFuzzer coverage, -O1, into build/fuzz
ifeq ($(FUZZ),1)
CC      := clang
BUILD   := build/fuzz
OPT     := -O1 -ffp-contract=off $(if $(filter 1,$(NATIVE)),-march=native,)
FL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FL_LDLIBS += -fsanitize=address,undefined
endif
COMPILE = $(CC) $(FL_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LINK    = $(CC) $(FL_CFLAGS) $(CFLAGS) $(LDFLAGS)

LIB_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c channel/*.c codec/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libfeatlink.a
SONAME  := libfeatlink.so.0
SOLIB   := $(BUILD)/libfeatlink.so.$(VERSION)
BIN     := bin/featlink
ifneq ($(BUILD),build)
BIN     := $(BUILD)/featlink
endif
GITREV_H := $(BUILD)/gen/featlink_gitrev.h

TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard tests/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_HELPERS := $(filter-out $(TEST_SRC) $(BENCH_SRC),$(wildcard tests/*.c))
TEST_HELPER_OBJ := $(TEST_HELPERS:%.c=$(BUILD)/%.o)
# shell tests run by run_tests.sh beside the cmocka programs (same summary)
TEST_SH := tests/build_check.sh tests/install_check.sh tests/plots_check.sh tests/fuzz/run.sh
TEST_SH += tests/layer_check.sh tests/func_length.sh
# hostile inputs through the binary under a time and memory limit (issue 10)
TEST_SH += tests/hostile_check.sh
RUNLIMIT := $(BUILD)/tests/hostile/runlimit
# LD_PRELOAD stand-in for a crashing libhdf5 (no sanitizers: it is preloaded
# only into the release binary, whose fault handlers it tests)
H5FAULT_SO := $(BUILD)/tests/hostile/h5fault.so
# examples/*.c: tiny complete programs, built by make, run by tests/examples.sh
EXAMPLE_SRC := $(wildcard examples/*.c)
EXAMPLE_BIN := $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)
TEST_SH += tests/examples.sh

.PHONY: all deps run test bench tables plots install install-files clean mpi-check bench-evq-peers fuzz fuzz-campaign fuzz-bins FORCE
all: $(BIN)
all: $(EXAMPLE_BIN)

deps:
	@MPI=$(MPI) bash .ci/deps

# The revision header is rewritten only when its text changes (HEAD moved,
# work tree became dirty or clean): then only version.o recompiles.
$(GITREV_H): FORCE
	@mkdir -p $(dir $@)
	@sh tools/gitrev.sh $(VERSION) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/sim/version.o: $(GITREV_H)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(COMPILE) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(SOLIB): $(LIB_OBJ)
	$(LINK) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(FL_LDLIBS)

$(BIN): $(BUILD)/sim/main.o $(LIB)
	@mkdir -p $(dir $@)
	$(LINK) -o $@ $^ $(FL_LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_HELPER_OBJ) $(LIB)
	$(LINK) -o $@ $^ $(FL_LDLIBS) $(CMOCKA_LIBS)

$(RUNLIMIT): tests/hostile/runlimit.c
	@mkdir -p $(dir $@)
	$(CC) $(FL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(H5FAULT_SO): tests/hostile/h5fault_shim.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -shared -fPIC $(PKG_CFLAGS) -o $@ $< -ldl

$(BUILD)/examples/%: $(BUILD)/examples/%.o $(LIB)
	$(LINK) -o $@ $^ $(FL_LDLIBS)

run: $(BIN)
	@mkdir -p results
	$(BIN) run scenarios/pinr_table1.json -o results/pinr_table1.h5 --quiet --force
	$(BIN) table results/pinr_table1.h5 --format md

test: $(EXAMPLE_BIN) $(RUNLIMIT) $(H5FAULT_SO)
test: $(TEST_BIN) $(BIN)
	@FEATLINK_BIN=$(BIN) FEATLINK_BUILD=$(BUILD) bash tests/run_tests.sh $(TEST_BIN) $(TEST_SH)

bench: $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

# bench-peers (not part of make test): the peers are installed first
# (tests/peers/deps.sh), then the programs are built and run in turn:
# bench_peers (liquid-dsp, libfec, VOLK, GSL in one process), bench_entropy
# (rANS per-token vs the ryg_rans-recipe static baseline, same run) and
# bench_evq_ns3 --pq-only (sim/evq vs ns-3's fastest scheduler; all five with
# make bench-evq-peers). bench_peers' featlink side (tests/peers/fl_side.c +
# libfeatlink.a) becomes one object with only flside_* global, so
# liquid-dsp's modem_create cannot clash.
PEERS_BIN := $(BUILD)/peers/bench_peers
EVQ_NS3_BIN := $(BUILD)/tests/bench_evq_ns3
.PHONY: bench-peers
bench-peers:
	@bash tests/peers/deps.sh
	@$(MAKE) --no-print-directory FL_STAGE=build $(PEERS_BIN) $(BUILD)/tests/bench_entropy $(EVQ_NS3_BIN)
	@$(PEERS_BIN)
	@echo "== rANS per-token tables vs the ryg_rans-recipe static baseline (bench_entropy)"
	@$(BUILD)/tests/bench_entropy
	@echo; echo "== event queue vs ns-3 (bench_evq_ns3 --pq-only; all schedulers: make bench-evq-peers)"
	@$(EVQ_NS3_BIN) --pq-only
	@echo; echo "AFF3CT is not packaged: tests/peers/aff3ct.sh builds it from its source and runs it beside featlink"
$(BUILD)/peers/fl_side_all.o: $(BUILD)/tests/peers/fl_side.o $(LIB)
	@mkdir -p $(dir $@)
	ld -r -o $@.tmp $^
	objcopy -w --keep-global-symbol='flside_*' $@.tmp $@ && rm -f $@.tmp
$(PEERS_BIN): $(BUILD)/tests/peers/peers_main.o $(BUILD)/tests/peers/volk_math.o $(BUILD)/peers/fl_side_all.o
	$(LINK) -o $@ $^ -lliquid -lfec -lvolk $(FL_LDLIBS)

tables: $(BIN)
	@mkdir -p results/tables
	$(BIN) table pinr-table1 --format md  > results/tables/pinr_table1.md
	$(BIN) table pinr-table1 --format tex > results/tables/pinr_table1.tex
	@echo "wrote results/tables/pinr_table1.{md,tex}"

plots: $(BIN)
	@FEATLINK_BIN=$(BIN) bash plots/make_plots.sh

# make install [PREFIX=/usr/local] [DESTDIR=] [NATIVE=1] [MPI=1]
# Builds a separate position-independent tree (build/portable, no
# -march=native unless NATIVE=1 is given) and installs from it: bin/featlink
# (and bin/featlink-mpi with MPI=1), lib/libfeatlink.a, lib/libfeatlink.so
# (soname libfeatlink.so.0), include/featlink/{common,channel,codec,sim}/*.h,
# lib/pkgconfig/featlink.pc, share/featlink/{scenarios,plots}.
INSTALL_NATIVE := $(if $(filter command line,$(origin NATIVE)),$(NATIVE),0)
install:
	@MPI=$(MPI) bash .ci/deps
	@$(MAKE) --no-print-directory FL_STAGE=build PIC=1 MPI=0 SAN=0 NATIVE=$(INSTALL_NATIVE) install-files
ifeq ($(MPI),1)
	@$(MAKE) --no-print-directory FL_STAGE=build PIC=1 MPI=1 SAN=0 NATIVE=$(INSTALL_NATIVE) install-mpi
endif

LIBDIR := $(PREFIX)/lib
INCDIR := $(PREFIX)/include/featlink
SHAREDIR := $(PREFIX)/share/featlink
install-files: $(BIN) $(LIB) $(SOLIB)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig
	install -d $(DESTDIR)$(INCDIR)/channel $(DESTDIR)$(INCDIR)/codec $(DESTDIR)$(INCDIR)/sim
	install -d $(DESTDIR)$(INCDIR)/common
	install -d $(DESTDIR)$(SHAREDIR)/scenarios $(DESTDIR)$(SHAREDIR)/plots
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/featlink
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libfeatlink.a
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)/libfeatlink.so.$(VERSION)
	ln -sf libfeatlink.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libfeatlink.so
	install -m 644 common/*.h $(DESTDIR)$(INCDIR)/common/
	install -m 644 channel/*.h $(DESTDIR)$(INCDIR)/channel/
	install -m 644 codec/*.h $(DESTDIR)$(INCDIR)/codec/
	install -m 644 sim/*.h $(DESTDIR)$(INCDIR)/sim/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' featlink.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/featlink.pc
	install -m 644 scenarios/*.json $(DESTDIR)$(SHAREDIR)/scenarios/
	install -m 644 plots/*.gp plots/*.sh $(DESTDIR)$(SHAREDIR)/plots/

install-mpi: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/featlink-mpi

# make bench-evq-peers: sim/evq beside ns-3's schedulers in one process
# (tests/peers/bench_evq_ns3.cc; installs libns3-dev when missing)
bench-evq-peers:
	@[ -e /usr/include/ns3/map-scheduler.h ] && command -v g++ >/dev/null || { echo "featlink: installing libns3-dev g++"; \
	  $$( [ "$$(id -u)" -ne 0 ] && echo sudo ) apt-get install -y -qq --no-install-recommends libns3-dev g++; }
	@$(MAKE) --no-print-directory FL_STAGE=build $(EVQ_NS3_BIN)
	$(EVQ_NS3_BIN)
$(EVQ_NS3_BIN): tests/peers/bench_evq_ns3.cc sim/evq.h $(BUILD)/sim/evq.o
	@mkdir -p $(dir $@)
	g++ -std=c++17 -O3 $(if $(filter 1,$(NATIVE)),-march=native) -I. $< $(BUILD)/sim/evq.o -o $@ -lns3-core

mpi-check:
	@$(MAKE) --no-print-directory deps MPI=1
	@$(MAKE) --no-print-directory FL_STAGE=build MPI=0 SAN=0 all
	@$(MAKE) --no-print-directory FL_STAGE=build MPI=1 SAN=0 all
	@FEATLINK_BIN=bin/featlink FEATLINK_MPI_BIN=build/mpi/featlink bash tests/mpi_check.sh

# libFuzzer targets (tests/fuzz/fuzz_*.c) and their seed writer; built with
# FUZZ=1 by tests/fuzz/run.sh (make fuzz; make test runs each over its seeds
# once when clang is installed)
FUZZ_S  ?= 60
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzzbin/%)
fuzz:
	@bash tests/fuzz/run.sh fuzz $(FUZZ_S)
# issue 10's campaign: each target until 10^7 executions or an hour
FUZZ_RUNS ?= 10000000
FUZZ_MAX_S ?= 3600
fuzz-campaign:
	@bash tests/fuzz/run.sh campaign $(FUZZ_MAX_S) $(FUZZ_RUNS) $(FUZZ_TARGETS)
fuzz-bins: $(FUZZ_BIN) $(BUILD)/fuzzbin/seeds
$(BUILD)/fuzzbin/seeds: $(BUILD)/tests/fuzz/seeds.o $(LIB)
	@mkdir -p $(dir $@)
	$(LINK) -o $@ $^ $(FL_LDLIBS)
$(BUILD)/fuzzbin/%: $(BUILD)/tests/fuzz/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(LINK) -fsanitize=fuzzer -o $@ $^ $(FL_LDLIBS)

clean:
	rm -rf build bin

-include $(LIB_OBJ:.o=.d) $(BUILD)/sim/main.d $(TEST_BIN:=.d) $(BENCH_BIN:=.d) $(FUZZ_SRC:%.c=$(BUILD)/%.d)
-include $(EXAMPLE_BIN:=.d)
.SECONDARY:
endif
