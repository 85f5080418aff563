# One recipe per dependency, each from a Debian bookworm package (named beside it); find_package / pkg-config only.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)                # libeigen3-dev
find_package(nlohmann_json 3.10 REQUIRED)                  # nlohmann-json3-dev
find_package(CLI11 REQUIRED)                               # libcli11-dev
find_package(tomlplusplus REQUIRED)                        # libtomlplusplus-dev
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)    # libcairo2-dev (PNG, SVG and PDF surfaces)
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)        # libstb-dev (stb_image, stb_image_write, stb_image_resize)
pkg_check_modules(GMPXX REQUIRED IMPORTED_TARGET gmpxx)    # libgmp-dev (exact rationals for the geometry's predicates)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)      # zlib1g-dev (Debian's gzipped MNIST-format files, ginn flips)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3) # libsqlite3-dev (ginn annotate's labels)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib) # libcpp-httplib-dev (ginn annotate serve)
if(GINN_BUILD_TESTS)
  find_package(GTest REQUIRED)                             # libgtest-dev
endif()
if(GINN_BUILD_BENCH)
  find_package(benchmark REQUIRED)                         # libbenchmark-dev
endif()
# Optional: Open MPI (libopenmpi-dev, openmpi-bin) lets `mpirun -np N ginn sweep` split a sweep across ranks.
option(GINN_MPI "Build ginn sweep with MPI when an MPI is found" ON)
if(GINN_MPI)
  find_package(MPI COMPONENTS CXX QUIET)
endif()
