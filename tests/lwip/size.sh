#!/bin/bash
# The transport's flash on Cortex-M4 (arm-none-eabi-gcc -mcpu=cortex-m4
# -mthumb -Os), as an lwIP firmware builds it: ODEUS_AUTH_MBEDTLS with
# ODEUS_AUTH_NO_POSIX, against mbedTLS 2.28's headers configured without a
# file system or sockets (tests/lwip/mbedtls_firmware.h). What the TLS layer
# and the client add on top of the core is the difference between the two
# objects (.text + .rodata + .data); mbedTLS itself is not in either (its
# functions are only called), and is reported apart: the functions the
# transport calls. Then the lwIP network (examples/lwip/odeus_lwip.c),
# compiled against lwIP 2.1.3's headers with a firmware's options
# (tests/lwip/arm/: NO_SYS=0, sockets, IPv4 and IPv6). Prints one line each;
# make size can call it. ODEUS_INC names the directory holding odeus_auth.h.
set -u
cd "$(dirname "$0")/../.." || exit 2
INC=$(cd "${ODEUS_INC:-.}" && pwd) || exit 2
OUT=build/size-transport
rm -rf "$OUT"; mkdir -p "$OUT/inc"
sh tests/deps.sh arm >/dev/null || { echo "size (transport): no arm-none-eabi-gcc (sh tests/deps.sh arm)"; exit 2; }
sh tests/deps.sh mbedtls >/dev/null || { echo "size (transport): no mbedTLS headers (sh tests/deps.sh mbedtls)"; exit 2; }
# mbedTLS' headers alone, without the rest of the system's /usr/include
ln -s /usr/include/mbedtls "$OUT/inc/mbedtls"
CC=(arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections -std=c99 -Wall -Wextra
    -I"$INC" -isystem "$OUT/inc" -I"$PWD/tests/lwip" "-DMBEDTLS_USER_CONFIG_FILE=\"mbedtls_firmware.h\"")
obj() { # NAME DEFINES...: the implementation object
  local name=$1; shift
  { for d in "$@"; do printf '#define %s\n' "$d"; done; printf '#include "odeus_auth.h"\n'; } > "$OUT/$name.c"
  "${CC[@]}" -c "$OUT/$name.c" -o "$OUT/$name.o" || { echo "size (transport): $name does not compile"; exit 1; }
}
flash() { # OBJECT: .text + .rodata + .data bytes
  arm-none-eabi-size -A "$1" | awk '$1 ~ /^\.(text|rodata|data)/ { s += $2 } END { print s + 0 }'
}
obj core ODEUS_AUTH_IMPLEMENTATION
obj transport ODEUS_AUTH_IMPLEMENTATION ODEUS_AUTH_MBEDTLS ODEUS_AUTH_NO_POSIX
core=$(flash "$OUT/core.o")
both=$(flash "$OUT/transport.o")
calls=$(arm-none-eabi-nm -u "$OUT/transport.o" | awk '$2 ~ /^(mbedtls|psa)_/ { print $2 }' | sort -u)
others=$(arm-none-eabi-nm -u "$OUT/transport.o" | awk '$2 !~ /^(mbedtls|psa)_/ { print $2 }' | sort -u | tr '\n' ' ')
echo "transport flash on Cortex-M4 -Os, without POSIX (the TLS layer and the client on top of the core): $((both - core)) bytes (core $core, core + transport $both)"
echo "transport: mbedTLS apart: $(printf '%s\n' "$calls" | grep -c .) mbedTLS functions called ($(printf '%s\n' "$calls" | tr '\n' ' ' | sed 's/ $//')); C library: ${others% }"

# mbedTLS apart: what a program applying through the client pulls in from
# Debian's static mbedTLS (tests/lwip/size_prog.c), from the link map.
if gcc -std=c99 -Os -ffunction-sections -fdata-sections -I"$INC" -o "$OUT/size_prog_x86" tests/lwip/size_prog.c \
     -Wl,--gc-sections -Wl,-Map="$OUT/size_prog_x86.map" -Wl,-Bstatic -lmbedtls -lmbedx509 -lmbedcrypto \
     -Wl,-Bdynamic 2> "$OUT/size_prog_x86.log"; then
  python3 - "$OUT/size_prog_x86.map" <<'PY'
import re, sys
tot, pend = {}, None
for line in open(sys.argv[1]):
    m = re.match(r'^ (\.(?:text|rodata|data)\S*)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)', line)
    if m:
        size, obj, pend = int(m.group(2), 16), m.group(3), None
    else:
        if re.match(r'^ \.(?:text|rodata|data)\S*$', line):
            pend = 1
            continue
        m = re.match(r'^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)', line)
        if not (pend and m):
            pend = None
            continue
        size, obj, pend = int(m.group(1), 16), m.group(2), None
    lib = re.search(r'lib(mbedtls|mbedx509|mbedcrypto)\.a', obj)
    if lib:
        tot[lib.group(1)] = tot.get(lib.group(1), 0) + size
print("transport: mbedTLS apart, as Debian builds 2.28 (x86-64, every feature on, no per-function sections: "
      "an upper bound; a firmware's configuration keeps far less): %d bytes pulled in (ssl %d, x509 %d, crypto %d)"
      % (sum(tot.values()), tot.get('mbedtls', 0), tot.get('mbedx509', 0), tot.get('mbedcrypto', 0)))
PY
else
  echo "skip mbedTLS size: no static mbedTLS to link ($(head -n 1 "$OUT/size_prog_x86.log"))"
fi

# The lwIP network, as a firmware compiles it.
LW=(-I"$PWD/tests/lwip/arm" -isystem /usr/include/lwip -I"$PWD/examples/lwip")
if [ -f /usr/include/lwip/lwip/sockets.h ] || sh tests/deps.sh lwip >/dev/null 2>&1; then
  if "${CC[@]}" "${LW[@]}" -c examples/lwip/odeus_lwip.c -o "$OUT/odeus_lwip.o" 2> "$OUT/odeus_lwip.log"; then
    echo "lwIP network (examples/lwip/odeus_lwip.c) flash on Cortex-M4 -Os: $(flash "$OUT/odeus_lwip.o") bytes"
  else
    cat "$OUT/odeus_lwip.log"; echo "size (transport): examples/lwip/odeus_lwip.c does not compile for Cortex-M4"; exit 1
  fi
else
  echo "skip lwIP network size: liblwip-dev is not installed (run: sudo apt-get install liblwip-dev)"
fi
