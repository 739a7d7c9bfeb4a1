# What `cmake --install` / `make install` / cpack put on a system (only the
# lvsnft binary among the programs: lvsnft-test, lvsnft_gen, lvsnft_echo
# and the benchmark tools are for tests and are never installed):
#   sbin/lvsnft
#   share/lvsnft/lvsnft-config.schema.json        the JSON Schema
#   share/doc/lvsnft/{README.md,*.md,examples/}    docs and examples
#   share/man/man8/lvsnft.8.gz, man5/lvsnft.json.5.gz; bash completion
#                                                  (cmake/docs.cmake)
#   systemd units, naming the installed binary     (cmake/install_units.cmake)
#   /etc/lvsnft/lvsnft.json, a config with no services, only if absent
install(TARGETS lvsnft RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/schema/lvsnft-config.schema.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lvsnft)
file(GLOB LVSNFT_DOCS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${LVSNFT_DOCS}
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        FILES_MATCHING PATTERN "*.json")

# The units and the config are placed by a script that runs at install
# time, so that they see the prefix of *this* install: `cmake --install
# --prefix P`, or cpack's /usr (the binary is then /usr/sbin/lvsnft and the
# units go to /lib/systemd/system), not only the configure-time prefix.
set(LVSNFT_UNITDIR "" CACHE PATH
    "systemd unit directory (default: /lib/systemd/system for prefix /usr, else PREFIX/lib/systemd/system)")
install(CODE "
  set(LVSNFT_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")
  set(LVSNFT_BINARY_DIR \"${CMAKE_BINARY_DIR}\")
  set(LVSNFT_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")
  set(LVSNFT_DOCDIR_REL \"${CMAKE_INSTALL_DOCDIR}\")
  set(LVSNFT_UNITDIR \"${LVSNFT_UNITDIR}\")")
install(SCRIPT ${CMAKE_SOURCE_DIR}/cmake/install_units.cmake)
