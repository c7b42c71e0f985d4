/*
 * dirmap.c - directory entries mapped to users (dirmap.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "directory/dirmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/utf8.h"
#include "directory/badgenum.h"
#include "quota/accounts.h"

/* The schemas' defaults: Active Directory, then OpenLDAP / FreeIPA. */
struct schema {
	const char *login, *full_name, *email, *department, *badge, *disabled,
	    *groups, *filter;
};

static const struct schema ad = {"sAMAccountName", "displayName", "mail",
    "department", "employeeNumber", "uac", "memberOf",
    "(&(objectCategory=person)(objectClass=user))"};
static const struct schema openldap = {"uid", "cn", "mail", "departmentNumber",
    "employeeNumber", "", "memberOf", "(objectClass=inetOrgPerson)"};

static void
pick(char *out, size_t size, const char *set, const char *dflt)
{
	snprintf(out, size, "%s", set[0] != '\0' ? set : dflt);
}

static bool
parse_badge_format(const struct fm_settings *s, struct fm_dirmap *map,
    char *err, size_t errlen)
{
	const char *errstr = NULL;
	const char *spec = s->directory.badge_format;

	if (!fm_uid_format_parse(
	        spec, strlen(spec), &map->badge_format, &errstr)) {
		snprintf(err, errlen, "[directory] badge_format %s: %s", spec,
		    errstr);
		return false;
	}
	map->badge_bytes = (unsigned)s->directory.badge_bytes;
	return true;
}

bool
fm_dirmap_from_settings(const struct fm_settings *s, struct fm_dirmap *map,
    char *err, size_t errlen)
{
	const struct schema *sc;
	const char *eq, *dis;

	if (s == NULL || map == NULL || err == NULL)
		return false;
	memset(map, 0, sizeof(*map));
	sc = strcmp(s->directory.schema, "openldap") == 0 ? &openldap : &ad;
	pick(map->login, sizeof(map->login), s->directory.login, sc->login);
	pick(map->full_name, sizeof(map->full_name), s->directory.full_name,
	    sc->full_name);
	pick(map->email, sizeof(map->email), s->directory.email, sc->email);
	pick(map->department, sizeof(map->department), s->directory.department,
	    sc->department);
	if (strcasecmp(map->department, "dn:ou") == 0) {
		map->dept_from_dn = true;
		map->department[0] = '\0';
	}
	snprintf(map->department_name, sizeof(map->department_name), "%s",
	    s->directory.department_name);
	if (strcasecmp(map->department_name, "ou-description") == 0) {
		map->dept_name_from_ou = true;
		map->department_name[0] = '\0';
	}
	pick(map->badge, sizeof(map->badge), s->directory.badge, sc->badge);
	if (strcmp(map->badge, "none") == 0)
		map->badge[0] = '\0';
	pick(map->groups, sizeof(map->groups), s->directory.groups, sc->groups);
	snprintf(map->admin_group, sizeof(map->admin_group), "%s",
	    s->directory.admin_group);
	snprintf(map->finance_group, sizeof(map->finance_group), "%s",
	    s->directory.finance_group);
	pick(map->filter, sizeof(map->filter), s->directory.filter, sc->filter);
	dis = s->directory.disabled[0] != '\0' ? s->directory.disabled
	                                       : sc->disabled;
	if (dis[0] == '\0' || strcmp(dis, "none") == 0)
		map->disabled = FM_DIRMAP_DISABLED_NONE;
	else if (strcmp(dis, "uac") == 0) {
		map->disabled = FM_DIRMAP_DISABLED_UAC;
		snprintf(map->disabled_attr, sizeof(map->disabled_attr),
		    "userAccountControl");
	} else if ((eq = strchr(dis, '=')) != NULL) {
		if (eq == dis || (size_t)(eq - dis) >= FM_DIRMAP_NAMEMAX ||
		    strlen(eq + 1) >= FM_DIRMAP_NAMEMAX) {
			snprintf(err, errlen,
			    "[directory] disabled must be "
			    "uac, ATTRIBUTE or "
			    "ATTRIBUTE=VALUE");
			return false;
		}
		map->disabled = FM_DIRMAP_DISABLED_VALUE;
		snprintf(map->disabled_attr, sizeof(map->disabled_attr), "%.*s",
		    (int)(eq - dis), dis);
		snprintf(map->disabled_value, sizeof(map->disabled_value), "%s",
		    eq + 1);
	} else {
		map->disabled = FM_DIRMAP_DISABLED_ATTR;
		snprintf(
		    map->disabled_attr, sizeof(map->disabled_attr), "%s", dis);
	}
	return parse_badge_format(s, map, err, errlen);
}

