/*
 * client/forms/schema.h: a model's Cog OpenAPI schema as plain C data. Owns the
 * reading of components.schemas.Input (an ordered field list: kinds,
 * bounds, choices, defaults) and components.schemas.Output (how the run view
 * shows a result). No cJSON pointer leaves client/forms/schema.c: it parses, copies
 * out and deletes the tree in the same call. Never includes ncurses.
 *
 * Accepted documents (detected, in this order):
 *   an OpenAPI document      {"components":{"schemas":{"Input":…}}, …}
 *   a version object         {"id":…, "openapi_schema":{…}}
 *   a model object           {"owner":…, "latest_version":{"openapi_schema":…}}
 *
 * Field kinds (schema_kind_name() gives the lower-case names used by
 * `r8play schema --json`):
 *   string   one-line text
 *   text     prompt-like text edited over several lines. Rule: a plain string
 *            (no choices, no pattern, no maxLength under 64) whose name
 *            contains "prompt", "text", "template", "message", "instruction"
 *            or "caption", or whose default holds a newline, or whose
 *            maxLength is at least 256.
 *   secret   format "password" or x-cog-secret: masked, never exported,
 *            never stored
 *   file     format "uri": a local path (uploaded or sent as a data: URI) or
 *            an http(s)/data: URL
 *   integer, number   with minimum/maximum (OpenAPI 3.0 boolean and 3.1
 *            numeric exclusive bounds, old Cog "ge"/"le"), multipleOf, and
 *            format uint8/uint32 (implied bounds 0..255 / 0..4294967295)
 *   boolean
 *   enum     allOf/$ref to a component with "enum", or an inline "enum";
 *            value_type says string, integer, number or boolean
 *   array    item_kind says string, number, integer, boolean or file
 *            (choices, when present, apply to every item)
 *   union    anyOf/oneOf of several JSON-native branches (branch kinds in
 *            branches[]); a branch of type null only makes the field nullable
 *   json     anything else: the user edits a raw JSON value; note says why
 */
#ifndef PG_CLIENT_SCHEMA_H
#define PG_CLIENT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

/* Limits. */
#define SCHEMA_MAX_DOC_BYTES	(32u << 20)	/* document accepted */
#define SCHEMA_MAX_DEPTH	32	/* nesting walked inside one property */
#define SCHEMA_MAX_REF_HOPS	16	/* $ref chain followed */
#define SCHEMA_MAX_FIELDS	1024	/* inputs; more: an error, not a drop */
#define SCHEMA_MAX_CHOICES	4096	/* enum members per field */
#define SCHEMA_MAX_BRANCHES	8	/* anyOf/oneOf branches per field */
#define SCHEMA_MAX_OUT_FIELDS	256	/* properties of an object output */

/* X(id, name) */
#define SCHEMA_KIND_LIST(X)						\
	X(STRING,	"string")					\
	X(TEXT,		"text")						\
	X(SECRET,	"secret")					\
	X(FILE,		"file")						\
	X(INTEGER,	"integer")					\
	X(NUMBER,	"number")					\
	X(BOOLEAN,	"boolean")					\
	X(ENUM,		"enum")						\
	X(ARRAY,	"array")					\
	X(UNION,	"union")					\
	X(JSON,		"json")

enum schema_kind {
#define X(id, name) SCHEMA_KIND_##id,
	SCHEMA_KIND_LIST(X)
#undef X
	SCHEMA_KIND__COUNT
};

/* X(id, name) */
#define SCHEMA_OUT_LIST(X)						\
	X(STRING,	"string")	/* one string */		\
	X(FILE,		"file")		/* one file URL */		\
	X(FILES,	"files")	/* array of file URLs */	\
	X(TEXT_STREAM,	"text-stream")	/* iterator, concatenate */	\
	X(ITERATOR,	"iterator")	/* iterator of item_kind */	\
	X(ARRAY,	"array")	/* array of item_kind */	\
	X(OBJECT,	"object")	/* named fields, see fields[] */\
	X(NUMBER,	"number")					\
	X(INTEGER,	"integer")					\
	X(BOOLEAN,	"boolean")					\
	X(JSON,		"json")		/* anything else */

enum schema_out_kind {
#define X(id, name) SCHEMA_OUT_##id,
	SCHEMA_OUT_LIST(X)
#undef X
	SCHEMA_OUT__COUNT
};

