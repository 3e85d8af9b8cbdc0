// v8_bridge.h: node-addon-api is the binding surface; the fiber mechanism
// needs V8 handles. Node implements napi_value as a v8::Local<v8::Value>
// (src/js_native_api_v8.h, V8LocalValueFromJsValue), so the conversion is a
// bit copy; the static_assert guards the one assumption we can check.
#ifndef SWITCHYARD_ADDON_V8_BRIDGE_H
#define SWITCHYARD_ADDON_V8_BRIDGE_H

#include <node_api.h>
#include <v8.h>

#include <cstring>

namespace switchyard {

static_assert(sizeof(v8::Local<v8::Value>) == sizeof(napi_value),
              "napi_value is expected to be a v8::Local<v8::Value>");

inline v8::Local<v8::Value> ToV8(napi_value v) {
  v8::Local<v8::Value> local;
  std::memcpy(static_cast<void*>(&local), &v, sizeof v);
  return local;
}

inline napi_value FromV8(v8::Local<v8::Value> local) {
  napi_value v;
  std::memcpy(&v, static_cast<void*>(&local), sizeof v);
  return v;
}

}  // namespace switchyard

#endif
