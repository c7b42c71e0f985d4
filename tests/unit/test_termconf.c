/*
 * test_termconf.c - the release terminal's configuration file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "terminal/termconf.h"

static struct fm_termconf c;
static char err[512];

static bool
parse(const char *text)
{
	err[0] = '\0';
	return fm_termconf_parse(text, strlen(text), &c, err, sizeof(err));
}

static void
test_minimal_config_and_defaults(void)
{
	ASSERT_TRUE(parse("[server]\naddress = print.example.org:7631\n"));
	ASSERT_STR_EQ(c.host, "print.example.org");
	ASSERT_STR_EQ(c.port, "7631");
	ASSERT_STR_EQ(c.server_name, "print.example.org");
	ASSERT_UINT_EQ(c.idle_timeout, 60);
	ASSERT_UINT_EQ(c.result_time, 5);
	ASSERT_FALSE(c.headless);
	ASSERT_TRUE(c.have_reader);
	ASSERT_INT_EQ(c.reader.kind, FM_READER_NFC);
	ASSERT_STR_EQ(c.reader.wedge_layout, "us");
	ASSERT_STR_CONTAINS(c.ca, "/terminal/ca.crt");
}

static void
test_full_config(void)
{
	ASSERT_TRUE(parse("[server]\naddress = [::1]:7000\n"
	                  "server_name = followme.example.org\n"
	                  "ca = /etc/t/ca.crt\ncertificate = /etc/t/t.crt\n"
	                  "key = /etc/t/t.key\nconnect_timeout = 2s\n"
	                  "[reader]\ntype = wedge\n"
	                  "device = /dev/input/by-id/usb-reader\n"
	                  "input = decimal\nformat = decimal:10\n"
	                  "layout = de(nodeadkeys)\n"
	                  "[terminal]\nheadless = yes\nidle_timeout = 2m\n"
	                  "[feedback]\nreleased = /usr/local/bin/beep ok\n"
	                  "over_quota = /usr/local/bin/beep twice\n"));
	ASSERT_STR_EQ(c.host, "::1");
	ASSERT_STR_EQ(c.server_name, "followme.example.org");
	ASSERT_INT_EQ(c.reader.kind, FM_READER_WEDGE);
	ASSERT_INT_EQ(c.reader.wedge_input, FM_UID_INPUT_DECIMAL);
	ASSERT_INT_EQ(c.reader.format.base, FM_UID_DECIMAL);
	ASSERT_UINT_EQ(c.reader.format.width, 10);
	ASSERT_STR_EQ(c.reader.device, "/dev/input/by-id/usb-reader");
	ASSERT_STR_EQ(c.reader.wedge_layout, "de(nodeadkeys)");
	ASSERT_TRUE(fm_termconf_check_layout(&c, err, sizeof(err)));
	ASSERT_TRUE(c.headless);
	ASSERT_UINT_EQ(c.idle_timeout, 120);
	ASSERT_STR_EQ(
	    c.feedback[FM_OUTCOME_RELEASED], "/usr/local/bin/beep ok");
	ASSERT_STR_EQ(c.feedback[FM_OUTCOME_NOTHING], "");
	ASSERT_STR_EQ(
	    fm_termconf_outcome_name(FM_OUTCOME_OVER_QUOTA), "over_quota");
}

static void
test_errors_name_the_problem(void)
{
	ASSERT_FALSE(parse(""));
	ASSERT_STR_CONTAINS(err, "address is required");
	ASSERT_FALSE(parse("[server]\naddress = nohost\n"));
	ASSERT_STR_CONTAINS(err, "host:port");
	ASSERT_FALSE(parse("[server]\naddress = h:70000\n"));
	ASSERT_FALSE(parse("[server]\naddress = h:1\nca = relative.crt\n"));
	ASSERT_STR_CONTAINS(err, "absolute");
	ASSERT_FALSE(
	    parse("[server]\naddress = h:1\n[reader]\ntype = magic\n"));
	ASSERT_STR_CONTAINS(err, "nfc, wedge or none");
	ASSERT_FALSE(
	    parse("[server]\naddress = h:1\n[reader]\ntype = wedge\n"));
	ASSERT_STR_CONTAINS(err, "device");
	ASSERT_FALSE(
	    parse("[server]\naddress = h:1\n[reader]\nformat = oct\n"));
	ASSERT_STR_CONTAINS(err, "format");
	ASSERT_FALSE(parse("[server]\naddress = h:1\n[reader]\npoll = x\n"));
	ASSERT_FALSE(parse("[server]\naddress = h:1\n[reader]\ninput = x\n"));
	ASSERT_FALSE(parse("[server]\naddress = h:1\n[reader]\ntype = none\n"
	                   "[terminal]\nheadless = yes\n"));
	ASSERT_STR_CONTAINS(err, "headless terminal needs a [reader]");
	ASSERT_FALSE(parse("[server]\naddress = h:1\n[terminal]\n"
	                   "idle_timeout = 1s\n"));
	ASSERT_STR_CONTAINS(err, "line 4");
	ASSERT_FALSE(parse("[server]\naddress = h:1\nfoo = bar\n"));
	ASSERT_STR_CONTAINS(err, "line 3");
	ASSERT_FALSE(parse("[feedback]\nbeep = x\n[server]\naddress = h:1\n"));
}

/* A wedge reader's layout: its form when parsed, whether the XKB data
 * has it at start-up (fm_termconf_check_layout). */
