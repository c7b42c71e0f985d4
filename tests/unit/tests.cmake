fm_unit_test(conf fm_common)
