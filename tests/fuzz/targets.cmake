fm_fuzz_target(conf fm_common)
fm_fuzz_target(money fm_store)
fm_fuzz_target(date fm_store)
fm_fuzz_target(badge_uid fm_store)
