/* lwIP's OS types for an RTOS port (test code: types only, to compile). */
#ifndef ODEUS_TEST_LWIP_SYS_ARCH_H
#define ODEUS_TEST_LWIP_SYS_ARCH_H
typedef void *sys_sem_t;
typedef void *sys_mutex_t;
typedef void *sys_mbox_t;
typedef void *sys_thread_t;
typedef unsigned sys_prot_t;
#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL NULL
#define sys_sem_valid(s) ((s) != NULL && *(s) != NULL)
#define sys_sem_set_invalid(s) do { if ((s) != NULL) *(s) = NULL; } while (0)
#define sys_mutex_valid(m) sys_sem_valid(m)
#define sys_mutex_set_invalid(m) sys_sem_set_invalid(m)
#define sys_mbox_valid(m) sys_sem_valid(m)
#define sys_mbox_set_invalid(m) sys_sem_set_invalid(m)
#endif
