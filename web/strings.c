/*
 * strings.c - the texts of the web console's pages.
 *
 * Keep this list in step with the texts of pages/index.html (data-t,
 * data-t-placeholder) and pages/app.js (t("...")): a text missing here
 * is shown in English to everyone (tests/unit/web_strings.sh checks).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "web/strings.h"

#include "common/i18n.h"
#include "common/json.h"

static const char *const page_texts[] = {
    /* The HTTP side's own errors (http.c), which it sends in English. */
    N_("Not found."),
    N_("Method not allowed."),
    N_("The request is too big."),
    N_("Send a form (application/x-www-form-urlencoded)."),
    N_("Internal error."),
    /* The pages (app.js's KINDS too). */
    N_("Site"),
    N_("Terminals"),
    N_("Terminal"),
    N_("Last seen"),
    N_("Departments"),
    N_("Code"),
    N_("Add"),
    N_("Prices"),
    N_("Paper"),
    N_("Colour"),
    N_("Sides"),
    N_("Price"),
    N_("black and white"),
    N_("one-sided"),
    N_("Set"),
    N_("Held jobs"),
    N_("Every user's jobs waiting at the printers; their titles are their owners' alone."),
    N_("web console"),
    N_("connected"),
    N_("offline"),
    N_("never"),
    N_("version"),
    N_("Print at"),
    N_("Print"),
    N_("Two-sided"),
    N_("Black and white"),
    N_("ready"),
    N_("stopped"),
    N_("unreachable"),
    N_("state unknown"),
    N_("No such printer."),
    N_("Choose a printer first."),
    N_("Printing at"),
    N_("Printed at"),
    N_("page(s)"),
    N_("charged"),
    N_("Amount"),
    N_("Badge"),
    N_("Badges"),
    N_("History"),
    N_("Job"),
    N_("Lost a badge? Unlink it here, so that nobody can print with it."),
    N_("No badge is linked to you."),
    N_("Nothing charged yet."),
    N_("The badge was unlinked."),
    N_("Unlink"),
    N_("Unlink this badge? It will no longer log you in."),
    N_("What"),
    N_("Printed"),
    N_("Refund"),
    N_("Allocation"),
    N_("Adjustment"),
    N_("After"),
    N_("Audit"),
    N_("Before"),
    N_("Change"),
    N_("Department code for"),
    N_("Disable"),
    N_("Enable"),
    N_("Every change an admin made, newest first."),
    N_("Move"),
    N_("No change yet."),
    N_("Of"),
    N_("Saved."),
    N_("Through"),
    N_("Unlock"),
    N_("Unlocked:"),
    N_("When"),
    N_("Who"),
    N_("(untitled)"),
    N_("Available"),
    N_("Balance"),
    N_("By"),
    N_("CSV"),
    N_("Colour pages"),
    N_("Copies"),
    N_("Cost"),
    N_("Delete"),
    N_("Delete this job?"),
    N_("Department"),
    N_("From"),
    N_("Group"),
    N_("JSON"),
    N_("Jobs"),
    N_("Keep longer"),
    N_("Kept until"),
    N_("Log in"),
    N_("Log in to Followme"),
    N_("Log out"),
    N_("Login"),
    N_("Mono pages"),
    N_("My jobs"),
    N_("Name"),
    N_("Next"),
    N_("No account yet: it is opened with your first print."),
    N_("No user matches."),
    N_("Pages"),
    N_("Password"),
    N_("Previous"),
    N_("Printer"),
    N_("Refresh"),
    N_("Reports"),
    N_("Roles"),
    N_("Search"),
    N_("Search by name, login or department"),
    N_("Sent"),
    N_("Sheets"),
    N_("Show"),
    N_("Something went wrong. Please try again."),
    N_("State"),
    N_("The job was deleted."),
    N_("To"),
    N_("Use your usual user name and password."),
    N_("User"),
    N_("User name"),
    N_("Users"),
    N_("You have no job waiting. Print to the followme queue, then release "
       "your job at any printer."),
    N_("Your account"),
    N_("colour"),
    N_("counting…"),
    N_("disabled"),
    N_("enabled"),
    N_("no price"),
    N_("two-sided"),
    N_("unknown"),
    N_("up to"),
};

void
fm_web_strings_write(FILE *f)
{
	fputc('{', f);
	for (size_t i = 0; i < sizeof(page_texts) / sizeof(*page_texts); i++) {
		if (i > 0)
			fputc(',', f);
		fm_json_string(f, page_texts[i]);
		fputc(':', f);
		fm_json_string(f, _(page_texts[i]));
	}
	fputs("}\n", f);
}
