# featlink — the only build entry (DESIGN.md §2).
#
#   make            build bin/featlink and build/libfeatlink.a
#   make deps       install missing Debian packages (apt-get; sudo when not root)
#   make run        deps + build + Table 1 of paper 000 into results/
#   make test       deps + build + every cmocka test (SAN=1: ASan + UBSan)
#   make bench      benchmarks, each against a baseline in the same run
#   make tables     results/tables/*.{md,tex}
#   make plots      results/plots/*.png (gnuplot)
#   make install    PREFIX=/usr/local
#   make MPI=1      MPI build (mpicc), ranks split sweep points
#   make mpi-check  deps MPI=1 + both builds + tests/mpi_check.sh (mpirun
#                   results == single-process results); not part of make test
#
# Sources are found by wildcard: every sim/, channel/, codec/ .c file except
# sim/main.c goes into the library; every tests/test_*.c is one test program;
# every tests/bench_*.c is one benchmark program.

PREFIX  ?= /usr/local
SAN     ?= 0
MPI     ?= 0
NATIVE  ?= 1

PKGS    := gsl fftw3 hdf5 libcjson openblas
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# GSL's .pc links its reference CBLAS; OpenBLAS provides the same symbols faster.
PKG_LIBS   := $(filter-out -lgslcblas,$(shell pkg-config --libs $(PKGS) 2>/dev/null))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

CC      ?= cc
ifeq ($(MPI),1)
CC      := mpicc
endif

CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Wshadow -Wno-unused-parameter
OPT     := -O3 -ffp-contract=off
ifeq ($(NATIVE),1)
OPT     += -march=native
endif
CFLAGS  ?=
CFLAGS  += $(CSTD) $(WARN) $(OPT) -g -fopenmp -I. $(PKG_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lm -fopenmp

BUILD   := build
ifeq ($(SAN),1)
BUILD   := build/san
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDLIBS  += -fsanitize=address,undefined
endif
ifeq ($(MPI),1)
BUILD   := $(if $(filter 1,$(SAN)),build/san-mpi,build/mpi)
CFLAGS  += -DFEATLINK_MPI=1
endif

VERSION := 0.1.0
GITREV  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
CFLAGS  += -DFEATLINK_VERSION='"$(VERSION)"' -DFEATLINK_GITREV='"$(GITREV)"'

LIB_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c channel/*.c codec/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libfeatlink.a
BIN     := bin/featlink
ifneq ($(BUILD),build)
BIN     := $(BUILD)/featlink
endif

TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard tests/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_HELPERS := $(filter-out $(TEST_SRC) $(BENCH_SRC),$(wildcard tests/*.c))
TEST_HELPER_OBJ := $(TEST_HELPERS:%.c=$(BUILD)/%.o)

.PHONY: all deps run test bench tables plots install clean mpi-check
all: $(BIN)

deps:
	@MPI=$(MPI) bash .ci/deps

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(BUILD)/sim/main.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_HELPER_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

run: deps $(BIN)
	@mkdir -p results
	$(BIN) run scenarios/pinr_table1.json -o results/pinr_table1.h5 --quiet --force
	$(BIN) table results/pinr_table1.h5 --format md

test: deps $(TEST_BIN) $(BIN)
	@FEATLINK_BIN=$(BIN) bash tests/run_tests.sh $(TEST_BIN)

bench: deps $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

tables: deps $(BIN)
	@mkdir -p results/tables
	$(BIN) table pinr-table1 --format md  > results/tables/pinr_table1.md
	$(BIN) table pinr-table1 --format tex > results/tables/pinr_table1.tex
	@echo "wrote results/tables/pinr_table1.{md,tex}"

plots: deps $(BIN)
	@FEATLINK_BIN=$(BIN) bash plots/make_plots.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/featlink/scenarios
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/featlink
	install -m 644 scenarios/*.json $(DESTDIR)$(PREFIX)/share/featlink/scenarios/

mpi-check:
	@$(MAKE) --no-print-directory deps MPI=1
	@$(MAKE) --no-print-directory MPI=0 SAN=0 all
	@$(MAKE) --no-print-directory MPI=1 SAN=0 all
	@FEATLINK_BIN=bin/featlink FEATLINK_MPI_BIN=build/mpi/featlink bash tests/mpi_check.sh

clean:
	rm -rf build bin

-include $(LIB_OBJ:.o=.d) $(BUILD)/sim/main.d $(TEST_BIN:=.d) $(BENCH_BIN:=.d)
.SECONDARY:
