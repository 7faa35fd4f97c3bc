# Static analysis, as make lint runs it (tests/lint.sh): cppcheck,
# clang-tidy, the Clang Static Analyzer and gcc -fanalyzer must each report
# nothing. One check; each analyser's closing line is shown. It runs where
# cppcheck and clang-tidy run (as root on Debian they are installed where
# missing). On its own: tests/run.sh --check lint, or make lint.
sh tests/deps.sh lint > /dev/null 2>&1
sh tests/deps.sh clang > /dev/null 2>&1
if ! { cppcheck --version && clang-tidy --version && clang --version; } > "$B/probe-lint.log" 2>&1; then
  skip lint "cppcheck, clang-tidy or clang does not run here (apt-get install cppcheck clang-tidy clang)"
else
  check lint bash tests/lint.sh
  grep -E '^(cppcheck|clang-tidy|clang-analyze|gcc-analyzer): ' "$B/lint.log"
  lint_skipped=$(sed -n 's/^lint: skipped //p' "$B/lint.log")
  [ -z "$lint_skipped" ] || skip lint-mbedtls3 "$lint_skipped"
fi
