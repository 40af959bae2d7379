# Third-party code comes from Debian packages fetched by scripts/lib/deps.sh; nothing is vendored.

# nlohmann_json and doctest are header-only. Expose only their own include folders, never
# /usr/include, so em++ cannot pick up the host's C library headers.
add_library(nlohmann_json_headers INTERFACE)
target_include_directories(nlohmann_json_headers SYSTEM INTERFACE "${CMAKE_BINARY_DIR}/include-nlohmann")
file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/include-nlohmann")
file(CREATE_LINK /usr/include/nlohmann "${CMAKE_BINARY_DIR}/include-nlohmann/nlohmann" SYMBOLIC)
# Bad content must never abort the program: we never let the library throw. Parsing uses the
# non-throwing overload and every access goes through course/json_reader.h, which checks types
# first. With JSON_NOEXCEPTION a missed check aborts loudly in tests instead of being caught.
target_compile_definitions(nlohmann_json_headers INTERFACE JSON_NOEXCEPTION)

add_library(doctest_headers INTERFACE)
target_include_directories(doctest_headers SYSTEM INTERFACE "${CMAKE_BINARY_DIR}/include-doctest")
file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/include-doctest")
file(CREATE_LINK /usr/include/doctest "${CMAKE_BINARY_DIR}/include-doctest/doctest" SYMBOLIC)

# Dear ImGui 1.90.1 (Debian trixie source package). Our config header adds the item hooks the
# accessibility mirror uses.
add_library(imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp
  ${IMGUI_DIR}/imgui_tables.cpp ${IMGUI_DIR}/imgui_widgets.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${IMGUI_DIR} ${IMGUI_DIR}/backends)
target_include_directories(imgui PUBLIC ${CMAKE_SOURCE_DIR}/src)
target_compile_definitions(imgui PUBLIC IMGUI_USER_CONFIG="ui/imconfig_course.h")
