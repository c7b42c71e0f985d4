fm_fuzz_target(conf fm_common)
fm_fuzz_target(ingestmsg fm_ingestmsg)
fm_fuzz_target(sealed fm_common)
fm_fuzz_target(options fm_ingestmsg)