static void
test_layout(void)
{
	ASSERT_FALSE(parse("[server]\naddress = h:1\n[reader]\ntype = wedge\n"
	                   "device = /dev/input/event3\nlayout = AZERTY\n"));
	ASSERT_STR_CONTAINS(err, "layout 'AZERTY' must be an XKB keyboard");
	ASSERT_FALSE(parse("[server]\naddress = h:1\n[reader]\n"
	                   "layout = ../../../tmp/x\n"));
	ASSERT_STR_CONTAINS(err, "layout '../../../tmp/x'");
	ASSERT_TRUE(parse("[server]\naddress = h:1\n[reader]\ntype = wedge\n"
	                  "device = /dev/input/event3\nlayout = fr\n"));
	ASSERT_STR_EQ(c.reader.wedge_layout, "fr");
	ASSERT_TRUE(fm_termconf_check_layout(&c, err, sizeof(err)));
	ASSERT_TRUE(parse("[server]\naddress = h:1\n[reader]\ntype = wedge\n"
	                  "device = /dev/input/event3\nlayout = xx\n"));
	err[0] = '\0';
	ASSERT_FALSE(fm_termconf_check_layout(&c, err, sizeof(err)));
	ASSERT_STR_EQ(err,
	    "[reader] keyboard layout 'xx': the XKB data "
	    "(xkb-data) has no such layout");
	ASSERT_TRUE(parse("[server]\naddress = h:1\n[reader]\ntype = wedge\n"
	                  "device = /dev/input/event3\nlayout = fr(nope)\n"));
	ASSERT_FALSE(fm_termconf_check_layout(&c, err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "'fr(nope)'");
	ASSERT_STR_CONTAINS(err, "no such layout or variant");
	/* An nfc reader types nothing: its layout is not looked up. */
	ASSERT_TRUE(parse("[server]\naddress = h:1\n[reader]\nlayout = xx\n"));
	ASSERT_TRUE(fm_termconf_check_layout(&c, err, sizeof(err)));
}

static void
test_load_missing_file(void)
{
	ASSERT_FALSE(fm_termconf_load(
	    "/nonexistent/terminal.conf", &c, err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "/nonexistent/terminal.conf");
}

int
main(void)
{
	RUN(test_minimal_config_and_defaults);
	RUN(test_full_config);
	RUN(test_errors_name_the_problem);
	RUN(test_layout);
	RUN(test_load_missing_file);
	return harness_done();
}
