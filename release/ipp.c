/*
 * ipp.c - IPP to the printer with libcups.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/ipp.h"

#include <cups/cups.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fm_ipp {
	http_t *http;
	char uri[1024];
	char resource[1024];
	ipp_t *caps; /* what the printer supports, from fm_ipp_ready() */
	bool busy;   /* the last submission was refused as busy */
};

bool
fm_ipp_was_busy(fm_ipp_t *p)
{
	return p->busy;
}

void
fm_ipp_close(fm_ipp_t *p)
{
	if (p == NULL)
		return;
	httpClose(p->http);
	ippDelete(p->caps);
	free(p);
}

fm_ipp_t *
fm_ipp_open(const char *printer, unsigned timeout_ms, char *err, size_t errlen)
{
	char scheme[32], userpass[256], host[256];
	fm_ipp_t *p;
	int port = 0;

	if (printer == NULL || printer[0] == '\0') {
		snprintf(err, errlen, "no printer");
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strncmp(printer, "ipp://", 6) == 0 ||
	    strncmp(printer, "ipps://", 7) == 0) {
		if (httpSeparateURI(HTTP_URI_CODING_ALL, printer, scheme,
		        sizeof(scheme), userpass, sizeof(userpass), host,
		        sizeof(host), &port, p->resource,
		        sizeof(p->resource)) < HTTP_URI_STATUS_OK) {
			snprintf(err, errlen, "bad printer URI %s", printer);
			goto fail;
		}
		snprintf(p->uri, sizeof(p->uri), "%s", printer);
		p->http = httpConnect2(host, port, NULL, AF_UNSPEC,
		    strcmp(scheme, "ipps") == 0 ? HTTP_ENCRYPTION_ALWAYS
		                                : HTTP_ENCRYPTION_IF_REQUESTED,
		    1, (int)timeout_ms, NULL);
	} else {
		/* A queue of this server's cupsd (cupsServer() follows
		 * CUPS_SERVER, a socket path or host). */
		if (strpbrk(printer, "/#? \t") != NULL) {
			snprintf(err, errlen, "bad queue name %s", printer);
			goto fail;
		}
		snprintf(p->uri, sizeof(p->uri), "ipp://localhost/printers/%s",
		    printer);
		snprintf(
		    p->resource, sizeof(p->resource), "/printers/%s", printer);
		p->http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC,
		    cupsEncryption(), 1, (int)timeout_ms, NULL);
	}
	if (p->http == NULL) {
		snprintf(err, errlen, "cannot reach the printer %s", printer);
		goto fail;
	}
	httpSetTimeout(p->http, timeout_ms / 1000.0, NULL, NULL);
	return p;
fail:
	free(p);
	return NULL;
}

static ipp_t *
new_request(fm_ipp_t *p, ipp_op_t op, const char *user)
{
	ipp_t *req = ippNewRequest(op);

	ippAddString(
	    req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, p->uri);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME,
	    "requesting-user-name", NULL, user ? user : "followme");
	return req;
}

/* Reasons that mean the printer cannot print now; the rest (warnings,
 * reports, "none") do not stop a release. */
static const struct {
	const char *reason, *text;
} blocking[] = {
    {"media-empty", "is out of paper"},
    {"media-needed", "needs paper"},
    {"media-jam", "has a paper jam"},
    {"door-open", "has a door open"},
    {"cover-open", "has a cover open"},
    {"offline", "is offline"},
    {"shutdown", "is shut down"},
    {"toner-empty", "is out of toner"},
    {"marker-supply-empty", "is out of toner or ink"},
    {"input-tray-missing", "is missing a paper tray"},
    {"output-area-full", "has a full output tray"},
    {"paused", "is paused"},
    {"stopped", "is stopped"},
    {"spool-area-full", "is full"},
};

static const char *
blocking_text(const char *reason)
{
	size_t n = strlen(reason);

	if ((n > 8 && strcmp(reason + n - 8, "-warning") == 0) ||
	    (n > 7 && strcmp(reason + n - 7, "-report") == 0))
		return NULL;
	for (size_t i = 0; i < sizeof(blocking) / sizeof(blocking[0]); i++) {
		size_t bl = strlen(blocking[i].reason);
		if (strncmp(reason, blocking[i].reason, bl) == 0 &&
		    (reason[bl] == '\0' || strcmp(reason + bl, "-error") == 0))
			return blocking[i].text;
	}
	if (n > 6 && strcmp(reason + n - 6, "-error") == 0)
		return "reports an error";
	return NULL;
}

