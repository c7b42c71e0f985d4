/*
 * test_settings.c - unit tests for common/settings.c: what the site's
 * followme.conf may say beyond the generic parser's checks.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/settings.h"
#include "tests/unit/harness.h"

/* Loads text as a config file; the error, if any, into err. */
static bool
load(const char *text, struct fm_settings *s, char *err, size_t errlen)
{
	char path[] = "/tmp/fm-settings-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	bool ok;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		return false;
	fputs(text, f);
	fclose(f);
	ok = fm_settings_load(s, path, err, errlen);
	unlink(path);
	return ok;
}

static void
test_public_url(void)
{
	static const struct {
		const char *url;
		bool ok;
	} rows[] = {
	    {"https://print.example.org", true},
	    {"https://print.example.org:8443/", true},
	    {"http://127.0.0.1:8080", true},
	    {"ftp://print.example.org", false},
	    {"print.example.org", false},
	    {"https://print.example.org/\"onload=x", false},
	    {"https://print.example.org/<b>", false},
	    {"https://print example.org", false},
	    {"https://imprim\xc3\xa9.example.org", false},
	    /* No host: the rule printer qr --url always had. */
	    {"https://", false},
	    {"http:///release", false},
	};
	static const char *const url_options[] = {"https://print.example.org",
	    "https://", "https://a b", "http://x/`"};
	static const bool url_option_ok[] = {true, false, false, false};
	char text[256], err[256];
	struct fm_settings s;

	for (EACH_ROW(i, rows)) {
		snprintf(text, sizeof(text), "[web]\npublic_url = %s\n",
		    rows[i].url);
		err[0] = '\0';
		ASSERT_TRUE(load(text, &s, err, sizeof(err)) == rows[i].ok);
		if (rows[i].ok)
			ASSERT_STR_EQ(s.web.public_url, rows[i].url);
		else
			ASSERT_STR_CONTAINS(err, "[web] public_url must be");
	}
	ASSERT_TRUE(load("[web]\nworkers = 2\n", &s, err, sizeof(err)));
	ASSERT_STR_EQ(s.web.public_url, "");
	/* The one rule, for followme-admin printer qr --url too. */
	for (EACH_ROW(i, url_options))
		ASSERT_TRUE(fm_settings_url_is_valid(url_options[i],
		                strlen(url_options[i])) == url_option_ok[i]);
	ASSERT_FALSE(fm_settings_url_is_valid(NULL, 0));
	ASSERT_FALSE(fm_settings_url_is_valid("https://x", 8));
}

int
main(void)
{
	RUN(test_public_url);
	return harness_done();
}
