fm_unit_test(conf fm_common)
fm_unit_test(pagecount fm_pagecount)
fm_unit_test(gsrun fm_pagecount)
