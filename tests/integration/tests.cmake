
# --- page analysis (issue 3) ---
# pagecount-gen writes PCL 5, PCL XL, PWG and URF files with known truth
# for the corpus (tests/data/make-pagecount-corpus.sh).
add_executable(pagecount-gen ${CMAKE_SOURCE_DIR}/tests/data/pagecount-gen.c)
set_target_properties(pagecount-gen PROPERTIES
	RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
fm_integration_test(pagecount)
set_tests_properties(integration/pagecount PROPERTIES TIMEOUT 300)
