/*
 * ledgerd.c - the ledger writer (see ledgerd.h); its client side is
 * ledger-link.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/ledgerd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/child.h"
#include "common/clock.h"
#include "common/fdpass.h"
#include "common/log.h"
#include "store/groupsync.h"
#include "quota/ledger-local.h"
#include "quota/ledger.h"
#include "store/store-private.h"

#define FIRST_LINK 2 /* fds[0]: control, fds[1]: the syncer's answers */
#define SYNC_FAILED (UINT64_C(1) << 63)

struct pending {
	int fd;
	struct fm_ledgerwire_request q;
	struct fm_ledgerwire_reply p;
};

/* A reply held until its batch is on disk. */
struct held {
	int fd; /* -1: the session is gone */
	uint64_t batch;
	struct fm_ledgerwire_reply p;
};

struct writer {
	fm_store_t *store;
	fm_ledger_t *ledger; /* local: the requests run here, in the batch */
	struct pollfd fds[FIRST_LINK + FM_LEDGERD_MAXLINKS];
	int nfds;
	struct pending batch[FM_LEDGERD_MAXLINKS];
	/* The syncer child fsyncs committed batches while the writer runs
	 * the next ones; to_syncer is -1 once it is gone (then the writer
	 * waits for the disk itself). */
	int to_syncer;
	pid_t syncer;
	uint64_t batches;
	/* The last batch sent to the syncer and the last it reported on:
	 * a sync is under way while synced < to_sync. */
	uint64_t to_sync, synced;
	struct held held[FM_LEDGERD_MAXLINKS];
	int nheld;
	struct fm_ledgerd_stats stats;
};

static void
drop_link(struct writer *w, int i)
{
	/* A reply still waiting for the disk must not reach whoever gets
	 * this descriptor number next. */
	for (int h = 0; h < w->nheld; h++)
		if (w->held[h].fd == w->fds[i].fd)
			w->held[h].fd = -1;
	close(w->fds[i].fd);
	w->fds[i] = w->fds[--w->nfds];
}

/* Takes one link followmed sent; false once followmed is gone. */
static bool
take_link(struct writer *w, bool *more)
{
	char byte = 0;
	ssize_t n;
	int fd;

	*more = false;
	n = fm_fdpass_recv(w->fds[0].fd, &byte, 1, MSG_DONTWAIT, &fd);
	if (n < 0)
		return errno == EAGAIN;
	if (n == 0)
		return false;
	*more = true;
	if (fd < 0)
		return true;
	if (w->nfds == FIRST_LINK + FM_LEDGERD_MAXLINKS) {
		/* The session finds the link closed and charges itself. */
		fm_log_warn("ledger writer: too many links");
		close(fd);
		return true;
	}
	w->fds[w->nfds++] = (struct pollfd){fd, POLLIN, 0};
	return true;
}

/* Takes every link waiting; false once followmed is gone. */
static bool
take_links(struct writer *w)
{
	bool more = true;

	while (more)
		if (!take_link(w, &more))
			return false;
	return true;
}

static void
set_message(struct fm_ledgerwire_reply *p, const char *msg)
{
	snprintf(p->message, sizeof(p->message), "%s", msg ? msg : "");
}

/* Runs one request inside the batch's transaction. */
static void
apply(fm_ledger_t *ledger, const struct fm_ledgerwire_request *q,
    struct fm_ledgerwire_reply *p)
{
	struct fm_ledger_request req = {q->user,
	    q->account[0] ? q->account : NULL, q->amount, q->key, q->job_id,
	    (int)q->price_version};
	struct fm_ledger_settle settle = {q->reservation, q->amount,
	    q->measured, q->printer, q->has_usage ? &q->usage : NULL, q->key};
	struct fm_reservation r;
	const char *errstr = NULL;

	memset(p, 0, sizeof(*p));
	switch (q->op) {
	case FM_LEDGERWIRE_RESERVE:
		p->ok = fm_ledger_reserve(
		    ledger, &req, &r, p->message, sizeof(p->message));
		if (p->ok) {
			p->id = r.id;
			p->amount = r.amount;
			p->replayed = r.replayed;
		}
		break;
	case FM_LEDGERWIRE_COMMIT:
		p->ok = fm_ledger_commit(ledger, &settle, &errstr);
		break;
	default:
		p->ok =
		    fm_ledger_refund(ledger, q->reservation, q->key, &errstr);
	}
	if (!p->ok && errstr != NULL)
		set_message(p, errstr);
}

