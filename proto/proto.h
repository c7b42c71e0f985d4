/*
 * proto.h - the terminal protocol between followme-terminal and followmed,
 * wire format only (pure encode/decode over buffers).  See
 * followme-protocol(7).
 *
 * It runs inside TLS 1.2.  Every message is a frame:
 *
 *   frame:   length be32 (of what follows, 2 to FM_PROTO_MAXMSG) |
 *            version u8 (FM_PROTO_FRAME_VERSION) | type u8 | fields...
 *   field:   tag u8 | length be16 | value
 *
 * Values: integers big-endian of their exact width (u8, u32, s64), text
 * valid UTF-8 without NUL or control characters and within its limit,
 * bytes 1 to FM_PROTO_UIDMAX long, a job a nested sequence of fields.
 * Each message type names the fields it requires and allows; job ids and
 * jobs may repeat, nothing else.  Anything else is refused whole.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PROTO_H
#define FM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The frame's version byte: the framing itself, which never changed. */
#define FM_PROTO_FRAME_VERSION 1
/* HELLO's version: what the terminal understands.  2 adds the user's
 * language and the site's currency to AUTH_OK; a server answers 1 or 2
 * and sends only what the terminal's version knows. */
#define FM_PROTO_VERSION 2
#define FM_PROTO_VERSION_MIN 1
#define FM_PROTO_MAXMSG 65536
#define FM_PROTO_HEADERLEN 4
#define FM_PROTO_TEXTMAX 256 /* bytes, with the NUL */
#define FM_PROTO_SECRETMAX 128
#define FM_PROTO_UIDMAX 32
#define FM_PROTO_MAXIDS 64
#define FM_PROTO_MAXJOBS 64

enum fm_proto_type {
	/* terminal -> server */
	FM_MSG_HELLO = 1,
	FM_MSG_AUTH_BADGE = 2,
	FM_MSG_AUTH_PIN = 3,
	FM_MSG_AUTH_BADGE_PIN = 4,
	FM_MSG_ASSOCIATE_BADGE = 5,
	FM_MSG_LIST = 6,
	FM_MSG_RELEASE = 7,
	FM_MSG_DELETE = 8,
	FM_MSG_EXTEND = 9,
	FM_MSG_LOGOUT = 10,
	/* The web console's connection only (followme-webd(8)): a person
	 * its session logged in (secret: the session id, in hex), at the
	 * added printer they picked (printer). */
	FM_MSG_AUTH_WEB = 11,
	/* server -> terminal */
	FM_MSG_HELLO_OK = 64,
	FM_MSG_AUTH_OK = 65,
	FM_MSG_AUTH_FAIL = 66,
	FM_MSG_JOB_LIST = 67,
	FM_MSG_PROGRESS = 68,
	FM_MSG_OK = 69,
	FM_MSG_ERROR = 70,
};

/* Release progress, in order; DONE and FAILED end a job's release. */
enum fm_proto_stage {
	FM_STAGE_RESERVED = 1,
	FM_STAGE_SENT = 2,
	FM_STAGE_PRINTING = 3,
	FM_STAGE_DONE = 4,
	FM_STAGE_FAILED = 5,
};

/* Error and denial codes. */
enum fm_proto_code {
	FM_CODE_BAD_REQUEST = 1,
	FM_CODE_VERSION = 2,
	FM_CODE_NOT_LOGGED_IN = 3,
	FM_CODE_UNKNOWN_BADGE = 4,
	FM_CODE_BAD_CREDENTIALS = 5,
	FM_CODE_LOCKED_OUT = 6,
	FM_CODE_NO_SUCH_JOB = 7,
	FM_CODE_OVER_QUOTA = 8,
	FM_CODE_PRINTER_ERROR = 9,
	FM_CODE_SESSION_EXPIRED = 10,
	FM_CODE_INTERNAL = 11,
	FM_CODE_DISABLED = 12,
	FM_CODE_TERMINAL_REMOVED = 13, /* the server closes the connection */
};

