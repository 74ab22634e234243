/* no_table.c: a shared object that is not a plug-in: it exports no cw_plugin_detectors table, and
 * claimwatch refuses it (tests/unit/test_registry.c). */
int cw_not_a_plugin = 1;
