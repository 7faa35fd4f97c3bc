# Static analysis (issue 6): tests/lint.sh runs cppcheck, clang-tidy,
# clang --analyze and gcc -fanalyzer (two at a time) on the implementation,
# with and without the mbedTLS transport; each analyser is one check, passing
# when it reports nothing. The findings are in build/lint/<analyser>.log.
bash tests/lint.sh > "$B/lint.log" 2>&1
lint_result() {  # $1 = analyser: its log; succeeds when it found nothing
  cat "build/lint/$1.log" 2> /dev/null
  [ "$(cat "build/lint/$1.rc" 2> /dev/null)" = 0 ]
}
for lint_name in cppcheck clang-tidy clang-analyze gcc-analyzer; do
  check "lint-$lint_name" lint_result "$lint_name"
done
