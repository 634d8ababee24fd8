/* ctlsock: the control socket's file (see ctlsock.c). */
#ifndef HAMGR_CTLSOCK_H
#define HAMGR_CTLSOCK_H

#include <stddef.h>
#include <sys/types.h>

/* Create path's directory (0755), bind a listening AF_UNIX stream socket
 * there (non-blocking, close-on-exec) with the given group and mode 0660,
 * removing a dead daemon's socket first. Returns the fd and the file's
 * identity in dev/ino, or -1 with err filled. */
int ctlsock_open(const char *path, gid_t group, dev_t *dev, ino_t *ino, char *err,
		 size_t errlen);

/* Unlink path if it is still the file dev/ino (ours). */
void ctlsock_unlink_own(const char *path, dev_t dev, ino_t ino);

#endif
