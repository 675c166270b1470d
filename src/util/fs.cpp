// Atomic file writes and the cache directory (see fs.h).
#include "util/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "util/error.h"

namespace eqvk {

void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes) {
    auto fail = [&](const std::string& what) {
        throw Error("cannot write " + path.string() + ": " + what + ": " + std::strerror(errno));
    };
    std::filesystem::path tmp = path;
    tmp += ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("open " + tmp.string());
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            ::unlink(tmp.c_str());
            fail("write");
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        fail("flush");
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        fail("rename");
    }
    // The rename itself reaches the disk with the directory.
    const std::filesystem::path parent = path.parent_path().empty() ? "." : path.parent_path();
    if (int dfd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

std::optional<std::vector<std::byte>> read_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
        return std::nullopt;  // a directory "opens" as a stream of absurd size
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    in.seekg(0, std::ios::end);
    auto size = in.tellg();
    if (size < 0) return std::nullopt;
    std::vector<std::byte> bytes(static_cast<size_t>(size));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) return std::nullopt;
    return bytes;
}

std::string unreadable_reason(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return "is a directory";
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
        return "not a regular file";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::strerror(errno);
    ::close(fd);
    return "";
}

std::string unwritable_reason(const std::filesystem::path& dir, bool create) {
    std::error_code ec;
    if (create && !std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) return ec.message();
    }
    if (!std::filesystem::exists(dir, ec)) return std::strerror(ENOENT);
    if (!std::filesystem::is_directory(dir, ec)) return "is not a directory";
    const auto probe = dir / (".eqvk-probe." + std::to_string(::getpid()));
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return std::strerror(errno);
    ::close(fd);
    if (::unlink(probe.c_str()) != 0) return std::strerror(errno);
    return "";
}

std::filesystem::path cache_dir() {
    if (const char* d = std::getenv("EQVK_CACHE_DIR"); d && *d) return d;
    if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d)
        return std::filesystem::path(d) / "eqvk";
    if (const char* d = std::getenv("HOME"); d && *d)
        return std::filesystem::path(d) / ".cache" / "eqvk";
    return {};
}

}  // namespace eqvk
