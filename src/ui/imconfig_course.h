// Dear ImGui configuration for the course (IMGUI_USER_CONFIG, see cmake/third_party.cmake).
#pragma once
#define IMGUI_DISABLE_OBSOLETE_FUNCTIONS
#define IMGUI_DISABLE_OBSOLETE_KEYIO
