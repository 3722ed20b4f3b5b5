/* The HTTP side of the sandbox: libmicrohttpd on 127.0.0.1, one thread per connection.
 * /_admin/ calls go to the admin API; everything else to the platform's serve(), which
 * uses the request log, fault injection and rate limit kept here. */
#include "config.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

#define MAX_BODY (20 * 1024 * 1024)
#define LOG_CAP  200000

int64_t sbx_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The clock runs from --now with real elapsed time, plus whatever /_admin/advance added. */
/* Where this connection reached us, for URLs that point back (bill downloads, images,
 * report files). */
void sbx_local_base(struct sbx *s, struct MHD_Connection *con, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int port = s->opt.port;

	if (ci && getsockname(ci->connect_fd, (struct sockaddr *)&a, &alen) == 0 &&
	    a.sin_family == AF_INET)
		port = ntohs(a.sin_port);
	snprintf(out, n, "%s://127.0.0.1:%d", s->opt.tls_cert ? "https" : "http", port);
}

int64_t sbx_now(struct sbx *s)
{
	return s->base_now + (sbx_mono_ms() - s->base_mono) / 1000 + s->advanced;
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct sbx_conn *c = calloc(1, sizeof(*c));

	(void)cls;
	(void)con;
	if (c == NULL)
		return NULL;
	c->uri = strdup(uri ? uri : "");
	sbx_buf_init(&c->body);
	return c;
}

static void completed(void *cls, struct MHD_Connection *con, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	struct sbx_conn *c = *con_cls;

	(void)cls;
	(void)con;
	(void)toe;
	if (c == NULL)
		return;
	free(c->uri);
	sbx_buf_free(&c->body);
	free(c);
	*con_cls = NULL;
}

/* "sk_test_…abcd": the key's prefix up to its second '_' and its last 4 characters. */
void sbx_mask_key(const char *key, char *out, size_t n)
{
	const char *u1 = strchr(key, '_');
	const char *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	size_t len = strlen(key);
	int plen = u2 ? (int)(u2 - key + 1) : 0;

	if (len < 12) {
		snprintf(out, n, "%.*s…", plen, key);
		return;
	}
	snprintf(out, n, "%.*s…%s", plen, key, key + len - 4);
}

