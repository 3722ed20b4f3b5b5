# tests/fuzz/: one libFuzzer harness per reader of untrusted bytes (scripts/fuzz.sh builds
# them with clang and libFuzzer). Here each is linked with a main() that replays its seed
# corpus, tests/fuzz/corpus/NAME/, which test_fuzz_replay.sh runs in make check.
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
FUZZ_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS)
FUZZ_REPLAY = tests/fuzz/fuzz.h tests/fuzz/replay_main.c

check_PROGRAMS += tests/fuzz/fuzz_jdoc tests/fuzz/fuzz_money tests/fuzz/fuzz_sanitize \
	tests/fuzz/fuzz_profile tests/fuzz/fuzz_form tests/fuzz/fuzz_envelope \
	tests/fuzz/fuzz_wxbill tests/fuzz/fuzz_alibill tests/fuzz/fuzz_map \
	tests/fuzz/fuzz_editor tests/fuzz/fuzz_outbox
tests_fuzz_fuzz_jdoc_SOURCES = tests/fuzz/fuzz_jdoc.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_jdoc_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_jdoc_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_money_SOURCES = tests/fuzz/fuzz_money.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_money_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_money_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_sanitize_SOURCES = tests/fuzz/fuzz_sanitize.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_sanitize_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_sanitize_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_profile_SOURCES = tests/fuzz/fuzz_profile.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_profile_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_profile_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_envelope_SOURCES = tests/fuzz/fuzz_envelope.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_envelope_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_envelope_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_wxbill_SOURCES = tests/fuzz/fuzz_wxbill.c tests/fuzz/bills.h $(FUZZ_REPLAY)
tests_fuzz_fuzz_wxbill_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_wxbill_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_alibill_SOURCES = tests/fuzz/fuzz_alibill.c tests/fuzz/bills.h $(FUZZ_REPLAY)
tests_fuzz_fuzz_alibill_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_alibill_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_map_SOURCES = tests/fuzz/fuzz_map.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_map_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_map_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_editor_SOURCES = tests/fuzz/fuzz_editor.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_editor_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_editor_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_outbox_SOURCES = tests/fuzz/fuzz_outbox.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_outbox_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_outbox_LDADD = $(FUZZ_LDADD)
# The sandbox is one program, not a library: its decoder is compiled in.
tests_fuzz_fuzz_form_SOURCES = tests/fuzz/fuzz_form.c sandbox/form.c sandbox/buf.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_form_CPPFLAGS = $(AM_CPPFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS)

TESTS += tests/fuzz/test_fuzz_replay.sh
EXTRA_DIST += tests/fuzz/test_fuzz_replay.sh tests/fuzz/corpus tests/fuzz/jdoc.dict tests/fuzz/form.dict tests/fuzz/envelope.dict tests/fuzz/map.dict tests/fuzz/fuzz.h tests/fuzz/bills.h \
	tests/fuzz/README.md