bool
fm_dirmap_for_csv(const struct fm_settings *s, struct fm_dirmap *map, char *err,
    size_t errlen)
{
	if (s == NULL || map == NULL || err == NULL)
		return false;
	memset(map, 0, sizeof(*map));
	snprintf(map->login, sizeof(map->login), "login");
	snprintf(map->full_name, sizeof(map->full_name), "full_name");
	snprintf(map->email, sizeof(map->email), "email");
	snprintf(map->department, sizeof(map->department), "department");
	snprintf(map->department_name, sizeof(map->department_name),
	    "department_name");
	snprintf(map->badge, sizeof(map->badge), "badge");
	map->disabled = FM_DIRMAP_DISABLED_YESNO;
	snprintf(map->disabled_attr, sizeof(map->disabled_attr), "disabled");
	map->roles_column = true;
	return parse_badge_format(s, map, err, errlen);
}

size_t
fm_dirmap_attrs(const struct fm_dirmap *map, const char **names, size_t max)
{
	const char *all[] = {map->login, map->full_name, map->email,
	    map->department, map->department_name, map->badge,
	    map->disabled_attr, map->groups};
	size_t n = 0;

	if (map == NULL || names == NULL || max == 0)
		return 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i][0] != '\0' && n + 1 < max)
			names[n++] = all[i];
	names[n] = NULL;
	return n;
}

/* The first value of attribute name, or NULL. */
static const struct fm_dirmap_value *
first(const struct fm_dirmap_value *vals, size_t n, const char *name)
{
	if (name[0] == '\0')
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(vals[i].attr, name) == 0)
			return &vals[i];
	return NULL;
}

/* Text of a value as UTF-8 without control characters. */
static void
text(const struct fm_dirmap_value *v, char *out, size_t size)
{
	if (v == NULL) {
		out[0] = '\0';
		return;
	}
	fm_utf8_clean(out, size, v->value, v->len);
}

static bool
equals(const struct fm_dirmap_value *v, const char *s)
{
	return strlen(s) == v->len && strncasecmp(v->value, s, v->len) == 0;
}

bool
fm_dirmap_code(const char *t, size_t len, char *out, size_t size)
{
	size_t n = 0;

	while (len > 0 && (t[0] == ' ' || t[0] == '\t')) {
		t++;
		len--;
	}
	while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= FM_ACCOUNTS_CODEMAX || len >= size)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = t[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		out[n++] = ok ? c : '_';
	}
	out[n] = '\0';
	return fm_accounts_code_is_valid(out);
}

bool
fm_dirmap_dn_ou(const char *dn, size_t len, char *out, size_t size)
{
	size_t i = 0, n;

	if (dn == NULL || out == NULL || size == 0)
		return false;
	while (i < len) {
		/* At the start of an RDN. */
		while (i < len && dn[i] == ' ')
			i++;
		bool is_ou = len - i > 3 && strncasecmp(dn + i, "ou=", 3) == 0;
		if (is_ou)
			i += 3;
		n = 0;
		while (i < len && dn[i] != ',' && dn[i] != '+') {
			char c = dn[i++];

			if (c == '\\' && i < len)
				c = dn[i++];
			if (is_ou) {
				if (n + 1 >= size)
					return false;
				out[n++] = c;
			}
		}
		if (is_ou) {
			out[n] = '\0';
			return n > 0;
		}
		i++;
	}
	return false;
}

/* Whether the entry says the account is disabled. */
static bool
is_disabled(
    const struct fm_dirmap *map, const struct fm_dirmap_value *vals, size_t n)
{
	const struct fm_dirmap_value *v;
	char buf[32];

	switch (map->disabled) {
	case FM_DIRMAP_DISABLED_NONE:
		return false;
	case FM_DIRMAP_DISABLED_UAC:
		if ((v = first(vals, n, map->disabled_attr)) == NULL ||
		    v->len == 0 || v->len >= sizeof(buf))
			return false;
		memcpy(buf, v->value, v->len);
		buf[v->len] = '\0';
		/* ACCOUNTDISABLE, 0x0002 of userAccountControl. */
		return (strtoul(buf, NULL, 10) & 2) != 0;
	case FM_DIRMAP_DISABLED_ATTR:
		return (v = first(vals, n, map->disabled_attr)) != NULL &&
		    v->len > 0;
	case FM_DIRMAP_DISABLED_VALUE:
		for (size_t i = 0; i < n; i++)
			if (strcasecmp(vals[i].attr, map->disabled_attr) == 0 &&
			    equals(&vals[i], map->disabled_value))
				return true;
		return false;
	case FM_DIRMAP_DISABLED_YESNO:
		return (v = first(vals, n, map->disabled_attr)) != NULL &&
		    (equals(v, "yes") || equals(v, "true") || equals(v, "1") ||
		        equals(v, "y"));
	}
	return false;
}

