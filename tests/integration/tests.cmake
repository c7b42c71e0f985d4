# SPDX-License-Identifier: Apache-2.0
fm_integration_test(backend_contract)
fm_integration_test(hold_queue)
fm_integration_test(count_after_hold)
fm_integration_test(resilience)
fm_integration_test(lifecycle)
fm_integration_test(systemd)
fm_integration_test(disk_full)
fm_integration_test(pamauth)
fm_integration_test(pam_helper)
fm_integration_test(release_session)
fm_integration_test(release_startup)
fm_integration_test(release_admission)
# Its flood measures how long a genuine terminal waits (under 2 s): alone,
# so that another test's load on the 2 cores is not what it measures.
set_tests_properties(integration/release_admission PROPERTIES RUN_SERIAL TRUE)
fm_integration_test(auth_attacks)
fm_integration_test(login_timing)
fm_integration_test(release_print)
fm_integration_test(release_billing)
add_executable(fm_test_charge ${CMAKE_SOURCE_DIR}/tests/integration/fm_test_charge.c)
target_link_libraries(fm_test_charge PRIVATE fm_quota)
fm_integration_test(admin_quota)
fm_integration_test(badge_reader)
# libnfc talks to the simulated PN532 over a pty with its own timeouts: on
# 2 cores shared with a release test under ASan, a late reply reads as an
# unplugged reader (seen in CI at the end of session 8): alone.
set_tests_properties(integration/badge_reader PROPERTIES RUN_SERIAL TRUE)
fm_integration_test(terminal_screen)
# A real terminal in tmux read through the simulated PN532, each screen
# awaited for 20 s: under the suite's load a badge tap once went
# unanswered (CI, end of session 8): alone as well.
set_tests_properties(integration/terminal_screen PROPERTIES RUN_SERIAL TRUE)
fm_integration_test(terminal_headless)

# --- page analysis (issue 3) ---
# pagecount-gen writes PCL 5, PCL XL, PWG and URF files with known truth
# for the corpus (tests/data/make-pagecount-corpus.sh).
add_executable(pagecount-gen ${CMAKE_SOURCE_DIR}/tests/data/pagecount-gen.c)
set_target_properties(pagecount-gen PROPERTIES
	RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
fm_integration_test(pagecount)
set_tests_properties(integration/pagecount PROPERTIES TIMEOUT 300)
fm_integration_test(directory)
fm_integration_test(web)
fm_integration_test(printer_qr)
