# The example programs (examples/*.c): built with the strict flags, run
# against the mock server (TLS and plain HTTP), every output compared byte
# for byte, and what the server stored checked (tests/examples_test.sh).
sh tests/deps.sh curl >/dev/null 2>&1
prog examples timeout 300 bash tests/examples_test.sh
