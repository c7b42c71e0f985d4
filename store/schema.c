/*
 * schema.c - the database schema as numbered migrations.
 *
 * Migration N (0-based index) takes PRAGMA user_version from N to N + 1.
 * Never edit a migration that has shipped: add a new one.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/store-private.h"

const char *const fm_schema_migrations[] = {
    /* 1: held jobs and their documents. */
    "CREATE TABLE jobs ("
    "  id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  cups_job_id INTEGER NOT NULL,"
    "  owner TEXT NOT NULL,"
    "  host TEXT NOT NULL DEFAULT '',"
    "  title TEXT NOT NULL DEFAULT '',"
    "  copies INTEGER NOT NULL DEFAULT 1 CHECK (copies >= 1),"
    "  sides TEXT NOT NULL DEFAULT 'one-sided',"
    "  number_up INTEGER NOT NULL DEFAULT 1 CHECK (number_up >= 1),"
    "  color_mode TEXT NOT NULL DEFAULT '',"
    "  media TEXT NOT NULL DEFAULT '',"
    "  account TEXT NOT NULL DEFAULT '',"
    "  options TEXT NOT NULL DEFAULT '',"
    "  queue TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL DEFAULT 'held' CHECK (state IN"
    "    ('held', 'releasing', 'released', 'deleted', 'expired')),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  ended_at INTEGER"
    ");"
    "CREATE INDEX jobs_by_owner ON jobs(owner, state);"
    "CREATE INDEX jobs_by_expiry ON jobs(state, expires_at);"
    "CREATE TABLE documents ("
    "  job_id INTEGER NOT NULL REFERENCES jobs(id),"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"
    "  name TEXT NOT NULL DEFAULT '',"
    "  format TEXT NOT NULL DEFAULT '',"
    "  size INTEGER NOT NULL CHECK (size >= 0),"
    "  spool_file TEXT,"
    "  pages INTEGER,"
    "  color_pages INTEGER,"
    "  mono_pages INTEGER,"
    "  impressions INTEGER,"
    "  sheets INTEGER,"
    "  count_status TEXT NOT NULL DEFAULT 'unknown',"
    "  PRIMARY KEY (job_id, seq)"
    ");"
    /* CUPS restarts a retried job from its first document; an attempt
     * (job-uuid, time-at-processing) numbers documents by arrival. */
    "CREATE TABLE ingest_attempts ("
    "  job_id INTEGER NOT NULL REFERENCES jobs(id),"
    "  attempt TEXT NOT NULL,"
    "  received INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (job_id, attempt)"
    ");"
    "CREATE TABLE job_events ("
    "  id INTEGER PRIMARY KEY,"
    "  job_id INTEGER NOT NULL REFERENCES jobs(id),"
    "  at INTEGER NOT NULL,"
    "  event TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX job_events_by_job ON job_events(job_id);",

    /* 2: quotas and accounts (issue 4).  accounts is what pays: one per
     * user, department and project.  ledger is append-only (triggers
     * refuse UPDATE and DELETE) and hash-chained; accounts.balance and
     * accounts.held are caches of its sums, checked by ledger verify. */
    "CREATE TABLE accounts ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('user', 'department', 'project')),"
    "  name TEXT NOT NULL,"
    "  restricted INTEGER NOT NULL DEFAULT 1,"
    "  overdraft INTEGER NOT NULL DEFAULT 0 CHECK (overdraft >= 0),"
    "  balance INTEGER NOT NULL DEFAULT 0,"
    "  held INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (kind, name)"
    ");"
    "CREATE TABLE departments ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id)"
    ");"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  login TEXT NOT NULL UNIQUE,"
    "  full_name TEXT NOT NULL DEFAULT '',"
    "  department_id INTEGER REFERENCES departments(id),"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  pin TEXT,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE account_members ("
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  PRIMARY KEY (account_id, user_id)"
    ");"
    "CREATE TABLE badges ("
    "  hash BLOB PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  label TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX badges_by_user ON badges(user_id);"
    "CREATE TABLE printers ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  uri TEXT NOT NULL,"
    "  location TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL"
    ");"
    /* A price list version is a row of price_lists; its prices never
     * change.  printer '' is the default list. */
    "CREATE TABLE price_lists ("
    "  version INTEGER PRIMARY KEY,"
    "  printer TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX price_lists_by_printer ON price_lists(printer, version);"
    "CREATE TABLE prices ("
    "  version INTEGER NOT NULL REFERENCES price_lists(version),"
    "  media TEXT NOT NULL,"
    "  colour INTEGER NOT NULL CHECK (colour IN (0, 1)),"
    "  duplex INTEGER NOT NULL CHECK (duplex IN (0, 1)),"
    "  unit TEXT NOT NULL CHECK (unit IN ('impression', 'sheet')),"
    "  amount INTEGER NOT NULL CHECK (amount >= 0),"
    "  PRIMARY KEY (version, media, colour, duplex)"
    ");"
    "CREATE TABLE allocations ("
    "  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),"
    "  amount INTEGER NOT NULL CHECK (amount >= 0),"
    "  period TEXT NOT NULL CHECK (period IN ('daily', 'weekly',"
    "    'monthly')),"
    "  cap INTEGER NOT NULL DEFAULT 0 CHECK (cap >= 0)"
    ");"
    "CREATE TABLE policy ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ");"
    "INSERT INTO policy (key, value) VALUES ('payer', 'user-first'),"
    "  ('currency', 'EUR'), ('new_users', 'unrestricted'),"
    "  ('closed_through', ''), ('closed_until', '0');"
    "CREATE TABLE ledger ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('allocation', 'reserve',"
    "    'commit', 'refund', 'adjustment')),"
    "  amount INTEGER NOT NULL,"
    "  held INTEGER NOT NULL,"
    "  user TEXT NOT NULL DEFAULT '',"
    "  dept TEXT NOT NULL DEFAULT '',"
    "  printer TEXT NOT NULL DEFAULT '',"
    "  job_id INTEGER,"
    "  reservation INTEGER,"
    "  price_version INTEGER,"
    "  measured INTEGER NOT NULL DEFAULT 0,"
    "  media TEXT NOT NULL DEFAULT '',"
    "  mono_simplex INTEGER NOT NULL DEFAULT 0,"
    "  mono_duplex INTEGER NOT NULL DEFAULT 0,"
    "  colour_simplex INTEGER NOT NULL DEFAULT 0,"
    "  colour_duplex INTEGER NOT NULL DEFAULT 0,"
    "  sheets INTEGER NOT NULL DEFAULT 0,"
    "  idem_key TEXT UNIQUE,"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  admin TEXT NOT NULL DEFAULT '',"
    "  prev_hash BLOB NOT NULL,"
    "  hash BLOB NOT NULL"
    ");"
    "CREATE INDEX ledger_by_reservation ON ledger(reservation)"
    "  WHERE reservation IS NOT NULL;"
    "CREATE INDEX ledger_by_job ON ledger(job_id) WHERE job_id IS NOT NULL;"
    "CREATE INDEX ledger_by_time ON ledger(at);"
    "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger"
    "  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"
    "CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger"
    "  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"
    /* The head of the hash chain: detects removal of the newest rows. */
    "CREATE TABLE ledger_head ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  last_id INTEGER NOT NULL,"
    "  hash BLOB NOT NULL"
    ");",

    /* 3: release terminals, each bound to a printer and identified by
     * its certificate (name and serial); removal is kept, not deleted. */
    "CREATE TABLE terminals ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  printer TEXT NOT NULL,"
    "  cert_serial TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  removed_at INTEGER"
    ");"
    "CREATE UNIQUE INDEX terminals_active_name ON terminals(name)"
    "  WHERE removed_at IS NULL;",

    /* 4: failed logins, for lockouts per user and per terminal. */
    "CREATE TABLE auth_failures ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('user', 'terminal')),"
    "  key TEXT NOT NULL,"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE INDEX auth_failures_by_key ON auth_failures(kind, key, at);",

    /* 5: releases: one row per attempt to print a held job, written
     * before anything is sent, so a crash can be reconciled. */
    "CREATE TABLE releases ("
    "  id INTEGER PRIMARY KEY,"
    "  job_id INTEGER NOT NULL REFERENCES jobs(id),"
    "  user TEXT NOT NULL,"
    "  terminal TEXT NOT NULL,"
    "  printer TEXT NOT NULL,"
    "  copies INTEGER NOT NULL,"
    "  sides TEXT NOT NULL,"
    "  color_mode TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'started' CHECK (state IN"
    "    ('started', 'submitted', 'completed', 'failed', 'unknown')),"
    "  printer_jobs TEXT NOT NULL DEFAULT '',"
    "  estimate_impressions INTEGER NOT NULL DEFAULT 0,"
    "  estimate_amount INTEGER NOT NULL DEFAULT 0,"
    "  price_version INTEGER NOT NULL DEFAULT 0,"
    "  reservation_id INTEGER NOT NULL DEFAULT 0,"
    "  charged INTEGER,"
    "  impressions INTEGER,"
    "  sheets INTEGER,"
    "  measured INTEGER NOT NULL DEFAULT 0,"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  started_at INTEGER NOT NULL,"
    "  ended_at INTEGER"
    ");"
    "CREATE INDEX releases_by_job ON releases(job_id);"
    "CREATE INDEX releases_open ON releases(state)"
    "  WHERE state IN ('started', 'submitted');",

    /* 6: the PIN or password check in progress at each terminal (one at a
     * time), held until it settles or until lapses; ids are never reused,
     * so a lapsed check cannot free the hold of the next (issue 12). */
    "CREATE TABLE auth_checks ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  terminal TEXT NOT NULL UNIQUE,"
    "  until INTEGER NOT NULL"
    ");",

    /* 7: where the ledger's keyed chain starts (HMAC under ledger.key;
     * the rows before it keep their SHA-256 chain), with the key's MAC
     * over that row number so it cannot be moved (issue 12). */
    "CREATE TABLE ledger_keying ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  keyed_from INTEGER NOT NULL CHECK (keyed_from >= 1),"
    "  mac BLOB NOT NULL"
    ");",

    /* 8: each document's own random key, wrapped under a key derived
     * from master.key and bound to the document and its owner; erased
     * when the document is destroyed.  NULL: a document stored before,
     * sealed under the master key (issue 12). */
    "ALTER TABLE documents ADD COLUMN wrapped_key BLOB;",

    /* 9: documents whose pages followmed's analysis pool counts after
     * the hold (count_status 'pending'), found at every turn of its loop
     * and at start-up without reading every document ever held
     * (issue 16). */
    ("CREATE INDEX documents_pending ON documents(job_id, seq)"
     "  WHERE count_status = 'pending';"),

    /* 10: users, departments, roles and badges from the directory (issue
     * 14).  source says who manages a row ('manual': an admin or the
     * first print; 'directory': the sync); dir_disabled marks users the
     * sync disabled (missing from the directory, or disabled there), the
     * only ones a later sync re-enables.  Users are never deleted. */
    "ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'manual'"
    "  CHECK (source IN ('manual', 'directory'));"
    "ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE users ADD COLUMN dir_disabled INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE badges ADD COLUMN source TEXT NOT NULL DEFAULT 'manual'"
    "  CHECK (source IN ('manual', 'directory'));"
    "CREATE INDEX badges_by_source ON badges(source);",

    /* 11: the language a user reads the terminal in ('' = the
     * terminal's own), sent to the terminal at login (issue 15). */
    "ALTER TABLE users ADD COLUMN language"
    "  TEXT NOT NULL DEFAULT ''"
    "  CHECK (language IN ('', 'en', 'fr'));",
    /* 12: the web console's sessions (issue 13), kept server-side so
     * that every store-side process of followme-webd sees them and a
     * user or an admin can end them.  Only a hash of each session's id
     * is kept: a copy of the store does not log anyone in. */
    "CREATE TABLE web_sessions ("
    "  id_hash BLOB PRIMARY KEY,"
    "  login TEXT NOT NULL,"
    "  csrf TEXT NOT NULL,"
    "  language TEXT NOT NULL DEFAULT ''"
    "    CHECK (language IN ('', 'en', 'fr')),"
    "  address TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX web_sessions_by_login ON web_sessions(login);"
    /* Roles an admin granted (followme-admin role grant), kept apart
     * from roles, which the directory's groups set and a sync
     * rewrites. */
    "ALTER TABLE users ADD COLUMN granted_roles TEXT NOT NULL DEFAULT ''"
    "  CHECK (granted_roles IN ('', 'admin', 'finance', 'admin,finance'));"
    /* The audit trail of admin changes: who, when, through what, what
     * and to what, before and after; append-only. */
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  via TEXT NOT NULL CHECK (via IN ('web', 'admin')),"
    "  action TEXT NOT NULL,"
    "  target TEXT NOT NULL DEFAULT '',"
    "  before TEXT NOT NULL DEFAULT '',"
    "  after TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    /* 13: the web console's connection to followmed (issue 13): a
     * terminal of its own that releases to whichever added printer the
     * person picks, for users it logs in by their web session; and each
     * terminal's presence. */
    "ALTER TABLE terminals ADD COLUMN web INTEGER NOT NULL DEFAULT 0"
    "  CHECK (web IN (0, 1));"
    /* Whether a terminal is connected, since when it was last heard
     * from, and the protocol version it speaks: for the admins' page. */
    "ALTER TABLE terminals ADD COLUMN connected INTEGER NOT NULL DEFAULT 0"
    "  CHECK (connected IN (0, 1));"
    "ALTER TABLE terminals ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE terminals ADD COLUMN protocol INTEGER NOT NULL DEFAULT 0;",
    /* 14: per-person API tokens for scripts (issue 13, store/apitokens.h):
     * only a token's SHA-256 is kept, so a copy of the store lets no
     * script in; its owner, a name, who made it and when, its last use,
     * when it expires (NULL: never), and its revocation. */
    "CREATE TABLE api_tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),"
    "  owner TEXT NOT NULL CHECK (owner <> ''),"
    "  name TEXT NOT NULL CHECK (name <> ''),"
    "  created_by TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  last_used INTEGER,"
    "  expires_at INTEGER,"
    "  revoked_at INTEGER,"
    "  revoked_by TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX api_tokens_by_owner ON api_tokens(owner);",
    /* 15: the authentication log (issue 13): every login decided, at a
     * terminal or in the web console, and every unlock, for the admins;
     * kept [web] auth_log_days.  login is '' when nobody is known (an
     * unknown badge or user); no secret, badge UID or hash of either is
     * ever kept.  auth_events_pruned: when the log was last pruned, so
     * that it is pruned at most once an hour whoever writes it. */
    "CREATE TABLE auth_events ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  login TEXT NOT NULL DEFAULT '',"
    "  place TEXT NOT NULL DEFAULT '',"
    "  method TEXT NOT NULL CHECK (method IN"
    "    ('badge', 'pin', 'password', 'web', 'admin')),"
    "  outcome TEXT NOT NULL CHECK (outcome IN"
    "    ('success', 'wrong-secret', 'unknown', 'locked', 'disabled',"
    "     'unlocked')),"
    "  actor TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX auth_events_by_at ON auth_events(at);"
    "CREATE INDEX auth_events_by_login ON auth_events(login, at);"
    "CREATE TABLE auth_events_pruned ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  at INTEGER NOT NULL"
    ");",
    /* 16: per-day aggregates of the ledger's commits and refunds, so that
     * exports and reports of whole local days do not scan the ledger
     * (issue 13; how they reproduce the ledger's GROUP BY exactly is in
     * quota/export.h).  Filled here from the ledger as it stands; every
     * transaction that appends commits or refunds adds them after, before
     * its COMMIT (quota/aggregates.c).  day is the local date as YYYYMMDD
     * in the time zone of the process that writes. */
    "CREATE TABLE ledger_days ("
    "  day INTEGER NOT NULL,"
    "  dept TEXT NOT NULL,"
    "  user TEXT NOT NULL,"
    "  printer TEXT NOT NULL,"
    "  account_id INTEGER NOT NULL,"
    "  commits INTEGER NOT NULL,"
    "  jobs_dept INTEGER NOT NULL,"
    "  jobs_user INTEGER NOT NULL,"
    "  jobs_printer INTEGER NOT NULL,"
    "  jobs_month INTEGER NOT NULL,"
    "  mono_simplex INTEGER NOT NULL,"
    "  mono_duplex INTEGER NOT NULL,"
    "  colour_simplex INTEGER NOT NULL,"
    "  colour_duplex INTEGER NOT NULL,"
    "  sheets INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL,"
    "  PRIMARY KEY (day, dept, user, printer, account_id)"
    ") WITHOUT ROWID;"
    /* Per day and department: the sums of ledger_days (jobs: of
     * jobs_dept), what the department report reads. */
    "CREATE TABLE ledger_dept_days ("
    "  day INTEGER NOT NULL,"
    "  dept TEXT NOT NULL,"
    "  jobs INTEGER NOT NULL,"
    "  mono_simplex INTEGER NOT NULL,"
    "  mono_duplex INTEGER NOT NULL,"
    "  colour_simplex INTEGER NOT NULL,"
    "  colour_duplex INTEGER NOT NULL,"
    "  sheets INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL,"
    "  PRIMARY KEY (day, dept)"
    ") WITHOUT ROWID;"
    /* Per month (YYYYMM) and department: the same, jobs the sum of
     * ledger_days.jobs_month (first commit of the job in the month and
     * department), for the months a period holds whole. */
    "CREATE TABLE ledger_dept_months ("
    "  month INTEGER NOT NULL,"
    "  dept TEXT NOT NULL,"
    "  jobs INTEGER NOT NULL,"
    "  mono_simplex INTEGER NOT NULL,"
    "  mono_duplex INTEGER NOT NULL,"
    "  colour_simplex INTEGER NOT NULL,"
    "  colour_duplex INTEGER NOT NULL,"
    "  sheets INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL,"
    "  PRIMARY KEY (month, dept)"
    ") WITHOUT ROWID;"
    /* The days of a year on which a user of a department committed a
     * charge: bit d % 64 of wD/64 for day of the year d (0-365), so the
     * department report counts distinct users with one row per user
     * and year. */
    "CREATE TABLE ledger_user_years ("
    "  year INTEGER NOT NULL,"
    "  dept TEXT NOT NULL,"
    "  user TEXT NOT NULL,"
    "  w0 INTEGER NOT NULL, w1 INTEGER NOT NULL, w2 INTEGER NOT NULL,"
    "  w3 INTEGER NOT NULL, w4 INTEGER NOT NULL, w5 INTEGER NOT NULL,"
    "  PRIMARY KEY (year, dept, user)"
    ") WITHOUT ROWID;"
    "CREATE TABLE ledger_job_days ("
    "  job_id INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  dept TEXT NOT NULL,"
    "  user TEXT NOT NULL,"
    "  printer TEXT NOT NULL,"
    "  PRIMARY KEY (job_id, day, dept, user, printer)"
    ") WITHOUT ROWID;"
    "INSERT INTO ledger_days SELECT day, dept, user, printer, account_id,"
    "  sum(kind = 'commit'), sum(fd), sum(fu), sum(fp), sum(fm),"
    "  sum(mono_simplex),"
    "  sum(mono_duplex), sum(colour_simplex), sum(colour_duplex),"
    "  sum(sheets), sum(amount) FROM ("
    "  SELECT *, kind = 'commit' AND job_id IS NOT NULL AND row_number()"
    "   OVER (PARTITION BY job_id, kind, day, dept ORDER BY id) = 1 AS fd,"
    "   kind = 'commit' AND job_id IS NOT NULL AND row_number()"
    "   OVER (PARTITION BY job_id, kind, day, dept, user ORDER BY id) = 1"
    "   AS fu,"
    "   kind = 'commit' AND job_id IS NOT NULL AND row_number()"
    "   OVER (PARTITION BY job_id, kind, day, printer ORDER BY id) = 1"
    "   AS fp,"
    "   kind = 'commit' AND job_id IS NOT NULL AND row_number()"
    "   OVER (PARTITION BY job_id, kind, day / 100, dept ORDER BY id) = 1"
    "   AS fm FROM ("
    "   SELECT id, CAST(strftime('%Y%m%d', at, 'unixepoch', 'localtime')"
    "    AS INTEGER) AS day, dept, user, printer, account_id, kind, job_id,"
    "    mono_simplex, mono_duplex, colour_simplex, colour_duplex, sheets,"
    "    amount FROM ledger WHERE kind IN ('commit', 'refund')))"
    "  GROUP BY day, dept, user, printer, account_id;"
    "INSERT INTO ledger_dept_days SELECT day, dept, sum(jobs_dept),"
    "  sum(mono_simplex), sum(mono_duplex), sum(colour_simplex),"
    "  sum(colour_duplex), sum(sheets), sum(amount) FROM ledger_days"
    "  GROUP BY day, dept;"
    "INSERT INTO ledger_dept_months SELECT day / 100, dept,"
    "  sum(jobs_month), sum(mono_simplex), sum(mono_duplex),"
    "  sum(colour_simplex), sum(colour_duplex), sum(sheets), sum(amount)"
    "  FROM ledger_days GROUP BY day / 100, dept;"
    "INSERT INTO ledger_user_years SELECT day / 10000, dept, user,"
    "  sum(CASE WHEN d / 64 = 0 THEN 1 << d % 64 ELSE 0 END),"
    "  sum(CASE WHEN d / 64 = 1 THEN 1 << d % 64 ELSE 0 END),"
    "  sum(CASE WHEN d / 64 = 2 THEN 1 << d % 64 ELSE 0 END),"
    "  sum(CASE WHEN d / 64 = 3 THEN 1 << d % 64 ELSE 0 END),"
    "  sum(CASE WHEN d / 64 = 4 THEN 1 << d % 64 ELSE 0 END),"
    "  sum(CASE WHEN d / 64 = 5 THEN 1 << d % 64 ELSE 0 END) FROM ("
    "  SELECT DISTINCT day, dept, user, CAST(strftime('%j',"
    "   printf('%04d-%02d-%02d', day / 10000, day / 100 % 100, day % 100))"
    "   AS INTEGER) - 1 AS d FROM ledger_days WHERE commits > 0)"
    "  GROUP BY day / 10000, dept, user;"
    "INSERT INTO ledger_job_days WITH c AS ("
    "  SELECT job_id, CAST(strftime('%Y%m%d', at, 'unixepoch', 'localtime')"
    "   AS INTEGER) AS day, dept, user, printer FROM ledger"
    "  WHERE kind = 'commit' AND job_id IS NOT NULL)"
    "  SELECT DISTINCT * FROM c WHERE job_id IN ("
    "   SELECT job_id FROM c GROUP BY job_id HAVING min(day) < max(day));",

    /* 17: an API token's use in the authentication log (method 'token',
     * once a minute at most per token): the table again with the
     * method in its CHECK, its rows and indexes as they were. */
    "CREATE TABLE auth_events_new ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  login TEXT NOT NULL DEFAULT '',"
    "  place TEXT NOT NULL DEFAULT '',"
    "  method TEXT NOT NULL CHECK (method IN"
    "    ('badge', 'pin', 'password', 'web', 'admin', 'token')),"
    "  outcome TEXT NOT NULL CHECK (outcome IN"
    "    ('success', 'wrong-secret', 'unknown', 'locked', 'disabled',"
    "     'unlocked')),"
    "  actor TEXT NOT NULL DEFAULT ''"
    ");"
    "INSERT INTO auth_events_new SELECT id, at, login, place, method,"
    "  outcome, actor FROM auth_events;"
    "DROP TABLE auth_events;"
    "ALTER TABLE auth_events_new RENAME TO auth_events;"
    "CREATE INDEX auth_events_by_at ON auth_events(at);"
    "CREATE INDEX auth_events_by_login ON auth_events(login, at);",

    /* 18: the per-project report (issue 13): ledger_days.jobs_account counts
     * the commit rows that are the first commit of their job that day
     * charged to the same account, and ledger_job_days keys each day of
     * a job committed on several days by the paying account too, so
     * that a project's jobs are exact (quota/export.h).  Both filled
     * here from the ledger as it stands. */
    "ALTER TABLE ledger_days ADD COLUMN"
    "  jobs_account INTEGER NOT NULL DEFAULT 0;"
    "UPDATE ledger_days SET jobs_account = f.n FROM ("
    "  SELECT day, dept, user, printer, account_id, sum(fa) AS n FROM ("
    "   SELECT day, dept, user, printer, account_id, job_id IS NOT NULL"
    "    AND row_number() OVER (PARTITION BY job_id, day, account_id"
    "    ORDER BY id) = 1 AS fa FROM ("
    "    SELECT id, CAST(strftime('%Y%m%d', at, 'unixepoch', 'localtime')"
    "     AS INTEGER) AS day, dept, user, printer, account_id, job_id"
    "     FROM ledger WHERE kind = 'commit'))"
    "  GROUP BY day, dept, user, printer, account_id) f"
    " WHERE ledger_days.day = f.day AND ledger_days.dept = f.dept"
    "  AND ledger_days.user = f.user AND ledger_days.printer = f.printer"
    "  AND ledger_days.account_id = f.account_id;"
    "DROP TABLE ledger_job_days;"
    "CREATE TABLE ledger_job_days ("
    "  job_id INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  dept TEXT NOT NULL,"
    "  user TEXT NOT NULL,"
    "  printer TEXT NOT NULL,"
    "  account_id INTEGER NOT NULL,"
    "  PRIMARY KEY (job_id, day, dept, user, printer, account_id)"
    ") WITHOUT ROWID;"
    "INSERT INTO ledger_job_days WITH c AS ("
    "  SELECT job_id, CAST(strftime('%Y%m%d', at, 'unixepoch', 'localtime')"
    "   AS INTEGER) AS day, dept, user, printer, account_id FROM ledger"
    "  WHERE kind = 'commit' AND job_id IS NOT NULL)"
    "  SELECT DISTINCT * FROM c WHERE job_id IN ("
    "   SELECT job_id FROM c GROUP BY job_id HAVING min(day) < max(day));",
};

const int fm_schema_migration_count =
    (int)(sizeof(fm_schema_migrations) / sizeof(fm_schema_migrations[0]));
