/*
 * many_test.c: 100,000 coroutines alive at once, each blocked on a channel,
 * then released one by one and finished. Prints and bounds the resident
 * memory each idle coroutine costs (16 KiB stacks, committed lazily).
 *
 * Guarded stacks take two kernel memory mappings each and Linux caps a
 * process at vm.max_map_count (65530 by default), so when the limit is too
 * low for N guarded stacks this uses SY_CORO_NOGUARD stacks, and says so.
 *
 * usage: many_test [count]; SY_TEST_SCALE divides the count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "switchyard.h"

#define STACK_SIZE (16 * 1024)

static sy_chan *gate;
static long *received;
static long finished;

typedef struct slot {
  long index;
} slot;

static void *wait_at_gate(void *arg) {
  long i = (long)(intptr_t)arg;
  sy_value v;
  OK(sy_chan_recv(gate, &v));
  received[i] = (long)v;
  finished++;
  return NULL;
}

static long resident_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  CHECK(f != NULL);
  long size, resident;
  CHECK_EQ(fscanf(f, "%ld %ld", &size, &resident), 2);
  fclose(f);
  return resident * sysconf(_SC_PAGESIZE);
}

static long read_long_file(const char *path, long fallback) {
  FILE *f = fopen(path, "r");
  if (!f) return fallback;
  long v = fallback;
  if (fscanf(f, "%ld", &v) != 1) v = fallback;
  fclose(f);
  return v;
}

static long count_mappings(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return -1;
  long n = 0;
  int c;
  while ((c = fgetc(f)) != EOF) n += c == '\n';
  fclose(f);
  return n;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  long n = sy_test_scaled(argc > 1 ? atol(argv[1]) : 100000);
  long max_maps = read_long_file("/proc/sys/vm/max_map_count", 65530);
  unsigned flags = max_maps > 2 * n + 10000 ? 0 : SY_CORO_NOGUARD;
  printf("coroutines: %ld, stack %d KiB, %s (vm.max_map_count = %ld)\n", n, STACK_SIZE / 1024,
         flags ? "unguarded stacks (too few mappings allowed for guard pages)" : "guarded stacks", max_maps);

  received = calloc((size_t)n, sizeof *received);
  CHECK(received != NULL);
  sy_sched *s;
  OK(sy_sched_create(&s, 7));
  OK(sy_chan_create(&gate, 0));
  sy_coro_attr attr = {.stack_size = STACK_SIZE, .flags = flags};

  long rss_before = resident_bytes();
  for (long i = 0; i < n; i++) OK(sy_spawn(s, wait_at_gate, (void *)(intptr_t)i, &attr, NULL));
  CHECK_EQ(sy_sched_run(s), SY_EDEADLOCK);
  long rss_idle = resident_bytes();
  CHECK_EQ(sy_sched_pending(s), n);
  CHECK_EQ(sy_sched_blocked(s, NULL, 0), n);
  long maps = count_mappings();

  double per = (double)(rss_idle - rss_before) / (double)n;
  printf("resident memory per idle coroutine: %.0f bytes (%.2f KiB); %ld memory mappings in the process\n", per,
         per / 1024, maps);
#if defined(__SANITIZE_ADDRESS__)
  printf("(AddressSanitizer build: its shadow memory and fiber records inflate this; bound not checked)\n");
#else
  CHECK(per < 16 * 1024);
#endif

  /* release them in order: each value goes to the longest-waiting one */
  for (long i = 0; i < n; i++) OK(sy_chan_try_send(gate, (sy_value)(i + 1)));
  CHECK_EQ(sy_chan_try_send(gate, 0), SY_EAGAIN);
  OK(sy_sched_run(s));
  CHECK_EQ(finished, n);
  CHECK_EQ(sy_sched_pending(s), 0);
  for (long i = 0; i < n; i++) CHECK_EQ(received[i], i + 1);

  OK(sy_chan_destroy(gate));
  OK(sy_sched_destroy(s));
  sy_stack_pool_drain();
  free(received);
  printf("ALL OK: %ld coroutines blocked at once, all released and finished\n", n);
  return 0;
}
