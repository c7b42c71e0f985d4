/*
 * release.h - releasing a held job from the web console, through
 * followmed.
 *
 * The web console prints nothing itself: a store-side worker connects
 * to followmed's release listener like a terminal, with the web
 * console's own terminal certificate (followme-admin terminal add NAME
 * --web, kept in the state directory), and logs the person in with
 * their web session's id (AUTH_WEB), which followmed's decryptor checks
 * against the store.  From there the release is a terminal's: the same
 * checks, reservation, printing, charge and record.  The worker never
 * holds a document or a key but its terminal's.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_WEB_RELEASE_H
#define FM_WEB_RELEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/settings.h"
#include "proto/proto.h"

/* What a person asks of a release. */
struct fm_web_release_request {
	const uint8_t *session_id; /* FM_WEBSESSION_IDLEN bytes */
	const char *printer;       /* an added printer's name */
	int64_t job_id;
	uint32_t copies; /* 0: as submitted; fewer only */
	bool two_sided, black_white;
	/* Called, if set, with each stage followmed tells before the end
	 * (FM_STAGE_RESERVED, _SENT, _PRINTING; a stage may come again). */
	void (*progress)(uint32_t stage, void *arg);
	void *progress_arg;
};

enum fm_web_release_outcome {
	FM_WEB_RELEASE_PRINTED,
	FM_WEB_RELEASE_NOT_PRINTED, /* followmed refused or the printer
	                               failed: the job stays held */
	FM_WEB_RELEASE_UNAVAILABLE, /* no web terminal, or followmed down */
};

struct fm_web_release_result {
	enum fm_web_release_outcome outcome;
	uint32_t code;  /* enum fm_proto_code, for NOT_PRINTED */
	uint32_t pages; /* PRINTED: what the printer counted, or 0 */
	int64_t charge; /* PRINTED: minor units */
	char message[FM_PROTO_TEXTMAX]; /* followmed's, in English */
};

/*
 * 'fm_web_release_ready()' - has the web console a terminal of its own
 * (its files in the state directory)?  The pages offer release only
 * then.
 */
bool fm_web_release_ready(const struct fm_settings *settings);

/*
 * 'fm_web_release_run()' - release r's job through followmed, waiting
 * until it printed or failed (bounded by the printer's own time-outs),
 * into *out, telling r->progress the stages on the way.  Logs what went wrong
 * on the way to followmed; never the session id.
 */
void fm_web_release_run(const struct fm_settings *settings,
    const struct fm_web_release_request *r, struct fm_web_release_result *out);

#endif
