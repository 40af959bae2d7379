// Dear ImGui configuration for the course (IMGUI_USER_CONFIG, see cmake/third_party.cmake).
#pragma once
#define IMGUI_DISABLE_OBSOLETE_FUNCTIONS
#define IMGUI_DISABLE_OBSOLETE_KEYIO
// Item hooks (ItemAdd / ItemInfo) feed ui/item_registry.cpp, which publishes every widget's
// rectangle, label and state for the accessibility mirror and the browser tests. Only the hook
// functions are implemented; the Dear ImGui Test Engine itself is not used.
#define IMGUI_ENABLE_TEST_ENGINE