static struct sbx_log_entry *log_add(struct sbx *s, const char *method, const char *path,
                                     const char *query, const char *body, const char *idem,
                                     const char *key)
{
	struct sbx_log_entry *e;
	char masked[64];

	if (s->log_n == LOG_CAP) {
		/* Keep the newer half; tests read recent requests. */
		size_t i, half = LOG_CAP / 2;

		for (i = 0; i < half; i++) {
			free(s->log[i].method);
			free(s->log[i].path);
			free(s->log[i].query);
			free(s->log[i].body);
			free(s->log[i].idempotency_key);
			free(s->log[i].key);
		}
		memmove(s->log, s->log + half, (s->log_n - half) * sizeof(*s->log));
		s->log_n -= half;
	}
	if (s->log_n == s->log_cap) {
		size_t cap = s->log_cap ? s->log_cap * 2 : 256;
		struct sbx_log_entry *p = realloc(s->log, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		s->log = p;
		s->log_cap = cap;
	}
	e = &s->log[s->log_n++];
	e->seq = ++s->log_seq;
	e->method = strdup(method);
	e->path = strdup(path);
	e->query = query ? strdup(query) : NULL;
	e->body = body ? strdup(body) : NULL;
	e->idempotency_key = idem ? strdup(idem) : NULL;
	if (key) {
		sbx_mask_key(key, masked, sizeof(masked));
		e->key = strdup(masked);
	} else {
		e->key = NULL;
	}
	e->status = 0;
	return e;
}

void sbx_log_free(struct sbx *s)
{
	size_t i;

	for (i = 0; i < s->log_n; i++) {
		free(s->log[i].method);
		free(s->log[i].path);
		free(s->log[i].query);
		free(s->log[i].body);
		free(s->log[i].idempotency_key);
		free(s->log[i].key);
	}
	free(s->log);
	s->log = NULL;
	s->log_n = 0;
	s->log_cap = 0;
}

int64_t sbx_log_request(struct sbx *s, const char *method, const char *path, const char *query,
                        const char *body, const char *idempotency_key, const char *key)
{
	struct sbx_log_entry *e = log_add(s, method, path, query, body, idempotency_key, key);
	return e ? e->seq : 0;
}

void sbx_log_status(struct sbx *s, int64_t seq, int status)
{
	size_t i = s->log_n;

	while (i > 0) {
		i--;
		if (s->log[i].seq == seq) {
			s->log[i].status = status;
			return;
		}
		if (s->log[i].seq < seq)
			return;
	}
}

int sbx_take_fault(struct sbx *s, const char *method, const char *path, int *retry_after,
                   int *seconds)
{
	size_t i;

	for (i = 0; i < s->faults_n; i++) {
		struct sbx_fault *f = &s->faults[i];

		if (f->remaining <= 0)
			continue;
		if (strncmp(path, f->path, strlen(f->path)) != 0)
			continue;
		if (f->method[0] && strcmp(f->method, method) != 0)
			continue;
		f->remaining--;
		*retry_after = f->retry_after;
		*seconds = f->seconds;
		return f->kind;
	}
	return SBX_FAULT_NONE;
}

/* Token bucket: rate_limit requests per second, bursts up to one second's worth. */
int sbx_rate_ok(struct sbx *s)
{
	int64_t now = sbx_mono_ms();
	int64_t cap = (int64_t)s->opt.rate_limit * 1000;

	if (s->opt.rate_limit <= 0)
		return 1;
	s->bucket_tokens_milli += (now - s->bucket_last_ms) * s->opt.rate_limit;
	s->bucket_last_ms = now;
	if (s->bucket_tokens_milli > cap)
		s->bucket_tokens_milli = cap;
	if (s->bucket_tokens_milli < 1000)
		return 0;
	s->bucket_tokens_milli -= 1000;
	return 1;
}

void sbx_sleep(struct sbx *s, int seconds)
{
	int64_t until = sbx_mono_ms() + (int64_t)seconds * 1000;

	while (!s->stopping && sbx_mono_ms() < until) {
		struct timespec ts = {0, 20 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
}

void sbx_new_request_id(struct sbx *s, const char *prefix, char *out, size_t n)
{
	char id[64];
	size_t len;

	sbx_rng_id(&s->rng, prefix, id, sizeof(id));
	len = strlen(id);
	if (n == 0)
		return;
	if (len >= n)
		len = n - 1;
	memcpy(out, id, len);
	out[len] = '\0';
}

void sbx_result_error(struct sbx_result *r, int status, const char *type, const char *code,
                      const char *param, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sbx_buf_free(&r->body);
	r->status = status;
	sbx_buf_puts(&r->body, "{\"error\":{");
	if (code) {
		sbx_buf_kstr(&r->body, "code", code);
		sbx_buf_puts(&r->body, ",\"doc_url\":\"https://stripe.com/docs/error-codes/");
		sbx_buf_puts(&r->body, code);
		sbx_buf_puts(&r->body, "\",");
	}
	sbx_buf_kstr(&r->body, "message", msg);
	if (param) {
		sbx_buf_puts(&r->body, ",");
		sbx_buf_kstr(&r->body, "param", param);
	}
	sbx_buf_puts(&r->body, ",");
	sbx_buf_kstr(&r->body, "type", type);
	sbx_buf_puts(&r->body, "}}");
}

static struct sbx *server_sbx; /* the sandbox being served, for its clock */

/* The Date header from the sandbox's clock, not the machine's (libmicrohttpd adds the
 * machine's when a response has none): a client compares its clock with it. */
static void add_date(struct MHD_Response *resp)
{
	char date[64];
	time_t now = server_sbx ? (time_t)sbx_now(server_sbx) : time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm) &&
	    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm) > 0)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_DATE, date);
}

