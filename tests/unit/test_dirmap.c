/*
 * test_dirmap.c - unit tests for directory/badgenum.c and dirmap.c: badge
 * numbers as directories write them back to the reader's UID bytes, and
 * entries mapped to users by the Active Directory, OpenLDAP and CSV maps.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "directory/badgenum.h"
#include "directory/dirmap.h"
#include "tests/unit/harness.h"

static const struct {
	const char *text, *spec;
	unsigned bytes;
	const char *want; /* UID in hex, or NULL: refused */
} numbers[] = {
    {"04A1B2C3", "hex", 0, "04A1B2C3"},
    {" 04:a1:b2:c3 ", "hex", 0, "04A1B2C3"},
    {"04-A1-B2-C3", "hex", 0, "04A1B2C3"},
    {"0x04a1b2c3", "hex-lower", 0, "04A1B2C3"},
    {"C3B2A104", "hex-reversed", 0, "04A1B2C3"},
    {"A1B2C3", "hex:4", 0, "00A1B2C3"},
    {"3283263748", "decimal-reversed:10", 4, "04A1B2C3"},
    {"77705923", "decimal", 4, "04A1B2C3"},
    {"77705923", "decimal", 0, "04A1B2C3"},
    {"0000012345", "decimal:10", 4, "00003039"},
    {"12345", "decimal", 0, "3039"},
    {"12345", "decimal-reversed", 4, "39300000"},
    {"04A1B2C3FF", "hex:4", 0, NULL},
    {"04::A1", "hex", 0, NULL},
    {":04A1", "hex", 0, NULL},
    {"0:4A1", "hex", 0, NULL},
    {"12a", "decimal", 0, NULL},
    {"", "hex", 0, NULL},
    {"   ", "decimal", 0, NULL},
    {"4294967296", "decimal", 4, NULL},
    {"123456789012", "decimal:10", 0, NULL},
    {"=1+1", "decimal", 0, NULL},
};

static void
test_badge_numbers(void)
{
	for (EACH_ROW(i, numbers)) {
		struct fm_uid_format fmt;
		uint8_t uid[FM_UID_MAX];
		size_t len = 0;
		char hex[2 * FM_UID_MAX + 1];
		const char *errstr = NULL;

		ASSERT_TRUE(fm_uid_format_parse(
		    numbers[i].spec, strlen(numbers[i].spec), &fmt, &errstr));
		if (numbers[i].want == NULL) {
			ASSERT_FALSE(fm_badgenum_parse(numbers[i].text,
			    strlen(numbers[i].text), &fmt, numbers[i].bytes,
			    uid, &len, &errstr));
			ASSERT_NOT_NULL(errstr);
			continue;
		}
		ASSERT_TRUE(
		    fm_badgenum_parse(numbers[i].text, strlen(numbers[i].text),
		        &fmt, numbers[i].bytes, uid, &len, &errstr));
		fm_hex_encode_upper(uid, len, hex, sizeof(hex));
		ASSERT_STR_EQ(hex, numbers[i].want);
	}
}

/* What a reader's format writes reads back to the same UID. */
static void
test_round_trip(void)
{
	static const char *const specs[] = {"hex", "hex-lower", "hex-reversed",
	    "decimal", "decimal-reversed", "decimal:10", "hex:7",
	    "decimal-reversed:12"};
	static const uint8_t uids[][7] = {{4, 0xa1, 0xb2, 0xc3},
	    {0x04, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}, {0x80, 0, 0, 1}};
	static const size_t lens[] = {4, 7, 4};

	for (EACH_ROW(i, specs))
		for (size_t k = 0; k < 3; k++) {
			struct fm_uid_format fmt;
			char text[FM_UID_STRMAX];
			uint8_t back[FM_UID_MAX];
			size_t len = 0;
			const char *errstr = NULL;

			ASSERT_TRUE(fm_uid_format_parse(
			    specs[i], strlen(specs[i]), &fmt, &errstr));
			struct fm_uid_format natural = fmt;

			/* A format narrower than the UID keeps only its low
			 * part: nothing to read back. */
			natural.width = 0;
			if (!fm_uid_normalise(uids[k], lens[k], &natural, text,
			        sizeof(text)) ||
			    (fmt.width > 0 &&
			        (fmt.base == FM_UID_DECIMAL
			                ? strlen(text)
			                : lens[k]) > fmt.width))
				continue;
			ASSERT_TRUE(fm_uid_normalise(
			    uids[k], lens[k], &fmt, text, sizeof(text)));
			ASSERT_TRUE(fm_badgenum_parse(text, strlen(text), &fmt,
			    (unsigned)lens[k], back, &len, &errstr));
			ASSERT_INT_EQ(len, lens[k]);
			ASSERT_MEM_EQ(back, uids[k], lens[k]);
		}
}

#define V(a, v)                                                                \
	{                                                                      \
		a, v, sizeof(v) - 1                                            \
	}

