// The PEM files an https health check names (ca_file, client_cert,
// client_key): `validate` loads them so that a missing or broken file is
// a located error, not a check that fails at run time.
#pragma once

#include <string>
#include <string_view>

namespace lvsnft {

/// Why the file `path` of key `key` (ca_file, client_cert) holds no usable
/// certificate list: unreadable, no certificate, one that does not decode.
/// "" when every certificate in it loads.
std::string CertFileProblem(std::string_view key, const std::string& path);

/// Why `key_path` (client_key) is not the private key of the first
/// certificate of `cert_path` (client_cert): unreadable, no key, or
/// another key. "" when it is (or when the certificate does not load: that
/// is client_cert's problem).
std::string KeyFileProblem(const std::string& key_path,
                           const std::string& cert_path);

}  // namespace lvsnft
