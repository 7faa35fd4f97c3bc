# A stand-in for the CMake package mbedTLS 3.x installs (MbedTLS::mbedtls,
# MbedTLS::mbedx509, MbedTLS::mbedcrypto), made of the system's mbedTLS
# libraries, so that the tests can take odeus_auth's first way to mbedTLS
# where the system's mbedTLS (Debian's 2.28) ships no package.
set(MbedTLS_VERSION 3.6.0)
find_path(_fake_mbedtls_include mbedtls/ssl.h)
foreach(_lib mbedcrypto mbedx509 mbedtls)
  find_library(_fake_${_lib} ${_lib})
  add_library(MbedTLS::${_lib} UNKNOWN IMPORTED)
  set_target_properties(MbedTLS::${_lib} PROPERTIES
    IMPORTED_LOCATION "${_fake_${_lib}}"
    INTERFACE_INCLUDE_DIRECTORIES "${_fake_mbedtls_include}")
endforeach()
set_property(TARGET MbedTLS::mbedx509 PROPERTY INTERFACE_LINK_LIBRARIES MbedTLS::mbedcrypto)
set_property(TARGET MbedTLS::mbedtls PROPERTY INTERFACE_LINK_LIBRARIES MbedTLS::mbedx509)