static void
test_active_directory(void)
{
	struct fm_settings s;
	struct fm_dirmap map;
	struct fm_dirsync_user u = {0};
	char note[FM_DIRSYNC_NOTEMAX], err[256];
	const struct fm_dirmap_value vals[] = {
	    V("sAMAccountName", "jdoe"),
	    V("displayName", "Doe, John"),
	    V("mail", "jdoe@example.test"),
	    V("department", "Finance Dept"),
	    V("employeeNumber", "04A1B2C3"),
	    V("userAccountControl", "514"),
	    V("memberOf", "CN=Print Admins,OU=Groups,DC=example,DC=test"),
	    V("memberOf", "cn=Other,dc=example,dc=test"),
	};

	fm_settings_defaults(&s);
	snprintf(s.directory.admin_group, sizeof(s.directory.admin_group),
	    "cn=print admins,ou=groups,dc=example,dc=test");
	ASSERT_TRUE(fm_dirmap_from_settings(&s, &map, err, sizeof(err)));
	ASSERT_STR_EQ(map.login, "sAMAccountName");
	ASSERT_STR_CONTAINS(map.filter, "objectClass=user");
	snprintf(u.where, sizeof(u.where), "cn=jdoe");
	ASSERT_TRUE(fm_dirmap_entry(&map, "cn=jdoe,dc=example,dc=test", vals,
	    NELEM(vals), NULL, NULL, &u, note, sizeof(note), err, sizeof(err)));
	ASSERT_STR_EQ(u.login, "jdoe");
	ASSERT_STR_EQ(u.full_name, "Doe, John");
	ASSERT_STR_EQ(u.email, "jdoe@example.test");
	ASSERT_STR_EQ(u.dept_code, "Finance_Dept");
	ASSERT_STR_EQ(u.dept_name, "Finance Dept");
	/* The department's own value stands in for a name: it renames
	 * nothing. */
	ASSERT_FALSE(u.dept_named);
	ASSERT_INT_EQ(u.badge_len, 4);
	ASSERT_TRUE(u.disabled);
	ASSERT_TRUE(u.admin);
	ASSERT_FALSE(u.finance);
	ASSERT_STR_EQ(u.where, "cn=jdoe");
	ASSERT_STR_EQ(note, "");
	/* No login: skipped, and said so. */
	ASSERT_FALSE(fm_dirmap_entry(&map, NULL, vals + 1, NELEM(vals) - 1,
	    NULL, NULL, &u, note, sizeof(note), err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "no sAMAccountName");
}

static const char *
names(const char *code, void *arg)
{
	(void)arg;
	return strcmp(code, "R_D") == 0 ? "Research" : NULL;
}

static void
test_openldap_dn(void)
{
	struct fm_settings s;
	struct fm_dirmap map;
	struct fm_dirsync_user u = {0};
	char note[FM_DIRSYNC_NOTEMAX], err[256], ou[64];
	const struct fm_dirmap_value vals[] = {
	    V("uid", "ann"),
	    V("cn", "Ann"),
	    V("employeeNumber", "not a number"),
	    V("nsAccountLock", "TRUE"),
	};

	fm_settings_defaults(&s);
	snprintf(s.directory.schema, sizeof(s.directory.schema), "openldap");
	snprintf(
	    s.directory.department, sizeof(s.directory.department), "dn:ou");
	snprintf(s.directory.disabled, sizeof(s.directory.disabled),
	    "nsAccountLock=true");
	ASSERT_TRUE(fm_dirmap_from_settings(&s, &map, err, sizeof(err)));
	ASSERT_TRUE(fm_dirmap_entry(&map, "uid=ann,ou=R\\,D,dc=example,dc=test",
	    vals, NELEM(vals), names, NULL, &u, note, sizeof(note), err,
	    sizeof(err)));
	ASSERT_STR_EQ(u.login, "ann");
	ASSERT_STR_EQ(u.dept_code, "R_D");
	ASSERT_STR_EQ(u.dept_name, "Research");
	ASSERT_TRUE(u.dept_named);
	ASSERT_TRUE(u.disabled);
	ASSERT_INT_EQ(u.badge_len, 0);
	ASSERT_STR_CONTAINS(note, "ann has no badge");
	ASSERT_FALSE(fm_dirmap_dn_ou("cn=x,dc=y", 9, ou, sizeof(ou)));
	ASSERT_TRUE(
	    fm_dirmap_dn_ou("cn=x, OU=Sales ,dc=y", 20, ou, sizeof(ou)));
	ASSERT_STR_EQ(ou, "Sales ");
	snprintf(s.directory.badge_format, sizeof(s.directory.badge_format),
	    "octal");
	ASSERT_FALSE(fm_dirmap_from_settings(&s, &map, err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "badge_format");
}

static void
test_csv_map(void)
{
	struct fm_settings s;
	struct fm_dirmap map;
	struct fm_dirsync_user u = {0};
	char note[FM_DIRSYNC_NOTEMAX], err[256];
	const struct fm_dirmap_value vals[] = {
	    V("login", "carol"),
	    V("full_name", "=HYPERLINK(\"x\")"),
	    V("department", "-3"),
	    V("disabled", "yes"),
	    V("roles", "Admin; finance"),
	    V("badge", ""),
	};

	fm_settings_defaults(&s);
	ASSERT_TRUE(fm_dirmap_for_csv(&s, &map, err, sizeof(err)));
	ASSERT_TRUE(fm_dirmap_entry(&map, NULL, vals, NELEM(vals), NULL, NULL,
	    &u, note, sizeof(note), err, sizeof(err)));
	ASSERT_STR_EQ(u.full_name, "=HYPERLINK(\"x\")");
	ASSERT_STR_EQ(u.dept_code, "-3");
	ASSERT_TRUE(u.disabled);
	ASSERT_TRUE(u.admin);
	ASSERT_TRUE(u.finance);
	ASSERT_INT_EQ(u.badge_len, 0);
	ASSERT_STR_EQ(note, "");
}

int
main(void)
{
	RUN(test_badge_numbers);
	RUN(test_round_trip);
	RUN(test_active_directory);
	RUN(test_openldap_dn);
	RUN(test_csv_map);
	return harness_done();
}
