# bench/: programs that print performance figures (not run by make check).
