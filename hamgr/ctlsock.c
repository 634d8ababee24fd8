/* ctlsock: the control socket's file: its directory created, a dead
 * daemon's stale socket removed (a live one's never), bound 0600 and only
 * then given its group and mode 0660, and removed at exit only if it is
 * still the one this process made. */
#include "errbuf.h"
#include "ctlsock.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define LISTEN_BACKLOG 64


/* mkdir -p for the socket's directory; the directories created get 0755
 * whatever the umask (hactl users must be able to reach the socket). */
static int make_parent(const char *path, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; ; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			if (chmod(dir, 0755) < 0) {
				errbuf_set(err, errlen, "control socket directory %s: chmod: %s", dir,
				       strerror(errno));
				return -1;
			}
		} else if (errno != EEXIST) {
			errbuf_set(err, errlen, "control socket directory %s: %s", dir, strerror(errno));
			return -1;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

/* A socket file is in the way. 0 when it was a dead daemon's (removed:
 * bind again), -1 with err when it must stay: someone listens on it, or
 * it is not a socket at all. */
static int clear_stale(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	int fd, r, e;

	if (lstat(sa->sun_path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		errbuf_set(err, errlen, "control socket %s: %s", sa->sun_path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		errbuf_set(err, errlen, "control socket %s: the path exists and is not a socket",
		       sa->sun_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errbuf_set(err, errlen, "control socket %s: socket: %s", sa->sun_path, strerror(errno));
		return -1;
	}
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	e = errno;
	close(fd);
	if (r == 0 || e == EAGAIN || e == EINPROGRESS) {
		errbuf_set(err, errlen, "control socket %s: another process is listening on it "
		       "(another hamgr with the same control-socket?); refusing to share it",
		       sa->sun_path);
		return -1;
	}
	if (e != ECONNREFUSED) {
		errbuf_set(err, errlen, "control socket %s: cannot tell whether it is in use: %s",
		       sa->sun_path, strerror(e));
		return -1;
	}
	if (unlink(sa->sun_path) < 0 && errno != ENOENT) {
		errbuf_set(err, errlen, "control socket %s: removing the stale socket: %s",
		       sa->sun_path, strerror(errno));
		return -1;
	}
	log_info("control socket %s: removed a stale socket file", sa->sun_path);
	return 0;
}

/* Bind with a umask that leaves the socket 0600 until its group and mode
 * are set, so no one connects through a wider mode in between. */
static int bind_path(int fd, const struct sockaddr_un *sa)
{
	mode_t old = umask(0177);
	int r = bind(fd, (const struct sockaddr *)sa, sizeof(*sa));
	int e = errno;

	umask(old);
	errno = e;
	return r;
}

int ctlsock_open(const char *path, gid_t group, dev_t *dev, ino_t *ino, char *err,
		 size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	*ino = 0;
	if (!path || !path[0] || strlen(path) >= sizeof(sa.sun_path)) {
		errbuf_set(err, errlen, "control socket path empty or longer than %zu bytes",
		       sizeof(sa.sun_path) - 1);
		return -1;
	}
	if (make_parent(path, err, errlen) < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errbuf_set(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	if (bind_path(fd, &sa) < 0) {
		/* In use: a dead daemon's socket is removed, then bind again. */
		bool in_use = errno == EADDRINUSE;

		if (in_use && clear_stale(&sa, err, errlen) < 0) {
			close(fd);
			return -1;
		}
		if (!in_use || bind_path(fd, &sa) < 0) {
			errbuf_set(err, errlen, "control socket %s: bind: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (lstat(path, &st) < 0 || chown(path, (uid_t)-1, group) < 0 || chmod(path, 0660) < 0) {
		errbuf_set(err, errlen, "control socket %s: setting group %u and mode 0660: %s",
		       path, (unsigned)group, strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	if (listen(fd, LISTEN_BACKLOG) < 0) {
		errbuf_set(err, errlen, "control socket %s: listen: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
	return fd;
}

/* Remove the socket file if it is still ours: a second daemon that was
 * (wrongly) started on the same path later must not lose its socket. */
void ctlsock_unlink_own(const char *path, dev_t dev, ino_t ino)
{
	struct stat st;

	if (ino && lstat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
		unlink(path);
}
