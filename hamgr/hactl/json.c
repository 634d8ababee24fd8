/* json: hactl's readers of the daemon's answers. */
#include "json.h"

#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

struct json_object *jget(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

const char *jstr(struct json_object *o, const char *k, const char *def)
{
	struct json_object *v = jget(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : def;
}

bool jnum_ok(struct json_object *v)
{
	return v && (json_object_is_type(v, json_type_int) ||
		     json_object_is_type(v, json_type_double));
}

long long jint(struct json_object *o, const char *k, long long def)
{
	struct json_object *v = jget(o, k);

	return jnum_ok(v) ? (long long)json_object_get_int64(v) : def;
}

double jdbl(struct json_object *o, const char *k, double def)
{
	struct json_object *v = jget(o, k);

	return jnum_ok(v) ? json_object_get_double(v) : def;
}

int jbool(struct json_object *o, const char *k)
{
	struct json_object *v = jget(o, k);

	return v && json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v) : -1;
}

size_t jlen(struct json_object *arr)
{
	return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

struct json_object *jidx(struct json_object *arr, size_t i)
{
	return json_object_array_get_idx(arr, i);
}

struct json_object *jnamed(struct json_object *o, const char *array, const char *name)
{
	struct json_object *arr = jget(o, array);
	size_t i;

	for (i = 0; name && i < jlen(arr); i++)
		if (!strcmp(jstr(jidx(arr, i), "name", ""), name))
			return jidx(arr, i);
	return NULL;
}

void jprint(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}