/* One enum member: text as the user types it, json as it is sent. */
struct schema_choice {
	char		*text;		/* "K_EULER", "20", "true" */
	char		*json;		/* "\"K_EULER\"", "20", "true" */
};

/* One anyOf/oneOf branch of a union field. */
struct schema_branch {
	enum schema_kind kind;		/* STRING/FILE/INTEGER/NUMBER/BOOLEAN/
					   ARRAY/JSON */
	enum schema_kind item_kind;	/* for ARRAY */
};

struct schema_field {
	char		*name;		/* property name, never NULL */
	char		*title;		/* NULL when absent */
	char		*description;	/* NULL when absent; untrusted text */
	enum schema_kind kind;
	enum schema_kind value_type;	/* ENUM: STRING/INTEGER/NUMBER/BOOLEAN;
					   others: same as kind */
	enum schema_kind item_kind;	/* ARRAY: kind of each item */
	bool		required;
	bool		nullable;
	bool		deprecated;
	bool		has_order;
	long		order;		/* x-order */

	bool		has_default;
	char		*default_json;	/* compact JSON text of the default */
	char		*default_text;	/* as typed: strings unquoted */
	double		default_number;	/* INTEGER/NUMBER/number enums */
	bool		default_bool;	/* BOOLEAN */

	bool		has_min, has_max, min_exclusive, max_exclusive;
	double		minimum, maximum;
	bool		has_multiple_of;
	double		multiple_of;
	char		*format;	/* "uri", "uint8", … or NULL */
	long long	min_length;	/* -1 when absent (code points) */
	long long	max_length;	/* -1 when absent */
	char		*pattern;	/* NULL when absent */

	struct schema_choice *choices;
	size_t		nchoices;
	struct schema_branch branches[SCHEMA_MAX_BRANCHES];
	size_t		nbranches;

	char		*note;		/* why it is JSON, or NULL */
};

struct schema_out_field {
	char		*name;
	enum schema_out_kind kind;
	bool		required;
};

struct schema_output {
	enum schema_out_kind kind;
	enum schema_out_kind item_kind;	/* ARRAY/ITERATOR: kind of items */
	bool		iterator;	/* x-cog-array-type: iterator */
	bool		concatenate;	/* x-cog-array-display: concatenate */
	struct schema_out_field *fields; /* OBJECT */
	size_t		nfields;
	char		*note;		/* why JSON, or NULL */
};

/* What the document was. */
enum schema_source {
	SCHEMA_SRC_OPENAPI,
	SCHEMA_SRC_VERSION,
	SCHEMA_SRC_MODEL
};

struct schema {
	enum schema_source source;
	char		*model;		/* "owner/name" for model objects */
	char		*version;	/* version id when known */
	char		*cog_version;	/* when known */
	char		*example_json;	/* model's default_example.input */
	struct schema_field *fields;	/* ordered: x-order, then name */
	size_t		nfields;
	struct schema_output output;
	bool		has_output;	/* components.schemas.Output present */
};

/*
 * Parse len bytes of JSON (no NUL needed) into *out. Returns 0, or -1 with
 * *out zeroed and err holding one line such as "malformed JSON at byte 412",
 * "not a schema: no components.schemas.Input" or "model has no versions".
 * Free with schema_done(). Never keeps pointers into json.
 */
int schema_parse(const char *json, size_t len, struct schema *out, char *err,
    size_t errsz);

/* Release what schema_parse() filled and zero it; safe on a zeroed struct. */
void schema_done(struct schema *s);

/* Heap variants: schema_new() returns NULL with err set; schema_free(NULL)
 * is a no-op. */
struct schema *schema_new(const char *json, size_t len, char *err,
    size_t errsz);
void schema_free(struct schema *s);

/* Index of the field named name, or -1. */
int schema_find(const struct schema *s, const char *name);

/* Static lower-case names; never NULL. */
const char *schema_kind_name(enum schema_kind k);
const char *schema_out_kind_name(enum schema_out_kind k);

/*
 * Format a bound for display ("64", "0.5", "1e-05") into buf; returns buf.
 * Integral values print without a fraction.
 */
char *schema_num_text(double v, char *buf, size_t bufsz);

#endif
