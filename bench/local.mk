# bench/: programs that print performance figures (not run by make check).

# The bill platforms' client-side costs (make bench/bills_bench; not part of make check).
EXTRA_PROGRAMS += bench/bills_bench
bench_bills_bench_SOURCES = bench/bills_bench.c
bench_bills_bench_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
bench_bills_bench_LDADD = client/libclient.a $(PAYDESK_EXT_LIBS)
CLEANFILES += bench/bills_bench

# A bill platform's first sync against the sandbox (make bench/bills_sync_bench; not part of
# make check): bench/bills_sync_bench --platform wechatpay|alipay ORDERS...
EXTRA_PROGRAMS += bench/bills_sync_bench
bench_bills_sync_bench_SOURCES = bench/bills_sync_bench.c bench/bench_sandbox.c bench/bench_sandbox.h
bench_bills_sync_bench_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
bench_bills_sync_bench_LDADD = $(SQLITE_LIBS)
CLEANFILES += bench/bills_sync_bench

# The risk rules on a cache (make bench/risk_bench; not part of make check):
# bench/risk_bench CACHE [NOW].
EXTRA_PROGRAMS += bench/risk_bench
bench_risk_bench_SOURCES = bench/risk_bench.c
bench_risk_bench_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
bench_risk_bench_LDADD = client/libclient.a $(PAYDESK_EXT_LIBS)
CLEANFILES += bench/risk_bench

# A first sync against a script on Stripe's Node SDK, interleaved (not part of make check;
# needs npm): bench/peer_sync.sh [ORDERS [ROUNDS]].
EXTRA_DIST += bench/peer_sync.sh
