# The mock Odeus server checked on its own with curl (over real TLS), so the
# library's network tests stand on a server known to follow SPEC §1.
sh tests/deps.sh curl >/dev/null 2>&1
prog mock-selftest bash tests/mock_selftest.sh
