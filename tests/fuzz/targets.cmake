fm_fuzz_target(conf fm_common)
