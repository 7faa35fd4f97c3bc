# The size build against the speed build (tests/size_diff.c): both copies
# of the library in one program (tests/size_diff_side.c compiled with
# ODEUS_OPTIMIZE_SIZE 0 and 1, each ODEUS_AUTH_STATIC), under ASan and
# UBSan, fed the four seed corpora and 200 deterministic mutations of each
# seed in 20 splits; every observable result must be the same byte for byte.
SD=$B/size_diff
mkdir -p "$SD"
sd_build() {
  local side
  for side in speed:0 small:1; do
    # shellcheck disable=SC2086
    gcc $STRICT -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -I. \
      -DSD_SIDE="${side%:*}" -DODEUS_OPTIMIZE_SIZE="${side#*:}" \
      -c -o "$SD/${side%:*}.o" tests/size_diff_side.c || return 1
  done
  # shellcheck disable=SC2086
  gcc $STRICT -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -I. \
    -o "$SD/size_diff" tests/size_diff.c "$SD/speed.o" "$SD/small.o"
}
check size-diff-build sd_build
check size-diff "$SD/size_diff" tests/fuzz/corpus/http tests/fuzz/corpus/json \
  tests/fuzz/corpus/answer tests/fuzz/corpus/config
tail -n 1 "$B/size-diff.log"