bool
fm_ipp_ready(fm_ipp_t *p, char *why, size_t whylen)
{
	static const char *const wanted[] = {"printer-state",
	    "printer-state-reasons", "printer-is-accepting-jobs",
	    "sides-supported", "print-color-mode-supported", "media-supported",
	    "number-up-supported", "color-supported"};
	ipp_attribute_t *a;
	ipp_t *req, *resp;
	bool ok = true;

	req = new_request(p, IPP_OP_GET_PRINTER_ATTRIBUTES, NULL);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD,
	    "requested-attributes", (int)(sizeof(wanted) / sizeof(*wanted)),
	    NULL, wanted);
	resp = cupsDoRequest(p->http, req, p->resource);
	if (resp == NULL ||
	    ippGetStatusCode(resp) > IPP_STATUS_OK_CONFLICTING) {
		snprintf(why, whylen, "The printer does not answer.");
		ippDelete(resp);
		return false;
	}
	if ((a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM)) !=
	        NULL &&
	    ippGetInteger(a, 0) == IPP_PSTATE_STOPPED) {
		snprintf(why, whylen, "The printer is stopped.");
		ok = false;
	}
	if (ok &&
	    (a = ippFindAttribute(
	         resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN)) != NULL &&
	    !ippGetBoolean(a, 0)) {
		snprintf(why, whylen, "The printer is not accepting jobs.");
		ok = false;
	}
	a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD);
	for (int i = 0; ok && a != NULL && i < ippGetCount(a); i++) {
		const char *text = blocking_text(ippGetString(a, i, NULL));
		if (text != NULL) {
			snprintf(why, whylen, "The printer %s.", text);
			ok = false;
		}
	}
	ippDelete(p->caps);
	p->caps = resp;
	return ok;
}

bool
fm_ipp_is_mono(const fm_ipp_t *p)
{
	ipp_attribute_t *a;

	if (p == NULL || p->caps == NULL)
		return false;
	if ((a = ippFindAttribute(
	         p->caps, "color-supported", IPP_TAG_BOOLEAN)) != NULL &&
	    !ippGetBoolean(a, 0))
		return true;
	/* A printer that leaves color-supported out still lists the
	 * modes it prints in ("auto" alone says nothing either way). */
	if ((a = ippFindAttribute(
	         p->caps, "print-color-mode-supported", IPP_TAG_ZERO)) == NULL)
		return false;
	for (int i = 0; i < ippGetCount(a); i++) {
		const char *mode = ippGetString(a, i, NULL);
		if (mode != NULL &&
		    (strcmp(mode, "color") == 0 ||
		        strcmp(mode, "process-color") == 0 ||
		        strcmp(mode, "highlight") == 0))
			return false;
	}
	return true;
}

/* May we ask for value of name?  Yes when the printer says it supports
 * it, or says nothing about it; a lowered option the printer cannot do
 * is left out rather than failing the whole release. */
static bool
supported(fm_ipp_t *p, const char *name, const char *value)
{
	char attr[64];
	ipp_attribute_t *a;

	if (p->caps == NULL)
		return true;
	snprintf(attr, sizeof(attr), "%s-supported", name);
	if ((a = ippFindAttribute(p->caps, attr, IPP_TAG_ZERO)) == NULL)
		return true;
	return ippContainsString(a, value) != 0;
}

static bool
number_up_supported(fm_ipp_t *p, int n)
{
	ipp_attribute_t *a;

	if (p->caps == NULL ||
	    (a = ippFindAttribute(
	         p->caps, "number-up-supported", IPP_TAG_ZERO)) == NULL)
		return true;
	return ippContainsInteger(a, n) != 0;
}

bool
fm_ipp_write(fm_ipp_t *p, const void *buf, size_t len)
{
	return cupsWriteRequestData(p->http, buf, len) == HTTP_STATUS_CONTINUE;
}

