#ifndef SFN_CJANSSON_SHIM_H
#define SFN_CJANSSON_SHIM_H

#include <jansson.h>

// jansson exposes type inspection and reference counting as macros or inline
// functions that Swift cannot always import; these wrappers give Swift a stable,
// callable surface. Only parsing goes through jansson (SFNJSON writes JSON text itself).

static inline int sfn_json_type(const json_t *value) { return (int)json_typeof(value); }
static inline void sfn_json_release(json_t *value) { json_decref(value); }

enum {
    SFN_JSON_OBJECT = JSON_OBJECT,
    SFN_JSON_ARRAY = JSON_ARRAY,
    SFN_JSON_STRING = JSON_STRING,
    SFN_JSON_INTEGER = JSON_INTEGER,
    SFN_JSON_REAL = JSON_REAL,
    SFN_JSON_TRUE = JSON_TRUE,
    SFN_JSON_FALSE = JSON_FALSE,
    SFN_JSON_NULL = JSON_NULL,
};

enum {
    SFN_DECODE_FLAGS = JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL,
};

#endif
