# The odeus-auth tool through its real binary (tests/cli_test.sh): built as
# make builds it (strict, -O2), then every exit code, message and output.
mock_server > /dev/null 2>&1
check "build-odeus-auth" odeus_auth_tool
[ -x "$B/odeus-auth" ] && prog "cli" bash tests/cli_test.sh "$B/odeus-auth"
