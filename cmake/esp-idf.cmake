# The ESP-IDF component, included by CMakeLists.txt when ESP_PLATFORM is set.
#
# The implementation is compiled once (cmake/odeus_auth.c); the application
# only includes odeus_auth.h. The options of the top-level Kconfig
# (idf.py menuconfig, "odeus_auth") become the header's configuration macros,
# public so the application sees the values the library was built with.
#
# IDF reads the requirements in an early pass, before the configuration
# exists, so they cannot follow CONFIG_ODEUS_AUTH_MBEDTLS: the component
# always requires mbedtls (the transport's declarations include its headers)
# and, privately, lwip (its sockets).
idf_component_register(
  SRCS "cmake/odeus_auth.c"
  INCLUDE_DIRS "."
  REQUIRES mbedtls
  PRIV_REQUIRES lwip)

if(CMAKE_BUILD_EARLY_EXPANSION)
  return()
endif()

target_compile_definitions(${COMPONENT_LIB} PUBLIC
  "ODEUS_JSON_MAX_DEPTH=${CONFIG_ODEUS_JSON_MAX_DEPTH}"
  "ODEUS_HTTP_HEAD_MAX=${CONFIG_ODEUS_HTTP_HEAD_MAX}"
  "ODEUS_EXCHANGE_BODY_MAX=${CONFIG_ODEUS_EXCHANGE_BODY_MAX}u"
  "ODEUS_DEFAULT_BASE_URL=\"${CONFIG_ODEUS_DEFAULT_BASE_URL}\"")
if(CONFIG_ODEUS_AUTH_MBEDTLS)
  target_compile_definitions(${COMPONENT_LIB} PUBLIC ODEUS_AUTH_MBEDTLS)
endif()
