/* The library's one translation unit, compiled by the CMake, ESP-IDF, Zephyr
 * and PlatformIO builds (the Makefile writes the same two lines itself).
 * The build defines ODEUS_AUTH_MBEDTLS for the copy with the bundled
 * transport, and any configuration macro (ODEUS_JSON_MAX_DEPTH, ...). */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
