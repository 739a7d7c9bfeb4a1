#include "daemon/control_server.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/log.h"
#include "daemon/request.h"

namespace lvsnft::daemon {

struct ControlServer::Impl {
  std::string path;
  RequestHandler handler;
  std::optional<gid_t> group;
  evconnlistener* listener = nullptr;
};

namespace {

// A client gets this long to send its request.
constexpr int kReadTimeoutSeconds = 5;

// Frees the connection once the reply is out (the client already closed
// its side, so there is nothing left to read).
void FreeWhenFlushed(bufferevent* bev) {
  bufferevent_disable(bev, EV_READ);
  if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
    return bufferevent_free(bev);
  bufferevent_setcb(
      bev, nullptr,
      [](bufferevent* b, void*) {
        if (evbuffer_get_length(bufferevent_get_output(b)) == 0)
          bufferevent_free(b);
      },
      [](bufferevent* b, short, void*) { bufferevent_free(b); }, nullptr);
  bufferevent_enable(bev, EV_WRITE);
}

// After the reply to a client still sending: half-close once it is out,
// and read and drop input until the client closes (or times out), so
// that unread input never resets the connection before the reply is read.
void CloseWhenFlushed(bufferevent* bev, bool eof) {
  evbuffer_drain(bufferevent_get_input(bev), SIZE_MAX);
  if (eof) return FreeWhenFlushed(bev);
  bufferevent_setcb(
      bev,
      [](bufferevent* b, void*) {
        evbuffer_drain(bufferevent_get_input(b), SIZE_MAX);
      },
      [](bufferevent* b, void*) {
        if (evbuffer_get_length(bufferevent_get_output(b)) == 0)
          shutdown(bufferevent_getfd(b), SHUT_WR);
      },
      [](bufferevent* b, short what, void*) {
        if (what & BEV_EVENT_EOF) return FreeWhenFlushed(b);
        bufferevent_free(b);
      },
      nullptr);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
}

void Reply(bufferevent* bev, const std::string& reply, bool eof) {
  bufferevent_write(bev, reply.data(), reply.size());
  CloseWhenFlushed(bev, eof);
}

// Answers once the request is complete: a newline, or EOF from the client.
void Serve(bufferevent* bev, ControlServer::Impl* impl, bool eof) {
  evbuffer* in = bufferevent_get_input(bev);
  size_t len = evbuffer_get_length(in);
  if (len > kMaxRequestBytes) {
    Log(kWarning, "control: request over " + std::to_string(kMaxRequestBytes) +
                      " bytes refused");
    return Reply(bev,
                 ErrorReply("request larger than " +
                            std::to_string(kMaxRequestBytes) + " bytes"),
                 eof);
  }
  evbuffer_ptr nl = evbuffer_search(in, "\n", 1, nullptr);
  if (nl.pos < 0 && !eof) return;
  size_t n = nl.pos < 0 ? len : static_cast<size_t>(nl.pos);
  std::string req(n, '\0');
  evbuffer_remove(in, req.data(), n);
  Reply(bev, impl->handler(req), eof);
}

// True when the peer's primary or a supplementary group is `group`.
bool PeerInGroup(int fd, const ucred& cred, gid_t group) {
  if (cred.gid == group) return true;
  gid_t groups[256];
  socklen_t len = sizeof groups;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
    return false;
  for (size_t i = 0; i < len / sizeof(gid_t); ++i) {
    if (groups[i] == group) return true;
  }
  return false;
}

bool PeerAllowed(int fd, const std::optional<gid_t>& group) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  if (cred.uid == 0 || cred.uid == getuid()) return true;
  if (group && PeerInGroup(fd, cred, *group)) return true;
  Log(kWarning, "control: refused client uid " + std::to_string(cred.uid) +
                    " pid " + std::to_string(cred.pid));
  return false;
}

void OnAccept(evconnlistener* l, evutil_socket_t fd, sockaddr*, int,
              void* arg) {
  auto* impl = static_cast<ControlServer::Impl*>(arg);
  bufferevent* bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
                                            BEV_OPT_CLOSE_ON_FREE);
  timeval tv{kReadTimeoutSeconds, 0};
  bufferevent_set_timeouts(bev, &tv, &tv);
  if (!PeerAllowed(fd, impl->group))
    return Reply(
        bev,
        ErrorReply(impl->group ? "permission denied: only root, the daemon's "
                                 "user and the control group may use the "
                                 "control socket"
                               : "permission denied: only root and the "
                                 "daemon's user may use the control socket"),
        false);
  bufferevent_setwatermark(bev, EV_READ, 0, kMaxRequestBytes + 1);
  bufferevent_setcb(
      bev,
      [](bufferevent* b, void* a) {
        Serve(b, static_cast<ControlServer::Impl*>(a), false);
      },
      nullptr,
      [](bufferevent* b, short what, void* a) {
        if (what & BEV_EVENT_EOF)
          return Serve(b, static_cast<ControlServer::Impl*>(a), true);
        bufferevent_free(b);  // Error or timeout: drop the client.
      },
      impl);
  bufferevent_enable(bev, EV_READ);
}

Result<int> BindUnix(const std::string& path, std::optional<gid_t> group) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path)
    return Status::Error("control socket path too long: " + path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Status::Error(std::string("socket: ") + strerror(errno));
  unlink(path.c_str());      // A stale socket of an earlier run.
  mode_t old = umask(0177);  // Created 0600: no window with wider access.
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  umask(old);
  if (rc == 0 && group && chown(path.c_str(), -1, *group) != 0) rc = -1;
  if (rc != 0 || chmod(path.c_str(), group ? 0660 : 0600) != 0 ||
      listen(fd, 16) != 0) {
    std::string err = strerror(errno);
    close(fd);
    return Status::Error("cannot listen on " + path + ": " + err);
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::Open(
    event_base* base, const std::string& path, RequestHandler handler,
    std::optional<gid_t> group) {
  std::string dir = path.substr(0, path.rfind('/'));
  // A directory made here lets the control group reach the socket; one
  // that exists is left as it is.
  if (!dir.empty() && mkdir(dir.c_str(), group ? 0710 : 0700) == 0 && group &&
      chown(dir.c_str(), -1, *group) != 0) {
    return Status::Error("cannot give " + dir +
                         " to the control group: " + strerror(errno));
  }
  auto fd = BindUnix(path, group);
  if (!fd.ok()) return fd.status();
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->handler = std::move(handler);
  impl->group = group;
  impl->listener = evconnlistener_new(base, OnAccept, impl.get(),
                                      LEV_OPT_CLOSE_ON_FREE, -1, *fd);
  if (!impl->listener) {
    close(*fd);
    return Status::Error("cannot watch " + path);
  }
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(impl)));
}

ControlServer::ControlServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

ControlServer::~ControlServer() {
  if (impl_->listener) evconnlistener_free(impl_->listener);
  unlink(impl_->path.c_str());
}

}  // namespace lvsnft::daemon
