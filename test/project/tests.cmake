# Project-wide habits, checked by ctest (included from the top-level CMakeLists.txt):
#   project.unit.format         every C++ file is as clang-format leaves it (scripts/format.sh --check)
#   project.unit.lint           clang-tidy is clean over every C++ folder (scripts/lint.sh)
#   project.unit.include_roots  every quoted include names exactly one file (the shared core cannot be shadowed)
#   extension.unit.version      the control file's version has its install script, and CMake read it
#   <program>.unit.version      each program's --version prints that same version
find_program(MLFLOW_PURGE_BASH bash REQUIRED)
find_program(MLFLOW_PURGE_PROJECT_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)

add_test(NAME project.unit.format COMMAND ${MLFLOW_PURGE_BASH} ${CMAKE_SOURCE_DIR}/scripts/format.sh --check
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME project.unit.lint COMMAND ${MLFLOW_PURGE_BASH} ${CMAKE_SOURCE_DIR}/scripts/lint.sh ${CMAKE_BINARY_DIR}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(project.unit.lint PROPERTIES TIMEOUT 3600)
add_test(NAME project.unit.include_roots
         COMMAND ${MLFLOW_PURGE_PROJECT_PYTHON3} ${CMAKE_SOURCE_DIR}/test/project/check-includes.py ${CMAKE_SOURCE_DIR})
add_test(NAME extension.unit.version
         COMMAND ${MLFLOW_PURGE_BASH} ${CMAKE_SOURCE_DIR}/test/project/version.sh extension ${MLFLOW_PURGE_VERSION})
set_tests_properties(project.unit.format project.unit.include_roots extension.unit.version PROPERTIES LABELS fast)

# Called by each program's CMakeLists.txt: <test_program>.unit.version runs `<target> --version`.
function(mlflow_purge_add_version_test test_program target printed_name)
  add_test(NAME ${test_program}.unit.version
           COMMAND ${MLFLOW_PURGE_BASH} ${CMAKE_SOURCE_DIR}/test/project/version.sh program
                   $<TARGET_FILE:${target}> ${printed_name})
  set_tests_properties(${test_program}.unit.version PROPERTIES LABELS fast)
endfunction()
