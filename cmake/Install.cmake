# Install rules and the CMake package: `cmake --install build --prefix PREFIX` installs the
# tools, the libraries (static, exported as lowbit::<name>), the headers (include/lowbit,
# include/tile, with the generated .inc files) and PREFIX/lib/cmake/lowbit, so that another
# project can
#   find_package(lowbit REQUIRED CONFIG)   # -DCMAKE_PREFIX_PATH=PREFIX
#   target_link_libraries(app PRIVATE lowbit::LowbitAot lowbit::LowbitImportONNX ...)
# lowbitConfig.cmake finds MLIR 22 (Debian's libmlir-22-dev), protobuf and ONNX first, as the
# libraries link them.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(lowbit_libraries GLOBAL PROPERTY LOWBIT_INSTALLED_LIBRARIES)
install(TARGETS ${lowbit_libraries}
  EXPORT lowbitTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(lowbit_tools lowbit-opt lowbit-run lowbit-compile lowbit-import-onnx lowbit-npy lowbit-layout
                 lowbit-bench)
# Installed tools find libMLIR.so and libLLVM.so where Debian puts them.
set_target_properties(${lowbit_tools} PROPERTIES INSTALL_RPATH "${LLVM_LIBRARY_DIR}")
install(TARGETS ${lowbit_tools} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Headers: include/lowbit and the dialects' headers (included as lowbit/... and tile/...),
# with what TableGen generated for them.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/lowbit ${PROJECT_SOURCE_DIR}/dialects/lowbit
                  ${PROJECT_SOURCE_DIR}/dialects/tile
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/lowbit ${PROJECT_BINARY_DIR}/dialects/lowbit
                  ${PROJECT_BINARY_DIR}/dialects/tile
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc" PATTERN "CMakeFiles" EXCLUDE)

set(LOWBIT_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/lowbit)
install(EXPORT lowbitTargets NAMESPACE lowbit:: DESTINATION ${LOWBIT_PACKAGE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/lowbitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/lowbitConfig.cmake
  INSTALL_DESTINATION ${LOWBIT_PACKAGE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lowbitConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/lowbitConfig.cmake
              ${PROJECT_BINARY_DIR}/lowbitConfigVersion.cmake
  DESTINATION ${LOWBIT_PACKAGE_DIR})
