# The example programs (examples/*.c): built with the strict flags, run
# against the mock server (TLS and plain HTTP), every output compared byte
# for byte, and what the server stored checked (tests/examples_test.sh).
# The tool it compares against is the one the cli test runs.
sh tests/deps.sh curl >/dev/null 2>&1
sh tests/deps.sh clang >/dev/null 2>&1  # for its sanitizer build
mock_server > /dev/null 2>&1
odeus_auth_tool > /dev/null 2>&1
ODEUS_AUTH_BIN=$B/odeus-auth prog examples timeout 300 bash tests/examples_test.sh
