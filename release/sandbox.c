/*
 * sandbox.c - Landlock for release sessions, through the raw system
 * calls (glibc has no wrappers), at the best ABI the kernel offers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/leakcheck.h"
#include "common/log.h"

/* Rights later than the headers Debian 12 builds with (kernel 6.1). */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

#define FS_READ                                                                \
	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |          \
	    LANDLOCK_ACCESS_FS_EXECUTE)
#define FS_ABI1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)

/* Every filesystem right the kernel's ABI knows: what is not handled is
 * allowed everywhere, so all of them are. */
static uint64_t
handled(int abi)
{
	uint64_t h = FS_ABI1;

	if (abi >= 2)
		h |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		h |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		h |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return h;
}

int
fm_sandbox_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return abi > 0 ? (int)abi : 0;
}

bool
fm_sandbox_is_required(const struct fm_settings *settings, const char **errstr)
{
	*errstr = NULL;
	if (settings == NULL || strcmp(settings->session_sandbox, "off") == 0)
		return false;
	if (strcmp(settings->session_sandbox, "required") != 0)
		*errstr = "session_sandbox must be required or off";
	return true;
}

/* Allows access (masked to what is handled) beneath path; a path that
 * does not exist is skipped (no /lib64 here, no -shm yet there). */
static bool
allow(int ruleset, const char *path, uint64_t access, uint64_t h)
{
	struct landlock_path_beneath_attr pb = {.allowed_access = access & h};
	bool ok;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return errno == ENOENT;
	ok = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
	         &pb, 0) == 0;
	close(pb.parent_fd);
	return ok;
}

/* The system's files, read-only: libraries, NSS, CUPS and TLS settings,
 * time zones. */
static const char *const system_dirs[] = {
    "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc"};

/* The state directory must lie outside what is opened up read-only, or
 * the keys in it would be readable. */
static bool
state_dir_outside(const char *state_dir)
{
	char real[4096];

	if (realpath(state_dir, real) == NULL)
		return false;
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(*system_dirs);
	     i++) {
		size_t n = strlen(system_dirs[i]);
		if (strncmp(real, system_dirs[i], n) == 0 &&
		    (real[n] == '/' || real[n] == '\0'))
			return false;
	}
	return true;
}

/* Applies ruleset (its rules all added when ok) to this process for
 * good and closes it: abi, or -1 with *errstr. */
static int
restrict_self(int ruleset, bool ok, int abi, const char **errstr)
{
	if (!ok || syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
		close(ruleset);
		*errstr = ok ? "landlock_restrict_self failed"
		             : "cannot add a Landlock rule";
		return -1;
	}
	close(ruleset);
	return abi;
}

static int
landlock(const struct fm_settings *s, int abi, const char **errstr)
{
	static const char *const db_suffix[] = {"", "-wal", "-shm", "-journal"};
	uint64_t h = handled(abi);
	struct landlock_ruleset_attr attr = {.handled_access_fs = h};
	char db[512], path[560], spool[512];
	int ruleset;
	bool ok = true;

	if (!fm_settings_db_path(s, db, sizeof(db)) ||
	    !fm_settings_spool_dir(s, spool, sizeof(spool))) {
		*errstr = "state_dir too long";
		return -1;
	}
	if (!state_dir_outside(s->state_dir)) {
		*errstr = "state_dir lies under a system directory the session "
		          "may read";
		return -1;
	}
	ruleset =
	    (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0) {
		*errstr = "cannot create a Landlock ruleset";
		return -1;
	}
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(*system_dirs); i++)
		ok = ok && allow(ruleset, system_dirs[i], FS_READ, h);
	ok = ok &&
	    allow(ruleset, "/dev",
	        FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE |
	            LANDLOCK_ACCESS_FS_IOCTL_DEV,
	        h);
	/* The store's own files, one by one: not the directory they share
	 * with the keys. */
	for (size_t i = 0; i < sizeof(db_suffix) / sizeof(*db_suffix); i++) {
		snprintf(path, sizeof(path), "%s%s", db, db_suffix[i]);
		ok = ok &&
		    allow(ruleset, path,
		        LANDLOCK_ACCESS_FS_READ_FILE |
		            LANDLOCK_ACCESS_FS_WRITE_FILE |
		            LANDLOCK_ACCESS_FS_TRUNCATE,
		        h);
	}
	/* A printed job's copy is removed by its session; its bytes are
	 * opened only by the decryptor. */
	ok = ok &&
	    allow(ruleset, spool,
	        LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE,
	        h);
	return restrict_self(ruleset, ok, abi, errstr);
}

