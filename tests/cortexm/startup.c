/* Startup and C library glue for the test programs run on QEMU's mps2-an385
 * and mps2-an386 boards (tests/qemu.sh), with newlib and no crt0:
 *   - the vector table (initial stack pointer, reset, the fault handlers);
 *   - reset: .data copied, .bss zeroed, the stack painted, the core's traps
 *     set (below), stdout given a static buffer, main run, exit;
 *   - the system calls newlib needs, over Arm semihosting (QEMU's
 *     -semihosting-config enable=on,target=native): output through
 *     SYS_WRITE0, the exit status through SYS_EXIT_EXTENDED;
 *   - no heap: _sbrk says so and ends the program with status 99, as
 *     tests/noheap.c does on the host (newlib's stdio allocates nothing once
 *     stdout has a buffer; stderr is unbuffered);
 *   - at exit, the stack's high-water mark on the console ("cortexm: stack
 *     N of M bytes"), and status 98 when the lowest word of the stack was
 *     written (the stack overflowed, or came within 4 bytes of it);
 *   - a fault prints the exception, pc, lr and fault status registers
 *     ("cortexm: fault ...") and ends the program with status 70.
 * Built with -mcpu=cortex-m0 (Armv6-M), it sets CCR.UNALIGN_TRP at reset:
 * QEMU's mps2-an385 has a Cortex-M3 core, which would otherwise do the
 * unaligned word and halfword accesses a Cortex-M0 cannot, so with the trap
 * set any such access faults as it would on a Cortex-M0. Built for Armv7-M,
 * it sets CCR.DIV_0_TRP: a division by zero faults instead of giving 0. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cortexm.h"

extern uint32_t __stack_bottom[], __stack_top[];
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start__[], __bss_end__[];
int main(void);
void __libc_init_array(void);

#define PAINT 0xC5A55A3Cu /* four distinct bytes: a stored word rarely matches */
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)
#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP (1u << 4)

/* ---- semihosting ---------------------------------------------------------- */
#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023

static int semihost(int op, const void *arg)
{
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static void console(const char *s, size_t n)
{
  char chunk[65];
  while (n > 0) {
    size_t k = n < sizeof chunk - 1 ? n : sizeof chunk - 1;
    memcpy(chunk, s, k);
    chunk[k] = '\0';
    (void)semihost(SYS_WRITE0, chunk);
    s += k;
    n -= k;
  }
}

static void console_str(const char *s) { console(s, strlen(s)); }

static void console_hex(uint32_t v)
{
  char b[11];
  int i;
  b[0] = '0';
  b[1] = 'x';
  for (i = 0; i < 8; i++) b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15u];
  b[10] = '\0';
  console_str(b);
}

static void console_dec(uint32_t v)
{
  char b[11];
  int i = 10;
  b[i] = '\0';
  do { b[--i] = (char)('0' + v % 10u); v /= 10u; } while (v);
  console_str(b + i);
}

__attribute__((noreturn)) void _exit(int status);
void _exit(int status)
{
  uint32_t block[2];
  block[0] = ADP_STOPPED_APPLICATION_EXIT;
  block[1] = (uint32_t)status;
  (void)semihost(SYS_EXIT_EXTENDED, block);
  /* A host without the extension: only success or failure gets through. */
  (void)semihost(SYS_EXIT, (const void *)(uintptr_t)(status ? ADP_STOPPED_RUN_TIME_ERROR : ADP_STOPPED_APPLICATION_EXIT));
  for (;;) continue;
}

