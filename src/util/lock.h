// Advisory locks between processes on byte ranges of one lock file (Linux open-file-description
// locks, F_OFD_SETLK): slot k locks byte k. They conflict between any two opens of the file, in
// one process or several, and the kernel drops them when the holder exits or is killed, so a
// crashed run never leaves a stale lock. Local file systems; NFS passes them to its lock manager
// (not tested here).
#pragma once
#include <cstdint>
#include <filesystem>

namespace eqvk {

class LockFile {
public:
    /// Opens (creating) `path`; throws Error naming it when that fails.
    explicit LockFile(const std::filesystem::path& path);
    ~LockFile();
    LockFile(const LockFile&) = delete;
    LockFile& operator=(const LockFile&) = delete;

    /// Takes slot `slot` exclusively; false at once when another open of the file holds it.
    bool try_lock(uint64_t slot);
    /// Takes slot `slot` exclusively, waiting for its holder.
    void lock(uint64_t slot);
    void unlock(uint64_t slot);

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

/// Holds one slot of a LockFile for its lifetime (move-only).
class SlotLock {
public:
    SlotLock() = default;
    SlotLock(LockFile& file, uint64_t slot) : file_(&file), slot_(slot) {}
    SlotLock(SlotLock&& o) noexcept : file_(o.file_), slot_(o.slot_) { o.file_ = nullptr; }
    SlotLock& operator=(SlotLock&& o) noexcept;
    SlotLock(const SlotLock&) = delete;
    SlotLock& operator=(const SlotLock&) = delete;
    ~SlotLock() {
        if (file_) file_->unlock(slot_);
    }

private:
    LockFile* file_ = nullptr;
    uint64_t slot_ = 0;
};

}  // namespace eqvk
