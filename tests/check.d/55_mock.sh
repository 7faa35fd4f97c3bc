# The mock Odeus server checked on its own with curl (over real TLS), so the
# library's network tests stand on a server known to follow the Odeus API
# reference (tests/mock_selftest.sh). In make check: it tests the test
# server, and spends most of its time waiting on timers.
sh tests/deps.sh curl >/dev/null 2>&1
prog mock-selftest bash tests/mock_selftest.sh
