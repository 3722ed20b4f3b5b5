/* The cache's schema (private to client/). */
#ifndef PAYDESK_CACHE_SCHEMA_H
#define PAYDESK_CACHE_SCHEMA_H

/* PRAGMA user_version of a cache created by cache_schema_sql. */
#define CACHE_SCHEMA_VERSION 1

/* Creates every table, index and trigger of a new cache, in one script. */
extern const char cache_schema_sql[];

#endif
