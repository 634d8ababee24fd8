/* json: hactl's tolerant readers of the daemon's answers (prefix j).
 * A member that is missing, JSON null or of another type reads as the
 * default, so an older or newer daemon degrades to "?" rather than a
 * crash. */
#ifndef HAMGR_HACTL_JSON_H
#define HAMGR_HACTL_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* Member k of o, NULL when o is NULL or k missing or JSON null. */
struct json_object *jget(struct json_object *o, const char *k);

/* Member k as a string, or def. */
const char *jstr(struct json_object *o, const char *k, const char *def);

/* True when v is a number (integer or double). */
bool jnum_ok(struct json_object *v);

/* Member k as a number, or def. */
long long jint(struct json_object *o, const char *k, long long def);
double jdbl(struct json_object *o, const char *k, double def);

/* Member k: 1 true, 0 false, -1 missing, null or not a boolean. */
int jbool(struct json_object *o, const char *k);

/* Length of an array (0 for NULL or a non-array), and its i-th element. */
size_t jlen(struct json_object *arr);
struct json_object *jidx(struct json_object *arr, size_t i);

/* The element of o's array member array whose "name" is name, or NULL
 * (an instance of a status, a resource of an instance). */
struct json_object *jnamed(struct json_object *o, const char *array, const char *name);

/* o as indented JSON on stdout (--json output). */
void jprint(struct json_object *o);

#endif
