/*
 * noop.c: the N-API baseline, a function that does nothing. Built by
 * bench/run.js with gcc against the running node's headers:
 *   gcc -O2 -shared -fPIC -I<node>/include/node noop.c -o noop.node
 */
#include <node_api.h>

static napi_value noop(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  return NULL; /* undefined */
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "noop", NAPI_AUTO_LENGTH, noop, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "noop", fn) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
