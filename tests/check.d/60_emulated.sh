# Emulated targets (issue 16), each through tests/qemu.sh, which also runs
# alone (bash tests/qemu.sh m4): the unit tests on a Cortex-M4 (QEMU's
# mps2-an386) and as Cortex-M0 code (mps2-an385, unaligned accesses
# trapped; first the probe showing the trap is on), big-endian under
# qemu-user (32-bit powerpc, 64-bit s390x), and the stack high-water mark of
# the device path on the Cortex-M4 beside make size's static figure. A target
# whose tools are missing and cannot be installed is skipped, with the reason.
for em_t in m4 m0 be be64; do
  case $em_t in
    m4) em_name=cortex-m4 ;; m0) em_name=cortex-m0 ;; be) em_name=be32-powerpc ;; be64) em_name=be64-s390x ;;
  esac
  if em_why=$(bash tests/qemu.sh --ready "$em_t"); then
    em_units=""
    case $em_t in m4|m0) em_units=unaligned ;; esac
    for em_src in tests/unit_*.c; do
      [ -e "$em_src" ] && em_units="$em_units $(basename "$em_src" .c)"
    done
    for em_u in $em_units; do prog "$em_name-$em_u" bash tests/qemu.sh "$em_t" "$em_u"; done
  else
    echo "skip $em_name: $em_why"
  fi
done
if em_why=$(bash tests/qemu.sh --ready stack); then
  rm -f build/emulated/stack.summary
  prog cortex-m4-stack bash tests/qemu.sh stack
  [ -s build/emulated/stack.summary ] && sed 's/^/     /' build/emulated/stack.summary
else
  echo "skip cortex-m4-stack: $em_why"
fi
