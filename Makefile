# odeus_auth — build, test, bench, size. See README.md; `make help` lists the targets.
CC      ?= cc
B       := build
STRICT  := -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual \
           -Wstrict-prototypes -Werror
CFLAGS  ?= -O2 -g
MBEDTLS_LIBS := -lmbedtls -lmbedx509 -lmbedcrypto

EXAMPLES := $(B)/api_key $(B)/oauth $(B)/none $(B)/custom_io $(B)/own_http

.PHONY: all help test check bench size figures demo fuzz coverage lint clean deps
all: odeus_auth.h $(B)/odeus_auth.o $(B)/odeus_auth_mbedtls.o $(B)/odeus-auth $(EXAMPLES)

deps:
	@sh tests/deps.sh mbedtls

help:
	@echo 'make            the library objects, the odeus-auth tool and the examples (build/)'
	@echo 'make test       the quick gate, about 2 minutes: unit tests (C, C++, sanitizers),'
	@echo '                compile matrix, fuzz corpora replayed, the tool, the examples,'
	@echo '                the network tests against the mock server'
	@echo 'make check      everything: make test, then fuzzing, valgrind, -m32, mbedTLS 3.x,'
	@echo '                the slower matrix entries, make lint, make coverage, tests/check.d/'
	@echo '                T=NAME (make test T=unit_json, make check T=net) runs one test;'
	@echo '                tests/run.sh --list names them'
	@echo 'make bench      what the device path costs (instructions), the scaling table, TLS applies'
	@echo 'make size       code size and stack on Cortex-M4, against the targets'
	@echo 'make figures    make size and make bench, written into docs/FIGURES.md'
	@echo 'make demo       the tool against the mock server'
	@echo 'make fuzz       each fuzz target for FUZZ_SECONDS (60)'
	@echo 'make lint       cppcheck, clang-tidy, clang --analyze, gcc -fanalyzer'
	@echo 'make coverage   line and branch coverage of the unit tests'
	@echo 'make clean      removes build/'

# The library as objects: the core alone, and the core with the transport.
$(B)/odeus_auth.o: odeus_auth.h
	@mkdir -p $(B)
	printf '#define ODEUS_AUTH_IMPLEMENTATION\n#include "odeus_auth.h"\n' | \
	  $(CC) $(STRICT) $(CFLAGS) -I. -x c -c -o $@ -

$(B)/odeus_auth_mbedtls.o: odeus_auth.h | deps
	@mkdir -p $(B)
	printf '#define ODEUS_AUTH_IMPLEMENTATION\n#define ODEUS_AUTH_MBEDTLS\n#include "odeus_auth.h"\n' | \
	  $(CC) $(STRICT) $(CFLAGS) -I. -x c -c -o $@ -

$(B)/odeus-auth: examples/odeus-auth.c odeus_auth.h | deps
	@mkdir -p $(B)
	$(CC) $(STRICT) $(CFLAGS) -o $@ $< $(MBEDTLS_LIBS)

# The examples of the core alone (no mbedTLS).
$(B)/custom_io $(B)/own_http: $(B)/%: examples/%.c odeus_auth.h
	@mkdir -p $(B)
	$(CC) $(STRICT) $(CFLAGS) -o $@ $<

$(B)/%: examples/%.c odeus_auth.h | deps
	@mkdir -p $(B)
	$(CC) $(STRICT) $(CFLAGS) -o $@ $< $(MBEDTLS_LIBS)

# T names the tests to run (tests/run.sh --list); empty: all of them.
test: odeus_auth.h deps
	@bash tests/run.sh $(T)

check: odeus_auth.h deps
	@bash tests/run.sh --check $(T)

bench: odeus_auth.h deps
	@bash tests/bench.sh

size: odeus_auth.h
	@bash tests/size.sh

# Both reports, each written into docs/FIGURES.md as it runs; a target not
# met is reported there and does not stop the other.
figures: odeus_auth.h deps
	-@bash tests/size.sh
	-@bash tests/bench.sh

demo: all
	@bash tests/demo.sh

fuzz: odeus_auth.h
	@bash tests/fuzz.sh $${FUZZ_SECONDS:-60}

coverage: odeus_auth.h deps
	@bash tests/coverage.sh

lint: odeus_auth.h
	@sh tests/deps.sh lint
	@bash tests/lint.sh

clean:
	rm -rf $(B)