/* Roles from group membership, or a spreadsheet's roles column. */
static void
roles(const struct fm_dirmap *map, const struct fm_dirmap_value *vals, size_t n,
    struct fm_dirsync_user *out)
{
	if (map->roles_column) {
		const struct fm_dirmap_value *v = first(vals, n, "roles");
		char buf[128], *save = NULL, *w;

		if (v == NULL)
			return;
		text(v, buf, sizeof(buf));
		for (w = strtok_r(buf, " ,;", &save); w != NULL;
		     w = strtok_r(NULL, " ,;", &save)) {
			out->admin |= strcasecmp(w, "admin") == 0;
			out->finance |= strcasecmp(w, "finance") == 0;
		}
		return;
	}
	if (map->groups[0] == '\0')
		return;
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(vals[i].attr, map->groups) != 0)
			continue;
		if (map->admin_group[0] && equals(&vals[i], map->admin_group))
			out->admin = true;
		if (map->finance_group[0] &&
		    equals(&vals[i], map->finance_group))
			out->finance = true;
	}
}

static void
badge(const struct fm_dirmap *map, const struct fm_dirmap_value *vals, size_t n,
    struct fm_dirsync_user *out, char *note, size_t notelen)
{
	const struct fm_dirmap_value *v = first(vals, n, map->badge);
	const char *errstr = "bad badge number";
	uint8_t uid[FM_UID_MAX];
	size_t len = 0, i;

	if (v == NULL)
		return;
	for (i = 0; i < v->len && (v->value[i] == ' ' || v->value[i] == '\t');
	     i++)
		;
	if (i == v->len)
		return; /* an empty cell: no badge */
	if (!fm_badgenum_parse(v->value, v->len, &map->badge_format,
	        map->badge_bytes, uid, &len, &errstr) ||
	    len > sizeof(out->badge)) {
		snprintf(note, notelen, "%s: %s: %s has no badge", out->where,
		    errstr, out->login);
		return;
	}
	memcpy(out->badge, uid, len);
	out->badge_len = len;
}

bool
fm_dirmap_entry(const struct fm_dirmap *map, const char *dn,
    const struct fm_dirmap_value *vals, size_t n,
    const char *(*dept_name)(const char *code, void *arg), void *arg,
    struct fm_dirsync_user *out, char *note, size_t notelen, char *err,
    size_t errlen)
{
	const struct fm_dirmap_value *v;
	char dept[FM_DEPTS_NAMEMAX];
	const char *name;

	if (map == NULL || (vals == NULL && n > 0) || out == NULL ||
	    note == NULL || err == NULL)
		return false;
	note[0] = err[0] = '\0';
	/* The where is set by the caller; keep it. */
	{
		char where[FM_DIRSYNC_WHEREMAX];

		/* Copied whole, not formatted: this runs for every entry. */
		memcpy(where, out->where, sizeof(where));
		memset(out, 0, sizeof(*out));
		memcpy(out->where, where, sizeof(out->where));
		out->where[sizeof(out->where) - 1] = '\0';
	}
	if ((v = first(vals, n, map->login)) == NULL || v->len == 0) {
		snprintf(
		    err, errlen, "%s: no %s: skipped", out->where, map->login);
		return false;
	}
	if (v->len >= sizeof(out->login)) {
		snprintf(err, errlen, "%s: %s is too long: skipped", out->where,
		    map->login);
		return false;
	}
	memcpy(out->login, v->value, v->len);
	out->login[v->len] = '\0';
	if (strlen(out->login) != v->len) {
		snprintf(err, errlen, "%s: %s holds a NUL byte: skipped",
		    out->where, map->login);
		return false;
	}
	text(first(vals, n, map->full_name), out->full_name,
	    sizeof(out->full_name));
	text(first(vals, n, map->email), out->email, sizeof(out->email));
	dept[0] = '\0';
	if (map->dept_from_dn && dn != NULL) {
		if (!fm_dirmap_dn_ou(dn, strlen(dn), dept, sizeof(dept)))
			dept[0] = '\0';
	} else
		text(first(vals, n, map->department), dept, sizeof(dept));
	if (dept[0] != '\0' &&
	    !fm_dirmap_code(
	        dept, strlen(dept), out->dept_code, sizeof(out->dept_code)))
		snprintf(note, notelen,
		    "%s: department '%.40s' cannot be a code (1 to 31 "
		    "characters): %s has no department",
		    out->where, dept, out->login);
	if (out->dept_code[0] != '\0') {
		text(first(vals, n, map->department_name), out->dept_name,
		    sizeof(out->dept_name));
		if (out->dept_name[0] == '\0' && dept_name != NULL &&
		    (name = dept_name(out->dept_code, arg)) != NULL)
			snprintf(
			    out->dept_name, sizeof(out->dept_name), "%s", name);
		out->dept_named = out->dept_name[0] != '\0';
		if (out->dept_name[0] == '\0')
			snprintf(
			    out->dept_name, sizeof(out->dept_name), "%s", dept);
	}
	out->disabled = is_disabled(map, vals, n);
	roles(map, vals, n, out);
	if (map->badge[0] != '\0' && note[0] == '\0')
		badge(map, vals, n, out, note, notelen);
	else if (map->badge[0] != '\0') {
		char more[FM_DIRSYNC_NOTEMAX];

		/* One note per entry: the department's is kept. */
		badge(map, vals, n, out, more, sizeof(more));
	}
	return true;
}
