# Finds mbedTLS for the bundled transport and gathers it in one target,
# odeus_auth::mbedtls_libraries, in this order:
#   1. mbedTLS' CMake targets (MbedTLS::mbedtls): those of an mbedTLS the
#      project builds, else the package an installed 3.x ships;
#   2. pkg-config (mbedtls, mbedx509, mbedcrypto);
#   3. the three libraries and <mbedtls/ssl.h> on the search paths (Debian's
#      2.28 ships neither a package nor .pc files).
# CMakeLists.txt calls it with GLOBAL (so a project that adds odeus_auth with
# add_subdirectory sees the target), and the installed odeus_authConfig.cmake
# without, so an installed odeus_auth::mbedtls finds mbedTLS the same way.
#
# Sets ODEUS_AUTH_MBEDTLS_FOUND, ODEUS_AUTH_MBEDTLS_VIA (which way) and, for
# the pkg-config file, ODEUS_AUTH_MBEDTLS_PC_REQUIRES / _PC_CFLAGS / _PC_LIBS.
include_guard(GLOBAL)

function(odeus_auth_find_mbedtls)
  set(scope "")
  if(ARGV0 STREQUAL "GLOBAL")
    set(scope GLOBAL)
  endif()
  set(found FALSE)
  set(via "")
  set(link "")
  set(incs "")
  set(pc_requires "")
  set(pc_cflags "")
  set(pc_libs "")

  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(ODEUS_AUTH_PC_MBEDTLS QUIET IMPORTED_TARGET ${scope}
                      mbedtls mbedx509 mbedcrypto)
  endif()

  if(TARGET odeus_auth::mbedtls_libraries)
    set(found TRUE)
    set(via "the target odeus_auth::mbedtls_libraries")
  else()
    # The targets of an installed mbedTLS 3.x, or those of an mbedTLS the
    # project builds itself (3.x's CMakeLists.txt names them the same way).
    set(found_here FALSE)
    if(NOT TARGET MbedTLS::mbedtls)
      find_package(MbedTLS CONFIG QUIET)
      set(found_here TRUE)
    endif()
    if(TARGET MbedTLS::mbedtls)
      set(found TRUE)
      set(via "its CMake targets (MbedTLS::mbedtls)")
      set(link MbedTLS::mbedtls MbedTLS::mbedx509 MbedTLS::mbedcrypto)
      foreach(t IN LISTS link)
        if(NOT TARGET ${t})
          list(REMOVE_ITEM link ${t})
        elseif(scope STREQUAL "GLOBAL" AND found_here)
          # An imported target is seen only below the directory that found
          # it: make the ones found here global, as odeus_auth::mbedtls_libraries is.
          get_target_property(aliased ${t} ALIASED_TARGET)
          get_target_property(imported ${t} IMPORTED)
          if(NOT aliased AND imported)
            get_target_property(is_global ${t} IMPORTED_GLOBAL)
            if(NOT is_global)
              set_target_properties(${t} PROPERTIES IMPORTED_GLOBAL TRUE)
            endif()
          endif()
        endif()
      endforeach()
    elseif(TARGET PkgConfig::ODEUS_AUTH_PC_MBEDTLS)
      set(found TRUE)
      set(via "pkg-config (mbedtls mbedx509 mbedcrypto)")
      set(link PkgConfig::ODEUS_AUTH_PC_MBEDTLS)
    endif()
  endif()

  # The three libraries, for the last way and for the pkg-config file.
  find_path(ODEUS_AUTH_MBEDTLS_INCLUDE_DIR mbedtls/ssl.h)
  find_library(ODEUS_AUTH_MBEDTLS_LIBRARY mbedtls)
  find_library(ODEUS_AUTH_MBEDX509_LIBRARY mbedx509)
  find_library(ODEUS_AUTH_MBEDCRYPTO_LIBRARY mbedcrypto)
  mark_as_advanced(ODEUS_AUTH_MBEDTLS_INCLUDE_DIR ODEUS_AUTH_MBEDTLS_LIBRARY
                   ODEUS_AUTH_MBEDX509_LIBRARY ODEUS_AUTH_MBEDCRYPTO_LIBRARY)
  set(libs_found FALSE)
  if(ODEUS_AUTH_MBEDTLS_INCLUDE_DIR AND ODEUS_AUTH_MBEDTLS_LIBRARY AND
     ODEUS_AUTH_MBEDX509_LIBRARY AND ODEUS_AUTH_MBEDCRYPTO_LIBRARY)
    set(libs_found TRUE)
  endif()
  if(NOT found AND libs_found)
    set(found TRUE)
    set(via "its libraries (${ODEUS_AUTH_MBEDTLS_LIBRARY})")
    set(link "${ODEUS_AUTH_MBEDTLS_LIBRARY}" "${ODEUS_AUTH_MBEDX509_LIBRARY}"
             "${ODEUS_AUTH_MBEDCRYPTO_LIBRARY}")
    set(incs "${ODEUS_AUTH_MBEDTLS_INCLUDE_DIR}")
  endif()

  if(found AND NOT TARGET odeus_auth::mbedtls_libraries)
    add_library(odeus_auth::mbedtls_libraries INTERFACE IMPORTED ${scope})
    set_property(TARGET odeus_auth::mbedtls_libraries PROPERTY
                 INTERFACE_LINK_LIBRARIES "${link}")
    if(incs)
      set_property(TARGET odeus_auth::mbedtls_libraries PROPERTY
                   INTERFACE_INCLUDE_DIRECTORIES "${incs}")
    endif()
  endif()

  # What the pkg-config file says: the .pc modules where pkg-config knows
  # them (the header's declarations need mbedTLS' headers, so Requires, not
  # Requires.private), else the libraries by name.
  if(ODEUS_AUTH_PC_MBEDTLS_FOUND)
    set(pc_requires "mbedtls mbedx509 mbedcrypto")
  else()
    set(pc_libs "-lmbedtls -lmbedx509 -lmbedcrypto")
    if(libs_found)
      get_filename_component(libdir "${ODEUS_AUTH_MBEDTLS_LIBRARY}" DIRECTORY)
      if(NOT libdir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
        set(pc_libs "-L${libdir} ${pc_libs}")
      endif()
      if(NOT ODEUS_AUTH_MBEDTLS_INCLUDE_DIR IN_LIST CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES)
        set(pc_cflags "-I${ODEUS_AUTH_MBEDTLS_INCLUDE_DIR}")
      endif()
    endif()
  endif()

  set(ODEUS_AUTH_MBEDTLS_FOUND ${found} PARENT_SCOPE)
  set(ODEUS_AUTH_MBEDTLS_VIA "${via}" PARENT_SCOPE)
  set(ODEUS_AUTH_MBEDTLS_PC_REQUIRES "${pc_requires}" PARENT_SCOPE)
  set(ODEUS_AUTH_MBEDTLS_PC_CFLAGS "${pc_cflags}" PARENT_SCOPE)
  set(ODEUS_AUTH_MBEDTLS_PC_LIBS "${pc_libs}" PARENT_SCOPE)
endfunction()