static void
reply(struct writer *w, int fd, struct fm_ledgerwire_reply *p)
{
	uint8_t buf[FM_LEDGERWIRE_MAX];
	size_t n;

	if (fd < 0)
		return;
	/* Denials quote names from the database: keep them printable. */
	for (char *c = p->message; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	n = fm_ledgerwire_encode_reply(p, buf, sizeof(buf));
	if (n == 0 || send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* The session waits for this answer or has given up on us;
		 * either way the link is done. */
		for (int i = FIRST_LINK; i < w->nfds; i++)
			if (w->fds[i].fd == fd) {
				drop_link(w, i);
				break;
			}
	}
}

static bool
has_held(const struct writer *w, int fd)
{
	for (int h = 0; h < w->nheld; h++)
		if (w->held[h].fd == fd)
			return true;
	return false;
}

static bool
in_batch(const struct writer *w, int n, int fd)
{
	for (int i = 0; i < n; i++)
		if (w->batch[i].fd == fd)
			return true;
	return false;
}

/* Reads one request from each link that has one; answers bad ones at
 * once.  Queues them in w->batch after the n already there and returns
 * how many are queued then.  A link whose request is already queued is
 * not read, even once it hung up (so the batch never holds more than
 * one request per link); nor one whose last reply waits for the disk (a
 * session waits for each answer), which keeps at most one reply held
 * per link. */
static int
collect(struct writer *w, int n)
{
	uint8_t buf[FM_LEDGERWIRE_MAX + 1];

	for (int i = w->nfds - 1; i >= FIRST_LINK; i--) {
		const char *errstr;
		struct pending *b = &w->batch[n];
		ssize_t len;

		if ((w->fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0 ||
		    in_batch(w, n, w->fds[i].fd))
			continue;
		if ((w->fds[i].revents & (POLLHUP | POLLERR)) == 0 &&
		    has_held(w, w->fds[i].fd))
			continue;
		len = recv(w->fds[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (len <= 0) {
			drop_link(w, i); /* the session ended */
			continue;
		}
		b->fd = w->fds[i].fd;
		if (!fm_ledgerwire_decode_request(
		        buf, (size_t)len, &b->q, &errstr)) {
			memset(&b->p, 0, sizeof(b->p));
			set_message(&b->p, errstr);
			fm_log_warn("ledger writer: %s", errstr);
			reply(w, b->fd, &b->p);
			continue;
		}
		n++;
	}
	return n;
}

/* Sends the held replies of batches up to upto (all if 0 and forced):
 * their transactions are on disk, or failed to get there. */
static void
release_held(struct writer *w, uint64_t upto, bool synced)
{
	int kept = 0;

	for (int h = 0; h < w->nheld; h++) {
		struct held *x = &w->held[h];

		if (x->batch > upto) {
			w->held[kept++] = *x;
			continue;
		}
		if (!synced) {
			memset(&x->p, 0, sizeof(x->p));
			set_message(&x->p, "cannot sync the database");
		}
		reply(w, x->fd, &x->p);
	}
	w->nheld = kept;
}

/* The syncer is gone: wait for the disk here from now on. */
static void
lose_syncer(struct writer *w)
{
	fm_log_warn("ledger writer: the syncer is gone; syncing inline");
	close(w->to_syncer);
	close(w->fds[1].fd);
	w->to_syncer = -1;
	w->fds[1].fd = -1;
	release_held(w, UINT64_MAX, fm_store_durable(w->store));
}

static void
read_syncer(struct writer *w)
{
	uint64_t acks[64];
	ssize_t n = read(w->fds[1].fd, acks, sizeof(acks));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || n % (ssize_t)sizeof(acks[0]) != 0) {
		lose_syncer(w);
		return;
	}
	for (size_t i = 0; i < (size_t)n / sizeof(acks[0]); i++) {
		release_held(
		    w, acks[i] & ~SYNC_FAILED, (acks[i] & SYNC_FAILED) == 0);
		if ((acks[i] & ~SYNC_FAILED) > w->synced)
			w->synced = acks[i] & ~SYNC_FAILED;
	}
}

/*
 * While the syncer is busy and requests keep coming, waits for more
 * before running the batch: each transaction costs the writer about as
 * much as two or three requests (its COMMIT writes every page it
 * changed, the aggregates' among them), and sessions answered together
 * send their next request within a few tens of microseconds of each
 * other, so a short wait turns several small transactions into one.
 * The batch's settlements could not be synced before the sync under way
 * ends anyway; with a disk that syncs fast, the writer does not wait.
 * It ends as soon as the sync ends, a wait brings nothing, or after
 * GATHER_MAX_US in all.  Returns the batch's size.
 */
#define GATHER_WAIT_US 100
#define GATHER_MAX_US 1000
static int
gather(struct writer *w, int n)
{
	uint64_t start = fm_clock_us();

	/* Links whose reply waits for the disk send nothing meanwhile; a
	 * lone link has nobody to wait for. */
	for (int round = 0; round < 64 && w->synced < w->to_sync &&
	     w->to_syncer >= 0 && w->nfds - FIRST_LINK - w->nheld > n;
	     round++) {
		uint64_t spent = fm_clock_us() - start;
		struct timespec ts = {0, GATHER_WAIT_US * 1000};
		int got;

		if (spent >= GATHER_MAX_US)
			break;
		got = ppoll(w->fds, (nfds_t)w->nfds, &ts, NULL);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (w->fds[1].revents != 0)
			read_syncer(w);
		int before = n;

		n = collect(w, n);
		if (n == before && w->fds[1].revents == 0)
			break; /* only the control socket: for the loop */
	}
	return n;
}

/*
 * One transaction for every request that arrived together.  Replies to
 * reservations alone go at once (they need not wait for the disk);
 * others are held until the syncer reports the batch durable, while
 * the next batches run.
 */
static void
run_batch(struct writer *w, int n)
{
	bool lazy = true, ok;
	uint64_t id = ++w->batches;

	w->stats.batches++;
	w->stats.requests += (uint64_t)n;
	for (int i = 0; i < n; i++)
		if (w->batch[i].q.op != FM_LEDGERWIRE_RESERVE)
			lazy = false;
	ok = fm_store_batch_begin(w->store);
	fm_ledger_local_batch(w->ledger);
	for (int i = 0; ok && i < n; i++)
		apply(w->ledger, &w->batch[i].q, &w->batch[i].p);
	/* The batch's charges reach the aggregates together, in the same
	 * transaction; if they cannot, nothing of the batch is kept. */
	if (!fm_ledger_local_flush(w->ledger) && ok) {
		fm_store_exec(w->store, "ROLLBACK");
		fm_store_batch_end(w->store, true);
		ok = false;
	}
	if (ok)
		ok = fm_store_batch_end(w->store, lazy || w->to_syncer >= 0);
	if (ok && !lazy && w->to_syncer >= 0) {
		/* Only a session that does not wait for its answers could
		 * fill this; then wait for the disk here. */
		if (w->nheld + n > FM_LEDGERD_MAXLINKS)
			release_held(w, UINT64_MAX, fm_store_durable(w->store));
		for (int i = 0; i < n; i++)
			w->held[w->nheld++] =
			    (struct held){w->batch[i].fd, id, w->batch[i].p};
		w->to_sync = id;
		if (write(w->to_syncer, &id, sizeof(id)) != sizeof(id))
			lose_syncer(w);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct pending *b = &w->batch[i];

		if (!ok) {
			memset(&b->p, 0, sizeof(b->p));
			set_message(&b->p, "server error");
		}
		reply(w, b->fd, &b->p);
	}
}

/* The syncer: for each batch number it reads (taking all that queued
 * up at once), syncs the WAL and answers with the highest number. */
static void
run_syncer(const char *db_path, int in, int out)
{
	fm_groupsync_t *g = fm_groupsync_open(db_path);
	uint64_t ids[64];
	ssize_t n;

	if (g == NULL)
		_exit(1);
	while (
	    (n = read(in, ids, sizeof(ids))) > 0 || (n < 0 && errno == EINTR)) {
		uint64_t upto = 0;

		for (size_t i = 0; n > 0 && i < (size_t)n / sizeof(ids[0]); i++)
			upto = ids[i] > upto ? ids[i] : upto;
		if (n <= 0 || upto == 0)
			continue;
		if (!fm_groupsync_sync_now(g))
			upto |= SYNC_FAILED;
		if (write(out, &upto, sizeof(upto)) != sizeof(upto))
			break;
	}
	fm_groupsync_close(g);
	_exit(0);
}

/* Forks the syncer before the store is opened (no SQLite connection
 * may cross a fork); false if it cannot, and the writer syncs itself. */
static bool
start_syncer(struct writer *w, const char *db_path)
{
	/* A writer gone mid-answer is the syncer's cue to end, not a
	 * signal to die of before it has read the pipe's end. */
	static const int ignore[] = {SIGPIPE};
	struct fm_child_fd keep[2];
	struct fm_child_spec spec = {.name = "followme-sync",
	    .death_signal = SIGKILL,
	    .ignore = ignore,
	    .nignore = 1,
	    .keep = keep,
	    .nkeep = 2};
	const char *errstr;
	int down[2], up[2];

	if (pipe2(down, O_CLOEXEC) < 0)
		return false;
	if (pipe2(up, O_CLOEXEC | O_NONBLOCK) < 0) {
		close(down[0]);
		close(down[1]);
		return false;
	}
	keep[0] = (struct fm_child_fd){down[0], -1};
	keep[1] = (struct fm_child_fd){up[1], -1};
	if ((w->syncer = fm_child_fork(&spec, &errstr)) < 0) {
		fm_log_warn("ledger writer: syncer: %s", errstr);
		close(down[0]);
		close(down[1]);
		close(up[0]);
		close(up[1]);
		return false;
	}
	if (w->syncer == 0) {
		fcntl(up[1], F_SETFL, 0); /* only the writer's end polls */
		run_syncer(db_path, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	w->to_syncer = down[1];
	w->fds[1] = (struct pollfd){up[0], POLLIN, 0};
	return true;
}

int
fm_ledgerd_run(const char *db_path, const char *key_path, int control,
    struct fm_ledgerd_stats *stats)
{
	const char *errstr = NULL;
	struct writer *w;
	int n, rc = 0;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return 1;
	/* A session or the syncer gone mid-write is an error to handle,
	 * not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	w->fds[0] = (struct pollfd){control, POLLIN, 0};
	w->fds[1] = (struct pollfd){-1, POLLIN, 0};
	w->nfds = FIRST_LINK;
	w->to_syncer = -1;
	if (!start_syncer(w, db_path))
		fm_log_warn("ledger writer: no syncer; syncing inline");
	if ((w->store = fm_store_open(db_path, &errstr)) == NULL ||
	    (w->ledger = fm_ledger_local_open(w->store)) == NULL) {
		fm_log_warn("ledger writer: %s",
		    w->store == NULL ? errstr : "out of memory");
		rc = 1;
		goto out;
	}
	if (!fm_ledger_load_key(w->store, key_path, false, &errstr)) {
		fm_log_warn("ledger writer: %s: %s", key_path, errstr);
		rc = 1;
		goto out;
	}
	/* The writer touches every index of the ledger all day: keep their
	 * hot pages (16 MB) rather than read them back from the OS. */
	fm_store_exec(w->store, "PRAGMA cache_size = -16384");
	/* Without group commit, a batch must be durable by its own
	 * COMMIT: nobody else would sync it. */
	if (!fm_store_group_commit(w->store) && w->to_syncer >= 0) {
		close(w->to_syncer);
		close(w->fds[1].fd);
		w->to_syncer = w->fds[1].fd = -1;
	}
	for (;;) {
		if (poll(w->fds, (nfds_t)w->nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			fm_log_warn("ledger writer: poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (w->fds[1].revents != 0)
			read_syncer(w);
		if ((n = collect(w, 0)) > 0)
			run_batch(w, gather(w, n));
		/* New links are polled from the next round on. */
		if (w->fds[0].revents != 0 && !take_links(w))
			break;
	}
	/* Nothing leaves unanswered: what the syncer has not confirmed is
	 * synced here. */
	release_held(w, UINT64_MAX, fm_store_durable(w->store));
out:
	if (w->to_syncer >= 0) {
		close(w->to_syncer);
		close(w->fds[1].fd);
	}
	if (w->syncer > 0)
		waitpid(w->syncer, NULL, 0);
	for (int i = w->nfds - 1; i >= FIRST_LINK; i--)
		drop_link(w, i);
	fm_ledger_close(w->ledger);
	fm_store_close(w->store);
	if (stats != NULL)
		*stats = w->stats;
	free(w);
	return rc;
}

int
fm_ledgerd_link(int control)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		fm_log_warn("ledger link: %s", strerror(errno));
		return -1;
	}
	if (!fm_fdpass_send(control, "L", 1, sv[1], MSG_DONTWAIT)) {
		fm_log_warn("ledger link: the writer is not there: %s",
		    strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	close(sv[1]);
	return sv[0];
}
