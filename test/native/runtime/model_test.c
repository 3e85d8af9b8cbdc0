/*
 * model_test.c: randomized operation sequences checked against a reference
 * model.
 *
 * Each seed generates a small program: a few channels (capacity 0..2) and
 * scripts of operations (send, recv, select with/without default, close,
 * yield, spawn) that coroutines run. The program runs on the real runtime,
 * recording every operation's outcome in order. Then a reference model (a
 * plain interpreter with arrays for queues and buffers, no coroutines)
 * replays the same program under the documented rules (FIFO ready queue,
 * rendezvous/buffer/close semantics, FIFO wait queues) and every recorded
 * outcome must match, as must the final state: deadlock or not, who is
 * blocked on what, and what the channels hold. Where select has several
 * ready cases the model checks that the runtime chose one of them, then
 * follows that choice.
 *
 * usage: model_test [seeds] [first_seed]; SY_TEST_SCALE divides seeds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "switchyard.h"

#define MAX_CH 3
#define MAX_SCRIPTS 7
#define MAX_OPS 10
#define MAX_CASES 3
#define MAX_INST 64
#define MAX_EVENTS (MAX_INST * MAX_OPS)

enum { OP_SEND, OP_RECV, OP_SELECT, OP_CLOSE, OP_YIELD, OP_SPAWN };
static const char *op_names[] = {"send", "recv", "select", "close", "yield", "spawn"};

typedef struct gcase {
  int ch; /* -1: nil channel */
  int send;
} gcase;

typedef struct gop {
  int kind;
  int ch;
  int ncases;
  gcase cases[MAX_CASES];
  int has_default;
  int script; /* OP_SPAWN: which script the child runs */
} gop;

typedef struct script {
  int nops;
  gop ops[MAX_OPS];
} script;

typedef struct program {
  int nch;
  int cap[MAX_CH];
  int ninit;
  int nscripts;
  script scripts[MAX_SCRIPTS];
} program;

typedef struct event {
  int inst, op, rc, idx;
  long value;
} event;

