/*
 * An LD_PRELOAD shim for tests: while the file named by HK_FAIL_FSYNC_WHEN exists, fdatasync() on a
 * SQLite WAL file (a path ending in "-wal") fails with EIO, as a failing disk makes it fail.
 * Everything else reaches the C library's fdatasync unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int (*real_fdatasync)(int);

int fdatasync(int fd) {
  if (!real_fdatasync) real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  const char *trigger = getenv("HK_FAIL_FSYNC_WHEN");
  if (trigger && access(trigger, F_OK) == 0) {
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n > 4) {
      target[n] = 0;
      if (strcmp(target + n - 4, "-wal") == 0) {
        errno = EIO;
        return -1;
      }
    }
  }
  return real_fdatasync(fd);
}
