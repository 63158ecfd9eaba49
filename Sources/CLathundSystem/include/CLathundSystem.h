#ifndef CLATHUNDSYSTEM_H
#define CLATHUNDSYSTEM_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (ENOSYS/EINVAL where unsupported).
int lathund_rename_exchange(const char *from, const char *to);

/// Removes a folder tree in a detached process (`rm -rf -- path` in a new session, reparented to init), so the
/// caller neither waits for it nor leaves a zombie. Returns 0 when the process was started, -1 otherwise.
int lathund_remove_in_background(const char *path);

#include <stddef.h>

/// The offset of the first `needle` in `haystack`, or -1 (glibc's memmem, which Swift's Glibc module does not
/// export).
long lathund_find_bytes(const void *haystack, size_t haystack_length, const char *needle, size_t needle_length);

/// Kernel file events (Linux inotify), for the preview's file watcher. `lathund_events_open` returns a
/// non-blocking descriptor, or -1 (also where inotify does not exist).
int lathund_events_open(void);

/// Watches the entries of one folder (created, deleted, written, moved, attributes). Returns the watch's number
/// (the same one again for a folder already watched), or -1 with errno set (ENOSPC: the user's watch limit).
int lathund_events_watch_folder(int events, const char *path);

/// One `read` of the pending events into `buffer` (as the kernel lays them out: `struct inotify_event`s, each
/// followed by its name). Returns the bytes read, 0 when none is pending, -1 on error (EINVAL: `size` is too
/// small for the next event).
long lathund_events_read(int events, void *buffer, size_t size);

/// Bytes the C heap has handed out and not had back (glibc's mallinfo2: in-use chunks plus mmapped ones); 0 where
/// unknown. For the stage statistics (`LATHUND_STAGE_STATS`).
size_t lathund_heap_in_use(void);

/// Gives the memory the C heap holds free back to the system (glibc's malloc_trim(0), which also releases free
/// pages inside the heap, not only at its end); nothing elsewhere.
void lathund_release_free_memory(void);
/// A per-thread bump allocator with cmark-gfm's `cmark_mem` functions, so that parsing and rendering a page makes
/// no malloc call per node: blocks come from chunks the thread keeps, and are given back all at once.
/// `lathund_arena_allocator` is a `cmark_mem *` (as `void *`: this module does not import cmark-gfm's headers).
void *lathund_arena_allocator(void);
void *lathund_arena_calloc(size_t count, size_t size);
void *lathund_arena_realloc(void *pointer, size_t size);
void lathund_arena_free(void *pointer);

/// A position in the calling thread's arena.
typedef struct {
    void *chunk;
    size_t used;
} lathund_arena_mark;

/// The calling thread's arena position now.
lathund_arena_mark lathund_arena_position(void);

/// Frees every block the calling thread allocated since `mark` (positions are released last-taken first). The
/// thread keeps its first chunk (256 KiB) for the next page; a thread's chunks are freed when it exits.
void lathund_arena_release(lathund_arena_mark mark);

/// The bytes of the chunks the calling thread's arena holds.
size_t lathund_arena_held(void);
#endif
