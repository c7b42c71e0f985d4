/*
 * dirmap.h - the attribute map: how one directory entry (an LDAP entry or
 * a spreadsheet row, both seen as attribute names with values) becomes a
 * user for quota/dirsync.h.
 *
 * The map comes from followme.conf's [directory] section, each attribute
 * defaulting to the schema's (Active Directory or OpenLDAP/FreeIPA); a
 * spreadsheet's header row names the fields themselves (login,
 * full_name, email, department, department_name, badge, disabled, roles).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_DIRMAP_H
#define FM_DIRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "badge/uid.h"
#include "common/settings.h"
#include "quota/dirsync.h"

#define FM_DIRMAP_NAMEMAX FM_CONF_STRMAX

/* One value of an attribute of an entry (not NUL-terminated). */
struct fm_dirmap_value {
	const char *attr; /* its attribute's name */
	const char *value;
	size_t len;
};

/* How disabled accounts are told. */
enum fm_dirmap_disabled {
	FM_DIRMAP_DISABLED_NONE,  /* never */
	FM_DIRMAP_DISABLED_UAC,   /* userAccountControl bit 2 (AD) */
	FM_DIRMAP_DISABLED_ATTR,  /* the attribute has a value */
	FM_DIRMAP_DISABLED_VALUE, /* the attribute has this value */
	FM_DIRMAP_DISABLED_YESNO, /* a spreadsheet's yes/no column */
};

struct fm_dirmap {
	char login[FM_DIRMAP_NAMEMAX];
	char full_name[FM_DIRMAP_NAMEMAX];
	char email[FM_DIRMAP_NAMEMAX];
	char department[FM_DIRMAP_NAMEMAX]; /* "" with dept_from_dn */
	bool dept_from_dn;                  /* the first OU of the DN */
	char department_name[FM_DIRMAP_NAMEMAX];
	bool dept_name_from_ou; /* the OU's description (LDAP only) */
	char badge[FM_DIRMAP_NAMEMAX];
	struct fm_uid_format badge_format;
	unsigned badge_bytes;
	enum fm_dirmap_disabled disabled;
	char disabled_attr[FM_DIRMAP_NAMEMAX];
	char disabled_value[FM_DIRMAP_NAMEMAX];
	char groups[FM_DIRMAP_NAMEMAX]; /* "" for a spreadsheet's roles */
	bool roles_column;              /* a spreadsheet's roles */
	char admin_group[FM_CONF_STRMAX];
	char finance_group[FM_CONF_STRMAX];
	char filter[FM_CONF_STRMAX];
};

/*
 * 'fm_dirmap_from_settings()' - the LDAP map of s's [directory] section
 * into *map; false with a sentence in err on a bad badge_format or
 * disabled setting.
 */
bool fm_dirmap_from_settings(const struct fm_settings *s, struct fm_dirmap *map,
    char *err, size_t errlen);

/*
 * 'fm_dirmap_for_csv()' - the spreadsheet map (fields named as above,
 * badge numbers in s's badge_format and badge_bytes) into *map.
 */
bool fm_dirmap_for_csv(const struct fm_settings *s, struct fm_dirmap *map,
    char *err, size_t errlen);

/*
 * 'fm_dirmap_attrs()' - the attributes an LDAP search must ask for, into
 * names (max entries, NULL-terminated, borrowed from map).
 */
size_t fm_dirmap_attrs(
    const struct fm_dirmap *map, const char **names, size_t max);

/*
 * 'fm_dirmap_entry()' - map the n values of one entry (dn: its DN, or
 * NULL) into *out, where naming it in reports.  A departments lookup
 * (dept_name(code) -> name or NULL) names departments when the map says
 * so.  Returns false with a sentence in err (errlen bytes) when the entry
 * has no usable login; a bad badge number leaves the user without a
 * badge and says why in note (notelen bytes; "" when all is well).
 */
bool fm_dirmap_entry(const struct fm_dirmap *map, const char *dn,
    const struct fm_dirmap_value *vals, size_t n,
    const char *(*dept_name)(const char *code, void *arg), void *arg,
    struct fm_dirsync_user *out, char *note, size_t notelen, char *err,
    size_t errlen);

/*
 * 'fm_dirmap_dn_ou()' - the value of the first "ou=" part of dn (len
 * bytes), unescaped, into out (size bytes); false if there is none or it
 * does not fit.
 */
bool fm_dirmap_dn_ou(const char *dn, size_t len, char *out, size_t size);

/*
 * 'fm_dirmap_code()' - a department code from text (len bytes): letters,
 * digits, '.', '_' and '-' kept, anything else made '_', into out (size
 * bytes); false if it is empty or longer than a code may be.
 */
bool fm_dirmap_code(const char *text, size_t len, char *out, size_t size);

#endif
