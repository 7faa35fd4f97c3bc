# shellcheck shell=bash
# The build systems: CMake (add_subdirectory, FetchContent, find_package, the
# installed pkg-config files, a Cortex-M4 cross build), and the offline checks
# of the ESP-IDF component (with RV32IMC and Xtensa builds), library.json and
# the Zephyr module. Each check is a function of tests/buildsys.sh, which
# runs them all on its own as well (bash tests/buildsys.sh).
# shellcheck source=/dev/null
. tests/buildsys.sh
bs_deps
bs_init
for bs_name in $BS_CHECKS; do
  bs_why=$(bs_skip_reason "$bs_name")
  if [ -n "$bs_why" ]; then echo "skip $bs_name: $bs_why"; else check "$bs_name" bs_run "$bs_name"; fi
done
bs_done
unset bs_name bs_why
