# Embeds the viewer's hand-written files (web/) into the binary as byte arrays, so `ginn view` needs no files at run time.
# ginn_embed_files(OUTPUT file.cpp FILES a b ...) writes a .cpp defining ginn::detail::web_asset(name).
function(ginn_embed_files)
  cmake_parse_arguments(E "" "OUTPUT" "FILES" ${ARGN})
  string(REPLACE ";" "|" files "${E_FILES}")  # a list survives the shell only without semicolons
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} "-DFILES=${files}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    VERBATIM
    DEPENDS ${E_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding web/ into the ginn binary")
endfunction()
