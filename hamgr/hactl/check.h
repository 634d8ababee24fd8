/* check: hactl check's verdict on a status answer, as a Nagios/Icinga
 * plugin gives it: one line and an exit code. Pure: the status JSON in,
 * text out (hactl(8), check). */
#ifndef HAMGR_HACTL_CHECK_H
#define HAMGR_HACTL_CHECK_H

#include <stddef.h>

struct json_object;

/* The plugin exit codes. */
enum check_code { CHECK_OK = 0, CHECK_WARNING = 1, CHECK_CRITICAL = 2, CHECK_UNKNOWN = 3 };

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *check_code_str(enum check_code c);

/* The verdict on status (the answer to "status", every instance in it):
 * "HAMGR OK - web MASTER 150, db BACKUP (master db01)", or the problems,
 * worst first: "HAMGR CRITICAL - web: conflict on 198.51.100.50 with
 * 02:00:00:00:00:99; db: standby". The line goes into buf (cut at len). */
enum check_code check_status(struct json_object *status, char *buf, size_t len);

#endif
