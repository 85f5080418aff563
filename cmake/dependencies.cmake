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
find_package(ZLIB REQUIRED)                                # zlib1g-dev (the viewer's deflate; gzipped MNIST-format files)
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
# Optional: ONNX import (`--model FILE.onnx`, docs/onnx.md) with libonnx-dev + libprotobuf-dev.
find_package(ONNX QUIET)
find_package(Protobuf QUIET)
if(ONNX_FOUND AND Protobuf_FOUND AND TARGET onnx_proto)
  message(STATUS "ONNX import: enabled (libonnx-dev)")
else()
  message(STATUS "ONNX import: disabled; `apt-get install libonnx-dev libprotobuf-dev` enables --model FILE.onnx")
endif()
# Optional: the Python module (bindings/python/, docs/python.md) with python3-dev + pybind11-dev; Debian's python3 (which has
# python3-numpy, python3-torch, python3-onnx) unless -DPython3_EXECUTABLE says otherwise.
option(GINN_PYTHON "Build the Python module when python3-dev and pybind11-dev are found" ON)
if(GINN_PYTHON)
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
  if(Python3_FOUND)
    find_package(pybind11 CONFIG QUIET)
  endif()
  if(Python3_FOUND AND pybind11_FOUND)
    message(STATUS "Python module: enabled (${Python3_EXECUTABLE}); import with PYTHONPATH=${CMAKE_BINARY_DIR}/bindings/python")
  else()
    message(STATUS "Python module: disabled; `apt-get install python3-dev pybind11-dev python3-numpy` enables it")
  endif()
endif()