static uint64_t gen_state;
static uint64_t gen_next(void) {
  uint64_t z = (gen_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static int gen_below(int n) { return (int)(gen_next() % (uint64_t)n); }

static void generate(program *p, uint64_t seed) {
  gen_state = seed * 0x2545F4914F6CDD1Dull + 1;
  memset(p, 0, sizeof *p);
  p->nch = 1 + gen_below(MAX_CH);
  for (int c = 0; c < p->nch; c++) p->cap[c] = gen_below(3);
  p->ninit = 2 + gen_below(3);
  p->nscripts = p->ninit + 1 + gen_below(MAX_SCRIPTS - p->ninit);
  for (int s = 0; s < p->nscripts; s++) {
    script *sc = &p->scripts[s];
    sc->nops = 1 + gen_below(MAX_OPS);
    int spawned = 0;
    for (int i = 0; i < sc->nops; i++) {
      gop *op = &sc->ops[i];
      int r = gen_below(100);
      op->ch = gen_below(p->nch);
      if (r < 27) op->kind = OP_SEND;
      else if (r < 54) op->kind = OP_RECV;
      else if (r < 76) op->kind = OP_SELECT;
      else if (r < 82) op->kind = OP_CLOSE;
      else if (r < 92 || spawned || s + 1 >= p->nscripts) op->kind = OP_YIELD;
      else {
        /* a script spawns at most once and only later scripts: bounded */
        op->kind = OP_SPAWN;
        op->script = s + 1 + gen_below(p->nscripts - s - 1);
        spawned = 1;
      }
      if (op->kind == OP_SELECT) {
        op->ncases = gen_below(MAX_CASES + 1);
        op->has_default = gen_below(3) == 0;
        for (int k = 0; k < op->ncases; k++) {
          op->cases[k].ch = gen_below(8) == 0 ? -1 : gen_below(p->nch);
          op->cases[k].send = gen_below(2);
        }
      }
    }
  }
}

static long send_value(int inst, int op, int kase) { return 100000L * (inst + 1) + 100L * op + kase + 1; }

/* ================================================================ real run */

static const program *cur;
static sy_chan *chans[MAX_CH];
static sy_sched *sched;
static event real_ev[MAX_EVENTS];
static int real_nev;

typedef struct rinst {
  int id, script;
  sy_coro *co;
} rinst;
static rinst rinsts[MAX_INST];
static int ninst;

static void record(event e) {
  CHECK(real_nev < MAX_EVENTS);
  real_ev[real_nev++] = e;
}

static void *real_body(void *arg);

static int real_spawn(int script) {
  CHECK(ninst < MAX_INST);
  rinst *ri = &rinsts[ninst];
  ri->id = ninst++;
  ri->script = script;
  sy_coro_attr attr = {.stack_size = 16 * 1024};
  OK(sy_spawn(sched, real_body, ri, &attr, &ri->co));
  return ri->id;
}

static void *real_body(void *arg) {
  rinst *ri = arg;
  const script *sc = &cur->scripts[ri->script];
  for (int pc = 0; pc < sc->nops; pc++) {
    const gop *op = &sc->ops[pc];
    event e = {.inst = ri->id, .op = pc, .idx = -2};
    sy_value v = 0;
    switch (op->kind) {
    case OP_SEND: e.rc = sy_chan_send(chans[op->ch], (sy_value)send_value(ri->id, pc, 0)); break;
    case OP_RECV:
      e.rc = sy_chan_recv(chans[op->ch], &v);
      e.value = (long)v;
      break;
    case OP_SELECT: {
      sy_select_case cases[MAX_CASES];
      for (int k = 0; k < op->ncases; k++)
        cases[k] = (sy_select_case){.chan = op->cases[k].ch < 0 ? NULL : chans[op->cases[k].ch],
                                    .op = op->cases[k].send ? SY_SEND : SY_RECV,
                                    .value = (sy_value)send_value(ri->id, pc, k),
                                    .result = 12345};
      int r = sy_select(cases, (size_t)op->ncases, op->has_default ? SY_SELECT_DEFAULT : 0);
      if (r == SY_EAGAIN) {
        e.idx = -1;
        e.rc = SY_EAGAIN;
      } else {
        CHECK(r >= 0 && r < op->ncases);
        e.idx = r;
        e.rc = cases[r].result;
        e.value = cases[r].op == SY_RECV ? (long)cases[r].value : 0;
      }
      break;
    }
    case OP_CLOSE: e.rc = sy_chan_close(chans[op->ch]); break;
    case OP_YIELD:
      record(e); /* recorded before giving up the CPU, like the model */
      OK(sy_yield(NULL, NULL));
      continue;
    case OP_SPAWN: e.value = real_spawn(op->script); break;
    }
    record(e);
  }
  return NULL;
}

/* ================================================================ model */

enum { M_READY, M_BLOCKED, M_DONE };

typedef struct mwait {
  int inst, kase; /* kase -1: a plain send/recv */
} mwait;

typedef struct mchan {
  int cap, closed;
  long buf[4];
  int len;
  mwait sendq[MAX_INST * MAX_CASES], recvq[MAX_INST * MAX_CASES];
  int nsend, nrecv;
} mchan;

typedef struct minst {
  int script, pc, state;
  int woken;       /* blocked op completed, event to emit when it runs */
  event pending;   /* that event */
} minst;

static mchan mch[MAX_CH];
static minst mi[MAX_INST];
static int mninst;
static int mready[MAX_INST * (MAX_OPS + 2)];
static int mready_head, mready_tail;
static int model_nev;
static uint64_t cur_seed;
static long multi_ready; /* selects that had several ready cases */

#define MODEL_FAIL(...)                                                           \
  do {                                                                            \
    fprintf(stderr, "seed %llu: model mismatch at event %d: ", (unsigned long long)cur_seed, model_nev); \
    fprintf(stderr, __VA_ARGS__);                                                 \
    fprintf(stderr, "\n");                                                        \
    exit(1);                                                                      \
  } while (0)

static void emit(event e) {
  if (model_nev >= real_nev)
    MODEL_FAIL("model has event inst %d op %d (%s), runtime recorded only %d events", e.inst, e.op,
               op_names[cur->scripts[mi[e.inst].script].ops[e.op].kind], real_nev);
  event r = real_ev[model_nev];
  if (r.inst != e.inst || r.op != e.op || r.rc != e.rc || r.idx != e.idx || r.value != e.value)
    MODEL_FAIL("expected inst %d op %d (%s) rc %d idx %d value %ld; runtime: inst %d op %d rc %d idx %d value %ld",
               e.inst, e.op, op_names[cur->scripts[mi[e.inst].script].ops[e.op].kind], e.rc, e.idx, e.value,
               r.inst, r.op, r.rc, r.idx, r.value);
  model_nev++;
}

static void make_ready(int i) {
  mi[i].state = M_READY;
  mready[mready_tail++] = i;
}

static void remove_waits_of(int inst) {
  for (int c = 0; c < cur->nch; c++) {
    mchan *m = &mch[c];
    int j = 0;
    for (int k = 0; k < m->nsend; k++)
      if (m->sendq[k].inst != inst) m->sendq[j++] = m->sendq[k];
    m->nsend = j;
    j = 0;
    for (int k = 0; k < m->nrecv; k++)
      if (m->recvq[k].inst != inst) m->recvq[j++] = m->recvq[k];
    m->nrecv = j;
  }
}

/* the first waiter of a queue completes; a select's other cases go away */
static void wake_first(mwait *q, int *n, int rc, long value) {
  mwait w = q[0];
  memmove(q, q + 1, sizeof *q * (size_t)(*n - 1));
  (*n)--;
  remove_waits_of(w.inst);
  minst *m = &mi[w.inst];
  m->woken = 1;
  m->pending = (event){.inst = w.inst, .op = m->pc, .rc = rc, .idx = w.kase < 0 ? -2 : w.kase, .value = value};
  make_ready(w.inst);
}

static long waiter_send_value(mwait w) { return send_value(w.inst, mi[w.inst].pc, w.kase < 0 ? 0 : w.kase); }

static int m_send_ready(int c) { return mch[c].closed || mch[c].nrecv > 0 || mch[c].len < mch[c].cap; }
static int m_recv_ready(int c) { return mch[c].len > 0 || mch[c].nsend > 0 || mch[c].closed; }

static int m_send_now(int c, long v) {
  mchan *m = &mch[c];
  if (m->closed) return SY_ECLOSED;
  if (m->nrecv) {
    wake_first(m->recvq, &m->nrecv, SY_OK, v);
    return SY_OK;
  }
  m->buf[m->len++] = v;
  return SY_OK;
}

static int m_recv_now(int c, long *v) {
  mchan *m = &mch[c];
  if (m->len) {
    *v = m->buf[0];
    memmove(m->buf, m->buf + 1, sizeof(long) * (size_t)(m->len - 1));
    m->len--;
    if (m->nsend) {
      m->buf[m->len++] = waiter_send_value(m->sendq[0]);
      wake_first(m->sendq, &m->nsend, SY_OK, 0);
    }
    return SY_OK;
  }
  if (m->nsend) {
    *v = waiter_send_value(m->sendq[0]);
    wake_first(m->sendq, &m->nsend, SY_OK, 0);
    return SY_OK;
  }
  *v = 0;
  return SY_ECLOSED;
}

static int m_spawn(int script) {
  CHECK(mninst < MAX_INST);
  int id = mninst++;
  mi[id] = (minst){.script = script};
  make_ready(id);
  return id;
}

/* runs instance i until it blocks, yields or finishes */
static void model_run(int i) {
  minst *m = &mi[i];
  const script *sc = &cur->scripts[m->script];
  if (m->woken) {
    m->woken = 0;
    emit(m->pending);
    m->pc++;
  }
  while (m->pc < sc->nops) {
    const gop *op = &sc->ops[m->pc];
    event e = {.inst = i, .op = m->pc, .idx = -2};
    switch (op->kind) {
    case OP_SEND:
      if (!m_send_ready(op->ch)) {
        mch[op->ch].sendq[mch[op->ch].nsend++] = (mwait){i, -1};
        m->state = M_BLOCKED;
        return;
      }
      e.rc = m_send_now(op->ch, send_value(i, m->pc, 0));
      break;
    case OP_RECV:
      if (!m_recv_ready(op->ch)) {
        mch[op->ch].recvq[mch[op->ch].nrecv++] = (mwait){i, -1};
        m->state = M_BLOCKED;
        return;
      }
      e.rc = m_recv_now(op->ch, &e.value);
      break;
    case OP_SELECT: {
      int ready[MAX_CASES], nready = 0;
      for (int k = 0; k < op->ncases; k++) {
        const gcase *c = &op->cases[k];
        if (c->ch >= 0 && (c->send ? m_send_ready(c->ch) : m_recv_ready(c->ch))) ready[nready++] = k;
      }
      multi_ready += nready > 1;
      if (nready) {
        /* the runtime's seeded choice: it must be one of the ready cases */
        int k = model_nev < real_nev ? real_ev[model_nev].idx : -3;
        int legal = 0;
        for (int r = 0; r < nready; r++) legal |= ready[r] == k;
        if (!legal) MODEL_FAIL("inst %d op %d: select chose case %d, not a ready case", i, m->pc, k);
        const gcase *c = &op->cases[k];
        e.idx = k;
        e.rc = c->send ? m_send_now(c->ch, send_value(i, m->pc, k)) : m_recv_now(c->ch, &e.value);
        break;
      }
      if (op->has_default) {
        e.idx = -1;
        e.rc = SY_EAGAIN;
        break;
      }
      for (int k = 0; k < op->ncases; k++) {
        const gcase *c = &op->cases[k];
        if (c->ch < 0) continue;
        mchan *q = &mch[c->ch];
        if (c->send) q->sendq[q->nsend++] = (mwait){i, k};
        else q->recvq[q->nrecv++] = (mwait){i, k};
      }
      m->state = M_BLOCKED;
      return;
    }
    case OP_CLOSE: {
      mchan *q = &mch[op->ch];
      if (q->closed) {
        e.rc = SY_ECLOSED;
        break;
      }
      q->closed = 1;
      while (q->nrecv) wake_first(q->recvq, &q->nrecv, SY_ECLOSED, 0);
      while (q->nsend) wake_first(q->sendq, &q->nsend, SY_ECLOSED, 0);
      e.rc = SY_OK;
      break;
    }
    case OP_YIELD:
      emit(e);
      m->pc++;
      make_ready(i);
      return;
    case OP_SPAWN: e.value = m_spawn(op->script); break;
    }
    emit(e);
    m->pc++;
  }
  m->state = M_DONE;
}

/* ================================================================ driver */

static void run_seed(uint64_t seed) {
  static program prog;
  cur_seed = seed;
  generate(&prog, seed);
  cur = &prog;

  /* real */
  real_nev = 0;
  ninst = 0;
  OK(sy_sched_create(&sched, seed));
  for (int c = 0; c < prog.nch; c++) OK(sy_chan_create(&chans[c], (size_t)prog.cap[c]));
  for (int s = 0; s < prog.ninit; s++) real_spawn(s);
  int run_rc = sy_sched_run(sched);

  /* model */
  memset(mch, 0, sizeof mch);
  for (int c = 0; c < prog.nch; c++) mch[c].cap = prog.cap[c];
  mninst = 0;
  mready_head = mready_tail = 0;
  model_nev = 0;
  for (int s = 0; s < prog.ninit; s++) m_spawn(s);
  while (mready_head < mready_tail) model_run(mready[mready_head++]);

  if (model_nev != real_nev) MODEL_FAIL("model ended after %d events, runtime recorded %d", model_nev, real_nev);
  if (mninst != ninst) MODEL_FAIL("model spawned %d coroutines, runtime %d", mninst, ninst);

  /* who is blocked, and on what */
  int mblocked[MAX_INST], nmb = 0;
  for (int i = 0; i < mninst; i++)
    if (mi[i].state == M_BLOCKED) mblocked[nmb++] = i;
  if (run_rc != (nmb ? SY_EDEADLOCK : SY_OK))
    MODEL_FAIL("run returned %d (%s), model has %d blocked", run_rc, sy_strerror(run_rc), nmb);
  sy_blocked bl[MAX_INST];
  size_t nb = sy_sched_blocked(sched, bl, MAX_INST);
  if ((int)nb != nmb) MODEL_FAIL("runtime lists %zu blocked, model %d", nb, nmb);
  for (int b = 0; b < nmb; b++) {
    int i = mblocked[b];
    const gop *op = &prog.scripts[mi[i].script].ops[mi[i].pc];
    if (bl[b].coro != rinsts[i].co) MODEL_FAIL("blocked[%d] is not instance %d", b, i);
    int want_op = op->kind == OP_SEND ? SY_SEND : op->kind == OP_RECV ? SY_RECV : SY_SELECT;
    if (bl[b].op != want_op) MODEL_FAIL("blocked instance %d: op %d, expected %d", i, bl[b].op, want_op);
    if (want_op != SY_SELECT && bl[b].chan != chans[op->ch]) MODEL_FAIL("blocked instance %d: wrong channel", i);
    if (want_op == SY_SELECT && (int)bl[b].ncases != op->ncases) MODEL_FAIL("blocked instance %d: wrong cases", i);
  }
  CHECK_EQ(sy_sched_pending(sched), (size_t)nmb);

  /* channel contents */
  for (int c = 0; c < prog.nch; c++) {
    if ((int)sy_chan_len(chans[c]) != mch[c].len || sy_chan_is_closed(chans[c]) != mch[c].closed)
      MODEL_FAIL("channel %d: len %zu closed %d, model len %d closed %d", c, sy_chan_len(chans[c]),
                 sy_chan_is_closed(chans[c]), mch[c].len, mch[c].closed);
    for (int k = 0; k < mch[c].len; k++) {
      sy_value v;
      OK(sy_chan_try_recv(chans[c], &v));
      if ((long)v != mch[c].buf[k]) MODEL_FAIL("channel %d slot %d: %ld, model %ld", c, k, (long)v, mch[c].buf[k]);
    }
  }

  OK(sy_sched_destroy(sched)); /* frees the blocked ones */
  for (int c = 0; c < prog.nch; c++) OK(sy_chan_destroy(chans[c]));
}

int main(int argc, char **argv) {
  long seeds = argc > 1 ? atol(argv[1]) : 5000;
  uint64_t first = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
  seeds = sy_test_scaled(seeds);
  long events = 0, blocked = 0;
  for (long k = 0; k < seeds; k++) {
    run_seed(first + (uint64_t)k);
    events += real_nev;
    for (int i = 0; i < mninst; i++) blocked += mi[i].state == M_BLOCKED;
  }
  sy_stack_pool_drain();
  printf("ALL OK: %ld seeds (%llu..%llu), %ld operations checked, %ld selects with a choice, "
         "%ld coroutines left blocked at deadlock\n",
         seeds, (unsigned long long)first, (unsigned long long)(first + (uint64_t)seeds - 1), events,
         multi_ready, blocked);
  return 0;
}
