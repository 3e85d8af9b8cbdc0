/* An addon that uses switchyard's C API: coroutines and channels in C. */
#include <node_api.h>
#include <stdio.h>
#include <switchyard.h>

typedef struct {
  sy_chan *ch;
  uint32_t n;
  uint64_t sum;
  uint32_t received;
  int rc;
} job;

static void *producer(void *arg) {
  job *j = arg;
  for (sy_value i = 1; i <= j->n; i++) {
    int rc = sy_chan_send(j->ch, i);
    if (rc != SY_OK) { j->rc = rc; break; }
  }
  sy_chan_close(j->ch);
  return NULL;
}

static void *consumer(void *arg) {
  job *j = arg;
  sy_value v;
  while (sy_chan_recv(j->ch, &v) == SY_OK) {
    j->sum += v;
    j->received++;
  }
  return NULL;
}

static napi_value fail(napi_env env, const char *what, int rc) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, sy_strerror(rc));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* produceConsume(n, capacity) -> { sum, received, arch }: a producer and a
   consumer coroutine on a switchyard scheduler, joined by a channel */
static napi_value produce_consume(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t n = 0, cap = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "produceConsume(n, capacity?): n must be a uint32");
    return NULL;
  }
  if (argc > 1) napi_get_value_uint32(env, argv[1], &cap);

  job j = {0};
  j.n = n;
  sy_sched *s;
  int rc = sy_sched_create(&s, 1);
  if (rc != SY_OK) return fail(env, "sy_sched_create", rc);
  if ((rc = sy_chan_create(&j.ch, cap)) != SY_OK) { sy_sched_destroy(s); return fail(env, "sy_chan_create", rc); }
  if ((rc = sy_spawn(s, producer, &j, NULL, NULL)) == SY_OK && (rc = sy_spawn(s, consumer, &j, NULL, NULL)) == SY_OK) rc = sy_sched_run(s);
  sy_chan_destroy(j.ch);
  sy_sched_destroy(s);
  if (rc != SY_OK) return fail(env, "sy_sched_run", rc);
  if (j.rc != SY_OK) return fail(env, "sy_chan_send", j.rc);

  napi_value out, v;
  napi_create_object(env, &out);
  napi_create_double(env, (double)j.sum, &v);
  napi_set_named_property(env, out, "sum", v);
  napi_create_uint32(env, j.received, &v);
  napi_set_named_property(env, out, "received", v);
#if defined(__aarch64__)
  napi_create_string_utf8(env, "arm64", NAPI_AUTO_LENGTH, &v);
#elif defined(__x86_64__)
  napi_create_string_utf8(env, "x64", NAPI_AUTO_LENGTH, &v);
#else
  napi_create_string_utf8(env, "other", NAPI_AUTO_LENGTH, &v);
#endif
  napi_set_named_property(env, out, "arch", v);
  return out;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  napi_create_function(env, "produceConsume", NAPI_AUTO_LENGTH, produce_consume, NULL, &fn);
  napi_set_named_property(env, exports, "produceConsume", fn);
  return exports;
}
