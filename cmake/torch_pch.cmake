# One precompiled <torch/torch.h> for every translation unit that reaches LibTorch.
#
# Parsing LibTorch's headers is most of a torch TU's compile time (<torch/torch.h> alone takes
# ~17 s of a ~22 s TU on the 2-core build machine). The header is precompiled once, by
# adamix_torch_pch, and reused by every target (REUSE_FROM): a torch TU then compiles in
# ~10 s. Loading the 570 MB precompiled header costs ~5-7 s, so the TUs that never reach
# LibTorch (tokenizers, metrics, YAML, reports, ...) skip it and stay as fast as before, and
# with ADAMIX_UNITY_BUILD (the default) a target's LibTorch TUs compile in batches of
# ADAMIX_UNITY_BUILD_BATCH_SIZE, loading the header once per batch: a clean build on 2 cores
# 16 min 55 s -> 9 min 48 s. The price: the files of a batch share one TU, so helpers in their
# anonymous namespaces need distinct names (or a namespace of the file's own).

# Whether FILE reaches LibTorch through its #includes: a <torch/...>, <ATen/...> or <c10/...>
# include, or a project header ("core/peft/routing.h", relative to the project root or to
# FILE's folder) that does. Memoised per file in global properties (configure time only).
function(_adamix_reaches_torch file out)
  get_property(known GLOBAL PROPERTY "ADAMIX_TORCH:${file}" SET)
  if(known)
    get_property(result GLOBAL PROPERTY "ADAMIX_TORCH:${file}")
    set(${out} ${result} PARENT_SCOPE)
    return()
  endif()
  set_property(GLOBAL PROPERTY "ADAMIX_TORCH:${file}" OFF) # guards include cycles
  file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  get_filename_component(folder ${file} DIRECTORY)
  set(result OFF)
  foreach(line IN LISTS includes)
    if(line MATCHES "<(torch|ATen|c10)/")
      set(result ON)
      break()
    endif()
    if(NOT line MATCHES "\"([^\"]+)\"")
      continue()
    endif()
    set(header ${PROJECT_SOURCE_DIR}/${CMAKE_MATCH_1})
    if(NOT EXISTS ${header})
      set(header ${folder}/${CMAKE_MATCH_1})
    endif()
    if(EXISTS ${header})
      _adamix_reaches_torch(${header} reaches)
      if(reaches)
        set(result ON)
        break()
      endif()
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY "ADAMIX_TORCH:${file}" ${result})
  set(${out} ${result} PARENT_SCOPE)
endfunction()

if(ADAMIX_PRECOMPILE_HEADERS)
  add_library(adamix_torch_pch OBJECT ${CMAKE_CURRENT_LIST_DIR}/torch_pch.cpp)
  target_link_libraries(adamix_torch_pch PRIVATE adamix_torch)
  target_precompile_headers(adamix_torch_pch PRIVATE <torch/torch.h>)
endif()

# Gives TARGET's LibTorch TUs the shared precompiled header; its other TUs skip it.
function(adamix_torch_pch target)
  if(NOT ADAMIX_PRECOMPILE_HEADERS)
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(any OFF)
  foreach(source IN LISTS sources)
    if(NOT IS_ABSOLUTE ${source})
      set(source ${source_dir}/${source})
    endif()
    _adamix_reaches_torch(${source} reaches)
    if(reaches)
      set(any ON)
    else()
      set_source_files_properties(${source} TARGET_DIRECTORY ${target}
        PROPERTIES SKIP_PRECOMPILE_HEADERS ON SKIP_UNITY_BUILD_INCLUSION ON)
    endif()
  endforeach()
  if(any)
    target_precompile_headers(${target} REUSE_FROM adamix_torch_pch)
    if(ADAMIX_UNITY_BUILD)
      # The LibTorch TUs compiled in batches: the precompiled header is loaded once per batch.
      set_target_properties(${target} PROPERTIES UNITY_BUILD ON
        UNITY_BUILD_BATCH_SIZE ${ADAMIX_UNITY_BUILD_BATCH_SIZE})
    endif()
  endif()
endfunction()