enum MHD_Result sbx_send(struct MHD_Connection *con, int status, const char *content_type,
                         char *body, size_t len, size_t cut, const struct sbx_header *headers,
                         size_t n_headers)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (cut > 0 && cut < len)
		len = cut;
	resp = MHD_create_response_from_buffer(len, body ? body : (char *)"",
	                                       body ? MHD_RESPMEM_MUST_FREE
	                                            : MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	add_date(resp);
	if (content_type)
		MHD_add_response_header(resp, "Content-Type", content_type);
	for (size_t i = 0; i < n_headers; i++)
		if (headers[i].name && headers[i].value)
			MHD_add_response_header(resp, headers[i].name, headers[i].value);
	ret = MHD_queue_response(con, (unsigned int)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The reset fault's body: the prefix, then the callback reports an error, which makes
 * libmicrohttpd close the connection mid-body. */
static ssize_t reset_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	const char *part = cls;
	size_t n = strlen(part);

	if (pos != 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (n > max)
		n = max;
	memcpy(buf, part, n);
	return (ssize_t)n;
}

enum MHD_Result sbx_send_reset(struct MHD_Connection *con, const char *prefix,
                               const struct sbx_header *headers, size_t n_headers)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_callback(65536, 1024, reset_reader, (void *)prefix, NULL);
	if (resp == NULL)
		return MHD_NO;
	add_date(resp);
	for (size_t i = 0; i < n_headers; i++)
		if (headers[i].name && headers[i].value)
			MHD_add_response_header(resp, headers[i].name, headers[i].value);
	ret = MHD_queue_response(con, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *con, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
	struct sbx *s = cls;
	struct sbx_conn *c = *con_cls;
	const char *q;
	struct sbx_params qp = {0}, form = {0};
	enum MHD_Result ret;
	const char *ctype;
	int multipart;

	(void)version;
	if (c == NULL)
		return MHD_NO;
	if (!c->started) {
		c->started = 1;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (c->body.len + *upload_data_size > MAX_BODY)
			c->too_large = 1;
		else
			sbx_buf_put(&c->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	q = strchr(c->uri, '?');
	if (q && sbx_params_parse(&qp, q + 1, strlen(q + 1)) != 0)
		return MHD_NO;
	ctype = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
	multipart = ctype && strncmp(ctype, "multipart/form-data", 19) == 0;
	if (c->body.data && !multipart && sbx_params_parse(&form, c->body.data, c->body.len) != 0) {
		sbx_params_free(&qp);
		return MHD_NO;
	}
	if (c->too_large || c->body.failed) {
		struct sbx_result r;

		memset(&r, 0, sizeof(r));
		r.should_retry = 0;
		sbx_result_error(&r, 413, "invalid_request_error", NULL, NULL,
		                 "The request body is too large.");
		size_t len;
		char *body = sbx_buf_take(&r.body, &len);
		ret = sbx_send(con, 413, "application/json", body, len, 0, NULL, 0);
	} else if (strncmp(url, "/_admin/", 8) == 0) {
		struct sbx_result r;
		struct sbx_request rq;
		char request_id[32];

		memset(&r, 0, sizeof(r));
		memset(&rq, 0, sizeof(rq));
		r.should_retry = -1;
		rq.method = method;
		rq.path = url;
		rq.query = &qp;
		rq.form = &form;
		pthread_mutex_lock(&s->lock);
		sbx_new_request_id(s, "req_", request_id, sizeof(request_id));
		sbx_admin_handle(s, &rq, &r);
		pthread_mutex_unlock(&s->lock);
		if (r.body.data == NULL)
			sbx_buf_puts(&r.body, "{}");
		size_t len;
		char *body = sbx_buf_take(&r.body, &len);
		struct sbx_header h = {"Request-Id", request_id};
		ret = sbx_send(con, r.status, "application/json", body, len, 0, &h, 1);
	} else {
		ret = s->platform->serve(s, con, c, method, url, q ? q + 1 : NULL, &qp, &form);
	}
	sbx_params_free(&qp);
	sbx_params_free(&form);
	return ret;
}

static struct MHD_Daemon *daemon_handle;
static char *tls_pem[2]; /* certificate and key of an HTTPS daemon */

/* A whole small file as a string, or NULL. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(65536);
	size_t n = buf ? fread(buf, 1, 65535, f) : 0;
	int bad = ferror(f) || n == 0;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int sbx_server_run(struct sbx *s)
{
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)s->opt.port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	server_sbx = s;
	unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	                     (s->opt.quiet ? 0 : MHD_USE_ERROR_LOG);
	char *cert = NULL, *key = NULL;
	if (s->opt.tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			fprintf(stderr, "paydesk-sandbox: this libmicrohttpd cannot serve HTTPS\n");
			return -1;
		}
		cert = read_file(s->opt.tls_cert);
		key = read_file(s->opt.tls_key);
		if (!cert || !key) {
			fprintf(stderr, "paydesk-sandbox: cannot read %s\n",
			        cert ? s->opt.tls_key : s->opt.tls_cert);
			free(cert);
			free(key);
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	/* Injected resets make libmicrohttpd complain; --quiet keeps stderr clean. The TLS
	 * options come last: without a certificate they end the list. */
	daemon_handle = MHD_start_daemon(
	        flags, (uint16_t)s->opt.port, NULL, NULL, access_handler, s, MHD_OPTION_SOCK_ADDR,
	        (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, uri_logger, s,
	        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_CONNECTION_TIMEOUT,
	        (unsigned int)120, cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	        MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	/* libmicrohttpd keeps pointing at them: freed when the daemon stops. */
	tls_pem[0] = cert;
	tls_pem[1] = key;
	if (daemon_handle == NULL) {
		fprintf(stderr,
		        "paydesk-sandbox: cannot listen on 127.0.0.1:%d (is the port in "
		        "use?%s)\n",
		        s->opt.port, cert ? " do the certificate and key match?" : "");
		return -1;
	}
	info = MHD_get_daemon_info(daemon_handle, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		fprintf(stderr, "paydesk-sandbox: cannot tell which port was bound\n");
		MHD_stop_daemon(daemon_handle);
		return -1;
	}
	printf("%u\n", (unsigned)info->port);
	fflush(stdout);
	return 0;
}

void sbx_server_stop(void)
{
	if (daemon_handle) {
		MHD_stop_daemon(daemon_handle);
		daemon_handle = NULL;
	}
	server_sbx = NULL;
	free(tls_pem[0]);
	free(tls_pem[1]);
	tls_pem[0] = tls_pem[1] = NULL;
}
