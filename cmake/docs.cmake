# Man pages and bash completion, generated at build time so that they
# cannot drift from their one source each:
#   lvsnft(8) and the completion: the built binary's `--help` output
#   (scripts/gen/cli_man.py, scripts/gen/completion.py);
#   lvsnft.json(5): the JSON Schema (scripts/gen/json_man.py).
# Outputs land in ${CMAKE_BINARY_DIR}/man and /completion; the pages also
# as reproducible .gz files, which is what gets installed.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: man pages and bash completion are "
                  "neither built nor installed")
  return()
endif()

set(LVSNFT_GEN_DIR ${CMAKE_SOURCE_DIR}/scripts/gen)
set(LVSNFT_SCHEMA ${CMAKE_SOURCE_DIR}/schema/lvsnft-config.schema.json)
set(LVSNFT_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(LVSNFT_COMPLETION ${CMAKE_BINARY_DIR}/completion/lvsnft)
file(MAKE_DIRECTORY ${LVSNFT_MAN_DIR} ${CMAKE_BINARY_DIR}/completion)
file(GLOB LVSNFT_GEN_SOURCES CONFIGURE_DEPENDS ${LVSNFT_GEN_DIR}/*.py)

add_custom_command(
  OUTPUT ${LVSNFT_MAN_DIR}/lvsnft.8 ${LVSNFT_MAN_DIR}/lvsnft.8.gz
  COMMAND Python3::Interpreter ${LVSNFT_GEN_DIR}/cli_man.py
          $<TARGET_FILE:lvsnft> ${PROJECT_VERSION} ${LVSNFT_MAN_DIR}/lvsnft.8
  DEPENDS lvsnft ${LVSNFT_GEN_SOURCES}
  COMMENT "lvsnft.8 from lvsnft --help" VERBATIM)
add_custom_command(
  OUTPUT ${LVSNFT_MAN_DIR}/lvsnft.json.5 ${LVSNFT_MAN_DIR}/lvsnft.json.5.gz
  COMMAND Python3::Interpreter ${LVSNFT_GEN_DIR}/json_man.py
          ${LVSNFT_SCHEMA} ${PROJECT_VERSION} ${LVSNFT_MAN_DIR}/lvsnft.json.5
  DEPENDS ${LVSNFT_SCHEMA} ${LVSNFT_GEN_SOURCES}
  COMMENT "lvsnft.json.5 from the JSON Schema" VERBATIM)
add_custom_command(
  OUTPUT ${LVSNFT_COMPLETION}
  COMMAND Python3::Interpreter ${LVSNFT_GEN_DIR}/completion.py
          $<TARGET_FILE:lvsnft> ${LVSNFT_COMPLETION}
  DEPENDS lvsnft ${LVSNFT_GEN_SOURCES}
  COMMENT "bash completion from lvsnft --help" VERBATIM)
add_custom_target(lvsnft_docs ALL DEPENDS
  ${LVSNFT_MAN_DIR}/lvsnft.8 ${LVSNFT_MAN_DIR}/lvsnft.json.5
  ${LVSNFT_COMPLETION})

install(FILES ${LVSNFT_MAN_DIR}/lvsnft.8.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${LVSNFT_MAN_DIR}/lvsnft.json.5.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${LVSNFT_COMPLETION}
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
