# doc/: the manual pages, plain man(7) roff, installed into man1 and man5 and shipped in
# the release tarball. tests/unit/test_man.sh lints them and checks them against --help.
dist_man_MANS = doc/paydesk.1 doc/paydesk.conf.5 doc/paydesk-sandbox.1
