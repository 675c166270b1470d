// Open-file-description byte-range locks (see lock.h).
#include "util/lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "util/error.h"

namespace eqvk {
namespace {

struct flock slot_range(short type, uint64_t slot) {
    struct flock fl {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = static_cast<off_t>(slot);
    fl.l_len = 1;
    return fl;  // l_pid stays 0, as F_OFD_* requires
}

}  // namespace

LockFile::LockFile(const std::filesystem::path& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw Error("cannot open lock file " + path.string() + ": " + std::strerror(errno));
}

LockFile::~LockFile() {
    if (fd_ >= 0) ::close(fd_);
}

bool LockFile::try_lock(uint64_t slot) {
    struct flock fl = slot_range(F_WRLCK, slot);
    if (::fcntl(fd_, F_OFD_SETLK, &fl) == 0) return true;
    if (errno == EAGAIN || errno == EACCES) return false;
    throw Error("cannot lock " + path_.string() + ": " + std::strerror(errno));
}

void LockFile::lock(uint64_t slot) {
    struct flock fl = slot_range(F_WRLCK, slot);
    while (::fcntl(fd_, F_OFD_SETLKW, &fl) != 0)
        if (errno != EINTR)
            throw Error("cannot lock " + path_.string() + ": " + std::strerror(errno));
}

void LockFile::unlock(uint64_t slot) {
    struct flock fl = slot_range(F_UNLCK, slot);
    ::fcntl(fd_, F_OFD_SETLK, &fl);
}

SlotLock& SlotLock::operator=(SlotLock&& o) noexcept {
    if (this != &o) {
        if (file_) file_->unlock(slot_);
        file_ = std::exchange(o.file_, nullptr);
        slot_ = o.slot_;
    }
    return *this;
}

}  // namespace eqvk
