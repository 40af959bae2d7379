# Web build: the course as WebAssembly + our own page (web/), assembled into build/site/.
set(SDL2_WASM_DIR "${DEPS_DIR}/wasm/sdl2")
if(NOT EXISTS "${SDL2_WASM_DIR}/lib/libSDL2.a")
  message(FATAL_ERROR "SDL2 for wasm not found in ${SDL2_WASM_DIR}: run scripts/test or scripts/serve, which build it")
endif()

# The simulation is the hot loop of every lab (millions of events per second): optimise it for
# speed; the rest of the program for size. Each target gets exactly one -O flag: emcc 3.1.6 does
# not let a later -O override an earlier one (the configuration's -Os before sim's -O2 left the
# simulation without inlining, 5x slower than native).
set(CMAKE_CXX_FLAGS_MINSIZEREL "-DNDEBUG")
set(CMAKE_C_FLAGS_MINSIZEREL "-DNDEBUG")
target_compile_options(sim PRIVATE -O2)
foreach(target course ui imgui)
  target_compile_options(${target} PRIVATE -Os)
endforeach()
add_compile_options(-Os)  # every target defined below

add_library(platform STATIC src/platform/web_platform.cpp)
target_include_directories(platform PUBLIC src)

add_executable(dbcourse
  src/app/main_web.cpp src/app/course_app.cpp src/app/webgl_renderer.cpp
  ${IMGUI_DIR}/backends/imgui_impl_sdl2.cpp)
target_include_directories(dbcourse PRIVATE "${SDL2_WASM_DIR}/include/SDL2")
target_compile_options(dbcourse PRIVATE ${DBC_WARNINGS})
target_link_libraries(dbcourse PRIVATE ui platform "${SDL2_WASM_DIR}/lib/libSDL2.a")
set_target_properties(dbcourse PROPERTIES SUFFIX ".js")
target_link_options(dbcourse PRIVATE
  -Os
  -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
  # Core WebGL2 is all src/app/webgl_renderer.cpp uses; enabling every extension the browser
  # offers cost ~200 ms of the start with a software GPU.
  -sGL_SUPPORT_AUTOMATIC_ENABLE_EXTENSIONS=0
  -sALLOW_MEMORY_GROWTH=1
  -sMODULARIZE=1 -sEXPORT_NAME=createCourseModule
  -sENVIRONMENT=web
  -sDYNAMIC_EXECUTION=0            # the page's CSP forbids eval
  -sFILESYSTEM=0                   # content and fonts come through fetch (src/platform)
  -sEXPORTED_FUNCTIONS=_main,_malloc,_free,_dbc_fetch_done,_dbc_wake,_dbc_embed_command,_dbc_activate
  -sEXPORTED_RUNTIME_METHODS=lengthBytesUTF8,stringToUTF8,UTF8ToString
  --pre-js "${CMAKE_SOURCE_DIR}/web/pre.js"
  --js-library "${CMAKE_SOURCE_DIR}/web/canvas_size.js")
set_property(TARGET dbcourse APPEND PROPERTY LINK_DEPENDS "${CMAKE_SOURCE_DIR}/web/pre.js" "${CMAKE_SOURCE_DIR}/web/canvas_size.js")

# build/site/: content-hashed module, page, fonts and content.
file(GLOB_RECURSE SITE_INPUTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/* ${CMAKE_SOURCE_DIR}/content/*.json)
add_custom_command(
  OUTPUT "${CMAKE_SOURCE_DIR}/build/site/index.html"
  COMMAND python3 "${CMAKE_SOURCE_DIR}/scripts/lib/assemble_site.py"
          --module "$<TARGET_FILE_DIR:dbcourse>/dbcourse" --web "${CMAKE_SOURCE_DIR}/web"
          --content "${CMAKE_SOURCE_DIR}/content" --fonts "${DEPS_DIR}/fonts"
          --out "${CMAKE_SOURCE_DIR}/build/site"
  DEPENDS dbcourse ${SITE_INPUTS} "${CMAKE_SOURCE_DIR}/scripts/lib/assemble_site.py"
  COMMENT "Assembling build/site")
add_custom_target(site ALL DEPENDS "${CMAKE_SOURCE_DIR}/build/site/index.html")
# build/course-scorm12.zip: the site as one SCORM 1.2 SCO for LMS upload.
add_custom_command(TARGET site POST_BUILD
  COMMAND python3 "${CMAKE_SOURCE_DIR}/scripts/lib/package_scorm.py"
          --site "${CMAKE_SOURCE_DIR}/build/site" --out "${CMAKE_SOURCE_DIR}/build/course-scorm12.zip"
  COMMENT "Packaging build/course-scorm12.zip")

# The simulation benchmark under node: events/s in wasm and the native-vs-wasm trace hashes.
add_executable(sim-bench-node src/tools/sim_bench.cpp)
target_link_libraries(sim-bench-node PRIVATE sim)
# --profiling-funcs keeps function names, so `node --cpu-prof` profiles of it are readable.
target_link_options(sim-bench-node PRIVATE -O2 --profiling-funcs -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sNODERAWFS=0)
# .cjs: the repository's package.json says "type": "module"; run with
# node --no-experimental-fetch so emscripten 3.1.6 reads the .wasm from disk.
set_target_properties(sim-bench-node PROPERTIES SUFFIX ".cjs")