bool
fm_ipp_submit(fm_ipp_t *p, const struct fm_ipp_request *r,
    bool (*fill)(fm_ipp_t *p, void *arg), void *arg, int *job_id, char *err,
    size_t errlen)
{
	ipp_t *req, *resp;
	ipp_attribute_t *a;
	bool ok = false;

	p->busy = false;
	req = new_request(p, IPP_OP_PRINT_JOB, r->user);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL,
	    r->title && r->title[0] ? r->title : "Followme job");
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE,
	    "document-format", NULL,
	    r->format && r->format[0] ? r->format : "application/octet-stream");
	if (r->copies > 1)
		ippAddInteger(req, IPP_TAG_JOB, IPP_TAG_INTEGER, "copies",
		    (int)r->copies);
	if (r->sides && r->sides[0] && supported(p, "sides", r->sides))
		ippAddString(
		    req, IPP_TAG_JOB, IPP_TAG_KEYWORD, "sides", NULL, r->sides);
	if (r->color_mode && r->color_mode[0] &&
	    strcmp(r->color_mode, "auto") != 0 &&
	    supported(p, "print-color-mode", r->color_mode))
		ippAddString(req, IPP_TAG_JOB, IPP_TAG_KEYWORD,
		    "print-color-mode", NULL, r->color_mode);
	if (r->number_up > 1 && number_up_supported(p, (int)r->number_up))
		ippAddInteger(req, IPP_TAG_JOB, IPP_TAG_INTEGER, "number-up",
		    (int)r->number_up);
	if (r->media && r->media[0] && supported(p, "media", r->media))
		ippAddString(
		    req, IPP_TAG_JOB, IPP_TAG_KEYWORD, "media", NULL, r->media);
	if (cupsSendRequest(p->http, req, p->resource, CUPS_LENGTH_VARIABLE) !=
	    HTTP_STATUS_CONTINUE) {
		snprintf(err, errlen, "the printer refused the job: %s",
		    cupsLastErrorString());
		ippDelete(req);
		return false;
	}
	if (!fill(p, arg)) {
		snprintf(err, errlen, "cannot send the document");
		ippDelete(req);
		/* Finish the exchange so the connection stays usable. */
		ippDelete(cupsGetResponse(p->http, p->resource));
		return false;
	}
	resp = cupsGetResponse(p->http, p->resource);
	if (resp != NULL &&
	    ippGetStatusCode(resp) <= IPP_STATUS_OK_CONFLICTING &&
	    (a = ippFindAttribute(resp, "job-id", IPP_TAG_INTEGER)) != NULL) {
		*job_id = ippGetInteger(a, 0);
		ok = true;
	} else {
		p->busy = cupsLastError() == IPP_STATUS_ERROR_BUSY;
		snprintf(err, errlen, "the printer refused the job: %s",
		    cupsLastErrorString());
	}
	ippDelete(resp);
	ippDelete(req);
	return ok;
}

static enum fm_ipp_state
job_state(int ipp_state)
{
	switch (ipp_state) {
	case IPP_JSTATE_PENDING:
	case IPP_JSTATE_HELD:
		return FM_IPP_PENDING;
	case IPP_JSTATE_PROCESSING:
	case IPP_JSTATE_STOPPED:
		return FM_IPP_PROCESSING;
	case IPP_JSTATE_COMPLETED:
		return FM_IPP_COMPLETED;
	case IPP_JSTATE_ABORTED:
		return FM_IPP_FAILED;
	case IPP_JSTATE_CANCELED:
		return FM_IPP_CANCELED;
	default:
		return FM_IPP_UNKNOWN;
	}
}

bool
fm_ipp_poll(fm_ipp_t *p, int job_id, struct fm_ipp_progress *out)
{
	static const char *const wanted[] = {"job-state", "job-state-reasons",
	    "job-impressions-completed", "job-media-sheets-completed"};
	ipp_attribute_t *a;
	ipp_t *req, *resp;
	size_t o = 0;

	memset(out, 0, sizeof(*out));
	out->impressions = out->sheets = -1;
	req = new_request(p, IPP_OP_GET_JOB_ATTRIBUTES, NULL);
	ippAddInteger(
	    req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD,
	    "requested-attributes", 4, NULL, wanted);
	resp = cupsDoRequest(p->http, req, p->resource);
	if (resp == NULL)
		return false;
	if (ippGetStatusCode(resp) == IPP_STATUS_ERROR_NOT_FOUND) {
		out->state = FM_IPP_UNKNOWN;
		ippDelete(resp);
		return true;
	}
	if (ippGetStatusCode(resp) > IPP_STATUS_OK_CONFLICTING) {
		ippDelete(resp);
		return false;
	}
	a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
	out->state = job_state(a != NULL ? ippGetInteger(a, 0) : 0);
	if ((a = ippFindAttribute(
	         resp, "job-impressions-completed", IPP_TAG_INTEGER)) != NULL)
		out->impressions = ippGetInteger(a, 0);
	if ((a = ippFindAttribute(
	         resp, "job-media-sheets-completed", IPP_TAG_INTEGER)) != NULL)
		out->sheets = ippGetInteger(a, 0);
	a = ippFindAttribute(resp, "job-state-reasons", IPP_TAG_KEYWORD);
	for (int i = 0; a != NULL && i < ippGetCount(a); i++) {
		int n = snprintf(out->reasons + o, sizeof(out->reasons) - o,
		    "%s%s", i ? "," : "", ippGetString(a, i, NULL));
		if (n < 0 || (size_t)n >= sizeof(out->reasons) - o)
			break;
		o += (size_t)n;
	}
	ippDelete(resp);
	return true;
}

bool
fm_ipp_cancel(fm_ipp_t *p, int job_id)
{
	ipp_t *req = new_request(p, IPP_OP_CANCEL_JOB, NULL), *resp;
	bool ok;

	ippAddInteger(
	    req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
	resp = cupsDoRequest(p->http, req, p->resource);
	ok =
	    resp != NULL && ippGetStatusCode(resp) <= IPP_STATUS_OK_CONFLICTING;
	ippDelete(resp);
	return ok;
}
