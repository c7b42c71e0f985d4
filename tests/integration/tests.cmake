add_executable(fm_test_charge ${CMAKE_SOURCE_DIR}/tests/integration/fm_test_charge.c)
target_link_libraries(fm_test_charge PRIVATE fm_store)
fm_integration_test(admin_quota)
