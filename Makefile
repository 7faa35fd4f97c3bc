# odeus_auth — build, test, bench, size. See README.md.
CC      ?= cc
B       := build
STRICT  := -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual \
           -Wstrict-prototypes -Werror
CFLAGS  ?= -O2 -g
MBEDTLS_LIBS := -lmbedtls -lmbedx509 -lmbedcrypto

EXAMPLES := $(B)/api_key $(B)/oauth $(B)/none $(B)/custom_io

.PHONY: all test bench size demo fuzz coverage lint clean deps
all: odeus_auth.h $(B)/odeus_auth.o $(B)/odeus_auth_mbedtls.o $(B)/odeus-auth $(EXAMPLES)

deps:
	@sh tests/deps.sh mbedtls

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

$(B)/custom_io: examples/custom_io.c odeus_auth.h
	@mkdir -p $(B)
	$(CC) $(STRICT) $(CFLAGS) -o $@ $<

$(B)/%: examples/%.c odeus_auth.h | deps
	@mkdir -p $(B)
	$(CC) $(STRICT) $(CFLAGS) -o $@ $< $(MBEDTLS_LIBS)

test: odeus_auth.h deps
	@bash tests/run.sh

bench: odeus_auth.h deps
	@bash tests/bench.sh

size: odeus_auth.h
	@bash tests/size.sh

demo: all
	@bash tests/demo.sh

fuzz: odeus_auth.h
	@bash tests/fuzz.sh $${FUZZ_SECONDS:-60}

coverage: odeus_auth.h deps
	@bash tests/coverage.sh

lint: odeus_auth.h
	@bash tests/lint.sh

clean:
	rm -rf $(B)
