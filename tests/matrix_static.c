/* Compile matrix, translation unit 2 of 3: a private copy of the library
 * (ODEUS_AUTH_STATIC), linked beside the public one of tests/matrix_impl.c
 * without a duplicate symbol. Built by tests/steps.d/20_matrix.sh. */
#define ODEUS_AUTH_STATIC
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "odeus_auth.h"

#ifdef __cplusplus
extern "C" int matrix_static_check(void);
#endif
int matrix_static_check(void);

/* Uses the private copy: 0 when it answers as the public one must. */
int matrix_static_check(void)
{
  static const char id[] = "550e8400-e29b-41d4-a716-446655440000";
  if (odeus_validate_id(id, sizeof id - 1) != ODEUS_OK) return 1;
  if (odeus_validate_id(id, sizeof id - 2) == ODEUS_OK) return 2;
  return 0;
}
