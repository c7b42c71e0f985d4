/*
 * schema.c - the database schema as numbered migrations.
 *
 * Migration N (0-based index) takes PRAGMA user_version from N to N + 1.
 * Never edit a migration that has shipped: add a new one.
 */
#include "quota/store-private.h"

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

    /* 2: release terminals, each bound to a printer and identified by
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

    /* 3: failed logins, for lockouts per user and per terminal. */
    "CREATE TABLE auth_failures ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('user', 'terminal')),"
    "  key TEXT NOT NULL,"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE INDEX auth_failures_by_key ON auth_failures(kind, key, at);",

    /* 4: releases: one row per attempt to print a held job, written
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
};

const int fm_schema_migration_count =
    (int)(sizeof(fm_schema_migrations) / sizeof(fm_schema_migrations[0]));
