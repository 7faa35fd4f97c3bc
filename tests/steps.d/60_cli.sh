# The odeus-auth tool, built as `make` builds it, through its real binary.
check "build-odeus-auth" gcc $STRICT -O2 -I. -o "$B/odeus-auth" examples/odeus-auth.c \
  -lmbedtls -lmbedx509 -lmbedcrypto
[ -x "$B/odeus-auth" ] && prog "cli" bash tests/cli_test.sh "$B/odeus-auth"
