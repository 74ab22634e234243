# The install rules (included by CMakeLists.txt when CW_INSTALL): the library, shared (with its SONAME,
# libclaimwatch.so.MAJOR) and static, the public headers, claimwatch.pc, the CMake package and the command
# line. An installed claimwatch is found either way:
#   cc app.c $(pkg-config --cflags --libs claimwatch)
#   find_package(claimwatch) + target_link_libraries(app PRIVATE claimwatch::claimwatch)   (or ::static)
# Both are relocatable: the .pc file and the package find the prefix from where they lie, so
# `cmake --install BUILD --prefix DIR` works for any DIR, as does DESTDIR.
include(CMakePackageConfigHelpers)
set(CW_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/claimwatch)

install(TARGETS claimwatch_shared claimwatch_static EXPORT claimwatchTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS claimwatch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/claimwatch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

# claimwatch.pc: the prefix is the .pc file's folder, up as many levels as the libdir has.
file(RELATIVE_PATH CW_PC_UP /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" CW_PC_UP "${CW_PC_UP}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/claimwatch.pc.in ${PROJECT_BINARY_DIR}/claimwatch.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/claimwatch.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(EXPORT claimwatchTargets NAMESPACE claimwatch:: DESTINATION ${CW_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/claimwatchConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/claimwatchConfig.cmake INSTALL_DESTINATION ${CW_CMAKE_DIR})
# 0.x: a minor version may change the API, so only the same major.minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/claimwatchConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/claimwatchConfig.cmake ${PROJECT_BINARY_DIR}/claimwatchConfigVersion.cmake
        DESTINATION ${CW_CMAKE_DIR})
