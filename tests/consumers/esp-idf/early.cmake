# ESP-IDF's first pass, stood in for: IDF runs each component's CMakeLists.txt
# in script mode (cmake -D ESP_PLATFORM=1 -P ...), with an
# idf_component_register macro that only records the requirements and returns
# (tools/cmake/scripts/component_get_requirements.cmake). No sdkconfig yet.
#   cmake -D ESP_PLATFORM=1 -D COMPONENT_DIR=<repo> -D OUT=<file> -P early.cmake
macro(idf_component_register)
  cmake_parse_arguments(_ "" "KCONFIG;KCONFIG_PROJBUILD"
    "SRCS;SRC_DIRS;EXCLUDE_SRCS;INCLUDE_DIRS;PRIV_INCLUDE_DIRS;LDFRAGMENTS;REQUIRES;PRIV_REQUIRES;REQUIRED_IDF_TARGETS;EMBED_FILES;EMBED_TXTFILES"
    ${ARGN})
  set(__component_requires "${__REQUIRES}")
  set(__component_priv_requires "${__PRIV_REQUIRES}")
  set(__component_registered 1)
  return()
endmacro()

function(__component_get_requirements)
  set(COMPONENT_NAME odeus_auth)
  include("${COMPONENT_DIR}/CMakeLists.txt" OPTIONAL)
  set(__component_requires "${__component_requires}" PARENT_SCOPE)
  set(__component_priv_requires "${__component_priv_requires}" PARENT_SCOPE)
  set(__component_registered "${__component_registered}" PARENT_SCOPE)
endfunction()

set(CMAKE_BUILD_EARLY_EXPANSION 1)
set(__component_registered 0)
__component_get_requirements()
file(WRITE "${OUT}" "registered ${__component_registered}\nREQUIRES ${__component_requires}\nPRIV_REQUIRES ${__component_priv_requires}\n")
