// x64_code_match.cc: see x64_code_match.h.
#include "x64_code_match.h"

#include <cstdio>
#include <cstring>

namespace switchyard {

bool MatchCode(const uint8_t* code, const char* pattern,
               const V8SymbolMap& symbols,
               std::map<std::string, int32_t>* captures, std::string* why,
               const uint8_t** end) {
  const uint8_t* p = code;
  // official builds have no CET landing pads; tolerate one anyway
  if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa) p += 4;
  const char* t = pattern;
  while (*t != '\0') {
    if (*t == ' ' || *t == '\n') {
      t++;
      continue;
    }
    if (*t == '{') {
      const char* colon = std::strchr(t, ':');
      const char* close = std::strchr(t, '}');
      std::string name(t + 1, colon);
      std::string kind(colon + 1, close);
      t = close + 1;
      int32_t v = 0;
      if (kind == "d8" || kind == "rel8") {
        v = static_cast<int8_t>(*p);
        p += 1;
      } else if (kind == "d32" || kind == "rel") {
        std::memcpy(&v, p, 4);
        p += 4;
      } else {
        *why = "bad pattern";
        return false;
      }
      if (kind == "rel8" && name != "*" && name != ">") {
        *why = "bad pattern";
        return false;
      }
      if (kind == "rel" || kind == "rel8") {
        if (name == "*") continue;
        if (name == ">") {  // a jump taken: the code goes on at its target
          p += v;
          continue;
        }
        auto it = symbols.find(name);
        if (it == symbols.end() || reinterpret_cast<const uint8_t*>(it->second) != p + v) {
          *why = "a call does not go to " + name;
          return false;
        }
        continue;
      }
      auto seen = captures->find(name);
      if (seen != captures->end() && seen->second != v) {
        *why = "inconsistent " + name;
        return false;
      }
      (*captures)[name] = v;
      continue;
    }
    unsigned byte = 0;
    if (std::sscanf(t, "%2x", &byte) != 1) {
      *why = "bad pattern";
      return false;
    }
    t += 2;
    if (*p != byte) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "byte %ld is %02x, expected %02x", static_cast<long>(p - code), *p, byte);
      *why = buf;
      return false;
    }
    p++;
  }
  if (end != nullptr) *end = p;
  return true;
}

}  // namespace switchyard