/* ---- newlib's system calls ------------------------------------------------ */
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _lseek(int fd, int off, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _kill(int pid, int sig);
int _getpid(void);
void *_sbrk(ptrdiff_t incr);
void _init(void);
void _fini(void);

int _write(int fd, const char *buf, int len)
{
  if (fd != 1 && fd != 2) { errno = EBADF; return -1; }
  console(buf, (size_t)len);
  return len;
}
int _read(int fd, char *buf, int len) { (void)fd; (void)buf; (void)len; return 0; }
int _close(int fd) { (void)fd; errno = EBADF; return -1; }
int _lseek(int fd, int off, int whence) { (void)fd; (void)off; (void)whence; return 0; }
int _fstat(int fd, struct stat *st) { (void)fd; memset(st, 0, sizeof *st); st->st_mode = S_IFCHR; return 0; }
int _isatty(int fd) { (void)fd; return 1; }
int _kill(int pid, int sig) { (void)pid; (void)sig; errno = EINVAL; return -1; }
int _getpid(void) { return 1; }
void _init(void) {}
void _fini(void) {}

void *_sbrk(ptrdiff_t incr)
{
  (void)incr;
  console_str("noheap: heap call: sbrk\n");
  _exit(99);
}

/* ---- the stack ------------------------------------------------------------ */
uintptr_t cortexm_stack_bottom(void) { return (uintptr_t)__stack_bottom; }
uintptr_t cortexm_stack_top(void) { return (uintptr_t)__stack_top; }

/* Paints [bottom, sp): below this function's own frame, so nothing live. */
__attribute__((noinline)) void cortexm_stack_paint(void)
{
  uint32_t *p = __stack_bottom, *sp;
  CORTEXM_SP(sp);
  while (p < sp) *p++ = PAINT;
}

uintptr_t cortexm_stack_lowest(void)
{
  const unsigned char *p = (const unsigned char *)__stack_bottom;
  const unsigned char *top = (const unsigned char *)__stack_top;
  uint32_t pattern = PAINT;
  const unsigned char *want = (const unsigned char *)&pattern;
  for (; p < top; p++)
    if (*p != want[(uintptr_t)p & 3u]) break;
  return (uintptr_t)p;
}

static void stack_report(void)
{
  uint32_t size = (uint32_t)(cortexm_stack_top() - cortexm_stack_bottom());
  uint32_t used = (uint32_t)(cortexm_stack_top() - cortexm_stack_lowest());
  console_str("cortexm: stack ");
  console_dec(used);
  console_str(" of ");
  console_dec(size);
  console_str(" bytes\n");
  if (__stack_bottom[0] != PAINT) {
    console_str("cortexm: stack overflow (its lowest word was written)\n");
    _exit(98);
  }
}

/* ---- faults --------------------------------------------------------------- */
void cortexm_fault_report(const uint32_t *frame);
void cortexm_fault_report(const uint32_t *frame)
{
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  console_str("cortexm: fault: exception ");
  console_dec(ipsr & 0x1ffu);
  console_str(", pc ");
  console_hex(frame[6]);
  console_str(", lr ");
  console_hex(frame[5]);
  /* The fault status registers exist on the Armv7-M cores both boards have. */
  console_str(", CFSR ");
  console_hex(SCB_CFSR);
  console_str(", HFSR ");
  console_hex(SCB_HFSR);
  console_str(", MMFAR ");
  console_hex(SCB_MMFAR);
  console_str(", BFAR ");
  console_hex(SCB_BFAR);
  console_str("\n");
  _exit(70);
}

/* The exception frame is on the main stack (no thread uses the process one). */
__attribute__((naked)) static void fault_handler(void)
{
  __asm__ volatile("mrs r0, msp\n\t"
                   "ldr r1, =cortexm_fault_report\n\t"
                   "bx r1\n\t"
                   ".ltorg");
}

/* ---- reset ---------------------------------------------------------------- */
static char stdout_buf[1024];

__attribute__((noreturn)) void cortexm_reset(void);
void cortexm_reset(void)
{
  uint32_t *s = __data_load, *d = __data_start;
  while (d < __data_end) *d++ = *s++;
  for (d = __bss_start__; d < __bss_end__;) *d++ = 0;
  cortexm_stack_paint();
#if defined(__ARM_ARCH_6M__)
  SCB_CCR |= CCR_UNALIGN_TRP;
#else
  SCB_CCR |= CCR_DIV_0_TRP;
#endif
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  setvbuf(stdout, stdout_buf, _IOLBF, sizeof stdout_buf);
  __libc_init_array();
  {
    int status = main();
    fflush(stdout);
    stack_report();
    exit(status);
  }
}

typedef void (*cortexm_vector)(void);
__attribute__((section(".vectors"), used)) static const cortexm_vector vectors[16] = {
  (cortexm_vector)(uintptr_t)__stack_top, /* not a function: the initial stack pointer */
  cortexm_reset,
  fault_handler, /* NMI */
  fault_handler, /* HardFault */
  fault_handler, /* MemManage */
  fault_handler, /* BusFault */
  fault_handler, /* UsageFault */
  0, 0, 0, 0,
  fault_handler, /* SVCall */
  fault_handler, /* DebugMonitor */
  0,
  fault_handler, /* PendSV */
  fault_handler  /* SysTick */
};
