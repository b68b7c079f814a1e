# Writes BINARY_DIR/include/dixc/version.hpp (cmake -P, from DixcVersion.cmake) with PROJECT_VERSION and the source
# tree's git hash, "-dirty" appended when tracked files differ from that commit. configure_file leaves the file
# untouched when its content is unchanged, so a build without a new commit recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE DIXC_GIT_HASH OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT DIXC_GIT_HASH)
  set(DIXC_GIT_HASH "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE DIXC_GIT_CHANGES OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(DIXC_GIT_CHANGES)
    set(DIXC_GIT_HASH "${DIXC_GIT_HASH}-dirty")
  endif()
endif()
configure_file(${SOURCE_DIR}/cmake/version.hpp.in ${BINARY_DIR}/include/dixc/version.hpp @ONLY)
