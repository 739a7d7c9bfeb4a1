# Install-time part of cmake/install.cmake (runs inside cmake_install.cmake,
# after CMAKE_INSTALL_PREFIX and DESTDIR are final).
#
# 1. contrib/*.service.in -> the unit directory, with @LVSNFT_BIN@ the
#    installed binary, @LVSNFT_DOCDIR@ the installed docs and
#    @LVSNFT_CONFDIR@ the config directory.
# 2. contrib/lvsnft.json -> CONFDIR/lvsnft.json unless one exists: a
#    re-install never overwrites an operator's config (in the .deb, dpkg
#    keeps it as a conffile instead). CONFDIR is /etc/lvsnft for the
#    prefixes /usr (the .deb) and /usr/local (the README), the path the
#    docs name; PREFIX/etc/lvsnft for any other prefix.
set(LVSNFT_BIN "${CMAKE_INSTALL_PREFIX}/${LVSNFT_SBINDIR}/lvsnft")
set(LVSNFT_DOCDIR "${CMAKE_INSTALL_PREFIX}/${LVSNFT_DOCDIR_REL}")
set(unitdir "${LVSNFT_UNITDIR}")
if(NOT unitdir AND CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(unitdir "/lib/systemd/system")
elseif(NOT unitdir)
  set(unitdir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()

if(CMAKE_INSTALL_PREFIX MATCHES "^/usr(/local)?$")
  set(LVSNFT_CONFDIR "/etc/lvsnft")
else()
  set(LVSNFT_CONFDIR "${CMAKE_INSTALL_PREFIX}/etc/lvsnft")
endif()

# One staging directory per destination: installs into different roots
# (a test's DESTDIR, cpack's staging) never share a configured file.
string(MD5 tag "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
file(GLOB units "${LVSNFT_SOURCE_DIR}/contrib/*.service.in")
foreach(in ${units})
  get_filename_component(name "${in}" NAME)
  string(REGEX REPLACE "\\.in$" "" name "${name}")
  set(out "${LVSNFT_BINARY_DIR}/contrib/${tag}/${name}")
  configure_file("${in}" "${out}" @ONLY)
  file(INSTALL DESTINATION "${unitdir}" TYPE FILE FILES "${out}")
endforeach()

if(EXISTS "$ENV{DESTDIR}${LVSNFT_CONFDIR}/lvsnft.json")
  message(STATUS "Kept: $ENV{DESTDIR}${LVSNFT_CONFDIR}/lvsnft.json")
else()
  file(INSTALL DESTINATION "${LVSNFT_CONFDIR}" TYPE FILE
       FILES "${LVSNFT_SOURCE_DIR}/contrib/lvsnft.json")
endif()
