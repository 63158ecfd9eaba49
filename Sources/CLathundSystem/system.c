#define _GNU_SOURCE
#include "CLathundSystem.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#ifdef __linux__
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
