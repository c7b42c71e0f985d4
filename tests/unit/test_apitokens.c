/*
 * test_apitokens.c - per-person API tokens in the store.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/hex.h"
#include "harness.h"
#include "store/apitokens.h"
#include "store_fixture.h"

static void
token_for(struct fm_apitoken *t, const char *owner, const char *name,
    int64_t expires_at)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->owner, sizeof(t->owner), "%s", owner);
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->created_by, sizeof(t->created_by), "root");
	t->expires_at = expires_at;
}

/* The hash the text of a token is kept under. */
static void
hash_of(const char *text, uint8_t hash[FM_APITOKEN_HASHLEN])
{
	uint8_t raw[FM_APITOKEN_LEN];

	ASSERT_TRUE(
	    fm_hex_decode(text + FM_APITOKEN_PREFIXLEN, raw, sizeof(raw)));
	fm_apitokens_hash(raw, hash);
}

static void
test_create_and_find(fm_store_t *s)
{
	char text[FM_APITOKEN_TEXTLEN + 1], text2[FM_APITOKEN_TEXTLEN + 1];
	uint8_t hash[FM_APITOKEN_HASHLEN], other[FM_APITOKEN_HASHLEN] = {9};
	struct fm_apitoken t, out;
	const char *errstr = NULL;

	token_for(&t, "fmfin", "monthly export", 0);
	ASSERT_TRUE(
	    fm_apitokens_create(s, &t, 1000, text, sizeof(text), &errstr));
	ASSERT_INT_EQ(strlen(text), FM_APITOKEN_TEXTLEN);
	ASSERT_INT_EQ(strncmp(text, "fmt_", 4), 0);
	ASSERT_TRUE(t.id > 0);
	/* Neither the token nor its hex is in the store: its hash is. */
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM api_tokens WHERE"
	                  " hash = CAST(owner AS BLOB)"),
	    0);
	hash_of(text, hash);
	ASSERT_INT_EQ(fm_apitokens_find(s, hash, 1010, &out), FM_APITOKEN_LIVE);
	ASSERT_INT_EQ(out.id, t.id);
	ASSERT_STR_EQ(out.owner, "fmfin");
	ASSERT_STR_EQ(out.name, "monthly export");
	ASSERT_STR_EQ(out.created_by, "root");
	ASSERT_INT_EQ(out.created_at, 1000);
	ASSERT_INT_EQ(out.expires_at, 0);
	ASSERT_INT_EQ(
	    fm_apitokens_find(s, other, 1010, &out), FM_APITOKEN_UNKNOWN);
	/* Two tokens are two random numbers. */
	ASSERT_TRUE(
	    fm_apitokens_create(s, &t, 1000, text2, sizeof(text2), &errstr));
	ASSERT_TRUE(strcmp(text, text2) != 0);
}

static void
test_refused(fm_store_t *s)
{
	char text[FM_APITOKEN_TEXTLEN + 1];
	struct fm_apitoken t;
	const char *errstr = NULL;

	token_for(&t, "", "x", 0);
	ASSERT_FALSE(
	    fm_apitokens_create(s, &t, 10, text, sizeof(text), &errstr));
	token_for(&t, "fmfin", "", 0);
	ASSERT_FALSE(
	    fm_apitokens_create(s, &t, 10, text, sizeof(text), &errstr));
	token_for(&t, "fmfin", "bell\a", 0);
	ASSERT_FALSE(
	    fm_apitokens_create(s, &t, 10, text, sizeof(text), &errstr));
	/* Expired before it is made. */
	token_for(&t, "fmfin", "late", 10);
	ASSERT_FALSE(
	    fm_apitokens_create(s, &t, 10, text, sizeof(text), &errstr));
	token_for(&t, "fmfin", "short buffer", 0);
	ASSERT_FALSE(
	    fm_apitokens_create(s, &t, 10, text, FM_APITOKEN_TEXTLEN, &errstr));
	ASSERT_INT_EQ(fixture_int(s, "SELECT count(*) FROM api_tokens"), 0);
	/* At most FM_APITOKEN_PER_USER live ones a person; a revoked one
	 * makes room. */
	for (int i = 0; i < FM_APITOKEN_PER_USER; i++) {
		token_for(&t, "fmbob", "script", 0);
		ASSERT_TRUE(fm_apitokens_create(
		    s, &t, 10, text, sizeof(text), &errstr));
	}
	ASSERT_FALSE(
	    fm_apitokens_create(s, &t, 10, text, sizeof(text), &errstr));
	ASSERT_NOT_NULL(errstr);
	ASSERT_INT_EQ(fm_apitokens_revoke(s, t.id, NULL, "root", 11), 1);
	ASSERT_TRUE(
	    fm_apitokens_create(s, &t, 12, text, sizeof(text), &errstr));
}

