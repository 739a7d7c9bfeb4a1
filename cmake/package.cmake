# `cpack -G DEB` in the build directory: lvsnft_<version>_<arch>.deb.
#  - Depends from dpkg-shlibdeps on the installed binary (libnftnl11,
#    libmnl0, libevent, libsystemd0, libc6, ...; no libstdc++6: the C++
#    runtime is linked in, cmake/static_runtime.cmake);
#  - installs to /usr whatever CMAKE_INSTALL_PREFIX is (CPACK_SET_DESTDIR
#    with CPACK_INSTALL_PREFIX: the install runs with prefix /usr into a
#    DESTDIR, so the install-time script writes units naming
#    /usr/sbin/lvsnft into /lib/systemd/system and /etc stays /etc);
#  - /etc/lvsnft/lvsnft.json (no services) is a conffile; no maintainer
#    scripts, so no unit is enabled or started by installing;
#  - /usr/share/doc/lvsnft/copyright and changelog.gz (contrib/debian).
set(LVSNFT_DEB_DIR ${CMAKE_BINARY_DIR}/debian)
file(MAKE_DIRECTORY ${LVSNFT_DEB_DIR})
file(WRITE ${LVSNFT_DEB_DIR}/conffiles "/etc/lvsnft/lvsnft.json\n")
# The build time (or SOURCE_DATE_EPOCH, which string(TIMESTAMP) honours).
string(TIMESTAMP LVSNFT_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
# The version has no Debian revision (a native package), so Debian names
# the file changelog.gz; gzip -n keeps name and time out of its header.
configure_file(${CMAKE_SOURCE_DIR}/contrib/debian/changelog.in
               ${LVSNFT_DEB_DIR}/changelog @ONLY)
execute_process(COMMAND gzip -9nc ${LVSNFT_DEB_DIR}/changelog
                OUTPUT_FILE ${LVSNFT_DEB_DIR}/changelog.gz
                COMMAND_ERROR_IS_FATAL ANY)
install(FILES ${CMAKE_SOURCE_DIR}/contrib/debian/copyright
              ${LVSNFT_DEB_DIR}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lvsnft)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT
    "lvsnft maintainers <maintainers@users.noreply.r-seed-1102685d.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Linux Virtual Server built on nftables instead of IPVS")
# The extended description (cpack puts the summary above it and indents).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "lvsnft compiles one JSON file describing load-balanced services (NAT, DR,
TUN and FULLNAT forwarding; rr, wrr, random, sh, dh and Maglev scheduling)
into nftables tables applied atomically over netlink, plus the director's
host objects. It also sets up real servers (rs-setup) and runs as a
systemd daemon that repairs drift. The units are installed disabled.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nftables, keepalived")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${LVSNFT_DEB_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
