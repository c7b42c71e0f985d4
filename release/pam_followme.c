/*
 * pam_followme.c - PAM module that checks Followme print PINs.
 *
 *	auth    required pam_followme.so [config=/etc/followme/followme.conf]
 *	account required pam_followme.so [config=...]
 *
 * auth: the PIN (asked as "PIN: ") must match the salted PBKDF2-SHA256
 * hash set with followme-admin user set-pin; the comparison is
 * constant-time.  account: the Followme user must exist and be enabled.
 * The module reads the Followme store, so the process calling PAM must
 * be allowed to (followmed's user).  See pam_followme(8).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <string.h>
#include <syslog.h>

#include "quota/users.h"
#include "common/i18n.h"
#include "common/settings.h"

/* Opens the store named by the config= argument or the default file. */
static fm_store_t *
open_store(pam_handle_t *ph, int argc, const char **argv)
{
	struct fm_settings s;
	const char *config = NULL, *errstr = NULL;
	char err[FM_CONF_ERRMAX + 512], path[512];
	fm_store_t *store;

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "config=", 7) == 0)
			config = argv[i] + 7;
		else
			pam_syslog(
			    ph, LOG_WARNING, "unknown option %s", argv[i]);
	}
	/* Never $FOLLOWME_CONF: the environment is the calling program's
	 * (su, sudo, a screen locker), chosen by whoever runs it, and would
	 * point the module at a store of their own with a PIN they know. */
	if (!fm_settings_load_system(&s, config, err, sizeof(err))) {
		pam_syslog(ph, LOG_ERR, "%s", err);
		return NULL;
	}
	if (!fm_settings_db_path(&s, path, sizeof(path)) ||
	    (store = fm_store_open(path, &errstr)) == NULL) {
		pam_syslog(ph, LOG_ERR, "cannot open the Followme store: %s",
		    errstr ? errstr : "path too long");
		return NULL;
	}
	return store;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	const char *user = NULL, *pin = NULL;
	struct fm_user u;
	fm_store_t *store;
	int rc;

	(void)flags;
	if (pam_get_user(ph, &user, NULL) != PAM_SUCCESS || user == NULL ||
	    user[0] == '\0')
		return PAM_USER_UNKNOWN;
	/* The prompt in the language of the program that loaded us (its
	 * locale, as Linux-PAM's own messages). */
	fm_i18n_bind();
	if ((rc = pam_get_authtok(ph, PAM_AUTHTOK, &pin, _("PIN: "))) !=
	    PAM_SUCCESS)
		return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : PAM_AUTH_ERR;
	if (pin == NULL || pin[0] == '\0')
		return PAM_AUTH_ERR;
	if ((store = open_store(ph, argc, argv)) == NULL)
		return PAM_AUTHINFO_UNAVAIL;
	/* The PIN is hashed first, whoever the user is: an unknown user or
	 * one without a PIN costs as much as a wrong PIN. */
	if (fm_users_check_pin(store, user, pin, strlen(pin)))
		rc = PAM_SUCCESS;
	else if (!fm_users_get(store, user, &u))
		rc = PAM_USER_UNKNOWN;
	else if (!u.has_pin)
		rc = PAM_CRED_INSUFFICIENT;
	else
		rc = PAM_AUTH_ERR;
	fm_store_close(store);
	return rc;
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	(void)ph;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	const char *user = NULL;
	struct fm_user u;
	fm_store_t *store;
	int rc;

	(void)flags;
	if (pam_get_user(ph, &user, NULL) != PAM_SUCCESS || user == NULL)
		return PAM_USER_UNKNOWN;
	if ((store = open_store(ph, argc, argv)) == NULL)
		return PAM_AUTHINFO_UNAVAIL;
	if (!fm_users_get(store, user, &u))
		rc = PAM_USER_UNKNOWN;
	else
		rc = u.enabled ? PAM_SUCCESS : PAM_ACCT_EXPIRED;
	fm_store_close(store);
	return rc;
}
