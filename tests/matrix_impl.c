/* Compile matrix, translation unit 1 of 3: the implementation. The header is
 * included three times, as an application's own headers would: declarations
 * first, then with ODEUS_AUTH_IMPLEMENTATION, then once more; nothing may be
 * defined twice. Built by tests/steps.d/20_matrix.sh. */
#include "odeus_auth.h"
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "odeus_auth.h"
