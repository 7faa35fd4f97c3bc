/* The real stack high-water mark of the device path, on QEMU's mps2-an386
 * (Cortex-M4, tests/qemu.sh stack): what tests/size_prog.c does (the one-call
 * exchange that `make size` measures statically) with the stack painted
 * before each library call and searched after it. It validates the
 * documentation's example config and runs one exchange through a 256-byte
 * window over an in-memory I/O that takes every request byte and answers the
 * canned 200 in 64-byte reads. Prints:
 *   stack-call NAME N CALLS  the deepest byte below device_path's own frame
 *                            during the calls to NAME: the library, the I/O
 *                            callbacks and the C library leaves (memcpy,
 *                            strlen) they reach;
 *   stack-below-caller N     the deepest of those;
 *   stack-caller-frame N     device_path's own frame (the window, the answer
 *                            storage, the exchange state);
 *   stack-whole N            from the top of the stack (reset, main and all);
 * and RESULT lines for what the exchange must have done. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "test.h"
#include "cortexm/cortexm.h"

#include "example.h"
static const odeus_request example_request = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config, NULL };

typedef struct mem_io {
  char sent[1024];      /* the request, as it went out */
  size_t sent_len;      /* bytes accepted (even past sent's capacity) */
  size_t served;        /* answer bytes handed out */
  size_t max_read;      /* the largest read asked for */
} mem_io;

static int mem_send(void *ctx, const unsigned char *buf, size_t len)
{
  mem_io *m = (mem_io *)ctx;
  size_t room = sizeof m->sent - (m->sent_len < sizeof m->sent ? m->sent_len : sizeof m->sent);
  memcpy(m->sent + (sizeof m->sent - room), buf, len < room ? len : room);
  m->sent_len += len;
  return (int)len;
}

static int mem_recv(void *ctx, unsigned char *buf, size_t len)
{
  mem_io *m = (mem_io *)ctx;
  size_t left = sizeof example_answer - 1 - m->served;
  size_t n = len < 64 ? len : 64;
  if (len > m->max_read) m->max_read = len;
  if (n > left) n = left;
  memcpy(buf, example_answer + m->served, n);
  m->served += n;
  return (int)n;
}

static mem_io io_state;
static uintptr_t caller_sp;

/* The deepest stack of each library call, below the caller's frame. */
enum { VALIDATE, BEGIN, RUN, END, CALLS };
static const char *const call_name[CALLS] = {
  "odeus_validate_config", "odeus_exchange_begin", "odeus_exchange_run", "odeus_exchange_end"
};
static unsigned long call_depth[CALLS], call_count[CALLS];
static uintptr_t lowest = UINTPTR_MAX;
#define MEASURED(which, call) \
  (cortexm_stack_paint(), measured_end(which, (call)))
static int measured_end(int which, int value)
{
  uintptr_t low = cortexm_stack_lowest();
  unsigned long d = (unsigned long)(caller_sp - low);
  if (low < lowest) lowest = low;
  if (d > call_depth[which]) call_depth[which] = d;
  call_count[which]++;
  return value;
}
static odeus_result result;
static int valid;
static size_t field_count;
static char slugs[32];

/* What a firmware writes: validate, then the one-call exchange. Its frame
 * holds what the caller provides; noinline so that frame is its own. */
static __attribute__((noinline)) void device_path(void)
{
  odeus_problem problem[4];
  odeus_problems problems;
  odeus_io io;
  odeus_exchange x;
  odeus_answer answer;
  odeus_answer_field fields[4];
  char strings[512];
  unsigned char window[256];
  uintptr_t sp;
  CORTEXM_SP(sp);
  caller_sp = sp;
  problems.items = problem;
  problems.capacity = 4;
  problems.count = 0;
  valid = MEASURED(VALIDATE, odeus_validate_config(example_request.config, &problems)) == ODEUS_OK &&
          problems.count == 0;
  memset(&answer, 0, sizeof answer);
  answer.fields = fields;
  answer.field_capacity = 4;
  answer.strings = strings;
  answer.strings_capacity = sizeof strings;
  io.send = mem_send;
  io.recv = mem_recv;
  io.ctx = &io_state;
  result = (odeus_result)MEASURED(BEGIN, odeus_exchange_begin(&x, &example_request, &answer, window, sizeof window));
  if (result == ODEUS_OK) {
    do result = (odeus_result)MEASURED(RUN, odeus_exchange_run(&x, &io));
    while (result == ODEUS_WANT_READ || result == ODEUS_WANT_WRITE);
  }
  (void)MEASURED(END, (odeus_exchange_end(&x), 0));
  field_count = answer.field_count;
  if (field_count == 2 && fields[0].slug.len + fields[1].slug.len + 2 < sizeof slugs) {
    memcpy(slugs, fields[0].slug.ptr, fields[0].slug.len);
    slugs[fields[0].slug.len] = ',';
    memcpy(slugs + fields[0].slug.len + 1, fields[1].slug.ptr, fields[1].slug.len);
  }
}

int main(void)
{
  uintptr_t main_sp;
  unsigned long deepest = 0;
  int i;
  static const char head[] = "PATCH /integrations/v1/" EXAMPLE_ID "/auth HTTP/1.1\r\n";
  CORTEXM_SP(main_sp);
  device_path();
  for (i = 0; i < CALLS; i++) {
    printf("stack-call %s %lu %lu\n", call_name[i], call_depth[i], call_count[i]);
    if (call_depth[i] > deepest) deepest = call_depth[i];
  }
  printf("stack-below-caller %lu\n", deepest);
  printf("stack-caller-frame %lu\n", (unsigned long)(main_sp - caller_sp));
  printf("stack-whole %lu\n", (unsigned long)(cortexm_stack_top() - lowest));
  CHECK(deepest > 0 && call_count[RUN] > 0);
  CHECK(valid);
  CHECK_EQ_INT(result, ODEUS_OK);
  CHECK(io_state.sent_len > sizeof head && io_state.sent_len <= sizeof io_state.sent);
  CHECK_MEM(io_state.sent, sizeof head - 1, head, sizeof head - 1);
  CHECK_EQ_INT(io_state.served, sizeof example_answer - 1);
  CHECK(io_state.max_read <= 256);
  CHECK_EQ_INT(field_count, 2);
  CHECK_STR(slugs, "api_key,base_url");
  return TEST_END();
}
