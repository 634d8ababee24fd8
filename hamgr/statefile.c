/* statefile: marks that survive a restart (today: standby), one empty file
 * per mark under the state directory: DIR/KIND.NAME. */
#include "instance_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir_or_default(const char *dir)
{
	return dir ? dir : CONF_DEFAULT_STATE_DIR;
}

bool statefile_marked(const char *dir, const char *kind, const char *name)
{
	char path[CONF_PATH_MAX + CONF_NAME_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s.%s", dir_or_default(dir), kind, name);
	return access(path, F_OK) == 0;
}

/* The mark is written (and synced) before the caller acts on it, so a crash
 * in between still comes back marked. */
int statefile_mark(const char *dir, const char *kind, const char *name, bool on,
		   char *err, size_t errlen)
{
	char path[CONF_PATH_MAX + CONF_NAME_MAX + 32];
	int fd;

	dir = dir_or_default(dir);
	snprintf(path, sizeof(path), "%s/%s.%s", dir, kind, name);
	if (!on) {
		if (unlink(path) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	/* A manual run has no systemd StateDirectory= to create it. */
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || fsync(fd) < 0 || close(fd) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}