/*
 * What both confinements do first: no_new_privs (Landlock needs it; a
 * confined process execs nothing anyway), not dumpable, and the ABI to
 * use.  Returns it, 0 if Landlock is unavailable but not required (the
 * caller stops there), -1 with *errstr if the process cannot be
 * confined as settings require.
 */
static int
prepare(const struct fm_settings *settings, const char **errstr)
{
	bool required;
	int abi;

	*errstr = NULL;
	if (settings == NULL) {
		*errstr = "no settings";
		return -1;
	}
	required = fm_sandbox_is_required(settings, errstr);
	if (*errstr != NULL)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		*errstr = "prctl failed";
		return -1;
	}
	if ((abi = fm_sandbox_abi()) == 0 && required) {
		*errstr = "Landlock is unavailable (session_sandbox = "
		          "required)";
		return -1;
	}
	return abi;
}

int
fm_sandbox_confine(const struct fm_settings *settings, const char **errstr)
{
	const char *dummy = NULL;
	int abi;

	if (errstr == NULL)
		errstr = &dummy;
	if ((abi = prepare(settings, errstr)) <= 0)
		return abi;
	return landlock(settings, abi, errstr);
}

int
fm_sandbox_confine_reader(const struct fm_settings *settings,
    const char *const *dirs, size_t ndirs, const char **errstr)
{
	const char *dummy = NULL;
	struct landlock_ruleset_attr attr;
	bool ok = true;
	int abi, ruleset;
	uint64_t h;

	if (errstr == NULL)
		errstr = &dummy;
	if ((abi = prepare(settings, errstr)) <= 0)
		return abi;
	h = handled(abi);
	attr = (struct landlock_ruleset_attr){.handled_access_fs = h};
	ruleset =
	    (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0) {
		*errstr = "cannot create a Landlock ruleset";
		return -1;
	}
	for (size_t i = 0; i < ndirs; i++)
		ok = ok && allow(ruleset, dirs[i], FS_READ, h);
#ifdef FM_LEAKCHECK_ON
	/* Sanitizer builds only (a production build opens nothing there):
	 * LeakSanitizer's check at exit lists this process's threads in
	 * /proc/PID/task (common/leakcheck.h). */
	ok = ok && allow(ruleset, "/proc/self", FS_READ, h);
#endif
	return restrict_self(ruleset, ok, abi, errstr);
}

#ifdef FM_TEST_HOOKS
static void
probe(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	fm_log_info("sandbox probe: %s: %s", path,
	    fd >= 0 ? "opened" : strerror(errno));
	if (fd >= 0)
		close(fd);
}

void
fm_sandbox_probe(const struct fm_settings *settings)
{
	static const char *const keys[] = {"master.key", "badge.key",
	    "ledger.key", "pki/ca.key", "pki/server.key"};
	char path[1024], dir[600];
	struct dirent *e;
	DIR *d;

	fm_log_warn("built with FM_TEST_HOOKS: not for production");
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		snprintf(
		    path, sizeof(path), "%s/%s", settings->state_dir, keys[i]);
		probe(path);
	}
	/* The terminals' keys and the spool's documents, by listing what
	 * the test left there (as root, the test lists them too). */
	const char *const dirs[] = {"pki/terminals", "spool"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(
		    dir, sizeof(dir), "%s/%s", settings->state_dir, dirs[i]);
		if ((d = opendir(dir)) == NULL) {
			fm_log_info(
			    "sandbox probe: %s: %s", dir, strerror(errno));
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.' || e->d_type == DT_DIR)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			probe(path);
		}
		closedir(d);
	}
}
#endif
