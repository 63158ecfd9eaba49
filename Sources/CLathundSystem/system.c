#define _GNU_SOURCE
#include "CLathundSystem.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#ifdef __linux__
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int lathund_rename_exchange(const char *from, const char *to) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 2 /* RENAME_EXCHANGE */);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int lathund_remove_in_background(const char *path) {
    pid_t child = fork();
    if (child < 0) return -1;
    if (child == 0) {
        /* Only async-signal-safe calls between fork and exec: the parent has threads. */
        setsid();
        pid_t grandchild = fork();
        if (grandchild == 0) {
            execl("/bin/rm", "rm", "-rf", "--", path, (char *)NULL);
            _exit(127);
        }
        _exit(grandchild < 0 ? 1 : 0);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

long lathund_find_bytes(const void *haystack, size_t haystack_length, const char *needle, size_t needle_length) {
    const char *found = memmem(haystack, haystack_length, needle, needle_length);
    return found == NULL ? -1 : (long)(found - (const char *)haystack);
}

#ifdef __linux__
int lathund_events_open(void) { return inotify_init1(IN_NONBLOCK | IN_CLOEXEC); }

int lathund_events_watch_folder(int events, const char *path) {
    uint32_t mask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    return inotify_add_watch(events, path, mask);
}

long lathund_events_read(int events, void *buffer, size_t size) {
    for (;;) {
        ssize_t length = read(events, buffer, size);
        if (length >= 0) return (long)length;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        if (errno != EINTR) return -1;
    }
}
#else
int lathund_events_open(void) { errno = ENOSYS; return -1; }
int lathund_events_watch_folder(int events, const char *path) { (void)events; (void)path; errno = ENOSYS; return -1; }
long lathund_events_read(int events, void *buffer, size_t size) { (void)events; (void)buffer; (void)size; errno = ENOSYS; return -1; }
#endif

#if defined(__GLIBC__)
#include <malloc.h>
size_t lathund_heap_in_use(void) {
#if __GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
#else
    return 0;
#endif
}
void lathund_release_free_memory(void) { malloc_trim(0); }
#else
size_t lathund_heap_in_use(void) { return 0; }
void lathund_release_free_memory(void) {}
#endif
