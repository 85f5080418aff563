# Sanitizer and fuzzer instrumentation for the whole build (GINN_SANITIZE, GINN_FUZZ); the plain build has none.
# Not a place for warnings: those stay in CMakeLists.txt.
if(GINN_SANITIZE)
  # -fno-sanitize-recover: the first report aborts the process, so a test or fuzzer run with a report fails.
  # -O1 after the build type's -O3: the usual sanitizer trade of compile time against run time.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
if(GINN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GINN_FUZZ needs clang (libFuzzer); configure with -DCMAKE_CXX_COMPILER=clang++ (Debian: clang)")
  endif()
  # Coverage instrumentation everywhere; only the harnesses link libFuzzer's main (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
