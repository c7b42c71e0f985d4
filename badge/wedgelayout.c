/*
 * wedgelayout.c - the keyboard layout a keyboard-wedge reader types in,
 * through libxkbcommon.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "badge/wedgelayout.h"

#include <linux/input-event-codes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xkbcommon/xkbcommon-names.h>
#include <xkbcommon/xkbcommon.h>

#include "common/log.h"

/* evdev key codes are XKB key codes less 8 (the X11 convention). */
#define XKB_EVDEV_OFFSET 8

struct fm_wedgelayout {
	struct xkb_context *ctx;
	struct xkb_keymap *keymap;
	struct xkb_state *state;
	xkb_mod_index_t numlock; /* XKB_MOD_INVALID if the map has none */
	char name[FM_WEDGELAYOUT_NAMEMAX + 1];
};

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	    c == '_';
}

bool
fm_wedgelayout_name_parse(
    const char *buf, size_t len, char *layout, char *variant)
{
	size_t i, open = len, vlen = 0;

	if (layout == NULL || variant == NULL)
		return false;
	layout[0] = variant[0] = '\0';
	if (buf == NULL || len == 0 || len > FM_WEDGELAYOUT_NAMEMAX)
		return false;
	for (i = 0; i < len && buf[i] != '('; i++)
		if (!name_char(buf[i]))
			return false;
	if (i == 0)
		return false;
	if (i < len) {
		/* "layout(variant)": a non-empty variant, then the end. */
		open = i;
		if (buf[len - 1] != ')' || len - open < 3)
			return false;
		for (i = open + 1; i < len - 1; i++)
			if (!name_char(buf[i]))
				return false;
		vlen = len - open - 2;
	}
	memcpy(layout, buf, open);
	layout[open] = '\0';
	if (vlen > 0)
		memcpy(variant, buf + open + 1, vlen);
	variant[vlen] = '\0';
	return true;
}

/* libxkbcommon's messages (a missing symbols file...) to the debug log:
 * the caller reports the failure in its own words. */
static void xkb_log(struct xkb_context *ctx, enum xkb_log_level level,
    const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

static void
xkb_log(struct xkb_context *ctx, enum xkb_log_level level, const char *fmt,
    va_list ap)
{
	char msg[256];

	(void)ctx;
	(void)level;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	fm_log_debug("xkbcommon: %s", msg);
}

void
fm_wedgelayout_reset(fm_wedgelayout_t *l)
{
	struct xkb_state *fresh;

	if (l == NULL || (fresh = xkb_state_new(l->keymap)) == NULL)
		return;
	xkb_state_unref(l->state);
	l->state = fresh;
	if (l->numlock != XKB_MOD_INVALID)
		xkb_state_update_mask(
		    l->state, 0, 0, (xkb_mod_mask_t)1 << l->numlock, 0, 0, 0);
}

fm_wedgelayout_t *
fm_wedgelayout_create(const char *name, char *err, size_t errlen)
{
	char layout[FM_WEDGELAYOUT_NAMEMAX + 1];
	char variant[FM_WEDGELAYOUT_NAMEMAX + 1];
	struct xkb_rule_names names = {0};
	fm_wedgelayout_t *l;

	if (name == NULL || name[0] == '\0')
		name = FM_WEDGELAYOUT_DEFAULT;
	if (!fm_wedgelayout_name_parse(name, strlen(name), layout, variant)) {
		snprintf(err, errlen,
		    "keyboard layout '%.*s' is not a layout name such as us, "
		    "fr, de or de(nodeadkeys)",
		    FM_WEDGELAYOUT_NAMEMAX, name);
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(l->name, sizeof(l->name), "%s", name);
	/* The layout is the configured one, never XKB_DEFAULT_* from the
	 * environment. */
	if ((l->ctx = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES)) ==
	    NULL) {
		snprintf(err, errlen, "cannot start libxkbcommon");
		goto fail;
	}
	xkb_context_set_log_fn(l->ctx, xkb_log);
	names.rules = "evdev";
	names.model = "pc105";
	names.layout = layout;
	names.variant = variant[0] != '\0' ? variant : NULL;
	l->keymap = xkb_keymap_new_from_names(
	    l->ctx, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (l->keymap == NULL) {
		snprintf(err, errlen,
		    "keyboard layout '%s': the XKB data (xkb-data) has no "
		    "such layout%s",
		    name, variant[0] != '\0' ? " or variant" : "");
		goto fail;
	}
	l->numlock = xkb_keymap_mod_get_index(l->keymap, XKB_MOD_NAME_NUM);
	fm_wedgelayout_reset(l);
	if (l->state == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	return l;
fail:
	fm_wedgelayout_destroy(l);
	return NULL;
}

void
fm_wedgelayout_destroy(fm_wedgelayout_t *l)
{
	if (l == NULL)
		return;
	xkb_state_unref(l->state);
	xkb_keymap_unref(l->keymap);
	xkb_context_unref(l->ctx);
	free(l);
}

const char *
fm_wedgelayout_get_name(const fm_wedgelayout_t *l)
{
	return l != NULL ? l->name : "";
}

bool
fm_wedgelayout_key(fm_wedgelayout_t *l, unsigned code, int value, uint32_t *cp)
{
	enum xkb_state_component changed;
	xkb_keycode_t kc;
	xkb_keysym_t sym;
	uint32_t c;

	if (cp != NULL)
		*cp = 0;
	if (l == NULL || cp == NULL || (value != 0 && value != 1))
		return false;
	/* A code no keyboard has types nothing, and changes no state. */
	if (code > KEY_MAX)
		return value == 1;
	kc = (xkb_keycode_t)code + XKB_EVDEV_OFFSET;
	if (value == 0) {
		xkb_state_update_key(l->state, kc, XKB_KEY_UP);
		return false;
	}
	/* What the key types is decided by the state before it. */
	sym = xkb_state_key_get_one_sym(l->state, kc);
	c = xkb_state_key_get_utf32(l->state, kc);
	changed = xkb_state_update_key(l->state, kc, XKB_KEY_DOWN);
	/* A modifier (Shift, AltGr, a lock) changes the held or locked
	 * modifiers or the group, and types nothing itself. */
	if (changed &
	    (XKB_STATE_MODS_DEPRESSED | XKB_STATE_MODS_LOCKED |
	        XKB_STATE_LAYOUT_DEPRESSED | XKB_STATE_LAYOUT_LOCKED))
		return false;
	if (sym == XKB_KEY_Return || sym == XKB_KEY_KP_Enter ||
	    sym == XKB_KEY_ISO_Enter)
		c = '\n';
	*cp = c;
	return true;
}
