/* Board support for the test programs run on QEMU's mps2-an385/mps2-an386
 * boards (tests/qemu.sh): what a program can ask of tests/cortexm/startup.c.
 * The whole stack is painted with a pattern at reset; a program can paint it
 * again below its own frame and later find the deepest byte written. */
#ifndef ODEUS_TEST_CORTEXM_H
#define ODEUS_TEST_CORTEXM_H
#include <stdint.h>

/* The stack pointer of the caller. */
#define CORTEXM_SP(v) __asm__ volatile("mov %0, sp" : "=r"(v))

/* The stack region (from the linker script): [bottom, top). */
uintptr_t cortexm_stack_bottom(void);
uintptr_t cortexm_stack_top(void);
/* Paints the stack below the caller's frame again. */
void cortexm_stack_paint(void);
/* The lowest stack address written since the last paint (the stack's top
 * when nothing was). */
uintptr_t cortexm_stack_lowest(void);
#endif