static void
test_expiry_and_revoke(fm_store_t *s)
{
	char text[FM_APITOKEN_TEXTLEN + 1];
	uint8_t hash[FM_APITOKEN_HASHLEN];
	struct fm_apitoken t, out;
	const char *errstr = NULL;

	token_for(&t, "fmalice", "cron", 2000);
	ASSERT_TRUE(
	    fm_apitokens_create(s, &t, 1000, text, sizeof(text), &errstr));
	hash_of(text, hash);
	ASSERT_INT_EQ(fm_apitokens_find(s, hash, 1999, &out), FM_APITOKEN_LIVE);
	ASSERT_INT_EQ(
	    fm_apitokens_find(s, hash, 2000, &out), FM_APITOKEN_EXPIRED);
	token_for(&t, "fmalice", "laptop", 0);
	ASSERT_TRUE(
	    fm_apitokens_create(s, &t, 1000, text, sizeof(text), &errstr));
	hash_of(text, hash);
	/* Only its owner's, when an owner is named. */
	ASSERT_INT_EQ(fm_apitokens_revoke(s, t.id, "fmbob", "fmbob", 1500), 0);
	ASSERT_INT_EQ(fm_apitokens_find(s, hash, 1501, &out), FM_APITOKEN_LIVE);
	ASSERT_INT_EQ(
	    fm_apitokens_revoke(s, t.id, "fmalice", "fmalice", 1500), 1);
	ASSERT_INT_EQ(fm_apitokens_revoke(s, t.id, NULL, "root", 1600), 0);
	ASSERT_INT_EQ(
	    fm_apitokens_find(s, hash, 1501, &out), FM_APITOKEN_REVOKED);
	ASSERT_INT_EQ(out.revoked_at, 1500);
	ASSERT_STR_EQ(out.revoked_by, "fmalice");
	ASSERT_INT_EQ(fm_apitokens_get(s, t.id, &out), 1);
	ASSERT_STR_EQ(out.name, "laptop");
	ASSERT_INT_EQ(fm_apitokens_get(s, t.id + 100, &out), 0);
}

static void
test_touch_once_a_minute(fm_store_t *s)
{
	char text[FM_APITOKEN_TEXTLEN + 1];
	uint8_t hash[FM_APITOKEN_HASHLEN];
	struct fm_apitoken t, out;
	const char *errstr = NULL;

	token_for(&t, "fmfin", "report", 0);
	ASSERT_TRUE(
	    fm_apitokens_create(s, &t, 1000, text, sizeof(text), &errstr));
	hash_of(text, hash);
	ASSERT_INT_EQ(fm_apitokens_find(s, hash, 1000, &out), FM_APITOKEN_LIVE);
	ASSERT_INT_EQ(out.last_used, 1000);
	/* Within the minute: no write. */
	ASSERT_INT_EQ(fm_apitokens_find(s, hash, 1059, &out), FM_APITOKEN_LIVE);
	ASSERT_INT_EQ(fixture_int(s, "SELECT last_used FROM api_tokens"), 1000);
	ASSERT_INT_EQ(fm_apitokens_find(s, hash, 1060, &out), FM_APITOKEN_LIVE);
	ASSERT_INT_EQ(fixture_int(s, "SELECT last_used FROM api_tokens"), 1060);
}

struct tally {
	int n;
	char names[256];
};

static bool
collect(const struct fm_apitoken *t, void *arg)
{
	struct tally *l = arg;
	size_t len = strlen(l->names);

	l->n++;
	snprintf(l->names + len, sizeof(l->names) - len, "%s;", t->name);
	return true;
}

static void
test_list(fm_store_t *s)
{
	char text[FM_APITOKEN_TEXTLEN + 1];
	struct fm_apitoken t;
	struct tally l = {0, ""};
	const char *errstr = NULL;

	token_for(&t, "fmalice", "one", 0);
	ASSERT_TRUE(fm_apitokens_create(s, &t, 1, text, sizeof(text), &errstr));
	token_for(&t, "fmbob", "two", 0);
	ASSERT_TRUE(fm_apitokens_create(s, &t, 2, text, sizeof(text), &errstr));
	token_for(&t, "fmalice", "three", 0);
	ASSERT_TRUE(fm_apitokens_create(s, &t, 3, text, sizeof(text), &errstr));
	ASSERT_TRUE(fm_apitokens_list(s, "fmalice", collect, &l));
	ASSERT_INT_EQ(l.n, 2);
	ASSERT_STR_EQ(l.names, "three;one;");
	l = (struct tally){0, ""};
	ASSERT_TRUE(fm_apitokens_list(s, NULL, collect, &l));
	ASSERT_STR_EQ(l.names, "three;two;one;");
}

static void
test_names(void)
{
	ASSERT_TRUE(fm_apitokens_name_is_valid("Export mensuel", 14));
	ASSERT_TRUE(fm_apitokens_name_is_valid("r\xc3\xa9sum\xc3\xa9", 8));
	ASSERT_FALSE(fm_apitokens_name_is_valid("", 0));
	ASSERT_FALSE(fm_apitokens_name_is_valid("a\nb", 3));
	ASSERT_FALSE(fm_apitokens_name_is_valid("\xff", 1));
	/* A right-to-left override hides what a name says. */
	ASSERT_FALSE(fm_apitokens_name_is_valid("a\xe2\x80\xae"
	                                        "b",
	    5));
	char long_name[FM_APITOKEN_NAMEMAX + 1];
	memset(long_name, 'x', sizeof(long_name));
	ASSERT_FALSE(
	    fm_apitokens_name_is_valid(long_name, FM_APITOKEN_NAMEMAX));
	ASSERT_TRUE(
	    fm_apitokens_name_is_valid(long_name, FM_APITOKEN_NAMEMAX - 1));
}

int
main(void)
{
	test_names();
	RUN_STORE(test_create_and_find);
	RUN_STORE(test_refused);
	RUN_STORE(test_expiry_and_revoke);
	RUN_STORE(test_touch_once_a_minute);
	RUN_STORE(test_list);
	return harness_done();
}
