# Line and branch coverage of odeus_auth.h by the unit tests, as make
# coverage measures it (tests/coverage.sh): one check, failing under its
# minimum (COVERAGE_MIN, 95% of lines); the figures are shown. It runs where
# gcc --coverage, gcov and python3 run. On its own: tests/run.sh --check
# coverage, or make coverage.
sh tests/deps.sh python3 > /dev/null 2>&1
if ! { gcov --version && python3 -c 'import gzip, json'; } > "$B/probe-coverage.log" 2>&1; then
  skip coverage "gcov or python3 does not run here (apt-get install python3)"
else
  check coverage bash tests/coverage.sh
  grep -E '^(total |coverage: [0-9])' "$B/coverage.log"
fi
