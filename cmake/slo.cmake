# Shared build settings, as an interface target (no global flags).
include(GoogleTest)

add_library(slo_build_options INTERFACE)
target_compile_options(slo_build_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wno-unused-parameter)
if(SLO_WERROR)
  target_compile_options(slo_build_options INTERFACE -Werror)
endif()
if(SLO_SANITIZE)
  target_compile_options(slo_build_options INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(slo_build_options INTERFACE -fsanitize=address,undefined)
endif()

# cpprest's U() macro clashes with fmt and gtest; every target that sees cpprest gets this.
add_library(slo_cpprest INTERFACE)
target_compile_definitions(slo_cpprest INTERFACE _TURN_OFF_PLATFORM_STRING)
target_link_libraries(slo_cpprest INTERFACE cpprestsdk::cpprest OpenSSL::SSL OpenSSL::Crypto
                      Boost::system Threads::Threads)

# slo_add_test(NAME SOURCES a.cc b.cc LIBS lib... [LABELS unit|integration|e2e])
# A GoogleTest executable, its tests discovered at test time. Label `unit` (the default) marks
# pure tests that the sanitizer build runs.
function(slo_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gmock GTest::gtest_main
                        slo_build_options)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       PROPERTIES LABELS "${T_LABELS}"
                       ENVIRONMENT "SLO_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  if("unit" IN_LIST T_LABELS)
    set_property(GLOBAL APPEND PROPERTY SLO_UNIT_TESTS ${name})
  endif()
endfunction()
