# Version and git hash go into a generated header so datasets and models can record what produced them. It is
# written at configure time and again before every build (target dixc_version, a dependency of dixc_core), so
# that a binary built after a commit records that commit, not the one CMake was configured at.
set(DIXC_VERSION_COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
                         -DBINARY_DIR=${CMAKE_CURRENT_BINARY_DIR} -DPROJECT_VERSION=${PROJECT_VERSION}
                         -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/DixcWriteVersion.cmake)
execute_process(COMMAND ${DIXC_VERSION_COMMAND})
add_custom_target(dixc_version COMMAND ${DIXC_VERSION_COMMAND} COMMENT "git hash for dixc/version.hpp")