/* What a job's cost in a list is. */
enum fm_proto_cost {
	FM_COST_ESTIMATE = 0, /* the counted pages at this printer's prices */
	FM_COST_UP_TO = 1,    /* pages unknown: what a release sets aside */
	FM_COST_NO_PRICE = 2, /* this printer has no price for it: refused */
	FM_COST_COUNTING = 3, /* pages still being counted after the hold; cost
	                         is what a release would reserve meanwhile */
};

struct fm_proto_job {
	int64_t id;
	char title[FM_PROTO_TEXTMAX];
	uint32_t documents;
	uint32_t pages;       /* counted pages, 0 if unknown */
	uint32_t color_pages; /* of those, in colour */
	int64_t cost;         /* estimated, minor units */
	int64_t created_at, expires_at;
	uint32_t copies;    /* as submitted: a release may only lower it */
	uint32_t cost_kind; /* enum fm_proto_cost; absent on the wire: 0 */
};

struct fm_proto_msg {
	enum fm_proto_type type;
	uint32_t version;     /* HELLO, HELLO_OK */
	uint32_t code;        /* AUTH_FAIL, ERROR; PROGRESS: why FAILED */
	uint32_t timeout;     /* HELLO_OK: session idle timeout, seconds */
	uint32_t retry_after; /* AUTH_FAIL: seconds until another try */
	uint32_t copies;      /* RELEASE: 0 = as submitted */
	uint32_t stage;       /* PROGRESS */
	uint32_t pages;       /* PROGRESS */
	int64_t balance;      /* AUTH_OK, JOB_LIST */
	int64_t charge;       /* PROGRESS */
	int64_t job_id;       /* PROGRESS */
	bool all;             /* RELEASE/DELETE/EXTEND: every held job */
	bool force_duplex, force_gray; /* RELEASE */
	char user[FM_PROTO_TEXTMAX];   /* AUTH_PIN, AUTH_OK */
	char full_name[FM_PROTO_TEXTMAX];
	char terminal[FM_PROTO_TEXTMAX]; /* HELLO_OK */
	char printer[FM_PROTO_TEXTMAX];  /* HELLO_OK ("*" to the web
	                                    console's), AUTH_WEB */
	char message[FM_PROTO_TEXTMAX];  /* for people; any message */
	char language[FM_PROTO_TEXTMAX]; /* AUTH_OK (v2): "fr", "en", or "" */
	char currency[FM_PROTO_TEXTMAX]; /* AUTH_OK (v2): ISO 4217, or "" */
	char secret[FM_PROTO_SECRETMAX]; /* PIN, password, web session id:
	                                    wipe after use */
	uint8_t uid[FM_PROTO_UIDMAX];    /* badge */
	size_t uid_len;
	int64_t ids[FM_PROTO_MAXIDS]; /* RELEASE/DELETE/EXTEND */
	size_t nids;
	struct fm_proto_job jobs[FM_PROTO_MAXJOBS]; /* JOB_LIST */
	size_t njobs;
	bool more_jobs; /* JOB_LIST: more than FM_PROTO_MAXJOBS held */
};

/* 'fm_proto_init()' - reset m to an empty message of type (zeroes everything).
 */
void fm_proto_init(struct fm_proto_msg *m, enum fm_proto_type type);

/* 'fm_proto_wipe()' - wipe m, secrets included. */
void fm_proto_wipe(struct fm_proto_msg *m);

/*
 * 'fm_proto_encode()' - write m as one frame into buf (size bytes).
 *
 * Returns the frame length, or 0 if m breaks a rule of the protocol (a
 * required field empty, text over its limit) or does not fit.
 */
size_t fm_proto_encode(const struct fm_proto_msg *m, uint8_t *buf, size_t size);

/*
 * 'fm_proto_frame_length()' - from the first FM_PROTO_HEADERLEN bytes of
 * a frame, the number of bytes that follow; 0 if out of range.
 */
size_t fm_proto_frame_length(const uint8_t *header);

/*
 * 'fm_proto_decode()' - decode the len bytes after a frame's length
 * header into m.  False, with *errstr, if anything is malformed.
 */
bool fm_proto_decode(const uint8_t *buf, size_t len, struct fm_proto_msg *m,
    const char **errstr);

/* 'fm_proto_type_name()' - "HELLO", "AUTH_BADGE", ... or "UNKNOWN". */
const char *fm_proto_type_name(enum fm_proto_type type);

#endif
